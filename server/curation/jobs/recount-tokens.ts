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
 * Traces are streamed in batches ordered by id (keyset pagination: never all in memory) and written back
 * with one UPDATE per batch. Progress is reported after each batch. Re-running (a retry) recomputes and
 * overwrites the same values, so the job is idempotent.
 */
import { z } from "zod";
import { prisma } from "../../db/client";
import { loadQwenTokenizer } from "../../sprint/tokenizer";
import type { Tokenizer } from "../../sprint/types";
import { defineJob, PermanentJobError } from "../../jobs/job";

/** Input of `recount-tokens`. */
export const recountTokensInput = z.strictObject({
  datasetId: z.string().min(1).max(64),
  /** Traces per batch (default 100). */
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

/** Token counts of one reasoning text (see the module comment for the line convention). */
export function countReasoning(tokenizer: Tokenizer, reasoning: string): { reasoningTokens: number; lineTokens: number[] } {
  const lines = reasoning.split("\n");
  const last = lines.length - 1;
  return {
    reasoningTokens: tokenizer.count(reasoning),
    lineTokens: lines.map((line, i) => tokenizer.count(i < last ? `${line}\n` : line)),
  };
}

const DEFAULT_BATCH = 100;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The job definition (listed in server/job-kinds.ts). */
export const recountTokensJob = defineJob({
  kind: "recount-tokens",
  input: recountTokensInput,
  retry: { limit: 2, delaySeconds: 5, backoff: true },
  timeoutSeconds: 3600, // each trace is encoded twice (whole + per line) at ~190k tokens/s: ~40k traces of 8k tokens per hour
  async handler(ctx): Promise<RecountTokensResult> {
    const { datasetId } = ctx.input;
    const batchSize = ctx.input.batchSize ?? DEFAULT_BATCH;
    const dataset = await prisma.dataset.findFirst({
      where: { id: datasetId, workspaceId: ctx.task.workspaceId },
      select: { id: true },
    });
    if (!dataset) throw new PermanentJobError(`Dataset ${datasetId} does not exist in this workspace`);

    await ctx.reportProgress(0, "Loading the tokenizer");
    const tokenizer = await loadQwenTokenizer();
    const scope = { datasetId, ...(ctx.input.onlyMissing ? { reasoningTokens: null } : {}) };
    const total = await prisma.trace.count({ where: scope });
    let done = 0;
    let totalTokens = 0;
    let cursor: string | undefined;
    await ctx.reportProgress(0, `Counting tokens of ${total} traces`);

    for (;;) {
      const batch = await prisma.trace.findMany({
        where: { ...scope, ...(cursor === undefined ? {} : { id: { gt: cursor } }) },
        orderBy: { id: "asc" },
        take: batchSize,
        select: { id: true, reasoning: true },
      });
      if (batch.length === 0) break;

      const rows: { id: string; tokens: number; lines: number[] }[] = [];
      for (const trace of batch) {
        ctx.throwIfAborted();
        const c = countReasoning(tokenizer, trace.reasoning);
        rows.push({ id: trace.id, tokens: c.reasoningTokens, lines: c.lineTokens });
        totalTokens += c.reasoningTokens;
        await yieldToEventLoop(); // an 8k-token trace takes ~40 ms: let timers (heartbeat, polling) run
      }
      // One statement per batch (no transaction needed: each row is written once, atomically).
      await prisma.$executeRaw`
        UPDATE "Trace" AS t
        SET "reasoningTokens" = v.tokens, "lineTokens" = v.lines, "tokenizer" = ${tokenizer.name}
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(id text, tokens int, lines jsonb)
        WHERE t.id = v.id AND t."datasetId" = ${datasetId}`;

      done += batch.length;
      cursor = batch[batch.length - 1]?.id;
      // Traces added while the job runs can make `done` exceed the initial count.
      await ctx.reportProgress(total === 0 ? 1 : Math.min(1, done / total), `Counted ${done} of ${Math.max(total, done)} traces`);
      if (batch.length < batchSize) break;
    }

    return { datasetId, traces: done, totalTokens, tokenizer: tokenizer.name };
  },
});
