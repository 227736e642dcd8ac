/**
 * A worker killed mid-run (SIGKILL: no graceful stop) hands nothing back itself. Its heartbeat goes stale
 * and a live worker returns its jobs to the queue; they are done within a minute (not after pg-boss's
 * expiry of timeout + 60 s, nor after the kind's 120 s retry delay).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, expect, it } from "vitest";
import { prisma } from "../../server/db/client";
import { enqueueItems, getBoss, queueQuery, stopQueue } from "../../server/jobs/queue";
import { startWorker, type Worker } from "../../server/jobs/worker";
import { reclaimDeadWorkers } from "../../server/jobs/heartbeat";
import { LIVENESS_KIND, livenessKind } from "../fixtures/liveness-kind";

const done = new Map<string, number>();
livenessKind(async (label, attempt) => {
  done.set(label, attempt);
});

let child: ChildProcess | undefined;
let worker: Worker | undefined;
const logLines: string[] = [];

afterAll(async () => {
  child?.kill("SIGKILL");
  await worker?.stop({ timeoutMs: 1000 });
  await stopQueue();
});

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

it("a worker killed mid-run has its items done by another worker within a minute", async () => {
  await getBoss();
  const stamp = Date.now().toString(36);
  const labels = Array.from({ length: 5 }, (_, i) => `${stamp}-${i}`);
  // Start the doomed worker first so that it fetches as many items as it can hold (3).
  // `node --import tsx` (not the tsx CLI, which runs the script in a child process the kill would orphan).
  child = spawn(process.execPath, ["--import", "tsx", "tests/fixtures/killable-worker.ts"], {
    env: { ...process.env, SPRINT_WORKER_BEAT_MS: "", SPRINT_WORKER_STALE_MS: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (out += b.toString()));
  const childId = await until("the child worker", async () => /ready (\S+)/.exec(out)?.[1], 40_000);

  await enqueueItems(LIVENESS_KIND, labels.map((label) => ({ label })));
  const held = await until(
    "the child to hold jobs",
    async () => {
      const row = await prisma.workerHeartbeat.findUnique({ where: { id: childId } });
      const jobs = (row?.jobs ?? []) as { id: string }[];
      return jobs.length === 3 ? jobs : undefined;
    },
    20_000,
  );
  child.kill("SIGKILL");
  const killedAt = Date.now();
  await new Promise((r) => child!.once("exit", r));

  // The killed worker's jobs are still "active" in pg-boss: nobody else may take them.
  const active = await queueQuery<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'active'`, [
    LIVENESS_KIND,
    held.map((j) => j.id),
  ]);
  expect(active[0]?.n).toBe(3);

  // A live worker with the default liveness settings (beat 5 s, stale after 30 s) notices and hands them back.
  worker = await startWorker({ kinds: [LIVENESS_KIND], itemConcurrency: 4, pollIntervalMs: 200, log: (l) => logLines.push(l) });
  await until("every item done", async () => labels.every((l) => done.has(l)), 60_000);
  const tookMs = Date.now() - killedAt;
  console.log(`[liveness] all ${labels.length} items done ${tookMs} ms after the kill\n  ${logLines.join("\n  ")}`);
  expect(tookMs).toBeLessThan(60_000);
  // The lost attempts counted (attempt 2 for the three the dead worker held), and its row is gone.
  expect(labels.filter((l) => done.get(l) === 2)).toHaveLength(3);
  expect(await prisma.workerHeartbeat.findUnique({ where: { id: childId } })).toBeNull();
  expect(logLines.some((l) => l.includes(`worker ${childId.slice(0, 8)}`) && l.includes("handed back 3 job(s)"))).toBe(true);
}, 120_000);

it("a job finished or re-fetched since the dead worker's record is not touched", async () => {
  const boss = await getBoss();
  // A stale row that lists a job id from another fetch (different started_on): nothing is handed back.
  const [job] = await queueQuery<{ id: string; started_on: Date | null }>(
    `SELECT id, started_on FROM pgboss.job WHERE name = $1 AND state = 'completed' LIMIT 1`,
    [LIVENESS_KIND],
  );
  expect(job).toBeDefined();
  await prisma.$executeRaw`INSERT INTO "WorkerHeartbeat" ("id", "host", "pid", "startedAt", "beatAt", "jobs")
    VALUES ('stale-test', 'nowhere', 1, now() AT TIME ZONE 'UTC' - interval '1 hour', now() AT TIME ZONE 'UTC' - interval '1 hour',
    ${JSON.stringify([{ kind: LIVENESS_KIND, id: job!.id, startedOn: new Date(0).toISOString() }])}::jsonb)`;
  const reclaimed = await reclaimDeadWorkers(boss, 5000, "self");
  const mine = reclaimed.find((w) => w.workerId === "stale-test");
  expect(mine?.handedBack).toEqual([]);
  const [after] = await queueQuery<{ state: string }>(`SELECT state::text AS state FROM pgboss.job WHERE id = $1`, [job!.id]);
  expect(after?.state).toBe("completed");
});
