/**
 * The review queue and what a reviewer sees: queue views (mine / a reviewer's / by status) of a dataset,
 * progress, one item with its neighbours, its activity. Blind review: a reviewer sees other reviewers'
 * decisions (and notes) only after submitting their own; curators and admins see everything.
 */
import { z } from "zod";
import type { PrismaClient } from "../db/client";
import { Prisma } from "../db/generated/client";
import { hasRole } from "../auth/roles";
import type { Actor } from "../service-error";
import { aggregateReviews, isDecision, type ReviewState } from "./status";
import { datasetOf, reviewers, ReviewError, trajectoryOf, idSchema } from "./access";
import { countUnassigned } from "./assignments";

const queueStatus = z.enum(["pending", "in_review", "approved", "rejected", "changes_requested", "disagreement", "unassigned"]);
export const queueInput = z.object({
  datasetId: idSchema,
  status: queueStatus.optional(),
  mine: z.boolean().optional(),
  reviewerId: idSchema.optional(),
  cursor: z.number().int().min(0).nullish(),
  limit: z.number().int().min(1).max(200).default(100),
});
export const itemInput = z.object({ trajectoryId: idSchema, queue: z.object({ mine: z.boolean().optional(), status: queueStatus.optional() }).optional() });

const reviewSelect = {
  id: true,
  reviewerId: true,
  status: true,
  note: true,
  dagEdges: true,
  trajectoryVersion: true,
  assignedAt: true,
  startedAt: true,
  submittedAt: true,
  reviewer: { select: { name: true, email: true } },
} satisfies Prisma.ReviewSelect;

type ReviewRow = Prisma.ReviewGetPayload<{ select: typeof reviewSelect }>;

/** What the actor may see of the reviews of one item (blind until they submit). */
export function visibleReviews(actor: Actor, reviews: ReviewRow[]) {
  const mine = reviews.find((r) => r.reviewerId === actor.userId);
  // Curators see everything; viewers read (they never review); a reviewer sees others' decisions once they
  // submitted their own — and not at all on items they are not assigned to (they may be assigned later).
  const seeAll = hasRole(actor.role, "curator") || actor.role === "viewer" || Boolean(mine?.submittedAt);
  return reviews.map((r) => {
    const base = { id: r.id, reviewerId: r.reviewerId, reviewerName: r.reviewer.name ?? r.reviewer.email, submitted: Boolean(r.submittedAt), mine: r.reviewerId === actor.userId };
    if (r.reviewerId === actor.userId || seeAll) {
      return { ...base, hidden: false as const, status: r.status as ReviewState, note: r.note, trajectoryVersion: r.trajectoryVersion, assignedAt: r.assignedAt, startedAt: r.startedAt, submittedAt: r.submittedAt, dagEdges: r.dagEdges };
    }
    return { ...base, hidden: true as const, status: null, note: null, trajectoryVersion: null, assignedAt: r.assignedAt, startedAt: null, submittedAt: null, dagEdges: null };
  });
}

export type QueueStatus = ReviewState | "disagreement" | "unassigned";

/** The rows of a queue view (mine / a reviewer's / by status) of one dataset. */
function queueWhere(input: { status?: QueueStatus; mine?: boolean; reviewerId?: string }, actor: Actor, datasetId: string): Prisma.CuratedTrajectoryWhereInput {
  // "unassigned": kept trajectories nobody reviews yet (for manual assignment); otherwise the review items.
  if (input.status === "unassigned") return { datasetId, curationStatus: "kept", reviews: { none: {} } };
  const where: Prisma.CuratedTrajectoryWhereInput = { datasetId, reviews: { some: {} } };
  const and: Prisma.CuratedTrajectoryWhereInput[] = [];
  if (input.mine) and.push({ reviews: { some: { reviewerId: actor.userId } } });
  if (input.reviewerId) and.push({ reviews: { some: { reviewerId: input.reviewerId } } });
  if (input.status === "disagreement") and.push({ reviewStatus: "in_review", adjudicated: false, reviews: { every: { submittedAt: { not: null } } } });
  else if (input.status) and.push({ reviewStatus: input.status });
  return and.length ? { ...where, AND: and } : where;
}

/** The review queue of a dataset (items that have reviewers), in a stable order for j/k navigation. */
export async function listQueue(
  db: PrismaClient,
  actor: Actor,
  input: { datasetId: string; status?: QueueStatus; mine?: boolean; reviewerId?: string; cursor?: number | null; limit: number },
) {
  await datasetOf(db, actor, input.datasetId);
  const where = queueWhere(input, actor, input.datasetId);
  const [rows, total] = await Promise.all([
    db.curatedTrajectory.findMany({
      where,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      skip: input.cursor ?? 0,
      take: input.limit,
      select: {
        id: true,
        version: true,
        reviewStatus: true,
        adjudicated: true,
        stageCount: true,
        sequentialTokens: true,
        metrics: true,
        updatedAt: true,
        trace: { select: { id: true, question: true, externalId: true } },
        reviews: { select: reviewSelect, orderBy: { assignedAt: "asc" } },
        _count: { select: { comments: { where: { resolvedAt: null } } } },
      },
    }),
    db.curatedTrajectory.count({ where }),
  ]);
  return {
    total,
    rows: rows.map((r) => {
      const agg = aggregateReviews(r.reviews);
      const metrics = r.metrics as { reduction?: number | null } | null;
      return {
        id: r.id,
        version: r.version,
        traceId: r.trace.id,
        question: r.trace.question.slice(0, 300),
        externalId: r.trace.externalId,
        reviewStatus: r.reviewStatus,
        adjudicated: r.adjudicated,
        disagreement: agg.disagreement && !r.adjudicated,
        stageCount: r.stageCount,
        sequentialTokens: r.sequentialTokens,
        reduction: metrics?.reduction ?? null,
        openComments: r._count.comments,
        updatedAt: r.updatedAt,
        reviews: visibleReviews(actor, r.reviews).map((v) => ({ reviewerId: v.reviewerId, reviewerName: v.reviewerName, submitted: v.submitted, hidden: v.hidden, status: v.status, mine: v.mine })),
      };
    }),
  };
}

/** Progress per reviewer and for the dataset. */
export async function progress(db: PrismaClient, actor: Actor, datasetId: string) {
  await datasetOf(db, actor, datasetId);
  const [byReviewer, byStatus, unassigned, people, disagreements] = await Promise.all([
    db.review.groupBy({ by: ["reviewerId", "status"], where: { trajectory: { datasetId } }, _count: { _all: true } }),
    db.curatedTrajectory.groupBy({ by: ["reviewStatus"], where: { datasetId, reviews: { some: {} } }, _count: { _all: true } }),
    countUnassigned(db, datasetId),
    reviewers(db, actor),
    db.curatedTrajectory.count({ where: queueWhere({ status: "disagreement" }, actor, datasetId) }),
  ]);
  const perReviewer = new Map<string, { assigned: number; submitted: number; approved: number; rejected: number; changes_requested: number; open: number }>();
  for (const g of byReviewer) {
    const p = perReviewer.get(g.reviewerId) ?? { assigned: 0, submitted: 0, approved: 0, rejected: 0, changes_requested: 0, open: 0 };
    p.assigned += g._count._all;
    if (isDecision(g.status)) {
      p.submitted += g._count._all;
      p[g.status] += g._count._all;
    } else p.open += g._count._all;
    perReviewer.set(g.reviewerId, p);
  }
  const statusCounts = { pending: 0, in_review: 0, approved: 0, rejected: 0, changes_requested: 0 };
  for (const g of byStatus) statusCounts[g.reviewStatus] = g._count._all;
  const items = Object.values(statusCounts).reduce((a, b) => a + b, 0);
  return {
    items,
    unassigned,
    disagreements,
    statusCounts,
    done: statusCounts.approved + statusCounts.rejected,
    // Blind review: a reviewer sees how many items others submitted, not how they decided (curators see all).
    reviewers: people
      .map((p) => {
        const c = perReviewer.get(p.userId) ?? { assigned: 0, submitted: 0, approved: 0, rejected: 0, changes_requested: 0, open: 0 };
        const own = p.userId === actor.userId || hasRole(actor.role, "curator");
        return { ...p, ...c, ...(own ? {} : { approved: null, rejected: null, changes_requested: null }) };
      })
      .filter((p) => p.assigned > 0 || p.userId === actor.userId || hasRole(actor.role, "curator")),
  };
}

/** One review item with everything the review page shows, and its neighbours in the chosen queue. */
export async function getItem(
  db: PrismaClient,
  actor: Actor,
  input: { trajectoryId: string; queue?: { mine?: boolean; status?: QueueStatus } },
) {
  const t = await db.curatedTrajectory.findFirst({
    where: { id: input.trajectoryId, dataset: { workspaceId: actor.workspaceId } },
    include: {
      dataset: { select: { id: true, name: true, guidelines: true } },
      trace: { select: { id: true, question: true, reasoning: true, referenceAnswer: true, externalId: true, reasoningTokens: true } },
      reviews: { select: reviewSelect, orderBy: { assignedAt: "asc" } },
    },
  });
  if (!t) throw new ReviewError("NOT_FOUND", "No such trajectory in this workspace.");
  const where = queueWhere(input.queue ?? {}, actor, t.datasetId);
  const [prev, next, decidedBy] = await Promise.all([
    db.curatedTrajectory.findFirst({
      where: { AND: [where, { OR: [{ createdAt: { lt: t.createdAt } }, { createdAt: t.createdAt, id: { lt: t.id } }] }] },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: { id: true },
    }),
    db.curatedTrajectory.findFirst({
      where: { AND: [where, { OR: [{ createdAt: { gt: t.createdAt } }, { createdAt: t.createdAt, id: { gt: t.id } }] }] },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true },
    }),
    t.decidedById ? db.user.findUnique({ where: { id: t.decidedById }, select: { name: true, email: true } }) : null,
  ]);
  const agg = aggregateReviews(t.reviews);
  const mine = t.reviews.find((r) => r.reviewerId === actor.userId);
  const canEdit = hasRole(actor.role, "curator") || (hasRole(actor.role, "reviewer") && Boolean(mine));
  return {
    trajectory: {
      id: t.id,
      version: t.version,
      steps: t.steps,
      dagEdges: t.dagEdges,
      stages: t.stages,
      metrics: t.metrics,
      text: t.text,
      curationStatus: t.curationStatus,
      reviewStatus: t.reviewStatus,
      adjudicated: t.adjudicated,
      decisionNote: t.decisionNote,
      decidedBy: decidedBy ? (decidedBy.name ?? decidedBy.email) : null,
      decidedAt: t.decidedAt,
      updatedAt: t.updatedAt,
    },
    trace: t.trace,
    dataset: t.dataset,
    reviews: visibleReviews(actor, t.reviews),
    myReview: mine ? { status: mine.status, submittedAt: mine.submittedAt, note: mine.note } : null,
    disagreement: agg.disagreement && !t.adjudicated,
    permissions: {
      canEdit,
      canDecide: Boolean(mine) && hasRole(actor.role, "reviewer"),
      canComment: hasRole(actor.role, "reviewer"),
      canAdjudicate: hasRole(actor.role, "curator"),
    },
    prevId: prev?.id ?? null,
    nextId: next?.id ?? null,
  };
}

/** Who did what on one item: the audit trail of review actions, edits and comments. */
export async function itemActivity(db: PrismaClient, actor: Actor, trajectoryId: string) {
  const t = await trajectoryOf(db, actor, trajectoryId);
  const rows = await db.auditEvent.findMany({
    where: { workspaceId: actor.workspaceId, targetType: "trajectory", targetId: t.id },
    orderBy: { createdAt: "desc" },
    take: 200,
    include: { actor: { select: { name: true, email: true } } },
  });
  const mine = await db.review.findUnique({ where: { trajectoryId_reviewerId: { trajectoryId: t.id, reviewerId: actor.userId } }, select: { submittedAt: true } });
  const blind = actor.role === "reviewer" && !mine?.submittedAt;
  const DECISIONS = new Set(["review.adjudicate", "review.send_back", "review.reopen"]);
  return rows
    .filter((r) => !(blind && r.action === "review.submit" && r.actorId !== actor.userId))
    .map((r) => ({
      id: r.id,
      action: r.action,
      actor: r.actor ? (r.actor.name ?? r.actor.email) : null,
      // Earlier decisions (a curator's, or the status before a re-open) stay hidden from a reviewer who has not decided.
      data: blind && DECISIONS.has(r.action) ? null : r.data,
      at: r.createdAt,
    }));
}

