import { describe, expect, it } from "vitest";
import { finalAnswerFor } from "./final-answer";

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
