/**
 * Automatic review assignment (pure): distribute items over reviewers so that every item is seen by
 * `overlap` different reviewers and the load is as even as possible, counting what each reviewer already has.
 */

export interface AssignmentPlanInput {
  itemIds: readonly string[];
  reviewerIds: readonly string[];
  /** How many different reviewers see each item (1 = no overlap). */
  overlap: number;
  /** Items a reviewer already has open, so new work goes to the least loaded first. */
  currentLoad?: Readonly<Record<string, number>>;
  /** Reviewers already assigned to an item (they are not assigned it twice). */
  existing?: Readonly<Record<string, readonly string[]>>;
}

export interface AssignmentPlan {
  /** item id → reviewer ids newly assigned to it. */
  byItem: Map<string, string[]>;
  /** reviewer id → number of items newly assigned. */
  perReviewer: Map<string, number>;
}

export class AssignmentError extends Error {}

/**
 * Greedy balanced assignment: items in the given order; for each item the `overlap` least-loaded reviewers
 * not yet on it (ties broken by reviewer order, rotated per item so pairs vary). With N items, R reviewers
 * and overlap k every reviewer ends with ⌊N·k/R⌋ or ⌈N·k/R⌉ new items when nobody had any before.
 */
export function planAssignment(input: AssignmentPlanInput): AssignmentPlan {
  const reviewers = [...new Set(input.reviewerIds)];
  const k = input.overlap;
  if (!Number.isInteger(k) || k < 1) throw new AssignmentError("Overlap must be a whole number ≥ 1.");
  if (reviewers.length === 0) throw new AssignmentError("Choose at least one reviewer.");
  if (k > reviewers.length) {
    throw new AssignmentError(`An overlap of ${k} needs at least ${k} reviewers; ${reviewers.length} chosen.`);
  }
  const load = new Map(reviewers.map((r) => [r, input.currentLoad?.[r] ?? 0]));
  const perReviewer = new Map(reviewers.map((r) => [r, 0]));
  const byItem = new Map<string, string[]>();
  const order = new Map(reviewers.map((r, i) => [r, i]));
  let rotation = 0;
  for (const item of new Set(input.itemIds)) {
    const already = new Set(input.existing?.[item] ?? []);
    const need = Math.max(0, k - [...already].filter((r) => load.has(r)).length);
    if (need === 0) continue;
    const candidates = reviewers.filter((r) => !already.has(r));
    const R = reviewers.length;
    candidates.sort((a, b) => {
      const d = load.get(a)! - load.get(b)!;
      if (d !== 0) return d;
      return ((order.get(a)! - rotation + R) % R) - ((order.get(b)! - rotation + R) % R);
    });
    const chosen = candidates.slice(0, need);
    if (chosen.length === 0) continue;
    for (const r of chosen) {
      load.set(r, load.get(r)! + 1);
      perReviewer.set(r, perReviewer.get(r)! + 1);
    }
    byItem.set(item, chosen);
    rotation = (rotation + 1) % R;
  }
  return { byItem, perReviewer };
}
