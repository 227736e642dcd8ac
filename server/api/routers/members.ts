/** Members, roles and invitations. Logic in server/auth/members.ts. */
import { actorOf, createTRPCRouter, serviceCall, workspaceProcedure } from "../trpc";
import * as members from "../../auth/members";

export const membersRouter = createTRPCRouter({
  list: workspaceProcedure("viewer").query(({ ctx }) => serviceCall(() => members.listMembers(ctx.db, actorOf(ctx)))),
  invitations: workspaceProcedure("admin").query(({ ctx }) => serviceCall(() => members.listInvitations(ctx.db, actorOf(ctx)))),
  /** Creates an invitation and returns its one-time link token (shown once; only its hash is stored). */
  invite: workspaceProcedure("admin").input(members.inviteInput).mutation(({ ctx, input }) => serviceCall(() => members.invite(ctx.db, actorOf(ctx), input))),
  revokeInvitation: workspaceProcedure("admin")
    .input(members.invitationIdInput)
    .mutation(({ ctx, input }) => serviceCall(() => members.revokeInvitation(ctx.db, actorOf(ctx), input))),
  changeRole: workspaceProcedure("admin").input(members.changeRoleInput).mutation(({ ctx, input }) => serviceCall(() => members.changeRole(ctx.db, actorOf(ctx), input))),
  remove: workspaceProcedure("admin").input(members.memberInput).mutation(({ ctx, input }) => serviceCall(() => members.removeMember(ctx.db, actorOf(ctx), input))),
  /** Ends every session of a member (they must sign in again). */
  revokeSessions: workspaceProcedure("admin")
    .input(members.memberInput)
    .mutation(({ ctx, input }) => serviceCall(() => members.revokeMemberSessions(ctx.db, actorOf(ctx), input))),
});
