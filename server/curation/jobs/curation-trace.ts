/**
 * `curation-trace`: ONE trace of one curation run — an item job (no Task row of its own). Creating a run
 * (server/curation/runs.ts) writes one pending CuratedTrajectory row per trace, one `curation-run` Task
 * (the user-visible progress) and one of these jobs per row, so any number of workers share a run.
 *
 * One attempt (every database step is ONE statement, no interactive transaction):
 * 1. **Claim**: the row becomes `running` (from pending, or from running after a dead attempt) only while the
 *    run is queued/running and its Task not cancelled, and returns the trace and the frozen config. Then a
 *    fresh count of the run's running rows (this claim included) enforces `config.concurrency` over ALL
 *    workers: over it, the claim is undone and the job deferred (back in the queue, no attempt spent). Two
 *    racing claimers may both back off, never both proceed. Skipped when the run is over or the row curated.
 * 2. **Curate** through the run's backend.
 * 3. **Record**: one statement locks the run row (so a cancellation is strictly before or after it), writes
 *    the outcome (kept | filtered | failed with the reason) if the run is still active and the row not
 *    curated yet, and adds it to the run's live counters. A cancelled run's late result is dropped (row back
 *    to pending). The item that brings the counters to `total` finalizes: one statement, conditional on the
 *    run being active and no row pending/running, moves the run (exact counts) and its Task (progress 1) to
 *    succeeded — exactly one finisher can win. Otherwise the Task's progress is bumped, at most once a
 *    second over all workers.
 *
 * Retryable backend failures (HTTP 5xx/429, timeouts) put the row back to pending and throw, so pg-boss
 * retries the job with backoff, up to the run's `maxAttempts`; the last one records `failed` with the
 * reason. A stopping worker puts the row back and the job is released without spending an attempt. When
 * the last attempt dies with its worker, the dead-letter consumer calls `giveUp`, which records `failed`.
 */
import { z } from "zod";
import { prisma } from "../../db/client";
import { Prisma } from "../../db/generated/client";
import { approxTokenizer, loadQwenTokenizer } from "../../sprint/tokenizer";
import { pipelineConfigSchema, type PipelineConfig } from "../config";
import { backendFor } from "../backends";
import { curateTrace, outcomeRowData, type CurationOutcome, type TraceForCuration } from "../curate-trace";
import type { CurationBackend } from "../types";
import { defineItemJob, JobDeferredError } from "../../jobs/job";
import { cancelItems } from "../../jobs/queue";

export const CURATION_TRACE_KIND = "curation-trace";

export const curationTraceInput = z.strictObject({
  runId: z.string().min(1).max(64),
  /** The run's CuratedTrajectory row for this trace. */
  rowId: z.string().min(1).max(64),
  /** The run's `curation-run` Task (progress, cancellation). */
  taskId: z.string().min(1).max(64),
});
export type CurationTraceInput = z.output<typeof curationTraceInput>;

/** At most one progress write per run per this many ms (over all workers). */
const PROGRESS_THROTTLE_MS = 1000;

class RetryableTraceError extends Error {
  override readonly name = "RetryableTraceError";
}

// Every database step below is ONE statement (no interactive transaction): atomic on Postgres, and safe on
// the embedded PGlite socket, which serializes statements but not transactions well (see ARCHITECTURE.md).

// ── per-process caches (a run's config is frozen, so its backend can be reused) ─────────────────────
const backends = new Map<string, Promise<CurationBackend>>();
function backendOf(runId: string, config: PipelineConfig, workspaceId: string): Promise<CurationBackend> {
  let p = backends.get(runId);
  if (!p) {
    if (backends.size >= 32) backends.delete(backends.keys().next().value as string);
    p = backendFor(config, workspaceId);
    backends.set(runId, p);
    p.catch(() => backends.delete(runId));
  }
  return p;
}
/** Traces of each run being curated by this process, and each run's limit once known: when this process alone
 * is at the limit, an item defers without asking the database. */
const localRunning = new Map<string, number>();
const knownLimits = new Map<string, number>();
function rememberLimit(runId: string, limit: number): void {
  if (!knownLimits.has(runId) && knownLimits.size >= 256) knownLimits.delete(knownLimits.keys().next().value as string);
  knownLimits.set(runId, limit);
}

interface ClaimedRow {
  runStatus: string;
  config: unknown;
  datasetId: string;
  workspaceId: string;
  traceId: string;
  question: string;
  reasoning: string;
  referenceSolution: string | null;
  referenceAnswer: string | null;
  reasoningTokens: number | null;
}

type Claim =
  | { type: "claimed"; config: PipelineConfig; workspaceId: string; trace: TraceForCuration }
  | { type: "skip"; reason: string }
  | { type: "defer"; running: number; limit: number }
  | { type: "cancelled" }
  | { type: "run-failed"; error: string };

/** Why a claim or a write changed nothing: the run's, its Task's and the row's state. */
async function stateOf({ runId, rowId, taskId }: CurationTraceInput) {
  const [st] = await prisma.$queryRaw<{ run: string | null; task: string | null; row: string | null; datasetId: string | null }[]>`
    SELECT (SELECT status::text FROM "CurationRun" WHERE id = ${runId}) AS run,
           (SELECT status::text FROM "Task" WHERE id = ${taskId}) AS task,
           (SELECT "curationStatus"::text FROM "CuratedTrajectory" WHERE id = ${rowId}) AS row,
           (SELECT "datasetId" FROM "CurationRun" WHERE id = ${runId}) AS "datasetId"`;
  return st ?? { run: null, task: null, row: null, datasetId: null };
}

/**
 * Claims the row (pending, or running after a dead attempt → running) while the run is active and its Task
 * not cancelled, returning the trace and the run's config. Then checks the run's limit with a fresh count
 * that includes this claim: over the limit → the claim is undone and the item deferred. Two racing claimers
 * may both back off, but never both proceed past the limit (each counts after its own claim is committed).
 */
async function claim(input: CurationTraceInput): Promise<Claim> {
  const { runId, rowId, taskId } = input;
  const [c] = await prisma.$queryRaw<ClaimedRow[]>`
    UPDATE "CuratedTrajectory" t SET "curationStatus" = 'running', "updatedAt" = now()
    FROM "CurationRun" r, "Dataset" d, "Trace" tr
    WHERE t.id = ${rowId} AND t."runId" = ${runId} AND r.id = t."runId" AND d.id = r."datasetId" AND tr.id = t."traceId"
      AND r.status IN ('queued', 'running') AND t."curationStatus" IN ('pending', 'running')
      AND NOT EXISTS (SELECT 1 FROM "Task" k WHERE k.id = ${taskId} AND k.status = 'cancelled')
    RETURNING r.status::text AS "runStatus", r.config, r."datasetId", d."workspaceId", tr.id AS "traceId", tr.question, tr.reasoning,
      tr."referenceSolution", tr."referenceAnswer", tr."reasoningTokens"`;
  if (!c) {
    const st = await stateOf(input);
    if (!st.run) return { type: "skip", reason: "the run no longer exists" };
    if (st.task === "cancelled" && (st.run === "queued" || st.run === "running")) {
      // Cancelled through its Task (tasks.cancel): the run follows.
      await prisma.curationRun.updateMany({ where: { id: runId, status: { in: ["queued", "running"] } }, data: { status: "cancelled", finishedAt: new Date() } });
      return { type: "cancelled" };
    }
    if (st.run !== "queued" && st.run !== "running") return { type: "skip", reason: `the run is ${st.run}` };
    if (!st.row) return { type: "skip", reason: "the row no longer exists" };
    return { type: "skip", reason: `already ${st.row}` };
  }
  const parsed = pipelineConfigSchema.safeParse(c.config);
  if (!parsed.success) {
    await releaseRow(rowId);
    return { type: "run-failed", error: `The run's pipeline config is invalid: ${parsed.error.message}` };
  }
  const limit = parsed.data.concurrency;
  const [{ n } = { n: 0 }] = await prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM "CuratedTrajectory"
    WHERE "datasetId" = ${c.datasetId} AND "curationStatus" = 'running' AND "runId" = ${runId}`;
  if (n > limit) {
    await releaseRow(rowId);
    return { type: "defer", running: n - 1, limit };
  }
  if (c.runStatus === "queued") {
    // First trace of the run: the run and its Task start (one statement, conditional on both).
    await prisma.$executeRaw`
      WITH r AS (UPDATE "CurationRun" SET status = 'running', "startedAt" = now() WHERE id = ${runId} AND status = 'queued' RETURNING 1)
      UPDATE "Task" SET status = 'running', "startedAt" = now(), attempts = 1, message = 'Curating', "updatedAt" = now()
      WHERE id = ${taskId} AND status = 'queued'`;
  }
  const trace: TraceForCuration = {
    id: c.traceId,
    question: c.question,
    reasoning: c.reasoning,
    referenceSolution: c.referenceSolution,
    referenceAnswer: c.referenceAnswer,
    reasoningTokens: c.reasoningTokens,
  };
  return { type: "claimed", config: parsed.data, workspaceId: c.workspaceId, trace };
}

/** A row this attempt claimed goes back to pending (stop, timeout, retry, deferral). */
async function releaseRow(rowId: string, reason?: string): Promise<void> {
  await prisma.curatedTrajectory.updateMany({
    where: { id: rowId, curationStatus: "running" },
    data: { curationStatus: "pending", ...(reason === undefined ? {} : { reason }) },
  });
}

/** After a cancellation: queued items are cancelled, rows left running go back to pending. */
async function afterCancel(runId: string): Promise<void> {
  await cancelItems(CURATION_TRACE_KIND, { runId });
  await prisma.curatedTrajectory.updateMany({ where: { runId, curationStatus: "running" }, data: { curationStatus: "pending" } });
}

/** A run-level failure (config invalid, endpoint gone): the run and its Task fail, the rest is not attempted. */
async function failRun({ runId, taskId }: CurationTraceInput, error: string): Promise<void> {
  const now = new Date();
  await prisma.curationRun.updateMany({ where: { id: runId, status: { in: ["queued", "running"] } }, data: { status: "failed", finishedAt: now } });
  await prisma.task.updateMany({ where: { id: taskId, status: { in: ["queued", "running"] } }, data: { status: "failed", error, message: "Failed", finishedAt: now } });
  await afterCancel(runId);
}

/**
 * Finalizes the run when no row is pending or running: ONE statement moves the run (conditional on it
 * being active: exactly one caller can win) to succeeded with the exact counts, and its Task to succeeded
 * (progress 1, result). Returns whether this call finalized.
 */
async function finalizeIfDone(runId: string, datasetId: string, taskId: string): Promise<boolean> {
  const won = await prisma.$queryRaw<{ id: string }[]>`
    WITH counts AS (
      SELECT count(*) FILTER (WHERE "curationStatus" = 'kept')::int AS kept,
             count(*) FILTER (WHERE "curationStatus" = 'filtered')::int AS filtered,
             count(*) FILTER (WHERE "curationStatus" = 'failed')::int AS failed
      FROM "CuratedTrajectory" WHERE "runId" = ${runId}
    ), fin AS (
      UPDATE "CurationRun" r SET status = 'succeeded', "finishedAt" = now(), kept = c.kept, filtered = c.filtered, failed = c.failed
      FROM counts c
      WHERE r.id = ${runId} AND r.status IN ('queued', 'running')
        AND NOT EXISTS (SELECT 1 FROM "CuratedTrajectory" WHERE "datasetId" = ${datasetId} AND "curationStatus" IN ('pending', 'running') AND "runId" = ${runId})
      RETURNING r.id, c.kept, c.filtered, c.failed
    ), task AS (
      UPDATE "Task" t SET status = 'succeeded', progress = 1, error = NULL, "finishedAt" = now(), "updatedAt" = now(),
        message = fin.kept || ' kept · ' || fin.filtered || ' filtered · ' || fin.failed || ' failed',
        result = jsonb_build_object('runId', fin.id, 'kept', fin.kept, 'filtered', fin.filtered, 'failed', fin.failed, 'pending', 0)
      FROM fin WHERE t.id = ${taskId} AND t.status IN ('queued', 'running')
      RETURNING 1
    )
    SELECT id FROM fin`;
  return won.length === 1;
}

type Recorded =
  | { type: "recorded"; done: number; total: number; startedAt: Date | null; finalized: boolean }
  | { type: "discarded"; cancelled: boolean }
  | { type: "stale" };

const JSON_COLUMNS = new Set(["steps", "dagEdges", "stages", "metrics"]);
const OUTCOME_COLUMNS = new Set(["curationStatus", "reason", "text", "sequentialTokens", "totalTokens", "stageCount", ...JSON_COLUMNS]);

/** The SET list of a row's outcome (the columns of `outcomeRowData`, shared with the demo seed). */
function outcomeSet(outcome: CurationOutcome): Prisma.Sql {
  const parts = Object.entries(outcomeRowData(outcome)).map(([col, value]) => {
    if (!OUTCOME_COLUMNS.has(col)) throw new Error(`outcomeRowData: unexpected column ${col}`);
    const name = Prisma.raw(`"${col}"`);
    if (col === "curationStatus") return Prisma.sql`${name} = ${value as string}::"CurationStatus"`;
    if (JSON_COLUMNS.has(col)) return Prisma.sql`${name} = ${JSON.stringify(value ?? null)}::jsonb`;
    return Prisma.sql`${name} = ${value ?? null}`;
  });
  return Prisma.join(parts, ", ");
}

/**
 * Stores a trace's outcome, once, in ONE statement: the run row is locked (so a concurrent cancellation is
 * strictly before or after), the row is written only while the run is active, its Task not cancelled and
 * the row not curated yet, and the run's counter of that outcome goes up with it. A stale or duplicate
 * delivery changes nothing; a late result of a cancelled run is dropped (the row goes back to pending).
 */
async function recordOutcome(input: CurationTraceInput, outcome: CurationOutcome): Promise<Recorded> {
  const { runId, rowId, taskId } = input;
  const [c] = await prisma.$queryRaw<{ total: number; kept: number; filtered: number; failed: number; startedAt: Date | null; datasetId: string }[]>`
    WITH run AS MATERIALIZED (
      SELECT id FROM "CurationRun"
      WHERE id = ${runId} AND status IN ('queued', 'running')
        AND NOT EXISTS (SELECT 1 FROM "Task" k WHERE k.id = ${taskId} AND k.status = 'cancelled')
      FOR UPDATE
    ), cur AS (
      UPDATE "CuratedTrajectory" SET ${outcomeSet(outcome)}, "updatedAt" = now()
      WHERE id = ${rowId} AND "runId" = ${runId} AND "curationStatus" IN ('pending', 'running') AND EXISTS (SELECT 1 FROM run)
      RETURNING "curationStatus"::text AS s
    )
    UPDATE "CurationRun" SET
      kept = kept + (SELECT count(*)::int FROM cur WHERE s = 'kept'),
      filtered = filtered + (SELECT count(*)::int FROM cur WHERE s = 'filtered'),
      failed = failed + (SELECT count(*)::int FROM cur WHERE s = 'failed')
    WHERE id = ${runId} AND EXISTS (SELECT 1 FROM cur)
    RETURNING total, kept, filtered, failed, "startedAt", "datasetId"`;
  if (c) {
    const done = c.kept + c.filtered + c.failed;
    const finalized = done >= c.total ? await finalizeIfDone(runId, c.datasetId, taskId) : false;
    if (!finalized) await bumpProgress(taskId, done, c.total, c.startedAt);
    return { type: "recorded", done, total: c.total, startedAt: c.startedAt, finalized };
  }
  const st = await stateOf(input);
  const runActive = st.run === "queued" || st.run === "running";
  if (runActive && st.task !== "cancelled") return { type: "stale" }; // the row was already curated (or is gone)
  await prisma.curatedTrajectory.updateMany({ where: { id: rowId, curationStatus: "running" }, data: { curationStatus: "pending" } });
  if (runActive) {
    await prisma.curationRun.updateMany({ where: { id: runId, status: { in: ["queued", "running"] } }, data: { status: "cancelled", finishedAt: new Date() } });
  }
  const cancelled = st.run === "cancelled" || st.task === "cancelled";
  if (cancelled) await afterCancel(runId);
  return { type: "discarded", cancelled };
}

/** Task progress from the run's counters, throttled over all workers through the Task's `updatedAt`. */
async function bumpProgress(taskId: string, done: number, total: number, startedAt: Date | null): Promise<void> {
  const seconds = startedAt ? (Date.now() - startedAt.getTime()) / 1000 : 0;
  const rate = seconds > 0 ? ` · ${(done / seconds).toFixed(1)}/s` : "";
  await prisma.task.updateMany({
    where: { id: taskId, status: { in: ["queued", "running"] }, updatedAt: { lt: new Date(Date.now() - PROGRESS_THROTTLE_MS) } },
    data: { progress: total ? Math.min(1, done / total) : 1, message: `${done}/${total} traces${rate}` },
  });
}

/**
 * Records a final failure for the row (the item will not be attempted again) and finalizes the run when
 * that was its last open row. Idempotent: a curated row, or an inactive run, is left alone.
 */
export async function giveUpTrace(input: CurationTraceInput, error: string): Promise<void> {
  await recordOutcome(input, { status: "failed", reason: error, retryable: false, lineCount: 0 });
}

async function handle(ctx: {
  input: CurationTraceInput;
  attempt: number;
  maxAttempts: number;
  signal: AbortSignal;
  throwIfAborted(): void;
}): Promise<{ outcome: string; reason?: string }> {
  const { input } = ctx;
  // This process's traces of the run (claims in progress included): at the run's limit → defer at once.
  const known = knownLimits.get(input.runId);
  const mine = localRunning.get(input.runId) ?? 0;
  if (known !== undefined && mine >= known) {
    throw new JobDeferredError(300 + Math.floor(Math.random() * 700), `this worker already curates ${mine} traces of the run (its limit)`);
  }
  localRunning.set(input.runId, mine + 1);
  const unreserve = () => {
    const left = (localRunning.get(input.runId) ?? 1) - 1;
    if (left > 0) localRunning.set(input.runId, left);
    else localRunning.delete(input.runId);
  };
  let c: Claim;
  try {
    c = await claim(input);
  } catch (err) {
    unreserve();
    throw err;
  }
  if (c.type !== "claimed") unreserve();
  switch (c.type) {
    case "skip":
      if (c.reason === "the row no longer exists") {
        // A trace deleted mid-run: its row went with it; the run may be complete without it.
        const st = await stateOf(input);
        if (st.datasetId) await finalizeIfDone(input.runId, st.datasetId, input.taskId);
      }
      return { outcome: "skipped", reason: c.reason };
    case "defer":
      rememberLimit(input.runId, c.limit);
      throw new JobDeferredError(500 + Math.floor(Math.random() * 1000), `the run has ${c.running} traces curating (its limit is ${c.limit})`);
    case "cancelled":
      await afterCancel(input.runId);
      return { outcome: "skipped", reason: "the run was cancelled" };
    case "run-failed":
      await failRun(input, c.error);
      return { outcome: "skipped", reason: c.error };
    case "claimed":
      break;
  }
  const { config } = c;
  rememberLimit(input.runId, config.concurrency);

  let outcome: CurationOutcome;
  const watch = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    const backend = await backendOf(input.runId, config, c.workspaceId).catch(async (err: unknown) => {
      // The endpoint is gone or unusable: every trace would fail the same way.
      const message = err instanceof Error ? err.message : String(err);
      await releaseRow(input.rowId);
      await failRun(input, message);
      return null;
    });
    if (!backend) return { outcome: "skipped", reason: "the run failed" };
    const tokenizer = config.tokenizer === "qwen" ? await loadQwenTokenizer() : approxTokenizer;
    // A trace that takes a while (LLM backend) watches its run: cancelling the run stops it mid-call.
    timer = setInterval(() => {
      void prisma.curationRun
        .findUnique({ where: { id: input.runId }, select: { status: true } })
        .then((r) => {
          if (!r || r.status === "cancelled") watch.abort(new Error("the run was cancelled"));
        })
        .catch(() => undefined);
    }, CANCEL_POLL_MS);
    timer.unref?.();
    try {
      outcome = await curateTrace(c.trace, backend, config, tokenizer, AbortSignal.any([ctx.signal, watch.signal]));
    } catch (err) {
      if (ctx.signal.aborted || watch.signal.aborted) throw err;
      // Not a backend error (those are outcomes): a bug or a trace the core cannot handle. Retrying will not help.
      outcome = { status: "failed", reason: `Unexpected error: ${err instanceof Error ? err.message : String(err)}`, retryable: false, lineCount: 0 };
    }
  } catch (err) {
    if (watch.signal.aborted && !ctx.signal.aborted) outcome = { status: "failed", reason: "cancelled", retryable: false, lineCount: 0 };
    else if (!ctx.signal.aborted) {
      await releaseRow(input.rowId);
      throw err; // e.g. a database error: the queue retries the item
    } else outcome = { status: "failed", reason: "aborted", retryable: true, lineCount: 0 };
  } finally {
    clearInterval(timer);
    unreserve();
  }
  if (watch.signal.aborted && !ctx.signal.aborted) {
    // The run was cancelled while this trace was being curated: its result is not wanted.
    await releaseRow(input.rowId);
    await afterCancel(input.runId);
    return { outcome: "skipped", reason: "the run was cancelled" };
  }
  if (ctx.signal.aborted) {
    // Worker stopping (released, no attempt spent) or deadline (a failed attempt): the row waits again.
    await releaseRow(input.rowId);
    ctx.throwIfAborted();
  }
  if (outcome.status === "failed" && outcome.retryable) {
    if (ctx.attempt < ctx.maxAttempts) {
      await releaseRow(input.rowId, `Attempt ${ctx.attempt} of ${ctx.maxAttempts} failed, retrying: ${outcome.reason}`);
      throw new RetryableTraceError(outcome.reason);
    }
    if (ctx.maxAttempts > 1) outcome = { ...outcome, reason: `${outcome.reason} (gave up after ${ctx.attempt} attempts)` };
  }
  const r = await recordOutcome(input, outcome);
  return r.type === "recorded" ? { outcome: outcome.status, ...(outcome.reason ? { reason: outcome.reason } : {}) } : { outcome: r.type };
}

/** How often a trace being curated checks whether its run was cancelled. */
const CANCEL_POLL_MS = 2000;

export const curationTraceJob = defineItemJob({
  kind: CURATION_TRACE_KIND,
  input: curationTraceInput,
  // The limit is set per job from the run's `maxAttempts`; backoff: 1–2 s, 2–4 s, 4–8 s, …
  retry: { limit: 2, delaySeconds: 1, backoff: true },
  // One trace: two LLM calls with their own timeouts and retries. Also how long a dead worker's trace
  // waits before another worker takes it (this + 1 min, noticed by pg-boss maintenance within a minute).
  timeoutSeconds: 10 * 60,
  handler: handle,
  giveUp: giveUpTrace,
});
