/** Background tasks of a workspace (the queue: server/jobs), and the token recount of a dataset (server/curation). */
import { actorOf, createTRPCRouter, serviceCall, workspaceProcedure } from "../trpc";
import * as tasks from "../../jobs/tasks";
import { datasetIdInput, recountTokens } from "../../curation/datasets";

export const tasksRouter = createTRPCRouter({
  list: workspaceProcedure("viewer")
    .input(tasks.listTasksInput)
    .query(({ ctx, input }) => serviceCall(() => tasks.listWorkspaceTasks(ctx.db, actorOf(ctx), input))),
  get: workspaceProcedure("viewer")
    .input(tasks.taskIdInput)
    .query(({ ctx, input }) => serviceCall(() => tasks.getWorkspaceTask(ctx.db, actorOf(ctx), input))),
  /** The most recent task of a kind for one dataset (drives progress bars on dataset rows). */
  latestForDataset: workspaceProcedure("viewer")
    .input(tasks.latestTaskInput)
    .query(({ ctx, input }) => serviceCall(() => tasks.latestTaskForDataset(ctx.db, actorOf(ctx), input))),
  cancel: workspaceProcedure("curator")
    .input(tasks.taskIdInput)
    .mutation(({ ctx, input }) => serviceCall(() => tasks.cancelWorkspaceTask(ctx.db, actorOf(ctx), input))),
  /** Recounts the reasoning tokens of every trace of a dataset with the Qwen tokenizer (background job). */
  recountTokens: workspaceProcedure("curator")
    .input(datasetIdInput)
    .mutation(({ ctx, input }) => serviceCall(() => recountTokens(ctx.db, actorOf(ctx), input))),
});
