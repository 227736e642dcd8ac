import { describe, expect, it } from "vitest";
import { CURATION_PRESETS } from "../sprint/packing";
import { curationRulesOf, describeConfigRules, pipelineConfigSchema, resolvePreset } from "./config";

const parse = (x: object) => pipelineConfigSchema.parse(x);

describe("pipeline config rules", () => {
  it("defaults to the preset 'paper': the method's code", () => {
    const c = resolvePreset(parse({}));
    expect(c.preset).toBe("paper");
    expect(curationRulesOf(c)).toEqual(CURATION_PRESETS.paper);
    expect(describeConfigRules(c)).toEqual({
      preset: "paper",
      text: "fold executions with end − start < 3 (≤ 3 lines) into their plan; keep ≤ 11 stages; executed steps ÷ stages ≥ 1.5",
    });
  });

  it("a named preset overrides individual values; a chosen minimum reduction stays", () => {
    const c = resolvePreset(parse({ preset: "paper-text", foldRule: "span", filters: { maxStages: 3, minReduction: 0 } }));
    expect(curationRulesOf(c)).toEqual({ ...CURATION_PRESETS["paper-text"], minReduction: 0 });
    expect(describeConfigRules(c).text).toBe("fold executions of fewer than 3 lines into their plan; keep ≤ 11 stages; all steps ÷ stages ≥ 1.5; reduction > 0");
  });

  it("custom values are kept and named by the preset they equal", () => {
    expect(resolvePreset(parse({ preset: "custom", filters: { maxStages: 5 } })).preset).toBe("custom");
    expect(resolvePreset(parse({ preset: "custom", foldRule: "lines", filters: { ratioVariant: "paper" } })).preset).toBe("paper-text");
  });

  it("reads a version-1 config (stored before presets) with the fold rule it ran with", () => {
    const v1 = parse({ version: 1, foldMinLines: 3, filters: { maxStages: 11, minParallelRatio: 1.5, ratioVariant: "paper" } });
    expect(curationRulesOf(v1).foldRule).toBe("lines");
    expect(describeConfigRules(v1).preset).toBe("paper-text");
  });
});
