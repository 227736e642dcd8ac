/**
 * Grading of final answers (docs/sprint-method.md §3): the last `\boxed{}` of a response, normalized and
 * checked for mathematical equivalence; multiple choice by option letter; Countdown by evaluating
 * the expression exactly. Pure, deterministic, never throws on model output.
 *
 * Math equivalence, in order:
 *  1. the normalized strings are equal ({@link normalizeMathAnswer});
 *  2. lists compare element-wise: tuples and intervals `(…)`/`[…]` in order and with the same
 *     bracket kinds; sets `\{…\}` and bare comma lists as multisets (option `unorderedLists`);
 *  3. equations `lhs=rhs` compare side by side (either orientation);
 *  4. closed-form numbers evaluate numerically (fractions, decimals, `\sqrt`, `\pi`, powers,
 *     mixed numbers such as `2\frac{1}{2}`) and compare within a relative tolerance (1e-9);
 *  5. expressions with the same single-letter variables compare by evaluation at fixed points.
 */
import { parseArithmetic, evaluateExact, literals, hasUnaryMinus, type Expr } from "./countdown/expression";
import { equals, isInteger, rational, formatRational, type Rational } from "./countdown/rational";
import { LatexGrammar } from "./latex-parser";
import { exactCompare } from "./math-exact";

/** Outcome of grading one response. */
export interface GradeResult {
  /** verdict === "correct". */
  correct: boolean;
  /** correct / wrong / undecided (math answers a machine cannot decide are left to a human). */
  verdict: Verdict;
  /** The answer taken from the response (boxed content, option letter, expression), or null. */
  extracted: string | null;
  /** Why: e.g. "equal", "numeric-equal", "no-boxed", "mismatch", "wrong-numbers". */
  reason: string;
}

// ---------------------------------------------------------------------------------------------
// Boxed extraction

/** Reads a balanced `{…}` group starting at `open` (the index of "{"); returns content and end. */
function readGroup(s: string, open: number): { content: string; end: number } | null {
  if (s[open] !== "{") return null;
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") {
      i++; // skip escaped char such as \{ or \}
      continue;
    }
    if (c === "{") depth++;
    else if (c === "}") {
      depth--;
      if (depth === 0) return { content: s.slice(open + 1, i), end: i + 1 };
    }
  }
  return null;
}

/**
 * Content of every `\boxed{…}` / `\fbox{…}` (balanced braces; also `\boxed 5`), in order.
 * An unclosed last box is ignored.
 */
export function boxedContents(text: string): string[] {
  const out: string[] = [];
  const re = /\\(?:boxed|fbox)\b\s*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const at = m.index + m[0].length;
    if (text[at] === "{") {
      const g = readGroup(text, at);
      if (g) {
        out.push(g.content.trim());
        re.lastIndex = g.end;
      }
    } else {
      const w = /^[^\s$.,;]+/.exec(text.slice(at));
      if (w && m[0].endsWith(" ")) out.push(w[0]);
    }
  }
  return out;
}

/** Content of the last `\boxed{}` in the text, or null. */
export function lastBoxed(text: string): string | null {
  const all = boxedContents(text);
  return all.length ? (all[all.length - 1] as string) : null;
}

// ---------------------------------------------------------------------------------------------
// Normalization

const UNIT_WORDS = [
  "square units", "sq units", "cubic units", "units", "unit",
  "square feet", "square inches", "square meters", "square centimeters", "square miles", "square yards",
  "cubic feet", "cubic inches", "cubic meters", "cubic centimeters",
  "centimeters", "centimeter", "millimeters", "millimeter", "kilometers", "kilometer", "meters", "meter",
  "inches", "inch", "feet", "foot", "yards", "yard", "miles", "mile", "mph",
  "cm", "mm", "km", "m", "ft", "in", "yd", "mi",
  "seconds", "second", "sec", "minutes", "minute", "min", "hours", "hour", "hrs", "hr", "days", "day",
  "weeks", "week", "months", "month", "years", "year",
  "dollars", "dollar", "cents", "cent", "degrees", "degree", "radians",
  "pounds", "pound", "lbs", "ounces", "ounce", "oz", "kilograms", "kg", "grams", "gram", "g",
  "liters", "liter", "ml", "gallons", "gallon", "people", "students", "ways", "points", "marbles",
];
const unitAlternatives = (words: readonly string[]): string => words.map((u) => u.replace(/ /g, "\\s+")).join("|");
/**
 * A trailing unit word. Units of one or two letters ("m", "cm", "in") need a blank before them, so
 * that "4m" (a variable) is kept while "4 m" loses its unit.
 */
const UNIT_RE = new RegExp(
  `(?:(?<=[\\d}).])\\s*(?:${unitAlternatives(UNIT_WORDS.filter((u) => u.length > 2))})|(?<=[\\d}).])\\s+(?:${unitAlternatives(UNIT_WORDS.filter((u) => u.length <= 2))}))(?:\\^\\{?[23]\\}?|\\s*\\^\\s*[23])?\\s*$`,
  "i",
);

/** Strips a trailing unit word when what precedes it is a number (no variables). */
function stripUnitWord(s: string): string {
  const m = UNIT_RE.exec(s);
  if (!m) return s;
  const before = s.slice(0, m.index);
  return /[a-zA-Z]/.test(before.replace(/\\[a-zA-Z]+/g, "")) ? s : before;
}

/** Replaces `\cmd{…}` by its content for the listed commands (balanced braces). */
function unwrapCommands(s: string, cmds: readonly string[]): string {
  let out = s;
  for (const cmd of cmds) {
    for (;;) {
      const idx = out.indexOf(`\\${cmd}{`);
      if (idx < 0) break;
      const g = readGroup(out, idx + cmd.length + 1);
      if (!g) break;
      out = out.slice(0, idx) + g.content + out.slice(g.end);
    }
  }
  return out;
}

/** `\frac12` → `\frac{1}{2}`, `\sqrt2` → `\sqrt{2}`, `\frac1{x}` → `\frac{1}{x}`. */
function braceShorthand(s: string): string {
  return s
    .replace(/\\frac\s*(\d)\s*(\d)/g, "\\frac{$1}{$2}")
    .replace(/\\frac\s*(\d|[a-zA-Z])\s*\{/g, "\\frac{$1}{")
    .replace(/\\frac\s*(\{[^{}]*\})\s*(\d|[a-zA-Z])/g, "\\frac$1{$2}")
    .replace(/\\sqrt\s*(\d+|[a-zA-Z])/g, "\\sqrt{$1}");
}

/**
 * Canonical string form of a math answer: strips `$`, `\left`/`\right`, spacing commands,
 * `\displaystyle`, degree marks, `\%`, dollar signs, trailing periods, trailing units (`\text{ cm}`,
 * `5 inches`, `square units`…), a leading `x =`, thousands separators (`1,000`, `1{,}000`) and all
 * whitespace; unifies `\dfrac`/`\tfrac` → `\frac`, `\times`/`\cdot` → `*`, `\le` → `\leq`;
 * unwraps `\text{…}`, `\mathrm{…}`, `\textbf{…}`, `\mbox{…}`; adds braces to `\frac12`, `\sqrt2`;
 * writes `.5` as `0.5`.
 */
export function normalizeMathAnswer(answer: string): string {
  let s = answer.trim().replace(/\\\\/g, "\uE000"); // protect "\\" (matrix row breaks) from spacing rules
  s = s.replace(/^\$+|\$+$/g, "").replace(/^\\\(|\\\)$/g, "").replace(/^\\\[|\\\]$/g, "");
  s = s
    .replace(/\\(?:display|text|script)style/g, "")
    .replace(/\\left\s*\\\{/g, "\\{")
    .replace(/\\right\s*\\\}/g, "\\}")
    .replace(/\\left\s*/g, "")
    .replace(/\\right\s*/g, "")
    .replace(/\\big+[lr]?\s*/gi, "")
    .replace(/\\(?:q?quad|[,;:! ])/g, " ")
    .replace(/~/g, " ")
    .replace(/\\[dt]frac/g, "\\frac")
    .replace(/\\[dt]binom/g, "\\binom")
    .replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|°|\\degree/g, "")
    .replace(/\\%|%/g, "")
    .replace(/\\\$/g, "")
    .replace(/\{,\}/g, "")
    .replace(/\\(?:times|cdot)(?![a-zA-Z])/g, "*")
    .replace(/\\le(?![a-zA-Z])/g, "\\leq")
    .replace(/\\ge(?![a-zA-Z])/g, "\\geq")
    .replace(/\\neq|\\ne(?![a-zA-Z])/g, "\\neq")
    .trim();
  // Trailing units written as text, then as words; trailing sentence punctuation.
  for (let k = 0; k < 3; k++) {
    s = s.replace(/[.\s]+$/, "").replace(/\\\.$/, "");
    s = s.replace(/(?<=\S)\s*\\(?:text|mbox|mathrm|textnormal|textrm)\s*\{\s*[a-zA-Z][a-zA-Z\s.]*\}(?:\^\{?[23]\}?)?\s*$/, (m) =>
      /^\s*\\\w+\s*\{\s*(?:or|and)\b/i.test(m) ? m : "",
    );
    s = stripUnitWord(s);
  }
  s = unwrapCommands(s, ["text", "textbf", "textit", "mathrm", "mathbf", "mbox", "textnormal", "textrm", "operatorname", "boxed"]);
  s = braceShorthand(s);
  // Leading "x =" (single variable, optional subscript) when the rest has no other "=".
  const lhs = /^\s*[a-zA-Z](?:_\{?\w+\}?)?\s*=\s*(.+)$/.exec(s);
  if (lhs && !(lhs[1] ?? "").includes("=")) s = lhs[1] ?? s;
  // Leading "x \in" (membership in an interval or set).
  const member = /^\s*[a-zA-Z](?:_\{?\w+\}?)?\s*\\in(?![a-zA-Z])\s*(.+)$/.exec(s);
  if (member) s = member[1] ?? s;
  s = s.replace(/\s+/g, "").replace(/\uE000/g, "\\\\");
  // "(B)" → "B": a parenthesized single letter (an option label; a one-element tuple does not exist).
  s = s.replace(/^\(([A-Za-z])\)$/, "$1");
  if (/^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s)) s = s.replace(/,/g, "");
  s = s.replace(/(^|[^\d}])\.(\d)/g, (_m, pre: string, d: string) => `${pre}0.${d}`);
  s = s.replace(/[.]+$/, "");
  return s;
}

// ---------------------------------------------------------------------------------------------
// Numeric evaluation of simple LaTeX

/** Normalized LaTeX read into numbers: the shared grammar (latex-parser.ts) with functions, `\binom`, `n!`, `[…]`. */
const NUMERIC = new LatexGrammar<number>({
  number: Number,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  neg: (a) => -a,
  pow: Math.pow,
  isNegative: (a) => a < 0,
  factorial(v) {
    if (!Number.isInteger(v) || v < 0 || v > 170) throw new Error("factorial");
    let f = 1;
    for (let k = 2; k <= v; k++) f *= k;
    return f;
  },
  commands: {
    frac: (args) => {
      const a = args.braced();
      return a / args.braced();
    },
    binom: (args) => {
      const n = args.braced();
      const k = args.braced();
      if (!Number.isInteger(n) || !Number.isInteger(k) || k < 0 || k > n) throw new Error("binom");
      let r = 1;
      for (let t = 1; t <= k; t++) r = (r * (n - k + t)) / t;
      return r;
    },
    sqrt: (args) => {
      const index = args.optional() ?? 2;
      const v = args.braced();
      return index === 3 ? Math.cbrt(v) : Math.pow(v, 1 / index);
    },
    pi: () => Math.PI,
    infty: () => Infinity,
    e: () => Math.E,
    ln: (args) => Math.log(args.fnArg()),
    log: (args) => Math.log10(args.fnArg()),
    exp: (args) => Math.exp(args.fnArg()),
    sin: (args) => Math.sin(args.fnArg()),
    cos: (args) => Math.cos(args.fnArg()),
    tan: (args) => Math.tan(args.fnArg()),
  },
  // Spaces are gone after normalization: "\sinx" reads as \sin x.
  glued: ["sqrt", "frac", "binom", "infty", "pi", "ln", "log", "exp", "sin", "cos", "tan"],
  squareBrackets: true,
});

/** Variables of a normalized expression, or null when it does not parse. */
function latexVars(s: string): Set<string> | null {
  const vars = new Set<string>();
  try {
    NUMERIC.parse(s, (name) => {
      vars.add(name);
      return 1;
    });
    return vars;
  } catch {
    return null;
  }
}

/** Numeric value of a normalized LaTeX expression under `env`, or null when it does not parse. */
export function evaluateLatex(normalized: string, env: Readonly<Record<string, number>> = {}): number | null {
  try {
    const v = NUMERIC.parse(normalized, (name) => {
      const x = env[name];
      if (x === undefined) throw new Error(`unbound ${name}`);
      return x;
    });
    return Number.isNaN(v) ? null : v;
  } catch {
    return null;
  }
}

function close(a: number, b: number, relTol: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= relTol * Math.max(1, Math.abs(a), Math.abs(b));
}

// ---------------------------------------------------------------------------------------------
// Structure: lists, tuples, intervals, sets, equations

/** Splits on commas at bracket depth 0. */
function splitTopLevel(s: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\" && (s[i + 1] === "{" || s[i + 1] === "}")) {
      depth += s[i + 1] === "{" ? 1 : -1;
      i++;
      continue;
    }
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (depth === 0 && s.startsWith(sep, i)) {
      parts.push(s.slice(start, i));
      start = i + sep.length;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

/** True when the bracket at index 0 closes at the very end. */
function wrapsWhole(s: string): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0 && i < s.length - 1) return false;
    }
  }
  return depth === 0;
}

type Shape =
  | { kind: "scalar"; s: string }
  | { kind: "ordered"; open: string; close: string; items: string[] }
  | { kind: "unordered"; items: string[] };

function shapeOf(s: string): Shape {
  if (s.startsWith("\\{") && s.endsWith("\\}")) {
    return { kind: "unordered", items: splitTopLevel(s.slice(2, -2), ",") };
  }
  const open = s[0] ?? "";
  const closeCh = s[s.length - 1] ?? "";
  if ((open === "(" || open === "[") && (closeCh === ")" || closeCh === "]") && s.length >= 2) {
    // Interval brackets may be mixed, e.g. "[1,2)"; the inner text must be a comma list at depth 0.
    const inner = s.slice(1, -1);
    const items = splitTopLevel(inner, ",");
    if (items.length >= 2 && wrapsWhole(s)) return { kind: "ordered", open, close: closeCh, items };
  }
  const items = splitTopLevel(s, ",");
  if (items.length >= 2) return { kind: "unordered", items };
  return { kind: "scalar", s };
}

/** Options of {@link mathEquivalent}. */
export interface MathEquivalenceOptions {
  /** Relative tolerance of numeric comparison (default 1e-9). */
  relTol?: number;
  /** Bare comma lists and `\{…\}` sets compare as multisets (default true); false: in order. */
  unorderedLists?: boolean;
  /**
   * How `x\%` reads: "strip" (= x: the problem asks for a percentage), "fraction" (= x/100: the problem
   * asks for a number), or "auto" (default): from `question` when given ("percent" / "%" in it → strip,
   * otherwise fraction), else strip. When both answers carry `\%` it is stripped from both.
   */
  percent?: "strip" | "fraction" | "auto";
  /** The problem text, for wording-dependent rules (percent). */
  question?: string;
}

/** Three-way outcome of grading: undecided answers go to a human. */
export type Verdict = "correct" | "wrong" | "undecided";
type Cmp = "equal" | "different" | "unknown";

const SAMPLE_POINTS = [0.5377, 1.8339, -2.2588, 0.8622, 0.3188, -1.3077, 3.5784];

/** Looks like words rather than math: letters only, at least four (so "ab" stays a product). */
function isWordy(s: string): boolean {
  return /^[a-zA-Z'-]{4,}$/.test(s);
}

function scalarCompare(a: string, b: string, relTol: number): Cmp {
  if (a === b) return "equal";
  if (a.toLowerCase() === b.toLowerCase() && !/\d/.test(a)) return "equal";
  // Equations: compare side by side, either orientation.
  const ea = splitTopLevel(a, "=");
  const eb = splitTopLevel(b, "=");
  if (ea.length === 2 && eb.length === 2) {
    const [la = "", ra = ""] = ea;
    const [lb = "", rb = ""] = eb;
    const straight = both(scalarCompare(la, lb, relTol), scalarCompare(ra, rb, relTol));
    if (straight === "equal") return "equal";
    const crossed = both(scalarCompare(la, rb, relTol), scalarCompare(ra, lb, relTol));
    if (crossed === "equal") return "equal";
    return straight === "unknown" || crossed === "unknown" ? "unknown" : "different";
  }
  if (ea.length !== eb.length) return ea.length > 2 || eb.length > 2 ? "unknown" : "different";
  if (ea.length !== 1) return "unknown";
  if (isWordy(a) && isWordy(b)) {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x.includes(y) || y.includes(x) ? "unknown" : "different";
  }
  // 1. exact rational arithmetic / polynomial identity
  const exact = exactCompare(a, b);
  if (exact === "equal") return "equal";
  // A looser tolerance than the default is a deliberate fallback: let numeric evaluation decide.
  if (exact === "different" && relTol <= 1e-9) return "different";
  // 2. numeric evaluation
  const va = latexVars(a);
  const vb = latexVars(b);
  if (!va || !vb) {
    // One side is a plain number and the other words: different; anything else is for a human.
    if ((va && va.size === 0 && isWordy(b)) || (vb && vb.size === 0 && isWordy(a))) return "different";
    return "unknown";
  }
  if (va.size === 0 && vb.size === 0) {
    const x = evaluateLatex(a);
    const y = evaluateLatex(b);
    if (x === null || y === null) return "unknown";
    return close(x, y, relTol) ? "equal" : "different";
  }
  if (va.size !== vb.size || [...va].some((v) => !vb.has(v))) return "different";
  const names = [...va].sort();
  let compared = 0;
  for (let p = 0; p < SAMPLE_POINTS.length; p++) {
    const env: Record<string, number> = {};
    names.forEach((n, k) => {
      env[n] = SAMPLE_POINTS[(p + 3 * k) % SAMPLE_POINTS.length] as number;
    });
    const x = evaluateLatex(a, env);
    const y = evaluateLatex(b, env);
    if (x === null || y === null) return "unknown";
    if (!Number.isFinite(x) && !Number.isFinite(y)) continue;
    if (!close(x, y, Math.max(relTol, 1e-9))) return "different";
    compared++;
  }
  return compared >= 3 ? "equal" : "unknown";
}

function both(x: Cmp, y: Cmp): Cmp {
  if (x === "different" || y === "different") return "different";
  if (x === "unknown" || y === "unknown") return "unknown";
  return "equal";
}

/** Multiset matching: a perfect matching of "equal" pairs → equal; an item with no possible partner → different. */
function multisetCompare(a: string[], b: string[], cmp: (x: string, y: string) => Cmp): Cmp {
  if (a.length !== b.length) return "different";
  const table = a.map((x) => b.map((y) => cmp(x, y)));
  const match = (allowUnknown: boolean): boolean => {
    // Bipartite matching by augmenting paths (lists are short).
    const owner = new Array<number>(b.length).fill(-1);
    const ok = (i: number, seen: boolean[]): boolean => {
      for (let j = 0; j < b.length; j++) {
        const c = table[i]![j];
        if (seen[j] || !(c === "equal" || (allowUnknown && c === "unknown"))) continue;
        seen[j] = true;
        if (owner[j] === -1 || ok(owner[j]!, seen)) {
          owner[j] = i;
          return true;
        }
      }
      return false;
    };
    return a.every((_, i) => ok(i, new Array<boolean>(b.length).fill(false)));
  };
  if (match(false)) return "equal";
  return match(true) ? "unknown" : "different";
}

/** Strips a leading "x=" from each list element (for answers like "x=1, y=2" vs "1, 2"). */
function stripElementLhs(items: string[]): string[] {
  return items.map((it) => {
    const m = /^[a-zA-Z](?:_\{?\w+\}?)?=(.+)$/.exec(it);
    return m && !(m[1] ?? "").includes("=") ? (m[1] ?? it) : it;
  });
}

/** `\begin{pmatrix}1&2\\3&4\end{pmatrix}` (any matrix environment) → rows of cells, else null. */
function matrixRows(s: string): string[][] | null {
  const m = /^\\begin\{([pbBvV]?matrix|array)\}(?:\{[^{}]*\})?([\s\S]*)\\end\{\1\}$/.exec(s);
  if (!m) return null;
  const body = (m[2] ?? "").replace(/\\\\$/, "");
  return body.split("\\\\").map((row) => row.split("&").map((c) => c.trim()));
}

/** Expands one top-level `\pm` / `\mp` into the two answers it stands for, else null. */
function expandPm(s: string): string[] | null {
  const m = /\\(pm|mp)(?![a-zA-Z])/.exec(s);
  if (!m) return null;
  const pre = s.slice(0, m.index);
  const post = s.slice(m.index + m[0].length);
  if (/\\(?:pm|mp)(?![a-zA-Z])/.test(post)) return null;
  const [first, second] = m[1] === "pm" ? ["+", "-"] : ["-", "+"];
  return [`${pre}${first}${post}`, `${pre}${second}${post}`].map((x) => x.replace(/^\+/, "").replace(/([(,=])\+/g, "$1"));
}

function normalizedCompare(a: string, b: string, opts: ResolvedOptions): Cmp {
  if (a === b) return "equal";
  const cmp = (x: string, y: string): Cmp => normalizedCompare(x, y, opts);
  // Matrices compare cell by cell.
  const ma = matrixRows(a);
  const mb = matrixRows(b);
  if (ma || mb) {
    if (!ma || !mb) return "different";
    if (ma.length !== mb.length || ma.some((r, i) => r.length !== mb[i]!.length)) return "different";
    return ma.flat().reduce<Cmp>((acc, x, k) => both(acc, cmp(x, mb.flat()[k] ?? "")), "equal");
  }
  // ±: a set of two answers.
  const pa = expandPm(a);
  const pb = expandPm(b);
  if (pa || pb) {
    const xa = pa ?? (shapeOf(a).kind === "unordered" ? splitTopLevel(a, ",") : [a]);
    const xb = pb ?? (shapeOf(b).kind === "unordered" ? splitTopLevel(b, ",") : [b]);
    return multisetCompare(stripElementLhs(xa), stripElementLhs(xb), cmp);
  }
  const sa = shapeOf(a);
  const sb = shapeOf(b);
  if (sa.kind === "scalar" && sb.kind === "scalar") return scalarCompare(a, b, opts.relTol);
  // A scalar the evaluator cannot read (\mathbb{R}, \emptyset, …) against a list or interval: for a human.
  if (sa.kind === "scalar" && latexVars(a) === null && !isWordy(a)) return "unknown";
  if (sb.kind === "scalar" && latexVars(b) === null && !isWordy(b)) return "unknown";
  if (sa.kind === "ordered" && sb.kind === "ordered") {
    if (sa.open !== sb.open || sa.close !== sb.close || sa.items.length !== sb.items.length) return "different";
    return sa.items.reduce<Cmp>((acc, x, i) => both(acc, cmp(x, sb.items[i] ?? "")), "equal");
  }
  if (sa.kind === "unordered" && sb.kind === "unordered") {
    const xa = stripElementLhs(sa.items);
    const xb = stripElementLhs(sb.items);
    if (opts.unorderedLists) return multisetCompare(xa, xb, cmp);
    if (xa.length !== xb.length) return "different";
    return xa.reduce<Cmp>((acc, x, i) => both(acc, cmp(x, xb[i] ?? "")), "equal");
  }
  return "different";
}

interface ResolvedOptions {
  relTol: number;
  unorderedLists: boolean;
}

const PERCENT_RE = /\\%|%/;

/** Whether `x\%` means x (a percentage was asked for) or x/100. */
function percentMode(opts: MathEquivalenceOptions): "strip" | "fraction" {
  const mode = opts.percent ?? "auto";
  if (mode !== "auto") return mode;
  if (opts.question === undefined) return "strip";
  return /percent|\\%|%/i.test(opts.question) ? "strip" : "fraction";
}

/** Normalizes one answer, reading a trailing `x\%` as `\frac{x}{100}` in fraction mode. */
function normalizeWithPercent(answer: string, fraction: boolean): string {
  const n = normalizeMathAnswer(answer);
  if (!fraction || !PERCENT_RE.test(answer)) return n;
  return n === "" ? n : `\\frac{${n}}{100}`;
}

/**
 * Compares a predicted answer with a reference: `correct` (equivalent), `wrong` (decided different), or
 * `undecided` (neither could be decided — e.g. one side is prose or outside what the evaluator reads).
 * Rules in order: equal normalized strings; matrices cell by cell; `\pm` as a two-element set; tuples
 * and intervals in order with the same brackets; sets and bare lists as multisets; equations side by
 * side; exact rational / polynomial identity; numeric evaluation within `relTol`; variables by
 * evaluation at fixed points.
 */
export function compareMathAnswers(predicted: string, reference: string, opts: MathEquivalenceOptions = {}): { verdict: Verdict; reason: string } {
  const o: ResolvedOptions = { relTol: opts.relTol ?? 1e-9, unorderedLists: opts.unorderedLists ?? true };
  const bothPercent = PERCENT_RE.test(predicted) && PERCENT_RE.test(reference);
  const fraction = !bothPercent && percentMode(opts) === "fraction";
  const a = normalizeWithPercent(predicted, fraction);
  const b = normalizeWithPercent(reference, fraction);
  if (a === "") return { verdict: "wrong", reason: "empty-answer" };
  if (b === "") return { verdict: "undecided", reason: "empty-reference" };
  if (a === b) return { verdict: "correct", reason: "equal" };
  const c = normalizedCompare(a, b, o);
  if (c === "equal") return { verdict: "correct", reason: "equivalent" };
  if (c === "different") return { verdict: "wrong", reason: "mismatch" };
  return { verdict: "undecided", reason: "undecidable" };
}

/** True when two answers are mathematically equivalent (see {@link compareMathAnswers}). */
export function mathEquivalent(predicted: string, reference: string, opts: MathEquivalenceOptions = {}): boolean {
  return compareMathAnswers(predicted, reference, opts).verdict === "correct";
}

/** Where a math answer was found in a response. */
export type AnswerSource = "boxed" | "answer-line";

/**
 * The answer a response gives: its last `\boxed{}` (nested braces); else the last line saying
 * "answer: …" / "the answer is …" / "**Final Answer** …" (math delimiters and a trailing period removed).
 */
export function extractMathAnswer(response: string): { answer: string; source: AnswerSource } | null {
  const boxed = lastBoxed(response);
  if (boxed !== null) return { answer: boxed, source: "boxed" };
  const re = /(?:final\s+answer|answer)\s*(?:\*\*)?\s*(?:is|:|=)\s*(?:\*\*)?[ \t]*([^\n]+)/gi;
  let last: string | null = null;
  let m: RegExpExecArray | null;
  while ((m = re.exec(response)) !== null) last = m[1] ?? null;
  if (last === null) {
    // "**Final Answer**" heading followed by the answer on the next line.
    const h = /\*\*\s*final\s+answer\s*\*\*\s*:?\s*\n+\s*([^\n]+)/gi;
    while ((m = h.exec(response)) !== null) last = m[1] ?? null;
  }
  if (last === null) return null;
  let a = last.trim().replace(/\*\*/g, "").trim();
  const math = /^\$\$?([\s\S]+?)\$\$?/.exec(a) ?? /^\\\(([\s\S]+?)\\\)/.exec(a) ?? /^\\\[([\s\S]+?)\\\]/.exec(a);
  if (math) a = math[1] ?? a;
  a = a.replace(/[.。]\s*$/, "").trim();
  return a === "" ? null : { answer: a, source: "answer-line" };
}

/**
 * Grades a math response against a reference answer. The response's last `\boxed{}` (else a final
 * "answer:" line) is the prediction; a reference that itself contains `\boxed{}` (e.g. a full reference
 * solution) contributes its last box.
 */
export function gradeMath(response: string, reference: string, opts: MathEquivalenceOptions = {}): GradeResult {
  const found = extractMathAnswer(response);
  if (found === null) return { correct: false, verdict: "wrong", extracted: null, reason: "no-answer" };
  const ref = lastBoxed(reference) ?? reference;
  if (normalizeMathAnswer(found.answer) === "") return { correct: false, verdict: "wrong", extracted: found.answer, reason: "empty-answer" };
  const c = compareMathAnswers(found.answer, ref, opts);
  return { correct: c.verdict === "correct", verdict: c.verdict, extracted: found.answer, reason: c.reason };
}

// ---------------------------------------------------------------------------------------------
// Multiple choice

/** Options of {@link extractChoice} and {@link gradeMultipleChoice}. */
export interface ChoiceOptions {
  /** Option texts in letter order (A, B, …); lets a boxed option text count as its letter. */
  choices?: readonly string[];
  /** Highest valid letter (default: from `choices`, else "J"). */
  maxLetter?: string;
}

function letterFrom(content: string, maxLetter: string): string | null {
  const s = unwrapCommands(content.trim(), ["text", "textbf", "mathrm", "mathbf", "textrm", "mbox"]).trim();
  const m = /^(?:\*\*)?(?:option\s+|choice\s+)?\(?\s*([A-Za-z])\s*\)?(?:\*\*)?(?:$|[.:)\s])/i.exec(s);
  if (!m) return null;
  const letter = (m[1] ?? "").toUpperCase();
  // A lone lower-case letter (e.g. "x") is a variable, not an option.
  if ((m[1] ?? "") !== letter && s.length === 1) return null;
  return letter <= maxLetter ? letter : null;
}

/**
 * The option letter a response picks: its last `\boxed{}` (letter, "(C)", "\text{C}", "C. text",
 * or an option's text when `choices` is given), else the last "answer is (C)" / "Answer: C".
 */
export function extractChoice(response: string, opts: ChoiceOptions = {}): string | null {
  const maxLetter = opts.maxLetter ?? (opts.choices?.length ? String.fromCharCode(64 + opts.choices.length) : "J");
  const boxed = lastBoxed(response);
  if (boxed !== null) {
    const l = letterFrom(boxed, maxLetter);
    if (l) return l;
    if (opts.choices) {
      const k = opts.choices.findIndex((c) => mathEquivalent(boxed, c) || normalizeMathAnswer(boxed).toLowerCase() === normalizeMathAnswer(c).toLowerCase());
      if (k >= 0) return String.fromCharCode(65 + k);
    }
  }
  const re = /(?:answer\s*(?:is|:)|answer\*\*\s*:?|correct\s+(?:option|choice)\s+is)\s*:?\s*(?:\*\*)?\s*\(?([A-Z])\)?(?![a-zA-Z])/gi;
  let last: string | null = null;
  let m: RegExpExecArray | null;
  while ((m = re.exec(response)) !== null) {
    const l = m[1] ?? "";
    // The letter must be written in upper case ("the answer is a bit…" is not option A).
    if (l === l.toUpperCase() && l <= maxLetter) last = l;
  }
  return last;
}

/** Grades a multiple-choice response against the correct option letter. */
export function gradeMultipleChoice(response: string, correctLetter: string, opts: ChoiceOptions = {}): GradeResult {
  const picked = extractChoice(response, opts);
  if (picked === null) return { correct: false, verdict: "wrong", extracted: null, reason: "no-choice" };
  const ok = picked === correctLetter.trim().replace(/[()]/g, "").toUpperCase();
  return { correct: ok, verdict: ok ? "correct" : "wrong", extracted: picked, reason: ok ? "equal" : "mismatch" };
}

// ---------------------------------------------------------------------------------------------
// Countdown

/** Rules the Countdown grader enforces. */
export interface CountdownGradeOptions {
  /** Each given number exactly once (default true, as in APR/TinyZero); false: at most once. */
  useAll?: boolean;
  /** Accept a unary minus such as "-3 + 10" (default false). */
  allowUnaryMinus?: boolean;
  /** Every intermediate value must be a whole number (default false). */
  integerIntermediates?: boolean;
}

/** Result of {@link checkCountdownExpression}. */
export interface CountdownCheck {
  ok: boolean;
  /** "ok", "parse-error", "unary-minus", "wrong-numbers", "division-by-zero", "non-integer-step", "wrong-value". */
  reason: string;
  detail?: string;
  /** The expression's exact value ("7", "-3/4") when it evaluates. */
  value?: string;
}

function multisetKey(values: readonly Rational[]): string {
  return values.map(formatRational).sort().join(",");
}

function integerSteps(e: Expr): boolean {
  const v = evaluateExact(e);
  if (!v || !isInteger(v)) return false;
  if (e.kind === "bin") return integerSteps(e.left) && integerSteps(e.right);
  if (e.kind === "neg") return integerSteps(e.arg);
  return true;
}

/**
 * Checks a Countdown expression: parses it (ASCII, Unicode or LaTeX operators; an "= target" part
 * is allowed), checks the numbers used against the given ones, and evaluates it exactly.
 */
export function checkCountdownExpression(
  expression: string,
  numbers: readonly number[],
  target: number,
  opts: CountdownGradeOptions = {},
): CountdownCheck {
  const useAll = opts.useAll ?? true;
  // "expr = 80" or "80 = expr": use the side with the most numbers; the others must agree.
  const sides = expression.split("=").map((x) => x.trim()).filter((x) => x !== "");
  const parsed = sides.map((s) => parseArithmetic(s));
  let bestIdx = -1;
  let bestCount = -1;
  parsed.forEach((p, i) => {
    if (p.ok && literals(p.expr).length > bestCount) {
      bestCount = literals(p.expr).length;
      bestIdx = i;
    }
  });
  const best = parsed[bestIdx];
  if (!best || !best.ok) {
    const first = parsed[0];
    return { ok: false, reason: "parse-error", detail: first && !first.ok ? `${first.error} at ${first.offset}` : "empty expression" };
  }
  const expr = best.expr;
  if (!opts.allowUnaryMinus && hasUnaryMinus(expr)) return { ok: false, reason: "unary-minus" };
  const used = literals(expr);
  const given = numbers.map((n) => rational(n));
  if (useAll) {
    if (multisetKey(used) !== multisetKey(given)) {
      return { ok: false, reason: "wrong-numbers", detail: `used [${used.map(formatRational).join(", ")}], given [${numbers.join(", ")}]` };
    }
  } else {
    const pool = given.slice();
    for (const u of used) {
      const k = pool.findIndex((g) => equals(g, u));
      if (k < 0) return { ok: false, reason: "wrong-numbers", detail: `${formatRational(u)} is not available` };
      pool.splice(k, 1);
    }
  }
  const value = evaluateExact(expr);
  if (!value) return { ok: false, reason: "division-by-zero" };
  if (opts.integerIntermediates && !integerSteps(expr)) return { ok: false, reason: "non-integer-step", value: formatRational(value) };
  for (const [i, p] of parsed.entries()) {
    if (i === bestIdx) continue;
    const v = p.ok ? evaluateExact(p.expr) : null;
    if (!v || !equals(v, value)) return { ok: false, reason: "wrong-value", detail: `"${sides[i] ?? ""}" does not equal the expression`, value: formatRational(value) };
  }
  if (!equals(value, rational(target))) return { ok: false, reason: "wrong-value", value: formatRational(value) };
  return { ok: true, reason: "ok", value: formatRational(value) };
}

/** Grades a Countdown response: its last `\boxed{}` (else last `<answer>…</answer>`) must reach the target. */
export function gradeCountdown(response: string, numbers: readonly number[], target: number, opts: CountdownGradeOptions = {}): GradeResult {
  let extracted = lastBoxed(response);
  if (extracted === null) {
    const all = [...response.matchAll(/<answer>([\s\S]*?)<\/answer>/g)];
    extracted = all.length ? (all[all.length - 1]?.[1] ?? "").trim() : null;
  }
  if (extracted === null) return { correct: false, verdict: "wrong", extracted: null, reason: "no-boxed" };
  const check = checkCountdownExpression(extracted, numbers, target, opts);
  return { correct: check.ok, verdict: check.ok ? "correct" : "wrong", extracted, reason: check.reason };
}

// ---------------------------------------------------------------------------------------------
// Dispatcher

/** What a response is graded against. */
export type GradeTask =
  | { kind: "math"; reference: string; options?: MathEquivalenceOptions }
  | { kind: "multiple-choice"; answer: string; options?: ChoiceOptions }
  | { kind: "countdown"; numbers: readonly number[]; target: number; options?: CountdownGradeOptions };

/** Grades a response for any task kind. */
export function grade(task: GradeTask, response: string): GradeResult {
  switch (task.kind) {
    case "math":
      return gradeMath(response, task.reference, task.options);
    case "multiple-choice":
      return gradeMultipleChoice(response, task.answer, task.options);
    case "countdown":
      return gradeCountdown(response, task.numbers, task.target, task.options);
  }
}
