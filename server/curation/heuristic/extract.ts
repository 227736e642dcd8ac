/**
 * Offline step extraction (curation step 1 without an LLM): groups numbered lines into components.
 *
 * A component opens with its plan — the intent sentence(s) ("Let me try …", "Alternatively, …",
 * "Going back to …", "Wait, …") — and continues with execution lines (the work) until the next
 * opening; its trailing judgements ("That works!", "Dead end.", "So the answer is \boxed{…}") are
 * its comment lines. Boundaries:
 * - an intent sentence once the current component has execution lines;
 * - a verification sentence ("Let me verify/check/double-check", "To confirm") — always a new
 *   component unless the current one is itself a verification still in its plan (the paper:
 *   verifying an earlier result is a new component);
 * - a paragraph start that states an intent, or any paragraph start (when known, see {@link paragraphStartsOf}) once the current component has
 *   execution lines, unless the paragraph merely continues ("So …", "Then …") or judges the work.
 * Every line belongs to exactly one range of exactly one step; ranges never overlap. Short
 * executions are left as they are (the core's fold rule, `foldShortExecutions`, handles them).
 * Pure and linear in the number of lines.
 */
import type { LineRange, Step } from "../../sprint/steps";
import type { TextSpan } from "../../sprint/sequential";
import { isCommentSentence, isContinuationSentence, isIntentSentence, isVerifySentence, isWorkSentence } from "./lexicon";
import { promptForStep, promptFromPlan } from "./prompt";

/** Options of the heuristic backend. */
export interface HeuristicOptions {
  /**
   * 1-based numbers of the lines that open a paragraph (a blank line before them in the source
   * text). `splitSentences` reports paragraphs only through its offsets; {@link paragraphStartsOf}
   * recovers them. Without this, boundaries come from discourse markers alone.
   */
  paragraphStarts?: readonly number[];
  /** The question: its numbers are givens, never treated as results of a step (default none). */
  question?: string;
  /** Apply the transitive reduction to the DAG (immediate parents only; default true). */
  transitiveReduction?: boolean;
  /** Steps with fewer words merge into a neighbour (default {@link MIN_STEP_WORDS}; 0 disables). */
  minStepWords?: number;
  /**
   * Let any step (not only verifications) depend on earlier steps whose equations it restates
   * (default false: on Countdown this adds false edges between unrelated lines of attack).
   */
  restatedEquations?: boolean;
}

/** Per-line classification. */
export interface LineClass {
  verify: boolean;
  intent: boolean;
  comment: boolean;
  continuation: boolean;
  work: boolean;
  /** Has a digit: a non-intent sentence with numbers is work, not setup. */
  digits: boolean;
}

export function classifyLine(line: string): LineClass {
  const verify = isVerifySentence(line);
  return {
    verify,
    intent: verify || isIntentSentence(line),
    comment: isCommentSentence(line),
    continuation: isContinuationSentence(line),
    work: isWorkSentence(line),
    digits: /\d/.test(line),
  };
}

/**
 * 1-based numbers of the spans that open a paragraph: the first span and every span separated from
 * the previous one by a blank line (two line breaks with only blanks between) in `text`.
 */
export function paragraphStartsOf(text: string, spans: readonly TextSpan[]): number[] {
  const out: number[] = [];
  spans.forEach((s, i) => {
    if (i === 0) {
      out.push(1);
      return;
    }
    const prev = spans[i - 1] as TextSpan;
    if (/\n[ \t\r]*\n/.test(text.slice(prev.end, s.start))) out.push(i + 1);
  });
  return out;
}

/** A component under construction: 1-based inclusive line numbers. */
interface Draft {
  start: number;
  /** Last plan line (start - 1 when the component has no plan). */
  planEnd: number;
  end: number;
  hasExec: boolean;
  verify: boolean;
}

/** Component line ranges: plan, execution and comment, each possibly absent. */
export interface ComponentRanges {
  planLines?: LineRange;
  executionLines?: LineRange;
  commentLines?: LineRange;
  verify: boolean;
}

/** Groups lines into components (ranges only). Exported for tests and the DAG builder. */
export function segmentLines(lines: readonly string[], opts: HeuristicOptions = {}, classes?: readonly LineClass[]): ComponentRanges[] {
  const cls = classes ?? lines.map(classifyLine);
  const paragraph = new Set(opts.paragraphStarts ?? []);
  const drafts: Draft[] = [];
  let cur: Draft | null = null;
  for (let n = 1; n <= lines.length; n++) {
    const c = cls[n - 1] as LineClass;
    let open = cur === null;
    if (cur !== null) {
      if (c.verify && (cur.hasExec || !cur.verify)) open = true;
      else if (c.intent && cur.hasExec) open = true;
      else if (paragraph.has(n) && FINAL_ANSWER.test(lines[n - 1] ?? "")) open = true;
      // A paragraph opens a component, except pure work after a plan-only announcement ("Case 1: …" then
      // its equations), a judgement, or a continuation of work ("So 3 + 4 = 7").
      else if (
        paragraph.has(n) &&
        !c.comment &&
        (!c.continuation || (cur.hasExec && !c.work && !c.digits)) &&
        (cur.hasExec || c.intent || drafts.length === 1 || !c.work)
      ) open = true;
    }
    if (open || cur === null) {
      cur = { start: n, planEnd: n - 1, end: n, hasExec: false, verify: c.verify };
      drafts.push(cur);
      // The opening line is plan when it states an intent or is not work (setup, restatement).
      if (c.intent || (!c.work && !c.comment)) cur.planEnd = n;
      else cur.hasExec = true;
      continue;
    }
    cur.end = n;
    if (!cur.hasExec && (c.intent || (!c.work && !c.comment && !c.digits))) cur.planEnd = n;
    else cur.hasExec = true;
  }
  return mergeShort(drafts, lines, opts.minStepWords ?? MIN_STEP_WORDS).map((d) => {
    const out: ComponentRanges = { verify: d.verify };
    if (d.planEnd >= d.start) out.planLines = [d.start, d.planEnd];
    const execStart = d.planEnd + 1;
    if (execStart <= d.end) {
      // Trailing judgements become the comment.
      let commentStart = d.end + 1;
      while (commentStart - 1 >= execStart && (cls[commentStart - 2] as LineClass).comment) commentStart--;
      if (commentStart > execStart) out.executionLines = [execStart, commentStart - 1];
      if (commentStart <= d.end) out.commentLines = [commentStart, d.end];
    }
    return out;
  });
}

/** Steps with fewer words than this merge into a neighbour (default of {@link HeuristicOptions.minStepWords}). */
export const MIN_STEP_WORDS = 8;

const FINAL_ANSWER = /^\s*(?:\*\*|#+\s*)?final answer\b/i;

/**
 * Merges drafts shorter than `minWords` words into a neighbour: into the previous one (its lines extend
 * that component — its trailing comment when they judge the work, else its execution, or its plan when it
 * has no execution yet), or — for the first draft — into the next one (as the start of its plan). A
 * verification and a "**Final Answer**" draft stay on their own.
 */
function mergeShort(drafts: Draft[], lines: readonly string[], minWords: number): Draft[] {
  if (minWords <= 0 || drafts.length < 2) return drafts;
  const words = (d: Draft): number => {
    let n = 0;
    for (let i = d.start; i <= d.end; i++) n += ((lines[i - 1] ?? "").match(/\S+/g) ?? []).length;
    return n;
  };
  const out: Draft[] = [];
  for (const d of drafts) {
    const prev = out[out.length - 1];
    const short = words(d) < minWords && !FINAL_ANSWER.test(lines[d.start - 1] ?? "");
    if (prev && short && !d.verify) {
      // Appended after prev's last line: it becomes prev's comment (prev keeps its plan/execution split).
      prev.end = d.end;
      if (!prev.hasExec) prev.planEnd = d.end;
      continue;
    }
    out.push(d);
  }
  // A short first draft (a one-line "Okay." opening) joins the next draft's plan.
  const first = out[0];
  const second = out[1];
  if (first && second && words(first) < minWords && !first.hasExec) {
    second.start = first.start; // its plan range now starts at the opening line
    out.shift();
  }
  return out;
}

function textOf(lines: readonly string[], range: LineRange | undefined, paragraph: ReadonlySet<number>): string {
  if (!range) return "";
  let out = "";
  for (let n = range[0]; n <= range[1]; n++) {
    const line = (lines[n - 1] ?? "").trim();
    if (out !== "") out += paragraph.has(n) ? "\n\n" : " ";
    out += line;
  }
  return out;
}

function linesOf(lines: readonly string[], range: LineRange | undefined): string[] {
  return range ? lines.slice(range[0] - 1, range[1]) : [];
}

/**
 * Steps from numbered lines (`lines[0]` is line 1). Each step gets plan lines (its opening intent),
 * a prompt derived from its last plan sentence (or from its first equation when it has no plan),
 * execution lines and comment lines; every line is covered exactly once.
 */
export function extractStepsHeuristic(lines: readonly string[], opts: HeuristicOptions = {}): Step[] {
  const paragraph = new Set(opts.paragraphStarts ?? []);
  return segmentLines(lines, opts).map((r, i) => {
    const plan = textOf(lines, r.planLines, paragraph);
    const execution = textOf(lines, r.executionLines, paragraph);
    const comment = textOf(lines, r.commentLines, paragraph);
    const planLines = linesOf(lines, r.planLines);
    const lastPlan = planLines[planLines.length - 1];
    const workLines = linesOf(lines, r.executionLines);
    const prompt = execution !== "" ? promptForStep(planLines, workLines, r.verify) : undefined;
    const description = prompt ?? (lastPlan !== undefined ? (promptFromPlan(lastPlan) ?? shortText(lastPlan)) : shortText(comment || plan));
    const step: Step = {
      id: i + 1,
      description,
      plan,
      ...(execution !== "" ? { execution } : {}),
      ...(prompt !== undefined ? { prompt } : {}),
      ...(comment !== "" ? { comment } : {}),
      ...(r.planLines ? { planLines: r.planLines } : {}),
      ...(r.executionLines ? { executionLines: r.executionLines } : {}),
      ...(r.commentLines ? { commentLines: r.commentLines } : {}),
    };
    return step;
  });
}

function shortText(s: string): string {
  const t = s.trim().replace(/\s+/g, " ");
  return t.length <= 100 ? t : `${t.slice(0, 99)}…`;
}
