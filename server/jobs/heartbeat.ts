/**
 * Worker liveness (domain-free): each worker process keeps a row in `WorkerHeartbeat` with the time of its
 * last beat and the pg-boss jobs it is running. A worker killed mid-run (SIGKILL, OOM, a lost machine)
 * stops beating; any live worker that notices a beat older than `staleMs` deletes that row (one of them
 * wins) and hands the dead worker's jobs back to the queue at once, instead of leaving them "active" until
 * pg-boss expires them (the kind's timeout + 60 s, ≈12 minutes for curation traces).
 *
 * Handing back = pg-boss `fail` (the dead attempt counts: a job that kills its worker every time ends in
 * the dead-letter queue instead of looping) with the retry made due now. Only a job still active *from the
 * same fetch* (`started_on` as recorded) is touched, so a job that meanwhile finished, or was retried and
 * fetched by another worker, is left alone. What the handler had claimed in its own tables it re-claims on
 * the retry, as after any failed attempt.
 *
 * The list of held jobs is written on every beat and right after each fetch (before the jobs start), so a
 * worker dying just after a fetch still has them on record. All times are the database's clock.
 * Env: SPRINT_WORKER_BEAT_MS (default 5000), SPRINT_WORKER_STALE_MS (default 30000; at least 3 beats).
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import type PgBoss from "pg-boss";
import { prisma } from "../db/client";
import { QUEUE_SCHEMA, queueQuery } from "./queue";

export interface HeldJob {
  kind: string;
  id: string;
  /** pg-boss `started_on` of this fetch, ISO. */
  startedOn: string;
}

export interface LivenessOptions {
  /** Beat interval, ms. Default: env SPRINT_WORKER_BEAT_MS or 5000. */
  beatMs?: number;
  /** A worker whose last beat is older than this is dead, ms. Default: env SPRINT_WORKER_STALE_MS or 30000. */
  staleMs?: number;
}

export interface ReclaimedWorker {
  workerId: string;
  host: string;
  pid: number;
  /** Jobs handed back to the queue (still active from the dead worker's fetch). */
  handedBack: HeldJob[];
}

function envMs(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback;
}

export function livenessSettings(opts: LivenessOptions = {}): { beatMs: number; staleMs: number } {
  const beatMs = opts.beatMs ?? envMs("SPRINT_WORKER_BEAT_MS", 5000);
  const staleMs = Math.max(opts.staleMs ?? envMs("SPRINT_WORKER_STALE_MS", 30_000), 3 * beatMs);
  return { beatMs, staleMs };
}

/** One worker's heartbeat: register, beat, record held jobs, reclaim the jobs of dead workers, unregister. */
export class Heartbeat {
  readonly id = randomUUID();
  readonly beatMs: number;
  readonly staleMs: number;
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;

  constructor(
    private readonly boss: PgBoss,
    private readonly held: () => HeldJob[],
    private readonly log: (line: string) => void,
    opts: LivenessOptions = {},
  ) {
    ({ beatMs: this.beatMs, staleMs: this.staleMs } = livenessSettings(opts));
  }

  /** Registers this worker and starts beating (each beat also looks for dead workers). */
  async start(): Promise<void> {
    await this.write();
    this.timer = setInterval(() => {
      if (this.beating) return; // the previous beat is still running (slow database)
      this.beating = this.tick().finally(() => {
        this.beating = null;
      });
    }, this.beatMs);
    this.timer.unref();
  }

  /** Writes the beat and the held jobs now (called after each fetch). */
  async record(): Promise<void> {
    await this.write().catch((err: unknown) => this.log(`heartbeat: ${err instanceof Error ? err.message : String(err)}`));
  }

  /** Stops beating and removes the row (a graceful stop hands its jobs back itself). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beating?.catch(() => undefined);
    await prisma.workerHeartbeat.deleteMany({ where: { id: this.id } }).catch(() => undefined);
  }

  private async tick(): Promise<void> {
    try {
      await this.write();
      for (const w of await reclaimDeadWorkers(this.boss, this.staleMs, this.id)) {
        this.log(
          `worker ${w.workerId.slice(0, 8)} (${w.host} pid ${w.pid}) stopped beating; handed back ${w.handedBack.length} job(s)` +
            (w.handedBack.length ? `: ${w.handedBack.map((j) => `${j.kind}/${j.id.slice(0, 8)}`).join(", ")}` : ""),
        );
      }
    } catch (err) {
      this.log(`heartbeat: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async write(): Promise<void> {
    const jobs = JSON.stringify(this.held());
    await prisma.$executeRaw`INSERT INTO "WorkerHeartbeat" ("id", "host", "pid", "startedAt", "beatAt", "jobs")
      VALUES (${this.id}, ${os.hostname().slice(0, 200)}, ${process.pid}, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'), ${jobs}::jsonb)
      ON CONFLICT ("id") DO UPDATE SET "beatAt" = (now() AT TIME ZONE 'UTC'), "jobs" = EXCLUDED."jobs"`;
  }
}

/**
 * Deletes the rows of workers whose beat is older than `staleMs` (each row is taken by one caller only) and
 * hands their still-active jobs back to the queue, due now. Returns what was reclaimed.
 */
export async function reclaimDeadWorkers(boss: PgBoss, staleMs: number, selfId = ""): Promise<ReclaimedWorker[]> {
  const dead = await prisma.$queryRaw<{ id: string; host: string; pid: number; jobs: HeldJob[] }[]>`
    DELETE FROM "WorkerHeartbeat" WHERE "beatAt" < (now() AT TIME ZONE 'UTC') - ${Math.round(staleMs)}::int * interval '1 millisecond' AND "id" <> ${selfId}
    RETURNING "id", "host", "pid", "jobs"`;
  const out: ReclaimedWorker[] = [];
  for (const w of dead) {
    const handedBack: HeldJob[] = [];
    for (const job of Array.isArray(w.jobs) ? w.jobs : []) {
      if (await handBack(boss, job, `its worker (${w.host} pid ${w.pid}) stopped responding`)) handedBack.push(job);
    }
    out.push({ workerId: w.id, host: w.host, pid: w.pid, handedBack });
  }
  return out;
}

/** Fails one job of a dead worker (if still active from that fetch) and makes its retry due now. */
async function handBack(boss: PgBoss, job: HeldJob, reason: string): Promise<boolean> {
  const still = await queueQuery<{ id: string }>(
    `SELECT id FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND id = $2 AND state = 'active'
       AND date_trunc('milliseconds', started_on) = date_trunc('milliseconds', $3::timestamptz)`,
    [job.kind, job.id, job.startedOn],
  );
  if (still.length === 0) return false;
  await boss.fail(job.kind, job.id, { message: `Attempt lost: ${reason}` });
  await queueQuery(`UPDATE ${QUEUE_SCHEMA}.job SET start_after = now() WHERE name = $1 AND id = $2 AND state = 'retry'`, [job.kind, job.id]);
  return true;
}
