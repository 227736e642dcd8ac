/**
 * Prompts of the SPRINT loop (docs/sprint-method.md §3) and normalization of what the
 * planner and the executors write. Pure functions; the orchestrator (orchestrator.ts) does the I/O.
 *
 * Every prompt of a run starts with the same bytes — `system + "\n\n" + <Question>…</Question> +
 * "\n\n<think>\n"` — followed by the canonical serialization of the finished rounds, so a server's
 * prefix cache (vLLM automatic prefix caching, SGLang radix cache, llama.cpp slots) reuses the
 * shared part across the planner and all executors of a round.
 */
import { NO_PROMPT_TEXT, parseTrajectory, serializeChunks, serializeDocument, serializeRound, extractBoxed } from "../../sprint/format";
import { PlanStreamReader } from "../../sprint/plan-stream";
import { questionBlock, SPRINT_SYSTEM_PROMPT } from "../../sprint/prompts";
import type { FinalAnswer, PlanChunk, Round } from "../../sprint/types";
import type { ChatPrompt, CompletionRequest } from "../engines/types";

/** Stop strings of a planner call (the paper's). */
export const PLANNER_STOP = ["</Plan_", "</Execution_", "</Final_answer>", "</think>", "</execution_"] as const;
/** Stop strings of an executor call. */
export const EXECUTOR_STOP = ["</execution_", "</Execution_", "</think>"] as const;
/** Stop strings of the forced final answer. */
export const FINAL_STOP = ["</Final_answer>", "</think>"] as const;

/** Executor context variants: the authors' code ("rearranged") or the paper's text ("prefix"). */
export type ExecutorContext = "rearranged" | "prefix";

/** A format problem found in model output (and repaired), for the adherence report. */
export interface FormatIssue {
  code: string;
  message: string;
}

/** The fixed start of every prompt of a run. */
export interface RunPrefix {
  system: string;
  user: string;
}

/**
 * A small curated trajectory for prompted mode (models not fine-tuned on SPRINT data): two
 * independent prompts in round 1, a dependent round 2, and a final answer.
 */
export const DEFAULT_FEW_SHOT = `<Question>
What is the sum of the prime factors of 84 plus the number of positive divisors of 84?
</Question>

<think>
<Plan_1>
The question has two independent parts: the prime factors of 84 and the number of its divisors.
<prompt_1.1> Find the distinct prime factors of 84 and add them. </prompt_1.1>
-----
The divisor count follows from the prime factorization exponents.
<prompt_1.2> Count the positive divisors of 84 using its prime factorization. </prompt_1.2>
</Plan_1>

<Execution_1>
<execution_1.1>
84 = 2^2 · 3 · 7, so the distinct prime factors are 2, 3 and 7, and their sum is 12.
</execution_1.1>
<execution_1.2>
84 = 2^2 · 3^1 · 7^1, so it has (2+1)(1+1)(1+1) = 12 positive divisors.
</execution_1.2>
</Execution_1>

<Plan_2>
Based on execution_1.1, execution_1.2:
Add the two results: 12 + 12.
</Plan_2>

<Execution_2>
No prompt to execute.
</Execution_2>

<Final_answer>
The prime factors sum to 12 and 84 has 12 divisors, so the answer is \\boxed{24}.
</Final_answer>
</think>`;

/**
 * The start of every prompt: the SPRINT system prompt (or `systemPrompt`), in prompted mode followed
 * by the few-shot example trajectories (each re-serialized canonically), then the question block.
 * Throws when an example does not parse as a trajectory.
 */
export function buildRunPrefix(question: string, opts: { systemPrompt?: string; fewShot?: readonly string[] } = {}): RunPrefix {
  let system = opts.systemPrompt ?? SPRINT_SYSTEM_PROMPT;
  const shots = opts.fewShot ?? [];
  if (shots.length > 0) {
    const examples = shots.map((ex, i) => {
      const parsed = parseTrajectory(ex);
      if (!parsed.ok || parsed.trajectory.rounds.length === 0 || !parsed.trajectory.finalAnswer) {
        throw new Error(`few-shot example ${i + 1} is not a SPRINT trajectory with rounds and a final answer`);
      }
      return `Example ${i + 1}:\n\n${serializeDocument(parsed.trajectory)}`;
    });
    system = `${system}\n\nFollow the format of these examples exactly.\n\n${examples.join("\n\n")}\n\nNow the real question.`;
  }
  return { system, user: questionBlock(question) };
}

/** `<think>\n` + finished rounds, canonically, each followed by a blank line. */
export function historyText(rounds: readonly Round[]): string {
  return `<think>\n${rounds.map((r) => `${serializeRound(r)}\n\n`).join("")}`;
}

function request(prefix: RunPrefix, assistantPrefix: string): Pick<CompletionRequest, "prompt" | "chat"> {
  const chat: ChatPrompt = { system: prefix.system, user: prefix.user, assistantPrefix };
  return { prompt: `${prefix.system}\n\n${prefix.user}\n\n${assistantPrefix}`, chat };
}

/** The planner's prompt for the round after `rounds`; `forced` appends `<Final_answer>\n`. */
export function plannerPrompt(prefix: RunPrefix, rounds: readonly Round[], forced = false): Pick<CompletionRequest, "prompt" | "chat"> {
  return request(prefix, historyText(rounds) + (forced ? "<Final_answer>\n" : ""));
}

/**
 * The executor's prompt for the prompt in chunk `chunkIndex` of round `round` (whose plan so far is
 * `chunks`; in the eager schedule that is the plan up to this prompt).
 * - `prefix` (the paper): the plan up to the end of this prompt's chunk, numbered as written, then
 *   `</Plan_p>\n\n<Execution_p>\n<execution_p.k>\n`;
 * - `rearranged` (the authors' code): every chunk keeps its text but only this one keeps its prompt,
 *   renumbered `p.1`, then `</Plan_p>\n\n<Execution_p>\n<execution_p.1>\n`.
 */
export function executorPrompt(
  prefix: RunPrefix,
  rounds: readonly Round[],
  round: number,
  chunks: readonly PlanChunk[],
  chunkIndex: number,
  variant: ExecutorContext,
): Pick<CompletionRequest, "prompt" | "chat"> {
  const chunk = chunks[chunkIndex];
  if (!chunk?.prompt) throw new Error(`executorPrompt: chunk ${chunkIndex} of round ${round} has no prompt`);
  let plan: string;
  let k: number;
  if (variant === "prefix") {
    plan = serializeChunks(round, chunks.slice(0, chunkIndex + 1));
    k = chunk.prompt.index;
  } else {
    const rearranged = chunks.map((c, i): PlanChunk =>
      i === chunkIndex ? { ...c, prompt: { index: 1, text: c.prompt?.text ?? "" } } : { separatorBefore: c.separatorBefore, text: c.text },
    );
    plan = serializeChunks(round, rearranged);
    k = 1;
  }
  return request(prefix, `${historyText(rounds)}<Plan_${round}>\n${plan}\n</Plan_${round}>\n\n<Execution_${round}>\n<execution_${round}.${k}>\n`);
}

/** A planner output, normalized. */
export interface NormalizedPlan {
  /** The plan's chunks, prompts renumbered 1..k ([] when the output had no plan text). */
  chunks: PlanChunk[];
  finalAnswer?: FinalAnswer;
  issues: FormatIssue[];
}

/** Diagnostics of parsing a lone plan that say nothing about the model's format. */
const FRAGMENT_CODES = new Set(["missing-execution-block", "missing-final-answer", "unknown-execution-ref", "empty-trajectory", "renumbered-round"]);

/**
 * Normalizes a planner output for round `round`: drops a leading `<Plan_x>` (reporting a wrong x),
 * cuts at an execution the planner wrote itself or a second plan, reads a final answer (only a
 * `<Final_answer>` tag ends a run, as in the method's code; a `**Final Answer**` heading is plan
 * text — real SPRINT models write one in a middle plan and continue; in `prompted` mode a bare
 * `\boxed{}` answer without any SPRINT tag is also read as the answer), parses the plan with the
 * tolerant parser and renumbers its prompts.
 */
export function normalizePlan(raw: string, round: number, opts: { prompted?: boolean } = {}): NormalizedPlan {
  const issues: FormatIssue[] = [];
  const reader = new PlanStreamReader();
  reader.push(raw);
  reader.end();
  let bodyStart = 0;
  let cut = raw.length;
  let finalAnswer: FinalAnswer | undefined;
  let sawPlanOpen = false;
  for (const e of reader.allEvents) {
    if ((e.type === "drift" ? e.at : e.type === "prompt" ? e.openStart : e.start) >= cut) break;
    if (e.type === "plan-open") {
      if (!sawPlanOpen && raw.slice(0, e.start).trim() === "") {
        sawPlanOpen = true;
        bodyStart = e.end;
        if (e.written !== undefined && e.written !== round) issues.push({ code: "renumbered-round", message: `Plan_${e.written} renumbered to Plan_${round}` });
      } else {
        cut = e.start;
        issues.push({ code: "second-plan-open", message: "the planner opened another plan; the rest was dropped" });
      }
    } else if (e.type === "execution-open") {
      cut = e.start;
      issues.push({ code: "planner-wrote-execution", message: "the planner started an execution itself; cut there" });
    } else if (e.type === "plan-close") {
      cut = e.start;
    } else if (e.type === "final-answer") {
      finalAnswer = { text: cleanTail(raw.slice(e.end)), style: "tag" };
      cut = e.start;
    } else if (e.type === "markdown-heading") {
      issues.push({ code: "markdown-heading-in-plan", message: "a **Final Answer** heading in the plan; kept as plan text (only <Final_answer> ends a run)" });
    }
  }
  if (!sawPlanOpen && raw.trim() !== "" && !(finalAnswer && raw.slice(0, cut).trim() === "")) {
    issues.push({ code: "missing-plan-open", message: `no <Plan_${round}> tag; the output was read as the plan` });
  }
  let body = raw.slice(bodyStart, cut);
  if (opts.prompted && !finalAnswer && reader.allEvents.every((e) => e.type === "drift" || e.type === "markdown-heading") && extractBoxed(raw) !== undefined) {
    // A model that ignored the format and just answered.
    finalAnswer = { text: raw.trim(), style: "markdown" };
    issues.push({ code: "repaired-untagged-answer", message: "an answer with \\boxed{} but no SPRINT tags was read as the final answer" });
    body = "";
  }
  let chunks: PlanChunk[] = [];
  if (body.trim() !== "") {
    const parsed = parseTrajectory(`<Plan_${round}>\n${body}\n</Plan_${round}>`, { markdownFinal: "never" });
    chunks = parsed.trajectory.rounds[0]?.chunks ?? [];
    for (const d of parsed.diagnostics) if (!FRAGMENT_CODES.has(d.code)) issues.push({ code: d.code, message: d.message });
  }
  return { chunks, ...(finalAnswer ? { finalAnswer } : {}), issues };
}

/** Drops closing tags a server left in and trims. */
function cleanTail(text: string): string {
  return text.replace(/<\/\s*(Final[_ ]?answer|think)\s*>[\s\S]*$/i, "").trim();
}

const EXEC_DRIFT_RE = /<\s*(\/\s*)?(execution|plan|prompt|final[_ ]?answer|think)(?![a-z])[^<>\n]{0,20}>/i;

/** Normalizes an executor output: cut at the first SPRINT tag (an executor writes plain text), trimmed. */
export function normalizeExecution(raw: string): { text: string; issues: FormatIssue[] } {
  const m = EXEC_DRIFT_RE.exec(raw);
  if (m === null) return { text: raw.trim(), issues: [] };
  const closing = m[1] !== undefined;
  const issues: FormatIssue[] = closing ? [] : [{ code: "executor-drift", message: `the executor wrote ${JSON.stringify(m[0])}; cut there` }];
  return { text: raw.slice(0, m.index).trim(), issues };
}

/** Re-export for callers that build rounds without prompts. */
export { NO_PROMPT_TEXT };
