import { describe, expect, it } from "vitest";
import { evaluateGate, gateSchema } from "./gate";
import { modelCard } from "./model-card";

const ev = (runId: string, accuracy: number, baselineAccuracy: number, sequentialTokenReduction: number, at = 0) => ({ runId, accuracy, baselineAccuracy, sequentialTokenReduction, finishedAt: new Date(at) });

describe("promotion gate", () => {
  const gate = gateSchema.parse({ maxAccuracyDrop: 1, minSequentialReduction: 0.1 });
  it("passes without a gate or thresholds", () => {
    expect(evaluateGate(null, []).ok).toBe(true);
    expect(evaluateGate(gateSchema.parse({}), []).ok).toBe(true);
  });
  it("needs an evaluation", () => {
    expect(evaluateGate(gate, [])).toEqual({ ok: false, evalRunId: null, reasons: ["this version has no finished evaluation yet: run one first"] });
  });
  it("checks both thresholds, at the boundary inclusive", () => {
    expect(evaluateGate(gate, [ev("a", 0.915, 0.925, 0.1)]).ok).toBe(true); // exactly 1 point, exactly 10 %
    const r = evaluateGate(gate, [ev("b", 0.9, 0.925, 0.05)]);
    expect(r.ok).toBe(false);
    expect(r.reasons).toEqual(["accuracy 90.0 % is 2.5 points below the baseline 92.5 % (allowed: 1)", "sequential tokens cut by 5.0 % (required: 10.0 %)"]);
    // The paper's MATH-500 numbers: 92.5 % vs RFT 91.0 %, 2440 vs 2880 sequential tokens (−15.3 %).
    expect(evaluateGate(gate, [ev("paper", 0.925, 0.91, 1 - 2440 / 2880)]).ok).toBe(true);
  });
  it("any passing evaluation suffices; otherwise the latest explains", () => {
    expect(evaluateGate(gate, [ev("old-bad", 0.5, 0.9, 0, 1), ev("good", 0.92, 0.92, 0.3, 0)])).toMatchObject({ ok: true, evalRunId: "good" });
    expect(evaluateGate(gate, [ev("old", 0.5, 0.9, 0, 1), ev("new", 0.8, 0.9, 0.5, 2)])).toMatchObject({ ok: false, evalRunId: "new" });
  });
});

describe("HF model card", () => {
  it("has YAML front matter with base_model, datasets, tags and model-index", () => {
    const md = modelCard({
      modelName: "sprint-qwen", version: 3, baseModel: "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", datasets: ["acme/sprint-math"], tags: ["math"],
      training: { provider: "together", method: "full", hyperparams: { epochs: 5, learningRate: 1e-5 }, snapshotHash: "sha256:abc", checkpointStep: 120 },
      evals: [{ task: "text-generation", dataset: "MATH-500", datasetType: "HuggingFaceH4/MATH-500", metrics: [{ type: "accuracy", name: "pass@1", value: 0.925 }] }],
    });
    const front = md.split("\n---\n")[0]!;
    expect(front.startsWith("---\n")).toBe(true);
    expect(front).toContain('base_model: "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B"');
    expect(front).toContain('datasets:\n- "acme/sprint-math"');
    expect(front).toContain('tags:\n- "sprint"');
    expect(front).toContain('- "math"');
    expect(front).toContain('model-index:\n- name: "sprint-qwen-v3"\n  results:\n  - task:\n      type: "text-generation"\n    dataset:\n      name: "MATH-500"\n      type: "HuggingFaceH4/MATH-500"\n    metrics:\n    - type: "accuracy"\n      name: "pass@1"\n      value: 0.925');
    expect(md).toContain("- Training data: snapshot sha256:abc");
    expect(md).toContain("| MATH-500 | pass@1 | 0.925 |");
  });
  it("omits model-index without evaluations and escapes values", () => {
    const md = modelCard({ modelName: 'we"ird', version: 1, baseModel: null, datasets: [], tags: ['a"b'], evals: [], training: null });
    expect(md).not.toContain("model-index");
    expect(md).toContain('- "a\\"b"');
  });
});
