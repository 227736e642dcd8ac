/**
 * What every part of the review service shares: its error, the workspace-scoped lookups of datasets,
 * trajectories and reviewers, the curator check, and the item lock + status recomputation that every change
 * of an item's reviews goes through.
 */
import { z } from "zod";
import type { PrismaClient } from "../db/client";
import { Prisma } from "../db/generated/client";
import { hasRole } from "../auth/roles";
import { ServiceError, type Actor } from "../service-error";
import { aggregateReviews, isDecision } from "./status";

const id = z.string().min(1).max(64);
/** Inputs that name one item or one dataset (shared by the review modules and their router). */
export const trajectoryIdInput = z.object({ trajectoryId: id });
export const datasetIdInput = z.object({ datasetId: id });
export const idSchema = id;

export type { Actor };
/** A review service error (its code becomes the tRPC code). */
export class ReviewError extends ServiceError {}

export type Db = PrismaClient | Prisma.TransactionClient;


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

export async function checkReviewers(db: Db, actor: Actor, ids: readonly string[]) {
  const ok = new Set((await reviewers(db, actor)).map((r) => r.userId));
  const bad = ids.filter((id) => !ok.has(id));
  if (bad.length) throw new ReviewError("BAD_REQUEST", `Not a reviewer in this workspace: ${bad.join(", ")}. Reviewers need the reviewer role or above.`);
}

export function requireCurator(actor: Actor, what: string) {
  if (!hasRole(actor.role, "curator")) throw new ReviewError("FORBIDDEN", `Only curators and admins can ${what}.`);
}

/**
 * Takes the trajectory's row lock for the rest of the transaction. Every transaction that changes an item's
 * reviews and recomputes its status starts with it, so two reviewers submitting at once are serialized and the
 * second sees the first's decision (under READ COMMITTED they would otherwise both miss each other's).
 */
export async function lockItem(tx: Prisma.TransactionClient, trajectoryId: string) {
  await tx.$queryRaw`SELECT 1 FROM "CuratedTrajectory" WHERE id = ${trajectoryId} FOR UPDATE`;
}

/** Sets the trajectory's review status from its reviews, unless a curator's adjudication stands. */
export async function recomputeStatus(tx: Db, actor: Actor, trajectoryId: string) {
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

