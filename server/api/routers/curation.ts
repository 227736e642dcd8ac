/** Curation runs. Logic in server/curation/runs.ts (its jobs: server/curation/jobs). */
import { actorOf, createTRPCRouter, serviceCall, workspaceProcedure } from "../trpc";
import { cancelCuration, getCurationRun, listCurationRuns, runIdInput, runsOfDatasetInput, startCuration, startRunInput } from "../../curation/runs";

export const curationRouter = createTRPCRouter({
  /** Starts a curation run over a dataset (or a selection of its traces). */
  start: workspaceProcedure("curator")
    .input(startRunInput)
    .mutation(({ ctx, input }) => serviceCall(() => startCuration(ctx.db, actorOf(ctx), input))),
  runs: workspaceProcedure("viewer")
    .input(runsOfDatasetInput)
    .query(({ ctx, input }) => serviceCall(() => listCurationRuns(ctx.db, actorOf(ctx), input))),
  run: workspaceProcedure("viewer")
    .input(runIdInput)
    .query(({ ctx, input }) => serviceCall(() => getCurationRun(ctx.db, actorOf(ctx), input))),
  cancel: workspaceProcedure("curator")
    .input(runIdInput)
    .mutation(({ ctx, input }) => serviceCall(() => cancelCuration(ctx.db, actorOf(ctx), input))),
});
