import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { exactCompare, exactValue } from "./math-exact";
import { formatRational, rational } from "./countdown/rational";

describe("exact rational / polynomial comparison", () => {
  it.each([
    ["\\frac{1}{2}+\\frac{1}{3}", "5/6"],
    ["2\\frac{1}{2}", "5/2"],
    ["-1\\frac{1}{2}", "-3/2"],
    ["0.125", "1/8"],
    ["2^{10}", "1024"],
    ["2^{-3}", "1/8"],
    ["(1+2)(3+4)", "21"],
    ["\\frac{\\frac{1}{2}}{\\frac{3}{4}}", "2/3"],
    ["18446744073709551617-1", "18446744073709551616"],
  ])("%s = %s", (expr, value) => {
    const v = exactValue(expr);
    expect(v && formatRational(v)).toBe(value);
  });
  it("decides constants exactly, beyond double precision", () => {
    expect(exactCompare("12345678901234567891", "12345678901234567890")).toBe("different");
    expect(exactCompare("0.1+0.2", "0.3")).toBe("equal");
    expect(exactCompare("0.333", "\\frac{1}{3}")).toBe("different");
  });
  it("decides polynomial and rational-function identities exactly", () => {
    expect(exactCompare("(x+1)^2", "x^2+2x+1")).toBe("equal");
    expect(exactCompare("\\frac{x^2-1}{x-1}", "x+1")).toBe("equal");
    expect(exactCompare("(a+b)(a-b)", "a^2-b^2")).toBe("equal");
    expect(exactCompare("(a+b)^2", "a^2+b^2")).toBe("different");
  });
  it("surds and π: equality is exact, a difference is left to numeric evaluation", () => {
    expect(exactCompare("\\sqrt{8}", "2\\sqrt{2}")).toBe("equal");
    expect(exactCompare("\\sqrt{\\frac{1}{2}}", "\\frac{\\sqrt{2}}{2}")).toBe("equal");
    expect(exactCompare("\\sqrt{2}\\sqrt{2}", "2")).toBe("equal");
    expect(exactCompare("\\sqrt{2}\\sqrt{3}", "\\sqrt{6}")).toBeNull();
    expect(exactCompare("2\\pi", "\\pi+\\pi")).toBe("equal");
    expect(exactCompare("3.14", "\\pi")).toBeNull();
  });
  it("outside the fragment: null (functions, infinity, symbolic exponents)", () => {
    expect(exactCompare("\\sin{x}", "\\sin{x}")).toBeNull();
    expect(exactCompare("\\infty", "\\infty")).toBeNull();
    expect(exactCompare("2^x", "2^x")).toBeNull();
    expect(exactCompare("\\frac{1}{0}", "1")).toBeNull();
  });
  it("agrees with rational arithmetic on random sums and products of fractions", () => {
    const frac = fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 40 }));
    fc.assert(
      fc.property(frac, frac, fc.boolean(), ([a, b], [c, d], times) => {
        const expr = `\\frac{${a}}{${b}}${times ? "*" : "+"}\\frac{${c}}{${d}}`;
        const expected = times ? rational(BigInt(a * c), BigInt(b * d)) : rational(BigInt(a * d + c * b), BigInt(b * d));
        expect(formatRational(exactValue(expr)!)).toBe(formatRational(expected));
        expect(exactCompare(expr, formatRational(expected).replace(/^(-?\d+)\/(\d+)$/, "\\frac{$1}{$2}"))).toBe("equal");
      }),
    );
  });
});
