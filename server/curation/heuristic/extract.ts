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
 * - after a plan-only component (not the opening one), a paragraph of math is its work ("Now Stewart's
 *   theorem." then the algebra); a paragraph opening with a sequence marker ("Now D, which …") is a plan;
 * - a short paragraph judging the work ("Same value, so …", "I made a sign error") or restating its result
 *   ("So $N_2 = 6$." after work that found 6) is the component's comment; a "So the answer …" paragraph and
 *   the "So …" paragraph just before "**Final Answer**" are conclusions (plan-only, kept in the trajectory),
 *   and so is the final answer itself; a short "Hmm, wait." turn opens the plan of the component after it;
 * - a one-sentence paragraph after work that reports or judges its result ("Base 9 works with $x = 5$.",
 *   "Both identities hold.") is that work's comment, and so is a closing sentence of the work that does
 *   ("That gives 219 solutions."; a closing "So …" stays work);
 * - a component's opening line is always its plan (a step opens with what it sets out to do — "Check
 *   $x = 5$.", "Case B: …", or a first equation); a headline ({@link isHeadline}) is plan even with math in it.
 * Every line belongs to exactly one range of exactly one step; ranges never overlap. Short
 * executions are left as they are (the core's fold rule, `foldShortExecutions`, handles them).
 * Pure and linear in the number of lines.
 */
import type { LineRange, Step } from "../../sprint/steps";
import type { TextSpan } from "../../sprint/sequential";
import { isCommentSentence, isContinuationSentence, isHeadline, isIntentSentence, isVerifySentence, isWorkSentence } from "./lexicon";
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
  /** Opened by a conclusion paragraph: never merged away as short. */
  conclusion?: boolean;
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
  const starts = [...paragraph].filter((n) => n >= 1 && n <= lines.length).sort((a, b) => a - b);
  /** Lines judged as a whole paragraph (see {@link isJudgementParagraph}): always comment lines. */
  const judged = new Set<number>();
  const drafts: Draft[] = [];
  let cur: Draft | null = null;
  let p = 0;
  for (let n = 1; n <= lines.length; n++) {
    const c = cls[n - 1] as LineClass;
    let open = cur === null;
    let conclusion = false;
    if (cur !== null && paragraph.has(n) && cur.hasExec) {
      while (p < starts.length && (starts[p] as number) <= n) p++;
      const paraEnd = (starts[p] ?? lines.length + 1) - 1;
      // The conclusion: a "So the answer is …" paragraph, or the "So …" paragraph just before the final answer.
      const line = (lines[n - 1] ?? "").trim();
      conclusion = !c.verify && (CONCLUDES.test(line) || (SUMMARY_LEAD.test(line) && (paraEnd === lines.length || FINAL_ANSWER.test(lines[paraEnd] ?? ""))));
      if (!conclusion && (isJudgementParagraph(lines, cls, n, paraEnd) || isSummaryParagraph(lines, cls, n, paraEnd, cur) || isResultParagraph(lines, cls, n, paraEnd))) {
        for (let i = n; i <= paraEnd; i++) judged.add(i);
        cur.end = paraEnd;
        n = paraEnd;
        continue;
      }
    }
    if (cur !== null) {
      if (conclusion) open = true;
      else if (c.verify && (cur.hasExec || !cur.verify)) open = true;
      else if (c.intent && cur.hasExec) open = true;
      else if (paragraph.has(n) && FINAL_ANSWER.test(lines[n - 1] ?? "")) open = true;
      // A paragraph opens a component, except pure work after a plan-only announcement ("Case 1: …" then
      // its equations), a judgement, or a continuation of work ("So 3 + 4 = 7"). After a plan-only component
      // other than the opening one, a paragraph of math that announces no new sub-task is that plan's work
      // ("Now Stewart's theorem for the cevian AD." then a paragraph of algebra).
      else if (
        paragraph.has(n) &&
        !c.comment &&
        (!c.continuation || (cur.hasExec && !c.work && !c.digits)) &&
        (cur.hasExec || c.intent || drafts.length === 1 || (!c.work && !c.digits) || SUBTASK.test(lines[n - 1] ?? ""))
      ) open = true;
    }
    if (open || cur === null) {
      cur = { start: n, planEnd: n - 1, end: n, hasExec: false, verify: c.verify, conclusion };
      drafts.push(cur);
      // The opening line is always the component's plan (a step opens with what it sets out to do). When it
      // states an intent, announces the next sub-task ("Now D, which divides BC …", "Next, $3^{27} \bmod 25$.",
      // a headline such as "Case B: $2$ men and $3$ women.") or is not work (setup, restatement), the lines
      // after it may still be plan; when it is already work ("$44^2 = 1936$."), what follows is execution.
      cur.planEnd = n;
      if (!(conclusion || c.intent || (!c.work && !c.comment) || (paragraph.has(n) && drafts.length > 1 && SUBTASK.test(lines[n - 1] ?? "")) || isHeadline(lines[n - 1] ?? ""))) cur.hasExec = true;
      continue;
    }
    cur.end = n;
    if (!cur.hasExec && (c.intent || (!c.work && !c.comment && !c.digits))) cur.planEnd = n;
    else cur.hasExec = true;
  }
  const isComment = (n: number): boolean => judged.has(n) || (cls[n - 1] as LineClass).comment;
  // A draft whose first line is an interjection that turns the reasoning ("Hmm, wait.", "Wait,").
  const opens = (n: number): boolean => TURN.test((lines[n - 1] ?? "").trim());
  return mergeShort(drafts, lines, opts.minStepWords ?? MIN_STEP_WORDS, opens).map((d) => {
    const out: ComponentRanges = { verify: d.verify };
    // "**Final Answer**" and its boxed answer: a plan-only conclusion, kept in the trajectory (not a comment).
    if (FINAL_ANSWER.test(lines[d.start - 1] ?? "")) {
      out.planLines = [d.start, d.end];
      return out;
    }
    if (d.planEnd >= d.start) out.planLines = [d.start, d.planEnd];
    const execStart = d.planEnd + 1;
    if (execStart <= d.end) {
      // Trailing judgements become the comment.
      let commentStart = d.end + 1;
      while (commentStart - 1 >= execStart && isComment(commentStart - 1)) commentStart--;
      // A closing sentence that reports or judges the result ("That gives 219 solutions.", "Same value.") is the
      // comment too, when work remains before it; a "So …" conclusion stays work (it may carry the result on).
      const closing = (lines[commentStart - 2] ?? "").trim();
      if (commentStart - 1 > execStart && !SUMMARY_LEAD.test(closing) && isResultStatement(closing, cls[commentStart - 2] as LineClass)) commentStart--;
      if (commentStart > execStart) out.executionLines = [execStart, commentStart - 1];
      if (commentStart <= d.end) out.commentLines = [commentStart, d.end];
    }
    return out;
  });
}

/** Steps with fewer words than this merge into a neighbour (default of {@link HeuristicOptions.minStepWords}). */
export const MIN_STEP_WORDS = 8;

const FINAL_ANSWER = /^\s*(?:\*\*|#+\s*)?final answer\b/i;

/** A paragraph opening with a sequence marker announces a sub-task, even when it carries math ("Now D, which divides BC …"). */
const SUBTASK = /^(?:now|next|then|first(?:ly)?|second(?:ly)?|third(?:ly)?|finally|lastly|and now|after that)\b\s*,?\s+(?!(?:that|this|it|we get|i get|gives?)\b)/i;

/**
 * Sentences that judge the work just done ("Same value, so …", "That would give 113/625.", "I made a sign
 * error; …"). A summary ("So $N_2 = 6$.") is not one: comment lines leave the trajectory, so calling a
 * result a comment would count deleted text as saving.
 */
const JUDGEMENT = new RegExp(
  String.raw`^(?:(?:that|this|which|it)(?:'s| is| was)?\s+(?:would|gives?|matches|agrees|confirms|checks|works|means|makes|is consistent|was right)` +
    String.raw`|(?:same|both|all|each|every|they|these|those|the two)\b[^.]*\b(?:agree|match|value|result|answer|again|hold|holds|check(?:s)? out|confirm|confirmed|consistent)` +
    String.raw`|the [^.]{1,60}\b(?:gives?|give|matches|agrees?|confirms?|checks out)\b` +
    String.raw`|(?:good|great|yes|right|ok(?:ay)?|nice|perfect|correct)\b` +
    String.raw`|i (?:made|overcounted|undercounted|miscounted|forgot|mixed|dropped|slipped)\b|(?:oops|whoops)\b` +
    String.raw`)`,
  "i",
);

/**
 * A short paragraph (at most two sentences) after work that sums it up or judges it: the previous
 * component's comment, not a new component. It must state no intent and no verification.
 */
function isJudgementParagraph(lines: readonly string[], cls: readonly LineClass[], from: number, to: number): boolean {
  if (to - from > 1) return false;
  for (let n = from; n <= to; n++) {
    const c = cls[n - 1] as LineClass;
    if (c.verify || (c.intent && !c.comment) || FINAL_ANSWER.test(lines[n - 1] ?? "")) return false;
  }
  const c0 = cls[from - 1] as LineClass;
  return c0.comment || JUDGEMENT.test((lines[from - 1] ?? "").trim());
}

const TURN = /^(?:(?:hmm+|hm+|oh|ah|well)\s*[,.!]?\s*)*(?:wait|hold on|hmm+|but wait|actually)\b/i;
const SUMMARY_LEAD = /^(?:so|thus|hence|therefore)\b/i;
/** "So the answer is …", "Therefore the final answer …": a conclusion, kept in the trajectory as a plan. */
const CONCLUDES = /^(?:so|thus|hence|therefore|in (?:conclusion|summary)|overall)\b,?\s+(?:[^.]{0,40}?\b)?the (?:final )?answer\b/i;
const SUMMARY = /^(?:so|thus|hence|therefore)\b,?\s+(?!.*\b(?:let me|let's|let us|i(?:'ll| will| need| should| want)|we need|the answer|the final)\b)/i;
const VERDICT = /\b(?:wrong|right|correct|incorrect|consistent|confirmed|checks out|matches|agrees|plausible|fine|a mistake|an error|works|fails|holds)\b/i;
const NUMBER = /\d+(?:\.\d+)?/g;

/** Arithmetic in a sentence: an operator between numbers, a LaTeX operation, or a chain of two or more equalities. */
const COMPUTATION = /\d\s*[-+*/×÷^·]\s*\(?\s*\d|\\(?:cdot|times|div|sqrt|binom|sum|prod|int)\b|[=≡≈][^=≡≈$,;]*[=≡≈]/;
/** A sentence stating what the work found: "So |A ∩ B| = 113.", "That gives 219 solutions.", "Exactly one 5: 256 outcomes.", "The direct count gives 220." */
const RESULT_LEAD = /^(?:(?:so|thus|hence|therefore)\b|(?:that|this|which|it)(?:'s| is| was| gives?| would give| makes| means| leaves)\b|the [^.]{1,60}\b(?:gives?|equals?|comes? (?:out )?to|sums? to)\b|[A-Za-z][^.:=$,]{0,30}:\s*\$?-?\d[^=]*$)/i;
/** "The plane of face $ABC$ is …", "The correct dot product is …": a result stated (not a comparison: "… is bigger than 43"). */
const STATED_RESULT = /^the [^.]{1,60}\b(?:is|are)\b(?![^.]*\b(?:than|bigger|smaller|larger|greater|less|more)\b)/i;

/**
 * A one-sentence paragraph after work that states or judges its result ("Base 9 works with $x = 5$, $y = 2$.",
 * "Both identities hold.", "Two solutions: $\frac{\pi}{6}$ and $\frac{5\pi}{6}$."): the comment of that work,
 * not a component of its own.
 */
function isResultParagraph(lines: readonly string[], cls: readonly LineClass[], from: number, to: number): boolean {
  return from === to && isResultStatement(lines[from - 1] ?? "", cls[from - 1] as LineClass);
}

/** A sentence that sets up further work ("So there are two cases …", "… so I need …"): a plan, never a comment. */
const ANNOUNCES = /\b(?:cases?|split(?:s|ting)?|need(?:s|ed)?|have to|has to|must|should|(?:i|we)(?:'ll| will))\b/i;

/**
 * A sentence that states or judges the result just worked out, without computing anything itself: the method's
 * comment after a step's work ("So the area is $\frac{57}{2}$.", "That gives 219 solutions.", "Same value.").
 */
export function isResultStatement(line: string, c: LineClass = classifyLine(line)): boolean {
  const s = line.trim();
  if (c.verify || (c.intent && !c.comment) || FINAL_ANSWER.test(s) || COMPUTATION.test(s) || ANNOUNCES.test(s)) return false;
  return c.comment || RESULT_LEAD.test(s) || STATED_RESULT.test(s) || JUDGEMENT.test(s) || VERDICT.test(s);
}

/**
 * A short "So …" paragraph (at most two sentences) that only restates what the component's work just found
 * ("So $N_2 = 6$." after the work that ends in 6): every number it writes is already in the work. It is the
 * component's comment (the method drops comments from the trajectory; dropping a restatement loses nothing).
 * A "So …" paragraph with a new number is work (it stays in the trajectory).
 */
function isSummaryParagraph(lines: readonly string[], cls: readonly LineClass[], from: number, to: number, cur: Draft): boolean {
  if (to - from > 1 || !SUMMARY.test((lines[from - 1] ?? "").trim())) return false;
  // "So the denominator is wrong: …", "So that checks out.": a judgement of the work.
  if (VERDICT.test(lines[from - 1] ?? "") && !(cls[from - 1] as LineClass).intent) return true;
  const seen = new Set<string>();
  for (let n = cur.planEnd + 1; n <= cur.end; n++) for (const m of (lines[n - 1] ?? "").match(NUMBER) ?? []) seen.add(m);
  let numbers = 0;
  for (let n = from; n <= to; n++) {
    const c = cls[n - 1] as LineClass;
    if (c.verify || (c.intent && !c.comment) || FINAL_ANSWER.test(lines[n - 1] ?? "")) return false;
    for (const m of (lines[n - 1] ?? "").match(NUMBER) ?? []) {
      if (!seen.has(m)) return false;
      numbers++;
    }
  }
  return numbers > 0;
}

/**
 * Merges drafts shorter than `minWords` words into a neighbour: into the previous one (its lines extend
 * that component — its trailing comment when they judge the work, else its execution, or its plan when it
 * has no execution yet), or — for the first draft — into the next one (as the start of its plan). A
 * verification and a "**Final Answer**" draft stay on their own.
 */
function mergeShort(drafts: Draft[], lines: readonly string[], minWords: number, opens: (n: number) => boolean): Draft[] {
  if (minWords <= 0 || drafts.length < 2) return drafts;
  const words = (d: Draft): number => {
    let n = 0;
    for (let i = d.start; i <= d.end; i++) n += ((lines[i - 1] ?? "").match(/\S+/g) ?? []).length;
    return n;
  };
  const out: Draft[] = [];
  let carry: Draft | null = null;
  for (const d of drafts) {
    const prev = out[out.length - 1];
    if (carry !== null) {
      // A short plan-only opener ("Hmm, wait. That doesn't look right.") starts the plan of the draft after it.
      d.start = carry.start;
      d.verify ||= carry.verify;
      carry = null;
    }
    const short = words(d) < minWords && !FINAL_ANSWER.test(lines[d.start - 1] ?? "") && d.conclusion !== true;
    if (short && !d.verify && prev && opens(d.start) && d !== drafts[drafts.length - 1]) {
      carry = d;
      continue;
    }
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
