/**
 * Accuracy of predicted steps/DAG against a ground truth over the same numbered lines (the
 * curation benchmark and the accuracy regression test use it).
 *
 * Matching: every predicted step is matched to the ground-truth step with which it shares the most
 * lines (all of a step's ranges count: plan, execution, comment and folded lines; ties go to the
 * earlier ground-truth step; a step sharing no line stays unmatched). A predicted edge p → c becomes
 * the ground-truth pair match(p) → match(c); pairs are deduplicated. Edges whose ends match the same
 * ground-truth step ("collapsed": an artefact of splitting one true step in two) and edges with an
 * unmatched end are left out of precision and counted apart. Precision = matched pairs that are
 * ground-truth edges ÷ matched pairs; recall = ground-truth edges hit ÷ ground-truth edges.
 */
import { ancestors, dagEdges, stepLineRanges, type Dag, type Step } from "../../sprint/steps";

export interface EdgeCounts {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** Predicted edges between two steps matched to the same ground-truth step (not scored). */
  collapsed: number;
  /** Predicted edges with an end matched to no ground-truth step (not scored). */
  unmatched: number;
}

export interface SegmentationCounts {
  /** Ground-truth steps whose whole line span is exactly one predicted step's span. */
  exactSteps: number;
  truthSteps: number;
  predictedSteps: number;
}

/** Owner step id of every line 1..lineCount (0 = none). */
function ownerOfLines(steps: readonly Step[], lineCount: number): Int32Array {
  const owner = new Int32Array(lineCount + 1);
  for (const s of steps) {
    for (const { range } of stepLineRanges(s)) {
      for (let n = Math.max(1, range[0]); n <= Math.min(lineCount, range[1]); n++) owner[n] = s.id;
    }
  }
  return owner;
}

/** Predicted step id → ground-truth step id by maximal line overlap (see the module comment). */
export function matchSteps(predicted: readonly Step[], truth: readonly Step[], lineCount: number): Map<number, number> {
  const truthOwner = ownerOfLines(truth, lineCount);
  const order = new Map(truth.map((s, i) => [s.id, i]));
  const out = new Map<number, number>();
  for (const p of predicted) {
    const overlap = new Map<number, number>();
    for (const { range } of stepLineRanges(p)) {
      for (let n = Math.max(1, range[0]); n <= Math.min(lineCount, range[1]); n++) {
        const t = truthOwner[n] as number;
        if (t !== 0) overlap.set(t, (overlap.get(t) ?? 0) + 1);
      }
    }
    let best = 0;
    let bestCount = 0;
    for (const [t, c] of overlap) {
      if (c > bestCount || (c === bestCount && (order.get(t) ?? 0) < (order.get(best) ?? 0))) {
        best = t;
        bestCount = c;
      }
    }
    if (bestCount > 0) out.set(p.id, best);
  }
  return out;
}

/** Edge agreement of one trace (see the module comment). */
export function edgeCounts(predicted: readonly Step[], predictedDag: Dag, truth: readonly Step[], truthDag: Dag, lineCount: number): EdgeCounts {
  const match = matchSteps(predicted, truth, lineCount);
  const truthEdges = new Set(dagEdges(truthDag).map((e) => `${e.parent}>${e.child}`));
  const mapped = new Set<string>();
  let collapsed = 0;
  let unmatched = 0;
  for (const { parent, child } of dagEdges(predictedDag)) {
    const a = match.get(parent);
    const b = match.get(child);
    if (a === undefined || b === undefined) unmatched++;
    else if (a === b) collapsed++;
    else mapped.add(`${a}>${b}`);
  }
  let tp = 0;
  for (const e of mapped) if (truthEdges.has(e)) tp++;
  return { truePositives: tp, falsePositives: mapped.size - tp, falseNegatives: truthEdges.size - tp, collapsed, unmatched };
}

/** How many ground-truth steps were reproduced exactly (same first and last line). */
export function segmentationCounts(predicted: readonly Step[], truth: readonly Step[]): SegmentationCounts {
  const span = (s: Step): string => {
    const r = stepLineRanges(s).map((x) => x.range);
    return r.length === 0 ? "" : `${Math.min(...r.map((x) => x[0]))}-${Math.max(...r.map((x) => x[1]))}`;
  };
  const spans = new Set(predicted.map(span));
  return { exactSteps: truth.filter((s) => spans.has(span(s))).length, truthSteps: truth.length, predictedSteps: predicted.length };
}

/** Micro-averaged precision, recall and F1 of summed counts (1 when there is nothing to find or predict). */
export function prf(c: Pick<EdgeCounts, "truePositives" | "falsePositives" | "falseNegatives">): { precision: number; recall: number; f1: number } {
  const { truePositives: tp, falsePositives: fp, falseNegatives: fn } = c;
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** Sums edge counts over traces. */
export function sumCounts(all: readonly EdgeCounts[]): EdgeCounts {
  const out: EdgeCounts = { truePositives: 0, falsePositives: 0, falseNegatives: 0, collapsed: 0, unmatched: 0 };
  for (const c of all) {
    out.truePositives += c.truePositives;
    out.falsePositives += c.falsePositives;
    out.falseNegatives += c.falseNegatives;
    out.collapsed += c.collapsed;
    out.unmatched += c.unmatched;
  }
  return out;
}

/** Ground-truth dependencies checked against a packed prediction ({@link hiddenDependencies}). */
export interface HiddenDependencyCounts {
  /** Ground-truth ancestor → descendant pairs checked (both ends placed in the prediction). */
  pairs: number;
  /** Of those, pairs whose ancestor's result the descendant cannot see in the packed prediction. */
  hidden: number;
  /** Pairs not checked because an end's line is not in the predicted trajectory (a dropped comment). */
  unplaced: number;
}

/**
 * Wrong independence, measured where it does harm: in the packed trajectory. For every ground-truth pair
 * a ⇝ b (a an ancestor of b, transitively), a's result — its last plan or execution line — must be visible
 * where b starts (its first plan or execution line) in the predicted packing `stageOf` of the predicted
 * steps (as curated: folded executions sit in their plan). A line is visible from another when it lies in an
 * earlier stage; in the same stage, when it is in the stage's plan and the other is in an execution or later
 * in the plan (plans are written in step order); or when both lie in one execution, in order. A line in a
 * sibling execution of the same stage is not visible: that is the parallelism the prediction claims. Comment
 * lines are not part of a trajectory, so pairs whose lines the prediction drops are counted apart. Applied
 * to the ground truth's own packing it finds nothing (a test checks it).
 */
export function hiddenDependencies(predicted: readonly Step[], stageOf: Record<number, number>, truth: readonly Step[], truthDag: Dag): HiddenDependencyCounts {
  type Place = { stage: number; exec: boolean; step: number; line: number };
  const place = new Map<number, Place>();
  for (const s of predicted) {
    const stage = stageOf[s.id];
    if (stage === undefined) continue;
    for (const { kind, range } of stepLineRanges(s)) {
      if (kind === "comment") continue;
      for (let n = range[0]; n <= range[1]; n++) place.set(n, { stage, exec: kind === "execution", step: s.id, line: n });
    }
  }
  const visible = (x: Place, y: Place): boolean => {
    if (x.stage !== y.stage) return x.stage < y.stage;
    if (!x.exec) return y.exec || x.step < y.step || (x.step === y.step && x.line <= y.line);
    return y.exec && x.step === y.step && x.line <= y.line;
  };
  const ownLines = (s: Step): number[] =>
    stepLineRanges(s)
      .filter((r) => r.kind !== "comment")
      .flatMap((r) => [r.range[0], r.range[1]]);
  const byId = new Map(truth.map((s) => [s.id, s]));
  const out: HiddenDependencyCounts = { pairs: 0, hidden: 0, unplaced: 0 };
  for (const b of truth) {
    const bLines = ownLines(b);
    if (bLines.length === 0) continue;
    const start = place.get(Math.min(...bLines));
    for (const aId of ancestors(truthDag, b.id)) {
      const a = byId.get(aId);
      const aLines = a ? ownLines(a) : [];
      if (aLines.length === 0) continue;
      const result = place.get(Math.max(...aLines));
      if (!start || !result) {
        out.unplaced++;
        continue;
      }
      out.pairs++;
      if (!visible(result, start)) out.hidden++;
    }
  }
  return out;
}
