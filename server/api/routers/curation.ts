import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, workspaceProcedure, audit } from "../trpc";
import { pipelineConfigSchema, traceSelectionSchema } from "../../curation/config";
import { cancelCurationRun, createCurationRun, EmptySelectionError, runSummary } from "../../curation/runs";
import { assertBackendUsable } from "../../curation/backends";
import { currentTemplates } from "../../curation/templates";
import type { Context } from "../trpc";

async function datasetIn(ctx: Context & { workspaceId: string }, datasetId: string) {
  const ds = await ctx.db.dataset.findFirst({ where: { id: datasetId, workspaceId: ctx.workspaceId }, select: { id: true, name: true } });
  if (!ds) throw new TRPCError({ code: "NOT_FOUND", message: "No such dataset in this workspace." });
  return ds;
}

async function runIn(ctx: Context & { workspaceId: string }, runId: string) {
  const run = await ctx.db.curationRun.findFirst({ where: { id: runId, dataset: { workspaceId: ctx.workspaceId } }, select: { id: true } });
  if (!run) throw new TRPCError({ code: "NOT_FOUND", message: "No such curation run in this workspace." });
  return run;
}

export const curationRouter = createTRPCRouter({
  /** Starts a curation run over a dataset (or a selection of its traces). */
  start: workspaceProcedure("curator")
    .input(z.object({ datasetId: z.string(), config: pipelineConfigSchema.partial().default({}), selection: traceSelectionSchema.optional() }))
    .mutation(async ({ ctx, input }) => {
      await datasetIn(ctx, input.datasetId);
      const config = pipelineConfigSchema.parse(input.config);
      if (config.backend === "llm" && !config.templates) config.templates = await currentTemplates(ctx.db, ctx.workspaceId);
      await assertBackendUsable(config, ctx.workspaceId);
      try {
        const { run, taskId } = await createCurationRun(ctx.db, {
          workspaceId: ctx.workspaceId,
          datasetId: input.datasetId,
          userId: ctx.user.id,
          config,
          selection: input.selection,
        });
        await audit(ctx, ctx.workspaceId, "curation.start", { type: "curationRun", id: run.id }, { datasetId: input.datasetId, backend: config.backend });
        return { runId: run.id, taskId, total: run.total };
      } catch (err) {
        if (err instanceof EmptySelectionError) throw new TRPCError({ code: "BAD_REQUEST", message: err.message });
        throw err;
      }
    }),

  runs: workspaceProcedure("viewer")
    .input(z.object({ datasetId: z.string() }))
    .query(async ({ ctx, input }) => {
      await datasetIn(ctx, input.datasetId);
      return ctx.db.curationRun.findMany({
        where: { datasetId: input.datasetId },
        orderBy: { createdAt: "desc" },
        take: 50,
        select: { id: true, status: true, total: true, kept: true, filtered: true, failed: true, createdAt: true, startedAt: true, finishedAt: true, config: true },
      });
    }),

  run: workspaceProcedure("viewer")
    .input(z.object({ runId: z.string() }))
    .query(async ({ ctx, input }) => {
      await runIn(ctx, input.runId);
      return runSummary(ctx.db, input.runId);
    }),

  cancel: workspaceProcedure("curator")
    .input(z.object({ runId: z.string() }))
    .mutation(async ({ ctx, input }) => {
      await runIn(ctx, input.runId);
      await cancelCurationRun(ctx.db, input.runId, { workspaceId: ctx.workspaceId });
      await audit(ctx, ctx.workspaceId, "curation.cancel", { type: "curationRun", id: input.runId });
      return { ok: true };
    }),
});
