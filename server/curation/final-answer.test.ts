import { describe, expect, it } from "vitest";
import { finalAnswerFor, traceAnswerCheck } from "./final-answer";

describe("finalAnswerFor", () => {
  it("takes the last boxed sentence of the reference solution", () => {
    const sol = "First we add. So $x = \\boxed{3}$ is wrong. Then we fix it.\n\nThus the answer is $\\boxed{4}$. Done.";
    expect(finalAnswerFor({ referenceSolution: sol })).toBe("Thus the answer is $\\boxed{4}$.");
  });
  it("falls back to a boxed reference answer, then to the reasoning", () => {
    expect(finalAnswerFor({ referenceSolution: "no box", referenceAnswer: "12" })).toBe("The answer is $\\boxed{12}$.");
    expect(finalAnswerFor({ referenceAnswer: "\\boxed{5}" })).toBe("\\boxed{5}");
    expect(finalAnswerFor({ reasoning: "Try. So it is \\boxed{7}. Check." })).toBe("So it is \\boxed{7}.");
    expect(finalAnswerFor({})).toBeUndefined();
  });
});

describe("traceAnswerCheck (the evaluation grader on curation input)", () => {
  it("grades the trace's last answer against the reference answer, else the solution's box", () => {
    expect(traceAnswerCheck({ reasoning: "… so \\boxed{\\frac{1}{2}}", referenceAnswer: "0.5" })).toEqual({ verdict: "correct", extracted: "\\frac{1}{2}", reference: "0.5" });
    expect(traceAnswerCheck({ reasoning: "Answer: 7", referenceSolution: "It is $\\boxed{8}$." })).toMatchObject({ verdict: "wrong", extracted: "7", reference: "8" });
    expect(traceAnswerCheck({ question: "What percent of 80 is 20?", reasoning: "\\boxed{25\\%}", referenceAnswer: "25" })?.verdict).toBe("correct");
    expect(traceAnswerCheck({ reasoning: "\\boxed{\\mathbb{R}}", referenceAnswer: "(-\\infty,\\infty)" })?.verdict).toBe("undecided");
    expect(traceAnswerCheck({ reasoning: "\\boxed{1}" })).toBeNull();
  });
});
