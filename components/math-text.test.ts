import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { createElement } from "react";
import { MathText } from "./math-text";

const html = (text: string, max?: number) => renderToStaticMarkup(createElement(MathText, { text, max }));

describe("MathText", () => {
  it("renders inline math instead of raw LaTeX", () => {
    const h = html("Find $\\frac{1}{2} + \\sqrt{x}$ for x = 4.");
    expect(h).toContain('class="katex"');
    expect(h).toContain("mfrac");
    expect(h).toContain("Find ");
  });
  it("truncates with an ellipsis and keeps the full source in the title", () => {
    const src = "Let $f(x) = x^2$ and consider a very long question text that goes on and on about many things.";
    const h = html(src, 30);
    expect(h).toContain("…");
    expect(h).toContain(`title="Let $f(x) = x^2$ and consider`);
  });
  it("does not execute HTML in the source", () => {
    const h = html(`<img src=x onerror="alert(1)"> $\\href{javascript:alert(1)}{x}$`);
    expect(h).not.toContain("<img");
    expect(h).not.toContain('href="javascript');
  });
});
