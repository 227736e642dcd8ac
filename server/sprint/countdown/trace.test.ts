import { describe, expect, it } from "vitest";
import { countdownDataset, countdownTrace, reasoningLines, type CountdownRecord } from "./trace";
import { gradeCountdown, gradeMath, lastBoxed, checkCountdownExpression } from "../grading";
import { evaluateExact, parseArithmetic } from "./expression";
import { formatRational, rational } from "./rational";
import { isValid, validateSteps, parentsOf, type Step } from "../steps";
import { packStages } from "../packing";

const records: CountdownRecord[] = [...countdownDataset(2025, 60)];

function textOf(lines: readonly string[], range: readonly [number, number] | undefined): string {
  return range ? lines.slice(range[0] - 1, range[1]).join(" ") : "";
}

describe("countdownDataset", () => {
  it("is deterministic per seed and record i does not depend on n", () => {
    const again = [...countdownDataset(2025, 5)];
    expect(again).toEqual(records.slice(0, 5));
    const other = [...countdownDataset(2026, 5)];
    expect(other.map((r) => r.reasoning)).not.toEqual(again.map((r) => r.reasoning));
  });

  it("has the record shape", () => {
    const r = records[0] as CountdownRecord;
    expect(Object.keys(r).sort()).toEqual(
      ["answer", "dag", "id", "lines", "numbers", "question", "reasoning", "search", "solution", "steps", "target"].sort(),
    );
    expect(r.id).toBe("cd-2025-0");
    expect(r.question).toContain(String(r.target));
  });

  it("answers are correct: the CoT's last box, the solution's box and the answer field", () => {
    for (const r of records) {
      expect(gradeCountdown(r.reasoning, r.numbers, r.target).correct).toBe(true);
      expect(gradeCountdown(r.solution, r.numbers, r.target).correct).toBe(true);
      expect(checkCountdownExpression(r.answer, r.numbers, r.target).ok).toBe(true);
      expect(r.reasoning.trimEnd().endsWith("}.")).toBe(true);
      expect(lastBoxed(r.reasoning)).not.toBeNull();
      // The CoT and the reference solution agree as math answers too.
      expect(gradeMath(r.reasoning, r.solution).correct || gradeCountdown(r.solution, r.numbers, r.target).correct).toBe(true);
    }
  });

  it("every equation written in the CoT is arithmetically true", () => {
    // Chains like "76 = 2 × 38 = 4 × 19" or "So (25 + 13) × 2 + 4 = 80": every part has the same value.
    const chain = /[\d(][\d\s+\-×÷*/()]*(?:=[\s\d+\-×÷*/()]*[\d)])+/g;
    let checked = 0;
    for (const r of records) {
      for (const m of r.reasoning.matchAll(chain)) {
        const values = m[0].split("=").map((part) => {
          const p = parseArithmetic(part);
          expect(p.ok, `"${part}" in ${r.id}`).toBe(true);
          return p.ok ? formatRational(evaluateExact(p.expr) ?? rational(-999_999)) : "";
        });
        expect(new Set(values).size, `${m[0]} in ${r.id}`).toBe(1);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(records.length * 5);
  });
});

describe("lines and steps", () => {
  it("the text splits back into exactly the numbered lines", () => {
    for (const r of records) {
      expect(reasoningLines(r.reasoning)).toEqual(r.lines);
      for (const l of r.lines) {
        expect(l).not.toMatch(/\n/);
        expect(l).not.toMatch(/[.!?] /);
        expect(l).toMatch(/[.!?]$/);
      }
    }
  });

  it("steps and DAG validate, cover every line once, and pack into stages", () => {
    for (const r of records) {
      const issues = validateSteps(r.steps, r.dag, { lineCount: r.lines.length });
      expect(issues.filter((i) => i.severity === "error"), r.id).toEqual([]);
      expect(isValid(issues)).toBe(true);
      const packing = packStages(r.steps, r.dag);
      expect(packing.stageCount).toBeGreaterThanOrEqual(1);
      expect(packing.stageCount).toBeLessThan(r.steps.length);
    }
  });

  it("step texts are their lines", () => {
    for (const r of records) {
      for (const s of r.steps) {
        expect(s.plan).toBe(textOf(r.lines, s.planLines));
        expect(s.execution ?? "").toBe(textOf(r.lines, s.executionLines));
        expect(s.comment ?? "").toBe(textOf(r.lines, s.commentLines));
        if (s.execution) expect(s.prompt).toBeTruthy();
      }
    }
  });

  it("dependencies follow the text: back-references, factor hints, verification", () => {
    for (const r of records) {
      const steps = r.steps;
      const last = steps[steps.length - 1] as Step;
      expect(last.description).toBe("Verify the solution");
      expect(textOf(r.lines, last.commentLines)).toContain("\\boxed{");
      // The verification depends on exactly the step that reached the target.
      const [solver] = parentsOf(r.dag, last.id);
      const solverStep = steps.find((s) => s.id === solver) as Step;
      expect(parentsOf(r.dag, last.id)).toHaveLength(1);
      expect(solverStep.execution ?? "").toContain(`= ${r.target}.`);
      expect(parentsOf(r.dag, 1)).toEqual([]);
      for (const s of steps.slice(1, -1)) {
        const parents = parentsOf(r.dag, s.id);
        const back = /^(?:Going back to|Let me go back to having|Back to|Hmm, from) (\d+(?:\/\d+)?)/.exec(s.plan);
        if (back) {
          // Goes back to a state whose newest value was computed by the (single) parent step.
          expect(parents, `${r.id} step ${s.id}`).toHaveLength(1);
          const parent = steps.find((p) => p.id === parents[0]) as Step;
          expect(parent.execution ?? "").toContain(`= ${back[1]}.`);
        } else if (/factor pair|times|Since \d+ =/.test(s.plan)) {
          expect(parents).toEqual([1]);
          expect(steps[0]?.execution ?? "").not.toBe("");
        } else {
          expect(parents, `${r.id} step ${s.id}: ${s.plan}`).toEqual([]);
        }
      }
    }
  });

  it("has parallel structure: several independent lines of attack", () => {
    const ratios = records.map((r) => r.steps.length / packStages(r.steps, r.dag).stageCount);
    const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
    expect(mean).toBeGreaterThan(1.5);
    expect(records.some((r) => r.search.deadEnds >= 2)).toBe(true);
  });

  it("varies its phrasing with the seed", () => {
    const openers = new Set(records.map((r) => (r.lines[0] ?? "").replace(/\d+/g, "N").split(" ").slice(0, 3).join(" ")));
    expect(openers.size).toBeGreaterThanOrEqual(3);
    const verdicts = new Set(records.flatMap((r) => r.steps.map((s) => s.comment ?? "").filter((c) => !/\d/.test(c))));
    expect(verdicts.size).toBeGreaterThanOrEqual(3);
    expect(new Set(records.map((r) => /×/.test(r.reasoning))).size).toBe(2);
  });
});

describe("countdownTrace", () => {
  it("is deterministic per seed and varies across seeds", () => {
    const p = { numbers: [25, 13, 2, 4], target: 80 };
    expect(countdownTrace(p, { seed: 1 })).toEqual(countdownTrace(p, { seed: 1 }));
    const texts = new Set([1, 2, 3, 4, 5].map((seed) => countdownTrace(p, { seed }).reasoning));
    expect(texts.size).toBeGreaterThan(1);
  });
  it("supports at-most-once rules and fractional division", () => {
    const t = countdownTrace({ numbers: [5, 5, 97], target: 10 }, { useAll: false, seed: 3 });
    expect(gradeCountdown(t.reasoning, [5, 5, 97], 10, { useAll: false }).correct).toBe(true);
    expect(isValid(validateSteps(t.steps, t.dag, { lineCount: t.lines.length }))).toBe(true);
    const f = countdownTrace({ numbers: [3, 3, 8, 8], target: 24 }, { exactDivision: false, seed: 1 });
    expect(gradeCountdown(f.reasoning, [3, 3, 8, 8], 24).correct).toBe(true);
    expect(isValid(validateSteps(f.steps, f.dag, { lineCount: f.lines.length }))).toBe(true);
  });
  it("throws on unsolvable or too small problems", () => {
    expect(() => countdownTrace({ numbers: [1, 1, 1], target: 97 })).toThrow(/no solution/);
    expect(() => countdownTrace({ numbers: [1, 2], target: 3 })).toThrow(/at least 3/);
  });
  it("handles five numbers", () => {
    for (const r of countdownDataset("five", 5, { count: 5, targetMin: 100, targetMax: 500 })) {
      expect(gradeCountdown(r.reasoning, r.numbers, r.target).correct).toBe(true);
      expect(isValid(validateSteps(r.steps, r.dag, { lineCount: r.lines.length }))).toBe(true);
    }
  });
});
