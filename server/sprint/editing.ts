/**
 * Editing a curated trajectory by hand (team review, issue #5): a {@link TrajectoryDraft} — steps,
 * their DAG and optional stage pins — and pure edit operations on it, validation, recomputation of
 * stages / trajectory / text / metrics, an undo history and the stored (DB JSON) form.
 * Pure functions, no I/O: the same code runs in the browser on every keystroke and on the server
 * when a draft is saved.
 *
 * ## Stages and pins
 * Without pins a step's stage is the paper's σ (packing.ts `assignStages`): 1 without parents, else
 * the max over parents p of σ(p) + 1 when p has an execution and σ(p) when p is plan-only (a step
 * may share a stage with a plan-only parent). A *pin* (`stagePins[stepId] = stage`) puts a step in
 * that stage literally. Unpinned steps are computed from their parents' *effective* stages, so a pin
 * later than σ delays the step and pushes its unpinned descendants. A pin earlier than the parents
 * allow is not fixed silently: {@link validateDraft} reports `parent-after-child` (an error, which
 * disables saving) and the trajectory is not built until it is resolved. A pin that leaves a stage
 * without steps is reported as `empty-stage` (the format has no empty rounds).
 *
 * ## Operations
 * Every operation returns `{ ok: true, draft }` with a new draft (inputs are never mutated) or
 * `{ ok: false, issue }` when it cannot be applied at all (unknown step, an edge that would create a
 * cycle or point backwards, a split at a blank point, …) — so a UI can show the reason inline and
 * the server can reject the same request. Operations that change the number of steps
 * ({@link splitStep}, {@link mergeSteps}) renumber ids to 1..n in array order and return `idMap`
 * (old id → new id) so that a UI can keep its selection. Drafts that are valid except for warnings
 * stay so under every successful operation, except where noted (a split's second part has no prompt
 * yet → `missing-prompt` warning; a pin may produce `parent-after-child` / `empty-stage` errors).
 *
 * ## Line ranges
 * Line ranges are provenance (which source sentences a step came from). Edits keep them where
 * meaningful (splits divide ranges, merges unite contiguous ones); after edits texts and lines may
 * no longer match, so {@link validateDraft} reports line findings as warnings only.
 */
import { serializeTrajectory } from "./format";
import { trajectoryMetrics, type TrajectoryMetrics } from "./metrics";
import { buildTrajectory, packStages, stageAssignmentProblems, type Stage } from "./packing";
import {
  findCycles,
  isPlanOnly,
  normalizeDag,
  parentsOf,
  stepLineRanges,
  topologicalOrder,
  transitiveReduction,
  validateDag,
  validateSteps,
  type Dag,
  type Edge,
  type FoldedExecution,
  type LineRange,
  type Step,
  type StepIssueCode,
} from "./steps";
import type { FinalAnswer, Tokenizer, Trajectory } from "./types";

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
export interface DraftIssue {
  code: DraftIssueCode;
  severity: "error" | "warning";
  message: string;
  stepId?: number;
  edge?: Edge;
  /** For `cycle`: step ids in order; the last one points back to the first. */
  cycle?: number[];
  lines?: LineRange;
  stepIds?: number[];
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

const refuse = (code: DraftIssueCode, message: string, extra: Partial<DraftIssue> = {}): EditResult => ({
  ok: false,
  issue: { code, severity: "error", message, ...extra },
});

const BLOCKING: ReadonlySet<DraftIssueCode> = new Set<DraftIssueCode>([
  "bad-step-id",
  "duplicate-step-id",
  "bad-dag-entry",
  "unknown-parent",
  "self-edge",
  "cycle",
]);

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

function validPin(v: unknown): v is number {
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

function computeStages(draft: TrajectoryDraft): DraftStages | null {
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
// Small helpers
// ---------------------------------------------------------------------------------------------

function indexOfStep(draft: TrajectoryDraft, id: number): number {
  return draft.steps.findIndex((s) => s.id === id);
}

function unknownStep(id: number): EditResult {
  return refuse("unknown-step", `step ${id} does not exist`, { stepId: id });
}

function blockingIssue(draft: TrajectoryDraft): DraftIssue | undefined {
  const i = validateDag(draft.steps, draft.dag).find((x) => BLOCKING.has(x.code) || x.code === "unknown-step");
  return i && { ...i, code: "draft-invalid", message: `fix the graph first: ${i.message}` };
}

function withPins(draft: TrajectoryDraft, pins: Record<number, number>): TrajectoryDraft {
  const { stagePins: _old, ...rest } = draft;
  return Object.keys(pins).length === 0 ? rest : { ...rest, stagePins: pins };
}

function joinText(parts: readonly (string | undefined)[], sep = "\n"): string {
  return parts.filter((t): t is string => t !== undefined && t.trim() !== "").join(sep);
}

/** Drops optional string fields that are blank, so that "" and absent mean the same thing. */
function tidy(step: Step): Step {
  const out: Step = { ...step };
  for (const k of ["description", "prompt", "execution", "comment"] as const) {
    const v = out[k];
    if (v !== undefined && v.trim() === "") delete out[k];
  }
  return out;
}

/**
 * Rebuilds a draft from keyed nodes: ids become 1..n in the given order, parents and pins follow.
 * Parents naming keys that are not nodes are dropped (callers refuse drafts with unknown parents).
 */
function renumber(
  nodes: readonly { key: number; step: Step }[],
  parents: ReadonlyMap<number, readonly number[]>,
  pins: ReadonlyMap<number, number>,
): { draft: TrajectoryDraft; keyToId: Map<number, number> } {
  const keyToId = new Map(nodes.map((n, i) => [n.key, i + 1]));
  const steps: Step[] = nodes.map((n, i) => ({ ...n.step, id: i + 1 }));
  const dag: Record<number, number[]> = {};
  const stagePins: Record<number, number> = {};
  for (const n of nodes) {
    const id = keyToId.get(n.key) as number;
    const ps = (parents.get(n.key) ?? []).flatMap((k) => {
      const p = keyToId.get(k);
      return p === undefined || p === id ? [] : [p];
    });
    dag[id] = [...new Set(ps)].sort((a, b) => a - b);
    const pin = pins.get(n.key);
    if (pin !== undefined) stagePins[id] = pin;
  }
  const draft: TrajectoryDraft = Object.keys(stagePins).length > 0 ? { steps, dag, stagePins } : { steps, dag };
  return { draft, keyToId };
}

function parentMap(draft: TrajectoryDraft): Map<number, number[]> {
  return new Map(draft.steps.map((s) => [s.id, [...parentsOf(draft.dag, s.id)]]));
}

function pinMap(draft: TrajectoryDraft): Map<number, number> {
  const m = new Map<number, number>();
  for (const [k, v] of Object.entries(draft.stagePins ?? {})) m.set(Number(k), v);
  return m;
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/**
 * Pins a step to `stage` (a positive integer), or unpins it with `null`. The pin is literal (see the
 * module comment): too early → `parent-after-child`, leaving a gap → `empty-stage`, both reported
 * by {@link validateDraft}. Refused for an unknown step or a stage that is not a positive integer.
 */
export function moveStepToStage(draft: TrajectoryDraft, stepId: number, stage: number | null): EditResult {
  if (indexOfStep(draft, stepId) < 0) return unknownStep(stepId);
  const pins: Record<number, number> = { ...(draft.stagePins ?? {}) };
  if (stage === null) {
    if (!(stepId in pins)) return { ok: true, draft };
    delete pins[stepId];
    return { ok: true, draft: withPins(draft, pins) };
  }
  if (!validPin(stage)) return refuse("bad-pin", `stage ${stage} is not a positive integer`, { stepId, stage });
  if (pins[stepId] === stage) return { ok: true, draft };
  pins[stepId] = stage;
  return { ok: true, draft: withPins(draft, pins) };
}

/** Where to split a step: a character offset into its plan or its execution text. */
export interface SplitPoint {
  field: "plan" | "execution";
  /** 0 ≤ offset ≤ text length; the first part is text[0, offset), the second text[offset, …). */
  offset: number;
}

/** The character offset where 0-based line `line` of `text` starts (for splitting at a line boundary). */
export function lineStartOffset(text: string, line: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) {
    const nl = text.indexOf("\n", offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return offset;
}

/**
 * Splits a line range at a character offset of its text. When the text has as many lines as the
 * range, lines map one to one (a line cut in the middle goes to the part holding most of it);
 * otherwise the range is divided in proportion to characters. With two or more lines each part
 * keeps at least one.
 */
export function splitLineRange(range: LineRange, text: string, offset: number): [LineRange | undefined, LineRange | undefined] {
  const [start, end] = range;
  const n = end - start + 1;
  const textLines = text.split("\n");
  let k: number;
  if (textLines.length === n) {
    const before = text.slice(0, offset);
    const i = before.split("\n").length - 1;
    const col = offset - (before.lastIndexOf("\n") + 1);
    const len = (textLines[i] ?? "").length;
    k = col === 0 ? i : i + (col * 2 >= len ? 1 : 0);
  } else {
    k = text.length === 0 ? 0 : Math.round((n * offset) / text.length);
  }
  k = n >= 2 ? Math.min(n - 1, Math.max(1, k)) : Math.min(n, Math.max(0, k));
  return [k > 0 ? [start, start + k - 1] : undefined, k < n ? [start + k, end] : undefined];
}

/**
 * Splits a step in two at a point of its plan or execution text. Whitespace around the cut is
 * trimmed; both parts must keep some text (else `bad-split`).
 * - `plan`: the first part is plan-only (the plan before the cut); the second keeps the rest of the
 *   plan, the description, prompt, execution, comment and any folded execution (a cut inside the
 *   folded text is refused: unfold first).
 * - `execution` (executed steps only): the first part keeps plan, description, prompt and the
 *   execution before the cut; the second has the rest of the execution and the comment, no plan
 *   and no prompt yet (`missing-prompt` warning until one is written).
 * The first part takes the original's parents and pin; the second depends on the first; children of
 * the original depend on the second. Line ranges are divided with {@link splitLineRange}. Ids are
 * renumbered (the first part keeps the original id, the second is id + 1).
 */
export function splitStep(draft: TrajectoryDraft, stepId: number, at: SplitPoint): EditResult {
  const idx = indexOfStep(draft, stepId);
  if (idx < 0) return unknownStep(stepId);
  const blocking = blockingIssue(draft);
  if (blocking) return { ok: false, issue: blocking };
  const step = draft.steps[idx] as Step;
  if (at.field === "execution" && isPlanOnly(step)) return refuse("bad-split", `step ${stepId} has no execution to split`, { stepId });
  const text = (at.field === "plan" ? step.plan : step.execution) ?? "";
  if (!Number.isInteger(at.offset) || at.offset < 0 || at.offset > text.length) {
    return refuse("bad-split", `offset ${at.offset} is outside the ${at.field} of step ${stepId} (0–${text.length})`, { stepId });
  }
  const first = text.slice(0, at.offset).replace(/\s+$/u, "");
  const second = text.slice(at.offset).replace(/^\s+/u, "");
  if (first === "" || second === "") {
    return refuse("bad-split", `splitting step ${stepId} there would leave a part without ${at.field} text`, { stepId });
  }
  let one: Step;
  let two: Step;
  if (at.field === "plan") {
    const folded = step.folded;
    if (folded && folded.text !== "" && step.plan.endsWith(folded.text) && at.offset > step.plan.length - folded.text.length) {
      return refuse("bad-split", `the cut is inside step ${stepId}'s folded execution: unfold it first`, { stepId });
    }
    const [r1, r2] = step.planLines ? splitLineRange(step.planLines, text, at.offset) : [undefined, undefined];
    one = { id: stepId, plan: first, ...(r1 ? { planLines: r1 } : {}) };
    const { planLines: _pl, ...rest } = step;
    two = { ...rest, plan: second, ...(r2 ? { planLines: r2 } : {}) };
  } else {
    const [r1, r2] = step.executionLines ? splitLineRange(step.executionLines, text, at.offset) : [undefined, undefined];
    const { comment, commentLines, executionLines: _el, ...rest } = step;
    one = { ...rest, execution: first, ...(r1 ? { executionLines: r1 } : {}) };
    two = {
      id: stepId,
      plan: "",
      execution: second,
      ...(r2 ? { executionLines: r2 } : {}),
      ...(comment === undefined ? {} : { comment }),
      ...(commentLines === undefined ? {} : { commentLines }),
    };
  }
  const SECOND = -1;
  const nodes: { key: number; step: Step }[] = [];
  for (const s of draft.steps) {
    if (s.id !== stepId) nodes.push({ key: s.id, step: s });
    else nodes.push({ key: stepId, step: one }, { key: SECOND, step: two });
  }
  const parents = parentMap(draft);
  for (const [k, ps] of parents) parents.set(k, ps.map((p) => (p === stepId ? SECOND : p)));
  parents.set(stepId, [...parentsOf(draft.dag, stepId)]);
  parents.set(SECOND, [stepId]);
  const { draft: out, keyToId } = renumber(nodes, parents, pinMap(draft));
  const idMap: Record<number, number> = {};
  for (const s of draft.steps) idMap[s.id] = keyToId.get(s.id) as number;
  return { ok: true, draft: out, idMap, newStepId: keyToId.get(SECOND) as number };
}

function unionIfContiguous(ranges: readonly LineRange[]): LineRange | undefined | null {
  if (ranges.length === 0) return undefined;
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const s = (sorted[0] as LineRange)[0];
  let e = (sorted[0] as LineRange)[1];
  for (const [a, b] of sorted.slice(1)) {
    if (a > e + 1) return null;
    e = Math.max(e, b);
  }
  return [s, e];
}

/** The merged step of {@link mergeSteps} (`first` precedes `second` in the draft). */
function mergeTwo(first: Step, second: Step, others: readonly Step[]): Step {
  const execution = joinText([isPlanOnly(first) ? undefined : first.execution, isPlanOnly(second) ? undefined : second.execution]);
  const plan = joinText([first.plan, second.plan]);
  let folded: FoldedExecution | undefined;
  const droppedFolded: LineRange[] = [];
  for (const s of [second, first]) {
    if (!s.folded) continue;
    if (folded === undefined && execution === "" && s.folded.text !== "" && plan.endsWith(s.folded.text)) folded = s.folded;
    else if (s.folded.lines) droppedFolded.push(s.folded.lines);
  }
  const merged: Step = tidy({
    id: first.id,
    description: joinText([first.description, second.description], "; "),
    plan,
    prompt: execution === "" ? "" : joinText([first.prompt, second.prompt]),
    execution,
    comment: joinText([first.comment, second.comment]),
  });
  const ranges = (f: (s: Step) => LineRange | undefined) => [first, second].flatMap((s) => (f(s) ? [f(s) as LineRange] : []));
  const planR = unionIfContiguous([...ranges((s) => s.planLines), ...droppedFolded]);
  const execR = unionIfContiguous(ranges((s) => s.executionLines));
  const commentR = unionIfContiguous(ranges((s) => s.commentLines));
  const keptFoldedLines = folded?.lines;
  if (planR !== null && execR !== null && commentR !== null) {
    if (planR) merged.planLines = planR;
    if (execR) merged.executionLines = execR;
    if (commentR) merged.commentLines = commentR;
    if (folded) merged.folded = folded;
    return merged;
  }
  // Not representable per field: the hull of everything as plan lines when no other step owns a
  // line inside it, else only the fields whose ranges are contiguous (lines are provenance; see the
  // module comment).
  const all = [first, second].flatMap((s) => stepLineRanges(s).map((r) => r.range));
  const lo = Math.min(...all.map((r) => r[0]));
  const hi = Math.max(...all.map((r) => r[1]));
  const clash = others.some((o) => stepLineRanges(o).some(({ range: [a, b] }) => a <= hi && b >= lo));
  if (!clash) merged.planLines = [lo, hi];
  else {
    if (planR) merged.planLines = planR;
    if (execR) merged.executionLines = execR;
    if (commentR) merged.commentLines = commentR;
  }
  if (folded) {
    const { lines: _l, ...f } = folded;
    merged.folded = clash && keptFoldedLines ? folded : f;
  }
  return merged;
}

/**
 * Merges two steps into one (order of `a`, `b` does not matter). Texts are joined in draft order
 * with a newline (descriptions with "; "): plan = both plans, execution = both executions (the
 * merged step is plan-only when neither executes), prompt = both prompts when it executes.
 * Parents = the union of both steps' parents minus the two; children of either depend on the
 * merged step. Refused with `cycle` when some other step lies on a path between the two (a → c → b:
 * c would be both child and parent of the merged step). The merged step takes the earlier one's
 * place; when its parents or children then point backwards, steps are reordered minimally (a
 * stable topological order of the merged graph). Ids are renumbered to 1..n; both old ids map to the
 * merged step's new id. A pin of either part carries over (the later stage when both are pinned).
 * Line ranges unite per field when contiguous; when some field's ranges do not touch, the merged
 * step gets the hull of all its lines as its plan range if no other step owns a line inside it,
 * else only the fields whose ranges are contiguous.
 */
export function mergeSteps(draft: TrajectoryDraft, a: number, b: number): EditResult {
  if (a === b) return refuse("bad-merge", `cannot merge step ${a} with itself`, { stepId: a });
  const ia = indexOfStep(draft, a);
  const ib = indexOfStep(draft, b);
  if (ia < 0) return unknownStep(a);
  if (ib < 0) return unknownStep(b);
  const blocking = blockingIssue(draft);
  if (blocking) return { ok: false, issue: blocking };
  const [fi, si] = ia < ib ? [ia, ib] : [ib, ia];
  const first = draft.steps[fi] as Step;
  const second = draft.steps[si] as Step;
  const others = draft.steps.filter((_, i) => i !== fi && i !== si);
  const merged = mergeTwo(first, second, others);
  const parents = parentMap(draft);
  const mergedParents = [...(parents.get(first.id) ?? []), ...(parents.get(second.id) ?? [])].filter(
    (p) => p !== first.id && p !== second.id,
  );
  parents.delete(second.id);
  for (const [k, ps] of parents) parents.set(k, [...new Set(ps.map((p) => (p === second.id ? first.id : p)))]);
  parents.set(first.id, [...new Set(mergedParents)]);
  const mergedDag: Record<number, number[]> = Object.fromEntries(parents);
  const cycle = findCycles(mergedDag).find((c) => c.includes(first.id));
  if (cycle) {
    const name = (id: number) => (id === first.id ? `${first.id}+${second.id}` : String(id));
    const names = cycle.map(name);
    return refuse(
      "cycle",
      `merging steps ${first.id} and ${second.id} would create a cycle: ${[...names, names[0]].join(" → ")}`,
      { cycle, stepIds: [first.id, second.id] },
    );
  }
  const tempSteps = draft.steps.filter((s) => s.id !== second.id).map((s) => (s.id === first.id ? merged : s));
  const order = topologicalOrder(tempSteps, mergedDag);
  if (order === null) return refuse("cycle", "the merged graph has a cycle", { stepIds: [first.id, second.id] });
  const byKey = new Map(tempSteps.map((s) => [s.id, s]));
  const pins = pinMap(draft);
  const pinA = pins.get(first.id);
  const pinB = pins.get(second.id);
  pins.delete(second.id);
  if (pinA !== undefined || pinB !== undefined) pins.set(first.id, Math.max(pinA ?? 0, pinB ?? 0));
  const { draft: out, keyToId } = renumber(
    order.map((key) => ({ key, step: byKey.get(key) as Step })),
    parents,
    pins,
  );
  const idMap: Record<number, number> = {};
  for (const s of draft.steps) idMap[s.id] = keyToId.get(s.id === second.id ? first.id : s.id) as number;
  return { ok: true, draft: out, idMap };
}

/** Text fields {@link editStepText} can change. `""` removes an optional field (plan stays ""). */
export interface StepTextPatch {
  plan?: string;
  prompt?: string;
  execution?: string;
  comment?: string;
  description?: string;
}

/**
 * Replaces text fields of a step. Giving a non-blank execution to a plan-only step makes it an
 * executed step (its `folded` record, now meaningless, is dropped); a blank execution makes it
 * plan-only. Returns the same draft when nothing changes (so an undo history is not polluted).
 */
export function editStepText(draft: TrajectoryDraft, stepId: number, patch: StepTextPatch): EditResult {
  const idx = indexOfStep(draft, stepId);
  if (idx < 0) return unknownStep(stepId);
  const step = draft.steps[idx] as Step;
  let changed = false;
  const next: Step = { ...step };
  for (const k of ["plan", "prompt", "execution", "comment", "description"] as const) {
    const v = patch[k];
    if (v === undefined || (step[k] ?? "") === v) continue;
    changed = true;
    next[k] = v;
  }
  if (!changed) return { ok: true, draft };
  let out = tidy(next);
  if (out.folded && !isPlanOnly(out)) {
    const { folded: _f, ...rest } = out;
    out = rest;
  }
  const steps = [...draft.steps];
  steps[idx] = out;
  return { ok: true, draft: { ...draft, steps } };
}

/**
 * Marks a step plan-only (`true`): its execution is appended to its plan on a new line and its prompt
 * dropped, recorded in `folded` (steps.ts {@link FoldedExecution}, the representation curation's
 * `foldShortExecutions` uses; here the plan's line range is left as it was and the execution's
 * lines go to `folded.lines`, so that unfolding restores them exactly). `false` undoes a fold:
 * refused with `not-folded` for a plan-only step without a `folded` record and with
 * `folded-text-edited` when the plan no longer ends with the folded text. A step already in the
 * requested state is returned unchanged. A step folded by curation whose lines were merged into its
 * plan range gets no execution range back.
 */
export function setPlanOnly(draft: TrajectoryDraft, stepId: number, planOnly: boolean): EditResult {
  const idx = indexOfStep(draft, stepId);
  if (idx < 0) return unknownStep(stepId);
  const step = draft.steps[idx] as Step;
  if (isPlanOnly(step) === planOnly) return { ok: true, draft };
  let next: Step;
  if (planOnly) {
    const { prompt, execution, executionLines, folded: _f, ...rest } = step;
    const text = execution ?? "";
    next = {
      ...rest,
      plan: joinText([step.plan, text]),
      folded: {
        text,
        ...(prompt === undefined ? {} : { prompt }),
        ...(executionLines === undefined ? {} : { lines: executionLines }),
      },
    };
  } else {
    const folded = step.folded;
    if (!folded || folded.text.trim() === "") {
      return refuse("not-folded", `step ${stepId} has no folded execution to restore: write an execution instead`, { stepId });
    }
    let plan: string;
    if (step.plan === folded.text) plan = "";
    else if (step.plan.endsWith(`\n${folded.text}`)) plan = step.plan.slice(0, step.plan.length - folded.text.length - 1);
    else {
      return refuse("folded-text-edited", `step ${stepId}'s plan no longer ends with its folded execution: edit the texts instead`, {
        stepId,
      });
    }
    const { folded: _f, execution: _e, ...rest } = step;
    next = tidy({
      ...rest,
      plan,
      execution: folded.text,
      ...(folded.prompt === undefined ? {} : { prompt: folded.prompt }),
      ...(folded.lines === undefined ? {} : { executionLines: folded.lines }),
    });
  }
  const steps = [...draft.steps];
  steps[idx] = next;
  return { ok: true, draft: { ...draft, steps } };
}

/** A path of parent → child edges from `from` to `to` (both included), or null. */
function pathDown(dag: Dag, from: number, to: number): number[] | null {
  const children = new Map<number, number[]>();
  for (const key of Object.keys(dag)) {
    const child = Number(key);
    for (const p of parentsOf(dag, child)) {
      const list = children.get(p) ?? [];
      list.push(child);
      children.set(p, list);
    }
  }
  const prev = new Map<number, number>([[from, from]]);
  const queue = [from];
  for (let qi = 0; qi < queue.length; qi++) {
    const u = queue[qi] as number;
    if (u === to) {
      const path = [u];
      for (let cur = u; cur !== from; ) {
        cur = prev.get(cur) as number;
        path.push(cur);
      }
      return path.reverse();
    }
    for (const v of children.get(u) ?? []) {
      if (prev.has(v)) continue;
      prev.set(v, u);
      queue.push(v);
    }
  }
  return null;
}

/**
 * Makes `child` depend on `parent`. Refused with `unknown-step`, `self-edge`, `cycle` (the child
 * already reaches the parent; the issue names the cycle the edge would close, e.g. 3 → 4 → 5 → 3)
 * or `parent-not-earlier` (the paper requires parents to precede their children in the trace).
 * An existing edge is a no-op (same draft).
 */
export function addEdge(draft: TrajectoryDraft, parent: number, child: number): EditResult {
  if (indexOfStep(draft, parent) < 0) return unknownStep(parent);
  if (indexOfStep(draft, child) < 0) return unknownStep(child);
  const edge = { parent, child };
  if (parent === child) return refuse("self-edge", `step ${child} cannot depend on itself`, { stepId: child, edge });
  const current = parentsOf(draft.dag, child);
  if (current.includes(parent)) return { ok: true, draft };
  const path = pathDown(draft.dag, child, parent);
  if (path) {
    return refuse("cycle", `adding ${parent} → ${child} would create a cycle: ${[...path, child].join(" → ")}`, {
      stepId: child,
      edge,
      cycle: path,
    });
  }
  if (indexOfStep(draft, parent) > indexOfStep(draft, child)) {
    return refuse("parent-not-earlier", `step ${child} cannot depend on step ${parent}, which comes later in the trace`, {
      stepId: child,
      edge,
    });
  }
  const dag = { ...draft.dag, [child]: [...current, parent].sort((x, y) => x - y) };
  return { ok: true, draft: { ...draft, dag } };
}

/** Removes the edge parent → child (every copy of it). Refused with `no-such-edge` when absent. */
export function removeEdge(draft: TrajectoryDraft, parent: number, child: number): EditResult {
  const current = parentsOf(draft.dag, child);
  if (!current.includes(parent)) {
    return refuse("no-such-edge", `step ${child} does not depend on step ${parent}`, { stepId: child, edge: { parent, child } });
  }
  const dag = { ...draft.dag, [child]: current.filter((p) => p !== parent) };
  return { ok: true, draft: { ...draft, dag } };
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

// ---------------------------------------------------------------------------------------------
// Undo / redo
// ---------------------------------------------------------------------------------------------

/** An immutable undo/redo history. */
export interface History<T> {
  readonly past: readonly T[];
  readonly present: T;
  readonly future: readonly T[];
  /** At most this many past states are kept (the oldest are dropped). */
  readonly limit: number;
}

export function createHistory<T>(present: T, limit = 100): History<T> {
  return { past: [], present, future: [], limit: Math.max(0, Math.floor(limit)) };
}

/** Records a new present (clearing redo). Pushing the present itself (same reference) is a no-op. */
export function push<T>(h: History<T>, next: T): History<T> {
  if (next === h.present) return h;
  const past = [...h.past, h.present];
  return { ...h, past: past.slice(Math.max(0, past.length - h.limit)), present: next, future: [] };
}

export function canUndo<T>(h: History<T>): boolean {
  return h.past.length > 0;
}

export function canRedo<T>(h: History<T>): boolean {
  return h.future.length > 0;
}

/** Steps back (no-op when there is nothing to undo). */
export function undo<T>(h: History<T>): History<T> {
  if (h.past.length === 0) return h;
  return { ...h, past: h.past.slice(0, -1), present: h.past[h.past.length - 1] as T, future: [h.present, ...h.future] };
}

/** Steps forward (no-op when there is nothing to redo). */
export function redo<T>(h: History<T>): History<T> {
  if (h.future.length === 0) return h;
  return { ...h, past: [...h.past, h.present], present: h.future[0] as T, future: h.future.slice(1) };
}

// ---------------------------------------------------------------------------------------------
// Stored form
// ---------------------------------------------------------------------------------------------

/**
 * The JSON stored in the `stages` column by {@link draftToStored}: the effective stage of every step
 * (for readers that colour by stage) and the pins (to restore the draft exactly). Older rows hold a
 * plain `Record<stepId, stage>` (σ from curation); {@link parseStoredStages} reads both.
 */
export interface StoredStages {
  stageOf: Record<number, number>;
  pins: Record<number, number>;
}

/** The stored columns of a curated trajectory that hold a draft. */
export interface StoredDraft {
  steps: Step[];
  dagEdges: Record<number, number[]>;
  stages: StoredStages;
}

function numberRecord(raw: unknown): Record<number, number> {
  const out: Record<number, number> = {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const id = Number(k);
    if (Number.isInteger(id) && typeof v === "number" && Number.isFinite(v)) out[id] = v;
  }
  return out;
}

/**
 * Reads a `stages` column: `{ stageOf, pins }` ({@link StoredStages}) or the older plain
 * `Record<stepId, stage>` (then `pins` is null: derive them with {@link draftFromStored}).
 * Anything else reads as no stages. Non-numeric entries are skipped.
 */
export function parseStoredStages(raw: unknown): { stageOf: Record<number, number>; pins: Record<number, number> | null } {
  if (typeof raw === "object" && raw !== null && !Array.isArray(raw) && "stageOf" in raw) {
    const r = raw as { stageOf?: unknown; pins?: unknown };
    return { stageOf: numberRecord(r.stageOf), pins: numberRecord(r.pins) };
  }
  return { stageOf: numberRecord(raw), pins: null };
}

/**
 * A draft from the stored columns. `dagEdges` is normalized with steps.ts `normalizeDag` (string
 * keys and ids accepted; malformed entries are left out). Pins come from a {@link StoredStages}
 * value; from a plain stage record they are derived: in topological order, a step whose stored
 * stage differs from the stage its parents give it is pinned to the stored stage — so σ-packed rows
 * get no pins and any hand-placed assignment is restored exactly. Without a usable graph (cycle …)
 * no pins are derived.
 */
export function draftFromStored(stored: { steps: readonly Step[]; dagEdges: unknown; stages?: unknown }): TrajectoryDraft {
  const steps = [...stored.steps];
  const { dag } = normalizeDag(stored.dagEdges ?? {});
  const { stageOf, pins } = parseStoredStages(stored.stages);
  if (pins !== null) return withPins({ steps, dag }, pins);
  const derived: Record<number, number> = {};
  const base: TrajectoryDraft = { steps, dag };
  if (Object.keys(stageOf).length === 0 || validateDag(steps, dag).some((i) => BLOCKING.has(i.code))) return base;
  const order = topologicalOrder(steps, dag);
  if (order === null) return base;
  const byId = new Map(steps.map((s) => [s.id, s]));
  const effective: Record<number, number> = {};
  for (const id of order) {
    let req = 1;
    for (const p of parentsOf(dag, id)) {
      const parent = byId.get(p);
      if (parent === undefined || p === id) continue;
      req = Math.max(req, (effective[p] as number) + (isPlanOnly(parent) ? 0 : 1));
    }
    const stored = stageOf[id];
    if (validPin(stored) && stored !== req) {
      derived[id] = stored;
      effective[id] = stored;
    } else effective[id] = req;
  }
  return withPins(base, derived);
}

/**
 * The stored columns of a draft: steps (copied), the DAG as a plain record, and `stages` as
 * {@link StoredStages} (`stageOf` empty when stages are undefined, e.g. a cycle — the server saves
 * valid drafts only). `draftFromStored(draftToStored(d))` equals `d` (pins normalized: an empty pin
 * record is absent).
 */
export function draftToStored(draft: TrajectoryDraft): StoredDraft {
  const dagEdges: Record<number, number[]> = {};
  for (const key of Object.keys(draft.dag)) {
    const id = Number(key);
    if (Number.isInteger(id)) dagEdges[id] = [...parentsOf(draft.dag, id)];
  }
  const stages = draftStages(draft);
  return {
    steps: draft.steps.map((s) => ({ ...s })),
    dagEdges,
    stages: { stageOf: stages ? { ...stages.stageOf } : {}, pins: { ...(draft.stagePins ?? {}) } },
  };
}
