/**
 * The LLM curation backend: the method's two LLM steps (docs/sprint-method.md §2.1 step extraction, §2.2
 * DAG construction) against any OpenAI-compatible chat endpoint. Each step renders its template, asks
 * once at temperature 0, parses the answer (parse.ts), repairs the structure where real extractions
 * go wrong (repair.ts; each repair is returned and stored on the trajectory) and, only when the answer
 * is unusable (not JSON, wrong shape, a structure beyond repair, a parent after its child), asks
 * exactly once more with the first answer's problem stated in the user message; a second unusable
 * answer fails the step with both reasons recorded. The two prompts (templates.ts) are the project's
 * own wording of the method's two prompts, not the authors' text. Transport failures are retried by the
 * client (client.ts) and are not counted as answer retries.
 */
import type { CurationBackend, CurationInput, DagResult, ExtractResult } from "../types";
import { CurationBackendError } from "../types";
import type { Step } from "../../sprint/steps";
import { ChatClient, type ChatClientOptions, type ChatMessage, type TokenUsage } from "./client";
import { LlmAnswerError, parseDagAnswer, parseExtractionAnswer } from "./parse";
import {
  DEFAULT_TEMPLATES,
  RETRY_NOTE,
  checkTemplate,
  renderTemplate,
  type PromptTemplate,
  type PromptTemplates,
} from "./templates";

/** The chat client's options (endpoint, key, model, timeouts, retries, …) plus the two prompt templates. */
export interface LlmBackendOptions extends ChatClientOptions {
  /** Override either template (validated on creation). */
  templates?: Partial<PromptTemplates>;
}

export interface LlmBackend extends CurationBackend {
  readonly client: ChatClient;
  readonly templates: Readonly<PromptTemplates>;
}

/** One line per source line, `L1: …`; line breaks inside a line are flattened so numbering stays unambiguous. */
export function numberLines(lines: readonly string[]): string {
  return lines.map((line, i) => `L${i + 1}: ${line.replace(/\s*\r?\n\s*/g, " ")}`).join("\n");
}

const span = (r: readonly [number, number]): string => (r[0] === r[1] ? `L${r[0]}` : `L${r[0]}–L${r[1]}`);

/** The components as the DAG prompt shows them: number, description, then each part with its lines. */
export function describeComponents(steps: readonly Step[]): string {
  return steps
    .map((s) => {
      const out = [`Component ${s.id}: ${s.description?.trim() || "(no description)"}`];
      const flat = (t: string) => t.replace(/\s*\r?\n\s*/g, " ").trim();
      if (s.plan.trim() !== "") out.push(`  Plan${s.planLines ? ` (${span(s.planLines)})` : ""}: ${flat(s.plan)}`);
      if (s.execution !== undefined && s.execution.trim() !== "") {
        if (s.prompt?.trim()) out.push(`  Prompt: ${flat(s.prompt)}`);
        out.push(`  Execution${s.executionLines ? ` (${span(s.executionLines)})` : ""}: ${flat(s.execution)}`);
      }
      if (s.comment !== undefined && s.comment.trim() !== "") {
        out.push(`  Comment${s.commentLines ? ` (${span(s.commentLines)})` : ""}: ${flat(s.comment)}`);
      }
      return out.join("\n");
    })
    .join("\n\n");
}

function messagesFor(template: PromptTemplate, vars: Record<string, string | number>, retryError?: string): ChatMessage[] {
  let user = renderTemplate(template.user, vars);
  if (retryError !== undefined) user += `\n\n${renderTemplate(RETRY_NOTE, { error: retryError })}`;
  const system = renderTemplate(template.system, vars);
  return system.trim() === "" ? [{ role: "user", content: user }] : [{ role: "system", content: system }, { role: "user", content: user }];
}

const addUsage = (a: TokenUsage, b: TokenUsage): TokenUsage => ({
  promptTokens: a.promptTokens + b.promptTokens,
  completionTokens: a.completionTokens + b.completionTokens,
});

/** An answer error that also carries the tokens spent on the failed step. */
export class LlmStepError extends LlmAnswerError {
  constructor(
    message: string,
    code: "malformed" | "invalid",
    issues: LlmAnswerError["issues"],
    readonly attempts: readonly { message: string; answer?: string }[],
    readonly usage: TokenUsage,
  ) {
    super(message, code, issues, attempts[attempts.length - 1]?.answer);
    this.name = "LlmStepError";
  }
}

/**
 * Ask, parse, and on an unusable answer ask once more (stating why). `what` names the step in
 * messages ("step extraction", "DAG construction").
 */
async function askTwice<T>(
  client: ChatClient,
  what: string,
  template: PromptTemplate,
  vars: Record<string, string | number>,
  parse: (answer: string) => T & { notes: string[] },
  signal: AbortSignal | undefined,
): Promise<{ value: T & { notes: string[] }; notes: string[]; usage: TokenUsage }> {
  let usage: TokenUsage = { promptTokens: 0, completionTokens: 0 };
  const failures: LlmAnswerError[] = [];
  for (let attempt = 1; attempt <= 2; attempt++) {
    const first = failures[0];
    const res = await client.complete(messagesFor(template, vars, first?.message), signal ? { signal } : {});
    usage = addUsage(usage, res.usage);
    try {
      if (res.finishReason === "length") {
        throw LlmAnswerError.of(
          "malformed",
          [{ code: "not-json", message: `the answer was cut off at the token limit (finish_reason "length") after ${res.usage.completionTokens || "?"} tokens` }],
          res.content,
        );
      }
      const value = parse(res.content);
      const notes = [...value.notes];
      if (first) notes.unshift(`${what}: the first answer was rejected (${first.message}); the second was accepted`);
      if (res.requests > 1) notes.push(`${what}: the request needed ${res.requests} attempts`);
      return { value, notes, usage };
    } catch (err) {
      if (!(err instanceof LlmAnswerError)) throw err;
      failures.push(err);
    }
  }
  const [a, b] = failures as [LlmAnswerError, LlmAnswerError];
  throw new LlmStepError(
    `${what} failed: the answer was unusable twice — first answer: ${a.message}; second answer: ${b.message}`,
    b.code === "invalid" ? "invalid" : "malformed",
    b.issues,
    failures.map((f) => ({ message: f.message, ...(f.answer === undefined ? {} : { answer: f.answer }) })),
    usage,
  );
}

/** Creates the LLM backend. Throws (a plain Error / TemplateError) on a bad configuration. */
export function createLlmBackend(opts: LlmBackendOptions): LlmBackend {
  const templates: PromptTemplates = {
    extract: checkTemplate(opts.templates?.extract ?? DEFAULT_TEMPLATES.extract, "extract"),
    dag: checkTemplate(opts.templates?.dag ?? DEFAULT_TEMPLATES.dag, "dag"),
  };
  const { templates: _templates, ...clientOptions } = opts;
  const client = new ChatClient(clientOptions);

  return {
    name: "llm",
    client,
    templates,

    async extractSteps(input: CurationInput, signal?: AbortSignal): Promise<ExtractResult> {
      if (input.lines.length === 0) {
        throw new CurationBackendError("step extraction: the trace has no lines", "invalid", false);
      }
      const vars = {
        question: input.question.trim(),
        numbered_lines: numberLines(input.lines),
        line_count: input.lines.length,
      };
      const { value, notes, usage } = await askTwice(
        client,
        "step extraction",
        templates.extract,
        vars,
        (answer) => parseExtractionAnswer(answer, input.lines),
        signal,
      );
      return { steps: value.steps, notes, repairs: value.repairs, usage };
    },

    async buildDag(input: CurationInput, steps: Step[], signal?: AbortSignal): Promise<DagResult> {
      if (steps.length === 0) {
        throw new CurationBackendError("DAG construction: there are no steps", "invalid", false);
      }
      if (steps.length === 1) {
        // Nothing to ask: a single step has no parents.
        return { dag: { [(steps[0] as Step).id]: [] }, notes: ["DAG construction: one step, no request made"], usage: { promptTokens: 0, completionTokens: 0 } };
      }
      const vars = {
        question: input.question.trim(),
        components: describeComponents(steps),
        step_count: steps.length,
        line_count: input.lines.length,
      };
      const { value, notes, usage } = await askTwice(
        client,
        "DAG construction",
        templates.dag,
        vars,
        (answer) => parseDagAnswer(answer, steps),
        signal,
      );
      return { dag: value.dag, notes, repairs: value.repairs, usage };
    },
  };
}
