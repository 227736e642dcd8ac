import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, workspaceProcedure, audit } from "../trpc";
import { cancelTask, enqueueTask } from "../../jobs/queue";
import { getTask, listTasks } from "../../jobs/tasks";

const taskSelect = {
  id: true,
  kind: true,
  status: true,
  progress: true,
  message: true,
  error: true,
  result: true,
  input: true,
  attempts: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
} as const;

export const tasksRouter = createTRPCRouter({
  list: workspaceProcedure("viewer")
    .input(z.object({ kind: z.string().max(64).optional(), limit: z.number().int().min(1).max(100).default(20) }))
    .query(({ ctx, input }) => listTasks(ctx.workspaceId, { limit: input.limit, kind: input.kind })),

  get: workspaceProcedure("viewer")
    .input(z.object({ taskId: z.string() }))
    .query(async ({ ctx, input }) => {
      const task = await getTask(ctx.workspaceId, input.taskId);
      if (!task) throw new TRPCError({ code: "NOT_FOUND", message: "No such task in this workspace." });
      return task;
    }),

  /** The most recent task of a kind for one dataset (drives progress bars on dataset rows). */
  latestForDataset: workspaceProcedure("viewer")
    .input(z.object({ kind: z.string().max(64), datasetId: z.string() }))
    .query(async ({ ctx, input }) => {
      return ctx.db.task.findFirst({
        where: { workspaceId: ctx.workspaceId, kind: input.kind, input: { path: ["datasetId"], equals: input.datasetId } },
        orderBy: { createdAt: "desc" },
        select: taskSelect,
      });
    }),

  cancel: workspaceProcedure("curator")
    .input(z.object({ taskId: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const task = await getTask(ctx.workspaceId, input.taskId);
      if (!task) throw new TRPCError({ code: "NOT_FOUND", message: "No such task in this workspace." });
      await cancelTask(task.id);
      await audit(ctx, ctx.workspaceId, "task.cancel", { type: "task", id: task.id });
      return { ok: true };
    }),

  /** Recounts the reasoning tokens of every trace of a dataset with the Qwen tokenizer (background job). */
  recountTokens: workspaceProcedure("curator")
    .input(z.object({ datasetId: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const ds = await ctx.db.dataset.findFirst({ where: { id: input.datasetId, workspaceId: ctx.workspaceId }, select: { id: true } });
      if (!ds) throw new TRPCError({ code: "NOT_FOUND", message: "No such dataset in this workspace." });
      const task = await enqueueTask({
        kind: "recount-tokens",
        workspaceId: ctx.workspaceId,
        createdById: ctx.user.id,
        input: { datasetId: ds.id },
      });
      await audit(ctx, ctx.workspaceId, "task.enqueue", { type: "task", id: task.id }, { kind: "recount-tokens", datasetId: ds.id });
      return { taskId: task.id };
    }),
});
