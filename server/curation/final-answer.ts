/**
 * The final answer of a curated trajectory (paper §2.5): the last sentence of the reference solution that
 * contains `\boxed{}`; else a boxed reference answer; else the last boxed sentence of the reasoning itself.
 */
import { splitSentences } from "../sprint/sequential";
import { gradeMath, lastBoxed, type Verdict } from "../sprint/grading";

function lastBoxedSentence(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const sentences = splitSentences(text);
  for (let i = sentences.length - 1; i >= 0; i--) {
    const s = sentences[i]!.text.trim();
    if (s.includes("\\boxed")) return s;
  }
  return undefined;
}

export function finalAnswerFor(trace: {
  referenceSolution?: string | null;
  referenceAnswer?: string | null;
  reasoning?: string | null;
}): string | undefined {
  const fromSolution = lastBoxedSentence(trace.referenceSolution);
  if (fromSolution) return fromSolution;
  const answer = trace.referenceAnswer?.trim();
  if (answer) return answer.includes("\\boxed") ? answer : `The answer is $\\boxed{${answer}}$.`;
  return lastBoxedSentence(trace.reasoning);
}

/**
 * Whether a trace reached its reference answer (the paper curates correct traces only), with the same grader
 * as evaluation (server/sprint/grading.ts): the trace's last `\boxed{}` (else a final "answer:" line) against
 * the reference answer, else the reference solution's last box. null when there is no reference to check.
 */
export function traceAnswerCheck(trace: {
  question?: string | null;
  referenceSolution?: string | null;
  referenceAnswer?: string | null;
  reasoning?: string | null;
}): { verdict: Verdict; extracted: string | null; reference: string } | null {
  const reference = trace.referenceAnswer?.trim() || (trace.referenceSolution ? lastBoxed(trace.referenceSolution) : null);
  if (!reference) return null;
  const r = gradeMath(trace.reasoning ?? "", reference, trace.question ? { question: trace.question } : {});
  return { verdict: r.verdict, extracted: r.extracted, reference };
}
