/**
 * `npm run sprint -- stats FILE_OR_DIR... [--tokenizer qwen|approx] [--format auto|sprint|sequential] [--json] [--verbose]`
 *
 * The I/O shell around cli-stats.ts (which holds every testable piece): walks the given files and
 * directories, reads trajectories, prints per-trajectory and mean metrics and parse failures, and
 * exits with 1 if any trajectory failed to parse or lost content (2 on a usage error). See `--help`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import {
  analyzeDocument,
  exitCode,
  extractDocuments,
  formatStatsJson,
  formatStatsText,
  HELP_TEXT,
  isTrajectoryFile,
  parseCliArgs,
  sourceErrorStats,
  summarizeStats,
  type DocStats,
} from "./cli-stats";
import { approxTokenizer, loadQwenTokenizer } from "./tokenizer";
import { idFromFileName, parseBenchmarkFile, parseOutputsJsonl } from "./benchmark";
import { formatGradeJson, formatGradeText, GRADE_HELP, gradeAll, gradeExitCode, parseGradeArgs } from "./cli-grade";
import type { Tokenizer } from "./types";

/** Files under the given paths (directories recursively, hidden entries skipped), sorted. */
function collectFiles(paths: readonly string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (p: string): void => {
    for (const entry of readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const full = path.join(p, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && isTrajectoryFile(entry.name)) files.push(full);
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      missing.push(p);
      continue;
    }
    if (st.isDirectory()) walk(p);
    else files.push(p);
  }
  return { files, missing };
}

/** `sprint grade`: reads the benchmark and the outputs (JSONL, or a folder of .txt files named by id). */
async function gradeCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseGradeArgs(argv);
  if (parsed.kind === "help") {
    process.stdout.write(GRADE_HELP);
    return 0;
  }
  if (parsed.kind === "error") {
    process.stderr.write(`sprint grade: ${parsed.message}\n`);
    return 2;
  }
  const { args } = parsed;
  let benchText: string;
  try {
    benchText = readFileSync(args.benchmark, "utf8");
  } catch (e) {
    process.stderr.write(`sprint grade: cannot read ${args.benchmark}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const bench = parseBenchmarkFile(path.basename(args.benchmark), benchText, { seed: args.seed });
  if (bench.items.length === 0) {
    process.stderr.write(`sprint grade: no problems in ${args.benchmark}${bench.issues.map((i) => `\n  line ${i.line}: ${i.message}`).join("")}\n`);
    return 2;
  }
  let outputs = new Map<string, string>();
  const issues = bench.issues.map((i) => ({ ...i, message: `benchmark: ${i.message}` }));
  let st;
  try {
    st = statSync(args.outputs);
  } catch {
    process.stderr.write(`sprint grade: no such file or directory: ${args.outputs}\n`);
    return 2;
  }
  if (st.isDirectory()) {
    const walk = (dir: string, prefix: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.name.startsWith(".")) continue;
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full, `${prefix}${e.name}/`);
        else if (/\.(txt|md)$/i.test(e.name)) outputs.set(`${prefix}${idFromFileName(e.name)}`, readFileSync(full, "utf8"));
      }
    };
    walk(args.outputs, "");
  } else {
    const r = parseOutputsJsonl(readFileSync(args.outputs, "utf8"));
    outputs = r.outputs;
    issues.push(...r.issues.map((i) => ({ ...i, message: `outputs: ${i.message}` })));
  }
  const tokenizer: Tokenizer = args.tokenizer === "qwen" ? await loadQwenTokenizer() : approxTokenizer;
  const report = gradeAll(bench.items, outputs, tokenizer, issues);
  process.stdout.write(args.json ? formatGradeJson(report) : formatGradeText(report));
  return gradeExitCode(report);
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === "grade") return gradeCommand(argv.slice(1));
  const parsed = parseCliArgs(argv);
  if (parsed.kind === "help") {
    process.stdout.write(HELP_TEXT);
    return 0;
  }
  if (parsed.kind === "error") {
    process.stderr.write(`sprint: ${parsed.message}\n`);
    return 2;
  }
  const { args } = parsed;
  const tokenizer: Tokenizer = args.tokenizer === "qwen" ? await loadQwenTokenizer() : approxTokenizer;
  const { files, missing } = collectFiles(args.paths);
  const stats: DocStats[] = missing.map((p) => sourceErrorStats({ file: p, line: 1, column: 1, message: "no such file or directory" }));
  for (const file of files) {
    const { docs, errors } = extractDocuments(file, readFileSync(file, "utf8"));
    // Rows in file order, failures included.
    const rows = [
      ...errors.map((e) => ({ at: e.line, s: sourceErrorStats(e) })),
      ...docs.map((d) => ({ at: d.row ?? 0, s: analyzeDocument(d, tokenizer, args.format) })),
    ].sort((a, b) => a.at - b.at);
    stats.push(...rows.map((r) => r.s));
  }
  const summary = summarizeStats(stats, tokenizer.name);
  process.stdout.write(args.json ? formatStatsJson(stats, summary) : formatStatsText(stats, summary, { verbose: args.verbose }));
  return exitCode(stats);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`sprint: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
