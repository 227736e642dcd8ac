/** Assignment of review items: automatic (N kept, unassigned trajectories spread with overlap, ./assignment.ts) or by hand, and unassignment. */
import { z } from "zod";
import type { PrismaClient } from "../db/client";
import type { Actor } from "../service-error";
import { recordAudit, recordAudits } from "../audit";
import { planAssignment, AssignmentError } from "./assignment";
import { checkReviewers, datasetOf, lockItem, recomputeStatus, requireCurator, ReviewError, trajectoryOf, type Db, idSchema } from "./access";

export const assignInput = z.object({
  datasetId: idSchema,
  reviewerIds: z.array(idSchema).min(1).max(100),
  count: z.number().int().min(1).max(10_000),
  overlap: z.number().int().min(1).max(10),
});
export const assignManualInput = z.object({ trajectoryIds: z.array(idSchema).min(1).max(500), reviewerIds: z.array(idSchema).min(1).max(100) });
export const unassignInput = z.object({ trajectoryId: idSchema, reviewerId: idSchema });

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
    await recordAudits(
      tx,
      actor,
      [...plan.byItem].map(([trajectoryId, rs]) => ({ action: "review.assign", target: { type: "trajectory", id: trajectoryId }, data: { reviewerIds: rs, overlap: input.overlap } })),
    );
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
    await recordAudits(tx, actor, found.map((t) => ({ action: "review.assign", target: { type: "trajectory", id: t.id }, data: { reviewerIds: input.reviewerIds } })));
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

