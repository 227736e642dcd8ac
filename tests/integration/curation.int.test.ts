/**
 * Curation runs end to end on the test database: Countdown traces → run (one Task + one queued item job
 * per trace) → workers → per-trace rows kept/filtered/failed with reasons and metrics; two workers share a
 * run; a stopped worker hands over, a killed one's traces are retried after they expire, without
 * duplicating results; cancellation; snapshots and their JSONL.
 */
import "../../server/job-kinds";
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../server/db/client";
import { contentHash } from "../../server/curation/import/run";
import { createCurationRun, runSummary } from "../../server/curation/runs";
import { createSnapshot, renderSnapshot } from "../../server/curation/snapshots";
import { countdownDataset } from "../../server/sprint/countdown/trace";
import { cancelTask, getBoss, queueQuery, stopQueue } from "../../server/jobs/queue";
import { startWorker, type Worker } from "../../server/jobs/worker";
import { cancelCurationRun } from "../../server/curation/runs";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stamp = `${Date.now().toString(36)}-${crypto.randomBytes(3).toString("hex")}`;
let ws: { id: string };
let user: { id: string };
const workers: Worker[] = [];

async function makeDataset(name: string, n: number, seed: number) {
  const ds = await prisma.dataset.create({ data: { workspaceId: ws.id, name: `${name}-${stamp}` } });
  const recs = [...countdownDataset(seed, n)];
  await prisma.trace.createMany({
    data: recs.map((r) => ({
      datasetId: ds.id,
      externalId: r.id,
      question: r.question,
      reasoning: r.reasoning,
      referenceAnswer: r.answer,
      referenceSolution: r.solution,
      contentHash: contentHash(r.question, r.reasoning),
    })),
  });
  return ds;
}

async function waitRun(runId: string, pred: (s: Awaited<ReturnType<typeof runSummary>>) => boolean, timeoutMs = 90_000) {
  const t0 = Date.now();
  for (;;) {
    const s = await runSummary(prisma, runId);
    if (pred(s)) return s;
    if (Date.now() - t0 > timeoutMs) throw new Error(`run stuck: ${JSON.stringify({ status: s.status, counts: s.counts, task: s.task })}`);
    await sleep(150);
  }
}

async function itemJobs(runId: string) {
  return queueQuery<{ id: string; state: string; retry_count: number }>(
    "SELECT id, state::text AS state, retry_count FROM pgboss.job WHERE name = 'curation-trace' AND data->>'runId' = $1",
    [runId],
  );
}

async function expectOncePerTrace(runId: string, n: number) {
  expect(await prisma.curatedTrajectory.count({ where: { runId } })).toBe(n);
  const perTrace = await prisma.curatedTrajectory.groupBy({ by: ["traceId"], where: { runId }, _count: { _all: true } });
  expect(perTrace).toHaveLength(n);
  expect(perTrace.every((g) => g._count._all === 1)).toBe(true);
}

async function stopAll() {
  await Promise.all(workers.splice(0).map((w) => w.stop({ timeoutMs: 2000 })));
}

beforeAll(async () => {
  user = await prisma.user.create({ data: { email: `cur-${stamp}@example.test` } });
  ws = await prisma.workspace.create({ data: { name: `Cur ${stamp}`, slug: `cur-${stamp}`, memberships: { create: { userId: user.id, role: "admin" } } } });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop({ timeoutMs: 2000 }).catch(() => undefined)));
  await stopQueue();
  await prisma.workspace.delete({ where: { id: ws.id } }).catch(() => undefined);
  await prisma.user.delete({ where: { id: user.id } }).catch(() => undefined);
});

describe("curation runs", () => {
  it("curates every trace once, with reasons for the dropped and metrics for the kept", async () => {
    const ds = await makeDataset("run", 30, 7);
    const { run } = await createCurationRun(prisma, {
      workspaceId: ws.id,
      datasetId: ds.id,
      userId: user.id,
      config: { backend: "heuristic", tokenizer: "approx", concurrency: 4 },
    });
    expect(run.total).toBe(30);
    // One Task for the run (no job of its own) and one queued item job per trace.
    const jobs = await itemJobs(run.id);
    expect(jobs).toHaveLength(30);
    expect(jobs.every((j) => j.state === "created")).toBe(true);
    const queuedTask = await prisma.task.findFirstOrThrow({ where: { kind: "curation-run", input: { path: ["runId"], equals: run.id } } });
    expect(queuedTask.status).toBe("queued");
    expect(queuedTask.queueJobId).toBeNull();
    const w = await startWorker({ concurrency: 1 });
    workers.push(w);
    const s = await waitRun(run.id, (x) => x.status === "succeeded");
    expect(s.task?.progress).toBe(1);
    expect(s.task?.message).toBe(`${s.counts.kept} kept · ${s.counts.filtered} filtered · ${s.counts.failed} failed`);
    await expect.poll(async () => (await itemJobs(run.id)).every((j) => j.state === "completed")).toBe(true);
    expect(s.counts.kept + s.counts.filtered + s.counts.failed).toBe(30);
    expect(s.counts.kept).toBeGreaterThan(10);
    expect(s.progress).toBe(1);
    expect(s.task?.status).toBe("succeeded");
    expect(s.histogram.reduce((n, b) => n + b.count, 0)).toBe(s.counts.kept);
    const rows = await prisma.curatedTrajectory.findMany({ where: { runId: run.id } });
    expect(rows).toHaveLength(30);
    for (const r of rows) {
      if (r.curationStatus === "kept") {
        expect(r.text).toContain("<Plan_1>");
        expect(r.sequentialTokens).toBeGreaterThan(0);
        expect(r.sequentialTokens!).toBeLessThanOrEqual(r.totalTokens!);
        expect((r.metrics as { reduction: number }).reduction).toBeTypeOf("number");
      } else {
        expect(r.reason, `${r.curationStatus} needs a reason`).toBeTruthy();
      }
    }
    const stored = await prisma.curationRun.findUniqueOrThrow({ where: { id: run.id } });
    expect([stored.kept, stored.filtered, stored.failed]).toEqual([s.counts.kept, s.counts.filtered, s.counts.failed]);
    await stopAll();

    // Snapshot of the kept trajectories, downloadable as JSONL with one line per item.
    const snap = await createSnapshot(prisma, { datasetId: ds.id, userId: user.id, source: "kept" });
    expect(snap.number).toBe(1);
    expect(snap.itemCount).toBe(s.counts.kept);
    const all = await renderSnapshot(prisma, snap.id, "messages", "all");
    const lines = all.content.trim().split("\n");
    expect(lines).toHaveLength(s.counts.kept);
    const first = JSON.parse(lines[0]!) as { messages: { role: string; content: string }[] };
    expect(first.messages.at(-1)?.role).toBe("assistant");
    expect(first.messages.at(-1)?.content.startsWith("<think>\n")).toBe(true);
    const train = await renderSnapshot(prisma, snap.id, "openai", "train");
    const test = await renderSnapshot(prisma, snap.id, "openai", "test");
    expect(train.rows + test.rows).toBe(s.counts.kept);
    const again = await createSnapshot(prisma, { datasetId: ds.id, userId: user.id, source: "kept" });
    expect(again.number).toBe(2);
    await expect(createSnapshot(prisma, { datasetId: ds.id, userId: user.id, source: "approved" })).rejects.toThrow(/No approved/);
  });

  it("a worker stopped mid-run hands over to another without duplicating results", async () => {
    const ds = await makeDataset("resume", 40, 11);
    const { run } = await createCurationRun(prisma, {
      workspaceId: ws.id,
      datasetId: ds.id,
      userId: user.id,
      config: { backend: "heuristic", tokenizer: "qwen", concurrency: 1 },
    });
    const w1 = await startWorker({ concurrency: 1 });
    await waitRun(run.id, (x) => x.done >= 3);
    await w1.stop({ timeoutMs: 0 });
    const mid = await runSummary(prisma, run.id);
    expect(mid.done).toBeLessThan(40);
    expect(mid.counts.running).toBe(0);
    const w2 = await startWorker({ concurrency: 1 });
    workers.push(w2);
    const s = await waitRun(run.id, (x) => x.status === "succeeded");
    expect(s.done).toBe(40);
    expect(await prisma.curatedTrajectory.count({ where: { runId: run.id } })).toBe(40);
    await expectOncePerTrace(run.id, 40);
    await stopAll();
  });

  it("two workers share one run's traces; the counts, the run and its Task end right", async () => {
    const ds = await makeDataset("shared", 40, 17);
    const { run, taskId } = await createCurationRun(prisma, {
      workspaceId: ws.id,
      datasetId: ds.id,
      userId: user.id,
      config: { backend: "heuristic", tokenizer: "qwen", concurrency: 4 },
    });
    expect(await itemJobs(run.id)).toHaveLength(40);
    const logs: [string[], string[]] = [[], []];
    for (const lines of logs) workers.push(await startWorker({ concurrency: 1, itemConcurrency: 2, pollIntervalMs: 100, logItemSuccess: true, log: (l) => lines.push(l) }));
    const s = await waitRun(run.id, (x) => x.status === "succeeded");
    const handled = logs.map((lines) => lines.filter((l) => l.startsWith("curation-trace ") && l.includes(" succeeded ")).length);
    console.log(`[curation.int] traces curated per worker: ${handled.join(" + ")}`);
    expect(handled[0]).toBeGreaterThan(0);
    expect(handled[1]).toBeGreaterThan(0);
    expect(handled[0]! + handled[1]!).toBe(40);
    expect(s.done).toBe(40);
    expect(s.counts.pending + s.counts.running).toBe(0);
    await expectOncePerTrace(run.id, 40);
    const task = await prisma.task.findUniqueOrThrow({ where: { id: taskId } });
    expect([task.status, task.progress, task.finishedAt !== null]).toEqual(["succeeded", 1, true]);
    expect(task.result).toEqual({ runId: run.id, kept: s.counts.kept, filtered: s.counts.filtered, failed: s.counts.failed, pending: 0 });
    const stored = await prisma.curationRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.kept + stored.filtered + stored.failed).toBe(40);
    await stopAll();
  });

  it("a killed worker's traces are retried by the queue once they expire, without duplicates", async () => {
    const ds = await makeDataset("killed", 20, 19);
    const { run } = await createCurationRun(prisma, {
      workspaceId: ws.id,
      datasetId: ds.id,
      userId: user.id,
      config: { backend: "heuristic", tokenizer: "approx", concurrency: 6 },
    });
    // A worker takes 3 traces (jobs active, rows running) and dies (SIGKILL: nothing is released).
    const boss = await getBoss();
    const taken = await boss.fetch<{ rowId: string }>("curation-trace", { batchSize: 3, includeMetadata: true });
    expect(taken).toHaveLength(3);
    await prisma.curatedTrajectory.updateMany({ where: { id: { in: taken.map((j) => j.data.rowId) } }, data: { curationStatus: "running" } });

    // Another worker curates the rest; the dead worker's traces keep the run open.
    workers.push(await startWorker({ concurrency: 1, itemConcurrency: 4, pollIntervalMs: 100 }));
    const mid = await waitRun(run.id, (x) => x.done === 17);
    expect(mid.status).toBe("running");
    expect(mid.counts.running).toBe(3);

    // Their deadline passes: pg-boss maintenance fails them into a retry (with backoff); they are curated.
    await queueQuery("UPDATE pgboss.job SET started_on = now() - interval '2 hours' WHERE id = ANY($1::uuid[])", [taken.map((j) => j.id)]);
    await boss.expire();
    const s = await waitRun(run.id, (x) => x.status === "succeeded");
    expect(s.done).toBe(20);
    await expectOncePerTrace(run.id, 20);
    const retried = (await itemJobs(run.id)).filter((j) => taken.some((t) => t.id === j.id));
    expect(retried.map((j) => [j.state, j.retry_count])).toEqual(Array(3).fill(["completed", 1]));
    await stopAll();
  });

  it("a trace whose last attempt died with its worker is recorded failed (dead letter) and the run still finishes", async () => {
    const ds = await makeDataset("dead-letter", 4, 23);
    const { run } = await createCurationRun(prisma, {
      workspaceId: ws.id,
      datasetId: ds.id,
      userId: user.id,
      config: { backend: "heuristic", tokenizer: "approx", concurrency: 4, maxAttempts: 1 },
    });
    const boss = await getBoss();
    const [dying] = await boss.fetch<{ rowId: string }>("curation-trace", { batchSize: 1, includeMetadata: true });
    expect(dying?.retryLimit).toBe(0);
    await prisma.curatedTrajectory.update({ where: { id: dying!.data.rowId }, data: { curationStatus: "running" } });
    await queueQuery("UPDATE pgboss.job SET started_on = now() - interval '2 hours' WHERE id = $1", [dying!.id]);
    await boss.expire();
    workers.push(await startWorker({ concurrency: 1, itemConcurrency: 4, pollIntervalMs: 100, deadLetterPollMs: 200 }));
    const s = await waitRun(run.id, (x) => x.status === "succeeded");
    expect(s.counts.failed).toBeGreaterThanOrEqual(1);
    const row = await prisma.curatedTrajectory.findUniqueOrThrow({ where: { id: dying!.data.rowId } });
    expect(row.curationStatus).toBe("failed");
    expect(row.reason).toMatch(/^Gave up after 1 attempt: job failed by timeout in active state/);
    await expectOncePerTrace(run.id, 4);
    await stopAll();
  });

  it("cancelling mid-run stops it: no further rows are curated, queued traces are cancelled, the rest stay pending", async () => {
    const ds = await makeDataset("cancel", 40, 29);
    const { run, taskId } = await createCurationRun(prisma, {
      workspaceId: ws.id,
      datasetId: ds.id,
      userId: user.id,
      config: { backend: "heuristic", tokenizer: "qwen", concurrency: 1 },
    });
    workers.push(await startWorker({ concurrency: 1, itemConcurrency: 2, pollIntervalMs: 100 }));
    await waitRun(run.id, (x) => x.done >= 3);
    expect(await cancelCurationRun(prisma, run.id, { workspaceId: ws.id })).toBe(true);
    const after = await runSummary(prisma, run.id);
    expect(after.status).toBe("cancelled");
    expect(after.task?.status).toBe("cancelled");
    expect(after.counts.running).toBe(0);
    await sleep(1500);
    const later = await runSummary(prisma, run.id);
    expect(later.done).toBe(after.done);
    expect(later.done).toBeLessThan(40);
    expect(later.counts.pending).toBe(40 - later.done);
    expect(later.counts.running).toBe(0);
    const jobs = await itemJobs(run.id);
    expect(jobs.filter((j) => j.state === "created" || j.state === "retry" || j.state === "active")).toHaveLength(0);
    expect(jobs.filter((j) => j.state === "cancelled").length).toBeGreaterThan(0);
    expect((await prisma.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe("cancelled");
    // Cancelling again changes nothing.
    expect(await cancelCurationRun(prisma, run.id)).toBe(false);
    await stopAll();
  });

  it("cancelling the run's Task (tasks.cancel) cancels the run at its next trace", async () => {
    const ds = await makeDataset("cancel-task", 30, 31);
    const { run, taskId } = await createCurationRun(prisma, {
      workspaceId: ws.id,
      datasetId: ds.id,
      userId: user.id,
      config: { backend: "heuristic", tokenizer: "qwen", concurrency: 1 },
    });
    workers.push(await startWorker({ concurrency: 1, itemConcurrency: 2, pollIntervalMs: 100 }));
    await waitRun(run.id, (x) => x.done >= 2);
    await cancelTask(taskId, { workspaceId: ws.id });
    const s = await waitRun(run.id, (x) => x.status === "cancelled", 10_000);
    expect(s.done).toBeLessThan(30);
    await expect.poll(async () => (await itemJobs(run.id)).filter((j) => j.state === "created").length).toBe(0);
    await stopAll();
  });

  it("an empty selection is refused with a clear message", async () => {
    const ds = await prisma.dataset.create({ data: { workspaceId: ws.id, name: `empty-${stamp}` } });
    await expect(createCurationRun(prisma, { workspaceId: ws.id, datasetId: ds.id, userId: user.id, config: {} })).rejects.toThrow(/No traces match/);
  });
});
