/**
 * The Postgres job queue: pg-boss 10 (Node 20) in schema `pgboss`, one instance per process, over its own
 * small pg pool built from `resolveDatabaseUrl()` (so it works with a Postgres server and with the embedded
 * PGlite socket alike). pg-boss 10 polls (no LISTEN/NOTIFY), which is what makes it work over PGlite.
 *
 * The user-visible side of a job is its `Task` row (status, progress, message, result). `enqueueTask`
 * creates the row, then sends a pg-boss job whose data is `{ taskId }` and whose id is stored in
 * `Task.queueJobId`. Each job kind has its own queue with retries + backoff and a dead-letter queue.
 * Item (task-less) kinds are enqueued in bulk with `enqueueItems` (the job's data is the input itself);
 * a Task row that only reports on such items is made with `createTask` (no pg-boss job of its own).
 *
 * PGlite caveat: its socket runs one query at a time and holds every other connection while a transaction
 * is open, so the only transaction here (the singleton check) runs all its queries on one client.
 */
import { EventEmitter } from "node:events";
import { randomUUID } from "node:crypto";
import PgBoss from "pg-boss";
import pg from "pg";
import { z } from "zod";
import { prisma } from "../db/client";
import type { Prisma, Task } from "../db/generated/client";
import { resolveDatabaseUrl } from "../db/database-url";
import { poolConfigFromUrl } from "../db/pg-config";
import { CancelledError } from "./job";
import { deadLetterQueue, resolveJob, type JobRef, type RegisteredJob } from "./registry";

/** Items per pg-boss `insert` call in {@link enqueueItems}. */
const INSERT_BATCH = 500;

/** Postgres schema of pg-boss's tables. */
export const QUEUE_SCHEMA = "pgboss";

/** What a pg-boss job of ours carries. */
export const jobDataSchema = z.strictObject({ taskId: z.string().min(1) });
/** Payload of every job: the Task id (the input lives in `Task.input`). */
export type JobData = z.infer<typeof jobDataSchema>;

function envInt(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === "" ? fallback : Number(raw);
  return Number.isFinite(n) ? Math.max(min, Math.floor(n)) : fallback;
}

/** Worker polling interval in ms: env `SPRINT_QUEUE_POLL_MS`, default 500 (min 50). */
export function queuePollIntervalMs(): number {
  return envInt("SPRINT_QUEUE_POLL_MS", 500, 50);
}

/** One line to stdout, prefixed; the worker logs one per job. */
export function jobLog(line: string): void {
  console.log(`[jobs] ${line}`);
}

interface QueueState {
  pool: pg.Pool;
  boss: PgBoss;
  ready: Promise<PgBoss>;
  queues: Map<string, Promise<void>>;
}

interface LocalHooks {
  /** Emits "enqueued" (kind) when this process enqueues, so an in-process worker picks up at once. */
  events: EventEmitter;
  /** Running attempts in this process, by task id, so a local cancelTask aborts them without polling. */
  runs: Map<string, AbortController>;
}

const g = globalThis as unknown as { __sprintQueue?: QueueState; __sprintQueueHooks?: LocalHooks };
const hooks: LocalHooks = (g.__sprintQueueHooks ??= { events: new EventEmitter().setMaxListeners(0), runs: new Map() });

function createState(): QueueState {
  const url = resolveDatabaseUrl();
  const pool = new pg.Pool({
    ...poolConfigFromUrl(url),
    max: envInt("SPRINT_QUEUE_POOL_SIZE", 4, 2),
    application_name: "sprint-queue",
    connectionTimeoutMillis: 10_000,
  });
  pool.on("error", (err) => jobLog(`queue pool error: ${err.message}`));
  const boss = new PgBoss({
    db: { executeSql: (text, values) => pool.query(text, values) },
    schema: QUEUE_SCHEMA,
    migrate: true, // installs / upgrades the pgboss schema (idempotent, advisory-locked)
    schedule: false, // no cron jobs: saves the timekeeper's polling
    supervise: true, // maintenance: expire stuck active jobs, archive and delete old ones
    maintenanceIntervalSeconds: 60,
  });
  boss.on("error", (err) => jobLog(`pg-boss error: ${err.message}`));
  const state: QueueState = { pool, boss, ready: Promise.resolve(boss), queues: new Map() };
  state.ready = boss.start().catch(async (err: unknown) => {
    if (g.__sprintQueue === state) g.__sprintQueue = undefined;
    await pool.end().catch(() => undefined);
    throw err;
  });
  return state;
}

function state(): QueueState {
  return (g.__sprintQueue ??= createState());
}

/** The process's pg-boss instance, started (schema installed) on first use. Throws when the DB is unreachable. */
export async function getBoss(): Promise<PgBoss> {
  return state().ready;
}

/** Runs SQL on the queue's pool (after start). For pg-boss's own tables; app tables go through Prisma. */
export async function queueQuery<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> {
  const s = state();
  await s.ready;
  return (await s.pool.query<R>(text, values)).rows;
}

/**
 * Creates (once per process) the kind's queue and its dead-letter queue, and syncs the queue's retry /
 * backoff / expiry options with the definition.
 */
export async function ensureQueue(job: RegisteredJob): Promise<void> {
  const s = state();
  let p = s.queues.get(job.kind);
  if (!p) {
    p = (async () => {
      const boss = await s.ready;
      const dead = deadLetterQueue(job.kind);
      await boss.createQueue(dead, { name: dead, policy: "standard" });
      const options: PgBoss.Queue = {
        name: job.kind,
        policy: "standard",
        retryLimit: job.retry.limit,
        retryDelay: job.retry.delaySeconds,
        retryBackoff: job.retry.backoff,
        // pg-boss's own expiry (maintenance fails the job) comes a minute after the runner's deadline, so
        // the runner, which aborts the handler and records the error, normally handles a timeout.
        expireInSeconds: job.timeoutSeconds + 60,
        deadLetter: dead,
      };
      await boss.createQueue(job.kind, options);
      await boss.updateQueue(job.kind, options);
    })();
    s.queues.set(job.kind, p);
    p.catch(() => s.queues.delete(job.kind));
  }
  return p;
}

/** Stops this process's pg-boss instance and closes its pool (workers must be stopped first). */
export async function stopQueue(): Promise<void> {
  const s = g.__sprintQueue;
  if (!s) return;
  g.__sprintQueue = undefined;
  try {
    const boss = await s.ready;
    await boss.stop({ graceful: false, close: false, wait: true });
  } catch {
    // never started: nothing to stop
  }
  await s.pool.end().catch(() => undefined);
}

function toJsonInput(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}

const enqueueArgsSchema = z.object({
  kind: z.string().min(1).max(64),
  workspaceId: z.string().min(1).max(64),
  createdById: z.string().min(1).max(64).nullish(),
  input: z.unknown(),
  singletonKey: z.string().min(1).max(200).optional(),
});

/** Arguments of {@link enqueueTask}. */
export interface EnqueueTaskArgs {
  /**
   * The job kind: its definition (what the owning service passes, e.g. `recountTokensJob`), or the name of a
   * registered kind (server/job-kinds.ts), e.g. "recount-tokens".
   */
  kind: JobRef;
  workspaceId: string;
  createdById?: string | null;
  /** Validated with the kind's Zod schema; the parsed value is stored in `Task.input`. */
  input: unknown;
  /**
   * At most one pending (queued, retrying or running) task per (workspace, kind, key): when one exists,
   * no new task is created and that one is returned.
   */
  singletonKey?: string;
}

/**
 * Validates the input, creates the `Task` (status queued) and sends its pg-boss job. Returns the Task (or,
 * with `singletonKey`, the pending task that already has that key).
 *
 * @throws UnknownJobKindError for an unregistered kind; JobInputError when the input fails the kind's
 *   schema (nothing is written then); the database's error when the queue is unreachable (the Task is then
 *   marked failed).
 */
export async function enqueueTask(args: EnqueueTaskArgs): Promise<Task> {
  const job = resolveJob(args.kind);
  const a = enqueueArgsSchema.parse({ ...args, kind: job.kind });
  if (job.mode !== "task") throw new Error(`Job kind "${a.kind}" is an item kind: use enqueueItems()`);
  const input = job.parseInput(a.input);

  const s = state();
  const boss = await s.ready;
  await ensureQueue(job);

  const jobId = randomUUID();
  const task = await prisma.task.create({
    data: {
      workspaceId: a.workspaceId,
      createdById: a.createdById ?? null,
      kind: a.kind,
      status: "queued",
      message: "Queued",
      input: toJsonInput(input),
      queueJobId: jobId,
    },
  });
  const data: JobData = { taskId: task.id };

  try {
    if (a.singletonKey === undefined) {
      await sendOrThrow(boss, a.kind, data, jobId);
    } else {
      const existingJobId = await sendSingleton(s, a.kind, data, jobId, `${a.workspaceId}:${a.singletonKey}`);
      if (existingJobId) {
        const existing = await prisma.task.findFirst({ where: { workspaceId: a.workspaceId, queueJobId: existingJobId } });
        if (existing) {
          await prisma.task.delete({ where: { id: task.id } });
          return existing;
        }
        await sendOrThrow(boss, a.kind, data, jobId); // the pending job has no task (should not happen): queue ours
      }
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await prisma.task
      .update({ where: { id: task.id }, data: { status: "failed", error: `Could not enqueue: ${message}`, finishedAt: new Date() } })
      .catch(() => undefined);
    throw err;
  }
  hooks.events.emit("enqueued", a.kind);
  return task;
}

/**
 * Creates a Task row (status queued) WITHOUT a pg-boss job: for work that item jobs do (e.g. a curation run
 * = one Task + one item job per trace), whose handlers update this row. The input is validated with the
 * (task) kind's schema. cancelTask works on it as on any task (there is no job of its own to cancel).
 */
export async function createTask(args: Omit<EnqueueTaskArgs, "singletonKey"> & { message?: string }): Promise<Task> {
  const job = resolveJob(args.kind);
  const a = enqueueArgsSchema.parse({ ...args, kind: job.kind });
  const input = job.parseInput(a.input);
  return prisma.task.create({
    data: {
      workspaceId: a.workspaceId,
      createdById: a.createdById ?? null,
      kind: a.kind,
      status: "queued",
      message: args.message ?? "Queued",
      input: toJsonInput(input),
    },
  });
}

/** Options of {@link enqueueItems}. */
export interface EnqueueItemsOptions {
  /** Retries after the first attempt for these jobs (default: the kind's `retry.limit`). */
  retryLimit?: number;
}

/**
 * Validates every input with the item kind's schema (nothing is sent when one fails: JobInputError), then
 * inserts one pg-boss job per input, {@link INSERT_BATCH} per statement. The job's data is the parsed
 * input. Returns how many were sent.
 */
export async function enqueueItems(ref: JobRef, inputs: readonly unknown[], opts: EnqueueItemsOptions = {}): Promise<number> {
  const job = resolveJob(ref);
  const kind = job.kind;
  if (job.mode !== "item") throw new Error(`Job kind "${kind}" is a task kind: use enqueueTask()`);
  const retryLimit = opts.retryLimit;
  if (retryLimit !== undefined && (!Number.isInteger(retryLimit) || retryLimit < 0)) throw new Error("retryLimit must be an integer >= 0");
  const data = inputs.map((i) => toJsonInput(job.parseInput(i)) ?? null);
  if (data.length === 0) return 0;
  const boss = await state().ready;
  await ensureQueue(job);
  for (let i = 0; i < data.length; i += INSERT_BATCH) {
    await boss.insert(
      data.slice(i, i + INSERT_BATCH).map((d) => ({ name: kind, data: d as object, ...(retryLimit === undefined ? {} : { retryLimit }) })),
    );
  }
  hooks.events.emit("enqueued", kind);
  return data.length;
}

/**
 * Cancels the item jobs of a kind that are not running yet (created or waiting for a retry) and whose data
 * contains `match` (JSON containment, e.g. `{ runId }`). Running ones are left to finish (their handler
 * should check its domain state). Returns how many were cancelled.
 */
export async function cancelItems(kind: string, match: Record<string, string | number | boolean>): Promise<number> {
  const rows = await queueQuery<{ n: number }>(
    `WITH c AS (
       UPDATE ${QUEUE_SCHEMA}.job SET state = 'cancelled', completed_on = now()
       WHERE name = $1 AND state < 'active' AND data @> $2::jsonb RETURNING 1
     ) SELECT count(*)::int AS n FROM c`,
    [kind, JSON.stringify(match)],
  );
  return rows[0]?.n ?? 0;
}

async function sendOrThrow(boss: PgBoss, kind: string, data: JobData, jobId: string): Promise<void> {
  const id = await boss.send(kind, data, { id: jobId });
  if (id !== jobId) throw new Error(`pg-boss did not accept the job (queue "${kind}")`);
}

/**
 * Sends the job unless a pending job of the kind has the same singleton key; returns that job's id then.
 * Check and insert run in one transaction under an advisory lock, on a single client (PGlite-safe).
 */
async function sendSingleton(s: QueueState, kind: string, data: JobData, jobId: string, key: string): Promise<string | null> {
  const boss = await s.ready;
  const client = await s.pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`sprint-task-singleton:${kind}:${key}`]);
    const { rows } = await client.query<{ id: string }>(
      `SELECT id FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND singleton_key = $2 AND state < 'completed' ORDER BY created_on LIMIT 1`,
      [kind, key],
    );
    const existing = rows[0]?.id ?? null;
    if (!existing) {
      await boss.send(kind, data, { id: jobId, singletonKey: key, db: { executeSql: (text, values) => client.query(text, values) } });
    }
    await client.query("COMMIT");
    return existing;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Options of {@link cancelTask}. */
export interface CancelTaskOptions {
  /** When given, a task of another workspace is left alone (returns null). */
  workspaceId?: string;
}

/**
 * Cancels a queued or running task: marks it cancelled and cancels its pg-boss job. A running handler
 * observes it at its next progress report (at once in this process; within the worker's heartbeat, ~1 s,
 * in another process) and stops. A task that already finished is left as it is.
 *
 * @returns the task after the call (its status tells whether it was cancelled), or null when not found.
 */
export async function cancelTask(taskId: string, opts: CancelTaskOptions = {}): Promise<Task | null> {
  const where = { id: taskId, ...(opts.workspaceId ? { workspaceId: opts.workspaceId } : {}) };
  const { count } = await prisma.task.updateMany({
    where: { ...where, status: { in: ["queued", "running"] } },
    data: { status: "cancelled", message: "Cancelled", finishedAt: new Date() },
  });
  const task = await prisma.task.findFirst({ where });
  if (!task || count === 0) return task;
  hooks.runs.get(task.id)?.abort(new CancelledError());
  if (task.queueJobId) {
    try {
      await (await getBoss()).cancel(task.kind, task.queueJobId);
    } catch (err) {
      // The Task row is what workers check; the job then completes as a no-op.
      jobLog(`could not cancel job ${task.queueJobId} of task ${task.id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return task;
}

/**
 * Puts an active job back to "created" without counting an attempt (a stopping worker releases its jobs;
 * a deferred item waits `delayMs`). Touches pg-boss 10's `job` table directly: pg-boss has no release API
 * (its own stop() fails active jobs, which spends a retry). `started_on = NULL` keeps the next fetch from
 * incrementing `retry_count`, so the attempt number stays what it was.
 */
export async function releaseJob(kind: string, jobId: string, delayMs = 0): Promise<boolean> {
  const rows = await queueQuery<{ id: string }>(
    `UPDATE ${QUEUE_SCHEMA}.job SET state = 'created', started_on = NULL, start_after = now() + $3::int * interval '1 millisecond'
     WHERE name = $1 AND id = $2 AND state = 'active' RETURNING id`,
    [kind, jobId, Math.max(0, Math.round(delayMs))],
  );
  return rows.length === 1;
}

/** Job counts over all of our queues (dead-letter queues excluded) for health and dashboards. */
export async function queueCounts(): Promise<{ queued: number; active: number; failed: number; deadLetter: number }> {
  const rows = await queueQuery<{ state: string; dead: boolean; n: number }>(
    `SELECT state::text AS state, name LIKE '%\\_\\_dead' AS dead, count(*)::int AS n
     FROM ${QUEUE_SCHEMA}.job WHERE name NOT LIKE '\\_\\_pgboss\\_\\_%' GROUP BY 1, 2`,
  );
  const sum = (pred: (r: { state: string; dead: boolean }) => boolean) => rows.filter(pred).reduce((t, r) => t + r.n, 0);
  return {
    queued: sum((r) => !r.dead && (r.state === "created" || r.state === "retry")),
    active: sum((r) => !r.dead && r.state === "active"),
    failed: sum((r) => !r.dead && r.state === "failed"),
    deadLetter: sum((r) => r.dead),
  };
}

/** In-process hooks for the worker (wake-up on local enqueue, local cancellation). Not for app code. */
export const localQueueHooks = {
  /** Calls `listener(kind)` whenever this process enqueues; returns the unsubscribe function. */
  onEnqueued(listener: (kind: string) => void): () => void {
    hooks.events.on("enqueued", listener);
    return () => hooks.events.off("enqueued", listener);
  },
  /** Registers a running attempt so that a local cancelTask aborts it; returns the unregister function. */
  trackRun(taskId: string, controller: AbortController): () => void {
    hooks.runs.set(taskId, controller);
    return () => {
      if (hooks.runs.get(taskId) === controller) hooks.runs.delete(taskId);
    };
  },
};
