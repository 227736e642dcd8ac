/**
 * SPRINT trajectory format — the public API: a tolerant (and optionally strict) parser, the
 * canonical serializer and small text helpers. Pure: no I/O, no framework. The format is specified
 * in docs/sprint-method.md §1; the parser's rules in ARCHITECTURE.md ("Trajectory parser").
 *
 * The implementation is split by responsibility under ./parser:
 * - tags.ts: tokenizing (tags, `-----` separators, `**Final Answer**` headings), linear time;
 * - machine.ts: the table-driven state machine building the raw model (indices as written);
 * - rounds.ts: index normalization (rounds 1..n, prompts 1..k, executions matched, references renumbered);
 * - diagnostics.ts: codes, which codes drop content, positions and severities;
 * - serialize.ts: the canonical rendering; text.ts: tag stripping, `\boxed{}`, "Based on" references.
 *
 * Design rules that make `serialize(parse(x))` a fixed point for every input string:
 * - Texts are raw slices of the input (CRLF → LF, then trimmed of spaces, tabs, CR and LF only).
 * - A tag that does not belong where it appears is reported and kept verbatim in the text that holds
 *   it, so that the same text, serialized into the same kind of block, reads back the same way.
 * - A `**Final Answer**` heading ends the trajectory only when no block follows it; otherwise it is
 *   text (of the plan it is in), and reads back as text.
 */
import { droppedRanges, finalizeDiagnostics, snippet, type RawDiagnostic, type Reporter } from "./parser/diagnostics";
import { runParser, type MarkdownFinal } from "./parser/machine";
import { buildRounds } from "./parser/rounds";
import { serializeDocument, serializeTrajectory } from "./parser/serialize";
import type { Diagnostic, Trajectory } from "./types";

export { dropCrBeforeLf } from "./parser/chars";
export { LOSSY_CODES, type DiagnosticCode } from "./parser/diagnostics";
export { NO_PROMPT_TEXT, SEPARATOR, type MarkdownFinal } from "./parser/machine";
export { renumberTrajectory } from "./parser/rounds";
export {
  serializeChunks,
  serializeDocument,
  serializeExecution,
  serializeExecutions,
  serializeFinalAnswer,
  serializePlan,
  serializePrompt,
  serializeRound,
  serializeTrajectory,
} from "./parser/serialize";
export { basedOnRefs, extractBoxed, formatBasedOn, stripTags } from "./parser/text";

/** Options of {@link parseTrajectory}. */
export interface ParseOptions {
  /**
   * Strict mode, for curated data: every deviation from the canonical format (as written by
   * {@link serializeTrajectory} / {@link serializeDocument}, optionally followed by one `\n`) is an
   * error. Default false (tolerant: repairs are warnings).
   */
  strict?: boolean;
  /**
   * When a `**Final Answer**` heading ends the trajectory: `last` (default) only when no block
   * opens after it; `never`: a heading is always text (a planner's streamed plan, where only
   * `<Final_answer>` ends a run).
   */
  markdownFinal?: MarkdownFinal;
}

/** Input text that is in no plan, execution or final answer of the parsed trajectory. */
export interface DroppedContent {
  /** Merged [start, end) offsets into the input. */
  ranges: [number, number][];
  /** Σ characters of the ranges. */
  chars: number;
  /** The dropped text, ranges joined by "\n". */
  text: string;
}

/** Result of {@link parseTrajectory}. */
export interface ParseResult {
  /** Everything that could be read, with indices normalized to 1..n. */
  trajectory: Trajectory;
  /** Sorted by position. Positions are 1-based lines and columns (UTF-16 code units) of the input. */
  diagnostics: Diagnostic[];
  /** False when any diagnostic is an error. */
  ok: boolean;
  /** What the lossy diagnostics (`dropsContent`) left out; `chars` 0 when nothing was lost. */
  dropped: DroppedContent;
}

/**
 * Parses a SPRINT trajectory: a whole document (`<Question>…</Question>` then `<think>…</think>`)
 * or just the body (Plan/Execution blocks and the final answer).
 *
 * Tolerant (default): never throws; repairs are warnings (missing closers, `**Final Answer**` at the
 * end, stray text, renumbered/skipped indices normalized to 1..n, executions without prompts, CRLF,
 * whitespace/case variants of tags, …). `ok` is false only for errors (nothing readable). A warning
 * that drops input text has `dropsContent` and is summed in `dropped`.
 * Strict: every deviation from the canonical layout is an error.
 *
 * Chunks follow {@link PlanChunk}: a chunk ends right after its prompt's closing tag, `-----` lines
 * set `separatorBefore` of the next chunk, text after the last prompt is a prompt-less chunk, and
 * "Based on …" lines stay in `text` (renumbered along with the executions they name).
 * The final answer's `forced` flag cannot be seen in text and is never set.
 */
export function parseTrajectory(text: string, opts: ParseOptions = {}): ParseResult {
  const strict = opts.strict === true;
  const raw: RawDiagnostic[] = [];
  const report: Reporter = (code, offset, message, dropped) => raw.push({ offset, code, message, ...(dropped !== undefined ? { dropped } : {}) });
  const crlf = text.indexOf("\r\n");
  if (crlf !== -1) report("crlf-line-endings", crlf, "CRLF line endings read as LF");

  const parsed = runParser(text, report, raw, { markdownFinal: opts.markdownFinal ?? "last", strict });
  const rounds = buildRounds(parsed.rounds, report, true);
  const trajectory: Trajectory = { rounds };
  if (parsed.question !== undefined) trajectory.question = parsed.question;
  if (parsed.finalAnswer !== undefined) trajectory.finalAnswer = parsed.finalAnswer;

  if (rounds.length === 0 && parsed.finalAnswer === undefined) {
    raw.push({ offset: 0, code: "empty-trajectory", message: "No plan, execution or final answer found", severity: "error" });
  } else if (parsed.finalAnswer === undefined) {
    report("missing-final-answer", text.length, "No final answer");
  }

  if (strict && raw.length === 0) {
    const expected = parsed.document ? serializeDocument(trajectory) : serializeTrajectory(trajectory);
    const actual = text.endsWith("\n") && !expected.endsWith("\n") ? text.slice(0, -1) : text;
    if (actual !== expected) {
      let i = 0;
      const m = Math.min(actual.length, expected.length);
      while (i < m && actual.charCodeAt(i) === expected.charCodeAt(i)) i++;
      report("non-canonical", i, `Not the canonical layout: expected ${snippet(expected.slice(i))}, found ${snippet(actual.slice(i))}`);
    }
  }

  const diagnostics = finalizeDiagnostics(raw, text, strict);
  const ranges = droppedRanges(raw);
  const dropped: DroppedContent = {
    ranges,
    chars: ranges.reduce((a, [s, e]) => a + e - s, 0),
    text: ranges.map(([s, e]) => text.slice(s, e)).join("\n"),
  };
  return { trajectory, diagnostics, ok: diagnostics.every((d) => d.severity !== "error"), dropped };
}
