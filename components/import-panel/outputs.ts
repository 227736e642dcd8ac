/**
 * Raw model outputs → import records (browser-safe, pure): researchers keep one `.txt` per trace (no
 * question, usually ending in `</think>`), as several files or one `.zip`. The file name without `.txt` is
 * the trace id; an optional questions file (JSON Lines or a JSON array of `{id, question, answer?}`) is
 * joined by id. Records come out as `{id, output, question?, answer?}` for the `outputs` preset.
 */
import { unzipSync } from "fflate";
import { RecordSplitter } from "@/server/curation/import/reader";

export interface InputFile {
  name: string;
  bytes: Uint8Array;
}

export interface OutputRecord {
  id: string;
  output: string;
  question?: string;
  answer?: string;
}

export interface OutputsBatch {
  records: OutputRecord[];
  /** Files (or zip entries) not used, with why. */
  skipped: { name: string; reason: string }[];
  withQuestion: number;
  withoutQuestion: number;
  /** Ids in the questions file that matched no output. */
  unmatchedQuestions: string[];
  /** Problems reading the questions file (line + reason). */
  questionErrors: { line: number; reason: string }[];
}

const ID_KEYS = ["id", "_id", "problem_id", "uuid", "external_id", "externalId", "name", "file"];
const QUESTION_KEYS = ["question", "problem", "prompt", "instruction", "query"];
const ANSWER_KEYS = ["answer", "final_answer", "expected_answer", "gold_answer", "ground_truth", "solution_answer"];
/** Limit on the unzipped size of one archive (the records are built in the browser's memory). */
export const MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024;

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** The trace id of a file: its name without directories and without `.txt`. */
export function idOfFile(path: string): string {
  return baseName(path).replace(/\.txt$/i, "");
}

function firstString(rec: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = rec[k];
    if (typeof v === "string" && v.trim() !== "") return v;
    if (typeof v === "number") return String(v);
  }
  return undefined;
}

/** Expands `.zip` files into their `.txt` entries; plain `.txt` files pass through; anything else is skipped. */
export function expandFiles(files: readonly InputFile[]): { txt: InputFile[]; skipped: { name: string; reason: string }[] } {
  const txt: InputFile[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const f of files) {
    if (/\.zip$/i.test(f.name)) {
      let total = 0;
      let entries: Record<string, Uint8Array>;
      try {
        entries = unzipSync(f.bytes, {
          filter: (e) => {
            const name = baseName(e.name);
            const wanted = !e.name.endsWith("/") && !e.name.startsWith("__MACOSX/") && !name.startsWith(".") && /\.txt$/i.test(name);
            if (wanted) total += e.originalSize;
            if (!wanted && !e.name.endsWith("/") && !e.name.startsWith("__MACOSX/") && !name.startsWith(".")) {
              skipped.push({ name: `${f.name}: ${e.name}`, reason: "not a .txt file" });
            }
            return wanted && total <= MAX_UNZIPPED_BYTES;
          },
        });
      } catch {
        skipped.push({ name: f.name, reason: "not a readable .zip archive" });
        continue;
      }
      if (total > MAX_UNZIPPED_BYTES) skipped.push({ name: f.name, reason: "over 1 GB unzipped: split the archive" });
      for (const [name, bytes] of Object.entries(entries).sort(([a], [b]) => a.localeCompare(b))) txt.push({ name, bytes });
    } else if (/\.txt$/i.test(f.name)) {
      txt.push(f);
    } else {
      skipped.push({ name: f.name, reason: "not a .txt or .zip file" });
    }
  }
  return { txt, skipped };
}

/** Reads a questions file: id → {question, answer}. */
export function parseQuestions(bytes: Uint8Array): { byId: Map<string, { question?: string; answer?: string }>; errors: { line: number; reason: string }[] } {
  const splitter = new RecordSplitter();
  const byId = new Map<string, { question?: string; answer?: string }>();
  const errors: { line: number; reason: string }[] = [];
  for (const r of [...splitter.push(bytes), ...splitter.end()]) {
    if ("error" in r) {
      errors.push({ line: r.line, reason: r.error });
      continue;
    }
    if (r.value === null || typeof r.value !== "object" || Array.isArray(r.value)) {
      errors.push({ line: r.line, reason: "expected an object with id and question" });
      continue;
    }
    const rec = r.value as Record<string, unknown>;
    const id = firstString(rec, ID_KEYS);
    if (!id) {
      errors.push({ line: r.line, reason: `no id (looked for ${ID_KEYS.join(", ")})` });
      continue;
    }
    const question = firstString(rec, QUESTION_KEYS);
    const answer = firstString(rec, ANSWER_KEYS);
    if (!question && !answer) {
      errors.push({ line: r.line, reason: `no question (looked for ${QUESTION_KEYS.join(", ")})` });
      continue;
    }
    byId.set(idOfFile(id), { ...(question ? { question } : {}), ...(answer ? { answer } : {}) });
  }
  return { byId, errors };
}

/** Builds the import records from output files (and an optional questions file). */
export function buildOutputRecords(files: readonly InputFile[], questions?: Uint8Array): OutputsBatch {
  const { txt, skipped } = expandFiles(files);
  const q = questions ? parseQuestions(questions) : { byId: new Map<string, { question?: string; answer?: string }>(), errors: [] };
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const records: OutputRecord[] = [];
  const seen = new Set<string>();
  for (const f of txt) {
    const id = idOfFile(f.name);
    if (seen.has(id)) {
      skipped.push({ name: f.name, reason: `a second file with the id "${id}"` });
      continue;
    }
    let text: string;
    try {
      text = decoder.decode(f.bytes);
    } catch {
      skipped.push({ name: f.name, reason: "not UTF-8 text" });
      continue;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === "") {
      skipped.push({ name: f.name, reason: "empty" });
      continue;
    }
    seen.add(id);
    const joined = q.byId.get(id);
    records.push({ id, output: text, ...(joined?.question ? { question: joined.question } : {}), ...(joined?.answer ? { answer: joined.answer } : {}) });
  }
  const withQuestion = records.filter((r) => r.question).length;
  return {
    records,
    skipped,
    withQuestion,
    withoutQuestion: records.length - withQuestion,
    unmatchedQuestions: [...q.byId.keys()].filter((id) => !seen.has(id)),
    questionErrors: q.errors,
  };
}

/** The records as JSON Lines (id first, so an issue's excerpt names the file). */
export function toJsonl(records: readonly OutputRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join("\n") + (records.length ? "\n" : "");
}

/**
 * Whether pasted text is JSON Lines (or a JSON array) rather than one trace: its first non-blank line parses
 * as a JSON object (a reasoning never does), or the whole text is a JSON array of objects. Returns the
 * number of records (non-blank lines; bad ones among them are reported by the import), or 0.
 */
export function looksLikeJsonl(text: string): number {
  const t = text.trim();
  if (t.startsWith("[")) {
    try {
      const v = JSON.parse(t) as unknown;
      return Array.isArray(v) && v.some((x) => x !== null && typeof x === "object") ? v.length : 0;
    } catch {
      return 0;
    }
  }
  if (!t.startsWith("{")) return 0;
  const lines = t.split(/\r?\n/).filter((l) => l.trim() !== "");
  try {
    const v = JSON.parse(lines[0]!) as unknown;
    if (v === null || typeof v !== "object" || Array.isArray(v)) return 0;
  } catch {
    return 0;
  }
  return lines.length;
}
