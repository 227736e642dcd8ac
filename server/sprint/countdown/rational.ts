/**
 * Exact rational arithmetic on bigint, used by the Countdown solver and by grading.
 * Pure; no I/O. Every value is kept reduced with a positive denominator.
 */

/** An exact rational number `num / den`, reduced, with `den > 0`. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

/** Builds a reduced rational. Throws on a zero denominator (a programming error, not a user error). */
export function rational(num: bigint | number, den: bigint | number = 1n): Rational {
  let n = typeof num === "bigint" ? num : BigInt(num);
  let d = typeof den === "bigint" ? den : BigInt(den);
  if (d === 0n) throw new RangeError("rational: zero denominator");
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const g = gcd(n, d);
  return g > 1n ? { num: n / g, den: d / g } : { num: n, den: d };
}

/** a + b */
export function add(a: Rational, b: Rational): Rational {
  return rational(a.num * b.den + b.num * a.den, a.den * b.den);
}

/** a − b */
export function sub(a: Rational, b: Rational): Rational {
  return rational(a.num * b.den - b.num * a.den, a.den * b.den);
}

/** a × b */
export function mul(a: Rational, b: Rational): Rational {
  return rational(a.num * b.num, a.den * b.den);
}

/** a ÷ b, or `null` when b is zero. */
export function div(a: Rational, b: Rational): Rational | null {
  if (b.num === 0n) return null;
  return rational(a.num * b.den, a.den * b.num);
}

/** −a */
export function neg(a: Rational): Rational {
  return { num: -a.num, den: a.den };
}

/** Exact equality. */
export function equals(a: Rational, b: Rational): boolean {
  return a.num === b.num && a.den === b.den;
}

/** Sign of a − b: −1, 0 or 1. */
export function compare(a: Rational, b: Rational): number {
  const d = a.num * b.den - b.num * a.den;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** True when the value is a whole number. */
export function isInteger(a: Rational): boolean {
  return a.den === 1n;
}

/** Nearest double (may lose precision for huge values). */
export function toNumber(a: Rational): number {
  return Number(a.num) / Number(a.den);
}

/** "7", "-3/4". */
export function formatRational(a: Rational): string {
  return a.den === 1n ? a.num.toString() : `${a.num.toString()}/${a.den.toString()}`;
}

/**
 * Parses a decimal literal such as "12", "-0.25", ".5" exactly. Returns null for anything else.
 */
export function parseDecimal(text: string): Rational | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) return null;
  const [, sign = "", intPart = "", frac = ""] = m;
  if (intPart === "" && frac === "") return null;
  const digits = BigInt((intPart || "0") + frac);
  const r = rational(digits, 10n ** BigInt(frac.length));
  return sign === "-" ? neg(r) : r;
}
