/**
 * `npm run sprint -- stats` on SPRINT outputs beside plain sequential traces of the same problem,
 * the `--json` report's shape, and the exit codes of the real CLI process (lost content → 1).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeDocument, detectFormat, exitCode, formatStatsJson, formatStatsText, summarizeFiles, summarizeStats, type DocStats, type FileStats, type StatsSummary } from "./cli-stats";
import { countText } from "./metrics";
import { approxTokenizer } from "./tokenizer";

const FIXTURES = path.join(import.meta.dirname, "fixtures");
const read = (name: string): string => readFileSync(path.join(FIXTURES, name), "utf8");
const SPRINT = read("r1-heading-mid.txt");
const SEQUENTIAL = read("r1-sequential.txt");
/** The SPRINT fixture with an early <Final_answer> before round 3's executions: rounds 3–6 are lost. */
const LOSSY = SPRINT.replace("<Execution_3>", "<Final_answer>\nSo far \\boxed{28}.\n</Final_answer>\n\n<Execution_3>");

describe("sequential traces beside SPRINT trajectories", () => {
  it("detects the format: SPRINT block tags, or a plain trace (a **Final Answer** heading is not a tag)", () => {
    expect(detectFormat(SPRINT)).toBe("sprint");
    expect(detectFormat(SEQUENTIAL)).toBe("sequential");
    expect(detectFormat("just prose, \\boxed{3}")).toBe("sequential");
    expect(detectFormat("<final_answer>\n3\n</final_answer>")).toBe("sprint");
  });

  it("a sequential trace: sequential = total = output tokens, think tokens apart, no stages", () => {
    const s = analyzeDocument({ file: "seq.txt", text: SEQUENTIAL }, approxTokenizer);
    const all = countText(SEQUENTIAL, approxTokenizer);
    const think = approxTokenizer.count(SEQUENTIAL.slice(SEQUENTIAL.indexOf("<think>") + 7, SEQUENTIAL.indexOf("</think>")));
    expect(s).toMatchObject({ format: "sequential", ok: true, lost: false, sequentialTokens: all, totalTokens: all, thinkTokens: think, stages: 0, parallelRatio: 1, hasFinalAnswer: true });
    expect(think).toBeLessThan(all);
    // --format sprint reads it as a SPRINT trajectory with no rounds whose reasoning is all lost.
    expect(analyzeDocument({ file: "seq.txt", text: SEQUENTIAL }, approxTokenizer, "sprint")).toMatchObject({ format: "sprint", stages: 0, lost: true });
  });

  it("an output saved without the prefilled <think> (ends in </think>): think tokens are the text before it", () => {
    const saved = SEQUENTIAL.replace("<think>\n", "");
    const s = analyzeDocument({ file: "saved.txt", text: saved }, approxTokenizer);
    expect(s.format).toBe("sequential");
    expect(s.thinkTokens).toBe(approxTokenizer.count(saved.slice(0, saved.indexOf("</think>"))));
    expect(s.warnings).toEqual([]);
  });

  it("a cut sequential trace (unclosed <think>) is counted with a warning", () => {
    const cut = SEQUENTIAL.slice(0, SEQUENTIAL.indexOf("</think>"));
    const s = analyzeDocument({ file: "cut.txt", text: cut }, approxTokenizer);
    expect(s.ok).toBe(true);
    expect(s.warnings.map((w) => `${w.location} ${w.code}`)).toEqual(["cut.txt:1:1 unclosed-think"]);
  });

  it("summary per format and the sequential-token reduction of SPRINT against the baseline", () => {
    const stats = [analyzeDocument({ file: "sprint.txt", text: SPRINT }, approxTokenizer), analyzeDocument({ file: "seq.txt", text: SEQUENTIAL }, approxTokenizer)];
    const sum = summarizeStats(stats, approxTokenizer.name);
    expect(sum.byFormat.sprint).toMatchObject({ trajectories: 1, totalSequentialTokens: stats[0]?.sequentialTokens });
    expect(sum.byFormat.sequential).toMatchObject({ trajectories: 1, totalSequentialTokens: stats[1]?.sequentialTokens });
    expect(sum.sequentialReduction).toBeCloseTo(1 - (stats[0] as DocStats).sequentialTokens / (stats[1] as DocStats).sequentialTokens, 12);
    expect(formatStatsText(stats, sum)).toMatch(/sequential-token reduction -?\d+\.\d%/);
    expect(exitCode(stats)).toBe(0);
  });

  it("lost content: the lossy row says how many tokens were dropped, and the exit code is 1", () => {
    const s = analyzeDocument({ file: "lossy.txt", text: LOSSY }, approxTokenizer);
    expect(s.ok).toBe(true);
    expect(s.lost).toBe(true);
    expect(s.stages).toBe(3);
    expect(s.lostTokens).toBeGreaterThan(500);
    expect(s.warnings.filter((w) => w.dropsContent).map((w) => w.code)).toEqual(["content-after-final-answer"]);
    expect(exitCode([s])).toBe(1);
    const sum = summarizeStats([s], approxTokenizer.name);
    expect(sum).toMatchObject({ parsed: 1, failed: 0, lost: 1, lostTokens: s.lostTokens });
    expect(formatStatsText([s], sum)).toContain(`lossy.txt: ${s.lostTokens} tokens dropped`);
  });
});

describe("the CLI process", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "sprint-cli-"));
  writeFileSync(path.join(dir, "sprint.txt"), SPRINT);
  writeFileSync(path.join(dir, "baseline.txt"), SEQUENTIAL);
  writeFileSync(
    path.join(dir, "rows.jsonl"),
    `${JSON.stringify({ id: "a", output: SPRINT })}\n${JSON.stringify({ id: "b", output: SEQUENTIAL })}\n`,
  );
  const lossyDir = mkdtempSync(path.join(tmpdir(), "sprint-cli-lossy-"));
  writeFileSync(path.join(lossyDir, "lossy.txt"), LOSSY);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(lossyDir, { recursive: true, force: true });
  });
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "cli.ts"), "stats", "--tokenizer", "approx", ...args], { encoding: "utf8" });

  it("--json: summary totals, one row per file, one per trajectory; exit 0 when nothing is lost", () => {
    const r = cli(dir, "--json");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { summary: StatsSummary; files: FileStats[]; trajectories: DocStats[] };
    expect(Object.keys(j)).toEqual(["summary", "files", "trajectories"]);
    expect(j.files.map((f) => [path.basename(f.file), f.trajectories, f.sprint, f.sequential, f.failed, f.lost])).toEqual([
      ["baseline.txt", 1, 0, 1, 0, 0],
      ["rows.jsonl", 2, 1, 1, 0, 0],
      ["sprint.txt", 1, 1, 0, 0, 0],
    ]);
    expect(j.trajectories.map((t) => t.format)).toEqual(["sequential", "sprint", "sequential", "sprint"]);
    expect(j.summary).toMatchObject({ trajectories: 4, parsed: 4, failed: 0, lost: 0, lostTokens: 0, tokenizer: approxTokenizer.name });
    expect(j.summary.totalSequentialTokens).toBe(j.trajectories.reduce((a, t) => a + t.sequentialTokens, 0));
    expect(j.summary.byFormat.sprint.trajectories).toBe(2);
    expect(j.summary.sequentialReduction).not.toBeNull();
    expect(formatStatsJson(j.trajectories, summarizeStats(j.trajectories, approxTokenizer.name))).toBe(r.stdout);
    expect(summarizeFiles(j.trajectories)).toEqual(j.files);
  }, 30_000);

  it("exit 1 and a LOST row when a file loses content (it used to print ok and exit 0)", () => {
    const r = cli(lossyDir);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/lossy\.txt .* sprint\s+LOST \d+ tokens/);
    expect(r.stdout).toContain("1 lost content");
  }, 30_000);

  it("exit 2 on a usage error", () => {
    const r = cli(dir, "--format", "tree");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--format must be auto, sprint or sequential");
  }, 30_000);
});
