/**
 * Rendering: the canonical serialization of a trajectory (the layout strict parsing expects).
 * `serialize(parse(x))` is a fixed point for every input string.
 */
import { NO_PROMPT_TEXT, SEPARATOR } from "./machine";
import type { Execution, FinalAnswer, PlanChunk, Round, Trajectory } from "../types";

function block(open: string, body: string, close: string): string {
  return body === "" ? `${open}\n${close}` : `${open}\n${body}\n${close}`;
}

/** `<prompt_p.k> text </prompt_p.k>` (no inner spaces when the text is empty). */
export function serializePrompt(round: number, index: number, text: string): string {
  const open = `<prompt_${round}.${index}>`;
  const close = `</prompt_${round}.${index}>`;
  return text === "" ? `${open}${close}` : `${open} ${text} ${close}`;
}

/** The lines inside `<Plan_p>` … `</Plan_p>`: separators, chunk texts and prompts, joined by "\n". */
export function serializeChunks(round: number, chunks: readonly PlanChunk[]): string {
  const lines: string[] = [];
  for (const c of chunks) {
    if (c.separatorBefore) lines.push(SEPARATOR);
    if (c.text !== "") lines.push(c.text);
    if (c.prompt !== undefined) lines.push(serializePrompt(round, c.prompt.index, c.prompt.text));
  }
  return lines.join("\n");
}

/** `<Plan_p>\n…\n</Plan_p>`. */
export function serializePlan(round: Round): string {
  return block(`<Plan_${round.index}>`, serializeChunks(round.index, round.chunks), `</Plan_${round.index}>`);
}

/** `<execution_p.k>\ntext\n</execution_p.k>`. */
export function serializeExecution(round: number, execution: Execution): string {
  const tag = `execution_${round}.${execution.index}`;
  return block(`<${tag}>`, execution.text, `</${tag}>`);
}

/**
 * `<Execution_p>` with its `<execution_p.k>` blocks, or `No prompt to execute.` when the round has
 * neither executions nor prompts (a round with prompts but no executions yet gets an empty block).
 */
export function serializeExecutions(round: Round): string {
  let body: string;
  if (round.executions.length > 0) body = round.executions.map((e) => serializeExecution(round.index, e)).join("\n");
  else body = round.chunks.some((c) => c.prompt !== undefined) ? "" : NO_PROMPT_TEXT;
  return block(`<Execution_${round.index}>`, body, `</Execution_${round.index}>`);
}

/** Plan block, blank line, Execution block. */
export function serializeRound(round: Round): string {
  return `${serializePlan(round)}\n\n${serializeExecutions(round)}`;
}

/** `<Final_answer>\n…\n</Final_answer>` (always the tag form, whatever the parsed style). */
export function serializeFinalAnswer(answer: FinalAnswer): string {
  return block("<Final_answer>", answer.text, "</Final_answer>");
}

/**
 * The canonical body: rounds (Plan, blank line, Execution) and the final answer, separated by blank
 * lines; no trailing newline. The question is not included (see {@link serializeDocument}).
 */
export function serializeTrajectory(t: Trajectory): string {
  const parts = t.rounds.map(serializeRound);
  if (t.finalAnswer !== undefined) parts.push(serializeFinalAnswer(t.finalAnswer));
  return parts.join("\n\n");
}

/**
 * The whole document: `<Question>\n…\n</Question>\n\n<think>\n…\n</think>`. Without a question
 * (undefined), only the think block.
 */
export function serializeDocument(t: Trajectory): string {
  const think = block("<think>", serializeTrajectory(t), "</think>");
  return t.question === undefined ? think : `${block("<Question>", t.question, "</Question>")}\n\n${think}`;
}

