/**
 * The job worker: polls the pg-boss queue of every registered job kind and runs up to `concurrency` task
 * jobs plus up to `itemConcurrency` item jobs at once in this process (two slot pools, so a long task never
 * starves a curation run's traces and vice versa; one fetch loop over all kinds; it wakes at once when a
 * slot frees or when this process enqueues). It also drains the kinds' dead-letter queues every few
 * seconds to record failures whose last attempt died with its worker (Task failed / item `giveUp`). Runs inside `npm start` (scripts/start.ts spawns
 * scripts/worker.ts) or on its own with `npm run worker`; several workers on several machines share the
 * load through the queue (pg-boss hands each job to exactly one of them).
 *
 * Stop: {@link Worker.stop} stops fetching, lets running jobs finish for `timeoutMs`, then aborts the rest
 * (their handlers see WorkerStoppingError at the next progress report) and puts their jobs back in the
 * queue without spending an attempt.
 */
import type PgBoss from "pg-boss";
import { prisma } from "../db/client";
import { ensureQueue, getBoss, jobDataSchema, jobLog, localQueueHooks, queuePollIntervalMs, releaseJob } from "./queue";
import { deadLetterQueue, getJob, listJobKinds } from "./registry";
import { runJob, type RunOutcome, type RunReport } from "./runner";

/** Options of {@link startWorker}; every field has an env-driven default. */
export interface WorkerOptions {
  /** Task jobs run at once by this worker (all task kinds together). Default: env SPRINT_WORKER_CONCURRENCY or 2. */
  concurrency?: number;
  /**
   * Item jobs (e.g. one trace of a curation run) run at once by this worker, all item kinds together.
   * Default: env SPRINT_WORKER_ITEM_CONCURRENCY or 4.
   */
  itemConcurrency?: number;
  /** How often the dead-letter queues are checked, ms (default 5000). */
  deadLetterPollMs?: number;
  /** Kinds to serve. Default: every registered kind. */
  kinds?: string[];
  /** Poll interval per kind in ms. Default: env SPRINT_QUEUE_POLL_MS or 500. */
  pollIntervalMs?: number;
  /** Minimum ms between a job's progress writes (default 500). */
  throttleMs?: number;
  /** Cancellation check interval while a job runs, ms (default 1000). */
  heartbeatMs?: number;
  /** Where the one line per job goes (default: stdout with a "[jobs]" prefix). */
  /** Also log every successful item job (default: SPRINT_JOB_LOG=verbose). */
  logItemSuccess?: boolean;
  log?: (line: string) => void;
}

/** Options of {@link Worker.stop}. */
export interface StopOptions {
  /** How long running jobs may take to finish before they are aborted and released. Default: env SPRINT_WORKER_STOP_TIMEOUT_MS or 10000. */
  timeoutMs?: number;
  /** After aborting, how long to wait for handlers to notice (default 5000). */
  abortGraceMs?: number;
}

/** A started worker. */
export interface Worker {
  readonly kinds: readonly string[];
  readonly concurrency: number;
  readonly itemConcurrency: number;
  /** Jobs running now. */
  running(): number;
  /** Graceful stop (idempotent). Does not close the queue: call stopQueue() afterwards when exiting. */
  stop(opts?: StopOptions): Promise<void>;
}

function positiveIntEnv(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

const wait = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/** Subscribes to every registered kind (or `opts.kinds`) and starts polling. Resolves once the queues exist. */
export async function startWorker(opts: WorkerOptions = {}): Promise<Worker> {
  const concurrency = opts.concurrency ?? positiveIntEnv("SPRINT_WORKER_CONCURRENCY", 2);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`Worker concurrency must be a positive integer (got ${concurrency})`);
  const itemConcurrency = opts.itemConcurrency ?? positiveIntEnv("SPRINT_WORKER_ITEM_CONCURRENCY", 4);
  if (!Number.isInteger(itemConcurrency) || itemConcurrency < 1) throw new Error(`Worker itemConcurrency must be a positive integer (got ${itemConcurrency})`);
  const kinds = opts.kinds ?? listJobKinds();
  const pollMs = opts.pollIntervalMs ?? queuePollIntervalMs();
  const deadLetterPollMs = opts.deadLetterPollMs ?? 5000;
  const log = opts.log ?? jobLog;

  const boss = await getBoss();
  for (const kind of kinds) await ensureQueue(getJob(kind));
  const poolOf = (kind: string): "task" | "item" => getJob(kind).mode;
  const limits = { task: concurrency, item: itemConcurrency };
  const busy = { task: 0, item: 0 };
  /** Kinds not fetched until the given time (an item was deferred: its run is at its limit). */
  const backoffUntil = new Map<string, number>();
  let nextDeadLetterCheck = 0;

  const stopController = new AbortController();
  let stopping = false;
  let stopPromise: Promise<void> | undefined;
  const inflight = new Map<symbol, Promise<void>>();
  const sleepers = new Set<() => void>();
  let woken = false; // a wake-up arrived since the current fetch cycle began: do not sleep after it
  const wakeAll = () => {
    woken = true;
    for (const wake of [...sleepers]) wake();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      sleepers.add(done);
    });
  const offEnqueued = localQueueHooks.onEnqueued((kind) => {
    if (kinds.includes(kind)) wakeAll();
  });

  async function settle(kind: string, jobId: string, outcome: RunOutcome): Promise<void> {
    switch (outcome.type) {
      case "succeeded":
        await boss.complete(kind, jobId, outcome.output === undefined ? undefined : (outcome.output as object));
        return;
      case "retry":
      case "failed":
        await boss.fail(kind, jobId, { message: outcome.error });
        return;
      case "failed-permanently":
        await boss.complete(kind, jobId, { error: outcome.error, permanent: true });
        return;
      case "skipped":
        await boss.complete(kind, jobId, { skipped: outcome.reason });
        return;
      case "cancelled":
        await boss.cancel(kind, jobId);
        return;
      case "released":
        await releaseJob(kind, jobId);
        return;
      case "deferred":
        await releaseJob(kind, jobId, outcome.delayMs);
        return;
    }
  }

  function describe(r: RunReport): string {
    const o = r.outcome;
    switch (o.type) {
      case "succeeded":
        return o.output === undefined ? "succeeded" : `succeeded → ${JSON.stringify(o.output).slice(0, 300)}`;
      case "cancelled":
      case "released":
        return o.type;
      case "retry":
        return `failed, will retry: ${o.error}`;
      case "failed":
      case "failed-permanently":
        return `failed: ${o.error}`;
      case "skipped":
        return `skipped (${o.reason})`;
      case "deferred":
        return `deferred (${o.reason})`;
    }
  }

  function launch(kind: string, job: PgBoss.JobWithMetadata<unknown>): void {
    const started = Date.now();
    const token = Symbol(job.id);
    const pool = poolOf(kind);
    busy[pool]++;
    let deferred = false;
    const p = (async () => {
      try {
        const r = await runJob(job, { stopSignal: stopController.signal, throttleMs: opts.throttleMs, heartbeatMs: opts.heartbeatMs });
        await settle(kind, job.id, r.outcome);
        if (r.outcome.type === "deferred") {
          // Its run is at its limit: leave this kind alone for a poll interval instead of churning through
          // the queue (other runs' items are picked up at the next poll).
          deferred = true;
          backoffUntil.set(kind, Date.now() + pollMs);
          return;
        }
        backoffUntil.delete(kind); // a slot of some run freed here: its next item may fit now
        // Item jobs (one per trace) that went fine are not logged one by one unless asked (SPRINT_JOB_LOG=verbose):
        // a 100k-trace run would bury everything else. Failures, retries and task jobs always are.
        if (pool === "item" && (r.outcome.type === "succeeded" || r.outcome.type === "skipped") && !(opts.logItemSuccess ?? process.env.SPRINT_JOB_LOG === "verbose")) return;
        log(
          `${kind} job=${job.id.slice(0, 8)}${pool === "task" ? ` task=${r.taskId ?? "?"}` : ""} attempt ${r.attempt}/${r.maxAttempts} ` +
            `${describe(r)} in ${Date.now() - started} ms (picked up ${r.pickupMs} ms after it was ready)`,
        );
      } catch (err) {
        log(`${kind} job=${job.id.slice(0, 8)} could not record its outcome: ${err instanceof Error ? err.message : String(err)} (pg-boss retries it after expiry)`);
      } finally {
        inflight.delete(token);
        busy[pool]--;
        if (!deferred) wakeAll();
      }
    })();
    inflight.set(token, p);
  }

  /** The failure message pg-boss stored on a failed job (runner's `{ message }`, or expiry's `{ value: { message } }`). */
  function failureMessage(output: unknown): string {
    const o = output as { message?: unknown; value?: { message?: unknown } } | null;
    const m = o?.message ?? o?.value?.message;
    return typeof m === "string" && m ? m : "the job failed";
  }

  /**
   * Records what a dead letter stands for, once: a task whose last attempt died (expired) becomes failed; an
   * item's `giveUp` runs. Then completes the dead letter (it stays in the queue, completed, for inspection).
   */
  async function drainDeadLetters(): Promise<void> {
    for (const kind of kinds) {
      if (stopping) return;
      const def = getJob(kind);
      const dead = deadLetterQueue(kind);
      let jobs: PgBoss.JobWithMetadata<unknown>[] = [];
      try {
        jobs = await boss.fetch<unknown>(dead, { batchSize: 20, includeMetadata: true });
      } catch (err) {
        log(`${dead}: fetch failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      for (const job of jobs) {
        const error = failureMessage(job.output);
        try {
          if (def.mode === "item") {
            await def.giveUp(job.data, `Gave up after ${job.retryLimit + 1} attempt${job.retryLimit === 0 ? "" : "s"}: ${error}`);
          } else {
            const data = jobDataSchema.safeParse(job.data);
            if (data.success) {
              await prisma.task.updateMany({
                where: { id: data.data.taskId, status: { in: ["queued", "running"] } },
                data: { status: "failed", error, message: "Failed: its last attempt did not finish", finishedAt: new Date() },
              });
            }
          }
          await boss.complete(dead, job.id);
        } catch (err) {
          log(`${dead} job=${job.id.slice(0, 8)}: could not record the dead letter: ${err instanceof Error ? err.message : String(err)}`);
          await boss.fail(dead, job.id, { message: err instanceof Error ? err.message : String(err) }).catch(() => undefined);
        }
      }
    }
  }

  /**
   * One fetch loop for all kinds (so fetches never race for slots): each cycle asks every kind, starting
   * from a rotating one, for up to the free slots. It sleeps `pollMs` when the queues looked empty or all
   * slots are busy; a wake-up (local enqueue, a slot freed) ends the sleep or skips it.
   */
  async function loop(): Promise<void> {
    for (let cycle = 0; !stopping; cycle++) {
      woken = false;
      let maybeMore = false;
      if (Date.now() >= nextDeadLetterCheck) {
        nextDeadLetterCheck = Date.now() + deadLetterPollMs;
        await drainDeadLetters().catch((err: unknown) => log(`dead letters: ${err instanceof Error ? err.message : String(err)}`));
      }
      for (let i = 0; i < kinds.length && !stopping; i++) {
        const kind = kinds[(cycle + i) % kinds.length] as string;
        const pool = poolOf(kind);
        const free = limits[pool] - busy[pool];
        if (free <= 0) continue;
        if ((backoffUntil.get(kind) ?? 0) > Date.now()) continue;
        let jobs: PgBoss.JobWithMetadata<unknown>[] = [];
        try {
          jobs = await boss.fetch<unknown>(kind, { batchSize: free, includeMetadata: true });
        } catch (err) {
          log(`${kind}: fetch failed: ${err instanceof Error ? err.message : String(err)}`);
        }
        if (jobs.length === free) maybeMore = true;
        for (const job of jobs) {
          if (stopping) await releaseJob(kind, job.id).catch(() => undefined);
          else launch(kind, job);
        }
      }
      const full = (["task", "item"] as const).every((pool) => busy[pool] >= limits[pool] || !kinds.some((k) => poolOf(k) === pool));
      if (!stopping && (full || (!maybeMore && !woken))) await sleep(pollMs);
    }
  }

  const loops = kinds.length === 0 ? [] : [loop().catch((err: unknown) => log(`worker loop crashed: ${err instanceof Error ? err.message : String(err)}`))];

  return {
    kinds,
    concurrency,
    itemConcurrency,
    running: () => inflight.size,
    stop(stopOpts: StopOptions = {}) {
      stopPromise ??= (async () => {
        const timeoutMs = stopOpts.timeoutMs ?? positiveIntEnv("SPRINT_WORKER_STOP_TIMEOUT_MS", 10_000);
        stopping = true;
        offEnqueued();
        wakeAll();
        await Promise.all(loops);
        if (inflight.size > 0) {
          log(`stopping: waiting up to ${timeoutMs} ms for ${inflight.size} running job(s)`);
          await Promise.race([Promise.all(inflight.values()), wait(timeoutMs)]);
        }
        if (inflight.size > 0) {
          log(`stopping: releasing ${inflight.size} job(s) back to the queue`);
          stopController.abort();
          await Promise.race([Promise.all(inflight.values()), wait(stopOpts.abortGraceMs ?? 5000)]);
          if (inflight.size > 0) {
            log(`stopping: ${inflight.size} job(s) did not stop in time; pg-boss retries them when they expire`);
          }
        }
      })();
      return stopPromise;
    },
  };
}
