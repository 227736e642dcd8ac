/**
 * Reports of eval runs: accuracy with a 95% Wilson interval, mean sequential / total tokens, speed-up
 * against a sequential run on the same problems, length-bucket statistics by the baseline's length, paired
 * comparison of two runs (wins/losses, McNemar exact test, paired bootstrap of the sequential-token
 * difference), the paper's reported rows, and CSV/JSON exports. The statistics are the core's
 * (server/sprint/stats.ts); this module only loads rows.
 */
import type { PrismaClient } from "../db/client";
import type { Actor } from "../service-error";
import { comparePaired, lengthBucketStats, pairedBootstrap, wilsonInterval } from "../sprint/stats";
import { EvalError } from "./errors";
import { referenceRowsFor } from "./reference";

/** Per-problem aggregate of a run (mean over its samples). */
export interface ProblemStat {
  problemId: string;
  samples: number;
  /** Correct samples ÷ samples (pass@1 estimate for this problem). */
  correctRate: number;
  /** Sample 0's correctness (paired tests). */
  correct0: boolean;
  sequentialTokens: number;
  totalTokens: number;
}

async function loadRun(db: PrismaClient, actor: Actor, runId: string) {
  const run = await db.evalRun.findFirst({ where: { id: runId, workspaceId: actor.workspaceId }, include: { benchmark: { select: { id: true, name: true, version: true, kind: true } } } });
  if (!run) throw new EvalError("NOT_FOUND", "No such evaluation in this workspace.");
  return run;
}

/** Results of a run grouped by problem. Failed rows count as wrong with no tokens. */
export async function problemStats(db: PrismaClient, runId: string) {
  const rows = await db.evalResult.findMany({
    where: { runId },
    select: { sample: true, status: true, verdict: true, sequentialTokens: true, totalTokens: true, rounds: true, wallMs: true, item: { select: { problemId: true } } },
  });
  const by = new Map<string, typeof rows>();
  for (const r of rows) {
    const list = by.get(r.item.problemId) ?? [];
    list.push(r);
    by.set(r.item.problemId, list);
  }
  const problems = new Map<string, ProblemStat>();
  for (const [pid, list] of by) {
    const done = list.filter((r) => r.status === "done");
    const mean = (f: (r: (typeof list)[number]) => number) => (done.length === 0 ? 0 : done.reduce((s, r) => s + f(r), 0) / done.length);
    problems.set(pid, {
      problemId: pid,
      samples: list.length,
      correctRate: list.filter((r) => r.verdict === "correct").length / list.length,
      correct0: (list.find((r) => r.sample === 0) ?? list[0])?.verdict === "correct",
      sequentialTokens: mean((r) => r.sequentialTokens ?? 0),
      totalTokens: mean((r) => r.totalTokens ?? 0),
    });
  }
  const done = rows.filter((r) => r.status === "done");
  const avg = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);
  const correct = rows.filter((r) => r.verdict === "correct").length;
  return {
    problems,
    summary: {
      samples: rows.length,
      problems: problems.size,
      completed: done.length,
      correct,
      /** pass@1: mean over problems of correct/n. */
      accuracy: problems.size === 0 ? 0 : [...problems.values()].reduce((s, p) => s + p.correctRate, 0) / problems.size,
      /** Wilson 95% over all samples. */
      accuracyCI: wilsonInterval(correct, rows.length),
      undecided: rows.filter((r) => r.verdict === "undecided").length,
      failed: rows.filter((r) => r.status === "failed").length,
      pending: rows.filter((r) => r.status === "pending" || r.status === "running").length,
      meanSequentialTokens: avg(done.map((r) => r.sequentialTokens ?? 0)),
      meanTotalTokens: avg(done.map((r) => r.totalTokens ?? 0)),
      meanRounds: avg(done.filter((r) => r.rounds !== null).map((r) => r.rounds ?? 0)),
      meanWallMs: avg(done.filter((r) => r.wallMs !== null).map((r) => r.wallMs ?? 0)),
    },
  };
}

/** The latest finished sequential run on the same benchmark (the default baseline). */
async function defaultBaseline(db: PrismaClient, workspaceId: string, benchmarkId: string, excludeId: string, modelVersionId: string | null) {
  const candidates = await db.evalRun.findMany({
    where: { workspaceId, benchmarkId, id: { not: excludeId }, status: "succeeded", mode: { in: ["sequential", "imported-sequential"] } },
    orderBy: { createdAt: "desc" },
    take: 20,
    select: { id: true, modelVersionId: true },
  });
  return (modelVersionId ? candidates.find((c) => c.modelVersionId === modelVersionId) : undefined) ?? candidates[0] ?? null;
}

export async function getEvalReport(db: PrismaClient, actor: Actor, input: { runId: string; baselineRunId?: string | null | undefined }) {
  const run = await loadRun(db, actor, input.runId);
  const { problems, summary } = await problemStats(db, run.id);
  const isSequential = run.mode === "sequential" || run.mode === "imported-sequential";
  let baselineId = input.baselineRunId ?? null;
  if (baselineId === null && input.baselineRunId === undefined && !isSequential) baselineId = (await defaultBaseline(db, actor.workspaceId, run.benchmarkId, run.id, run.modelVersionId))?.id ?? null;
  let baseline: { id: string; name: string; mode: string } | null = null;
  let speedup = null;
  let basePs: Map<string, ProblemStat> | null = null;
  if (baselineId) {
    const b = await loadRun(db, actor, baselineId);
    if (b.benchmarkId !== run.benchmarkId) throw new EvalError("BAD_REQUEST", "The baseline ran on a different benchmark.");
    baseline = { id: b.id, name: b.name, mode: b.mode };
    basePs = (await problemStats(db, b.id)).problems;
    const common = [...problems.keys()].filter((k) => basePs!.has(k));
    const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length);
    const seq = mean(common.map((k) => problems.get(k)!.sequentialTokens));
    const baseSeq = mean(common.map((k) => basePs!.get(k)!.sequentialTokens));
    speedup = {
      common: common.length,
      meanSequentialTokens: seq,
      baselineMeanSequentialTokens: baseSeq,
      /** baseline ÷ run: 1.5 = the run needs 1.5× fewer sequential tokens. */
      ratio: seq > 0 ? baseSeq / seq : null,
      /** 1 − run ÷ baseline. */
      reduction: baseSeq > 0 ? 1 - seq / baseSeq : null,
      baselineAccuracy: common.length === 0 ? null : mean(common.map((k) => basePs!.get(k)!.correctRate)),
    };
  }
  // Buckets by the baseline's length (the run's own length when it is the sequential run).
  const lengthOf = basePs ?? (isSequential ? problems : null);
  const buckets = lengthOf
    ? lengthBucketStats(
        [...problems.values()]
          .filter((p) => lengthOf.has(p.problemId))
          .map((p) => {
            const b = lengthOf.get(p.problemId)!;
            return { baselineTokens: b.sequentialTokens, baselineCorrect: basePs ? b.correctRate >= 0.5 : undefined, sequentialTokens: p.sequentialTokens, totalTokens: p.totalTokens, correct: p.correctRate >= 0.5 };
          })
          .map(({ baselineCorrect, ...rest }) => (baselineCorrect === undefined ? rest : { ...rest, baselineCorrect })),
      )
    : null;
  return {
    run: { id: run.id, name: run.name, mode: run.mode, source: run.source, status: run.status, error: run.error, model: run.model, samples: run.samples, params: run.params, total: run.total, done: run.done, failed: run.failed, createdAt: run.createdAt, finishedAt: run.finishedAt },
    benchmark: run.benchmark,
    summary,
    baseline,
    speedup,
    buckets,
    bucketsBy: basePs ? "baseline" : isSequential ? "self" : null,
    reference: referenceRowsFor(run.benchmark.kind),
  };
}

/** Paired comparison of two runs on the problems they share (sample 0 for accuracy, mean over samples for tokens). */
export async function compareEvalRuns(db: PrismaClient, actor: Actor, input: { runA: string; runB: string; seed?: string | undefined }) {
  const [a, b] = await Promise.all([loadRun(db, actor, input.runA), loadRun(db, actor, input.runB)]);
  if (a.benchmarkId !== b.benchmarkId) throw new EvalError("BAD_REQUEST", "Both runs must use the same benchmark version.");
  const [pa, pb] = await Promise.all([problemStats(db, a.id), problemStats(db, b.id)]);
  const toMap = (m: Map<string, ProblemStat>) => new Map([...m].map(([k, v]) => [k, { correct: v.correct0, sequentialTokens: v.sequentialTokens }]));
  const seed = input.seed ?? `${a.id}/${b.id}`;
  const c = comparePaired(toMap(pa.problems), toMap(pb.problems), { seed });
  const common = [...pa.problems.keys()].filter((k) => pb.problems.has(k)).sort();
  const totalDiff = pairedBootstrap(common.map((k) => pa.problems.get(k)!.totalTokens), common.map((k) => pb.problems.get(k)!.totalTokens), { seed });
  const perProblem = common.map((k) => {
    const x = pa.problems.get(k)!;
    const y = pb.problems.get(k)!;
    return { problemId: k, a: x.correct0, b: y.correct0, aSequentialTokens: x.sequentialTokens, bSequentialTokens: y.sequentialTokens };
  });
  return {
    a: { id: a.id, name: a.name, mode: a.mode, accuracy: pa.summary.accuracy, meanSequentialTokens: pa.summary.meanSequentialTokens },
    b: { id: b.id, name: b.name, mode: b.mode, accuracy: pb.summary.accuracy, meanSequentialTokens: pb.summary.meanSequentialTokens },
    ...c,
    totalTokenDiff: totalDiff,
    perProblem: perProblem.slice(0, 2000),
  };
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The run's per-sample results as CSV or JSON (with the report's summary). */
export async function exportEvalRun(db: PrismaClient, actor: Actor, input: { runId: string; format: "csv" | "json" }) {
  const report = await getEvalReport(db, actor, { runId: input.runId });
  const rows = await db.evalResult.findMany({
    where: { runId: input.runId },
    orderBy: [{ item: { idx: "asc" } }, { sample: "asc" }],
    select: { sample: true, status: true, verdict: true, autoVerdict: true, reason: true, extracted: true, format: true, sequentialTokens: true, totalTokens: true, rounds: true, wallMs: true, error: true, item: { select: { problemId: true, answer: true } } },
  });
  const flat = rows.map((r) => ({
    problem_id: r.item.problemId,
    sample: r.sample,
    status: r.status,
    verdict: r.verdict,
    auto_verdict: r.autoVerdict,
    reason: r.reason,
    extracted: r.extracted,
    gold: r.item.answer,
    format: r.format,
    sequential_tokens: r.sequentialTokens,
    total_tokens: r.totalTokens,
    rounds: r.rounds,
    wall_ms: r.wallMs,
    error: r.error,
  }));
  const base = report.run.name.replace(/[^\w.-]+/g, "_").slice(0, 80);
  if (input.format === "json") return { fileName: `${base}.json`, mime: "application/json", content: JSON.stringify({ run: report.run, benchmark: report.benchmark, summary: report.summary, speedup: report.speedup, buckets: report.buckets, items: flat }, null, 2) };
  const cols = Object.keys(flat[0] ?? { problem_id: "" });
  const lines = [cols.join(","), ...flat.map((r) => cols.map((c) => csvCell((r as Record<string, unknown>)[c])).join(","))];
  return { fileName: `${base}.csv`, mime: "text/csv", content: `${lines.join("\n")}\n` };
}
