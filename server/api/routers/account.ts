/** The signed-in user's own account. Logic in server/auth/account.ts. */
import { createTRPCRouter, protectedProcedure, publicProcedure, serviceCall, userOf } from "../trpc";
import * as account from "../../auth/account";

export const accountRouter = createTRPCRouter({
  /** The signed-in user and the workspaces they belong to. */
  me: protectedProcedure.query(({ ctx }) => serviceCall(() => account.me(ctx.db, userOf(ctx)))),
  /** Signs the user out everywhere (every issued session token stops working). */
  revokeMySessions: protectedProcedure.mutation(({ ctx }) => serviceCall(() => account.revokeMySessions(ctx.db, userOf(ctx)))),
  changePassword: protectedProcedure
    .input(account.changePasswordInput)
    .mutation(({ ctx, input }) => serviceCall(() => account.changePassword(ctx.db, userOf(ctx), input))),
  /** What an invitation link offers (the token itself is the credential). */
  invitation: publicProcedure.input(account.invitationTokenInput).query(({ ctx, input }) => serviceCall(() => account.invitationPreview(ctx.db, input))),
  /** A signed-in user accepts an invitation addressed to their email. */
  acceptInvitation: protectedProcedure
    .input(account.invitationTokenInput)
    .mutation(({ ctx, input }) => serviceCall(() => account.acceptMyInvitation(ctx.db, userOf(ctx), input))),
});
