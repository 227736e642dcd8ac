/**
 * Sequential (ordinary chain-of-thought) traces, for import into the curation pipeline:
 * recognizes the common shapes (docs/sprint-method.md §7) and splits reasoning into
 * numbered units (sentences or lines) with character offsets. Pure, linear time.
 */
import { dropCrBeforeLf } from "./format";
import type { Diagnostic } from "./types";

/** Shape a sequential trace was recognized as. */
export type SequentialFormat = "openthoughts" | "think" | "plain";

/** Result of {@link parseSequentialTrace}. */
export interface SequentialTrace {
  format: SequentialFormat;
  /** The thinking part: CRLF → LF, trimmed. Offsets of {@link splitSentences} refer to this string. */
  reasoning: string;
  /** The answer part after the thinking, when there is one (trimmed, non-empty). */
  solution?: string;
  /** Warnings with 1-based line/column in the original input. */
  diagnostics: Diagnostic[];
}

/** A piece of text and its [start, end) offsets in the string it was cut from; `text === s.slice(start, end)`. */
export interface TextSpan {
  text: string;
  start: number;
  end: number;
}

export const BEGIN_OF_THOUGHT = "<|begin_of_thought|>";
export const END_OF_THOUGHT = "<|end_of_thought|>";
export const BEGIN_OF_SOLUTION = "<|begin_of_solution|>";
export const END_OF_SOLUTION = "<|end_of_solution|>";
const THINK_OPEN = "<think>";
const THINK_CLOSE = "</think>";

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function norm(s: string): string {
  return (s.indexOf("\r\n") === -1 ? s : dropCrBeforeLf(s)).trim();
}

function hasContent(s: string, from: number, to: number): number {
  for (let i = from; i < to; i++) if (!isWs(s.charCodeAt(i))) return i;
  return -1;
}

function positionOf(src: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = src.indexOf("\n"); i !== -1 && i < offset; i = src.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Recognizes a sequential trace:
 * - OpenThoughts assistant value: `<|begin_of_thought|> … <|end_of_thought|> <|begin_of_solution|> … <|end_of_solution|>`;
 * - R1 output: `<think>\n…\n</think>\n\nanswer` (a missing `<think>` — chat templates often put it in
 *   the prompt — is read from the start of the text);
 * - anything else: plain reasoning.
 * Tolerant: missing markers and text outside them are warnings (codes `missing-begin-marker`,
 * `missing-end-marker`, `stray-text`, `empty-reasoning`), never thrown.
 */
export function parseSequentialTrace(text: string): SequentialTrace {
  const raw: { offset: number; code: string; message: string }[] = [];
  const warn = (offset: number, code: string, message: string): void => {
    raw.push({ offset, code, message });
  };
  const n = text.length;
  let format: SequentialFormat;
  let reasoning: string;
  let solution: string | undefined;

  const bot = text.indexOf(BEGIN_OF_THOUGHT);
  const hasOpenThoughts = bot !== -1 || text.indexOf(END_OF_THOUGHT) !== -1 || text.indexOf(BEGIN_OF_SOLUTION) !== -1;
  if (hasOpenThoughts) {
    format = "openthoughts";
    let rStart = 0;
    if (bot === -1) warn(0, "missing-begin-marker", `No ${BEGIN_OF_THOUGHT}; reasoning read from the start`);
    else {
      const s = hasContent(text, 0, bot);
      if (s !== -1) warn(s, "stray-text", `Text before ${BEGIN_OF_THOUGHT}; ignored`);
      rStart = bot + BEGIN_OF_THOUGHT.length;
    }
    const eot = text.indexOf(END_OF_THOUGHT, rStart);
    const bos = text.indexOf(BEGIN_OF_SOLUTION, eot === -1 ? rStart : eot);
    let rEnd: number;
    let after: number;
    if (eot === -1) {
      rEnd = bos === -1 ? n : bos;
      after = rEnd;
      warn(rEnd, "missing-end-marker", `No ${END_OF_THOUGHT}`);
    } else {
      rEnd = eot;
      after = eot + END_OF_THOUGHT.length;
    }
    reasoning = norm(text.slice(rStart, rEnd));
    if (bos !== -1) {
      const gap = hasContent(text, after, bos);
      if (gap !== -1) warn(gap, "stray-text", `Text before ${BEGIN_OF_SOLUTION}; ignored`);
      const sStart = bos + BEGIN_OF_SOLUTION.length;
      const eos = text.indexOf(END_OF_SOLUTION, sStart);
      if (eos === -1) warn(n, "missing-end-marker", `No ${END_OF_SOLUTION}`);
      else {
        const tail = hasContent(text, eos + END_OF_SOLUTION.length, n);
        if (tail !== -1) warn(tail, "stray-text", `Text after ${END_OF_SOLUTION}; ignored`);
      }
      solution = norm(text.slice(sStart, eos === -1 ? n : eos));
    } else {
      const tail = hasContent(text, after, n);
      if (tail !== -1) {
        warn(tail, "missing-begin-marker", `No ${BEGIN_OF_SOLUTION}; the text after the reasoning is read as the solution`);
        solution = norm(text.slice(tail));
      }
    }
  } else {
    const open = text.indexOf(THINK_OPEN);
    const close = text.indexOf(THINK_CLOSE, open === -1 ? 0 : open + THINK_OPEN.length);
    if (open === -1 && close === -1) {
      format = "plain";
      reasoning = norm(text);
    } else {
      format = "think";
      let rStart = 0;
      if (open === -1) warn(0, "missing-begin-marker", `No ${THINK_OPEN}; reasoning read from the start`);
      else {
        const s = hasContent(text, 0, open);
        if (s !== -1) warn(s, "stray-text", `Text before ${THINK_OPEN}; ignored`);
        rStart = open + THINK_OPEN.length;
      }
      if (close === -1) {
        warn(n, "missing-end-marker", `No ${THINK_CLOSE}`);
        reasoning = norm(text.slice(rStart));
      } else {
        reasoning = norm(text.slice(rStart, close));
        const tail = hasContent(text, close + THINK_CLOSE.length, n);
        if (tail !== -1) solution = norm(text.slice(tail));
      }
    }
  }
  if (solution === "") solution = undefined;
  if (reasoning === "") warn(0, "empty-reasoning", "The trace has no reasoning text");

  const diagnostics: Diagnostic[] = raw
    .sort((a, b) => a.offset - b.offset)
    .map((d) => ({ ...positionOf(text, d.offset), severity: "warning", code: d.code, message: d.message }));
  const out: SequentialTrace = { format, reasoning, diagnostics };
  if (solution !== undefined) out.solution = solution;
  return out;
}

/** Trims [start, end) of `text` by whitespace and returns the span, or undefined if blank. */
function span(text: string, start: number, end: number): TextSpan | undefined {
  let a = start;
  let b = end;
  while (a < b && isWs(text.charCodeAt(a))) a++;
  while (b > a && isWs(text.charCodeAt(b - 1))) b--;
  return a < b ? { text: text.slice(a, b), start: a, end: b } : undefined;
}

/** Non-blank lines of `text`, trimmed, with offsets. */
export function splitLines(text: string): TextSpan[] {
  const out: TextSpan[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf("\n", start);
    const s = span(text, start, nl === -1 ? text.length : nl);
    if (s !== undefined) out.push(s);
    if (nl === -1) return out;
    start = nl + 1;
  }
}

/** Abbreviations after which a "." never ends a sentence. */
const ABBREVIATIONS = new Set([
  "e.g", "i.e", "vs", "cf", "approx", "al", "resp", "viz", "a.k.a", "w.r.t", "mr", "mrs", "ms", "dr", "prof", "jr", "sr",
]);
/** Abbreviations that do not end a sentence when a number or "(" follows ("Fig. 2", "Eq. (3)"). */
const NUMBERED_ABBREVIATIONS = new Set([
  "no", "nos", "fig", "figs", "eq", "eqs", "eqn", "p", "pp", "vol", "sec", "ch", "thm", "lem", "def", "ex", "prop", "cor", "ref",
]);
const CLOSERS = new Set([")", "]", "}", '"', "'", "”", "’", "»", "*", "_"]);

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}
function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || isLower(c);
}

/** The word (letters and inner dots) that ends right before offset `i`, lower-cased. */
function wordBefore(text: string, i: number): string {
  let s = i;
  while (s > 0) {
    const c = text.charCodeAt(s - 1);
    if (isAsciiLetter(c) || (c === 46 && s - 1 > 0 && isAsciiLetter(text.charCodeAt(s - 2)))) s--;
    else break;
  }
  return text.slice(s, i).toLowerCase();
}

/** Whether only blanks precede offset `from` on its line. */
function onlyBlanksBefore(text: string, from: number): boolean {
  for (let k = from - 1; k >= 0; k--) {
    const c = text.charCodeAt(k);
    if (c === 10) return true;
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** At a "\n" at offset i: is the next line blank (a paragraph break)? */
function blankLineAhead(text: string, i: number): boolean {
  for (let k = i + 1; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 10) return true;
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return false;
}

type MathMode = "$" | "$$" | "\\(" | "\\[";

/**
 * Splits reasoning into sentences with offsets (for numbering lines in step extraction).
 * - Blank lines (paragraphs) always split; a single line break splits outside display math.
 * - `.`, `!`, `?` (and runs like `?!`, `...`), with closing quotes/brackets, split when blanks follow
 *   and the next word does not start with a lower-case letter.
 * - No split inside `$…$`, `$$…$$`, `\(…\)`, `\[…\]`, in decimals (3.14), after abbreviations
 *   (e.g., i.e., vs., etc.), before a number after Fig./Eq./No./…, or after a list number ("1. ").
 */
export function splitSentences(text: string): TextSpan[] {
  const out: TextSpan[] = [];
  const n = text.length;
  let segStart = 0;
  let math: MathMode | null = null;
  const emit = (end: number): void => {
    const s = span(text, segStart, end);
    if (s !== undefined) out.push(s);
    segStart = end;
  };
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      if (blankLineAhead(text, i)) {
        math = null;
        emit(i);
        continue;
      }
      if (math === "$") math = null;
      if (math === null) emit(i);
      continue;
    }
    if (c === 92 /* \ */) {
      const d = text[i + 1];
      if (math === null && (d === "(" || d === "[")) math = d === "(" ? "\\(" : "\\[";
      else if ((math === "\\(" && d === ")") || (math === "\\[" && d === "]")) math = null;
      i++;
      continue;
    }
    if (c === 36 /* $ */) {
      if (text.charCodeAt(i + 1) === 36) {
        if (math === null) math = "$$";
        else if (math === "$$") math = null;
        i++;
      } else if (math === null) math = "$";
      else if (math === "$") math = null;
      continue;
    }
    if (math !== null || (c !== 46 && c !== 33 && c !== 63)) continue;
    // A run of terminators, then closers.
    let j = i;
    while (j + 1 < n && (text[j + 1] === "." || text[j + 1] === "!" || text[j + 1] === "?")) j++;
    let k = j + 1;
    while (k < n && CLOSERS.has(text[k] as string)) k++;
    const next = text.charCodeAt(k);
    if (k >= n || !(next === 32 || next === 9 || next === 13)) {
      // End of text, a line break (handled above) or no blank: not a break here.
      i = j;
      continue;
    }
    let m = k;
    while (m < n && (text.charCodeAt(m) === 32 || text.charCodeAt(m) === 9 || text.charCodeAt(m) === 13)) m++;
    const after = text.charCodeAt(m);
    if (m < n && isLower(after)) {
      i = j;
      continue;
    }
    if (c === 46 && j === i) {
      const word = wordBefore(text, i);
      if (ABBREVIATIONS.has(word)) {
        i = j;
        continue;
      }
      if (NUMBERED_ABBREVIATIONS.has(word) && (after === 40 /* ( */ || (after >= 48 && after <= 57))) {
        i = j;
        continue;
      }
      if (word === "") {
        // "1. First": a list number at the start of a line.
        let d = i;
        while (d > 0 && text.charCodeAt(d - 1) >= 48 && text.charCodeAt(d - 1) <= 57) d--;
        if (d < i && onlyBlanksBefore(text, d)) {
          i = j;
          continue;
        }
      }
    }
    emit(k);
    i = k - 1;
  }
  emit(n);
  return out;
}
