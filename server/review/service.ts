/**
 * Team review of curated trajectories: assignment (manual or automatic with overlap), the review queue,
 * decisions and their aggregation, curator adjudication / send-back / re-review, bulk actions, threaded
 * anchored comments with mentions, per-dataset guidelines. Every function takes the acting member and
 * checks workspace and role itself; the tRPC router only maps {@link ReviewError} (a ServiceError) to tRPC codes.
 *
 * Blind review: a reviewer sees other reviewers' decisions (and notes) only after submitting their own.
 * Curators and admins see everything.
 */
import type { PrismaClient } from "../db/client";
import { Prisma } from "../db/generated/client";
import { hasRole } from "../auth/roles";
import { ServiceError, type Actor } from "../service-error";
import { recordAudit } from "../audit";
import { planAssignment, AssignmentError } from "./assignment";
import { aggregateReviews, isDecision, parseMentions, type ReviewDecision, type ReviewState } from "./status";

export type { Actor };
/** A review service error (its code becomes the tRPC code). */
export class ReviewError extends ServiceError {}

type Db = PrismaClient | Prisma.TransactionClient;


export async function datasetOf(db: Db, actor: Actor, datasetId: string) {
  const ds = await db.dataset.findFirst({ where: { id: datasetId, workspaceId: actor.workspaceId }, select: { id: true, name: true, guidelines: true } });
  if (!ds) throw new ReviewError("NOT_FOUND", "No such dataset in this workspace.");
  return ds;
}

export async function trajectoryOf(db: Db, actor: Actor, trajectoryId: string) {
  const t = await db.curatedTrajectory.findFirst({
    where: { id: trajectoryId, dataset: { workspaceId: actor.workspaceId } },
    select: { id: true, datasetId: true, version: true, reviewStatus: true, curationStatus: true, dagEdges: true },
  });
  if (!t) throw new ReviewError("NOT_FOUND", "No such trajectory in this workspace.");
  return t;
}

/** Members who can review (reviewer role or above), for pickers and validation. */
export async function reviewers(db: Db, actor: Actor) {
  const rows = await db.membership.findMany({
    where: { workspaceId: actor.workspaceId, role: { in: ["reviewer", "curator", "admin"] } },
    select: { userId: true, role: true, user: { select: { name: true, email: true } } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((r) => ({ userId: r.userId, role: r.role, name: r.user.name, email: r.user.email }));
}

async function checkReviewers(db: Db, actor: Actor, ids: readonly string[]) {
  const ok = new Set((await reviewers(db, actor)).map((r) => r.userId));
  const bad = ids.filter((id) => !ok.has(id));
  if (bad.length) throw new ReviewError("BAD_REQUEST", `Not a reviewer in this workspace: ${bad.join(", ")}. Reviewers need the reviewer role or above.`);
}

function requireCurator(actor: Actor, what: string) {
  if (!hasRole(actor.role, "curator")) throw new ReviewError("FORBIDDEN", `Only curators and admins can ${what}.`);
}

/**
 * Review candidates of a dataset: for each trace its latest curated trajectory, when that one was kept,
 * in trace order. `unassignedOnly` leaves out trajectories that already have a reviewer.
 */
async function candidateIds(db: Db, datasetId: string, opts: { unassignedOnly: boolean; limit: number }): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT c.id FROM "Trace" t
    JOIN LATERAL (
      SELECT ct.id, ct."curationStatus" FROM "CuratedTrajectory" ct
      WHERE ct."traceId" = t.id ORDER BY ct."createdAt" DESC, ct.id DESC LIMIT 1
    ) c ON true
    WHERE t."datasetId" = ${datasetId} AND c."curationStatus" = 'kept'
      AND (${!opts.unassignedOnly} OR NOT EXISTS (SELECT 1 FROM "Review" r WHERE r."trajectoryId" = c.id))
    ORDER BY t."createdAt" ASC, t.id ASC
    LIMIT ${opts.limit}`;
  return rows.map((r) => r.id);
}

export async function countUnassigned(db: Db, datasetId: string): Promise<number> {
  const rows = await db.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM "Trace" t
    JOIN LATERAL (
      SELECT ct.id, ct."curationStatus" FROM "CuratedTrajectory" ct
      WHERE ct."traceId" = t.id ORDER BY ct."createdAt" DESC, ct.id DESC LIMIT 1
    ) c ON true
    WHERE t."datasetId" = ${datasetId} AND c."curationStatus" = 'kept'
      AND NOT EXISTS (SELECT 1 FROM "Review" r WHERE r."trajectoryId" = c.id)`;
  return Number(rows[0]?.n ?? 0);
}

/** Distributes `count` unassigned kept trajectories over reviewers, each seen by `overlap` of them. */
export async function assignAutomatically(
  db: PrismaClient,
  actor: Actor,
  input: { datasetId: string; reviewerIds: string[]; count: number; overlap: number },
) {
  requireCurator(actor, "assign reviews");
  await datasetOf(db, actor, input.datasetId);
  await checkReviewers(db, actor, input.reviewerIds);
  const items = await candidateIds(db, input.datasetId, { unassignedOnly: true, limit: input.count });
  if (items.length === 0) throw new ReviewError("BAD_REQUEST", "Nothing to assign: every kept trajectory of this dataset already has reviewers.");
  const loads = await db.review.groupBy({
    by: ["reviewerId"],
    where: { reviewerId: { in: input.reviewerIds }, submittedAt: null, trajectory: { datasetId: input.datasetId } },
    _count: { _all: true },
  });
  let plan;
  try {
    plan = planAssignment({
      itemIds: items,
      reviewerIds: input.reviewerIds,
      overlap: input.overlap,
      currentLoad: Object.fromEntries(loads.map((l) => [l.reviewerId, l._count._all])),
    });
  } catch (e) {
    if (e instanceof AssignmentError) throw new ReviewError("BAD_REQUEST", e.message);
    throw e;
  }
  const data = [...plan.byItem].flatMap(([trajectoryId, rs]) => rs.map((reviewerId) => ({ trajectoryId, reviewerId, assignedById: actor.userId })));
  await db.$transaction(async (tx) => {
    await tx.review.createMany({ data, skipDuplicates: true });
    // One trail entry per item (its history) and one for the dataset (the batch).
    await tx.auditEvent.createMany({
      data: [...plan.byItem].map(([trajectoryId, rs]) => ({
        workspaceId: actor.workspaceId,
        actorId: actor.userId,
        action: "review.assign",
        targetType: "trajectory",
        targetId: trajectoryId,
        data: { reviewerIds: rs, overlap: input.overlap },
      })),
    });
    await recordAudit(tx, actor, "review.assign", { type: "dataset", id: input.datasetId }, {
      items: plan.byItem.size,
      overlap: input.overlap,
      perReviewer: Object.fromEntries(plan.perReviewer),
    });
  }, { timeout: 120_000 });
  return { items: plan.byItem.size, assignments: data.length, perReviewer: Object.fromEntries(plan.perReviewer) };
}

/** Assigns the given trajectories to the given reviewers (every pair). */
export async function assignManually(db: PrismaClient, actor: Actor, input: { trajectoryIds: string[]; reviewerIds: string[] }) {
  requireCurator(actor, "assign reviews");
  await checkReviewers(db, actor, input.reviewerIds);
  const found = await db.curatedTrajectory.findMany({
    where: { id: { in: input.trajectoryIds }, dataset: { workspaceId: actor.workspaceId } },
    select: { id: true },
  });
  if (found.length !== new Set(input.trajectoryIds).size) throw new ReviewError("NOT_FOUND", "Some of these trajectories do not exist in this workspace.");
  const data = found.flatMap((t) => input.reviewerIds.map((reviewerId) => ({ trajectoryId: t.id, reviewerId, assignedById: actor.userId })));
  const created = await db.$transaction(async (tx) => {
    const r = await tx.review.createMany({ data, skipDuplicates: true });
    await tx.auditEvent.createMany({
      data: found.map((t) => ({ workspaceId: actor.workspaceId, actorId: actor.userId, action: "review.assign", targetType: "trajectory", targetId: t.id, data: { reviewerIds: input.reviewerIds } })),
    });
    return r.count;
  });
  return { assignments: created };
}

/** Removes a reviewer from an item (their decision, if any, is dropped and the status recomputed). */
export async function unassign(db: PrismaClient, actor: Actor, input: { trajectoryId: string; reviewerId: string }) {
  requireCurator(actor, "change assignments");
  const t = await trajectoryOf(db, actor, input.trajectoryId);
  await db.$transaction(async (tx) => {
    await lockItem(tx, t.id);
    const r = await tx.review.deleteMany({ where: { trajectoryId: t.id, reviewerId: input.reviewerId } });
    if (r.count === 0) throw new ReviewError("NOT_FOUND", "That reviewer is not assigned to this item.");
    // An item left without reviewers goes back to the pool: a curator's earlier decision no longer binds new reviewers.
    if ((await tx.review.count({ where: { trajectoryId: t.id } })) === 0) {
      await tx.curatedTrajectory.update({ where: { id: t.id }, data: { adjudicated: false, reviewStatus: "pending", decidedById: null, decidedAt: null } });
    }
    await recomputeStatus(tx, actor, t.id);
    await recordAudit(tx, actor, "review.unassign", { type: "trajectory", id: t.id }, { reviewerId: input.reviewerId });
  });
}

/**
 * Takes the trajectory's row lock for the rest of the transaction. Every transaction that changes an item's
 * reviews and recomputes its status starts with it, so two reviewers submitting at once are serialized and the
 * second sees the first's decision (under READ COMMITTED they would otherwise both miss each other's).
 */
async function lockItem(tx: Prisma.TransactionClient, trajectoryId: string) {
  await tx.$queryRaw`SELECT 1 FROM "CuratedTrajectory" WHERE id = ${trajectoryId} FOR UPDATE`;
}

/** Sets the trajectory's review status from its reviews, unless a curator's adjudication stands. */
async function recomputeStatus(tx: Db, actor: Actor, trajectoryId: string) {
  const t = await tx.curatedTrajectory.findUniqueOrThrow({ where: { id: trajectoryId }, select: { adjudicated: true } });
  if (t.adjudicated) return;
  const reviews = await tx.review.findMany({ where: { trajectoryId }, select: { status: true, submittedAt: true, startedAt: true } });
  const agg = aggregateReviews(reviews);
  const final = isDecision(agg.status) && !agg.disagreement;
  await tx.curatedTrajectory.update({
    where: { id: trajectoryId },
    data: {
      reviewStatus: agg.status,
      decidedById: final ? actor.userId : null,
      decidedAt: final ? new Date() : null,
    },
  });
  return agg;
}

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

/** Beyond this many items the queue's first page says "more than …" instead of counting them all. */
const QUEUE_COUNT_LIMIT = 10_000;

function queueCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify({ t: createdAt.toISOString(), id })).toString("base64url");
}

function parseQueueCursor(raw: string): { t: Date; id: string } {
  try {
    const c = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as { t?: unknown; id?: unknown };
    const t = typeof c.t === "string" ? new Date(c.t) : null;
    if (t && !Number.isNaN(t.getTime()) && typeof c.id === "string" && c.id.length > 0 && c.id.length <= 64) return { t, id: c.id };
  } catch {
    // fall through
  }
  throw new ServiceError("BAD_REQUEST", "Invalid page cursor; reload the queue.");
}

/**
 * The review queue of a dataset (items that have reviewers), in a stable order for j/k navigation
 * (createdAt, id), keyset-paged: `cursor` is the previous page's `nextCursor`. The total is counted on the
 * first page only (capped at QUEUE_COUNT_LIMIT: `totalAtLeast` beyond), null on later pages.
 */
export async function listQueue(
  db: PrismaClient,
  actor: Actor,
  input: { datasetId: string; status?: QueueStatus; mine?: boolean; reviewerId?: string; cursor?: string | null; limit: number },
) {
  await datasetOf(db, actor, input.datasetId);
  const where = queueWhere(input, actor, input.datasetId);
  const after = input.cursor ? parseQueueCursor(input.cursor) : null;
  const pageWhere: Prisma.CuratedTrajectoryWhereInput = after
    ? { AND: [where, { OR: [{ createdAt: { gt: after.t } }, { createdAt: after.t, id: { gt: after.id } }] }] }
    : where;
  const [rows, counted] = await Promise.all([
    db.curatedTrajectory.findMany({
      where: pageWhere,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
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
        createdAt: true,
        trace: { select: { id: true, question: true, externalId: true } },
        reviews: { select: reviewSelect, orderBy: { assignedAt: "asc" } },
        _count: { select: { comments: { where: { resolvedAt: null } } } },
      },
    }),
    after ? Promise.resolve(null) : db.curatedTrajectory.count({ where, take: QUEUE_COUNT_LIMIT + 1 }),
  ]);
  const last = rows[rows.length - 1];
  return {
    total: counted === null ? null : Math.min(counted, QUEUE_COUNT_LIMIT),
    totalAtLeast: counted !== null && counted > QUEUE_COUNT_LIMIT,
    nextCursor: rows.length === input.limit && last ? queueCursor(last.createdAt, last.id) : null,
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

async function myReview(db: Db, actor: Actor, trajectoryId: string) {
  const r = await db.review.findUnique({ where: { trajectoryId_reviewerId: { trajectoryId, reviewerId: actor.userId } } });
  if (!r) throw new ReviewError("FORBIDDEN", "This item is not assigned to you. A curator can assign it.");
  return r;
}

/** A reviewer opens an assigned item: their review and (if pending) the item move to in_review. */
export async function startReview(db: PrismaClient, actor: Actor, trajectoryId: string) {
  const t = await trajectoryOf(db, actor, trajectoryId);
  const r = await myReview(db, actor, t.id);
  if (r.submittedAt || r.startedAt) return { started: false };
  await db.$transaction(async (tx) => {
    await lockItem(tx, t.id);
    await tx.review.update({ where: { id: r.id }, data: { status: "in_review", startedAt: new Date() } });
    await recomputeStatus(tx, actor, t.id);
    await recordAudit(tx, actor, "review.start", { type: "trajectory", id: t.id });
  });
  return { started: true };
}

/** A reviewer submits (or changes) their decision on an assigned item. */
export async function submitReview(db: PrismaClient, actor: Actor, input: { trajectoryId: string; decision: ReviewDecision; note?: string }) {
  if (!hasRole(actor.role, "reviewer")) throw new ReviewError("FORBIDDEN", "Viewers cannot review.");
  const t = await trajectoryOf(db, actor, input.trajectoryId);
  const r = await myReview(db, actor, t.id);
  const agg = await db.$transaction(async (tx) => {
    await lockItem(tx, t.id);
    await tx.review.update({
      where: { id: r.id },
      data: {
        status: input.decision,
        note: input.note?.trim() || null,
        dagEdges: t.dagEdges as Prisma.InputJsonValue,
        trajectoryVersion: t.version,
        startedAt: r.startedAt ?? new Date(),
        submittedAt: new Date(),
      },
    });
    const a = await recomputeStatus(tx, actor, t.id);
    await recordAudit(tx, actor, "review.submit", { type: "trajectory", id: t.id }, { decision: input.decision, version: t.version, previous: r.submittedAt ? r.status : null });
    return a;
  });
  return { status: agg?.status ?? t.reviewStatus, disagreement: agg?.disagreement ?? false };
}

/**
 * Curator decisions on one or many items: `adjudicate` (final decision over the reviewers, e.g. on a
 * disagreement), `send_back` (changes_requested for rework), `reopen` (re-review: reviews reset to
 * pending, their previous decisions stay in the audit trail). Bulk over up to 500 items.
 */
export async function curatorAction(
  db: PrismaClient,
  actor: Actor,
  input: { trajectoryIds: string[]; action: "adjudicate" | "send_back" | "reopen"; decision?: ReviewDecision; note?: string },
) {
  requireCurator(actor, "adjudicate, send back or re-open items");
  const ids = [...new Set(input.trajectoryIds)];
  const found = await db.curatedTrajectory.findMany({ where: { id: { in: ids }, dataset: { workspaceId: actor.workspaceId } }, select: { id: true, reviewStatus: true } });
  if (found.length !== ids.length) throw new ReviewError("NOT_FOUND", "Some of these trajectories do not exist in this workspace.");
  if (input.action === "adjudicate" && !input.decision) throw new ReviewError("BAD_REQUEST", "Choose a decision to adjudicate.");
  const note = input.note?.trim() || null;
  await db.$transaction(async (tx) => {
    for (const t of found) {
      if (input.action === "adjudicate") {
        await tx.curatedTrajectory.update({
          where: { id: t.id },
          data: { reviewStatus: input.decision!, adjudicated: true, decidedById: actor.userId, decidedAt: new Date(), decisionNote: note },
        });
      } else if (input.action === "send_back") {
        await tx.curatedTrajectory.update({
          where: { id: t.id },
          data: { reviewStatus: "changes_requested", adjudicated: true, decidedById: actor.userId, decidedAt: new Date(), decisionNote: note },
        });
        if (note) {
          await tx.comment.create({ data: { trajectoryId: t.id, authorId: actor.userId, body: `Sent back for rework: ${note}`, anchor: { kind: "trajectory" } } });
        }
      } else {
        await tx.review.updateMany({
          where: { trajectoryId: t.id },
          data: { status: "pending", submittedAt: null, startedAt: null, note: null, dagEdges: Prisma.DbNull, trajectoryVersion: null },
        });
        await tx.curatedTrajectory.update({
          where: { id: t.id },
          data: { reviewStatus: "pending", adjudicated: false, decidedById: null, decidedAt: null, decisionNote: note },
        });
      }
      await recordAudit(tx, actor, `review.${input.action}`, { type: "trajectory", id: t.id }, { from: t.reviewStatus, decision: input.decision ?? null, note });
    }
  }, { timeout: 120_000 });
  return { updated: found.length };
}

export async function setGuidelines(db: PrismaClient, actor: Actor, input: { datasetId: string; guidelines: string }) {
  requireCurator(actor, "edit review guidelines");
  await datasetOf(db, actor, input.datasetId);
  await db.dataset.update({ where: { id: input.datasetId }, data: { guidelines: input.guidelines.trim() || null } });
  await recordAudit(db, actor, "dataset.guidelines", { type: "dataset", id: input.datasetId }, { length: input.guidelines.length });
}

// ───────────────────────────── comments ─────────────────────────────

export type CommentAnchor =
  | { kind: "trajectory" }
  | { kind: "step"; stepId: number }
  | { kind: "edge"; parent: number; child: number }
  | { kind: "stage"; stage: number };

export async function listComments(db: PrismaClient, actor: Actor, trajectoryId: string) {
  const t = await trajectoryOf(db, actor, trajectoryId);
  const rows = await db.comment.findMany({
    where: { trajectoryId: t.id },
    orderBy: { createdAt: "asc" },
    include: { author: { select: { id: true, name: true, email: true } } },
  });
  const resolvers = new Set(rows.map((r) => r.resolvedById).filter((x): x is string => Boolean(x)));
  const mentioned = new Set(rows.flatMap((r) => r.mentions));
  const users = await db.user.findMany({ where: { id: { in: [...resolvers, ...mentioned] } }, select: { id: true, name: true, email: true } });
  const nameOf = new Map(users.map((u) => [u.id, u.name ?? u.email]));
  const threads = rows
    .filter((r) => !r.parentId)
    .map((root) => ({
      ...shapeComment(root, nameOf),
      replies: rows.filter((r) => r.parentId === root.id).map((r) => shapeComment(r, nameOf)),
    }));
  return threads;
}

function shapeComment(
  c: { id: string; body: string; anchor: unknown; authorId: string | null; author: { id: string; name: string | null; email: string } | null; createdAt: Date; updatedAt: Date; resolvedAt: Date | null; resolvedById: string | null; mentions: string[]; trajectoryVersion: number | null },
  nameOf: Map<string, string>,
) {
  return {
    id: c.id,
    body: c.body,
    anchor: (c.anchor ?? { kind: "trajectory" }) as CommentAnchor,
    authorId: c.authorId,
    authorName: c.author ? (c.author.name ?? c.author.email) : "deleted user",
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    resolvedAt: c.resolvedAt,
    resolvedBy: c.resolvedById ? (nameOf.get(c.resolvedById) ?? null) : null,
    mentions: c.mentions.map((id) => ({ userId: id, name: nameOf.get(id) ?? id })),
    trajectoryVersion: c.trajectoryVersion,
  };
}

export async function addComment(
  db: PrismaClient,
  actor: Actor,
  input: { trajectoryId: string; body: string; anchor?: CommentAnchor; parentId?: string },
) {
  if (!hasRole(actor.role, "reviewer")) throw new ReviewError("FORBIDDEN", "Viewers cannot comment.");
  const t = await trajectoryOf(db, actor, input.trajectoryId);
  const body = input.body.trim();
  if (!body) throw new ReviewError("BAD_REQUEST", "A comment cannot be empty.");
  let parentId: string | null = null;
  if (input.parentId) {
    const parent = await db.comment.findFirst({ where: { id: input.parentId, trajectoryId: t.id }, select: { id: true, parentId: true } });
    if (!parent) throw new ReviewError("NOT_FOUND", "The comment you reply to no longer exists.");
    parentId = parent.parentId ?? parent.id; // threads are one level deep
  }
  if (input.anchor?.kind === "step" || input.anchor?.kind === "edge") {
    const steps = (await db.curatedTrajectory.findUniqueOrThrow({ where: { id: t.id }, select: { steps: true } })).steps as { id: number }[];
    const ids = new Set(steps.map((s) => s.id));
    const need = input.anchor.kind === "step" ? [input.anchor.stepId] : [input.anchor.parent, input.anchor.child];
    if (need.some((id) => !ids.has(id))) throw new ReviewError("BAD_REQUEST", `The comment is anchored to step ${need.join(" → ")}, which this trajectory does not have.`);
  }
  const members = await db.membership.findMany({ where: { workspaceId: actor.workspaceId }, select: { userId: true, user: { select: { email: true, name: true } } } });
  const mentions = parseMentions(body, members.map((m) => ({ userId: m.userId, email: m.user.email, name: m.user.name })));
  const c = await db.comment.create({
    data: {
      trajectoryId: t.id,
      authorId: actor.userId,
      parentId,
      anchor: (input.anchor ?? { kind: "trajectory" }) as Prisma.InputJsonValue,
      body,
      mentions,
      trajectoryVersion: t.version,
    },
  });
  await recordAudit(db, actor, "comment.add", { type: "trajectory", id: t.id }, { commentId: c.id, anchor: input.anchor ?? null, mentions });
  return { id: c.id, mentions };
}

async function commentOf(db: PrismaClient, actor: Actor, commentId: string) {
  const c = await db.comment.findFirst({ where: { id: commentId, trajectory: { dataset: { workspaceId: actor.workspaceId } } } });
  if (!c) throw new ReviewError("NOT_FOUND", "No such comment in this workspace.");
  return c;
}

export async function resolveComment(db: PrismaClient, actor: Actor, input: { commentId: string; resolved: boolean }) {
  if (!hasRole(actor.role, "reviewer")) throw new ReviewError("FORBIDDEN", "Viewers cannot resolve comments.");
  const c = await commentOf(db, actor, input.commentId);
  const rootId = c.parentId ?? c.id;
  await db.comment.update({
    where: { id: rootId },
    data: input.resolved ? { resolvedAt: new Date(), resolvedById: actor.userId } : { resolvedAt: null, resolvedById: null },
  });
  await recordAudit(db, actor, input.resolved ? "comment.resolve" : "comment.unresolve", { type: "trajectory", id: c.trajectoryId }, { commentId: rootId });
}

export async function editComment(db: PrismaClient, actor: Actor, input: { commentId: string; body: string }) {
  const c = await commentOf(db, actor, input.commentId);
  if (c.authorId !== actor.userId) throw new ReviewError("FORBIDDEN", "You can only edit your own comments.");
  const body = input.body.trim();
  if (!body) throw new ReviewError("BAD_REQUEST", "A comment cannot be empty.");
  const members = await db.membership.findMany({ where: { workspaceId: actor.workspaceId }, select: { userId: true, user: { select: { email: true, name: true } } } });
  await db.comment.update({ where: { id: c.id }, data: { body, mentions: parseMentions(body, members.map((m) => ({ userId: m.userId, email: m.user.email, name: m.user.name }))) } });
}

export async function deleteComment(db: PrismaClient, actor: Actor, commentId: string) {
  const c = await commentOf(db, actor, commentId);
  if (c.authorId !== actor.userId && !hasRole(actor.role, "curator")) throw new ReviewError("FORBIDDEN", "You can only delete your own comments.");
  if (!c.parentId && !hasRole(actor.role, "curator")) {
    const others = await db.comment.count({ where: { parentId: c.id, authorId: { not: actor.userId } } });
    if (others > 0) throw new ReviewError("FORBIDDEN", "Others replied to this thread: resolve it instead, or ask a curator to delete it.");
  }
  await db.comment.delete({ where: { id: c.id } });
  await recordAudit(db, actor, "comment.delete", { type: "trajectory", id: c.trajectoryId }, { commentId: c.id });
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

/** Open comments that mention the caller, newest first (their review inbox). */
export async function myMentions(db: PrismaClient, actor: Actor) {
  const rows = await db.comment.findMany({
    where: { mentions: { has: actor.userId }, resolvedAt: null, trajectory: { dataset: { workspaceId: actor.workspaceId } } },
    orderBy: { createdAt: "desc" },
    take: 50,
    select: {
      id: true,
      body: true,
      createdAt: true,
      anchor: true,
      author: { select: { name: true, email: true } },
      trajectory: { select: { id: true, datasetId: true, trace: { select: { externalId: true, question: true } } } },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    body: r.body.slice(0, 300),
    createdAt: r.createdAt,
    anchor: (r.anchor ?? { kind: "trajectory" }) as CommentAnchor,
    author: r.author ? (r.author.name ?? r.author.email) : null,
    trajectoryId: r.trajectory.id,
    datasetId: r.trajectory.datasetId,
    item: r.trajectory.trace.externalId ?? r.trajectory.trace.question.slice(0, 80),
  }));
}
