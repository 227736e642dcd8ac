/**
 * A curation pipeline config: which backend extracts steps and builds the DAG, and the packing filters.
 * Frozen into `CurationRun.config` when a run starts, so a run is reproducible from its row.
 */
import { z } from "zod";

export const PIPELINE_CONFIG_VERSION = 1;

export const filtersSchema = z.object({
  maxStages: z.number().int().min(1).max(100).default(11),
  minParallelRatio: z.number().min(0).max(100).default(1.5),
  ratioVariant: z.enum(["paper", "code"]).default("paper"),
});

export const pipelineConfigSchema = z.object({
  version: z.literal(PIPELINE_CONFIG_VERSION).default(PIPELINE_CONFIG_VERSION),
  /** heuristic: offline, no LLM (default). llm: an OpenAI-compatible chat endpoint of the workspace. */
  backend: z.enum(["heuristic", "llm"]).default("heuristic"),
  /** Endpoint (workspace `Endpoint` row) for the llm backend. */
  endpointId: z.string().optional(),
  /** Overrides the endpoint's model for curation. */
  model: z.string().max(200).optional(),
  /** Fold components whose execution spans fewer lines into their plan (paper: 3). */
  foldMinLines: z.number().int().min(0).max(50).default(3),
  filters: filtersSchema.default({ maxStages: 11, minParallelRatio: 1.5, ratioVariant: "paper" }),
  /** This run's traces curated at once, over all workers (each worker process also has SPRINT_WORKER_ITEM_CONCURRENCY slots). */
  concurrency: z.number().int().min(1).max(64).default(4),
  /** Attempts per trace on retryable backend errors (HTTP 5xx/429, timeouts). */
  maxAttempts: z.number().int().min(1).max(10).default(3),
  /**
   * The LLM prompts this run uses, frozen at start (workspace templates, else the built-in defaults).
   * Validated again by the backend (server/curation/llm/templates.ts).
   */
  templates: z
    .object({
      extract: z.object({ id: z.string(), version: z.number().int(), kind: z.literal("extract"), system: z.string(), user: z.string() }).optional(),
      dag: z.object({ id: z.string(), version: z.number().int(), kind: z.literal("dag"), system: z.string(), user: z.string() }).optional(),
    })
    .optional(),
  /** Tokenizer for the stored metrics: qwen (exact, slower) or approx (fast preview). */
  tokenizer: z.enum(["qwen", "approx"]).default("qwen"),
});

export type PipelineConfig = z.output<typeof pipelineConfigSchema>;
export type PipelineConfigInput = z.input<typeof pipelineConfigSchema>;

/** Which traces of the dataset a run curates. */
export const traceSelectionSchema = z.object({
  /** Only traces without a kept trajectory yet. */
  onlyUncurated: z.boolean().default(false),
  minTokens: z.number().int().min(0).optional(),
  maxTokens: z.number().int().min(0).optional(),
  traceIds: z.array(z.string()).max(100_000).optional(),
});
export type TraceSelection = z.output<typeof traceSelectionSchema>;
