/** Threaded comments anchored to a trajectory, a step, an edge or a stage, with @-mentions; the mention inbox. */
import { z } from "zod";
import type { PrismaClient } from "../db/client";
import { Prisma } from "../db/generated/client";
import { hasRole } from "../auth/roles";
import type { Actor } from "../service-error";
import { recordAudit } from "../audit";
import { parseMentions } from "./status";
import { ReviewError, trajectoryOf, idSchema } from "./access";

const anchor = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("trajectory") }),
  z.object({ kind: z.literal("step"), stepId: z.number().int().min(1) }),
  z.object({ kind: z.literal("edge"), parent: z.number().int().min(1), child: z.number().int().min(1) }),
  z.object({ kind: z.literal("stage"), stage: z.number().int().min(1) }),
]);
export const addCommentInput = z.object({ trajectoryId: idSchema, body: z.string().min(1).max(20_000), anchor: anchor.optional(), parentId: idSchema.optional() });
export const editCommentInput = z.object({ commentId: idSchema, body: z.string().min(1).max(20_000) });
export const resolveCommentInput = z.object({ commentId: idSchema, resolved: z.boolean() });
export const commentIdInput = z.object({ commentId: idSchema });

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
