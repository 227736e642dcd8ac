import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { chunkForRender, escapeArithmeticStars, splitSegments, truncateMathText } from "./segments";

describe("escapeArithmeticStars", () => {
  it("escapes * between operands in realistic executor text", () => {
    const src = "Try 4*4=16, 16*4=64. Then (3+5)*2 = 16 and x*y with x=2, y=3 gives 6; 2**3 = 8.";
    expect(escapeArithmeticStars(src)).toBe(
      "Try 4\\*4=16, 16\\*4=64. Then (3+5)\\*2 = 16 and x\\*y with x=2, y=3 gives 6; 2\\*\\*3 = 8.",
    );
  });
  it("escapes a * with a digit on one side and a spaced digit on the other", () => {
    expect(escapeArithmeticStars("so 3* 4 = 12 and 5 *6 = 30")).toBe("so 3\\* 4 = 12 and 5 \\*6 = 30");
  });
  it("keeps **bold**, *emph*, list bullets and spaced operators as Markdown", () => {
    const src = "**Final Answer**\n* first case: *wait*, let me re-check 7 * 8 = 56\n- **Step 2**: done\n**bold**text";
    expect(escapeArithmeticStars(src)).toBe(src);
  });
  it("leaves math, inline code and fenced code untouched", () => {
    const src = "We need $a*b = 12$ and $$x*y$$ and `p*q` here:\n```\nprint(3*4)\n```\nthen 3*4.";
    expect(escapeArithmeticStars(src)).toBe("We need $a*b = 12$ and $$x*y$$ and `p*q` here:\n```\nprint(3*4)\n```\nthen 3\\*4.");
  });
  it("does not double-escape \\*", () => {
    expect(escapeArithmeticStars("2\\*3 and 2*3")).toBe("2\\*3 and 2\\*3");
  });
  it("an unclosed $ is text (as in remark-math), so its * is escaped", () => {
    expect(escapeArithmeticStars("costs $5 and 2*3")).toBe("costs $5 and 2\\*3");
  });
  it("never changes text other than inserting backslashes before *", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("*", "4", "x", " ", "$", "`", "\n", "(", ")", "\\", "a") }), (s) => {
        const strip = (x: string) => x.replace(/\\+\*/g, "*");
        expect(strip(escapeArithmeticStars(s))).toBe(strip(s));
      }),
    );
  });
});

describe("splitSegments", () => {
  it("separates text, inline and display math, code", () => {
    expect(splitSegments("a $x$ b $$y$$ `c` \\$5")).toEqual([
      { kind: "text", text: "a " },
      { kind: "math", text: "$x$", display: false },
      { kind: "text", text: " b " },
      { kind: "math", text: "$$y$$", display: true },
      { kind: "text", text: " " },
      { kind: "code", text: "`c`" },
      { kind: "text", text: " \\$5" },
    ]);
  });
});

describe("truncateMathText", () => {
  const join = (r: ReturnType<typeof truncateMathText>) => r.segments.map((s) => s.text).join("");
  it("keeps short text whole", () => {
    const r = truncateMathText("Find $\\frac{1}{2} + x$ when x = 3.", 80);
    expect(r.truncated).toBe(false);
    expect(join(r)).toBe("Find $\\frac{1}{2} + x$ when x = 3.");
  });
  it("never cuts inside $…$", () => {
    const src = "Let $f(x) = \\frac{x^2 + 1}{x - 1}$ and compute $\\sum_{k=1}^{100} \\frac{1}{k(k+1)}$ exactly.";
    for (let max = 1; max < src.length; max++) {
      const r = truncateMathText(src, max);
      for (const s of r.segments) if (s.kind === "math") expect(s.text).toMatch(/^\$[^$]+\$$/);
      const dollars = (join(r).match(/(?<!\\)\$/g) ?? []).length;
      expect(dollars % 2).toBe(0);
    }
  });
  it("counts a math span by its rendered size, not its source", () => {
    const r = truncateMathText("Compute $\\frac{\\alpha}{\\beta}$ now", 20);
    expect(r.truncated).toBe(false);
  });
  it("cuts long prose at a word boundary and flattens newlines", () => {
    const r = truncateMathText("The quick brown fox\njumps over the lazy dog", 22);
    expect(r.truncated).toBe(true);
    expect(join(r)).toBe("The quick brown fox");
  });
  it("converts \\( \\) and bare \\boxed to math", () => {
    expect(truncateMathText("x is \\(\\frac12\\) so \\boxed{4}", 100).segments.filter((s) => s.kind === "math").map((s) => s.text)).toEqual(["$\\frac12$", "$\\boxed{4}$"]);
    expect(truncateMathText("answer \\boxed{4}", 100).segments.filter((s) => s.kind === "math").map((s) => s.text)).toEqual(["$\\boxed{4}$"]);
  });
  it("never cuts inside math for random inputs", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("$", "x", " ", "\\", "{", "}", "a") }), fc.integer({ min: 1, max: 30 }), (s, max) => {
        const r = truncateMathText(s, max);
        for (const seg of r.segments) if (seg.kind === "math") expect(seg.text.startsWith("$") && seg.text.endsWith("$")).toBe(true);
      }),
    );
  });
});

describe("chunkForRender", () => {
  it("joins back to the text and never cuts math", () => {
    const unit = "Executor checks 4*4=16 and $\\frac{16}{4} = 4$, then re-checks: wait, 16*4=64. ";
    const src = unit.repeat(2000);
    const chunks = chunkForRender(src, 1000);
    expect(chunks.join("")).toBe(src);
    expect(chunks.length).toBeGreaterThan(100);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(1000);
      expect(((c.match(/\$/g) ?? []).length) % 2).toBe(0);
    }
  });
  it("handles text without whitespace and random input", () => {
    expect(chunkForRender("x".repeat(50), 10).join("")).toBe("x".repeat(50));
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("$", "x", " ", "\n", "`", ".", "\\") }), fc.integer({ min: 1, max: 20 }), (s, n) => {
        expect(chunkForRender(s, n).join("")).toBe(s);
      }),
    );
  });
});
