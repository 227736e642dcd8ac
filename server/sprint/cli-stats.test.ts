import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  analyzeDocument,
  exitCode,
  extractDocuments,
  formatStatsJson,
  formatStatsText,
  isTrajectoryFile,
  locate,
  parseCliArgs,
  sourceErrorStats,
  summarizeStats,
  trajectoryFromRow,
  type DocStats,
} from "./cli-stats";
import { parseTrajectory } from "./format";
import { trajectoryMetrics } from "./metrics";
import { wordTokenizer } from "./tokenizer";

const FIXTURES = path.join(import.meta.dirname, "fixtures");
const read = (name: string): string => readFileSync(path.join(FIXTURES, name), "utf8");

describe("parseCliArgs", () => {
  it("parses stats with options", () => {
    expect(parseCliArgs(["stats", "a.txt", "dir", "--tokenizer", "approx", "--json"])).toEqual({
      kind: "run",
      args: { command: "stats", paths: ["a.txt", "dir"], tokenizer: "approx", format: "auto", json: true, verbose: false },
    });
    expect(parseCliArgs(["stats", "--tokenizer=qwen", "-v", "x"])).toEqual({
      kind: "run",
      args: { command: "stats", paths: ["x"], tokenizer: "qwen", format: "auto", json: false, verbose: true },
    });
  });
  it("shows help and reports usage errors", () => {
    expect(parseCliArgs([])).toEqual({ kind: "help" });
    expect(parseCliArgs(["--help"])).toEqual({ kind: "help" });
    expect(parseCliArgs(["stats", "-h"])).toEqual({ kind: "help" });
    expect(parseCliArgs(["export"])).toMatchObject({ kind: "error" });
    expect(parseCliArgs(["stats"])).toMatchObject({ kind: "error", message: expect.stringContaining("FILE_OR_DIR") as string });
    expect(parseCliArgs(["stats", "x", "--tokenizer", "gpt"])).toMatchObject({ kind: "error" });
    expect(parseCliArgs(["stats", "x", "--bogus"])).toMatchObject({ kind: "error" });
  });
  it("recognizes trajectory files", () => {
    expect(["a.txt", "b.MD", "c.jsonl", "d.json"].every(isTrajectoryFile)).toBe(true);
    expect(isTrajectoryFile("e.csv")).toBe(false);
  });
});

describe("reading trajectories", () => {
  it("finds the trajectory field of a row", () => {
    expect(trajectoryFromRow({ text: "t" })).toEqual({ field: "text", text: "t" });
    expect(trajectoryFromRow({ output: "o" })).toEqual({ field: "output", text: "o" });
    expect(trajectoryFromRow({ completion: "c" })).toEqual({ field: "completion", text: "c" });
    expect(trajectoryFromRow({ completion: [{ role: "assistant", content: "x" }] })).toEqual({ field: "completion[assistant]", text: "x" });
    expect(trajectoryFromRow({ messages: [{ role: "user", content: "q" }, { role: "assistant", content: "a" }] })).toEqual({ field: "messages[assistant]", text: "a" });
    expect(trajectoryFromRow({ conversations: [{ from: "human", value: "q" }, { from: "gpt", value: "g" }] })).toEqual({ field: "conversations[assistant]", text: "g" });
    // A field with SPRINT tags wins over the first plain one.
    expect(trajectoryFromRow({ text: "plain", reasoning: "<Plan_1>\nx\n</Plan_1>" })?.field).toBe("reasoning");
    expect(trajectoryFromRow({ prompt: "p" })).toBeNull();
    expect(trajectoryFromRow(3)).toBeNull();
  });

  it("splits files by extension", () => {
    expect(extractDocuments("a.txt", "body")).toEqual({ docs: [{ file: "a.txt", text: "body" }], errors: [] });
    const jsonl = extractDocuments("r.jsonl", '{"text":"a"}\n\n{"output":"b"}\r\nnope\n{"x":1}\n');
    expect(jsonl.docs).toEqual([
      { file: "r.jsonl", row: 1, field: "text", text: "a" },
      { file: "r.jsonl", row: 3, field: "output", text: "b" },
    ]);
    expect(jsonl.errors.map((e) => [e.line, e.message.split(":")[0]])).toEqual([
      [4, "invalid JSON"],
      [5, "row has no trajectory field (text, output, completion, messages, …)"],
    ]);
    expect(extractDocuments("r.json", '[{"text":"a"},{"text":"b"}]').docs.map((d) => d.row)).toEqual([1, 2]);
    expect(extractDocuments("r.json", '{"text":"a"}').docs).toHaveLength(1);
    expect(extractDocuments("r.json", "{").errors).toHaveLength(1);
  });

  it("locates diagnostics in plain files and in rows", () => {
    expect(locate({ file: "a.txt", text: "" }, { line: 3, column: 5 })).toBe("a.txt:3:5");
    expect(locate({ file: "r.jsonl", row: 7, field: "output", text: "" }, { line: 3, column: 5 })).toBe("r.jsonl:7:1 [output 3:5]");
  });
});

describe("analyzeDocument on the fixtures", () => {
  it("the canonical fixture parses strictly and its numbers match the metrics", () => {
    const text = read("canonical.txt");
    expect(parseTrajectory(text, { strict: true }).diagnostics).toEqual([]);
    const s = analyzeDocument({ file: "canonical.txt", text }, wordTokenizer);
    const m = trajectoryMetrics(parseTrajectory(text).trajectory, wordTokenizer);
    expect(s).toMatchObject({
      source: "canonical.txt",
      ok: true,
      sequentialTokens: m.sequentialTokens,
      totalTokens: m.totalTokens,
      stages: 3,
      promptsPerStage: [2, 2, 1],
      hasFinalAnswer: true,
      errors: [],
      warnings: [],
    });
    expect(s.sequentialTokens).toBeLessThan(s.totalTokens);
  });

  it("the messy fixture parses with located warnings", () => {
    const s = analyzeDocument({ file: "messy.md", text: read("messy.md") }, wordTokenizer);
    expect(s.ok).toBe(true);
    expect(s.stages).toBe(2);
    expect(s.promptsPerStage).toEqual([2, 0]);
    expect(s.hasFinalAnswer).toBe(true);
    const codes = s.warnings.map((w) => `${w.location} ${w.code}`);
    expect(codes).toContain("messy.md:11:1 unclosed-tag");
    expect(codes).toContain("messy.md:32:1 markdown-final-answer");
  });

  it("rows of a JSONL file", () => {
    const { docs, errors } = extractDocuments("outputs.jsonl", read("outputs.jsonl"));
    expect(errors).toEqual([]);
    const stats = docs.map((d) => analyzeDocument(d, wordTokenizer));
    expect(stats.map((s) => [s.source, s.ok, s.stages, s.promptsPerStage])).toEqual([
      ["outputs.jsonl:1", true, 1, [1]],
      ["outputs.jsonl:2", true, 1, [0]],
    ]);
  });

  it("failures: not a trajectory (--format sprint), no field, bad JSON → exit code 1", () => {
    const { docs, errors } = extractDocuments("broken.jsonl", read("broken.jsonl"));
    const stats: DocStats[] = [...errors.map(sourceErrorStats), ...docs.map((d) => analyzeDocument(d, wordTokenizer, "sprint"))];
    expect(stats.every((s) => !s.ok)).toBe(true);
    const lines = stats.flatMap((s) => s.errors.map((e) => `${e.location} ${e.code}`)).sort();
    expect(lines).toEqual(["broken.jsonl:1:1 [text 1:1] empty-trajectory", "broken.jsonl:2:1 bad-input", "broken.jsonl:3:1 bad-input"]);
    expect(exitCode(stats)).toBe(1);
    expect(exitCode(stats.slice(0, 0))).toBe(0);
  });
});

describe("report", () => {
  const good = analyzeDocument({ file: "canonical.txt", text: read("canonical.txt") }, wordTokenizer);
  const messy = analyzeDocument({ file: "messy.md", text: read("messy.md") }, wordTokenizer);
  const bad = sourceErrorStats({ file: "x.jsonl", line: 2, column: 1, message: "invalid JSON" });

  it("summarizes parsed trajectories only", () => {
    const s = summarizeStats([good, messy, bad], "words");
    expect(s).toMatchObject({ trajectories: 3, parsed: 2, failed: 1, tokenizer: "words" });
    expect(s.meanSequentialTokens).toBe((good.sequentialTokens + messy.sequentialTokens) / 2);
    expect(s.meanStages).toBe(2.5);
    expect(s.tokenParallelism).toBeCloseTo((good.totalTokens + messy.totalTokens) / (good.sequentialTokens + messy.sequentialTokens), 12);
    expect(summarizeStats([], "words")).toMatchObject({ trajectories: 0, meanSequentialTokens: 0, tokenParallelism: 1 });
  });

  it("prints a table, the failures with locations, and the means", () => {
    const text = formatStatsText([good, messy, bad], summarizeStats([good, messy, bad], "words"));
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^trajectory\s+seq\s+total\s+stages\s+prompts\/stage\s+format\s+status$/);
    expect(lines[1]).toMatch(new RegExp(`^canonical\\.txt\\s+${good.sequentialTokens}\\s+${good.totalTokens}\\s+3\\s+2,2,1 \\(1\\.67\\)\\s+sprint\\s+ok$`));
    // The stray line between blocks is dropped: the row says so instead of "ok".
    expect(lines[2]).toMatch(/^messy\.md .* sprint\s+LOST 8 tokens$/);
    expect(text).toContain("Lost content (1; not counted above):\n  messy.md: 8 tokens dropped\n    messy.md:14:1: warning stray-text: Text outside any block; ignored");
    expect(lines[3]).toMatch(/^x\.jsonl:2\s+-\s+-\s+-\s+-\s+sprint\s+FAILED$/);
    expect(text).toContain("Parse failures (1):\n  x.jsonl:2:1: error bad-input: invalid JSON");
    expect(text).toContain("3 trajectories, 2 parsed, 1 failed, 1 lost content (8 tokens) (tokenizer: words)");
    expect(text).not.toContain("Warnings:");
    expect(formatStatsText([messy], summarizeStats([messy], "words"), { verbose: true })).toContain("messy.md:11:1: warning unclosed-tag:");
  });

  it("prints JSON", () => {
    const j = JSON.parse(formatStatsJson([good, bad], summarizeStats([good, bad], "words"))) as { summary: { failed: number }; trajectories: DocStats[] };
    expect(j.summary.failed).toBe(1);
    expect(j.trajectories[0]).toEqual(good);
  });
});
