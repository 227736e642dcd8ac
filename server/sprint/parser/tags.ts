/**
 * Tokenizing a trajectory: SPRINT tags (each `<` examined by a bounded, hand-written matcher, no
 * backtracking regexes) and the line constructs (`-----` separators, `**Final Answer**` headings),
 * merged in input order. Pure, linear-time.
 *
 * A "logical line" starts at the start of the input, after a line feed, or right after a tag, and
 * ends at a line feed, the end of input or the start of a tag. Separator lines and
 * `**Final Answer**` headings are recognised only at the start of a logical line (after blanks).
 */
import { COLON, CR, DASH, DOT, GT, isDigit, isLetter, isLineBlank, LF, SLASH, SPACE, STAR, TAB, UNDERSCORE } from "./chars";
import type { RawDiagnostic } from "./diagnostics";

export type TagName = "question" | "think" | "plan" | "executionBlock" | "prompt" | "execution" | "finalAnswer";

export interface TagToken {
  kind: "tag";
  start: number;
  end: number;
  name: TagName;
  close: boolean;
  /** First index (p of Plan_p / prompt_p.k). */
  a?: number;
  /** Second index (k of prompt_p.k / execution_p.k). */
  b?: number;
}

export interface SepToken {
  kind: "sep";
  start: number;
  end: number;
  /** Offset of the first dash. */
  at: number;
  exact: boolean;
}

export interface MdToken {
  kind: "md";
  start: number;
  end: number;
}

export type Token = TagToken | SepToken | MdToken;

const MAX_TAG_SPACES = 3;
const MAX_INDEX_DIGITS = 6;

function skipSpaces(src: string, j: number): number {
  let k = j;
  while (k - j < MAX_TAG_SPACES && (src.charCodeAt(k) === SPACE || src.charCodeAt(k) === TAB)) k++;
  return k;
}

function readWord(src: string, j: number, max: number): number {
  let k = j;
  while (k - j <= max && isLetter(src.charCodeAt(k))) k++;
  return k;
}

export function readIndex(src: string, j: number): { value: number; end: number } | undefined {
  let k = j;
  while (k - j < MAX_INDEX_DIGITS && isDigit(src.charCodeAt(k))) k++;
  if (k === j || isDigit(src.charCodeAt(k))) return undefined;
  return { value: Number(src.slice(j, k)), end: k };
}

/**
 * Matches a SPRINT tag starting at `i` (which holds `<`). Tolerates case, up to 3 blanks around the
 * name and indices, a missing `_`, and `Final answer`/`FinalAnswer` spellings. Never looks further
 * than ~40 characters, never crosses a line.
 */
export function matchTag(src: string, i: number): TagToken | undefined {
  let j = skipSpaces(src, i + 1);
  let close = false;
  if (src.charCodeAt(j) === SLASH) {
    close = true;
    j = skipSpaces(src, j + 1);
  }
  const w1End = readWord(src, j, 12);
  const w1 = src.slice(j, w1End).toLowerCase();
  j = w1End;
  let name: TagName;
  switch (w1) {
    case "question":
      name = "question";
      break;
    case "think":
      name = "think";
      break;
    case "plan":
      name = "plan";
      break;
    case "prompt":
      name = "prompt";
      break;
    case "execution":
      name = "executionBlock";
      break;
    case "finalanswer":
      name = "finalAnswer";
      break;
    case "final": {
      const c = src.charCodeAt(j);
      if (c === UNDERSCORE || c === SPACE || c === DASH) j++;
      const w2End = readWord(src, j, 6);
      if (src.slice(j, w2End).toLowerCase() !== "answer") return undefined;
      j = w2End;
      name = "finalAnswer";
      break;
    }
    default:
      return undefined;
  }
  let a: number | undefined;
  let b: number | undefined;
  let k = skipSpaces(src, j);
  if (src.charCodeAt(k) === UNDERSCORE) k = skipSpaces(src, k + 1);
  const first = readIndex(src, k);
  if (first !== undefined) {
    a = first.value;
    k = skipSpaces(src, first.end);
    if (src.charCodeAt(k) === DOT) {
      const second = readIndex(src, skipSpaces(src, k + 1));
      if (second === undefined) return undefined;
      b = second.value;
      k = skipSpaces(src, second.end);
    }
  }
  if (src.charCodeAt(k) !== GT) return undefined;
  if (name === "executionBlock" && b !== undefined) name = "execution";
  if (name === "prompt" && a !== undefined && b === undefined) {
    // `<prompt_3>`: read the single number as the prompt's k.
    b = a;
    a = undefined;
  }
  return { kind: "tag", start: i, end: k + 1, name, close, a, b };
}

export const TAG_NEEDS: Record<TagName, 0 | 1 | 2> = {
  question: 0,
  think: 0,
  finalAnswer: 0,
  plan: 1,
  executionBlock: 1,
  prompt: 2,
  execution: 2,
};

/** The canonical spelling of a tag (indices as given). */
export function canonicalTag(t: TagToken): string {
  const s = t.close ? "/" : "";
  switch (t.name) {
    case "question":
      return `<${s}Question>`;
    case "think":
      return `<${s}think>`;
    case "finalAnswer":
      return `<${s}Final_answer>`;
    case "plan":
      return `<${s}Plan_${t.a}>`;
    case "executionBlock":
      return `<${s}Execution_${t.a}>`;
    case "prompt":
      return `<${s}prompt_${t.a}.${t.b}>`;
    case "execution":
      return `<${s}execution_${t.a}.${t.b}>`;
  }
}

/** Human label of a tag as written (canonical spelling, `?` for a missing index). */
export function tagLabel(t: TagToken): string {
  const s = t.close ? "/" : "";
  const a = t.a ?? "?";
  const b = t.b ?? "?";
  switch (t.name) {
    case "plan":
      return `<${s}Plan_${a}>`;
    case "executionBlock":
      return `<${s}Execution_${a}>`;
    case "prompt":
      return `<${s}prompt_${a}.${b}>`;
    case "execution":
      return `<${s}execution_${a}.${b}>`;
    default:
      return canonicalTag(t);
  }
}

/** Finds every tag, then every line construct, and merges them in order. */
export function lex(src: string, diags: RawDiagnostic[] | undefined): Token[] {
  const tags: TagToken[] = [];
  let i = src.indexOf("<");
  while (i !== -1) {
    const t = matchTag(src, i);
    if (t !== undefined) {
      tags.push(t);
      if (diags !== undefined) checkTagSpelling(src, t, diags);
      i = src.indexOf("<", t.end);
    } else {
      i = src.indexOf("<", i + 1);
    }
  }
  const n = src.length;
  const tokens: Token[] = [];
  let ti = 0;
  let pos = 0;
  let nl = -1;
  for (;;) {
    if (nl < pos) {
      nl = src.indexOf("\n", pos);
      if (nl === -1) nl = n;
    }
    const next = tags[ti];
    const nextTagStart = next !== undefined ? next.start : n;
    const lt = lineToken(src, pos, Math.min(nl, nextTagStart));
    if (lt !== undefined) tokens.push(lt);
    if (next !== undefined && nextTagStart < nl) {
      tokens.push(next);
      ti++;
      pos = next.end;
      continue;
    }
    if (nl >= n) break;
    pos = nl + 1;
  }
  return tokens;
}

function checkTagSpelling(src: string, t: TagToken, diags: RawDiagnostic[]): void {
  const needs = TAG_NEEDS[t.name];
  const missing = (needs >= 1 && t.a === undefined) || (needs === 2 && t.b === undefined);
  const written = src.slice(t.start, t.end);
  if (missing) {
    diags.push({ offset: t.start, code: "missing-index", message: `Tag ${JSON.stringify(written)} lacks its index; expected ${tagLabel(t)}` });
  } else if (written !== canonicalTag(t)) {
    diags.push({ offset: t.start, code: "tag-variant", message: `Tag ${JSON.stringify(written)} read as ${canonicalTag(t)}` });
  }
}

const MD_HEADING = "**final answer";

/** A separator line or a `**Final Answer**` heading at logical line [s, boundary). */
function lineToken(src: string, s: number, boundary: number): SepToken | MdToken | undefined {
  let q = s;
  while (q < boundary && isLineBlank(src.charCodeAt(q))) q++;
  if (q >= boundary) return undefined;
  const c = src.charCodeAt(q);
  if (c === DASH) {
    let r = q;
    while (r < boundary && src.charCodeAt(r) === DASH) r++;
    if (r - q < 3) return undefined;
    let e = r;
    while (e < boundary && isLineBlank(src.charCodeAt(e))) e++;
    if (e !== boundary) return undefined;
    let onlyCr = true;
    for (let x = r; x < boundary; x++) if (src.charCodeAt(x) !== CR) onlyCr = false;
    // Exact: five dashes alone on a physical line (a CR of CRLF aside; CRLF is reported once, elsewhere).
    const ownLine = (s === 0 || src.charCodeAt(s - 1) === LF) && (boundary === src.length || src.charCodeAt(boundary) === LF);
    return { kind: "sep", start: s, end: boundary, at: q, exact: r - q === 5 && q === s && onlyCr && ownLine };
  }
  if (c === STAR && boundary - q >= 16 && src.slice(q, q + MD_HEADING.length).toLowerCase() === MD_HEADING) {
    // "**Final Answer" then optional ":" and "**", optional ":" (e.g. **Final Answer:** or **Final Answer**:).
    let e = q + MD_HEADING.length;
    if (src.charCodeAt(e) === COLON) e++;
    if (src.charCodeAt(e) !== STAR || src.charCodeAt(e + 1) !== STAR) return undefined;
    e += 2;
    if (src.charCodeAt(e) === COLON) e++;
    return { kind: "md", start: q, end: e };
  }
  return undefined;
}

