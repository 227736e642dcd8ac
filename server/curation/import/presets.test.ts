import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { detectPreset, getPath, listPaths, mapRecord, presetMapping, type MappedTrace, type MapResult } from "./presets";
import { curatedColumns, stepsFromTrajectory } from "./curated";
import { parseTrajectory } from "../../sprint/format";
import { buildTrajectory, packStages } from "../../sprint/packing";
import type { Step } from "../../sprint/steps";

const FIXTURES = path.resolve(import.meta.dirname, "../../../tests/fixtures/import");
const lines = (name: string): unknown[] =>
  fs
    .readFileSync(path.join(FIXTURES, name), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as unknown);

function ok(r: MapResult): MappedTrace {
  if (!r.ok) throw new Error(`expected ok, got: ${r.reason}`);
  return r.row;
}
function reason(r: MapResult): string {
  if (r.ok) throw new Error("expected a failure");
  return r.reason;
}

describe("openthoughts", () => {
  it("default config: conversations with <|begin_of_thought|>", () => {
    const [a, b] = lines("openthoughts-default.jsonl");
    expect(detectPreset(a)).toBe("openthoughts");
    const row = ok(mapRecord(a, "openthoughts"));
    expect(row.question).toBe("Return your final response within \\boxed{}. What is $3 + 4 \\times 2$?");
    expect(row.reasoning).toBe("Okay, so I need to compute $3 + 4 \\times 2$.\n\nMultiplication comes first: $4 \\times 2 = 8$.\n\nThen $3 + 8 = 11$.");
    expect(row.referenceSolution).toContain("\\boxed{11}");
    expect(row.referenceAnswer).toBe("11");
    expect(row.sourceModel).toBe("deepseek-r1");
    expect(row.metadata).toBeUndefined(); // the system prompt is not kept
    expect(ok(mapRecord(b, "openthoughts")).referenceAnswer).toBe("4");
  });

  it("metadata config: problem / deepseek_reasoning / deepseek_solution / ground_truth_solution", () => {
    const [a] = lines("openthoughts-metadata.jsonl");
    expect(detectPreset(a)).toBe("openthoughts");
    const row = ok(mapRecord(a, "openthoughts"));
    expect(row.question).toBe("Find $x$ if $2x + 3 = 11$.");
    expect(row.reasoning).toMatch(/^Subtract 3/);
    expect(row.referenceSolution).toBe("Solving $2x + 3 = 11$ gives $x = \\boxed{4}$.");
    expect(row.referenceAnswer).toBe("4");
    expect(row.metadata).toEqual({ domain: "math", source: "synthetic", correct: true, groundTruthSolution: "We have $2x = 8$, so $x = \\boxed{4}$." });
  });

  it("says what is missing", () => {
    expect(reason(mapRecord({ conversations: [{ from: "assistant", value: "x" }] }, "openthoughts"))).toMatch(/^question: missing \(looked for a user message in "conversations"\)/);
    expect(reason(mapRecord({ conversations: [{ from: "user", value: "q" }] }, "openthoughts"))).toMatch(/^reasoning: missing/);
    expect(reason(mapRecord({ problem: "q", deepseek_reasoning: 5 }, "openthoughts"))).toBe('reasoning: expected text in "deepseek_reasoning", got a number');
    expect(reason(mapRecord({ problem: "q", deepseek_reasoning: "<|begin_of_thought|>\n\n<|end_of_thought|>" }, "openthoughts"))).toBe("reasoning is empty");
  });
});

describe("s1k", () => {
  it("maps question, thinking trajectory, attempt and the ground-truth answer", () => {
    const [a] = lines("s1k.jsonl");
    expect(detectPreset(a)).toBe("s1k");
    const row = ok(mapRecord(a, "s1k"));
    expect(row.question).toBe("Compute the sum of the first 10 positive integers.");
    expect(row.reasoning).toMatch(/^The sum 1 \+ 2/);
    expect(row.referenceSolution).toBe("The sum is $\\frac{10 \\cdot 11}{2} = \\boxed{55}$.");
    expect(row.referenceAnswer).toBe("55");
    expect(row.metadata).toMatchObject({ cot_type: "math", source_type: "synthetic", deepseek_grade: "Yes", groundTruthSolution: "55" });
    expect(row.metadata).not.toHaveProperty("gemini_thinking_trajectory");
  });
});

describe("plain", () => {
  it("question/reasoning/answer, aliases, R1 <think> output and chat messages", () => {
    const [a, b, c] = lines("plain.jsonl");
    for (const r of [a, b, c]) expect(detectPreset(r)).toBe("plain");
    expect(ok(mapRecord(a, "plain"))).toEqual({ question: "What is 6 × 7?", reasoning: "6 × 7 = 42.", referenceAnswer: "42" });
    expect(ok(mapRecord(b, "plain"))).toEqual({
      question: "Is 91 prime?",
      reasoning: "91 = 7 × 13, so it is not prime.",
      referenceSolution: "No: 91 = 7 × 13.",
      externalId: "p-2",
    });
    expect(ok(mapRecord(c, "plain"))).toMatchObject({ question: "Name a square number above 50.", reasoning: "7² = 49 is below, 8² = 64 is above.", referenceSolution: "64" });
  });

  it("numbers as answers, extra fields as metadata, vLLM reasoning_content", () => {
    const row = ok(mapRecord({ problem: "1+1?", reasoning_content: "one plus one is two", answer: 2, difficulty: 1, tags: ["easy"] }, "plain"));
    expect(row).toEqual({ question: "1+1?", reasoning: "one plus one is two", referenceAnswer: "2", metadata: { difficulty: 1, tags: ["easy"] } });
  });

  it("validation reasons", () => {
    expect(reason(mapRecord({ question: "  ", reasoning: "r" }, "plain"))).toBe("question is empty");
    expect(reason(mapRecord({ question: "q" }, "plain"))).toMatch(/^reasoning: missing \(looked for reasoning, reasoning_content/);
    expect(reason(mapRecord({ question: ["q"], reasoning: "r" }, "plain"))).toBe('question: expected text in "question", got a list');
    expect(reason(mapRecord({ question: "q", reasoning: "x".repeat(1_000_001) }, "plain"))).toBe("reasoning is longer than 1,000,000 characters");
    expect(reason(mapRecord({ question: "q\u0000", reasoning: "r" }, "plain"))).toMatch(/NUL character/);
    expect(reason(mapRecord(42, "plain"))).toBe("Expected a JSON object, got a number");
    expect(reason(mapRecord(null, "plain"))).toBe("Expected a JSON object, got null");
    expect(reason(mapRecord([1], "plain"))).toBe("Expected a JSON object, got a list");
  });
});

describe("custom", () => {
  it("maps dotted paths, array indices and negative indices", () => {
    const rec = { data: { convo: [{ text: "Q?" }, { text: "<think>\nr\n</think>\n\nA" }] }, meta: { id: 7, model: "m" } };
    const row = ok(mapRecord(rec, "custom", { question: "data.convo.0.text", reasoning: "data.convo[-1].text", externalId: "meta.id", sourceModel: "meta.model" }));
    expect(row).toEqual({ question: "Q?", reasoning: "r", referenceSolution: "A", externalId: "7", sourceModel: "m" });
    expect(reason(mapRecord(rec, "custom", { question: "data.nope", reasoning: "data.convo.1.text" }))).toBe('question: missing (looked for "data.nope")');
    expect(reason(mapRecord(rec, "custom", { question: "data.convo.0.text" }))).toMatch(/both question and reasoning/);
  });

  it("getPath and listPaths", () => {
    const v = { a: [{ b: 1 }, { b: "two" }], c: null };
    expect(getPath(v, "a.1.b")).toBe("two");
    expect(getPath(v, "a[0].b")).toBe(1);
    expect(getPath(v, "a.-1.b")).toBe("two");
    expect(getPath(v, "a.x")).toBeUndefined();
    expect(getPath(v, "toString")).toBeUndefined();
    expect(listPaths(v).map((p) => p.path)).toEqual(["a.0.b", "a.1.b", "c"]);
  });
});

describe("sprint (curated trajectories)", () => {
  const [doc, exported, broken] = lines("sprint.jsonl");

  it("detects and parses documents and exported chat rows strictly", () => {
    expect(detectPreset(doc)).toBe("sprint");
    expect(detectPreset(exported)).toBe("sprint");
    const a = ok(mapRecord(doc, "sprint"));
    expect(a.question).toMatch(/^Using the numbers \[20, 12, 79, 97\]/);
    expect(a.curated?.curationStatus).toBe("kept");
    expect(a.curated?.reviewStatus).toBe("approved");
    expect(a.curated?.text.startsWith("<Plan_1>")).toBe(true);
    expect(a.externalId).toBe("cd-1");
    expect(a.reasoning).not.toContain("<Plan_1>");
    expect(a.reasoning).toContain("97 - 79 = 18");
    const b = ok(mapRecord(exported, "sprint"));
    expect(b.question).toMatch(/equals 14 \(exported\)/);
    expect(b.question).not.toContain("<Question>");
    expect(b.curated?.text).toBe(a.curated?.text);
  });

  it("a non-canonical trajectory is invalid, with the diagnostics as the reason", () => {
    expect(reason(mapRecord(broken, "sprint"))).toMatch(/^Not a valid SPRINT trajectory \(strict parse\) — \d+:\d+ [a-z-]+: /);
    expect(reason(mapRecord({ question: "q", trajectory: "just text" }, "sprint"))).toMatch(/strict parse/);
    expect(reason(mapRecord({ ...(doc as object), curationStatus: "great" }, "sprint"))).toMatch(/curationStatus: "great" is not one of/);
  });

  it("recovers steps, DAG and stages from the rounds", () => {
    const a = ok(mapRecord(doc, "sprint"));
    const c = curatedColumns(a.curated!.trajectory);
    expect(c.stageCount).toBe(3);
    expect(c.stages.map((s) => s.stepIds)).toEqual([[1, 2], [3, 4], [5]]);
    expect(c.dagEdges).toEqual([
      { parent: 2, child: 3 },
      { parent: 2, child: 4 },
      { parent: 4, child: 5 },
    ]);
    expect(c.steps[2]?.plan).toBe("Back to 18, 20 and 12 from before: maybe adding 20 and 18 works better.");
    expect(c.sequentialTokens).toBeGreaterThan(0);
    expect(c.totalTokens).toBeGreaterThanOrEqual(c.sequentialTokens);
    expect(c.metrics.tokenizer).toBe("approx");
  });

  it("round-trips: packing the recovered steps and DAG rebuilds the same trajectory", () => {
    const steps: Step[] = [
      { id: 1, plan: "Plan A", prompt: "do A", execution: "A done" },
      { id: 2, plan: "Plan B", prompt: "do B", execution: "B done" },
      { id: 3, plan: "Use A", prompt: "do C", execution: "C done" },
      { id: 4, plan: "Use A again", prompt: "do D", execution: "D done" },
      { id: 5, plan: "Use B and C", prompt: "do E", execution: "E done" },
    ];
    const dag = { 1: [], 2: [], 3: [1], 4: [1], 5: [2, 3] };
    const t = buildTrajectory(steps, dag, { finalAnswer: "42" });
    const back = stepsFromTrajectory(t);
    expect(back.dag).toEqual(dag);
    expect(back.stages).toEqual(packStages(steps, dag).stages);
    expect(buildTrajectory(back.steps, back.dag, { finalAnswer: "42" })).toEqual(t);
    expect(parseTrajectory("x").ok).toBe(false);
  });
});

describe("presetMapping", () => {
  it("describes each preset and echoes a custom mapping", () => {
    expect(Object.keys(presetMapping("s1k"))).toEqual(["question", "reasoning", "solution", "answer"]);
    expect(presetMapping("custom", { question: "a", reasoning: "b", answer: "" })).toEqual({ question: "a", reasoning: "b" });
  });

  it("detectPreset returns null for unknown shapes", () => {
    expect(detectPreset({ foo: 1 })).toBeNull();
    expect(detectPreset([1, 2])).toBeNull();
    expect(detectPreset("x")).toBeNull();
  });
});

describe("outputs preset (raw .txt model outputs)", () => {
  const output = "<think>\nLet me compute 12 × 13. 12 × 13 = 156.\n\nWait, check: 13 × 12 = 120 + 36 = 156. Yes.\n</think>";
  it("takes the reasoning from the output and the id; the question may be missing", () => {
    const r = mapRecord({ id: "run-7/problem-003", output }, "outputs");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.row.question).toBe("");
    expect(r.row.externalId).toBe("run-7/problem-003");
    expect(r.row.reasoning).toContain("12 × 13 = 156");
    expect(r.row.reasoning).not.toContain("<think>");
  });
  it("keeps a joined question and answer", () => {
    const r = mapRecord({ id: "p3", output: `${output}\n\n**Final Answer**\n\\boxed{156}`, question: "What is $12 \\times 13$?", answer: "156" }, "outputs");
    expect(r).toMatchObject({ ok: true, row: { question: "What is $12 \\times 13$?", referenceAnswer: "156", externalId: "p3" } });
  });
  it("still refuses an empty output", () => {
    expect(mapRecord({ id: "p4", output: "   " }, "outputs")).toMatchObject({ ok: false });
  });
});
