/**
 * The "paper" preset reproduces the method's own curated trajectories: hand-built components and DAGs
 * (fixtures/paper-packing.json) whose stages, prompts per stage, plan-only steps and keep decision were
 * worked out by hand from the method's packing algorithm. Also checks the "paper-text" preset's
 * (the paper's prose) different answers on the same inputs, and that the built trajectories survive
 * serialization.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseTrajectory, serializeTrajectory } from "./format";
import { CURATION_PRESETS, buildTrajectory, curate, describeRules, presetOf, type CurationPresetName } from "./packing";
import { isPlanOnly, type Dag, type LineRange, type Step } from "./steps";

interface FixtureStep {
  id: number;
  plan_lines: [number, number] | null;
  execution_lines: [number, number] | null;
}
interface Expected {
  planOnly: number[];
  stageOf?: Record<string, number>;
  promptsPerStage: number[];
  kept: boolean;
  reasons?: string[];
  ratio: number;
}
interface Case {
  name: string;
  about: string;
  lineCount: number;
  steps: FixtureStep[];
  dag: Record<string, number[]>;
  expected: Record<CurationPresetName, Expected>;
}

const fixture = JSON.parse(readFileSync(path.join(import.meta.dirname, "fixtures/paper-packing.json"), "utf8")) as { cases: Case[] };

const lineText = (r: LineRange): string => Array.from({ length: r[1] - r[0] + 1 }, (_, i) => `line ${r[0] + i}.`).join("\n");

function stepsOf(c: Case): Step[] {
  return c.steps.map((s) => {
    const step: Step = { id: s.id, plan: s.plan_lines ? lineText(s.plan_lines) : "", description: `step ${s.id}` };
    if (s.plan_lines) step.planLines = s.plan_lines;
    if (s.execution_lines) {
      step.executionLines = s.execution_lines;
      step.execution = lineText(s.execution_lines);
      step.prompt = `Carry out step ${s.id}.`;
    }
    return step;
  });
}

const dagOf = (c: Case): Dag => Object.fromEntries(Object.entries(c.dag).map(([k, v]) => [Number(k), v]));

describe("the 'paper' preset is the method's code", () => {
  it("folds end − start < 3, counts executed steps ÷ stages, ≤ 11 stages, ratio ≥ 1.5", () => {
    expect(CURATION_PRESETS.paper).toEqual({ foldRule: "span", foldMinLines: 3, maxStages: 11, minParallelRatio: 1.5, ratioVariant: "code", minReduction: null });
    expect(describeRules(CURATION_PRESETS.paper)).toBe(
      "fold executions with end − start < 3 (≤ 3 lines) into their plan; keep ≤ 11 stages; executed steps ÷ stages ≥ 1.5",
    );
    expect(presetOf(CURATION_PRESETS["paper-text"])).toBe("paper-text");
    expect(presetOf({ ...CURATION_PRESETS.paper, maxStages: 12 })).toBe("custom");
  });

  expect(fixture.cases.length).toBeGreaterThanOrEqual(6);

  describe.each(fixture.cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    it.each(["paper", "paper-text"] as const)("preset %s gives the hand-derived trajectory", (preset) => {
      const rules = CURATION_PRESETS[preset];
      const exp = c.expected[preset];
      const r = curate(stepsOf(c), dagOf(c), { ...rules, lineCount: c.lineCount, question: "Q", finalAnswer: "\\boxed{1}" });
      expect(r.steps.filter(isPlanOnly).map((s) => s.id)).toEqual(exp.planOnly);
      expect(r.packing).toBeDefined();
      const packing = r.packing!;
      if (exp.stageOf) expect(packing.stageOf).toEqual(Object.fromEntries(Object.entries(exp.stageOf).map(([k, v]) => [Number(k), v])));
      expect(packing.stages.map((s) => s.executedStepIds.length)).toEqual(exp.promptsPerStage);
      expect(packing.stageCount).toBe(exp.promptsPerStage.length);
      expect(r.filter?.ratio).toBeCloseTo(exp.ratio, 3);
      expect(r.kept).toBe(exp.kept);
      if (exp.reasons) expect(r.reasons.map((x) => x.code)).toEqual(exp.reasons);

      // The trajectory (built for kept and dropped alike) has those rounds and prompts, and survives text.
      const t = buildTrajectory(r.steps, dagOf(c), { question: "Q", finalAnswer: "\\boxed{1}" });
      expect(t.rounds.map((round) => round.executions.length)).toEqual(exp.promptsPerStage);
      expect(t.rounds.map((round) => round.chunks.filter((ch) => ch.prompt).length)).toEqual(exp.promptsPerStage);
      const back = parseTrajectory(serializeTrajectory(t), { strict: true });
      expect(back.ok).toBe(true);
      expect(back.trajectory.rounds.map((round) => round.executions.length)).toEqual(exp.promptsPerStage);
    });
  });
});
