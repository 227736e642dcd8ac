/** Playground: runs (start, follow, cancel, history), share links, send to studio. Logic in server/inference. */
import { z } from "zod";
import { actorOf, createTRPCRouter, serviceCall, workspaceProcedure } from "../trpc";
import * as runs from "../../inference/runs";
import { createShare, listShares, revokeShare } from "../../inference/share";

const id = z.string().min(1).max(64);

export const inferenceRouter = createTRPCRouter({
  options: workspaceProcedure("viewer").query(({ ctx }) => runs.playgroundOptions(ctx.db, actorOf(ctx))),

  start: workspaceProcedure("reviewer")
    .input(
      z.object({
        endpointId: id.optional(),
        modelVersionId: id.optional(),
        question: z.string().trim().min(1, "Write a question first.").max(50_000),
        schedule: z.enum(["round-sync", "eager"]).default("round-sync"),
        params: z
          .object({
            maxRounds: z.number().int().min(1).max(100).optional(),
            temperature: z.number().min(0).max(2).optional(),
            topP: z.number().gt(0).max(1).optional(),
            seed: z.number().int().optional(),
            plannerMaxTokens: z.number().int().min(1).max(200_000).optional(),
            executorMaxTokens: z.number().int().min(1).max(200_000).optional(),
            executorContext: z.enum(["rearranged", "prefix"]).optional(),
            maxConcurrentLanes: z.number().int().min(1).max(1024).optional(),
            warmPrefix: z.boolean().optional(),
          })
          .optional(),
        compareSequential: z.boolean().default(false),
        prompted: z.object({ datasetId: id.optional() }).nullish(),
      }),
    )
    .mutation(({ ctx, input }) => serviceCall(() => runs.startRun(ctx.db, actorOf(ctx), input))),

  get: workspaceProcedure("viewer")
    .input(z.object({ runId: id }))
    .query(({ ctx, input }) => serviceCall(() => runs.getRun(ctx.db, actorOf(ctx), input.runId))),

  events: workspaceProcedure("viewer")
    .input(z.object({ runId: id, afterSeq: z.number().int().min(-1).default(-1) }))
    .query(({ ctx, input }) => serviceCall(() => runs.eventsFor(ctx.db, actorOf(ctx), input))),

  cancel: workspaceProcedure("reviewer")
    .input(z.object({ runId: id }))
    .mutation(({ ctx, input }) => serviceCall(() => runs.cancelRun(ctx.db, actorOf(ctx), input.runId))),

  list: workspaceProcedure("viewer")
    .input(z.object({ search: z.string().trim().max(200).optional(), mine: z.boolean().optional(), cursor: z.string().max(300).nullish(), limit: z.number().int().min(1).max(200).default(50) }))
    .query(({ ctx, input }) => serviceCall(() => runs.listRuns(ctx.db, actorOf(ctx), input))),

  share: workspaceProcedure("reviewer")
    .input(z.object({ runId: id }))
    .mutation(({ ctx, input }) => serviceCall(() => createShare(ctx.db, actorOf(ctx), input.runId))),

  shareLinks: workspaceProcedure("viewer").query(({ ctx }) => serviceCall(() => listShares(ctx.db, actorOf(ctx)))),

  revokeShare: workspaceProcedure("reviewer")
    .input(z.object({ shareLinkId: id }))
    .mutation(({ ctx, input }) => serviceCall(() => revokeShare(ctx.db, actorOf(ctx), input.shareLinkId))),

  sendToStudio: workspaceProcedure("curator")
    .input(z.object({ runId: id, datasetId: id }))
    .mutation(({ ctx, input }) => serviceCall(() => runs.sendToStudio(ctx.db, actorOf(ctx), input))),
});
