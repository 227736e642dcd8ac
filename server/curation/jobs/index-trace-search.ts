/**
 * `index-trace-search`: builds the full-text vectors of the reasoning of a dataset's queued traces
 * (TraceSearchPending → TraceSearch; see server/curation/search-index.ts), queued after every import. Batches of
 * ~150 ms each (one statement per batch: vectors stored and queue rows removed atomically; on the embedded
 * database ~40 ms with an equal pause, INDEX_PACING), so the web requests interleave and a cancelled or killed job loses at most one batch, which stays queued. Idempotent: a
 * retry continues with what is still queued; two jobs on one dataset share the queue (SKIP LOCKED).
 */
import { z } from "zod";
import { prisma } from "../../db/client";
import { dbMode } from "../../db/database-url";
import { defineJob, PermanentJobError } from "../../jobs/job";
import { INDEX_PACING, indexPendingTraces, pendingCount } from "../search-index";

export const indexTraceSearchInput = z.strictObject({
  datasetId: z.string().min(1).max(64),
});

export type IndexTraceSearchResult = { datasetId: string; indexed: number };

/** After indexing at least this many traces, the job refreshes TraceSearch's planner statistics. */
const ANALYZE_AFTER = 5000;

/** The job definition (listed in server/job-kinds.ts). */
export const indexTraceSearchJob = defineJob({
  kind: "index-trace-search",
  input: indexTraceSearchInput,
  retry: { limit: 3, delaySeconds: 5, backoff: true },
  timeoutSeconds: 3600,
  async handler(ctx): Promise<IndexTraceSearchResult> {
    const { datasetId } = ctx.input;
    const dataset = await prisma.dataset.findFirst({ where: { id: datasetId, workspaceId: ctx.task.workspaceId }, select: { id: true } });
    if (!dataset) throw new PermanentJobError(`Dataset ${datasetId} does not exist in this workspace`);
    const waiting = await pendingCount(prisma, datasetId);
    await ctx.reportProgress(0, `Indexing the reasoning of ${waiting} traces for search`);
    const indexed = await indexPendingTraces(prisma, datasetId, {
      ...INDEX_PACING[dbMode()],
      async onBatch(done) {
        ctx.throwIfAborted();
        // Rows queued by an import still running make `done` exceed the first count.
        await ctx.reportProgress(waiting === 0 ? 1 : Math.min(1, done / waiting), `Indexed the reasoning of ${done} of ${Math.max(waiting, done)} traces`);
      },
    });
    await ctx.reportProgress(1, indexed === 0 ? "Nothing left to index" : `Indexed the reasoning of ${indexed} traces`);
    if (indexed >= ANALYZE_AFTER) {
      // The reasoning search chooses its plan from TraceSearch's statistics (traces.ts planReasoning). Best effort.
      await prisma.$executeRawUnsafe(`ANALYZE "TraceSearch"`).catch(() => undefined);
    }
    return { datasetId, indexed };
  },
});
