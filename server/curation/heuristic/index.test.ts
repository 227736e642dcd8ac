import { describe, expect, it } from "vitest";
import { countdownDataset } from "../../sprint/countdown/trace";
import { splitSentences } from "../../sprint/sequential";
import { curate } from "../../sprint/packing";
import { validateSteps, type Step } from "../../sprint/steps";
import { createHeuristicBackend, heuristicBackend, paragraphStartsOf, type HeuristicCurationInput } from "./index";
import { edgeCounts, matchSteps, prf, segmentationCounts, sumCounts } from "./evaluate";

function inputOf(id: string, question: string, reasoning: string, withParagraphs = true): HeuristicCurationInput {
  const spans = splitSentences(reasoning);
  const input: HeuristicCurationInput = { traceId: id, question, lines: spans.map((s) => s.text) };
  if (withParagraphs) input.paragraphStarts = paragraphStartsOf(reasoning, spans);
  return input;
}

describe("heuristicBackend", () => {
  it("implements CurationBackend: steps, then a DAG that curate() packs", async () => {
    expect(heuristicBackend.name).toBe("heuristic");
    for (const r of countdownDataset("backend", 10)) {
      const input = inputOf(r.id, r.question, r.reasoning);
      const { steps, notes } = await heuristicBackend.extractSteps(input);
      expect(notes).toBeUndefined();
      const { dag } = await heuristicBackend.buildDag(input, steps);
      expect(validateSteps(steps, dag, { lineCount: input.lines.length })).toEqual([]);
      const result = curate(steps, dag, { lineCount: input.lines.length, question: r.question });
      expect(result.packing).toBeDefined();
      expect(result.reasons.every((x) => x.code === "low-parallel-ratio" || x.code === "too-many-stages")).toBe(true);
    }
  });

  it("notes when it has no paragraph information", async () => {
    const r = countdownDataset("backend", 1).next().value;
    if (!r) throw new Error("no record");
    const { notes } = await heuristicBackend.extractSteps(inputOf(r.id, r.question, r.reasoning, false));
    expect(notes?.[0]).toMatch(/paragraph/);
  });

  it("honours an aborted signal", async () => {
    const ctrl = new AbortController();
    ctrl.abort(new Error("cancelled"));
    const input = inputOf("x", "", "Let me add.\n1 + 1 = 2.");
    await expect(heuristicBackend.extractSteps(input, ctrl.signal)).rejects.toThrow("cancelled");
    await expect(heuristicBackend.buildDag(input, [], ctrl.signal)).rejects.toThrow("cancelled");
  });

  it("takes fixed options", async () => {
    const text = "Let me start with 25 + 13.\n25 + 13 = 38.\nRemaining: 38, 2 and 7.\n\nGoing back to 38, 2 and 7, what if I try 38 × 2?\n38 × 2 = 76.\nThen 76 + 7 = 83.\n\nLet me verify this.\n25 + 13 = 38.\n38 × 2 = 76.\n76 + 7 = 83.";
    const input = inputOf("y", "Use 25, 13, 2 and 7 to make 83.", text);
    const backend = createHeuristicBackend({ transitiveReduction: false });
    const { steps } = await backend.extractSteps(input);
    expect((await backend.buildDag(input, steps)).dag).toEqual({ 1: [], 2: [1], 3: [1, 2] });
    expect((await heuristicBackend.buildDag(input, steps)).dag).toEqual({ 1: [], 2: [1], 3: [2] });
  });
});

describe("evaluate", () => {
  const truth: Step[] = [
    { id: 1, plan: "a", planLines: [1, 2] },
    { id: 2, plan: "b", planLines: [3, 3], executionLines: [4, 6] },
    { id: 3, plan: "c", planLines: [7, 7], executionLines: [8, 10] },
  ];

  it("scores identical steps and DAGs as perfect", () => {
    const dag = { 1: [], 2: [1], 3: [2] };
    const c = edgeCounts(truth, dag, truth, dag, 10);
    expect(c).toEqual({ truePositives: 2, falsePositives: 0, falseNegatives: 0, collapsed: 0, unmatched: 0 });
    expect(prf(c)).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(segmentationCounts(truth, truth)).toEqual({ exactSteps: 3, truthSteps: 3, predictedSteps: 3 });
  });

  it("matches by maximal overlap and does not score collapsed edges", () => {
    // Step 2 of the truth is split in two predicted steps (3–4 and 5–6).
    const predicted: Step[] = [
      { id: 1, plan: "a", planLines: [1, 2] },
      { id: 2, plan: "b", planLines: [3, 4] },
      { id: 3, plan: "b2", planLines: [5, 6] },
      { id: 4, plan: "c", planLines: [7, 10] },
    ];
    expect([...matchSteps(predicted, truth, 10)]).toEqual([
      [1, 1],
      [2, 2],
      [3, 2],
      [4, 3],
    ]);
    const c = edgeCounts(predicted, { 2: [1], 3: [2], 4: [1] }, truth, { 2: [1], 3: [2] }, 10);
    expect(c).toEqual({ truePositives: 1, falsePositives: 1, falseNegatives: 1, collapsed: 1, unmatched: 0 });
    expect(prf(sumCounts([c, c]))).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(segmentationCounts(predicted, truth).exactSteps).toBe(2);
  });

  it("counts nothing-to-find as perfect", () => {
    expect(prf({ truePositives: 0, falsePositives: 0, falseNegatives: 0 })).toEqual({ precision: 1, recall: 1, f1: 1 });
  });
});
