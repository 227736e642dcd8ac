/** Edits of curated trajectories: save (optimistic version check), history, version, diff, restore. */
import { z } from "zod";
import { actorOf, createTRPCRouter, serviceCall, workspaceProcedure } from "../trpc";
import { draftSchema, diffVersions, getVersion, history, restoreVersion, saveDraft } from "../../review/versions";

const id = z.string().min(1).max(64);
const version = z.number().int().min(1);

export const trajectoriesRouter = createTRPCRouter({
  history: workspaceProcedure("viewer")
    .input(z.object({ trajectoryId: id }))
    .query(({ ctx, input }) => serviceCall(() => history(ctx.db, actorOf(ctx), input.trajectoryId))),
  version: workspaceProcedure("viewer")
    .input(z.object({ trajectoryId: id, version }))
    .query(({ ctx, input }) => serviceCall(() => getVersion(ctx.db, actorOf(ctx), input))),
  diff: workspaceProcedure("viewer")
    .input(z.object({ trajectoryId: id, from: version, to: version }))
    .query(({ ctx, input }) => serviceCall(() => diffVersions(ctx.db, actorOf(ctx), input))),
  /** Reviewers may edit items assigned to them; curators and admins any item. */
  save: workspaceProcedure("reviewer")
    .input(z.object({ trajectoryId: id, baseVersion: version, draft: draftSchema, note: z.string().max(2000).optional() }))
    .mutation(({ ctx, input }) => serviceCall(() => saveDraft(ctx.db, actorOf(ctx), input))),
  restore: workspaceProcedure("curator")
    .input(z.object({ trajectoryId: id, version, baseVersion: version }))
    .mutation(({ ctx, input }) => serviceCall(() => restoreVersion(ctx.db, actorOf(ctx), input))),
});
