/**
 * Exact symbolic comparison of normalized LaTeX answers (output of `normalizeMathAnswer`): an expression
 * becomes a rational function — a quotient of polynomials with exact rational (bigint) coefficients over
 * its variables and a few constant symbols (`\pi`, square roots of square-free integers). Two answers are
 * equal when a·d − c·b is the zero polynomial.
 *
 * - Rational constants (integers, decimals, fractions, mixed numbers `2\frac{1}{2}`, integer powers) are
 *   decided exactly: `12345678901234567890` ≠ `12345678901234567891` although doubles would agree.
 * - Polynomials / rational functions in variables are decided exactly (`\frac{9a+11}{20}` = `\frac{11+9a}{20}`).
 * - With `\pi` or surds a *difference* is not conclusive (√2·√3 = √6 is not reduced): callers fall back to
 *   numeric evaluation. Anything else (functions, `\infty`, non-integer powers of variables) is `null`.
 * Pure; never throws.
 */
import { add, isInteger, mul, neg, parseDecimal, rational, type Rational } from "./countdown/rational";
import { LatexGrammar } from "./latex-parser";

/** A monomial: symbol → positive exponent. */
type Mono = ReadonlyMap<string, number>;
interface Term {
  mono: Mono;
  coef: Rational;
}
/** A polynomial: monomial key → term (no zero coefficients). */
type Poly = Map<string, Term>;

const ZERO = rational(0);
const ONE = rational(1);

function monoKey(m: Mono): string {
  return [...m.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([s, e]) => `${s}^${e}`)
    .join("*");
}

function constPoly(c: Rational): Poly {
  const p: Poly = new Map();
  if (c.num !== 0n) p.set("", { mono: new Map(), coef: c });
  return p;
}

function symPoly(sym: string): Poly {
  const mono = new Map([[sym, 1]]);
  return new Map([[monoKey(mono), { mono, coef: ONE }]]);
}

function addTerm(p: Poly, t: Term): void {
  const k = monoKey(t.mono);
  const cur = p.get(k);
  const c = cur ? add(cur.coef, t.coef) : t.coef;
  if (c.num === 0n) p.delete(k);
  else p.set(k, { mono: t.mono, coef: c });
}

function polyAdd(a: Poly, b: Poly, sign = 1): Poly {
  const out: Poly = new Map(a);
  for (const t of b.values()) addTerm(out, sign < 0 ? { mono: t.mono, coef: neg(t.coef) } : t);
  return out;
}

/** Multiplies monomials, reducing √m·√m = m into the coefficient. */
function monoMul(a: Mono, b: Mono): { mono: Mono; factor: Rational } {
  const m = new Map(a);
  for (const [s, e] of b) m.set(s, (m.get(s) ?? 0) + e);
  let factor = ONE;
  for (const [s, e] of [...m]) {
    if (s.startsWith("√") && e >= 2) {
      const base = rational(BigInt(s.slice(1)));
      for (let k = 0; k < Math.floor(e / 2); k++) factor = mul(factor, base);
      if (e % 2 === 0) m.delete(s);
      else m.set(s, 1);
    }
  }
  return { mono: m, factor };
}

function polyMul(a: Poly, b: Poly): Poly {
  const out: Poly = new Map();
  for (const x of a.values()) {
    for (const y of b.values()) {
      const { mono, factor } = monoMul(x.mono, y.mono);
      addTerm(out, { mono, coef: mul(mul(x.coef, y.coef), factor) });
    }
  }
  return out;
}

function isZero(p: Poly): boolean {
  return p.size === 0;
}

/** The constant value of a polynomial without symbols, else null. */
function constantOf(p: Poly): Rational | null {
  if (p.size === 0) return ZERO;
  if (p.size === 1 && p.has("")) return p.get("")!.coef;
  return null;
}

/** A rational function num/den. */
interface RatFn {
  num: Poly;
  den: Poly;
}

const MAX_TERMS = 400;
const MAX_EXP = 64;

class Unsupported extends Error {}

function fnConst(c: Rational): RatFn {
  return { num: constPoly(c), den: constPoly(ONE) };
}
function guard(p: Poly): Poly {
  if (p.size > MAX_TERMS) throw new Unsupported("too large");
  return p;
}
function fAdd(a: RatFn, b: RatFn, sign = 1): RatFn {
  return { num: guard(polyAdd(polyMul(a.num, b.den), polyMul(b.num, a.den), sign)), den: guard(polyMul(a.den, b.den)) };
}
function fMul(a: RatFn, b: RatFn): RatFn {
  return { num: guard(polyMul(a.num, b.num)), den: guard(polyMul(a.den, b.den)) };
}
function fDiv(a: RatFn, b: RatFn): RatFn {
  if (isZero(b.num)) throw new Unsupported("division by zero");
  return { num: guard(polyMul(a.num, b.den)), den: guard(polyMul(a.den, b.num)) };
}
function fPow(a: RatFn, n: number): RatFn {
  if (Math.abs(n) > MAX_EXP) throw new Unsupported("exponent too large");
  let r = fnConst(ONE);
  for (let k = 0; k < Math.abs(n); k++) r = fMul(r, a);
  return n < 0 ? fDiv(fnConst(ONE), r) : r;
}
function fConst(a: RatFn): Rational | null {
  const n = constantOf(a.num);
  const d = constantOf(a.den);
  if (n === null || d === null || d.num === 0n) return null;
  return rational(n.num * d.den, n.den * d.num);
}

/** Largest k with k² | n, for n ≥ 1 (trial division; n is bounded). */
function squareFree(n: bigint): { outside: bigint; inside: bigint } {
  let outside = 1n;
  let inside = n;
  for (let p = 2n; p * p <= inside && p < 100_000n; p++) {
    while (inside % (p * p) === 0n) {
      inside /= p * p;
      outside *= p;
    }
  }
  return { outside, inside };
}

/** √(p/q) = √(p·q)/q as a polynomial in one surd symbol. */
function sqrtRational(r: Rational): RatFn {
  if (r.num < 0n) throw new Unsupported("sqrt of a negative number");
  if (r.num === 0n) return fnConst(ZERO);
  if (r.num > 10n ** 15n || r.den > 10n ** 15n) throw new Unsupported("surd too large");
  const { outside, inside } = squareFree(r.num * r.den);
  const coef = rational(outside, r.den);
  if (inside === 1n) return fnConst(coef);
  const mono = new Map([[`√${inside.toString()}`, 1]]);
  return { num: new Map([[monoKey(mono), { mono, coef }]]), den: constPoly(ONE) };
}

function fNeg(a: RatFn): RatFn {
  return { num: polyAdd(new Map(), a.num, -1), den: a.den };
}

/** Integer powers; `c^{n/2}` of a rational constant c is a surd. Other exponents are outside the fragment. */
function fPowOf(base: RatFn, exp: RatFn): RatFn {
  const e = fConst(exp);
  if (e === null) throw new Unsupported("symbolic exponent");
  if (isInteger(e)) return fPow(base, Number(e.num));
  const b = fConst(base);
  if (b !== null && e.den === 2n) return fPow(sqrtRational(b), Number(e.num));
  throw new Unsupported("fractional exponent");
}

function symbol(name: string): RatFn {
  return { num: symPoly(name), den: constPoly(ONE) };
}

/** Normalized LaTeX read into {@link RatFn}s: the shared grammar (latex-parser.ts) with `\frac`, `\sqrt`, `\pi`. */
const EXACT = new LatexGrammar<RatFn>({
  number(text) {
    const r = parseDecimal(text);
    if (!r) throw new Unsupported("number");
    return fnConst(r);
  },
  add: (a, b) => fAdd(a, b),
  sub: (a, b) => fAdd(a, b, -1),
  mul: fMul,
  div: fDiv,
  neg: fNeg,
  pow: fPowOf,
  isNegative(a) {
    const c = fConst(a);
    return c !== null && c.num < 0n;
  },
  commands: {
    frac: (args) => {
      const a = args.braced();
      return fDiv(a, args.braced());
    },
    sqrt: (args) => {
      if (args.optional() !== undefined) throw new Unsupported("nth root");
      const r = fConst(args.braced());
      if (r === null) throw new Unsupported("sqrt of an expression");
      return sqrtRational(r);
    },
    pi: () => symbol("π"),
  },
});

/** The rational function of a normalized expression, or null when it is outside the supported fragment. */
function readExact(normalized: string): RatFn | null {
  if (normalized.length === 0 || normalized.length > 500) return null;
  try {
    return EXACT.parse(normalized, symbol);
  } catch {
    return null;
  }
}

function hasTranscendental(p: Poly): boolean {
  for (const t of p.values()) for (const s of t.mono.keys()) if (s === "π" || s.startsWith("√")) return true;
  return false;
}

/**
 * Exact comparison of two normalized scalar expressions: "equal", "different" (decided exactly: both
 * sides are rational functions over Q in their variables, no π or surds) or null (not decidable here:
 * outside the fragment, or a difference involving π / surds, which numeric evaluation must settle).
 */
export function exactCompare(a: string, b: string): "equal" | "different" | null {
  const x = readExact(a);
  const y = readExact(b);
  if (!x || !y) return null;
  let diff: Poly;
  try {
    diff = guard(polyAdd(polyMul(x.num, y.den), polyMul(y.num, x.den), -1));
  } catch {
    return null;
  }
  if (isZero(diff)) return "equal";
  if (hasTranscendental(diff) || hasTranscendental(x.den) || hasTranscendental(y.den)) return null;
  return "different";
}

/** The exact rational value of a normalized constant expression (no symbols), or null. */
export function exactValue(normalized: string): Rational | null {
  const f = readExact(normalized);
  return f ? fConst(f) : null;
}

