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
export function stepFacts(lines: readonly string[], steps: readonly Step[], givens: ReadonlySet<string>): StepFacts[] {
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
      for (const v of sf.variables) if (!f.assigned.has(v) && !assignedHere.has(v)) f.variableUses.add(v);
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
export function buildDagHeuristic(lines: readonly string[], steps: readonly Step[], opts: HeuristicOptions = {}): Record<number, number[]> {
  const givens = opts.question ? numbersOf(opts.question) : new Set<string>();
  const first = steps[0];
  if (first) for (const line of rangeLines(lines, first.planLines)) for (const n of sentenceFacts(line).numbers) givens.add(n);
  const facts = stepFacts(lines, steps, givens);
  const restate = opts.restatedEquations ?? false;

  const resultBy: Producers = new Map();
  const statedBy: Producers = new Map();
  const assignedBy: Producers = new Map();
  const namedBy: Producers = new Map();
  const equationBy: Producers = new Map();
  const decompositionBy: Producers = new Map();
  const dag: Record<number, number[]> = {};

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

    if (parents.size === 0 && k > 0 && (f.verify || f.backReference)) {
      // Nothing resolved: a verification checks the work just before it; a back-reference points at
      // the earlier step sharing the most numbers (else the previous step).
      let best = k - 1;
      if (!f.verify) {
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
      } else {
        while (best > 0 && !(facts[best] as StepFacts).hasExecution) best--;
      }
      parents.add(best);
    }
    dag[f.id] = [...parents].sort((a, b) => a - b).map((j) => (facts[j] as StepFacts).id);

    for (const n of f.results) addTo(resultBy, n, k);
    for (const n of f.stated) addTo(statedBy, n, k);
    for (const v of f.assigned) addTo(assignedBy, v, k);
    for (const q of f.named) addTo(namedBy, q, k);
    for (const e of f.equations) addTo(equationBy, e, k);
    for (const d of f.decompositions) addTo(decompositionBy, d, k);
  });
  return (opts.transitiveReduction ?? true) ? transitiveReduction(dag) : dag;
}
