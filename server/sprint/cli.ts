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

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
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
