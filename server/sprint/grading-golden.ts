/**
 * The golden grading table (fixtures/grading-golden.json): one case = a response (or a predicted answer to
 * box), what it is graded against, and the expected verdict. Shared by its unit test and `npm run bench:grade`
 * (agreement). Pure.
 */
import { z } from "zod";
import { grade, type GradeResult, type GradeTask, type Verdict } from "./grading";

const verdict = z.enum(["correct", "wrong", "undecided"]);
export const goldenCaseSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("math"), question: z.string().optional(), predicted: z.string().optional(), response: z.string().optional(), gold: z.string(), expected: verdict, note: z.string() }),
  z.object({ kind: z.literal("choice"), response: z.string(), gold: z.string(), expected: verdict, note: z.string() }),
  z.object({ kind: z.literal("countdown"), response: z.string(), numbers: z.array(z.number().int()), target: z.number().int(), useAll: z.boolean().optional(), expected: verdict, note: z.string() }),
]);
export type GoldenCase = z.infer<typeof goldenCaseSchema>;
export const goldenTableSchema = z.object({ about: z.string(), cases: z.array(goldenCaseSchema).min(1) });

/** The task and response a golden case grades. */
export function goldenTask(c: GoldenCase): { task: GradeTask; response: string } {
  switch (c.kind) {
    case "math":
      return {
        task: { kind: "math", reference: c.gold, options: c.question !== undefined ? { question: c.question } : {} },
        response: c.response ?? `The answer is $\\boxed{${c.predicted ?? ""}}$.`,
      };
    case "choice":
      return { task: { kind: "multiple-choice", answer: c.gold }, response: c.response };
    case "countdown":
      return { task: { kind: "countdown", numbers: c.numbers, target: c.target, options: c.useAll !== undefined ? { useAll: c.useAll } : {} }, response: c.response };
  }
}

/** Grades one case: the result and whether its verdict is the expected one. */
export function runGoldenCase(c: GoldenCase): { result: GradeResult; expected: Verdict; agrees: boolean } {
  const { task, response } = goldenTask(c);
  const result = grade(task, response);
  return { result, expected: c.expected, agrees: result.verdict === c.expected };
}
