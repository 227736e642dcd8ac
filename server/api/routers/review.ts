/** Team review: assignment, the queue, decisions, adjudication, guidelines, agreement. Logic in server/review. */
import { z } from "zod";
import { actorOf, createTRPCRouter, serviceCall, workspaceProcedure } from "../trpc";
import * as review from "../../review/service";
import { agreementReport } from "../../review/agreement";

const id = z.string().min(1).max(64);
const decision = z.enum(["approved", "rejected", "changes_requested"]);
const queueStatus = z.enum(["pending", "in_review", "approved", "rejected", "changes_requested", "disagreement", "unassigned"]);

export const reviewRouter = createTRPCRouter({
  reviewers: workspaceProcedure("viewer").query(({ ctx }) => review.reviewers(ctx.db, actorOf(ctx))),

  /** Open comments that mention me. */
  mentions: workspaceProcedure("viewer").query(({ ctx }) => review.myMentions(ctx.db, actorOf(ctx))),

  queue: workspaceProcedure("viewer")
    .input(
      z.object({
        datasetId: id,
        status: queueStatus.optional(),
        mine: z.boolean().optional(),
        reviewerId: id.optional(),
        /** Keyset cursor: the previous page's nextCursor. */
        cursor: z.string().max(300).nullish(),
        limit: z.number().int().min(1).max(200).default(100),
      }),
    )
    .query(({ ctx, input }) => serviceCall(() => review.listQueue(ctx.db, actorOf(ctx), input))),

  progress: workspaceProcedure("viewer")
    .input(z.object({ datasetId: id }))
    .query(({ ctx, input }) => serviceCall(() => review.progress(ctx.db, actorOf(ctx), input.datasetId))),

  item: workspaceProcedure("viewer")
    .input(z.object({ trajectoryId: id, queue: z.object({ mine: z.boolean().optional(), status: queueStatus.optional() }).optional() }))
    .query(({ ctx, input }) => serviceCall(() => review.getItem(ctx.db, actorOf(ctx), input))),

  activity: workspaceProcedure("viewer")
    .input(z.object({ trajectoryId: id }))
    .query(({ ctx, input }) => serviceCall(() => review.itemActivity(ctx.db, actorOf(ctx), input.trajectoryId))),

  assign: workspaceProcedure("curator")
    .input(
      z.object({
        datasetId: id,
        reviewerIds: z.array(id).min(1).max(100),
        count: z.number().int().min(1).max(10_000),
        overlap: z.number().int().min(1).max(10),
      }),
    )
    .mutation(({ ctx, input }) => serviceCall(() => review.assignAutomatically(ctx.db, actorOf(ctx), input))),

  assignManual: workspaceProcedure("curator")
    .input(z.object({ trajectoryIds: z.array(id).min(1).max(500), reviewerIds: z.array(id).min(1).max(100) }))
    .mutation(({ ctx, input }) => serviceCall(() => review.assignManually(ctx.db, actorOf(ctx), input))),

  unassign: workspaceProcedure("curator")
    .input(z.object({ trajectoryId: id, reviewerId: id }))
    .mutation(({ ctx, input }) => serviceCall(() => review.unassign(ctx.db, actorOf(ctx), input))),

  start: workspaceProcedure("reviewer")
    .input(z.object({ trajectoryId: id }))
    .mutation(({ ctx, input }) => serviceCall(() => review.startReview(ctx.db, actorOf(ctx), input.trajectoryId))),

  submit: workspaceProcedure("reviewer")
    .input(z.object({ trajectoryId: id, decision, note: z.string().max(10_000).optional() }))
    .mutation(({ ctx, input }) => serviceCall(() => review.submitReview(ctx.db, actorOf(ctx), input))),

  /** Curator: adjudicate / send back / re-open one item or many (bulk, confirmed in the UI). */
  curatorAction: workspaceProcedure("curator")
    .input(
      z.object({
        trajectoryIds: z.array(id).min(1).max(500),
        action: z.enum(["adjudicate", "send_back", "reopen"]),
        decision: decision.optional(),
        note: z.string().max(10_000).optional(),
      }),
    )
    .mutation(({ ctx, input }) => serviceCall(() => review.curatorAction(ctx.db, actorOf(ctx), input))),

  setGuidelines: workspaceProcedure("curator")
    .input(z.object({ datasetId: id, guidelines: z.string().max(100_000) }))
    .mutation(({ ctx, input }) => serviceCall(() => review.setGuidelines(ctx.db, actorOf(ctx), input))),

  agreement: workspaceProcedure("viewer")
    .input(z.object({ datasetId: id, edgeF1Threshold: z.number().min(0).max(1).default(0.999) }))
    .query(({ ctx, input }) => serviceCall(() => agreementReport(ctx.db, actorOf(ctx), input))),
});

const anchor = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("trajectory") }),
  z.object({ kind: z.literal("step"), stepId: z.number().int().min(1) }),
  z.object({ kind: z.literal("edge"), parent: z.number().int().min(1), child: z.number().int().min(1) }),
  z.object({ kind: z.literal("stage"), stage: z.number().int().min(1) }),
]);

export const commentsRouter = createTRPCRouter({
  list: workspaceProcedure("viewer")
    .input(z.object({ trajectoryId: id }))
    .query(({ ctx, input }) => serviceCall(() => review.listComments(ctx.db, actorOf(ctx), input.trajectoryId))),
  add: workspaceProcedure("reviewer")
    .input(z.object({ trajectoryId: id, body: z.string().min(1).max(20_000), anchor: anchor.optional(), parentId: id.optional() }))
    .mutation(({ ctx, input }) => serviceCall(() => review.addComment(ctx.db, actorOf(ctx), input))),
  edit: workspaceProcedure("reviewer")
    .input(z.object({ commentId: id, body: z.string().min(1).max(20_000) }))
    .mutation(({ ctx, input }) => serviceCall(() => review.editComment(ctx.db, actorOf(ctx), input))),
  resolve: workspaceProcedure("reviewer")
    .input(z.object({ commentId: id, resolved: z.boolean() }))
    .mutation(({ ctx, input }) => serviceCall(() => review.resolveComment(ctx.db, actorOf(ctx), input))),
  remove: workspaceProcedure("reviewer")
    .input(z.object({ commentId: id }))
    .mutation(({ ctx, input }) => serviceCall(() => review.deleteComment(ctx.db, actorOf(ctx), input.commentId))),
});
