/**
 * Packing steps into stages and building the curated trajectory — curation steps 3–4 of the SPRINT
 * method (docs/sprint-method.md §2). Pure functions, no I/O.
 *
 * Stage assignment (the paper's σ): σ(S) = 1 for a step without parents, otherwise
 * σ(S) = max over parents p of (σ(p) + 1 if p has an execution, else σ(p)) — a step may share a
 * stage with a plan-only parent. A stage's plan is its steps' plans in original order; its
 * executions are its steps that have one, numbered in that order.
 */
import { formatBasedOn } from "./format";
import { trajectoryMetrics, type TrajectoryMetrics } from "./metrics";
import {
  foldShortExecutions,
  isPlanOnly,
  parentsOf,
  promptTextOf,
  topologicalOrder,
  validateDag,
  validateSteps,
  type Dag,
  type Step,
  type StepIssue,
  type StepIssueCode,
} from "./steps";
import type { ExecRef, FinalAnswer, PlanChunk, Round, Tokenizer, Trajectory } from "./types";

/** One stage (round) of a packing. */
export interface Stage {
  /** 1-based stage number (= round p of the trajectory). */
  index: number;
  /** Its steps in original order. */
  stepIds: number[];
  /** Its steps that have an execution, in original order (= prompt order k = 1, 2, …). */
  executedStepIds: number[];
}

/** The result of {@link packStages}. */
export interface Packing {
  /** σ of every step, by id. */
  stageOf: Record<number, number>;
  /** Stages 1..n in order; none is empty (σ takes every value from 1 to its maximum). */
  stages: Stage[];
  /** `execution_p.k` of every executed step, by id. */
  execRefOf: Record<number, ExecRef>;
  stepCount: number;
  executedStepCount: number;
  stageCount: number;
}

/** Issue codes that make σ undefined; {@link packStages} throws {@link InvalidDagError} on them. */
export const BLOCKING: ReadonlySet<StepIssueCode> = new Set<StepIssueCode>([
  "bad-step-id",
  "duplicate-step-id",
  "bad-dag-entry",
  "unknown-parent",
  "self-edge",
  "cycle",
]);

/** Thrown by packing when the steps/DAG cannot be packed; `issues` says exactly why. */
export class InvalidDagError extends Error {
  readonly issues: StepIssue[];
  constructor(issues: StepIssue[]) {
    super(`cannot pack steps: ${issues.map((i) => i.message).join("; ")}`);
    this.name = "InvalidDagError";
    this.issues = issues;
  }
}

/**
 * σ for every step (see the module comment), computed in topological order, so it is also defined
 * for hand-edited DAGs whose parents come later than their children (which the paper rejects:
 * check that with `validateSteps`). Throws {@link InvalidDagError} on duplicate or invalid ids,
 * unknown parents, self edges and cycles.
 */
export function assignStages(steps: readonly Step[], dag: Dag): Record<number, number> {
  const blocking = validateDag(steps, dag).filter((i) => BLOCKING.has(i.code));
  if (blocking.length > 0) throw new InvalidDagError(blocking);
  const order = topologicalOrder(steps, dag);
  if (order === null) throw new InvalidDagError([]); // unreachable: cycles are reported above
  const byId = new Map(steps.map((s) => [s.id, s]));
  const sigma: Record<number, number> = {};
  for (const id of order) {
    let stage = 1;
    for (const p of new Set(parentsOf(dag, id))) {
      const parent = byId.get(p) as Step;
      const sp = sigma[p] as number;
      stage = Math.max(stage, isPlanOnly(parent) ? sp : sp + 1);
    }
    sigma[id] = stage;
  }
  return sigma;
}

/** Why an explicit stage assignment (see {@link packStages}) cannot be packed. */
export type StageProblemCode = "missing-stage" | "bad-stage" | "parent-after-child" | "empty-stage";

/** One problem of an explicit stage assignment, found by {@link stageAssignmentProblems}. */
export interface StageProblem {
  code: StageProblemCode;
  message: string;
  stepId?: number;
  /** For `parent-after-child`: the parent that is not in an earlier stage than its child allows. */
  parent?: number;
  /** For `empty-stage`: the stage that holds no step. For the others: the step's stage. */
  stage?: number;
}

/**
 * Checks an explicit stage assignment against the DAG, with σ's rule: a child must be in a later
 * stage than each executed parent and in the same or a later stage than each plan-only parent.
 * Problems: `missing-stage` (a step without a stage), `bad-stage` (not a positive integer),
 * `parent-after-child` (one per violated edge) and `empty-stage` (stages must run 1..n without
 * gaps). Edges to unknown steps are ignored (the DAG checks report them). σ itself never has problems.
 */
export function stageAssignmentProblems(
  steps: readonly Step[],
  dag: Dag,
  stageOf: Readonly<Record<number, number>>,
): StageProblem[] {
  const problems: StageProblem[] = [];
  const byId = new Map(steps.map((s) => [s.id, s]));
  const used = new Set<number>();
  let max = 0;
  for (const step of steps) {
    const stage = stageOf[step.id];
    if (stage === undefined) {
      problems.push({ code: "missing-stage", stepId: step.id, message: `step ${step.id} has no stage` });
    } else if (!Number.isInteger(stage) || stage < 1) {
      problems.push({ code: "bad-stage", stepId: step.id, stage, message: `step ${step.id} has stage ${stage}, which is not a positive integer` });
    } else {
      used.add(stage);
      max = Math.max(max, stage);
    }
  }
  for (const step of steps) {
    const stage = stageOf[step.id];
    if (stage === undefined || !used.has(stage)) continue;
    for (const p of new Set(parentsOf(dag, step.id))) {
      const parent = byId.get(p);
      const ps = stageOf[p];
      if (parent === undefined || p === step.id || ps === undefined || !used.has(ps)) continue;
      const executed = !isPlanOnly(parent);
      if (executed ? ps < stage : ps <= stage) continue;
      problems.push({
        code: "parent-after-child",
        stepId: step.id,
        parent: p,
        stage,
        message: executed
          ? `step ${step.id} is in stage ${stage} but depends on step ${p}, whose execution runs in stage ${ps}: it must be in stage ${ps + 1} or later`
          : `step ${step.id} is in stage ${stage} but depends on plan-only step ${p} in stage ${ps}: it must be in stage ${ps} or later`,
      });
    }
  }
  for (let s = 1; s <= max; s++) {
    if (!used.has(s)) problems.push({ code: "empty-stage", stage: s, message: `stage ${s} has no steps (stages must be numbered 1..${max} without gaps)` });
  }
  return problems;
}

/** Thrown by {@link packStages} for an explicit stage assignment that cannot be packed. */
export class InvalidStageAssignmentError extends Error {
  readonly problems: StageProblem[];
  constructor(problems: StageProblem[]) {
    super(`cannot pack steps with the given stages: ${problems.map((p) => p.message).join("; ")}`);
    this.name = "InvalidStageAssignmentError";
    this.problems = problems;
  }
}

/**
 * Packs steps into stages with the paper's σ, or — when `stageOf` is given — with that explicit
 * assignment (e.g. a reviewer's edited stages), which must pass {@link stageAssignmentProblems}
 * (else {@link InvalidStageAssignmentError}). Throws {@link InvalidDagError} like {@link assignStages}.
 */
export function packStages(steps: readonly Step[], dag: Dag, stageOf?: Readonly<Record<number, number>>): Packing {
  if (stageOf === undefined) return packWith(steps, assignStages(steps, dag));
  const blocking = validateDag(steps, dag).filter((i) => BLOCKING.has(i.code));
  if (blocking.length > 0) throw new InvalidDagError(blocking);
  const problems = stageAssignmentProblems(steps, dag, stageOf);
  if (problems.length > 0) throw new InvalidStageAssignmentError(problems);
  const own: Record<number, number> = {};
  for (const s of steps) own[s.id] = stageOf[s.id] as number;
  return packWith(steps, own);
}

function packWith(steps: readonly Step[], stageOf: Record<number, number>): Packing {
  const count = steps.reduce((m, s) => Math.max(m, stageOf[s.id] ?? 0), 0);
  const stages: Stage[] = Array.from({ length: count }, (_, i) => ({ index: i + 1, stepIds: [], executedStepIds: [] }));
  const execRefOf: Record<number, ExecRef> = {};
  for (const step of steps) {
    const stage = stages[(stageOf[step.id] as number) - 1] as Stage;
    stage.stepIds.push(step.id);
    if (!isPlanOnly(step)) {
      stage.executedStepIds.push(step.id);
      execRefOf[step.id] = { round: stage.index, index: stage.executedStepIds.length };
    }
  }
  const executedStepCount = stages.reduce((n, s) => n + s.executedStepIds.length, 0);
  return { stageOf, stages, execRefOf, stepCount: steps.length, executedStepCount, stageCount: count };
}

/** Options of {@link buildTrajectory}. */
export interface BuildOptions {
  question?: string;
  /** The final answer: text (becomes a `<Final_answer>` block) or a full {@link FinalAnswer}. */
  finalAnswer?: string | FinalAnswer;
  /** An explicit stage for every step instead of σ (see {@link packStages}). */
  stageOf?: Readonly<Record<number, number>>;
}

/**
 * Builds the curated SPRINT trajectory: one round per stage.
 *
 * Within a stage, steps are taken in original order. Each executed step ends a chunk with its prompt
 * (`promptTextOf`: prompt, else description); plan-only steps contribute their plan text to the
 * chunk that follows (or to a prompt-less chunk at the end of the plan, or before a separator).
 * A `-----` separator (`separatorBefore`) precedes a step that was not adjacent, in original order,
 * to the previous step of its stage. A `Based on execution_x.y, …:` line (format.ts's
 * `formatBasedOn`) precedes a step whose executed parents — as references to their executions —
 * are non-empty and differ from the previous step's in the stage. Executions are numbered in prompt
 * order; a stage without executed steps gets `executions: []` ("No prompt to execute.").
 * Texts are trimmed. Comments are not part of the trajectory (the paper builds plans from plan text).
 */
export function buildTrajectory(steps: readonly Step[], dag: Dag, opts: BuildOptions = {}): Trajectory {
  const packing = packStages(steps, dag, opts.stageOf);
  const position = new Map(steps.map((s, i) => [s.id, i]));
  const byId = new Map(steps.map((s) => [s.id, s]));
  const rounds: Round[] = packing.stages.map((stage) => {
    const chunks: PlanChunk[] = [];
    const executions: Round["executions"] = [];
    let pending: { separatorBefore: boolean; parts: string[] } | null = null;
    let prevPos: number | undefined;
    let prevRefs = "";
    for (const id of stage.stepIds) {
      const step = byId.get(id) as Step;
      const pos = position.get(id) as number;
      const separator = prevPos !== undefined && pos !== prevPos + 1;
      const refs = executedParentRefs(step, dag, packing);
      const refsKey = refs.map((r) => `${r.round}.${r.index}`).join(",");
      const basedOn = refs.length > 0 && refsKey !== prevRefs ? formatBasedOn(refs) : "";
      prevRefs = refsKey;
      prevPos = pos;
      if (separator && pending !== null) {
        if (pending.parts.length > 0) chunks.push({ separatorBefore: pending.separatorBefore, text: pending.parts.join("\n") });
        pending = null;
      }
      pending ??= { separatorBefore: separator, parts: [] };
      for (const part of [basedOn, step.plan.trim()]) if (part !== "") pending.parts.push(part);
      if (!isPlanOnly(step)) {
        const ref = packing.execRefOf[id] as ExecRef;
        chunks.push({
          separatorBefore: pending.separatorBefore,
          text: pending.parts.join("\n"),
          prompt: { index: ref.index, text: promptTextOf(step) },
        });
        executions.push({ index: ref.index, text: (step.execution ?? "").trim() });
        pending = null;
      }
    }
    if (pending !== null && pending.parts.length > 0) {
      chunks.push({ separatorBefore: pending.separatorBefore, text: pending.parts.join("\n") });
    }
    return { index: stage.index, chunks, executions };
  });
  const trajectory: Trajectory = { rounds };
  if (opts.question !== undefined) trajectory.question = opts.question;
  if (opts.finalAnswer !== undefined) {
    trajectory.finalAnswer =
      typeof opts.finalAnswer === "string" ? { text: opts.finalAnswer.trim(), style: "tag" } : opts.finalAnswer;
  }
  return trajectory;
}

/** References to the executions of a step's executed immediate parents, sorted by (round, index). */
export function executedParentRefs(step: Step, dag: Dag, packing: Packing): ExecRef[] {
  const refs: ExecRef[] = [];
  for (const p of new Set(parentsOf(dag, step.id))) {
    const ref = packing.execRefOf[p]; // only executed steps have one
    if (ref) refs.push(ref);
  }
  return refs.sort((a, b) => a.round - b.round || a.index - b.index);
}

// ---------------------------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------------------------

/**
 * Which steps the parallelization ratio counts. `code` (the authors' code, the product's default):
 * steps with an execution ÷ stages — plan-only steps do not count. `paper` (the paper's text):
 * all steps ÷ stages.
 */
export type RatioVariant = "paper" | "code";

/** Filter thresholds; defaults are the method's code ({@link CURATION_PRESETS}.paper). */
export interface FilterOptions {
  /** Drop trajectories with more stages than this (default 11). */
  maxStages?: number;
  /** Drop trajectories whose parallelization ratio is below this (default 1.5). */
  minParallelRatio?: number;
  /** Which ratio (default "code": executed steps ÷ stages, as the method's code). */
  ratioVariant?: RatioVariant;
}

/** The method's thresholds (the authors' code: executed steps ÷ stages ≥ 1.5, ≤ 11 stages). */
export const DEFAULT_FILTERS: Required<FilterOptions> = { maxStages: 11, minParallelRatio: 1.5, ratioVariant: "code" };

export type FilterReasonCode = "no-stages" | "too-many-stages" | "low-parallel-ratio" | "no-reduction";

/** Why a trajectory was dropped. */
export interface FilterReason {
  code: FilterReasonCode;
  message: string;
}

/** The outcome of {@link applyFilters}: never a silent drop. */
export interface FilterResult {
  kept: boolean;
  reasons: FilterReason[];
  stageCount: number;
  /** The parallelization ratio of the chosen variant (0 with no stages). */
  ratio: number;
  ratioVariant: RatioVariant;
}

/**
 * The parallelization ratio of a packing (either variant) or of trajectory metrics. A trajectory
 * shows only executed steps (plan-only steps are merged into plans), so for metrics both variants
 * use prompts ÷ stages, which is the code variant and a lower bound of the paper variant.
 */
export function parallelRatio(input: Packing | TrajectoryMetrics, variant: RatioVariant = DEFAULT_FILTERS.ratioVariant): number {
  const { stageCount, steps } = ratioInputs(input, variant);
  return stageCount === 0 ? 0 : steps / stageCount;
}

function ratioInputs(input: Packing | TrajectoryMetrics, variant: RatioVariant): { stageCount: number; steps: number } {
  if ("stages" in input) {
    return { stageCount: input.stageCount, steps: variant === "paper" ? input.stepCount : input.executedStepCount };
  }
  return { stageCount: input.stageCount, steps: input.promptCount };
}

/** What the ratio counts, in words ("executed steps ÷ stages"). */
export function ratioRuleText(variant: RatioVariant): string {
  return variant === "paper" ? "all steps ÷ stages" : "executed steps ÷ stages";
}

/**
 * The method's filters: drop more than `maxStages` stages (default 11) and a parallelization ratio
 * below `minParallelRatio` (default 1.5, `ratioVariant` "code" = executed steps ÷ stages or "paper"
 * = all steps ÷ stages). Accepts a {@link Packing} or {@link TrajectoryMetrics} (see
 * {@link parallelRatio} for what the ratio means there). Every failed check is listed.
 */
export function applyFilters(input: Packing | TrajectoryMetrics, opts: FilterOptions = {}): FilterResult {
  const { maxStages, minParallelRatio, ratioVariant } = { ...DEFAULT_FILTERS, ...definedOnly(opts) };
  const { stageCount } = ratioInputs(input, ratioVariant);
  const ratio = parallelRatio(input, ratioVariant);
  const reasons: FilterReason[] = [];
  if (stageCount === 0) {
    reasons.push({ code: "no-stages", message: "no stages: the trajectory has no steps" });
  } else {
    if (stageCount > maxStages) {
      reasons.push({ code: "too-many-stages", message: `${stageCount} stages exceed the maximum of ${maxStages}` });
    }
    if (ratio < minParallelRatio) {
      reasons.push({
        code: "low-parallel-ratio",
        message: `parallelization ratio ${formatRatio(ratio)} (${ratioRuleText(ratioVariant)}) is below ${minParallelRatio}`,
      });
    }
  }
  return { kept: reasons.length === 0, reasons, stageCount, ratio, ratioVariant };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/**
 * The reduction filter (off in the method; the product's option): drop a trajectory whose predicted
 * sequential-token reduction (1 − sequential ÷ baseline) is not above `minReduction` — with 0, any
 * trajectory that saves nothing or costs more than the original. `null`/`undefined` = off. A
 * reduction that could not be measured (`null`) is never dropped by this check.
 */
export function reductionFilter(reduction: number | null, minReduction: number | null | undefined): FilterReason | null {
  if (minReduction === null || minReduction === undefined || reduction === null) return null;
  if (reduction > minReduction) return null;
  const pct = (x: number) => `${x < 0 ? "−" : ""}${Math.abs(Math.round(x * 100))}%`;
  return {
    code: "no-reduction",
    message:
      minReduction === 0
        ? `predicted sequential-token reduction ${pct(reduction)} is not positive: the parallel trajectory saves nothing`
        : `predicted sequential-token reduction ${pct(reduction)} is not above the minimum of ${pct(minReduction)}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Presets: the method's code (default) and the paper's text
// ---------------------------------------------------------------------------------------------

/**
 * How short executions are folded into their plans (curation step 1). `span` (the method's code):
 * fold when `end − start < foldMinLines`, so with 3 an execution of 1, 2 or 3 lines folds. `lines`
 * (the paper's text): fold when the execution has fewer than `foldMinLines` lines (1 or 2 with 3).
 */
export type FoldRule = "span" | "lines";

/** A complete curation rule set: folding plus filters. */
export interface CurationRules extends Required<FilterOptions> {
  foldRule: FoldRule;
  foldMinLines: number;
  /** Drop trajectories whose predicted reduction is not above this (null = off). See {@link reductionFilter}. */
  minReduction: number | null;
}

export type CurationPresetName = "paper" | "paper-text";

/**
 * Named rule sets. `paper` (the default) is the method's reference code: fold `end − start < 3`,
 * executed steps ÷ stages ≥ 1.5, ≤ 11 stages. `paper-text` reads the paper's prose literally: fold
 * fewer than 3 lines, all steps ÷ stages ≥ 1.5 (it keeps more, flatter trajectories).
 */
export const CURATION_PRESETS: Readonly<Record<CurationPresetName, Readonly<CurationRules>>> = {
  paper: { foldRule: "span", foldMinLines: 3, maxStages: 11, minParallelRatio: 1.5, ratioVariant: "code", minReduction: null },
  "paper-text": { foldRule: "lines", foldMinLines: 3, maxStages: 11, minParallelRatio: 1.5, ratioVariant: "paper", minReduction: null },
};

/** The preset a rule set equals, or "custom". */
export function presetOf(rules: CurationRules): CurationPresetName | "custom" {
  for (const [name, p] of Object.entries(CURATION_PRESETS) as [CurationPresetName, CurationRules][]) {
    if (
      p.foldRule === rules.foldRule &&
      p.foldMinLines === rules.foldMinLines &&
      p.maxStages === rules.maxStages &&
      p.minParallelRatio === rules.minParallelRatio &&
      p.ratioVariant === rules.ratioVariant &&
      p.minReduction === rules.minReduction
    ) return name;
  }
  return "custom";
}

/** The fold rule in words ("fold executions spanning end − start < 3 lines (1–3 lines)"). */
export function foldRuleText(rule: FoldRule, minLines: number): string {
  if (minLines <= 0) return "no folding";
  return rule === "span"
    ? `fold executions with end − start < ${minLines} (≤ ${minLines} line${minLines === 1 ? "" : "s"}) into their plan`
    : `fold executions of fewer than ${minLines} line${minLines === 1 ? "" : "s"} into their plan`;
}

/** The whole rule set in one line, for run configs and reports. */
export function describeRules(rules: CurationRules): string {
  const parts = [
    foldRuleText(rules.foldRule, rules.foldMinLines),
    `keep ≤ ${rules.maxStages} stages`,
    `${ratioRuleText(rules.ratioVariant)} ≥ ${rules.minParallelRatio}`,
  ];
  if (rules.minReduction !== null) parts.push(rules.minReduction === 0 ? "reduction > 0" : `reduction > ${Math.round(rules.minReduction * 100)}%`);
  return parts.join("; ");
}

/** The line threshold `foldShortExecutions` (fewer than N lines) needs to apply a fold rule. */
export function foldThreshold(rule: FoldRule, minLines: number): number {
  if (minLines <= 0) return 0;
  return rule === "span" ? minLines + 1 : minLines;
}

function formatRatio(r: number): string {
  return Number.isInteger(r) ? String(r) : r.toFixed(2);
}

// ---------------------------------------------------------------------------------------------
// Critical path and packing efficiency
// ---------------------------------------------------------------------------------------------

/** How far a stage packing is from the DAG's lower bound, in tokens. */
export interface PackingReport {
  /** The DAG's critical path in tokens (metrics.ts `criticalPathTokens`). */
  criticalPathTokens: number;
  criticalPath: number[];
  /** Sequential tokens of the packed trajectory's rounds (no question, no final answer). */
  sequentialTokens: number;
  /** sequentialTokens ÷ criticalPathTokens: 1.0 = optimal, larger = farther from the bound; null if the bound is 0. */
  packingEfficiency: number | null;
}

/**
 * Packs the steps, measures the packed rounds' sequential tokens and compares them with the DAG's
 * critical path (a lower bound on the sequential tokens of any schedule that respects the DAG).
 */
export function packingReport(steps: readonly Step[], dag: Dag, tokenizer: Tokenizer): PackingReport {
  const m = trajectoryMetrics(buildTrajectory(steps, dag), tokenizer, { steps, dag });
  return {
    criticalPathTokens: m.criticalPathTokens ?? 0,
    criticalPath: m.criticalPath ?? [],
    sequentialTokens: m.sequentialTokens - m.finalAnswerTokens,
    packingEfficiency: m.packingEfficiency ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// The whole of curation steps 2–4 for one trace
// ---------------------------------------------------------------------------------------------

/** Options of {@link curate}. */
export interface CurateOptions extends FilterOptions, Omit<BuildOptions, "stageOf"> {
  /** The fold threshold (default 3); false to skip folding. */
  foldMinLines?: number | false;
  /** How the threshold applies (default "span", the method's code: fold when end − start < foldMinLines). */
  foldRule?: FoldRule;
  /** Number of source lines, for the line-coverage checks. */
  lineCount?: number;
}

/** A reason a trace was dropped: a validation error or a failed filter. */
export interface CurationReason {
  code: StepIssueCode | FilterReasonCode;
  message: string;
}

/** The outcome of {@link curate}. */
export interface CurationResult {
  kept: boolean;
  /** Why it was dropped (empty when kept): every validation error, then every failed filter. */
  reasons: CurationReason[];
  /** All validation findings, warnings included. */
  issues: StepIssue[];
  /** The steps after folding. */
  steps: Step[];
  /** Present when the steps could be packed. */
  packing?: Packing;
  filter?: FilterResult;
  /** Present when kept. */
  trajectory?: Trajectory;
}

/**
 * Curation steps 2–4 for one trace: fold short executions (default: the method's code, end − start < 3), validate (any error drops the trace —
 * including the paper's parent-earlier rule), pack, filter, and build the trajectory. Never throws
 * for bad input and never drops silently.
 */
export function curate(steps: readonly Step[], dag: Dag, opts: CurateOptions = {}): CurationResult {
  const minLines = opts.foldMinLines ?? CURATION_PRESETS.paper.foldMinLines;
  const folded = minLines === false ? [...steps] : foldShortExecutions(steps, foldThreshold(opts.foldRule ?? "span", minLines));
  const issues = validateSteps(folded, dag, opts.lineCount === undefined ? {} : { lineCount: opts.lineCount });
  const reasons: CurationReason[] = issues
    .filter((i) => i.severity === "error")
    .map((i) => ({ code: i.code, message: i.message }));
  if (reasons.length > 0) return { kept: false, reasons, issues, steps: folded };
  const packing = packStages(folded, dag);
  const filter = applyFilters(packing, opts);
  reasons.push(...filter.reasons);
  const result: CurationResult = { kept: reasons.length === 0, reasons, issues, steps: folded, packing, filter };
  if (result.kept) {
    const build: BuildOptions = {};
    if (opts.question !== undefined) build.question = opts.question;
    if (opts.finalAnswer !== undefined) build.finalAnswer = opts.finalAnswer;
    result.trajectory = buildTrajectory(folded, dag, build);
  }
  return result;
}
