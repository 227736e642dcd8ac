/** Evaluation: benchmarks, eval runs, imported outputs, undecided answers, reports. Logic in server/eval. */
import { actorOf, createTRPCRouter, serviceCall, workspaceProcedure } from "../trpc";
import * as ev from "../../eval";

export const evalRouter = createTRPCRouter({
  benchmarks: workspaceProcedure("viewer").query(({ ctx }) => serviceCall(() => ev.listBenchmarks(ctx.db, actorOf(ctx)))),

  benchmark: workspaceProcedure("viewer")
    .input(ev.getBenchmarkInput)
    .query(({ ctx, input }) => serviceCall(() => ev.getBenchmark(ctx.db, actorOf(ctx), input))),

  uploadBenchmark: workspaceProcedure("curator")
    .input(ev.uploadBenchmarkInput)
    .mutation(({ ctx, input }) => serviceCall(() => ev.uploadBenchmark(ctx.db, actorOf(ctx), input))),

  generateCountdown: workspaceProcedure("curator")
    .input(ev.generateCountdownInput)
    .mutation(({ ctx, input }) => serviceCall(() => ev.generateCountdownSet(ctx.db, actorOf(ctx), input))),

  start: workspaceProcedure("curator")
    .input(ev.startEvalInput)
    .mutation(({ ctx, input }) => serviceCall(() => ev.startEvalRun(ctx.db, actorOf(ctx), input))),

  cancel: workspaceProcedure("curator")
    .input(ev.runIdInput)
    .mutation(({ ctx, input }) => serviceCall(() => ev.cancelEvalRun(ctx.db, actorOf(ctx), input.runId))),

  importOutputs: workspaceProcedure("curator")
    .input(ev.importOutputsInput)
    .mutation(({ ctx, input }) => serviceCall(() => ev.importOutputs(ctx.db, actorOf(ctx), input))),

  runs: workspaceProcedure("viewer")
    .input(ev.listEvalRunsInput)
    .query(({ ctx, input }) => serviceCall(() => ev.listEvalRuns(ctx.db, actorOf(ctx), input))),

  run: workspaceProcedure("viewer")
    .input(ev.runIdInput)
    .query(({ ctx, input }) => serviceCall(() => ev.getEvalRun(ctx.db, actorOf(ctx), input.runId))),

  results: workspaceProcedure("viewer")
    .input(ev.listEvalResultsInput)
    .query(({ ctx, input }) => serviceCall(() => ev.listEvalResults(ctx.db, actorOf(ctx), input))),

  result: workspaceProcedure("viewer")
    .input(ev.resultIdInput)
    .query(({ ctx, input }) => serviceCall(() => ev.getEvalResult(ctx.db, actorOf(ctx), input.resultId))),

  undecided: workspaceProcedure("viewer")
    .input(ev.runIdInput)
    .query(({ ctx, input }) => serviceCall(() => ev.listUndecided(ctx.db, actorOf(ctx), input.runId))),

  settle: workspaceProcedure("reviewer")
    .input(ev.settleInput)
    .mutation(({ ctx, input }) => serviceCall(() => ev.settleResult(ctx.db, actorOf(ctx), input))),

  report: workspaceProcedure("viewer")
    .input(ev.reportInput)
    .query(({ ctx, input }) => serviceCall(() => ev.getEvalReport(ctx.db, actorOf(ctx), input))),

  compare: workspaceProcedure("viewer")
    .input(ev.compareInput)
    .query(({ ctx, input }) => serviceCall(() => ev.compareEvalRuns(ctx.db, actorOf(ctx), input))),

  export: workspaceProcedure("viewer")
    .input(ev.exportInput)
    .query(({ ctx, input }) => serviceCall(() => ev.exportEvalRun(ctx.db, actorOf(ctx), input))),
});
