import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  ancestors,
  criticalPath,
  dagEdges,
  descendants,
  executionLineSpan,
  findCycles,
  foldShortExecutions,
  isPlanOnly,
  isValid,
  normalizeDag,
  parentsOf,
  promptTextOf,
  stepLineRanges,
  topologicalOrder,
  transitiveReduction,
  validateDag,
  validateSteps,
  type Dag,
  type Step,
  type StepIssue,
} from "./steps";
import { exec, planOnly } from "./testing/steps";

const codes = (issues: StepIssue[]) => issues.map((i) => i.code);

describe("isPlanOnly / promptTextOf / parentsOf", () => {
  it("a step without an execution, or with a blank one, is plan-only", () => {
    expect(isPlanOnly(planOnly(1))).toBe(true);
    expect(isPlanOnly(exec(1, { execution: "  \n " }))).toBe(true);
    expect(isPlanOnly(exec(1))).toBe(false);
  });
  it("prompt text falls back to the description", () => {
    expect(promptTextOf(exec(1, { prompt: "  do it " }))).toBe("do it");
    expect(promptTextOf({ id: 1, plan: "", execution: "x", description: " describe " })).toBe("describe");
    expect(promptTextOf({ id: 1, plan: "", execution: "x", prompt: " " })).toBe("");
  });
  it("parentsOf treats a missing entry as no parents and accepts string keys", () => {
    const dag = JSON.parse('{"1": [], "2": [1]}') as Dag;
    expect(parentsOf(dag, 2)).toEqual([1]);
    expect(parentsOf(dag, 3)).toEqual([]);
    expect(dagEdges(dag)).toEqual([{ parent: 1, child: 2 }]);
  });
});

describe("validateSteps: ids and edges", () => {
  const steps = [exec(1), exec(2), exec(3)];

  it("accepts a valid DAG whose parents precede their children", () => {
    expect(validateSteps(steps, { 1: [], 2: [1], 3: [1, 2] })).toEqual([]);
  });

  it("reports an unknown parent with the edge", () => {
    const issues = validateSteps(steps, { 2: [7] });
    expect(issues).toEqual([
      expect.objectContaining({ code: "unknown-parent", severity: "error", stepId: 2, edge: { parent: 7, child: 2 } }),
    ]);
    expect(issues[0]?.message).toBe("step 2 depends on step 7, which does not exist");
  });

  it("reports a parent that is not earlier than its child (the paper's rejection rule)", () => {
    const issues = validateSteps(steps, { 1: [], 2: [3], 3: [] });
    expect(issues).toEqual([
      expect.objectContaining({ code: "parent-not-earlier", stepId: 2, edge: { parent: 3, child: 2 } }),
    ]);
  });

  it("reports a self edge (and not also a cycle)", () => {
    const issues = validateSteps(steps, { 2: [2] });
    expect(codes(issues)).toEqual(["self-edge"]);
    expect(issues[0]?.edge).toEqual({ parent: 2, child: 2 });
  });

  it("reports a duplicate edge as a warning", () => {
    const issues = validateSteps(steps, { 3: [1, 2, 1] });
    expect(issues).toEqual([
      expect.objectContaining({ code: "duplicate-edge", severity: "warning", edge: { parent: 1, child: 3 } }),
    ]);
    expect(isValid(issues)).toBe(true);
  });

  it("detects and names a cycle in a hand-edited graph", () => {
    const s = [exec(1), exec(2), exec(3), exec(4)];
    const issues = validateSteps(s, { 2: [3], 3: [4], 4: [2], 1: [] });
    const cycle = issues.find((i) => i.code === "cycle");
    expect(cycle?.cycle).toEqual([2, 4, 3]);
    expect(cycle?.message).toBe("dependency cycle: 2 → 4 → 3 → 2");
    expect(codes(issues).filter((c) => c === "parent-not-earlier")).toHaveLength(2);
    expect(isValid(issues)).toBe(false);
  });

  it("names one cycle per strongly connected component", () => {
    const s = [1, 2, 3, 4, 5].map((i) => exec(i));
    expect(findCycles({ 1: [2], 2: [1], 4: [5], 5: [4], 3: [1] })).toEqual([
      [1, 2],
      [4, 5],
    ]);
    expect(validateSteps(s, { 1: [2], 2: [1], 4: [5], 5: [4] }).filter((i) => i.code === "cycle")).toHaveLength(2);
  });

  it("reports DAG entries for steps that do not exist, and bad keys", () => {
    expect(codes(validateSteps(steps, { 9: [1] }))).toEqual(["unknown-step"]);
    expect(codes(validateSteps(steps, { x: [1] } as unknown as Dag))).toEqual(["bad-dag-entry"]);
  });

  it("reports bad, duplicate and out-of-order step ids", () => {
    expect(codes(validateDag([exec(0)], {}))).toEqual(["bad-step-id"]);
    expect(codes(validateDag([exec(1), exec(1)], {}))).toEqual(["duplicate-step-id"]);
    expect(codes(validateDag([exec(2), exec(1)], {}))).toEqual(["steps-out-of-order"]);
  });

  it("warns when an executed step has no prompt", () => {
    const issues = validateSteps([{ id: 1, plan: "p", execution: "e" }], {});
    expect(issues).toEqual([expect.objectContaining({ code: "missing-prompt", severity: "warning", stepId: 1 })]);
  });
});

describe("validateSteps: line ranges", () => {
  it("accepts ranges that cover every line exactly once", () => {
    const s: Step[] = [
      exec(1, { planLines: [1, 2], executionLines: [3, 5], commentLines: [6, 6] }),
      planOnly(2, { planLines: [7, 8] }),
    ];
    expect(validateSteps(s, {}, { lineCount: 8 })).toEqual([]);
  });

  it("reports overlapping lines with every step involved", () => {
    const s: Step[] = [exec(1, { planLines: [1, 3], executionLines: [4, 6] }), planOnly(2, { planLines: [5, 7] })];
    const issues = validateSteps(s, {}, { lineCount: 7 });
    expect(issues).toEqual([
      expect.objectContaining({ code: "line-overlap", lines: [5, 6], stepIds: [1, 2], stepId: 1 }),
    ]);
    expect(issues[0]?.message).toBe("lines 5–6 are claimed by more than one range (step 1 execution, step 2 plan)");
  });

  it("reports overlap between two ranges of the same step", () => {
    const issues = validateSteps([exec(1, { planLines: [1, 3], executionLines: [3, 4] })], {}, { lineCount: 4 });
    expect(issues).toEqual([expect.objectContaining({ code: "line-overlap", lines: [3, 3], stepIds: [1] })]);
  });

  it("reports uncovered lines as merged ranges, including a tail when lineCount is known", () => {
    const s: Step[] = [planOnly(1, { planLines: [1, 2] }), planOnly(2, { planLines: [6, 6] })];
    const issues = validateSteps(s, {}, { lineCount: 9 });
    expect(issues.map((i) => [i.code, i.lines])).toEqual([
      ["line-not-covered", [3, 5]],
      ["line-not-covered", [7, 9]],
    ]);
    expect(issues[0]?.message).toBe("lines 3–5 belong to no step");
  });

  it("without lineCount, checks coverage from line 1 to the last covered line", () => {
    const s: Step[] = [planOnly(1, { planLines: [2, 3] })];
    expect(validateSteps(s, {}).map((i) => [i.code, i.lines, i.message])).toEqual([
      ["line-not-covered", [1, 1], "line 1 belongs to no step"],
    ]);
  });

  it("reports ranges past the last line and invalid ranges", () => {
    const s: Step[] = [planOnly(1, { planLines: [1, 4] }), planOnly(2, { planLines: [5, 3] })];
    const issues = validateSteps(s, {}, { lineCount: 3 });
    expect(issues.map((i) => [i.code, i.stepId, i.lines])).toEqual([
      ["line-out-of-range", 1, [4, 4]],
      ["bad-line-range", 2, [5, 3]],
    ]);
  });

  it("counts a folded execution's lines as covered", () => {
    const s: Step[] = [
      planOnly(1, { planLines: [1, 1], folded: { text: "x", lines: [3, 3] } }),
      planOnly(2, { planLines: [2, 2] }),
    ];
    expect(validateSteps(s, {}, { lineCount: 3 })).toEqual([]);
    expect(stepLineRanges(s[0] as Step).map((r) => r.kind)).toEqual(["plan", "folded"]);
  });
});

describe("normalizeDag", () => {
  it("coerces integer strings and keeps duplicates for validation", () => {
    const { dag, issues } = normalizeDag({ "1": [], "2": ["1", 1], 3: [2] });
    expect(issues).toEqual([]);
    expect(dag).toEqual({ 1: [], 2: [1, 1], 3: [2] });
  });
  it("reports entries it cannot read", () => {
    const { dag, issues } = normalizeDag({ "1": [], two: [1], "3": "1", "4": [1.5, "x", 2] });
    expect(dag).toEqual({ 1: [], 4: [2] });
    // (integer-like keys come first in JavaScript object order)
    expect(issues.map((i) => i.message)).toEqual([
      'parents of step 3 must be a list, got "1"',
      "parent 1.5 of step 4 is not a step id",
      'parent "x" of step 4 is not a step id',
      'DAG key "two" is not a step id',
    ]);
    expect(normalizeDag([1, 2]).issues).toHaveLength(1);
    expect(normalizeDag(null).issues[0]?.code).toBe("bad-dag-entry");
  });
});

describe("graph helpers", () => {
  const dag: Dag = { 1: [], 2: [1], 3: [1], 4: [2, 3, 1], 5: [4] };
  const steps = [1, 2, 3, 4, 5].map((i) => exec(i));

  it("ancestors and descendants", () => {
    expect(ancestors(dag, 5)).toEqual([1, 2, 3, 4]);
    expect(ancestors(dag, 1)).toEqual([]);
    expect(descendants(dag, 1)).toEqual([2, 3, 4, 5]);
    expect(descendants(dag, 5)).toEqual([]);
    expect(ancestors({ 1: [2], 2: [1] }, 1)).toEqual([2]); // terminates on cycles
  });

  it("transitive reduction keeps immediate parents only", () => {
    expect(transitiveReduction(dag)).toEqual({ 1: [], 2: [1], 3: [1], 4: [2, 3], 5: [4] });
    expect(transitiveReduction({ 3: [2, 2, 1, 3], 2: [1] })).toEqual({ 2: [1], 3: [2] });
  });

  it("topological order breaks ties by original order and returns null on a cycle", () => {
    expect(topologicalOrder(steps, dag)).toEqual([1, 2, 3, 4, 5]);
    expect(topologicalOrder([exec(1), exec(2), exec(3)], { 1: [3] })).toEqual([2, 3, 1]);
    expect(topologicalOrder([exec(1), exec(2)], { 1: [2], 2: [1] })).toBeNull();
  });

  it("critical path is the heaviest chain", () => {
    const weights: Record<number, number> = { 1: 1, 2: 10, 3: 2, 4: 1, 5: 1 };
    expect(criticalPath(steps, dag, (s) => weights[s.id] ?? 0)).toEqual({ weight: 13, path: [1, 2, 4, 5] });
    expect(criticalPath([], {}, () => 1)).toEqual({ weight: 0, path: [] });
    expect(() => criticalPath([exec(1), exec(2)], { 1: [2], 2: [1] }, () => 1)).toThrow(/cycle/);
  });

  it("property: reduction preserves reachability and is idempotent", () => {
    fc.assert(
      fc.property(randomDag(8), ({ dag: d, n }) => {
        const r = transitiveReduction(d);
        for (let i = 1; i <= n; i++) expect(ancestors(r, i)).toEqual(ancestors(d, i));
        expect(transitiveReduction(r)).toEqual(r);
      }),
    );
  });

  it("property: a random DAG with earlier parents validates and orders parents first", () => {
    fc.assert(
      fc.property(randomDag(10), ({ dag: d, n }) => {
        const s = Array.from({ length: n }, (_, i) => exec(i + 1));
        expect(isValid(validateSteps(s, d))).toBe(true);
        const order = topologicalOrder(s, d) as number[];
        const pos = new Map(order.map((id, i) => [id, i]));
        for (const { parent, child } of dagEdges(d)) expect(pos.get(parent)).toBeLessThan(pos.get(child) as number);
      }),
    );
  });
});

describe("foldShortExecutions", () => {
  it("folds an execution of fewer than 3 lines into the plan, dropping the prompt", () => {
    const s: Step = {
      id: 1,
      plan: "Let me add.",
      prompt: "Add 2 and 3.",
      execution: "2 + 3 = 5.\nSo 5.",
      planLines: [1, 1],
      executionLines: [2, 3],
      comment: "ok",
    };
    const [folded] = foldShortExecutions([s]);
    expect(folded).toEqual({
      id: 1,
      plan: "Let me add.\n2 + 3 = 5.\nSo 5.",
      planLines: [1, 3],
      comment: "ok",
      folded: { text: "2 + 3 = 5.\nSo 5.", prompt: "Add 2 and 3." },
    });
    expect(isPlanOnly(folded as Step)).toBe(true);
  });

  it("keeps executions of at least 3 lines, and plan-only steps, unchanged", () => {
    const long = exec(1, { executionLines: [2, 4] });
    const po = planOnly(2);
    const out = foldShortExecutions([long, po]);
    expect(out[0]).toBe(long);
    expect(out[1]).toBe(po);
  });

  it("counts non-blank execution lines when no line range is given; minLines is configurable", () => {
    const s = exec(1, { execution: "a\n\nb\nc" });
    expect(executionLineSpan(s)).toBe(3);
    expect(foldShortExecutions([s])[0]).toBe(s);
    expect(isPlanOnly(foldShortExecutions([s], 4)[0] as Step)).toBe(true);
    expect(executionLineSpan(planOnly(1))).toBe(0);
  });

  it("keeps non-adjacent execution lines in folded.lines so coverage still holds", () => {
    const s: Step[] = [
      exec(1, { planLines: [1, 1], executionLines: [3, 4] }),
      planOnly(2, { planLines: [2, 2] }),
    ];
    const out = foldShortExecutions(s);
    expect(out[0]?.planLines).toEqual([1, 1]);
    expect(out[0]?.folded?.lines).toEqual([3, 4]);
    expect(validateSteps(out, {}, { lineCount: 4 })).toEqual([]);
  });

  it("is idempotent and never changes coverage (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 5 })), { maxLength: 8 }), (shape) => {
        let line = 1;
        const s: Step[] = shape.map(([planLen, execLen], i) => {
          const planLines = [line, line + planLen] as const;
          line += planLen + 1;
          if (execLen === 0) return planOnly(i + 1, { planLines });
          const executionLines = [line, line + execLen - 1] as const;
          line += execLen;
          return exec(i + 1, { planLines, executionLines });
        });
        const lineCount = line - 1;
        const before = validateSteps(s, {}, { lineCount });
        const once = foldShortExecutions(s);
        expect(validateSteps(once, {}, { lineCount })).toEqual(before);
        expect(foldShortExecutions(once)).toEqual(once);
        for (const st of once) if (!isPlanOnly(st)) expect(executionLineSpan(st)).toBeGreaterThanOrEqual(3);
      }),
    );
  });
});

/** A random DAG over steps 1..n whose parents are always earlier. */
function randomDag(maxN: number): fc.Arbitrary<{ dag: Dag; n: number }> {
  return fc.integer({ min: 1, max: maxN }).chain((n) =>
    fc
      .array(fc.array(fc.boolean(), { minLength: maxN, maxLength: maxN }), { minLength: n, maxLength: n })
      .map((rows) => {
        const dag: Record<number, number[]> = {};
        rows.forEach((row, i) => {
          dag[i + 1] = row.slice(0, i).flatMap((b, j) => (b ? [j + 1] : []));
        });
        return { dag, n };
      }),
  );
}
