/**
 * Curates one trace: backend step extraction → backend DAG → the core's fold/validate/pack/filter/build →
 * metrics against the sequential baseline. No database access: the run job persists the outcome.
 */
import { splitSentences } from "../sprint/sequential";
import { paragraphStartsOf } from "./heuristic";
import { buildTrajectory, curate, describeRules, ratioRuleText, reductionFilter, type CurationReason } from "../sprint/packing";
import { trajectoryMetrics, reduction } from "../sprint/metrics";
import { serializeTrajectory } from "../sprint/format";
import type { Dag, Step } from "../sprint/steps";
import type { Tokenizer, Trajectory } from "../sprint/types";
import type { Prisma } from "../db/client";
import { curationRulesOf, type PipelineConfig } from "./config";
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
  /** How the structure was made and how far to trust it (absent on rows curated before it existed). */
  curation?: CurationProvenance;
}

/**
 * Stored with every curated trajectory (in `metrics.curation`): which backend made the steps/DAG,
 * whether its numbers are estimates, whether the trajectory is low-confidence and why, each repair
 * made to the backend's answer, the keep/filter decision with every check, and the active rules.
 */
export interface CurationProvenance {
  backend: string;
  /** The offline heuristic guesses the structure: its stages, tokens and reduction are estimates. */
  estimate: boolean;
  lowConfidence: boolean;
  /** Why the trajectory is low-confidence (empty when it is not). */
  confidenceReasons: string[];
  /** Repairs made to the backend's structure (see ExtractResult.repairs). */
  repairs: string[];
  /** Other backend notes. */
  notes: string[];
  /** The keep/filter decision: every failed check (`reasons`) and, for a kept trajectory, its warnings. */
  decision: { kept: boolean; reasons: CurationReason[]; warnings: string[] };
  /** The active folding/filter rules in words. */
  rules: string;
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
  | { status: "failed"; reason: string; retryable: boolean; steps?: Step[]; dag?: Dag; lineCount: number; curation?: CurationProvenance };

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
  const rules = curationRulesOf(config);
  const provenance: CurationProvenance = {
    backend: backend.name,
    estimate: backend.estimate === true,
    lowConfidence: false,
    confidenceReasons: [],
    repairs: [],
    notes: [],
    decision: { kept: false, reasons: [], warnings: [] },
    rules: describeRules(rules),
  };
  try {
    const extracted = await backend.extractSteps(input, signal);
    steps = extracted.steps;
    provenance.repairs.push(...(extracted.repairs ?? []));
    provenance.notes.push(...(extracted.notes ?? []));
    const built = await backend.buildDag(input, steps, signal);
    dag = built.dag;
    provenance.repairs.push(...(built.repairs ?? []));
    provenance.notes.push(...(built.notes ?? []));
    provenance.confidenceReasons.push(...(built.lowConfidence ?? []));
  } catch (err) {
    if (err instanceof CurationBackendError) {
      return { status: "failed", reason: `${backend.name}: ${err.message}`, retryable: err.retryable, lineCount, curation: provenance };
    }
    throw err;
  }
  provenance.lowConfidence = provenance.confidenceReasons.length > 0;
  const finalAnswer = finalAnswerFor(trace);
  const result = curate(steps, dag, {
    maxStages: rules.maxStages,
    minParallelRatio: rules.minParallelRatio,
    ratioVariant: rules.ratioVariant,
    foldMinLines: rules.foldMinLines,
    foldRule: rules.foldRule,
    lineCount,
    question: trace.question,
    ...(finalAnswer ? { finalAnswer } : {}),
  });
  const stages = result.packing ? { ...result.packing.stageOf } : {};
  if (!result.packing) {
    provenance.decision.reasons = result.reasons;
    return { status: "failed", reason: result.reasons.map((r) => r.message).join("; "), retryable: false, steps: result.steps, dag, lineCount, curation: provenance };
  }
  // Metrics for kept and filtered alike (a filtered trace still shows how far it was from the bar):
  // the trajectory is built for a filtered trace too, but only a kept one stores its text.
  const trajectory =
    result.trajectory ??
    buildTrajectory(result.steps, dag, { question: trace.question, ...(finalAnswer ? { finalAnswer } : {}) });
  const baseline = trace.reasoningTokens ?? tokenizer.count(trace.reasoning);
  const metrics: StoredMetrics = storedMetrics(trajectory, tokenizer, { steps: result.steps, dag }, baseline);
  const reasons: CurationReason[] = [...result.reasons];
  const noSaving = reductionFilter(metrics.reduction, rules.minReduction);
  if (noSaving) reasons.push(noSaving);
  const kept = reasons.length === 0;
  const warnings: string[] = [];
  if (kept && metrics.reduction !== null && metrics.reduction <= 0) {
    warnings.push(`predicted reduction ${pctText(metrics.reduction)}: the parallel trajectory saves nothing (set "reject non-positive reductions" to filter it)`);
  }
  if (kept && provenance.lowConfidence) warnings.push(`low confidence: ${provenance.confidenceReasons.join("; ")}`);
  provenance.decision = { kept, reasons, warnings };
  metrics.curation = provenance;
  const filter = result.filter;
  const why = filter
    ? `${filter.stageCount} stage${filter.stageCount === 1 ? "" : "s"} ≤ ${rules.maxStages}; ${ratioRuleText(filter.ratioVariant)} ${formatRatio(filter.ratio)} ≥ ${rules.minParallelRatio}` +
      (metrics.reduction === null ? "" : `; predicted reduction ${pctText(metrics.reduction)}${provenance.estimate ? " (estimate)" : ""}`)
    : "";
  return {
    status: kept ? "kept" : "filtered",
    reason: kept
      ? `Kept: ${why}${warnings.length > 0 ? ` — warning: ${warnings.join("; ")}` : ""}`
      : `Filtered: ${reasons.map((r) => r.message).join("; ")}`,
    steps: result.steps,
    dag,
    stages,
    text: kept ? serializeTrajectory(trajectory) : null,
    metrics,
    lineCount,
  };
}

function pctText(x: number): string {
  return `${x < 0 ? "−" : ""}${Math.abs(Math.round(x * 100))}%`;
}

function formatRatio(r: number): string {
  return Number.isInteger(r) ? String(r) : r.toFixed(2);
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
      metrics: json(o.curation ? { lineCount: o.lineCount, curation: o.curation } : { lineCount: o.lineCount }),
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
