/** Playground: runs (start, follow, cancel, history), share links, send to studio. Logic in server/inference. */
import { actorOf, createTRPCRouter, serviceCall, workspaceProcedure } from "../trpc";
import * as runs from "../../inference/runs";
import { createShare, listShares, revokeShare, shareLinkIdInput } from "../../inference/share";

export const inferenceRouter = createTRPCRouter({
  options: workspaceProcedure("viewer").query(({ ctx }) => serviceCall(() => runs.playgroundOptions(ctx.db, actorOf(ctx)))),
  start: workspaceProcedure("reviewer")
    .input(runs.startRunInput)
    .mutation(({ ctx, input }) => serviceCall(() => runs.startRun(ctx.db, actorOf(ctx), input))),
  get: workspaceProcedure("viewer")
    .input(runs.runIdInput)
    .query(({ ctx, input }) => serviceCall(() => runs.getRun(ctx.db, actorOf(ctx), input.runId))),
  events: workspaceProcedure("viewer")
    .input(runs.eventsInput)
    .query(({ ctx, input }) => serviceCall(() => runs.eventsFor(ctx.db, actorOf(ctx), input))),
  cancel: workspaceProcedure("reviewer")
    .input(runs.runIdInput)
    .mutation(({ ctx, input }) => serviceCall(() => runs.cancelRun(ctx.db, actorOf(ctx), input.runId))),
  list: workspaceProcedure("viewer")
    .input(runs.listRunsInput)
    .query(({ ctx, input }) => serviceCall(() => runs.listRuns(ctx.db, actorOf(ctx), input))),
  share: workspaceProcedure("reviewer")
    .input(runs.runIdInput)
    .mutation(({ ctx, input }) => serviceCall(() => createShare(ctx.db, actorOf(ctx), input.runId))),
  shareLinks: workspaceProcedure("viewer").query(({ ctx }) => serviceCall(() => listShares(ctx.db, actorOf(ctx)))),
  revokeShare: workspaceProcedure("reviewer")
    .input(shareLinkIdInput)
    .mutation(({ ctx, input }) => serviceCall(() => revokeShare(ctx.db, actorOf(ctx), input.shareLinkId))),
  sendToStudio: workspaceProcedure("curator")
    .input(runs.sendToStudioInput)
    .mutation(({ ctx, input }) => serviceCall(() => runs.sendToStudio(ctx.db, actorOf(ctx), input))),
});
