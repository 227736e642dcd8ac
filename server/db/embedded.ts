/**
 * Embedded Postgres: PGlite (PostgreSQL compiled to WASM) with a data directory, served over the
 * Postgres wire protocol on 127.0.0.1 so the app, the worker and the migration CLI all use a plain
 * DATABASE_URL. Used when DATABASE_URL is unset (`npm start` on a laptop) and by tests.
 *
 * Limitation (see ARCHITECTURE.md): the socket server runs one query at a time and holds other
 * connections while a transaction is open. {@link serializeExtendedProtocol} also holds them during an
 * extended-protocol exchange (Parse … Sync), which pglite-socket 0.2.17 interleaves across connections.
 */
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
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
  // pg_trgm backs the trace search's trigram indexes (the migration creates the extension when it loads).
  const extensions = { pg_trgm };
  const db = opts.dataDir ? await PGlite.create({ dataDir: opts.dataDir, extensions }) : await PGlite.create({ extensions });
  const server = new PGLiteSocketServer({
    db,
    host,
    port: opts.port ?? 0,
    maxConnections: opts.maxConnections ?? 64,
  });
  serializeExtendedProtocol(server);
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

/** Frontend messages that open or continue an extended-protocol exchange, which ends at Sync ('S'). */
const EXTENDED = new Set(["P", "B", "D", "E", "C", "H"].map((c) => c.charCodeAt(0)));

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(size: number): void;
  reject(err: Error): void;
  onData(data: Uint8Array): void;
}

interface QueueInternals {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

/**
 * pglite-socket (0.2.17) queues each protocol message of every connection on one PGlite session and keeps a
 * connection's messages together only inside a transaction block. node-postgres sends most queries as an
 * extended-protocol exchange — Parse, Bind, Describe, Execute, Sync — whose unnamed statement and portal live in
 * the session, so concurrent connections interleave them and get "unnamed prepared statement does not exist" or,
 * worse, another connection's rows. It also stops processing for good when one message throws.
 *
 * This replaces its queue loop (pinned version, checked by tests/integration/db.int.test.ts) so that once a
 * connection starts an exchange only that connection's messages run until its Sync, as in a transaction, and
 * a failing message is rejected without stalling the others.
 */
export function serializeExtendedProtocol(server: PGLiteSocketServer): void {
  const q = (server as unknown as { queryQueue?: QueueInternals }).queryQueue;
  if (!q || typeof q.processQueue !== "function" || !Array.isArray(q.queue)) {
    throw new Error("pglite-socket internals changed: review serializeExtendedProtocol in server/db/embedded.ts");
  }
  let pinned: number | null = null;
  q.processQueue = async function processQueue(this: QueueInternals) {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const owner = this.db.isInTransaction() && this.lastHandlerId !== null ? this.lastHandlerId : pinned;
        const i = owner === null ? 0 : this.queue.findIndex((m) => m.handlerId === owner);
        if (i === -1) break; // the owner's next message has not arrived yet: wait for it
        const m = this.queue.splice(i, 1)[0]!;
        let size = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(m.message, {
              onRawData: (data: Uint8Array) => {
                size += data.length;
                m.onData(data);
              },
            }),
          );
        } catch (err) {
          pinned = null;
          m.reject(err instanceof Error ? err : new Error(String(err)));
          continue;
        }
        this.lastHandlerId = m.handlerId;
        pinned = EXTENDED.has(m.message[0] ?? 0) ? m.handlerId : null;
        m.resolve(size);
      }
    } finally {
      this.processing = false;
    }
  };
  const clear = q.clearQueueForHandler.bind(q);
  q.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    if (pinned === handlerId) {
      pinned = null;
      void q.processQueue();
    }
  };
}
