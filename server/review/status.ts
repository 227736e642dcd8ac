/**
 * Review status of a curated trajectory from its reviews (pure).
 *
 *   pending → in_review → approved | rejected | changes_requested
 *
 * - No reviewer has started and none submitted: `pending`.
 * - Some reviews are open (assigned, not submitted) and some started or submitted: `in_review`.
 * - Every assigned review submitted with the same decision: that decision.
 * - Every review submitted but decisions differ: `in_review` with `disagreement` — a curator adjudicates.
 * An adjudicated item keeps the curator's decision until it is re-opened.
 */

export type ReviewDecision = "approved" | "rejected" | "changes_requested";
export type ReviewState = "pending" | "in_review" | ReviewDecision;

export const REVIEW_DECISIONS: readonly ReviewDecision[] = ["approved", "rejected", "changes_requested"];

export interface ReviewLike {
  status: ReviewState;
  submittedAt: Date | null;
  startedAt?: Date | null;
}

export interface AggregateStatus {
  status: ReviewState;
  /** All reviews are in and they do not agree. */
  disagreement: boolean;
  submitted: number;
  assigned: number;
}

export function isDecision(s: string): s is ReviewDecision {
  return (REVIEW_DECISIONS as readonly string[]).includes(s);
}

export function aggregateReviews(reviews: readonly ReviewLike[]): AggregateStatus {
  const assigned = reviews.length;
  const submitted = reviews.filter((r) => r.submittedAt && isDecision(r.status));
  const started = reviews.some((r) => r.startedAt || r.status === "in_review");
  if (assigned === 0) return { status: "pending", disagreement: false, submitted: 0, assigned };
  if (submitted.length < assigned) {
    return { status: started || submitted.length > 0 ? "in_review" : "pending", disagreement: false, submitted: submitted.length, assigned };
  }
  const decisions = new Set(submitted.map((r) => r.status));
  if (decisions.size === 1) return { status: submitted[0]!.status, disagreement: false, submitted: submitted.length, assigned };
  return { status: "in_review", disagreement: true, submitted: submitted.length, assigned };
}

/** Parses @-mentions out of a comment: `@ana@example.com`, `@ana` (the part of an email before "@") or `@AnaLi` (the display name without spaces). */
export function parseMentions(body: string, members: readonly { userId: string; email: string; name?: string | null }[]): string[] {
  const found = new Set<string>();
  const re = /(?:^|[\s(])@([A-Za-z0-9._%+-]+(?:@[A-Za-z0-9.-]+\.[A-Za-z]{2,})?)/g;
  for (const m of body.matchAll(re)) {
    const handle = m[1]!.replace(/[.,;:!?]+$/, "").toLowerCase();
    for (const mem of members) {
      const email = mem.email.toLowerCase();
      const name = mem.name?.toLowerCase().replace(/\s+/g, "");
      if (email === handle || email.split("@")[0] === handle || (name && name === handle)) found.add(mem.userId);
    }
  }
  return [...found];
}
