/**
 * The app under test for Playwright. With DATABASE_URL set (CI), the e2e run gets a database of its own,
 * created fresh here (the integration tests leave rows in DATABASE_URL's database, and the demo seed only runs on
 * an empty one); without it, `npm start` uses a throw-away embedded database (SPRINT_DATA_DIR from the config).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { poolConfigFromUrl } from "../server/db/pg-config";

const ROOT = path.resolve(import.meta.dirname, "..");

async function freshDatabase(url: string, name: string): Promise<string> {
  const admin = new pg.Client(poolConfigFromUrl(url, "postgres"));
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

const env = { ...process.env };
if (env.DATABASE_URL) {
  const base = decodeURIComponent(new URL(env.DATABASE_URL).pathname.slice(1)) || "postgres";
  env.DATABASE_URL = await freshDatabase(env.DATABASE_URL, `${base}_e2e`.slice(0, 63));
  console.log(`[e2e] fresh database ${new URL(env.DATABASE_URL).pathname.slice(1)}`);
}
const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts/start.ts")], { cwd: ROOT, env, stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
