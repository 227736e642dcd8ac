/**
 * Integration tests run against a real Postgres: DATABASE_URL when set (CI: a fresh database on the local
 * Postgres 15), otherwise an embedded in-memory PGlite served on a free port. Migrations are applied first.
 */
import type { TestProject } from "vitest/node";
import { migrateDeploy } from "../../scripts/prisma-cli";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../server/db/embedded";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    dbMode: "server" | "embedded";
  }
}

let embedded: EmbeddedPostgres | undefined;

export default async function setup(project: TestProject) {
  let url = process.env.DATABASE_URL;
  let mode: "server" | "embedded" = "server";
  if (!url) {
    embedded = await startEmbeddedPostgres({ dataDir: null, port: 0 });
    url = embedded.url;
    mode = "embedded";
  }
  await migrateDeploy({ url, embedded: mode === "embedded", quiet: true });
  project.provide("databaseUrl", url);
  project.provide("dbMode", mode);
  console.log(`[integration] database: ${mode} (${url.replace(/:[^:@/]*@/, ":***@")})`);
  return async () => {
    await embedded?.stop();
  };
}
