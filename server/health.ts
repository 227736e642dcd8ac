/**
 * Health report for `/api/health` and the `npm start` smoke test: database mode and reachability, queue
 * status, app version. Never throws; every check has a short timeout.
 */
import { prisma } from "./db/client";
import { dbMode, type DbMode } from "./db/database-url";
import { queueCounts } from "./jobs/queue";
import pkg from "../package.json" with { type: "json" };

/** What {@link getHealth} returns. */
export interface Health {
  status: "ok" | "degraded";
  db: { mode: DbMode; ok: boolean; latencyMs: number | null; error?: string };
  queue: { ok: boolean; queued: number; active: number; failed: number; error?: string };
  version: string;
}

/** Options of {@link getHealth}. */
export interface HealthOptions {
  /** Per-check timeout in ms (default 2000 for the database, 3000 for the queue, whose first call installs pg-boss). */
  dbTimeoutMs?: number;
  queueTimeoutMs?: number;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  p.catch(() => undefined); // a late rejection after the timeout is not unhandled
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The last non-empty line of an error message (Prisma's messages start with a multi-line preamble). */
function message(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n").map((l) => l.trim()).filter(Boolean).pop() ?? text;
}

/** Checks the database (SELECT 1) and the queue (job counts) in parallel. */
export async function getHealth(opts: HealthOptions = {}): Promise<Health> {
  const mode = dbMode();
  const dbCheck = (async (): Promise<Health["db"]> => {
    const t0 = performance.now();
    try {
      await withTimeout(
        (async () => prisma.$queryRaw`SELECT 1`)(),
        opts.dbTimeoutMs ?? 2000,
        "the database",
      );
      return { mode, ok: true, latencyMs: Math.round((performance.now() - t0) * 10) / 10 };
    } catch (err) {
      return { mode, ok: false, latencyMs: null, error: message(err) };
    }
  })();
  const queueCheck = (async (): Promise<Health["queue"]> => {
    try {
      const c = await withTimeout(queueCounts(), opts.queueTimeoutMs ?? 3000, "the job queue");
      return { ok: true, queued: c.queued, active: c.active, failed: c.failed };
    } catch (err) {
      return { ok: false, queued: 0, active: 0, failed: 0, error: message(err) };
    }
  })();
  const [db, queue] = await Promise.all([dbCheck, queueCheck]);
  return { status: db.ok && queue.ok ? "ok" : "degraded", db, queue, version: pkg.version };
}
