/** Team review: assignment, the queue, decisions, adjudication, guidelines, agreement, comments. Logic in server/review. */
import { actorOf, createTRPCRouter, serviceCall, workspaceProcedure } from "../trpc";
import * as review from "../../review/service";

export const reviewRouter = createTRPCRouter({
  reviewers: workspaceProcedure("viewer").query(({ ctx }) => serviceCall(() => review.reviewers(ctx.db, actorOf(ctx)))),
  /** Open comments that mention me. */
  mentions: workspaceProcedure("viewer").query(({ ctx }) => serviceCall(() => review.myMentions(ctx.db, actorOf(ctx)))),
  queue: workspaceProcedure("viewer").input(review.queueInput).query(({ ctx, input }) => serviceCall(() => review.listQueue(ctx.db, actorOf(ctx), input))),
  progress: workspaceProcedure("viewer")
    .input(review.datasetIdInput)
    .query(({ ctx, input }) => serviceCall(() => review.progress(ctx.db, actorOf(ctx), input.datasetId))),
  item: workspaceProcedure("viewer").input(review.itemInput).query(({ ctx, input }) => serviceCall(() => review.getItem(ctx.db, actorOf(ctx), input))),
  activity: workspaceProcedure("viewer")
    .input(review.trajectoryIdInput)
    .query(({ ctx, input }) => serviceCall(() => review.itemActivity(ctx.db, actorOf(ctx), input.trajectoryId))),
  assign: workspaceProcedure("curator")
    .input(review.assignInput)
    .mutation(({ ctx, input }) => serviceCall(() => review.assignAutomatically(ctx.db, actorOf(ctx), input))),
  assignManual: workspaceProcedure("curator")
    .input(review.assignManualInput)
    .mutation(({ ctx, input }) => serviceCall(() => review.assignManually(ctx.db, actorOf(ctx), input))),
  unassign: workspaceProcedure("curator")
    .input(review.unassignInput)
    .mutation(({ ctx, input }) => serviceCall(() => review.unassign(ctx.db, actorOf(ctx), input))),
  start: workspaceProcedure("reviewer")
    .input(review.trajectoryIdInput)
    .mutation(({ ctx, input }) => serviceCall(() => review.startReview(ctx.db, actorOf(ctx), input.trajectoryId))),
  submit: workspaceProcedure("reviewer")
    .input(review.submitInput)
    .mutation(({ ctx, input }) => serviceCall(() => review.submitReview(ctx.db, actorOf(ctx), input))),
  /** Curator: adjudicate / send back / re-open one item or many (bulk, confirmed in the UI). */
  curatorAction: workspaceProcedure("curator")
    .input(review.curatorActionInput)
    .mutation(({ ctx, input }) => serviceCall(() => review.curatorAction(ctx.db, actorOf(ctx), input))),
  setGuidelines: workspaceProcedure("curator")
    .input(review.guidelinesInput)
    .mutation(({ ctx, input }) => serviceCall(() => review.setGuidelines(ctx.db, actorOf(ctx), input))),
  agreement: workspaceProcedure("viewer")
    .input(review.agreementInput)
    .query(({ ctx, input }) => serviceCall(() => review.agreementReport(ctx.db, actorOf(ctx), input))),
});

export const commentsRouter = createTRPCRouter({
  list: workspaceProcedure("viewer")
    .input(review.trajectoryIdInput)
    .query(({ ctx, input }) => serviceCall(() => review.listComments(ctx.db, actorOf(ctx), input.trajectoryId))),
  add: workspaceProcedure("reviewer")
    .input(review.addCommentInput)
    .mutation(({ ctx, input }) => serviceCall(() => review.addComment(ctx.db, actorOf(ctx), input))),
  edit: workspaceProcedure("reviewer")
    .input(review.editCommentInput)
    .mutation(({ ctx, input }) => serviceCall(() => review.editComment(ctx.db, actorOf(ctx), input))),
  resolve: workspaceProcedure("reviewer")
    .input(review.resolveCommentInput)
    .mutation(({ ctx, input }) => serviceCall(() => review.resolveComment(ctx.db, actorOf(ctx), input))),
  remove: workspaceProcedure("reviewer")
    .input(review.commentIdInput)
    .mutation(({ ctx, input }) => serviceCall(() => review.deleteComment(ctx.db, actorOf(ctx), input.commentId))),
});
