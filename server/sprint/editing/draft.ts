/**
 * The draft model of a curated trajectory being edited: {@link TrajectoryDraft} (steps, their DAG, stage
 * pins), its issues, the effective stages (σ with pins), validation, and recomputation of the trajectory,
 * text and metrics. Pure, no I/O. The stage and pin rules are documented in ../editing.ts.
 */
import { serializeTrajectory } from "../format";
import { trajectoryMetrics, type TrajectoryMetrics } from "../metrics";
import { BLOCKING as PACKING_BLOCKING, buildTrajectory, packStages, stageAssignmentProblems, type Stage } from "../packing";
import {
  isPlanOnly,
  parentsOf,
  topologicalOrder,
  transitiveReduction,
  validateDag,
  validateSteps,
  type Dag,
  type Step,
  type StepIssue,
  type StepIssueCode,
} from "../steps";
import type { FinalAnswer, Tokenizer, Trajectory } from "../types";


// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** A trajectory being edited: steps in trace order, immediate parents, and stage pins by step id. */
export interface TrajectoryDraft {
  readonly steps: readonly Step[];
  readonly dag: Dag;
  /** Step id → the stage it is pinned to (see the module comment). Absent or empty: pure σ. */
  readonly stagePins?: Readonly<Record<number, number>>;
}

/** Codes of {@link DraftIssue}s beyond those of steps.ts `validateDag`. */
export type DraftIssueCode =
  | StepIssueCode
  /** A pinned step is in a stage its parents do not allow (too early). */
  | "parent-after-child"
  /** No step is in this stage, but later stages have steps. */
  | "empty-stage"
  /** A pin names a step that does not exist. */
  | "unknown-pin"
  /** A pin is not a positive integer. */
  | "bad-pin"
  /** Warning: an edge implied by another path (the DAG should hold immediate parents only). */
  | "redundant-edge"
  /** Warning: a step with no plan, prompt or execution text. */
  | "empty-step"
  // Operation refusals (never produced by validateDraft):
  /** The draft's graph is invalid (duplicate ids, unknown parents, a cycle …): fix that first. */
  | "draft-invalid"
  | "bad-split"
  | "bad-merge"
  /** setPlanOnly(false) on a plan-only step that has no folded execution to restore. */
  | "not-folded"
  /** setPlanOnly(false) when the plan no longer ends with the folded execution's text. */
  | "folded-text-edited"
  | "no-such-edge";

/** One finding about a draft, or the reason an operation was refused. */
export interface DraftIssue extends Omit<StepIssue, "code"> {
  code: DraftIssueCode;
  /** For stage and pin issues: the stage concerned. */
  stage?: number;
}

/** The outcome of an edit operation. */
export type EditResult =
  | {
      ok: true;
      draft: TrajectoryDraft;
      /** Old id → new id, for operations that renumber (split, merge). */
      idMap?: Record<number, number>;
      /** splitStep: the id of the second part. */
      newStepId?: number;
    }
  | { ok: false; issue: DraftIssue };

export const refuse = (code: DraftIssueCode, message: string, extra: Partial<DraftIssue> = {}): EditResult => ({
  ok: false,
  issue: { code, severity: "error", message, ...extra },
});

/** The step issues that make the stage assignment σ undefined: packing's own list ({@link packStages} refuses them). */
export const BLOCKING: ReadonlySet<DraftIssueCode> = PACKING_BLOCKING;

// ---------------------------------------------------------------------------------------------
// Stages
// ---------------------------------------------------------------------------------------------

/** Stages of a draft (see the module comment). */
export interface DraftStages {
  /** The effective stage of every step: its pin, else σ from its parents' effective stages. */
  stageOf: Record<number, number>;
  /** σ ignoring every pin (where each step would go when unpinned, everything else unpinned too). */
  asapOf: Record<number, number>;
  /** The largest effective stage (0 without steps). */
  stageCount: number;
}

export function validPin(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 1;
}

/**
 * Effective and σ stages of a draft, or null when stages are undefined because the graph has a
 * blocking problem (duplicate or invalid ids, unknown parents, self edges, a cycle). Invalid pins
 * and pins of unknown steps are ignored here (validateDraft reports them).
 */
export function draftStages(draft: TrajectoryDraft): DraftStages | null {
  if (validateDag(draft.steps, draft.dag).some((i) => BLOCKING.has(i.code))) return null;
  return computeStages(draft);
}

export function computeStages(draft: TrajectoryDraft): DraftStages | null {
  const order = topologicalOrder(draft.steps, draft.dag);
  if (order === null) return null;
  const byId = new Map(draft.steps.map((s) => [s.id, s]));
  const pins = draft.stagePins ?? {};
  const stageOf: Record<number, number> = {};
  const asapOf: Record<number, number> = {};
  let stageCount = 0;
  for (const id of order) {
    let req = 1;
    let asap = 1;
    for (const p of parentsOf(draft.dag, id)) {
      const parent = byId.get(p);
      if (parent === undefined || p === id) continue;
      const bump = isPlanOnly(parent) ? 0 : 1;
      req = Math.max(req, (stageOf[p] as number) + bump);
      asap = Math.max(asap, (asapOf[p] as number) + bump);
    }
    const pin = pins[id];
    stageOf[id] = validPin(pin) ? pin : req;
    asapOf[id] = asap;
    stageCount = Math.max(stageCount, stageOf[id]);
  }
  return { stageOf, asapOf, stageCount };
}

/** Steps of each stage 1..stageCount, in array order (empty stages included, as empty lists). */
export function stepsByStage(draft: TrajectoryDraft, stages: DraftStages): number[][] {
  const out: number[][] = Array.from({ length: stages.stageCount }, () => []);
  for (const s of draft.steps) out[(stages.stageOf[s.id] as number) - 1]?.push(s.id);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/** Options of {@link validateDraft}. */
export interface ValidateDraftOptions {
  /** Number of source lines; enables the line checks (as warnings). */
  lineCount?: number;
  /** Run the line checks even without `lineCount` (coverage up to the largest covered line). */
  checkLines?: boolean;
}

const LINE_CODES: ReadonlySet<StepIssueCode> = new Set<StepIssueCode>([
  "bad-line-range",
  "line-out-of-range",
  "line-overlap",
  "line-not-covered",
]);

/**
 * Everything wrong with a draft, errors and warnings, never throwing. Errors (saving must be
 * refused): steps.ts `validateDag`'s errors — bad/duplicate/out-of-order ids, DAG entries for
 * unknown steps, unknown parents, self edges, parents that do not precede their children
 * (`parent-not-earlier`, the paper's rule) and cycles, each named —, `unknown-pin`, `bad-pin`,
 * `parent-after-child` (one per violated edge) and `empty-stage`. Warnings: `duplicate-edge`,
 * `missing-prompt`, `redundant-edge`, `empty-step` and, when enabled, the line checks.
 *
 * A plan-only parent is fine: its child may share its stage (σ's rule) and references only
 * executed parents' outputs, so nothing can refer to the missing execution.
 */
export function validateDraft(draft: TrajectoryDraft, opts: ValidateDraftOptions = {}): DraftIssue[] {
  const issues: DraftIssue[] = validateDag(draft.steps, draft.dag).map((i) => ({ ...i }));
  const ids = new Set(draft.steps.map((s) => s.id));
  for (const [key, pin] of Object.entries(draft.stagePins ?? {})) {
    const id = Number(key);
    if (!ids.has(id)) {
      issues.push({ code: "unknown-pin", severity: "error", stepId: id, message: `a stage pin names step ${key}, which does not exist` });
    } else if (!validPin(pin)) {
      issues.push({ code: "bad-pin", severity: "error", stepId: id, message: `step ${id} is pinned to stage ${String(pin)}, which is not a positive integer` });
    }
  }
  const blocked = issues.some((i) => BLOCKING.has(i.code));
  const stages = blocked ? null : computeStages(draft);
  if (stages) {
    for (const p of stageAssignmentProblems(draft.steps, draft.dag, stages.stageOf)) {
      if (p.code === "parent-after-child" && p.stepId !== undefined && p.parent !== undefined) {
        issues.push({
          code: "parent-after-child",
          severity: "error",
          stepId: p.stepId,
          edge: { parent: p.parent, child: p.stepId },
          ...(p.stage === undefined ? {} : { stage: p.stage }),
          message: `${p.message} (pinned)`,
        });
      } else if (p.code === "empty-stage") {
        issues.push({ code: "empty-stage", severity: "error", ...(p.stage === undefined ? {} : { stage: p.stage }), message: p.message });
      }
    }
  }
  if (!blocked) {
    const reduced = transitiveReduction(draft.dag);
    for (const key of Object.keys(draft.dag)) {
      const child = Number(key);
      const keep = new Set(reduced[child] ?? []);
      for (const parent of new Set(parentsOf(draft.dag, child))) {
        if (parent === child || keep.has(parent)) continue;
        issues.push({
          code: "redundant-edge",
          severity: "warning",
          stepId: child,
          edge: { parent, child },
          message: `step ${child} depends on step ${parent} through another parent too: the DAG should list immediate parents only`,
        });
      }
    }
  }
  for (const s of draft.steps) {
    const blank = (t?: string) => t === undefined || t.trim() === "";
    if (blank(s.plan) && isPlanOnly(s) && blank(s.prompt)) {
      issues.push({ code: "empty-step", severity: "warning", stepId: s.id, message: `step ${s.id} has no text` });
    }
  }
  if (opts.lineCount !== undefined || opts.checkLines === true) {
    const lineOpts = opts.lineCount === undefined ? {} : { lineCount: opts.lineCount };
    for (const i of validateSteps(draft.steps, {}, lineOpts)) {
      if (LINE_CODES.has(i.code)) issues.push({ ...i, severity: "warning" });
    }
  }
  return issues;
}

/** True when some issue is an error (the draft must not be saved). */
export function hasErrors(issues: readonly DraftIssue[]): boolean {
  return issues.some((i) => i.severity === "error");
}

// ---------------------------------------------------------------------------------------------
// Recomputation and metrics
// ---------------------------------------------------------------------------------------------

/** Options of {@link recomputeDraft}. */
export interface RecomputeOptions extends ValidateDraftOptions {
  question?: string;
  finalAnswer?: string | FinalAnswer;
}

/** The compact, JSON-able numbers of a draft that {@link metricsDelta} compares. */
export interface DraftMetrics {
  stepCount: number;
  executedStepCount: number;
  stageCount: number;
  promptCount: number;
  sequentialTokens: number;
  totalTokens: number;
  /** Prompts ÷ stages (the stored metrics' ratio; the code variant). */
  parallelRatio: number;
  /** Steps ÷ stages (the paper's ratio variant). */
  stepsPerStage: number;
  tokenParallelism: number;
  criticalPathTokens: number | null;
  packingEfficiency: number | null;
}

/** Everything a review editor shows for a draft. */
export interface DraftComputation {
  issues: DraftIssue[];
  /** No errors: the draft may be saved. */
  valid: boolean;
  /** Null when the graph has a blocking problem (cycle, unknown parent, duplicate id, …). */
  stages: DraftStages | null;
  /** The stages as packed (null when the trajectory could not be built). */
  packed: Stage[] | null;
  /** Null when stages are undefined or inconsistent (`parent-after-child`, `empty-stage`). */
  trajectory: Trajectory | null;
  /** format.ts `serializeTrajectory` of the trajectory. */
  text: string | null;
  metrics: TrajectoryMetrics | null;
  summary: DraftMetrics | null;
}

/**
 * Validates the draft, computes its stages (honouring pins) and — when they are consistent — builds
 * the trajectory (packing.ts `buildTrajectory` with the explicit stages), serializes it and measures
 * it (metrics.ts `trajectoryMetrics` with the DAG's critical path). Linear in the size of the draft
 * apart from the redundant-edge check (quadratic in steps, small for real traces); the tokenizer is
 * called a bounded number of times per step (see the tests), so with tokenizer.ts `approxTokenizer`
 * — or a {@link memoTokenizer} around any tokenizer — it is cheap enough for every keystroke.
 */
export function recomputeDraft(draft: TrajectoryDraft, tokenizer: Tokenizer, opts: RecomputeOptions = {}): DraftComputation {
  const { question, finalAnswer, ...validateOpts } = opts;
  const issues = validateDraft(draft, validateOpts);
  const valid = !hasErrors(issues);
  const blocked = issues.some((i) => BLOCKING.has(i.code));
  const stages = blocked ? null : computeStages(draft);
  const inconsistent = issues.some((i) => i.code === "parent-after-child" || i.code === "empty-stage");
  const none = { packed: null, trajectory: null, text: null, metrics: null, summary: null };
  if (stages === null || inconsistent) return { issues, valid, stages, ...none };
  const trajectory = buildTrajectory(draft.steps, draft.dag, {
    stageOf: stages.stageOf,
    ...(question === undefined ? {} : { question }),
    ...(finalAnswer === undefined ? {} : { finalAnswer }),
  });
  const packing = packStages(draft.steps, draft.dag, stages.stageOf);
  const metrics = trajectoryMetrics(trajectory, tokenizer, { steps: draft.steps, dag: draft.dag });
  const summary: DraftMetrics = {
    stepCount: draft.steps.length,
    executedStepCount: packing.executedStepCount,
    stageCount: metrics.stageCount,
    promptCount: metrics.promptCount,
    sequentialTokens: metrics.sequentialTokens,
    totalTokens: metrics.totalTokens,
    parallelRatio: metrics.parallelRatio,
    stepsPerStage: metrics.stageCount === 0 ? 0 : draft.steps.length / metrics.stageCount,
    tokenParallelism: metrics.tokenParallelism,
    criticalPathTokens: metrics.criticalPathTokens ?? null,
    packingEfficiency: metrics.packingEfficiency ?? null,
  };
  return { issues, valid, stages, packed: packing.stages, trajectory, text: serializeTrajectory(trajectory), metrics, summary };
}

/**
 * A tokenizer that remembers counts of recent texts (at most `capacity`, oldest forgotten first), so
 * that recomputing after an edit of one step re-counts only that step's pieces. Same `name`.
 */
export function memoTokenizer(tokenizer: Tokenizer, capacity = 4096): Tokenizer {
  const cache = new Map<string, number>();
  return {
    name: tokenizer.name,
    count(text: string): number {
      const hit = cache.get(text);
      if (hit !== undefined) return hit;
      const n = tokenizer.count(text);
      if (cache.size >= capacity) cache.delete(cache.keys().next().value as string);
      cache.set(text, n);
      return n;
    },
  };
}

/** The numbers {@link metricsDelta} compares, in display order. */
export const DELTA_KEYS = [
  "sequentialTokens",
  "totalTokens",
  "stageCount",
  "promptCount",
  "stepCount",
  "parallelRatio",
  "stepsPerStage",
  "tokenParallelism",
  "criticalPathTokens",
  "packingEfficiency",
] as const;
export type DeltaKey = (typeof DELTA_KEYS)[number];

/** Anything with some of the compared numbers: {@link DraftMetrics}, metrics.ts TrajectoryMetrics, stored metrics. */
export type MetricsLike = Partial<Record<DeltaKey, number | null | undefined>>;

/** One number before and after an edit. */
export interface MetricDelta {
  before: number | null;
  after: number | null;
  /** after − before; null when either is missing. */
  delta: number | null;
  /** delta ÷ |before|; null when either is missing or before is 0. */
  relative: number | null;
}

/** The change of every {@link DELTA_KEYS} number; `changed` when any delta is non-zero or presence differs. */
export function metricsDelta(
  before: MetricsLike | null | undefined,
  after: MetricsLike | null | undefined,
): { changed: boolean; deltas: Record<DeltaKey, MetricDelta> } {
  const deltas = {} as Record<DeltaKey, MetricDelta>;
  let changed = false;
  for (const key of DELTA_KEYS) {
    const b = before?.[key] ?? null;
    const a = after?.[key] ?? null;
    const delta = a !== null && b !== null ? a - b : null;
    const relative = delta !== null && b !== null && b !== 0 ? delta / Math.abs(b) : null;
    if ((a === null) !== (b === null) || (delta !== null && delta !== 0)) changed = true;
    deltas[key] = { before: b, after: a, delta, relative };
  }
  return { changed, deltas };
}

export function withPins(draft: TrajectoryDraft, pins: Record<number, number>): TrajectoryDraft {
  const { stagePins: _old, ...rest } = draft;
  return Object.keys(pins).length === 0 ? rest : { ...rest, stagePins: pins };
}
