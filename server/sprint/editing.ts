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
 *
 * ## Modules
 * This is the entry point; the code lives in ./editing/: `draft.ts` (the model, stages, validation,
 * recomputation, metric deltas), `operations.ts` (the seven operations), `history.ts` (generic undo / redo)
 * and `stored.ts` (the database form).
 */
export { draftStages, stepsByStage, validateDraft, hasErrors, recomputeDraft, memoTokenizer, DELTA_KEYS, metricsDelta, type TrajectoryDraft, type DraftIssueCode, type DraftIssue, type EditResult, type DraftStages, type ValidateDraftOptions, type RecomputeOptions, type DraftMetrics, type DraftComputation, type DeltaKey, type MetricsLike, type MetricDelta } from "./editing/draft";
export { moveStepToStage, lineStartOffset, splitLineRange, splitStep, mergeSteps, editStepText, setPlanOnly, addEdge, removeEdge, type SplitPoint, type StepTextPatch } from "./editing/operations";
export { createHistory, push, canUndo, canRedo, undo, redo, type History } from "./editing/history";
export { parseStoredStages, draftFromStored, draftToStored, type StoredStages, type StoredDraft } from "./editing/stored";
