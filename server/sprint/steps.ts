/**
 * Steps ("components") of a reasoning trace and their dependency DAG — curation steps 1–2 of the
 * SPRINT method (docs/sprint-method.md §2). Pure functions, no I/O.
 *
 * A trace is split into numbered source lines (sentences); an LLM groups lines into steps, each with
 * plan lines, an optional prompt (an instruction for an executor, written by the LLM), execution lines
 * and comment lines. A second LLM call names each step's *immediate* parents, giving the DAG.
 */

/** An inclusive range of 1-based source line numbers: `[start, end]`, `start <= end`. */
export type LineRange = readonly [start: number, end: number];

/** What folding moved out of a step's execution (kept so an editor can show or undo it). */
export interface FoldedExecution {
  /** The execution text, now appended to the plan. */
  text: string;
  /** The prompt that was dropped (a plan-only step has no executor). */
  prompt?: string;
  /** The execution's source lines, now part of the plan (kept here for coverage checks). */
  lines?: LineRange;
}

/** One component of a reasoning trace. */
export interface Step {
  /** 1-based id; ids increase in original (trace) order. */
  id: number;
  description?: string;
  /** Planning text (what the planner writes before handing work to an executor). May be "". */
  plan: string;
  /** Instruction for an executor. Only meaningful when the step has an execution. */
  prompt?: string;
  /** Executor output. Absent (or blank) for a plan-only step. */
  execution?: string;
  /** Reflection after the execution. Kept as metadata: the paper's stage plan is built from plans only. */
  comment?: string;
  planLines?: LineRange;
  executionLines?: LineRange;
  commentLines?: LineRange;
  /** Set by {@link foldShortExecutions} when a too-short execution was folded into the plan. */
  folded?: FoldedExecution;
}

/**
 * Immediate parents of each step, keyed by step id: `{1: [], 2: [1], 3: [1, 2]}` — the paper's
 * shape (JSON object keys are strings; `dag[2]` and `dag["2"]` are the same entry).
 * A step missing from the record has no parents. Edges point parent → child.
 */
export type Dag = Readonly<Record<number, readonly number[]>>;

/** A dependency edge: `child` depends on `parent`. */
export interface Edge {
  parent: number;
  child: number;
}

/** Stable machine codes of {@link validateSteps} issues. */
export type StepIssueCode =
  | "bad-step-id"
  | "duplicate-step-id"
  | "steps-out-of-order"
  | "unknown-step"
  | "bad-dag-entry"
  | "unknown-parent"
  | "self-edge"
  | "duplicate-edge"
  | "parent-not-earlier"
  | "cycle"
  | "missing-prompt"
  | "bad-line-range"
  | "line-out-of-range"
  | "line-overlap"
  | "line-not-covered";

/** One precise reason why steps/DAG are invalid (`error`) or questionable (`warning`). */
export interface StepIssue {
  code: StepIssueCode;
  severity: "error" | "warning";
  message: string;
  stepId?: number;
  edge?: Edge;
  /** For `cycle`: the step ids in order; the last one points back to the first. */
  cycle?: number[];
  /** For line issues: the affected source lines (inclusive). */
  lines?: LineRange;
  /** For `line-overlap`: every step whose ranges cover `lines`. */
  stepIds?: number[];
}

export interface ValidateOptions {
  /** Number of source lines. When given, every line 1..lineCount must be covered exactly once. */
  lineCount?: number;
}

/** True when the step has no execution (blank text counts as none). */
export function isPlanOnly(step: Step): boolean {
  return step.execution === undefined || step.execution.trim() === "";
}

/**
 * The prompt text packing writes for an executed step: its prompt, else its description (an LLM
 * sometimes omits the prompt; `validateSteps` warns with `missing-prompt`), else "". Trimmed.
 */
export function promptTextOf(step: Step): string {
  const prompt = step.prompt?.trim() ?? "";
  if (prompt !== "") return prompt;
  return step.description?.trim() ?? "";
}

/** The immediate parents of `id` (an empty list when the step has no DAG entry). */
export function parentsOf(dag: Dag, id: number): readonly number[] {
  return dag[id] ?? [];
}

/** All edges of the DAG in key order, duplicates included. */
export function dagEdges(dag: Dag): Edge[] {
  const edges: Edge[] = [];
  for (const key of dagKeys(dag)) {
    for (const parent of dag[key] ?? []) edges.push({ parent, child: key });
  }
  return edges;
}

/** Numeric keys of a DAG record, ascending (non-numeric keys are skipped). */
function dagKeys(dag: Dag): number[] {
  return Object.keys(dag)
    .map(Number)
    .filter((k) => Number.isFinite(k))
    .sort((a, b) => a - b);
}

/**
 * Turns loosely typed DAG output of an LLM (`{"1": [], "2": ["1", 1]}`, JSON-parsed) into a {@link Dag}.
 * Keys and parents may be integers or integer strings; anything else becomes a `bad-dag-entry` error
 * and is left out. Duplicates are kept (so that {@link validateSteps} can report them).
 */
export function normalizeDag(raw: unknown): { dag: Dag; issues: StepIssue[] } {
  const issues: StepIssue[] = [];
  const dag: Record<number, number[]> = {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    issues.push({
      code: "bad-dag-entry",
      severity: "error",
      message: "the DAG must be an object mapping step ids to lists of parent ids",
    });
    return { dag, issues };
  }
  const toId = (v: unknown): number | undefined => {
    const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
    return Number.isInteger(n) ? n : undefined;
  };
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const child = toId(key);
    if (child === undefined) {
      issues.push({ code: "bad-dag-entry", severity: "error", message: `DAG key ${JSON.stringify(key)} is not a step id` });
      continue;
    }
    if (!Array.isArray(value)) {
      issues.push({
        code: "bad-dag-entry",
        severity: "error",
        stepId: child,
        message: `parents of step ${child} must be a list, got ${JSON.stringify(value)}`,
      });
      continue;
    }
    const parents: number[] = [];
    for (const v of value as unknown[]) {
      const parent = toId(v);
      if (parent === undefined) {
        issues.push({
          code: "bad-dag-entry",
          severity: "error",
          stepId: child,
          message: `parent ${JSON.stringify(v)} of step ${child} is not a step id`,
        });
      } else parents.push(parent);
    }
    dag[child] = [...(dag[child] ?? []), ...parents];
  }
  return { dag, issues };
}

/**
 * Validates steps, their DAG and (when present) their line ranges. Never throws; returns every
 * problem found, errors and warnings, in a stable order (steps, edges, cycles, prompts, lines).
 *
 * Errors: `bad-step-id` (not a positive integer), `duplicate-step-id`, `steps-out-of-order` (ids must
 * increase in array order, which is the trace order), `unknown-step` (DAG key that is no step),
 * `bad-dag-entry`, `unknown-parent`, `self-edge`, `parent-not-earlier` (the paper rejects a trace
 * unless every parent id is smaller than its child's — which also guarantees acyclicity), `cycle`
 * (for graphs edited by hand; each cycle is named, e.g. 2 → 4 → 3 → 2), and the line checks
 * `bad-line-range`, `line-out-of-range`, `line-overlap`, `line-not-covered` (every line from 1 to
 * `lineCount` — or to the largest covered line when no count is given — must be covered exactly once).
 *
 * Warnings: `duplicate-edge` (harmless for packing) and `missing-prompt` (a step with an execution
 * but no prompt; packing falls back to its description).
 */
export function validateSteps(steps: readonly Step[], dag: Dag, opts: ValidateOptions = {}): StepIssue[] {
  return [...validateDag(steps, dag), ...validateLines(steps, opts.lineCount)];
}

/** The id, edge, cycle and prompt checks of {@link validateSteps}, without the line checks. */
export function validateDag(steps: readonly Step[], dag: Dag): StepIssue[] {
  const issues: StepIssue[] = [];
  const ids = new Set<number>();
  let prev: number | undefined;
  for (const step of steps) {
    if (!Number.isInteger(step.id) || step.id < 1) {
      issues.push({ code: "bad-step-id", severity: "error", stepId: step.id, message: `step id ${step.id} is not a positive integer` });
    }
    if (ids.has(step.id)) {
      issues.push({ code: "duplicate-step-id", severity: "error", stepId: step.id, message: `step id ${step.id} is used more than once` });
    } else if (prev !== undefined && step.id < prev) {
      issues.push({
        code: "steps-out-of-order",
        severity: "error",
        stepId: step.id,
        message: `step ${step.id} comes after step ${prev}: step ids must increase in trace order`,
      });
    }
    ids.add(step.id);
    prev = prev === undefined ? step.id : Math.max(prev, step.id);
  }

  // Edges.
  const rawKeys = Object.keys(dag);
  for (const key of rawKeys) {
    const child = Number(key);
    if (!Number.isInteger(child)) {
      issues.push({ code: "bad-dag-entry", severity: "error", message: `DAG key ${JSON.stringify(key)} is not a step id` });
      continue;
    }
    if (!ids.has(child)) {
      issues.push({ code: "unknown-step", severity: "error", stepId: child, message: `the DAG has an entry for step ${child}, which does not exist` });
    }
  }
  for (const child of dagKeys(dag)) {
    const seen = new Set<number>();
    for (const parent of dag[child] ?? []) {
      const edge = { parent, child };
      if (parent === child) {
        issues.push({ code: "self-edge", severity: "error", stepId: child, edge, message: `step ${child} lists itself as a parent` });
        continue;
      }
      if (seen.has(parent)) {
        issues.push({ code: "duplicate-edge", severity: "warning", stepId: child, edge, message: `step ${child} lists parent ${parent} more than once` });
        continue;
      }
      seen.add(parent);
      if (!ids.has(parent)) {
        issues.push({ code: "unknown-parent", severity: "error", stepId: child, edge, message: `step ${child} depends on step ${parent}, which does not exist` });
        continue;
      }
      if (parent > child) {
        issues.push({
          code: "parent-not-earlier",
          severity: "error",
          stepId: child,
          edge,
          message: `step ${child} depends on step ${parent}, which comes later (parents must precede their children)`,
        });
      }
    }
  }
  for (const cycle of findCycles(dag, ids)) {
    const first = cycle[0];
    issues.push({
      code: "cycle",
      severity: "error",
      ...(first === undefined ? {} : { stepId: first }),
      cycle,
      message: `dependency cycle: ${[...cycle, first].join(" → ")}`,
    });
  }

  for (const step of steps) {
    if (!isPlanOnly(step) && (step.prompt === undefined || step.prompt.trim() === "")) {
      issues.push({
        code: "missing-prompt",
        severity: "warning",
        stepId: step.id,
        message: `step ${step.id} has an execution but no prompt`,
      });
    }
  }

  return issues;
}

/** True when no issue is an error. */
export function isValid(issues: readonly StepIssue[]): boolean {
  return issues.every((i) => i.severity !== "error");
}

interface OwnedRange {
  stepId: number;
  kind: string;
  start: number;
  end: number;
}

/** The line ranges a step claims: plan, execution, comment and a folded execution's lines. */
export function stepLineRanges(step: Step): { kind: "plan" | "execution" | "comment" | "folded"; range: LineRange }[] {
  const out: { kind: "plan" | "execution" | "comment" | "folded"; range: LineRange }[] = [];
  if (step.planLines) out.push({ kind: "plan", range: step.planLines });
  if (step.folded?.lines) out.push({ kind: "folded", range: step.folded.lines });
  if (step.executionLines) out.push({ kind: "execution", range: step.executionLines });
  if (step.commentLines) out.push({ kind: "comment", range: step.commentLines });
  return out;
}

function validateLines(steps: readonly Step[], lineCount: number | undefined): StepIssue[] {
  const issues: StepIssue[] = [];
  const ranges: OwnedRange[] = [];
  for (const step of steps) {
    for (const { kind, range } of stepLineRanges(step)) {
      const [start, end] = range;
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 1 || end < start) {
        issues.push({
          code: "bad-line-range",
          severity: "error",
          stepId: step.id,
          lines: range,
          message: `step ${step.id} has an invalid ${kind} line range [${start}, ${end}]`,
        });
        continue;
      }
      if (lineCount !== undefined && end > lineCount) {
        issues.push({
          code: "line-out-of-range",
          severity: "error",
          stepId: step.id,
          lines: [Math.max(start, lineCount + 1), end],
          message: `step ${step.id}'s ${kind} lines [${start}, ${end}] go past the last line (${lineCount})`,
        });
        if (start > lineCount) continue;
        ranges.push({ stepId: step.id, kind, start, end: lineCount });
        continue;
      }
      ranges.push({ stepId: step.id, kind, start, end });
    }
  }
  if (ranges.length === 0 && lineCount === undefined) return issues;
  const last = lineCount ?? Math.max(...ranges.map((r) => r.end));
  if (last < 1) return issues;

  // Sweep: between consecutive event points the set of covering ranges is constant.
  const points = new Set<number>([1, last + 1]);
  for (const r of ranges) {
    points.add(r.start);
    points.add(r.end + 1);
  }
  const sorted = [...points].filter((p) => p >= 1 && p <= last + 1).sort((a, b) => a - b);
  for (let i = 0; i + 1 < sorted.length; i++) {
    const from = sorted[i] as number;
    const to = (sorted[i + 1] as number) - 1;
    const covering = ranges.filter((r) => r.start <= from && r.end >= from);
    if (covering.length === 0) {
      issues.push({
        code: "line-not-covered",
        severity: "error",
        lines: [from, to],
        message: from === to ? `line ${from} belongs to no step` : `lines ${from}–${to} belong to no step`,
      });
    } else if (covering.length > 1) {
      const stepIds = [...new Set(covering.map((r) => r.stepId))].sort((a, b) => a - b);
      const who = covering.map((r) => `step ${r.stepId} ${r.kind}`).join(", ");
      const first = stepIds[0];
      issues.push({
        code: "line-overlap",
        severity: "error",
        lines: [from, to],
        stepIds,
        ...(first === undefined ? {} : { stepId: first }),
        message: `${from === to ? `line ${from} is` : `lines ${from}–${to} are`} claimed by more than one range (${who})`,
      });
    }
  }
  // Merge adjacent identical findings produced by neighbouring sweep segments.
  return mergeLineIssues(issues);
}

function mergeLineIssues(issues: StepIssue[]): StepIssue[] {
  const out: StepIssue[] = [];
  for (const issue of issues) {
    const prev = out[out.length - 1];
    if (
      prev &&
      issue.code === "line-not-covered" &&
      prev.code === "line-not-covered" &&
      prev.lines &&
      issue.lines &&
      prev.lines[1] + 1 === issue.lines[0]
    ) {
      const lines: LineRange = [prev.lines[0], issue.lines[1]];
      out[out.length - 1] = { ...prev, lines, message: `lines ${lines[0]}–${lines[1]} belong to no step` };
      continue;
    }
    out.push(issue);
  }
  return out;
}

/**
 * Every cycle of the graph restricted to known steps, one named cycle per strongly connected
 * component with more than one step (self edges are reported separately as `self-edge`).
 * Each cycle starts at its smallest id and follows parent → child edges.
 */
export function findCycles(dag: Dag, known?: ReadonlySet<number>): number[][] {
  const children = childrenMap(dag, known);
  const nodes = [...new Set([...children.keys(), ...[...children.values()].flat()])].sort((a, b) => a - b);
  // Tarjan's SCC, iterative.
  let counter = 0;
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const sccs: number[][] = [];
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: number; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: number; next: number };
      const succ = children.get(frame.node) ?? [];
      if (frame.next < succ.length) {
        const w = succ[frame.next++] as number;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(w) as number));
        }
        continue;
      }
      work.pop();
      const parentFrame = work[work.length - 1];
      if (parentFrame) {
        low.set(parentFrame.node, Math.min(low.get(parentFrame.node) as number, low.get(frame.node) as number));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const scc: number[] = [];
        let w: number;
        do {
          w = stack.pop() as number;
          onStack.delete(w);
          scc.push(w);
        } while (w !== frame.node);
        if (scc.length > 1) sccs.push(scc);
      }
    }
  }
  return sccs
    .map((scc) => cycleWithin(new Set(scc), children))
    .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
}

/** A simple cycle through the smallest node of a strongly connected component (BFS back to start). */
function cycleWithin(scc: ReadonlySet<number>, children: ReadonlyMap<number, number[]>): number[] {
  const start = Math.min(...scc);
  const prevOf = new Map<number, number>();
  const queue = [start];
  for (let qi = 0; qi < queue.length; qi++) {
    const u = queue[qi] as number;
    for (const v of children.get(u) ?? []) {
      if (!scc.has(v)) continue;
      if (v === start) {
        const path = [u];
        let cur = u;
        while (cur !== start) {
          cur = prevOf.get(cur) as number;
          path.push(cur);
        }
        return path.reverse();
      }
      if (!prevOf.has(v)) {
        prevOf.set(v, u);
        queue.push(v);
      }
    }
  }
  return [...scc].sort((a, b) => a - b); // unreachable for a true SCC
}

/** parent → sorted unique children, ignoring self edges and (when `known` is given) unknown ids. */
function childrenMap(dag: Dag, known?: ReadonlySet<number>): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const { parent, child } of dagEdges(dag)) {
    if (parent === child) continue;
    if (known && (!known.has(parent) || !known.has(child))) continue;
    const list = children.get(parent) ?? [];
    if (!list.includes(child)) list.push(child);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => a - b);
  return children;
}

/**
 * Step ids in a topological order (every parent before its children), ties broken by the order of
 * `steps`. Edges to unknown steps and self edges are ignored. Returns `null` when the graph has a cycle.
 */
export function topologicalOrder(steps: readonly Step[], dag: Dag): number[] | null {
  const position = new Map(steps.map((s, i) => [s.id, i]));
  const known = new Set(position.keys());
  const children = childrenMap(dag, known);
  const indegree = new Map<number, number>(steps.map((s) => [s.id, 0]));
  for (const list of children.values()) for (const c of list) indegree.set(c, (indegree.get(c) ?? 0) + 1);
  const ready = steps.filter((s) => indegree.get(s.id) === 0).map((s) => s.id);
  const order: number[] = [];
  const byPosition = (a: number, b: number) => (position.get(a) ?? 0) - (position.get(b) ?? 0);
  while (ready.length > 0) {
    ready.sort(byPosition);
    const id = ready.shift() as number;
    order.push(id);
    for (const c of children.get(id) ?? []) {
      const d = (indegree.get(c) ?? 0) - 1;
      indegree.set(c, d);
      if (d === 0) ready.push(c);
    }
  }
  return order.length === known.size ? order : null;
}

/** All ancestors of `id` (parents, their parents, …), ascending. Terminates on cyclic input. */
export function ancestors(dag: Dag, id: number): number[] {
  const seen = new Set<number>();
  const queue = [...parentsOf(dag, id)];
  while (queue.length > 0) {
    const p = queue.pop() as number;
    if (seen.has(p)) continue;
    seen.add(p);
    queue.push(...parentsOf(dag, p));
  }
  seen.delete(id);
  return [...seen].sort((a, b) => a - b);
}

/** All descendants of `id` (children, their children, …), ascending. Terminates on cyclic input. */
export function descendants(dag: Dag, id: number): number[] {
  const children = childrenMap(dag);
  const seen = new Set<number>();
  const queue = [...(children.get(id) ?? [])];
  while (queue.length > 0) {
    const c = queue.pop() as number;
    if (seen.has(c)) continue;
    seen.add(c);
    queue.push(...(children.get(c) ?? []));
  }
  seen.delete(id);
  return [...seen].sort((a, b) => a - b);
}

/**
 * The transitive reduction of an acyclic DAG: drops every edge p → c for which c also reaches p
 * through another parent (so the DAG keeps *immediate* parents only, as the method asks). Parents
 * are deduplicated and sorted; self edges are dropped; every key of the input is kept. Reachability
 * is preserved. On cyclic input the result is well defined but not minimal.
 */
export function transitiveReduction(dag: Dag): Record<number, number[]> {
  const out: Record<number, number[]> = {};
  const ancestorCache = new Map<number, Set<number>>();
  const anc = (id: number): Set<number> => {
    let s = ancestorCache.get(id);
    if (!s) {
      s = new Set(ancestors(dag, id));
      ancestorCache.set(id, s);
    }
    return s;
  };
  for (const child of dagKeys(dag)) {
    const parents = [...new Set(parentsOf(dag, child))].filter((p) => p !== child).sort((a, b) => a - b);
    out[child] = parents.filter((p) => !parents.some((q) => q !== p && anc(q).has(p)));
  }
  return out;
}

/**
 * The heaviest path of the DAG: the chain of steps (parent → child) with the largest sum of
 * `weight(step)`. Any schedule that respects the DAG must produce a path's steps one after another,
 * so with a token weight this is a lower bound on sequential tokens (see metrics.ts). Returns the
 * total weight and the path's step ids (empty for no steps). Throws if the graph has a cycle.
 */
export function criticalPath(
  steps: readonly Step[],
  dag: Dag,
  weight: (step: Step) => number,
): { weight: number; path: number[] } {
  const order = topologicalOrder(steps, dag);
  if (order === null) throw new Error("criticalPath: the dependency graph has a cycle");
  const byId = new Map(steps.map((s) => [s.id, s]));
  const best = new Map<number, { weight: number; prev?: number }>();
  for (const id of order) {
    const step = byId.get(id) as Step;
    let base = 0;
    let prev: number | undefined;
    for (const p of parentsOf(dag, id)) {
      const b = best.get(p);
      if (b && (b.weight > base || (b.weight === base && prev === undefined))) {
        base = b.weight;
        prev = p;
      }
    }
    best.set(id, { weight: base + weight(step), ...(prev === undefined ? {} : { prev }) });
  }
  let end: number | undefined;
  let max = 0;
  for (const id of order) {
    const w = (best.get(id) as { weight: number }).weight;
    if (end === undefined || w > max) {
      end = id;
      max = w;
    }
  }
  const path: number[] = [];
  for (let cur = end; cur !== undefined; cur = best.get(cur)?.prev) path.push(cur);
  return { weight: max, path: path.reverse() };
}

/** Number of source lines an execution spans: its line range when known, else its non-blank lines. */
export function executionLineSpan(step: Step): number {
  if (step.executionLines) return step.executionLines[1] - step.executionLines[0] + 1;
  if (isPlanOnly(step)) return 0;
  return (step.execution ?? "").split(/\r?\n/).filter((l) => l.trim() !== "").length;
}

/**
 * The paper's rule (§2.1): a step whose execution spans fewer than `minLines` lines (default 3) is
 * folded into its plan and becomes plan-only. The execution text is appended to the plan on a new
 * line, the prompt is dropped, and when the plan and execution line ranges are adjacent or
 * overlapping the plan range grows to cover both; otherwise the execution's lines stay recorded in
 * `folded.lines` so that coverage checks still see them. Steps that are already plan-only, or whose
 * execution is long enough, are returned unchanged. Pure: returns new objects.
 */
export function foldShortExecutions(steps: readonly Step[], minLines = 3): Step[] {
  return steps.map((step) => {
    if (isPlanOnly(step) || executionLineSpan(step) >= minLines) return step;
    const execution = step.execution ?? "";
    const { prompt, executionLines } = step;
    const rest: Step = { ...step };
    delete rest.prompt;
    delete rest.execution;
    delete rest.executionLines;
    const plan = [step.plan, execution].filter((t) => t.trim() !== "").join("\n");
    let planLines = step.planLines;
    let foldedLines: LineRange | undefined = executionLines;
    if (planLines && executionLines) {
      const [ps, pe] = planLines;
      const [es, ee] = executionLines;
      if (es <= pe + 1 && ps <= ee + 1) {
        planLines = [Math.min(ps, es), Math.max(pe, ee)];
        foldedLines = undefined;
      }
    } else if (!planLines && executionLines) {
      planLines = executionLines;
      foldedLines = undefined;
    }
    const folded: FoldedExecution = {
      text: execution,
      ...(prompt === undefined ? {} : { prompt }),
      ...(foldedLines === undefined ? {} : { lines: foldedLines }),
    };
    return { ...rest, plan, ...(planLines === undefined ? {} : { planLines }), folded };
  });
}
