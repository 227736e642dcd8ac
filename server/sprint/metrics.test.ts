import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  LENGTH_BUCKETS,
  bucketReport,
  chunkTokens,
  countText,
  criticalPathTokens,
  lengthBucket,
  reduction,
  roundMetrics,
  sequentialBaselineMetrics,
  stepTokens,
  trajectoryMetrics,
} from "./metrics";
import { wordTokenizer as W } from "./tokenizer";
import type { Step } from "./steps";
import type { PlanChunk, Round, Trajectory } from "./types";

/** A hand-computed trajectory (word counts in comments). */
const T1: Trajectory = {
  question: "what is two plus three", // input: never counted
  rounds: [
    {
      index: 1,
      chunks: [
        { separatorBefore: false, text: "a b c", prompt: { index: 1, text: "p q" } }, // 3 + 2 = 5
        { separatorBefore: true, text: "d e", prompt: { index: 2, text: "r" } }, // 1 (-----) + 2 + 1 = 4
        { separatorBefore: false, text: "f g h i" }, // 4 (trailing plan text)
      ],
      executions: [
        { index: 1, text: "one two three four five six seven eight nine ten" }, // 10
        { index: 2, text: "x y" }, // 2
      ],
    },
    {
      index: 2,
      chunks: [{ separatorBefore: false, text: "Based on execution_1.1, execution_1.2:\nx y" }], // 6
      executions: [], // "No prompt to execute."
    },
  ],
  finalAnswer: { text: "The answer is \\boxed{5}.", style: "tag" }, // 4
};

describe("trajectoryMetrics: hand-computed", () => {
  it("computes the paper's sequential and total tokens exactly", () => {
    const m = trajectoryMetrics(T1, W);
    // round 1: plan 13; lanes P1.1+E1.1 = 5+10 = 15, P1.2+E1.2 = 9+2 = 11 → 15
    // round 2: no prompt → whole plan, 6. Final answer 4.
    expect(m.sequentialTokens).toBe(15 + 6 + 4);
    expect(m.totalTokens).toBe(13 + 12 + 6 + 4);
    expect(m.planTokens).toBe(19);
    expect(m.executionTokens).toBe(12);
    expect(m.finalAnswerTokens).toBe(4);
    expect(m.tokenizer).toBe("words");
    expect(m.stageCount).toBe(2);
    expect(m.promptCount).toBe(2);
    expect(m.promptsPerStage).toEqual([2, 0]);
    expect(m.meanPromptsPerStage).toBe(1);
    expect(m.maxPromptsPerStage).toBe(2);
    expect(m.parallelRatio).toBe(1);
    expect(m.tokenParallelism).toBeCloseTo(35 / 25);
    expect(m.criticalPathTokens).toBeUndefined();
  });

  it("gives a per-round, per-lane breakdown for a timeline", () => {
    const [r1, r2] = trajectoryMetrics(T1, W).rounds;
    expect(r1).toEqual({
      round: 1,
      startTokens: 0,
      chunkTokens: [5, 4, 4],
      planTokens: 13,
      trailingPlanTokens: 4,
      executionTokens: 12,
      lanes: [
        { index: 1, chunk: 0, planPrefixTokens: 5, executionTokens: 10, total: 15, hasPrompt: true, hasExecution: true },
        { index: 2, chunk: 1, planPrefixTokens: 9, executionTokens: 2, total: 11, hasPrompt: true, hasExecution: true },
      ],
      sequentialTokens: 15,
      criticalLane: 1,
      totalTokens: 25,
    });
    expect(r2).toMatchObject({
      round: 2,
      startTokens: 15,
      planTokens: 6,
      trailingPlanTokens: 6,
      lanes: [],
      sequentialTokens: 6,
      criticalLane: null,
    });
  });

  it("the trailing plan term dominates when executions are short", () => {
    const t: Trajectory = {
      rounds: [
        {
          index: 1,
          chunks: [
            { separatorBefore: false, text: "a", prompt: { index: 1, text: "b" } }, // 2
            { separatorBefore: false, text: "c d e f g h" }, // 6
          ],
          executions: [{ index: 1, text: "x y z" }], // 3 → lane 5 < plan 8
        },
      ],
    };
    const m = trajectoryMetrics(t, W);
    expect(m.sequentialTokens).toBe(8);
    expect(m.totalTokens).toBe(11);
    expect(m.rounds[0]?.criticalLane).toBeNull();
  });

  it("a prompt without execution has E = 0; an execution without prompt starts after the whole plan", () => {
    const r: Round = {
      index: 1,
      chunks: [
        { separatorBefore: false, text: "a", prompt: { index: 1, text: "b" } }, // 2
        { separatorBefore: false, text: "c", prompt: { index: 2, text: "d" } }, // 2
      ],
      executions: [
        { index: 2, text: "e f" }, // lane 2: 4 + 2 = 6
        { index: 5, text: "g h i" }, // unmatched: 4 + 3 = 7
      ],
    };
    const [rm] = roundMetrics({ rounds: [r] }, W);
    expect(rm?.lanes).toEqual([
      { index: 1, chunk: 0, planPrefixTokens: 2, executionTokens: 0, total: 2, hasPrompt: true, hasExecution: false },
      { index: 2, chunk: 1, planPrefixTokens: 4, executionTokens: 2, total: 6, hasPrompt: true, hasExecution: true },
      { index: 5, chunk: null, planPrefixTokens: 4, executionTokens: 3, total: 7, hasPrompt: false, hasExecution: true },
    ]);
    expect(rm?.sequentialTokens).toBe(7);
    expect(rm?.criticalLane).toBe(5);
    expect(rm?.trailingPlanTokens).toBe(0);
  });

  it("counts the separator line, strips tags and ignores the question", () => {
    const sep: PlanChunk = { separatorBefore: true, text: "", prompt: { index: 1, text: "go" } };
    expect(chunkTokens(sep, W)).toBe(2);
    expect(countText("", W)).toBe(0);
    expect(countText("<prompt_1.1></prompt_1.1>", W)).toBe(0);
    expect(countText("<Final_answer>\nforty two\n</Final_answer>", W)).toBe(2);
    const withQ = trajectoryMetrics({ ...T1, question: "a much longer question ".repeat(50) }, W);
    expect(withQ.totalTokens).toBe(35);
  });

  it("an empty trajectory has zeros (and token parallelism 1)", () => {
    const m = trajectoryMetrics({ rounds: [] }, W);
    expect(m).toMatchObject({
      sequentialTokens: 0,
      totalTokens: 0,
      stageCount: 0,
      promptCount: 0,
      meanPromptsPerStage: 0,
      maxPromptsPerStage: 0,
      parallelRatio: 0,
      tokenParallelism: 1,
    });
  });

  it("counts a forced final answer like any other", () => {
    const m = trajectoryMetrics({ rounds: [], finalAnswer: { text: "a b", style: "tag", forced: true } }, W);
    expect(m.sequentialTokens).toBe(2);
    expect(m.totalTokens).toBe(2);
  });
});

describe("critical path tokens", () => {
  const steps: Step[] = [
    { id: 1, plan: "p1 p1", prompt: "q1", execution: "e e e" }, // 2 + 1 + 3 = 6
    { id: 2, plan: "p2", prompt: "q2", execution: "e" }, // 3
    { id: 3, plan: "p3 p3 p3" }, // plan-only: 3
    { id: 4, plan: "p4", description: "d4 d4", execution: "e e" }, // 1 + 2 (description as prompt) + 2 = 5
  ];
  const dag = { 1: [], 2: [], 3: [1], 4: [2, 3] };

  it("weighs each step by plan + prompt + execution, plan-only steps by their plan", () => {
    expect(steps.map((s) => stepTokens(s, W))).toEqual([6, 3, 3, 5]);
    expect(criticalPathTokens(steps, dag, W)).toEqual({ tokens: 14, path: [1, 3, 4] });
  });

  it("reports critical path and packing efficiency when steps and DAG are given", () => {
    const t: Trajectory = {
      rounds: [
        {
          index: 1,
          chunks: [
            { separatorBefore: false, text: "p1 p1", prompt: { index: 1, text: "q1" } },
            { separatorBefore: false, text: "p2", prompt: { index: 2, text: "q2" } },
          ],
          executions: [
            { index: 1, text: "e e e" },
            { index: 2, text: "e" },
          ],
        },
        {
          index: 2,
          chunks: [{ separatorBefore: false, text: "p3 p3 p3\np4", prompt: { index: 1, text: "d4 d4" } }],
          executions: [{ index: 1, text: "e e" }],
        },
      ],
      finalAnswer: { text: "done", style: "tag" },
    };
    const m = trajectoryMetrics(t, W, { steps, dag });
    // round 1: max(3+3, 5+1) = 6; round 2: 6 + 2 = 8 → 14 (+1 final answer)
    expect(m.sequentialTokens).toBe(15);
    expect(m.criticalPathTokens).toBe(14);
    expect(m.criticalPath).toEqual([1, 3, 4]);
    expect(m.packingEfficiency).toBe(1);
  });

  it("efficiency is null when the critical path has no tokens", () => {
    const m = trajectoryMetrics({ rounds: [] }, W, { steps: [{ id: 1, plan: "" }], dag: {} });
    expect(m.criticalPathTokens).toBe(0);
    expect(m.packingEfficiency).toBeNull();
  });
});

describe("baseline, reduction, buckets", () => {
  it("a sequential trace: sequential = total = output tokens, tags stripped", () => {
    expect(sequentialBaselineMetrics("<think>\none two three\n</think>\nfour", W)).toEqual({
      tokenizer: "words",
      sequentialTokens: 4,
      totalTokens: 4,
      lengthBucket: "<1k",
    });
  });

  it("reduction = 1 − sequential / baseline", () => {
    expect(reduction(61, 100)).toBeCloseTo(0.39);
    expect(reduction(120, 100)).toBeCloseTo(-0.2);
    expect(reduction(5, 0)).toBeNull();
  });

  it("length buckets have the paper's boundaries", () => {
    expect([0, 999, 1000, 1999, 2000, 3999, 4000, 7999, 8000, 1e6].map(lengthBucket)).toEqual([
      "<1k",
      "<1k",
      "1-2k",
      "1-2k",
      "2-4k",
      "2-4k",
      "4-8k",
      "4-8k",
      ">=8k",
      ">=8k",
    ]);
    expect(LENGTH_BUCKETS.map((b) => b.bucket)).toEqual(["<1k", "1-2k", "2-4k", "4-8k", ">=8k"]);
  });

  it("bucket report: means and ratio-of-means reduction per bucket", () => {
    const rows = bucketReport([
      { baselineTokens: 500, sequentialTokens: 400, totalTokens: 600 },
      { baselineTokens: 700, sequentialTokens: 500 },
      { baselineTokens: 9000, sequentialTokens: 5490, totalTokens: 9500 },
    ]);
    expect(rows.map((r) => r.count)).toEqual([2, 0, 0, 0, 1]);
    expect(rows[0]).toEqual({
      bucket: "<1k",
      count: 2,
      meanBaselineTokens: 600,
      meanSequentialTokens: 450,
      meanTotalTokens: 600,
      reduction: 0.25,
    });
    expect(rows[1]).toMatchObject({ count: 0, reduction: null, meanTotalTokens: null });
    expect(rows[4]?.reduction).toBeCloseTo(0.39);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const word = fc.constantFrom("alpha", "beta", "x", "1", "+", "=", "so", "then", "\\frac{1}{2}");
const text = fc.array(word, { maxLength: 12 }).map((ws) => ws.join(" "));

/** A random round: chunks (some with prompts), executions for a subset of the prompts. */
const roundArb = (index: number): fc.Arbitrary<Round> =>
  fc
    .array(fc.record({ sep: fc.boolean(), text, prompt: fc.option(text, { nil: undefined }), exec: fc.option(text, { nil: undefined }) }), {
      maxLength: 5,
    })
    .map((specs) => {
      let k = 0;
      const chunks: PlanChunk[] = [];
      const executions: Round["executions"] = [];
      for (const s of specs) {
        if (s.prompt === undefined) {
          chunks.push({ separatorBefore: s.sep, text: s.text });
          continue;
        }
        k++;
        chunks.push({ separatorBefore: s.sep, text: s.text, prompt: { index: k, text: s.prompt } });
        if (s.exec !== undefined) executions.push({ index: k, text: s.exec });
      }
      return { index, chunks, executions };
    });

const trajectoryArb: fc.Arbitrary<Trajectory> = fc
  .integer({ min: 0, max: 6 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => roundArb(i + 1))))
  .chain((rounds) =>
    fc.option(text, { nil: undefined }).map((fa): Trajectory => ({
      rounds,
      ...(fa === undefined ? {} : { finalAnswer: { text: fa, style: "tag" as const } }),
    })),
  );

describe("metrics properties", () => {
  it("sequential ≤ total, and each round's sequential is between its largest term and its total", () => {
    fc.assert(
      fc.property(trajectoryArb, (t) => {
        const m = trajectoryMetrics(t, W);
        expect(m.sequentialTokens).toBeLessThanOrEqual(m.totalTokens);
        for (const r of m.rounds) {
          expect(r.sequentialTokens).toBeGreaterThanOrEqual(r.planTokens);
          for (const l of r.lanes) expect(r.sequentialTokens).toBeGreaterThanOrEqual(l.total);
          expect(r.sequentialTokens).toBeLessThanOrEqual(r.totalTokens);
          expect(r.planTokens).toBe(r.chunkTokens.reduce((a, b) => a + b, 0));
        }
        expect(m.totalTokens).toBe(m.planTokens + m.executionTokens + m.finalAnswerTokens);
        expect(m.sequentialTokens).toBe(m.rounds.reduce((a, r) => a + r.sequentialTokens, 0) + m.finalAnswerTokens);
      }),
    );
  });

  it("sequential == total when every round has at most one prompt, in its last chunk", () => {
    const oneLane = fc
      .array(fc.record({ pre: fc.array(text, { maxLength: 3 }), prompt: fc.option(fc.tuple(text, text), { nil: undefined }) }), {
        maxLength: 6,
      })
      .map(
        (specs): Trajectory => ({
          rounds: specs.map((s, i) => {
            const chunks: PlanChunk[] = s.pre.map((t) => ({ separatorBefore: false, text: t }));
            if (s.prompt === undefined) return { index: i + 1, chunks, executions: [] };
            chunks.push({ separatorBefore: true, text: "lead", prompt: { index: 1, text: s.prompt[0] } });
            return { index: i + 1, chunks, executions: [{ index: 1, text: s.prompt[1] }] };
          }),
          finalAnswer: { text: "final", style: "tag" },
        }),
      );
    fc.assert(
      fc.property(oneLane, (t) => {
        const m = trajectoryMetrics(t, W);
        expect(m.sequentialTokens).toBe(m.totalTokens);
      }),
    );
  });

  it("adding text to an execution never decreases sequential tokens (monotone)", () => {
    fc.assert(
      fc.property(trajectoryArb, text, (t, extra) => {
        const before = trajectoryMetrics(t, W).sequentialTokens;
        const grown: Trajectory = {
          ...t,
          rounds: t.rounds.map((r) => ({ ...r, executions: r.executions.map((e) => ({ ...e, text: `${e.text} ${extra}` })) })),
        };
        expect(trajectoryMetrics(grown, W).sequentialTokens).toBeGreaterThanOrEqual(before);
      }),
    );
  });
});
