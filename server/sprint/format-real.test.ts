/**
 * The parser on realistic R1-style SPRINT output (fixtures/r1-heading-mid.txt: six rounds with LaTeX,
 * "Wait," re-checks, a case split over residues, and a `**Final Answer**` heading with a wrong early
 * guess inside the middle Plan_4, followed by two more rounds and the real `<Final_answer>`).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseTrajectory, serializeDocument, type ParseResult } from "./format";
import { trajectoryMetrics } from "./metrics";
import { approxTokenizer } from "./tokenizer";

const FIXTURE = readFileSync(path.join(__dirname, "fixtures", "r1-heading-mid.txt"), "utf8");

function codes(r: ParseResult): string[] {
  return r.diagnostics.map((d) => d.code);
}
function lineOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  if (i === -1) throw new Error(`fixture lacks ${needle}`);
  return text.slice(0, i).split("\n").length;
}
/** The fixture's text from `from` (inclusive) up to `to` (exclusive). */
function between(from: string, to: string): string {
  return FIXTURE.slice(FIXTURE.indexOf(from), FIXTURE.indexOf(to));
}
/** The fixture up to (not including) `marker`. */
function upTo(marker: string): string {
  return FIXTURE.slice(0, FIXTURE.indexOf(marker));
}

describe("a **Final Answer** heading in the middle of a real trajectory", () => {
  it("is plan text when blocks follow: all six rounds and the real <Final_answer> are read, nothing dropped", () => {
    const r = parseTrajectory(FIXTURE);
    const t = r.trajectory;
    expect(t.rounds.map((x) => x.index)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.rounds.map((x) => x.executions.length)).toEqual([2, 2, 2, 2, 2, 0]);
    expect(t.finalAnswer?.style).toBe("tag");
    expect(t.finalAnswer?.text).toContain("\\boxed{29}");
    // The early guess stays in Plan_4's text, before its prompts.
    const plan4 = t.rounds[3]?.chunks[0];
    expect(plan4?.text).toContain("**Final Answer**\n\\boxed{28}");
    expect(plan4?.text).toContain("Wait, that cannot be right.");
    expect(plan4?.prompt?.index).toBe(1);
    expect(r.dropped.chars).toBe(0);
    expect(r.diagnostics).toEqual([
      {
        line: lineOf(FIXTURE, "**Final Answer**"),
        column: 1,
        severity: "warning",
        code: "markdown-heading-not-final",
        message: `**Final Answer** heading followed by <prompt_4.1> at line ${lineOf(FIXTURE, "<prompt_4.1>")}; kept as text, not read as the end`,
      },
    ]);
    expect(r.ok).toBe(true);
  });

  it("counts every stage and token: the metrics equal those of the canonical re-serialization, which is the input", () => {
    const r = parseTrajectory(FIXTURE);
    expect(serializeDocument(r.trajectory)).toBe(FIXTURE.trimEnd());
    const m = trajectoryMetrics(r.trajectory, approxTokenizer);
    expect(m.stageCount).toBe(6);
    expect(m.promptsPerStage).toEqual([2, 2, 2, 2, 2, 0]);
    // Every round contributes: cutting at the heading (the old behaviour) loses rounds 4–6.
    const cut = parseTrajectory(`${upTo("**Final Answer**")}</Plan_4>\n</think>`);
    const mc = trajectoryMetrics(cut.trajectory, approxTokenizer);
    expect(mc.stageCount).toBe(4);
    expect(m.totalTokens).toBeGreaterThan(mc.totalTokens + 400);
    expect(m.sequentialTokens).toBeGreaterThan(mc.sequentialTokens + 300);
  });

  it("strict mode: the heading is ordinary text of a canonical trajectory (no diagnostic)", () => {
    const r = parseTrajectory(FIXTURE, { strict: true });
    expect(r.diagnostics).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it("a heading between two prompts of a plan does not cut the plan: no missing-execution diagnostics", () => {
    const moved = FIXTURE.replace(
      "</prompt_4.1>\n<prompt_4.2>",
      "</prompt_4.1>\n\n**Final Answer**\nStill \\boxed{28} for the other class?\n<prompt_4.2>",
    );
    const r = parseTrajectory(moved);
    expect(r.trajectory.rounds).toHaveLength(6);
    expect(r.trajectory.rounds[3]?.executions.map((e) => e.index)).toEqual([1, 2]);
    expect(codes(r)).toEqual(["markdown-heading-not-final", "markdown-heading-not-final"]);
  });

  it("at top level between blocks, followed by more rounds: the heading's text is dropped and says so (lossy)", () => {
    const input = FIXTURE.replace("<Plan_4>", "**Final Answer**\nIt looks like \\boxed{28}.\n\n<Plan_4>");
    const r = parseTrajectory(input);
    expect(r.trajectory.rounds).toHaveLength(6);
    expect(r.trajectory.finalAnswer?.text).toContain("\\boxed{29}");
    const line = lineOf(input, "**Final Answer**");
    expect(r.diagnostics.map((d) => [d.code, d.line, d.dropsContent === true])).toEqual([
      ["markdown-heading-not-final", line, false],
      ["stray-text", line, true],
      ["markdown-heading-not-final", lineOf(input, "**Final Answer**\n\\boxed{28}"), false],
    ]);
    expect(r.dropped.text).toBe("**Final Answer**\nIt looks like \\boxed{28}.");
    const strict = parseTrajectory(input, { strict: true });
    expect(strict.ok).toBe(false);
    expect(strict.diagnostics.find((d) => d.code === "stray-text")).toMatchObject({ severity: "error", dropsContent: true });
  });
});

describe("a **Final Answer** heading as the real end", () => {
  const tail = "<Plan_6>\nBased on execution_5.1, execution_5.2:\nAll three counts agree.\n\n**Final Answer**\n\\boxed{29}\n</Plan_6>\n</think>";
  const input = `${upTo("<Plan_6>")}${tail}`;

  it("ends the trajectory (no block follows): read as the final answer, the plan text before it kept", () => {
    const r = parseTrajectory(input);
    expect(r.trajectory.rounds).toHaveLength(6);
    expect(r.trajectory.rounds[5]?.chunks).toEqual([{ separatorBefore: false, text: "Based on execution_5.1, execution_5.2:\nAll three counts agree." }]);
    expect(r.trajectory.finalAnswer).toEqual({ text: "\\boxed{29}", style: "markdown" });
    // Plan_4's heading is followed by blocks (text); this one is not (the end).
    expect(codes(r)).toEqual(["markdown-heading-not-final", "markdown-final-answer"]);
    expect(r.dropped.chars).toBe(0);
    expect(r.ok).toBe(true);
  });

  it("strict mode: an error (not the canonical <Final_answer>)", () => {
    const r = parseTrajectory(input, { strict: true });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toContainEqual(["markdown-final-answer", "error"]);
  });

  it("markdownFinal: never keeps it as plan text (a planner's plan: only <Final_answer> ends a run)", () => {
    const r = parseTrajectory(input, { markdownFinal: "never" });
    expect(r.trajectory.finalAnswer).toBeUndefined();
    expect(r.trajectory.rounds[5]?.chunks[0]?.text).toContain("**Final Answer**\n\\boxed{29}");
  });
});

describe("a missing Execution block: the diagnostic names the real cause", () => {
  it("genuinely missing: missing-execution-block at the plan", () => {
    const input = FIXTURE.replace(between("<Execution_3>", "<Plan_4>"), "");
    const r = parseTrajectory(input);
    const d = r.diagnostics.filter((x) => x.code.includes("execution-block"));
    expect(d.map((x) => [x.code, x.line])).toEqual([["missing-execution-block", lineOf(input, "<Plan_3>")]]);
  });

  it("written after the next plan: points at the plan that came first, not 'missing'", () => {
    const exec3 = between("<Execution_3>", "<Plan_4>");
    const plan4 = between("<Plan_4>", "<Execution_4>");
    const input = FIXTURE.replace(exec3 + plan4, plan4 + exec3);
    const r = parseTrajectory(input);
    expect(codes(r)).not.toContain("missing-execution-block");
    const d = r.diagnostics.find((x) => x.code === "execution-block-out-of-order");
    expect(d?.line).toBe(lineOf(input, "<Plan_4>"));
    expect(d?.message).toBe(
      `Plan_4 starts before Plan_3's <Execution_3> (line ${lineOf(input, "<Execution_3>")}), which was read as Plan_4's Execution block; Plan_3 has none`,
    );
    expect(r.dropped.chars).toBe(0);
  });

  it("after an early <Final_answer>: points at that final answer, and the dropped rounds are reported as lost", () => {
    const early = "<Final_answer>\nSo far \\boxed{28}.\n</Final_answer>\n\n";
    const input = FIXTURE.replace("<Execution_3>", `${early}<Execution_3>`);
    const r = parseTrajectory(input);
    expect(r.trajectory.rounds).toHaveLength(3);
    const cause = r.diagnostics.find((x) => x.code === "execution-block-after-final-answer");
    expect(cause?.line).toBe(lineOf(input, "<Final_answer>"));
    expect(cause?.message).toContain(`<Execution_3> (line ${lineOf(input, "<Execution_3>")})`);
    expect(codes(r)).not.toContain("missing-execution-block");
    const lost = r.diagnostics.find((x) => x.code === "content-after-final-answer");
    expect(lost?.dropsContent).toBe(true);
    // Everything from <Execution_3> to the real final answer's end is lost, nothing after </think>.
    expect(r.dropped.text.startsWith("<Execution_3>")).toBe(true);
    expect(r.dropped.text.endsWith("</Final_answer>")).toBe(true);
    expect(r.dropped.text).toContain("<Plan_6>");
    const strict = parseTrajectory(input, { strict: true });
    expect(strict.ok).toBe(false);
    expect(strict.diagnostics.find((x) => x.code === "content-after-final-answer")?.severity).toBe("error");
  });
});

describe("an eleven-round trajectory with the heading in Plan_4 (the shape of the real 4-of-11 case)", () => {
  const ELEVEN = readFileSync(path.join(__dirname, "fixtures", "r1-eleven-rounds.txt"), "utf8");

  it("counts all 11 stages; stopping at the heading would have counted 4", () => {
    const r = parseTrajectory(ELEVEN);
    expect(r.trajectory.rounds).toHaveLength(11);
    expect(r.trajectory.finalAnswer).toMatchObject({ style: "tag" });
    expect(r.dropped.chars).toBe(0);
    expect(codes(r)).toEqual(["markdown-heading-not-final"]);
    expect(parseTrajectory(ELEVEN, { strict: true }).diagnostics).toEqual([]);
    expect(serializeDocument(r.trajectory)).toBe(ELEVEN.trimEnd());
    const m = trajectoryMetrics(r.trajectory, approxTokenizer);
    expect(m.stageCount).toBe(11);
    expect(m.promptsPerStage).toEqual([2, 3, 2, 2, 2, 0, 2, 1, 2, 0, 0]);
    const cut = trajectoryMetrics(parseTrajectory(`${ELEVEN.slice(0, ELEVEN.indexOf("**Final Answer**"))}</Plan_4>\n</think>`).trajectory, approxTokenizer);
    expect(cut.stageCount).toBe(4);
    expect(m.totalTokens / cut.totalTokens).toBeGreaterThan(1.8);
  });
});
