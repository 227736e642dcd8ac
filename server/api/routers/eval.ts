/** Evaluation: benchmarks, eval runs, imported outputs, undecided answers, reports. Logic in server/eval. */
import { z } from "zod";
import { actorOf, createTRPCRouter, serviceCall, workspaceProcedure } from "../trpc";
import * as ev from "../../eval";
import { fieldMappingSchema } from "../../sprint/benchmark";

const id = z.string().min(1).max(64);
const MB = 1024 * 1024;

export const evalRouter = createTRPCRouter({
  benchmarks: workspaceProcedure("viewer").query(({ ctx }) => serviceCall(() => ev.listBenchmarks(ctx.db, actorOf(ctx)))),

  benchmark: workspaceProcedure("viewer")
    .input(z.object({ benchmarkId: id, offset: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(500).optional() }))
    .query(({ ctx, input }) => serviceCall(() => ev.getBenchmark(ctx.db, actorOf(ctx), input))),

  uploadBenchmark: workspaceProcedure("curator")
    .input(
      z.object({
        name: z.string().trim().min(1, "Name the benchmark.").max(120),
        fileName: z.string().min(1).max(300),
        content: z.string().max(64 * MB, "The file is over 64 MB."),
        seed: z.string().trim().max(64).optional(),
        mapping: fieldMappingSchema.optional(),
      }),
    )
    .mutation(({ ctx, input }) => serviceCall(() => ev.uploadBenchmark(ctx.db, actorOf(ctx), input))),

  generateCountdown: workspaceProcedure("curator")
    .input(z.object({ name: z.string().trim().min(1).max(120), seed: z.string().trim().min(1).max(64), count: z.number().int().min(1).max(5000), numbers: z.number().int().min(2).max(6).optional(), useAll: z.boolean().optional() }))
    .mutation(({ ctx, input }) => serviceCall(() => ev.generateCountdownSet(ctx.db, actorOf(ctx), input))),

  start: workspaceProcedure("curator")
    .input(
      z.object({
        benchmarkId: id,
        endpointId: id.optional(),
        modelVersionId: id.optional(),
        mode: z.enum(ev.EVAL_MODES),
        samples: z.number().int().min(1).max(64).default(1),
        params: ev.evalParamsSchema.partial().optional(),
        name: z.string().trim().max(200).optional(),
      }),
    )
    .mutation(({ ctx, input }) => serviceCall(() => ev.startEvalRun(ctx.db, actorOf(ctx), input))),

  cancel: workspaceProcedure("curator")
    .input(z.object({ runId: id }))
    .mutation(({ ctx, input }) => serviceCall(() => ev.cancelEvalRun(ctx.db, actorOf(ctx), input.runId))),

  importOutputs: workspaceProcedure("curator")
    .input(
      z.object({
        benchmarkId: id,
        name: z.string().trim().max(200).optional(),
        tokenizer: z.enum(["qwen", "approx"]).optional(),
        files: z
          .array(z.object({ name: z.string().min(1).max(500), content: z.string().max(64 * MB).optional(), base64: z.string().max(90 * MB).optional() }))
          .min(1, "Choose the output files to import.")
          .max(20_000),
      }),
    )
    .mutation(({ ctx, input }) => serviceCall(() => ev.importOutputs(ctx.db, actorOf(ctx), input))),

  runs: workspaceProcedure("viewer")
    .input(z.object({ benchmarkId: id.optional() }))
    .query(({ ctx, input }) => serviceCall(() => ev.listEvalRuns(ctx.db, actorOf(ctx), input))),

  run: workspaceProcedure("viewer")
    .input(z.object({ runId: id }))
    .query(({ ctx, input }) => serviceCall(() => ev.getEvalRun(ctx.db, actorOf(ctx), input.runId))),

  results: workspaceProcedure("viewer")
    .input(z.object({ runId: id, verdict: z.enum(["correct", "wrong", "undecided", "failed"]).optional(), offset: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(500).optional() }))
    .query(({ ctx, input }) => serviceCall(() => ev.listEvalResults(ctx.db, actorOf(ctx), input))),

  result: workspaceProcedure("viewer")
    .input(z.object({ resultId: id }))
    .query(({ ctx, input }) => serviceCall(() => ev.getEvalResult(ctx.db, actorOf(ctx), input.resultId))),

  undecided: workspaceProcedure("viewer")
    .input(z.object({ runId: id }))
    .query(({ ctx, input }) => serviceCall(() => ev.listUndecided(ctx.db, actorOf(ctx), input.runId))),

  settle: workspaceProcedure("reviewer")
    .input(z.object({ resultId: id, verdict: z.enum(["correct", "wrong"]), note: z.string().trim().max(2000).optional() }))
    .mutation(({ ctx, input }) => serviceCall(() => ev.settleResult(ctx.db, actorOf(ctx), input))),

  report: workspaceProcedure("viewer")
    .input(z.object({ runId: id, baselineRunId: id.nullish() }))
    .query(({ ctx, input }) => serviceCall(() => ev.getEvalReport(ctx.db, actorOf(ctx), input))),

  compare: workspaceProcedure("viewer")
    .input(z.object({ runA: id, runB: id }))
    .query(({ ctx, input }) => serviceCall(() => ev.compareEvalRuns(ctx.db, actorOf(ctx), input))),

  export: workspaceProcedure("viewer")
    .input(z.object({ runId: id, format: z.enum(["csv", "json"]) }))
    .query(({ ctx, input }) => serviceCall(() => ev.exportEvalRun(ctx.db, actorOf(ctx), input))),
});
