import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, workspaceProcedure, audit } from "../trpc";
import { ROLES } from "../../auth/roles";
import { hashToken, newToken } from "../../auth/accounts";
import type { PrismaClient } from "../../db/client";

const roleSchema = z.enum(ROLES);
const INVITE_TTL_DAYS = 14;

async function assertNotLastAdmin(db: PrismaClient, workspaceId: string, userId: string) {
  const m = await db.membership.findUnique({ where: { workspaceId_userId: { workspaceId, userId } } });
  if (!m) throw new TRPCError({ code: "NOT_FOUND", message: "That person is not a member of this workspace." });
  if (m.role === "admin" && (await db.membership.count({ where: { workspaceId, role: "admin" } })) <= 1) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "A workspace needs at least one admin. Promote someone else first." });
  }
  return m;
}

export const membersRouter = createTRPCRouter({
  list: workspaceProcedure("viewer").query(async ({ ctx }) => {
    const rows = await ctx.db.membership.findMany({
      where: { workspaceId: ctx.workspaceId },
      orderBy: { createdAt: "asc" },
      select: { role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } },
    });
    return rows.map((r) => ({ ...r.user, role: r.role, joinedAt: r.createdAt, isMe: r.user.id === ctx.user.id }));
  }),

  invitations: workspaceProcedure("admin").query(async ({ ctx }) => {
    return ctx.db.invitation.findMany({
      where: { workspaceId: ctx.workspaceId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      orderBy: { createdAt: "desc" },
      select: { id: true, email: true, role: true, expiresAt: true, createdAt: true, invitedBy: { select: { email: true } } },
    });
  }),

  /** Creates an invitation and returns its one-time link token (shown once; only its hash is stored). */
  invite: workspaceProcedure("admin")
    .input(z.object({ email: z.string().trim().toLowerCase().email(), role: roleSchema }))
    .mutation(async ({ ctx, input }) => {
      const existing = await ctx.db.membership.findFirst({ where: { workspaceId: ctx.workspaceId, user: { email: input.email } } });
      if (existing) throw new TRPCError({ code: "CONFLICT", message: `${input.email} is already a member.` });
      // A new invitation replaces any pending one for the same address.
      await ctx.db.invitation.updateMany({
        where: { workspaceId: ctx.workspaceId, email: input.email, acceptedAt: null, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      const token = newToken();
      const inv = await ctx.db.invitation.create({
        data: {
          workspaceId: ctx.workspaceId,
          email: input.email,
          role: input.role,
          tokenHash: hashToken(token),
          invitedById: ctx.user.id,
          expiresAt: new Date(Date.now() + INVITE_TTL_DAYS * 86_400_000),
        },
      });
      await audit(ctx, ctx.workspaceId, "member.invite", { type: "invitation", id: inv.id }, { email: input.email, role: input.role });
      return { id: inv.id, token, path: `/invite/${token}`, expiresAt: inv.expiresAt };
    }),

  revokeInvitation: workspaceProcedure("admin")
    .input(z.object({ invitationId: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const r = await ctx.db.invitation.updateMany({
        where: { id: input.invitationId, workspaceId: ctx.workspaceId, acceptedAt: null, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      if (r.count === 0) throw new TRPCError({ code: "NOT_FOUND", message: "No pending invitation with that id." });
      await audit(ctx, ctx.workspaceId, "member.invite_revoke", { type: "invitation", id: input.invitationId });
      return { ok: true };
    }),

  changeRole: workspaceProcedure("admin")
    .input(z.object({ userId: z.string(), role: roleSchema }))
    .mutation(async ({ ctx, input }) => {
      // Demoting the last admin is refused (assertNotLastAdmin); promoting or keeping admin is always fine.
      const m =
        input.role === "admin"
          ? await ctx.db.membership.findUnique({ where: { workspaceId_userId: { workspaceId: ctx.workspaceId, userId: input.userId } } })
          : await assertNotLastAdmin(ctx.db, ctx.workspaceId, input.userId);
      if (!m) throw new TRPCError({ code: "NOT_FOUND", message: "That person is not a member of this workspace." });
      await ctx.db.membership.update({
        where: { workspaceId_userId: { workspaceId: ctx.workspaceId, userId: input.userId } },
        data: { role: input.role },
      });
      await audit(ctx, ctx.workspaceId, "member.role_change", { type: "user", id: input.userId }, { from: m?.role, to: input.role });
      return { ok: true };
    }),

  remove: workspaceProcedure("admin")
    .input(z.object({ userId: z.string() }))
    .mutation(async ({ ctx, input }) => {
      await assertNotLastAdmin(ctx.db, ctx.workspaceId, input.userId);
      await ctx.db.membership.delete({ where: { workspaceId_userId: { workspaceId: ctx.workspaceId, userId: input.userId } } });
      await audit(ctx, ctx.workspaceId, "member.remove", { type: "user", id: input.userId });
      return { ok: true };
    }),

  /** Ends every session of a member (they must sign in again). */
  revokeSessions: workspaceProcedure("admin")
    .input(z.object({ userId: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const m = await ctx.db.membership.findUnique({ where: { workspaceId_userId: { workspaceId: ctx.workspaceId, userId: input.userId } } });
      if (!m) throw new TRPCError({ code: "NOT_FOUND", message: "That person is not a member of this workspace." });
      await ctx.db.user.update({ where: { id: input.userId }, data: { sessionVersion: { increment: 1 } } });
      await audit(ctx, ctx.workspaceId, "member.revoke_sessions", { type: "user", id: input.userId });
      return { ok: true };
    }),
});
