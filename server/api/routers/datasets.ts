import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, workspaceProcedure, audit } from "../trpc";

export const datasetsRouter = createTRPCRouter({
  list: workspaceProcedure("viewer").query(async ({ ctx }) => {
    const rows = await ctx.db.dataset.findMany({
      where: { workspaceId: ctx.workspaceId },
      orderBy: { updatedAt: "desc" },
      select: {
        id: true,
        name: true,
        description: true,
        createdAt: true,
        updatedAt: true,
        _count: { select: { traces: true, trajectories: true, snapshots: true } },
        curationRuns: { orderBy: { createdAt: "desc" }, take: 1, select: { id: true, status: true, createdAt: true } },
      },
    });
    const tokenStats = await ctx.db.trace.groupBy({
      by: ["datasetId"],
      where: { dataset: { workspaceId: ctx.workspaceId } },
      _sum: { reasoningTokens: true },
      _count: { reasoningTokens: true },
    });
    const byId = new Map(tokenStats.map((s) => [s.datasetId, s]));
    return rows.map((d) => ({
      id: d.id,
      name: d.name,
      description: d.description,
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
      traceCount: d._count.traces,
      trajectoryCount: d._count.trajectories,
      snapshotCount: d._count.snapshots,
      countedTraces: byId.get(d.id)?._count.reasoningTokens ?? 0,
      reasoningTokens: byId.get(d.id)?._sum.reasoningTokens ?? null,
      lastRun: d.curationRuns[0] ?? null,
    }));
  }),

  get: workspaceProcedure("viewer")
    .input(z.object({ datasetId: z.string() }))
    .query(async ({ ctx, input }) => {
      const d = await ctx.db.dataset.findFirst({
        where: { id: input.datasetId, workspaceId: ctx.workspaceId },
        select: { id: true, name: true, description: true, guidelines: true, createdAt: true, _count: { select: { traces: true } } },
      });
      if (!d) throw new TRPCError({ code: "NOT_FOUND", message: "No such dataset in this workspace." });
      return d;
    }),

  create: workspaceProcedure("curator")
    .input(z.object({ name: z.string().trim().min(1).max(120), description: z.string().trim().max(2000).optional() }))
    .mutation(async ({ ctx, input }) => {
      const clash = await ctx.db.dataset.findUnique({ where: { workspaceId_name: { workspaceId: ctx.workspaceId, name: input.name } } });
      if (clash) throw new TRPCError({ code: "CONFLICT", message: `A dataset named "${input.name}" already exists.` });
      const d = await ctx.db.dataset.create({
        data: { workspaceId: ctx.workspaceId, name: input.name, description: input.description ?? null, createdById: ctx.user.id },
      });
      await audit(ctx, ctx.workspaceId, "dataset.create", { type: "dataset", id: d.id }, { name: d.name });
      return { id: d.id };
    }),
});
