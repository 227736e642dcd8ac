import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  benchmarkHash,
  countdownBenchmark,
  gradeOutput,
  outputTokens,
  parseBenchmarkFile,
  parseCsv,
  parseGpqaCsv,
  parseJsonlBenchmark,
  parseOutputsJsonl,
  summarizeGrades,
} from "./benchmark";
import { gradeAll, parseGradeArgs } from "./cli-grade";
import { wordTokenizer } from "./tokenizer";

describe("MATH-style JSONL", () => {
  const text = [
    JSON.stringify({ problem: "What is $1+1$?", answer: "2", subject: "Prealgebra", level: 1, unique_id: "test/p/1.json", solution: "It is $\\boxed{2}$.", note: "extra" }),
    "",
    "{not json",
    JSON.stringify({ problem: "What is $2+2$?", unique_id: "test/p/2.json" }),
    JSON.stringify({ problem: "What is $1+1$ again?", answer: "2", unique_id: "test/p/1.json" }),
  ].join("\n");
  it("keeps extra fields, reports bad rows with their line and drops duplicate ids", () => {
    const r = parseJsonlBenchmark(text);
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({ id: "test/p/1.json", kind: "math", answer: "2", subject: "Prealgebra", level: "1", extra: { solution: "It is $\\boxed{2}$.", note: "extra" } });
    expect(r.issues.map((i) => i.line)).toEqual([3, 4, 5]);
    expect(r.issues[1]!.message).toMatch(/missing "answer"/);
    expect(r.issues[2]!.message).toMatch(/duplicate id/);
  });
  it("generic mapping with dotted paths and options makes multiple-choice items", () => {
    const row = { qid: 7, body: { text: "Pick the prime." }, opts: ["4", "6", "7", "9"], gold: "7" };
    const r = parseJsonlBenchmark(JSON.stringify(row), { id: "qid", question: "body.text", answer: "gold", choices: "opts" });
    expect(r.issues).toEqual([]);
    expect(r.items[0]).toMatchObject({ id: "7", kind: "multiple-choice", answer: "C", choices: ["4", "6", "7", "9"] });
    expect(r.items[0]!.question).toContain("(C) 7");
  });
});

describe("GPQA-style CSV", () => {
  const csv = [
    'Record ID,Question,Correct Answer,Incorrect Answer 1,Incorrect Answer 2,Incorrect Answer 3,High-level domain',
    'rec1,"Which particle, when ""free"", has spin 1/2?",electron,photon,gluon,"W boson",Physics',
    'rec2,"Line one\nline two",A,B,C,D,Chemistry',
  ].join("\n");
  it("parses quoted cells with commas, escaped quotes and line breaks", () => {
    const rows = parseCsv(csv);
    expect(rows).toHaveLength(3);
    expect(rows[1]![1]).toBe('Which particle, when "free", has spin 1/2?');
    expect(rows[2]![1]).toBe("Line one\nline two");
  });
  it("shuffles the options with the stored seed: same seed same order, the correct letter follows the answer", () => {
    const a = parseGpqaCsv(csv, 42);
    const b = parseGpqaCsv(csv, 42);
    expect(a.items).toEqual(b.items);
    for (const item of a.items) {
      const idx = item.answer.charCodeAt(0) - 65;
      expect(item.choices![idx]).toBe(item.id === "rec1" ? "electron" : "A");
      expect([...item.choices!].sort()).toEqual(item.id === "rec1" ? ["W boson", "electron", "gluon", "photon"] : ["A", "B", "C", "D"]);
    }
    expect(a.items[0]).toMatchObject({ id: "rec1", subject: "Physics", kind: "multiple-choice" });
    // Over many seeds the correct option lands on every letter.
    const letters = new Set(Array.from({ length: 40 }, (_, s) => parseGpqaCsv(csv, s).items[0]!.answer));
    expect(letters.size).toBe(4);
  });
  it("says which columns are missing", () => {
    expect(parseGpqaCsv("Question,Answer\nq,a", 1).issues[0]!.message).toMatch(/Correct Answer/);
  });
});

describe("Countdown sets and hashes", () => {
  it("are deterministic per seed, solvable by construction, and hash by content", () => {
    const a = countdownBenchmark(5, 20);
    expect(a).toHaveLength(20);
    expect(countdownBenchmark(5, 20)).toEqual(a);
    expect(benchmarkHash(a)).toBe(benchmarkHash(countdownBenchmark(5, 20)));
    expect(benchmarkHash(a)).not.toBe(benchmarkHash(countdownBenchmark(6, 20)));
    expect(new Set(a.map((i) => i.id)).size).toBe(20);
    expect(a[0]!.question).toContain(String(a[0]!.target));
  });
  it("hash ignores key order", () => {
    const x = [{ id: "1", kind: "math" as const, question: "q", answer: "a" }];
    const y = [{ answer: "a", question: "q", kind: "math" as const, id: "1" }];
    expect(benchmarkHash(x)).toBe(benchmarkHash(y));
  });
});

describe("grading outputs with the paper's token metrics", () => {
  const item = { id: "p1", kind: "math" as const, question: "q", answer: "5" };
  it("a sequential trace: sequential = total = its tokens", () => {
    const t = outputTokens("one two three \\boxed{5}", wordTokenizer);
    expect(t).toEqual({ format: "sequential", sequentialTokens: 4, totalTokens: 4, rounds: 0 });
  });
  it("a SPRINT trajectory: parallel executions count once on the sequential path", () => {
    const traj = [
      "<Plan_1>",
      "plan words here",
      "<prompt_1.1> a b </prompt_1.1>",
      "<prompt_1.2> c d </prompt_1.2>",
      "</Plan_1>",
      "<Execution_1>",
      "<execution_1.1>",
      "e1 e1 e1 e1",
      "</execution_1.1>",
      "<execution_1.2>",
      "e2 e2",
      "</execution_1.2>",
      "</Execution_1>",
      "<Final_answer>",
      "so \\boxed{5}",
      "</Final_answer>",
    ].join("\n");
    const g = gradeOutput(item, traj, wordTokenizer);
    expect(g).toMatchObject({ verdict: "correct", format: "sprint", rounds: 1 });
    expect(g.totalTokens).toBeGreaterThan(g.sequentialTokens);
  });
  it("outputs JSONL: id/unique_id and output/text/response fields, issues by line", () => {
    const r = parseOutputsJsonl([JSON.stringify({ id: "a", output: "x" }), JSON.stringify({ unique_id: "b", response: "y" }), JSON.stringify({ id: "c" }), JSON.stringify({ id: "a", output: "z" })].join("\n"));
    expect([...r.outputs]).toEqual([["a", "x"], ["b", "y"]]);
    expect(r.issues.map((i) => i.line)).toEqual([3, 4]);
  });
  it("summaries: undecided is not correct; missing outputs count in n", () => {
    const s = summarizeGrades([
      { verdict: "correct", sequentialTokens: 10, totalTokens: 20 },
      { verdict: "undecided", sequentialTokens: 30, totalTokens: 30 },
    ]);
    expect(s).toMatchObject({ n: 2, correct: 1, accuracy: 0.5, undecided: 1, meanSequentialTokens: 20, meanTotalTokens: 25 });
    const r = gradeAll([item, { ...item, id: "p2" }], new Map([["p1", "\\boxed{5}"], ["zz", "\\boxed{1}"]]), wordTokenizer);
    expect(r.summary).toMatchObject({ n: 2, correct: 1, missing: 1, unknownIds: 1, meanSequentialTokens: 1 });
  });
});

describe("sprint grade (CLI)", () => {
  it("parses its arguments", () => {
    expect(parseGradeArgs(["--benchmark", "b.jsonl", "--outputs=o", "--json"])).toEqual({ kind: "run", args: { benchmark: "b.jsonl", outputs: "o", json: true, tokenizer: "qwen", seed: "0" } });
    expect(parseGradeArgs(["--outputs", "o"])).toMatchObject({ kind: "error" });
    expect(parseGradeArgs(["--tokenizer", "gpt"])).toMatchObject({ kind: "error" });
  });
  it("grades the recorded MATH-style outputs folder (JSON report) like an independent count", () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const out = execFileSync(process.execPath, ["--import", "tsx", "server/sprint/cli.ts", "grade", "--benchmark", "tests/fixtures/eval/math-sample.jsonl", "--outputs", "tests/fixtures/eval/outputs", "--json", "--tokenizer", "approx"], { cwd: root, encoding: "utf8" });
    const report = JSON.parse(out) as { summary: { n: number; accuracy: number; accuracyCI: [number, number]; undecided: number; meanSequentialTokens: number }; items: { id: string; verdict: string }[] };
    // Expected by reading the fixture outputs: 0.25 for "what percent" (wrong), [2,∞) for (2,∞) (wrong), ℝ (undecided).
    const expected: Record<string, string> = { "test/prealgebra/203.json": "wrong", "test/algebra/105.json": "wrong", "test/algebra/106.json": "undecided" };
    for (const it of report.items) expect(it.verdict).toBe(expected[it.id] ?? "correct");
    expect(report.summary).toMatchObject({ n: 10, accuracy: 0.7, undecided: 1 });
    expect(report.summary.accuracyCI[0]).toBeCloseTo(0.3968, 3);
    expect(report.summary.accuracyCI[1]).toBeCloseTo(0.8922, 3);
    // Same benchmark parsed here, same format detection as the CLI.
    const bench = parseBenchmarkFile("math-sample.jsonl", readFileSync(path.join(root, "tests/fixtures/eval/math-sample.jsonl"), "utf8"));
    expect(bench.format).toBe("math-jsonl");
    expect(bench.items[0]!.extra).toMatchObject({ source: "written for SPRINT Studio tests" });
  });
});
