import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, workspaceProcedure, audit } from "../trpc";
import { createSnapshot, SnapshotError } from "../../curation/snapshots";

export const snapshotsRouter = createTRPCRouter({
  list: workspaceProcedure("viewer")
    .input(z.object({ datasetId: z.string() }))
    .query(async ({ ctx, input }) => {
      return ctx.db.datasetSnapshot.findMany({
        where: { datasetId: input.datasetId, dataset: { workspaceId: ctx.workspaceId } },
        orderBy: { number: "desc" },
        select: { id: true, number: true, itemCount: true, manifest: true, createdAt: true },
      });
    }),

  create: workspaceProcedure("curator")
    .input(z.object({ datasetId: z.string(), source: z.enum(["kept", "approved"]).default("kept"), note: z.string().max(500).optional() }))
    .mutation(async ({ ctx, input }) => {
      const ds = await ctx.db.dataset.findFirst({ where: { id: input.datasetId, workspaceId: ctx.workspaceId }, select: { id: true } });
      if (!ds) throw new TRPCError({ code: "NOT_FOUND", message: "No such dataset in this workspace." });
      try {
        const snap = await createSnapshot(ctx.db, { datasetId: ds.id, userId: ctx.user.id, source: input.source, note: input.note });
        await audit(ctx, ctx.workspaceId, "snapshot.create", { type: "snapshot", id: snap.id }, { number: snap.number, items: snap.itemCount });
        return { id: snap.id, number: snap.number, itemCount: snap.itemCount };
      } catch (err) {
        if (err instanceof SnapshotError) throw new TRPCError({ code: "BAD_REQUEST", message: err.message });
        throw err;
      }
    }),
});
