/**
 * What a sentence states and uses, for the dependency detector: numbers (with which of them are
 * *results* — the right-hand side of `=`, or what a verb like "gives"/"is" yields), equations and
 * their compound sides, variables assigned a value, and named quantities ("the area is 12").
 * Plain text, Unicode operators and LaTeX (`$…$`, `\(…\)`, `\times`, `\cdot`, `\frac`) are read
 * alike. Linear in the sentence length; no regex backtracking on long inputs.
 */

/** Facts of one sentence. Numbers are canonical strings ("12", "3.5", "1000"). */
export interface SentenceFacts {
  /** Every number mentioned (exponents and subscripts excluded) and every power ("2^4"), in order, duplicates kept. */
  numbers: string[];
  /** Numbers stated as results: atomic non-first sides of `=` chains. */
  results: string[];
  /** Numbers stated as results in words: after "gives"/"is"/"equals"…, or a named quantity's value. */
  verbResults: string[];
  /** Numbers that appear in an equation (either side). */
  stated: string[];
  /** Canonical equations `lhs=rhs` whose right side is a single number or variable. */
  equations: string[];
  /** Canonical compound expressions (sides of equations with an operator). */
  expressions: string[];
  /**
   * A decomposition "80 = 2 × 40 = 8 × 10" (a number first, then compound sides): the numbers of the
   * compound sides, which the sentence introduces rather than uses, and those sides' expressions.
   */
  decomposed: string[];
  decompositions: string[];
  /** Variables given a value here (`x = 5`, `a_1 = 3`), canonical. */
  assigned: string[];
  /** Variables mentioned anywhere in math (single letters in math context, `\alpha`, `a_1`). */
  variables: string[];
  /** Named quantities given a value here ("the area is 12" → "area"). */
  named: string[];
}

/** Canonical number text: thousands separators dropped, trailing zeros of decimals dropped. */
export function canonicalNumber(raw: string): string {
  const s = raw.includes(",") ? raw.replace(/,/g, "") : raw;
  if (/^(?:0|[1-9]\d{0,14})$/.test(s)) return s;
  const n = Number(s);
  return Number.isFinite(n) ? String(n) : s;
}

const MATHY = /[\\×·∗⋅÷−–≈]/;

/** Normalizes operators and strips math delimiters, keeping character positions meaningful. */
export function normalizeMath(text: string): string {
  if (!MATHY.test(text)) return text;
  return text
    .replace(/\\(?:dfrac|tfrac)\b/g, "\\frac")
    .replace(/\\(?:times|cdot|ast)\b|[×·∗⋅]/g, "*")
    .replace(/\\div\b|÷/g, "/")
    .replace(/[−–]/g, "-")
    .replace(/\\(?:left|right|bigl?|bigr?|Bigl?|Bigr?)\b/g, "")
    .replace(/\\[,;:! ]/g, " ")
    .replace(/\\approx\b|≈/g, "=")
    .replace(/\\(?:text|mathrm|textbf|mathbf|operatorname)\s*\{([^{}]*)\}/g, " $1 ");
}

const MATH_WORDS = new Set(["sin", "cos", "tan", "cot", "sec", "csc", "log", "ln", "exp", "mod", "gcd", "lcm", "max", "min", "sqrt", "frac", "pi"]);
/** Single letters that are English words, not variables, outside explicit math. */
const ENGLISH_LETTERS = new Set(["a", "A", "I"]);
const STOP_NAMES = new Set([
  "answer", "result", "number", "numbers", "target", "goal", "problem", "question", "value", "values", "thing", "case", "idea",
  "step", "way", "only", "first", "second", "last", "same", "next", "other", "final", "one", "total number", "largest", "smallest",
  "largest number", "smallest number", "expression", "equation", "solution",
]);

/** A token. One object shape for every kind (keeps property access monomorphic). */
interface Tok {
  k: "num" | "var" | "op" | "eq" | "brk" | "word";
  /** Canonical text: the number, the variable, the operator ("" for eq/brk/word). */
  v: string;
  /** Offset in the normalized text. */
  s: number;
  /** num: an exponent or subscript (x^2, a_1); var: inside explicit math ($…$). */
  f: boolean;
}

function tok(k: Tok["k"], v: string, s: number, f = false): Tok {
  return { k, v, s, f };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

const LATEX_BREAKS = new Set(["neq", "ne", "le", "leq", "ge", "geq", "lt", "gt", "equiv", "implies", "iff", "quad", "qquad", "text", "boxed", "to", "rightarrow", "Rightarrow"]);

/** Integer text without a sign, separators or leading zeros is already canonical. */
function canonicalDigits(raw: string): string {
  if (raw.length <= 15 && (raw.length === 1 || raw.charCodeAt(0) !== 48) && !raw.includes(".") && !raw.includes(",")) return raw;
  return canonicalNumber(raw);
}

/** Ends a math run at `at` (one token per run of words). A plain function: closures cost in hot loops. */
function breakAt(out: Tok[], k: "brk" | "word", at: number): void {
  const last = out[out.length - 1];
  if (k === "word" && last !== undefined && last.k === "word") return;
  out.push(tok(k, "", at));
}

/** Tokenizes normalized text, tracking whether a token is inside `$…$`, `$$…$$`, `\(…\)` or `\[…\]`. */
function tokenize(t: string): Tok[] {
  const out: Tok[] = [];
  const n = t.length;
  let depth = 0;
  let inMath = false;
  let i = 0;
  while (i < n) {
    const c = t.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    if (c === 36 /* $ */) {
      inMath = !inMath;
      i += t.charCodeAt(i + 1) === 36 ? 2 : 1;
      continue;
    }
    if (c === 92 /* \ */) {
      const d = t.charCodeAt(i + 1);
      if (d === 40 || d === 91 || d === 41 || d === 93) {
        inMath = d === 40 || d === 91;
        i += 2;
        continue;
      }
    }
    if (isDigit(c) || (c === 46 && isDigit(t.charCodeAt(i + 1)))) {
      let j = i;
      while (j < n && isDigit(t.charCodeAt(j))) j++;
      // Thousands separators: 1,000 / 12,345,678 (exactly three digits after each comma, no blank).
      while (t.charCodeAt(j) === 44 && isDigit(t.charCodeAt(j + 1)) && isDigit(t.charCodeAt(j + 2)) && isDigit(t.charCodeAt(j + 3)) && !isDigit(t.charCodeAt(j + 4))) j += 4;
      if (t.charCodeAt(j) === 46 && isDigit(t.charCodeAt(j + 1))) {
        j++;
        while (j < n && isDigit(t.charCodeAt(j))) j++;
      }
      let v = canonicalDigits(t.slice(i, j));
      // A tight fraction "20/9" is one number (a spaced "20 / 9" is a division).
      if (t.charCodeAt(j) === 47 && isDigit(t.charCodeAt(j + 1)) && !isDigit(t.charCodeAt(i - 1)) && t.charCodeAt(i - 1) !== 47) {
        let k = j + 1;
        while (k < n && isDigit(t.charCodeAt(k))) k++;
        if (t.charCodeAt(k) !== 46 || !isDigit(t.charCodeAt(k + 1))) {
          v = `${v}/${canonicalDigits(t.slice(j + 1, k))}`;
          j = k;
        }
      }
      let prev = out[out.length - 1];
      // A unary minus glued to the number ("-14", "= -33", "4 + -14") makes it negative.
      if (prev !== undefined && prev.k === "op" && prev.v === "-" && prev.s === i - 1) {
        const before = out[out.length - 2];
        const unary = before === undefined || before.k === "eq" || before.k === "brk" || before.k === "word" || (before.k === "op" && before.v !== ")" && before.v !== "]" && before.v !== "}" && before.v !== "!");
        if (unary) {
          out.pop();
          v = v.startsWith("-") ? v.slice(1) : `-${v}`;
          prev = out[out.length - 1];
        }
      }
      out.push(tok("num", v, i, prev !== undefined && prev.k === "op" && (prev.v === "^" || prev.v === "_")));
      i = j;
      continue;
    }
    if (c === 92 /* \ */ && isLetter(t.charCodeAt(i + 1))) {
      let j = i + 1;
      while (j < n && isLetter(t.charCodeAt(j))) j++;
      const name = t.slice(i + 1, j);
      if (name === "frac" || name === "sqrt" || name === "binom" || MATH_WORDS.has(name)) out.push(tok("op", `\\${name}`, i));
      else if (LATEX_BREAKS.has(name)) breakAt(out, "brk", i);
      else out.push(tok("var", `\\${name}`, i, true));
      i = j;
      continue;
    }
    if (isLetter(c)) {
      let j = i + 1;
      while (j < n && (isLetter(t.charCodeAt(j)) || t.charCodeAt(j) === 39)) j++;
      if (j - i === 1) {
        // a_1, x_{n}: keep the subscript as part of the variable name.
        let name = t[i] as string;
        if (t.charCodeAt(j) === 95 /* _ */) {
          const m = /^_(?:\{([A-Za-z0-9]+)\}|([A-Za-z0-9]))/.exec(t.slice(j, j + 12));
          if (m) {
            name = `${name}_${m[1] ?? m[2] ?? ""}`;
            j += m[0].length;
          }
        }
        out.push(tok("var", name, i, inMath));
      } else {
        const w = j - i <= 4 ? t.slice(i, j).toLowerCase() : "";
        if (w !== "" && MATH_WORDS.has(w)) out.push(tok("op", w, i));
        else breakAt(out, "word", i);
      }
      i = j;
      continue;
    }
    if (c === 61 /* = */) {
      const prev = t.charCodeAt(i - 1);
      const next = t.charCodeAt(i + 1);
      if (next === 61 || prev === 60 || prev === 62 || prev === 33 || next === 62) breakAt(out, "brk", i);
      else out.push(tok("eq", "", i));
      i += next === 61 ? 2 : 1;
      continue;
    }
    if (c === 40 || c === 123 || c === 91) {
      depth++;
      out.push(tok("op", t[i] as string, i));
      i++;
      continue;
    }
    if (c === 41 || c === 125 || c === 93) {
      depth = Math.max(0, depth - 1);
      out.push(tok("op", t[i] as string, i));
      i++;
      continue;
    }
    if (c === 43 || c === 45 || c === 42 || c === 47 || c === 94 || c === 95 || c === 33 || c === 124) {
      out.push(tok("op", t[i] as string, i));
      i++;
      continue;
    }
    if (c === 44 /* , */ && depth > 0) {
      out.push(tok("op", ",", i));
      i++;
      continue;
    }
    // Sentence punctuation, comparison signs and anything else end a math run.
    breakAt(out, "brk", i);
    i++;
  }
  return out;
}

/** A side of an equation: tokens [from, to) of a run. */
type Side = readonly [from: number, to: number];

function sideText(toks: readonly Tok[], [from, to]: Side): string {
  // "13 * 7" and "7 * 13" are the same expression (two operands of a commutative operator).
  if (to - from === 3) {
    const a = toks[from] as Tok;
    const op = toks[from + 1] as Tok;
    const b = toks[from + 2] as Tok;
    if ((a.k === "num" || a.k === "var") && op.k === "op" && (op.v === "*" || op.v === "+") && (b.k === "num" || b.k === "var")) {
      return a.v <= b.v ? `${a.v}${op.v}${b.v}` : `${b.v}${op.v}${a.v}`;
    }
  }
  let out = "";
  for (let i = from; i < to; i++) {
    const t = toks[i] as Tok;
    if (t.k === "num" || t.k === "var" || t.k === "op") out += t.v;
  }
  return out;
}

function atomicNumber(toks: readonly Tok[], [from, to]: Side): string | undefined {
  const a = toks[from];
  if (to - from === 1 && a?.k === "num") return a.v;
  const b = toks[from + 1];
  if (to - from === 2 && a?.k === "op" && a.v === "-" && b?.k === "num") return b.v.startsWith("-") ? b.v.slice(1) : `-${b.v}`;
  return undefined;
}

function atomicVariable(toks: readonly Tok[], [from, to]: Side): string | undefined {
  const a = toks[from];
  return to - from === 1 && a?.k === "var" ? a.v : undefined;
}

/** The power written at toks[i] ("2^4", "x^{10}"), or undefined. */
function powerAt(toks: readonly Tok[], i: number): string | undefined {
  const base = toks[i];
  if (base === undefined || (base.k !== "num" && base.k !== "var") || base.f) return undefined;
  if (toks[i + 1]?.k !== "op" || toks[i + 1]?.v !== "^") return undefined;
  const e = toks[i + 2];
  if (e?.k === "num") return `${base.v}^${e.v}`;
  const braced = toks[i + 3];
  if (e?.k === "op" && e.v === "{" && braced?.k === "num" && toks[i + 4]?.v === "}") return `${base.v}^${braced.v}`;
  return undefined;
}

const COMPOUND = /[-+*/^!(]|\\frac|\\sqrt|\\binom/;

/** Reads the `=` chain of the math run toks[from, to) into `out`. */
function readChain(toks: readonly Tok[], from: number, to: number, out: SentenceFacts): void {
  const sides: Side[] = [];
  let start = from;
  for (let i = from; i <= to; i++) {
    if (i === to || (toks[i] as Tok).k === "eq") {
      if (i > start) sides.push([start, i]);
      start = i + 1;
    }
  }
  if (sides.length < 2) {
    // "= 5" with nothing on one side still states its numbers.
    for (const side of sides) for (let i = side[0]; i < side[1]; i++) {
      const t = toks[i] as Tok;
      if (t.k === "num" && !t.f) out.stated.push(t.v);
    }
    return;
  }
  const nums: (string | undefined)[] = [];
  const vars: (string | undefined)[] = [];
  const texts: string[] = [];
  let tailCompound = true;
  sides.forEach((side, j) => {
    for (let i = side[0]; i < side[1]; i++) {
      const t = toks[i] as Tok;
      if (t.k === "num" && !t.f) out.stated.push(t.v);
    }
    const num = atomicNumber(toks, side);
    const v = atomicVariable(toks, side);
    nums.push(num);
    vars.push(v);
    const text = sideText(toks, side);
    texts.push(text);
    if (num === undefined && v === undefined) {
      if (text.length > 1 && COMPOUND.test(text)) out.expressions.push(text);
    } else if (j > 0) tailCompound = false;
    if (j > 0 && num !== undefined) out.results.push(num);
    // Powers on a result side ("= 2^4 · 3^3 · 5") are results too: a factorization produces them.
    if (j > 0) for (let i = side[0]; i < side[1]; i++) {
      const p = powerAt(toks, i);
      if (p !== undefined) out.results.push(p);
    }
    if (j > 0 && (num !== undefined || v !== undefined)) {
      out.equations.push(`${texts[j - 1] as string}=${text}`);
      const pv = vars[j - 1];
      if (pv !== undefined && num !== undefined) out.assigned.push(pv);
    }
  });
  // A decomposition "80 = 2 × 40 = 8 × 10": a number, then only compound sides.
  if (nums[0] !== undefined && tailCompound) {
    for (let j = 1; j < sides.length; j++) {
      const side = sides[j] as Side;
      out.decompositions.push(texts[j] as string);
      for (let i = side[0]; i < side[1]; i++) {
        const t = toks[i] as Tok;
        if (t.k === "num" && !t.f) out.decomposed.push(t.v);
      }
    }
  }
}

const RESULT_VERB = /\b(?:is|are|was|were|equals?|gives?|get|gets|got|yields?|makes?|becomes?|comes? (?:out )?to|obtain|obtained|results? in|totals?)\s+(?:exactly\s+|just\s+|also\s+|then\s+|now\s+|only\s+|still\s+|simply\s+)?\$?\s*(-?\d+(?:,\d{3})*(?:\.\d+)?)(?![\d,.]*\d)(?!\s*(?:[-+*/×÷^·]|\\times|\\cdot|away|more|less|times|of|or|and|too|%|percent|degrees|left|short|over))/gi;
/** "I would still need 16 more", "so 12 more is needed": a difference computed in words. */
const MORE_NEEDED = /\b(?:need|needs|needed|require|requires)\s+(?:another\s+|only\s+|just\s+)?(\d+(?:\.\d+)?)\s+more\b|\b(\d+(?:\.\d+)?)\s+more\s+(?:is|are|would be)\s+(?:needed|required|missing)\b/gi;
const NAMED_HINT = /\b(?:the|our|its|their|this|that)\s[^.]*\d/i;
const NAMED_VALUE = /\b(?:the|our|its|their|this|that)\s+((?:[a-z]+\s+){0,2}?[a-z]{3,})\s+(?:is|equals|was|comes out to|turns out to be|must be|should be|=)\s+\$?\s*(-?\d+(?:,\d{3})*(?:\.\d+)?)(?![\d,.]*\d)(?!\s*(?:[-+*/×÷^·]|\\times|\\cdot))/gi;

/**
 * Every match of a global regex (like `matchAll`, without cloning the regex on each call, which
 * costs more than the match itself on short sentences).
 */
export function allMatches(re: RegExp, text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push(m);
    if (m[0] === "") re.lastIndex++;
  }
  re.lastIndex = 0;
  return out;
}

/** Reads one sentence. */
export function sentenceFacts(sentence: string): SentenceFacts {
  const text = normalizeMath(sentence);
  const toks = tokenize(text);
  const numbers: string[] = [];
  const variables: string[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] as Tok;
    if (t.k === "num" && !t.f) numbers.push(t.v);
    else if (t.k === "var" && (t.f || !ENGLISH_LETTERS.has(t.v))) variables.push(t.v);
    // A power ("2^4") is a quantity of its own, next to its base.
    if (t.k === "num" || t.k === "var") {
      const p = powerAt(toks, i);
      if (p !== undefined) numbers.push(p);
    }
  }

  // Math runs: maximal token sequences without words or breaks; each with "=" is a chain.
  const out: SentenceFacts = {
    numbers,
    results: [],
    verbResults: [],
    stated: [],
    equations: [],
    expressions: [],
    decomposed: [],
    decompositions: [],
    assigned: [],
    variables,
    named: [],
  };
  let runStart = 0;
  let hasEq = false;
  for (let i = 0; i <= toks.length; i++) {
    const t = toks[i];
    if (t === undefined || t.k === "word" || t.k === "brk") {
      if (hasEq) readChain(toks, runStart, i, out);
      runStart = i + 1;
      hasEq = false;
    } else if (t.k === "eq") hasEq = true;
  }

  const { verbResults, named } = out;
  const hasDigit = numbers.length > 0;
  if (hasDigit) for (const m of allMatches(RESULT_VERB, text)) verbResults.push(canonicalNumber(m[1] as string));
  if (hasDigit && text.includes(" more")) for (const m of allMatches(MORE_NEEDED, text)) verbResults.push(canonicalNumber((m[1] ?? m[2]) as string));
  if (hasDigit && NAMED_HINT.test(text)) for (const m of allMatches(NAMED_VALUE, text)) {
    const name = (m[1] as string).toLowerCase().replace(/\s+/g, " ");
    if (!STOP_NAMES.has(name) && !STOP_NAMES.has(name.split(" ").pop() ?? "")) {
      named.push(name);
      verbResults.push(canonicalNumber(m[2] as string));
    }
  }
  return out;
}

/** Numbers too common to carry a dependency (0, 1) — everything else may. */
export function isSignificantNumber(n: string): boolean {
  return n !== "0" && n !== "1" && n !== "-1";
}
