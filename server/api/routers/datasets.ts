/** Datasets. Logic in server/curation/datasets.ts. */
import { actorOf, createTRPCRouter, serviceCall, workspaceProcedure } from "../trpc";
import { createDataset, createDatasetInput, datasetIdInput, getDataset, listDatasets } from "../../curation/datasets";

export const datasetsRouter = createTRPCRouter({
  list: workspaceProcedure("viewer").query(({ ctx }) => serviceCall(() => listDatasets(ctx.db, actorOf(ctx)))),
  get: workspaceProcedure("viewer")
    .input(datasetIdInput)
    .query(({ ctx, input }) => serviceCall(() => getDataset(ctx.db, actorOf(ctx), input))),
  create: workspaceProcedure("curator")
    .input(createDatasetInput)
    .mutation(({ ctx, input }) => serviceCall(() => createDataset(ctx.db, actorOf(ctx), input))),
});
