/**
 * Shared types of the SPRINT core (server/sprint). Pure data, no I/O.
 * The method is specified in docs/sprint-method.md.
 */

/** A position in source text. Lines and columns count from 1. */
export interface SourcePosition {
  line: number;
  column: number;
}

export type DiagnosticSeverity = "error" | "warning";

/** Something the tolerant parser could not read, or repaired. Never thrown in tolerant mode. */
export interface Diagnostic extends SourcePosition {
  severity: DiagnosticSeverity;
  /** Stable machine code, e.g. "unclosed-tag", "renumbered-prompt". */
  code: string;
  message: string;
  /** Input text this diagnostic leaves out of the trajectory (its tokens are not counted). */
  dropsContent?: boolean;
}

/** Reference to an execution, e.g. {round: 1, index: 2} ↔ "execution_1.2". */
export interface ExecRef {
  round: number;
  index: number;
}

/**
 * One chunk of a plan: planning text (which may itself contain "Based on execution_x.y:" lines)
 * followed by at most one prompt. A chunk ends right after its prompt closes. The planner-token
 * prefix P_{i.k} of the metrics runs from the start of the plan through the end of the chunk that
 * holds prompt k. A chunk without a prompt is plan text only (e.g. the text after the last prompt).
 */
export interface PlanChunk {
  /** A "-----" separator line precedes this chunk (a train of thought not adjacent to the previous one). */
  separatorBefore: boolean;
  /** Planning text before the prompt, without surrounding blank lines. May be "". */
  text: string;
  /** The prompt this chunk emits; its `index` is k in `prompt_p.k` (1-based, in order). */
  prompt?: { index: number; text: string };
}

export interface Execution {
  /** k in `execution_p.k`, matching the prompt's index. */
  index: number;
  text: string;
}

export interface Round {
  /** p in `Plan_p` (1-based). */
  index: number;
  chunks: PlanChunk[];
  /** Executions in prompt order. Empty for a round whose plan has no prompt ("No prompt to execute."). */
  executions: Execution[];
}

export interface FinalAnswer {
  text: string;
  /** How it appeared: a proper `<Final_answer>` block, or a `**Final Answer**` markdown heading. */
  style: "tag" | "markdown";
  /** Appended by the orchestrator at the maximum round to force an answer. */
  forced?: boolean;
}

/** A SPRINT trajectory: rounds of plan → parallel executions, then a final answer. */
export interface Trajectory {
  question?: string;
  rounds: Round[];
  finalAnswer?: FinalAnswer;
}

/** Counts tokens of text. Implementations: a real Qwen tokenizer and a fast approximation. */
export interface Tokenizer {
  readonly name: string;
  count(text: string): number;
}
