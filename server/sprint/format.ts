/**
 * SPRINT trajectory format: a tolerant (and optionally strict) parser, the canonical serializer and
 * small text helpers. Pure: no I/O, no framework. The format is specified in
 * docs/sprint-method.md §1.
 *
 * Parsing runs in linear time: one pass finds the tags (each `<` is examined with a bounded,
 * hand-written matcher, no backtracking regexes), one pass finds the line constructs (`-----`,
 * `**Final Answer**`), and a state machine walks the resulting tokens.
 *
 * Design rules that make `serialize(parse(x))` a fixed point for every input string:
 * - A "logical line" starts at the start of the input, after a line feed, or right after a tag, and
 *   ends at a line feed, the end of input or the start of a tag. Separator lines and
 *   `**Final Answer**` headings are recognised only at the start of a logical line (after blanks).
 * - Texts are raw slices of the input (CRLF → LF, then trimmed of spaces, tabs, CR and LF only).
 *   A tag that does not belong where it appears is reported and kept verbatim in the text that holds
 *   it, so that the same text, serialized into the same kind of block, reads back the same way.
 */
import type { Diagnostic, DiagnosticSeverity, ExecRef, Execution, FinalAnswer, PlanChunk, Round, Trajectory } from "./types";

// ---------------------------------------------------------------------------------------------
// Public types

/** Options of {@link parseTrajectory}. */
export interface ParseOptions {
  /**
   * Strict mode, for curated data: every deviation from the canonical format (as written by
   * {@link serializeTrajectory} / {@link serializeDocument}, optionally followed by one `\n`) is an
   * error. Default false (tolerant: repairs are warnings).
   */
  strict?: boolean;
}

/** Result of {@link parseTrajectory}. */
export interface ParseResult {
  /** Everything that could be read, with indices normalized to 1..n. */
  trajectory: Trajectory;
  /** Sorted by position. Positions are 1-based lines and columns (UTF-16 code units) of the input. */
  diagnostics: Diagnostic[];
  /** False when any diagnostic is an error. */
  ok: boolean;
}

/**
 * Stable diagnostic codes. Tolerant mode reports all of them as warnings except `empty-trajectory`;
 * strict mode reports every one as an error.
 */
export type DiagnosticCode =
  | "empty-trajectory"
  | "unclosed-tag"
  | "unexpected-tag"
  | "mismatched-close-tag"
  | "missing-open-tag"
  | "tag-variant"
  | "missing-index"
  | "stray-text"
  | "renumbered-round"
  | "renumbered-prompt"
  | "renumbered-execution"
  | "execution-block-mismatch"
  | "execution-without-plan"
  | "execution-without-prompt"
  | "missing-execution"
  | "missing-execution-block"
  | "missing-execution-tags"
  | "empty-execution-block"
  | "unexpected-no-prompt"
  | "no-prompt-variant"
  | "separator-variant"
  | "markdown-final-answer"
  | "missing-final-answer"
  | "content-after-final-answer"
  | "content-after-think"
  | "missing-think"
  | "unknown-execution-ref"
  | "crlf-line-endings"
  | "non-canonical";

/** The canonical `-----` separator line. */
export const SEPARATOR = "-----";
/** The canonical Execution body of a round whose plan has no prompt. */
export const NO_PROMPT_TEXT = "No prompt to execute.";

// ---------------------------------------------------------------------------------------------
// Character helpers

const GT = 62;
const SLASH = 47;
const SPACE = 32;
const TAB = 9;
const CR = 13;
const LF = 10;
const DASH = 45;
const STAR = 42;
const UNDERSCORE = 95;
const DOT = 46;
const COLON = 58;
const BOM = 0xfeff;

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === CR || c === LF;
}
function isLineBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === CR;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Trims spaces, tabs, CR and LF (only those: the parser's notion of blank). */
function trimBlank(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isBlank(s.charCodeAt(a))) a++;
  while (b > a && isBlank(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/**
 * CR(s) before LF removed (CRLF → LF; "\r\r\n" → "\n" so that the result has no CRLF left), then
 * {@link trimBlank}. Every text of a parsed trajectory goes through this.
 */
function normalizeText(raw: string): string {
  return trimBlank(raw.indexOf("\r\n") === -1 ? raw : dropCrBeforeLf(raw));
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

/** Offset of the first non-blank character in [from, to), or -1. */
function firstNonBlank(src: string, from: number, to: number): number {
  for (let i = from; i < to; i++) if (!isBlank(src.charCodeAt(i))) return i;
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Lexer

type TagName = "question" | "think" | "plan" | "executionBlock" | "prompt" | "execution" | "finalAnswer";

interface TagToken {
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

interface SepToken {
  kind: "sep";
  start: number;
  end: number;
  /** Offset of the first dash. */
  at: number;
  exact: boolean;
}

interface MdToken {
  kind: "md";
  start: number;
  end: number;
}

type Token = TagToken | SepToken | MdToken;

interface RawDiagnostic {
  offset: number;
  code: DiagnosticCode;
  message: string;
  severity?: DiagnosticSeverity;
}

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

function readIndex(src: string, j: number): { value: number; end: number } | undefined {
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
function matchTag(src: string, i: number): TagToken | undefined {
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

const TAG_NEEDS: Record<TagName, 0 | 1 | 2> = {
  question: 0,
  think: 0,
  finalAnswer: 0,
  plan: 1,
  executionBlock: 1,
  prompt: 2,
  execution: 2,
};

/** The canonical spelling of a tag (indices as given). */
function canonicalTag(t: TagToken): string {
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
function tagLabel(t: TagToken): string {
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
function lex(src: string, diags: RawDiagnostic[] | undefined): Token[] {
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

// ---------------------------------------------------------------------------------------------
// Raw model (indices as written, texts as raw slices)

interface RawPrompt {
  a?: number;
  b?: number;
  raw: string;
  at: number;
}

interface RawChunk {
  separatorBefore: boolean;
  raw: string;
  rawAt: number;
  prompt?: RawPrompt;
}

interface RawExecution {
  a?: number;
  b?: number;
  text: string;
  at: number;
}

interface RawRound {
  orig?: number;
  at: number;
  chunks: RawChunk[];
  executions: RawExecution[];
  hasExecBlock: boolean;
  /** The plan was ended by a final answer (no Execution block expected). */
  endedByFinal: boolean;
  noPrompt: boolean;
  noPromptAt: number;
}

type Reporter = (code: DiagnosticCode, offset: number, message: string) => void;

// ---------------------------------------------------------------------------------------------
// Parser state machine

type State = "top" | "question" | "plan" | "prompt" | "execBlock" | "exec" | "finalTag" | "finalMd" | "afterFinal";

interface RawParse {
  rounds: RawRound[];
  question?: string;
  finalAnswer?: FinalAnswer;
  /** The input had a `<Question>` or `<think>` wrapper (a whole document). */
  document: boolean;
}

function isNoPromptText(text: string): boolean {
  const t = text.endsWith(".") ? text.slice(0, -1) : text;
  return t.toLowerCase() === "no prompt to execute";
}

function runParser(src: string, report: Reporter, diags: RawDiagnostic[]): RawParse {
  const tokens = lex(src, diags);
  const n = src.length;
  const rounds: RawRound[] = [];
  let state: State = "top";
  let question: string | undefined;
  let finalAnswer: FinalAnswer | undefined;
  let sawQuestion = false;
  let questionOpen: TagToken | undefined;
  let questionStart = 0;
  let questionEnd = 0;
  let thinkOpen: TagToken | undefined;
  let thinkClosed = false;
  let afterThinkWarned = false;
  let afterFinalWarned = false;
  let topStart = 0;

  // plan / prompt
  let cur: RawRound | undefined;
  let planOpen: TagToken | undefined;
  let chunkStart = 0;
  let pendingSep = false;
  let promptOpen: TagToken | undefined;
  let promptChunkEnd = 0;
  let promptStart = 0;

  // execution block / execution
  let execOpen: TagToken | undefined;
  let execContentStart = 0;
  let execLevelStart = 0;
  let execSegments: [number, number][] = [];
  let execInner = 0;
  let execIgnored = false;
  let innerOpen: TagToken | undefined;
  let innerStart = 0;

  // final answer
  let finalOpen: TagToken | undefined;
  let finalStart = 0;
  let finalFromPlan = false;
  let afterStart = 0;

  const unexpected = (t: TagToken, where: string): void =>
    report("unexpected-tag", t.start, `Unexpected ${tagLabel(t)} ${where}; ignored`);
  const unclosed = (t: TagToken, why: string): void =>
    report("unclosed-tag", t.start, `${tagLabel(t)} is not closed; closed ${why}`);

  const warnAfterThink = (offset: number): void => {
    if (afterThinkWarned) return;
    afterThinkWarned = true;
    report("content-after-think", offset, "Content after </think>");
  };

  const warnAfterFinal = (offset: number): void => {
    if (afterFinalWarned) return;
    afterFinalWarned = true;
    report("content-after-final-answer", offset, "Content after the final answer; ignored");
  };

  const checkTopText = (from: number, to: number): void => {
    let p = firstNonBlank(src, from, to);
    if (p === 0 && src.charCodeAt(0) === BOM) p = firstNonBlank(src, 1, to);
    if (p === -1) return;
    if (thinkClosed) warnAfterThink(p);
    else report("stray-text", p, "Text outside any block; ignored");
  };

  const checkAfterText = (from: number, to: number): void => {
    const p = firstNonBlank(src, from, to);
    if (p !== -1) warnAfterFinal(p);
  };

  const openPlan = (t: TagToken, implicit: boolean): void => {
    cur = {
      orig: t.a,
      at: t.start,
      chunks: [],
      executions: [],
      hasExecBlock: false,
      endedByFinal: false,
      noPrompt: false,
      noPromptAt: 0,
    };
    rounds.push(cur);
    planOpen = t;
    chunkStart = implicit ? t.start : t.end;
    pendingSep = false;
    state = "plan";
  };

  /** Pushes the plan text in [chunkStart, end) as a prompt-less chunk when it has content. */
  const finishPlanText = (end: number): void => {
    if (cur === undefined) return;
    if (pendingSep || firstNonBlank(src, chunkStart, end) !== -1) {
      cur.chunks.push({ separatorBefore: pendingSep, raw: src.slice(chunkStart, end), rawAt: chunkStart });
    }
    pendingSep = false;
    chunkStart = end;
  };

  /** The plan was ended by a final answer: an empty plan is dropped (it was only a wrapper). */
  const endPlanForFinal = (): void => {
    if (cur === undefined) return;
    cur.endedByFinal = true;
    if (cur.chunks.length === 0 && rounds[rounds.length - 1] === cur) rounds.pop();
  };

  const closePrompt = (end: number, resume: number): void => {
    if (cur !== undefined && promptOpen !== undefined) {
      cur.chunks.push({
        separatorBefore: pendingSep,
        raw: src.slice(chunkStart, promptChunkEnd),
        rawAt: chunkStart,
        prompt: { a: promptOpen.a, b: promptOpen.b, raw: src.slice(promptStart, end), at: promptOpen.start },
      });
    }
    pendingSep = false;
    chunkStart = resume;
    state = "plan";
  };

  const openExecBlock = (t: TagToken, implicit: boolean): void => {
    let round = rounds[rounds.length - 1];
    if (round === undefined || round.hasExecBlock || round.endedByFinal) {
      report("execution-without-plan", t.start, `${tagLabel(t)} has no plan before it; read as a round with an empty plan`);
      round = {
        orig: t.a,
        at: t.start,
        chunks: [],
        executions: [],
        hasExecBlock: false,
        endedByFinal: false,
        noPrompt: false,
        noPromptAt: 0,
      };
      rounds.push(round);
    } else if (!implicit && t.a !== undefined && round.orig !== undefined && t.a !== round.orig) {
      report("execution-block-mismatch", t.start, `${tagLabel(t)} follows <Plan_${round.orig}>`);
    }
    round.hasExecBlock = true;
    cur = round;
    execOpen = t;
    execContentStart = implicit ? t.start : t.end;
    execLevelStart = execContentStart;
    execSegments = [];
    execInner = 0;
    execIgnored = false;
    state = "execBlock";
  };

  const recordExecSegment = (end: number): void => {
    if (end > execLevelStart) execSegments.push([execLevelStart, end]);
  };

  const closeExecBlock = (end: number): void => {
    const round = cur;
    state = "top";
    if (round === undefined || execOpen === undefined) return;
    const hasPrompts = round.chunks.some((c) => c.prompt !== undefined);
    if (execInner === 0 && !execIgnored) {
      const text = normalizeText(src.slice(execContentStart, end));
      const at = firstNonBlank(src, execContentStart, end);
      if (text === "") {
        if (!hasPrompts) report("empty-execution-block", execOpen.start, `${tagLabel(execOpen)} is empty; expected "${NO_PROMPT_TEXT}"`);
      } else if (isNoPromptText(text)) {
        round.noPrompt = true;
        round.noPromptAt = at;
        if (text !== NO_PROMPT_TEXT) report("no-prompt-variant", at, `Read ${JSON.stringify(text)} as "${NO_PROMPT_TEXT}"`);
      } else {
        report("missing-execution-tags", at, `Execution text without <execution_p.k> tags; read as the first execution`);
        round.executions.push({ text, at });
      }
      return;
    }
    for (const [a, b] of execSegments) {
      const at = firstNonBlank(src, a, b);
      if (at === -1) continue;
      const text = normalizeText(src.slice(a, b));
      if (execInner === 0 && isNoPromptText(text)) {
        round.noPrompt = true;
        round.noPromptAt = at;
        if (text !== NO_PROMPT_TEXT) report("no-prompt-variant", at, `Read ${JSON.stringify(text)} as "${NO_PROMPT_TEXT}"`);
      } else {
        report("stray-text", at, "Text between executions; ignored");
      }
    }
  };

  const closeInner = (end: number): void => {
    execInner++;
    if (cur !== undefined && innerOpen !== undefined) {
      cur.executions.push({ a: innerOpen.a, b: innerOpen.b, text: normalizeText(src.slice(innerStart, end)), at: innerOpen.start });
    }
    state = "execBlock";
  };

  const setFinal = (end: number, style: FinalAnswer["style"]): void => {
    finalAnswer = { text: normalizeText(src.slice(finalStart, end)), style };
    state = "afterFinal";
  };

  const closeQuestion = (end: number): void => {
    question = normalizeText(src.slice(questionStart, end));
    state = "top";
  };

  /** Handles one token in the current state. Returns false when the token must be handled again (state changed). */
  const step = (t: Token): boolean => {
    switch (state) {
      case "top": {
        if (t.kind === "sep") return true;
        checkTopText(topStart, t.start);
        topStart = t.end;
        if (t.kind === "md") {
          if (thinkClosed) warnAfterThink(t.start);
          report("markdown-final-answer", t.start, "**Final Answer** heading read as <Final_answer>");
          state = "finalMd";
          finalStart = t.end;
          finalFromPlan = false;
          return true;
        }
        const structural = t.name !== "think" && t.name !== "question" && !t.close;
        if (thinkClosed && structural) warnAfterThink(t.start);
        switch (t.name) {
          case "question":
            if (!t.close && !sawQuestion && thinkOpen === undefined && rounds.length === 0) {
              sawQuestion = true;
              questionOpen = t;
              questionStart = t.end;
              state = "question";
            } else unexpected(t, "outside the question position");
            return true;
          case "think":
            if (!t.close) {
              if (thinkOpen === undefined && rounds.length === 0) thinkOpen = t;
              else unexpected(t, "after the trajectory started");
            } else if (thinkOpen !== undefined && !thinkClosed) thinkClosed = true;
            else unexpected(t, "without <think>");
            return true;
          case "plan":
            if (t.close) unexpected(t, "outside a plan");
            else openPlan(t, false);
            return true;
          case "prompt":
            if (t.close) {
              unexpected(t, "outside a plan");
              return true;
            }
            report("missing-open-tag", t.start, `${tagLabel(t)} outside a plan; opened a plan`);
            openPlan(t, true);
            return false;
          case "executionBlock":
            if (t.close) unexpected(t, "outside an Execution block");
            else openExecBlock(t, false);
            return true;
          case "execution":
            if (t.close) {
              unexpected(t, "outside an Execution block");
              return true;
            }
            report("missing-open-tag", t.start, `${tagLabel(t)} outside an Execution block; opened one`);
            openExecBlock(t, true);
            return false;
          case "finalAnswer":
            if (t.close) unexpected(t, "without <Final_answer>");
            else {
              finalOpen = t;
              finalStart = t.end;
              state = "finalTag";
            }
            return true;
        }
        return true;
      }

      case "question": {
        if (t.kind !== "tag") return true;
        if (t.name === "question" && t.close) {
          closeQuestion(t.start);
          questionEnd = t.end;
          topStart = t.end;
          return true;
        }
        if (questionOpen !== undefined) unclosed(questionOpen, `before ${tagLabel(t)}`);
        closeQuestion(t.start);
        questionEnd = t.start;
        topStart = t.start;
        return false;
      }

      case "plan": {
        if (t.kind === "sep") {
          finishPlanText(t.start);
          pendingSep = true;
          chunkStart = t.end;
          if (!t.exact) report("separator-variant", t.at, `Separator line read as "${SEPARATOR}"`);
          return true;
        }
        if (t.kind === "md") {
          finishPlanText(t.start);
          endPlanForFinal();
          report("markdown-final-answer", t.start, "**Final Answer** heading read as <Final_answer>");
          state = "finalMd";
          finalStart = t.end;
          finalFromPlan = true;
          return true;
        }
        if (t.name === "prompt" && !t.close) {
          promptOpen = t;
          promptChunkEnd = t.start;
          promptStart = t.end;
          state = "prompt";
          return true;
        }
        if (t.name === "plan" && t.close) {
          if (planOpen !== undefined && t.a !== undefined && planOpen.a !== undefined && t.a !== planOpen.a) {
            report("mismatched-close-tag", t.start, `${tagLabel(t)} closes ${tagLabel(planOpen)}`);
          }
          finishPlanText(t.start);
          state = "top";
          topStart = t.end;
          return true;
        }
        const ends =
          (!t.close && (t.name === "plan" || t.name === "executionBlock" || t.name === "execution" || t.name === "finalAnswer")) ||
          (t.close && t.name === "think");
        if (ends) {
          if (planOpen !== undefined) unclosed(planOpen, `before ${tagLabel(t)}`);
          finishPlanText(t.start);
          if (t.name === "finalAnswer") endPlanForFinal();
          state = "top";
          topStart = t.start;
          return false;
        }
        unexpected(t, "inside a plan");
        return true;
      }

      case "prompt": {
        if (t.kind !== "tag") return true;
        if (t.name === "prompt" && t.close) {
          if (promptOpen !== undefined && ((t.a !== undefined && t.a !== promptOpen.a) || (t.b !== undefined && t.b !== promptOpen.b))) {
            report("mismatched-close-tag", t.start, `${tagLabel(t)} closes ${tagLabel(promptOpen)}`);
          }
          closePrompt(t.start, t.end);
          return true;
        }
        const ends =
          (!t.close && (t.name === "prompt" || t.name === "plan" || t.name === "executionBlock" || t.name === "execution" || t.name === "finalAnswer")) ||
          (t.close && (t.name === "plan" || t.name === "think"));
        if (ends) {
          if (promptOpen !== undefined) unclosed(promptOpen, `before ${tagLabel(t)}`);
          closePrompt(t.start, t.start);
          return false;
        }
        unexpected(t, "inside a prompt");
        return true;
      }

      case "execBlock": {
        if (t.kind !== "tag") return true;
        if (t.name === "execution" && !t.close) {
          recordExecSegment(t.start);
          innerOpen = t;
          innerStart = t.end;
          state = "exec";
          return true;
        }
        if (t.name === "executionBlock" && t.close) {
          if (execOpen !== undefined && t.a !== undefined && execOpen.a !== undefined && t.a !== execOpen.a) {
            report("mismatched-close-tag", t.start, `${tagLabel(t)} closes ${tagLabel(execOpen)}`);
          }
          recordExecSegment(t.start);
          closeExecBlock(t.start);
          topStart = t.end;
          return true;
        }
        const ends = (!t.close && (t.name === "plan" || t.name === "executionBlock" || t.name === "finalAnswer")) || (t.close && t.name === "think");
        if (ends) {
          if (execOpen !== undefined) unclosed(execOpen, `before ${tagLabel(t)}`);
          recordExecSegment(t.start);
          closeExecBlock(t.start);
          topStart = t.start;
          return false;
        }
        unexpected(t, "inside an Execution block");
        recordExecSegment(t.start);
        execIgnored = true;
        execLevelStart = t.end;
        return true;
      }

      case "exec": {
        if (t.kind !== "tag") return true;
        if (t.name === "execution" && t.close) {
          if (innerOpen !== undefined && ((t.a !== undefined && t.a !== innerOpen.a) || (t.b !== undefined && t.b !== innerOpen.b))) {
            report("mismatched-close-tag", t.start, `${tagLabel(t)} closes ${tagLabel(innerOpen)}`);
          }
          closeInner(t.start);
          execLevelStart = t.end;
          return true;
        }
        const ends =
          (!t.close && (t.name === "execution" || t.name === "plan" || t.name === "executionBlock" || t.name === "finalAnswer")) ||
          (t.close && (t.name === "executionBlock" || t.name === "think"));
        if (ends) {
          if (innerOpen !== undefined) unclosed(innerOpen, `before ${tagLabel(t)}`);
          closeInner(t.start);
          execLevelStart = t.start;
          return false;
        }
        unexpected(t, "inside an execution");
        return true;
      }

      case "finalTag": {
        if (t.kind !== "tag") return true;
        if (t.name === "finalAnswer" && t.close) {
          setFinal(t.start, "tag");
          afterStart = t.end;
          return true;
        }
        const ends = (!t.close && (t.name === "plan" || t.name === "executionBlock" || t.name === "finalAnswer")) || (t.close && t.name === "think");
        if (ends) {
          if (finalOpen !== undefined) unclosed(finalOpen, `before ${tagLabel(t)}`);
          setFinal(t.start, "tag");
          afterStart = t.start;
          return false;
        }
        unexpected(t, "inside the final answer");
        return true;
      }

      case "finalMd": {
        if (t.kind !== "tag") return true;
        setFinal(t.start, "markdown");
        afterStart = t.start;
        if (finalFromPlan && t.name === "plan" && t.close) {
          afterStart = t.end;
          return true;
        }
        return false;
      }

      case "afterFinal": {
        if (t.kind !== "tag") return true;
        checkAfterText(afterStart, t.start);
        afterStart = t.end;
        if (t.name === "think" && t.close) {
          if (thinkOpen !== undefined && !thinkClosed) thinkClosed = true;
          else unexpected(t, "without <think>");
        } else {
          warnAfterFinal(t.start);
        }
        return true;
      }
    }
  };

  for (let ti = 0; ti < tokens.length; ) {
    const t = tokens[ti] as Token;
    if (step(t)) ti++;
  }

  // End of input: close whatever is open.
  switch (state as State) {
    case "top":
      checkTopText(topStart, n);
      break;
    case "question":
      if (questionOpen !== undefined) unclosed(questionOpen, "at the end of input");
      closeQuestion(n);
      questionEnd = n;
      break;
    case "plan":
      if (planOpen !== undefined) unclosed(planOpen, "at the end of input");
      finishPlanText(n);
      break;
    case "prompt":
      if (promptOpen !== undefined) unclosed(promptOpen, "at the end of input");
      if (planOpen !== undefined) unclosed(planOpen, "at the end of input");
      closePrompt(n, n);
      finishPlanText(n);
      break;
    case "exec":
      if (innerOpen !== undefined) unclosed(innerOpen, "at the end of input");
      closeInner(n);
      execLevelStart = n;
      if (execOpen !== undefined) unclosed(execOpen, "at the end of input");
      closeExecBlock(n);
      break;
    case "execBlock":
      if (execOpen !== undefined) unclosed(execOpen, "at the end of input");
      recordExecSegment(n);
      closeExecBlock(n);
      break;
    case "finalTag":
      if (finalOpen !== undefined) unclosed(finalOpen, "at the end of input");
      setFinal(n, "tag");
      break;
    case "finalMd":
      setFinal(n, "markdown");
      break;
    case "afterFinal":
      checkAfterText(afterStart, n);
      break;
  }
  if (thinkOpen !== undefined && !thinkClosed) unclosed(thinkOpen, "at the end of input");
  if (sawQuestion && thinkOpen === undefined) report("missing-think", questionEnd, "The question is not followed by <think>");
  return { rounds, question, finalAnswer, document: sawQuestion || thinkOpen !== undefined };
}

// ---------------------------------------------------------------------------------------------
// Index normalization (shared by parseTrajectory and renumberTrajectory)

interface RefSpan extends ExecRef {
  /** Offset of "execution_" in the scanned text. */
  start: number;
  /** Offsets of the "x.y" digits. */
  numStart: number;
  numEnd: number;
}

const BASED_ON = "based on";
const EXECUTION_PREFIX = "execution_";

/**
 * References in "Based on execution_x.y, …:" lines (a line that starts, after blanks, with
 * "Based on", any case). References are read up to the line's first ":".
 */
function scanBasedOn(text: string): RefSpan[] {
  const out: RefSpan[] = [];
  const n = text.length;
  let ls = 0;
  for (;;) {
    let le = text.indexOf("\n", ls);
    if (le === -1) le = n;
    let q = ls;
    while (q < le && isLineBlank(text.charCodeAt(q))) q++;
    if (le - q >= BASED_ON.length && text.slice(q, q + BASED_ON.length).toLowerCase() === BASED_ON) {
      const full = text.slice(q, le);
      const colon = full.indexOf(":");
      const stop = colon === -1 ? le : q + colon;
      const line = (colon === -1 ? full : full.slice(0, colon)).toLowerCase();
      let s = line.indexOf(EXECUTION_PREFIX);
      while (s !== -1) {
        const numStart = q + s + EXECUTION_PREFIX.length;
        const round = readIndex(text, numStart);
        if (round !== undefined && text.charCodeAt(round.end) === DOT) {
          const index = readIndex(text, round.end + 1);
          if (index !== undefined && index.end <= stop) {
            out.push({ round: round.value, index: index.value, start: q + s, numStart, numEnd: index.end });
          }
        }
        s = line.indexOf(EXECUTION_PREFIX, s + EXECUTION_PREFIX.length);
      }
    }
    if (le >= n) break;
    ls = le + 1;
  }
  return out;
}

interface RoundRefs {
  round: number;
  executions: Map<number, number>;
}

/** Rewrites a chunk's "Based on" references through the map of earlier rounds; reports unknown ones. */
function resolveChunkText(
  raw: string,
  rawAt: number,
  refMap: Map<number, RoundRefs>,
  report: Reporter | undefined,
  normalize: boolean,
): string {
  const refs = scanBasedOn(raw);
  let text = raw;
  if (refs.length > 0) {
    let out = "";
    let last = 0;
    let changed = false;
    for (const ref of refs) {
      const entry = refMap.get(ref.round);
      const index = entry?.executions.get(ref.index);
      if (entry === undefined || index === undefined) {
        report?.("unknown-execution-ref", rawAt + ref.start, `execution_${ref.round}.${ref.index} is not an execution of an earlier round`);
        continue;
      }
      if (entry.round !== ref.round || index !== ref.index) {
        out += `${raw.slice(last, ref.numStart)}${entry.round}.${index}`;
        last = ref.numEnd;
        changed = true;
      }
    }
    if (changed) text = out + raw.slice(last);
  }
  return normalize ? normalizeText(text) : text;
}

/**
 * Turns raw rounds into rounds numbered 1..n, prompts 1..k in order, executions matched to their
 * prompts (by the index as written, then by position; extras numbered after the prompts), and
 * "Based on" references rewritten to the new numbers.
 */
function buildRounds(raw: readonly RawRound[], report: Reporter | undefined, normalize: boolean): Round[] {
  const refMap = new Map<number, RoundRefs>();
  const rounds: Round[] = [];
  const norm = normalize ? normalizeText : (s: string): string => s;
  raw.forEach((r, i) => {
    const index = i + 1;
    const origRound = r.orig ?? index;
    if (r.orig !== undefined && r.orig !== index) report?.("renumbered-round", r.at, `Plan_${r.orig} renumbered to Plan_${index}`);

    // Prompts.
    const prompts: { origK: number; at: number }[] = [];
    const chunks: PlanChunk[] = r.chunks.map((c) => {
      const chunk: PlanChunk = { separatorBefore: c.separatorBefore, text: resolveChunkText(c.raw, c.rawAt, refMap, report, normalize) };
      if (c.prompt !== undefined) {
        const k = prompts.length + 1;
        const p = c.prompt;
        if ((p.b !== undefined && p.b !== k) || (p.a !== undefined && p.a !== origRound)) {
          report?.("renumbered-prompt", p.at, `prompt_${p.a ?? "?"}.${p.b ?? "?"} renumbered to prompt_${index}.${k}`);
        }
        prompts.push({ origK: p.b ?? k, at: p.at });
        chunk.prompt = { index: k, text: norm(p.raw) };
      }
      return chunk;
    });

    // Executions: exact index first, then position, then extras.
    const assigned: (number | undefined)[] = r.executions.map(() => undefined);
    const taken: boolean[] = prompts.map(() => false);
    const byOrigK = new Map<number, number[]>();
    for (let pi = prompts.length - 1; pi >= 0; pi--) {
      const key = (prompts[pi] as { origK: number }).origK;
      const list = byOrigK.get(key);
      if (list === undefined) byOrigK.set(key, [pi]);
      else list.push(pi);
    }
    r.executions.forEach((e, j) => {
      if (e.b === undefined) return;
      const k = byOrigK.get(e.b)?.pop();
      if (k !== undefined) {
        taken[k] = true;
        assigned[j] = k + 1;
        if (e.a !== undefined && e.a !== origRound) {
          report?.("renumbered-execution", e.at, `execution_${e.a}.${e.b} read as execution_${index}.${k + 1} (it is in round ${origRound})`);
        }
      }
    });
    let extra = prompts.length;
    let free = 0; // first prompt that may lack an execution (taken only ever turns true)
    r.executions.forEach((e, j) => {
      if (assigned[j] !== undefined) return;
      while (free < taken.length && taken[free] === true) free++;
      const k = free < taken.length ? free : -1;
      const label = `execution_${e.a ?? "?"}.${e.b ?? "?"}`;
      if (k !== -1) {
        taken[k] = true;
        assigned[j] = k + 1;
        if (e.b !== undefined) report?.("renumbered-execution", e.at, `${label} has no matching prompt; read as execution_${index}.${k + 1}`);
      } else {
        extra++;
        assigned[j] = extra;
        report?.("execution-without-prompt", e.at, `${label} has no matching prompt; kept as execution_${index}.${extra}`);
      }
    });
    const executions: Execution[] = r.executions
      .map((e, j) => ({ index: assigned[j] as number, text: e.text }))
      .sort((x, y) => x.index - y.index);

    if (report !== undefined) {
      if (!r.hasExecBlock) {
        if (!r.endedByFinal || prompts.length > 0) report("missing-execution-block", r.at, `Plan_${origRound} has no Execution block`);
      } else {
        if (r.noPrompt && prompts.length > 0) report("unexpected-no-prompt", r.noPromptAt, `"${NO_PROMPT_TEXT}" but Plan_${origRound} has prompts`);
        prompts.forEach((p, pi) => {
          if (!taken[pi]) report("missing-execution", p.at, `prompt_${index}.${pi + 1} has no execution`);
        });
      }
    }

    const execMap = new Map<number, number>();
    r.executions.forEach((e, j) => {
      const key = e.b ?? (assigned[j] as number);
      if (!execMap.has(key)) execMap.set(key, assigned[j] as number);
    });
    refMap.set(origRound, { round: index, executions: execMap });
    rounds.push({ index, chunks, executions });
  });
  return rounds;
}

// ---------------------------------------------------------------------------------------------
// Parse

/** Converts offsets to 1-based line/column (UTF-16 code units; a line ends at "\n"). */
function positionMapper(src: string): (offset: number) => { line: number; column: number } {
  const starts: number[] = [0];
  for (let i = src.indexOf("\n"); i !== -1; i = src.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
  };
}

function snippet(s: string): string {
  return JSON.stringify(s.length > 24 ? `${s.slice(0, 24)}…` : s);
}

/**
 * Parses a SPRINT trajectory: a whole document (`<Question>…</Question>` then `<think>…</think>`)
 * or just the body (Plan/Execution blocks and the final answer).
 *
 * Tolerant (default): never throws; repairs are warnings (missing closers, `**Final Answer**`,
 * stray text, renumbered/skipped indices normalized to 1..n, executions without prompts, CRLF,
 * whitespace/case variants of tags, …). `ok` is false only for errors (nothing readable).
 * Strict: every deviation from the canonical layout is an error.
 *
 * Chunks follow {@link PlanChunk}: a chunk ends right after its prompt's closing tag, `-----` lines
 * set `separatorBefore` of the next chunk, text after the last prompt is a prompt-less chunk, and
 * "Based on …" lines stay in `text` (renumbered along with the executions they name).
 * The final answer's `forced` flag cannot be seen in text and is never set.
 */
export function parseTrajectory(text: string, opts: ParseOptions = {}): ParseResult {
  const strict = opts.strict === true;
  const raw: RawDiagnostic[] = [];
  const report: Reporter = (code, offset, message) => raw.push({ offset, code, message });
  const crlf = text.indexOf("\r\n");
  if (crlf !== -1) report("crlf-line-endings", crlf, "CRLF line endings read as LF");

  const parsed = runParser(text, report, raw);
  const rounds = buildRounds(parsed.rounds, report, true);
  const trajectory: Trajectory = { rounds };
  if (parsed.question !== undefined) trajectory.question = parsed.question;
  if (parsed.finalAnswer !== undefined) trajectory.finalAnswer = parsed.finalAnswer;

  if (rounds.length === 0 && parsed.finalAnswer === undefined) {
    raw.push({ offset: 0, code: "empty-trajectory", message: "No plan, execution or final answer found", severity: "error" });
  } else if (parsed.finalAnswer === undefined) {
    report("missing-final-answer", text.length, "No final answer");
  }

  if (strict && raw.length === 0) {
    const expected = parsed.document ? serializeDocument(trajectory) : serializeTrajectory(trajectory);
    const actual = text.endsWith("\n") && !expected.endsWith("\n") ? text.slice(0, -1) : text;
    if (actual !== expected) {
      let i = 0;
      const m = Math.min(actual.length, expected.length);
      while (i < m && actual.charCodeAt(i) === expected.charCodeAt(i)) i++;
      report("non-canonical", i, `Not the canonical layout: expected ${snippet(expected.slice(i))}, found ${snippet(actual.slice(i))}`);
    }
  }

  const toPos = positionMapper(text);
  const diagnostics: Diagnostic[] = raw
    .map((d, order) => ({ d, order }))
    .sort((x, y) => x.d.offset - y.d.offset || x.order - y.order)
    .map(({ d }) => ({
      ...toPos(d.offset),
      severity: strict ? "error" : (d.severity ?? "warning"),
      code: d.code,
      message: d.message,
    }));
  return { trajectory, diagnostics, ok: diagnostics.every((d) => d.severity !== "error") };
}

/**
 * Renumbers a trajectory: rounds 1..n, prompts 1..k per round in chunk order, executions matched to
 * prompts by their current index (then by position; extras numbered after the prompts) and sorted,
 * and references in "Based on" lines rewritten to the new numbers. Texts are not otherwise changed.
 */
export function renumberTrajectory(t: Trajectory): Trajectory {
  const raw: RawRound[] = t.rounds.map((r) => ({
    orig: r.index,
    at: 0,
    chunks: r.chunks.map((c) => ({
      separatorBefore: c.separatorBefore,
      raw: c.text,
      rawAt: 0,
      ...(c.prompt !== undefined ? { prompt: { a: r.index, b: c.prompt.index, raw: c.prompt.text, at: 0 } } : {}),
    })),
    executions: r.executions.map((e) => ({ a: r.index, b: e.index, text: e.text, at: 0 })),
    hasExecBlock: true,
    endedByFinal: false,
    noPrompt: false,
    noPromptAt: 0,
  }));
  return { ...t, rounds: buildRounds(raw, undefined, false) };
}

// ---------------------------------------------------------------------------------------------
// Serialize

function block(open: string, body: string, close: string): string {
  return body === "" ? `${open}\n${close}` : `${open}\n${body}\n${close}`;
}

/** `<prompt_p.k> text </prompt_p.k>` (no inner spaces when the text is empty). */
export function serializePrompt(round: number, index: number, text: string): string {
  const open = `<prompt_${round}.${index}>`;
  const close = `</prompt_${round}.${index}>`;
  return text === "" ? `${open}${close}` : `${open} ${text} ${close}`;
}

/** The lines inside `<Plan_p>` … `</Plan_p>`: separators, chunk texts and prompts, joined by "\n". */
export function serializeChunks(round: number, chunks: readonly PlanChunk[]): string {
  const lines: string[] = [];
  for (const c of chunks) {
    if (c.separatorBefore) lines.push(SEPARATOR);
    if (c.text !== "") lines.push(c.text);
    if (c.prompt !== undefined) lines.push(serializePrompt(round, c.prompt.index, c.prompt.text));
  }
  return lines.join("\n");
}

/** `<Plan_p>\n…\n</Plan_p>`. */
export function serializePlan(round: Round): string {
  return block(`<Plan_${round.index}>`, serializeChunks(round.index, round.chunks), `</Plan_${round.index}>`);
}

/** `<execution_p.k>\ntext\n</execution_p.k>`. */
export function serializeExecution(round: number, execution: Execution): string {
  const tag = `execution_${round}.${execution.index}`;
  return block(`<${tag}>`, execution.text, `</${tag}>`);
}

/**
 * `<Execution_p>` with its `<execution_p.k>` blocks, or `No prompt to execute.` when the round has
 * neither executions nor prompts (a round with prompts but no executions yet gets an empty block).
 */
export function serializeExecutions(round: Round): string {
  let body: string;
  if (round.executions.length > 0) body = round.executions.map((e) => serializeExecution(round.index, e)).join("\n");
  else body = round.chunks.some((c) => c.prompt !== undefined) ? "" : NO_PROMPT_TEXT;
  return block(`<Execution_${round.index}>`, body, `</Execution_${round.index}>`);
}

/** Plan block, blank line, Execution block. */
export function serializeRound(round: Round): string {
  return `${serializePlan(round)}\n\n${serializeExecutions(round)}`;
}

/** `<Final_answer>\n…\n</Final_answer>` (always the tag form, whatever the parsed style). */
export function serializeFinalAnswer(answer: FinalAnswer): string {
  return block("<Final_answer>", answer.text, "</Final_answer>");
}

/**
 * The canonical body: rounds (Plan, blank line, Execution) and the final answer, separated by blank
 * lines; no trailing newline. The question is not included (see {@link serializeDocument}).
 */
export function serializeTrajectory(t: Trajectory): string {
  const parts = t.rounds.map(serializeRound);
  if (t.finalAnswer !== undefined) parts.push(serializeFinalAnswer(t.finalAnswer));
  return parts.join("\n\n");
}

/**
 * The whole document: `<Question>\n…\n</Question>\n\n<think>\n…\n</think>`. Without a question
 * (undefined), only the think block.
 */
export function serializeDocument(t: Trajectory): string {
  const think = block("<think>", serializeTrajectory(t), "</think>");
  return t.question === undefined ? think : `${block("<Question>", t.question, "</Question>")}\n\n${think}`;
}

// ---------------------------------------------------------------------------------------------
// Text helpers

/**
 * References of every "Based on execution_x.y, …:" line in `text`, in order, without duplicates.
 */
export function basedOnRefs(text: string): ExecRef[] {
  const seen = new Set<string>();
  const out: ExecRef[] = [];
  for (const r of scanBasedOn(text)) {
    const key = `${r.round}.${r.index}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ round: r.round, index: r.index });
  }
  return out;
}

/** `Based on execution_1.1, execution_1.2:` — or "" for no references. */
export function formatBasedOn(refs: readonly ExecRef[]): string {
  if (refs.length === 0) return "";
  return `Based on ${refs.map((r) => `execution_${r.round}.${r.index}`).join(", ")}:`;
}

/**
 * Removes every SPRINT tag (`<Question>`, `<think>`, `<Plan_p>`, `<prompt_p.k>`, `<Execution_p>`,
 * `<execution_p.k>`, `<Final_answer>`, opening or closing, in any variant the parser reads) and
 * nothing else. Used before counting tokens.
 */
export function stripTags(text: string): string {
  let out = "";
  let last = 0;
  let i = text.indexOf("<");
  while (i !== -1) {
    const t = matchTag(text, i);
    if (t !== undefined) {
      out += text.slice(last, t.start);
      last = t.end;
      i = text.indexOf("<", t.end);
    } else {
      i = text.indexOf("<", i + 1);
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

const BOXED = "\\boxed";

/**
 * Content of the last `\boxed{…}` with balanced braces (`\{` and `\}` do not count), or undefined.
 * Of nested boxes the outermost wins; an unbalanced (truncated) box is skipped. Linear time.
 */
export function extractBoxed(text: string): string | undefined {
  const stack: { boxStart: number }[] = [];
  let best: { start: number; end: number } | undefined;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) {
      if (text.startsWith(BOXED, i)) {
        let j = i + BOXED.length;
        while (j < n && (text.charCodeAt(j) === SPACE || text.charCodeAt(j) === TAB)) j++;
        if (text.charCodeAt(j) === 123 /* { */) {
          stack.push({ boxStart: j + 1 });
          i = j;
          continue;
        }
        i = j - 1;
        continue;
      }
      i++; // skip the escaped character (\{, \}, \\ …)
      continue;
    }
    if (c === 123) stack.push({ boxStart: -1 });
    else if (c === 125 /* } */) {
      const open = stack.pop();
      if (open !== undefined && open.boxStart !== -1 && (best === undefined || i > best.end)) best = { start: open.boxStart, end: i };
    }
  }
  return best === undefined ? undefined : text.slice(best.start, best.end);
}
