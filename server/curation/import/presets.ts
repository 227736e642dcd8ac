/**
 * Import presets and field mapping: turn one parsed JSON record into a trace row (question, reasoning,
 * reference answer/solution, …) or a clear reason why it cannot be one. Pure and browser-safe (the import
 * page previews with it). Dataset shapes: docs/sprint-method.md §7.
 *
 * Presets:
 * - `openthoughts` — default config `{system, conversations: [{from: "user", value}, {from: "assistant",
 *   value: "<|begin_of_thought|>…<|end_of_thought|><|begin_of_solution|>…<|end_of_solution|>"}]}` and the
 *   metadata config `{problem, deepseek_reasoning, deepseek_solution, ground_truth_solution, domain, source, …}`.
 * - `s1k` — `{question, solution, deepseek_thinking_trajectory, deepseek_attempt, cot_type, …}`.
 * - `plain` — `{question, reasoning, answer}` with common aliases (problem/prompt/instruction,
 *   reasoning_content/thinking/cot/response/output…), chat `messages`, and R1 `<think>…</think>` output.
 * - `sprint` — already-curated SPRINT trajectories (`trajectory`/`text`/…, or chat `messages` as exported):
 *   parsed strictly (server/sprint/format.ts); the row carries the trajectory, imported as curated.
 * - `outputs` — raw model outputs, one per record `{id, output, question?, answer?}` (the import page builds
 *   these from a folder of `.txt` files or a `.zip`, file name = id, joined with an optional questions
 *   JSONL): the question may be missing — such a trace counts for statistics and evaluation, and curation
 *   skips it until it has one.
 * - `custom` — a mapping of target fields to dotted source paths (`conversations.1.value`, `a[0].b`,
 *   `messages.-1.content` for the last element).
 *
 * Conventions: `reasoning` is the thinking only — every reasoning source goes through
 * `parseSequentialTrace`, which strips `<|begin_of_thought|>`/`<think>` markers and splits off a trailing
 * answer. `referenceSolution` is the written solution that follows the thinking (the model's own, e.g.
 * OpenThoughts' `<|begin_of_solution|>` block, `deepseek_solution`, `deepseek_attempt`, the text after
 * `</think>`) — the curated trajectory's final answer is built from it. `referenceAnswer` is the expected
 * (ground-truth) answer when the record has one: an `answer` field, or the `\boxed{}` of the ground-truth
 * solution. Ground-truth solutions are kept in `metadata.groundTruthSolution`.
 */
import { z } from "zod";
import { extractBoxed, parseTrajectory, serializeTrajectory, stripTags } from "../../sprint/format";
import { parseSequentialTrace } from "../../sprint/sequential";
import type { Trajectory } from "../../sprint/types";

export const PRESET_IDS = ["openthoughts", "s1k", "plain", "sprint", "outputs", "custom"] as const;
export type PresetId = (typeof PRESET_IDS)[number];
/** A preset, or `auto`: detected from the first record. */
export type PresetChoice = PresetId | "auto";

export const PRESET_LABELS: Readonly<Record<PresetId, string>> = {
  openthoughts: "OpenThoughts (conversations or problem/deepseek_reasoning)",
  s1k: "s1K (question, deepseek_thinking_trajectory, deepseek_attempt)",
  plain: "Plain {question, reasoning, answer}",
  sprint: "Curated SPRINT trajectories (imported as curated)",
  outputs: "Model outputs {id, output, question?} (question optional)",
  custom: "Custom field mapping",
};

/** Target fields a custom mapping can fill. */
export const TARGET_FIELDS = ["question", "reasoning", "answer", "solution", "sourceModel", "externalId"] as const;
export type TargetField = (typeof TARGET_FIELDS)[number];
/** Target field → dotted source path. */
export type FieldMapping = Partial<Record<TargetField, string>>;

export const fieldMappingSchema = z
  .object(Object.fromEntries(TARGET_FIELDS.map((f) => [f, z.string().trim().max(200).optional()])) as Record<TargetField, z.ZodOptional<z.ZodString>>)
  .strict();

export const CURATION_STATUSES = ["pending", "running", "kept", "filtered", "failed"] as const;
export const REVIEW_STATUSES = ["pending", "in_review", "approved", "rejected", "changes_requested"] as const;

/** A curated trajectory carried by a `sprint` row. */
export interface CuratedPayload {
  trajectory: Trajectory;
  /** The canonical body (server/sprint/format.ts `serializeTrajectory`), question excluded. */
  text: string;
  curationStatus: (typeof CURATION_STATUSES)[number];
  reviewStatus: (typeof REVIEW_STATUSES)[number];
}

/** A trace row ready to store. */
export interface MappedTrace {
  question: string;
  reasoning: string;
  referenceAnswer?: string;
  referenceSolution?: string;
  sourceModel?: string;
  externalId?: string;
  metadata?: Record<string, unknown>;
  curated?: CuratedPayload;
}

export type MapResult = { ok: true; row: MappedTrace } | { ok: false; reason: string };

/** Size limits of a row (characters). */
export const LIMITS = {
  question: 100_000,
  reasoning: 1_000_000,
  answer: 100_000,
  solution: 500_000,
  short: 200,
  metadataBytes: 64 * 1024,
  metadataValueBytes: 16 * 1024,
} as const;

// ── paths ──────────────────────────────────────────────────────────────────────────────────────────

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Splits `a.b[1].c` / `a.b.1.c` into segments. */
export function pathSegments(path: string): string[] {
  return path
    .replace(/\[(-?\d+)\]/g, ".$1")
    .split(".")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** The value at a dotted path (`conversations.1.value`, `a[0]`, `messages.-1.content`), or undefined. */
export function getPath(value: unknown, path: string): unknown {
  let cur = value;
  for (const seg of pathSegments(path)) {
    if (Array.isArray(cur)) {
      if (!/^-?\d+$/.test(seg)) return undefined;
      const i = Number(seg);
      cur = cur[i < 0 ? cur.length + i : i];
    } else if (isRecord(cur)) {
      cur = Object.prototype.hasOwnProperty.call(cur, seg) ? cur[seg] : undefined;
    } else return undefined;
  }
  return cur;
}

/** Leaf paths of a record (for the mapping editor), with a short preview of each value. */
export function listPaths(value: unknown, opts: { maxDepth?: number; maxPaths?: number } = {}): { path: string; type: string; preview: string }[] {
  const maxDepth = opts.maxDepth ?? 4;
  const maxPaths = opts.maxPaths ?? 200;
  const out: { path: string; type: string; preview: string }[] = [];
  const walk = (v: unknown, path: string, depth: number): void => {
    if (out.length >= maxPaths) return;
    if ((Array.isArray(v) || isRecord(v)) && depth < maxDepth) {
      const entries: [string, unknown][] = Array.isArray(v) ? v.slice(0, 20).map((x, i) => [String(i), x]) : Object.entries(v);
      for (const [k, x] of entries) walk(x, path ? `${path}.${k}` : k, depth + 1);
      return;
    }
    const type = Array.isArray(v) ? "array" : v === null ? "null" : typeof v;
    const text = typeof v === "string" ? v : JSON.stringify(v) ?? "";
    out.push({ path, type, preview: text.length > 80 ? `${text.slice(0, 80)}…` : text });
  };
  walk(value, "", 0);
  return out;
}

// ── field access helpers ───────────────────────────────────────────────────────────────────────────

type Found = { value: unknown; from: string } | undefined;

function firstOf(rec: Record<string, unknown>, keys: readonly string[]): Found {
  for (const k of keys) {
    const v = rec[k];
    if (v !== undefined && v !== null && !(typeof v === "string" && v.trim() === "")) return { value: v, from: k };
  }
  for (const k of keys) if (rec[k] !== undefined) return { value: rec[k], from: k };
  return undefined;
}

interface ChatMessage {
  role: string;
  content: unknown;
}

/** Chat messages of `conversations` ({from, value}) or `messages` ({role, content}), normalized. */
function chatOf(rec: Record<string, unknown>): { key: string; messages: ChatMessage[] } | undefined {
  for (const key of ["conversations", "messages", "conversation"]) {
    const arr = rec[key];
    if (!Array.isArray(arr) || arr.length === 0) continue;
    const messages: ChatMessage[] = [];
    for (const m of arr) {
      if (!isRecord(m)) continue;
      const role = typeof m.from === "string" ? m.from : typeof m.role === "string" ? m.role : "";
      const content = m.value !== undefined ? m.value : m.content;
      messages.push({ role: role.toLowerCase(), content });
    }
    if (messages.length > 0) return { key, messages };
  }
  return undefined;
}

const USER_ROLES = new Set(["user", "human"]);
const ASSISTANT_ROLES = new Set(["assistant", "gpt", "model", "bot"]);

function chatPart(chat: { key: string; messages: ChatMessage[] }, roles: Set<string>, last: boolean): Found {
  const idx = last ? findLastIndex(chat.messages, (m) => roles.has(m.role)) : chat.messages.findIndex((m) => roles.has(m.role));
  if (idx < 0) return undefined;
  return { value: chat.messages[idx]?.content, from: `${chat.key}.${idx}` };
}

function findLastIndex<T>(arr: readonly T[], pred: (x: T) => boolean): number {
  for (let i = arr.length - 1; i >= 0; i--) if (pred(arr[i] as T)) return i;
  return -1;
}

function describeType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  return `a ${typeof v}`;
}

/** A required text field: its string, or a reason. */
function requireText(field: string, found: Found, lookedFor: string): { ok: true; text: string } | { ok: false; reason: string } {
  if (found === undefined || found.value === undefined) return { ok: false, reason: `${field}: missing (looked for ${lookedFor})` };
  const v = found.value;
  if (typeof v !== "string") return { ok: false, reason: `${field}: expected text in "${found.from}", got ${describeType(v)}` };
  return { ok: true, text: v };
}

/** An optional scalar as text (answers are often numbers). */
function optionalText(found: Found): string | undefined {
  if (found === undefined) return undefined;
  const v = found.value;
  if (typeof v === "string") return v.trim() === "" ? undefined : v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

function shortAnswerOf(solution: string | undefined): string | undefined {
  if (solution === undefined) return undefined;
  const boxed = extractBoxed(solution);
  if (boxed !== undefined && boxed.trim() !== "") return boxed.trim();
  const t = solution.trim();
  return t.length > 0 && t.length <= 200 && !t.includes("\n") ? t : undefined;
}

/** Extra top-level fields kept as metadata: small values only, `LIMITS.metadataBytes` in total. */
function extraMetadata(rec: Record<string, unknown>, used: ReadonlySet<string>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let total = 2;
  for (const [k, v] of Object.entries(rec)) {
    if (used.has(k) || v === undefined) continue;
    const json = JSON.stringify(v);
    if (json === undefined || json.length > LIMITS.metadataValueBytes || total + k.length + json.length + 4 > LIMITS.metadataBytes) continue;
    out[k] = v;
    total += k.length + json.length + 4;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

// ── the row schema ─────────────────────────────────────────────────────────────────────────────────

const nf = new Intl.NumberFormat("en");
const NUL = "\u0000";

function textField(field: string, max: number) {
  return z
    .string()
    .trim()
    .min(1, `${field} is empty`)
    .max(max, `${field} is longer than ${nf.format(max)} characters`)
    .refine((s) => !s.includes(NUL), `${field} contains a NUL character (\\u0000), which the database cannot store`);
}

function optionalField(field: string, max: number) {
  return z
    .string()
    .max(max, `${field} is longer than ${nf.format(max)} characters`)
    .refine((s) => !s.includes(NUL), `${field} contains a NUL character (\\u0000), which the database cannot store`)
    .optional();
}

/** Zod schema of a mapped row: question and reasoning non-empty, every field within its size limit. */
export const mappedTraceSchema = z.object({
  question: textField("question", LIMITS.question),
  reasoning: textField("reasoning", LIMITS.reasoning),
  referenceAnswer: optionalField("answer", LIMITS.answer),
  referenceSolution: optionalField("solution", LIMITS.solution),
  sourceModel: optionalField("sourceModel", LIMITS.short),
  externalId: optionalField("externalId", LIMITS.short),
  metadata: z
    .record(z.string(), z.unknown())
    .refine((m) => {
      const json = JSON.stringify(m);
      return json.length <= LIMITS.metadataBytes && !json.includes("\\u0000");
    }, `metadata is over ${LIMITS.metadataBytes / 1024} KiB or contains a NUL character`)
    .optional(),
});

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Lone UTF-16 surrogates (valid in JS/JSON escapes, not in Postgres text/jsonb) replaced with U+FFFD. */
export function wellFormed(s: string): string {
  const str = s as string & { isWellFormed?: () => boolean; toWellFormed?: () => string };
  if (typeof str.isWellFormed === "function") return str.isWellFormed() ? s : (str.toWellFormed as () => string).call(s);
  return s.replace(LONE_SURROGATE, "\uFFFD");
}

function deepWellFormed(v: unknown): unknown {
  if (typeof v === "string") return wellFormed(v);
  if (Array.isArray(v)) return v.map(deepWellFormed);
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [wellFormed(k), deepWellFormed(x)]));
  return v;
}

/** The same, with the question allowed to be empty (the `outputs` preset). */
const questionlessTraceSchema = mappedTraceSchema.extend({
  question: z
    .string()
    .trim()
    .max(LIMITS.question, `question is longer than ${nf.format(LIMITS.question)} characters`)
    .refine((s) => !s.includes(NUL), `question contains a NUL character (\\u0000), which the database cannot store`),
});

function validate(row: MappedTrace, opts: { questionOptional?: boolean } = {}): MapResult {
  const { curated, ...raw } = row;
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) rest[k] = typeof v === "string" ? wellFormed(v) : k === "metadata" ? deepWellFormed(v) : v;
  const r = (opts.questionOptional ? questionlessTraceSchema : mappedTraceSchema).safeParse(rest);
  if (!r.success) return { ok: false, reason: r.error.issues.map((i) => i.message).join("; ") };
  const out: MappedTrace = { question: r.data.question, reasoning: r.data.reasoning };
  for (const k of ["referenceAnswer", "referenceSolution", "sourceModel", "externalId"] as const) {
    const v = r.data[k]?.trim();
    if (v) out[k] = v;
  }
  if (r.data.metadata) out.metadata = r.data.metadata;
  if (curated) out.curated = curated;
  return { ok: true, row: out };
}

// ── presets ────────────────────────────────────────────────────────────────────────────────────────

const QUESTION_KEYS = ["question", "problem", "prompt", "instruction", "query", "input", "task"];
const REASONING_KEYS = [
  "reasoning",
  "reasoning_content",
  "thinking",
  "thinking_trajectory",
  "thought",
  "thoughts",
  "cot",
  "chain_of_thought",
  "rationale",
  "trace",
  "response",
  "output",
  "completion",
  "generation",
];
const ANSWER_KEYS = ["answer", "final_answer", "expected_answer", "gold_answer", "ground_truth", "target", "label"];
const SOLUTION_KEYS = ["solution", "reference_solution", "final_solution"];
const MODEL_KEYS = ["source_model", "sourceModel", "model"];
const ID_KEYS = ["id", "_id", "uuid", "external_id", "externalId", "problem_id"];
const TRAJECTORY_KEYS = ["trajectory", "sprint", "text", "completion", "output", "response"];
const ORIGINAL_REASONING_KEYS = ["original_reasoning", "source_reasoning", "sequential_reasoning", "reasoning"];

/** Reasoning text through parseSequentialTrace: the thinking, and the solution written after it. */
function splitReasoning(text: string): { reasoning: string; solution?: string } {
  const t = parseSequentialTrace(text);
  return t.solution === undefined ? { reasoning: t.reasoning } : { reasoning: t.reasoning, solution: t.solution };
}

function idAndModel(rec: Record<string, unknown>, row: MappedTrace, defaultModel?: string): void {
  const id = optionalText(firstOf(rec, ID_KEYS));
  if (id !== undefined) row.externalId = id;
  const model = optionalText(firstOf(rec, MODEL_KEYS)) ?? defaultModel;
  if (model !== undefined) row.sourceModel = model;
}

function mapOpenThoughts(rec: Record<string, unknown>): MapResult {
  // Metadata config.
  if (rec.problem !== undefined || rec.deepseek_reasoning !== undefined) {
    const q = requireText("question", firstOf(rec, ["problem"]), '"problem"');
    if (!q.ok) return q;
    const r = requireText("reasoning", firstOf(rec, ["deepseek_reasoning"]), '"deepseek_reasoning"');
    if (!r.ok) return r;
    const { reasoning, solution } = splitReasoning(r.text);
    const row: MappedTrace = { question: q.text, reasoning };
    const modelSolution = optionalText(firstOf(rec, ["deepseek_solution"])) ?? solution;
    if (modelSolution !== undefined) row.referenceSolution = modelSolution;
    const gt = optionalText(firstOf(rec, ["ground_truth_solution"]));
    const answer = shortAnswerOf(gt) ?? (modelSolution ? extractBoxed(modelSolution) : undefined);
    if (answer !== undefined) row.referenceAnswer = answer;
    idAndModel(rec, row, "deepseek-r1");
    const used = new Set(["problem", "deepseek_reasoning", "deepseek_solution", "ground_truth_solution"]);
    const meta = { ...extraMetadata(rec, used) };
    if (gt !== undefined && gt.length <= LIMITS.metadataValueBytes) meta.groundTruthSolution = gt;
    if (Object.keys(meta).length > 0) row.metadata = meta;
    return validate(row);
  }
  // Default config.
  const chat = chatOf(rec);
  if (!chat) return { ok: false, reason: 'question: missing (looked for "conversations" with user and assistant messages, or "problem")' };
  const q = requireText("question", chatPart(chat, USER_ROLES, false), `a user message in "${chat.key}"`);
  if (!q.ok) return q;
  const a = requireText("reasoning", chatPart(chat, ASSISTANT_ROLES, true), `an assistant message in "${chat.key}"`);
  if (!a.ok) return a;
  const { reasoning, solution } = splitReasoning(a.text);
  const row: MappedTrace = { question: q.text, reasoning };
  if (solution !== undefined) {
    row.referenceSolution = solution;
    const boxed = extractBoxed(solution);
    if (boxed !== undefined) row.referenceAnswer = boxed;
  }
  idAndModel(rec, row, "deepseek-r1");
  // The system prompt is the same on every row: not kept.
  const meta = extraMetadata(rec, new Set([chat.key, "system"]));
  if (meta) row.metadata = meta;
  return validate(row);
}

function mapS1k(rec: Record<string, unknown>): MapResult {
  const q = requireText("question", firstOf(rec, ["question"]), '"question"');
  if (!q.ok) return q;
  const r = requireText("reasoning", firstOf(rec, ["deepseek_thinking_trajectory"]), '"deepseek_thinking_trajectory"');
  if (!r.ok) return r;
  const { reasoning, solution } = splitReasoning(r.text);
  const row: MappedTrace = { question: q.text, reasoning };
  const attempt = optionalText(firstOf(rec, ["deepseek_attempt"])) ?? solution;
  if (attempt !== undefined) row.referenceSolution = attempt;
  const gt = optionalText(firstOf(rec, ["solution"]));
  const answer = shortAnswerOf(gt);
  if (answer !== undefined) row.referenceAnswer = answer;
  idAndModel(rec, row, "deepseek-r1");
  const used = new Set([
    "question",
    "solution",
    "deepseek_thinking_trajectory",
    "deepseek_attempt",
    "gemini_thinking_trajectory",
    "gemini_attempt",
  ]);
  const meta = { ...extraMetadata(rec, used) };
  if (gt !== undefined && gt.length <= LIMITS.metadataValueBytes) meta.groundTruthSolution = gt;
  if (Object.keys(meta).length > 0) row.metadata = meta;
  return validate(row);
}

function mapPlain(rec: Record<string, unknown>): MapResult {
  const chat = chatOf(rec);
  const qFound = firstOf(rec, QUESTION_KEYS) ?? (chat ? chatPart(chat, USER_ROLES, false) : undefined);
  const q = requireText("question", qFound, `${QUESTION_KEYS.join(", ")} or a user message`);
  if (!q.ok) return q;
  const rFound = firstOf(rec, REASONING_KEYS) ?? (chat ? chatPart(chat, ASSISTANT_ROLES, true) : undefined);
  const r = requireText("reasoning", rFound, `${REASONING_KEYS.join(", ")} or an assistant message`);
  if (!r.ok) return r;
  const { reasoning, solution } = splitReasoning(r.text);
  const row: MappedTrace = { question: q.text, reasoning };
  const sol = optionalText(firstOf(rec, SOLUTION_KEYS)) ?? solution;
  if (sol !== undefined) row.referenceSolution = sol;
  const answer = optionalText(firstOf(rec, ANSWER_KEYS)) ?? (sol ? extractBoxed(sol) : undefined);
  if (answer !== undefined) row.referenceAnswer = answer;
  idAndModel(rec, row);
  const used = new Set([...(qFound ? [qFound.from] : []), ...(rFound ? [rFound.from] : []), ...SOLUTION_KEYS, ...ANSWER_KEYS, ...MODEL_KEYS, ...ID_KEYS]);
  if (chat) used.add(chat.key);
  used.add("system");
  const meta = extraMetadata(rec, used);
  if (meta) row.metadata = meta;
  return validate(row);
}

/** Raw model outputs: the reasoning (with its `<think>` markers and any trailing answer) and an optional question. */
function mapOutputs(rec: Record<string, unknown>): MapResult {
  const rFound = firstOf(rec, REASONING_KEYS);
  const r = requireText("output", rFound, REASONING_KEYS.join(", "));
  if (!r.ok) return r;
  const { reasoning, solution } = splitReasoning(r.text);
  const qFound = firstOf(rec, QUESTION_KEYS);
  const question = qFound && typeof qFound.value === "string" ? qFound.value : "";
  const row: MappedTrace = { question, reasoning };
  if (solution !== undefined) row.referenceSolution = solution;
  const answer = optionalText(firstOf(rec, ANSWER_KEYS)) ?? (solution ? extractBoxed(solution) : undefined);
  if (answer !== undefined) row.referenceAnswer = answer;
  idAndModel(rec, row);
  const used = new Set([...(qFound ? [qFound.from] : []), ...(rFound ? [rFound.from] : []), ...ANSWER_KEYS, ...MODEL_KEYS, ...ID_KEYS]);
  const meta = extraMetadata(rec, used);
  if (meta) row.metadata = meta;
  return validate(row, { questionOptional: true });
}

/** `<Question>…</Question>` inside a text (an exported user message), else the whole text. */
function questionFromUserMessage(text: string): string {
  const open = text.indexOf("<Question>");
  const close = text.indexOf("</Question>", open + 1);
  return open !== -1 && close !== -1 ? text.slice(open + "<Question>".length, close) : text;
}

function formatDiagnostics(diags: readonly { line: number; column: number; code: string; message: string; severity: string }[]): string {
  const errors = diags.filter((d) => d.severity === "error");
  const shown = errors.slice(0, 3).map((d) => `${d.line}:${d.column} ${d.code}: ${d.message}`);
  const more = errors.length > 3 ? `; and ${errors.length - 3} more` : "";
  return `Not a valid SPRINT trajectory (strict parse) — ${shown.join("; ")}${more}`;
}

function mapSprint(rec: Record<string, unknown>): MapResult {
  const chat = chatOf(rec);
  let tFound = firstOf(rec, TRAJECTORY_KEYS);
  let qFound = firstOf(rec, QUESTION_KEYS);
  if ((tFound === undefined || typeof tFound.value !== "string") && chat) {
    tFound = chatPart(chat, ASSISTANT_ROLES, true) ?? tFound;
    if (qFound === undefined) {
      const u = chatPart(chat, USER_ROLES, false);
      if (u && typeof u.value === "string") qFound = { value: questionFromUserMessage(u.value), from: u.from };
    }
  }
  const t = requireText("trajectory", tFound, `${TRAJECTORY_KEYS.join(", ")} or an assistant message`);
  if (!t.ok) return t;
  const text = wellFormed(t.text.trim());
  if (text.includes(NUL)) return { ok: false, reason: "trajectory contains a NUL character (\\u0000), which the database cannot store" };
  if (text.length > LIMITS.reasoning) return { ok: false, reason: `trajectory is longer than ${nf.format(LIMITS.reasoning)} characters` };
  const parsed = parseTrajectory(text, { strict: true });
  if (!parsed.ok) return { ok: false, reason: formatDiagnostics(parsed.diagnostics) };
  const trajectory = parsed.trajectory;
  const questionText = qFound !== undefined && typeof qFound.value === "string" && qFound.value.trim() !== "" ? qFound.value : trajectory.question;
  if (questionText === undefined) return { ok: false, reason: `question: missing (looked for ${QUESTION_KEYS.join(", ")} or a <Question> block)` };
  const body: Trajectory = { rounds: trajectory.rounds };
  if (trajectory.finalAnswer) body.finalAnswer = trajectory.finalAnswer;
  const canonical = serializeTrajectory(body);
  // The original sequential reasoning when the record has it; else the trajectory read in order, tags stripped.
  const original = optionalText(firstOf(rec, ORIGINAL_REASONING_KEYS.filter((k) => k !== tFound?.from)));
  const reasoning = original !== undefined ? splitReasoning(original).reasoning : stripTags(canonical).replace(/\n{3,}/g, "\n\n").trim();
  const status = optionalText(firstOf(rec, ["curationStatus", "curation_status"]));
  if (status !== undefined && !(CURATION_STATUSES as readonly string[]).includes(status)) {
    return { ok: false, reason: `curationStatus: "${status}" is not one of ${CURATION_STATUSES.join(", ")}` };
  }
  const review = optionalText(firstOf(rec, ["reviewStatus", "review_status"]));
  if (review !== undefined && !(REVIEW_STATUSES as readonly string[]).includes(review)) {
    return { ok: false, reason: `reviewStatus: "${review}" is not one of ${REVIEW_STATUSES.join(", ")}` };
  }
  const row: MappedTrace = {
    question: questionText,
    reasoning,
    curated: {
      trajectory: { ...body, question: wellFormed(questionText.trim()) },
      text: canonical,
      curationStatus: (status as CuratedPayload["curationStatus"] | undefined) ?? "kept",
      reviewStatus: (review as CuratedPayload["reviewStatus"] | undefined) ?? "pending",
    },
  };
  if (trajectory.finalAnswer) row.referenceSolution = trajectory.finalAnswer.text;
  const answer = optionalText(firstOf(rec, ANSWER_KEYS)) ?? (trajectory.finalAnswer ? extractBoxed(trajectory.finalAnswer.text) : undefined);
  if (answer !== undefined) row.referenceAnswer = answer;
  idAndModel(rec, row);
  const used = new Set<string>([...TRAJECTORY_KEYS, ...QUESTION_KEYS, ...ORIGINAL_REASONING_KEYS, ...ANSWER_KEYS, ...MODEL_KEYS, ...ID_KEYS]);
  for (const k of ["curationStatus", "curation_status", "reviewStatus", "review_status", "system"]) used.add(k);
  if (chat) used.add(chat.key);
  const meta = extraMetadata(rec, used);
  if (meta) row.metadata = meta;
  return validate(row);
}

function mapCustom(rec: unknown, mapping: FieldMapping): MapResult {
  if (!mapping.question || !mapping.reasoning) {
    return { ok: false, reason: "custom mapping: both question and reasoning need a source path" };
  }
  const at = (field: TargetField): Found => {
    const p = mapping[field];
    if (!p) return undefined;
    const v = getPath(rec, p);
    return v === undefined ? undefined : { value: v, from: p };
  };
  const q = requireText("question", at("question"), `"${mapping.question}"`);
  if (!q.ok) return q;
  const r = requireText("reasoning", at("reasoning"), `"${mapping.reasoning}"`);
  if (!r.ok) return r;
  const { reasoning, solution } = splitReasoning(r.text);
  const row: MappedTrace = { question: q.text, reasoning };
  const sol = optionalText(at("solution")) ?? solution;
  if (sol !== undefined) row.referenceSolution = sol;
  const answer = optionalText(at("answer")) ?? (sol ? extractBoxed(sol) : undefined);
  if (answer !== undefined) row.referenceAnswer = answer;
  const model = optionalText(at("sourceModel"));
  if (model !== undefined) row.sourceModel = model;
  const id = optionalText(at("externalId"));
  if (id !== undefined) row.externalId = id;
  return validate(row);
}

/**
 * Maps one parsed record with a preset (`custom` uses `mapping`). Never throws: a record that cannot be
 * a trace gives `{ok: false, reason}` naming the field and the problem.
 */
export function mapRecord(value: unknown, preset: PresetId, mapping: FieldMapping = {}): MapResult {
  if (preset === "custom") {
    if (value === null || typeof value !== "object") return { ok: false, reason: `Expected a JSON object, got ${describeType(value)}` };
    return mapCustom(value, mapping);
  }
  if (!isRecord(value)) return { ok: false, reason: `Expected a JSON object, got ${describeType(value)}` };
  switch (preset) {
    case "openthoughts":
      return mapOpenThoughts(value);
    case "s1k":
      return mapS1k(value);
    case "plain":
      return mapPlain(value);
    case "sprint":
      return mapSprint(value);
    case "outputs":
      return mapOutputs(value);
  }
}

const SPRINT_TAG = /<Plan_\d+>|<Final_answer>/;
const OPENTHOUGHTS_MARK = /<\|begin_of_thought\|>|<\|end_of_thought\|>|<\|begin_of_solution\|>/;

/** The preset a record looks like, or null when it matches none (then choose one, or map fields). */
export function detectPreset(value: unknown): Exclude<PresetId, "custom"> | null {
  if (!isRecord(value)) return null;
  if (typeof value.deepseek_thinking_trajectory === "string") return "s1k";
  if (value.problem !== undefined && value.deepseek_reasoning !== undefined) return "openthoughts";
  const t = firstOf(value, ["trajectory", "sprint"]);
  if (t && typeof t.value === "string" && SPRINT_TAG.test(t.value)) return "sprint";
  const chat = chatOf(value);
  const assistant = chat ? chatPart(chat, ASSISTANT_ROLES, true) : undefined;
  const assistantText = assistant && typeof assistant.value === "string" ? assistant.value : undefined;
  if (assistantText !== undefined && SPRINT_TAG.test(assistantText)) return "sprint";
  for (const k of ["text", "completion", "output", "response"]) {
    const v = value[k];
    if (typeof v === "string" && SPRINT_TAG.test(v) && firstOf(value, ["reasoning", "reasoning_content", "thinking"]) === undefined) return "sprint";
  }
  if (chat?.key === "conversations" && assistantText !== undefined && OPENTHOUGHTS_MARK.test(assistantText)) return "openthoughts";
  const hasQuestion = firstOf(value, QUESTION_KEYS) !== undefined || (chat ? chatPart(chat, USER_ROLES, false) !== undefined : false);
  const hasReasoning = firstOf(value, REASONING_KEYS) !== undefined || assistantText !== undefined;
  if (hasQuestion && hasReasoning) return "plain";
  return null;
}

/** A human description of where a preset reads each field (stored with the import, shown in the UI). */
export function presetMapping(preset: PresetId, mapping: FieldMapping = {}): Record<string, string> {
  switch (preset) {
    case "openthoughts":
      return {
        question: "conversations[user].value | problem",
        reasoning: "conversations[assistant].value (<|begin_of_thought|>…) | deepseek_reasoning",
        solution: "<|begin_of_solution|>… | deepseek_solution",
        answer: "\\boxed{} of ground_truth_solution or of the solution",
      };
    case "s1k":
      return {
        question: "question",
        reasoning: "deepseek_thinking_trajectory",
        solution: "deepseek_attempt",
        answer: "\\boxed{} of solution (or a short solution)",
      };
    case "plain":
      return {
        question: QUESTION_KEYS.join(" | "),
        reasoning: `${REASONING_KEYS.join(" | ")} (<think>…</think> split off)`,
        solution: `${SOLUTION_KEYS.join(" | ")} | text after </think>`,
        answer: ANSWER_KEYS.join(" | "),
      };
    case "sprint":
      return {
        trajectory: `${TRAJECTORY_KEYS.join(" | ")} | assistant message (strict SPRINT format)`,
        question: `${QUESTION_KEYS.join(" | ")} | <Question> block`,
        reasoning: `${ORIGINAL_REASONING_KEYS.join(" | ")} | the trajectory's text`,
      };
    case "outputs":
      return {
        reasoning: `${REASONING_KEYS.join(" | ")} (<think>…</think> split off)`,
        question: `${QUESTION_KEYS.join(" | ")} (optional: without one the trace is not curated)`,
        externalId: ID_KEYS.join(" | "),
      };
    case "custom":
      return Object.fromEntries(Object.entries(mapping).filter(([, v]) => typeof v === "string" && v !== "")) as Record<string, string>;
  }
}
