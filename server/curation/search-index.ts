/**
 * The full-text index of the reasoning (table TraceSearch), built in the background (issue #13).
 *
 * A bulk insert into "Trace" (an import batch of more than 10 rows, the seed) only queues its traces in
 * `TraceSearchPending` (trigger of migration 20261207152738_trace_search_background): building ~500 lexemes
 * per trace and inserting them into the GIN index inside the import cost it 5–10× its throughput. The
 * `index-trace-search` job (jobs/index-trace-search.ts), queued after each import, drains that queue in
 * batches ({@link indexPendingTraces}). Small inserts and changed reasonings are indexed by the triggers in
 * the same statement; deleted traces leave both tables.
 *
 * While a dataset still has queued traces its reasoning search is partial: {@link reasoningIndexStatus} says
 * how far indexing got, and traces.ts labels the results and the total as covering the indexed traces only.
 */
import type { PrismaClient } from "../db/client";

/**
 * How far the reasoning of a dataset's traces is indexed: `complete` when none is waiting, else `indexed`
 * (searchable: total − waiting) of `total` traces.
 */
export type ReasoningIndexStatus = { complete: true } | { complete: false; indexed: number; total: number };

/** Target duration of one indexing statement: long enough to amortize, short enough not to hold up others. */
const TARGET_BATCH_MS = 150;
const MIN_BATCH = 20;
const MAX_BATCH = 2000;

/**
 * Indexes up to `limit` queued traces of a dataset in one statement (vectors stored, queue rows deleted,
 * atomically). Returns how many queue rows it took (0: the dataset's queue is empty, or another job holds
 * the rest).
 */
export async function indexPendingBatch(db: PrismaClient, datasetId: string, limit: number): Promise<number> {
  const [r] = await db.$queryRaw<{ n: number }[]>`SELECT sprint_index_pending_traces(${datasetId}, ${limit}::int) AS n`;
  return r?.n ?? 0;
}

/**
 * Drains a dataset's queue: batches sized to take about {@link TARGET_BATCH_MS} each (on the embedded
 * database a statement blocks every other connection, so batches stay short there too). `onBatch` sees the
 * running total after each batch (progress, cancellation: it may throw to stop). Returns how many it indexed.
 */
export async function indexPendingTraces(
  db: PrismaClient,
  datasetId: string,
  opts: {
    initialBatch?: number;
    maxBatches?: number;
    onBatch?: (indexed: number) => Promise<void> | void;
    /** Target duration of one batch (default {@link TARGET_BATCH_MS}). */
    targetBatchMs?: number;
    /** Pause after each batch, as a multiple of its duration (default 0: none). See {@link INDEX_PACING}. */
    pauseRatio?: number;
  } = {},
): Promise<number> {
  const target = opts.targetBatchMs ?? TARGET_BATCH_MS;
  let batch = opts.initialBatch ?? 100;
  let done = 0;
  for (let i = 0; opts.maxBatches === undefined || i < opts.maxBatches; i++) {
    const t0 = performance.now();
    const n = await indexPendingBatch(db, datasetId, batch);
    const ms = performance.now() - t0;
    if (n === 0) break;
    done += n;
    await opts.onBatch?.(done);
    if (opts.pauseRatio) await new Promise((r) => setTimeout(r, ms * opts.pauseRatio!));
    if (n === batch) {
      // Per-row cost of this batch → the next batch's size (smoothed; bounded).
      const perRow = ms / n;
      const want = Math.round(target / Math.max(perRow, 0.01));
      batch = Math.min(MAX_BATCH, Math.max(MIN_BATCH, Math.round((batch + want) / 2)));
    }
  }
  return done;
}

/**
 * Pacing per database mode. A Postgres server runs the web's queries beside an indexing statement; the embedded
 * database (PGlite) runs one statement at a time, so there a batch blocks every list request until it ends:
 * shorter batches, and an equal pause after each, keep the trace table responsive while an import is indexed
 * (at about half the indexing speed).
 */
export const INDEX_PACING = {
  server: { targetBatchMs: TARGET_BATCH_MS, pauseRatio: 0 },
  embedded: { targetBatchMs: 40, pauseRatio: 1 },
} as const;

/** Traces of a dataset still waiting for their reasoning to be indexed. */
export async function pendingCount(db: PrismaClient, datasetId: string): Promise<number> {
  const [r] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "TraceSearchPending" WHERE "datasetId" = ${datasetId}`;
  return r?.n ?? 0;
}

/**
 * How far the dataset's reasoning is indexed. Cheap when complete (one index probe); while indexing, two
 * counts (the queue and the dataset's traces, both index-only).
 */
export async function reasoningIndexStatus(db: PrismaClient, datasetId: string): Promise<ReasoningIndexStatus> {
  const [r] = await db.$queryRaw<{ waiting: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM "TraceSearchPending" WHERE "datasetId" = ${datasetId}) AS waiting`;
  if (!r?.waiting) return { complete: true };
  const [c] = await db.$queryRaw<{ pending: number; total: number }[]>`
    SELECT (SELECT count(*)::int FROM "TraceSearchPending" WHERE "datasetId" = ${datasetId}) AS pending,
           (SELECT count(*)::int FROM "Trace" WHERE "datasetId" = ${datasetId}) AS total`;
  const total = c?.total ?? 0;
  const pending = Math.min(total, c?.pending ?? 0);
  return pending === 0 ? { complete: true } : { complete: false, indexed: total - pending, total };
}
