/**
 * curateTrace records why a trajectory was kept or filtered (a readable `reason` for every outcome and the
 * structured decision in `metrics.curation`), applies the reduction filter, labels heuristic numbers as
 * estimates, and stores the backend's repairs and doubts.
 */
import { describe, expect, it } from "vitest";
import { loadMathFixtures } from "../../bench/math-fixtures";
import { approxTokenizer } from "../sprint/tokenizer";
import type { Dag, Step } from "../sprint/steps";
import { pipelineConfigSchema, resolvePreset } from "./config";
import { curateTrace, outcomeRowData, type TraceForCuration } from "./curate-trace";
import { heuristicBackend } from "./heuristic";
import type { CurationBackend } from "./types";

const lines = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix} line ${i + 1} = ${i + 2}.`);

/** Two independent 4-line executions after a one-line plan each: one stage of two lanes. */
function twoLanes(promptWords: number): { trace: TraceForCuration; backend: CurationBackend } {
  const text = ["Plan A.", ...lines("a", 4), "Plan B.", ...lines("b", 4)];
  const prompt = (x: string) => `${x} ${"carefully ".repeat(promptWords)}`.trim();
  const steps: Step[] = [
    { id: 1, plan: "Plan A.", prompt: prompt("Do A"), execution: lines("a", 4).join(" "), planLines: [1, 1], executionLines: [2, 5] },
    { id: 2, plan: "Plan B.", prompt: prompt("Do B"), execution: lines("b", 4).join(" "), planLines: [6, 6], executionLines: [7, 10] },
  ];
  const dag: Dag = { 1: [], 2: [] };
  const backend: CurationBackend = {
    name: "recorded",
    extractSteps: () => Promise.resolve({ steps, repairs: ["line 6 was claimed by component 1's execution and component 2's plan: kept by component 1's execution"] }),
    buildDag: () => Promise.resolve({ dag }),
  };
  return { trace: { id: "t", question: "Q?", reasoning: text.join("\n") }, backend };
}

const config = (input: object = {}) => resolvePreset(pipelineConfigSchema.parse(input));

describe("curateTrace: keep/filter reasons, reduction filter, provenance", () => {
  it("a kept trajectory says why, and stores its decision, rules and the backend's repairs", async () => {
    const { trace, backend } = twoLanes(0);
    const o = await curateTrace(trace, backend, config(), approxTokenizer);
    expect(o.status).toBe("kept");
    if (o.status === "failed") throw new Error("unreachable");
    expect(o.reason).toMatch(/^Kept: 1 stage ≤ 11; executed steps ÷ stages 2 ≥ 1\.5; predicted reduction \d+%$/);
    const c = o.metrics?.curation;
    expect(c).toMatchObject({ backend: "recorded", estimate: false, lowConfidence: false, decision: { kept: true, reasons: [], warnings: [] } });
    expect(c?.repairs).toEqual(["line 6 was claimed by component 1's execution and component 2's plan: kept by component 1's execution"]);
    expect(c?.rules).toBe("fold executions with end − start < 3 (≤ 3 lines) into their plan; keep ≤ 11 stages; executed steps ÷ stages ≥ 1.5");
    const row = outcomeRowData(o);
    expect(row.reason).toBe(o.reason);
    expect((row.metrics as { curation: unknown }).curation).toEqual(c);
  });

  it("a trajectory that saves nothing is kept with a warning by default, and filtered with 'reject non-positive reductions'", async () => {
    const { trace, backend } = twoLanes(40); // prompts longer than the whole trace: the parallel form costs more
    const kept = await curateTrace(trace, backend, config(), approxTokenizer);
    expect(kept.status).toBe("kept");
    if (kept.status === "failed") throw new Error("unreachable");
    expect(kept.metrics?.reduction).toBeLessThan(0);
    expect(kept.reason).toMatch(/— warning: predicted reduction −\d+%: the parallel trajectory saves nothing/);
    expect(kept.metrics?.curation?.decision.warnings).toHaveLength(1);

    const strict = await curateTrace(trace, backend, config({ filters: { minReduction: 0 } }), approxTokenizer);
    expect(strict.status).toBe("filtered");
    if (strict.status === "failed") throw new Error("unreachable");
    expect(strict.reason).toMatch(/^Filtered: predicted sequential-token reduction −\d+% is not positive: the parallel trajectory saves nothing$/);
    expect(strict.metrics?.curation?.decision.reasons.map((r) => r.code)).toEqual(["no-reduction"]);
    expect(strict.text).toBeNull();
    expect(strict.metrics?.sequentialTokens).toBeGreaterThan(0); // a filtered trace still shows its numbers
  });

  it("the preset 'paper' filters a one-stage one-lane trajectory; the reason names the rule", async () => {
    const { trace, backend } = twoLanes(0);
    const one: CurationBackend = { ...backend, buildDag: () => Promise.resolve({ dag: { 1: [], 2: [1] } }) };
    const o = await curateTrace(trace, one, config(), approxTokenizer);
    expect(o.status).toBe("filtered");
    expect(o.reason).toBe("Filtered: parallelization ratio 1 (executed steps ÷ stages) is below 1.5");
  });

  it("the heuristic's outcomes are estimates, and its doubts are stored as a low-confidence flag", async () => {
    let flagged = 0;
    for (const f of loadMathFixtures()) {
      const o = await curateTrace({ id: f.name, question: f.question, reasoning: f.reasoning }, heuristicBackend, config(), approxTokenizer);
      if (o.status === "failed") throw new Error(`${f.name}: ${o.reason}`);
      expect(o.metrics?.curation?.estimate).toBe(true);
      expect(o.reason).toMatch(/^(Kept|Filtered): /);
      if (o.status === "kept") expect(o.reason).toContain("(estimate)");
      if (o.metrics?.curation?.lowConfidence) {
        flagged++;
        expect(o.metrics.curation.confidenceReasons.length).toBeGreaterThan(0);
      }
    }
    expect(flagged).toBeGreaterThan(0);
  });
});
