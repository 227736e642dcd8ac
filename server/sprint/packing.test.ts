import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  DEFAULT_FILTERS,
  InvalidDagError,
  InvalidStageAssignmentError,
  applyFilters,
  assignStages,
  buildTrajectory,
  curate,
  executedParentRefs,
  packStages,
  packingReport,
  parallelRatio,
  stageAssignmentProblems,
} from "./packing";
import { parseTrajectory, serializeDocument } from "./format";
import { criticalPathTokens, trajectoryMetrics } from "./metrics";
import { dagEdges, isPlanOnly, type Dag, type Step } from "./steps";
import { wordTokenizer as W } from "./tokenizer";
import type { Trajectory } from "./types";
import { exec, planOnly } from "./testing/steps";

const stageIds = (steps: Step[], dag: Dag) => packStages(steps, dag).stages.map((s) => s.stepIds);

describe("σ: the paper's stage assignment", () => {
  it("a step without parents is in stage 1", () => {
    expect(assignStages([exec(1), exec(2)], {})).toEqual({ 1: 1, 2: 1 });
  });

  it("a chain of executed steps takes one stage per step", () => {
    const steps = [exec(1), exec(2), exec(3), exec(4)];
    expect(stageIds(steps, { 1: [], 2: [1], 3: [2], 4: [3] })).toEqual([[1], [2], [3], [4]]);
  });

  it("a step shares a stage with a plan-only parent", () => {
    expect(stageIds([planOnly(1), exec(2)], { 2: [1] })).toEqual([[1, 2]]);
    // …and a chain of plan-only steps collapses into one stage
    expect(stageIds([planOnly(1), planOnly(2), exec(3)], { 2: [1], 3: [2] })).toEqual([[1, 2, 3]]);
  });

  it("diamond DAGs", () => {
    const dag = { 1: [], 2: [1], 3: [1], 4: [2, 3] };
    expect(stageIds([exec(1), exec(2), exec(3), exec(4)], dag)).toEqual([[1], [2, 3], [4]]);
    expect(stageIds([planOnly(1), exec(2), exec(3), exec(4)], dag)).toEqual([[1, 2, 3], [4]]);
    // σ(4) = max(σ(2) [plan-only] = 2, σ(3) + 1 = 3) = 3
    expect(assignStages([exec(1), planOnly(2), exec(3), exec(4)], dag)).toEqual({ 1: 1, 2: 2, 3: 2, 4: 3 });
    expect(stageIds([exec(1), planOnly(2), planOnly(3), exec(4)], dag)).toEqual([[1], [2, 3, 4]]);
  });

  it("takes the maximum over parents", () => {
    const steps = [exec(1), exec(2), exec(3), planOnly(4), exec(5)];
    // σ: 1→1, 2→2, 3→3 (chain); 4 plan-only with parent 1 → 2; 5 with parents 3 (exec, σ3) and 4 (plan-only, σ2) → 4
    expect(assignStages(steps, { 2: [1], 3: [2], 4: [1], 5: [3, 4] })).toEqual({ 1: 1, 2: 2, 3: 3, 4: 2, 5: 4 });
  });

  it("works on hand-edited DAGs whose parents come later (in topological order)", () => {
    expect(assignStages([exec(1), exec(2)], { 1: [2] })).toEqual({ 1: 2, 2: 1 });
  });

  it("throws InvalidDagError with precise issues on cycles, unknown parents, self edges", () => {
    const run = (steps: Step[], dag: Dag) => {
      try {
        packStages(steps, dag);
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidDagError);
        return (e as InvalidDagError).issues.map((i) => i.code);
      }
      return [];
    };
    expect(run([exec(1), exec(2)], { 1: [2], 2: [1] })).toEqual(["cycle"]);
    expect(run([exec(1)], { 1: [5] })).toEqual(["unknown-parent"]);
    expect(run([exec(1)], { 1: [1] })).toEqual(["self-edge"]);
    expect(run([exec(1), exec(1)], {})).toEqual(["duplicate-step-id"]);
    expect(() => packStages([exec(1), exec(2)], { 1: [2], 2: [1] })).toThrow("dependency cycle: 1 → 2 → 1");
  });

  it("records stages, executed steps and execution references", () => {
    const p = packStages([exec(1), planOnly(2), exec(3), exec(4)], { 3: [1], 4: [2] });
    expect(p).toEqual({
      stageOf: { 1: 1, 2: 1, 3: 2, 4: 1 },
      stages: [
        { index: 1, stepIds: [1, 2, 4], executedStepIds: [1, 4] },
        { index: 2, stepIds: [3], executedStepIds: [3] },
      ],
      execRefOf: { 1: { round: 1, index: 1 }, 4: { round: 1, index: 2 }, 3: { round: 2, index: 1 } },
      stepCount: 4,
      executedStepCount: 3,
      stageCount: 2,
    });
    expect(packStages([], {})).toMatchObject({ stages: [], stageCount: 0, stepCount: 0 });
  });
});

describe("buildTrajectory", () => {
  const steps: Step[] = [
    { id: 1, plan: "Let me set up.", prompt: "Compute A.", execution: "A = 1." },
    { id: 2, plan: "Also B.", prompt: "Compute B.", execution: "B = 2." },
    { id: 3, plan: "Think about C." },
    { id: 4, plan: "Now combine.", prompt: "Combine A and B.", execution: "A + B = 3." },
    { id: 5, plan: "Check A alone.", prompt: "Check A.", execution: "A is fine." },
    { id: 6, plan: "A side note." },
    { id: 7, plan: "Final combine.", prompt: "Finish.", execution: "Done: 3.", comment: "looks right" },
  ];
  const dag: Dag = { 1: [], 2: [], 3: [], 4: [1, 2], 5: [1], 6: [3], 7: [4, 5] };

  it("builds the paper's format: chunks, separators, Based-on lines, numbered executions", () => {
    const t = buildTrajectory(steps, dag, { question: "What is A + B?", finalAnswer: "\\boxed{3}" });
    expect(t).toEqual<Trajectory>({
      question: "What is A + B?",
      rounds: [
        {
          index: 1,
          chunks: [
            { separatorBefore: false, text: "Let me set up.", prompt: { index: 1, text: "Compute A." } },
            { separatorBefore: false, text: "Also B.", prompt: { index: 2, text: "Compute B." } },
            { separatorBefore: false, text: "Think about C." }, // plan-only, flushed before the separator
            { separatorBefore: true, text: "A side note." }, // step 6 was not adjacent to step 3
          ],
          executions: [
            { index: 1, text: "A = 1." },
            { index: 2, text: "B = 2." },
          ],
        },
        {
          index: 2,
          chunks: [
            {
              separatorBefore: false,
              text: "Based on execution_1.1, execution_1.2:\nNow combine.",
              prompt: { index: 1, text: "Combine A and B." },
            },
            { separatorBefore: false, text: "Based on execution_1.1:\nCheck A alone.", prompt: { index: 2, text: "Check A." } },
          ],
          executions: [
            { index: 1, text: "A + B = 3." },
            { index: 2, text: "A is fine." },
          ],
        },
        {
          index: 3,
          chunks: [
            {
              separatorBefore: false,
              text: "Based on execution_2.1, execution_2.2:\nFinal combine.",
              prompt: { index: 1, text: "Finish." },
            },
          ],
          executions: [{ index: 1, text: "Done: 3." }],
        },
      ],
      finalAnswer: { text: "\\boxed{3}", style: "tag" },
    });
  });

  it("a round with no prompt gets no executions", () => {
    const t = buildTrajectory([exec(1), planOnly(2)], { 2: [1] });
    expect(t.rounds[1]).toEqual({
      index: 2,
      chunks: [{ separatorBefore: false, text: "Based on execution_1.1:\nplan 2" }],
      executions: [],
    });
  });

  it("plan-only text joins the next step's chunk when adjacent", () => {
    const t = buildTrajectory([planOnly(1), exec(2)], { 2: [1] });
    expect(t.rounds).toEqual([
      {
        index: 1,
        chunks: [{ separatorBefore: false, text: "plan 1\nplan 2", prompt: { index: 1, text: "prompt 2" } }],
        executions: [{ index: 1, text: "execution 2" }],
      },
    ]);
  });

  it("repeats no Based-on line when the executed parents are the same as the previous step's", () => {
    const t = buildTrajectory([exec(1), exec(2), exec(3)], { 2: [1], 3: [1] });
    expect(t.rounds[1]?.chunks.map((c) => c.text)).toEqual(["Based on execution_1.1:\nplan 2", "plan 3"]);
  });

  it("Based-on names only executed parents (a plan-only parent in the same stage is not referenced)", () => {
    const t = buildTrajectory([exec(1), planOnly(2), exec(3)], { 2: [1], 3: [2] });
    expect(t.rounds[1]?.chunks).toEqual([
      { separatorBefore: false, text: "Based on execution_1.1:\nplan 2\nplan 3", prompt: { index: 1, text: "prompt 3" } },
    ]);
    const packing = packStages([exec(1), planOnly(2), exec(3)], { 2: [1], 3: [2] });
    expect(executedParentRefs(exec(3), { 3: [2] }, packing)).toEqual([]);
  });

  it("falls back to the description when an executed step has no prompt; accepts a FinalAnswer", () => {
    const t = buildTrajectory([{ id: 1, plan: "p", description: "do the thing", execution: "done" }], {}, {
      finalAnswer: { text: "42", style: "markdown", forced: true },
    });
    expect(t.rounds[0]?.chunks[0]?.prompt).toEqual({ index: 1, text: "do the thing" });
    expect(t.finalAnswer).toEqual({ text: "42", style: "markdown", forced: true });
    expect("question" in t).toBe(false);
  });
});

describe("filters", () => {
  it("a chain DAG (one stage per step) is dropped for its ratio, with the reason", () => {
    const steps = [exec(1), exec(2), exec(3), exec(4)];
    const r = applyFilters(packStages(steps, { 2: [1], 3: [2], 4: [3] }));
    expect(r).toEqual({
      kept: false,
      reasons: [
        { code: "low-parallel-ratio", message: "parallelization ratio 1 (executed steps ÷ stages) is below 1.5" },
      ],
      stageCount: 4,
      ratio: 1,
      ratioVariant: "code",
    });
  });

  it("paper vs code ratio variants differ on plan-only steps; the default is the code's (executed steps)", () => {
    const p = packStages([exec(1), planOnly(2), exec(3), planOnly(4)], { 3: [1], 4: [1] });
    expect(p.stageCount).toBe(2);
    expect(parallelRatio(p, "paper")).toBe(2);
    expect(parallelRatio(p, "code")).toBe(1);
    expect(parallelRatio(p)).toBe(1);
    expect(applyFilters(p, { ratioVariant: "paper" }).kept).toBe(true);
    const code = applyFilters(p);
    expect(code.kept).toBe(false);
    expect(code.reasons[0]?.message).toBe("parallelization ratio 1 (executed steps ÷ stages) is below 1.5");
  });

  it("drops more than 11 stages (configurable), listing every failed check", () => {
    // 12 stages of 2 parallel executed steps each: ratio 2, but 12 > 11.
    const steps: Step[] = [];
    const dag: Record<number, number[]> = {};
    for (let s = 0; s < 12; s++) {
      for (let j = 1; j <= 2; j++) {
        const id = 2 * s + j;
        steps.push(exec(id));
        dag[id] = s === 0 ? [] : [2 * s - 1];
      }
    }
    const p = packStages(steps, dag);
    expect(p.stageCount).toBe(12);
    expect(applyFilters(p).reasons).toEqual([{ code: "too-many-stages", message: "12 stages exceed the maximum of 11" }]);
    expect(applyFilters(p, { maxStages: 12 }).kept).toBe(true);
    expect(applyFilters(p, { maxStages: 3, minParallelRatio: 3 }).reasons.map((r) => r.code)).toEqual([
      "too-many-stages",
      "low-parallel-ratio",
    ]);
    expect(applyFilters(packStages(steps.slice(0, 22), dag)).kept).toBe(true); // 11 stages
  });

  it("the ratio threshold is inclusive (1.5 is kept)", () => {
    const p = packStages([exec(1), exec(2), exec(3)], { 3: [1] });
    expect(parallelRatio(p)).toBe(1.5);
    expect(applyFilters(p).kept).toBe(true);
  });

  it("no steps is dropped with a reason, never silently", () => {
    expect(applyFilters(packStages([], {}))).toMatchObject({
      kept: false,
      reasons: [{ code: "no-stages", message: "no stages: the trajectory has no steps" }],
    });
  });

  it("accepts trajectory metrics (prompts ÷ rounds)", () => {
    const t = buildTrajectory([exec(1), exec(2), exec(3), exec(4)], { 3: [1], 4: [2] });
    const m = trajectoryMetrics(t, W);
    expect(applyFilters(m)).toMatchObject({ kept: true, ratio: 2, stageCount: 2 });
    expect(applyFilters(m, { minParallelRatio: 2.5 }).kept).toBe(false);
    expect(DEFAULT_FILTERS).toEqual({ maxStages: 11, minParallelRatio: 1.5, ratioVariant: "code" });
  });
});

describe("curate", () => {
  it("folds, validates, packs, filters and builds", () => {
    const steps: Step[] = [
      { id: 1, plan: "Split the problem.", prompt: "Do part A.", execution: "a1\na2\na3", planLines: [1, 1], executionLines: [2, 4] },
      { id: 2, plan: "Part B.", prompt: "Do part B.", execution: "b1\nb2\nb3", planLines: [5, 5], executionLines: [6, 8] },
      { id: 3, plan: "Quick check.", prompt: "Check.", execution: "fine", planLines: [9, 9], executionLines: [10, 10] },
    ];
    const r = curate(steps, { 3: [1, 2] }, { lineCount: 10, question: "Q?", finalAnswer: "\\boxed{1}", foldRule: "lines", ratioVariant: "paper" });
    expect(r.kept).toBe(true);
    expect(r.reasons).toEqual([]);
    expect(isPlanOnly(r.steps[2] as Step)).toBe(true); // folded: 1-line execution
    expect(r.packing?.stageCount).toBe(2); // 3 is plan-only → stage 2 with no prompt
    expect(r.trajectory?.rounds[1]).toEqual({
      index: 2,
      chunks: [{ separatorBefore: false, text: "Based on execution_1.1, execution_1.2:\nQuick check.\nfine" }],
      executions: [],
    });
    expect(r.trajectory?.question).toBe("Q?");
  });

  it("the default fold is the method's code: end − start < 3, so 3-line executions fold too", () => {
    const three = (id: number, first: number): Step => ({ id, plan: `p${id}`, prompt: `do ${id}`, execution: "x\ny\nz", planLines: [first, first], executionLines: [first + 1, first + 3] });
    const four = (id: number, first: number): Step => ({ id, plan: `p${id}`, prompt: `do ${id}`, execution: "w\nx\ny\nz", planLines: [first, first], executionLines: [first + 1, first + 4] });
    const steps = [three(1, 1), four(2, 5), four(3, 10)];
    const r = curate(steps, {}, { lineCount: 14 });
    expect(r.steps.map(isPlanOnly)).toEqual([true, false, false]);
    expect(r.packing?.stageCount).toBe(1);
    expect(r.kept).toBe(true); // 2 executed steps ÷ 1 stage
    const prose = curate(steps, {}, { lineCount: 14, foldRule: "lines" });
    expect(prose.steps.map(isPlanOnly)).toEqual([false, false, false]);
  });

  it("drops invalid traces with every reason (parent not earlier, uncovered lines)", () => {
    const r = curate([exec(1, { planLines: [1, 1] }), exec(2, { planLines: [3, 3] })], { 1: [2] }, { lineCount: 3 });
    expect(r.kept).toBe(false);
    expect(r.reasons).toEqual([
      { code: "parent-not-earlier", message: "step 1 depends on step 2, which comes later (parents must precede their children)" },
      { code: "line-not-covered", message: "line 2 belongs to no step" },
    ]);
    expect(r.packing).toBeUndefined();
  });

  it("keeps warnings as issues without dropping, and reports filter reasons", () => {
    const r = curate([exec(1), exec(2)], { 2: [1, 1] }, { foldMinLines: false });
    expect(r.issues.map((i) => i.code)).toEqual(["duplicate-edge"]);
    expect(r.kept).toBe(false);
    expect(r.reasons.map((x) => x.code)).toEqual(["low-parallel-ratio"]);
    expect(r.trajectory).toBeUndefined();
    expect(r.filter?.ratio).toBe(1);
  });
});

describe("critical path and packing efficiency", () => {
  it("wide stages: the planner writes every prompt in turn, so the packing is above the DAG bound", () => {
    // One stage; chunks "plan i" + "prompt i" = 4 words each; executions 2 words each.
    // Lanes: 4+2, 8+2, 12+2 → 14 sequential. Each step weighs 2+2+2 = 6 on the critical path.
    const report = packingReport([exec(1), exec(2), exec(3)], {}, W);
    expect(report).toEqual({ criticalPathTokens: 6, criticalPath: [1], sequentialTokens: 14, packingEfficiency: 14 / 6 });
  });

  it("a chain pays only its Based-on lines on top of the critical path", () => {
    // stage 1: 4 + 2 = 6; stage 2: "Based on execution_1.1:" (3) + 4 + 2 = 9 → 15; path 6 + 6 = 12.
    const report = packingReport([exec(1), exec(2)], { 2: [1] }, W);
    expect(report).toEqual({ criticalPathTokens: 12, criticalPath: [1, 2], sequentialTokens: 15, packingEfficiency: 1.25 });
  });

  it("a plan-only parent in the same stage is on the path and in the plan prefix: optimal", () => {
    const report = packingReport([planOnly(1), exec(2)], { 2: [1] }, W);
    expect(report).toEqual({ criticalPathTokens: 8, criticalPath: [1, 2], sequentialTokens: 8, packingEfficiency: 1 });
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const words = fc.array(fc.constantFrom("a", "b", "c", "so", "x=1", "then"), { minLength: 0, maxLength: 6 }).map((w) => w.join(" "));

/** Random steps (executed or plan-only) with a random DAG whose parents are always earlier. */
const stepsAndDag: fc.Arbitrary<{ steps: Step[]; dag: Dag }> = fc
  .array(
    fc.record({
      executed: fc.boolean(),
      plan: words,
      prompt: words,
      execution: words.map((w) => `${w} e`),
      parents: fc.array(fc.boolean(), { maxLength: 10 }),
    }),
    { maxLength: 10 },
  )
  .map((specs) => {
    const dag: Record<number, number[]> = {};
    const steps = specs.map((s, i): Step => {
      const id = i + 1;
      dag[id] = s.parents.slice(0, i).flatMap((b, j) => (b ? [j + 1] : []));
      return s.executed ? { id, plan: s.plan, prompt: s.prompt, execution: s.execution } : { id, plan: s.plan };
    });
    return { steps, dag };
  });

describe("packing properties", () => {
  it("σ respects every edge: child ≥ parent, strictly greater when the parent executes; σ is minimal", () => {
    fc.assert(
      fc.property(stepsAndDag, ({ steps, dag }) => {
        const sigma = assignStages(steps, dag);
        const byId = new Map(steps.map((s) => [s.id, s]));
        for (const { parent, child } of dagEdges(dag)) {
          const sp = sigma[parent] as number;
          const sc = sigma[child] as number;
          if (isPlanOnly(byId.get(parent) as Step)) expect(sc).toBeGreaterThanOrEqual(sp);
          else expect(sc).toBeGreaterThan(sp);
        }
        for (const s of steps) {
          const parents = dag[s.id] ?? [];
          if (parents.length === 0) expect(sigma[s.id]).toBe(1);
          else {
            const tight = parents.some((p) => {
              const sp = sigma[p] as number;
              return sigma[s.id] === (isPlanOnly(byId.get(p) as Step) ? sp : sp + 1);
            });
            expect(tight).toBe(true);
          }
        }
      }),
    );
  });

  it("stages are contiguous, non-empty, in original order; executions match prompts", () => {
    fc.assert(
      fc.property(stepsAndDag, ({ steps, dag }) => {
        const p = packStages(steps, dag);
        expect(p.stages.flatMap((s) => s.stepIds).sort((a, b) => a - b)).toEqual(steps.map((s) => s.id));
        for (const s of p.stages) {
          expect(s.stepIds.length).toBeGreaterThan(0);
          expect([...s.stepIds].sort((a, b) => a - b)).toEqual(s.stepIds);
        }
        expect(parallelRatio(p, "paper")).toBeGreaterThanOrEqual(parallelRatio(p, "code"));
        const t = buildTrajectory(steps, dag);
        expect(t.rounds.length).toBe(p.stageCount);
        t.rounds.forEach((r, i) => {
          const stage = p.stages[i];
          const prompts = r.chunks.flatMap((c) => (c.prompt ? [c.prompt.index] : []));
          expect(prompts).toEqual(stage?.executedStepIds.map((_, k) => k + 1));
          expect(r.executions.map((e) => e.index)).toEqual(prompts);
          for (const c of r.chunks) if (!c.prompt) expect(c.text).not.toBe("");
        });
      }),
    );
  });

  it("sequential tokens ≥ the DAG's critical path, and ≤ total (word tokenizer: exactly additive)", () => {
    fc.assert(
      fc.property(stepsAndDag, ({ steps, dag }) => {
        const t = buildTrajectory(steps, dag);
        const m = trajectoryMetrics(t, W, { steps, dag });
        expect(m.sequentialTokens).toBeLessThanOrEqual(m.totalTokens);
        expect(m.sequentialTokens).toBeGreaterThanOrEqual(criticalPathTokens(steps, dag, W).tokens);
        if (m.packingEfficiency !== null && m.packingEfficiency !== undefined) {
          expect(m.packingEfficiency).toBeGreaterThanOrEqual(1);
        }
      }),
    );
  });

  it("built trajectories round-trip through format.ts in strict mode, with identical metrics", () => {
    fc.assert(
      fc.property(stepsAndDag, words, ({ steps, dag }, answer) => {
        // strict mode wants a final answer
        const t = buildTrajectory(steps, dag, { question: "Q?", finalAnswer: `${answer} \\boxed{1}` });
        const parsed = parseTrajectory(serializeDocument(t), { strict: true });
        expect(parsed.diagnostics).toEqual([]);
        expect(parsed.trajectory).toEqual(t);
        expect(trajectoryMetrics(parsed.trajectory, W)).toEqual(trajectoryMetrics(t, W));
      }),
    );
  });
});

describe("explicit stage assignments", () => {
  const steps = [exec(1), exec(2), planOnly(3), exec(4)];
  const dag: Dag = { 1: [], 2: [1], 3: [1], 4: [3] };

  it("σ itself has no problems and packs the same", () => {
    const sigma = assignStages(steps, dag);
    expect(stageAssignmentProblems(steps, dag, sigma)).toEqual([]);
    expect(packStages(steps, dag, sigma)).toEqual(packStages(steps, dag));
    expect(buildTrajectory(steps, dag, { stageOf: sigma })).toEqual(buildTrajectory(steps, dag));
  });

  it("a later stage is packed as given", () => {
    const stageOf = { 1: 1, 2: 3, 3: 2, 4: 2 };
    expect(packStages(steps, dag, stageOf).stages.map((s) => s.stepIds)).toEqual([[1], [3, 4], [2]]);
    const t = buildTrajectory(steps, dag, { stageOf });
    expect(t.rounds.map((r) => r.executions.length)).toEqual([1, 1, 1]);
  });

  it("reports and refuses stages that break σ's rule, gaps, missing and bad stages", () => {
    expect(stageAssignmentProblems(steps, dag, { 1: 1, 2: 1, 3: 1, 4: 1 }).map((p) => [p.code, p.stepId, p.parent])).toEqual([
      ["parent-after-child", 2, 1],
      ["parent-after-child", 3, 1],
    ]);
    // A plan-only parent may share its child's stage but not follow it.
    expect(stageAssignmentProblems(steps, dag, { 1: 1, 2: 2, 3: 2, 4: 2 })).toEqual([]);
    expect(stageAssignmentProblems(steps, dag, { 1: 1, 2: 2, 3: 3, 4: 2 }).map((p) => p.code)).toEqual(["parent-after-child"]);
    expect(stageAssignmentProblems(steps, dag, { 1: 1, 2: 4, 3: 2, 4: 2 }).map((p) => [p.code, p.stage])).toEqual([["empty-stage", 3]]);
    expect(stageAssignmentProblems(steps, dag, { 1: 1, 2: 0, 3: 2 }).map((p) => [p.code, p.stepId])).toEqual([
      ["bad-stage", 2],
      ["missing-stage", 4],
    ]);
    expect(() => packStages(steps, dag, { 1: 1, 2: 1, 3: 2, 4: 2 })).toThrow(InvalidStageAssignmentError);
    expect(() => buildTrajectory(steps, { 1: [2], 2: [1] }, { stageOf: { 1: 1, 2: 2 } })).toThrow(InvalidDagError);
  });
});
