import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure, publicProcedure, audit } from "../trpc";
import { acceptInvitation, findUsableInvitation } from "../../auth/accounts";
import { hashPassword, verifyPassword } from "../../auth/password";

export const accountRouter = createTRPCRouter({
  /** The signed-in user and the workspaces they belong to. */
  me: protectedProcedure.query(async ({ ctx }) => {
    const user = await ctx.db.user.findUniqueOrThrow({
      where: { id: ctx.user.id },
      select: {
        id: true,
        email: true,
        name: true,
        createdAt: true,
        memberships: { select: { role: true, workspace: { select: { id: true, name: true, slug: true } } }, orderBy: { createdAt: "asc" } },
      },
    });
    return user;
  }),

  /** Signs the user out everywhere (every issued session token stops working). */
  revokeMySessions: protectedProcedure.mutation(async ({ ctx }) => {
    await ctx.db.user.update({ where: { id: ctx.user.id }, data: { sessionVersion: { increment: 1 } } });
    await audit(ctx, null, "auth.revoke_own_sessions", { type: "user", id: ctx.user.id });
    return { ok: true };
  }),

  changePassword: protectedProcedure
    .input(z.object({ current: z.string().min(1), next: z.string().min(8).max(200) }))
    .mutation(async ({ ctx, input }) => {
      const user = await ctx.db.user.findUniqueOrThrow({ where: { id: ctx.user.id } });
      if (!user.passwordHash || !(await verifyPassword(input.current, user.passwordHash))) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "The current password is wrong." });
      }
      await ctx.db.user.update({
        where: { id: user.id },
        data: { passwordHash: await hashPassword(input.next), sessionVersion: { increment: 1 } },
      });
      await audit(ctx, null, "auth.change_password", { type: "user", id: user.id });
      return { ok: true };
    }),

  /** What an invitation link offers (the token itself is the credential). */
  invitation: publicProcedure.input(z.object({ token: z.string().min(10).max(100) })).query(async ({ ctx, input }) => {
    const inv = await findUsableInvitation(ctx.db, input.token);
    if (!inv) return null;
    return { email: inv.email, role: inv.role, workspace: { name: inv.workspace.name, slug: inv.workspace.slug } };
  }),

  /** A signed-in user accepts an invitation addressed to their email. */
  acceptInvitation: protectedProcedure.input(z.object({ token: z.string().min(10).max(100) })).mutation(async ({ ctx, input }) => {
    const inv = await findUsableInvitation(ctx.db, input.token);
    if (!inv) throw new TRPCError({ code: "NOT_FOUND", message: "This invitation is invalid, expired or already used." });
    const me = await ctx.db.user.findUniqueOrThrow({ where: { id: ctx.user.id }, select: { email: true } });
    if (me.email !== inv.email) {
      throw new TRPCError({ code: "FORBIDDEN", message: `This invitation is for ${inv.email}; you are signed in as ${me.email}.` });
    }
    const role = await acceptInvitation(ctx.db, inv.id, ctx.user.id);
    return { slug: inv.workspace.slug, role };
  }),
});
