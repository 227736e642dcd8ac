/**
 * Runs the Prisma CLIs offline.
 *  - generate: Prisma 7 CLI, with PRISMA_SCHEMA_ENGINE_BINARY pointing at a stub (generate never runs it,
 *    but would try to download the native engine otherwise).
 *  - migrate deploy / migrate dev: Prisma 6.19 CLI (alias `prisma6`) with its WASM schema engine over
 *    our driver adapter (prisma6.config.ts), on a patched copy of the schema (6.19 needs a datasource url
 *    and a client-engine generator; Prisma 7 forbids that url in the real schema).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const CACHE = path.join(ROOT, "node_modules", ".sprint");
export const PRISMA6_SCHEMA = path.join(CACHE, "prisma6.schema.prisma");

export function writePrisma6Schema(): string {
  const src = fs.readFileSync(path.join(ROOT, "prisma", "schema.prisma"), "utf8");
  const patched = src
    .replace(/generator\s+client\s*\{[^}]*\}/, 'generator client {\n  provider   = "prisma-client-js"\n  engineType = "client"\n}')
    .replace(/datasource\s+db\s*\{[^}]*\}/, 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}');
  fs.mkdirSync(CACHE, { recursive: true });
  fs.writeFileSync(PRISMA6_SCHEMA, patched);
  return PRISMA6_SCHEMA;
}

function stubEngine(): string {
  fs.mkdirSync(CACHE, { recursive: true });
  const stub = path.join(CACHE, "schema-engine-stub.sh");
  if (!fs.existsSync(stub)) fs.writeFileSync(stub, "#!/bin/sh\necho 'schema engine stub: migrations run through the Prisma 6 CLI' >&2\nexit 1\n", { mode: 0o755 });
  return stub;
}

function run(args: string[], env: Record<string, string>, quiet: boolean): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const onData = (b: Buffer) => {
      output += b.toString();
      if (!quiet) process.stdout.write(b);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

export async function prismaGenerate(quiet = false): Promise<void> {
  const r = await run([path.join(ROOT, "node_modules/prisma/build/index.js"), "generate"], { PRISMA_SCHEMA_ENGINE_BINARY: stubEngine() }, quiet);
  if (r.code !== 0) throw new Error(`prisma generate failed:\n${r.output}`);
}

export interface MigrateOptions {
  url: string;
  embedded: boolean;
  quiet?: boolean;
}

async function prisma6(args: string[], opts: MigrateOptions): Promise<string> {
  writePrisma6Schema();
  const r = await run(
    [path.join(ROOT, "node_modules/prisma6/build/index.js"), ...args, "--config", path.join(ROOT, "prisma6.config.ts")],
    { DATABASE_URL: opts.url, SPRINT_DB_MODE: opts.embedded ? "embedded" : "server", SPRINT_PRISMA6_SCHEMA: PRISMA6_SCHEMA },
    opts.quiet ?? false,
  );
  if (r.code !== 0) throw new Error(`prisma ${args.join(" ")} failed:\n${r.output}`);
  return r.output;
}

/** Applies pending migrations from prisma/migrations (idempotent). */
export function migrateDeploy(opts: MigrateOptions): Promise<string> {
  return prisma6(["migrate", "deploy"], opts);
}

/**
 * Creates a migration from schema changes, non-interactively (the 6.19 `migrate dev` refuses to run without a
 * TTY whenever it wants a confirmation): applies pending migrations, diffs the migration history (replayed on a
 * shadow database) against prisma/schema.prisma, writes prisma/migrations/<timestamp>_<name>/migration.sql and
 * applies it. Returns the new folder, or null when the schema is already in sync.
 */
export async function migrateDev(opts: MigrateOptions & { name?: string; createOnly?: boolean }): Promise<string | null> {
  await migrateDeploy(opts);
  const schema = writePrisma6Schema();
  const sql = await prisma6(
    ["migrate", "diff", "--from-migrations", path.join(ROOT, "prisma/migrations"), "--to-schema-datamodel", schema, "--script"],
    { ...opts, quiet: true },
  );
  const body = sql.split("\n").filter((l) => !/^(Loaded Prisma config|Prisma config detected|Prisma schema loaded|Datasource "db"|WARNING|- url|The values from|We recommend)/.test(l)).join("\n").trim();
  if (!body || body === "-- This is an empty migration.") {
    if (!opts.quiet) console.log("Already in sync: no schema change.");
    return null;
  }
  const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const name = (opts.name ?? "change").toLowerCase().replace(/[^a-z0-9_]+/g, "_");
  const dir = path.join(ROOT, "prisma/migrations", `${stamp}_${name}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "migration.sql"), `${body}\n`);
  if (!opts.quiet) console.log(`Created ${path.relative(ROOT, dir)}/migration.sql`);
  if (!opts.createOnly) await migrateDeploy(opts);
  return dir;
}

export function migrateStatus(opts: MigrateOptions): Promise<string> {
  return prisma6(["migrate", "status"], opts);
}
