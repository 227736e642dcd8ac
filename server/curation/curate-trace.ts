/**
 * Curates one trace: backend step extraction → backend DAG → the core's fold/validate/pack/filter/build →
 * metrics against the sequential baseline. No database access: the run job persists the outcome.
 */
import { splitSentences } from "../sprint/sequential";
import { paragraphStartsOf } from "./heuristic";
import { curate } from "../sprint/packing";
import { trajectoryMetrics, reduction } from "../sprint/metrics";
import { serializeTrajectory } from "../sprint/format";
import type { Dag, Step } from "../sprint/steps";
import type { Tokenizer, Trajectory } from "../sprint/types";
import type { Prisma } from "../db/client";
import type { PipelineConfig } from "./config";
import { finalAnswerFor } from "./final-answer";
import { CurationBackendError, type CurationBackend, type CurationInput } from "./types";

export interface TraceForCuration {
  id: string;
  question: string;
  reasoning: string;
  referenceSolution?: string | null;
  referenceAnswer?: string | null;
  /** Known baseline tokens (from the token-count job); computed here when missing. */
  reasoningTokens?: number | null;
}

export interface StoredMetrics {
  tokenizer: string;
  baselineTokens: number;
  sequentialTokens: number;
  totalTokens: number;
  /** 1 − sequential / baseline (predicted sequential-token reduction). */
  reduction: number | null;
  stageCount: number;
  promptCount: number;
  promptsPerStage: number[];
  parallelRatio: number;
  criticalPathTokens: number | null;
  packingEfficiency: number | null;
  /** Per round, per lane tokens for the stage timeline. */
  rounds: { index: number; planTokens: number; lanes: { index: number; planPrefixTokens: number; executionTokens: number }[] }[];
}

export type CurationOutcome =
  | {
      status: "kept" | "filtered";
      reason: string | null;
      steps: Step[];
      dag: Dag;
      /** Stage of each step id (1-based), for colouring. */
      stages: Record<number, number>;
      text: string | null;
      metrics: StoredMetrics | null;
      lineCount: number;
    }
  | { status: "failed"; reason: string; retryable: boolean; steps?: Step[]; dag?: Dag; lineCount: number };

export function curationInput(trace: TraceForCuration): CurationInput {
  const spans = splitSentences(trace.reasoning);
  return {
    traceId: trace.id,
    question: trace.question,
    lines: spans.map((s) => s.text),
    paragraphStarts: paragraphStartsOf(trace.reasoning, spans),
    referenceSolution: trace.referenceSolution ?? null,
    referenceAnswer: trace.referenceAnswer ?? null,
  };
}

/** Why curation skips a trace that was imported without a question. */
export const NO_QUESTION_REASON = "No question: this trace was imported without one, so it is kept for statistics and evaluation only. Import it again with its question to curate it.";

export async function curateTrace(
  trace: TraceForCuration,
  backend: CurationBackend,
  config: PipelineConfig,
  tokenizer: Tokenizer,
  signal?: AbortSignal,
): Promise<CurationOutcome> {
  const input = curationInput(trace);
  const lineCount = input.lines.length;
  // Imported without a question (raw model outputs): usable for statistics and evaluation, not for curation.
  if (trace.question.trim() === "") return { status: "failed", reason: NO_QUESTION_REASON, retryable: false, lineCount };
  if (lineCount === 0) return { status: "failed", reason: "The reasoning is empty.", retryable: false, lineCount };
  let steps: Step[];
  let dag: Dag;
  try {
    steps = (await backend.extractSteps(input, signal)).steps;
    dag = (await backend.buildDag(input, steps, signal)).dag;
  } catch (err) {
    if (err instanceof CurationBackendError) return { status: "failed", reason: `${backend.name}: ${err.message}`, retryable: err.retryable, lineCount };
    throw err;
  }
  const finalAnswer = finalAnswerFor(trace);
  const result = curate(steps, dag, {
    ...config.filters,
    foldMinLines: config.foldMinLines,
    lineCount,
    question: trace.question,
    ...(finalAnswer ? { finalAnswer } : {}),
  });
  const stages = result.packing ? { ...result.packing.stageOf } : {};
  if (!result.packing) {
    return { status: "failed", reason: result.reasons.map((r) => r.message).join("; "), retryable: false, steps: result.steps, dag, lineCount };
  }
  // Metrics for kept and filtered alike (a filtered trace still shows how far it was from the bar).
  const trajectory = result.trajectory;
  let metrics: StoredMetrics | null = null;
  const baseline = trace.reasoningTokens ?? tokenizer.count(trace.reasoning);
  if (trajectory) metrics = storedMetrics(trajectory, tokenizer, { steps: result.steps, dag }, baseline);
  return {
    status: result.kept ? "kept" : "filtered",
    reason: result.kept ? null : result.reasons.map((r) => r.message).join("; "),
    steps: result.steps,
    dag,
    stages,
    text: trajectory ? serializeTrajectory(trajectory) : null,
    metrics,
    lineCount,
  };
}

/** The metrics stored with a curated trajectory (also recomputed when a reviewer saves an edit). */
export function storedMetrics(
  trajectory: Trajectory,
  tokenizer: Tokenizer,
  structure: { steps: readonly Step[]; dag: Dag },
  baselineTokens: number,
): StoredMetrics {
  const m = trajectoryMetrics(trajectory, tokenizer, { steps: structure.steps, dag: structure.dag });
  return {
    tokenizer: tokenizer.name,
    baselineTokens,
    sequentialTokens: m.sequentialTokens,
    totalTokens: m.totalTokens,
    reduction: reduction(m.sequentialTokens, baselineTokens),
    stageCount: m.stageCount,
    promptCount: m.promptCount,
    promptsPerStage: m.promptsPerStage,
    parallelRatio: m.parallelRatio,
    criticalPathTokens: m.criticalPathTokens ?? null,
    packingEfficiency: m.packingEfficiency ?? null,
    rounds: m.rounds.map((r) => ({
      index: r.round,
      planTokens: r.planTokens,
      lanes: r.lanes.map((l) => ({ index: l.index, planPrefixTokens: l.planPrefixTokens, executionTokens: l.executionTokens })),
    })),
  };
}

/** The CuratedTrajectory columns that record an outcome (shared by the run job and the demo seed). */
const json = (v: unknown) => v as Prisma.InputJsonValue;

export function outcomeRowData(o: CurationOutcome): Prisma.CuratedTrajectoryUncheckedUpdateInput {
  if (o.status === "failed") {
    return {
      curationStatus: "failed" as const,
      reason: o.reason,
      steps: json(o.steps ?? []),
      dagEdges: json(o.dag ?? {}),
      metrics: { lineCount: o.lineCount },
    };
  }
  return {
    curationStatus: o.status,
    reason: o.reason,
    steps: json(o.steps),
    dagEdges: json(o.dag),
    stages: json(o.stages),
    text: o.text,
    metrics: json(o.metrics ? { ...o.metrics, lineCount: o.lineCount } : { lineCount: o.lineCount }),
    sequentialTokens: o.metrics?.sequentialTokens ?? null,
    totalTokens: o.metrics?.totalTokens ?? null,
    stageCount: o.metrics?.stageCount ?? null,
  };
}
