/** Zod inputs of the eval service's entry points (the router validates with these; see server/api/routers/eval.ts). */
import { z } from "zod";
import { fieldMappingSchema } from "../sprint/benchmark";
import { EVAL_MODES, evalParamsSchema } from "./params";

const id = z.string().min(1).max(64);
const MB = 1024 * 1024;

export const getBenchmarkInput = z.object({ benchmarkId: id, offset: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(500).optional() });
export const uploadBenchmarkInput = z.object({
  name: z.string().trim().min(1, "Name the benchmark.").max(120),
  fileName: z.string().min(1).max(300),
  content: z.string().max(64 * MB, "The file is over 64 MB."),
  seed: z.string().trim().max(64).optional(),
  mapping: fieldMappingSchema.optional(),
});
export const generateCountdownInput = z.object({ name: z.string().trim().min(1).max(120), seed: z.string().trim().min(1).max(64), count: z.number().int().min(1).max(5000), numbers: z.number().int().min(2).max(6).optional(), useAll: z.boolean().optional() });
export const startEvalInput = z.object({
  benchmarkId: id,
  endpointId: id.optional(),
  modelVersionId: id.optional(),
  mode: z.enum(EVAL_MODES),
  samples: z.number().int().min(1).max(64).default(1),
  params: evalParamsSchema.partial().optional(),
  name: z.string().trim().max(200).optional(),
});
export const runIdInput = z.object({ runId: id });
export const importOutputsInput = z.object({
  benchmarkId: id,
  name: z.string().trim().max(200).optional(),
  tokenizer: z.enum(["qwen", "approx"]).optional(),
  files: z
    .array(z.object({ name: z.string().min(1).max(500), content: z.string().max(64 * MB).optional(), base64: z.string().max(90 * MB).optional() }))
    .min(1, "Choose the output files to import.")
    .max(20_000),
});
export const listEvalRunsInput = z.object({ benchmarkId: id.optional() });
export const listEvalResultsInput = z.object({ runId: id, verdict: z.enum(["correct", "wrong", "undecided", "failed"]).optional(), offset: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(500).optional() });
export const resultIdInput = z.object({ resultId: id });
export const settleInput = z.object({ resultId: id, verdict: z.enum(["correct", "wrong"]), note: z.string().trim().max(2000).optional() });
export const reportInput = z.object({ runId: id, baselineRunId: id.nullish() });
export const compareInput = z.object({ runA: id, runB: id });
export const exportInput = z.object({ runId: id, format: z.enum(["csv", "json"]) });
