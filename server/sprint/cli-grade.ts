/**
 * `npm run sprint -- grade --benchmark FILE --outputs FILE_OR_DIR [--json] [--tokenizer qwen|approx]`:
 * the testable pieces (arguments, grading a set of outputs, the report). The I/O lives in cli.ts.
 */
import { gradeOutput, summarizeGrades, type BenchmarkItem, type GradeSummary, type ParseIssue } from "./benchmark";
import type { Verdict } from "./grading";
import type { Tokenizer } from "./types";

export const GRADE_HELP = `Usage: npm run sprint -- grade --benchmark FILE --outputs FILE_OR_DIR [--json] [--tokenizer qwen|approx] [--seed S]

Grades recorded outputs against a benchmark with no engine: the last \\boxed{} (else a final "answer:"
line), math equivalence (exact, then numeric), option letters, Countdown expressions; sequential and
total tokens by the paper's definitions (SPRINT trajectories) or the output's length (sequential traces).

  --benchmark FILE   MATH-style JSONL (problem, answer, unique_id, …), {id, question, answer} JSONL,
                     Countdown JSONL ({id, numbers, target}) or GPQA-style CSV (--seed shuffles its options)
  --outputs PATH     JSONL rows {id, output} (id = the benchmark's unique_id / id), or a folder of
                     .txt files named by id (ids with "/" map to sub-folders)
  --json             print {summary, items} as JSON
  --tokenizer        qwen (default, the real Qwen tokenizer, offline) or approx (a fast estimate)
Exit code: 0 when every output was graded, 1 when a problem has no output or a row could not be read, 2 on usage errors.
`;

export interface GradeArgs {
  benchmark: string;
  outputs: string;
  json: boolean;
  tokenizer: "qwen" | "approx";
  seed: string;
}

export function parseGradeArgs(argv: readonly string[]): { kind: "help" } | { kind: "error"; message: string } | { kind: "run"; args: GradeArgs } {
  if (argv.includes("--help") || argv.includes("-h")) return { kind: "help" };
  const args: Partial<GradeArgs> & { json: boolean; tokenizer: "qwen" | "approx"; seed: string } = { json: false, tokenizer: "qwen", seed: "0" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === "--json") args.json = true;
    else if (flag === "--benchmark") args.benchmark = value();
    else if (flag === "--outputs") args.outputs = value();
    else if (flag === "--seed") args.seed = value() ?? "0";
    else if (flag === "--tokenizer") {
      const v = value();
      if (v !== "qwen" && v !== "approx") return { kind: "error", message: `--tokenizer must be qwen or approx, got "${v ?? ""}"` };
      args.tokenizer = v;
    } else return { kind: "error", message: `unknown argument "${a}" (try grade --help)` };
  }
  if (!args.benchmark) return { kind: "error", message: "grade needs --benchmark FILE" };
  if (!args.outputs) return { kind: "error", message: "grade needs --outputs FILE_OR_DIR" };
  return { kind: "run", args: args as GradeArgs };
}

export interface GradeReportItem {
  id: string;
  verdict: Verdict | "missing";
  extracted: string | null;
  gold: string;
  sequentialTokens: number | null;
  totalTokens: number | null;
}

export interface GradeReport {
  summary: GradeSummary & { missing: number; unknownIds: number };
  items: GradeReportItem[];
  issues: ParseIssue[];
}

/**
 * Grades outputs keyed by id. A benchmark item without an output is listed as `missing` (and counts as
 * wrong in accuracy: n is the benchmark's size); an output whose id is not in the benchmark is counted.
 */
export function gradeAll(items: readonly BenchmarkItem[], outputs: ReadonlyMap<string, string>, tokenizer: Tokenizer, issues: ParseIssue[] = []): GradeReport {
  const report: GradeReportItem[] = [];
  const graded: { verdict: Verdict; sequentialTokens: number; totalTokens: number }[] = [];
  for (const item of items) {
    const out = outputs.get(item.id);
    if (out === undefined) {
      report.push({ id: item.id, verdict: "missing", extracted: null, gold: item.answer, sequentialTokens: null, totalTokens: null });
      graded.push({ verdict: "wrong", sequentialTokens: 0, totalTokens: 0 });
      continue;
    }
    const g = gradeOutput(item, out, tokenizer);
    report.push({ id: item.id, verdict: g.verdict, extracted: g.extracted, gold: g.gold, sequentialTokens: g.sequentialTokens, totalTokens: g.totalTokens });
    graded.push(g);
  }
  const ids = new Set(items.map((i) => i.id));
  const present = graded.filter((_, k) => report[k]!.verdict !== "missing");
  const tokens = summarizeGrades(present);
  const summary = summarizeGrades(graded);
  return {
    summary: {
      ...summary,
      // Token means over the outputs that exist (a missing output has no length).
      meanSequentialTokens: tokens.meanSequentialTokens,
      meanTotalTokens: tokens.meanTotalTokens,
      missing: report.filter((r) => r.verdict === "missing").length,
      unknownIds: [...outputs.keys()].filter((k) => !ids.has(k)).length,
    },
    items: report,
    issues,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function formatGradeText(r: GradeReport): string {
  const s = r.summary;
  const lines = [
    `${"id".padEnd(36)} ${"verdict".padEnd(10)} ${"seq".padStart(7)} ${"total".padStart(7)}  extracted | gold`,
    ...r.items.map((i) => `${i.id.slice(0, 36).padEnd(36)} ${i.verdict.padEnd(10)} ${String(i.sequentialTokens ?? "-").padStart(7)} ${String(i.totalTokens ?? "-").padStart(7)}  ${i.extracted ?? "∅"} | ${i.gold}`),
    "",
    `accuracy ${pct(s.accuracy)} (${s.correct}/${s.n}; 95% Wilson CI ${pct(s.accuracyCI.lo)}–${pct(s.accuracyCI.hi)}), undecided ${s.undecided}, missing ${s.missing}`,
    `mean sequential tokens ${s.meanSequentialTokens.toFixed(1)}, mean total tokens ${s.meanTotalTokens.toFixed(1)}`,
    ...(s.unknownIds ? [`${s.unknownIds} output(s) have ids that are not in the benchmark`] : []),
    ...r.issues.map((i) => `issue: line ${i.line}: ${i.message}`),
  ];
  return `${lines.join("\n")}\n`;
}

export function formatGradeJson(r: GradeReport): string {
  const { summary: s } = r;
  return `${JSON.stringify(
    {
      summary: { n: s.n, accuracy: s.accuracy, accuracyCI: [s.accuracyCI.lo, s.accuracyCI.hi], meanSequentialTokens: s.meanSequentialTokens, meanTotalTokens: s.meanTotalTokens, undecided: s.undecided, missing: s.missing },
      items: r.items,
      issues: r.issues,
    },
    null,
    2,
  )}\n`;
}

export function gradeExitCode(r: GradeReport): number {
  return r.summary.missing > 0 || r.issues.length > 0 ? 1 : 0;
}
