/** Edits of curated trajectories: save (optimistic version check), history, version, diff, restore. Logic in server/review/versions.ts. */
import { actorOf, createTRPCRouter, serviceCall, workspaceProcedure } from "../trpc";
import * as versions from "../../review/versions";

export const trajectoriesRouter = createTRPCRouter({
  history: workspaceProcedure("viewer")
    .input(versions.historyInput)
    .query(({ ctx, input }) => serviceCall(() => versions.history(ctx.db, actorOf(ctx), input.trajectoryId))),
  version: workspaceProcedure("viewer")
    .input(versions.versionInput)
    .query(({ ctx, input }) => serviceCall(() => versions.getVersion(ctx.db, actorOf(ctx), input))),
  diff: workspaceProcedure("viewer")
    .input(versions.diffInput)
    .query(({ ctx, input }) => serviceCall(() => versions.diffVersions(ctx.db, actorOf(ctx), input))),
  /** Reviewers may edit items assigned to them; curators and admins any item. */
  save: workspaceProcedure("reviewer")
    .input(versions.saveDraftInput)
    .mutation(({ ctx, input }) => serviceCall(() => versions.saveDraft(ctx.db, actorOf(ctx), input))),
  restore: workspaceProcedure("curator")
    .input(versions.restoreInput)
    .mutation(({ ctx, input }) => serviceCall(() => versions.restoreVersion(ctx.db, actorOf(ctx), input))),
});
