// Config for the Prisma 6.19 CLI, used only to run migrations (scripts/db.ts calls it by path).
// Loaded inside the CLI process only.
import { defineConfig } from "prisma6/config";
import { MigrationAdapterFactory } from "./scripts/migration-adapter";

// The 6.19 WASM schema engine leaves 10 s / 60 s timers armed, so `migrate dev` would idle ~60 s after
// finishing. In this (CLI) process only, long timers must not keep the process alive.
const originalSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const t = originalSetTimeout(fn, ms, ...args);
  if ((ms ?? 0) >= 5000 && typeof t === "object" && t && "unref" in t) t.unref();
  return t;
}) as typeof setTimeout;

const schema = process.env.SPRINT_PRISMA6_SCHEMA ?? "node_modules/.sprint/prisma6.schema.prisma";

export default defineConfig({
  schema,
  migrations: { path: "prisma/migrations" },
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set (scripts/db.ts sets it for the embedded database)");
    return new MigrationAdapterFactory(url, process.env.SPRINT_DB_MODE === "embedded");
  },
});
