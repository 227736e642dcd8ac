/**
 * The parser's state machine: walks the tokens of tags.ts and builds the raw model (indices as
 * written, texts as raw slices of the input). Table-driven: {@link STATES} says, for every state,
 * which tag closes it, which tags end it without its closer (the tag is then read again by the next
 * state), which tags it handles itself, and what separators and `**Final Answer**` headings mean in
 * it. The generic {@link Machine.step} applies that table; the actions are the methods of
 * {@link Machine}.
 *
 * A `**Final Answer**` heading ends the trajectory only when no opening tag of a block (`<Plan_p>`,
 * `<prompt_p.k>`, `<Execution_p>`, `<execution_p.k>`, `<Final_answer>`) follows it: real SPRINT
 * outputs often write the heading inside a middle plan and go on with more rounds and the real
 * `<Final_answer>`. A heading that is followed by blocks stays in the text that holds it.
 */
import { BOM, firstNonBlank, lastNonBlankEnd, normalizeText } from "./chars";
import type { DiagnosticCode, RawDiagnostic, Reporter } from "./diagnostics";
import { positionMapper } from "./diagnostics";
import { lex, tagLabel, type MdToken, type SepToken, type TagName, type TagToken, type Token } from "./tags";
import type { FinalAnswer } from "../types";

/** The canonical `-----` separator line. */
export const SEPARATOR = "-----";
/** The canonical Execution body of a round whose plan has no prompt. */
export const NO_PROMPT_TEXT = "No prompt to execute.";

// ---------------------------------------------------------------------------------------------
// Raw model

export interface RawPrompt {
  a?: number;
  b?: number;
  raw: string;
  at: number;
}

export interface RawChunk {
  separatorBefore: boolean;
  raw: string;
  rawAt: number;
  prompt?: RawPrompt;
}

export interface RawExecution {
  a?: number;
  b?: number;
  text: string;
  at: number;
}

export interface RawRound {
  orig?: number;
  at: number;
  chunks: RawChunk[];
  executions: RawExecution[];
  hasExecBlock: boolean;
  /** The plan was ended by a final answer (no Execution block expected). */
  endedByFinal: boolean;
  noPrompt: boolean;
  noPromptAt: number;
  /**
   * Why the round has no Execution block when one with its index exists later in the input (read
   * for another plan, or after the final answer): reported instead of `missing-execution-block`.
   */
  execCause?: { code: DiagnosticCode; offset: number; message: string };
}

export interface RawParse {
  rounds: RawRound[];
  question?: string;
  finalAnswer?: FinalAnswer;
  /** The input had a `<Question>` or `<think>` wrapper (a whole document). */
  document: boolean;
}

/** When a `**Final Answer**` heading ends the trajectory. */
export type MarkdownFinal = "last" | "never";

export function isNoPromptText(text: string): boolean {
  const t = text.endsWith(".") ? text.slice(0, -1) : text;
  return t.toLowerCase() === "no prompt to execute";
}

// ---------------------------------------------------------------------------------------------
// The transition table

type State = "top" | "question" | "plan" | "prompt" | "execBlock" | "exec" | "finalTag" | "finalMd" | "afterFinal";

/** `<name` for an opening tag, `</name` for a closing one. */
type TagKey = `<${TagName}` | `</${TagName}`;

function keyOf(t: TagToken): TagKey {
  return `${t.close ? "</" : "<"}${t.name}`;
}

/** A handler returns false when the token must be read again (the state changed under it). */
type Handler = (m: Machine, t: TagToken) => boolean;

interface StateSpec {
  /** "inside a plan": for "Unexpected <tag> …; ignored". */
  where: string;
  /** The opening tag of the state, reported as unclosed when the state ends without its closer. */
  opener?: (m: Machine) => TagToken | undefined;
  /** The tag that properly closes the state, and what closing does. */
  closer?: { key: TagKey; close: (m: Machine, t: TagToken) => void };
  /** Tags that end the state without its closer ("*": any tag but the closer and `on` tags). */
  endsOn?: readonly TagKey[] | "*";
  /** Ends the state at `end` (an `endsOn` tag's start, or the end of input). */
  end?: (m: Machine, end: number, t: TagToken | undefined) => void;
  /** Tags the state handles itself. */
  on?: Partial<Record<TagKey, Handler>>;
  /** Tags the table does not name (default: reported as unexpected and kept as text). */
  other?: Handler;
  sep?: (m: Machine, t: SepToken) => void;
  /** A `**Final Answer**` heading (default: part of the text). */
  heading?: (m: Machine, t: MdToken) => void;
  /** Runs before any tag or heading is handled (not separators). */
  before?: (m: Machine, t: TagToken | MdToken) => void;
  /** End of input. */
  eof: (m: Machine) => void;
}

/** Opening tags of blocks: a heading followed by any of them is not the end of the trajectory. */
const BLOCK_OPENERS: ReadonlySet<TagName> = new Set<TagName>(["plan", "prompt", "executionBlock", "execution", "finalAnswer"]);

const STATES: Record<State, StateSpec> = {
  top: {
    where: "outside any block",
    before: (m, t) => {
      m.checkTopText(m.topStart, t.start);
      m.topStart = t.end;
      if (t.kind === "tag" && m.thinkClosed && !t.close && t.name !== "think" && t.name !== "question") m.warnAfterThink(t.start);
    },
    heading: (m, t) => {
      if (m.thinkClosed) m.warnAfterThink(t.start);
      m.startMarkdownFinal(t, false);
    },
    on: {
      "<question": (m, t) => {
        if (!m.sawQuestion && m.thinkOpen === undefined && m.rounds.length === 0) m.openQuestion(t);
        else m.unexpected(t, "outside the question position");
        return true;
      },
      "</question": (m, t) => (m.unexpected(t, "outside the question position"), true),
      "<think": (m, t) => {
        if (m.thinkOpen === undefined && m.rounds.length === 0) m.thinkOpen = t;
        else m.unexpected(t, "after the trajectory started");
        return true;
      },
      "</think": (m, t) => (m.closeThink(t), true),
      "<plan": (m, t) => (m.openPlan(t, false), true),
      "</plan": (m, t) => (m.unexpected(t, "outside a plan"), true),
      "<prompt": (m, t) => {
        m.report("missing-open-tag", t.start, `${tagLabel(t)} outside a plan; opened a plan`);
        m.openPlan(t, true);
        return false;
      },
      "</prompt": (m, t) => (m.unexpected(t, "outside a plan"), true),
      "<executionBlock": (m, t) => (m.openExecBlock(t, false), true),
      "</executionBlock": (m, t) => (m.unexpected(t, "outside an Execution block"), true),
      "<execution": (m, t) => {
        m.report("missing-open-tag", t.start, `${tagLabel(t)} outside an Execution block; opened one`);
        m.openExecBlock(t, true);
        return false;
      },
      "</execution": (m, t) => (m.unexpected(t, "outside an Execution block"), true),
      "<finalAnswer": (m, t) => {
        m.finalOpen = t;
        m.finalStart = t.end;
        m.finalAt = t.start;
        m.state = "finalTag";
        return true;
      },
      "</finalAnswer": (m, t) => (m.unexpected(t, "without <Final_answer>"), true),
    },
    eof: (m) => m.checkTopText(m.topStart, m.n),
  },

  question: {
    where: "inside the question",
    opener: (m) => m.questionOpen,
    closer: {
      key: "</question",
      close: (m, t) => {
        m.closeQuestion(t.start);
        m.questionEnd = t.end;
        m.topStart = t.end;
      },
    },
    endsOn: "*",
    end: (m, end) => {
      m.closeQuestion(end);
      m.questionEnd = end;
      m.topStart = end;
    },
    eof: (m) => {
      m.unclosedAtEnd(m.questionOpen);
      m.closeQuestion(m.n);
      m.questionEnd = m.n;
    },
  },

  plan: {
    where: "inside a plan",
    opener: (m) => m.planOpen,
    sep: (m, t) => {
      m.finishPlanText(t.start);
      m.pendingSep = true;
      m.chunkStart = t.end;
      if (!t.exact) m.report("separator-variant", t.at, `Separator line read as "${SEPARATOR}"`);
    },
    heading: (m, t) => {
      m.finishPlanText(t.start);
      m.endPlanForFinal();
      m.startMarkdownFinal(t, true);
    },
    on: {
      "<prompt": (m, t) => {
        m.promptOpen = t;
        m.promptChunkEnd = t.start;
        m.promptStart = t.end;
        m.state = "prompt";
        return true;
      },
    },
    closer: {
      key: "</plan",
      close: (m, t) => {
        m.checkMismatch(t, m.planOpen, false);
        m.finishPlanText(t.start);
        m.state = "top";
        m.topStart = t.end;
      },
    },
    endsOn: ["<plan", "<executionBlock", "<execution", "<finalAnswer", "</think"],
    end: (m, end, t) => {
      m.finishPlanText(end);
      if (t?.name === "finalAnswer") m.endPlanForFinal();
      m.state = "top";
      m.topStart = end;
    },
    eof: (m) => {
      m.unclosedAtEnd(m.planOpen);
      m.finishPlanText(m.n);
    },
  },

  prompt: {
    where: "inside a prompt",
    opener: (m) => m.promptOpen,
    closer: { key: "</prompt", close: (m, t) => (m.checkMismatch(t, m.promptOpen, true), m.closePrompt(t.start, t.end)) },
    endsOn: ["<prompt", "<plan", "<executionBlock", "<execution", "<finalAnswer", "</plan", "</think"],
    end: (m, end) => m.closePrompt(end, end),
    eof: (m) => {
      m.unclosedAtEnd(m.promptOpen);
      m.unclosedAtEnd(m.planOpen);
      m.closePrompt(m.n, m.n);
      m.finishPlanText(m.n);
    },
  },

  execBlock: {
    where: "inside an Execution block",
    opener: (m) => m.execOpen,
    on: {
      "<execution": (m, t) => {
        m.recordExecSegment(t.start);
        m.innerOpen = t;
        m.innerStart = t.end;
        m.state = "exec";
        return true;
      },
    },
    closer: {
      key: "</executionBlock",
      close: (m, t) => {
        m.checkMismatch(t, m.execOpen, false);
        m.recordExecSegment(t.start);
        m.closeExecBlock(t.start);
        m.topStart = t.end;
      },
    },
    endsOn: ["<plan", "<executionBlock", "<finalAnswer", "</think"],
    end: (m, end) => {
      m.recordExecSegment(end);
      m.closeExecBlock(end);
      m.topStart = end;
    },
    other: (m, t) => {
      m.unexpected(t, "inside an Execution block");
      m.recordExecSegment(t.start);
      m.execIgnored = true;
      m.execLevelStart = t.end;
      return true;
    },
    eof: (m) => {
      m.unclosedAtEnd(m.execOpen);
      m.recordExecSegment(m.n);
      m.closeExecBlock(m.n);
    },
  },

  exec: {
    where: "inside an execution",
    opener: (m) => m.innerOpen,
    closer: {
      key: "</execution",
      close: (m, t) => {
        m.checkMismatch(t, m.innerOpen, true);
        m.closeInner(t.start);
        m.execLevelStart = t.end;
      },
    },
    endsOn: ["<execution", "<plan", "<executionBlock", "<finalAnswer", "</executionBlock", "</think"],
    end: (m, end) => {
      m.closeInner(end);
      m.execLevelStart = end;
    },
    eof: (m) => {
      m.unclosedAtEnd(m.innerOpen);
      m.closeInner(m.n);
      m.execLevelStart = m.n;
      STATES.execBlock.eof(m);
    },
  },

  finalTag: {
    where: "inside the final answer",
    opener: (m) => m.finalOpen,
    closer: {
      key: "</finalAnswer",
      close: (m, t) => {
        m.setFinal(t.start, "tag");
        m.afterStart = t.end;
      },
    },
    endsOn: ["<plan", "<executionBlock", "<finalAnswer", "</think"],
    end: (m, end) => {
      m.setFinal(end, "tag");
      m.afterStart = end;
    },
    eof: (m) => {
      m.unclosedAtEnd(m.finalOpen);
      m.setFinal(m.n, "tag");
    },
  },

  // Only reached by a heading that nothing but closing tags follow: the first tag ends the answer.
  finalMd: {
    where: "inside the final answer",
    other: (m, t) => {
      m.setFinal(t.start, "markdown");
      if (m.finalFromPlan && t.name === "plan" && t.close) {
        m.afterStart = t.end;
        return true;
      }
      m.afterStart = t.start;
      return false;
    },
    eof: (m) => m.setFinal(m.n, "markdown"),
  },

  afterFinal: {
    where: "after the final answer",
    other: (m, t) => {
      m.checkAfterText(m.afterStart, t.start);
      m.afterStart = t.end;
      if (t.name === "think" && t.close) m.closeThink(t);
      else m.dropAfterFinal(t.start, t.end);
      return true;
    },
    eof: (m) => m.checkAfterText(m.afterStart, m.n),
  },
};

// ---------------------------------------------------------------------------------------------
// The machine: state, actions and the generic step

class Machine {
  readonly n: number;
  readonly rounds: RawRound[] = [];
  state: State = "top";
  question: string | undefined;
  finalAnswer: FinalAnswer | undefined;
  /** Offset of the final answer's tag or heading. */
  finalAt: number | undefined;
  sawQuestion = false;
  questionOpen: TagToken | undefined;
  questionStart = 0;
  questionEnd = 0;
  thinkOpen: TagToken | undefined;
  thinkClosed = false;
  private afterThinkWarned = false;
  private afterFinal: RawDiagnostic | undefined;
  topStart = 0;

  // plan / prompt
  cur: RawRound | undefined;
  planOpen: TagToken | undefined;
  chunkStart = 0;
  pendingSep = false;
  promptOpen: TagToken | undefined;
  promptChunkEnd = 0;
  promptStart = 0;

  // execution block / execution
  execOpen: TagToken | undefined;
  execContentStart = 0;
  execLevelStart = 0;
  execSegments: [number, number][] = [];
  execInner = 0;
  execIgnored = false;
  innerOpen: TagToken | undefined;
  innerStart = 0;
  /** `<Execution_p>` tags read as a block → the round they were read for. */
  private readonly execBlockOwner = new Map<number, RawRound>();

  // final answer
  finalOpen: TagToken | undefined;
  finalStart = 0;
  finalFromPlan = false;
  afterStart = 0;

  /** Offset of the last opening tag of a block (see BLOCK_OPENERS), -1 when none. */
  private readonly lastBlockOpener: number;
  private toPos: ((offset: number) => { line: number }) | undefined;

  constructor(
    readonly src: string,
    private readonly tokens: readonly Token[],
    readonly report: Reporter,
    private readonly markdownFinal: MarkdownFinal,
    private readonly strict: boolean,
    private readonly diags: RawDiagnostic[],
  ) {
    this.n = src.length;
    let last = -1;
    for (const t of tokens) if (t.kind === "tag" && !t.close && BLOCK_OPENERS.has(t.name)) last = t.start;
    this.lastBlockOpener = last;
  }

  run(): RawParse {
    for (let i = 0; i < this.tokens.length; ) if (this.step(this.tokens[i] as Token)) i++;
    STATES[this.state].eof(this);
    if (this.thinkOpen !== undefined && !this.thinkClosed) this.unclosedAtEnd(this.thinkOpen);
    if (this.sawQuestion && this.thinkOpen === undefined) this.report("missing-think", this.questionEnd, "The question is not followed by <think>");
    this.explainMissingExecutionBlocks();
    return {
      rounds: this.rounds,
      ...(this.question !== undefined ? { question: this.question } : {}),
      ...(this.finalAnswer !== undefined ? { finalAnswer: this.finalAnswer } : {}),
      document: this.sawQuestion || this.thinkOpen !== undefined,
    };
  }

  /** Applies the table to one token. Returns false when the token must be handled again. */
  private step(t: Token): boolean {
    const spec = STATES[this.state];
    if (t.kind === "sep") {
      spec.sep?.(this, t);
      return true;
    }
    if (t.kind === "md") {
      if (spec.heading === undefined) return true;
      if (!this.headingIsFinal(t)) {
        // Text like any other; in strict mode it is canonical (it reads back as the same text), and
        // with markdownFinal "never" the caller knows headings are text.
        if (this.strict || this.markdownFinal === "never") return true;
        const next = this.tokens.find((x): x is TagToken => x.kind === "tag" && x.start > t.start && !x.close && BLOCK_OPENERS.has(x.name));
        const where = next !== undefined ? `${tagLabel(next)} at ${this.line(next.start)}` : "more blocks";
        this.report("markdown-heading-not-final", t.start, `**Final Answer** heading followed by ${where}; kept as text, not read as the end`);
        return true;
      }
      spec.before?.(this, t);
      spec.heading(this, t);
      return true;
    }
    spec.before?.(this, t);
    const key = keyOf(t);
    if (spec.closer?.key === key) {
      spec.closer.close(this, t);
      return true;
    }
    const handler = spec.on?.[key];
    if (handler !== undefined) return handler(this, t);
    if (spec.endsOn === "*" || spec.endsOn?.includes(key)) {
      const open = spec.opener?.(this);
      if (open !== undefined) this.unclosed(open, `before ${tagLabel(t)}`);
      spec.end?.(this, t.start, t);
      return false;
    }
    if (spec.other !== undefined) return spec.other(this, t);
    this.unexpected(t, spec.where);
    return true;
  }

  private headingIsFinal(t: MdToken): boolean {
    return this.markdownFinal === "last" && this.lastBlockOpener < t.start;
  }

  private line(offset: number): string {
    this.toPos ??= positionMapper(this.src);
    return `line ${this.toPos(offset).line}`;
  }

  // ---- reports

  unexpected(t: TagToken, where: string): void {
    this.report("unexpected-tag", t.start, `Unexpected ${tagLabel(t)} ${where}; ignored`);
  }
  unclosed(t: TagToken, why: string): void {
    this.report("unclosed-tag", t.start, `${tagLabel(t)} is not closed; closed ${why}`);
  }
  unclosedAtEnd(t: TagToken | undefined): void {
    if (t !== undefined) this.unclosed(t, "at the end of input");
  }
  /** A closing tag whose indices differ from its opening tag's (`pair`: compare both indices). */
  checkMismatch(t: TagToken, open: TagToken | undefined, pair: boolean): void {
    if (open === undefined) return;
    const differs = pair
      ? (t.a !== undefined && t.a !== open.a) || (t.b !== undefined && t.b !== open.b)
      : t.a !== undefined && open.a !== undefined && t.a !== open.a;
    if (differs) this.report("mismatched-close-tag", t.start, `${tagLabel(t)} closes ${tagLabel(open)}`);
  }
  warnAfterThink(offset: number): void {
    if (this.afterThinkWarned) return;
    this.afterThinkWarned = true;
    this.report("content-after-think", offset, "Content after </think>");
  }
  /** Text in [from, to) outside any block: reported and dropped (after </think>: not trajectory content). */
  checkTopText(from: number, to: number): void {
    let p = firstNonBlank(this.src, from, to);
    if (p === 0 && this.src.charCodeAt(0) === BOM) p = firstNonBlank(this.src, 1, to);
    if (p === -1) return;
    if (this.thinkClosed) this.warnAfterThink(p);
    else this.report("stray-text", p, "Text outside any block; ignored", [p, lastNonBlankEnd(this.src, p, to)]);
  }
  /** Content after the final answer: one diagnostic, whose dropped range grows with every piece (until </think>). */
  dropAfterFinal(start: number, end: number): void {
    if (this.afterFinal === undefined) {
      this.afterFinal = { offset: start, code: "content-after-final-answer", message: "Content after the final answer; ignored" };
      if (!this.thinkClosed) this.afterFinal.dropped = [start, end];
      this.diags.push(this.afterFinal);
      return;
    }
    if (!this.thinkClosed) this.afterFinal.dropped = [this.afterFinal.dropped?.[0] ?? start, end];
  }
  checkAfterText(from: number, to: number): void {
    const p = firstNonBlank(this.src, from, to);
    if (p !== -1) this.dropAfterFinal(p, lastNonBlankEnd(this.src, p, to));
  }

  // ---- actions

  openQuestion(t: TagToken): void {
    this.sawQuestion = true;
    this.questionOpen = t;
    this.questionStart = t.end;
    this.state = "question";
  }
  closeQuestion(end: number): void {
    this.question = normalizeText(this.src.slice(this.questionStart, end));
    this.state = "top";
  }
  closeThink(t: TagToken): void {
    if (this.thinkOpen !== undefined && !this.thinkClosed) this.thinkClosed = true;
    else this.unexpected(t, "without <think>");
  }

  private newRound(t: TagToken): RawRound {
    return { orig: t.a, at: t.start, chunks: [], executions: [], hasExecBlock: false, endedByFinal: false, noPrompt: false, noPromptAt: 0 };
  }

  openPlan(t: TagToken, implicit: boolean): void {
    this.cur = this.newRound(t);
    this.rounds.push(this.cur);
    this.planOpen = t;
    this.chunkStart = implicit ? t.start : t.end;
    this.pendingSep = false;
    this.state = "plan";
  }

  /** Pushes the plan text in [chunkStart, end) as a prompt-less chunk when it has content. */
  finishPlanText(end: number): void {
    if (this.cur === undefined) return;
    if (this.pendingSep || firstNonBlank(this.src, this.chunkStart, end) !== -1) {
      this.cur.chunks.push({ separatorBefore: this.pendingSep, raw: this.src.slice(this.chunkStart, end), rawAt: this.chunkStart });
    }
    this.pendingSep = false;
    this.chunkStart = end;
  }

  /** The plan was ended by a final answer: an empty plan is dropped (it was only a wrapper). */
  endPlanForFinal(): void {
    const cur = this.cur;
    if (cur === undefined) return;
    cur.endedByFinal = true;
    if (cur.chunks.length === 0 && this.rounds[this.rounds.length - 1] === cur) this.rounds.pop();
  }

  closePrompt(end: number, resume: number): void {
    if (this.cur !== undefined && this.promptOpen !== undefined) {
      const p = this.promptOpen;
      this.cur.chunks.push({
        separatorBefore: this.pendingSep,
        raw: this.src.slice(this.chunkStart, this.promptChunkEnd),
        rawAt: this.chunkStart,
        prompt: { a: p.a, b: p.b, raw: this.src.slice(this.promptStart, end), at: p.start },
      });
    }
    this.pendingSep = false;
    this.chunkStart = resume;
    this.state = "plan";
  }

  openExecBlock(t: TagToken, implicit: boolean): void {
    let round = this.rounds[this.rounds.length - 1];
    if (round === undefined || round.hasExecBlock || round.endedByFinal) {
      this.report("execution-without-plan", t.start, `${tagLabel(t)} has no plan before it; read as a round with an empty plan`);
      round = this.newRound(t);
      this.rounds.push(round);
    } else if (!implicit && t.a !== undefined && round.orig !== undefined && t.a !== round.orig) {
      this.report("execution-block-mismatch", t.start, `${tagLabel(t)} follows <Plan_${round.orig}>`);
    }
    if (!implicit) this.execBlockOwner.set(t.start, round);
    round.hasExecBlock = true;
    this.cur = round;
    this.execOpen = t;
    this.execContentStart = implicit ? t.start : t.end;
    this.execLevelStart = this.execContentStart;
    this.execSegments = [];
    this.execInner = 0;
    this.execIgnored = false;
    this.state = "execBlock";
  }

  recordExecSegment(end: number): void {
    if (end > this.execLevelStart) this.execSegments.push([this.execLevelStart, end]);
  }

  private noPromptBody(round: RawRound, text: string, at: number): void {
    round.noPrompt = true;
    round.noPromptAt = at;
    if (text !== NO_PROMPT_TEXT) this.report("no-prompt-variant", at, `Read ${JSON.stringify(text)} as "${NO_PROMPT_TEXT}"`);
  }

  closeExecBlock(end: number): void {
    const round = this.cur;
    const open = this.execOpen;
    this.state = "top";
    if (round === undefined || open === undefined) return;
    const { src } = this;
    if (this.execInner === 0 && !this.execIgnored) {
      const text = normalizeText(src.slice(this.execContentStart, end));
      const at = firstNonBlank(src, this.execContentStart, end);
      if (text === "") {
        if (!round.chunks.some((c) => c.prompt !== undefined)) this.report("empty-execution-block", open.start, `${tagLabel(open)} is empty; expected "${NO_PROMPT_TEXT}"`);
      } else if (isNoPromptText(text)) {
        this.noPromptBody(round, text, at);
      } else {
        this.report("missing-execution-tags", at, `Execution text without <execution_p.k> tags; read as the first execution`);
        round.executions.push({ text, at });
      }
      return;
    }
    for (const [a, b] of this.execSegments) {
      const at = firstNonBlank(src, a, b);
      if (at === -1) continue;
      const text = normalizeText(src.slice(a, b));
      if (this.execInner === 0 && isNoPromptText(text)) this.noPromptBody(round, text, at);
      else this.report("stray-text", at, "Text between executions; ignored", [at, lastNonBlankEnd(src, at, b)]);
    }
  }

  closeInner(end: number): void {
    this.execInner++;
    if (this.cur !== undefined && this.innerOpen !== undefined) {
      const t = this.innerOpen;
      this.cur.executions.push({ a: t.a, b: t.b, text: normalizeText(this.src.slice(this.innerStart, end)), at: t.start });
    }
    this.state = "execBlock";
  }

  startMarkdownFinal(t: MdToken, fromPlan: boolean): void {
    this.report("markdown-final-answer", t.start, "**Final Answer** heading read as <Final_answer>");
    this.state = "finalMd";
    this.finalStart = t.end;
    this.finalAt = t.start;
    this.finalFromPlan = fromPlan;
  }

  setFinal(end: number, style: FinalAnswer["style"]): void {
    this.finalAnswer = { text: normalizeText(this.src.slice(this.finalStart, end)), style };
    this.state = "afterFinal";
  }

  /**
   * For every plan without an Execution block, looks for an `<Execution_p>` with its index later in
   * the input and, when there is one, says why it was not this plan's block: it was read for a later
   * plan that started first, or it comes after the final answer (and was dropped with it).
   */
  private explainMissingExecutionBlocks(): void {
    const blockTags = this.tokens.filter((t): t is TagToken => t.kind === "tag" && t.name === "executionBlock" && !t.close && t.a !== undefined);
    if (blockTags.length === 0) return;
    for (const r of this.rounds) {
      if (r.hasExecBlock || r.orig === undefined) continue;
      const later = blockTags.find((t) => t.start > r.at && t.a === r.orig && this.execBlockOwner.get(t.start) !== r);
      if (later === undefined) continue;
      const owner = this.execBlockOwner.get(later.start);
      if (owner !== undefined) {
        r.execCause = {
          code: "execution-block-out-of-order",
          offset: owner.at,
          message: `Plan_${owner.orig ?? "?"} starts before Plan_${r.orig}'s <Execution_${r.orig}> (${this.line(later.start)}), which was read as Plan_${owner.orig ?? "?"}'s Execution block; Plan_${r.orig} has none`,
        };
      } else if (this.finalAt !== undefined && later.start > this.finalAt) {
        r.execCause = {
          code: "execution-block-after-final-answer",
          offset: this.finalAt,
          message: `The final answer here ends the trajectory before Plan_${r.orig}'s <Execution_${r.orig}> (${this.line(later.start)}), which was dropped with the rest`,
        };
      }
    }
  }
}

/** Runs the state machine over `src`; diagnostics go through `report` (and spelling ones into `diags`). */
export function runParser(src: string, report: Reporter, diags: RawDiagnostic[], opts: { markdownFinal?: MarkdownFinal; strict?: boolean } = {}): RawParse {
  return new Machine(src, lex(src, diags), report, opts.markdownFinal ?? "last", opts.strict === true, diags).run();
}
