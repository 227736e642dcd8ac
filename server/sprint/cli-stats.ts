/**
 * Pure pieces of `npm run sprint -- stats FILE_OR_DIR`: argument parsing, reading trajectories out
 * of file contents, per-trajectory metrics, and the text/JSON report. The I/O shell is cli.ts.
 *
 * Inputs:
 * - `.txt`, `.md`: the whole file is one trajectory.
 * - `.jsonl` (one JSON object per line) and `.json` (an array of such objects, or one object): each
 *   row's trajectory is the first string among `text`, `output`, `completion`, `response`,
 *   `generated_text`, `content`, `reasoning`, `reasoning_content`, the last `assistant` message of
 *   `messages` (`content`), and the last `assistant`/`gpt` turn of `conversations` (`value`) — but
 *   a candidate that contains SPRINT tags (`<Plan_`, `<Final_answer>`) wins over one that does not.
 *   Rows without any of these fields are reported as failures.
 * Diagnostics print as `file:line:col: severity code: message`; for rows of a JSONL file the
 * location is `file:row:1` followed by `[field line:col]` inside the trajectory text.
 *
 * Formats: a text with a SPRINT block tag (`<Plan_p>`, `<Execution_p>`, `<prompt_p.k>`,
 * `<execution_p.k>`, `<Final_answer>`) is a SPRINT trajectory; any other text is a plain
 * sequential trace (R1-style `<think>…</think>` then the answer, or plain text), whose sequential
 * and total tokens are both its output tokens (the paper's baseline) — so SPRINT outputs and
 * baseline outputs compare with one tool. `--format sprint|sequential` forces one reading.
 *
 * Lost content: a SPRINT trajectory whose parse drops input text (diagnostics with
 * `dropsContent`: text outside any block, content after an early final answer) is counted, reported
 * with the dropped tokens, and makes the exit code 1 — its numbers undercount the output.
 */
import { parseTrajectory } from "./format";
import { sequentialBaselineMetrics, trajectoryMetrics } from "./metrics";
import type { Diagnostic, Tokenizer } from "./types";

/** How a text is read: a SPRINT trajectory or a plain sequential trace. */
export type TraceFormat = "sprint" | "sequential";

/** Parsed command line of the `stats` command. */
export interface StatsArgs {
  command: "stats";
  paths: string[];
  tokenizer: "qwen" | "approx";
  /** `auto` (default): SPRINT when the text has a SPRINT block tag, else sequential. */
  format: "auto" | TraceFormat;
  json: boolean;
  /** Also print warnings (repairs) of files that parsed. */
  verbose: boolean;
}

/** Result of {@link parseCliArgs}. */
export type ParsedArgs = { kind: "run"; args: StatsArgs } | { kind: "help" } | { kind: "error"; message: string };

/** `--help` text. */
export const HELP_TEXT = `Usage: npm run sprint -- stats FILE_OR_DIR... [--tokenizer qwen|approx] [--format auto|sprint|sequential] [--json] [--verbose]
       npm run sprint -- grade --benchmark FILE --outputs FILE_OR_DIR [--json]   (grade --help)

Parses SPRINT trajectories and plain sequential traces and prints, per trajectory and on
average, sequential tokens (the paper's metric), total tokens, stages and prompts per stage, plus
every parse failure with its diagnostics (file:line:col). A sequential trace (R1-style
<think>...</think> and answer, or plain text) counts all its output tokens as both sequential and
total, so SPRINT and baseline outputs compare side by side. Exits with code 1 if any trajectory
failed to parse or lost content (text the parser could not place in the trajectory, e.g. rounds
after an early <Final_answer>: its tokens are not counted and are reported as lost).

Inputs (directories are searched recursively):
  .txt .md     one trajectory per file
  .jsonl       one row per line; the trajectory is read from the first of the fields
               text, output, completion, response, generated_text, content, reasoning,
               reasoning_content, messages[last assistant].content,
               conversations[last assistant|gpt].value (a field with SPRINT tags is preferred)
  .json        an array of such rows (or a single row)

Options:
  --tokenizer qwen|approx   token counter (default qwen: the real Qwen tokenizer, offline;
                            approx: a fast estimate)
  --format auto|sprint|sequential
                            how to read each text (default auto: SPRINT when it has a SPRINT
                            block tag such as <Plan_1> or <Final_answer>, else sequential)
  --json                    print a JSON report instead of a table: summary (totals, means per
                            format, lost content), files (one row per file), trajectories
  --verbose                 also print warnings (tolerated repairs) for trajectories that parsed
  -h, --help                show this help
`;

/** Parses `argv` (without the node/script prefix). */
export function parseCliArgs(argv: readonly string[]): ParsedArgs {
  if (argv.length === 0 || argv.includes("--help") || argv.includes("-h") || argv[0] === "help") return { kind: "help" };
  const [command, ...rest] = argv;
  if (command !== "stats") return { kind: "error", message: `unknown command "${command ?? ""}" (try --help)` };
  const args: StatsArgs = { command: "stats", paths: [], tokenizer: "qwen", format: "auto", json: false, verbose: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (a === "--json") args.json = true;
    else if (a === "--verbose" || a === "-v") args.verbose = true;
    else if (a === "--tokenizer" || a.startsWith("--tokenizer=")) {
      const value = a.includes("=") ? a.slice(a.indexOf("=") + 1) : rest[++i];
      if (value !== "qwen" && value !== "approx") return { kind: "error", message: `--tokenizer must be qwen or approx, got "${value ?? ""}"` };
      args.tokenizer = value;
    } else if (a === "--format" || a.startsWith("--format=")) {
      const value = a.includes("=") ? a.slice(a.indexOf("=") + 1) : rest[++i];
      if (value !== "auto" && value !== "sprint" && value !== "sequential") return { kind: "error", message: `--format must be auto, sprint or sequential, got "${value ?? ""}"` };
      args.format = value;
    } else if (a.startsWith("-")) return { kind: "error", message: `unknown option "${a}" (try --help)` };
    else args.paths.push(a);
  }
  if (args.paths.length === 0) return { kind: "error", message: "stats needs at least one FILE_OR_DIR (try --help)" };
  return { kind: "run", args };
}

/** File extensions the stats command reads. */
export const TRAJECTORY_EXTENSIONS = [".txt", ".md", ".jsonl", ".json"] as const;

/** True when a file name has one of {@link TRAJECTORY_EXTENSIONS}. */
export function isTrajectoryFile(name: string): boolean {
  const lower = name.toLowerCase();
  return TRAJECTORY_EXTENSIONS.some((e) => lower.endsWith(e));
}

/** One trajectory read from a file. */
export interface SourceDoc {
  file: string;
  /** 1-based line of the JSONL row (JSONL), or index of the row + 1 (JSON arrays). */
  row?: number;
  /** The field the text came from (JSONL/JSON). */
  field?: string;
  text: string;
}

/** A row that held no trajectory, or a file that is not valid JSON. */
export interface SourceError {
  file: string;
  line: number;
  column: number;
  message: string;
}

const STRING_FIELDS = ["text", "output", "completion", "response", "generated_text", "content", "reasoning", "reasoning_content"] as const;
const SPRINT_TAG = /<Plan_\d|<Final_answer>|<Execution_\d/;

/** The trajectory text of one JSON row (see the module comment), or null. */
export function trajectoryFromRow(row: unknown): { field: string; text: string } | null {
  if (typeof row === "string") return { field: "(string)", text: row };
  if (typeof row !== "object" || row === null || Array.isArray(row)) return null;
  const r = row as Record<string, unknown>;
  const candidates: { field: string; text: string }[] = [];
  for (const f of STRING_FIELDS) {
    const v = r[f];
    if (typeof v === "string") candidates.push({ field: f, text: v });
    else if (Array.isArray(v)) {
      // TRL prompt-completion rows: completion is a list of messages.
      const last = [...v].reverse().find((m) => typeof m === "object" && m !== null && (m as { role?: unknown }).role === "assistant") as { content?: unknown } | undefined;
      if (typeof last?.content === "string") candidates.push({ field: `${f}[assistant]`, text: last.content });
    }
  }
  if (Array.isArray(r.messages)) {
    const last = [...(r.messages as unknown[])].reverse().find((m) => typeof m === "object" && m !== null && (m as { role?: unknown }).role === "assistant") as { content?: unknown } | undefined;
    if (typeof last?.content === "string") candidates.push({ field: "messages[assistant]", text: last.content });
  }
  if (Array.isArray(r.conversations)) {
    const last = [...(r.conversations as unknown[])].reverse().find((m) => {
      const from = typeof m === "object" && m !== null ? (m as { from?: unknown; role?: unknown }).from ?? (m as { role?: unknown }).role : undefined;
      return from === "assistant" || from === "gpt";
    }) as { value?: unknown; content?: unknown } | undefined;
    const text = last?.value ?? last?.content;
    if (typeof text === "string") candidates.push({ field: "conversations[assistant]", text });
  }
  return candidates.find((c) => SPRINT_TAG.test(c.text)) ?? candidates[0] ?? null;
}

/** Splits a file's content into trajectories according to its extension. */
export function extractDocuments(file: string, content: string): { docs: SourceDoc[]; errors: SourceError[] } {
  const lower = file.toLowerCase();
  const docs: SourceDoc[] = [];
  const errors: SourceError[] = [];
  if (lower.endsWith(".jsonl")) {
    const lines = content.split(/\r?\n/);
    lines.forEach((line, i) => {
      if (line.trim() === "") return;
      let row: unknown;
      try {
        row = JSON.parse(line) as unknown;
      } catch (e) {
        errors.push({ file, line: i + 1, column: 1, message: `invalid JSON: ${e instanceof Error ? e.message : String(e)}` });
        return;
      }
      const t = trajectoryFromRow(row);
      if (!t) errors.push({ file, line: i + 1, column: 1, message: "row has no trajectory field (text, output, completion, messages, …)" });
      else docs.push({ file, row: i + 1, field: t.field, text: t.text });
    });
  } else if (lower.endsWith(".json")) {
    let data: unknown;
    try {
      data = JSON.parse(content) as unknown;
    } catch (e) {
      errors.push({ file, line: 1, column: 1, message: `invalid JSON: ${e instanceof Error ? e.message : String(e)}` });
      return { docs, errors };
    }
    const rows = Array.isArray(data) ? data : [data];
    rows.forEach((row: unknown, i) => {
      const t = trajectoryFromRow(row);
      if (!t) errors.push({ file, line: 1, column: 1, message: `row ${i + 1} has no trajectory field` });
      else docs.push({ file, row: i + 1, field: t.field, text: t.text });
    });
  } else {
    docs.push({ file, text: content });
  }
  return { docs, errors };
}

/** A diagnostic with its printable location. */
export interface LocatedDiagnostic {
  location: string;
  severity: Diagnostic["severity"];
  code: string;
  message: string;
  /** The diagnostic drops input text (see {@link DocStats.lost}). */
  dropsContent?: boolean;
}

/** Metrics of one trajectory, or why it failed. */
export interface DocStats {
  /** "file" or "file:row". */
  source: string;
  /** The file it came from. */
  file: string;
  /** How it was read (a failed source: "sprint"). */
  format: TraceFormat;
  ok: boolean;
  /** The parse dropped input text (see `lostTokens`); the numbers undercount the output. */
  lost: boolean;
  /** Tokens of the dropped text (0 when nothing was lost). */
  lostTokens: number;
  /** Sequential traces: tokens inside `<think>…</think>` (null when there is no think block; SPRINT: null). */
  thinkTokens: number | null;
  sequentialTokens: number;
  totalTokens: number;
  stages: number;
  promptsPerStage: number[];
  meanPromptsPerStage: number;
  parallelRatio: number;
  hasFinalAnswer: boolean;
  errors: LocatedDiagnostic[];
  warnings: LocatedDiagnostic[];
}

/** "file:line:col" (plain files) or "file:row:1 [field line:col]" (rows of JSON files). */
export function locate(doc: SourceDoc, d: { line: number; column: number }): string {
  if (doc.row === undefined) return `${doc.file}:${d.line}:${d.column}`;
  return `${doc.file}:${doc.row}:1 [${doc.field ?? "text"} ${d.line}:${d.column}]`;
}

/**
 * Parses one trajectory (tolerant mode) and computes its metrics. It fails when the parser reports
 * an error (in tolerant mode: `empty-trajectory`, no round and no final answer — not a SPRINT
 * trajectory); repairs are warnings.
 */
export function analyzeDocument(doc: SourceDoc, tokenizer: Tokenizer, format: StatsArgs["format"] = "auto"): DocStats {
  const source = doc.row === undefined ? doc.file : `${doc.file}:${doc.row}`;
  if (format === "sequential" || (format === "auto" && detectFormat(doc.text) === "sequential")) return analyzeSequential(doc, tokenizer, source);
  const parsed = parseTrajectory(doc.text);
  const t = parsed.trajectory;
  const located: LocatedDiagnostic[] = parsed.diagnostics.map((d) => ({
    location: locate(doc, d),
    severity: d.severity,
    code: d.code,
    message: d.message,
    ...(d.dropsContent ? { dropsContent: true } : {}),
  }));
  const errors = located.filter((d) => d.severity === "error");
  const m = trajectoryMetrics(t, tokenizer);
  const lost = parsed.dropped.chars > 0;
  return {
    source,
    file: doc.file,
    format: "sprint",
    ok: errors.length === 0,
    lost,
    lostTokens: lost ? tokenizer.count(parsed.dropped.text) : 0,
    thinkTokens: null,
    sequentialTokens: m.sequentialTokens,
    totalTokens: m.totalTokens,
    stages: m.stageCount,
    promptsPerStage: m.promptsPerStage,
    meanPromptsPerStage: m.meanPromptsPerStage,
    parallelRatio: m.parallelRatio,
    hasFinalAnswer: t.finalAnswer !== undefined,
    errors,
    warnings: located.filter((d) => d.severity === "warning"),
  };
}

const SPRINT_BLOCK_TAG = /<\s*\/?\s*(plan|execution|prompt)\s*_?\s*\d|<\s*\/?\s*final[_ -]?answer\s*>/i;

/** `sprint` when the text has a SPRINT block tag, else `sequential`. */
export function detectFormat(text: string): TraceFormat {
  return SPRINT_BLOCK_TAG.test(text) ? "sprint" : "sequential";
}

const THINK_OPEN = /<think>/i;
const THINK_CLOSE = /<\/think>/i;

/**
 * A plain sequential trace: sequential = total = tokens of the whole output (tags stripped), as the
 * paper's baseline and the playground's sequential run count it; `thinkTokens` = the part inside
 * `<think>…</think>` (or before `</think>` when the output was saved without the prefilled `<think>`).
 * A `<think>` that is never closed is reported (the output was probably cut).
 */
function analyzeSequential(doc: SourceDoc, tokenizer: Tokenizer, source: string): DocStats {
  const b = sequentialBaselineMetrics(doc.text, tokenizer);
  const open = THINK_OPEN.exec(doc.text);
  let thinkTokens: number | null = null;
  const warnings: LocatedDiagnostic[] = [];
  if (open === null) {
    // Outputs saved without the prefilled `<think>` (it was in the prompt) still end their thinking with `</think>`.
    const close = THINK_CLOSE.exec(doc.text);
    if (close !== null) {
      const inner = doc.text.slice(0, close.index);
      thinkTokens = inner.trim() === "" ? 0 : tokenizer.count(inner);
    }
  } else {
    const start = open.index + open[0].length;
    const close = THINK_CLOSE.exec(doc.text.slice(start));
    const inner = close === null ? doc.text.slice(start) : doc.text.slice(start, start + close.index);
    thinkTokens = inner.trim() === "" ? 0 : tokenizer.count(inner);
    if (close === null) {
      const before = doc.text.slice(0, open.index).split("\n");
      const pos = { line: before.length, column: (before[before.length - 1] ?? "").length + 1 };
      warnings.push({ location: locate(doc, pos), severity: "warning", code: "unclosed-think", message: "<think> is not closed: the output may have been cut" });
    }
  }
  const errors: LocatedDiagnostic[] =
    doc.text.trim() === "" ? [{ location: locate(doc, { line: 1, column: 1 }), severity: "error", code: "empty-trace", message: "The trace is empty" }] : [];
  return {
    source,
    file: doc.file,
    format: "sequential",
    ok: errors.length === 0,
    lost: false,
    lostTokens: 0,
    thinkTokens,
    sequentialTokens: b.sequentialTokens,
    totalTokens: b.totalTokens,
    stages: 0,
    promptsPerStage: [],
    meanPromptsPerStage: 0,
    parallelRatio: 1,
    hasFinalAnswer: /\\boxed\s*\{/.test(doc.text),
    errors,
    warnings,
  };
}

/** Turns a {@link SourceError} into a failed {@link DocStats}. */
export function sourceErrorStats(e: SourceError): DocStats {
  return {
    source: `${e.file}:${e.line}`,
    file: e.file,
    format: "sprint",
    ok: false,
    lost: false,
    lostTokens: 0,
    thinkTokens: null,
    sequentialTokens: 0,
    totalTokens: 0,
    stages: 0,
    promptsPerStage: [],
    meanPromptsPerStage: 0,
    parallelRatio: 0,
    hasFinalAnswer: false,
    errors: [{ location: `${e.file}:${e.line}:${e.column}`, severity: "error", code: "bad-input", message: e.message }],
    warnings: [],
  };
}

/** Means of one format over its parsed trajectories. */
export interface FormatSummary {
  trajectories: number;
  meanSequentialTokens: number;
  meanTotalTokens: number;
  totalSequentialTokens: number;
  totalTotalTokens: number;
}

/** Totals and means of a run. */
export interface StatsSummary {
  trajectories: number;
  parsed: number;
  failed: number;
  /** Parsed trajectories whose parse dropped content (their numbers undercount). */
  lost: number;
  /** Σ tokens of dropped content. */
  lostTokens: number;
  tokenizer: string;
  /** Σ over parsed trajectories. */
  totalSequentialTokens: number;
  totalTotalTokens: number;
  /** Means over parsed trajectories (both formats together; see `byFormat`). */
  meanSequentialTokens: number;
  meanTotalTokens: number;
  meanStages: number;
  meanPromptsPerStage: number;
  /** Σ total ÷ Σ sequential over parsed trajectories (1 when nothing parsed). */
  tokenParallelism: number;
  byFormat: Record<TraceFormat, FormatSummary>;
  /**
   * 1 − mean SPRINT sequential tokens ÷ mean sequential-trace tokens, when both formats are present
   * (e.g. 0.39 = 39% fewer sequential tokens); null otherwise. Meaningful when the files hold the
   * same problems.
   */
  sequentialReduction: number | null;
}

/** One row per input file. */
export interface FileStats {
  file: string;
  trajectories: number;
  parsed: number;
  failed: number;
  lost: number;
  lostTokens: number;
  sprint: number;
  sequential: number;
  totalSequentialTokens: number;
  totalTotalTokens: number;
}

function formatSummary(stats: readonly DocStats[]): FormatSummary {
  const seq = stats.reduce((a, s) => a + s.sequentialTokens, 0);
  const tot = stats.reduce((a, s) => a + s.totalTokens, 0);
  const n = stats.length;
  return { trajectories: n, meanSequentialTokens: n === 0 ? 0 : seq / n, meanTotalTokens: n === 0 ? 0 : tot / n, totalSequentialTokens: seq, totalTotalTokens: tot };
}

/** Summary of a run (sums and means over parsed trajectories only). */
export function summarizeStats(stats: readonly DocStats[], tokenizer: string): StatsSummary {
  const ok = stats.filter((s) => s.ok);
  const mean = (f: (s: DocStats) => number): number => (ok.length === 0 ? 0 : ok.reduce((a, s) => a + f(s), 0) / ok.length);
  const seq = ok.reduce((a, s) => a + s.sequentialTokens, 0);
  const tot = ok.reduce((a, s) => a + s.totalTokens, 0);
  const sprint = formatSummary(ok.filter((s) => s.format === "sprint"));
  const sequential = formatSummary(ok.filter((s) => s.format === "sequential"));
  return {
    trajectories: stats.length,
    parsed: ok.length,
    failed: stats.length - ok.length,
    lost: stats.filter((s) => s.lost).length,
    lostTokens: stats.reduce((a, s) => a + s.lostTokens, 0),
    tokenizer,
    totalSequentialTokens: seq,
    totalTotalTokens: tot,
    meanSequentialTokens: mean((s) => s.sequentialTokens),
    meanTotalTokens: mean((s) => s.totalTokens),
    meanStages: mean((s) => s.stages),
    meanPromptsPerStage: mean((s) => s.meanPromptsPerStage),
    tokenParallelism: seq === 0 ? 1 : tot / seq,
    byFormat: { sprint, sequential },
    sequentialReduction:
      sprint.trajectories > 0 && sequential.trajectories > 0 && sequential.meanSequentialTokens > 0
        ? 1 - sprint.meanSequentialTokens / sequential.meanSequentialTokens
        : null,
  };
}

/** Per-file rows, in the order files first appear. */
export function summarizeFiles(stats: readonly DocStats[]): FileStats[] {
  const rows = new Map<string, FileStats>();
  for (const s of stats) {
    let r = rows.get(s.file);
    if (r === undefined) {
      r = { file: s.file, trajectories: 0, parsed: 0, failed: 0, lost: 0, lostTokens: 0, sprint: 0, sequential: 0, totalSequentialTokens: 0, totalTotalTokens: 0 };
      rows.set(s.file, r);
    }
    r.trajectories++;
    if (s.lost) r.lost++;
    r.lostTokens += s.lostTokens;
    if (!s.ok) {
      r.failed++;
      continue;
    }
    r.parsed++;
    r[s.format]++;
    r.totalSequentialTokens += s.sequentialTokens;
    r.totalTotalTokens += s.totalTokens;
  }
  return [...rows.values()];
}

function fmt(n: number, digits = 0): string {
  return n.toFixed(digits);
}

function pad(s: string, w: number, right = false): string {
  return right ? s.padStart(w) : s.padEnd(w);
}

function statusText(s: DocStats): string {
  if (!s.ok) return "FAILED";
  if (s.lost) return `LOST ${s.lostTokens} tokens`;
  return s.warnings.length ? `ok, ${s.warnings.length} warning${s.warnings.length === 1 ? "" : "s"}` : "ok";
}

/** The human-readable report: a table, then failures and lost content with diagnostics, then the totals. */
export function formatStatsText(stats: readonly DocStats[], summary: StatsSummary, opts: { verbose?: boolean } = {}): string {
  const out: string[] = [];
  const header = ["trajectory", "seq", "total", "stages", "prompts/stage", "format", "status"];
  const rows = stats.map((s) => [
    s.source,
    s.ok ? fmt(s.sequentialTokens) : "-",
    s.ok ? fmt(s.totalTokens) : "-",
    s.ok && s.format === "sprint" ? fmt(s.stages) : "-",
    s.ok && s.format === "sprint" ? (s.promptsPerStage.length ? `${s.promptsPerStage.join(",")} (${fmt(s.meanPromptsPerStage, 2)})` : "0") : "-",
    s.format,
    statusText(s),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]): string => r.map((c, i) => pad(c, widths[i] ?? 0, i >= 1 && i <= 3)).join("  ").trimEnd();
  out.push(line(header));
  for (const r of rows) out.push(line(r));
  const failed = stats.filter((s) => !s.ok);
  if (failed.length > 0) {
    out.push("", `Parse failures (${failed.length}):`);
    for (const s of failed) for (const d of s.errors) out.push(`  ${d.location}: ${d.severity} ${d.code}: ${d.message}`);
  }
  const lost = stats.filter((s) => s.ok && s.lost);
  if (lost.length > 0) {
    out.push("", `Lost content (${lost.length}; not counted above):`);
    for (const s of lost) {
      out.push(`  ${s.source}: ${s.lostTokens} tokens dropped`);
      for (const d of s.warnings) if (d.dropsContent) out.push(`    ${d.location}: ${d.severity} ${d.code}: ${d.message}`);
    }
  }
  if (opts.verbose) {
    const warned = stats.filter((s) => s.warnings.length > 0);
    if (warned.length > 0) {
      out.push("", "Warnings:");
      for (const s of warned) for (const d of s.warnings) out.push(`  ${d.location}: ${d.severity} ${d.code}: ${d.message}`);
    }
  }
  const { sprint, sequential } = summary.byFormat;
  out.push(
    "",
    `${summary.trajectories} trajectories, ${summary.parsed} parsed, ${summary.failed} failed, ${summary.lost} lost content (${summary.lostTokens} tokens) (tokenizer: ${summary.tokenizer})`,
    `mean sequential tokens ${fmt(summary.meanSequentialTokens, 1)}, mean total tokens ${fmt(summary.meanTotalTokens, 1)}, ` +
      `mean stages ${fmt(summary.meanStages, 2)}, mean prompts/stage ${fmt(summary.meanPromptsPerStage, 2)}, total/sequential ${fmt(summary.tokenParallelism, 2)}`,
  );
  if (sprint.trajectories > 0 && sequential.trajectories > 0) {
    out.push(
      `SPRINT: ${sprint.trajectories} trajectories, mean sequential ${fmt(sprint.meanSequentialTokens, 1)}, mean total ${fmt(sprint.meanTotalTokens, 1)}; ` +
        `sequential traces: ${sequential.trajectories}, mean ${fmt(sequential.meanSequentialTokens, 1)} tokens; ` +
        `sequential-token reduction ${summary.sequentialReduction === null ? "-" : `${fmt(summary.sequentialReduction * 100, 1)}%`}`,
    );
  }
  return `${out.join("\n")}\n`;
}

/** The `--json` report: totals, one row per file, one row per trajectory. */
export function formatStatsJson(stats: readonly DocStats[], summary: StatsSummary): string {
  return `${JSON.stringify({ summary, files: summarizeFiles(stats), trajectories: stats }, null, 2)}\n`;
}

/** Exit code of a run: 1 when any trajectory failed or lost content, else 0. */
export function exitCode(stats: readonly DocStats[]): number {
  return stats.some((s) => !s.ok || s.lost) ? 1 : 0;
}
