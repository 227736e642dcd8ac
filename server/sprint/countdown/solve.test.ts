import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { evaluateExact, formatExpr, literals, parseArithmetic } from "./expression";
import { generateCountdown, generateCountdownProblem, countdownQuestion } from "./generate";
import { add, compare, div, equals, formatRational, mul, parseDecimal, rational, sub } from "./rational";
import { createRng } from "./random";
import { isSolvable, legalMoves, solveCountdown } from "./solve";
import { checkCountdownExpression } from "../grading";

/** Brute force over all expression trees (no memo, no dedupe): the reference for solvability. */
function bruteSolvable(numbers: number[], target: number, useAll: boolean): boolean {
  const go = (vals: ReturnType<typeof rational>[]): boolean => {
    if (!useAll && vals.some((x) => equals(x, rational(target)))) return true;
    if (vals.length === 1) return equals(vals[0] ?? rational(0), rational(target));
    for (let i = 0; i < vals.length; i++)
      for (let j = 0; j < vals.length; j++) {
        if (i === j) continue;
        const a = vals[i] ?? rational(0);
        const b = vals[j] ?? rational(0);
        const rest = vals.filter((_, k) => k !== i && k !== j);
        const cands = [add(a, b), mul(a, b), sub(a, b), div(a, b)];
        for (const c of cands) {
          if (!c || c.den !== 1n || c.num < 0n) continue;
          if (go([...rest, c])) return true;
        }
      }
    return false;
  };
  return go(numbers.map((n) => rational(n)));
}

describe("rational", () => {
  it("reduces and compares", () => {
    expect(rational(6, -4)).toEqual({ num: -3n, den: 2n });
    expect(formatRational(add(rational(1, 2), rational(1, 3)))).toBe("5/6");
    expect(div(rational(1), rational(0))).toBeNull();
    expect(compare(rational(1, 3), rational(1, 2))).toBe(-1);
    expect(parseDecimal("-0.25")).toEqual({ num: -1n, den: 4n });
    expect(parseDecimal(".5")).toEqual({ num: 1n, den: 2n });
    expect(parseDecimal("abc")).toBeNull();
  });
});

describe("expression", () => {
  it("parses operator spellings and prints minimal parentheses", () => {
    const p = parseArithmetic("\\left(25 + 13\\right) \\times 2 \\div 4 − 1");
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(formatRational(evaluateExact(p.expr) ?? rational(0))).toBe("18");
    expect(formatExpr(p.expr)).toBe("(25 + 13) * 2 / 4 - 1");
    expect(formatExpr(p.expr, "unicode")).toBe("(25 + 13) × 2 ÷ 4 − 1");
    expect(formatExpr(p.expr, "latex")).toBe("(25 + 13) \\times 2 \\div 4 - 1");
    const f = parseArithmetic("\\frac{12}{3} + 1");
    expect(f.ok && formatExpr(f.expr)).toBe("12 / 3 + 1");
  });
  it("keeps right-nested subtraction and division parenthesized", () => {
    for (const s of ["10 - (4 - 1)", "12 / (6 / 2)", "10 - (4 + 1)", "2 * (3 * 4)"]) {
      const p = parseArithmetic(s);
      expect(p.ok).toBe(true);
      if (p.ok) {
        const back = parseArithmetic(formatExpr(p.expr));
        expect(back.ok && formatRational(evaluateExact(back.expr) ?? rational(0))).toBe(formatRational(evaluateExact(p.expr) ?? rational(0)));
      }
    }
  });
  it("reports errors with an offset instead of throwing", () => {
    const p = parseArithmetic("3 + * 4");
    expect(p).toMatchObject({ ok: false, offset: 4 });
  });
});

describe("solveCountdown", () => {
  it("solves a classic instance and the expression checks out", () => {
    const r = solveCountdown([25, 13, 2, 4], 80);
    expect(r.solvable).toBe(true);
    expect(r.expression).not.toBeNull();
    expect(checkCountdownExpression(r.expression ?? "", [25, 13, 2, 4], 80).ok).toBe(true);
    // The tree is a real tree: parents precede children and the solution path walks it.
    for (const n of r.tree) if (n.parent !== null) expect(r.tree[n.parent]?.children).toContain(n.id);
    expect(r.solutionPath[0]).toBe(0);
    expect(r.tree[r.solutionPath[r.solutionPath.length - 1] ?? -1]?.outcome).toBe("solved");
  });
  it("detects unsolvable instances", () => {
    const r = solveCountdown([1, 1, 1, 1], 97);
    expect(r).toMatchObject({ solvable: false, solution: null, expression: null, solutionPath: [] });
    expect(r.tree[0]?.outcome).toBe("dead-end");
    expect(isSolvable([2, 3], 7)).toBe(false);
    expect(isSolvable([2, 3], 6)).toBe(true);
  });
  it("honours the rules", () => {
    // 4 / (1 - 5/6) = 24 needs fractional intermediates.
    expect(isSolvable([4, 1, 5, 6], 24)).toBe(false);
    expect(isSolvable([4, 1, 5, 6], 24, { exactDivision: false })).toBe(true);
    expect(isSolvable([3, 3, 8, 8], 24)).toBe(false);
    expect(isSolvable([3, 3, 8, 8], 24, { exactDivision: false })).toBe(true); // 8 / (3 - 8/3)
    expect(isSolvable([5, 7], 2)).toBe(true);
    expect(isSolvable([5, 7], -2)).toBe(false);
    expect(isSolvable([5, 7], -2, { allowNegative: true })).toBe(true);
    // At most once: 10 is reachable from a subset.
    expect(isSolvable([5, 5, 97], 10)).toBe(false);
    expect(isSolvable([5, 5, 97], 10, { useAll: false })).toBe(true);
  });
  it("lists each operand pair once, larger operand first", () => {
    const moves = legalMoves([
      { value: rational(6), expr: { kind: "num", value: rational(6), text: "6" } },
      { value: rational(3), expr: { kind: "num", value: rational(3), text: "3" } },
    ]);
    expect(moves.map((m) => `${formatRational(m.a.value)}${m.op}${formatRational(m.b.value)}`)).toEqual(["6+3", "6*3", "6-3", "6/3"]);
  });
  it("agrees with brute force and every solution checks out (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 2, maxLength: 4 }),
        fc.integer({ min: 1, max: 60 }),
        fc.boolean(),
        (numbers, target, useAll) => {
          const r = solveCountdown(numbers, target, { useAll });
          expect(r.solvable).toBe(bruteSolvable(numbers, target, useAll));
          if (r.solvable) {
            expect(checkCountdownExpression(r.expression ?? "", numbers, target, { useAll, integerIntermediates: true }).ok).toBe(true);
            const used = literals(r.solution ?? { kind: "num", value: rational(0), text: "0" }).length;
            if (useAll) expect(used).toBe(numbers.length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
  it("handles six numbers", () => {
    const r = solveCountdown([100, 75, 50, 25, 6, 3], 952);
    expect(r.solvable).toBe(true);
    expect(checkCountdownExpression(r.expression ?? "", [100, 75, 50, 25, 6, 3], 952).ok).toBe(true);
  });
});

describe("generator", () => {
  it("is deterministic per seed and index, and independent of n", () => {
    expect(generateCountdown(42, 5)).toEqual(generateCountdown(42, 5));
    expect(generateCountdown(42, 3)).toEqual(generateCountdown(42, 8).slice(0, 3));
    expect(generateCountdown(42, 3)).not.toEqual(generateCountdown(43, 3));
    expect(generateCountdownProblem("s", 2)).toEqual(generateCountdown("s", 3)[2]);
  });
  it("respects ranges and yields solvable problems", () => {
    for (const p of generateCountdown(7, 40, { count: 4, min: 1, max: 99, targetMin: 10, targetMax: 100 })) {
      expect(p.numbers).toHaveLength(4);
      for (const x of p.numbers) expect(x >= 1 && x <= 99).toBe(true);
      expect(p.target >= 10 && p.target <= 100).toBe(true);
      expect(p.numbers).not.toContain(p.target);
      expect(isSolvable(p.numbers, p.target)).toBe(true);
    }
    for (const p of generateCountdown(8, 10, { count: 3, max: 20, targetMin: 1, targetMax: 50 })) {
      expect(p.numbers).toHaveLength(3);
      expect(isSolvable(p.numbers, p.target)).toBe(true);
    }
  });
  it("rejects impossible options", () => {
    expect(() => generateCountdownProblem(1, 0, { count: 1 })).toThrow();
    expect(() => generateCountdownProblem(1, 0, { count: 2, min: 1, max: 1, targetMin: 50, targetMax: 60, maxTries: 50 })).toThrow(/no Countdown problem/);
  });
  it("writes the question", () => {
    expect(countdownQuestion([1, 2, 3], 9)).toContain("[1, 2, 3]");
    expect(countdownQuestion([1, 2, 3], 9)).toContain("exactly once");
    expect(countdownQuestion([1, 2, 3], 9, { useAll: false })).toContain("at most once");
  });
});

describe("rng", () => {
  it("is reproducible and roughly uniform", () => {
    const a = createRng("x");
    const b = createRng("x");
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
    const r = createRng(1);
    for (let i = 0; i < 100; i++) {
      const k = r.int(3, 5);
      expect(k >= 3 && k <= 5).toBe(true);
    }
    expect(r.shuffle([1, 2, 3, 4]).sort()).toEqual([1, 2, 3, 4]);
  });
});
