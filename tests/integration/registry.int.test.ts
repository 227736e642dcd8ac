/**
 * The model registry over real Postgres: immutable numbered versions from a fine-tune (+ checkpoint) or an external
 * served model, aliases unique per model with history and rollback, protected aliases (curators refused), the
 * promotion gate through the pluggable evaluation lookup, lineage from either end, and the HF model card.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "../../server/db/client";
import { reviewFixture } from "./review-fixture";
import { createSnapshot } from "../../server/curation/snapshots";
import * as reg from "../../server/finetune/registry";
import { snapshotContentHash } from "../../server/finetune/data";
import type { Actor } from "../../server/service-error";

const db = createPrismaClient(process.env.DATABASE_URL);
let rf: Awaited<ReturnType<typeof reviewFixture>>;
let admin: Actor;
let curator: Actor;
let viewer: Actor;
let jobId: string;
let checkpointIds: string[];
let snapshotId: string;
let endpointId: string;

beforeAll(async () => {
  rf = await reviewFixture(db, { traces: 3 });
  admin = { userId: rf.users.admin.id, role: "admin", workspaceId: rf.ws.id };
  curator = { userId: rf.users.curator.id, role: "curator", workspaceId: rf.ws.id };
  viewer = { userId: rf.users.viewer.id, role: "viewer", workspaceId: rf.ws.id };
  snapshotId = (await createSnapshot(db, { datasetId: rf.ds.id, userId: admin.userId, source: "kept" })).id;
  const job = await db.fineTuneJob.create({
    data: { workspaceId: rf.ws.id, snapshotId, provider: "together", baseModel: "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", method: "full", hyperparams: { epochs: 5, learningRate: 1e-5 }, status: "succeeded", outputModel: "acme/sprint-7b", outputLocation: "together://acme/sprint-7b", snapshotHash: await snapshotContentHash(db, snapshotId) },
  });
  jobId = job.id;
  checkpointIds = [];
  for (const step of [40, 80]) checkpointIds.push((await db.fineTuneCheckpoint.create({ data: { jobId, step, location: `ft-x:${step}` } })).id);
  endpointId = (await db.endpoint.create({ data: { workspaceId: rf.ws.id, name: `vllm-${rf.tag}`, kind: "openai-completions", baseUrl: "http://127.0.0.1:8000/v1", model: "served-default" } })).id;
});

afterAll(async () => {
  reg.setEvalLookup(null);
  await rf?.cleanup();
  await db.$disconnect();
});

describe("model registry", () => {
  it("registers numbered, immutable versions from a fine-tune, a checkpoint or an external model; numbers never reused", async () => {
    await expect(reg.createModel(db, curator, { name: "sprint-qwen" })).rejects.toThrow(/admin/);
    const m = await reg.createModel(db, admin, { name: "sprint-qwen", description: "SPRINT on Qwen 7B" });
    await expect(reg.createModel(db, admin, { name: "sprint-qwen" })).rejects.toThrow(/already exists/);
    const v1 = await reg.registerVersion(db, admin, { modelId: m.id, source: { kind: "fine-tune", fineTuneJobId: jobId }, endpointId, tags: ["math", "math"] });
    expect(v1).toMatchObject({ version: 1, sourceKind: "fine-tune", baseModel: "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", artifactUri: "together://acme/sprint-7b", servingModel: "acme/sprint-7b", tags: ["math"] });
    const v2 = await reg.registerVersion(db, admin, { modelId: m.id, source: { kind: "fine-tune", fineTuneJobId: jobId, checkpointId: checkpointIds[0] }, endpointId, servingModel: "ckpt-40" });
    expect(v2).toMatchObject({ version: 2, checkpointId: checkpointIds[0], artifactUri: "ft-x:40" });
    await expect(reg.registerVersion(db, admin, { modelId: m.id, source: { kind: "external" } })).rejects.toThrow(/needs where it is served/);
    const v3 = await reg.registerVersion(db, admin, { modelId: m.id, source: { kind: "external" }, endpointId, baseModel: "Qwen/Qwen2.5-7B" });
    expect(v3.version).toBe(3);
    expect(v3.servingModel).toBe("served-default");
    await db.modelVersion.delete({ where: { id: v3.id } });
    const v4 = await reg.registerVersion(db, admin, { modelId: m.id, source: { kind: "external" }, artifactUri: "hf://acme/other" });
    expect(v4.version).toBe(4); // 3 is never reused
    await expect(reg.registerVersion(db, curator, { modelId: m.id, source: { kind: "external" }, artifactUri: "x" })).rejects.toThrow(/admin/);
    const running = await db.fineTuneJob.create({ data: { workspaceId: rf.ws.id, provider: "openai", baseModel: "gpt", status: "running" } });
    await expect(reg.registerVersion(db, admin, { modelId: m.id, source: { kind: "fine-tune", fineTuneJobId: running.id } })).rejects.toThrow(/has not succeeded/);
    const got = await reg.getVersion(db, viewer, { versionId: v1.id });
    expect(got.createdBy).toBe("admin");
    expect(got.fineTune?.id).toBe(jobId);
  });

  it("aliases: unique per model, listed, history with who/when, rollback; protected ones only admins move", async () => {
    const m = (await reg.listModels(db, viewer, {})).find((x) => x.name === "sprint-qwen")!;
    const full = await reg.getModel(db, viewer, { modelId: m.id });
    const byNo = (n: number) => full.versions.find((v) => v.version === n)!.id;
    await expect(reg.setAlias(db, viewer, { modelId: m.id, alias: "staging", versionId: byNo(1) })).rejects.toThrow(/curator/);
    expect(await reg.setAlias(db, curator, { modelId: m.id, alias: "Staging", versionId: byNo(1) })).toMatchObject({ alias: "staging", version: 1, changed: true });
    expect(await reg.setAlias(db, curator, { modelId: m.id, alias: "staging", versionId: byNo(2) })).toMatchObject({ version: 2, changed: true });
    await expect(reg.setAlias(db, curator, { modelId: m.id, alias: "bad alias", versionId: byNo(2) })).rejects.toThrow(/lowercase word/);
    // champion is protected from creation: a curator cannot create it.
    await expect(reg.setAlias(db, curator, { modelId: m.id, alias: "champion", versionId: byNo(1) })).rejects.toThrow(/admin/);
    await reg.setAlias(db, admin, { modelId: m.id, alias: "champion", versionId: byNo(1) });
    await expect(reg.setAlias(db, curator, { modelId: m.id, alias: "champion", versionId: byNo(2) })).rejects.toThrow(/Moving the protected alias "champion" needs the admin role/);
    // An admin protects staging: now a curator cannot move it either.
    await reg.protectAlias(db, admin, { modelId: m.id, alias: "staging", protected: true });
    await expect(reg.setAlias(db, curator, { modelId: m.id, alias: "staging", versionId: byNo(1) })).rejects.toThrow(/protected/);
    const list = await reg.listModels(db, viewer, { search: "champion" });
    expect(list.map((x) => x.name)).toEqual(["sprint-qwen"]);
    expect(list[0]!.aliases).toEqual([
      { name: "champion", protected: true, versionId: byNo(1), version: 1 },
      { name: "staging", protected: true, versionId: byNo(2), version: 2 },
    ]);
    const hist = (await reg.getModel(db, viewer, { modelId: m.id })).history;
    const moved = hist.find((h) => h.alias === "staging" && h.action === "move")!;
    expect(moved).toMatchObject({ from: 1, to: 2, actor: "curator" });
    // One-click rollback of that move (admin: staging is protected now).
    await expect(reg.rollbackAlias(db, curator, { modelId: m.id, eventId: moved.id })).rejects.toThrow(/admin/);
    expect(await reg.rollbackAlias(db, admin, { modelId: m.id, eventId: moved.id })).toMatchObject({ alias: "staging", version: 1, changed: true });
    const after = await reg.getModel(db, viewer, { modelId: m.id });
    expect(after.aliases.find((a) => a.name === "staging")!.version).toBe(1);
    expect(after.history[0]).toMatchObject({ alias: "staging", action: "rollback", from: 2, to: 1, actor: "admin" });
    const created = after.history.find((h) => h.alias === "staging" && h.action === "set")!;
    await expect(reg.rollbackAlias(db, admin, { modelId: m.id, eventId: created.id })).rejects.toThrow(/no earlier version/);
  });

  it("promotion gate: a protected alias with thresholds needs an evaluation of the version that meets them", async () => {
    const m = (await reg.listModels(db, viewer, {})).find((x) => x.name === "sprint-qwen")!;
    const full = await reg.getModel(db, viewer, { modelId: m.id });
    const v2 = full.versions.find((v) => v.version === 2)!.id;
    await reg.protectAlias(db, admin, { modelId: m.id, alias: "champion", protected: true, gate: { maxAccuracyDrop: 1, minSequentialReduction: 0.1 } });
    await expect(reg.setAlias(db, admin, { modelId: m.id, alias: "champion", versionId: v2 })).rejects.toThrow(/gate of "champion" blocks v2: this version has no finished evaluation yet/);
    const evals = new Map<string, { runId: string; name: string; accuracy: number; baselineAccuracy: number; sequentialTokenReduction: number; finishedAt: Date }[]>();
    reg.setEvalLookup(async (_db, _ws, ids) => new Map(ids.filter((i) => evals.has(i)).map((i) => [i, evals.get(i)!])));
    evals.set(v2, [{ runId: "ev-bad", name: "MATH-500", accuracy: 0.88, baselineAccuracy: 0.91, sequentialTokenReduction: 0.2, finishedAt: new Date() }]);
    await expect(reg.setAlias(db, admin, { modelId: m.id, alias: "champion", versionId: v2 })).rejects.toThrow(/3\.0 points below the baseline/);
    evals.set(v2, [{ runId: "ev-good", name: "MATH-500", accuracy: 0.925, baselineAccuracy: 0.91, sequentialTokenReduction: 1 - 2440 / 2880, finishedAt: new Date() }]);
    expect(await reg.setAlias(db, admin, { modelId: m.id, alias: "champion", versionId: v2 })).toMatchObject({ version: 2, changed: true });
  });

  it("lineage dataset → snapshot → fine-tune → checkpoint → version → evaluation, from either end", async () => {
    const m = (await reg.listModels(db, viewer, {})).find((x) => x.name === "sprint-qwen")!;
    const full = await reg.getModel(db, viewer, { modelId: m.id });
    const v2 = full.versions.find((v) => v.version === 2)!.id;
    const fromVersion = await reg.lineage(db, viewer, { kind: "version", id: v2 });
    const fromSnapshot = await reg.lineage(db, viewer, { kind: "snapshot", id: snapshotId });
    for (const g of [fromVersion, fromSnapshot]) {
      const kinds = new Set(g.nodes.map((n) => n.kind));
      expect([...kinds].sort()).toEqual(["checkpoint", "dataset", "evaluation", "finetune", "snapshot", "version"]);
      expect(g.edges).toContainEqual({ from: `dataset:${rf.ds.id}`, to: `snapshot:${snapshotId}` });
      expect(g.edges).toContainEqual({ from: `snapshot:${snapshotId}`, to: `finetune:${jobId}` });
      expect(g.edges).toContainEqual({ from: `finetune:${jobId}`, to: `checkpoint:${checkpointIds[0]}` });
      expect(g.edges).toContainEqual({ from: `checkpoint:${checkpointIds[0]}`, to: `version:${v2}` });
      expect(g.edges).toContainEqual({ from: `version:${v2}`, to: "evaluation:ev-good" });
    }
    expect(fromVersion.nodes.find((n) => n.kind === "finetune")!.detail).toMatch(/together · full · 5 ep · lr 0\.00001 · succeeded · sha256:/);
    await expect(reg.lineage(db, { ...viewer, workspaceId: "elsewhere" }, { kind: "version", id: v2 })).rejects.toThrow(/No such model version/);
  });

  it("exports a Hugging Face model card", async () => {
    const m = (await reg.listModels(db, viewer, {})).find((x) => x.name === "sprint-qwen")!;
    const v2 = (await reg.getModel(db, viewer, { modelId: m.id })).versions.find((v) => v.version === 2)!.id;
    const card = await reg.exportModelCard(db, viewer, { versionId: v2, datasetRepo: "acme/sprint-math" });
    expect(card.content).toMatch(/^---\nbase_model: "deepseek-ai\/DeepSeek-R1-Distill-Qwen-7B"\n/);
    expect(card.content).toContain('datasets:\n- "acme/sprint-math"');
    expect(card.content).toContain('model-index:\n- name: "sprint-qwen-v2"');
    expect(card.content).toContain("value: 0.925");
    expect(card.content).toContain("- Checkpoint: step 40");
  });
  it("the promotion gate reads server/eval's summaries: a SPRINT eval against the sequential baseline on the same problems", async () => {
    reg.setEvalLookup(null); // the real lookup (server/eval)
    const m = await reg.createModel(db, admin, { name: "sprint-gated" });
    const v0 = await reg.registerVersion(db, admin, { modelId: m.id, source: { kind: "external" }, endpointId, baseModel: "Qwen/Qwen2.5-7B" });
    const v1 = await reg.registerVersion(db, admin, { modelId: m.id, source: { kind: "external" }, endpointId, baseModel: "Qwen/Qwen2.5-7B" });
    await reg.setAlias(db, admin, { modelId: m.id, alias: "prod", versionId: v0.id });
    await reg.protectAlias(db, admin, { modelId: m.id, alias: "prod", protected: true, gate: { maxAccuracyDrop: 5, minSequentialReduction: 0.2 } });
    await expect(reg.setAlias(db, admin, { modelId: m.id, alias: "prod", versionId: v1.id })).rejects.toThrow(/no finished evaluation yet/);
    const bench = await db.benchmark.create({ data: { workspaceId: rf.ws.id, name: `gate-${rf.tag}`, version: 1, kind: "math", format: "math-jsonl", contentHash: `h-${rf.tag}`, itemCount: 4 } });
    const items: { id: string }[] = [];
    for (let i = 0; i < 4; i++) items.push(await db.benchmarkItem.create({ data: { benchmarkId: bench.id, idx: i, problemId: `p${i}`, kind: "math", question: `q${i}`, answer: `${i}` } }));
    // Baseline: 3 of 4 correct, 1000 sequential tokens each. SPRINT run A: 3 of 4 correct, 700 each (30% cut).
    const run = async (mode: string, correct: boolean[], seq: number) => {
      const r = await db.evalRun.create({ data: { workspaceId: rf.ws.id, benchmarkId: bench.id, name: mode, source: "engine", mode, modelVersionId: v1.id, status: "succeeded", total: 4, done: 4, finishedAt: new Date() } });
      for (const [i, it] of items.entries()) {
        await db.evalResult.create({ data: { runId: r.id, itemId: it.id, status: "done", verdict: correct[i] ? "correct" : "wrong", sequentialTokens: seq, totalTokens: seq * 2 } });
      }
      return r.id;
    };
    await run("sequential", [true, true, true, false], 1000);
    // First a SPRINT eval that loses 50 points of accuracy: the gate blocks it with the real numbers.
    await run("sprint-eager", [true, false, false, false], 700);
    await expect(reg.setAlias(db, admin, { modelId: m.id, alias: "prod", versionId: v1.id })).rejects.toThrow(/50\.0 points below the baseline/);
    // A later SPRINT eval with the baseline's accuracy and 30% fewer sequential tokens passes.
    const good = await run("sprint-round-sync", [true, true, true, false], 700);
    const full = await reg.getModel(db, viewer, { modelId: m.id });
    const evals = full.versions.find((v) => v.id === v1.id)!.evaluations;
    expect(evals[0]).toMatchObject({ runId: good, accuracy: 0.75, baselineAccuracy: 0.75 });
    expect(evals[0]!.sequentialTokenReduction).toBeCloseTo(0.3, 10);
    expect(await reg.setAlias(db, admin, { modelId: m.id, alias: "prod", versionId: v1.id })).toMatchObject({ version: 2, changed: true });
  });
});
