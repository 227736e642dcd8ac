/**
 * Inter-reviewer agreement for team review (issue #5): edge F1 between two reviewers' DAGs,
 * Cohen's kappa for categorical decisions, and a per-dataset / per-reviewer report with the list
 * of disagreements. Pure, no I/O; outputs are plain JSON.
 */
import { transitiveReduction, type Dag, type Edge } from "./steps";

// ---------------------------------------------------------------------------------------------
// Edge F1
// ---------------------------------------------------------------------------------------------

/** Options of {@link edgeF1}. */
export interface EdgeF1Options {
  /**
   * Compare the transitive reductions (steps.ts `transitiveReduction`) instead of the edges as
   * given, so that a redundant edge (implied by another path) is no disagreement. Default false.
   */
  reduce?: boolean;
}

/** Agreement of two edge sets, `a` taken as the reference. */
export interface EdgeAgreement {
  /** |A ∩ B| ÷ |B| (1 when both are empty, 0 when only B is). */
  precision: number;
  /** |A ∩ B| ÷ |A| (1 when both are empty, 0 when only A is). */
  recall: number;
  /** 2|A ∩ B| ÷ (|A| + |B|), symmetric in a and b; 1 when both are empty. */
  f1: number;
  truePositives: number;
  /** |B \ A|. */
  falsePositives: number;
  /** |A \ B|. */
  falseNegatives: number;
  /** Edges only in a (sorted by child, then parent). */
  onlyInA: Edge[];
  /** Edges only in b. */
  onlyInB: Edge[];
}

function edgesOf(dag: Dag, reduce: boolean): Map<string, Edge> {
  const source: Dag = reduce ? transitiveReduction(dag) : dag;
  const out = new Map<string, Edge>();
  for (const key of Object.keys(source)) {
    const child = Number(key);
    if (!Number.isFinite(child)) continue;
    for (const parent of source[child] ?? []) {
      if (parent === child) continue;
      out.set(`${parent}>${child}`, { parent, child });
    }
  }
  return out;
}

const byEdge = (x: Edge, y: Edge) => x.child - y.child || x.parent - y.parent;

/**
 * Precision, recall and F1 of the edges of `b` against the reference `a`. Edges are compared as a
 * set (duplicates and self edges ignored). Swapping a and b swaps precision and recall and keeps F1.
 * Two empty DAGs agree perfectly (all 1).
 */
export function edgeF1(a: Dag, b: Dag, opts: EdgeF1Options = {}): EdgeAgreement {
  const ea = edgesOf(a, opts.reduce === true);
  const eb = edgesOf(b, opts.reduce === true);
  let tp = 0;
  const onlyInA: Edge[] = [];
  for (const [k, e] of ea) {
    if (eb.has(k)) tp++;
    else onlyInA.push(e);
  }
  const onlyInB = [...eb].filter(([k]) => !ea.has(k)).map(([, e]) => e);
  const na = ea.size;
  const nb = eb.size;
  return {
    precision: nb === 0 ? (na === 0 ? 1 : 0) : tp / nb,
    recall: na === 0 ? (nb === 0 ? 1 : 0) : tp / na,
    f1: na + nb === 0 ? 1 : (2 * tp) / (na + nb),
    truePositives: tp,
    falsePositives: nb - tp,
    falseNegatives: na - tp,
    onlyInA: onlyInA.sort(byEdge),
    onlyInB: onlyInB.sort(byEdge),
  };
}

// ---------------------------------------------------------------------------------------------
// Cohen's kappa
// ---------------------------------------------------------------------------------------------

/** Cohen's kappa with its parts. */
export interface KappaDetail {
  /** null when there are no pairs. */
  kappa: number | null;
  n: number;
  /** p_o: share of pairs with equal labels (null with no pairs). */
  observed: number | null;
  /** p_e: agreement expected by chance from each rater's label frequencies (null with no pairs). */
  expected: number | null;
  /** Every label seen, sorted. */
  labels: string[];
  /** confusion[labelA][labelB] = number of pairs. */
  confusion: Record<string, Record<string, number>>;
}

/**
 * Cohen's kappa κ = (p_o − p_e) ÷ (1 − p_e) of paired categorical labels (rater A, rater B), with
 * the details. Computed from integer counts, so it is exact up to one division.
 * Degenerate cases: no pairs → κ = null; p_e = 1 (both raters gave every item the same single
 * label, which implies p_o = 1) → κ = 1, perfect agreement (the formula is 0 ÷ 0 there).
 * κ ∈ [−1, 1] always.
 */
export function cohensKappaDetail<L extends string>(pairs: readonly (readonly [L, L])[]): KappaDetail {
  const n = pairs.length;
  const countA = new Map<string, number>();
  const countB = new Map<string, number>();
  const confusion: Record<string, Record<string, number>> = {};
  let agree = 0;
  for (const [x, y] of pairs) {
    countA.set(x, (countA.get(x) ?? 0) + 1);
    countB.set(y, (countB.get(y) ?? 0) + 1);
    const row = (confusion[x] ??= {});
    row[y] = (row[y] ?? 0) + 1;
    if (x === y) agree++;
  }
  const labels = [...new Set([...countA.keys(), ...countB.keys()])].sort();
  if (n === 0) return { kappa: null, n, observed: null, expected: null, labels, confusion };
  let chance = 0; // Σ_k countA(k)·countB(k)
  for (const [k, ca] of countA) chance += ca * (countB.get(k) ?? 0);
  const n2 = n * n;
  const kappa = chance === n2 ? 1 : (agree * n - chance) / (n2 - chance);
  return { kappa, n, observed: agree / n, expected: chance / n2, labels, confusion };
}

/** Cohen's kappa of paired labels (see {@link cohensKappaDetail}); null for no pairs. */
export function cohensKappa<L extends string>(pairs: readonly (readonly [L, L])[]): number | null {
  return cohensKappaDetail(pairs).kappa;
}

// ---------------------------------------------------------------------------------------------
// Report over reviewer submissions
// ---------------------------------------------------------------------------------------------

/** The review decisions of the product (any string label works). */
export type ReviewDecision = "approve" | "reject" | "changes_requested";

/** One reviewer's verdict on one item, with the DAG they ended with (when they edited or confirmed it). */
export interface ReviewSubmission {
  itemId: string;
  reviewerId: string;
  decision: string;
  dag?: Dag | null;
}

/** Options of {@link agreementReport}. */
export interface AgreementOptions extends EdgeF1Options {
  /** A pair whose edge F1 is below this is a disagreement (default 0.8). */
  f1Threshold?: number;
}

/** Two reviewers on one item (reviewer ids in sorted order: a < b). */
export interface PairComparison {
  itemId: string;
  reviewerA: string;
  reviewerB: string;
  decisionA: string;
  decisionB: string;
  sameDecision: boolean;
  /** Null unless both gave a DAG. */
  edges: EdgeAgreement | null;
}

/** One reviewer's agreement with one other reviewer, over the items both reviewed. */
export interface ReviewerPairAgreement {
  reviewerId: string;
  items: number;
  agreementRate: number | null;
  kappa: number | null;
  meanEdgeF1: number | null;
}

export interface ReviewerAgreement {
  reviewerId: string;
  /** Items this reviewer submitted on. */
  items: number;
  /** Comparisons with other reviewers (one per other reviewer per shared item). */
  pairs: number;
  /** Share of those comparisons with the same decision (null without any). */
  agreementRate: number | null;
  /** Mean edge F1 against the others, over comparisons where both gave a DAG. */
  meanEdgeF1: number | null;
  edgePairs: number;
  /** Against each other reviewer they share items with, sorted by id. */
  vs: ReviewerPairAgreement[];
}

/** An item where reviewers disagree: different decisions, or some pair's edge F1 below the threshold. */
export interface Disagreement {
  itemId: string;
  decisionsDiffer: boolean;
  decisions: { reviewerId: string; decision: string }[];
  /** The lowest edge F1 of the item's pairs (null when no pair has two DAGs). */
  minEdgeF1: number | null;
  /** Pairs whose DAGs differ in some edge, with the differing edges. */
  edgePairs: { reviewerA: string; reviewerB: string; f1: number; onlyInA: Edge[]; onlyInB: Edge[] }[];
}

export interface AgreementReport {
  dataset: {
    /** Distinct items with a submission. */
    items: number;
    /** Items with submissions of two or more reviewers. */
    multiReviewedItems: number;
    reviewers: number;
    /** Reviewer pairs over all items (an item with r reviewers adds r(r−1)/2). */
    pairs: number;
    /** Share of pairs with the same decision. */
    observedAgreement: number | null;
    /**
     * Cohen's kappa of all pairs pooled, each pair taken in both orientations so that the value does
     * not depend on reviewer order (for pooled pairs this equals Scott's π). Null without pairs.
     */
    kappa: number | null;
    /** Mean edge F1 over pairs where both reviewers gave a DAG. */
    meanEdgeF1: number | null;
    edgePairs: number;
  };
  reviewers: ReviewerAgreement[];
  disagreements: Disagreement[];
  /** Every pair comparison, by item then reviewers. */
  comparisons: PairComparison[];
}

const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Agreement over review submissions. A reviewer's later submission on the same item replaces the
 * earlier one (array order). Items with a single reviewer count in `items` but add no pairs.
 */
export function agreementReport(submissions: readonly ReviewSubmission[], opts: AgreementOptions = {}): AgreementReport {
  const threshold = opts.f1Threshold ?? 0.8;
  const byItem = new Map<string, Map<string, ReviewSubmission>>();
  for (const s of submissions) {
    const m = byItem.get(s.itemId) ?? new Map<string, ReviewSubmission>();
    m.set(s.reviewerId, s);
    byItem.set(s.itemId, m);
  }
  const itemIds = [...byItem.keys()].sort(cmp);
  const comparisons: PairComparison[] = [];
  const disagreements: Disagreement[] = [];
  let multi = 0;
  for (const itemId of itemIds) {
    const subs = [...(byItem.get(itemId) as Map<string, ReviewSubmission>).values()].sort((x, y) => cmp(x.reviewerId, y.reviewerId));
    if (subs.length >= 2) multi++;
    const itemPairs: PairComparison[] = [];
    for (let i = 0; i < subs.length; i++) {
      for (let j = i + 1; j < subs.length; j++) {
        const a = subs[i] as ReviewSubmission;
        const b = subs[j] as ReviewSubmission;
        const edges = a.dag && b.dag ? edgeF1(a.dag, b.dag, opts) : null;
        itemPairs.push({
          itemId,
          reviewerA: a.reviewerId,
          reviewerB: b.reviewerId,
          decisionA: a.decision,
          decisionB: b.decision,
          sameDecision: a.decision === b.decision,
          edges,
        });
      }
    }
    comparisons.push(...itemPairs);
    const decisionsDiffer = new Set(subs.map((s) => s.decision)).size > 1;
    const f1s = itemPairs.flatMap((p) => (p.edges ? [p.edges.f1] : []));
    const minEdgeF1 = f1s.length === 0 ? null : Math.min(...f1s);
    if (decisionsDiffer || (minEdgeF1 !== null && minEdgeF1 < threshold)) {
      disagreements.push({
        itemId,
        decisionsDiffer,
        decisions: subs.map((s) => ({ reviewerId: s.reviewerId, decision: s.decision })),
        minEdgeF1,
        edgePairs: itemPairs.flatMap((p) =>
          p.edges && (p.edges.onlyInA.length > 0 || p.edges.onlyInB.length > 0)
            ? [{ reviewerA: p.reviewerA, reviewerB: p.reviewerB, f1: p.edges.f1, onlyInA: p.edges.onlyInA, onlyInB: p.edges.onlyInB }]
            : [],
        ),
      });
    }
  }

  const reviewerIds = [...new Set(submissions.map((s) => s.reviewerId))].sort(cmp);
  const reviewers: ReviewerAgreement[] = reviewerIds.map((rid) => {
    const mine = comparisons.filter((c) => c.reviewerA === rid || c.reviewerB === rid);
    const f1s = mine.flatMap((c) => (c.edges ? [c.edges.f1] : []));
    const others = [...new Set(mine.map((c) => (c.reviewerA === rid ? c.reviewerB : c.reviewerA)))].sort(cmp);
    const vs: ReviewerPairAgreement[] = others.map((other) => {
      const shared = mine.filter((c) => c.reviewerA === other || c.reviewerB === other);
      const oriented = shared.map((c) => (c.reviewerA === rid ? ([c.decisionA, c.decisionB] as const) : ([c.decisionB, c.decisionA] as const)));
      return {
        reviewerId: other,
        items: shared.length,
        agreementRate: mean(shared.map((c) => (c.sameDecision ? 1 : 0))),
        kappa: cohensKappa(oriented),
        meanEdgeF1: mean(shared.flatMap((c) => (c.edges ? [c.edges.f1] : []))),
      };
    });
    return {
      reviewerId: rid,
      items: itemIds.filter((it) => byItem.get(it)?.has(rid)).length,
      pairs: mine.length,
      agreementRate: mean(mine.map((c) => (c.sameDecision ? 1 : 0))),
      meanEdgeF1: mean(f1s),
      edgePairs: f1s.length,
      vs,
    };
  });

  const pooled = comparisons.flatMap((c) => [[c.decisionA, c.decisionB] as const, [c.decisionB, c.decisionA] as const]);
  const allF1 = comparisons.flatMap((c) => (c.edges ? [c.edges.f1] : []));
  return {
    dataset: {
      items: itemIds.length,
      multiReviewedItems: multi,
      reviewers: reviewerIds.length,
      pairs: comparisons.length,
      observedAgreement: mean(comparisons.map((c) => (c.sameDecision ? 1 : 0))),
      kappa: cohensKappa(pooled),
      meanEdgeF1: mean(allF1),
      edgePairs: allF1.length,
    },
    reviewers,
    disagreements,
    comparisons,
  };
}
