import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  boxedContents,
  checkCountdownExpression,
  evaluateLatex,
  extractChoice,
  grade,
  gradeCountdown,
  gradeMath,
  gradeMultipleChoice,
  lastBoxed,
  mathEquivalent,
  normalizeMathAnswer,
} from "./grading";

describe("boxed extraction", () => {
  it("takes the last box with nested braces", () => {
    expect(lastBoxed("first \\boxed{1} then \\boxed{\\frac{1}{2}}.")).toBe("\\frac{1}{2}");
    expect(lastBoxed("\\boxed{\\{1, 2\\}}")).toBe("\\{1, 2\\}");
    expect(boxedContents("\\boxed{a} \\fbox{b} \\boxed {c}")).toEqual(["a", "b", "c"]);
  });
  it("reads \\boxed 5 without braces and ignores an unclosed box", () => {
    expect(lastBoxed("so \\boxed 5.")).toBe("5");
    expect(lastBoxed("\\boxed{3} and \\boxed{4")).toBe("3");
    expect(lastBoxed("no box here")).toBeNull();
  });
});

describe("normalizeMathAnswer", () => {
  it.each([
    ["\\dfrac{1}{2}", "\\frac{1}{2}"],
    ["\\tfrac12", "\\frac{1}{2}"],
    ["\\frac12", "\\frac{1}{2}"],
    ["\\sqrt2", "\\sqrt{2}"],
    ["\\left( 1, 2 \\right)", "(1,2)"],
    ["90^\\circ", "90"],
    ["90^{\\circ}", "90"],
    ["50\\%", "50"],
    ["\\$5.00", "5.00"],
    ["5 \\text{ cm}", "5"],
    ["12\\text{ inches}^2", "12"],
    ["10 square units", "10"],
    ["7 dollars.", "7"],
    ["x = 5", "5"],
    ["y=\\frac{3}{4}", "\\frac{3}{4}"],
    ["1,000", "1000"],
    ["1{,}000{,}000", "1000000"],
    [".5", "0.5"],
    ["-.25", "-0.25"],
    ["3.", "3"],
    ["\\text{Monday}", "Monday"],
    ["\\textbf{(B)}", "B"],
    ["$\\displaystyle 2$", "2"],
    ["a \\le b", "a\\leqb"],
    ["2 \\times 3", "2*3"],
    ["\\mathrm{4}", "4"],
    ["4 m", "4"],
    ["4m", "4m"],
    ["2x cm", "2xcm"],
    ["3 square feet", "3"],
    ["\\frac{1}{2} inch", "\\frac{1}{2}"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeMathAnswer(input)).toBe(expected);
  });
});

describe("evaluateLatex", () => {
  it.each([
    ["\\frac{1}{2}", 0.5],
    ["2\\sqrt{3}", 2 * Math.sqrt(3)],
    ["\\sqrt[3]{27}", 3],
    ["2^{10}", 1024],
    ["2^3", 8],
    ["3\\pi", 3 * Math.PI],
    ["\\frac{\\pi}{4}", Math.PI / 4],
    ["(1+2)(3+4)", 21],
    ["2\\frac{1}{2}", 2.5],
    ["-2\\frac{1}{2}", -2.5],
    ["5!", 120],
    ["\\binom{5}{2}", 10],
    ["10^{-2}", 0.01],
  ])("%s = %d", (expr, value) => {
    expect(evaluateLatex(expr)).toBeCloseTo(value, 12);
  });
  it("returns null on what it cannot read", () => {
    expect(evaluateLatex("\\unknown{2}")).toBeNull();
    expect(evaluateLatex("(1+2")).toBeNull();
  });
});

describe("mathEquivalent", () => {
  const equal: [string, string][] = [
    ["\\frac{1}{2}", "0.5"],
    ["\\dfrac{1}{2}", "\\frac12"],
    ["1/2", "\\frac{1}{2}"],
    ["\\frac{2}{4}", "\\frac{1}{2}"],
    ["0.50", ".5"],
    ["\\frac{\\sqrt{3}}{2}", "\\frac{1}{2}\\sqrt{3}"],
    ["2\\sqrt{2}", "\\sqrt{8}"],
    ["\\left(3, -1\\right)", "(3,-1)"],
    ["[1, 2)", "\\left[1,2\\right)"],
    ["\\{1, 2, 3\\}", "\\{3, 2, 1\\}"],
    ["1, 2", "2, 1"],
    ["x=1, y=2", "1, 2"],
    ["30^\\circ", "30"],
    ["\\$12", "12"],
    ["12 \\text{ cm}^2", "12"],
    ["1,000", "1000"],
    ["x^2+2x+1", "(x+1)^2"],
    ["2(a+b)", "2a+2b"],
    ["y = 2x + 1", "y=1+2x"],
    ["\\pi", "\\pi"],
    ["\\infty", "\\infty"],
    ["-\\infty", "-\\infty"],
    ["\\text{Evelyn}", "Evelyn"],
    ["\\frac{3}{2}", "1\\frac{1}{2}"],
    ["10\\%", "10"],
    ["5.", "5"],
    ["\\left( -\\infty, 2 \\right]", "(-\\infty,2]"],
  ];
  it.each(equal)("%s ≡ %s", (a, b) => {
    expect(mathEquivalent(a, b)).toBe(true);
    expect(mathEquivalent(b, a)).toBe(true);
  });

  const different: [string, string][] = [
    ["\\frac{1}{3}", "0.333"],
    ["(1, 2)", "(2, 1)"],
    ["[1, 2)", "[1, 2]"],
    ["(1,2)", "1,2"],
    ["\\{1,2\\}", "\\{1,2,3\\}"],
    ["x^2", "x^3"],
    ["x+1", "y+1"],
    ["3.14", "\\pi"],
    ["2", "-2"],
    ["\\sqrt{2}", "2"],
    ["Monday", "Tuesday"],
    ["", "0"],
    ["\\pm 2", "2"],
    ["\\infty", "-\\infty"],
  ];
  it.each(different)("%s ≢ %s", (a, b) => {
    expect(mathEquivalent(a, b)).toBe(false);
  });

  it("ordered comma lists when unorderedLists is false", () => {
    expect(mathEquivalent("1, 2", "2, 1", { unorderedLists: false })).toBe(false);
    expect(mathEquivalent("1, 2", "1, 2", { unorderedLists: false })).toBe(true);
  });

  it("tolerance is configurable", () => {
    expect(mathEquivalent("0.3333", "\\frac{1}{3}")).toBe(false);
    expect(mathEquivalent("0.3333", "\\frac{1}{3}", { relTol: 1e-3 })).toBe(true);
  });

  it("every integer equals itself written as a fraction and a decimal", () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000, max: 10_000 }), fc.integer({ min: 1, max: 50 }), (n, d) => {
        expect(mathEquivalent(`\\frac{${n * d}}{${d}}`, String(n))).toBe(true);
        expect(mathEquivalent(`${n}.0`, `\\dfrac{${n}}{1}`)).toBe(true);
      }),
    );
  });
});

describe("gradeMath", () => {
  it("grades the last box against a bare reference", () => {
    const r = gradeMath("We get \\boxed{3} first, but then \\boxed{\\dfrac{1}{2}}.", "0.5");
    expect(r).toEqual({ correct: true, verdict: "correct", extracted: "\\dfrac{1}{2}", reason: "equivalent" });
  });
  it("uses the reference's own box when it has one", () => {
    expect(gradeMath("\\boxed{12}", "So the area is $\\boxed{12}$.").correct).toBe(true);
    expect(gradeMath("\\boxed{12}", "So the area is $\\boxed{12}$.").reason).toBe("equal");
  });
  it("reports a missing or wrong box", () => {
    expect(gradeMath("I could not finish.", "5")).toEqual({ correct: false, verdict: "wrong", extracted: null, reason: "no-answer" });
    expect(gradeMath("\\boxed{6}", "5")).toEqual({ correct: false, verdict: "wrong", extracted: "6", reason: "mismatch" });
    expect(gradeMath("\\boxed{}", "5").reason).toBe("empty-answer");
  });
  it("works on a SPRINT trajectory", () => {
    const traj = "<Plan_1>\nCompute \\boxed{7}?\n</Plan_1>\n<Final_answer>\nThe answer is \\boxed{\\frac{14}{2}}.\n</Final_answer>";
    expect(gradeMath(traj, "7").correct).toBe(true);
  });
});

describe("multiple choice", () => {
  it.each([
    ["\\boxed{C}", "C"],
    ["\\boxed{(C)}", "C"],
    ["\\boxed{\\text{(C)}}", "C"],
    ["\\boxed{\\textbf{C}}", "C"],
    ["\\boxed{C. 42}", "C"],
    ["\\boxed{c}", null],
    ["The answer is (B).", "B"],
    ["**Answer:** D", "D"],
    ["Answer: A", "A"],
    ["so the answer is a bit unclear", null],
    ["The answer is (B). Wait, actually the answer is (D).", "D"],
  ])("%s → %s", (text, letter) => {
    expect(extractChoice(text)).toBe(letter);
  });
  it("maps a boxed option text to its letter", () => {
    expect(extractChoice("\\boxed{\\frac{1}{2}}", { choices: ["1", "0.5", "2", "3"] })).toBe("B");
    expect(extractChoice("\\boxed{Paris}", { choices: ["London", "paris"] })).toBe("B");
  });
  it("respects the number of options", () => {
    expect(extractChoice("\\boxed{E}", { choices: ["1", "2", "3", "4"] })).toBeNull();
  });
  it("grades by letter", () => {
    expect(gradeMultipleChoice("\\boxed{B}", "B").correct).toBe(true);
    expect(gradeMultipleChoice("\\boxed{B}", "(b)").correct).toBe(true);
    expect(gradeMultipleChoice("\\boxed{A}", "B")).toEqual({ correct: false, verdict: "wrong", extracted: "A", reason: "mismatch" });
    expect(gradeMultipleChoice("nothing", "B").reason).toBe("no-choice");
  });
});

describe("countdown", () => {
  const nums = [25, 13, 2, 4];
  it.each([
    "(25 + 13) * 2 + 4",
    "(25 + 13) × 2 + 4",
    "(25+13) \\times 2 + 4",
    "\\left(25 + 13\\right) \\cdot 2 + 4",
    "(25 + 13) * 2 + 4 = 80",
    "80 = 4 + 2 * (13 + 25)",
    "[25 + 13] * 2 + 4",
  ])("accepts %s", (expr) => {
    expect(checkCountdownExpression(expr, nums, 80)).toMatchObject({ ok: true, reason: "ok", value: "80" });
  });
  it("checks the numbers used", () => {
    expect(checkCountdownExpression("25 * 4 - 13 - 2 - 5", nums, 80).reason).toBe("wrong-numbers");
    expect(checkCountdownExpression("25 * 4 - 20", nums, 80).reason).toBe("wrong-numbers");
    expect(checkCountdownExpression("(25 + 13) * 2", nums, 76).reason).toBe("wrong-numbers");
    expect(checkCountdownExpression("(25 + 13) * 2", nums, 76, { useAll: false }).ok).toBe(true);
    expect(checkCountdownExpression("(25 + 25) * 2", nums, 100, { useAll: false }).reason).toBe("wrong-numbers");
  });
  it("evaluates exactly with rationals", () => {
    // 4 / (1 - 5/6) = 24 only in exact arithmetic.
    expect(checkCountdownExpression("4 / (1 - 5 / 6)", [4, 1, 5, 6], 24).ok).toBe(true);
    expect(checkCountdownExpression("4 / (1 - 5 / 6)", [4, 1, 5, 6], 24, { integerIntermediates: true }).reason).toBe("non-integer-step");
    expect(checkCountdownExpression("8 / (3 - 3) + 1", [8, 3, 3, 1], 1).reason).toBe("division-by-zero");
  });
  it("rejects malformed expressions, unary minus, decimals and wrong values", () => {
    expect(checkCountdownExpression("(25 + 13 * 2 + 4", nums, 80).reason).toBe("parse-error");
    expect(checkCountdownExpression("2(25 + 13) + 4", nums, 80).reason).toBe("parse-error");
    expect(checkCountdownExpression("-2 + 25 + 13 * 4", [2, 25, 13, 4], 75).reason).toBe("unary-minus");
    expect(checkCountdownExpression("-2 + 25 + 13 * 4", [2, 25, 13, 4], 75, { allowUnaryMinus: true }).ok).toBe(true);
    expect(checkCountdownExpression("25.0 + 13 + 2 + 4", nums, 44).reason).toBe("parse-error");
    expect(checkCountdownExpression("25 + 13 + 2 + 4", nums, 80)).toMatchObject({ ok: false, reason: "wrong-value", value: "44" });
    expect(checkCountdownExpression("25 + 13 + 2 + 4 = 80", nums, 80).reason).toBe("wrong-value");
  });
  it("grades a response by its last box, or <answer> tags", () => {
    expect(gradeCountdown("Let me try... \\boxed{25 + 13} no wait \\boxed{(25 + 13) × 2 + 4}", nums, 80).correct).toBe(true);
    expect(gradeCountdown("<answer>(25 + 13) * 2 + 4</answer>", nums, 80).correct).toBe(true);
    expect(gradeCountdown("I give up", nums, 80)).toEqual({ correct: false, verdict: "wrong", extracted: null, reason: "no-boxed" });
  });
});

describe("grade dispatcher", () => {
  it("routes by task kind", () => {
    expect(grade({ kind: "math", reference: "\\frac{1}{2}" }, "\\boxed{0.5}").correct).toBe(true);
    expect(grade({ kind: "multiple-choice", answer: "C" }, "\\boxed{C}").correct).toBe(true);
    expect(grade({ kind: "countdown", numbers: [1, 2, 3], target: 9 }, "\\boxed{(1 + 2) * 3}").correct).toBe(true);
  });
});
