/**
 * The seven edit operations on a {@link TrajectoryDraft}: move a step to a stage (pin), split a step, merge two
 * steps, edit a step's text, toggle plan-only, add an edge, remove an edge. Each returns a new draft or the
 * reason it cannot be applied (see ../editing.ts, "Operations"). Pure, no I/O.
 */
import {
  findCycles,
  isPlanOnly,
  parentsOf,
  stepLineRanges,
  topologicalOrder,
  validateDag,
  type Dag,
  type FoldedExecution,
  type LineRange,
  type Step,
} from "../steps";

import { BLOCKING, refuse, validPin, withPins, type DraftIssue, type EditResult, type TrajectoryDraft } from "./draft";

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

