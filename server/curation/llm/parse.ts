/**
 * Strict parsing of the LLM backend's two answers (docs/sprint-method.md §2, steps 1–2).
 *
 * - Extraction: a JSON array of components `{ description, plan_lines, prompt, execution_lines,
 *   comment_lines? }` (or `{"components": [...]}` for endpoints forced into JSON-object mode), turned
 *   into {@link Step}s whose texts are taken from the numbered source lines, then checked: every line
 *   covered exactly once, no overlaps, components in trace order.
 * - DAG: an object mapping step ids to immediate parents, `{"1": [], "2": [1]}`; the paper's own
 *   `{1: [], 2: [1]}` (unquoted numeric keys) is accepted too. Every parent must be smaller than its
 *   child (the paper's rule), and must exist.
 *
 * Accepted without complaint beyond a note: one surrounding ```json fence, a leading `<think>…</think>`
 * block (reasoning models served without a reasoning parser), unquoted numeric DAG keys. The JSON itself
 * is never repaired: prose around it, trailing commas, comments, wrong field names are rejected with a
 * precise reason (the backend re-asks once). The *structure* is repaired where real extractions go
 * wrong (repair.ts: overlapping claims, uncovered lines, a comment inside an execution; in the DAG,
 * unknown steps/parents and self edges) and every repair is returned in `repairs`; a parent that is
 * not earlier than its child stays an error (the method rejects such a trace).
 */
import { z } from "zod";
import { CurationBackendError } from "../types";
import {
  normalizeDag,
  validateDag,
  validateSteps,
  type Dag,
  type LineRange,
  type Step,
  type StepIssueCode,
} from "../../sprint/steps";
import { repairParts } from "./repair";

/** One reason an answer was rejected. `code` is a StepIssueCode or one of the parser's own codes. */
export interface AnswerIssue {
  code: StepIssueCode | "empty" | "not-json" | "bad-shape" | "no-lines" | "bad-id" | "part-order" | "component-order" | "unusable";
  message: string;
}

/** How many reasons go into an error's message (all of them stay in `issues`). */
const MAX_REASONS_IN_MESSAGE = 8;

/**
 * An unusable model answer: `malformed` (not JSON, wrong shape) or `invalid` (well-formed but breaks
 * the method's rules: coverage, overlap, order, parent ≥ child). Not retryable at the job level —
 * the backend already asked twice.
 */
export class LlmAnswerError extends CurationBackendError {
  constructor(
    message: string,
    code: "malformed" | "invalid",
    readonly issues: readonly AnswerIssue[],
    /** The raw answer (truncated), for the per-trace log. */
    readonly answer?: string,
  ) {
    super(message, code, false);
    this.name = "LlmAnswerError";
  }

  static of(code: "malformed" | "invalid", issues: readonly AnswerIssue[], answer?: string): LlmAnswerError {
    const shown = issues.slice(0, MAX_REASONS_IN_MESSAGE).map((i) => i.message);
    const more = issues.length > MAX_REASONS_IN_MESSAGE ? `; and ${issues.length - MAX_REASONS_IN_MESSAGE} more` : "";
    return new LlmAnswerError(shown.join("; ") + more, code, issues, answer === undefined ? undefined : clip(answer, 4000));
  }
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

// ---------------------------------------------------------------------------------------------
// JSON extraction
// ---------------------------------------------------------------------------------------------

const FENCE = /^```[ \t]*(json|JSON)?[ \t]*\r?\n([\s\S]*?)\r?\n?```$/;
const THINK = /^<think>[\s\S]*?<\/think>\s*/;

/** Removes the tolerated wrappers (a leading `<think>` block, one ```json fence) and notes each. */
export function unwrapAnswer(text: string): { body: string; notes: string[] } {
  const notes: string[] = [];
  let body = text.trim();
  const think = THINK.exec(body);
  if (think) {
    body = body.slice(think[0].length).trim();
    notes.push("a <think>…</think> block before the answer was ignored");
  }
  const fence = FENCE.exec(body);
  if (fence) {
    body = (fence[2] as string).trim();
    notes.push(`the answer was wrapped in a \`\`\`${fence[1] ?? ""} code fence, which was removed`);
  }
  return { body, notes };
}

/** Parses the JSON of an answer after {@link unwrapAnswer}; throws a `malformed` {@link LlmAnswerError}. */
export function parseAnswerJson(text: string, opts: { numericKeys?: boolean } = {}): { value: unknown; notes: string[] } {
  const { body, notes } = unwrapAnswer(text);
  if (body === "") throw LlmAnswerError.of("malformed", [{ code: "empty", message: "the answer is empty" }], text);
  try {
    return { value: JSON.parse(body) as unknown, notes };
  } catch (err) {
    if (opts.numericKeys) {
      // The paper writes the DAG as {1: [], 2: [1]}: quote bare integer keys, nothing else.
      const quoted = body.replace(/([{,]\s*)(\d+)(\s*):/g, '$1"$2"$3:');
      if (quoted !== body) {
        try {
          const value = JSON.parse(quoted) as unknown;
          return { value, notes: [...notes, "unquoted numeric keys ({1: …}) were accepted as JSON strings"] };
        } catch {
          // fall through to the original error
        }
      }
    }
    throw LlmAnswerError.of("malformed", [{ code: "not-json", message: describeJsonError(body, err) }], text);
  }
}

function describeJsonError(body: string, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const pos = /position (\d+)/.exec(msg);
  let where = "";
  if (pos) {
    const at = Number(pos[1]);
    const line = body.slice(0, at).split("\n").length;
    const near = body.slice(Math.max(0, at - 20), at + 20).replace(/\s+/g, " ");
    where = ` (line ${line}, near ${JSON.stringify(near)})`;
  }
  const firstChar = body.trimStart()[0];
  const hint = firstChar !== "[" && firstChar !== "{" ? "; the answer must be only JSON, without surrounding text" : "";
  return `the answer is not valid JSON: ${msg}${where}${hint}`;
}

/** `path` of a Zod issue inside the component list, as a reader would say it. */
function describePath(path: readonly PropertyKey[]): string {
  const parts = [...path];
  if (parts[0] === "components") parts.shift();
  if (parts.length === 0) return "the answer";
  const [first, ...rest] = parts;
  const head = typeof first === "number" ? `component ${first + 1}` : String(first);
  return rest.length === 0 ? head : `${head}: ${rest.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join(".").replace(/\.\[/g, "[")}`;
}

function zodIssues(error: z.ZodError): AnswerIssue[] {
  return error.issues.map((issue) => {
    let message = issue.message;
    if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) {
      const field = issue.path[issue.path.length - 1];
      message = `missing field ${JSON.stringify(field)}`;
      return { code: "bad-shape" as const, message: `${describePath(issue.path.slice(0, -1))}: ${message}` };
    }
    if (issue.code === "unrecognized_keys") {
      message = `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
    }
    return { code: "bad-shape" as const, message: `${describePath(issue.path)}: ${message}` };
  });
}

// ---------------------------------------------------------------------------------------------
// Step extraction answer
// ---------------------------------------------------------------------------------------------

/** `[start, end]`: inclusive 1-based line numbers (range sanity is checked by validateSteps). */
const lineRangeSchema = z.tuple([z.int(), z.int()], { error: "expected [start, end] line numbers" });

/** One component as the model writes it. */
export const componentSchema = z.strictObject({
  /** Tolerated (models like to number things) but must match the position. */
  id: z.int().optional(),
  description: z.string(),
  plan_lines: lineRangeSchema.nullable(),
  prompt: z.string().nullable(),
  execution_lines: lineRangeSchema.nullable(),
  comment_lines: lineRangeSchema.nullable().optional(),
});
export type Component = z.infer<typeof componentSchema>;

const componentListSchema = z.array(componentSchema).min(1, { error: "expected at least one component" });

/** The extraction answer: the list itself, or `{"components": [...]}`. */
export const extractionAnswerSchema = z.union([componentListSchema, z.strictObject({ components: componentListSchema })]);

/** Parses an extraction answer into components (shape only); throws a `malformed` {@link LlmAnswerError}. */
export function parseComponents(text: string): { components: Component[]; notes: string[] } {
  const { value, notes } = parseAnswerJson(text);
  let list: unknown = value;
  if (!Array.isArray(value)) {
    if (typeof value === "object" && value !== null && "components" in value) {
      const keys = Object.keys(value);
      if (keys.length !== 1) {
        throw LlmAnswerError.of(
          "malformed",
          [{ code: "bad-shape", message: `the answer object must have only the key "components", got ${keys.map((k) => JSON.stringify(k)).join(", ")}` }],
          text,
        );
      }
      list = (value as { components: unknown }).components;
      if (!Array.isArray(list)) {
        throw LlmAnswerError.of("malformed", [{ code: "bad-shape", message: `"components" must be a JSON array, got ${jsonKind(list)}` }], text);
      }
    } else {
      throw LlmAnswerError.of(
        "malformed",
        [{ code: "bad-shape", message: `expected a JSON array of components (or an object with the key "components"), got ${jsonKind(value)}` }],
        text,
      );
    }
  }
  const parsed = componentListSchema.safeParse(list);
  if (!parsed.success) throw LlmAnswerError.of("malformed", zodIssues(parsed.error), text);
  return { components: parsed.data, notes };
}

function jsonKind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") {
    const keys = Object.keys(v);
    return keys.length === 0 ? "an empty object" : `an object with the keys ${keys.slice(0, 5).map((k) => JSON.stringify(k)).join(", ")}${keys.length > 5 ? ", …" : ""}`;
  }
  return `a ${typeof v}`;
}

/** Control characters that JSON escapes like `\f`, `\b` produce — usually an unescaped LaTeX `\frac`, `\beta`. */
// eslint-disable-next-line no-control-regex
const SUSPECT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

const range = (r: readonly [number, number] | null | undefined): LineRange | undefined => (r ? [r[0], r[1]] : undefined);

/**
 * Turns parsed components into {@link Step}s over `lines` (1-based: `lines[0]` is L1), repairing what
 * real extractions get wrong (repair.ts `repairParts`: overlapping claims, uncovered lines, a comment
 * inside an execution, ranges past the end, components out of order) and recording each repair in
 * `repairs`. Throws an `invalid` {@link LlmAnswerError} only when the structure is unusable (no component
 * with lines, or more than a quarter of the lines would move). A component `id` that does not match its
 * position is noted (ids are positions). Texts are the source lines of each range joined by a space.
 */
export function componentsToSteps(
  components: readonly Component[],
  lines: readonly string[],
  answer?: string,
): { steps: Step[]; notes: string[]; repairs: string[] } {
  const notes: string[] = [];
  components.forEach((c, i) => {
    if (c.id !== undefined && c.id !== i + 1) notes.push(`component ${i + 1} has "id": ${c.id}; components are numbered by position`);
  });
  const repaired = repairParts(
    components.map((c) => ({ plan: range(c.plan_lines) ?? null, execution: range(c.execution_lines) ?? null, comment: range(c.comment_lines) ?? null })),
    lines.length,
  );
  if (repaired.unusable !== undefined) {
    throw LlmAnswerError.of("invalid", [{ code: "unusable", message: `the step extraction is unusable: ${repaired.unusable}` }], answer);
  }
  const steps: Step[] = [];
  repaired.components.forEach((r, i) => {
    const c = components[r.source] as Component;
    const id = i + 1;
    const label = r.source === i ? `component ${id}` : `component ${id} (answer's ${r.source + 1})`;
    const step: Step = { id, plan: "" };
    const description = c.description.trim();
    if (description !== "") step.description = description;
    if (r.plan) step.planLines = r.plan;
    if (r.execution) step.executionLines = r.execution;
    if (r.comment) step.commentLines = r.comment;
    const prompt = c.prompt?.trim() ?? "";
    if (r.execution) {
      if (prompt !== "") step.prompt = prompt;
      else notes.push(`${label} has execution lines but no prompt`);
    } else if (prompt !== "") {
      notes.push(`${label} has a prompt but no execution lines: the prompt was dropped (plan-only step)`);
    }
    for (const [field, value] of [["description", c.description], ["prompt", c.prompt ?? ""]] as const) {
      if (SUSPECT_CONTROL.test(value)) {
        notes.push(`${label}'s ${field} contains a control character — probably an unescaped backslash (\\frac, \\beta) in the JSON`);
      }
    }
    steps.push(step);
  });

  // The repairs guarantee the method's line rules; a failure here is a bug in repairParts, not the model.
  const left = validateSteps(steps, {}, { lineCount: lines.length }).filter((i) => i.severity === "error");
  if (left.length > 0) throw LlmAnswerError.of("invalid", left.map((i) => ({ code: i.code, message: i.message })), answer);

  const text = (r: LineRange | undefined): string => (r ? lines.slice(r[0] - 1, r[1]).join(" ") : "");
  for (const step of steps) {
    step.plan = text(step.planLines);
    if (step.executionLines) step.execution = text(step.executionLines);
    if (step.commentLines) step.comment = text(step.commentLines);
  }
  return { steps, notes, repairs: repaired.repairs };
}

/** Parses and checks an extraction answer for a trace with the given numbered lines. */
export function parseExtractionAnswer(text: string, lines: readonly string[]): { steps: Step[]; notes: string[]; repairs: string[] } {
  const { components, notes } = parseComponents(text);
  const converted = componentsToSteps(components, lines, text);
  return { steps: converted.steps, notes: [...notes, ...converted.notes], repairs: converted.repairs };
}

// ---------------------------------------------------------------------------------------------
// DAG answer
// ---------------------------------------------------------------------------------------------

/**
 * Parses and checks a DAG answer against the steps it is about. The result has an entry for every
 * step (a step the model left out gets `[]`, with a note), parents deduplicated (noted) and sorted.
 * Throws `malformed` for a non-object or a non-integer key/parent, `invalid` for a parent that is not
 * smaller than its child (the paper's rule). Unknown steps/parents and self edges are dropped (repairs).
 */
export function parseDagAnswer(text: string, steps: readonly Step[]): { dag: Dag; notes: string[]; repairs: string[] } {
  const { value, notes } = parseAnswerJson(text, { numericKeys: true });
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw LlmAnswerError.of(
      "malformed",
      [{ code: "bad-dag-entry", message: `expected a JSON object mapping component numbers to lists of parents, got ${jsonKind(value)}` }],
      text,
    );
  }
  if (Object.keys(value).length === 0 && steps.length > 1) {
    throw LlmAnswerError.of("malformed", [{ code: "bad-dag-entry", message: `the answer is an empty object; expected an entry for each of the ${steps.length} components` }], text);
  }
  const { dag: raw, issues: shapeIssues } = normalizeDag(value);
  if (shapeIssues.length > 0) {
    throw LlmAnswerError.of("malformed", shapeIssues.map((i) => ({ code: i.code, message: i.message })), text);
  }
  // Repairs: an entry for a step that does not exist, a parent that does not exist and a self edge carry
  // no dependency information the method can use — they are dropped and recorded. A parent that is not
  // earlier than its child is the method's reason to reject the trace, so it stays an error.
  const repairs: string[] = [];
  const ids = new Set(steps.map((s) => s.id));
  const cleaned: Record<number, number[]> = {};
  for (const [key, parents] of Object.entries(raw) as [string, number[]][]) {
    const child = Number(key);
    if (!ids.has(child)) {
      repairs.push(`the DAG has an entry for step ${child}, which does not exist: dropped`);
      continue;
    }
    const keep: number[] = [];
    for (const p of parents) {
      if (p === child) repairs.push(`step ${child} listed itself as a parent: dropped`);
      else if (!ids.has(p)) repairs.push(`step ${child} listed parent ${p}, which does not exist: dropped`);
      else keep.push(p);
    }
    cleaned[child] = keep;
  }
  const issues: AnswerIssue[] = [];
  for (const issue of validateDag(steps, cleaned)) {
    if (issue.severity === "error") {
      const message =
        issue.code === "parent-not-earlier" && issue.edge
          ? `step ${issue.edge.child} lists parent ${issue.edge.parent}, which is not earlier: every parent must be smaller than its child`
          : issue.message;
      issues.push({ code: issue.code, message });
    }
  }
  if (issues.length > 0) throw LlmAnswerError.of("invalid", issues, text);

  const dag: Record<number, number[]> = {};
  const missing: number[] = [];
  const deduped: number[] = [];
  for (const step of steps) {
    const parents = cleaned[step.id];
    if (parents === undefined) {
      missing.push(step.id);
      dag[step.id] = [];
      continue;
    }
    const unique = [...new Set(parents)].sort((a, b) => a - b);
    if (unique.length !== parents.length) deduped.push(step.id);
    dag[step.id] = unique;
  }
  if (missing.length > 0) {
    notes.push(`the answer has no entry for step${missing.length > 1 ? "s" : ""} ${missing.join(", ")}: treated as having no parents`);
  }
  if (deduped.length > 0) notes.push(`repeated parents of step${deduped.length > 1 ? "s" : ""} ${deduped.join(", ")} were removed`);
  return { dag, notes, repairs };
}
