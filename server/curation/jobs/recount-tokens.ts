/**
 * `recount-tokens`: counts the reasoning tokens of every trace of a dataset with the real Qwen tokenizer
 * (`server/sprint/tokenizer.ts`) and stores, per trace:
 *
 * - `reasoningTokens` — tokens of the whole reasoning text;
 * - `lineTokens` — an array with one entry per line, where lines are the pieces of `reasoning.split("\n")`
 *   (so `lineTokens.length` = number of "\n" + 1, empty lines included) and entry i counts line i
 *   **including its trailing "\n"** (the last line has none). Summing a run of consecutive entries gives
 *   the tokens of those lines as they appear in the text; `sum(lineTokens)` equals `reasoningTokens` except
 *   where BPE merges across a line break (e.g. a blank line: "\n\n" is one token in the whole text but two
 *   here), so it can exceed it slightly;
 * - `tokenizer` — the tokenizer's name (e.g. "qwen3").
 *
 * With `onlyMissing` (what imports queue) only traces without counts are counted.
 * Traces are streamed in batches ordered by id (keyset pagination: never all in memory), counted in a
 * separate low-priority process (token-count-process.ts: the web server keeps its CPU) while the next batch
 * is read, and written back with one UPDATE per batch. Progress is reported after each batch. Re-running (a retry) recomputes and
 * overwrites the same values, so the job is idempotent.
 */
import { z } from "zod";
import { prisma } from "../../db/client";
import { startTokenCounter } from "./token-count-process";
import { defineJob, PermanentJobError } from "../../jobs/job";

/** Input of `recount-tokens`. */
export const recountTokensInput = z.strictObject({
  datasetId: z.string().min(1).max(64),
  /** Traces per batch (default 500). */
  batchSize: z.number().int().min(1).max(1000).optional(),
  /** Only traces without counts yet (what an import queues, so a 100k-trace dataset is not recounted per upload). */
  onlyMissing: z.boolean().optional(),
});

/** Result stored in `Task.result`. */
export type RecountTokensResult = {
  datasetId: string;
  traces: number;
  totalTokens: number;
  tokenizer: string;
};

/** Diagnostics of this process's last recount (bench/studio.ts): CPU time of the counting itself, and where it ran. */
export let lastRecount: { traces: number; countingCpuMs: number; countedIn: string } | null = null;

export { countReasoning } from "./token-count-process";

const DEFAULT_BATCH = 500;
/** From this many traces on, counting runs in the low-priority child process. */
const CHILD_PROCESS_FROM = 2000;
/** After counting at least this many traces, the job refreshes the planner statistics. */
const ANALYZE_AFTER = 5000;

/** The job definition (listed in server/job-kinds.ts). */
export const recountTokensJob = defineJob({
  kind: "recount-tokens",
  input: recountTokensInput,
  retry: { limit: 2, delaySeconds: 5, backoff: true },
  timeoutSeconds: 3600, // ~2,000 traces of 2–8 KB per second on one core (cached piece counts, see tokenizer.ts)
  async handler(ctx): Promise<RecountTokensResult> {
    const { datasetId } = ctx.input;
    const batchSize = ctx.input.batchSize ?? DEFAULT_BATCH;
    const dataset = await prisma.dataset.findFirst({
      where: { id: datasetId, workspaceId: ctx.task.workspaceId },
      select: { id: true },
    });
    if (!dataset) throw new PermanentJobError(`Dataset ${datasetId} does not exist in this workspace`);

    const scope = { datasetId, ...(ctx.input.onlyMissing ? { reasoningTokens: null } : {}) };
    const total = await prisma.trace.count({ where: scope });
    await ctx.reportProgress(0, "Loading the tokenizer");
    // A small batch is counted in-process: starting the counting process costs seconds.
    const counter = await startTokenCounter({ preferChild: total >= CHILD_PROCESS_FROM });
    try {
      let done = 0;
      let totalTokens = 0;
      await ctx.reportProgress(0, `Counting tokens of ${total} traces`);
      const fetchAfter = (cursor: string | undefined) =>
        prisma.trace.findMany({
          where: { ...scope, ...(cursor === undefined ? {} : { id: { gt: cursor } }) },
          orderBy: { id: "asc" },
          take: batchSize,
          select: { id: true, reasoning: true },
        });

      // Pipelined: while a batch is counted (in the counting process), the next one is read and the previous
      // one written (at most one write in flight).
      let batch = await fetchAfter(undefined);
      let write: Promise<unknown> = Promise.resolve();
      while (batch.length > 0) {
        ctx.throwIfAborted();
        const last = batch[batch.length - 1]!.id;
        const next = batch.length < batchSize ? Promise.resolve([]) : fetchAfter(last);
        next.catch(() => undefined);
        const counts = await counter.count(batch.map((t) => t.reasoning));
        const rows = batch.map((t, i) => ({ id: t.id, tokens: counts[i]!.reasoningTokens, lines: counts[i]!.lineTokens }));
        for (const r of rows) totalTokens += r.tokens;
        await write;
        // One statement per batch (no transaction needed: each row is written once, atomically).
        write = prisma.$executeRaw`
          UPDATE "Trace" AS t
          SET "reasoningTokens" = v.tokens, "lineTokens" = v.lines, "tokenizer" = ${counter.tokenizer}
          FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(id text, tokens int, lines jsonb)
          WHERE t.id = v.id AND t."datasetId" = ${datasetId}`;
        write.catch(() => undefined); // awaited before the next write and at the end
        done += batch.length;
        // Traces added while the job runs can make `done` exceed the initial count.
        await ctx.reportProgress(total === 0 ? 1 : Math.min(1, done / total), `Counted ${done} of ${Math.max(total, done)} traces`);
        batch = await next;
      }
      await write;
      if (done >= ANALYZE_AFTER) {
        // Fresh statistics right after a big import, so the trace table's plans (and the reasoning search's
        // selective/broad choice) see the new rows without waiting for autovacuum. Best effort.
        await prisma.$executeRawUnsafe(`ANALYZE "Trace", "TraceSearch"`).catch(() => undefined);
      }
      lastRecount = { traces: done, countingCpuMs: Math.round(counter.cpuMs()), countedIn: counter.mode };
      return { datasetId, traces: done, totalTokens, tokenizer: counter.tokenizer };
    } finally {
      counter.close();
    }
  },
});
