/**
 * A curation pipeline config: which backend extracts steps and builds the DAG, and the packing filters.
 * Frozen into `CurationRun.config` when a run starts, so a run is reproducible from its row.
 */
import { z } from "zod";
import { CURATION_PRESETS, describeRules, presetOf, type CurationRules } from "../sprint/packing";

/**
 * 2: the default rules became the method's code (preset "paper": fold end − start < 3, executed steps ÷
 * stages). Version-1 configs (stored by older runs) had no fold rule and folded fewer than 3 lines; they
 * are read with that rule (see {@link curationRulesOf}).
 */
export const PIPELINE_CONFIG_VERSION = 2;

const PAPER = CURATION_PRESETS.paper;

export const filtersSchema = z.object({
  maxStages: z.number().int().min(1).max(100).default(PAPER.maxStages),
  minParallelRatio: z.number().min(0).max(100).default(PAPER.minParallelRatio),
  /** code: executed steps ÷ stages (the method's code, default); paper: all steps ÷ stages (the paper's text). */
  ratioVariant: z.enum(["paper", "code"]).default(PAPER.ratioVariant),
  /** Drop trajectories whose predicted sequential-token reduction is not above this (0: reject non-positive). Off when absent/null. */
  minReduction: z.number().min(-1).max(1).nullable().optional(),
});

export const pipelineConfigSchema = z.object({
  version: z.union([z.literal(1), z.literal(PIPELINE_CONFIG_VERSION)]).default(PIPELINE_CONFIG_VERSION),
  /**
   * The named rule set the folding/filter values came from: "paper" (the method's code, default),
   * "paper-text" (the paper's prose), or "custom". A named preset overrides the individual values
   * (see {@link resolvePreset}); "custom" uses them as given.
   */
  preset: z.enum(["paper", "paper-text", "custom"]).optional(),
  /** heuristic: offline, no LLM (default). llm: an OpenAI-compatible chat endpoint of the workspace. */
  backend: z.enum(["heuristic", "llm"]).default("heuristic"),
  /** Endpoint (workspace `Endpoint` row) for the llm backend. */
  endpointId: z.string().optional(),
  /** Overrides the endpoint's model for curation. */
  model: z.string().max(200).optional(),
  /** The fold threshold (3 in the method); 0 disables folding. */
  foldMinLines: z.number().int().min(0).max(50).default(PAPER.foldMinLines),
  /** span: fold when end − start < foldMinLines (the method's code); lines: fewer than foldMinLines lines (the paper's text). Absent in version-1 configs. */
  foldRule: z.enum(["span", "lines"]).optional(),
  filters: filtersSchema.default({ maxStages: PAPER.maxStages, minParallelRatio: PAPER.minParallelRatio, ratioVariant: PAPER.ratioVariant }),
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

/**
 * The folding and filter rules a config applies. A version-1 config without a fold rule folded
 * executions of fewer than `foldMinLines` lines (the old behaviour); a version-2 one defaults to the
 * method's code.
 */
export function curationRulesOf(config: PipelineConfig): CurationRules {
  return {
    foldRule: config.foldRule ?? (config.version === 1 ? "lines" : PAPER.foldRule),
    foldMinLines: config.foldMinLines,
    maxStages: config.filters.maxStages,
    minParallelRatio: config.filters.minParallelRatio,
    ratioVariant: config.filters.ratioVariant,
    minReduction: config.filters.minReduction ?? null,
  };
}

/**
 * Applies a config's named preset: "paper" / "paper-text" set the folding and filters to the preset's
 * values (keeping a chosen `minReduction`, which no preset sets); "custom" or no preset keeps the values
 * and records which preset they equal. The result always names its preset and its fold rule.
 */
export function resolvePreset(config: PipelineConfig): PipelineConfig {
  const minReduction = config.filters.minReduction ?? null;
  if (config.preset === "paper" || config.preset === "paper-text") {
    const p = CURATION_PRESETS[config.preset];
    return {
      ...config,
      foldRule: p.foldRule,
      foldMinLines: p.foldMinLines,
      filters: { maxStages: p.maxStages, minParallelRatio: p.minParallelRatio, ratioVariant: p.ratioVariant, ...(minReduction === null ? {} : { minReduction }) },
    };
  }
  const rules = curationRulesOf(config);
  const named = presetOf({ ...rules, minReduction: null });
  return { ...config, foldRule: rules.foldRule, preset: config.preset === "custom" && named === "custom" ? "custom" : named };
}

/** The active rule of a (stored) config in words, with its preset: `paper — fold …; keep ≤ 11 stages; …`. */
export function describeConfigRules(config: PipelineConfig): { preset: string; text: string } {
  const rules = curationRulesOf(config);
  const preset = config.preset ?? presetOf({ ...rules, minReduction: null });
  return { preset, text: describeRules(rules) };
}
