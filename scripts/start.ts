/**
 * `npm start` (and `npm run dev` with --dev): one command from a fresh clone to a running app.
 *  1. Database: DATABASE_URL when set; otherwise an embedded Postgres (PGlite) on .data/pg, served on
 *     127.0.0.1:SPRINT_EMBEDDED_PORT (default 54329) for the app and the worker.
 *  2. Secrets: AUTH_SECRET / SPRINT_ENCRYPTION_KEY are generated into .data/ in embedded mode; with a
 *     database server AUTH_SECRET is required.
 *  3. Migrations, then the demo seed (empty database only; SPRINT_SEED_DEMO=0 disables it).
 *  4. `next build` when there is no build yet, then `next start` (or `next dev`) and the job worker
 *     (SPRINT_WORKER=off to run workers elsewhere with `npm run worker`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../server/db/embedded";
import { embeddedInfoPath } from "../server/db/database-url";
import { migrateDeploy } from "./prisma-cli";

const ROOT = path.resolve(import.meta.dirname, "..");
const dev = process.argv.includes("--dev");
const log = (msg: string) => console.log(`[sprint] ${msg}`);

if (fs.existsSync(path.join(ROOT, ".env"))) process.loadEnvFile(path.join(ROOT, ".env"));
process.env.NEXT_TELEMETRY_DISABLED = "1";

const dataDir = path.resolve(ROOT, process.env.SPRINT_DATA_DIR ?? ".data");
const children: ChildProcess[] = [];
let embedded: EmbeddedPostgres | undefined;
let stopping = false;

function fileSecret(name: string, make: () => string): string {
  const file = path.join(dataDir, name);
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const value = make();
  fs.writeFileSync(file, value, { mode: 0o600 });
  return value;
}

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)));
    if (embedded) {
      await embedded.stop().catch(() => undefined);
      fs.rmSync(embeddedInfoPath(), { force: true });
    }
  }
  process.exit(code);
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { cwd: ROOT, env, stdio: "inherit" });
    c.on("exit", (code) => resolve(code ?? 1));
  });
}

function supervise(name: string, args: string[], env: NodeJS.ProcessEnv) {
  const c = spawn(process.execPath, args, { cwd: ROOT, env, stdio: "inherit" });
  children.push(c);
  c.on("exit", (code, signal) => {
    if (stopping) return;
    log(`${name} exited (${signal ?? code}); stopping.`);
    void shutdown(code || 1);
  });
}

async function main() {
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  const env: NodeJS.ProcessEnv = { ...process.env };
  if (!env.DATABASE_URL) {
    const port = Number(env.SPRINT_EMBEDDED_PORT ?? 54329);
    log(`no DATABASE_URL: starting the embedded Postgres (PGlite) on ${path.join(dataDir, "pg")} …`);
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pg"), port });
    fs.writeFileSync(embeddedInfoPath(), JSON.stringify({ url: embedded.url, pid: process.pid }));
    env.DATABASE_URL = embedded.url;
    env.SPRINT_DB_MODE = "embedded";
    env.AUTH_SECRET ??= fileSecret("auth-secret", () => crypto.randomBytes(32).toString("base64url"));
    env.SPRINT_ENCRYPTION_KEY ??= fileSecret("encryption-key", () => crypto.randomBytes(32).toString("hex"));
    log(`embedded Postgres ready at ${embedded.url}`);
  } else {
    env.SPRINT_DB_MODE = "server";
    if (!env.AUTH_SECRET) {
      console.error(
        "[sprint] AUTH_SECRET is required when DATABASE_URL is set (production). Generate one with `openssl rand -base64 32` " +
          "and put it in .env or the environment. (Without DATABASE_URL, npm start uses the embedded database and generates a dev secret.)",
      );
      return shutdown(1);
    }
    if (!env.SPRINT_ENCRYPTION_KEY) log("warning: SPRINT_ENCRYPTION_KEY is not set; storing provider API keys will fail until it is.");
  }

  log("applying migrations …");
  await migrateDeploy({ url: env.DATABASE_URL, embedded: env.SPRINT_DB_MODE === "embedded", quiet: true });

  if (env.SPRINT_SEED_DEMO !== "0") {
    const { createPrismaClient } = await import("../server/db/client");
    const { seedDemo } = await import("../server/seed");
    const db = createPrismaClient(env.DATABASE_URL);
    const r = await seedDemo(db, { password: env.SPRINT_DEMO_PASSWORD });
    await db.$disconnect();
    if (r.created) {
      log("────────────────────────────────────────────────────────");
      log(`demo workspace created. Sign in as ${r.email} / ${r.password}`);
      log("────────────────────────────────────────────────────────");
    }
  }

  const nextBin = path.join(ROOT, "node_modules/next/dist/bin/next");
  const stale = dev ? null : buildStaleness();
  if (!dev && (stale !== null || env.SPRINT_REBUILD === "1")) {
    log(`${stale ?? "SPRINT_REBUILD=1"}: running next build (about a minute) …`);
    const code = await run(process.execPath, [nextBin, "build"], env);
    if (code !== 0) return shutdown(code);
  }

  const port = env.PORT ?? "3000";
  const host = env.HOST ?? "0.0.0.0";
  env.AUTH_URL ??= `http://localhost:${port}`;
  if (env.SPRINT_WORKER !== "off") supervise("worker", ["--import", "tsx", path.join(ROOT, "scripts/worker.ts")], env);
  supervise("web", [nextBin, dev ? "dev" : "start", "-p", port, "-H", host], env);
  log(`serving on http://localhost:${port} (${env.SPRINT_DB_MODE} database${env.SPRINT_WORKER === "off" ? ", no in-process worker" : ", worker running"})`);
}

main().catch((err: unknown) => {
  console.error("[sprint] failed to start:", err instanceof Error ? err.message : err);
  void shutdown(1);
});

/** Why the production build must be (re)made, or null when `.next/BUILD_ID` is newer than every source file. */
function buildStaleness(): string | null {
  // What the production build is made of: a change to any of these (newer than `.next/BUILD_ID`) needs a rebuild.
  const inputs = ["app", "components", "lib", "server", "package.json", "package-lock.json", "next.config.mjs", "postcss.config.mjs", "tsconfig.json"];
  const id = path.join(ROOT, ".next/BUILD_ID");
  if (!fs.existsSync(id)) return "no production build yet";
  const built = fs.statSync(id).mtimeMs;
  const newer = (p: string): string | null => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return null;
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p)) {
        if (e === "node_modules" || e.startsWith(".")) continue;
        const hit = newer(path.join(p, e));
        if (hit) return hit;
      }
      return null;
    }
    return st.mtimeMs > built ? p : null;
  };
  for (const input of inputs) {
    const hit = newer(path.join(ROOT, input));
    if (hit) return `sources changed since the last build (${path.relative(ROOT, hit)})`;
  }
  return null;
}
