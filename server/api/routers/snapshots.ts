/** Dataset snapshots (downloads: app/api/snapshots/[snapshotId]/download). Logic in server/curation/snapshots.ts. */
import { actorOf, createTRPCRouter, serviceCall, workspaceProcedure } from "../trpc";
import { createSnapshotFor, createSnapshotInput, listSnapshots, snapshotsOfDatasetInput } from "../../curation/snapshots";

export const snapshotsRouter = createTRPCRouter({
  list: workspaceProcedure("viewer")
    .input(snapshotsOfDatasetInput)
    .query(({ ctx, input }) => serviceCall(() => listSnapshots(ctx.db, actorOf(ctx), input))),
  create: workspaceProcedure("curator")
    .input(createSnapshotInput)
    .mutation(({ ctx, input }) => serviceCall(() => createSnapshotFor(ctx.db, actorOf(ctx), input))),
});
