/**
 * What the model registry's promotion gate reads: for a model version, its latest finished SPRINT-mode eval
 * (optionally on one benchmark) against the latest finished sequential run on the same benchmark.
 */
import type { PrismaClient } from "../db/client";
import { problemStats } from "./report";

export interface EvalSummaryForModelVersion {
  runId: string;
  benchmarkId: string;
  baselineRunId: string | null;
  /** pass@1 of the SPRINT run. */
  accuracy: number;
  /** pass@1 of the sequential baseline on the same problems (null without a baseline). */
  baselineAccuracy: number | null;
  /** 1 − mean sequential tokens of the run ÷ the baseline's, on common problems (0.39 = 39% fewer). */
  sequentialTokenReduction: number | null;
  problems: number;
  undecided: number;
  finishedAt: Date | null;
}

/**
 * The eval summary of a model version, or null when it has no finished SPRINT-mode eval. The baseline is
 * `opts.baselineRunId`, else the latest finished sequential run on the same benchmark (the same model version's
 * first, then any).
 */
export async function getEvalSummaryForModelVersion(
  db: PrismaClient,
  workspaceId: string,
  modelVersionId: string,
  opts: { benchmarkId?: string; baselineRunId?: string } = {},
): Promise<EvalSummaryForModelVersion | null> {
  const run = await db.evalRun.findFirst({
    where: { workspaceId, modelVersionId, status: "succeeded", mode: { in: ["sprint-eager", "sprint-round-sync"] }, ...(opts.benchmarkId ? { benchmarkId: opts.benchmarkId } : {}) },
    orderBy: { finishedAt: "desc" },
  });
  if (!run) return null;
  let baselineId = opts.baselineRunId ?? null;
  if (!baselineId) {
    const seqs = await db.evalRun.findMany({
      where: { workspaceId, benchmarkId: run.benchmarkId, status: "succeeded", mode: { in: ["sequential", "imported-sequential"] } },
      orderBy: { finishedAt: "desc" },
      take: 20,
      select: { id: true, modelVersionId: true },
    });
    baselineId = (seqs.find((s) => s.modelVersionId === modelVersionId) ?? seqs[0])?.id ?? null;
  }
  const mine = await problemStats(db, run.id);
  let baselineAccuracy: number | null = null;
  let reduction: number | null = null;
  if (baselineId) {
    const base = await problemStats(db, baselineId);
    const common = [...mine.problems.keys()].filter((k) => base.problems.has(k));
    if (common.length > 0) {
      const mean = (f: (k: string) => number) => common.reduce((s, k) => s + f(k), 0) / common.length;
      baselineAccuracy = mean((k) => base.problems.get(k)!.correctRate);
      const seq = mean((k) => mine.problems.get(k)!.sequentialTokens);
      const baseSeq = mean((k) => base.problems.get(k)!.sequentialTokens);
      reduction = baseSeq > 0 ? 1 - seq / baseSeq : null;
    }
  }
  return {
    runId: run.id,
    benchmarkId: run.benchmarkId,
    baselineRunId: baselineId,
    accuracy: mine.summary.accuracy,
    baselineAccuracy,
    sequentialTokenReduction: reduction,
    problems: mine.summary.problems,
    undecided: mine.summary.undecided,
    finishedAt: run.finishedAt,
  };
}
