/**
 * Curation runs end to end on the test database: Countdown traces → run (queued job) → worker → per-trace
 * rows kept/filtered/failed with reasons and metrics; a stopped worker mid-run resumes in a new worker
 * without duplicating results; cancellation; snapshots and their JSONL.
 */
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../server/db/client";
import { contentHash } from "../../server/curation/import/run";
import { createCurationRun, runSummary } from "../../server/curation/runs";
import { createSnapshot, renderSnapshot } from "../../server/curation/snapshots";
import { countdownDataset } from "../../server/sprint/countdown/trace";
import { stopQueue } from "../../server/jobs/queue";
import { startWorker, type Worker } from "../../server/jobs/worker";

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
    const w = await startWorker({ concurrency: 1 });
    workers.push(w);
    const s = await waitRun(run.id, (x) => x.status === "succeeded");
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
    expect(stored.kept).toBe(s.counts.kept);
    await w.stop();
    workers.pop();

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
    const perTrace = await prisma.curatedTrajectory.groupBy({ by: ["traceId"], where: { runId: run.id }, _count: { _all: true } });
    expect(perTrace.every((g) => g._count._all === 1)).toBe(true);
  });

  it("a long run continues across time slices (job handed back, picked up again) to the end", async () => {
    const ds = await makeDataset("slices", 30, 13);
    process.env.SPRINT_CURATION_SLICE_SECONDS = "0.3";
    try {
      const { run } = await createCurationRun(prisma, {
        workspaceId: ws.id,
        datasetId: ds.id,
        userId: user.id,
        config: { backend: "heuristic", tokenizer: "qwen", concurrency: 1 },
      });
      const s = await waitRun(run.id, (x) => x.status === "succeeded");
      expect(s.done).toBe(30);
      expect(await prisma.curatedTrajectory.count({ where: { runId: run.id } })).toBe(30);
      const task = await prisma.task.findFirstOrThrow({ where: { kind: "curation-run", input: { path: ["runId"], equals: run.id } } });
      expect(task.status).toBe("succeeded");
      expect(task.attempts).toBe(1);
    } finally {
      delete process.env.SPRINT_CURATION_SLICE_SECONDS;
    }
  });

  it("an empty selection is refused with a clear message", async () => {
    const ds = await prisma.dataset.create({ data: { workspaceId: ws.id, name: `empty-${stamp}` } });
    await expect(createCurationRun(prisma, { workspaceId: ws.id, datasetId: ds.id, userId: user.id, config: {} })).rejects.toThrow(/No traces match/);
  });
});
