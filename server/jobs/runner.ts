/**
 * Runs one attempt of one job and keeps its `Task` row true:
 *
 *   queued ──claim──▶ running ──▶ succeeded (progress 1, result)
 *                        │──▶ queued   (attempt failed, retries left: error kept, pg-boss retries with backoff)
 *                        │──▶ failed   (last attempt, or PermanentJobError / invalid input: error, finishedAt)
 *                        │──▶ cancelled (cancelTask, seen at the next progress report / heartbeat)
 *                        └──▶ queued   (worker stopping: the job is released without spending an attempt)
 *
 * The claim only succeeds from queued/running, so a job whose task was cancelled or already finished is
 * skipped (idempotent on redelivery). Every status write is guarded by the expected current status, so a
 * late write never overwrites a cancellation.
 *
 * Item (task-less) jobs go through {@link runItemJob}: same validation, deadline, stop and retry rules, no
 * Task row; the handler records its result in its own rows, and `giveUp` records a final failure.
 */
import type PgBoss from "pg-boss";
import { prisma } from "../db/client";
import type { Prisma } from "../db/generated/client";
import {
  CancelledError,
  JobDeferredError,
  JobInputError,
  PermanentJobError,
  WorkerStoppingError,
  JobTimeoutError,
  type ItemJobContext,
  type JobContext,
  type JobResult,
} from "./job";
import { jobDataSchema, jobLog, localQueueHooks } from "./queue";
import { findJob, type RegisteredItemJob } from "./registry";

/** What the worker must tell pg-boss after an attempt. */
export type RunOutcome =
  | { type: "succeeded"; output?: JobResult }
  /** Attempt failed, retries left: fail the job (pg-boss schedules the retry). */
  | { type: "retry"; error: string }
  /** Last attempt failed: fail the job (it goes to the dead-letter queue). */
  | { type: "failed"; error: string }
  /** Not retryable (PermanentJobError, invalid input): complete the job; the Task says failed. */
  | { type: "failed-permanently"; error: string }
  | { type: "cancelled" }
  /** Worker stopping: put the job back without spending an attempt. */
  | { type: "released" }
  /** Item job that cannot run now: put it back after `delayMs`, without spending an attempt. */
  | { type: "deferred"; delayMs: number; reason: string }
  /** Task already finished / cancelled / deleted: complete the job, nothing ran. */
  | { type: "skipped"; reason: string };

/** An attempt's outcome plus what the worker logs. */
export interface RunReport {
  outcome: RunOutcome;
  taskId: string | null;
  attempt: number;
  maxAttempts: number;
  /** ms from the job becoming available (created, or its retry time) to this attempt's claim. */
  pickupMs: number;
}

/** Tuning of {@link runJob}. */
export interface RunOptions {
  /** Minimum ms between progress writes (default 500). */
  throttleMs?: number;
  /** Cancellation check / progress flush interval while the handler runs (default 1000). */
  heartbeatMs?: number;
  /** Aborted when the worker stops: the handler's signal then aborts with WorkerStoppingError. */
  stopSignal?: AbortSignal;
}

const MAX_ERROR_CHARS = 2000;

function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message || err.name : String(err);
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

function isNamed(err: unknown, name: string): boolean {
  return err instanceof Error && err.name === name;
}

function toJson(value: JobResult): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}

/** Throttled progress writes + cancellation detection through the Task row. */
class ProgressReporter {
  private pending: { progress: number; message?: string } | undefined;
  private lastSyncAt = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  /** The last message a handler reported (kept as the final message on success). */
  lastMessage: string | undefined;

  constructor(
    private readonly taskId: string,
    private readonly controller: AbortController,
    private readonly throttleMs: number,
    heartbeatMs: number,
  ) {
    this.timer = setInterval(() => {
      if (Date.now() - this.lastSyncAt >= heartbeatMs / 2) {
        this.sync().catch((err: unknown) => jobLog(`task ${taskId}: heartbeat failed: ${errorText(err)}`));
      }
    }, heartbeatMs);
    this.timer.unref();
  }

  throwIfAborted(): void {
    const s = this.controller.signal;
    if (s.aborted) throw s.reason instanceof Error ? s.reason : new CancelledError();
  }

  async report(fraction: number, message?: string): Promise<void> {
    this.throwIfAborted();
    if (typeof fraction !== "number" || Number.isNaN(fraction)) {
      throw new TypeError(`reportProgress: fraction must be a number in [0, 1] (got ${String(fraction)})`);
    }
    const progress = Math.min(1, Math.max(0, fraction));
    const msg = message ?? this.pending?.message;
    this.pending = msg === undefined ? { progress } : { progress, message: msg };
    if (message !== undefined) this.lastMessage = message;
    if (Date.now() - this.lastSyncAt >= this.throttleMs) await this.sync();
    this.throwIfAborted();
  }

  /** Writes pending progress (or just checks the status); aborts the controller if the task stopped running. */
  sync(): Promise<void> {
    const p = this.chain.then(() => this.doSync());
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async doSync(): Promise<void> {
    if (this.controller.signal.aborted) return;
    this.lastSyncAt = Date.now();
    const p = this.pending;
    this.pending = undefined;
    if (p) {
      const r = await prisma.task.updateMany({
        where: { id: this.taskId, status: "running" },
        data: { progress: p.progress, ...(p.message === undefined ? {} : { message: p.message }) },
      });
      if (r.count === 1) return;
    }
    const t = await prisma.task.findUnique({ where: { id: this.taskId }, select: { status: true } });
    if (t?.status === "running") return;
    this.controller.abort(
      new CancelledError(!t ? "The task was deleted" : t.status === "cancelled" ? undefined : `The task is no longer running (${t.status})`),
    );
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.chain;
  }
}

/**
 * Runs one attempt of a pg-boss job (fetched with metadata) whose data is `{ taskId }`, and updates its
 * Task. Never throws for handler errors (they become the outcome); throws only when the database fails
 * while recording the outcome — the job then stays active until pg-boss expires it and retries.
 */
export async function runJob(job: PgBoss.JobWithMetadata<unknown>, opts: RunOptions = {}): Promise<RunReport> {
  const attempt = job.retryCount + 1;
  const maxAttempts = job.retryLimit + 1;
  const availableAt = attempt === 1 ? new Date(job.createdOn) : new Date(job.startAfter);
  const pickupMs = Math.max(0, Date.now() - availableAt.getTime());
  const report = (outcome: RunOutcome, taskId: string | null): RunReport => ({ outcome, taskId, attempt, maxAttempts, pickupMs });

  const def = findJob(job.name);
  if (def?.mode === "item") return runItemJob(job, def, opts);
  const data = jobDataSchema.safeParse(job.data);
  if (!data.success) return report({ type: "failed-permanently", error: "Malformed job data (expected { taskId })" }, null);
  const taskId = data.data.taskId;
  if (!def) return report({ type: "retry", error: `No handler for job kind "${job.name}" in this worker` }, taskId);

  const claimed = await prisma.task.updateMany({
    where: { id: taskId, status: { in: ["queued", "running"] } },
    data: {
      status: "running",
      attempts: attempt,
      progress: 0,
      message: attempt > 1 ? `Attempt ${attempt} of ${maxAttempts}` : "Started",
      startedAt: new Date(),
      finishedAt: null,
    },
  });
  if (claimed.count === 0) {
    const t = await prisma.task.findUnique({ where: { id: taskId }, select: { status: true } });
    return report({ type: "skipped", reason: t ? `task is already ${t.status}` : "task not found" }, taskId);
  }
  const task = await prisma.task.findUniqueOrThrow({ where: { id: taskId } });

  const controller = new AbortController();
  const untrack = localQueueHooks.trackRun(taskId, controller);
  const onStop = () => controller.abort(new WorkerStoppingError());
  if (opts.stopSignal?.aborted) onStop();
  else opts.stopSignal?.addEventListener("abort", onStop, { once: true });
  const deadline = setTimeout(() => controller.abort(new JobTimeoutError(def.timeoutSeconds)), def.timeoutSeconds * 1000);
  deadline.unref();
  const reporter = new ProgressReporter(taskId, controller, opts.throttleMs ?? 500, opts.heartbeatMs ?? 1000);

  const ctx: Omit<JobContext<unknown>, "input"> = {
    task,
    attempt,
    maxAttempts,
    signal: controller.signal,
    reportProgress: (fraction, message) => reporter.report(fraction, message),
    throwIfAborted: () => reporter.throwIfAborted(),
  };

  let result: JobResult;
  let failure: unknown;
  let ok = false;
  try {
    result = await def.run(ctx, task.input);
    ok = true;
  } catch (err) {
    failure = controller.signal.aborted ? controller.signal.reason : err;
  } finally {
    clearTimeout(deadline);
    opts.stopSignal?.removeEventListener("abort", onStop);
    untrack();
    await reporter.close();
  }

  const now = new Date();
  if (ok) {
    const json = toJson(result);
    const r = await prisma.task.updateMany({
      where: { id: taskId, status: "running" },
      data: {
        status: "succeeded",
        progress: 1,
        message: reporter.lastMessage ?? "Done",
        error: null,
        finishedAt: now,
        ...(json === undefined ? {} : { result: json }),
      },
    });
    return report(r.count === 1 ? { type: "succeeded" } : { type: "cancelled" }, taskId);
  }

  if (failure instanceof CancelledError || isNamed(failure, "CancelledError")) {
    await prisma.task.updateMany({
      where: { id: taskId, status: { in: ["running", "cancelled"] } },
      data: { status: "cancelled", message: "Cancelled", finishedAt: now },
    });
    return report({ type: "cancelled" }, taskId);
  }
  if (failure instanceof WorkerStoppingError) {
    await prisma.task.updateMany({
      where: { id: taskId, status: "running" },
      data: { status: "queued", message: "Paused: its worker stopped; it resumes when a worker is available" },
    });
    return report({ type: "released" }, taskId);
  }

  const error = errorText(failure);
  const permanent = failure instanceof PermanentJobError || failure instanceof JobInputError;
  if (permanent || attempt >= maxAttempts) {
    await prisma.task.updateMany({
      where: { id: taskId, status: "running" },
      data: { status: "failed", error, message: permanent ? "Failed" : `Failed after ${attempt} attempt${attempt === 1 ? "" : "s"}`, finishedAt: now },
    });
    return report(permanent ? { type: "failed-permanently", error } : { type: "failed", error }, taskId);
  }
  await prisma.task.updateMany({
    where: { id: taskId, status: "running" },
    data: { status: "queued", error, message: `Attempt ${attempt} of ${maxAttempts} failed; retrying` },
  });
  return report({ type: "retry", error }, taskId);
}

/**
 * Runs one attempt of an item (task-less) job: validates its data with the kind's schema, runs the handler
 * under the kind's deadline and the worker's stop signal, and maps the result to an outcome. On a final
 * failure (last attempt, PermanentJobError, invalid input) it calls the kind's `giveUp` first. Never throws
 * for handler errors.
 */
export async function runItemJob(job: PgBoss.JobWithMetadata<unknown>, def: RegisteredItemJob, opts: RunOptions = {}): Promise<RunReport> {
  const attempt = job.retryCount + 1;
  const maxAttempts = job.retryLimit + 1;
  const availableAt = attempt === 1 ? new Date(job.createdOn) : new Date(job.startAfter);
  const pickupMs = Math.max(0, Date.now() - availableAt.getTime());
  const report = (outcome: RunOutcome): RunReport => ({ outcome, taskId: null, attempt, maxAttempts, pickupMs });

  const controller = new AbortController();
  const untrack = localQueueHooks.trackRun(`job:${job.id}`, controller);
  const onStop = () => controller.abort(new WorkerStoppingError());
  if (opts.stopSignal?.aborted) onStop();
  else opts.stopSignal?.addEventListener("abort", onStop, { once: true });
  const deadline = setTimeout(() => controller.abort(new JobTimeoutError(def.timeoutSeconds)), def.timeoutSeconds * 1000);
  deadline.unref();
  const throwIfAborted = () => {
    const s = controller.signal;
    if (s.aborted) throw s.reason instanceof Error ? s.reason : new WorkerStoppingError();
  };
  const ctx: Omit<ItemJobContext<unknown>, "input"> = { attempt, maxAttempts, signal: controller.signal, throwIfAborted };

  let result: JobResult;
  let failure: unknown;
  let ok = false;
  try {
    result = await def.run(ctx, job.data);
    ok = true;
  } catch (err) {
    // A stop / timeout wins over whatever error the abort caused inside the handler.
    failure = controller.signal.aborted && !(err instanceof JobDeferredError) ? controller.signal.reason : err;
  } finally {
    clearTimeout(deadline);
    opts.stopSignal?.removeEventListener("abort", onStop);
    untrack();
  }
  if (ok) return report(result === undefined || result === null ? { type: "succeeded" } : { type: "succeeded", output: result });
  if (failure instanceof WorkerStoppingError) return report({ type: "released" });
  if (failure instanceof JobDeferredError) return report({ type: "deferred", delayMs: failure.delayMs, reason: failure.message });

  const error = errorText(failure);
  const permanent = failure instanceof PermanentJobError || failure instanceof JobInputError;
  if (permanent || attempt >= maxAttempts) {
    try {
      await def.giveUp(job.data, permanent ? error : `Failed after ${attempt} attempt${attempt === 1 ? "" : "s"}: ${error}`);
    } catch (err) {
      // The dead-letter consumer calls giveUp again for a failed (not a permanent) job.
      jobLog(`${job.name} job=${job.id.slice(0, 8)}: giveUp failed: ${errorText(err)}`);
    }
    return report(permanent ? { type: "failed-permanently", error } : { type: "failed", error });
  }
  return report({ type: "retry", error });
}
