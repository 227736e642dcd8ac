/**
 * Embedded Postgres: PGlite (PostgreSQL compiled to WASM) with a data directory, served over the
 * Postgres wire protocol on 127.0.0.1 so the app, the worker and the migration CLI all use a plain
 * DATABASE_URL. Used when DATABASE_URL is unset (`npm start` on a laptop) and by tests.
 *
 * Limitation (see ARCHITECTURE.md): the socket server runs one query at a time and holds other
 * connections while a transaction is open.
 */
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgres {
  url: string;
  port: number;
  dataDir: string | null;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Data directory; null → in-memory (tests, shadow databases). */
  dataDir: string | null;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  maxConnections?: number;
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const host = opts.host ?? "127.0.0.1";
  if (opts.dataDir) fs.mkdirSync(opts.dataDir, { recursive: true });
  const db = opts.dataDir ? await PGlite.create({ dataDir: opts.dataDir }) : await PGlite.create();
  const server = new PGLiteSocketServer({
    db,
    host,
    port: opts.port ?? 0,
    maxConnections: opts.maxConnections ?? 64,
  });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === "EADDRINUSE") {
      throw new Error(
        `Embedded Postgres: port ${opts.port} on ${host} is already in use. Is another \`npm start\` running? ` +
          `Stop it, or set SPRINT_EMBEDDED_PORT to another port, or set DATABASE_URL to use a Postgres server.`,
      );
    }
    throw err;
  }
  const port = Number(server.getServerConn().split(":").pop());
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    port,
    dataDir: opts.dataDir,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

export function defaultDataDir(): string {
  return path.resolve(process.env.SPRINT_DATA_DIR ?? ".data", "pg");
}
