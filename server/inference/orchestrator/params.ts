/**
 * Parameters of a SPRINT run and of the sequential baseline, with the paper's defaults
 * (docs/sprint-method.md §3), as zod schemas so routers can validate input with them.
 */
import { z } from "zod";

const callLimits = (maxTokens: number, retryOverTokens: number) =>
  z
    .object({
      /** max_tokens of the accepted (last) attempt. */
      maxTokens: z.number().int().min(1).max(1_000_000).default(maxTokens),
      /** Outputs over this many tokens are retried (null: never)… */
      retryOverTokens: z.number().int().min(1).nullable().default(retryOverTokens),
      /** …until this attempt, which is accepted whatever its length (the paper: the third). */
      maxAttempts: z.number().int().min(1).max(10).default(3),
    })
    .prefault({});

export const sprintParamsSchema = z.object({
  schedule: z.enum(["round-sync", "eager"]).default("round-sync"),
  executorContext: z.enum(["rearranged", "prefix"]).default("rearranged"),
  /** The round at which `<Final_answer>` is appended to force an answer (the paper: 12). */
  maxRounds: z.number().int().min(1).max(100).default(12),
  temperature: z.number().min(0).max(2).default(0.6),
  topP: z.number().gt(0).max(1).optional(),
  /** Base seed; attempt n of a call uses seed + n − 1. */
  seed: z.number().int().optional(),
  planner: callLimits(8000, 1000),
  executor: callLimits(8000, 2000),
  /** Attempts of a call whose stream failed or broke (after the engine's own retries). */
  errorAttempts: z.number().int().min(1).max(10).default(3),
  /**
   * A call whose stream is cut on every attempt: `degraded` keeps its fragment and ends the run as
   * `degraded` (never `completed`); `fail` fails the run at once.
   */
  onIncomplete: z.enum(["degraded", "fail"]).default("degraded"),
  /** Executors running at once in this run (default unlimited; the engine's global bound still applies). */
  maxConcurrentLanes: z.number().int().min(1).optional(),
  /**
   * round-sync only: before starting a round's executors (2 or more), send one 1-token request with the
   * prompt prefix they all share, so an engine with prefix caching (vLLM APC, SGLang RadixAttention)
   * computes it once instead of once per executor arriving at the same moment. Costs one short request.
   */
  warmPrefix: z.boolean().default(false),
  /** Deadline of the whole run in ms. */
  timeoutMs: z.number().int().min(1).optional(),
  /** Replace the SPRINT system prompt. */
  systemPrompt: z.string().optional(),
  /** Prompted mode: few-shot example trajectories for a model not fine-tuned on SPRINT data. */
  prompted: z.object({ fewShot: z.array(z.string()).min(1).max(4) }).optional(),
  /** Emit `call-delta` events (default true; persistence may prefer to batch). */
  deltaEvents: z.boolean().default(true),
});

export type SprintParamsInput = z.input<typeof sprintParamsSchema>;
export type SprintParams = z.output<typeof sprintParamsSchema>;

export const sequentialParamsSchema = z.object({
  maxTokens: z.number().int().min(1).max(1_000_000).default(8000),
  temperature: z.number().min(0).max(2).default(0.6),
  topP: z.number().gt(0).max(1).optional(),
  seed: z.number().int().optional(),
  /** Instruction after the question. */
  instruction: z.string().default("Please reason step by step, and put your final answer within \\boxed{}."),
  /** Start of the assistant's answer (R1-style models think first). */
  prefill: z.string().default("<think>\n"),
  errorAttempts: z.number().int().min(1).max(10).default(3),
  /** As for SPRINT runs: a cut output marks the run `degraded`, or fails it. */
  onIncomplete: z.enum(["degraded", "fail"]).default("degraded"),
  timeoutMs: z.number().int().min(1).optional(),
  deltaEvents: z.boolean().default(true),
});

export type SequentialParamsInput = z.input<typeof sequentialParamsSchema>;
export type SequentialParams = z.output<typeof sequentialParamsSchema>;
