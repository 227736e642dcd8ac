/**
 * THE audit helper: every audit-trail entry (who did what to which target, when) is written through this module —
 * by services for the acting member, and by sign-in / sign-up for a user acting on their own account.
 */
import type { Prisma, PrismaClient } from "./db/client";

/** Who acted: a workspace member (the entry belongs to the workspace), a user outside any workspace, or nobody known (a failed sign-in). */
export interface AuditActor {
  userId: string | null;
  workspaceId?: string | null;
}

type Db = PrismaClient | Prisma.TransactionClient;
export interface AuditEntry {
  action: string;
  target: { type: string; id: string };
  data?: Record<string, unknown>;
}

function row(actor: AuditActor, e: AuditEntry): Prisma.AuditEventCreateManyInput {
  return {
    workspaceId: actor.workspaceId ?? null,
    actorId: actor.userId,
    action: e.action,
    targetType: e.target.type,
    targetId: e.target.id,
    data: e.data as Prisma.InputJsonValue | undefined,
  };
}

/** The write of one entry as a Prisma promise (for `db.$transaction([...])` batches). */
export function auditWrite(db: Db, actor: AuditActor, action: string, target: { type: string; id: string }, data?: Record<string, unknown>) {
  return db.auditEvent.create({ data: row(actor, { action, target, data }) });
}

/** Records one entry. */
export async function recordAudit(
  db: Db,
  actor: AuditActor,
  action: string,
  target: { type: string; id: string },
  data?: Record<string, unknown>,
): Promise<void> {
  await auditWrite(db, actor, action, target, data);
}

/** Records several entries of one actor in one statement (bulk actions: one entry per item). */
export async function recordAudits(db: Db, actor: AuditActor, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.auditEvent.createMany({ data: entries.map((e) => row(actor, e)) });
}
