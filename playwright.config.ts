import { defineConfig } from "@playwright/test";
import os from "node:os";
import path from "node:path";

const PORT = Number(process.env.E2E_PORT ?? 3100);
// A throw-away data dir: the embedded database (when DATABASE_URL is unset) starts empty for every run.
const dataDir = process.env.E2E_DATA_DIR ?? path.join(os.tmpdir(), `sprint-e2e-${process.pid}`);

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    command: "node --import tsx scripts/e2e-server.ts",
    url: `http://localhost:${PORT}/api/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      HOST: "127.0.0.1",
      SPRINT_DATA_DIR: dataDir,
      SPRINT_EMBEDDED_PORT: String(PORT + 10000),
      AUTH_SECRET: process.env.AUTH_SECRET ?? "e2e-secret-e2e-secret-e2e-secret-e2e",
      SPRINT_ENCRYPTION_KEY: process.env.SPRINT_ENCRYPTION_KEY ?? "1".repeat(64),
      SPRINT_BCRYPT_COST: "8",
      // Fine-tune pollers re-check the (fixture) provider often, so e2e jobs finish in seconds.
      SPRINT_FINETUNE_POLL_MS: "700",
    },
  },
});
