/** A workspace's own settings and its audit log. */
import { z } from "zod";
import type { PrismaClient } from "../db/client";
import { recordAudit } from "../audit";
import { requireRole, type Actor } from "../service-error";

export const renameWorkspaceInput = z.object({ name: z.string().trim().min(1).max(80) });
export const auditLogInput = z.object({ limit: z.number().int().min(1).max(200).default(50), cursor: z.string().optional() });

export async function getWorkspace(db: PrismaClient, actor: Actor) {
  const ws = await db.workspace.findUniqueOrThrow({
    where: { id: actor.workspaceId },
    select: { id: true, name: true, slug: true, createdAt: true, _count: { select: { memberships: true, datasets: true } } },
  });
  return { ...ws, myRole: actor.role };
}

export async function renameWorkspace(db: PrismaClient, actor: Actor, input: z.infer<typeof renameWorkspaceInput>) {
  requireRole(actor, "admin");
  const ws = await db.workspace.update({ where: { id: actor.workspaceId }, data: { name: input.name } });
  await recordAudit(db, actor, "workspace.rename", { type: "workspace", id: ws.id }, { name: input.name });
  return { id: ws.id, name: ws.name };
}

/** Who did what in the workspace, newest first (keyset pages by event id). */
export async function auditLog(db: PrismaClient, actor: Actor, input: z.output<typeof auditLogInput>) {
  requireRole(actor, "admin");
  const rows = await db.auditEvent.findMany({
    where: { workspaceId: actor.workspaceId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    select: { id: true, action: true, targetType: true, targetId: true, data: true, createdAt: true, actor: { select: { email: true, name: true } } },
  });
  const nextCursor = rows.length > input.limit ? rows.pop()!.id : null;
  return { items: rows, nextCursor };
}
