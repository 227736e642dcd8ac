/** The workspace itself: settings and audit log. Logic in server/auth/workspace.ts. */
import { actorOf, createTRPCRouter, serviceCall, workspaceProcedure } from "../trpc";
import * as workspace from "../../auth/workspace";

export const workspaceRouter = createTRPCRouter({
  get: workspaceProcedure("viewer").query(({ ctx }) => serviceCall(() => workspace.getWorkspace(ctx.db, actorOf(ctx)))),
  rename: workspaceProcedure("admin")
    .input(workspace.renameWorkspaceInput)
    .mutation(({ ctx, input }) => serviceCall(() => workspace.renameWorkspace(ctx.db, actorOf(ctx), input))),
  auditLog: workspaceProcedure("admin")
    .input(workspace.auditLogInput)
    .query(({ ctx, input }) => serviceCall(() => workspace.auditLog(ctx.db, actorOf(ctx), input))),
});
