/**
 * The job worker: polls the pg-boss queue of every registered job kind and runs up to `concurrency` jobs
 * at once in this process (one fetch loop over all kinds; it wakes at once when a slot frees or when this
 * process enqueues). Runs inside `npm start` (scripts/start.ts spawns
 * scripts/worker.ts) or on its own with `npm run worker`; several workers on several machines share the
 * load through the queue (pg-boss hands each job to exactly one of them).
 *
 * Stop: {@link Worker.stop} stops fetching, lets running jobs finish for `timeoutMs`, then aborts the rest
 * (their handlers see WorkerStoppingError at the next progress report) and puts their jobs back in the
 * queue without spending an attempt.
 */
import type PgBoss from "pg-boss";
import { ensureQueue, getBoss, jobLog, localQueueHooks, queuePollIntervalMs, releaseJob } from "./queue";
import { getJob, listJobKinds } from "./registry";
import { runJob, type RunOutcome, type RunReport } from "./runner";

/** Options of {@link startWorker}; every field has an env-driven default. */
export interface WorkerOptions {
  /** Jobs run at once by this worker (all kinds together). Default: env SPRINT_WORKER_CONCURRENCY or 2. */
  concurrency?: number;
  /** Kinds to serve. Default: every registered kind. */
  kinds?: string[];
  /** Poll interval per kind in ms. Default: env SPRINT_QUEUE_POLL_MS or 500. */
  pollIntervalMs?: number;
  /** Minimum ms between a job's progress writes (default 500). */
  throttleMs?: number;
  /** Cancellation check interval while a job runs, ms (default 1000). */
  heartbeatMs?: number;
  /** Where the one line per job goes (default: stdout with a "[jobs]" prefix). */
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
  const kinds = opts.kinds ?? listJobKinds();
  const pollMs = opts.pollIntervalMs ?? queuePollIntervalMs();
  const log = opts.log ?? jobLog;

  const boss = await getBoss();
  for (const kind of kinds) await ensureQueue(getJob(kind));

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
        await boss.complete(kind, jobId);
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
    }
  }

  function describe(r: RunReport): string {
    const o = r.outcome;
    switch (o.type) {
      case "succeeded":
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
    }
  }

  function launch(kind: string, job: PgBoss.JobWithMetadata<unknown>): void {
    const started = Date.now();
    const token = Symbol(job.id);
    const p = (async () => {
      try {
        const r = await runJob(job, { stopSignal: stopController.signal, throttleMs: opts.throttleMs, heartbeatMs: opts.heartbeatMs });
        await settle(kind, job.id, r.outcome);
        log(
          `${kind} job=${job.id.slice(0, 8)} task=${r.taskId ?? "?"} attempt ${r.attempt}/${r.maxAttempts} ` +
            `${describe(r)} in ${Date.now() - started} ms (picked up ${r.pickupMs} ms after it was ready)`,
        );
      } catch (err) {
        log(`${kind} job=${job.id.slice(0, 8)} could not record its outcome: ${err instanceof Error ? err.message : String(err)} (pg-boss retries it after expiry)`);
      } finally {
        inflight.delete(token);
        wakeAll();
      }
    })();
    inflight.set(token, p);
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
      for (let i = 0; i < kinds.length && !stopping; i++) {
        const kind = kinds[(cycle + i) % kinds.length] as string;
        const free = concurrency - inflight.size;
        if (free <= 0) break;
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
      const full = inflight.size >= concurrency;
      if (!stopping && (full || (!maybeMore && !woken))) await sleep(pollMs);
    }
  }

  const loops = kinds.length === 0 ? [] : [loop().catch((err: unknown) => log(`worker loop crashed: ${err instanceof Error ? err.message : String(err)}`))];

  return {
    kinds,
    concurrency,
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
