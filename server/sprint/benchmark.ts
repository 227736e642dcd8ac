/**
 * Benchmarks and graded outputs, shared by the eval service, the CLI (`sprint grade`) and the studio:
 * - parsing uploads: MATH-style JSONL (`problem, answer, subject, level, unique_id`, extra fields kept),
 *   GPQA-style CSV (`Question, Correct Answer, Incorrect Answer 1..3`; options shuffled with a stored seed),
 *   generic JSONL with a field mapping; generated Countdown sets (seeded);
 * - a content hash of a benchmark (its items in canonical JSON);
 * - grading one output against one item, with the paper's token metrics: a SPRINT trajectory (has
 *   `<Plan_…>` / `<Final_answer>`) gets sequential/total tokens by the paper's definitions, any other text
 *   is a sequential trace (sequential = total = its tokens);
 * - summaries (accuracy with a Wilson interval, mean tokens, undecided count).
 * Pure: no I/O.
 */
import { z } from "zod";
import { countdownQuestion, generateCountdown, type GenerateOptions } from "./countdown/generate";
import { createRng } from "./countdown/random";
import { parseTrajectory } from "./format";
import { grade, type GradeResult, type GradeTask, type Verdict } from "./grading";
import { sequentialBaselineMetrics, trajectoryMetrics } from "./metrics";
import { sha256Hex } from "./sha256";
import { wilsonInterval, type Interval } from "./stats";
import type { Tokenizer } from "./types";

export type BenchmarkKind = "math" | "multiple-choice" | "countdown";

/** One problem of a benchmark. */
export interface BenchmarkItem {
  /** Unique within the benchmark (MATH's unique_id, GPQA's Record ID, …). */
  id: string;
  kind: BenchmarkKind;
  /** The prompt shown to a model. */
  question: string;
  /** Gold: the answer (math), the correct letter (multiple choice), or the target (Countdown). */
  answer: string;
  /** Multiple choice: option texts in letter order. */
  choices?: string[];
  /** Countdown: the given numbers and target; `useAll` = each exactly once (else at most once). */
  numbers?: number[];
  target?: number;
  useAll?: boolean;
  subject?: string;
  level?: string;
  /** Every other field of the source row. */
  extra?: Record<string, unknown>;
}

/** A problem with the source it came from, when parsing fails. */
export interface ParseIssue {
  /** 1-based line (JSONL) or record (CSV) number. */
  line: number;
  message: string;
}

export interface ParsedBenchmark {
  items: BenchmarkItem[];
  issues: ParseIssue[];
}

// ─────────────────────────────── JSONL ───────────────────────────────

function jsonlRows(text: string): { line: number; value: unknown; error?: string }[] {
  const out: { line: number; value: unknown; error?: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    try {
      out.push({ line: i + 1, value: JSON.parse(line) as unknown });
    } catch (e) {
      out.push({ line: i + 1, value: null, error: `not valid JSON (${e instanceof Error ? e.message : String(e)})` });
    }
  });
  return out;
}

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined);

/** Field names of a generic JSONL benchmark (dot paths allowed: `meta.answer`). */
export const fieldMappingSchema = z.object({
  id: z.string().min(1).optional(),
  question: z.string().min(1),
  answer: z.string().min(1),
  /** A field holding an array of option texts: makes the items multiple choice (answer = letter or option text). */
  choices: z.string().min(1).optional(),
  subject: z.string().min(1).optional(),
  level: z.string().min(1).optional(),
});
export type FieldMapping = z.infer<typeof fieldMappingSchema>;

/** The MATH-500 layout. */
export const MATH_MAPPING: FieldMapping = { id: "unique_id", question: "problem", answer: "answer", subject: "subject", level: "level" };

function getPath(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** Dedupe ids: a repeated id is an issue (the later row is dropped), a missing one gets `row-N`. */
function pushItem(out: ParsedBenchmark, seen: Set<string>, item: BenchmarkItem, line: number): void {
  if (seen.has(item.id)) {
    out.issues.push({ line, message: `duplicate id "${item.id}" (row skipped)` });
    return;
  }
  seen.add(item.id);
  out.items.push(item);
}

/** A JSONL benchmark mapped by `mapping` (default: MATH's field names). Countdown rows (`numbers`, `target`) are recognised too. */
export function parseJsonlBenchmark(text: string, mapping: FieldMapping = MATH_MAPPING): ParsedBenchmark {
  const out: ParsedBenchmark = { items: [], issues: [] };
  const seen = new Set<string>();
  const used = new Set(Object.values(mapping).map((p) => p.split(".")[0]));
  for (const row of jsonlRows(text)) {
    if (row.error) {
      out.issues.push({ line: row.line, message: row.error });
      continue;
    }
    if (row.value === null || typeof row.value !== "object" || Array.isArray(row.value)) {
      out.issues.push({ line: row.line, message: "each line must be a JSON object" });
      continue;
    }
    const obj = row.value as Record<string, unknown>;
    // Countdown rows (as exported by the product): {id, numbers, target, useAll?}.
    const cd = z.object({ id: scalar.optional(), numbers: z.array(z.number().int().positive()).min(2).max(12), target: z.number().int(), useAll: z.boolean().optional() }).safeParse(obj);
    if (cd.success && getPath(obj, mapping.question) === undefined) {
      const useAll = cd.data.useAll ?? true;
      pushItem(out, seen, countdownItem(str(cd.data.id) ?? `row-${row.line}`, cd.data.numbers, cd.data.target, useAll), row.line);
      continue;
    }
    const question = str(getPath(obj, mapping.question));
    const answerRaw = getPath(obj, mapping.answer);
    const answer = str(answerRaw);
    if (!question || question.trim() === "") {
      out.issues.push({ line: row.line, message: `missing "${mapping.question}" (the problem text)` });
      continue;
    }
    if (answer === undefined || answer.trim() === "") {
      out.issues.push({ line: row.line, message: `missing "${mapping.answer}" (the gold answer)` });
      continue;
    }
    const id = (mapping.id ? str(getPath(obj, mapping.id)) : undefined) ?? str(obj.id) ?? `row-${row.line}`;
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) if (!used.has(k)) extra[k] = v;
    const item: BenchmarkItem = { id, kind: "math", question, answer: answer.trim(), ...(Object.keys(extra).length ? { extra } : {}) };
    const subject = mapping.subject ? str(getPath(obj, mapping.subject)) : undefined;
    const level = mapping.level ? str(getPath(obj, mapping.level)) : undefined;
    if (subject) item.subject = subject;
    if (level) item.level = level;
    if (mapping.choices) {
      const choices = z.array(scalar).min(2).max(26).safeParse(getPath(obj, mapping.choices));
      if (!choices.success) {
        out.issues.push({ line: row.line, message: `"${mapping.choices}" must be an array of 2–26 options` });
        continue;
      }
      const texts = choices.data.map(String);
      const letter = /^\(?([A-Z])\)?$/.exec(answer.trim())?.[1];
      const idx = letter ? letter.charCodeAt(0) - 65 : texts.findIndex((t) => t.trim() === answer.trim());
      if (idx < 0 || idx >= texts.length) {
        out.issues.push({ line: row.line, message: `the answer "${answer}" is neither an option letter nor one of the options` });
        continue;
      }
      item.kind = "multiple-choice";
      item.choices = texts;
      item.answer = String.fromCharCode(65 + idx);
      item.question = multipleChoiceQuestion(question, texts);
    }
    pushItem(out, seen, item, row.line);
  }
  if (out.items.length === 0 && out.issues.length === 0) out.issues.push({ line: 1, message: "the file has no rows" });
  return out;
}

// ─────────────────────────────── CSV (GPQA) ───────────────────────────────

/** RFC 4180 CSV: quoted fields with "" escapes and line breaks; returns rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  let i = 0;
  const s = text.replace(/^\uFEFF/, "");
  while (i < s.length) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else cell += c;
      i++;
      continue;
    }
    if (c === '"' && cell === "") quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && s[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
    i++;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ""));
}

/** The question with lettered options and the answer instruction. */
export function multipleChoiceQuestion(question: string, choices: readonly string[]): string {
  const opts = choices.map((c, i) => `(${String.fromCharCode(65 + i)}) ${c.trim()}`).join("\n");
  return `${question.trim()}\n\n${opts}\n\nAnswer with the letter of the correct option in \\boxed{}.`;
}

/**
 * A GPQA-style CSV: `Question`, `Correct Answer`, `Incorrect Answer 1..3` (other columns kept as extra;
 * `Record ID` is the id when present). The four options are shuffled per item with `seed` (stored with
 * the benchmark, so the order is reproducible).
 */
export function parseGpqaCsv(text: string, seed: string | number): ParsedBenchmark {
  const out: ParsedBenchmark = { items: [], issues: [] };
  const rows = parseCsv(text);
  const header = (rows[0] ?? []).map((h) => h.trim());
  const col = (name: string): number => header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
  const q = col("Question");
  const correct = col("Correct Answer");
  const wrong = [1, 2, 3].map((k) => col(`Incorrect Answer ${k}`));
  if (q < 0 || correct < 0 || wrong.some((w) => w < 0)) {
    out.issues.push({ line: 1, message: "the header needs the columns Question, Correct Answer, Incorrect Answer 1, Incorrect Answer 2, Incorrect Answer 3" });
    return out;
  }
  const idCol = col("Record ID");
  const seen = new Set<string>();
  rows.slice(1).forEach((r, k) => {
    const line = k + 2;
    const cells = (i: number) => (r[i] ?? "").trim();
    if (!cells(q) || !cells(correct) || wrong.some((w) => !cells(w))) {
      out.issues.push({ line, message: "empty question or option" });
      return;
    }
    const id = (idCol >= 0 && cells(idCol)) || `gpqa-${line - 1}`;
    const options = [cells(correct), ...wrong.map(cells)];
    const order = createRng(`gpqa/${String(seed)}/${id}`).shuffle([0, 1, 2, 3]);
    const choices = order.map((o) => options[o]!);
    const letter = String.fromCharCode(65 + order.indexOf(0));
    const extra: Record<string, unknown> = {};
    header.forEach((h, i) => {
      if (i !== q && i !== correct && !wrong.includes(i) && i !== idCol && h) extra[h] = r[i] ?? "";
    });
    const subject = extra["High-level domain"];
    pushItem(
      out,
      seen,
      {
        id,
        kind: "multiple-choice",
        question: multipleChoiceQuestion(cells(q), choices),
        answer: letter,
        choices,
        ...(typeof subject === "string" && subject ? { subject } : {}),
        ...(Object.keys(extra).length ? { extra } : {}),
      },
      line,
    );
  });
  if (out.items.length === 0 && out.issues.length === 0) out.issues.push({ line: 1, message: "the file has no rows" });
  return out;
}

// ─────────────────────────────── Countdown ───────────────────────────────

function countdownItem(id: string, numbers: number[], target: number, useAll: boolean): BenchmarkItem {
  return { id, kind: "countdown", question: countdownQuestion(numbers, target, { useAll }), answer: String(target), numbers, target, useAll };
}

/** `n` seeded Countdown problems (ids `cd-{seed}-{i}`). */
export function countdownBenchmark(seed: string | number, n: number, opts: GenerateOptions = {}): BenchmarkItem[] {
  const useAll = opts.useAll ?? true;
  return generateCountdown(seed, n, opts).map((p) => countdownItem(p.id, p.numbers, p.target, useAll));
}

// ─────────────────────────────── hashing, grading ───────────────────────────────

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v as Record<string, unknown>)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/** SHA-256 of the items in canonical JSON (key order does not matter; item order does). */
export function benchmarkHash(items: readonly BenchmarkItem[]): string {
  return sha256Hex(JSON.stringify(canonical(items)));
}

/** What an item's outputs are graded against. */
export function gradeTaskOf(item: BenchmarkItem): GradeTask {
  switch (item.kind) {
    case "math":
      return { kind: "math", reference: item.answer, options: { question: item.question } };
    case "multiple-choice":
      return { kind: "multiple-choice", answer: item.answer, options: item.choices ? { choices: item.choices } : {} };
    case "countdown":
      return { kind: "countdown", numbers: item.numbers ?? [], target: item.target ?? Number(item.answer), options: { useAll: item.useAll ?? true } };
  }
}

/** True when the text is a SPRINT trajectory rather than a plain sequential trace. */
export function isSprintOutput(text: string): boolean {
  return /<Plan_\d+>|<Final_answer>|<Execution_\d+>/.test(text);
}

/** One graded output. */
export interface GradedOutput {
  verdict: Verdict;
  extracted: string | null;
  gold: string;
  reason: string;
  format: "sprint" | "sequential";
  sequentialTokens: number;
  totalTokens: number;
  /** SPRINT rounds (0 for a sequential trace). */
  rounds: number;
}

/** Token metrics of an output by the paper's definitions (same code as the studio and playground). */
export function outputTokens(text: string, tokenizer: Tokenizer): Pick<GradedOutput, "format" | "sequentialTokens" | "totalTokens" | "rounds"> {
  if (isSprintOutput(text)) {
    const t = parseTrajectory(text).trajectory;
    const m = trajectoryMetrics(t, tokenizer);
    return { format: "sprint", sequentialTokens: m.sequentialTokens, totalTokens: m.totalTokens, rounds: m.stageCount };
  }
  const m = sequentialBaselineMetrics(text, tokenizer);
  return { format: "sequential", sequentialTokens: m.sequentialTokens, totalTokens: m.totalTokens, rounds: 0 };
}

/** Grades an output for an item and measures its tokens. */
export function gradeOutput(item: BenchmarkItem, output: string, tokenizer: Tokenizer): GradedOutput {
  const r: GradeResult = grade(gradeTaskOf(item), output);
  return { verdict: r.verdict, extracted: r.extracted, gold: item.answer, reason: r.reason, ...outputTokens(output, tokenizer) };
}

/** Outputs as JSONL rows `{id, output}` (also `unique_id` / `text` / `response` / `completion`). */
export function parseOutputsJsonl(text: string): { outputs: Map<string, string>; issues: ParseIssue[] } {
  const outputs = new Map<string, string>();
  const issues: ParseIssue[] = [];
  for (const row of jsonlRows(text)) {
    if (row.error) {
      issues.push({ line: row.line, message: row.error });
      continue;
    }
    const obj = (row.value ?? {}) as Record<string, unknown>;
    const id = str(obj.id) ?? str(obj.unique_id) ?? str(obj.problem_id);
    const output = [obj.output, obj.text, obj.response, obj.completion, obj.trajectory].find((v) => typeof v === "string") as string | undefined;
    if (!id) issues.push({ line: row.line, message: "missing id" });
    else if (output === undefined) issues.push({ line: row.line, message: "missing output (expected a string field output/text/response/completion)" });
    else if (outputs.has(id)) issues.push({ line: row.line, message: `duplicate output for id "${id}" (first one kept)` });
    else outputs.set(id, output);
  }
  return { outputs, issues };
}

/** A file name of a recorded output → the problem id (`test/precalculus/807.json.txt` style names are kept whole, minus `.txt`). */
export function idFromFileName(name: string): string {
  return name.replace(/\.(txt|md)$/i, "");
}

/** Summary of graded items. Undecided items count as not correct until a human settles them. */
export interface GradeSummary {
  n: number;
  correct: number;
  accuracy: number;
  accuracyCI: Interval;
  meanSequentialTokens: number;
  meanTotalTokens: number;
  undecided: number;
}

export function summarizeGrades(items: readonly Pick<GradedOutput, "verdict" | "sequentialTokens" | "totalTokens">[]): GradeSummary {
  const n = items.length;
  const correct = items.filter((i) => i.verdict === "correct").length;
  const mean = (f: (i: (typeof items)[number]) => number) => (n === 0 ? 0 : items.reduce((s, i) => s + f(i), 0) / n);
  return {
    n,
    correct,
    accuracy: n === 0 ? 0 : correct / n,
    accuracyCI: wilsonInterval(correct, n),
    meanSequentialTokens: mean((i) => i.sequentialTokens),
    meanTotalTokens: mean((i) => i.totalTokens),
    undecided: items.filter((i) => i.verdict === "undecided").length,
  };
}

/** Detects the upload's format from its name and content and parses it. */
export function parseBenchmarkFile(name: string, text: string, opts: { seed?: string | number; mapping?: FieldMapping } = {}): ParsedBenchmark & { format: "math-jsonl" | "gpqa-csv" | "jsonl" } {
  if (/\.csv$/i.test(name) || /^\uFEFF?[^\n]*Question[^\n]*,[^\n]*Correct Answer/.test(text)) {
    return { ...parseGpqaCsv(text, opts.seed ?? 0), format: "gpqa-csv" };
  }
  if (opts.mapping) return { ...parseJsonlBenchmark(text, opts.mapping), format: "jsonl" };
  // MATH field names when the first row has them, else {id, question, answer}.
  const first = jsonlRows(text)[0]?.value as Record<string, unknown> | null | undefined;
  if (first && typeof first === "object" && !("problem" in first) && "question" in first) {
    return { ...parseJsonlBenchmark(text, { id: "id", question: "question", answer: "answer", ...("choices" in first ? { choices: "choices" } : {}) }), format: "jsonl" };
  }
  return { ...parseJsonlBenchmark(text, MATH_MAPPING), format: "math-jsonl" };
}
