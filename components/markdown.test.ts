import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { createElement } from "react";
import fs from "node:fs";
import { createRequire } from "node:module";
import { Markdown, ReasoningText, normalizeMathDelimiters } from "./markdown";

const html = (text: string) => renderToStaticMarkup(createElement(Markdown, { text }));
/** Visible text of rendered HTML (KaTeX's MathML annotation removed). */
const visible = (h: string) => h.replace(/<span class="katex-mathml">[\s\S]*?<\/math><\/span>/g, "").replace(/<[^>]+>/g, "");

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

describe("Markdown rendering of reasoning text", () => {
  it("keeps * between numbers as multiplication (issue #11: `4*4=16, 16*4=64` became italic 44=16, 164=64)", () => {
    const h = html("Executor: 4*4=16, 16*4=64, so 64 - 4*2 = 56.");
    expect(h).not.toContain("<em>");
    expect(visible(h)).toContain("4*4=16, 16*4=64, so 64 - 4*2 = 56.");
  });
  it("keeps real emphasis and bold next to arithmetic", () => {
    const h = html("**Final Answer** is *probably* 3*5 = 15, and **not** 2*7.");
    expect(h).toContain("<strong>Final Answer</strong>");
    expect(h).toContain("<em>probably</em>");
    expect(h).toContain("<strong>not</strong>");
    expect(visible(h)).toContain("3*5 = 15");
    expect(visible(h)).toContain("2*7.");
  });
  it("leaves math and code alone", () => {
    const h = html("Check $a*b = 6$ and `x*y*z` then 2*3*4 = 24.");
    expect(h).toContain("<code>x*y*z</code>");
    expect(h).toContain('class="katex"');
    expect(h).not.toContain("\\*");
    expect(visible(h)).toContain("2*3*4 = 24.");
  });
  it("draws \\boxed with KaTeX's CSS of the same version (the frame collapsed to a bar when rehype-katex's katex 0.16 markup met katex 0.19's CSS)", () => {
    const h = html("The answer is \\boxed{4}.");
    const cls = /class="([^"]*fbox[^"]*)"/.exec(h)?.[1];
    expect(cls).toBeDefined();
    const require = createRequire(import.meta.url);
    const css = fs.readFileSync(require.resolve("katex/dist/katex.min.css"), "utf8");
    // Every class on the frame element that KaTeX's stylesheet knows about must be styled by the imported CSS.
    for (const c of cls!.split(/\s+/)) expect(css, `.${c} in katex.min.css`).toContain(`.${c}`);
  });
});

describe("ReasoningText (long text stays cheap)", () => {
  const rt = (text: string) => renderToStaticMarkup(createElement(ReasoningText, { text }));
  it("renders short text as Markdown", () => {
    expect(rt("a **b** 4*4")).toContain("<strong>b</strong>");
  });
  it("renders a long text in pieces, only the first few at once", () => {
    const text = "Executor: 4*4=16 and $x^2$ here. ".repeat(1000); // 34k characters
    const h = rt(text);
    expect(h).toContain('data-mode="progressive"');
    expect(h).toContain('data-complete="false"');
    const katexCount = (h.match(/class="katex"/g) ?? []).length;
    expect(katexCount).toBeGreaterThan(0);
    expect(katexCount).toBeLessThan(1000);
    expect(h).not.toContain("<em>");
  });
  it("shows a 1 MB line as plain text with a button to render it", () => {
    const text = "16*4=64, then $\\sqrt{4}$, ".repeat(40_000);
    const h = rt(text);
    expect(h).toContain('data-mode="plain"');
    expect(h).toContain("Render Markdown and math");
    expect(h).not.toContain('class="katex"');
  });
});

describe("plain-text fast path", () => {
  it("gives exactly react-markdown's output for lines without markup", async () => {
    const { isPlainText } = await import("./markdown");
    const lines = ["Okay, so I need to make 44 using the numbers 64, 41, 74, and 7.", "That gives 41 - 7 = 34.", "  Now 74 - 34 = 40.  ", "Wait, (2 + 3) = 5? Yes: 5."];
    for (const l of lines) {
      expect(isPlainText(l)).toBe(true);
      const fast = html(l);
      // The same text through the full pipeline (a trailing markup char forces it, then is removed from both).
      const full = html(`${l} \\!`).replace(/\s*!<\/p>/, "</p>");
      expect(fast).toBe(full.replace(/ <\/p>/, "</p>"));
    }
  });
  it("sends anything with markup, math or a block start through the full pipeline", async () => {
    const { isPlainText } = await import("./markdown");
    for (const l of ["4*4", "$x$", "a_b", "# h", "- item", "1. first", "> quote", "    code", "a & b", "x < y", "[link](u)", "a\nb", ""]) expect(isPlainText(l), l).toBe(false);
  });
});
