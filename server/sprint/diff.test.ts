import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { diffDrafts, diffLines, diffWords, lcsOps, matchSteps, stepSimilarity, type DiffOp } from "./diff";
import { addEdge, editStepText, mergeSteps, moveStepToStage, setPlanOnly, splitStep, type EditResult, type TrajectoryDraft } from "./editing";
import type { Step } from "./steps";
import { wordTokenizer as W } from "./tokenizer";
import { textArb } from "./testing/arbitraries";

const exec = (id: number, extra: Partial<Step> = {}): Step => ({
  id,
  plan: `plan of step ${id} with some words`,
  prompt: `prompt ${id}`,
  execution: `execution ${id}\nsecond line of ${id}`,
  ...extra,
});
const base: TrajectoryDraft = {
  steps: [exec(1), exec(2), { id: 3, plan: "a plan-only step three" }, exec(4), exec(5)],
  dag: { 1: [], 2: [1], 3: [1], 4: [3], 5: [2, 4] },
};
const draftOf = (r: EditResult): TrajectoryDraft => {
  if (!r.ok) throw new Error(r.issue.message);
  return r.draft;
};

/** Rebuilds a and b from an edit script. */
function apply<T>(a: readonly T[], b: readonly T[], ops: readonly DiffOp[]): { left: T[]; right: T[] } {
  const left: T[] = [];
  const right: T[] = [];
  let i = 0;
  let j = 0;
  for (const op of ops) {
    if (op === "delete") left.push(a[i++] as T);
    else if (op === "insert") right.push(b[j++] as T);
    else {
      left.push(a[i++] as T);
      right.push(b[j++] as T);
    }
  }
  return { left, right };
}

function lcsLength(a: readonly number[], b: readonly number[]): number {
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i]![j] = a[i - 1] === b[j - 1] ? dp[i - 1]![j - 1]! + 1 : Math.max(dp[i - 1]![j]!, dp[i]![j - 1]!);
    }
  }
  return dp[a.length]![b.length]!;
}

describe("lcsOps", () => {
  it("known scripts", () => {
    expect(lcsOps([..."abc"], [..."abc"])).toEqual(["equal", "equal", "equal"]);
    expect(lcsOps([..."abc"], [..."axc"])).toEqual(["equal", "delete", "insert", "equal"]);
    expect(lcsOps([], [..."ab"])).toEqual(["insert", "insert"]);
    expect(lcsOps([..."ab"], [])).toEqual(["delete", "delete"]);
    expect(lcsOps([..."abcabba"], [..."cbabac"]).filter((o) => o === "equal")).toHaveLength(4);
  });

  it("rebuilds both sides, keeps a longest common subsequence, deletions before insertions", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 25 }), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 25 }), (a, b) => {
        const ops = lcsOps(a, b);
        expect(apply(a, b, ops)).toEqual({ left: a, right: b });
        expect(ops.filter((o) => o === "equal")).toHaveLength(lcsLength(a, b));
        for (let k = 1; k < ops.length; k++) expect(ops[k - 1] === "insert" && ops[k] === "delete").toBe(false);
      }),
    );
  });
});

describe("diffWords / diffLines", () => {
  it("word diff keeps whitespace and merges runs", () => {
    expect(diffWords("so x = 4, done", "so x = 5, done")).toEqual([
      { op: "equal", text: "so x = " },
      { op: "delete", text: "4" },
      { op: "insert", text: "5" },
      { op: "equal", text: ", done" },
    ]);
    expect(diffWords("", "new words")).toEqual([{ op: "insert", text: "new words" }]);
    expect(diffWords("same", "same")).toEqual([{ op: "equal", text: "same" }]);
  });

  it("side-by-side rows: equal, change (with words), delete and insert", () => {
    const rows = diffLines("one\ntwo\nthree\nfour", "one\n2\nthree\nfour\nfive");
    expect(rows.map((r) => r.kind)).toEqual(["equal", "change", "equal", "equal", "insert"]);
    expect(rows[1]).toEqual({
      kind: "change",
      left: { line: 2, text: "two" },
      right: { line: 2, text: "2" },
      words: [
        { op: "delete", text: "two" },
        { op: "insert", text: "2" },
      ],
    });
    expect(rows[4]).toEqual({ kind: "insert", left: null, right: { line: 5, text: "five" } });
    expect(diffLines("a\nb\nc", "a").map((r) => r.kind)).toEqual(["equal", "delete", "delete"]);
    expect(diffLines("", "")).toEqual([]);
    expect(diffLines("x\r\ny", "x\ny").every((r) => r.kind === "equal")).toBe(true);
  });

  it("rows cover every line of both texts in order", () => {
    fc.assert(
      fc.property(textArb, textArb, (a, b) => {
        const rows = diffLines(a, b);
        expect(rows.flatMap((r) => (r.left ? [r.left.text] : []))).toEqual(a.split("\n"));
        expect(rows.flatMap((r) => (r.right ? [r.right.text] : []))).toEqual(b.split("\n"));
        for (const r of rows.filter((x) => x.kind === "change")) {
          const words = r.words ?? [];
          expect(words.filter((w) => w.op !== "insert").map((w) => w.text).join("")).toBe(r.left?.text);
          expect(words.filter((w) => w.op !== "delete").map((w) => w.text).join("")).toBe(r.right?.text);
        }
      }),
    );
  });
});

describe("matchSteps", () => {
  it("identical steps pair up even when renumbered; similar ones pair by similarity", () => {
    const split = draftOf(splitStep(base, 2, { field: "plan", offset: "plan of step 2".length }));
    expect(matchSteps(base.steps, split.steps)).toEqual([
      { before: 1, after: 1, similarity: 1 },
      { before: 2, after: 3, similarity: expect.any(Number) as number },
      { before: 3, after: 4, similarity: 1 },
      { before: 4, after: 5, similarity: 1 },
      { before: 5, after: 6, similarity: 1 },
      { before: null, after: 2, similarity: 0 },
    ]);
    expect(stepSimilarity({ id: 1, plan: "" }, { id: 2, plan: "" })).toBe(1);
    expect(stepSimilarity({ id: 1, plan: "a b" }, { id: 2, plan: "c d" })).toBe(0);
  });

  it("dissimilar steps are removed and added, not paired", () => {
    const other = { ...base, steps: base.steps.map((s) => (s.id === 3 ? { id: 3, plan: "completely unrelated text" } : s)) };
    const m = matchSteps(base.steps, other.steps);
    expect(m).toContainEqual({ before: 3, after: null, similarity: 0 });
    expect(m).toContainEqual({ before: null, after: 3, similarity: 0 });
    // With a lower threshold they pair.
    expect(matchSteps(base.steps, other.steps, { threshold: 0 })).toContainEqual({ before: 3, after: 3, similarity: expect.any(Number) as number });
  });
});

describe("diffDrafts", () => {
  it("a draft against itself is identical and empty", () => {
    const d = diffDrafts(base, base, { tokenizer: W });
    expect(d.identical).toBe(true);
    expect(d.summary).toEqual({
      added: 0,
      removed: 0,
      changed: 0,
      unchanged: 5,
      renumbered: 0,
      edgesAdded: 0,
      edgesRemoved: 0,
      stageChanges: 0,
      pinChanges: 0,
    });
    expect(d.edges).toEqual({ added: [], removed: [], unchanged: 5 });
    expect(d.metrics?.changed).toBe(false);
  });

  it("a text edit: one changed step with a field diff", () => {
    const after = draftOf(editStepText(base, 4, { execution: "execution 4\nsecond line of four" }));
    const d = diffDrafts(base, after);
    expect(d.identical).toBe(false);
    expect(d.summary.changed).toBe(1);
    const s = d.steps.find((x) => x.status === "changed");
    expect(s?.beforeId).toBe(4);
    expect(s?.fields.map((f) => f.field)).toEqual(["execution"]);
    expect(s?.fields[0]?.rows.map((r) => r.kind)).toEqual(["equal", "change"]);
    expect(s?.structureChanged).toBe(false);
  });

  it("a split: one added step, renumbered steps, no spurious edge changes", () => {
    const after = draftOf(splitStep(base, 2, { field: "plan", offset: "plan of step 2".length }));
    const d = diffDrafts(base, after, { tokenizer: W });
    expect(d.summary).toMatchObject({ added: 1, removed: 0, changed: 1, renumbered: 4 });
    expect(d.steps.map((s) => [s.beforeId, s.afterId, s.status])).toEqual([
      [1, 1, "unchanged"],
      [null, 2, "added"],
      [2, 3, "changed"],
      [3, 4, "unchanged"],
      [4, 5, "unchanged"],
      [5, 6, "unchanged"],
    ]);
    // 2's parent 1 is now the new step 2's; the new step brings 1 → 2 and 2 → 3.
    expect(d.edges.added).toEqual([
      { parent: 1, child: 2 },
      { parent: 2, child: 3 },
    ]);
    expect(d.edges.removed).toEqual([{ parent: 1, child: 2 }]);
    expect(d.steps[2]?.parents).toEqual({ before: [1], after: [2], added: [2], removed: [1] });
    expect(d.steps[1]?.fields.map((f) => f.field)).toEqual(["plan"]);
    expect(d.stageChanges).toEqual([]);
    expect(d.metrics?.deltas.stepCount).toMatchObject({ before: 5, after: 6, delta: 1 });
  });

  it("a merge: one removed step", () => {
    const after = draftOf(mergeSteps(base, 3, 4));
    const d = diffDrafts(base, after);
    expect(d.steps.map((s) => [s.beforeId, s.afterId, s.status])).toEqual([
      [1, 1, "unchanged"],
      [2, 2, "unchanged"],
      [3, null, "removed"],
      [4, 3, "changed"],
      [5, 4, "unchanged"],
    ]);
    expect(d.steps[3]?.parents).toEqual({ before: [3], after: [1], added: [1], removed: [3] });
    expect(d.steps[4]?.parents).toEqual({ before: [2, 4], after: [2, 3], added: [], removed: [] });
    expect(d.edges).toEqual({
      added: [{ parent: 1, child: 3 }],
      removed: [
        { parent: 1, child: 3 },
        { parent: 3, child: 4 },
      ],
      unchanged: 3,
    });
  });

  it("edges, pins and stage changes", () => {
    const after = draftOf(moveStepToStage(draftOf(addEdge(base, 3, 5)), 2, 3));
    const d = diffDrafts(base, after, { metrics: { before: { stageCount: 3 }, after: { stageCount: 4 } } });
    expect(d.edges.added).toEqual([{ parent: 3, child: 5 }]);
    expect(d.edges.removed).toEqual([]);
    expect(d.stageChanges).toEqual([
      { beforeId: 2, afterId: 2, before: 2, after: 3 },
      { beforeId: 5, afterId: 5, before: 3, after: 4 },
    ]);
    expect(d.summary.pinChanges).toBe(1);
    expect(d.steps[1]?.pin).toEqual({ before: null, after: 3, changed: true });
    expect(d.steps[4]?.structureChanged).toBe(true);
    expect(d.steps[4]?.status).toBe("unchanged");
    expect(d.metrics?.deltas.stageCount.delta).toBe(1);
    expect(d.identical).toBe(false);
  });

  it("folding shows as a text change with planOnly before/after", () => {
    const after = draftOf(setPlanOnly(base, 4, true));
    const s = diffDrafts(base, after).steps[3];
    expect(s?.planOnly).toEqual({ before: false, after: true });
    expect(s?.fields.map((f) => f.field)).toEqual(["plan", "prompt", "execution"]);
  });

  it("removed and added steps list their texts; output is plain JSON", () => {
    const after: TrajectoryDraft = { steps: [exec(1)], dag: { 1: [] } };
    const d = diffDrafts(base, after);
    expect(d.summary.removed).toBe(4);
    const removed = d.steps.find((s) => s.status === "removed");
    expect(removed?.fields.every((f) => f.after === "" && f.rows.every((r) => r.kind === "delete"))).toBe(true);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it("diff of any draft with itself (or a deep copy) is identical", () => {
    const stepArb = fc.record({ plan: textArb, execution: fc.option(textArb, { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(fc.tuple(stepArb, fc.array(fc.nat(), { maxLength: 2 })), { minLength: 1, maxLength: 8 }), (rows) => {
        const steps: Step[] = rows.map(([s], i) => ({ id: i + 1, plan: s.plan, ...(s.execution ? { prompt: "p", execution: s.execution } : {}) }));
        const dag: Record<number, number[]> = {};
        rows.forEach(([, picks], i) => (dag[i + 1] = i === 0 ? [] : [...new Set(picks.map((p) => (p % i) + 1))]));
        const draft: TrajectoryDraft = { steps, dag };
        const d = diffDrafts(draft, JSON.parse(JSON.stringify(draft)) as TrajectoryDraft);
        expect(d.identical).toBe(true);
        expect(d.steps.every((s) => s.status === "unchanged" && s.fields.length === 0)).toBe(true);
      }),
    );
  });
});
