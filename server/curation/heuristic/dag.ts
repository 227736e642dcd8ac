/**
 * Offline dependency detection (curation step 2 without an LLM): which earlier steps' *results*
 * a step uses. Signals, all from the text:
 * - numbers a step mentions before producing them itself, that an earlier step stated as a result
 *   ("= 38", "gives 38", "the area is 12") or in an equation; numbers of the question (and of the
 *   first step's plan, which restates it) are givens and carry no dependency;
 * - variables used after an earlier step assigned them a value (`x = 5`), named quantities used after
 *   an earlier step gave them one ("the discriminant is 49" … "the discriminant");
 * - a verification depends on the steps whose equations it re-derives (falling back to the step
 *   just before it);
 * - an explicit back-reference ("going back to", "from before", "as we found") with nothing else to
 *   resolve it points at the earlier step sharing the most numbers with it (else the previous step).
 * - the main line: a step that neither starts afresh ("Alternatively", a trial, "an even quicker way", an
 *   independent route), nor is the next of a series ("Next, …", "Then …", "Now the …", "Let me also …"), a case, a
 *   check or a back-reference also depends on the step just before it (skipping side checks); the next of
 *   a series with nothing found builds on what its predecessor in the series built on;
 * - a setup that only restates the question is no parent of a trial from scratch (every executor sees
 *   the question; the edge would cost no stage anyway).
 * Producers are chosen greedily: the earlier step covering the most unresolved uses (results count
 * more than mere equation mentions), ties to the step sharing more of the plan's numbers, then to the
 * later step. Parents are always earlier than the child; the transitive reduction of steps.ts then
 * keeps immediate parents only (it raises precision on Countdown: a verification re-derives the
 * whole solution path, but only the last step on it is an immediate parent). Pure; linear in the
 * text plus the number of (use, producer) pairs.
 */
import { transitiveReduction, type LineRange, type Step } from "../../sprint/steps";
import { allMatches, isSignificantNumber, sentenceFacts, type SentenceFacts } from "./facts";
import { hasBackReference, isVerifySentence } from "./lexicon";
import type { HeuristicOptions } from "./extract";

/** What one step states and uses. */
export interface StepFacts {
  id: number;
  verify: boolean;
  backReference: boolean;
  /** The plan opens by building on what came just before ("So …", "This gives …", "Both …", "the answer …"). */
  anaphoric: boolean;
  /** The plan opens a fresh line of work ("Alternatively, …", "First, …", "Next, …", "Another approach"). */
  fresh: boolean;
  /** The step opens as the next of a series of sub-tasks ("Now the prime 2", "Now test B.", "Next, …", "Then the quadruples.", "And all five.", "Let me also …"). */
  sibling: boolean;
  /** A "Case 1" line inside the step (not at its start): the first case of a split the step sets up. */
  holdsFirstCase: boolean;
  /** The plan announces an independent route to a value ("another way", "a second, independent route", "an even quicker way", "cross-check by …"). */
  independentRoute: boolean;
  /** The step opens as a trial from scratch ("Let me try 97 - 40", "A natural first move is …", "What if I begin with …"). */
  trial: boolean;
  /** "Case 2: …": the number of the case (a case analysis of an earlier expression), else 0. */
  caseNumber: number;
  /** The plan compares or collects earlier results ("both methods agree", "add up the cases", "check both"). */
  aggregate: "both" | "all" | null;
  /** A conclusion: "So the answer is …", "Putting the two answers together", "**Final Answer**". */
  conclusion: boolean;
  /** The plan points at something just found ("these values", "this solution", "that"). */
  demonstrative: boolean;
  /** Content words of the plan (for matching a verification with what it verifies). */
  planWords: Set<string>;
  /** Content words of the whole step. */
  words: Set<string>;
  hasExecution: boolean;
  /** Numbers stated as results / appearing in equations / mentioned at all. */
  results: Set<string>;
  stated: Set<string>;
  mentions: Set<string>;
  /** Numbers of the plan lines (givens included), for tie-breaks. */
  planMentions: Set<string>;
  /** Numbers used before the step produced them itself (givens excluded). */
  uses: Set<string>;
  /** The uses that occur in plan lines (these may also resolve to a mere mention in an equation). */
  planUses: Set<string>;
  equations: Set<string>;
  /** Decompositions stated ("80 = 8 × 10" → "8*10") and those restated in plan lines. */
  decompositions: Set<string>;
  planDecompositions: Set<string>;
  assigned: Set<string>;
  variableUses: Set<string>;
  named: Set<string>;
  namedUses: Set<string>;
}

function rangeLines(lines: readonly string[], r: LineRange | undefined): string[] {
  if (!r) return [];
  const out: string[] = [];
  for (let n = Math.max(1, r[0]); n <= Math.min(lines.length, r[1]); n++) out.push(lines[n - 1] as string);
  return out;
}

type SentenceKind = "plan" | "execution" | "comment";

/** The step's sentences in trace order (from its line ranges, or from its texts when it has none). */
function sentencesOf(step: Step, lines: readonly string[]): { s: string; kind: SentenceKind }[] {
  const ranges: { r: LineRange; kind: SentenceKind }[] = [];
  if (step.planLines) ranges.push({ r: step.planLines, kind: "plan" });
  if (step.folded?.lines) ranges.push({ r: step.folded.lines, kind: "execution" });
  if (step.executionLines) ranges.push({ r: step.executionLines, kind: "execution" });
  if (step.commentLines) ranges.push({ r: step.commentLines, kind: "comment" });
  if (ranges.length === 0) {
    const out: { s: string; kind: SentenceKind }[] = [];
    if (step.plan.trim() !== "") out.push({ s: step.plan, kind: "plan" });
    if ((step.folded?.text ?? "").trim() !== "") out.push({ s: step.folded?.text ?? "", kind: "execution" });
    if ((step.execution ?? "").trim() !== "") out.push({ s: step.execution ?? "", kind: "execution" });
    if ((step.comment ?? "").trim() !== "") out.push({ s: step.comment ?? "", kind: "comment" });
    return out;
  }
  ranges.sort((a, b) => a.r[0] - b.r[0]);
  const out: { s: string; kind: SentenceKind }[] = [];
  for (const { r, kind } of ranges) for (const s of rangeLines(lines, r)) out.push({ s, kind });
  return out;
}

/** Numbers of a text that are givens (the question's). */
export function numbersOf(text: string): Set<string> {
  return new Set(sentenceFacts(text).numbers);
}

/** Reads the facts of every step. `givens` are numbers that never make a dependency. */
export function stepFacts(lines: readonly string[], steps: readonly Step[], givens: ReadonlySet<string>, givenVariables: ReadonlySet<string> = new Set()): StepFacts[] {
  const read = steps.map((step) => sentencesOf(step, lines).map(({ s, kind }) => ({ s, kind, sf: sentenceFacts(s) })));
  // Named quantities are looked for only once some step gives one a value.
  const names = new Set<string>();
  for (const step of read) for (const { sf } of step) for (const q of sf.named) names.add(q);
  const mention =
    names.size === 0
      ? null
      : new RegExp(String.raw`\b(?:the|our|its|their|this|that)\s+(${[...names].map((q) => q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, "\\s+")).join("|")})\b`, "gi");
  return steps.map((step, idx) => {
    const sentences = read[idx] as { s: string; kind: SentenceKind; sf: SentenceFacts }[];
    const first = sentences[0]?.s ?? "";
    const f: StepFacts = {
      id: step.id,
      verify: isVerifySentence(first) || /^verif/i.test(step.description ?? ""),
      backReference: false,
      anaphoric: ANAPHORIC.test(first.trim()),
      fresh: FRESH.test(first.trim()) || FRESH_ANYWHERE.test(first),
      trial: TRIAL.test(first),
      sibling: SIBLING.test(first.trim()) || NOW_SUBTASK.test(first.trim()),
      independentRoute: sentences.some(({ s, kind }) => kind === "plan" && INDEPENDENT_ROUTE.test(s)),
      holdsFirstCase: sentences.slice(1).some(({ s }) => caseNumberOf(s) === 1),
      caseNumber: caseNumberOf(first),
      conclusion: CONCLUSION.test(first.trim()),
      demonstrative: /\b(?:this|these|those|it|them)\b(?!\s+(?:is|was|means|gives|requires)\b)/i.test(first.replace(/^.*?\b(?:check|verify|confirm|double[- ]?check|make sure)\b/i, "")),
      aggregate: null,
      planWords: new Set(),
      words: new Set(),
      hasExecution: step.execution !== undefined && step.execution.trim() !== "",
      results: new Set(),
      stated: new Set(),
      mentions: new Set(),
      planMentions: new Set(),
      uses: new Set(),
      planUses: new Set(),
      equations: new Set(),
      decompositions: new Set(),
      planDecompositions: new Set(),
      assigned: new Set(),
      variableUses: new Set(),
      named: new Set(),
      namedUses: new Set(),
    };
    for (const { s, kind, sf } of sentences) {
      if (!f.backReference && kind !== "comment" && hasBackReference(s)) f.backReference = true;
      if (kind === "plan" && f.aggregate === null) f.aggregate = AGGREGATE_ALL.test(s) ? "all" : AGGREGATE_BOTH.test(s) ? "both" : null;
      if (kind !== "comment") for (const w of contentWords(s)) {
        f.words.add(w);
        if (kind === "plan") f.planWords.add(w);
      }
      // Results in words ("gives 38") count outside judgements ("none of these gives 61") and
      // never for givens ("the numbers are 25, 99 …" restates the problem).
      const lineResults = new Set(sf.results);
      if (kind !== "comment") for (const n of sf.verbResults) if (!givens.has(n)) lineResults.add(n);
      const introduced = new Set(sf.decomposed);
      for (const n of sf.numbers) {
        f.mentions.add(n);
        if (kind === "plan") f.planMentions.add(n);
        // A judgement's numbers are the step's own ("Close, 38 is only 2 away from 40"): no uses.
        if (kind === "comment" || !isSignificantNumber(n) || givens.has(n) || f.results.has(n) || lineResults.has(n) || introduced.has(n)) continue;
        f.uses.add(n);
        if (kind === "plan") f.planUses.add(n);
      }
      for (const n of lineResults) f.results.add(n);
      for (const n of sf.stated) f.stated.add(n);
      for (const e of sf.equations) f.equations.add(e);
      for (const d of sf.decompositions) {
        f.decompositions.add(d);
        if (kind === "plan") f.planDecompositions.add(d);
      }
      const assignedHere = new Set(sf.assigned);
      // The question's variables (x in "solve for x") are reassigned in every case and check: no dependency.
      for (const v of sf.variables) if (!givenVariables.has(v) && !f.assigned.has(v) && !assignedHere.has(v)) f.variableUses.add(v);
      for (const v of sf.assigned) f.assigned.add(v);
      const namedHere = new Set(sf.named);
      if (mention !== null) {
        for (const m of allMatches(mention, s)) {
          const q = (m[1] as string).toLowerCase().replace(/\s+/g, " ");
          if (!f.named.has(q) && !namedHere.has(q)) f.namedUses.add(q);
        }
      }
      for (const q of sf.named) f.named.add(q);
    }
    return f;
  });
}

/** A plan that opens by building on the previous result: "So …", "This gives …", "Then the …", "Both …", "The answer …". */
const ANAPHORIC = /^(?:(?:ok(?:ay)?|hmm+|wait|well|now|right|good|great|yes)\s*[,!.]?\s+)*(?:so|thus|therefore|hence|then|this|that|these|those|it|both|plugging|substituting|using (?:this|that|these|those|the)|with (?:this|that|these|those)|from (?:this|that|here|these|those)|the (?:answer|result|solution|ratio|remainder|total|sum|product|difference|quotient|value|values|equation|system|expression|fraction|candidates?|roots?|two|same))\b/i;

/** A plan that opens a fresh line of work (a sibling of the work before it, not its continuation). */
const FRESH = /^(?:(?:ok(?:ay)?|hmm+|alright|all right|well|so|now)\s*[,!.]?\s+)*(?:alternatively|another (?:approach|way|method|idea|option|attempt)|(?:a|one) (?:different|other|simpler|slicker|cleaner) (?:approach|way|method)|instead|on the other hand|first(?:ly)?|next|second(?:ly)?|third(?:ly)?|also|separately|independently|meanwhile|(?:now|next),? (?:for|the) (?:other|second|next)|(?:and|now) (?:the|for the) (?:other|second)|(?:a|the|one) (?:natural|obvious|good|reasonable|simple) (?:first )?(?:move|step|idea|start|attempt|try)|(?:let me|let's|let us|i(?:'ll| will| can| could)?|we(?:'ll| will| can| could)?) (?:try|start|begin|attempt)\b|what if|how about|what about|maybe (?:i|we) (?:can|could|should) (?:try|start|begin))\b/i;

/** A conclusion that gathers the open results: the answer, the final answer, putting things together. */
const CONCLUSION = /^(?:(?:so|therefore|thus|hence|then|in (?:conclusion|summary)|overall|finally|all in all)\s*,?\s+(?:the (?:final )?(?:answer|solution|result|remainder|minimum|maximum|value)|the only solution|putting|combining|both|all|this|that)\b|(?:putting|combining) (?:it|them|the|these|everything|the two)\b)/i;

/** The next of a series of sub-tasks: a sequence marker at the start, or "also" / "one more" early in the sentence. */
const SIBLING = /^(?:(?:ok(?:ay)?|hmm+|alright|well|so)\s*[,!.]?\s+)?(?:(?:next|then|and|also|finally|lastly|first(?:ly)?|second(?:ly)?|third(?:ly)?|fourth(?:ly)?|one more|same for|similarly|likewise)\b|(?:\S+\s+){0,4}?(?:also|one more|as well)\b)/i;

/**
 * "Now the rotations.", "Now test B.", "Now $DE$.": the next sub-task of a series. Not "Now it works", "Now that …",
 * nor "Now, let's …" / "Now I …", which carry on the line of work before them (when in doubt, depend).
 */
const NOW_SUBTASK = /^now\s*,?\s+(?!(?:that|this|it|we|i|let(?:'s| me| us)?|gives?|since|because|so|if|when|there)\b)/i;

/** An independent route to a value: it re-derives from the inputs instead of building on the result it checks. */
const INDEPENDENT_ROUTE = /\b(?:independent(?:ly)?|from scratch|another (?:way|route|method|approach|derivation)|a (?:second|different|separate|quicker|faster|more direct|simpler|cleaner|slicker)(?:,? (?:independent|quicker|faster|more direct))? (?:way|route|method|approach|derivation|cross-check)|an (?:even |entirely )?(?:quicker|faster|simpler|easier|more direct|alternative|independent) (?:way|route|method|approach|derivation|cross-check)|cross-check (?:with|by|using|via|through)|avoids? [^.]{0,30}\bentirely)\b/i;

/** A trial opened from scratch: the step tries a move rather than carrying out a sub-task someone announced. */
const TRIAL = /\b(?:(?:let me|let's|let us|i(?:'ll| will| can| could)?|we(?:'ll| will| can| could)?) (?:try|start|begin|attempt)\b|try something (?:different|else|new)|what if (?:i|we) (?:try|start|begin|use)|(?:another|a different) (?:idea|attempt|try|approach) is to (?:try|start|begin|use)|(?:natural|obvious|simple) first (?:move|try|attempt) is)\b/i;

/** "…, separately.", "… independently of that": a plan that declares its independence anywhere in its first sentence. */
const FRESH_ANYWHERE = /\b(?:separately|independently|in parallel|on (?:its|their) own|from scratch|a fresh start)\b/i;

const CASE = /^(?:(?:ok(?:ay)?|now|next|then|so|and|hmm+)\s*[,.]?\s+)?(?:\*\*)?(?:sub)?case\s*(\$?[a-z]\s*=\s*-?\d+|\d+|[ivx]+\b|[a-d]\b)/i;

/** "both methods agree", "both sides" of a comparison, "both give", "compare the two". */
const AGGREGATE_BOTH = /\b(?:both (?:methods|approaches|ways|routes|answers|results|computations|calculations|values|solutions|candidates|roots|agree|give|match|sides of the (?:comparison|check))|the two (?:methods|approaches|results|answers|values|counts|ways)|(?:agrees?|matches|consistent) with (?:the|what|both))\b/i;
/** "add up the cases", "all the cases", "putting the cases together", "combine the results". */
const AGGREGATE_ALL = /\b(?:(?:add|sum|total|combine|collect)(?:ing)? (?:up )?(?:all )?(?:the|these|those) (?:cases|counts|results|parts|pieces|contributions)|all (?:the |of the |these |four |three |five |six )?(?:cases|results)|(?:putting|put) (?:it|them|the (?:cases|results|pieces)) (?:all )?together)\b/i;

function caseNumberOf(sentence: string): number {
  const m = CASE.exec(sentence.trim());
  if (!m) return 0;
  const v = (m[1] as string).toLowerCase();
  if (v.includes("=")) return 99; // "Case c = 2": a case whose rank is not written
  const roman: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4, v: 5, vi: 6, vii: 7, viii: 8, ix: 9, x: 10, a: 1, b: 2, c: 3, d: 4 };
  return /^\d+$/.test(v) ? Number(v) : (roman[v] ?? 1);
}

const STOP_WORDS = new Set(
  "that this these those with from have will would could should there their then than them they what when where which while about into onto over under again also just only very really maybe perhaps need want make sure check verify double first next second third last since because each some same both other another thing things something okay alright wait let's let's hmm yeah right good great value values number numbers answer result results step steps case cases equal equals gives give using does done know think said".split(" "),
);

/** Lower-case content words of a sentence (4+ letters, not stop words), a crude stem (plural s dropped). */
export function contentWords(sentence: string): string[] {
  const out: string[] = [];
  const re = /[A-Za-z]{4,}/g;
  for (let m = re.exec(sentence); m !== null; m = re.exec(sentence)) {
    let w = m[0].toLowerCase();
    if (STOP_WORDS.has(w)) continue;
    if (w.length > 4 && w.endsWith("s") && !w.endsWith("ss")) w = w.slice(0, -1);
    out.push(w);
  }
  return out;
}

type Producers = Map<string, number[]>;

/** How many of the latest producers of a number (equation, variable…) are candidates. */
const MAX_PRODUCERS = 8;

/** How far back an unresolved back-reference looks (keeps long traces linear). */
const BACK_REFERENCE_WINDOW = 64;

function addTo(map: Producers, key: string, idx: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [idx]);
  else if (list[list.length - 1] !== idx) list.push(idx);
}

/**
 * Immediate parents of every step, from the steps' texts (`lines` are the numbered source lines the
 * steps' ranges point into). Works for any steps with line ranges — the heuristic extractor's or an
 * LLM's — and falls back to the steps' texts when a step has no ranges.
 */
/** Which dependencies {@link buildDagHeuristic} guessed rather than found (filled when passed). */
export interface DagGuesses {
  /** Executed steps whose parent is only the default "follows the step before" (no shared result, name, reference, structure or independence marker). */
  guessed: number[];
  /** Verifications whose target was not identified (assumed: the last executed step). */
  unverified: number[];
}

export function buildDagHeuristic(lines: readonly string[], steps: readonly Step[], opts: HeuristicOptions = {}, guesses?: DagGuesses): Record<number, number[]> {
  const givens = opts.question ? numbersOf(opts.question) : new Set<string>();
  const givenVariables = new Set(opts.question ? sentenceFacts(opts.question).variables : []);
  const first = steps[0];
  if (first) for (const line of rangeLines(lines, first.planLines)) for (const n of sentenceFacts(line).numbers) givens.add(n);
  const facts = stepFacts(lines, steps, givens, givenVariables);
  const restate = opts.restatedEquations ?? false;

  const resultBy: Producers = new Map();
  const statedBy: Producers = new Map();
  const assignedBy: Producers = new Map();
  const namedBy: Producers = new Map();
  const equationBy: Producers = new Map();
  const decompositionBy: Producers = new Map();
  const dag: Record<number, number[]> = {};
  // The problem's setup: a first step without an execution ("Okay, so I need to find …").
  const setup = facts.length > 1 && !(facts[0] as StepFacts).hasExecution ? 0 : -1;
  // A setup that only restates the question adds nothing an executor lacks (every executor sees the question):
  // a trial from scratch that uses nothing of it is a root, not its child (see `restatesQuestion`).
  const restated = setup >= 0 && opts.question !== undefined && restatesQuestion(facts[0] as StepFacts, opts.question, givens);
  const idf = inverseFrequencies(facts);
  let caseSplit = -1;
  /** Steps some later step builds on, and the last conclusion so far (see `conclusion`). */
  const consumed = new Set<number>();
  let lastConclusion = setup;

  facts.forEach((f, k) => {
    // Needs: key → producers (step indices < k) with a weight per producer.
    const needs = new Map<string, Map<number, number>>();
    const need = (key: string, producers: readonly number[] | undefined, weight: number): void => {
      if (!producers || producers.length === 0) return;
      let m = needs.get(key);
      if (!m) needs.set(key, (m = new Map()));
      // The most recent producers only: a result is taken up soon after it is found, and this keeps
      // long traces linear (a small number like 2 is produced by many steps).
      for (let i = producers.length - 1, seen = 0; i >= 0 && seen < MAX_PRODUCERS; i--, seen++) {
        const j = producers[i] as number;
        m.set(j, Math.max(m.get(j) ?? 0, weight));
      }
    };
    for (const n of f.uses) {
      need(`n:${n}`, resultBy.get(n), 1);
      // A number an earlier step only mentioned in an equation ("80 = 8 × 10") is a weaker source,
      // taken only when the plan builds on it ("Since 80 = 8 × 10, maybe I can make 8 first").
      if (f.planUses.has(n)) need(`n:${n}`, statedBy.get(n), 0.5);
    }
    for (const v of f.variableUses) need(`v:${v}`, assignedBy.get(v), 1);
    for (const q of f.namedUses) need(`q:${q}`, namedBy.get(q), 1);
    if (f.verify || restate) for (const e of f.equations) need(`e:${e}`, equationBy.get(e), 1);
    // A plan restating an earlier decomposition builds on it ("Since 80 = 8 × 10, …").
    for (const d of f.planDecompositions) need(`d:${d}`, decompositionBy.get(d), 1);

    const parents = new Set<number>();
    const uncovered = new Set(needs.keys());
    const sharedCache = new Map<number, number>();
    while (uncovered.size > 0) {
      const score = new Map<number, number>();
      for (const key of uncovered) for (const [j, w] of needs.get(key) as Map<number, number>) score.set(j, (score.get(j) ?? 0) + w);
      let best = -1;
      let bestScore = -Infinity;
      for (const [j, s] of score) {
        let shared = sharedCache.get(j);
        if (shared === undefined) {
          const g = facts[j] as StepFacts;
          shared = 0;
          for (const n of f.planMentions) if (g.mentions.has(n)) shared++;
          sharedCache.set(j, shared);
        }
        const total = s + 0.01 * shared + 1e-6 * j;
        if (total > bestScore) {
          bestScore = total;
          best = j;
        }
      }
      if (best < 0) break;
      parents.add(best);
      for (const key of [...uncovered]) if ((needs.get(key) as Map<number, number>).has(best)) uncovered.delete(key);
    }

    if (parents.size === 0 && k > 0 && f.backReference && !f.verify) {
      // A back-reference with nothing resolved points at the earlier step sharing the most numbers.
      let best = -1;
      let bestShared = 0;
      for (let j = k - 1; j >= Math.max(0, k - BACK_REFERENCE_WINDOW); j--) {
        const g = facts[j] as StepFacts;
        let shared = 0;
        for (const n of f.planMentions) shared += g.results.has(n) ? 1 : g.stated.has(n) ? 0.5 : 0;
        if (shared > bestShared) {
          bestShared = shared;
          best = j;
        }
      }
      if (best >= 0) parents.add(best);
    }
    // When in doubt, depend (a wrong edge costs some parallelism; a missing one makes wrong training data):
    if (k > 0) {
      // A trial from scratch after a setup that only restated the question, sharing nothing with it beyond the question.
      const fromScratch = restated && f.trial && parents.size === 0 && !sharesBeyondQuestion(f, facts[0] as StepFacts, opts.question ?? "");
      // A verification depends on what it verifies: the earlier step its plan names best, else the last executed step.
      // "check … with these values", "verify this": also the last computed step.
      if (f.verify && f.demonstrative && !f.independentRoute) parents.add(lastExecuted(facts, k));
      if (f.verify && !f.independentRoute && ![...parents].some((j) => (facts[j] as StepFacts).hasExecution)) {
        const named = namedTarget(facts, k, idf);
        if (named === undefined) guesses?.unverified.push(f.id);
        parents.add(named ?? lastExecuted(facts, k));
      }
      // A case of a case analysis depends on the step that set the cases up (not on the previous case).
      if (f.caseNumber > 0) {
        const prev = facts[k - 1] as StepFacts;
        if (f.caseNumber === 1 || caseSplit < 0 || !prev.caseNumber) caseSplit = k - 1;
        // "Case 2" right after a step that worked "Case 1" inside it: a sibling of that step, from what it built on.
        if (f.caseNumber >= 2 && !prev.caseNumber && prev.holdsFirstCase && caseSplit === k - 1) {
          const inherited = dag[prev.id] ?? [];
          if (inherited.length > 0) caseSplit = facts.findIndex((x) => x.id === inherited[inherited.length - 1]);
        }
        // Cases are siblings: a case never builds on an earlier case of the same split.
        for (const j of [...parents]) if (j > caseSplit) parents.delete(j);
        parents.add(caseSplit);
      } else if (caseSplit >= 0 && !(facts[k - 1] as StepFacts).caseNumber) caseSplit = -1;
      // Collecting results: "add up the cases" takes every case just before; "both methods agree" the last two executed steps.
      if (f.aggregate === "all" || (f.aggregate === "both" && lastCases(facts, k).length >= 2)) for (const j of lastCases(facts, k)) parents.add(j);
      if (f.aggregate !== null && lastCases(facts, k).length === 0) {
        let taken = 0;
        for (let j = k - 1; j >= 0 && taken < (f.aggregate === "both" ? 2 : 3); j--) {
          if ((facts[j] as StepFacts).hasExecution) {
            parents.add(j);
            taken++;
          }
        }
      }
      // A conclusion ("So the answer is …", "**Final Answer**", "putting it together") joins the branches
      // still open since the last conclusion: every executed step no later step has built on.
      if (f.conclusion) {
        for (let j = k - 1; j > lastConclusion; j--) if (!consumed.has(j) && ((facts[j] as StepFacts).hasExecution || j === k - 1)) parents.add(j);
      }
      // "So …", "This gives …", "The answer …": builds on the step just before.
      if (f.anaphoric && f.caseNumber === 0) parents.add(k - 1);
      // The main line: a step that neither starts afresh ("Alternatively", "Next", a trial), nor is a case
      // or a check, continues the one before it (skipping side checks) even when it also uses something
      // older — a shared number says what else it uses, not that it no longer follows its predecessor.
      if (parents.size > 0 && !f.fresh && !f.sibling && !f.verify && !f.independentRoute && !f.backReference && f.caseNumber === 0) parents.add(mainLine(facts, k));
      // The next sub-task of a series with nothing found: it builds on what its predecessor in the series built on.
      if (parents.size === 0 && f.sibling && !f.fresh && !f.verify && !f.independentRoute) {
        const j = mainLine(facts, k);
        const g = facts[j] as StepFacts;
        const inherited = g.sibling && !g.verify ? (dag[g.id] ?? []) : [];
        if (inherited.length > 0) for (const id of inherited) parents.add(facts.findIndex((x) => x.id === id));
        else parents.add(j);
      }
      // Nothing found: a fresh line of work ("Alternatively", "First", "Next") starts from the problem's setup;
      // anything else continues from the step just before.
      if (parents.size === 0) {
        if (f.fresh || f.verify || f.independentRoute) {
          if (setup >= 0 && setup < k && !fromScratch) parents.add(setup);
        } else {
          if (f.hasExecution) guesses?.guessed.push(f.id);
          // The main line: the step before, skipping side checks (a verification is not built on).
          let j = k - 1;
          while (j > 0 && (facts[j] as StepFacts).verify) j--;
          parents.add(j);
        }
      }
      // Every step builds on the problem's setup (a plan-only first step): free in stages, true in content.
      if (setup >= 0 && setup < k && parents.size === 0 && !fromScratch) parents.add(setup);
    }
    dag[f.id] = [...parents].sort((a, b) => a - b).map((j) => (facts[j] as StepFacts).id);
    for (const j of parents) consumed.add(j);
    if (f.conclusion) lastConclusion = k;

    for (const n of f.results) addTo(resultBy, n, k);
    for (const n of f.stated) addTo(statedBy, n, k);
    for (const v of f.assigned) addTo(assignedBy, v, k);
    for (const q of f.named) addTo(namedBy, q, k);
    for (const e of f.equations) addTo(equationBy, e, k);
    for (const d of f.decompositions) addTo(decompositionBy, d, k);
  });
  return (opts.transitiveReduction ?? true) ? transitiveReduction(dag) : dag;
}

/** Word stems of a text (content words cut to 5 letters: "numbers" and "number", "favorable" and "favour…"). */
function stems(text: string): Set<string> {
  return new Set(contentWords(text).map((w) => w.slice(0, 5)));
}

/**
 * Whether a plan-only first step only restates the question: no equation, result, assignment or named
 * value, no number the question lacks, and at most three content words the question does not use ("Okay,
 * so I need to make 65 using 97, 47, 40 and 75. Each number has to be used exactly once.").
 */
export function restatesQuestion(setup: StepFacts, question: string, givens: ReadonlySet<string>): boolean {
  if (setup.results.size + setup.equations.size + setup.assigned.size + setup.named.size + setup.decompositions.size > 0) return false;
  for (const n of setup.mentions) if (isSignificantNumber(n) && !givens.has(n)) return false;
  const q = stems(question);
  let novel = 0;
  for (const w of setup.planWords) if (!q.has(w.slice(0, 5))) novel++;
  return novel <= 3;
}

/** Whether step f shares with the setup a word, variable or number the question does not have. */
function sharesBeyondQuestion(f: StepFacts, setup: StepFacts, question: string): boolean {
  const q = stems(question);
  const mine = new Set([...f.words].map((w) => w.slice(0, 5)));
  for (const w of setup.words) if (!q.has(w.slice(0, 5)) && mine.has(w.slice(0, 5))) return true;
  return false;
}

/** How rare each content word is across the steps (log inverse step frequency). */
function inverseFrequencies(facts: readonly StepFacts[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const f of facts) for (const w of f.words) df.set(w, (df.get(w) ?? 0) + 1);
  const out = new Map<string, number>();
  for (const [w, n] of df) out.set(w, Math.log((facts.length + 1) / n));
  return out;
}

/** The earlier executed step (within the window) whose words best match step k's plan, or undefined. */
function namedTarget(facts: readonly StepFacts[], k: number, idf: ReadonlyMap<string, number>): number | undefined {
  const f = facts[k] as StepFacts;
  let best: number | undefined;
  let bestScore = 0.5;
  for (let j = k - 1; j >= Math.max(0, k - BACK_REFERENCE_WINDOW); j--) {
    const g = facts[j] as StepFacts;
    if (!g.hasExecution || g.verify) continue;
    let score = 0;
    for (const w of f.planWords) if (g.words.has(w)) score += idf.get(w) ?? 0;
    if (score > bestScore) {
      bestScore = score;
      best = j;
    }
  }
  return best;
}

/** The step before k on the main line: the previous one, skipping side checks (a verification is not built on). */
function mainLine(facts: readonly StepFacts[], k: number): number {
  let j = k - 1;
  while (j > 0 && (facts[j] as StepFacts).verify) j--;
  return j;
}

/** The last step before k that has an execution (else k − 1). */
function lastExecuted(facts: readonly StepFacts[], k: number): number {
  for (let j = k - 1; j >= 0; j--) if ((facts[j] as StepFacts).hasExecution) return j;
  return k - 1;
}

/** The run of "Case n" steps ending just before k (indices), possibly empty. */
function lastCases(facts: readonly StepFacts[], k: number): number[] {
  const out: number[] = [];
  for (let j = k - 1; j >= 0 && (facts[j] as StepFacts).caseNumber > 0; j--) out.push(j);
  return out;
}

/** The DAG and why it may be wrong (empty when nothing looks doubtful). */
export interface HeuristicDag {
  dag: Record<number, number[]>;
  lowConfidence: string[];
}

/** {@link buildDagHeuristic} plus the reasons to doubt it (see {@link dagDoubts}). */
export function buildDagHeuristicWithConfidence(lines: readonly string[], steps: readonly Step[], opts: HeuristicOptions = {}): HeuristicDag {
  const guesses: DagGuesses = { guessed: [], unverified: [] };
  const dag = buildDagHeuristic(lines, steps, opts, guesses);
  return { dag, lowConfidence: dagDoubts(steps, dag, guesses) };
}

/** Above this share of guessed dependencies (among executed steps after the first), a DAG is low-confidence. */
export const MAX_GUESSED_SHARE = 0.5;

/**
 * Reasons to doubt a heuristic DAG: most later executed steps without any parent (their independence is
 * an absence of evidence), most dependencies guessed by the default rule rather than found, or a
 * verification whose target was not identified.
 */
export function dagDoubts(steps: readonly Step[], dag: Readonly<Record<number, readonly number[]>>, guesses?: DagGuesses): string[] {
  const out: string[] = [];
  const later = steps.slice(1).filter((s) => s.execution !== undefined && s.execution.trim() !== "");
  const orphans = later.filter((s) => (dag[s.id] ?? []).length === 0);
  // With the builder's record, a root is a step that said it starts afresh ("Alternatively", "First", …): evidence.
  if (!guesses && later.length >= 2 && orphans.length / later.length > 0.3) {
    out.push(`${orphans.length} of ${later.length} executed steps after the first have no detected dependency (steps ${orphans.map((s) => s.id).join(", ")}): their independence is assumed, not found`);
  }
  if (guesses) {
    const guessed = guesses.guessed.filter((id) => later.some((s) => s.id === id));
    if (later.length >= 2 && guessed.length / later.length > MAX_GUESSED_SHARE) {
      out.push(`${guessed.length} of ${later.length} executed steps have guessed dependencies (steps ${guessed.join(", ")}): no shared result, name or back-reference was found, so each was assumed to follow the step before it`);
    }
    if (guesses.unverified.length > 0) {
      out.push(`what the verification${guesses.unverified.length > 1 ? "s" : ""} in step${guesses.unverified.length > 1 ? "s" : ""} ${guesses.unverified.join(", ")} check${guesses.unverified.length > 1 ? "" : "s"} was not identified (assumed: the last computed step)`);
    }
  }
  return out;
}
