import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  basedOnRefs,
  dropCrBeforeLf,
  extractBoxed,
  formatBasedOn,
  parseTrajectory,
  renumberTrajectory,
  serializeChunks,
  serializeDocument,
  serializeExecutions,
  serializePlan,
  serializePrompt,
  serializeRound,
  serializeTrajectory,
  stripTags,
  type ParseResult,
} from "./format";
import { FORMAT_FRAGMENTS, formatishArb, generateTrajectory, trajectoryArb } from "./testing/arbitraries";
import type { Round, Trajectory } from "./types";

/** Diagnostics as compact [code, line, column] triples. */
function diags(r: ParseResult): [string, number, number][] {
  return r.diagnostics.map((d) => [d.code, d.line, d.column]);
}

const lines = (...ls: string[]): string => ls.join("\n");

/** The paper's worked shape (method notes §1), in canonical layout. */
const PAPER_BODY = lines(
  "<Plan_1>",
  "free planning text ...",
  "<prompt_1.1> an instruction for one executor </prompt_1.1>",
  "-----",
  "more planning text (a different train of thought) ...",
  "<prompt_1.2> another independent instruction </prompt_1.2>",
  "</Plan_1>",
  "",
  "<Execution_1>",
  "<execution_1.1>",
  "text produced for prompt 1.1",
  "</execution_1.1>",
  "<execution_1.2>",
  "...",
  "</execution_1.2>",
  "</Execution_1>",
  "",
  "<Plan_2>",
  "Based on execution_1.1, execution_1.2:",
  "...",
  "</Plan_2>",
  "",
  "<Execution_2>",
  "No prompt to execute.",
  "</Execution_2>",
  "",
  "<Final_answer>",
  "... \\boxed{answer} ...",
  "</Final_answer>",
);

const PAPER: Trajectory = {
  rounds: [
    {
      index: 1,
      chunks: [
        { separatorBefore: false, text: "free planning text ...", prompt: { index: 1, text: "an instruction for one executor" } },
        {
          separatorBefore: true,
          text: "more planning text (a different train of thought) ...",
          prompt: { index: 2, text: "another independent instruction" },
        },
      ],
      executions: [
        { index: 1, text: "text produced for prompt 1.1" },
        { index: 2, text: "..." },
      ],
    },
    { index: 2, chunks: [{ separatorBefore: false, text: "Based on execution_1.1, execution_1.2:\n..." }], executions: [] },
  ],
  finalAnswer: { text: "... \\boxed{answer} ...", style: "tag" },
};

describe("serializeTrajectory / serializeDocument", () => {
  it("writes the paper's worked shape exactly", () => {
    expect(serializeTrajectory(PAPER)).toBe(PAPER_BODY);
  });

  it("wraps a document as <Question>, blank line, <think>", () => {
    expect(serializeDocument({ ...PAPER, question: "What is it?" })).toBe(
      `<Question>\nWhat is it?\n</Question>\n\n<think>\n${PAPER_BODY}\n</think>`,
    );
    expect(serializeDocument(PAPER)).toBe(`<think>\n${PAPER_BODY}\n</think>`);
  });

  it("writes empty pieces without blank lines", () => {
    const t: Trajectory = {
      rounds: [
        { index: 1, chunks: [], executions: [] },
        { index: 2, chunks: [{ separatorBefore: false, text: "", prompt: { index: 1, text: "" } }], executions: [{ index: 1, text: "" }] },
      ],
    };
    expect(serializeTrajectory(t)).toBe(
      lines(
        "<Plan_1>",
        "</Plan_1>",
        "",
        "<Execution_1>",
        "No prompt to execute.",
        "</Execution_1>",
        "",
        "<Plan_2>",
        "<prompt_2.1></prompt_2.1>",
        "</Plan_2>",
        "",
        "<Execution_2>",
        "<execution_2.1>",
        "</execution_2.1>",
        "</Execution_2>",
      ),
    );
    expect(serializeTrajectory({ rounds: [] })).toBe("");
    expect(serializeDocument({ rounds: [] })).toBe("<think>\n</think>");
    expect(serializeDocument({ rounds: [], question: "" })).toBe("<Question>\n</Question>\n\n<think>\n</think>");
  });

  it("writes separators before chunks, including a leading one and a separator-only chunk", () => {
    const round: Round = {
      index: 3,
      chunks: [
        { separatorBefore: true, text: "A", prompt: { index: 1, text: "do A" } },
        { separatorBefore: false, text: "B" },
        { separatorBefore: true, text: "", prompt: { index: 2, text: "do C" } },
        { separatorBefore: true, text: "" },
      ],
      executions: [],
    };
    expect(serializeChunks(3, round.chunks)).toBe(lines("-----", "A", "<prompt_3.1> do A </prompt_3.1>", "B", "-----", "<prompt_3.2> do C </prompt_3.2>", "-----"));
    expect(serializePlan(round)).toBe(`<Plan_3>\n${serializeChunks(3, round.chunks)}\n</Plan_3>`);
    // Prompts but no executions yet: an empty Execution block, not "No prompt to execute."
    expect(serializeExecutions(round)).toBe("<Execution_3>\n</Execution_3>");
    expect(serializeRound(round)).toBe(`${serializePlan(round)}\n\n<Execution_3>\n</Execution_3>`);
    expect(serializePrompt(2, 5, "x")).toBe("<prompt_2.5> x </prompt_2.5>");
  });

  it("writes a markdown or forced final answer as a <Final_answer> block", () => {
    const md: Trajectory = { rounds: [], finalAnswer: { text: "\\boxed{4}", style: "markdown" } };
    const forced: Trajectory = { rounds: [], finalAnswer: { text: "\\boxed{4}", style: "tag", forced: true } };
    expect(serializeTrajectory(md)).toBe("<Final_answer>\n\\boxed{4}\n</Final_answer>");
    expect(serializeTrajectory(forced)).toBe("<Final_answer>\n\\boxed{4}\n</Final_answer>");
  });
});

describe("parseTrajectory: canonical input", () => {
  it("reads the paper's worked shape exactly, without diagnostics, also in strict mode", () => {
    for (const strict of [false, true]) {
      const r = parseTrajectory(PAPER_BODY, { strict });
      expect(r.trajectory).toStrictEqual(PAPER);
      expect(r.diagnostics).toEqual([]);
      expect(r.ok).toBe(true);
    }
  });

  it("reads a whole document and a think-only document", () => {
    const doc = parseTrajectory(`<Question>\n  What is it?\n</Question>\n\n<think>\n${PAPER_BODY}\n</think>`);
    expect(doc.trajectory).toStrictEqual({ ...PAPER, question: "What is it?" });
    expect(doc.diagnostics).toEqual([]);
    const think = parseTrajectory(`<think>\n${PAPER_BODY}\n</think>`, { strict: true });
    expect(think.trajectory).toStrictEqual(PAPER);
    expect(think.ok).toBe(true);
  });

  it("ends a chunk right after its prompt; text after the last prompt is a prompt-less chunk", () => {
    const r = parseTrajectory(
      lines(
        "<Plan_1>",
        "Intro.",
        "Based on nothing yet.",
        "<prompt_1.1> P1 </prompt_1.1> Then more.",
        "And more.",
        "<prompt_1.2>",
        "multi",
        "line",
        "</prompt_1.2>",
        "Trailing thoughts.",
        "</Plan_1>",
        "",
        "<Execution_1>",
        "<execution_1.1>",
        "E1",
        "</execution_1.1>",
        "<execution_1.2>",
        "E2",
        "</execution_1.2>",
        "</Execution_1>",
      ),
    );
    expect(r.trajectory.rounds).toStrictEqual([
      {
        index: 1,
        chunks: [
          { separatorBefore: false, text: "Intro.\nBased on nothing yet.", prompt: { index: 1, text: "P1" } },
          { separatorBefore: false, text: "Then more.\nAnd more.", prompt: { index: 2, text: "multi\nline" } },
          { separatorBefore: false, text: "Trailing thoughts." },
        ],
        executions: [
          { index: 1, text: "E1" },
          { index: 2, text: "E2" },
        ],
      },
    ]);
    expect(diags(r)).toEqual([["missing-final-answer", 20, 15]]);
  });

  it("reads a plan-only chunk before a separator as its own chunk", () => {
    const r = parseTrajectory("<Plan_1>\nA\n<prompt_1.1> p </prompt_1.1>\nB\n-----\nC\n<prompt_1.2> q </prompt_1.2>\n</Plan_1>");
    expect(r.trajectory.rounds[0]?.chunks).toStrictEqual([
      { separatorBefore: false, text: "A", prompt: { index: 1, text: "p" } },
      { separatorBefore: false, text: "B" },
      { separatorBefore: true, text: "C", prompt: { index: 2, text: "q" } },
    ]);
  });

  it("reads a forced final answer after round 11 (the flag is not visible in text)", () => {
    const rounds: Round[] = Array.from({ length: 11 }, (_, i) => ({
      index: i + 1,
      chunks: [{ separatorBefore: false, text: `Step ${i + 1}.`, prompt: { index: 1, text: `do ${i + 1}` } }],
      executions: [{ index: 1, text: `done ${i + 1}` }],
    }));
    const forced: Trajectory = { rounds, finalAnswer: { text: "\\boxed{11}", style: "tag", forced: true } };
    const r = parseTrajectory(serializeTrajectory(forced), { strict: true });
    expect(r.ok).toBe(true);
    expect(r.trajectory.rounds).toStrictEqual(rounds);
    expect(r.trajectory.finalAnswer).toStrictEqual({ text: "\\boxed{11}", style: "tag" });
  });

  it("accepts one trailing newline in strict mode", () => {
    expect(parseTrajectory(`${PAPER_BODY}\n`, { strict: true }).ok).toBe(true);
    // The second newline is the first non-canonical character: right after "</Final_answer>".
    expect(diags(parseTrajectory(`${PAPER_BODY}\n\n`, { strict: true }))).toEqual([["non-canonical", 29, 16]]);
  });
});

describe("parseTrajectory: tolerant repairs, with exact positions", () => {
  it("reads **Final Answer** after the last execution as a markdown final answer", () => {
    const input = lines(
      "<Plan_1>",
      "Think.",
      "</Plan_1>",
      "",
      "<Execution_1>",
      "No prompt to execute.",
      "</Execution_1>",
      "",
      "  **Final Answer**",
      "The answer is \\boxed{7}.",
    );
    const r = parseTrajectory(input);
    expect(r.trajectory.finalAnswer).toStrictEqual({ text: "The answer is \\boxed{7}.", style: "markdown" });
    expect(diags(r)).toEqual([["markdown-final-answer", 9, 3]]);
    expect(r.ok).toBe(true);
    expect(serializeTrajectory(r.trajectory).endsWith("<Final_answer>\nThe answer is \\boxed{7}.\n</Final_answer>")).toBe(true);
    const strict = parseTrajectory(input, { strict: true });
    expect(strict.ok).toBe(false);
    expect(strict.diagnostics).toEqual([
      { line: 9, column: 3, severity: "error", code: "markdown-final-answer", message: "**Final Answer** heading read as <Final_answer>" },
    ]);
  });

  it("accepts **Final Answer:** and **Final answer**: spellings, text on the same line", () => {
    for (const h of ["**Final Answer:**", "**Final answer**:", "**FINAL ANSWER**"]) {
      const r = parseTrajectory(`${h} \\boxed{2}`);
      expect(r.trajectory).toStrictEqual({ rounds: [], finalAnswer: { text: "\\boxed{2}", style: "markdown" } });
      expect(diags(r)).toEqual([["markdown-final-answer", 1, 1]]);
    }
  });

  it("reads **Final Answer** inside a planner's plan: the plan text stays, </Plan_p> is consumed", () => {
    const r = parseTrajectory(
      lines(
        "<Plan_1>",
        "Go.",
        "<prompt_1.1> compute </prompt_1.1>",
        "</Plan_1>",
        "",
        "<Execution_1>",
        "<execution_1.1>",
        "5",
        "</execution_1.1>",
        "</Execution_1>",
        "",
        "<Plan_2>",
        "So x = 5.",
        "**Final Answer**",
        "\\boxed{5}",
        "</Plan_2>",
      ),
    );
    expect(r.trajectory.rounds[1]).toStrictEqual({ index: 2, chunks: [{ separatorBefore: false, text: "So x = 5." }], executions: [] });
    expect(r.trajectory.finalAnswer).toStrictEqual({ text: "\\boxed{5}", style: "markdown" });
    expect(diags(r)).toEqual([["markdown-final-answer", 14, 1]]);
  });

  it("drops a plan that only wrapped the final answer", () => {
    const r = parseTrajectory("<Plan_1>\n**Final Answer** \\boxed{1}\n</Plan_1>");
    expect(r.trajectory).toStrictEqual({ rounds: [], finalAnswer: { text: "\\boxed{1}", style: "markdown" } });
    const r2 = parseTrajectory("<Plan_1>\n<Final_answer>\n\\boxed{1}\n</Final_answer>");
    expect(r2.trajectory).toStrictEqual({ rounds: [], finalAnswer: { text: "\\boxed{1}", style: "tag" } });
    expect(diags(r2)).toEqual([["unclosed-tag", 1, 1]]);
  });

  it("closes unclosed tags where the next block starts, and reports the opening tag", () => {
    const input = lines(
      "<Plan_1>", // 1
      "a", // 2
      "<prompt_1.1> p1", // 3
      "<prompt_1.2> p2 </prompt_1.2>", // 4
      "<Execution_1>", // 5
      "<execution_1.1>", // 6
      "e1", // 7
      "<execution_1.2>", // 8
      "e2", // 9
      "<Final_answer>", // 10
      "\\boxed{3}", // 11
    );
    const r = parseTrajectory(input);
    expect(r.trajectory).toStrictEqual({
      rounds: [
        {
          index: 1,
          chunks: [
            { separatorBefore: false, text: "a", prompt: { index: 1, text: "p1" } },
            { separatorBefore: false, text: "", prompt: { index: 2, text: "p2" } },
          ],
          executions: [
            { index: 1, text: "e1" },
            { index: 2, text: "e2" },
          ],
        },
      ],
      finalAnswer: { text: "\\boxed{3}", style: "tag" },
    });
    expect(diags(r)).toEqual([
      ["unclosed-tag", 1, 1],
      ["unclosed-tag", 3, 1],
      ["unclosed-tag", 5, 1],
      ["unclosed-tag", 6, 1],
      ["unclosed-tag", 8, 1],
      ["unclosed-tag", 10, 1],
    ]);
    expect(r.diagnostics[1]?.message).toBe("<prompt_1.1> is not closed; closed before <prompt_1.2>");
    expect(r.diagnostics[5]?.message).toBe("<Final_answer> is not closed; closed at the end of input");
    expect(r.ok).toBe(true);
  });

  it("reports unclosed <think> and <Question>, and a question without <think>", () => {
    const r = parseTrajectory("<Question>\nQ?\n<think>\n<Final_answer>\n\\boxed{1}\n</Final_answer>");
    expect(r.trajectory).toStrictEqual({ rounds: [], question: "Q?", finalAnswer: { text: "\\boxed{1}", style: "tag" } });
    expect(diags(r)).toEqual([
      ["unclosed-tag", 1, 1],
      ["unclosed-tag", 3, 1],
    ]);
    const q = parseTrajectory("<Question>Q?</Question>\n<Final_answer>x</Final_answer>");
    expect(q.trajectory.question).toBe("Q?");
    expect(diags(q)).toEqual([["missing-think", 1, 24]]);
  });

  it("reports stray text between blocks at its first character and drops it", () => {
    const r = parseTrajectory("Sure! Here it is.\n<Plan_1>\nx\n</Plan_1>\n  oops\n<Execution_1>\nNo prompt to execute.\n</Execution_1>\n<Final_answer>y</Final_answer>");
    expect(r.trajectory).toStrictEqual({
      rounds: [{ index: 1, chunks: [{ separatorBefore: false, text: "x" }], executions: [] }],
      finalAnswer: { text: "y", style: "tag" },
    });
    expect(diags(r)).toEqual([
      ["stray-text", 1, 1],
      ["stray-text", 5, 3],
    ]);
  });

  it("reports stray text between executions", () => {
    const r = parseTrajectory("<Plan_1>\n<prompt_1.1>p</prompt_1.1>\n</Plan_1>\n<Execution_1>\n<execution_1.1>e</execution_1.1>\n junk\n</Execution_1>");
    expect(r.trajectory.rounds[0]?.executions).toStrictEqual([{ index: 1, text: "e" }]);
    expect(diags(r)).toEqual([
      ["stray-text", 6, 2],
      ["missing-final-answer", 7, 15],
    ]);
  });

  it("normalizes skipped and renumbered indices to 1..n and rewrites Based on references", () => {
    const input = lines(
      "<Plan_1>", // 1
      "<prompt_1.1> a </prompt_1.1>", // 2
      "<prompt_1.3> b </prompt_1.3>", // 3
      "</Plan_1>", // 4
      "<Execution_1>", // 5
      "<execution_1.1>A</execution_1.1>", // 6
      "<execution_1.3>B</execution_1.3>", // 7
      "</Execution_1>", // 8
      "<Plan_3>", // 9
      "Based on execution_1.3:", // 10
      "<prompt_3.1> c </prompt_3.1>", // 11
      "</Plan_3>", // 12
      "<Execution_3>", // 13
      "<execution_3.1>C</execution_3.1>", // 14
      "</Execution_3>", // 15
      "<Plan_4>", // 16
      "Based on execution_3.1, execution_1.1:", // 17
      "</Plan_4>", // 18
      "<Execution_4>", // 19
      "No prompt to execute.", // 20
      "</Execution_4>", // 21
      "<Final_answer>", // 22
      "done", // 23
      "</Final_answer>", // 24
    );
    const r = parseTrajectory(input);
    expect(r.trajectory.rounds.map((x) => x.index)).toEqual([1, 2, 3]);
    expect(r.trajectory.rounds[0]?.chunks.map((c) => c.prompt?.index)).toEqual([1, 2]);
    expect(r.trajectory.rounds[0]?.executions).toStrictEqual([
      { index: 1, text: "A" },
      { index: 2, text: "B" },
    ]);
    expect(r.trajectory.rounds[1]?.chunks[0]?.text).toBe("Based on execution_1.2:");
    expect(r.trajectory.rounds[2]?.chunks[0]?.text).toBe("Based on execution_2.1, execution_1.1:");
    expect(diags(r)).toEqual([
      ["renumbered-prompt", 3, 1],
      ["renumbered-round", 9, 1],
      ["renumbered-round", 16, 1],
    ]);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "prompt_1.3 renumbered to prompt_1.2",
      "Plan_3 renumbered to Plan_2",
      "Plan_4 renumbered to Plan_3",
    ]);
    // The repaired trajectory is canonical.
    expect(parseTrajectory(serializeTrajectory(r.trajectory), { strict: true }).ok).toBe(true);
  });

  it("matches executions to prompts by index, then by position; extras are kept after the prompts", () => {
    const r = parseTrajectory(
      lines(
        "<Plan_1>", // 1
        "<prompt_1.1> a </prompt_1.1>", // 2
        "<prompt_1.2> b </prompt_1.2>", // 3
        "</Plan_1>", // 4
        "<Execution_1>", // 5
        "<execution_1.2>B</execution_1.2>", // 6
        "<execution_1.7>A?</execution_1.7>", // 7
        "<execution_1.2>again</execution_1.2>", // 8
        "</Execution_1>", // 9
      ),
    );
    expect(r.trajectory.rounds[0]?.executions).toStrictEqual([
      { index: 1, text: "A?" },
      { index: 2, text: "B" },
      { index: 3, text: "again" },
    ]);
    expect(diags(r)).toEqual([
      ["renumbered-execution", 7, 1],
      ["execution-without-prompt", 8, 1],
      ["missing-final-answer", 9, 15],
    ]);
    expect(r.diagnostics[0]?.message).toBe("execution_1.7 has no matching prompt; read as execution_1.1");
    expect(r.diagnostics[1]?.message).toBe("execution_1.2 has no matching prompt; kept as execution_1.3");
  });

  it("reports prompts without executions, plans without Execution blocks and executions without plans", () => {
    const r = parseTrajectory(
      lines(
        "<Plan_1>", // 1
        "<prompt_1.1> a </prompt_1.1>", // 2
        "<prompt_1.2> b </prompt_1.2>", // 3
        "</Plan_1>", // 4
        "<Execution_1>", // 5
        "<execution_1.1>A</execution_1.1>", // 6
        "</Execution_1>", // 7
        "<Execution_2>", // 8
        "<execution_2.1>X</execution_2.1>", // 9
        "</Execution_2>", // 10
        "<Plan_3>", // 11
        "<prompt_3.1> c </prompt_3.1>", // 12
        "</Plan_3>", // 13
        "<Final_answer>z</Final_answer>", // 14
      ),
    );
    expect(r.trajectory.rounds).toStrictEqual([
      {
        index: 1,
        chunks: [
          { separatorBefore: false, text: "", prompt: { index: 1, text: "a" } },
          { separatorBefore: false, text: "", prompt: { index: 2, text: "b" } },
        ],
        executions: [{ index: 1, text: "A" }],
      },
      { index: 2, chunks: [], executions: [{ index: 1, text: "X" }] },
      { index: 3, chunks: [{ separatorBefore: false, text: "", prompt: { index: 1, text: "c" } }], executions: [] },
    ]);
    expect(diags(r)).toEqual([
      ["missing-execution", 3, 1],
      ["execution-without-plan", 8, 1],
      ["execution-without-prompt", 9, 1],
      ["missing-execution-block", 11, 1],
    ]);
  });

  it("reads CRLF input like LF input, with positions in the original text", () => {
    const crlf = PAPER_BODY.replace(/\n/g, "\r\n");
    const r = parseTrajectory(crlf);
    expect(r.trajectory).toStrictEqual(PAPER);
    expect(diags(r)).toEqual([["crlf-line-endings", 1, 9]]);
    const broken = parseTrajectory("<Plan_1>\r\nx\r\n  <prompt_1.1> p\r\n</Plan_1>\r\n");
    expect(broken.trajectory.rounds[0]?.chunks).toStrictEqual([{ separatorBefore: false, text: "x", prompt: { index: 1, text: "p" } }]);
    expect(diags(broken)).toEqual([
      ["missing-execution-block", 1, 1],
      ["crlf-line-endings", 1, 9],
      ["unclosed-tag", 3, 3],
      ["missing-final-answer", 5, 1],
    ]);
    expect(parseTrajectory(crlf, { strict: true }).ok).toBe(false);
  });

  it("reads whitespace and case variants of tags and reports each", () => {
    const r = parseTrajectory(
      lines(
        "< Plan_1 >", // 1
        "x", // 2
        "<prompt_1. 1>p</PROMPT_1.1>", // 3
        "</ plan_1>", // 4
        "<Execution 1>", // 5
        "<Execution_1.1>e</execution_1.1>", // 6
        "</Execution_1>", // 7
        "<final answer>f</FinalAnswer>", // 8
      ),
    );
    expect(r.trajectory).toStrictEqual({
      rounds: [
        {
          index: 1,
          chunks: [{ separatorBefore: false, text: "x", prompt: { index: 1, text: "p" } }],
          executions: [{ index: 1, text: "e" }],
        },
      ],
      finalAnswer: { text: "f", style: "tag" },
    });
    expect(diags(r)).toEqual([
      ["tag-variant", 1, 1],
      ["tag-variant", 3, 1],
      ["tag-variant", 3, 15],
      ["tag-variant", 4, 1],
      ["tag-variant", 5, 1],
      ["tag-variant", 6, 1],
      ["tag-variant", 8, 1],
      ["tag-variant", 8, 16],
    ]);
    expect(r.diagnostics[0]?.message).toBe('Tag "< Plan_1 >" read as <Plan_1>');
  });

  it("reads 'No prompt to execute.' variants, empty Execution blocks and untagged execution text", () => {
    const r = parseTrajectory(
      lines(
        "<Plan_1>", // 1
        "a", // 2
        "</Plan_1>", // 3
        "<Execution_1>", // 4
        "  no prompt to execute", // 5
        "</Execution_1>", // 6
        "<Plan_2>", // 7
        "b", // 8
        "</Plan_2>", // 9
        "<Execution_2>", // 10
        "</Execution_2>", // 11
        "<Plan_3>", // 12
        "<prompt_3.1> c </prompt_3.1>", // 13
        "</Plan_3>", // 14
        "<Execution_3>", // 15
        "The result is 4.", // 16
        "</Execution_3>", // 17
        "<Final_answer>4</Final_answer>", // 18
      ),
    );
    expect(r.trajectory.rounds.map((x) => x.executions)).toStrictEqual([[], [], [{ index: 1, text: "The result is 4." }]]);
    expect(diags(r)).toEqual([
      ["no-prompt-variant", 5, 3],
      ["empty-execution-block", 10, 1],
      ["missing-execution-tags", 16, 1],
    ]);
  });

  it("reports 'No prompt to execute.' in a round that has prompts", () => {
    const r = parseTrajectory("<Plan_1>\n<prompt_1.1>p</prompt_1.1>\n</Plan_1>\n<Execution_1>\nNo prompt to execute.\n</Execution_1>\n<Final_answer>f</Final_answer>");
    expect(r.trajectory.rounds[0]?.executions).toEqual([]);
    expect(diags(r)).toEqual([
      ["missing-execution", 2, 1],
      ["unexpected-no-prompt", 5, 1],
    ]);
  });

  it("opens a plan for a prompt outside one, and an Execution block for bare executions", () => {
    const r = parseTrajectory("<prompt_1.1>p</prompt_1.1>\n<execution_1.1>e</execution_1.1>\n<Final_answer>f</Final_answer>");
    expect(r.trajectory.rounds).toStrictEqual([
      { index: 1, chunks: [{ separatorBefore: false, text: "", prompt: { index: 1, text: "p" } }], executions: [{ index: 1, text: "e" }] },
    ]);
    expect(diags(r)).toEqual([
      ["missing-open-tag", 1, 1],
      ["unclosed-tag", 1, 1],
      ["missing-open-tag", 2, 1],
      ["unclosed-tag", 2, 1],
    ]);
  });

  it("keeps tags that do not belong in a block as text, and reports them", () => {
    const r = parseTrajectory("<Plan_1>\nUse <think> here </Final_answer>.\n<prompt_1.1> run <Question> </prompt_1.1>\n</Plan_1>");
    expect(r.trajectory.rounds[0]?.chunks).toStrictEqual([
      { separatorBefore: false, text: "Use <think> here </Final_answer>.", prompt: { index: 1, text: "run <Question>" } },
    ]);
    expect(diags(r)).toEqual([
      ["missing-execution-block", 1, 1],
      ["unexpected-tag", 2, 5],
      ["unexpected-tag", 2, 18],
      ["unexpected-tag", 3, 18],
      ["missing-final-answer", 4, 10],
    ]);
  });

  it("ignores content after the final answer and after </think>", () => {
    const r = parseTrajectory("<think>\n<Final_answer>\n\\boxed{1}\n</Final_answer>\n<Plan_9>\nmore\n</Plan_9>\n</think>\n\nThe answer is 1.");
    expect(r.trajectory).toStrictEqual({ rounds: [], finalAnswer: { text: "\\boxed{1}", style: "tag" } });
    expect(diags(r)).toEqual([["content-after-final-answer", 5, 1]]);
    const after = parseTrajectory("<think>\n<Plan_1>\nx\n</Plan_1>\n<Execution_1>\nNo prompt to execute.\n</Execution_1>\n</think>\n**Final Answer** 3");
    expect(after.trajectory.finalAnswer).toStrictEqual({ text: "3", style: "markdown" });
    expect(diags(after)).toEqual([
      ["content-after-think", 9, 1],
      ["markdown-final-answer", 9, 1],
    ]);
  });

  it("reads separator variants and reports them", () => {
    const r = parseTrajectory("<Plan_1>\na\n<prompt_1.1>p</prompt_1.1>\n  ---\nb\n<prompt_1.2>q</prompt_1.2>\n-------\n</Plan_1>");
    expect(r.trajectory.rounds[0]?.chunks).toStrictEqual([
      { separatorBefore: false, text: "a", prompt: { index: 1, text: "p" } },
      { separatorBefore: true, text: "b", prompt: { index: 2, text: "q" } },
      { separatorBefore: true, text: "" },
    ]);
    expect(diags(r).filter((d) => d[0] === "separator-variant")).toEqual([
      ["separator-variant", 4, 3],
      ["separator-variant", 7, 1],
    ]);
  });

  it("keeps dash lines that are not separators as text", () => {
    const r = parseTrajectory("<Plan_1>\na\n--\n----- not a separator\nx - y\n<prompt_1.1>p</prompt_1.1>\n</Plan_1>");
    expect(r.trajectory.rounds[0]?.chunks).toStrictEqual([
      { separatorBefore: false, text: "a\n--\n----- not a separator\nx - y", prompt: { index: 1, text: "p" } },
    ]);
    // Only separators at the start of a logical line count; after a tag is such a start.
    const afterTag = parseTrajectory("<Plan_1>-----\nb\n</Plan_1>");
    expect(afterTag.trajectory.rounds[0]?.chunks).toStrictEqual([{ separatorBefore: true, text: "b" }]);
    expect(diags(afterTag)).toEqual([
      ["missing-execution-block", 1, 1],
      ["separator-variant", 1, 9],
      ["missing-final-answer", 3, 10],
    ]);
  });

  it("reports a Based on reference that names no earlier execution, at the reference", () => {
    const r = parseTrajectory(
      "<Plan_1>\n<prompt_1.1>p</prompt_1.1>\n</Plan_1>\n<Execution_1>\n<execution_1.1>e</execution_1.1>\n</Execution_1>\n<Plan_2>\n  Based on execution_1.1, execution_1.4, execution_2.1:\n</Plan_2>\n<Execution_2>\nNo prompt to execute.\n</Execution_2>\n<Final_answer>f</Final_answer>",
    );
    expect(r.trajectory.rounds[1]?.chunks[0]?.text).toBe("Based on execution_1.1, execution_1.4, execution_2.1:");
    expect(diags(r)).toEqual([
      ["unknown-execution-ref", 8, 27],
      ["unknown-execution-ref", 8, 42],
    ]);
  });

  it("reports mismatched closing tags and Execution blocks that follow another plan", () => {
    const r = parseTrajectory("<Plan_1>\n<prompt_1.1>p</prompt_1.2>\n</Plan_2>\n<Execution_2>\n<execution_1.1>e</execution_1.3>\n</Execution_1>\n<Final_answer>f</Final_answer>");
    expect(r.trajectory.rounds).toStrictEqual([
      { index: 1, chunks: [{ separatorBefore: false, text: "", prompt: { index: 1, text: "p" } }], executions: [{ index: 1, text: "e" }] },
    ]);
    expect(diags(r)).toEqual([
      ["mismatched-close-tag", 2, 14],
      ["mismatched-close-tag", 3, 1],
      ["execution-block-mismatch", 4, 1],
      ["mismatched-close-tag", 5, 17],
      ["mismatched-close-tag", 6, 1],
    ]);
  });

  it("reports missing indices and reads <prompt_k> as prompt k", () => {
    const r = parseTrajectory("<Plan>\n<prompt_2>p</prompt_2>\n</Plan>\n<Execution>\n<execution_1.2>e</execution_1.2>\n</Execution>\n<Final_answer>f</Final_answer>");
    expect(r.trajectory.rounds).toStrictEqual([
      { index: 1, chunks: [{ separatorBefore: false, text: "", prompt: { index: 1, text: "p" } }], executions: [{ index: 1, text: "e" }] },
    ]);
    expect(diags(r)).toEqual([
      ["missing-index", 1, 1],
      ["missing-index", 2, 1],
      ["renumbered-prompt", 2, 1],
      ["missing-index", 2, 12],
      ["missing-index", 3, 1],
      ["missing-index", 4, 1],
      ["missing-index", 6, 1],
    ]);
  });

  it("tolerant mode: ok unless nothing could be read; strict mode: every deviation is an error", () => {
    const empty = parseTrajectory("");
    expect(empty).toStrictEqual({
      trajectory: { rounds: [] },
      diagnostics: [{ line: 1, column: 1, severity: "error", code: "empty-trajectory", message: "No plan, execution or final answer found" }],
      ok: false,
      dropped: { ranges: [], chars: 0, text: "" },
    });
    expect(parseTrajectory("just some prose").ok).toBe(false);
    const noFinal = "<Plan_1>\nx\n</Plan_1>\n\n<Execution_1>\nNo prompt to execute.\n</Execution_1>";
    expect(parseTrajectory(noFinal).ok).toBe(true);
    expect(parseTrajectory(noFinal).diagnostics).toEqual([
      { line: 7, column: 15, severity: "warning", code: "missing-final-answer", message: "No final answer" },
    ]);
    expect(parseTrajectory(noFinal, { strict: true }).ok).toBe(false);
    expect(parseTrajectory(noFinal, { strict: true }).diagnostics.map((d) => d.severity)).toEqual(["error"]);
  });

  it("strict mode reports the first non-canonical character exactly", () => {
    const cases: [string, number, number][] = [
      [PAPER_BODY.replace("<Plan_1>\n", "<Plan_1>\n\n"), 2, 1], // blank line inside a plan
      [PAPER_BODY.replace("</Plan_1>\n\n", "</Plan_1>\n"), 8, 1], // missing blank line
      [PAPER_BODY.replace("<prompt_1.1> an", "<prompt_1.1>an"), 3, 13], // no space inside a prompt
      [PAPER_BODY.replace("text produced", "  text produced"), 11, 1], // indented execution text
      [`\n${PAPER_BODY}`, 1, 1], // leading newline
    ];
    for (const [input, line, column] of cases) {
      const r = parseTrajectory(input, { strict: true });
      expect(r.trajectory).toStrictEqual(PAPER);
      expect(diags(r)).toEqual([["non-canonical", line, column]]);
      expect(parseTrajectory(input).diagnostics).toEqual([]);
    }
  });
});

describe("helpers", () => {
  it("basedOnRefs reads every Based on line, in order, without duplicates", () => {
    expect(basedOnRefs("Based on execution_1.1, execution_2.3:\nwork\n  based on execution_2.3 and execution_3.1: so execution_4.4\nnot Based on execution_9.9"))
      .toStrictEqual([
        { round: 1, index: 1 },
        { round: 2, index: 3 },
        { round: 3, index: 1 },
      ]);
    expect(basedOnRefs("no references")).toEqual([]);
    expect(basedOnRefs("Based on execution_1.:")).toEqual([]);
  });

  it("formatBasedOn writes the paper's line, and reads back", () => {
    const refs = [
      { round: 1, index: 1 },
      { round: 1, index: 2 },
    ];
    expect(formatBasedOn(refs)).toBe("Based on execution_1.1, execution_1.2:");
    expect(formatBasedOn([])).toBe("");
    expect(basedOnRefs(formatBasedOn(refs))).toStrictEqual(refs);
  });

  it("stripTags removes SPRINT tags (any variant) and nothing else", () => {
    expect(stripTags("<think>\none two three\n</think>\nfour")).toBe("\none two three\n\nfour");
    expect(stripTags("<Plan_1>a <prompt_1.1> b </prompt_1.1>< /Plan_1 >x < y <b>bold</b> <Final_answer>")).toBe("a  b x < y <b>bold</b> ");
    expect(stripTags("no tags at all")).toBe("no tags at all");
  });

  it("extractBoxed returns the last balanced \\boxed{…}", () => {
    expect(extractBoxed("\\boxed{1} then \\boxed{\\frac{1}{2}}")).toBe("\\frac{1}{2}");
    expect(extractBoxed("\\boxed {x^{2}} and \\boxed{3")).toBe("x^{2}");
    expect(extractBoxed("\\boxed{\\{1,2\\}}")).toBe("\\{1,2\\}");
    expect(extractBoxed("\\boxed{a \\boxed{b}}")).toBe("a \\boxed{b}");
    expect(extractBoxed("\\boxed{}")).toBe("");
    expect(extractBoxed("no box, \\boxed 5, {braces}")).toBeUndefined();
  });

  it("dropCrBeforeLf removes CR runs before LF only", () => {
    expect(dropCrBeforeLf("a\r\nb\r\r\nc\rd\r")).toBe("a\nb\nc\rd\r");
    expect(dropCrBeforeLf("plain")).toBe("plain");
  });

  it("renumberTrajectory renumbers rounds, prompts and executions and rewrites Based on lines", () => {
    const messy: Trajectory = {
      question: "q",
      rounds: [
        {
          index: 2,
          chunks: [
            { separatorBefore: false, text: "a", prompt: { index: 5, text: "p" } },
            { separatorBefore: true, text: "b", prompt: { index: 9, text: "r" } },
          ],
          executions: [
            { index: 9, text: "R" },
            { index: 5, text: "P" },
          ],
        },
        { index: 7, chunks: [{ separatorBefore: false, text: "Based on execution_2.9, execution_2.5:\nc" }], executions: [] },
      ],
      finalAnswer: { text: "f", style: "tag" },
    };
    expect(renumberTrajectory(messy)).toStrictEqual({
      question: "q",
      rounds: [
        {
          index: 1,
          chunks: [
            { separatorBefore: false, text: "a", prompt: { index: 1, text: "p" } },
            { separatorBefore: true, text: "b", prompt: { index: 2, text: "r" } },
          ],
          executions: [
            { index: 1, text: "P" },
            { index: 2, text: "R" },
          ],
        },
        { index: 2, chunks: [{ separatorBefore: false, text: "Based on execution_1.2, execution_1.1:\nc" }], executions: [] },
      ],
      finalAnswer: { text: "f", style: "tag" },
    });
    expect(renumberTrajectory(PAPER)).toStrictEqual(PAPER);
  });
});

describe("properties", () => {
  const withoutQuestion = (t: Trajectory): Trajectory => {
    const { question: _q, ...rest } = t;
    return rest;
  };
  const expectedCodes = (t: Trajectory): string[] =>
    t.finalAnswer !== undefined ? [] : t.rounds.length > 0 ? ["missing-final-answer"] : ["empty-trajectory"];

  it("round trip: parse(serialize(t)) deep-equals t for canonical trajectories, strictly", () => {
    fc.assert(
      fc.property(trajectoryArb(), (t) => {
        const body = parseTrajectory(serializeTrajectory(t), { strict: true });
        expect(body.trajectory).toStrictEqual(withoutQuestion(t));
        expect(body.diagnostics.map((d) => d.code)).toEqual(expectedCodes(t));
        const doc = parseTrajectory(serializeDocument(t), { strict: true });
        expect(doc.trajectory).toStrictEqual(t);
        expect(doc.diagnostics.map((d) => d.code)).toEqual(expectedCodes(t));
      }),
      { numRuns: 400 },
    );
  });

  it("round trip survives CRLF line endings (tolerant)", () => {
    fc.assert(
      fc.property(trajectoryArb(), (t) => {
        const r = parseTrajectory(serializeDocument(t).replace(/\n/g, "\r\n"));
        expect(r.trajectory).toStrictEqual(t);
      }),
      { numRuns: 150 },
    );
  });

  it("fixed point: serialize(parse(serialize(parse(x)))) === serialize(parse(x)) for format-like strings", () => {
    fc.assert(
      fc.property(formatishArb, (x) => {
        for (const ser of [serializeTrajectory, serializeDocument]) {
          const once = ser(parseTrajectory(x).trajectory);
          expect(ser(parseTrajectory(once).trajectory)).toBe(once);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("fixed point for arbitrary strings, and for mutated canonical trajectories", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 120 }), (x) => {
        const once = serializeTrajectory(parseTrajectory(x).trajectory);
        expect(serializeTrajectory(parseTrajectory(once).trajectory)).toBe(once);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(
        trajectoryArb({ maxRounds: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.constantFrom(...FORMAT_FRAGMENTS)), { minLength: 1, maxLength: 6 }),
        (t, edits) => {
          let x = serializeDocument(t);
          for (const [pos, del, ins] of edits) {
            const p = pos % (x.length + 1);
            x = x.slice(0, p) + ins + x.slice(p + del);
          }
          const once = serializeDocument(parseTrajectory(x).trajectory);
          expect(serializeDocument(parseTrajectory(once).trajectory)).toBe(once);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("diagnostics are sorted, inside the input, and ok ⇔ no error", () => {
    fc.assert(
      fc.property(formatishArb, fc.boolean(), (x, strict) => {
        const r = parseTrajectory(x, { strict });
        const lineCount = x.split("\n").length;
        let prev = [0, 0];
        for (const d of r.diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.line).toBeLessThanOrEqual(lineCount);
          const lineText = x.split("\n")[d.line - 1] as string;
          expect(d.column).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeLessThanOrEqual(lineText.length + 1);
          expect(d.line > (prev[0] as number) || (d.line === prev[0] && d.column >= (prev[1] as number))).toBe(true);
          prev = [d.line, d.column];
          if (strict) expect(d.severity).toBe("error");
          else if (d.code !== "empty-trajectory") expect(d.severity).toBe("warning");
        }
        expect(r.ok).toBe(r.diagnostics.every((d) => d.severity !== "error"));
      }),
      { numRuns: 1500 },
    );
  });

  it("renumbering scrambled indices restores the canonical trajectory (parse and renumberTrajectory)", () => {
    fc.assert(
      fc.property(trajectoryArb(), fc.integer({ min: 2, max: 9 }), (t, factor) => {
        // Scramble: round p → p·factor, prompt/execution k → k·factor + 1, Based on lines rewritten too.
        const r = (p: number): number => p * factor;
        const k = (x: number): number => x * factor + 1;
        const scrambled: Trajectory = {
          ...t,
          rounds: t.rounds.map((round) => ({
            index: r(round.index),
            chunks: round.chunks.map((c) => ({
              ...c,
              text: c.text.replace(/execution_(\d+)\.(\d+)/g, (_m, a: string, b: string) => `execution_${r(Number(a))}.${k(Number(b))}`),
              ...(c.prompt !== undefined ? { prompt: { index: k(c.prompt.index), text: c.prompt.text } } : {}),
            })),
            executions: [...round.executions].reverse().map((e) => ({ index: k(e.index), text: e.text })),
          })),
        };
        expect(renumberTrajectory(scrambled)).toStrictEqual(t);
        const parsed = parseTrajectory(serializeDocument(scrambled));
        expect(parsed.trajectory).toStrictEqual(t);
        expect(parsed.diagnostics.every((d) => ["renumbered-round", "renumbered-prompt", "missing-final-answer", "empty-trajectory"].includes(d.code))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("stripTags leaves no tag behind and is idempotent", () => {
    fc.assert(
      fc.property(formatishArb, (x) => {
        const s = stripTags(x);
        expect(stripTags(s)).toBe(s);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("generateTrajectory", () => {
  it("is deterministic, canonical and close to the requested size", () => {
    for (let seed = 0; seed < 40; seed++) {
      const t = generateTrajectory(seed, 32_000);
      expect(generateTrajectory(seed, 32_000)).toStrictEqual(t);
      const text = serializeTrajectory(t);
      expect(text.length).toBeGreaterThan(32_000 * 0.9);
      expect(text.length).toBeLessThan(32_000 * 1.1);
      expect(t.rounds.length).toBeGreaterThanOrEqual(3);
      expect(t.rounds.length).toBeLessThanOrEqual(11);
      const r = parseTrajectory(text, { strict: true });
      expect(r.diagnostics).toEqual([]);
      expect(r.trajectory).toStrictEqual(t);
      expect(extractBoxed(t.finalAnswer?.text ?? "")).toMatch(/^\d+$/);
    }
    expect(serializeTrajectory(generateTrajectory(1, 8000))).not.toBe(serializeTrajectory(generateTrajectory(2, 8000)));
  });

  it("has the shapes the benchmark needs: no-prompt rounds, multi-prompt rounds, separators, Based on lines", () => {
    const all = Array.from({ length: 50 }, (_, s) => generateTrajectory(s, 32_000));
    const rounds = all.flatMap((t) => t.rounds);
    expect(rounds.some((r) => r.executions.length === 0)).toBe(true);
    expect(rounds.some((r) => r.executions.length >= 3)).toBe(true);
    expect(rounds.some((r) => r.chunks.some((c) => c.separatorBefore))).toBe(true);
    expect(rounds.some((r) => r.chunks.some((c) => basedOnRefs(c.text).length > 0))).toBe(true);
  });
});

describe("linear time", () => {
  it("parses 300 kB pathological inputs quickly", () => {
    const n = 300_000;
    const inputs = [
      "<".repeat(n),
      "<Plan_1 ".repeat(n / 8),
      "<prompt_1.1>x</prompt_1.1>".repeat(n / 26),
      "-".repeat(n),
      "\r".repeat(n) + "x\r\n",
      "<Plan_1>\n" + "Based on execution_1.1 execution_1.1\n".repeat(n / 38),
      `<Plan_1>${"<prompt_1.1></prompt_1.1>".repeat(6_000)}</Plan_1><Execution_1>${"<execution_1.7>x</execution_1.7>".repeat(6_000)}`,
    ];
    for (const x of inputs) {
      const t0 = performance.now();
      const r = parseTrajectory(x);
      serializeTrajectory(r.trajectory);
      extractBoxed(x);
      stripTags(x);
      expect(performance.now() - t0).toBeLessThan(2000);
    }
  });
});
