/**
 * The job worker: polls the pg-boss queue of every registered job kind and runs up to `concurrency` task
 * jobs plus up to `itemConcurrency` item jobs at once in this process (two slot pools, so a long task never
 * starves a curation run's traces and vice versa; one fetch loop over all kinds; it wakes at once when a
 * slot frees or when this process enqueues). It also drains the kinds' dead-letter queues every few
 * seconds to record failures whose last attempt died with its worker (Task failed / item `giveUp`). Runs inside `npm start` (scripts/start.ts spawns
 * scripts/worker.ts) or on its own with `npm run worker`; several workers on several machines share the
 * load through the queue (pg-boss hands each job to exactly one of them).
 *
 * Liveness: the worker beats in `WorkerHeartbeat` and lists the jobs it holds (heartbeat.ts); a worker
 * that stops beating (killed) has its jobs handed back to the queue by the live ones within `staleMs`.
 *
 * Layout: settings ({@link resolveSettings}), wake-ups ({@link Waker}), running one job in a slot
 * ({@link JobSlots}), the fetch loop ({@link fetchLoop}), stopping ({@link stopGracefully}); outcomes in
 * outcome.ts, dead letters in dead-letters.ts.
 *
 * Stop: {@link Worker.stop} stops fetching, lets running jobs finish for `timeoutMs`, then aborts the rest
 * (their handlers see WorkerStoppingError at the next progress report) and puts their jobs back in the
 * queue without spending an attempt.
 */
import type PgBoss from "pg-boss";
import { drainDeadLetters } from "./dead-letters";
import { Heartbeat, type HeldJob, type LivenessOptions } from "./heartbeat";
import { describeOutcome, settleOutcome } from "./outcome";
import { ensureQueue, getBoss, jobLog, localQueueHooks, queuePollIntervalMs, releaseJob } from "./queue";
import { getJob, listJobKinds } from "./registry";
import { runJob } from "./runner";

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
  /** Also log every successful item job (default: SPRINT_JOB_LOG=verbose). */
  logItemSuccess?: boolean;
  /** Where the one line per job goes (default: stdout with a "[jobs]" prefix). */
  log?: (line: string) => void;
  /** Liveness beat and staleness (heartbeat.ts). */
  liveness?: LivenessOptions;
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
  /** This worker's id in `WorkerHeartbeat`. */
  readonly workerId: string;
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

interface Settings {
  concurrency: number;
  itemConcurrency: number;
  kinds: string[];
  pollMs: number;
  deadLetterPollMs: number;
  log: (line: string) => void;
  logItemSuccess: boolean;
}

function resolveSettings(opts: WorkerOptions): Settings {
  const concurrency = opts.concurrency ?? positiveIntEnv("SPRINT_WORKER_CONCURRENCY", 2);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`Worker concurrency must be a positive integer (got ${concurrency})`);
  const itemConcurrency = opts.itemConcurrency ?? positiveIntEnv("SPRINT_WORKER_ITEM_CONCURRENCY", 4);
  if (!Number.isInteger(itemConcurrency) || itemConcurrency < 1) throw new Error(`Worker itemConcurrency must be a positive integer (got ${itemConcurrency})`);
  return {
    concurrency,
    itemConcurrency,
    kinds: opts.kinds ?? listJobKinds(),
    pollMs: opts.pollIntervalMs ?? queuePollIntervalMs(),
    deadLetterPollMs: opts.deadLetterPollMs ?? 5000,
    log: opts.log ?? jobLog,
    logItemSuccess: opts.logItemSuccess ?? process.env.SPRINT_JOB_LOG === "verbose",
  };
}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Sleeps that end early on a wake-up (a local enqueue, a freed slot, stop). */
class Waker {
  private readonly sleepers = new Set<() => void>();
  /** A wake-up arrived since {@link resetCycle}: the loop should not sleep after this cycle. */
  woken = false;

  resetCycle(): void {
    this.woken = false;
  }

  wakeAll(): void {
    this.woken = true;
    for (const wake of [...this.sleepers]) wake();
  }

  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }
}

/** The two slot pools (task / item) and the jobs running in them. */
class JobSlots {
  readonly limits: Record<"task" | "item", number>;
  readonly busy = { task: 0, item: 0 };
  /** Kinds not fetched until the given time (an item was deferred: its run is at its limit). */
  readonly backoffUntil = new Map<string, number>();
  readonly inflight = new Map<symbol, { job: HeldJob; done: Promise<void> }>();
  readonly stopController = new AbortController();

  constructor(
    private readonly boss: PgBoss,
    private readonly s: Settings,
    private readonly opts: WorkerOptions,
    private readonly waker: Waker,
  ) {
    this.limits = { task: s.concurrency, item: s.itemConcurrency };
  }

  poolOf(kind: string): "task" | "item" {
    return getJob(kind).mode;
  }

  free(kind: string): number {
    const pool = this.poolOf(kind);
    return this.limits[pool] - this.busy[pool];
  }

  /** Every pool that serves some kind is full. */
  full(): boolean {
    return (["task", "item"] as const).every((pool) => this.busy[pool] >= this.limits[pool] || !this.s.kinds.some((k) => this.poolOf(k) === pool));
  }

  /** The jobs held now (for the heartbeat). */
  held(): HeldJob[] {
    return [...this.inflight.values()].map((f) => f.job);
  }

  /** Runs one fetched job in a slot: the attempt, its outcome in pg-boss, one log line. */
  launch(kind: string, job: PgBoss.JobWithMetadata<unknown>): void {
    const started = Date.now();
    const token = Symbol(job.id);
    const pool = this.poolOf(kind);
    this.busy[pool]++;
    let deferred = false;
    const done = (async () => {
      try {
        const r = await runJob(job, { stopSignal: this.stopController.signal, throttleMs: this.opts.throttleMs, heartbeatMs: this.opts.heartbeatMs });
        await settleOutcome(this.boss, kind, job.id, r.outcome);
        if (r.outcome.type === "deferred") {
          // Its run is at its limit: leave this kind alone for a poll interval instead of churning through
          // the queue (other runs' items are picked up at the next poll).
          deferred = true;
          this.backoffUntil.set(kind, Date.now() + this.s.pollMs);
          return;
        }
        this.backoffUntil.delete(kind); // a slot of some run freed here: its next item may fit now
        // Item jobs (one per trace) that went fine are not logged one by one unless asked (SPRINT_JOB_LOG=verbose):
        // a 100k-trace run would bury everything else. Failures, retries and task jobs always are.
        if (pool === "item" && (r.outcome.type === "succeeded" || r.outcome.type === "skipped") && !this.s.logItemSuccess) return;
        this.s.log(
          `${kind} job=${job.id.slice(0, 8)}${pool === "task" ? ` task=${r.taskId ?? "?"}` : ""} attempt ${r.attempt}/${r.maxAttempts} ` +
            `${describeOutcome(r)} in ${Date.now() - started} ms (picked up ${r.pickupMs} ms after it was ready)`,
        );
      } catch (err) {
        this.s.log(`${kind} job=${job.id.slice(0, 8)} could not record its outcome: ${errText(err)} (pg-boss retries it after expiry)`);
      } finally {
        this.inflight.delete(token);
        this.busy[pool]--;
        if (!deferred) this.waker.wakeAll();
      }
    })();
    const startedOn = job.startedOn instanceof Date ? job.startedOn.toISOString() : new Date(job.startedOn ?? Date.now()).toISOString();
    this.inflight.set(token, { job: { kind, id: job.id, startedOn }, done });
  }

  all(): Promise<unknown> {
    return Promise.all([...this.inflight.values()].map((f) => f.done));
  }
}

interface LoopState {
  stopping: boolean;
}

/**
 * One fetch loop for all kinds (so fetches never race for slots): each cycle asks every kind, starting
 * from a rotating one, for up to the free slots, and records what it got in the heartbeat before the jobs
 * start. It sleeps `pollMs` when the queues looked empty or all slots are busy; a wake-up (local enqueue,
 * a slot freed) ends the sleep or skips it. Dead letters are drained every `deadLetterPollMs`.
 */
async function fetchLoop(boss: PgBoss, s: Settings, slots: JobSlots, waker: Waker, heartbeat: Heartbeat, state: LoopState): Promise<void> {
  let nextDeadLetterCheck = 0;
  for (let cycle = 0; !state.stopping; cycle++) {
    waker.resetCycle();
    let maybeMore = false;
    if (Date.now() >= nextDeadLetterCheck) {
      nextDeadLetterCheck = Date.now() + s.deadLetterPollMs;
      await drainDeadLetters(boss, s.kinds, s.log, () => state.stopping).catch((err: unknown) => s.log(`dead letters: ${errText(err)}`));
    }
    for (let i = 0; i < s.kinds.length && !state.stopping; i++) {
      const kind = s.kinds[(cycle + i) % s.kinds.length] as string;
      const free = slots.free(kind);
      if (free <= 0) continue;
      if ((slots.backoffUntil.get(kind) ?? 0) > Date.now()) continue;
      let jobs: PgBoss.JobWithMetadata<unknown>[] = [];
      try {
        jobs = await boss.fetch<unknown>(kind, { batchSize: free, includeMetadata: true });
      } catch (err) {
        s.log(`${kind}: fetch failed: ${errText(err)}`);
      }
      if (jobs.length === free) maybeMore = true;
      for (const job of jobs) {
        if (state.stopping) await releaseJob(kind, job.id).catch(() => undefined);
        else slots.launch(kind, job);
      }
      if (jobs.length > 0) await heartbeat.record();
    }
    if (!state.stopping && (slots.full() || (!maybeMore && !waker.woken))) await waker.sleep(s.pollMs);
  }
}

/** Stops fetching, lets running jobs finish for `timeoutMs`, then aborts and releases the rest. */
async function stopGracefully(s: Settings, slots: JobSlots, loops: Promise<unknown>[], stopOpts: StopOptions): Promise<void> {
  const timeoutMs = stopOpts.timeoutMs ?? positiveIntEnv("SPRINT_WORKER_STOP_TIMEOUT_MS", 10_000);
  await Promise.all(loops);
  if (slots.inflight.size > 0) {
    s.log(`stopping: waiting up to ${timeoutMs} ms for ${slots.inflight.size} running job(s)`);
    await Promise.race([slots.all(), wait(timeoutMs)]);
  }
  if (slots.inflight.size > 0) {
    s.log(`stopping: releasing ${slots.inflight.size} job(s) back to the queue`);
    slots.stopController.abort();
    await Promise.race([slots.all(), wait(stopOpts.abortGraceMs ?? 5000)]);
    if (slots.inflight.size > 0) {
      s.log(`stopping: ${slots.inflight.size} job(s) did not stop in time; pg-boss retries them when they expire`);
    }
  }
}

/** Subscribes to every registered kind (or `opts.kinds`) and starts polling. Resolves once the queues exist. */
export async function startWorker(opts: WorkerOptions = {}): Promise<Worker> {
  const s = resolveSettings(opts);
  const boss = await getBoss();
  for (const kind of s.kinds) await ensureQueue(getJob(kind));
  const waker = new Waker();
  const slots = new JobSlots(boss, s, opts, waker);
  const heartbeat = new Heartbeat(boss, () => slots.held(), s.log, opts.liveness);
  await heartbeat.start();
  const state: LoopState = { stopping: false };
  const offEnqueued = localQueueHooks.onEnqueued((kind) => {
    if (s.kinds.includes(kind)) waker.wakeAll();
  });
  const loops = s.kinds.length === 0 ? [] : [fetchLoop(boss, s, slots, waker, heartbeat, state).catch((err: unknown) => s.log(`worker loop crashed: ${errText(err)}`))];
  let stopPromise: Promise<void> | undefined;
  return {
    kinds: s.kinds,
    concurrency: s.concurrency,
    itemConcurrency: s.itemConcurrency,
    workerId: heartbeat.id,
    running: () => slots.inflight.size,
    stop(stopOpts: StopOptions = {}) {
      stopPromise ??= (async () => {
        state.stopping = true;
        offEnqueued();
        waker.wakeAll();
        try {
          await stopGracefully(s, slots, loops, stopOpts);
        } finally {
          await heartbeat.stop();
        }
      })();
      return stopPromise;
    },
  };
}
