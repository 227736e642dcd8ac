import { describe, expect, it } from "vitest";
import { canonicalNumber, isSignificantNumber, normalizeMath, sentenceFacts } from "./facts";

describe("sentenceFacts", () => {
  it("reads results, equations and expressions of plain arithmetic", () => {
    const f = sentenceFacts("That gives 35 - 21 = 14.");
    expect(f.numbers).toEqual(["35", "21", "14"]);
    expect(f.results).toEqual(["14"]);
    expect(f.equations).toEqual(["35-21=14"]);
    expect(f.expressions).toEqual(["35-21"]);
  });

  it("splits comma-separated equations and reads Unicode operators", () => {
    const f = sentenceFacts("97 + 3 = 100, 97 × 3 = 291, 97 − 3 = 94.");
    expect(f.results).toEqual(["100", "291", "94"]);
    expect(f.equations).toEqual(["3+97=100", "3*97=291", "97-3=94"]);
  });

  it("treats a decomposition's operands as introduced, not used", () => {
    const f = sentenceFacts("As a product, 80 = 2 × 40 = 8 × 10.");
    expect(f.results).toEqual([]);
    expect(f.decomposed).toEqual(["2", "40", "8", "10"]);
    expect(f.decompositions).toEqual(["2*40", "10*8"]);
    expect(sentenceFacts("Since 80 = 10 × 8, maybe I can make 8 first.").decompositions).toEqual(["10*8"]);
  });

  it("reads results stated in words", () => {
    expect(sentenceFacts("Adding everything gives 97 + 35 = 132.").verbResults).toEqual([]);
    expect(sentenceFacts("So the total is 48.").verbResults).toEqual(["48", "48"]);
    expect(sentenceFacts("So the total is 48.").named).toEqual(["total"]);
    expect(sentenceFacts("Close, 100 is only 3 away from 97.").verbResults).toEqual([]);
    expect(sentenceFacts("I would still need 16 more.").verbResults).toEqual(["16"]);
  });

  it("reads LaTeX: delimiters, \\times, \\frac, powers, variables", () => {
    const f = sentenceFacts(String.raw`So $x = 3$ and $2^4 \cdot 3^3 \cdot 5 = 2160$, with $\frac{1}{2}$ left.`);
    expect(f.assigned).toEqual(["x"]);
    expect(f.results).toEqual(["3", "2160"]);
    expect(f.numbers).toEqual(["3", "2", "2^4", "3", "3^3", "5", "2160", "1", "2"]);
    expect(f.variables).toEqual(["x"]);
    const g = sentenceFacts(String.raw`Multiplying, $6^3 \cdot 10 = 2^4 \cdot 3^3 \cdot 5$.`);
    expect(g.results).toEqual(["2^4", "3^3"]);
  });

  it("reads negative numbers, tight fractions and thousands separators", () => {
    expect(sentenceFacts("10 - 43 = -33.").results).toEqual(["-33"]);
    expect(sentenceFacts("4 + -14 = -10.").numbers).toEqual(["4", "-14", "-10"]);
    expect(sentenceFacts("60 ÷ -27 = -20/9.").results).toEqual(["-20/9"]);
    expect(sentenceFacts("60 / 15 = 4.").numbers).toEqual(["60", "15", "4"]);
    expect(sentenceFacts("The total is 1,000 dollars, or 2.50 each.").numbers).toEqual(["1000", "2.5"]);
    expect(sentenceFacts("The numbers 71, 3, and 26 remain.").numbers).toEqual(["71", "3", "26"]);
  });

  it("does not read comparisons as equations", () => {
    expect(sentenceFacts("Since 3 <= 4 and 5 >= 2, fine.").equations).toEqual([]);
    expect(sentenceFacts(String.raw`We need $x \neq 2$.`).equations).toEqual([]);
  });
});

describe("helpers", () => {
  it("canonicalizes numbers", () => {
    expect(canonicalNumber("1,000")).toBe("1000");
    expect(canonicalNumber("2.50")).toBe("2.5");
    expect(canonicalNumber("007")).toBe("7");
  });
  it("normalizes math operators", () => {
    expect(normalizeMath(String.raw`$a \times b \div c$ − 1`)).toBe("$a * b / c$ - 1");
    expect(normalizeMath("plain text")).toBe("plain text");
  });
  it("ignores 0 and 1 as dependencies", () => {
    expect(isSignificantNumber("1")).toBe(false);
    expect(isSignificantNumber("0")).toBe(false);
    expect(isSignificantNumber("2")).toBe(true);
  });
});
