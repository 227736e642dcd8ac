/**
 * Job kinds: the contract between the queue (`queue.ts`), the worker (`worker.ts`, `runner.ts`) and the
 * handlers (each domain's `server/<domain>/jobs/*`, listed in `server/job-kinds.ts`). A job kind is a name, a Zod schema for its input (checked when the job is
 * enqueued AND again when a worker picks it up), a retry policy and a handler. Two flavours:
 *
 * - **task jobs** ({@link defineJob}): one user-visible `Task` row per job (status, progress, result);
 * - **item jobs** ({@link defineItemJob}): many small, task-less jobs (e.g. one trace of a curation run),
 *   enqueued in bulk; the handler records its own result in the domain's rows. Same validation, retries
 *   with backoff, deadlines, graceful release and dead letters as task jobs, but no Task / progress API.
 *
 * This module has no runtime dependencies on the database so handlers can import it without cycles.
 */
import type { z } from "zod";
import type { Prisma, Task } from "../db/generated/client";

/** Retries of a job kind (pg-boss queue options). */
export interface RetryPolicy {
  /** Retries after the first attempt (so `limit + 1` attempts in all). */
  limit: number;
  /** Seconds before a retry; with `backoff` the base of an exponential, jittered delay. */
  delaySeconds: number;
  /** Exponential backoff: delay · 2^(retry) · (0.5…1) (pg-boss semantics). */
  backoff: boolean;
}

/** What a handler receives. */
export interface JobContext<Input> {
  /** The validated input (parsed by the kind's Zod schema). */
  readonly input: Input;
  /** The Task row as it was when this attempt started (status `running`). */
  readonly task: Task;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  /** Attempts allowed in all (retry limit + 1). */
  readonly maxAttempts: number;
  /**
   * Records progress (0..1, clamped) and an optional human message on the Task row. Writes are throttled
   * (at most one per throttle interval; a background heartbeat flushes the latest value).
   *
   * Throws {@link CancelledError} when the task was cancelled (or the worker is stopping / the attempt ran
   * past its deadline: then {@link WorkerStoppingError} / {@link JobTimeoutError}) — let it propagate.
   */
  reportProgress(fraction: number, message?: string): Promise<void>;
  /** Aborted on cancellation, worker shutdown or timeout; pass it to fetch() and other abortable calls. */
  readonly signal: AbortSignal;
  /** Throws the abort reason if {@link signal} is aborted (cheap; no database access). */
  throwIfAborted(): void;
}

/** JSON a handler may return; stored in `Task.result`. */
export type JobResult = Prisma.InputJsonValue | undefined | void;

/** A job kind. Create with {@link defineJob}. */
export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  /** Queue name; also `Task.kind`. Letters, digits, `-` and `_`. */
  readonly kind: string;
  /** Zod schema of the input. Its output is stored in `Task.input`. */
  readonly input: S;
  /** Retries with backoff. Default: 2 retries, 5 s base delay, exponential backoff. */
  readonly retry?: RetryPolicy;
  /**
   * Deadline of one attempt in seconds (default 900, at most 23 h). The handler's signal aborts with
   * {@link JobTimeoutError} when it is reached. It is also how long a job whose worker died (kill -9)
   * stays "running" before pg-boss expires it (a minute later) and retries it: keep it realistic.
   */
  readonly timeoutSeconds?: number;
  /** Does the work. Must be idempotent: a retry re-runs it from the start. */
  handler(ctx: JobContext<z.output<S>>): Promise<JobResult>;
}

/** What an item job's handler receives: no Task row, no progress API. */
export interface ItemJobContext<Input> {
  /** The validated input (the pg-boss job's data, parsed by the kind's Zod schema). */
  readonly input: Input;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  /** Attempts allowed in all (the job's retry limit + 1; may differ per job, see enqueueItems). */
  readonly maxAttempts: number;
  /** Aborted on worker shutdown ({@link WorkerStoppingError}) or timeout ({@link JobTimeoutError}). */
  readonly signal: AbortSignal;
  /** Throws the abort reason if {@link signal} is aborted. */
  throwIfAborted(): void;
}

/**
 * A task-less job kind. Create with {@link defineItemJob}. Outcomes of `handler`:
 * - returns → the job completes (the value is stored as the pg-boss job's output);
 * - throws {@link JobDeferredError} → the job goes back to the queue after a delay, no attempt spent;
 * - throws {@link PermanentJobError} → no retry: `giveUp` is called, the job completes;
 * - throws anything else (or times out) → pg-boss retries it with the kind's backoff; after the last
 *   attempt `giveUp` is called and the job fails into the dead-letter queue;
 * - the worker stops → the job is put back without spending an attempt (the handler should undo any
 *   "in progress" marker it set, like a task job).
 */
export interface ItemJobDefinition<S extends z.ZodType = z.ZodType> {
  readonly mode: "item";
  /** Queue name. Letters, digits, `-` and `_`. */
  readonly kind: string;
  /** Zod schema of the input (the job's data). */
  readonly input: S;
  /** Default retries with backoff (a job may override the limit when enqueued). */
  readonly retry?: RetryPolicy;
  /** Deadline of one attempt in seconds (default 900); also how long a dead worker's job stays active. */
  readonly timeoutSeconds?: number;
  /** Does the work. Must be idempotent: a retry (or a redelivery after a crash) re-runs it. */
  handler(ctx: ItemJobContext<z.output<S>>): Promise<JobResult>;
  /**
   * The item will not be attempted again: its last attempt failed, it failed permanently, or the worker
   * running its last attempt died (then the worker serving the kind's dead-letter queue calls it). Records
   * the failure in the domain's rows. Must be idempotent (it may be called more than once for one item).
   */
  giveUp?(input: z.output<S>, error: string): Promise<void>;
}

/** Declares a task-less item job kind (register it with `registerJob`, like a task kind). */
export function defineItemJob<S extends z.ZodType>(def: Omit<ItemJobDefinition<S>, "mode">): ItemJobDefinition<S> {
  defineJob({ ...def, handler: () => Promise.resolve() }); // same name / policy checks
  return { ...def, mode: "item" };
}

/** Thrown by an item handler that cannot run now (e.g. a per-run limit): back in the queue, no attempt spent. */
export class JobDeferredError extends Error {
  override readonly name = "JobDeferredError";
  constructor(
    readonly delayMs: number,
    message = "Deferred",
  ) {
    super(message);
  }
}

/** The retry policy used when a definition has none. */
export const DEFAULT_RETRY: RetryPolicy = { limit: 2, delaySeconds: 5, backoff: true };
/** The per-attempt deadline used when a definition has none. */
export const DEFAULT_TIMEOUT_SECONDS = 15 * 60;

const KIND_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/i;

/** Declares a job kind (checks its name and policies; registration is separate, see registry.ts). */
export function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> {
  if (!KIND_RE.test(def.kind)) {
    throw new Error(`Job kind "${def.kind}" must match ${KIND_RE} (letters, digits, "-", "_"; at most 63 characters)`);
  }
  const r = def.retry;
  if (r && (!Number.isInteger(r.limit) || r.limit < 0 || !Number.isInteger(r.delaySeconds) || r.delaySeconds < 0)) {
    throw new Error(`Job kind "${def.kind}": retry.limit and retry.delaySeconds must be integers >= 0`);
  }
  const t = def.timeoutSeconds;
  if (t !== undefined && (!Number.isInteger(t) || t < 1 || t > 23 * 3600)) {
    throw new Error(`Job kind "${def.kind}": timeoutSeconds must be an integer in [1, 82800] (23 h)`);
  }
  return def;
}

/** Thrown by `reportProgress` / `throwIfAborted` when the task was cancelled. The runner marks it cancelled. */
export class CancelledError extends Error {
  override readonly name = "CancelledError";
  constructor(message = "The task was cancelled") {
    super(message);
  }
}

/** Abort reason when the worker is stopping: the runner puts the task back in the queue (not an attempt failure). */
export class WorkerStoppingError extends Error {
  override readonly name = "WorkerStoppingError";
  constructor(message = "The worker is shutting down") {
    super(message);
  }
}

/** Abort reason when an attempt exceeds its kind's `timeoutSeconds`; counts as a failed attempt. */
export class JobTimeoutError extends Error {
  override readonly name = "JobTimeoutError";
  constructor(seconds: number) {
    super(`The job ran longer than its ${seconds} s limit`);
  }
}

/**
 * A failure that retrying cannot fix (missing dataset, invalid input). The runner marks the task failed at
 * once instead of retrying.
 */
export class PermanentJobError extends Error {
  override readonly name = "PermanentJobError";
}

/** Enqueueing a kind that is not registered. */
export class UnknownJobKindError extends Error {
  override readonly name = "UnknownJobKindError";
  constructor(readonly kind: string) {
    super(`Unknown job kind "${kind}"`);
  }
}

/** Input that does not match the kind's schema (at enqueue, or at handling). `issues` are Zod's. */
export class JobInputError extends Error {
  override readonly name = "JobInputError";
  constructor(
    readonly kind: string,
    readonly issues: z.core.$ZodIssue[],
    summary: string,
  ) {
    super(`Invalid input for job "${kind}": ${summary}`);
  }
}
