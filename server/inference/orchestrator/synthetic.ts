/**
 * A synthetic SPRINT "model" for tests, the HTTP fixture and the benchmark: given a plan spec
 * (rounds × prompts, token lengths) it answers planner and executor prompts the way a fine-tuned
 * model would, deterministically, and computes the ideal critical path of each schedule at a fixed
 * token rate (tokens as `splitTokens` counts them, which is what the scripted engine and the fixture
 * stream).
 */
import { scriptStream } from "../engines/scripted";
import type { CompletionRequest } from "../engines/types";
import { EXECUTOR_STOP, PLANNER_STOP } from "./context";

export interface SyntheticRound {
  /** Words of plan text before each prompt (one entry per prompt), and after the last one. */
  planWords: number[];
  trailingWords: number;
  /** Words of each execution. */
  execWords: number[];
}

export interface SyntheticSpec {
  rounds: SyntheticRound[];
  answer: string;
}

const WORDS = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "theta", "kappa", "lambda", "zeta"];

/** n words (one token each under `splitTokens`), deterministic in `seed`. */
export function words(n: number, seed = 0): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(WORDS[(i + seed) % WORDS.length] as string);
  return out.join(" ");
}

/** A spec with `prompts[i]` prompts in round i+1 and the given word counts. */
export function syntheticSpec(prompts: readonly number[], opts: { planWords?: number; execWords?: number | ((round: number, k: number) => number); trailingWords?: number } = {}): SyntheticSpec {
  const execWords = opts.execWords ?? 40;
  return {
    rounds: prompts.map((n, i) => ({
      planWords: Array.from({ length: n }, () => opts.planWords ?? 12),
      trailingWords: opts.trailingWords ?? 4,
      execWords: Array.from({ length: n }, (_, k) => (typeof execWords === "number" ? execWords : execWords(i + 1, k + 1))),
    })),
    answer: "42",
  };
}

/** The planner's full (unstopped) text for round p of the spec. */
export function plannerText(spec: SyntheticSpec, p: number): string {
  const r = spec.rounds[p - 1];
  if (!r) return `<Final_answer>\nThe tasks combine to \\boxed{${spec.answer}}.\n</Final_answer>\n</think>`;
  const lines: string[] = [];
  r.planWords.forEach((n, i) => {
    if (i > 0) lines.push("-----");
    lines.push(`Step ${i + 1}: ${words(n, p + i)}`);
    lines.push(`<prompt_${p}.${i + 1}> [task ${p}.${i + 1}] work on item ${i + 1} </prompt_${p}.${i + 1}>`);
  });
  if (r.trailingWords > 0) lines.push(`Then ${words(r.trailingWords, p)}`);
  return `<Plan_${p}>\n${lines.join("\n")}\n</Plan_${p}>\n\n<Execution_${p}>\n`;
}

/** The executor's full text for task p.k. */
export function executorText(spec: SyntheticSpec, p: number, k: number): string {
  const n = spec.rounds[p - 1]?.execWords[k - 1] ?? 5;
  return `Result ${p}.${k}: ${words(n, p * 7 + k)}\n</execution_${p}.1>\n`;
}

/** Which call a request is: the planner of round p, the forced answer, or the executor of task p.k. */
export function classifyRequest(req: Pick<CompletionRequest, "prompt">): { role: "planner"; round: number } | { role: "final" } | { role: "executor"; round: number; index: number } {
  const prompt = req.prompt;
  if (prompt.endsWith("<Final_answer>\n")) return { role: "final" };
  const tail = prompt.slice(prompt.lastIndexOf("<Plan_") === -1 ? 0 : prompt.lastIndexOf("<Plan_"));
  if (/<execution_\d+\.\d+>\n$/.test(prompt)) {
    const task = [...tail.matchAll(/\[task (\d+)\.(\d+)\]/g)].at(-1);
    if (!task) throw new Error("synthetic model: executor prompt without a task id");
    return { role: "executor", round: Number(task[1]), index: Number(task[2]) };
  }
  const history = prompt.slice(prompt.lastIndexOf("</Question>"));
  const done = [...history.matchAll(/<\/Execution_\d+>/g)].length;
  return { role: "planner", round: done + 1 };
}

/** The synthetic model as a `respond` function (for ScriptedEngine and the HTTP fixture). */
export function syntheticModel(spec: SyntheticSpec): (req: Pick<CompletionRequest, "prompt">) => string {
  return (req) => {
    const c = classifyRequest(req);
    if (c.role === "final") return `The answer is \\boxed{${spec.answer}}.\n</Final_answer>`;
    if (c.role === "executor") return executorText(spec, c.round, c.index);
    return plannerText(spec, c.round);
  };
}

/** Token counts of the spec as streamed: per round the planner output, the prefix up to each prompt close, and each execution. */
export function specTokens(spec: SyntheticSpec, maxTokens = 1_000_000): { rounds: { plan: number; promptEnds: number[]; execs: number[] }[]; final: number } {
  const rounds = spec.rounds.map((_, i) => {
    const p = i + 1;
    const plan = scriptStream(plannerText(spec, p), maxTokens, PLANNER_STOP);
    const promptEnds: number[] = [];
    let text = "";
    plan.steps.forEach((piece, t) => {
      text += piece;
      const closes = [...text.matchAll(new RegExp(`</prompt_${p}\\.\\d+>`, "g"))].length;
      if (closes > promptEnds.length) promptEnds.push(t + 1);
    });
    const execs = (spec.rounds[i]?.execWords ?? []).map((_, k) => scriptStream(executorText(spec, p, k + 1), maxTokens, EXECUTOR_STOP).steps.length);
    return { plan: plan.steps.length, promptEnds, execs };
  });
  const final = scriptStream(plannerText(spec, spec.rounds.length + 1), maxTokens, PLANNER_STOP).steps.length;
  return { rounds, final };
}

/**
 * Ideal wall time (ms) of a schedule at `msPerToken` per sequence with no overhead: per round,
 * round-sync = plan + max execution; eager = max(plan, max_k(prefix through prompt k + execution k));
 * plus the final answer.
 */
export function idealCriticalPathMs(spec: SyntheticSpec, schedule: "round-sync" | "eager", msPerToken: number): number {
  const t = specTokens(spec);
  let tokens = t.final;
  for (const r of t.rounds) {
    if (schedule === "round-sync") tokens += r.plan + Math.max(0, ...r.execs);
    else tokens += Math.max(r.plan, ...r.execs.map((e, k) => (r.promptEnds[k] ?? r.plan) + e));
  }
  return tokens * msPerToken;
}
