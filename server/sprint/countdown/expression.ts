/**
 * Arithmetic expressions over whole numbers with + − × ÷, parsed from the spellings models use
 * (ASCII `* /`, Unicode `× ÷ − ·`, LaTeX `\times \div \cdot \frac{a}{b} \left( \right)`), evaluated
 * exactly with rationals, and printed back with minimal parentheses. Pure.
 */
import { add, div, mul, neg, parseDecimal, rational, sub, type Rational } from "./rational";

/** Binary operators of Countdown. */
export type BinaryOp = "+" | "-" | "*" | "/";

/** An arithmetic expression tree. `num.text` keeps the literal as written (e.g. "25", "2.5"). */
export type Expr =
  | { kind: "num"; value: Rational; text: string }
  | { kind: "neg"; arg: Expr }
  | { kind: "bin"; op: BinaryOp; left: Expr; right: Expr };

/** Result of {@link parseArithmetic}. `offset` is a 0-based index into the normalized text. */
export type ParseResult =
  | { ok: true; expr: Expr; normalized: string }
  | { ok: false; error: string; offset: number; normalized: string };

/**
 * Rewrites LaTeX/Unicode operator spellings to ASCII: `\times`, `×`, `\cdot`, `·`, `∗` → `*`;
 * `\div`, `÷`, `∕` → `/`; `−`, `–` → `-`; `\left(`/`\right)` and `\{ \}` → brackets; strips `$`,
 * `\,` `\!` `\;` `\ ` spacing commands and `\displaystyle`. `\frac` is kept for the parser.
 */
export function normalizeOperators(text: string): string {
  return text
    .replace(/\\(?:display|text)style/g, "")
    .replace(/\\left\s*([([{.|])/g, "$1")
    .replace(/\\right\s*([)\]}.|])/g, "$1")
    .replace(/\\left\\\{/g, "{")
    .replace(/\\right\\\}/g, "}")
    .replace(/\\[{}]/g, (m) => m.slice(1))
    .replace(/\\(?:times|cdot|ast)(?![a-zA-Z])/g, "*")
    .replace(/[×·∗⋅]/g, "*")
    .replace(/\\div(?![a-zA-Z])/g, "/")
    .replace(/[÷∕]/g, "/")
    .replace(/[−–—]/g, "-")
    .replace(/\\[,!;: ]/g, " ")
    .replace(/\$/g, "")
    .replace(/\\d?t?frac/g, "\\frac");
}

class Parser {
  private pos = 0;
  constructor(
    private readonly s: string,
    private readonly allowDecimals: boolean,
  ) {}

  parse(): Expr {
    const e = this.expr();
    this.ws();
    if (this.pos < this.s.length) this.fail(`unexpected "${this.s[this.pos] ?? ""}"`);
    return e;
  }

  fail(message: string): never {
    throw new ExprError(message, this.pos);
  }

  private ws(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos] ?? "")) this.pos++;
  }

  private peek(): string {
    this.ws();
    return this.s[this.pos] ?? "";
  }

  private expr(): Expr {
    let left = this.term();
    for (;;) {
      const c = this.peek();
      if (c !== "+" && c !== "-") return left;
      this.pos++;
      const right = this.term();
      left = { kind: "bin", op: c, left, right };
    }
  }

  private term(): Expr {
    let left = this.unary();
    for (;;) {
      const c = this.peek();
      if (c !== "*" && c !== "/") {
        // Implicit multiplication such as "2(3+4)" is not arithmetic Countdown accepts.
        if (c === "(" || c === "[" || /\d/.test(c)) this.fail("missing operator");
        return left;
      }
      this.pos++;
      const right = this.unary();
      left = { kind: "bin", op: c, left, right };
    }
  }

  private unary(): Expr {
    const c = this.peek();
    if (c === "-") {
      this.pos++;
      return { kind: "neg", arg: this.unary() };
    }
    if (c === "+") {
      this.pos++;
      return this.unary();
    }
    return this.primary();
  }

  private group(open: string, close: string): Expr {
    this.pos++; // open
    const e = this.expr();
    if (this.peek() !== close) this.fail(`expected "${close}" to close "${open}"`);
    this.pos++;
    return e;
  }

  private primary(): Expr {
    const c = this.peek();
    if (c === "(") return this.group("(", ")");
    if (c === "[") return this.group("[", "]");
    if (c === "{") return this.group("{", "}");
    if (this.s.startsWith("\\frac", this.pos)) {
      this.pos += 5;
      if (this.peek() !== "{") this.fail("expected \"{\" after \\frac");
      const a = this.group("{", "}");
      if (this.peek() !== "{") this.fail("expected second \"{\" after \\frac");
      const b = this.group("{", "}");
      return { kind: "bin", op: "/", left: a, right: b };
    }
    const m = /^\d+(?:\.\d+)?|^\.\d+/.exec(this.s.slice(this.pos));
    if (!m) this.fail(c === "" ? "unexpected end of expression" : `unexpected "${c}"`);
    const text = m[0];
    if (text.includes(".") && !this.allowDecimals) this.fail(`decimal "${text}" is not a whole number`);
    const value = parseDecimal(text);
    if (!value) this.fail(`bad number "${text}"`);
    this.pos += text.length;
    return { kind: "num", value, text };
  }
}

class ExprError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * Parses an arithmetic expression (see {@link normalizeOperators} for accepted spellings).
 * Never throws. Decimals are rejected unless `allowDecimals`.
 */
export function parseArithmetic(text: string, opts: { allowDecimals?: boolean } = {}): ParseResult {
  const normalized = normalizeOperators(text);
  try {
    const expr = new Parser(normalized, opts.allowDecimals ?? false).parse();
    return { ok: true, expr, normalized };
  } catch (e) {
    if (e instanceof ExprError) return { ok: false, error: e.message, offset: e.offset, normalized };
    throw e;
  }
}

/** Exact value, or `null` on division by zero. */
export function evaluateExact(e: Expr): Rational | null {
  switch (e.kind) {
    case "num":
      return e.value;
    case "neg": {
      const v = evaluateExact(e.arg);
      return v && neg(v);
    }
    case "bin": {
      const a = evaluateExact(e.left);
      const b = evaluateExact(e.right);
      if (!a || !b) return null;
      switch (e.op) {
        case "+":
          return add(a, b);
        case "-":
          return sub(a, b);
        case "*":
          return mul(a, b);
        case "/":
          return div(a, b);
      }
    }
  }
}

/** The number literals of an expression, left to right. */
export function literals(e: Expr): Rational[] {
  switch (e.kind) {
    case "num":
      return [e.value];
    case "neg":
      return literals(e.arg);
    case "bin":
      return [...literals(e.left), ...literals(e.right)];
  }
}

/** True when the expression contains a unary minus. */
export function hasUnaryMinus(e: Expr): boolean {
  if (e.kind === "neg") return true;
  if (e.kind === "bin") return hasUnaryMinus(e.left) || hasUnaryMinus(e.right);
  return false;
}

/** Operator spelling for {@link formatExpr}. */
export type ExprStyle = "ascii" | "unicode" | "latex";

const OPS: Record<ExprStyle, Record<BinaryOp, string>> = {
  ascii: { "+": "+", "-": "-", "*": "*", "/": "/" },
  unicode: { "+": "+", "-": "−", "*": "×", "/": "÷" },
  latex: { "+": "+", "-": "-", "*": "\\times", "/": "\\div" },
};

function prec(e: Expr): number {
  if (e.kind === "bin") return e.op === "+" || e.op === "-" ? 1 : 2;
  return 3;
}

/**
 * Prints an expression with the fewest parentheses that keep its tree (so re-parsing gives the
 * same value and the same literal order). `unicode` uses × ÷ − ; `latex` uses \times \div.
 */
export function formatExpr(e: Expr, style: ExprStyle = "ascii"): string {
  switch (e.kind) {
    case "num":
      return e.text;
    case "neg": {
      const inner = formatExpr(e.arg, style);
      return `${OPS[style]["-"]}${e.arg.kind === "bin" ? `(${inner})` : inner}`;
    }
    case "bin": {
      const p = prec(e);
      const l = formatExpr(e.left, style);
      const r = formatExpr(e.right, style);
      const lp = prec(e.left) < p;
      const rp = prec(e.right) < p || (prec(e.right) === p && (e.op === "-" || e.op === "/"));
      return `${lp ? `(${l})` : l} ${OPS[style][e.op]} ${rp ? `(${r})` : r}`;
    }
  }
}

/** Convenience: a whole-number literal node. */
export function numExpr(n: number | bigint): Expr {
  return { kind: "num", value: rational(n), text: n.toString() };
}
