import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  addEdge,
  canRedo,
  canUndo,
  createHistory,
  draftFromStored,
  draftStages,
  draftToStored,
  editStepText,
  hasErrors,
  lineStartOffset,
  memoTokenizer,
  mergeSteps,
  metricsDelta,
  moveStepToStage,
  parseStoredStages,
  push,
  recomputeDraft,
  redo,
  removeEdge,
  setPlanOnly,
  splitLineRange,
  splitStep,
  stepsByStage,
  undo,
  validateDraft,
  type DraftIssue,
  type EditResult,
  type TrajectoryDraft,
} from "./editing";
import { assignStages, buildTrajectory, packStages } from "./packing";
import { serializeTrajectory } from "./format";
import { trajectoryMetrics } from "./metrics";
import { foldShortExecutions, isPlanOnly, parentsOf, type Dag, type Step } from "./steps";
import { approxTokenizer, wordTokenizer as W } from "./tokenizer";
import { textArb } from "./testing/arbitraries";
import type { Tokenizer } from "./types";
import { exec, planOnly } from "./testing/steps";

const codes = (issues: readonly DraftIssue[]) => issues.map((i) => i.code);

/** σ: 1→1, 2→2, 3→2 (plan-only), 4→2 (shares with plan-only 3), 5→3. */
const base: TrajectoryDraft = {
  steps: [exec(1), exec(2), planOnly(3), exec(4), exec(5)],
  dag: { 1: [], 2: [1], 3: [1], 4: [3], 5: [2, 4] },
};

function ok(r: EditResult): Extract<EditResult, { ok: true }> {
  if (!r.ok) throw new Error(`expected ok, got ${r.issue.code}: ${r.issue.message}`);
  return r;
}
function refused(r: EditResult): DraftIssue {
  if (r.ok) throw new Error("expected the operation to be refused");
  return r.issue;
}
function deepFreeze<T>(x: T): T {
  if (typeof x === "object" && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}
/** Every key present, parents deduplicated and sorted: the shape renumbering operations produce. */
function normDag(d: TrajectoryDraft): Record<number, number[]> {
  const out: Record<number, number[]> = {};
  for (const s of d.steps) out[s.id] = [...new Set(parentsOf(d.dag, s.id))].sort((a, b) => a - b);
  return out;
}

describe("stages with pins", () => {
  it("without pins the stages are the paper's σ", () => {
    const st = draftStages(base);
    expect(st?.stageOf).toEqual(assignStages(base.steps, base.dag));
    expect(st?.stageOf).toEqual({ 1: 1, 2: 2, 3: 2, 4: 2, 5: 3 });
    expect(st?.asapOf).toEqual(st?.stageOf);
    expect(st?.stageCount).toBe(3);
    expect(stepsByStage(base, st!)).toEqual([[1], [2, 3, 4], [5]]);
    expect(validateDraft(base)).toEqual([]);
  });

  it("a later pin delays the step and pushes its unpinned descendants", () => {
    const d = ok(moveStepToStage(base, 2, 3)).draft;
    expect(d.stagePins).toEqual({ 2: 3 });
    const st = draftStages(d)!;
    expect(st.stageOf).toEqual({ 1: 1, 2: 3, 3: 2, 4: 2, 5: 4 });
    expect(st.asapOf).toEqual({ 1: 1, 2: 2, 3: 2, 4: 2, 5: 3 });
    expect(validateDraft(d)).toEqual([]);
    const c = recomputeDraft(d, W);
    expect(c.valid).toBe(true);
    expect(c.packed?.map((s) => s.stepIds)).toEqual([[1], [3, 4], [2], [5]]);
    expect(c.trajectory?.rounds.map((r) => r.executions.length)).toEqual([1, 1, 1, 1]);
  });

  it("a pin earlier than the parents allow is reported, not fixed", () => {
    const d = ok(moveStepToStage(base, 5, 2)).draft;
    expect(draftStages(d)?.stageOf[5]).toBe(2);
    const issues = validateDraft(d);
    expect(codes(issues)).toEqual(["parent-after-child", "parent-after-child"]);
    expect(issues.map((i) => i.edge)).toEqual([
      { parent: 2, child: 5 },
      { parent: 4, child: 5 },
    ]);
    expect(issues[0]?.message).toMatch(/stage 3 or later/);
    const c = recomputeDraft(d, W);
    expect(c.valid).toBe(false);
    expect(c.stages?.stageOf[5]).toBe(2);
    expect(c.trajectory).toBeNull();
    expect(c.metrics).toBeNull();
    expect(c.text).toBeNull();
  });

  it("a plan-only parent may share its child's stage but not come after it", () => {
    expect(validateDraft(ok(moveStepToStage(base, 4, 2)).draft)).toEqual([]);
    const d = ok(moveStepToStage(ok(moveStepToStage(base, 3, 3)).draft, 4, 2)).draft;
    const issues = validateDraft(d);
    expect(codes(issues)).toContain("parent-after-child");
    expect(issues.find((i) => i.code === "parent-after-child")?.message).toMatch(/plan-only step 3 in stage 3/);
  });

  it("a pin that leaves a stage empty is an error", () => {
    const d = ok(moveStepToStage(base, 5, 5)).draft;
    const issues = validateDraft(d);
    expect(codes(issues)).toEqual(["empty-stage", "empty-stage"]);
    expect(issues.map((i) => i.stage)).toEqual([3, 4]);
    expect(recomputeDraft(d, W).trajectory).toBeNull();
  });

  it("unpinning and re-pinning", () => {
    const d = ok(moveStepToStage(base, 2, 3)).draft;
    expect(ok(moveStepToStage(d, 2, 3)).draft).toBe(d);
    const back = ok(moveStepToStage(d, 2, null)).draft;
    expect(back).toEqual(base);
    expect("stagePins" in back).toBe(false);
    expect(ok(moveStepToStage(base, 2, null)).draft).toBe(base);
  });

  it("refuses unknown steps and stages that are not positive integers", () => {
    expect(refused(moveStepToStage(base, 9, 1)).code).toBe("unknown-step");
    expect(refused(moveStepToStage(base, 1, 0)).code).toBe("bad-pin");
    expect(refused(moveStepToStage(base, 1, 1.5)).code).toBe("bad-pin");
  });

  it("validation reports pins of unknown steps and malformed pins", () => {
    const issues = validateDraft({ ...base, stagePins: { 9: 1, 2: 0 } });
    expect(codes(issues)).toEqual(["bad-pin", "unknown-pin"]);
    // Stages ignore them.
    expect(draftStages({ ...base, stagePins: { 9: 1, 2: 0 } })?.stageOf).toEqual(draftStages(base)?.stageOf);
  });
});

describe("validateDraft", () => {
  it("reports cycles (named) and blocks stages", () => {
    const d: TrajectoryDraft = { steps: [exec(1), exec(2), exec(3)], dag: { 1: [3], 2: [1], 3: [2] } };
    const issues = validateDraft(d);
    const cycle = issues.find((i) => i.code === "cycle");
    expect(cycle?.cycle).toEqual([1, 2, 3]);
    expect(cycle?.message).toBe("dependency cycle: 1 → 2 → 3 → 1");
    expect(hasErrors(issues)).toBe(true);
    expect(draftStages(d)).toBeNull();
    const c = recomputeDraft(d, W);
    expect(c.stages).toBeNull();
    expect(c.trajectory).toBeNull();
  });

  it("reports unknown parents and parents that come later", () => {
    expect(codes(validateDraft({ steps: [exec(1), exec(2)], dag: { 2: [7] } }))).toEqual(["unknown-parent"]);
    expect(codes(validateDraft({ steps: [exec(1), exec(2)], dag: { 1: [2] } }))).toEqual(["parent-not-earlier"]);
  });

  it("warns about redundant edges, missing prompts and empty steps", () => {
    const d: TrajectoryDraft = {
      steps: [exec(1), exec(2, { prompt: " " }), { id: 3, plan: " " }],
      dag: { 1: [], 2: [1], 3: [1, 2] },
    };
    const issues = validateDraft(d);
    expect(issues.map((i) => [i.code, i.severity])).toEqual([
      ["missing-prompt", "warning"],
      ["redundant-edge", "warning"],
      ["empty-step", "warning"],
    ]);
    expect(issues[1]?.edge).toEqual({ parent: 1, child: 3 });
    expect(hasErrors(issues)).toBe(false);
  });

  it("line checks are opt-in and only warnings", () => {
    const d: TrajectoryDraft = {
      steps: [exec(1, { planLines: [1, 2], executionLines: [3, 5] }), exec(2, { planLines: [5, 6] })],
      dag: {},
    };
    expect(validateDraft(d)).toEqual([]);
    const issues = validateDraft(d, { lineCount: 8 });
    expect(issues.map((i) => [i.code, i.severity])).toEqual([
      ["line-overlap", "warning"],
      ["line-not-covered", "warning"],
    ]);
    expect(codes(validateDraft(d, { checkLines: true }))).toEqual(["line-overlap"]);
  });
});

describe("splitStep", () => {
  const lined: TrajectoryDraft = {
    steps: [
      exec(1, { planLines: [1, 1], executionLines: [2, 4] }),
      exec(2, { plan: "first line\nsecond line\nthird line", planLines: [5, 7], executionLines: [8, 10], comment: "c", description: "d" }),
      exec(3, { planLines: [11, 11], executionLines: [12, 14] }),
    ],
    dag: { 1: [], 2: [1], 3: [2] },
    stagePins: { 2: 2, 3: 3 },
  };

  it("at a plan line boundary: a plan-only first part, the rest in the second", () => {
    const plan = (lined.steps[1] as Step).plan;
    const r = ok(splitStep(lined, 2, { field: "plan", offset: lineStartOffset(plan, 1) }));
    expect(r.newStepId).toBe(3);
    expect(r.idMap).toEqual({ 1: 1, 2: 2, 3: 4 });
    expect(r.draft.steps.map((s) => s.id)).toEqual([1, 2, 3, 4]);
    expect(r.draft.steps[1]).toEqual({ id: 2, plan: "first line", planLines: [5, 5] });
    expect(r.draft.steps[2]).toEqual({
      id: 3,
      plan: "second line\nthird line",
      planLines: [6, 7],
      prompt: "prompt 2",
      execution: "execution 2",
      executionLines: [8, 10],
      comment: "c",
      description: "d",
    });
    expect(r.draft.dag).toEqual({ 1: [], 2: [1], 3: [2], 4: [3] });
    expect(r.draft.stagePins).toEqual({ 2: 2, 4: 3 });
    // A plan-only first part shares its stage with the second: the stages do not change.
    expect(draftStages(r.draft)?.stageOf).toEqual({ 1: 1, 2: 2, 3: 2, 4: 3 });
    expect(validateDraft(r.draft, { lineCount: 14 })).toEqual([]);
  });

  it("at an execution offset: the second part continues the execution in the next stage", () => {
    const d: TrajectoryDraft = { steps: [exec(1, { execution: "alpha beta gamma delta", executionLines: [2, 5], comment: "done" })], dag: {} };
    const r = ok(splitStep(d, 1, { field: "execution", offset: "alpha beta".length }));
    expect(r.draft.steps).toEqual([
      { id: 1, plan: "plan 1", prompt: "prompt 1", execution: "alpha beta", executionLines: [2, 3] },
      { id: 2, plan: "", execution: "gamma delta", executionLines: [4, 5], comment: "done" },
    ]);
    expect(r.draft.dag).toEqual({ 1: [], 2: [1] });
    expect(draftStages(r.draft)?.stageOf).toEqual({ 1: 1, 2: 2 });
    expect(codes(validateDraft(r.draft))).toEqual(["missing-prompt"]);
  });

  it("children of the original depend on the second part", () => {
    const r = ok(splitStep(base, 2, { field: "plan", offset: 4 }));
    // 1, 2a, 2b, 3, 4, 5 → 5's parent 2 is now 3 (2b); 4 → 5, 5 → 6.
    expect(r.draft.dag).toEqual({ 1: [], 2: [1], 3: [2], 4: [1], 5: [4], 6: [3, 5] });
    expect(r.draft.steps.map((s) => s.plan)).toEqual(["plan 1", "plan", "2", "plan 3", "plan 4", "plan 5"]);
  });

  it("refuses blank parts, bad offsets, executions of plan-only steps and cuts inside a folded execution", () => {
    expect(refused(splitStep(base, 1, { field: "plan", offset: 0 })).code).toBe("bad-split");
    expect(refused(splitStep(base, 1, { field: "plan", offset: 6 })).code).toBe("bad-split");
    expect(refused(splitStep(base, 1, { field: "plan", offset: 99 })).code).toBe("bad-split");
    expect(refused(splitStep(base, 1, { field: "plan", offset: 1.5 })).code).toBe("bad-split");
    expect(refused(splitStep(base, 3, { field: "execution", offset: 1 })).code).toBe("bad-split");
    expect(refused(splitStep(base, 9, { field: "plan", offset: 1 })).code).toBe("unknown-step");
    const folded = ok(setPlanOnly(base, 1, true)).draft; // plan "plan 1\nexecution 1"
    expect(refused(splitStep(folded, 1, { field: "plan", offset: 12 })).code).toBe("bad-split");
    const r = ok(splitStep(folded, 1, { field: "plan", offset: 4 }));
    expect(r.draft.steps[1]?.folded).toEqual({ text: "execution 1", prompt: "prompt 1" });
    expect(refused(splitStep({ steps: [exec(1)], dag: { 1: [9] } }, 1, { field: "plan", offset: 4 })).code).toBe("draft-invalid");
  });

  it("splitLineRange maps lines one to one or proportionally", () => {
    expect(splitLineRange([1, 3], "a\nb\nc", 2)).toEqual([[1, 1], [2, 3]]);
    expect(splitLineRange([1, 3], "aaaa\nb\nc", 1)).toEqual([[1, 1], [2, 3]]); // cut early in line 1: at least one line each
    expect(splitLineRange([1, 3], "a\nbbbb\nc", 5)).toEqual([[1, 2], [3, 3]]); // most of line 2 is before the cut
    expect(splitLineRange([10, 13], "x".repeat(100), 50)).toEqual([[10, 11], [12, 13]]);
    expect(splitLineRange([4, 4], "abcdef", 4)).toEqual([[4, 4], undefined]);
    expect(splitLineRange([4, 4], "abcdef", 2)).toEqual([undefined, [4, 4]]);
    expect(lineStartOffset("a\nbb\nc", 2)).toBe(5);
    expect(lineStartOffset("a", 3)).toBe(1);
  });
});

describe("mergeSteps", () => {
  it("merges adjacent steps: texts joined, parents united, children redirected, ids renumbered", () => {
    const r = ok(mergeSteps(base, 3, 4));
    expect(r.idMap).toEqual({ 1: 1, 2: 2, 3: 3, 4: 3, 5: 4 });
    expect(r.draft.steps[2]).toEqual({ id: 3, plan: "plan 3\nplan 4", prompt: "prompt 4", execution: "execution 4" });
    expect(r.draft.dag).toEqual({ 1: [], 2: [1], 3: [1], 4: [2, 3] });
    expect(validateDraft(r.draft)).toEqual([]);
    // Argument order does not matter.
    expect(ok(mergeSteps(base, 4, 3)).draft).toEqual(r.draft);
  });

  it("merging a parent with its child drops the edge between them", () => {
    const r = ok(mergeSteps(base, 1, 2));
    expect(r.draft.steps[0]).toEqual({ id: 1, plan: "plan 1\nplan 2", prompt: "prompt 1\nprompt 2", execution: "execution 1\nexecution 2" });
    expect(r.draft.dag).toEqual({ 1: [], 2: [1], 3: [2], 4: [1, 3] });
  });

  it("refuses a merge that would create a cycle, naming it", () => {
    // 1 → 3 → 4 → 5 with 3 between 1 and 5 on a path: {1,5} would be parent and child of 3.
    const d: TrajectoryDraft = { steps: [exec(1), exec(2), exec(3), exec(4), exec(5)], dag: { 3: [1], 4: [3], 5: [4] } };
    const issue = refused(mergeSteps(d, 1, 5));
    expect(issue.code).toBe("cycle");
    expect(issue.message).toBe("merging steps 1 and 5 would create a cycle: 1+5 → 3 → 4 → 1+5");
    expect(refused(mergeSteps(d, 2, 2)).code).toBe("bad-merge");
    expect(refused(mergeSteps(d, 2, 8)).code).toBe("unknown-step");
  });

  it("reorders minimally when the merged step's parents and children would point backwards", () => {
    // 2 has child 4; 5 has parent 3 (3 and 4 unrelated): merged {2,5} must come after 3 and before 4.
    const d: TrajectoryDraft = { steps: [exec(1), exec(2), exec(3), exec(4), exec(5)], dag: { 4: [2], 5: [3] } };
    const r = ok(mergeSteps(d, 2, 5));
    expect(r.draft.steps.map((s) => s.plan)).toEqual(["plan 1", "plan 3", "plan 2\nplan 5", "plan 4"]);
    expect(r.idMap).toEqual({ 1: 1, 2: 3, 3: 2, 4: 4, 5: 3 });
    expect(r.draft.dag).toEqual({ 1: [], 2: [], 3: [2], 4: [3] });
    expect(validateDraft(r.draft)).toEqual([]);
  });

  it("carries pins over (the later stage when both are pinned)", () => {
    const d = { ...base, stagePins: { 3: 2, 4: 3 } };
    expect(ok(mergeSteps(d, 3, 4)).draft.stagePins).toEqual({ 3: 3 });
    expect(ok(mergeSteps({ ...base, stagePins: { 5: 4 } }, 1, 2)).draft.stagePins).toEqual({ 4: 4 });
  });

  it("unites contiguous line ranges, else uses the hull as plan lines when no other step is inside", () => {
    const a = planOnly(1, { planLines: [1, 2] });
    const b = exec(2, { planLines: [3, 3], executionLines: [4, 6] });
    const c = exec(3, { planLines: [7, 7], executionLines: [8, 9], commentLines: [10, 10] });
    const d: TrajectoryDraft = { steps: [a, b, c], dag: { 2: [1], 3: [2] } };
    const ab = ok(mergeSteps(d, 1, 2)).draft.steps[0];
    expect(ab).toMatchObject({ planLines: [1, 3], executionLines: [4, 6] });
    const bc = ok(mergeSteps(d, 2, 3)).draft.steps[1] as Step;
    expect([bc.planLines, bc.executionLines, bc.commentLines]).toEqual([[3, 10], undefined, undefined]);
    expect(validateDraft(ok(mergeSteps(d, 2, 3)).draft, { lineCount: 10 })).toEqual([]);
    // Non-adjacent with lines of another step inside the hull: only the contiguous fields.
    const ac = ok(mergeSteps({ steps: [a, b, c], dag: {} }, 1, 3)).draft.steps[0] as Step;
    expect([ac.planLines, ac.executionLines, ac.commentLines]).toEqual([undefined, [8, 9], [10, 10]]);
  });

  it("keeps the later part's folded execution when the merged plan still ends with it", () => {
    const folded = foldShortExecutions([exec(2, { execution: "short" })])[0] as Step;
    const d: TrajectoryDraft = { steps: [planOnly(1), folded], dag: { 2: [1] } };
    const m = ok(mergeSteps(d, 1, 2)).draft.steps[0] as Step;
    expect(m.plan).toBe("plan 1\nplan 2\nshort");
    expect(m.folded).toEqual(folded.folded);
    expect(ok(setPlanOnly({ steps: [m], dag: {} }, 1, false)).draft.steps[0]).toEqual({
      id: 1,
      plan: "plan 1\nplan 2",
      prompt: "prompt 2",
      execution: "short",
    });
  });
});

describe("editStepText and setPlanOnly", () => {
  it("replaces text fields; '' removes optional ones; no change returns the same draft", () => {
    const d = ok(editStepText(base, 2, { plan: "new plan", prompt: "", comment: "why" })).draft;
    expect(d.steps[1]).toEqual({ id: 2, plan: "new plan", execution: "execution 2", comment: "why" });
    expect(d.dag).toBe(base.dag);
    expect(ok(editStepText(base, 2, { plan: "plan 2" })).draft).toBe(base);
    expect(refused(editStepText(base, 9, { plan: "x" })).code).toBe("unknown-step");
  });

  it("a blank execution makes a step plan-only; a new execution makes it executed", () => {
    const d = ok(editStepText(base, 2, { execution: "" })).draft;
    expect(isPlanOnly(d.steps[1] as Step)).toBe(true);
    expect(draftStages(d)?.stageOf[5]).toBe(3); // still after 4 (stage 2, executed)
    const f = ok(setPlanOnly(base, 1, true)).draft;
    const e = ok(editStepText(f, 1, { execution: "again" })).draft.steps[0] as Step;
    expect(e.folded).toBeUndefined();
    expect(isPlanOnly(e)).toBe(false);
  });

  it("folds an execution into the plan and restores it exactly", () => {
    const step = exec(1, { planLines: [1, 2], executionLines: [3, 7], comment: "c" });
    const d: TrajectoryDraft = { steps: [step, exec(2)], dag: { 2: [1] } };
    const f = ok(setPlanOnly(d, 1, true)).draft;
    expect(f.steps[0]).toEqual({
      id: 1,
      plan: "plan 1\nexecution 1",
      planLines: [1, 2],
      comment: "c",
      folded: { text: "execution 1", prompt: "prompt 1", lines: [3, 7] },
    });
    expect(draftStages(f)?.stageOf).toEqual({ 1: 1, 2: 1 });
    expect(validateDraft(f, { lineCount: 7 })).toEqual([]);
    expect(ok(setPlanOnly(f, 1, true)).draft).toBe(f);
    const u = ok(setPlanOnly(f, 1, false)).draft;
    expect(u).toEqual(d);
    expect(ok(setPlanOnly(u, 1, false)).draft).toBe(u);
  });

  it("unfolds a step folded by curation (lines merged into the plan range stay there)", () => {
    const [s] = foldShortExecutions([exec(1, { planLines: [1, 1], executionLines: [2, 3] })]);
    expect(s?.planLines).toEqual([1, 3]);
    const u = ok(setPlanOnly({ steps: [s as Step], dag: {} }, 1, false)).draft.steps[0];
    expect(u).toEqual({ id: 1, plan: "plan 1", planLines: [1, 3], prompt: "prompt 1", execution: "execution 1" });
  });

  it("refuses to unfold what was never folded or was edited since", () => {
    expect(refused(setPlanOnly(base, 3, false)).code).toBe("not-folded");
    const f = ok(setPlanOnly(base, 1, true)).draft;
    const edited = ok(editStepText(f, 1, { plan: "plan 1\nexecution 1 (edited)" })).draft;
    expect(refused(setPlanOnly(edited, 1, false)).code).toBe("folded-text-edited");
    expect(refused(setPlanOnly(base, 9, true)).code).toBe("unknown-step");
  });
});

describe("addEdge / removeEdge", () => {
  it("adds and removes edges", () => {
    const d = ok(addEdge(base, 3, 5)).draft;
    expect(d.dag[5]).toEqual([2, 3, 4]);
    expect(codes(validateDraft(d))).toEqual(["redundant-edge"]);
    expect(ok(addEdge(d, 3, 5)).draft).toBe(d);
    const r = ok(removeEdge(d, 3, 5)).draft;
    expect(r.dag[5]).toEqual([2, 4]);
    expect(refused(removeEdge(base, 1, 5)).code).toBe("no-such-edge");
  });

  it("refuses self edges, unknown steps, edges pointing backwards and cycles (named)", () => {
    expect(refused(addEdge(base, 2, 2)).code).toBe("self-edge");
    expect(refused(addEdge(base, 9, 2)).code).toBe("unknown-step");
    expect(refused(addEdge(base, 2, 9)).code).toBe("unknown-step");
    const back = refused(addEdge(base, 4, 2));
    expect(back.code).toBe("parent-not-earlier");
    expect(back.edge).toEqual({ parent: 4, child: 2 });
    // A stored draft with a backward edge 3 → 1: adding 1 → 3 closes a cycle.
    const bad: TrajectoryDraft = { steps: [exec(1), exec(2), exec(3)], dag: { 1: [3], 2: [1] } };
    const cyc = refused(addEdge(bad, 2, 3));
    expect(cyc.code).toBe("cycle");
    expect(cyc.cycle).toEqual([3, 1, 2]);
    expect(cyc.message).toBe("adding 2 → 3 would create a cycle: 3 → 1 → 2 → 3");
  });
});

describe("recomputeDraft", () => {
  const opts = { question: "What is 2+2?", finalAnswer: "So \\boxed{4}." };

  it("without pins builds exactly what curation builds", () => {
    const c = recomputeDraft(base, W, opts);
    const t = buildTrajectory(base.steps, base.dag, opts);
    expect(c.trajectory).toEqual(t);
    expect(c.text).toBe(serializeTrajectory(t));
    expect(c.metrics).toEqual(trajectoryMetrics(t, W, { steps: base.steps, dag: base.dag }));
    expect(c.packed).toEqual(packStages(base.steps, base.dag).stages);
    expect(c.summary).toEqual({
      stepCount: 5,
      executedStepCount: 4,
      stageCount: 3,
      promptCount: 4,
      sequentialTokens: c.metrics?.sequentialTokens,
      totalTokens: c.metrics?.totalTokens,
      parallelRatio: 4 / 3,
      stepsPerStage: 5 / 3,
      tokenParallelism: c.metrics?.tokenParallelism,
      criticalPathTokens: c.metrics?.criticalPathTokens,
      packingEfficiency: c.metrics?.packingEfficiency,
    });
  });

  it("metricsDelta compares two summaries", () => {
    const before = recomputeDraft(base, W).summary;
    const after = recomputeDraft(ok(moveStepToStage(base, 2, 3)).draft, W).summary;
    const { changed, deltas } = metricsDelta(before, after);
    expect(changed).toBe(true);
    expect(deltas.stageCount).toEqual({ before: 3, after: 4, delta: 1, relative: 1 / 3 });
    expect(deltas.sequentialTokens.delta).toBeGreaterThan(0);
    expect(metricsDelta(before, before).changed).toBe(false);
    expect(metricsDelta(null, after).deltas.stageCount).toEqual({ before: null, after: 4, delta: null, relative: null });
    expect(metricsDelta(null, after).changed).toBe(true);
    expect(metricsDelta({ stageCount: 0 }, { stageCount: 2 }).deltas.stageCount.relative).toBeNull();
  });

  it("calls the tokenizer a bounded number of times (per-keystroke budget for a 60-step trace)", () => {
    const steps: Step[] = Array.from({ length: 60 }, (_, i) =>
      i % 4 === 3
        ? planOnly(i + 1, { plan: `Plan text of step ${i + 1}. `.repeat(8) })
        : exec(i + 1, { plan: `Plan of ${i + 1}. `.repeat(6), prompt: `Do step ${i + 1}.`, execution: `Work for ${i + 1}. `.repeat(30) }),
    );
    const dag: Record<number, number[]> = {};
    for (let i = 1; i <= 60; i++) dag[i] = [i - 1, i - 3, i - 7].filter((p) => p >= 1 && p % 5 !== 0);
    const draft: TrajectoryDraft = { steps, dag };
    let calls = 0;
    let chars = 0;
    const counting: Tokenizer = {
      name: "counting",
      count: (t) => {
        calls++;
        chars += t.length;
        return approxTokenizer.count(t);
      },
    };
    const c = recomputeDraft(draft, counting);
    expect(c.valid).toBe(true);
    const textChars = steps.reduce((n, s) => n + s.plan.length + (s.prompt?.length ?? 0) + (s.execution?.length ?? 0), 0);
    expect(calls).toBeLessThanOrEqual(8 * steps.length);
    expect(chars).toBeLessThanOrEqual(3 * textChars);
    // With a memo, an edit of one step re-counts only a few pieces.
    const memo = memoTokenizer(counting);
    recomputeDraft(draft, memo);
    calls = 0;
    recomputeDraft(ok(editStepText(draft, 30, { execution: "Changed work." })).draft, memo);
    expect(calls).toBeLessThanOrEqual(6);
  });

  it("memoTokenizer keeps the name and forgets the oldest entries beyond its capacity", () => {
    let calls = 0;
    const m = memoTokenizer({ name: "x", count: (t) => (calls++, t.length) }, 2);
    expect(m.name).toBe("x");
    m.count("a");
    m.count("bb");
    m.count("a");
    expect(calls).toBe(2);
    m.count("ccc"); // evicts "a"
    m.count("a");
    expect(calls).toBe(4);
  });
});

describe("history", () => {
  it("push / undo / redo", () => {
    let h = createHistory("a");
    expect(canUndo(h)).toBe(false);
    expect(undo(h)).toBe(h);
    expect(redo(h)).toBe(h);
    h = push(push(h, "b"), "c");
    expect(h.present).toBe("c");
    expect(push(h, "c")).toBe(h);
    h = undo(h);
    expect([h.present, canUndo(h), canRedo(h)]).toEqual(["b", true, true]);
    h = undo(h);
    expect([h.present, canUndo(h)]).toEqual(["a", false]);
    h = redo(h);
    expect(h.present).toBe("b");
    h = push(h, "d");
    expect([h.present, canRedo(h), h.past]).toEqual(["d", false, ["a", "b"]]);
  });

  it("caps the past", () => {
    let h = createHistory(0, 3);
    for (let i = 1; i <= 10; i++) h = push(h, i);
    expect(h.past).toEqual([7, 8, 9]);
    expect(createHistory(0, 0).limit).toBe(0);
    expect(push(createHistory(0, 0), 1).past).toEqual([]);
  });
});

describe("stored form", () => {
  it("round-trips a draft with pins through JSON", () => {
    const d = ok(moveStepToStage(base, 2, 3)).draft;
    const stored = draftToStored(d);
    expect(stored.stages).toEqual({ stageOf: { 1: 1, 2: 3, 3: 2, 4: 2, 5: 4 }, pins: { 2: 3 } });
    const json = JSON.parse(JSON.stringify(stored)) as unknown as Parameters<typeof draftFromStored>[0];
    expect(draftFromStored(json)).toEqual(d);
    expect(draftFromStored(draftToStored(base))).toEqual(base);
  });

  it("reads the older plain stage record, deriving pins where it differs from σ", () => {
    const plain = JSON.parse(JSON.stringify({ steps: base.steps, dagEdges: base.dag, stages: { 1: 1, 2: 2, 3: 2, 4: 2, 5: 3 } })) as {
      steps: Step[];
      dagEdges: unknown;
      stages: unknown;
    };
    expect(draftFromStored(plain)).toEqual(base);
    const moved = { ...plain, stages: { 1: 1, 2: 3, 3: 2, 4: 2, 5: 4 } };
    expect(draftFromStored(moved).stagePins).toEqual({ 2: 3 });
    expect(draftFromStored({ ...plain, stages: { 1: 1, 2: 2, 3: 2, 4: 2, 5: 2 } }).stagePins).toEqual({ 5: 2 });
    expect(draftFromStored({ ...plain, stages: {} })).toEqual(base);
    expect(draftFromStored({ steps: base.steps, dagEdges: base.dag })).toEqual(base);
  });

  it("parseStoredStages accepts both shapes and ignores junk", () => {
    expect(parseStoredStages({ "1": 1, "2": 2 })).toEqual({ stageOf: { 1: 1, 2: 2 }, pins: null });
    expect(parseStoredStages({ stageOf: { "1": 1 }, pins: { "1": 1 } })).toEqual({ stageOf: { 1: 1 }, pins: { 1: 1 } });
    expect(parseStoredStages({ stageOf: { "1": 1 } })).toEqual({ stageOf: { 1: 1 }, pins: {} });
    expect(parseStoredStages(null)).toEqual({ stageOf: {}, pins: null });
    expect(parseStoredStages([1, 2])).toEqual({ stageOf: {}, pins: null });
    expect(parseStoredStages({ a: 1, 2: "x", 3: 3 })).toEqual({ stageOf: { 3: 3 }, pins: null });
  });

  it("a cyclic draft stores no stages", () => {
    expect(draftToStored({ steps: [exec(1), exec(2)], dag: { 1: [2], 2: [1] } }).stages.stageOf).toEqual({});
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const stepShapeArb = fc.record({
  plan: textArb,
  prompt: textArb,
  execution: fc.option(textArb, { nil: undefined }),
  comment: fc.option(textArb, { nil: undefined }),
  lines: fc.integer({ min: 1, max: 4 }),
});

/** Valid drafts: ids 1..n, parents earlier than children (immediate or not), contiguous line ranges. */
const draftArb: fc.Arbitrary<TrajectoryDraft> = fc
  .array(fc.tuple(stepShapeArb, fc.array(fc.nat(), { maxLength: 3 })), { minLength: 1, maxLength: 10 })
  .map((rows) => {
    let line = 1;
    const steps: Step[] = [];
    const dag: Record<number, number[]> = {};
    rows.forEach(([s, picks], i) => {
      const id = i + 1;
      const planLines = [line, line + s.lines - 1] as const;
      line += s.lines;
      const step: Step = { id, plan: s.plan, planLines };
      if (s.execution !== undefined) {
        step.prompt = s.prompt;
        step.execution = s.execution;
        step.executionLines = [line, line + 2];
        line += 3;
      }
      if (s.comment !== undefined) step.comment = s.comment;
      steps.push(step);
      dag[id] = i === 0 ? [] : [...new Set(picks.map((p) => (p % i) + 1))].sort((a, b) => a - b);
    });
    return { steps, dag };
  });

type Op = { kind: "split" | "merge" | "edit" | "fold" | "unfold" | "add" | "remove" | "pin" | "unpin"; a: number; b: number; frac: number; flag: boolean };
const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom("split", "merge", "edit", "fold", "unfold", "add", "remove", "pin", "unpin"),
  a: fc.nat(),
  b: fc.nat(),
  frac: fc.double({ min: 0, max: 1, noNaN: true }),
  flag: fc.boolean(),
});

function applyOp(d: TrajectoryDraft, op: Op): EditResult {
  const n = d.steps.length;
  const s = d.steps[op.a % n] as Step;
  const t = d.steps[op.b % n] as Step;
  switch (op.kind) {
    case "split": {
      const field = op.flag && !isPlanOnly(s) ? "execution" : "plan";
      const text = (field === "plan" ? s.plan : s.execution) ?? "";
      return splitStep(d, s.id, { field, offset: Math.floor(op.frac * text.length) });
    }
    case "merge":
      return mergeSteps(d, s.id, t.id);
    case "edit":
      return editStepText(d, s.id, op.flag ? { plan: `${s.plan} edited` } : { execution: op.frac < 0.3 ? "" : `new ${op.a}` });
    case "fold":
      return setPlanOnly(d, s.id, true);
    case "unfold":
      return setPlanOnly(d, s.id, false);
    case "add":
      return addEdge(d, s.id, t.id);
    case "remove":
      return removeEdge(d, parentsOf(d.dag, s.id)[op.b % Math.max(1, parentsOf(d.dag, s.id).length)] ?? -1, s.id);
    case "pin":
      return moveStepToStage(d, s.id, 1 + Math.floor(op.frac * 5));
    case "unpin":
      return moveStepToStage(d, s.id, null);
  }
}

const STAGE_ERRORS = new Set(["parent-after-child", "empty-stage"]);

describe("properties", () => {
  it("random edit sequences keep drafts valid, or report only stage-pin errors; stages respect σ's rule", () => {
    fc.assert(
      fc.property(draftArb, fc.array(opArb, { maxLength: 12 }), (start, ops) => {
        let d = start;
        for (const op of ops) {
          const frozen = deepFreeze(d);
          const snapshot = JSON.stringify(frozen);
          const r = applyOp(frozen, op);
          expect(JSON.stringify(frozen)).toBe(snapshot); // never mutated
          if (!r.ok) {
            expect(r.issue.severity).toBe("error");
            expect(r.issue.message.length).toBeGreaterThan(0);
            continue;
          }
          d = r.draft;
          expect(d.steps.map((x) => x.id)).toEqual(d.steps.map((_, i) => i + 1));
          const errors = validateDraft(d).filter((i) => i.severity === "error");
          for (const e of errors) expect(STAGE_ERRORS.has(e.code)).toBe(true);
          const pinned = Object.keys(d.stagePins ?? {}).length > 0;
          if (!pinned) expect(errors).toEqual([]);
          const c = recomputeDraft(d, W);
          expect(c.valid).toBe(errors.length === 0);
          if (c.valid) {
            const stageOf = c.stages!.stageOf;
            for (const x of d.steps) {
              for (const p of parentsOf(d.dag, x.id)) {
                const parent = d.steps[p - 1] as Step;
                if (isPlanOnly(parent)) expect(stageOf[p]).toBeLessThanOrEqual(stageOf[x.id] as number);
                else expect(stageOf[p]).toBeLessThan(stageOf[x.id] as number);
              }
            }
            expect(c.trajectory?.rounds.length).toBe(c.stages!.stageCount);
            if (!pinned) expect(c.text).toBe(serializeTrajectory(buildTrajectory(d.steps, d.dag)));
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("undo after push returns the previous state; redo after undo returns the pushed one", () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1, maxLength: 30 }), fc.nat({ max: 30 }), (values, k) => {
        let h = createHistory<number | string>("start", 50);
        for (const v of values) h = push(h, v);
        const before = h;
        let u = h;
        for (let i = 0; i < k; i++) u = undo(u);
        let r = u;
        for (let i = 0; i < k; i++) r = redo(r);
        expect(r.present).toBe(before.present);
        expect(r.past).toEqual(before.past);
        expect(redo(undo(h)).present).toBe(h.present);
      }),
    );
  });

  it("fold then unfold is the identity", () => {
    fc.assert(
      fc.property(draftArb, fc.nat(), (d, k) => {
        const step = d.steps[k % d.steps.length] as Step;
        if (isPlanOnly(step)) return;
        const f = ok(setPlanOnly(d, step.id, true)).draft;
        expect(ok(setPlanOnly(f, step.id, false)).draft).toEqual(d);
      }),
    );
  });

  it("split then merge of the two parts restores the DAG", () => {
    fc.assert(
      fc.property(draftArb, fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }), (d, k, frac) => {
        const step = d.steps[k % d.steps.length] as Step;
        const r = splitStep(d, step.id, { field: "plan", offset: Math.floor(frac * step.plan.length) });
        if (!r.ok) return;
        const m = ok(mergeSteps(r.draft, step.id, r.newStepId as number));
        expect(normDag(m.draft)).toEqual(normDag(d));
        expect(m.draft.steps.length).toBe(d.steps.length);
      }),
    );
  });

  it("the stored form round-trips through JSON", () => {
    fc.assert(
      fc.property(draftArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 6 })), { maxLength: 3 }), (d, pins) => {
        let x = d;
        for (const [i, stage] of pins) x = ok(moveStepToStage(x, (i % d.steps.length) + 1, stage)).draft;
        const json = JSON.parse(JSON.stringify(draftToStored(x))) as Parameters<typeof draftFromStored>[0];
        expect(draftFromStored(json)).toEqual(x);
        // The plain record of a pin-consistent draft restores the same stages.
        const st = draftStages(x);
        if (st && !hasErrors(validateDraft(x))) {
          const plain = draftFromStored({ steps: x.steps, dagEdges: x.dag, stages: st.stageOf });
          expect(draftStages(plain)?.stageOf).toEqual(st.stageOf);
        }
      }),
    );
  });
});

// A Dag type check: drafts accept the shared Dag type.
const _typed: Dag = base.dag;
void _typed;
