/**
 * Character helpers of the trajectory parser: the parser's notion of blank, text normalization and
 * character codes. Pure, linear-time.
 */

export const GT = 62;
export const SLASH = 47;
export const SPACE = 32;
export const TAB = 9;
export const CR = 13;
export const LF = 10;
export const DASH = 45;
export const STAR = 42;
export const UNDERSCORE = 95;
export const DOT = 46;
export const COLON = 58;
export const BOM = 0xfeff;

export function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === CR || c === LF;
}
export function isLineBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === CR;
}
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
export function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Trims spaces, tabs, CR and LF (only those: the parser's notion of blank). */
export function trimBlank(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isBlank(s.charCodeAt(a))) a++;
  while (b > a && isBlank(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Removes every run of CRs that is followed by a LF. Linear (a regex like /\r+\n/ is not, on long CR runs). */
export function dropCrBeforeLf(s: string): string {
  let out = "";
  let last = 0;
  let i = s.indexOf("\r");
  while (i !== -1) {
    let j = i;
    while (s.charCodeAt(j) === CR) j++;
    if (s.charCodeAt(j) === LF) {
      out += s.slice(last, i);
      last = j;
    }
    i = s.indexOf("\r", j);
  }
  return last === 0 ? s : out + s.slice(last);
}

/**
 * CR(s) before LF removed (CRLF → LF; "\r\r\n" → "\n" so that the result has no CRLF left), then
 * {@link trimBlank}. Every text of a parsed trajectory goes through this.
 */
export function normalizeText(raw: string): string {
  return trimBlank(raw.indexOf("\r\n") === -1 ? raw : dropCrBeforeLf(raw));
}

/** Offset of the first non-blank character in [from, to), or -1. */
export function firstNonBlank(src: string, from: number, to: number): number {
  for (let i = from; i < to; i++) if (!isBlank(src.charCodeAt(i))) return i;
  return -1;
}

/** Offset just after the last non-blank character in [from, to), or -1. */
export function lastNonBlankEnd(src: string, from: number, to: number): number {
  for (let i = to; i > from; i--) if (!isBlank(src.charCodeAt(i - 1))) return i;
  return -1;
}
