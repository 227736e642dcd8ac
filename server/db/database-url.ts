/**
 * Resolves which Postgres the process uses: DATABASE_URL when set, otherwise the embedded PGlite that
 * `npm start` runs (its address is written to <data dir>/embedded.json while it runs).
 */
import fs from "node:fs";
import path from "node:path";

export type DbMode = "server" | "embedded";

export function embeddedInfoPath(): string {
  return path.resolve(process.env.SPRINT_DATA_DIR ?? ".data", "embedded.json");
}

export function dbMode(): DbMode {
  return process.env.SPRINT_DB_MODE === "embedded" ? "embedded" : process.env.DATABASE_URL ? "server" : "embedded";
}

export function resolveDatabaseUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const info = embeddedInfoPath();
  if (fs.existsSync(info)) {
    const { url } = JSON.parse(fs.readFileSync(info, "utf8")) as { url: string };
    return url;
  }
  throw new Error(
    "DATABASE_URL is not set and no embedded database is running. Start the app with `npm start` " +
      "(it runs an embedded Postgres under .data/), or set DATABASE_URL to a Postgres server.",
  );
}
