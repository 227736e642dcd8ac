import { describe, expect, it } from "vitest";
import path from "node:path";
import { loadMathFixtures, MATH_FIXTURE_DIR } from "../../../bench/math-fixtures";
import { curate, CURATION_PRESETS, packStages } from "../../sprint/packing";
import type { Dag, Step } from "../../sprint/steps";
import { hiddenDependencies } from "./evaluate";

/** Step 1 sets up; steps 2 and 3 are independent executions; step 4 uses 2 and 3. Lines 1..12. */
const truth: Step[] = [
  { id: 1, plan: "p1", planLines: [1, 1], execution: "e1", executionLines: [2, 4] },
  { id: 2, plan: "p2", planLines: [5, 5], execution: "e2", executionLines: [6, 8], commentLines: [9, 9], comment: "c2" },
  { id: 3, plan: "p3", planLines: [10, 10], execution: "e3", executionLines: [11, 12] },
  { id: 4, plan: "p4", planLines: [13, 13], execution: "e4", executionLines: [14, 16] },
];
const truthDag: Dag = { 1: [], 2: [1], 3: [1], 4: [2, 3] };

describe("hiddenDependencies (wrong independence in a packed prediction)", () => {
  it("finds nothing in the ground truth's own packing", () => {
    const h = hiddenDependencies(truth, packStages(truth, truthDag).stageOf, truth, truthDag);
    // Pairs: 1⇝2, 1⇝3, 1⇝4, 2⇝4, 3⇝4.
    expect(h).toEqual({ pairs: 5, hidden: 0, unplaced: 0 });
  });

  it("counts a dependent step run beside its ancestor, and everything downstream of the broken link", () => {
    // The prediction claims 3 is independent of 1 (same stage as 1, run in parallel).
    const predictedDag: Dag = { 1: [], 2: [1], 3: [], 4: [2, 3] };
    const h = hiddenDependencies(truth, packStages(truth, predictedDag).stageOf, truth, truthDag);
    expect(h.hidden).toBe(1);
    expect(h.pairs).toBe(5);
  });

  it("a plan-only ancestor in the same stage is visible (plans precede executions)", () => {
    const planOnly: Step[] = [{ id: 1, plan: "p1 and its short work", planLines: [1, 4] }, ...truth.slice(1)];
    const h = hiddenDependencies(planOnly, packStages(planOnly, truthDag).stageOf, planOnly, truthDag);
    expect(h.hidden).toBe(0);
  });

  it("counts apart the pairs whose line the prediction drops as a comment", () => {
    // The prediction calls step 3's last execution line a comment: 3's result is not in the trajectory.
    const predicted: Step[] = truth.map((s) => (s.id === 3 ? { ...s, executionLines: [11, 11] as [number, number], commentLines: [12, 12] as [number, number] } : s));
    const h = hiddenDependencies(predicted, packStages(predicted, truthDag).stageOf, truth, truthDag);
    expect(h.unplaced).toBe(1);
    expect(h.pairs).toBe(4);
  });

  it("finds nothing in the annotation's own curated packing of every long fixture (paper preset)", () => {
    const all = loadMathFixtures(path.join(MATH_FIXTURE_DIR, "..", "math-long", "tune"));
    expect(all.length).toBeGreaterThanOrEqual(30);
    for (const f of all) {
      const r = curate(f.steps, f.dag, { ...CURATION_PRESETS.paper, lineCount: f.lines.length });
      expect(r.packing, f.name).toBeDefined();
      const h = hiddenDependencies(r.steps, r.packing!.stageOf, f.steps, f.dag);
      expect(h.hidden, f.name).toBe(0);
      expect(h.pairs, f.name).toBeGreaterThan(0);
    }
  });
});
