import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { LatexGrammar, LatexSyntaxError, type LatexAlgebra } from "./latex-parser";
import { evaluateLatex } from "./grading";
import { exactValue } from "./math-exact";
import { formatRational } from "./countdown/rational";

/** An algebra that writes the parse tree as an S-expression, so the tests see the grammar itself. */
const tree: LatexAlgebra<string> = {
  number: (t) => t,
  add: (a, b) => `(+ ${a} ${b})`,
  sub: (a, b) => `(- ${a} ${b})`,
  mul: (a, b) => `(* ${a} ${b})`,
  div: (a, b) => `(/ ${a} ${b})`,
  neg: (a) => `(neg ${a})`,
  pow: (a, b) => `(^ ${a} ${b})`,
  isNegative: (a) => a.startsWith("(neg"),
  commands: {
    frac: (args) => `(frac ${args.braced()} ${args.braced()})`,
    sqrt: (args) => {
      const index = args.optional();
      return index === undefined ? `(sqrt ${args.braced()})` : `(root ${index} ${args.braced()})`;
    },
    pi: () => "pi",
    e: () => "e",
    sin: (args) => `(sin ${args.fnArg()})`,
  },
};
const plain = new LatexGrammar(tree);
const rich = new LatexGrammar({ ...tree, factorial: (a) => `(! ${a})`, glued: ["sin", "pi"], squareBrackets: true });
const read = (s: string, g: LatexGrammar<string> = plain) => g.parse(s, (name) => name);

describe("the shared LaTeX grammar", () => {
  it.each([
    ["1+2*3", "(+ 1 (* 2 3))"],
    ["1-2-3", "(- (- 1 2) 3)"],
    ["8/4/2", "(/ (/ 8 4) 2)"],
    ["6\\div3", "(/ 6 3)"],
    ["(1+2)*3", "(* (+ 1 2) 3)"],
    ["{1+2}3", "(* (+ 1 2) 3)"],
    ["2^3*4", "(* (^ 2 3) 4)"],
    ["2^{3+1}", "(^ 2 (+ 3 1))"],
    ["x^23", "(* (^ x 2) 3)"],
    ["2^-1", "(^ 2 (neg 1))"],
    ["0.5+.25+3.", "(+ (+ 0.5 .25) 3.)"],
  ])("precedence and associativity: %s", (s, t) => {
    expect(read(s)).toBe(t);
  });

  it.each([
    ["-2^2", "(neg (^ 2 2))"],
    ["--x", "(neg (neg x))"],
    ["+x", "x"],
    ["3*-x", "(* 3 (neg x))"],
    ["1--2", "(- 1 (neg 2))"],
  ])("unary minus binds looser than a power: %s", (s, t) => {
    expect(read(s)).toBe(t);
  });

  it.each([
    ["2x", "(* 2 x)"],
    ["2xy", "(* (* 2 x) y)"],
    ["(a+b)(a-b)", "(* (+ a b) (- a b))"],
    ["3\\pi", "(* 3 pi)"],
    ["2\\sqrt{3}", "(* 2 (sqrt 3))"],
    ["a_1b_{12}", "(* a_1 b_12)"],
    ["1+2x^2", "(+ 1 (* 2 (^ x 2)))"],
  ])("implicit multiplication: %s", (s, t) => {
    expect(read(s)).toBe(t);
  });

  it.each([
    ["2\\frac{1}{2}", "(+ 2 (frac 1 2))"],
    ["-1\\frac{1}{2}", "(- (neg 1) (frac 1 2))"],
    ["2.5\\frac{1}{2}", "(* 2.5 (frac 1 2))"],
    ["2\\frac{x}{2}", "(* 2 (frac x 2))"],
    ["x\\frac{1}{2}", "(* x (frac 1 2))"],
  ])("mixed numbers only after a whole number and before a numeric fraction: %s", (s, t) => {
    expect(read(s)).toBe(t);
  });

  it("commands read their own arguments; glued names, factorials and square brackets only where the algebra has them", () => {
    expect(read("\\sqrt[3]{8}")).toBe("(root 3 8)");
    expect(read("\\sin{x}y")).toBe("(* (sin x) y)");
    expect(read("\\sin(x)")).toBe("(sin x)");
    expect(read("\\sinx^2", rich)).toBe("(sin (^ x 2))");
    expect(read("\\pix", rich)).toBe("(* pi x)");
    expect(() => read("\\pix")).toThrow(LatexSyntaxError);
    expect(read("3!^2", rich)).toBe("(^ (! 3) 2)");
    expect(() => read("3!")).toThrow(LatexSyntaxError);
    expect(read("[1+2]x", rich)).toBe("(* (+ 1 2) x)");
    expect(() => read("[1+2]")).toThrow(LatexSyntaxError);
  });

  it("a command reads the same at the start and after a term (`\\e2` = e·2 in both places)", () => {
    expect(read("\\e2")).toBe("(* e 2)");
    expect(read("3\\e2")).toBe("(* (* 3 e) 2)");
    expect(read("3\\pi2")).toBe("(* (* 3 pi) 2)");
  });

  it.each(["", "(1+2", "1+", "1+*2", "{1}}", "2^3^2", "\\foo", "3\\foo", "\\{1\\}", "x_", "1=2", "1,2", "\\frac{1}2", "\\sqrt{2", "2^", "\\pm1", "1\\pm1"])(
    "bad input is a syntax error: %j",
    (s) => {
      expect(() => read(s)).toThrow(LatexSyntaxError);
    },
  );

  it("a syntax error carries its message and leaves Error.stackTraceLimit as it was", () => {
    const limit = Error.stackTraceLimit;
    expect(() => read("(1+2")).toThrow(/expected \) at 4/);
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it("refuses a glued name without a command", () => {
    expect(() => new LatexGrammar({ ...tree, glued: ["cos"] })).toThrow(/\\cos/);
  });
});

/** Random constant expressions in the part of the grammar both algebras read. */
const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.integer({ min: 0, max: 40 }).map(String),
    fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 99 })).map(([a, b]) => `${a}.${b}`),
    fc.tuple(tie("e"), fc.constantFrom("+", "-", "*", "/", "\\div"), tie("e")).map(([a, op, b]) => `${a}${op}${b}`),
    tie("e").map((a) => `(${a})`),
    tie("e").map((a) => `-{${a}}`),
    fc.tuple(tie("e"), tie("e")).map(([a, b]) => `\\frac{${a}}{${b}}`),
    fc.tuple(tie("e"), tie("e")).map(([a, b]) => `(${a})(${b})`),
    fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 })).map(([minus, w, n, d]) => `(${minus ? "-" : ""}${w}\\frac{${n}}{${d}})`),
    fc.tuple(tie("e"), fc.integer({ min: -3, max: 3 })).map(([a, k]) => `(${a})^{${k}}`),
  ),
})).e;

describe("numeric and exact readings agree (one grammar, two algebras)", () => {
  it("on random constant expressions: the exact value, where defined, is the numeric value", () => {
    fc.assert(
      fc.property(expression, (s) => {
        const exact = exactValue(s);
        const numeric = evaluateLatex(s);
        if (exact === null) return; // division by zero or too large: only the exact side refuses
        expect(numeric).not.toBeNull();
        const x = Number(exact.num) / Number(exact.den);
        expect(Math.abs(numeric! - x)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(x)));
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ["2\\frac{1}{2}", "5/2"],
    ["-1\\frac{1}{2}", "-3/2"],
    ["-2^2", "-4"],
    ["2^-1", "1/2"],
    ["x^23", null],
    ["3\\div4*2", "3/2"],
  ])("%s reads as %s in both", (s, value) => {
    const exact = exactValue(s);
    expect(exact && formatRational(exact)).toBe(value);
    if (value !== null) {
      const [n = "", d = "1"] = value.split("/");
      expect(evaluateLatex(s)).toBeCloseTo(Number(n) / Number(d), 12);
    }
  });
});
