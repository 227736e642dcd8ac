import { describe, expect, it } from "vitest";
import { normalizeMathDelimiters } from "./markdown";

describe("normalizeMathDelimiters", () => {
  it("turns \\( \\) and \\[ \\] into $ and $$", () => {
    expect(normalizeMathDelimiters("a \\(x^2\\) b")).toBe("a $x^2$ b");
    expect(normalizeMathDelimiters("\\[ y \\]")).toBe("\n$$\ny\n$$\n");
  });
  it("wraps a bare \\boxed{…} (balanced braces) in $ when the text has no math delimiters", () => {
    expect(normalizeMathDelimiters("The answer is \\boxed{42}.")).toBe("The answer is $\\boxed{42}$.");
    expect(normalizeMathDelimiters("\\boxed{\\frac{1}{2}} and \\boxed{3}")).toBe("$\\boxed{\\frac{1}{2}}$ and $\\boxed{3}$");
    expect(normalizeMathDelimiters("so $\\boxed{42}$")).toBe("so $\\boxed{42}$");
    expect(normalizeMathDelimiters("broken \\boxed{42")).toBe("broken \\boxed{42");
  });
});
