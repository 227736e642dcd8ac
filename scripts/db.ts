/**
 * Database commands: `tsx scripts/db.ts generate | migrate | migrate-dev [--name N] [--create-only] | status`.
 * With DATABASE_URL unset they start the embedded Postgres on the .data/ directory for the duration.
 */
import { prismaGenerate, migrateDeploy, migrateDev, migrateStatus } from "./prisma-cli";
import { startEmbeddedPostgres, defaultDataDir } from "../server/db/embedded";

async function withDatabase<T>(fn: (url: string, embedded: boolean) => Promise<T>): Promise<T> {
  if (process.env.DATABASE_URL) return fn(process.env.DATABASE_URL, process.env.SPRINT_DB_MODE === "embedded");
  const pg = await startEmbeddedPostgres({ dataDir: defaultDataDir(), port: 0 });
  try {
    return await fn(pg.url, true);
  } finally {
    await pg.stop();
  }
}

async function main() {
  const [cmd, ...rest] = process.argv.slice(2);
  const flag = (name: string) => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  switch (cmd) {
    case "generate":
      await prismaGenerate();
      break;
    case "migrate":
      await withDatabase((url, embedded) => migrateDeploy({ url, embedded }));
      break;
    case "migrate-dev":
      await withDatabase((url, embedded) =>
        migrateDev({ url, embedded, name: flag("--name"), createOnly: rest.includes("--create-only") }),
      );
      break;
    case "status":
      await withDatabase((url, embedded) => migrateStatus({ url, embedded }));
      break;
    default:
      console.error("usage: tsx scripts/db.ts generate | migrate | migrate-dev [--name N] [--create-only] | status");
      process.exit(2);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
