/**
 * `curation-run`: curates the pending traces of one CurationRun with the run's frozen pipeline config.
 * Traces run `config.concurrency` at a time; each finished trace is persisted at once (its row moves from
 * pending → running → kept | filtered | failed with the reason), so a killed or restarted worker resumes
 * with the rows still pending, and rows a dead attempt left "running" go back to pending first. Retryable
 * backend errors (HTTP 5xx/429, timeouts) are retried per trace with exponential backoff.
 */
import { z } from "zod";
import { prisma } from "../../db/client";
import { approxTokenizer, loadQwenTokenizer } from "../../sprint/tokenizer";
import { pipelineConfigSchema, type PipelineConfig } from "../../curation/config";
import { backendFor } from "../../curation/backends";
import { curateTrace, outcomeRowData, type CurationOutcome } from "../../curation/curate-trace";
import type { CurationBackend } from "../../curation/types";
import type { Tokenizer } from "../../sprint/types";
import { CancelledError, defineJob, PermanentJobError, WorkerStoppingError, JobTimeoutError } from "../job";

export const curationRunInput = z.strictObject({ runId: z.string().min(1).max(64) });

/**
 * A run works in time slices: after this long it hands the job back to the queue (no attempt spent) and any
 * worker continues with the rows still pending. Keeps each attempt well under the job's deadline, so a
 * worker killed with SIGKILL is noticed (deadline + 1 min) and the run resumes elsewhere within minutes.
 */
function sliceMs(): number {
  const s = Number(process.env.SPRINT_CURATION_SLICE_SECONDS ?? 600);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 600_000;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

async function curateWithRetries(
  trace: Parameters<typeof curateTrace>[0],
  backend: CurationBackend,
  config: PipelineConfig,
  tokenizer: Tokenizer,
  signal: AbortSignal,
): Promise<CurationOutcome> {
  let outcome: CurationOutcome | undefined;
  for (let attempt = 1; attempt <= config.maxAttempts; attempt++) {
    outcome = await curateTrace(trace, backend, config, tokenizer, signal);
    if (outcome.status !== "failed" || !outcome.retryable || signal.aborted) return outcome;
    await sleep(Math.min(30_000, 1000 * 2 ** (attempt - 1) * (0.5 + Math.random() / 2)), signal);
  }
  return outcome!;
}

async function finishCounts(runId: string) {
  const groups = await prisma.curatedTrajectory.groupBy({ by: ["curationStatus"], where: { runId }, _count: { _all: true } });
  const n = (s: string) => groups.find((g) => g.curationStatus === s)?._count._all ?? 0;
  return { kept: n("kept"), filtered: n("filtered"), failed: n("failed"), pending: n("pending") + n("running") };
}

export const curationRunJob = defineJob({
  kind: "curation-run",
  input: curationRunInput,
  retry: { limit: 3, delaySeconds: 5, backoff: true },
  timeoutSeconds: 20 * 60,
  async handler(ctx) {
    const { runId } = ctx.input;
    const run = await prisma.curationRun.findFirst({ where: { id: runId, dataset: { workspaceId: ctx.task.workspaceId } } });
    if (!run) throw new PermanentJobError(`Curation run ${runId} does not exist in this workspace`);
    if (run.status === "cancelled") throw new CancelledError();
    const parsed = pipelineConfigSchema.safeParse(run.config);
    if (!parsed.success) throw new PermanentJobError(`The run's pipeline config is invalid: ${parsed.error.message}`);
    const config = parsed.data;

    // Resume: rows a dead attempt left running go back to pending.
    await prisma.curatedTrajectory.updateMany({ where: { runId, curationStatus: "running" }, data: { curationStatus: "pending" } });
    await prisma.curationRun.update({ where: { id: runId }, data: { status: "running", startedAt: run.startedAt ?? new Date() } });

    let backend: CurationBackend;
    try {
      backend = await backendFor(config, ctx.task.workspaceId);
    } catch (err) {
      await prisma.curationRun.update({ where: { id: runId }, data: { status: "failed", finishedAt: new Date() } });
      throw new PermanentJobError(err instanceof Error ? err.message : String(err));
    }
    await ctx.reportProgress(0, "Loading the tokenizer");
    const tokenizer = config.tokenizer === "qwen" ? await loadQwenTokenizer() : approxTokenizer;

    const total = run.total;
    const initial = await finishCounts(runId);
    let done = total - initial.pending;
    const t0 = Date.now();
    let doneThisAttempt = 0;
    const report = () =>
      ctx.reportProgress(
        total ? done / total : 1,
        `${done}/${total} traces${doneThisAttempt ? ` · ${(doneThisAttempt / ((Date.now() - t0) / 1000)).toFixed(1)}/s` : ""}`,
      );

    const slice = sliceMs();
    let sliceUsed = false;
    try {
      await report();
      for (;;) {
        ctx.throwIfAborted();
        if (Date.now() - t0 > slice) {
          sliceUsed = true;
          break;
        }
        const batch = await prisma.curatedTrajectory.findMany({
          where: { runId, curationStatus: "pending" },
          orderBy: { id: "asc" },
          take: Math.max(8, config.concurrency * 4),
          select: {
            id: true,
            trace: { select: { id: true, question: true, reasoning: true, referenceSolution: true, referenceAnswer: true, reasoningTokens: true } },
          },
        });
        if (batch.length === 0) break;
        let next = 0;
        const lane = async () => {
          while (next < batch.length && Date.now() - t0 <= slice) {
            const row = batch[next++]!;
            ctx.throwIfAborted();
            await prisma.curatedTrajectory.update({ where: { id: row.id }, data: { curationStatus: "running" } });
            let outcome: CurationOutcome;
            try {
              outcome = await curateWithRetries(row.trace, backend, config, tokenizer, ctx.signal);
            } catch (err) {
              if (ctx.signal.aborted) throw err;
              outcome = { status: "failed", reason: `Unexpected error: ${err instanceof Error ? err.message : String(err)}`, retryable: false, lineCount: 0 };
            }
            ctx.throwIfAborted();
            await prisma.curatedTrajectory.update({ where: { id: row.id }, data: outcomeRowData(outcome) });
            done++;
            doneThisAttempt++;
            await report();
          }
        };
        await Promise.all(Array.from({ length: Math.min(config.concurrency, batch.length) }, lane));
      }
    } catch (err) {
      await prisma.curatedTrajectory.updateMany({ where: { runId, curationStatus: "running" }, data: { curationStatus: "pending" } });
      if (err instanceof CancelledError) {
        await prisma.curationRun.update({ where: { id: runId }, data: { status: "cancelled", finishedAt: new Date() } });
      } else if (!(err instanceof WorkerStoppingError) && !(err instanceof JobTimeoutError) && ctx.attempt >= ctx.maxAttempts) {
        await prisma.curationRun.update({ where: { id: runId }, data: { status: "failed", finishedAt: new Date() } });
      }
      throw err;
    }

    if (sliceUsed) {
      await ctx.reportProgress(total ? done / total : 1, `${done}/${total} traces · continuing in the next time slice`);
      throw new WorkerStoppingError("time slice used: the run continues at the next pickup");
    }
    const counts = await finishCounts(runId);
    if (counts.pending > 0) throw new WorkerStoppingError("rows still pending: the run continues at the next pickup");
    await prisma.curationRun.update({
      where: { id: runId },
      data: { status: "succeeded", finishedAt: new Date(), kept: counts.kept, filtered: counts.filtered, failed: counts.failed },
    });
    await ctx.reportProgress(1, `${counts.kept} kept · ${counts.filtered} filtered · ${counts.failed} failed`);
    return { runId, ...counts };
  },
});
