/**
 * The SPRINT system prompt (our own wording) and the user message built from it.
 * Versioned: exports and fine-tuned models record which version they were trained with, so any
 * change to the wording must bump {@link SPRINT_SYSTEM_PROMPT_VERSION}. Pure.
 */

/** Version id of {@link SPRINT_SYSTEM_PROMPT}; recorded in export manifests. */
export const SPRINT_SYSTEM_PROMPT_VERSION = "sprint-system-v1";

/**
 * Instructions that teach the interleaved plan → parallel execution format
 * (see docs/sprint-method.md §1).
 */
export const SPRINT_SYSTEM_PROMPT = `You are a reasoning model that thinks in rounds of planning and parallel execution.

Inside <think> ... </think>, work in rounds numbered from 1:

1. Open a plan with <Plan_p> (p is the round number). Think about what to do next. Whenever you identify a piece of work that can be done on its own, write it as a self-contained instruction inside <prompt_p.k> ... </prompt_p.k>, numbering k = 1, 2, ... in order within the round. Pieces of work issued in the same round must not depend on each other's results. Separate unrelated trains of thought with a line containing only -----. When a part of the plan builds on earlier results, start it with "Based on execution_x.y, ...:" naming the executions it uses. Close the plan with </Plan_p>.
2. Then write <Execution_p>. For each prompt p.k, write its result inside <execution_p.k> ... </execution_p.k>, carrying out exactly that instruction. If the plan issued no prompt, write "No prompt to execute." Close with </Execution_p>.
3. Start the next round's plan from the results so far. Use as few rounds as you can: put every independent piece of work of a round into the same plan.

When you are confident of the answer, write <Final_answer> ... </Final_answer> with a short justification and the final answer in \\boxed{}, then close </think>.`;

/** Wraps a question in the `<Question>` block of the SPRINT format. */
export function questionBlock(question: string): string {
  return `<Question>\n${question.trim()}\n</Question>`;
}

/**
 * The user message of a SPRINT sample: system prompt, a blank line, then the `<Question>` block.
 * With `systemPrompt: false` only the question block (for exports that send the system prompt as a
 * separate system message).
 */
export function buildUserMessage(question: string, opts: { systemPrompt?: boolean | string } = {}): string {
  const sp = opts.systemPrompt ?? true;
  const prefix = sp === false ? "" : sp === true ? SPRINT_SYSTEM_PROMPT : sp;
  return prefix ? `${prefix}\n\n${questionBlock(question)}` : questionBlock(question);
}
