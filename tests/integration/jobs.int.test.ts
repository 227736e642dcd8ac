/**
 * The job queue end to end, against the test database (embedded PGlite or a real Postgres): enqueue →
 * worker (started in-test) → handler → Task row; retries, dead letters, cancellation, validation,
 * workspace isolation, graceful stop and health. Then item (task-less) jobs: bulk enqueue with validation,
 * retries with backoff, permanent failures, exhausted retries (giveUp + dead letter), deferral, graceful
 * release and bulk cancellation.
 */
import "../../server/job-kinds";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import { prisma } from "../../server/db/client";
import type { Task } from "../../server/db/generated/client";
import { getHealth } from "../../server/health";
import { defineItemJob, defineJob, JobDeferredError, JobInputError, PermanentJobError, UnknownJobKindError } from "../../server/jobs/job";
import { cancelItems, cancelTask, createTask, enqueueItems, enqueueTask, getBoss, queueQuery, stopQueue } from "../../server/jobs/queue";
import { deadLetterQueue, registerJob } from "../../server/jobs/registry";
import { getTask, listTasks } from "../../server/jobs/tasks";
import { startWorker, type Worker } from "../../server/jobs/worker";
import { loadQwenTokenizer } from "../../server/sprint/tokenizer";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ── test-only job kinds ──────────────────────────────────────────────────────────────────────────────
const failCalls = new Map<string, number>();
registerJob(
  defineJob({
    kind: "test-always-fails",
    input: z.strictObject({ label: z.string() }),
    retry: { limit: 2, delaySeconds: 0, backoff: false },
    async handler(ctx) {
      const n = (failCalls.get(ctx.task.id) ?? 0) + 1;
      failCalls.set(ctx.task.id, n);
      throw new Error(`boom #${n} (${ctx.input.label})`);
    },
  }),
);

const slowSteps = new Map<string, number>();
const slowStops = new Map<string, string>();
registerJob(
  defineJob({
    kind: "test-slow",
    input: z.strictObject({ steps: z.number().int().min(1), stepMs: z.number().int().min(1) }),
    retry: { limit: 1, delaySeconds: 0, backoff: false },
    async handler(ctx) {
      try {
        for (let i = 0; i < ctx.input.steps; i++) {
          await sleep(ctx.input.stepMs);
          slowSteps.set(ctx.task.id, (slowSteps.get(ctx.task.id) ?? 0) + 1);
          await ctx.reportProgress((i + 1) / ctx.input.steps, `step ${i + 1}`);
        }
        return { steps: ctx.input.steps };
      } catch (err) {
        slowStops.set(ctx.task.id, err instanceof Error ? err.name : String(err));
        throw err;
      }
    },
  }),
);

const itemCalls = new Map<string, { attempt: number; maxAttempts: number; at: number }[]>();
const itemGaveUp = new Map<string, string[]>();
const itemStops = new Map<string, string>();
registerJob(
  defineItemJob({
    kind: "test-item",
    input: z.strictObject({
      label: z.string(),
      group: z.string().optional(),
      failTimes: z.number().int().min(0).default(0),
      permanent: z.boolean().default(false),
      deferTimes: z.number().int().min(0).default(0),
      holdMs: z.number().int().min(0).default(0),
    }),
    retry: { limit: 2, delaySeconds: 1, backoff: true },
    async handler(ctx) {
      const calls = itemCalls.get(ctx.input.label) ?? [];
      calls.push({ attempt: ctx.attempt, maxAttempts: ctx.maxAttempts, at: Date.now() });
      itemCalls.set(ctx.input.label, calls);
      if (calls.length <= ctx.input.deferTimes) throw new JobDeferredError(50, "not now");
      if (ctx.input.permanent) throw new PermanentJobError(`cannot do ${ctx.input.label}`);
      if (ctx.attempt <= ctx.input.failTimes) throw new Error(`flaky #${ctx.attempt}`);
      if (ctx.input.holdMs > 0) {
        try {
          await new Promise<void>((resolve, reject) => {
            const t = setTimeout(resolve, ctx.input.holdMs);
            ctx.signal.addEventListener("abort", () => (clearTimeout(t), reject(ctx.signal.reason as Error)), { once: true });
          });
        } catch (err) {
          itemStops.set(ctx.input.label, err instanceof Error ? err.name : String(err));
          throw err;
        }
      }
      return { done: ctx.input.label };
    },
    async giveUp(input, error) {
      itemGaveUp.set(input.label, [...(itemGaveUp.get(input.label) ?? []), error]);
    },
  }),
);

async function itemJobsOf(label: string) {
  return queueQuery<{ id: string; state: string; retry_count: number; output: unknown }>(
    "SELECT id, state::text AS state, retry_count, output FROM pgboss.job WHERE name = 'test-item' AND data->>'label' = $1",
    [label],
  );
}

// ── fixtures ─────────────────────────────────────────────────────────────────────────────────────────
const stamp = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
let wsA: { id: string };
let wsB: { id: string };
let user: { id: string };
let worker: Worker;
const logLines: string[] = [];

const REASONINGS = [
  "Let me add 3 and 4.\n3 + 4 = 7.\n\nSo the answer is 7.",
  "We need 24 from 4, 6, 8, 2.\n  Try 4 * 6 = 24, then 8 / 2 = 4… no.\n\n\nTry (8 - 2) * 4 = 24, and 6 is left.\nHmm.",
  "Single line without newline",
  "",
  "Ends with a newline\n",
  "数学: 12 × 12 = 144\n$\\frac{1}{2} + \\frac{1}{3} = \\frac{5}{6}$\n```python\nprint(sum(range(10)))\n```",
];

async function waitForTask(id: string, pred: (t: Task) => boolean, timeoutMs = 30_000): Promise<Task> {
  const t0 = Date.now();
  for (;;) {
    const t = await prisma.task.findUniqueOrThrow({ where: { id } });
    if (pred(t)) return t;
    if (Date.now() - t0 > timeoutMs) throw new Error(`task ${id} stuck: ${JSON.stringify({ status: t.status, progress: t.progress, message: t.message, error: t.error })}`);
    await sleep(50);
  }
}

async function jobState(kind: string, id: string): Promise<string | undefined> {
  const rows = await queueQuery<{ state: string }>("SELECT state::text AS state FROM pgboss.job WHERE name = $1 AND id = $2", [kind, id]);
  return rows[0]?.state;
}

async function makeDataset(workspaceId: string, name: string, reasonings: string[]) {
  return prisma.dataset.create({
    data: {
      workspaceId,
      name,
      traces: {
        create: reasonings.map((reasoning, i) => ({ question: `q${i}`, reasoning, contentHash: `${name}-${i}` })),
      },
    },
  });
}

beforeAll(async () => {
  user = await prisma.user.create({ data: { email: `jobs-${stamp}@example.test` } });
  wsA = await prisma.workspace.create({ data: { name: "Jobs A", slug: `jobs-a-${stamp}` } });
  wsB = await prisma.workspace.create({ data: { name: "Jobs B", slug: `jobs-b-${stamp}` } });
  worker = await startWorker({ concurrency: 2, pollIntervalMs: 200, throttleMs: 100, heartbeatMs: 300, log: (l) => logLines.push(l) });
});

afterAll(async () => {
  await worker?.stop({ timeoutMs: 2000 });
  await stopQueue();
  await prisma.workspace.deleteMany({ where: { id: { in: [wsA?.id, wsB?.id].filter((x): x is string => !!x) } } });
  await prisma.user.deleteMany({ where: { id: user?.id } });
  console.log(`[jobs.int] mode=${inject("dbMode")}\n  ${logLines.join("\n  ")}`);
});

describe("job queue", () => {
  it("recount-tokens counts every trace with the Qwen tokenizer and reports progress to 1", async () => {
    const ds = await makeDataset(wsA.id, `recount-${stamp}`, REASONINGS);
    const other = await makeDataset(wsA.id, `untouched-${stamp}`, ["not counted"]);
    const t0 = Date.now();
    const task = await enqueueTask({ kind: "recount-tokens", workspaceId: wsA.id, createdById: user.id, input: { datasetId: ds.id, batchSize: 2 } });
    expect(task.status).toBe("queued");
    expect(task.input).toEqual({ datasetId: ds.id, batchSize: 2 });

    const running = await waitForTask(task.id, (t) => t.status !== "queued");
    const pickupMs = (running.startedAt?.getTime() ?? Date.now()) - t0;
    const done = await waitForTask(task.id, (t) => t.status === "succeeded" || t.status === "failed");
    console.log(`[jobs.int] recount-tokens: enqueue → running ${pickupMs} ms, → succeeded ${Date.now() - t0} ms`);
    expect(done.status).toBe("succeeded");
    expect(done.progress).toBe(1);
    expect(done.attempts).toBe(1);
    expect(done.error).toBeNull();
    expect(done.finishedAt).not.toBeNull();
    expect(done.message).toBe(`Counted ${REASONINGS.length} of ${REASONINGS.length} traces`);

    const tok = await loadQwenTokenizer();
    const traces = await prisma.trace.findMany({ where: { datasetId: ds.id } });
    let total = 0;
    for (const t of traces) {
      const lines = t.reasoning.split("\n");
      const expectedLines = lines.map((l, i) => tok.count(i < lines.length - 1 ? `${l}\n` : l));
      expect(t.tokenizer).toBe("qwen3");
      expect(t.reasoningTokens).toBe(tok.count(t.reasoning));
      expect(t.lineTokens).toEqual(expectedLines);
      total += tok.count(t.reasoning);
    }
    expect(traces.find((t) => t.reasoning === "")?.lineTokens).toEqual([0]);
    expect(traces.find((t) => t.reasoning.startsWith("Let me"))?.reasoningTokens).toBeGreaterThan(10);
    expect(done.result).toEqual({ datasetId: ds.id, traces: REASONINGS.length, totalTokens: total, tokenizer: "qwen3" });

    const untouched = await prisma.trace.findFirstOrThrow({ where: { datasetId: other.id } });
    expect(untouched.reasoningTokens).toBeNull();
    expect(await jobState("recount-tokens", done.queueJobId ?? "")).toBe("completed");

    // Idempotent: a second run stores the same counts.
    const again = await enqueueTask({ kind: "recount-tokens", workspaceId: wsA.id, input: { datasetId: ds.id } });
    const done2 = await waitForTask(again.id, (t) => t.status === "succeeded" || t.status === "failed");
    expect(done2.result).toEqual(done.result);

    // What an import queues: only the traces without counts (here: the one just added).
    await prisma.trace.create({ data: { datasetId: ds.id, question: "q new", reasoning: "One more line.\nAnd another.", contentHash: `new-${stamp}` } });
    const missing = await enqueueTask({ kind: "recount-tokens", workspaceId: wsA.id, input: { datasetId: ds.id, onlyMissing: true } });
    const done3 = await waitForTask(missing.id, (t) => t.status === "succeeded" || t.status === "failed");
    expect((done3.result as { traces: number }).traces).toBe(1);
    expect(await prisma.trace.count({ where: { datasetId: ds.id, reasoningTokens: null } })).toBe(0);
  });

  it("rejects invalid input and unknown kinds at enqueue, writing nothing", async () => {
    const before = await prisma.task.count({ where: { workspaceId: wsA.id } });
    await expect(enqueueTask({ kind: "recount-tokens", workspaceId: wsA.id, input: {} })).rejects.toThrow(JobInputError);
    await expect(enqueueTask({ kind: "recount-tokens", workspaceId: wsA.id, input: {} })).rejects.toThrow(
      /Invalid input for job "recount-tokens": datasetId: /,
    );
    await expect(enqueueTask({ kind: "recount-tokens", workspaceId: wsA.id, input: { datasetId: "x", extra: 1 } })).rejects.toThrow(/extra/);
    await expect(enqueueTask({ kind: "recount-tokens", workspaceId: wsA.id, input: { datasetId: 42 } })).rejects.toThrow(/expected string/);
    await expect(enqueueTask({ kind: "no-such-kind", workspaceId: wsA.id, input: {} })).rejects.toThrow(UnknownJobKindError);
    expect(await prisma.task.count({ where: { workspaceId: wsA.id } })).toBe(before);
  });

  it("re-validates input when handling: a task whose stored input is invalid fails without retries", async () => {
    const task = await enqueueTask({ kind: "test-slow", workspaceId: wsA.id, input: { steps: 1, stepMs: 1 } });
    // Tampering before a worker claims it would race; instead let it finish, corrupt the stored input and
    // hand the same job to the queue again.
    await waitForTask(task.id, (t) => t.status === "succeeded");
    await prisma.task.update({ where: { id: task.id }, data: { status: "queued", input: { steps: "many" } } });
    await queueQuery("UPDATE pgboss.job SET state = 'created', completed_on = NULL, started_on = NULL, start_after = now() WHERE name = $1 AND id = $2", [
      "test-slow",
      task.queueJobId,
    ]);
    const failed = await waitForTask(task.id, (t) => t.status === "failed");
    expect(failed.error).toMatch(/Invalid input for job "test-slow": steps: /);
    expect(failed.attempts).toBe(1);
  });

  it("retries a failing handler with its policy, then marks the task failed and dead-letters the job", async () => {
    const task = await enqueueTask({ kind: "test-always-fails", workspaceId: wsA.id, input: { label: "retry-me" } });
    const failed = await waitForTask(task.id, (t) => t.status === "failed");
    expect(failCalls.get(task.id)).toBe(3);
    expect(failed.attempts).toBe(3);
    expect(failed.error).toBe("boom #3 (retry-me)");
    expect(failed.message).toBe("Failed after 3 attempts");
    expect(failed.finishedAt).not.toBeNull();
    await expect.poll(() => jobState("test-always-fails", task.queueJobId ?? "")).toBe("failed");
    const dead = await queueQuery<{ data: { taskId: string } }>("SELECT data FROM pgboss.job WHERE name = $1", [deadLetterQueue("test-always-fails")]);
    expect(dead.map((d) => d.data.taskId)).toContain(task.id);
  });

  it("fails at once, without retries, on a permanent error (dataset of another workspace)", async () => {
    const dsB = await makeDataset(wsB.id, `b-${stamp}`, ["x"]);
    const task = await enqueueTask({ kind: "recount-tokens", workspaceId: wsA.id, input: { datasetId: dsB.id } });
    const failed = await waitForTask(task.id, (t) => t.status === "failed");
    expect(failed.attempts).toBe(1);
    expect(failed.error).toMatch(/does not exist in this workspace/);
    expect((await prisma.trace.findFirstOrThrow({ where: { datasetId: dsB.id } })).reasoningTokens).toBeNull();
  });

  it("cancelTask stops a running job at its next progress report", async () => {
    const task = await enqueueTask({ kind: "test-slow", workspaceId: wsA.id, input: { steps: 400, stepMs: 25 } });
    await waitForTask(task.id, (t) => t.status === "running" && t.progress > 0);
    const cancelled = await cancelTask(task.id);
    expect(cancelled?.status).toBe("cancelled");
    await expect.poll(() => slowStops.get(task.id), { timeout: 5000 }).toBe("CancelledError");
    const steps = slowSteps.get(task.id) ?? 0;
    await sleep(300);
    expect(slowSteps.get(task.id)).toBe(steps);
    expect(steps).toBeLessThan(400);
    const t = await waitForTask(task.id, (x) => x.status === "cancelled");
    expect(t.finishedAt).not.toBeNull();
    expect(t.progress).toBeLessThan(1);
    expect(await jobState("test-slow", task.queueJobId ?? "")).toBe("cancelled");
    // Cancelling a finished task changes nothing.
    expect((await cancelTask(task.id))?.status).toBe("cancelled");
  });

  it("a cancellation written by another process (Task row only) is seen within the heartbeat", async () => {
    const task = await enqueueTask({ kind: "test-slow", workspaceId: wsA.id, input: { steps: 400, stepMs: 25 } });
    await waitForTask(task.id, (t) => t.status === "running" && t.progress > 0);
    const t0 = Date.now();
    await prisma.task.update({ where: { id: task.id }, data: { status: "cancelled" } });
    await expect.poll(() => slowStops.get(task.id), { timeout: 5000 }).toBe("CancelledError");
    console.log(`[jobs.int] cross-process cancellation observed after ${Date.now() - t0} ms`);
    await expect.poll(() => jobState("test-slow", task.queueJobId ?? "")).toBe("cancelled");
    expect((await prisma.task.findUniqueOrThrow({ where: { id: task.id } })).finishedAt).not.toBeNull();
  });

  it("cancels a queued task before any worker runs it", async () => {
    const w = worker;
    await w.stop({ timeoutMs: 100 });
    const task = await enqueueTask({ kind: "test-slow", workspaceId: wsA.id, input: { steps: 1, stepMs: 1 } });
    expect((await cancelTask(task.id))?.status).toBe("cancelled");
    expect(await jobState("test-slow", task.queueJobId ?? "")).toBe("cancelled");
    worker = await startWorker({ concurrency: 2, pollIntervalMs: 200, throttleMs: 100, heartbeatMs: 300, log: (l) => logLines.push(l) });
    await sleep(500);
    expect(slowSteps.get(task.id)).toBeUndefined();
  });

  it("singletonKey returns the pending task instead of queueing a duplicate (per workspace)", async () => {
    const input = { steps: 100, stepMs: 20 };
    const a1 = await enqueueTask({ kind: "test-slow", workspaceId: wsA.id, input, singletonKey: "same" });
    const a2 = await enqueueTask({ kind: "test-slow", workspaceId: wsA.id, input, singletonKey: "same" });
    const b1 = await enqueueTask({ kind: "test-slow", workspaceId: wsB.id, input, singletonKey: "same" });
    expect(a2.id).toBe(a1.id);
    expect(b1.id).not.toBe(a1.id);
    await cancelTask(a1.id);
    await cancelTask(b1.id);
    const a3 = await enqueueTask({ kind: "test-slow", workspaceId: wsA.id, input: { steps: 1, stepMs: 1 }, singletonKey: "same" });
    expect(a3.id).not.toBe(a1.id);
    await waitForTask(a3.id, (t) => t.status === "succeeded");
  });

  it("a workspace cannot read or cancel another workspace's task", async () => {
    const task = await enqueueTask({ kind: "test-slow", workspaceId: wsA.id, input: { steps: 1, stepMs: 1 } });
    await waitForTask(task.id, (t) => t.status === "succeeded");
    expect(await getTask(wsB.id, task.id)).toBeNull();
    expect((await getTask(wsA.id, task.id))?.id).toBe(task.id);
    expect((await listTasks(wsB.id, { limit: 100 })).map((t) => t.id)).not.toContain(task.id);
    const listA = await listTasks(wsA.id, { limit: 100, kind: "test-slow" });
    expect(listA.map((t) => t.id)).toContain(task.id);
    expect(listA.every((t) => t.workspaceId === wsA.id && t.kind === "test-slow")).toBe(true);
    expect(listA[0] && "queueJobId" in listA[0]).toBe(false);

    const running = await enqueueTask({ kind: "test-slow", workspaceId: wsA.id, input: { steps: 200, stepMs: 20 } });
    expect(await cancelTask(running.id, { workspaceId: wsB.id })).toBeNull();
    expect((await prisma.task.findUniqueOrThrow({ where: { id: running.id } })).status).not.toBe("cancelled");
    await cancelTask(running.id, { workspaceId: wsA.id });
    await waitForTask(running.id, (t) => t.status === "cancelled");
  });

  it("a stopping worker releases its running job without spending an attempt; another worker finishes it", async () => {
    const task = await enqueueTask({ kind: "test-slow", workspaceId: wsA.id, input: { steps: 60, stepMs: 25 } });
    await waitForTask(task.id, (t) => t.status === "running" && t.progress > 0);
    await worker.stop({ timeoutMs: 100 });
    expect(slowStops.get(task.id)).toBe("WorkerStoppingError");
    const released = await prisma.task.findUniqueOrThrow({ where: { id: task.id } });
    expect(released.status).toBe("queued");
    expect(await jobState("test-slow", task.queueJobId ?? "")).toBe("created");

    worker = await startWorker({ concurrency: 2, pollIntervalMs: 200, throttleMs: 100, heartbeatMs: 300, log: (l) => logLines.push(l) });
    const done = await waitForTask(task.id, (t) => t.status === "succeeded");
    expect(done.attempts).toBe(1);
    expect(done.result).toEqual({ steps: 60 });
  });

  it("a task whose last attempt died with its worker (job expired) is marked failed from its dead letter", async () => {
    await worker.stop({ timeoutMs: 100 });
    const task = await enqueueTask({ kind: "test-slow", workspaceId: wsA.id, input: { steps: 1, stepMs: 1 } });
    const boss = await getBoss();
    const [taken] = await boss.fetch("test-slow", { batchSize: 1 });
    expect(taken?.id).toBe(task.queueJobId);
    await prisma.task.update({ where: { id: task.id }, data: { status: "running" } });
    // Its last attempt, and the worker running it is gone: the deadline passes.
    await queueQuery("UPDATE pgboss.job SET retry_count = retry_limit, started_on = now() - interval '2 hours' WHERE id = $1", [taken!.id]);
    await boss.expire();
    expect(await jobState("test-slow", taken!.id)).toBe("failed");
    worker = await startWorker({ concurrency: 2, pollIntervalMs: 200, throttleMs: 100, heartbeatMs: 300, deadLetterPollMs: 200, log: (l) => logLines.push(l) });
    const failed = await waitForTask(task.id, (t) => t.status === "failed", 10_000);
    expect(failed.error).toBe("job failed by timeout in active state");
    expect(failed.finishedAt).not.toBeNull();
  });

  it("health reports the database mode and queue counts", async () => {
    const h = await getHealth();
    expect(h.status).toBe("ok");
    expect(h.db.ok).toBe(true);
    expect(h.db.mode).toBe(inject("dbMode"));
    expect(h.db.latencyMs).toBeGreaterThanOrEqual(0);
    expect(h.queue.ok).toBe(true);
    expect(h.queue.failed).toBeGreaterThanOrEqual(1); // the always-failing job
    expect(typeof h.version).toBe("string");
  });
});

describe("item jobs (task-less)", () => {
  const l = (name: string) => `${name}-${stamp}`;

  it("are validated and enqueued in bulk, run without a Task row, and complete with their output", async () => {
    const tasksBefore = await prisma.task.count();
    const labels = Array.from({ length: 7 }, (_, i) => l(`bulk${i}`));
    expect(await enqueueItems("test-item", labels.map((label) => ({ label })))).toBe(7);
    for (const label of labels) await expect.poll(() => itemJobsOf(label).then((j) => j[0]?.state), { timeout: 10_000 }).toBe("completed");
    expect(labels.map((label) => itemCalls.get(label)?.map((c) => [c.attempt, c.maxAttempts]))).toEqual(Array(7).fill([[1, 3]]));
    expect((await itemJobsOf(labels[0]!))[0]?.output).toEqual({ done: labels[0] });
    expect(await prisma.task.count()).toBe(tasksBefore);

    // One bad input: nothing is sent.
    await expect(enqueueItems("test-item", [{ label: l("ok") }, { label: 42 }])).rejects.toThrow(/Invalid input for job "test-item": label: /);
    expect(await itemJobsOf(l("ok"))).toHaveLength(0);
    // Task kinds and item kinds do not mix.
    await expect(enqueueTask({ kind: "test-item", workspaceId: wsA.id, input: { label: "x" } })).rejects.toThrow(/item kind/);
    await expect(enqueueItems("test-slow", [{ steps: 1, stepMs: 1 }])).rejects.toThrow(/task kind/);
    await expect(enqueueItems("no-such-kind", [{}])).rejects.toThrow(UnknownJobKindError);
    // A Task without a job of its own (what item jobs report into).
    const t = await createTask({ kind: "test-slow", workspaceId: wsA.id, input: { steps: 1, stepMs: 1 }, message: "Waiting for items" });
    expect([t.status, t.queueJobId, t.message]).toEqual(["queued", null, "Waiting for items"]);
    expect((await cancelTask(t.id))?.status).toBe("cancelled");
  });

  it("retries a failing item with backoff; a permanent failure and exhausted retries call giveUp (the latter also dead-letters)", async () => {
    await enqueueItems("test-item", [{ label: l("flaky"), failTimes: 1 }, { label: l("perm"), permanent: true }]);
    await enqueueItems("test-item", [{ label: l("doomed"), failTimes: 9 }], { retryLimit: 1 });
    await expect.poll(() => itemJobsOf(l("flaky")).then((j) => j[0]?.state), { timeout: 15_000 }).toBe("completed");
    const flaky = itemCalls.get(l("flaky"))!;
    expect(flaky.map((c) => c.attempt)).toEqual([1, 2]);
    expect(flaky[1]!.at - flaky[0]!.at).toBeGreaterThanOrEqual(900); // 1–2 s (retryDelay 1, backoff)
    expect(itemGaveUp.get(l("flaky"))).toBeUndefined();

    await expect.poll(() => itemJobsOf(l("perm")).then((j) => j[0]?.state)).toBe("completed");
    expect(itemCalls.get(l("perm"))?.map((c) => c.attempt)).toEqual([1]);
    expect(itemGaveUp.get(l("perm"))).toEqual([`cannot do ${l("perm")}`]);

    await expect.poll(() => itemJobsOf(l("doomed")).then((j) => j[0]?.state), { timeout: 15_000 }).toBe("failed");
    expect(itemCalls.get(l("doomed"))?.map((c) => [c.attempt, c.maxAttempts])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(itemGaveUp.get(l("doomed"))?.[0]).toBe("Failed after 2 attempts: flaky #2");
    const dead = await queueQuery<{ state: string }>("SELECT state::text AS state FROM pgboss.job WHERE name = $1 AND data->>'label' = $2", [
      deadLetterQueue("test-item"),
      l("doomed"),
    ]);
    expect(dead).toHaveLength(1);
  });

  it("a deferred item goes back to the queue without spending an attempt", async () => {
    await enqueueItems("test-item", [{ label: l("later"), deferTimes: 2 }]);
    await expect.poll(() => itemJobsOf(l("later")).then((j) => j[0]?.state), { timeout: 10_000 }).toBe("completed");
    expect(itemCalls.get(l("later"))?.map((c) => c.attempt)).toEqual([1, 1, 1]);
    expect((await itemJobsOf(l("later")))[0]?.retry_count).toBe(0);
  });

  it("a stopping worker releases a running item without spending an attempt; another worker finishes it", async () => {
    await enqueueItems("test-item", [{ label: l("held"), holdMs: 3000 }]);
    await expect.poll(() => itemCalls.get(l("held"))?.length ?? 0).toBe(1);
    await worker.stop({ timeoutMs: 100 });
    expect(itemStops.get(l("held"))).toBe("WorkerStoppingError");
    const [job] = await itemJobsOf(l("held"));
    expect([job?.state, job?.retry_count]).toEqual(["created", 0]);
    worker = await startWorker({ concurrency: 2, pollIntervalMs: 200, throttleMs: 100, heartbeatMs: 300, log: (line) => logLines.push(line) });
    await expect.poll(() => itemJobsOf(l("held")).then((j) => j[0]?.state), { timeout: 10_000 }).toBe("completed");
    expect(itemCalls.get(l("held"))?.map((c) => c.attempt)).toEqual([1, 1]);
  });

  it("cancelItems cancels the queued items whose data matches, in bulk", async () => {
    await worker.stop({ timeoutMs: 100 });
    const group = l("group");
    await enqueueItems("test-item", [1, 2, 3].map((i) => ({ label: l(`g${i}`), group })));
    await enqueueItems("test-item", [{ label: l("other"), group: l("other-group") }]);
    expect(await cancelItems("test-item", { group })).toBe(3);
    expect(await cancelItems("test-item", { group })).toBe(0);
    worker = await startWorker({ concurrency: 2, pollIntervalMs: 200, throttleMs: 100, heartbeatMs: 300, log: (line) => logLines.push(line) });
    await expect.poll(() => itemJobsOf(l("other")).then((j) => j[0]?.state), { timeout: 10_000 }).toBe("completed");
    for (const i of [1, 2, 3]) {
      expect((await itemJobsOf(l(`g${i}`)))[0]?.state).toBe("cancelled");
      expect(itemCalls.get(l(`g${i}`))).toBeUndefined();
    }
  });
});
