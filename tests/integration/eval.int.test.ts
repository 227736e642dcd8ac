/**
 * Evaluation service end to end on the test database, against the local OpenAI-compatible fixture server:
 * a Countdown benchmark run in SPRINT (eager) and sequential mode through queued `eval-item` jobs; the run
 * survives a worker restart (each problem graded exactly once) and its report — accuracy, Wilson interval,
 * mean tokens, speed-up, buckets, paired comparison — matches numbers computed independently here from the
 * fixture's rules and the stored outputs. Recorded generations (a folder of .txt, JSONL, a zip) are imported
 * and graded with no engine; an undecided answer settled by a person is reused. The registry's summary.
 */
import crypto from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "../../server/job-kinds";
import { prisma } from "../../server/db/client";
import { stopQueue } from "../../server/jobs/queue";
import { startWorker, type Worker } from "../../server/jobs/worker";
import type { Actor } from "../../server/service-error";
import {
  cancelEvalRun,
  compareEvalRuns,
  exportEvalRun,
  generateCountdownSet,
  getEvalReport,
  getEvalRun,
  getEvalSummaryForModelVersion,
  importOutputs,
  listUndecided,
  settleResult,
  startEvalRun,
  uploadBenchmark,
} from "../../server/eval";
import { startOpenAIFixture, type OpenAIFixture } from "../fixtures/openai-server";
import { askOf, countdownFixtureModel, fixtureCorrect } from "../fixtures/eval-model";
import { outputTokens } from "../../server/sprint/benchmark";
import { approxTokenizer } from "../../server/sprint/tokenizer";
import { mcnemarExact, wilsonInterval } from "../../server/sprint/stats";
import { lengthBucket } from "../../server/sprint/metrics";
import { writeZip } from "../../server/eval/zip";
import { timelineFromEvents } from "../../server/inference/orchestrator/timeline";
import type { InferenceEvent } from "../../server/inference/orchestrator/events";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stamp = `${Date.now().toString(36)}-${crypto.randomBytes(3).toString("hex")}`;
let ws: { id: string };
let user: { id: string };
let actor: Actor;
let fixture: OpenAIFixture;
let endpointId: string;
let modelVersionId: string;
const workers: Worker[] = [];

async function waitRun(runId: string, pred: (r: Awaited<ReturnType<typeof getEvalRun>>) => boolean, timeoutMs = 120_000) {
  const t0 = Date.now();
  for (;;) {
    const r = await getEvalRun(prisma, actor, runId);
    if (pred(r)) return r;
    if (Date.now() - t0 > timeoutMs) throw new Error(`eval run stuck: ${JSON.stringify({ status: r.status, done: r.done, failed: r.failed, total: r.total })}`);
    await sleep(100);
  }
}

beforeAll(async () => {
  fixture = await startOpenAIFixture({ respond: countdownFixtureModel(), tokenIntervalMs: 0 });
  user = await prisma.user.create({ data: { email: `eval-${stamp}@example.test` } });
  ws = await prisma.workspace.create({ data: { name: `Eval ${stamp}`, slug: `eval-${stamp}`, memberships: { create: { userId: user.id, role: "admin" } } } });
  actor = { userId: user.id, role: "admin", workspaceId: ws.id };
  endpointId = (await prisma.endpoint.create({ data: { workspaceId: ws.id, name: "fixture", kind: "openai-completions", baseUrl: fixture.url, model: "sprint-fixture" } })).id;
  modelVersionId = (await prisma.modelVersion.create({ data: { workspaceId: ws.id, name: "sprint-7b", version: 1, endpointId } })).id;
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop({ timeoutMs: 2000 }).catch(() => undefined)));
  await stopQueue();
  await fixture?.close();
  await prisma.workspace.delete({ where: { id: ws.id } }).catch(() => undefined);
  await prisma.user.delete({ where: { id: user.id } }).catch(() => undefined);
});

describe("eval runs against the fixture server", () => {
  let sprintRunId: string;
  let seqRunId: string;
  let benchmarkId: string;

  it("creates a versioned, content-hashed Countdown benchmark (same content → same version)", async () => {
    const a = await generateCountdownSet(prisma, actor, { name: "countdown-20", seed: "s1", count: 20 });
    expect(a).toMatchObject({ created: true, benchmark: { version: 1, itemCount: 20, kind: "countdown" } });
    const again = await generateCountdownSet(prisma, actor, { name: "countdown-20", seed: "s1", count: 20 });
    expect(again).toMatchObject({ created: false, benchmark: { id: a.benchmark.id } });
    const v2 = await generateCountdownSet(prisma, actor, { name: "countdown-20", seed: "s2", count: 20 });
    expect(v2.benchmark.version).toBe(2);
    benchmarkId = a.benchmark.id;
    await expect(startEvalRun(prisma, { ...actor, role: "reviewer" }, { benchmarkId, endpointId, mode: "sequential" })).rejects.toThrow(/curators/);
  });

  it("a SPRINT (eager) run survives a worker restart: every problem graded exactly once", async () => {
    ({ runId: sprintRunId } = await startEvalRun(prisma, actor, { benchmarkId, modelVersionId, mode: "sprint-eager", params: { tokenizer: "approx", concurrency: 2, seed: 1 } }));
    const w1 = await startWorker({ concurrency: 1, itemConcurrency: 2, pollIntervalMs: 100 });
    await waitRun(sprintRunId, (r) => r.done >= 3);
    await w1.stop({ timeoutMs: 0 });
    const mid = await getEvalRun(prisma, actor, sprintRunId);
    expect(mid.done).toBeLessThan(20);
    expect(await prisma.evalResult.count({ where: { runId: sprintRunId, status: "running" } })).toBe(0);
    const w2 = await startWorker({ concurrency: 1, itemConcurrency: 4, pollIntervalMs: 100 });
    workers.push(w2);
    const done = await waitRun(sprintRunId, (r) => r.status === "succeeded");
    expect(done).toMatchObject({ done: 20, failed: 0, total: 20, progress: 1 });
    const rows = await prisma.evalResult.findMany({ where: { runId: sprintRunId } });
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.status === "done" && r.format === "sprint" && (r.rounds ?? 0) >= 1 && r.output!.includes("<Plan_1>"))).toBe(true);
    // Each sample keeps its orchestrator events: the playground timeline folds them into rounds and lanes.
    const model = timelineFromEvents(rows[0]!.events as unknown as InferenceEvent[]);
    expect(model.status).toBe("completed");
    expect(model.rounds[0]!.executors.map((l) => l.status)).toEqual(["done", "done"]);
  });

  it("a sequential run of the same problems", async () => {
    ({ runId: seqRunId } = await startEvalRun(prisma, actor, { benchmarkId, modelVersionId, mode: "sequential", params: { tokenizer: "approx", concurrency: 3 } }));
    const done = await waitRun(seqRunId, (r) => r.status === "succeeded");
    expect(done.done).toBe(20);
  });

  it("the report matches numbers computed independently from the fixture's rules and the stored outputs", async () => {
    const items = await prisma.benchmarkItem.findMany({ where: { benchmarkId }, orderBy: { idx: "asc" } });
    const results = async (runId: string) => new Map((await prisma.evalResult.findMany({ where: { runId }, include: { item: true } })).map((r) => [r.item.problemId, r]));
    const sp = await results(sprintRunId);
    const sq = await results(seqRunId);
    const expectCorrect = (mode: "sprint" | "sequential") => items.filter((i) => fixtureCorrect(askOf(i.question)!, mode)).length;
    const kSprint = expectCorrect("sprint");
    const kSeq = expectCorrect("sequential");
    expect(kSprint).toBeGreaterThan(0);
    expect(kSprint).toBeLessThan(20);
    // Token counts recomputed from the stored text with the paper's definitions.
    const tok = (t: string) => outputTokens(t, approxTokenizer);
    const meanOf = (m: Map<string, { output: string | null }>, f: (x: ReturnType<typeof tok>) => number) => [...m.values()].reduce((s, r) => s + f(tok(r.output!)), 0) / m.size;
    const seqMeanSprint = meanOf(sp, (x) => x.sequentialTokens);
    const totMeanSprint = meanOf(sp, (x) => x.totalTokens);
    const seqMeanSeq = meanOf(sq, (x) => x.sequentialTokens);

    const report = await getEvalReport(prisma, actor, { runId: sprintRunId });
    expect(report.summary).toMatchObject({ problems: 20, samples: 20, correct: kSprint, undecided: 0, failed: 0 });
    expect(report.summary.accuracy).toBeCloseTo(kSprint / 20, 12);
    const ci = wilsonInterval(kSprint, 20);
    expect(report.summary.accuracyCI.lo).toBeCloseTo(ci.lo, 12);
    expect(report.summary.accuracyCI.hi).toBeCloseTo(ci.hi, 12);
    expect(report.summary.meanSequentialTokens).toBeCloseTo(seqMeanSprint, 9);
    expect(report.summary.meanTotalTokens).toBeCloseTo(totMeanSprint, 9);
    expect(report.summary.meanTotalTokens!).toBeGreaterThan(report.summary.meanSequentialTokens!);
    // The sequential run of the same model on the same benchmark is the default baseline.
    expect(report.baseline?.id).toBe(seqRunId);
    expect(report.speedup!.common).toBe(20);
    expect(report.speedup!.ratio!).toBeCloseTo(seqMeanSeq / seqMeanSprint, 9);
    expect(report.speedup!.baselineAccuracy!).toBeCloseTo(kSeq / 20, 12);
    // Buckets by the baseline's length.
    const counts = new Map<string, number>();
    for (const r of sq.values()) counts.set(lengthBucket(tok(r.output!).sequentialTokens), (counts.get(lengthBucket(tok(r.output!).sequentialTokens)) ?? 0) + 1);
    expect(report.buckets!.map((b) => b.count)).toEqual(["<1k", "1-2k", "2-4k", "4-8k", ">=8k"].map((b) => counts.get(b) ?? 0));
    expect(report.buckets!.filter((b) => b.count > 0).length).toBeGreaterThan(1);
    expect(report.reference.map((r) => r.benchmark)).toEqual(["Countdown", "Countdown"]);

    // Paired comparison: wins/losses from the fixture rules, McNemar on them.
    const cmp = await compareEvalRuns(prisma, actor, { runA: sprintRunId, runB: seqRunId });
    const asks = items.map((i) => askOf(i.question)!);
    const wins = asks.filter((a) => fixtureCorrect(a, "sprint") && !fixtureCorrect(a, "sequential")).length;
    const losses = asks.filter((a) => !fixtureCorrect(a, "sprint") && fixtureCorrect(a, "sequential")).length;
    expect(cmp).toMatchObject({ common: 20, wins, losses });
    expect(cmp.mcnemar.pValue).toBeCloseTo(mcnemarExact(wins, losses).pValue, 12);
    expect(cmp.sequentialTokenDiff.mean).toBeCloseTo(seqMeanSprint - seqMeanSeq, 9);
    expect(cmp.sequentialTokenDiff.lo).toBeLessThanOrEqual(cmp.sequentialTokenDiff.mean);
    expect(cmp.sequentialTokenDiff.hi).toBeLessThan(0);

    // Exports.
    const csv = await exportEvalRun(prisma, actor, { runId: sprintRunId, format: "csv" });
    expect(csv.content.split("\n")[0]).toBe("problem_id,sample,status,verdict,auto_verdict,reason,extracted,gold,format,sequential_tokens,total_tokens,rounds,wall_ms,error");
    expect(csv.content.trim().split("\n")).toHaveLength(21);
    const json = JSON.parse((await exportEvalRun(prisma, actor, { runId: sprintRunId, format: "json" })).content) as { items: unknown[]; summary: { correct: number } };
    expect(json.items).toHaveLength(20);
    expect(json.summary.correct).toBe(kSprint);

    // The registry's promotion gate.
    const s = await getEvalSummaryForModelVersion(prisma, ws.id, modelVersionId);
    expect(s).toMatchObject({ runId: sprintRunId, baselineRunId: seqRunId, problems: 20 });
    expect(s!.accuracy).toBeCloseTo(kSprint / 20, 12);
    expect(s!.baselineAccuracy!).toBeCloseTo(kSeq / 20, 12);
    expect(s!.sequentialTokenReduction!).toBeCloseTo(1 - seqMeanSprint / seqMeanSeq, 9);
    expect(await getEvalSummaryForModelVersion(prisma, ws.id, "no-such-version")).toBeNull();
  });

  it("concurrency per endpoint holds over all workers (two workers, limit 2)", async () => {
    const slow = await startOpenAIFixture({ respond: countdownFixtureModel(), tokenIntervalMs: 1 });
    try {
      const ep = await prisma.endpoint.create({ data: { workspaceId: ws.id, name: "slow", kind: "openai-completions", baseUrl: slow.url, model: "sprint-fixture" } });
      const small = await generateCountdownSet(prisma, actor, { name: "countdown-8", seed: "c", count: 8 });
      workers.push(await startWorker({ concurrency: 1, itemConcurrency: 4, pollIntervalMs: 100 }));
      const { runId } = await startEvalRun(prisma, actor, { benchmarkId: small.benchmark.id, endpointId: ep.id, mode: "sequential", params: { tokenizer: "approx", concurrency: 2 } });
      await waitRun(runId, (r) => r.status === "succeeded");
      expect(slow.stats.completed).toBe(8);
      expect(slow.stats.maxActive).toBe(2);
    } finally {
      await slow.close();
    }
  });

  it("n samples per problem: pass@1 is the mean of c/n, the interval is over every sample, seeds differ per sample", async () => {
    const small = await prisma.benchmark.findFirstOrThrow({ where: { workspaceId: ws.id, name: "countdown-8" } });
    const before = fixture.requests.length;
    const { runId } = await startEvalRun(prisma, actor, { benchmarkId: small.id, endpointId, mode: "sequential", samples: 2, params: { tokenizer: "approx", seed: 100 } });
    await waitRun(runId, (r) => r.status === "succeeded");
    const items = await prisma.benchmarkItem.findMany({ where: { benchmarkId: small.id } });
    const k = items.filter((i) => fixtureCorrect(askOf(i.question)!, "sequential")).length;
    const report = await getEvalReport(prisma, actor, { runId, baselineRunId: null });
    expect(report.summary).toMatchObject({ problems: 8, samples: 16, correct: 2 * k });
    expect(report.summary.accuracy).toBeCloseTo(k / 8, 12);
    expect(report.summary.accuracyCI.lo).toBeCloseTo(wilsonInterval(2 * k, 16).lo, 12);
    const seeds = fixture.requests.slice(before).map((r) => r.seed).sort();
    expect(new Set(seeds)).toEqual(new Set([100, 101]));
  });

  it("generations the engine refuses are recorded as failed with the error; a run where all fail is failed", async () => {
    const broken = await startOpenAIFixture({ respond: countdownFixtureModel(), fault: () => ({ status: 400, message: "model not loaded" }) });
    try {
      const ep = await prisma.endpoint.create({ data: { workspaceId: ws.id, name: "broken", kind: "openai-completions", baseUrl: broken.url, model: "sprint-fixture" } });
      const small = await prisma.benchmark.findFirstOrThrow({ where: { workspaceId: ws.id, name: "countdown-8" } });
      const { runId } = await startEvalRun(prisma, actor, { benchmarkId: small.id, endpointId: ep.id, mode: "sequential", params: { tokenizer: "approx", maxAttempts: 1 } });
      const r = await waitRun(runId, (x) => x.status !== "queued" && x.status !== "running");
      expect(r).toMatchObject({ status: "failed", done: 0, failed: 8, error: expect.stringMatching(/Every generation failed/) });
      const row = await prisma.evalResult.findFirstOrThrow({ where: { runId } });
      expect(row).toMatchObject({ status: "failed", verdict: null });
      expect(row.error).toMatch(/400|model not loaded/);
      const report = await getEvalReport(prisma, actor, { runId });
      expect(report.summary).toMatchObject({ failed: 8, correct: 0, accuracy: 0 });
    } finally {
      await broken.close();
    }
  });

  it("cancel stops a run: queued items are not run, its status stays cancelled", async () => {
    const { runId } = await startEvalRun(prisma, actor, { benchmarkId, endpointId, mode: "sprint-round-sync", samples: 3, params: { tokenizer: "approx", concurrency: 1 } });
    await waitRun(runId, (r) => r.done >= 1);
    await cancelEvalRun(prisma, actor, runId);
    await sleep(1500);
    const r = await getEvalRun(prisma, actor, runId);
    expect(r.status).toBe("cancelled");
    expect(r.done).toBeLessThan(60);
    await expect(cancelEvalRun(prisma, actor, runId)).rejects.toThrow(/already cancelled/);
  });
});

describe("recorded generations", () => {
  const root = path.resolve(import.meta.dirname, "../fixtures/eval");
  const files: { name: string; content: string }[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const n of readdirSync(dir)) {
      const full = path.join(dir, n);
      if (statSync(full).isDirectory()) walk(full, `${prefix}${n}/`);
      else files.push({ name: `${prefix}${n}`, content: readFileSync(full, "utf8") });
    }
  };

  it("uploads a MATH-style set and grades a folder of .txt outputs with no engine; a settled undecided answer is reused", async () => {
    walk(path.join(root, "outputs"), "outputs/");
    const up = await uploadBenchmark(prisma, actor, { name: "math-sample", fileName: "math-sample.jsonl", content: readFileSync(path.join(root, "math-sample.jsonl"), "utf8") });
    expect(up).toMatchObject({ created: true, issueCount: 0, benchmark: { itemCount: 10, format: "math-jsonl", kind: "math" } });
    const imp = await importOutputs(prisma, actor, { benchmarkId: up.benchmark.id, files, tokenizer: "approx" });
    expect(imp).toMatchObject({ graded: 10, missing: 0, unknownCount: 0 });
    const report = await getEvalReport(prisma, actor, { runId: imp.runId });
    expect(report.summary).toMatchObject({ problems: 10, correct: 7, undecided: 1 });
    expect(report.run.mode).toBe("imported");
    const undecided = await listUndecided(prisma, actor, imp.runId);
    expect(undecided.map((u) => u.item.problemId)).toEqual(["test/algebra/106.json"]);
    await expect(settleResult(prisma, { ...actor, role: "viewer" }, { resultId: undecided[0]!.id, verdict: "correct" })).rejects.toThrow(/reviewers/);
    expect(await settleResult(prisma, actor, { resultId: undecided[0]!.id, verdict: "correct" })).toEqual({ applied: 1 });
    expect((await getEvalReport(prisma, actor, { runId: imp.runId })).summary).toMatchObject({ correct: 8, undecided: 0 });

    // The same outputs as JSONL rows inside a zip: graded the same, and the decision is reused at once.
    const jsonl = files.map((f) => JSON.stringify({ id: f.name.replace(/^outputs\//, "").replace(/\.txt$/, ""), output: f.content })).join("\n");
    const zip = writeZip([{ name: "run/outputs.jsonl", data: Buffer.from(jsonl) }]);
    const imp2 = await importOutputs(prisma, actor, { benchmarkId: up.benchmark.id, files: [{ name: "outputs.zip", base64: zip.toString("base64") }], tokenizer: "approx" });
    expect(imp2.graded).toBe(10);
    const r2 = await getEvalReport(prisma, actor, { runId: imp2.runId });
    expect(r2.summary).toMatchObject({ correct: 8, undecided: 0 });
    const settled = await prisma.evalResult.findFirstOrThrow({ where: { runId: imp2.runId, item: { problemId: "test/algebra/106.json" } } });
    expect(settled).toMatchObject({ verdict: "correct", autoVerdict: "undecided", reason: "human" });

    // A partial upload: missing outputs count as failed (wrong); unknown ids are reported.
    const imp3 = await importOutputs(prisma, actor, { benchmarkId: up.benchmark.id, files: [files[0]!, { name: "nope/zzz.txt", content: "\\boxed{1}" }], tokenizer: "approx" });
    expect(imp3).toMatchObject({ graded: 1, missing: 9, unknownCount: 1 });
    await expect(importOutputs(prisma, actor, { benchmarkId: up.benchmark.id, files: [{ name: "x.txt", content: "\\boxed{1}" }] })).rejects.toThrow(/None of the outputs/);
  });

  it("uploads a GPQA-style CSV (seeded shuffle) and refuses an unreadable file with the reason", async () => {
    const csv = "Question,Correct Answer,Incorrect Answer 1,Incorrect Answer 2,Incorrect Answer 3\nWhich is a noble gas?,Neon,Nitrogen,Sodium,Iron\n";
    const up = await uploadBenchmark(prisma, actor, { name: "gpqa-mini", fileName: "gpqa.csv", content: csv, seed: "7" });
    expect(up.benchmark).toMatchObject({ kind: "multiple-choice", format: "gpqa-csv", seed: "7", itemCount: 1 });
    await expect(uploadBenchmark(prisma, actor, { name: "bad", fileName: "bad.jsonl", content: "{oops\n" })).rejects.toThrow(/No problem could be read.*line 1/);
    // Generic JSONL with a field mapping; extra fields are kept on the items.
    const rows = [{ qid: "a1", body: { text: "2+3?" }, gold: "5", src: "x" }, { qid: "a2", body: { text: "2·3?" }, gold: "6" }, { qid: "a3", body: {} }];
    const mapped = await uploadBenchmark(prisma, actor, { name: "mapped", fileName: "m.jsonl", content: rows.map((r) => JSON.stringify(r)).join("\n"), mapping: { id: "qid", question: "body.text", answer: "gold" } });
    expect(mapped).toMatchObject({ benchmark: { itemCount: 2, format: "jsonl" }, issueCount: 1 });
    const item = await prisma.benchmarkItem.findFirstOrThrow({ where: { benchmarkId: mapped.benchmark.id, problemId: "a1" } });
    expect(item).toMatchObject({ question: "2+3?", answer: "5", data: { extra: { src: "x" } } });
  });
});
