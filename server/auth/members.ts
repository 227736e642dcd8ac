/** Members of a workspace: roles, invitations (one-time link tokens, only their hash stored), removal, sessions. */
import { z } from "zod";
import type { PrismaClient } from "../db/client";
import { recordAudit } from "../audit";
import { ServiceError, requireRole, type Actor } from "../service-error";
import { ROLES } from "./roles";
import { hashToken, newToken } from "./accounts";

const roleSchema = z.enum(ROLES);
const INVITE_TTL_DAYS = 14;

export const inviteInput = z.object({ email: z.string().trim().toLowerCase().email(), role: roleSchema });
export const invitationIdInput = z.object({ invitationId: z.string() });
export const changeRoleInput = z.object({ userId: z.string(), role: roleSchema });
export const memberInput = z.object({ userId: z.string() });

async function assertNotLastAdmin(db: PrismaClient, workspaceId: string, userId: string) {
  const m = await db.membership.findUnique({ where: { workspaceId_userId: { workspaceId, userId } } });
  if (!m) throw new ServiceError("NOT_FOUND", "That person is not a member of this workspace.");
  if (m.role === "admin" && (await db.membership.count({ where: { workspaceId, role: "admin" } })) <= 1) {
    throw new ServiceError("BAD_REQUEST", "A workspace needs at least one admin. Promote someone else first.");
  }
  return m;
}

export async function listMembers(db: PrismaClient, actor: Actor) {
  const rows = await db.membership.findMany({
    where: { workspaceId: actor.workspaceId },
    orderBy: { createdAt: "asc" },
    select: { role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } },
  });
  return rows.map((r) => ({ ...r.user, role: r.role, joinedAt: r.createdAt, isMe: r.user.id === actor.userId }));
}

/** Pending (not accepted, revoked or expired) invitations. */
export async function listInvitations(db: PrismaClient, actor: Actor) {
  requireRole(actor, "admin");
  return db.invitation.findMany({
    where: { workspaceId: actor.workspaceId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
    select: { id: true, email: true, role: true, expiresAt: true, createdAt: true, invitedBy: { select: { email: true } } },
  });
}

/** Creates an invitation and returns its one-time link token (shown once; only its hash is stored). */
export async function invite(db: PrismaClient, actor: Actor, input: z.infer<typeof inviteInput>) {
  requireRole(actor, "admin");
  const existing = await db.membership.findFirst({ where: { workspaceId: actor.workspaceId, user: { email: input.email } } });
  if (existing) throw new ServiceError("CONFLICT", `${input.email} is already a member.`);
  // A new invitation replaces any pending one for the same address.
  await db.invitation.updateMany({
    where: { workspaceId: actor.workspaceId, email: input.email, acceptedAt: null, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  const token = newToken();
  const inv = await db.invitation.create({
    data: {
      workspaceId: actor.workspaceId,
      email: input.email,
      role: input.role,
      tokenHash: hashToken(token),
      invitedById: actor.userId,
      expiresAt: new Date(Date.now() + INVITE_TTL_DAYS * 86_400_000),
    },
  });
  await recordAudit(db, actor, "member.invite", { type: "invitation", id: inv.id }, { email: input.email, role: input.role });
  return { id: inv.id, token, path: `/invite/${token}`, expiresAt: inv.expiresAt };
}

export async function revokeInvitation(db: PrismaClient, actor: Actor, input: z.infer<typeof invitationIdInput>) {
  requireRole(actor, "admin");
  const r = await db.invitation.updateMany({
    where: { id: input.invitationId, workspaceId: actor.workspaceId, acceptedAt: null, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (r.count === 0) throw new ServiceError("NOT_FOUND", "No pending invitation with that id.");
  await recordAudit(db, actor, "member.invite_revoke", { type: "invitation", id: input.invitationId });
  return { ok: true };
}

export async function changeRole(db: PrismaClient, actor: Actor, input: z.infer<typeof changeRoleInput>) {
  requireRole(actor, "admin");
  const key = { workspaceId_userId: { workspaceId: actor.workspaceId, userId: input.userId } };
  // Demoting the last admin is refused (assertNotLastAdmin); promoting or keeping admin is always fine.
  const m = input.role === "admin" ? await db.membership.findUnique({ where: key }) : await assertNotLastAdmin(db, actor.workspaceId, input.userId);
  if (!m) throw new ServiceError("NOT_FOUND", "That person is not a member of this workspace.");
  await db.membership.update({ where: key, data: { role: input.role } });
  await recordAudit(db, actor, "member.role_change", { type: "user", id: input.userId }, { from: m.role, to: input.role });
  return { ok: true };
}

export async function removeMember(db: PrismaClient, actor: Actor, input: z.infer<typeof memberInput>) {
  requireRole(actor, "admin");
  await assertNotLastAdmin(db, actor.workspaceId, input.userId);
  await db.membership.delete({ where: { workspaceId_userId: { workspaceId: actor.workspaceId, userId: input.userId } } });
  await recordAudit(db, actor, "member.remove", { type: "user", id: input.userId });
  return { ok: true };
}

/** Ends every session of a member (they must sign in again). */
export async function revokeMemberSessions(db: PrismaClient, actor: Actor, input: z.infer<typeof memberInput>) {
  requireRole(actor, "admin");
  const m = await db.membership.findUnique({ where: { workspaceId_userId: { workspaceId: actor.workspaceId, userId: input.userId } } });
  if (!m) throw new ServiceError("NOT_FOUND", "That person is not a member of this workspace.");
  await db.user.update({ where: { id: input.userId }, data: { sessionVersion: { increment: 1 } } });
  await recordAudit(db, actor, "member.revoke_sessions", { type: "user", id: input.userId });
  return { ok: true };
}
