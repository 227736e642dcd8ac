/**
 * `eval-item`: ONE problem × sample of an engine-backed eval run — an item job of the eval service (no Task
 * row; the run row carries progress). Creating a run writes one pending `EvalResult` per problem × sample
 * and one of these jobs per row, so any number of workers share a run.
 *
 * One attempt (each database step is one statement, no interactive transaction — safe on embedded PGlite):
 * 1. **Claim** the row (pending, or running after a dead attempt → running) while the run is queued/running.
 *    Then a fresh count of running rows on the run's endpoint (over every run and worker) enforces the
 *    run's `concurrency`: over it, the claim is undone and the job deferred (no attempt spent).
 * 2. **Generate** with the orchestrator (server/inference): SPRINT (eager / round-sync) or sequential; its
 *    events (no deltas) are kept so the sample opens in the playground's timeline.
 * 3. **Grade** with the core and stored human decisions, **record** the output, verdict and the paper's
 *    token metrics only while the run is active, bump the run's counters; the item that leaves no row
 *    pending or running finalizes the run (one conditional statement: exactly one finisher wins).
 * A stopping worker puts the row back (pending) and the job is released without spending an attempt; a
 * killed worker's job expires and is retried (the claim accepts `running`). Engine failures are retried
 * with backoff up to the run's `maxAttempts`, then the row is recorded failed (also by `giveUp`).
 */
import { z } from "zod";
import { prisma } from "../../db/client";
import { defineItemJob, JobDeferredError, WorkerStoppingError } from "../../jobs/job";
import { runSequential, runSprint, type CompletionEngine } from "../../inference";
import { coreItem } from "../benchmarks";
import { engineForEndpoint } from "../engine";
import { gradeOne, tokenizerFor } from "../grade";
import { evalParamsSchema, type EvalParams } from "../params";

export const EVAL_ITEM_KIND = "eval-item";

export const evalItemInput = z.strictObject({
  runId: z.string().min(1).max(64),
  resultId: z.string().min(1).max(64),
});
export type EvalItemInput = z.output<typeof evalItemInput>;

interface Claimed {
  endpointId: string | null;
  params: unknown;
  mode: string;
  workspaceId: string;
  sample: number;
  problemId: string;
  kind: string;
  question: string;
  answer: string;
  data: unknown;
}

async function claim({ runId, resultId }: EvalItemInput): Promise<Claimed | null> {
  const [c] = await prisma.$queryRaw<Claimed[]>`
    UPDATE "EvalResult" r SET status = 'running', attempts = r.attempts + 1, "startedAt" = now()
    FROM "EvalRun" e, "BenchmarkItem" i
    WHERE r.id = ${resultId} AND r."runId" = ${runId} AND e.id = r."runId" AND i.id = r."itemId"
      AND e.status IN ('queued', 'running') AND r.status IN ('pending', 'running')
    RETURNING e."endpointId", e.params, e.mode, e."workspaceId", r.sample, i."problemId", i.kind, i.question, i.answer, i.data`;
  if (!c) return null;
  await prisma.$executeRaw`UPDATE "EvalRun" SET status = 'running', "startedAt" = COALESCE("startedAt", now()) WHERE id = ${runId} AND status = 'queued'`;
  return c;
}

async function release(resultId: string, spendAttempt: boolean): Promise<void> {
  await prisma.$executeRaw`UPDATE "EvalResult" SET status = 'pending', attempts = attempts - ${spendAttempt ? 0 : 1} WHERE id = ${resultId} AND status = 'running'`;
}

/** Finalizes the run when no row is pending or running (conditional: exactly one caller wins). */
async function finalize(runId: string): Promise<void> {
  await prisma.$executeRaw`
    UPDATE "EvalRun" SET status = (CASE WHEN done = 0 AND failed > 0 THEN 'failed' ELSE 'succeeded' END)::"RunStatus", "finishedAt" = now(),
      error = CASE WHEN done = 0 AND failed > 0 THEN 'Every generation failed; see the samples for the errors.' ELSE error END
    WHERE id = ${runId} AND status = 'running'
      AND NOT EXISTS (SELECT 1 FROM "EvalResult" WHERE "runId" = ${runId} AND status IN ('pending', 'running'))`;
}

async function recordFailure(input: EvalItemInput, error: string): Promise<void> {
  const n = await prisma.$executeRaw`
    UPDATE "EvalResult" r SET status = 'failed', error = ${error.slice(0, 2000)}, "finishedAt" = now()
    FROM "EvalRun" e
    WHERE r.id = ${input.resultId} AND e.id = r."runId" AND e.status IN ('queued', 'running') AND r.status IN ('pending', 'running')`;
  if (n > 0) await prisma.$executeRaw`UPDATE "EvalRun" SET failed = failed + 1 WHERE id = ${input.runId}`;
  await finalize(input.runId);
}

// Engines per endpoint in this process (the endpoint row is re-read when it changes).
const engines = new Map<string, { stamp: number; engine: CompletionEngine }>();
async function engineOf(endpointId: string): Promise<CompletionEngine> {
  const ep = await prisma.endpoint.findUnique({ where: { id: endpointId } });
  if (!ep) throw new Error("The run's endpoint was deleted.");
  const cached = engines.get(endpointId);
  if (cached && cached.stamp === ep.updatedAt.getTime()) return cached.engine;
  const engine = engineForEndpoint(ep);
  engines.set(endpointId, { stamp: ep.updatedAt.getTime(), engine });
  return engine;
}

class RetryableEvalError extends Error {
  override readonly name = "RetryableEvalError";
}

async function generate(c: Claimed, params: EvalParams, engine: CompletionEngine, signal: AbortSignal) {
  const seed = params.seed === undefined ? undefined : params.seed + c.sample;
  const tokenizer = await tokenizerFor(params.tokenizer);
  const common = { temperature: params.temperature, ...(params.topP !== undefined ? { topP: params.topP } : {}), ...(seed !== undefined ? { seed } : {}), timeoutMs: params.timeoutMs, deltaEvents: false };
  if (c.mode === "sequential") {
    const r = await runSequential({ engine, question: c.question, signal, tokenizer, keepEvents: true, params: { ...common, maxTokens: params.maxTokens } });
    return { status: r.status, error: r.error, text: r.text, wallMs: r.metrics.wallMs, events: r.events ?? [] };
  }
  const r = await runSprint({
    engine,
    question: c.question,
    signal,
    tokenizer,
    keepEvents: true,
    params: { ...common, schedule: c.mode === "sprint-eager" ? "eager" : "round-sync", maxRounds: params.maxRounds, planner: { maxTokens: params.plannerMaxTokens }, executor: { maxTokens: params.executorMaxTokens } },
  });
  return { status: r.status, error: r.error, text: r.text, wallMs: r.metrics.wallMs, events: r.events ?? [] };
}

export const evalItemJob = defineItemJob({
  kind: EVAL_ITEM_KIND,
  input: evalItemInput,
  retry: { limit: 2, delaySeconds: 5, backoff: true },
  // Above the longest allowed generation (params.timeoutMs ≤ 55 min); also how long a killed worker's item
  // stays "running" before pg-boss expires it and another worker retries it.
  timeoutSeconds: 60 * 60,
  async handler({ input, signal, attempt, maxAttempts }) {
    const c = await claim(input);
    if (!c) return { skipped: true };
    const params = evalParamsSchema.parse(c.params ?? {});
    if (!c.endpointId) {
      await recordFailure(input, "The run has no endpoint.");
      return { failed: true };
    }
    // Concurrency per endpoint over every run and worker (this claim included).
    const [{ n } = { n: 0 }] = await prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM "EvalResult" r JOIN "EvalRun" e ON e.id = r."runId"
      WHERE e."endpointId" = ${c.endpointId} AND r.status = 'running' AND e.status IN ('queued', 'running')`;
    if (n > params.concurrency) {
      await release(input.resultId, false);
      throw new JobDeferredError(300 + Math.floor(Math.random() * 400), `endpoint at its limit (${n - 1}/${params.concurrency})`);
    }
    let out;
    try {
      const engine = await engineOf(c.endpointId);
      out = await generate(c, params, engine, signal);
      if (signal.aborted) throw signal.reason;
      if (out.status !== "completed") throw new RetryableEvalError(out.error ?? `generation ${out.status}`);
    } catch (err) {
      if (signal.aborted && signal.reason instanceof WorkerStoppingError) {
        await release(input.resultId, false);
        throw signal.reason;
      }
      const message = err instanceof Error ? err.message : String(err);
      if (attempt >= Math.min(maxAttempts, params.maxAttempts)) {
        await recordFailure(input, message);
        return { failed: true };
      }
      await release(input.resultId, true);
      throw err instanceof Error ? err : new Error(message);
    }
    const tokenizer = await tokenizerFor(params.tokenizer);
    const item = coreItem(c);
    const g = await gradeOne(prisma, c.workspaceId, item, out.text, tokenizer);
    const wallMs = Math.round(out.wallMs);
    const n2 = await prisma.$executeRaw`
      UPDATE "EvalResult" r SET status = 'done', verdict = ${g.verdict}, "autoVerdict" = ${g.autoVerdict}, "decidedBy" = ${g.decidedBy},
        extracted = ${g.extracted}, reason = ${g.reason}, output = ${out.text}, format = ${g.format},
        "sequentialTokens" = ${g.sequentialTokens}, "totalTokens" = ${g.totalTokens}, rounds = ${g.rounds}, "wallMs" = ${wallMs},
        events = ${JSON.stringify(out.events)}::jsonb, error = NULL, "finishedAt" = now()
      FROM "EvalRun" e
      WHERE r.id = ${input.resultId} AND e.id = r."runId" AND e.status IN ('queued', 'running') AND r.status = 'running'`;
    if (n2 > 0) await prisma.$executeRaw`UPDATE "EvalRun" SET done = done + 1 WHERE id = ${input.runId}`;
    await finalize(input.runId);
    return { verdict: g.verdict };
  },
  async giveUp(input, error) {
    await recordFailure(input, error);
  },
});
