/** Parameters of an engine-backed eval run (stored in `EvalRun.params`, frozen at creation). */
import { z } from "zod";

export const EVAL_MODES = ["sprint-eager", "sprint-round-sync", "sequential"] as const;
export type EvalMode = (typeof EVAL_MODES)[number];

export const evalParamsSchema = z.object({
  temperature: z.number().min(0).max(2).default(0.6),
  topP: z.number().gt(0).max(1).optional(),
  /** Base seed; sample s of a problem uses seed + s. */
  seed: z.number().int().optional(),
  maxRounds: z.number().int().min(1).max(100).default(12),
  plannerMaxTokens: z.number().int().min(1).max(200_000).default(8000),
  executorMaxTokens: z.number().int().min(1).max(200_000).default(8000),
  /** Sequential mode's max_tokens. */
  maxTokens: z.number().int().min(1).max(200_000).default(8000),
  /** Problems (× samples) in flight at once on this run's endpoint, over all workers. */
  concurrency: z.number().int().min(1).max(256).default(4),
  /** Token counter of the paper's metrics. */
  tokenizer: z.enum(["qwen", "approx"]).default("qwen"),
  /** Deadline of one problem's generation, ms (below the eval-item job's 60 min attempt deadline). */
  timeoutMs: z.number().int().min(1000).max(55 * 60_000).default(30 * 60_000),
  /** Attempts per problem when the engine fails (HTTP errors, broken streams, deadline). */
  maxAttempts: z.number().int().min(1).max(10).default(3),
});
export type EvalParams = z.output<typeof evalParamsSchema>;
export type EvalParamsInput = z.input<typeof evalParamsSchema>;
