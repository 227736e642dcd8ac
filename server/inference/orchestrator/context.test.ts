import { describe, expect, it } from "vitest";
import { buildUserMessage } from "../../sprint/prompts";
import { buildRunPrefix, DEFAULT_FEW_SHOT, historyText, normalizeExecution, normalizePlan, plannerPrompt } from "./context";
import { parseTrajectory } from "../../sprint/format";

describe("prompts", () => {
  it("the raw prompt is the training user message + <think> (byte-identical prefix)", () => {
    const prefix = buildRunPrefix("Q?");
    const p = plannerPrompt(prefix, []);
    expect(p.prompt).toBe(`${buildUserMessage("Q?")}\n\n<think>\n`);
    expect(p.chat).toEqual({ system: prefix.system, user: "<Question>\nQ?\n</Question>", assistantPrefix: "<think>\n" });
    expect(plannerPrompt(prefix, [], true).prompt.endsWith("<think>\n<Final_answer>\n")).toBe(true);
    const round = parseTrajectory(DEFAULT_FEW_SHOT).trajectory.rounds[0];
    expect(historyText(round ? [round] : [])).toMatch(/^<think>\n<Plan_1>[\s\S]*<\/Execution_1>\n\n$/);
  });
});

describe("normalizePlan", () => {
  it("reads a clean plan without issues", () => {
    const n = normalizePlan("<Plan_2>\nThink.\n<prompt_2.1> do a </prompt_2.1>\nMore.\n", 2);
    expect(n.issues).toEqual([]);
    expect(n.chunks).toEqual([
      { separatorBefore: false, text: "Think.", prompt: { index: 1, text: "do a" } },
      { separatorBefore: false, text: "More." },
    ]);
  });

  it("reads a <Final_answer> after plan text; a **Final Answer** heading (even with \\boxed) stays plan text", () => {
    const n = normalizePlan("<Plan_3>\nAll done.\n<Final_answer>\nIt is \\boxed{5}\n", 3);
    expect(n.finalAnswer).toEqual({ text: "It is \\boxed{5}", style: "tag" });
    expect(n.chunks.map((c) => c.text)).toEqual(["All done."]);
    expect(normalizePlan("**Final Answer** maybe later", 1).finalAnswer).toBeUndefined();
    const md = normalizePlan("<Plan_4>\nTentatively:\n\n**Final Answer**\n\\boxed{28}\n\nWait, recount.\n<prompt_4.1> recount </prompt_4.1>", 4);
    expect(md.finalAnswer).toBeUndefined();
    expect(md.chunks).toEqual([{ separatorBefore: false, text: "Tentatively:\n\n**Final Answer**\n\\boxed{28}\n\nWait, recount.", prompt: { index: 1, text: "recount" } }]);
    expect(md.issues.map((i) => i.code)).toEqual(["markdown-heading-in-plan"]);
    // In prompted mode an untagged answer is still read as the answer.
    expect(normalizePlan("**Final Answer**\n\\boxed{3}", 1, { prompted: true }).finalAnswer?.text).toContain("\\boxed{3}");
    expect(normalizePlan("<Final_answer>\nx \\boxed{1}", 1).issues).toEqual([]);
  });

  it("keeps Based-on references to earlier rounds", () => {
    const n = normalizePlan("<Plan_2>\nBased on execution_1.1:\nGo.\n<prompt_2.1> x </prompt_2.1>", 2);
    expect(n.chunks[0]?.text).toBe("Based on execution_1.1:\nGo.");
    expect(n.issues).toEqual([]);
  });
});

describe("normalizeExecution", () => {
  it("cuts at SPRINT tags, silently at a closing execution tag", () => {
    expect(normalizeExecution(" result \n</execution_1.1>\n")).toEqual({ text: "result", issues: [] });
    expect(normalizeExecution("r <Plan_2> x").issues[0]?.code).toBe("executor-drift");
    expect(normalizeExecution("a < b and <i>html</i>")).toEqual({ text: "a < b and <i>html</i>", issues: [] });
  });
});
