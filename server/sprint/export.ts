/**
 * Training export (docs/sprint-method.md §2.6, §7): SFT samples from curated trajectories, written as
 * JSONL in the shapes common trainers expect, with a deterministic seeded train/test split and a
 * manifest (counts, token statistics, system-prompt version, a SHA-256 of every file).
 * Pure: returns strings; the caller writes files.
 *
 * One chat pair per problem: user = the SPRINT system prompt + `<Question>…</Question>` (or the
 * system prompt as a separate system message), assistant = `<think>\n` + the serialized trajectory
 * (Plan/Execution rounds and the final answer) + `\n</think>`.
 *
 * Formats (one JSON object per line):
 * - `messages` — TRL / ms-swift / LLaMA-Factory (sharegpt with role/content tags, see
 *   {@link llamaFactoryDatasetInfo}): `{"messages":[{"role":"user",…},{"role":"assistant",…}]}`.
 * - `prompt-completion` — TRL conversational prompt–completion (loss on the completion only):
 *   `{"prompt":[{"role":"user",…}],"completion":[{"role":"assistant",…}]}`.
 * - `openai` — OpenAI chat fine-tuning: `{"messages":[…]}`, checked by {@link validateOpenAiRow}.
 * - `together-chat` — Together conversational: `{"messages":[…]}` (roles system/user/assistant).
 * - `together-instruction` — Together instruction: `{"prompt": user, "completion": assistant}`.
 * - `together-text` — Together generic text: `{"text": …}`, the chat rendered by a template
 *   (`plain`: user + blank line + assistant, which is exactly the inference prompt followed by the
 *   generation; `chatml`: Qwen's `<|im_start|>` template; `deepseek-r1`: DeepSeek-R1-Distill's).
 *
 * Split: an item is in the test set when u < testRatio, where u ∈ [0, 1) is read from
 * SHA-256(seed + "\0" + key). Each item's split depends only on its own key, so adding or removing
 * items never moves other items. The key is the normalized question by default (duplicates of a
 * problem land in the same split, so nothing leaks from train to test), or the item id.
 */
import { serializeTrajectory } from "./format";
import { trajectoryMetrics } from "./metrics";
import { buildUserMessage, questionBlock, SPRINT_SYSTEM_PROMPT, SPRINT_SYSTEM_PROMPT_VERSION } from "./prompts";
import { sha256Hex, utf8Length } from "./sha256";
import type { Tokenizer, Trajectory } from "./types";

/** A curated trajectory ready for export. */
export interface CuratedItem {
  /** Stable id (trace id). */
  id: string;
  /** The problem; defaults to `trajectory.question`. */
  question?: string;
  trajectory: Trajectory;
}

/** Export shapes; see the module comment. */
export type ExportFormat = "messages" | "prompt-completion" | "openai" | "together-chat" | "together-instruction" | "together-text";

/** All formats with a one-line description (for UIs and the manifest). */
export const EXPORT_FORMATS: Readonly<Record<ExportFormat, string>> = {
  messages: "TRL / ms-swift / LLaMA-Factory chat JSONL ({messages:[{role,content}]})",
  "prompt-completion": "TRL conversational prompt-completion JSONL ({prompt:[…], completion:[…]})",
  openai: "OpenAI chat fine-tuning JSONL ({messages:[{role,content}]})",
  "together-chat": "Together conversational JSONL ({messages:[{role,content}]})",
  "together-instruction": "Together instruction JSONL ({prompt, completion})",
  "together-text": "Together generic text JSONL ({text})",
};

/** Where the SPRINT system prompt goes: inside the user message (the paper) or as a system message. */
export type SystemPromptPlacement = "user" | "system";

/** Rendering of a chat into one string for `together-text`. */
export type TextTemplate = "plain" | "chatml" | "deepseek-r1" | ((chat: ChatParts) => string);

/** The parts of one SFT chat. `system` is set only with placement "system". */
export interface ChatParts {
  system?: string;
  user: string;
  assistant: string;
}

/** A chat message of the exported rows. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** One SFT sample. */
export interface SftSample extends ChatParts {
  id: string;
  question: string;
  /** The split key (see the module comment). */
  key: string;
  split: "train" | "test";
  trajectory: Trajectory;
}

/** Options of {@link buildSftSample}. */
export interface SampleOptions {
  /** Default "user" (the paper). */
  systemPrompt?: SystemPromptPlacement;
  /** Override the system prompt text (its version is then recorded as "custom"). */
  systemPromptText?: string;
}

/** A problem found while exporting. Items with an error are left out and listed in the manifest. */
export interface ExportIssue {
  id: string;
  severity: "error" | "warning";
  code: string;
  message: string;
}

// ---------------------------------------------------------------------------------------------
// Samples

/**
 * The trajectory body between `<think>\n` and `\n</think>`: rounds and final answer in the
 * canonical layout of serializeTrajectory (format.ts), without the `<Question>` block.
 */
export function trajectoryBody(trajectory: Trajectory): string {
  return serializeTrajectory(trajectory);
}

/** The assistant message: `<think>\n` + trajectory body + `\n</think>`. */
export function assistantContent(trajectory: Trajectory): string {
  return `<think>\n${trajectoryBody(trajectory)}\n</think>`;
}

/** Normalized question used as the default split key: trimmed, whitespace collapsed, lower case. */
export function questionKey(question: string): string {
  return question.trim().replace(/\s+/g, " ").toLowerCase();
}

/** Builds the chat parts of one item (no split yet). */
export function buildChat(question: string, trajectory: Trajectory, opts: SampleOptions = {}): ChatParts {
  const placement = opts.systemPrompt ?? "user";
  const sp = opts.systemPromptText ?? SPRINT_SYSTEM_PROMPT;
  const assistant = assistantContent(trajectory);
  return placement === "system"
    ? { system: sp, user: questionBlock(question), assistant }
    : { user: buildUserMessage(question, { systemPrompt: sp }), assistant };
}

/** Messages of a chat in order (system first when present). */
export function chatMessages(chat: ChatParts): ChatMessage[] {
  return [
    ...(chat.system !== undefined ? [{ role: "system" as const, content: chat.system }] : []),
    { role: "user", content: chat.user },
    { role: "assistant", content: chat.assistant },
  ];
}

// ---------------------------------------------------------------------------------------------
// Split

/** Options of the train/test split. */
export interface SplitOptions {
  /** Seed of the split hash (default "sprint"). */
  seed?: string | number;
  /** Fraction in the test split, 0..1 (default 0.1). */
  testRatio?: number;
  /** What identifies an item: its normalized question (default), its id, or a function. */
  key?: "question" | "id" | ((item: CuratedItem) => string);
}

/** u ∈ [0, 1) from SHA-256(seed + "\0" + key) (52 bits). */
export function splitUnit(key: string, seed: string | number = "sprint"): number {
  const hex = sha256Hex(`${String(seed)}\u0000${key}`).slice(0, 13);
  return parseInt(hex, 16) / 2 ** 52;
}

/** "test" when the key's {@link splitUnit} is below `testRatio`, else "train". */
export function splitOf(key: string, opts: Pick<SplitOptions, "seed" | "testRatio"> = {}): "train" | "test" {
  const ratio = opts.testRatio ?? 0.1;
  return splitUnit(key, opts.seed ?? "sprint") < ratio ? "test" : "train";
}

function keyOf(item: CuratedItem, question: string, key: SplitOptions["key"]): string {
  if (typeof key === "function") return key(item);
  return key === "id" ? item.id : questionKey(question);
}

// ---------------------------------------------------------------------------------------------
// Rows and JSONL

/** Options of {@link sampleRow}. */
export interface RowOptions {
  /** Template of `together-text` (default "plain"). */
  textTemplate?: TextTemplate;
}

/** Renders a chat as one string (for `together-text`). */
export function renderChatText(chat: ChatParts, template: TextTemplate = "plain"): string {
  if (typeof template === "function") return template(chat);
  switch (template) {
    case "plain":
      return `${chat.system !== undefined ? `${chat.system}\n\n` : ""}${chat.user}\n\n${chat.assistant}`;
    case "chatml":
      return (
        (chat.system !== undefined ? `<|im_start|>system\n${chat.system}<|im_end|>\n` : "") +
        `<|im_start|>user\n${chat.user}<|im_end|>\n<|im_start|>assistant\n${chat.assistant}<|im_end|>\n`
      );
    case "deepseek-r1":
      return `<｜begin▁of▁sentence｜>${chat.system ?? ""}<｜User｜>${chat.user}<｜Assistant｜>${chat.assistant}<｜end▁of▁sentence｜>`;
  }
}

/** A JSON value of an exported row. */
export type JsonRow = Record<string, unknown>;

/** The JSON object of one sample in a format. */
export function sampleRow(chat: ChatParts, format: ExportFormat, opts: RowOptions = {}): JsonRow {
  const messages = chatMessages(chat);
  switch (format) {
    case "messages":
    case "openai":
    case "together-chat":
      return { messages };
    case "prompt-completion":
      return { prompt: messages.filter((m) => m.role !== "assistant"), completion: messages.filter((m) => m.role === "assistant") };
    case "together-instruction":
      return { prompt: chat.system !== undefined ? `${chat.system}\n\n${chat.user}` : chat.user, completion: chat.assistant };
    case "together-text":
      return { text: renderChatText(chat, opts.textTemplate) };
  }
}

/** JSONL lines (no trailing newline on each) of samples in a format, lazily. */
export function* jsonlLines(chats: Iterable<ChatParts>, format: ExportFormat, opts: RowOptions = {}): Generator<string> {
  for (const chat of chats) yield JSON.stringify(sampleRow(chat, format, opts));
}

/** A JSONL document: each line + "\n" (empty string for no lines). */
export function toJsonl(lines: Iterable<string>): string {
  let out = "";
  for (const l of lines) out += `${l}\n`;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Validation

/** Options of {@link validateOpenAiRow}. */
export interface OpenAiLimits {
  /** Tokens per example (default 65,536, e.g. gpt-4o-mini / gpt-4.1 training context). */
  maxTokensPerExample?: number;
  tokenizer?: Tokenizer;
}

const OPENAI_ROLES = new Set(["system", "developer", "user", "assistant", "tool", "function"]);
const OPENAI_MESSAGE_KEYS = new Set(["role", "content", "name", "weight", "function_call", "tool_calls", "tool_call_id", "refusal"]);

/**
 * Checks one row against OpenAI's chat fine-tuning rules: a non-empty `messages` list; each message
 * an object with a known role and known keys; string content that is not blank (assistant messages
 * may omit content only with tool/function calls); `weight` 0 or 1 on assistant messages only; at
 * least one assistant message; and (with a tokenizer) the example within `maxTokensPerExample`
 * (an estimate: OpenAI counts with its own tokenizer). Issue codes follow OpenAI's data checks.
 */
export function validateOpenAiRow(row: unknown, id: string, limits: OpenAiLimits = {}): ExportIssue[] {
  const issues: ExportIssue[] = [];
  const err = (code: string, message: string): void => {
    issues.push({ id, severity: "error", code, message });
  };
  if (typeof row !== "object" || row === null || Array.isArray(row)) {
    err("not-an-object", "a line must be a JSON object");
    return issues;
  }
  const r = row as Record<string, unknown>;
  const extra = Object.keys(r).filter((k) => k !== "messages" && k !== "tools" && k !== "parallel_tool_calls" && k !== "functions");
  for (const k of extra) err("unrecognized-key", `unknown top-level key "${k}"`);
  const messages = r.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    err("missing-messages-list", "\"messages\" must be a non-empty list");
    return issues;
  }
  let assistants = 0;
  const texts: string[] = [];
  messages.forEach((m: unknown, i) => {
    if (typeof m !== "object" || m === null || Array.isArray(m)) {
      err("message-not-object", `message ${i} is not an object`);
      return;
    }
    const msg = m as Record<string, unknown>;
    for (const k of Object.keys(msg)) if (!OPENAI_MESSAGE_KEYS.has(k)) err("message-unrecognized-key", `message ${i} has unknown key "${k}"`);
    const role = msg.role;
    if (typeof role !== "string") err("message-missing-key", `message ${i} has no "role"`);
    else if (!OPENAI_ROLES.has(role)) err("unrecognized-role", `message ${i} has unknown role "${role}"`);
    if (role === "assistant") assistants++;
    const content = msg.content;
    const hasCall = msg.tool_calls !== undefined || msg.function_call !== undefined;
    if (content === undefined || content === null) {
      if (!(role === "assistant" && hasCall)) err("missing-content", `message ${i} has no content`);
    } else if (typeof content !== "string") {
      if (!Array.isArray(content)) err("content-not-string", `message ${i} content must be a string`);
    } else {
      if (content.trim() === "") err("empty-content", `message ${i} (${String(role)}) has empty content`);
      texts.push(content);
    }
    if (msg.weight !== undefined) {
      if (role !== "assistant") err("weight-not-on-assistant", `message ${i}: "weight" is only allowed on assistant messages`);
      else if (msg.weight !== 0 && msg.weight !== 1) err("bad-weight", `message ${i}: "weight" must be 0 or 1`);
    }
  });
  if (assistants === 0) err("example-missing-assistant-message", "the example has no assistant message");
  if (limits.tokenizer) {
    const max = limits.maxTokensPerExample ?? 65_536;
    const tok = limits.tokenizer;
    const n = texts.reduce((sum, t) => sum + tok.count(t), 0);
    if (n > max) err("too-many-tokens", `about ${n} tokens (${limits.tokenizer.name}), over the ${max}-token limit; OpenAI truncates such examples`);
  }
  return issues;
}

/** Checks a row of the `messages`-style formats (TRL, ms-swift, LLaMA-Factory, Together chat). */
export function validateChatRow(row: JsonRow, id: string): ExportIssue[] {
  const issues: ExportIssue[] = [];
  const messages = (row.messages ?? [...((row.prompt as unknown[]) ?? []), ...((row.completion as unknown[]) ?? [])]) as unknown;
  if (!Array.isArray(messages) || messages.length === 0) {
    issues.push({ id, severity: "error", code: "missing-messages-list", message: "no messages" });
    return issues;
  }
  const roles = messages.map((m) => (m as { role?: unknown }).role);
  messages.forEach((m, i) => {
    const c = (m as { content?: unknown }).content;
    if (typeof c !== "string" || c.trim() === "") issues.push({ id, severity: "error", code: "empty-content", message: `message ${i} has empty content` });
  });
  if (roles[roles.length - 1] !== "assistant") issues.push({ id, severity: "error", code: "last-not-assistant", message: "the last message must be the assistant's" });
  return issues;
}

/**
 * The LLaMA-Factory `dataset_info.json` entry for a `messages` export (sharegpt format with
 * OpenAI-style role/content tags).
 */
export function llamaFactoryDatasetInfo(fileName: string): JsonRow {
  return {
    file_name: fileName,
    formatting: "sharegpt",
    columns: { messages: "messages" },
    tags: { role_tag: "role", content_tag: "content", user_tag: "user", assistant_tag: "assistant", system_tag: "system" },
  };
}

// ---------------------------------------------------------------------------------------------
// Statistics

/** Summary statistics of a list of numbers. All zero when `count` is 0. */
export interface Stats {
  count: number;
  min: number;
  mean: number;
  /** Median (nearest rank). */
  p50: number;
  /** 90th percentile (nearest rank: the ⌈0.9·n⌉-th smallest value). */
  p90: number;
  max: number;
}

/** Nearest-rank percentile of sorted values: the ⌈p·n⌉-th smallest (p in 0..1). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

/** {@link Stats} of values (order does not matter). */
export function summarize(values: readonly number[]): Stats {
  if (values.length === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, max: 0 };
  const s = [...values].sort((a, b) => a - b);
  const sum = s.reduce((a, b) => a + b, 0);
  return { count: s.length, min: s[0] as number, mean: sum / s.length, p50: percentile(s, 0.5), p90: percentile(s, 0.9), max: s[s.length - 1] as number };
}

/** Token statistics of one split. */
export interface TokenStats {
  /** Tokens of the assistant message as trained (tags included). */
  assistantTokens: Stats;
  /** The paper's sequential tokens of the trajectory (tags stripped). */
  sequentialTokens: Stats;
  /** Every generated token of the trajectory (tags stripped). */
  totalTokens: Stats;
  /** Rounds per trajectory. */
  stages: Stats;
  /** Prompts per trajectory. */
  prompts: Stats;
}

// ---------------------------------------------------------------------------------------------
// Export

/** Options of {@link buildExport}. */
export interface ExportOptions extends SampleOptions, SplitOptions, RowOptions {
  format: ExportFormat;
  /** Counts tokens for the manifest (and OpenAI's per-example limit). */
  tokenizer: Tokenizer;
  /** Content hash of each file (default: SHA-256 hex) and its name. */
  hash?: (content: string) => string;
  hashName?: string;
  /** File names (default "train.jsonl" / "test.jsonl"). */
  fileNames?: { train?: string; test?: string };
  /** OpenAI per-example token limit (format "openai" only). */
  openAi?: Pick<OpenAiLimits, "maxTokensPerExample">;
}

/** One output file. */
export interface ExportFile {
  name: string;
  split: "train" | "test";
  content: string;
  rows: number;
}

/** The manifest written next to the files. */
export interface ExportManifest {
  format: ExportFormat;
  formatDescription: string;
  systemPrompt: { version: string; placement: SystemPromptPlacement };
  split: { seed: string; testRatio: number; key: string };
  counts: { items: number; exported: number; skipped: number; train: number; test: number };
  tokenizer: string;
  tokens: { all: TokenStats; train: TokenStats; test: TokenStats };
  files: { name: string; split: "train" | "test"; rows: number; bytes: number; hash: string }[];
  hashAlgorithm: string;
  skipped: { id: string; reasons: string[] }[];
  warnings: ExportIssue[];
}

/** Result of {@link buildExport}. */
export interface ExportResult {
  files: ExportFile[];
  manifest: ExportManifest;
  /** The manifest as pretty JSON with a trailing newline. */
  manifestJson: string;
  samples: SftSample[];
  issues: ExportIssue[];
}

interface Measured {
  sample: SftSample;
  assistantTokens: number;
  sequentialTokens: number;
  totalTokens: number;
  stages: number;
  prompts: number;
}

function tokenStats(rows: readonly Measured[]): TokenStats {
  return {
    assistantTokens: summarize(rows.map((r) => r.assistantTokens)),
    sequentialTokens: summarize(rows.map((r) => r.sequentialTokens)),
    totalTokens: summarize(rows.map((r) => r.totalTokens)),
    stages: summarize(rows.map((r) => r.stages)),
    prompts: summarize(rows.map((r) => r.prompts)),
  };
}

/**
 * Builds the export: samples, the split, JSONL files (train then test, input order within each),
 * and the manifest. Items whose sample is invalid (no question, no rounds, a row that fails the
 * format's checks) are left out and listed in `manifest.skipped` with their reasons — never
 * dropped silently. Deterministic for the same input and options.
 */
export function buildExport(items: readonly CuratedItem[], opts: ExportOptions): ExportResult {
  const placement = opts.systemPrompt ?? "user";
  const seed = String(opts.seed ?? "sprint");
  const testRatio = opts.testRatio ?? 0.1;
  if (!(testRatio >= 0 && testRatio <= 1)) throw new RangeError("testRatio must be between 0 and 1");
  const hash = opts.hash ?? sha256Hex;
  const issues: ExportIssue[] = [];
  const skipped: { id: string; reasons: string[] }[] = [];
  const measured: Measured[] = [];
  const seen = new Set<string>();

  for (const item of items) {
    const reasons: string[] = [];
    const question = (item.question ?? item.trajectory.question ?? "").trim();
    if (question === "") reasons.push("no question");
    if (item.trajectory.rounds.length === 0) reasons.push("no rounds");
    if (item.trajectory.rounds.length > 0 && !item.trajectory.finalAnswer) issues.push({ id: item.id, severity: "warning", code: "no-final-answer", message: "the trajectory has no final answer" });
    if (seen.has(item.id)) issues.push({ id: item.id, severity: "warning", code: "duplicate-id", message: `id ${item.id} appears more than once` });
    seen.add(item.id);
    if (reasons.length === 0) {
      const chat = buildChat(question, item.trajectory, opts);
      const row = sampleRow(chat, opts.format, opts);
      const rowIssues =
        opts.format === "openai"
          ? validateOpenAiRow(row, item.id, { tokenizer: opts.tokenizer, ...(opts.openAi ?? {}) })
          : opts.format === "together-text" || opts.format === "together-instruction"
            ? []
            : validateChatRow(row, item.id);
      issues.push(...rowIssues);
      reasons.push(...rowIssues.filter((i) => i.severity === "error").map((i) => `${i.code}: ${i.message}`));
      if (reasons.length === 0) {
        const key = keyOf(item, question, opts.key);
        const sample: SftSample = { ...chat, id: item.id, question, key, split: splitOf(key, { seed, testRatio }), trajectory: item.trajectory };
        const m = trajectoryMetrics(item.trajectory, opts.tokenizer);
        measured.push({
          sample,
          assistantTokens: opts.tokenizer.count(chat.assistant),
          sequentialTokens: m.sequentialTokens,
          totalTokens: m.totalTokens,
          stages: m.stageCount,
          prompts: m.promptCount,
        });
      }
    }
    if (reasons.length > 0) skipped.push({ id: item.id, reasons });
  }

  const train = measured.filter((m) => m.sample.split === "train");
  const test = measured.filter((m) => m.sample.split === "test");
  if (opts.format === "openai" && train.length > 0 && train.length < 10) {
    issues.push({ id: "*", severity: "warning", code: "too-few-examples", message: `OpenAI requires at least 10 training examples; the train split has ${train.length}` });
  }
  const names = { train: opts.fileNames?.train ?? "train.jsonl", test: opts.fileNames?.test ?? "test.jsonl" };
  const files: ExportFile[] = (["train", "test"] as const).map((split) => {
    const rows = split === "train" ? train : test;
    return { name: names[split], split, rows: rows.length, content: toJsonl(jsonlLines(rows.map((r) => r.sample), opts.format, opts)) };
  });
  const keyName = typeof opts.key === "function" ? "custom" : (opts.key ?? "question");
  const manifest: ExportManifest = {
    format: opts.format,
    formatDescription: EXPORT_FORMATS[opts.format],
    systemPrompt: { version: opts.systemPromptText === undefined ? SPRINT_SYSTEM_PROMPT_VERSION : "custom", placement },
    split: { seed, testRatio, key: keyName },
    counts: { items: items.length, exported: measured.length, skipped: skipped.length, train: train.length, test: test.length },
    tokenizer: opts.tokenizer.name,
    tokens: { all: tokenStats(measured), train: tokenStats(train), test: tokenStats(test) },
    files: files.map((f) => ({ name: f.name, split: f.split, rows: f.rows, bytes: utf8Length(f.content), hash: hash(f.content) })),
    hashAlgorithm: opts.hash ? (opts.hashName ?? "custom") : "sha256",
    skipped,
    warnings: issues.filter((i) => i.severity === "warning"),
  };
  return { files, manifest, manifestJson: `${JSON.stringify(manifest, null, 2)}\n`, samples: measured.map((m) => m.sample), issues };
}
