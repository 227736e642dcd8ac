/** One audit-trail entry written by a service for the acting member (who did what to which target, when). */
import type { Prisma, PrismaClient } from "./db/client";
import type { Actor, UserActor } from "./service-error";

export async function recordAudit(
  db: PrismaClient | Prisma.TransactionClient,
  /** A workspace member (the entry belongs to that workspace) or a user acting on their own account (no workspace). */
  actor: Actor | UserActor,
  action: string,
  target: { type: string; id: string },
  data?: Record<string, unknown>,
): Promise<void> {
  await db.auditEvent.create({
    data: { workspaceId: "workspaceId" in actor ? actor.workspaceId : null, actorId: actor.userId, action, targetType: target.type, targetId: target.id, data: data as Prisma.InputJsonValue },
  });
}
