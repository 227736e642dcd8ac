/** Review decisions: a reviewer starts and submits; a curator adjudicates, sends back or re-opens (one item or in bulk); guidelines. */
import { z } from "zod";
import type { PrismaClient } from "../db/client";
import { Prisma } from "../db/generated/client";
import { hasRole } from "../auth/roles";
import type { Actor } from "../service-error";
import { recordAudit } from "../audit";
import type { ReviewDecision } from "./status";
import { datasetOf, lockItem, recomputeStatus, requireCurator, ReviewError, trajectoryOf, type Db, idSchema } from "./access";

const decision = z.enum(["approved", "rejected", "changes_requested"]);
export const submitInput = z.object({ trajectoryId: idSchema, decision, note: z.string().max(10_000).optional() });
export const curatorActionInput = z.object({
  trajectoryIds: z.array(idSchema).min(1).max(500),
  action: z.enum(["adjudicate", "send_back", "reopen"]),
  decision: decision.optional(),
  note: z.string().max(10_000).optional(),
});
export const guidelinesInput = z.object({ datasetId: idSchema, guidelines: z.string().max(100_000) });

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

