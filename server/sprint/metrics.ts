/**
 * The paper's token metrics (docs/sprint-method.md §4), computed from a typed
 * {@link Trajectory} and a {@link Tokenizer}. Pure functions.
 *
 * ## What is counted
 * Only text the model generates, tags stripped (`stripTags` from format.ts), each piece counted
 * separately and summed — so counts are additive and `sequential <= total` holds for any tokenizer:
 * - per plan chunk: the `-----` separator line when the chunk has one (the model writes it), the
 *   chunk's planning text (including any `Based on execution_x.y:` line), and its prompt's text;
 * - per execution: its text;
 * - the final answer's text (also when the orchestrator forced it: the model still writes it).
 * Not counted: the question (input), tags (`<Plan_1>`, `<prompt_1.1>`, …), and the
 * `No prompt to execute.` placeholder of a round without prompts (no executor runs; E = 0).
 * Note that tokenizing pieces separately can differ by a token or so per piece from tokenizing the
 * serialized text in one go (BPE merges across boundaries); the metrics use the piecewise counts.
 *
 * ## Sequential tokens
 * For round i with plan chunks c_1..c_m, let T(c) be a chunk's tokens and P_i = Σ_j T(c_j) the whole
 * plan. For prompt k, held by chunk c_j, P_{i.k} = T(c_1) + … + T(c_j) (the planner tokens from the
 * start of the plan through the end of that chunk) and E_{i.k} = tokens of execution k. Then
 *   seq_i = max( P_i, max_k (P_{i.k} + E_{i.k}) )
 * — the trailing term P_i is "the plan text after the last prompt as one more term with E = 0",
 * measured like every other term from the start of the plan, so a round with no prompt contributes
 * its whole plan. sequential = Σ_i seq_i + tokens(final answer).
 * A prompt without an execution has E = 0; an execution whose index matches no prompt is treated
 * as started after the whole plan (P = P_i).
 */
import { SEPARATOR, stripTags } from "./format";
import { criticalPath, isPlanOnly, promptTextOf, type Dag, type Step } from "./steps";
import type { PlanChunk, Tokenizer, Trajectory } from "./types";

/** Tokens of generated text: tags stripped, then counted. Empty, blank or tag-only text is 0. */
export function countText(text: string, tokenizer: Tokenizer): number {
  if (text.length === 0) return 0;
  const stripped = stripTags(text);
  return stripped.trim() === "" ? 0 : tokenizer.count(stripped);
}

/** Tokens of one plan chunk: the `-----` line (format.ts `SEPARATOR`) when present + planning text + prompt text. */
export function chunkTokens(chunk: PlanChunk, tokenizer: Tokenizer): number {
  return (
    (chunk.separatorBefore ? countText(SEPARATOR, tokenizer) : 0) +
    countText(chunk.text, tokenizer) +
    (chunk.prompt ? countText(chunk.prompt.text, tokenizer) : 0)
  );
}

/** One executor lane of a round, as a timeline draws it: plan prefix, then the execution. */
export interface LaneMetrics {
  /** k of `prompt_i.k` / `execution_i.k`. */
  index: number;
  /** Position of the prompt's chunk in `round.chunks`, or null for an execution with no matching prompt. */
  chunk: number | null;
  /** P_{i.k}: planner tokens from the start of the plan through the end of the prompt's chunk. */
  planPrefixTokens: number;
  /** E_{i.k}: tokens of the execution (0 when the prompt has no execution). */
  executionTokens: number;
  /** P_{i.k} + E_{i.k}. */
  total: number;
  hasPrompt: boolean;
  hasExecution: boolean;
}

/** Per-round breakdown for a UI timeline (x axis: sequential tokens). */
export interface RoundMetrics {
  /** p of `Plan_p`. */
  round: number;
  /** Sequential tokens before this round starts (sum of earlier rounds' `sequentialTokens`). */
  startTokens: number;
  /** T(c) for each plan chunk, in order. */
  chunkTokens: number[];
  /** P_i: the whole plan. */
  planTokens: number;
  /** Plan tokens after the end of the last chunk that holds a prompt (all of P_i when none). */
  trailingPlanTokens: number;
  /** Sum of this round's execution tokens. */
  executionTokens: number;
  lanes: LaneMetrics[];
  /** seq_i = max(P_i, max over lanes of total). */
  sequentialTokens: number;
  /** Index k of the lane that sets `sequentialTokens`, or null when the plan term does (ties go to the plan). */
  criticalLane: number | null;
  /** planTokens + executionTokens. */
  totalTokens: number;
}

/** Token metrics of a SPRINT trajectory. */
export interface TrajectoryMetrics {
  tokenizer: string;
  /** Σ_i seq_i + final answer tokens (the paper's headline number). */
  sequentialTokens: number;
  /** Every generated token: all plans + all executions + final answer. */
  totalTokens: number;
  planTokens: number;
  executionTokens: number;
  finalAnswerTokens: number;
  /** Number of rounds (stages). */
  stageCount: number;
  /** Number of prompts over all rounds. */
  promptCount: number;
  promptsPerStage: number[];
  meanPromptsPerStage: number;
  maxPromptsPerStage: number;
  /**
   * Prompts ÷ stages: a trajectory shows executed steps only, so this equals the code's
   * ratio variant (steps-with-execution ÷ stages). 0 when there are no rounds.
   */
  parallelRatio: number;
  /** totalTokens ÷ sequentialTokens (1 when nothing runs in parallel; 1 for an empty trajectory). */
  tokenParallelism: number;
  rounds: RoundMetrics[];
  /** With steps + DAG: the DAG's critical path in tokens (see {@link criticalPathTokens}). */
  criticalPathTokens?: number;
  /** With steps + DAG: the step ids along the critical path. */
  criticalPath?: number[];
  /**
   * With steps + DAG: (sequentialTokens − finalAnswerTokens) ÷ criticalPathTokens, i.e. the rounds'
   * sequential tokens against the DAG's lower bound (1.0 = the packing is optimal; `Based on` lines
   * and separators are overhead and count against it). null when the critical path has 0 tokens.
   */
  packingEfficiency?: number | null;
}

/** Steps and their DAG, for the critical-path metrics. */
export interface MetricsOptions {
  steps?: readonly Step[];
  dag?: Dag;
}

/** Per-round metrics with the paper's formula (see the module comment). */
export function roundMetrics(trajectory: Trajectory, tokenizer: Tokenizer): RoundMetrics[] {
  const out: RoundMetrics[] = [];
  let start = 0;
  for (const round of trajectory.rounds) {
    const chunkT = round.chunks.map((c) => chunkTokens(c, tokenizer));
    const planTokens = sum(chunkT);
    const execT = round.executions.map((e) => countText(e.text, tokenizer));
    const used = new Set<number>();
    const lanes: LaneMetrics[] = [];
    let prefix = 0;
    let lastPromptEnd = 0;
    round.chunks.forEach((chunk, ci) => {
      prefix += chunkT[ci] ?? 0;
      if (!chunk.prompt) return;
      lastPromptEnd = prefix;
      const ei = round.executions.findIndex((e, j) => !used.has(j) && e.index === chunk.prompt?.index);
      if (ei >= 0) used.add(ei);
      const executionTokens = ei >= 0 ? (execT[ei] ?? 0) : 0;
      lanes.push({
        index: chunk.prompt.index,
        chunk: ci,
        planPrefixTokens: prefix,
        executionTokens,
        total: prefix + executionTokens,
        hasPrompt: true,
        hasExecution: ei >= 0,
      });
    });
    round.executions.forEach((e, j) => {
      if (used.has(j)) return;
      const executionTokens = execT[j] ?? 0;
      lanes.push({
        index: e.index,
        chunk: null,
        planPrefixTokens: planTokens,
        executionTokens,
        total: planTokens + executionTokens,
        hasPrompt: false,
        hasExecution: true,
      });
    });
    let seq = planTokens;
    let criticalLane: number | null = null;
    for (const lane of lanes) {
      if (lane.total > seq) {
        seq = lane.total;
        criticalLane = lane.index;
      }
    }
    const executionTokens = sum(execT);
    out.push({
      round: round.index,
      startTokens: start,
      chunkTokens: chunkT,
      planTokens,
      trailingPlanTokens: planTokens - lastPromptEnd,
      executionTokens,
      lanes,
      sequentialTokens: seq,
      criticalLane,
      totalTokens: planTokens + executionTokens,
    });
    start += seq;
  }
  return out;
}

/**
 * The paper's metrics of a trajectory: sequential and total tokens, stages, prompts per stage,
 * parallelization ratio, a per-round/per-lane breakdown, and — when `steps` and `dag` are given —
 * the DAG's critical path in tokens and the packing efficiency.
 */
export function trajectoryMetrics(
  trajectory: Trajectory,
  tokenizer: Tokenizer,
  opts: MetricsOptions = {},
): TrajectoryMetrics {
  const rounds = roundMetrics(trajectory, tokenizer);
  const finalAnswerTokens = trajectory.finalAnswer ? countText(trajectory.finalAnswer.text, tokenizer) : 0;
  const roundsSequential = sum(rounds.map((r) => r.sequentialTokens));
  const planTokens = sum(rounds.map((r) => r.planTokens));
  const executionTokens = sum(rounds.map((r) => r.executionTokens));
  const sequentialTokens = roundsSequential + finalAnswerTokens;
  const totalTokens = planTokens + executionTokens + finalAnswerTokens;
  const promptsPerStage = trajectory.rounds.map((r) => r.chunks.filter((c) => c.prompt).length);
  const promptCount = sum(promptsPerStage);
  const stageCount = trajectory.rounds.length;
  const metrics: TrajectoryMetrics = {
    tokenizer: tokenizer.name,
    sequentialTokens,
    totalTokens,
    planTokens,
    executionTokens,
    finalAnswerTokens,
    stageCount,
    promptCount,
    promptsPerStage,
    meanPromptsPerStage: stageCount === 0 ? 0 : promptCount / stageCount,
    maxPromptsPerStage: promptsPerStage.length === 0 ? 0 : Math.max(...promptsPerStage),
    parallelRatio: stageCount === 0 ? 0 : promptCount / stageCount,
    tokenParallelism: sequentialTokens === 0 ? 1 : totalTokens / sequentialTokens,
    rounds,
  };
  if (opts.steps && opts.dag) {
    const cp = criticalPathTokens(opts.steps, opts.dag, tokenizer);
    metrics.criticalPathTokens = cp.tokens;
    metrics.criticalPath = cp.path;
    metrics.packingEfficiency = cp.tokens === 0 ? null : roundsSequential / cp.tokens;
  }
  return metrics;
}

/**
 * Tokens a step costs on any schedule: its plan, plus — when it has an execution — its prompt (as
 * packing writes it: the prompt, else the description) and its execution. Plan-only steps cost their
 * plan only (their prompt is never written).
 */
export function stepTokens(step: Step, tokenizer: Tokenizer): number {
  const plan = countText(step.plan, tokenizer);
  if (isPlanOnly(step)) return plan;
  return plan + countText(promptTextOf(step), tokenizer) + countText(step.execution ?? "", tokenizer);
}

/**
 * The DAG's critical path in tokens: the heaviest parent → child chain, each step weighing
 * {@link stepTokens}. Every step of such a chain must be generated after the previous one (a child
 * needs its parent's plan and, if the parent executes, its execution), so for any schedule that
 * respects the DAG — in particular the paper's stage packing of a DAG whose parents precede their
 * children — the rounds' sequential tokens are at least this many (exactly so when counts are
 * additive, as with tokenizer.ts `wordTokenizer`; within a few tokens of boundary effects with BPE).
 * Throws if the DAG has a cycle.
 */
export function criticalPathTokens(
  steps: readonly Step[],
  dag: Dag,
  tokenizer: Tokenizer,
): { tokens: number; path: number[] } {
  const { weight, path } = criticalPath(steps, dag, (s) => stepTokens(s, tokenizer));
  return { tokens: weight, path };
}

/** Metrics of a plain sequential trace (the baseline): sequential = total = output tokens. */
export interface BaselineMetrics {
  tokenizer: string;
  sequentialTokens: number;
  totalTokens: number;
  lengthBucket: LengthBucket;
}

/** Baseline metrics of a sequential output: every token is sequential. Tags are stripped first. */
export function sequentialBaselineMetrics(text: string, tokenizer: Tokenizer): BaselineMetrics {
  const tokens = countText(text, tokenizer);
  return { tokenizer: tokenizer.name, sequentialTokens: tokens, totalTokens: tokens, lengthBucket: lengthBucket(tokens) };
}

/**
 * Relative reduction of sequential tokens against a baseline: 1 − sequential ÷ baseline
 * (0.39 = 39% fewer; negative when SPRINT is longer). null when the baseline is not positive.
 */
export function reduction(sequential: number, baseline: number): number | null {
  return baseline > 0 ? 1 - sequential / baseline : null;
}

/** Length buckets of the sequential baseline used by the paper's analysis. */
export type LengthBucket = "<1k" | "1-2k" | "2-4k" | "4-8k" | ">=8k";

/** The buckets in order, each covering `min <= tokens < max` (1k = 1,000 tokens). */
export const LENGTH_BUCKETS: readonly { bucket: LengthBucket; min: number; max: number }[] = [
  { bucket: "<1k", min: 0, max: 1000 },
  { bucket: "1-2k", min: 1000, max: 2000 },
  { bucket: "2-4k", min: 2000, max: 4000 },
  { bucket: "4-8k", min: 4000, max: 8000 },
  { bucket: ">=8k", min: 8000, max: Number.POSITIVE_INFINITY },
];

/** The length bucket of a sequential baseline token count. */
export function lengthBucket(tokens: number): LengthBucket {
  for (const b of LENGTH_BUCKETS) if (tokens < b.max) return b.bucket;
  return ">=8k";
}

/** One problem's numbers for {@link bucketReport}. */
export interface BucketItem {
  /** Tokens of the sequential baseline's answer (decides the bucket). */
  baselineTokens: number;
  /** Sequential tokens of the SPRINT answer to the same problem. */
  sequentialTokens: number;
  /** Total tokens of the SPRINT answer (optional). */
  totalTokens?: number;
}

/** Aggregates of one length bucket. */
export interface BucketRow {
  bucket: LengthBucket;
  count: number;
  meanBaselineTokens: number;
  meanSequentialTokens: number;
  /** Mean total tokens over the items that have one (null when none has). */
  meanTotalTokens: number | null;
  /** 1 − meanSequential ÷ meanBaseline (ratio of means, as averages are reported); null when empty. */
  reduction: number | null;
}

/** Per-length-bucket means and reductions (every bucket is listed, empty ones with count 0). */
export function bucketReport(items: readonly BucketItem[]): BucketRow[] {
  return LENGTH_BUCKETS.map(({ bucket }) => {
    const inBucket = items.filter((i) => lengthBucket(i.baselineTokens) === bucket);
    const count = inBucket.length;
    const meanBaselineTokens = count === 0 ? 0 : sum(inBucket.map((i) => i.baselineTokens)) / count;
    const meanSequentialTokens = count === 0 ? 0 : sum(inBucket.map((i) => i.sequentialTokens)) / count;
    const totals = inBucket.flatMap((i) => (i.totalTokens === undefined ? [] : [i.totalTokens]));
    return {
      bucket,
      count,
      meanBaselineTokens,
      meanSequentialTokens,
      meanTotalTokens: totals.length === 0 ? null : sum(totals) / totals.length,
      reduction: count === 0 ? null : reduction(meanSequentialTokens, meanBaselineTokens),
    };
  });
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
