/**
 * Curation runs: a dataset (or a selection of its traces) × a frozen pipeline config. Creating a run writes
 * one `pending` CuratedTrajectory row per selected trace (unique per run and trace, so a resumed run never
 * duplicates results) and queues one `curation-run` task; the worker curates the pending rows.
 */
import type { PrismaClient, Prisma } from "../db/client";
import { enqueueTask } from "../jobs/queue";
import { pipelineConfigSchema, type PipelineConfigInput, type TraceSelection } from "./config";

export class EmptySelectionError extends Error {}

export async function createCurationRun(
  db: PrismaClient,
  args: { workspaceId: string; datasetId: string; userId: string; config: PipelineConfigInput; selection?: TraceSelection },
) {
  const config = pipelineConfigSchema.parse(args.config);
  const sel = args.selection;
  const where: Prisma.TraceWhereInput = {
    datasetId: args.datasetId,
    ...(sel?.traceIds ? { id: { in: sel.traceIds } } : {}),
    ...(sel?.minTokens !== undefined || sel?.maxTokens !== undefined
      ? { reasoningTokens: { ...(sel.minTokens !== undefined ? { gte: sel.minTokens } : {}), ...(sel.maxTokens !== undefined ? { lte: sel.maxTokens } : {}) } }
      : {}),
    ...(sel?.onlyUncurated ? { trajectories: { none: { curationStatus: "kept" } } } : {}),
  };
  const total = await db.trace.count({ where });
  if (total === 0) throw new EmptySelectionError("No traces match this selection. Import traces first, or widen the filters.");
  const run = await db.curationRun.create({
    data: { datasetId: args.datasetId, createdById: args.userId, config, configVersion: config.version, total, status: "queued" },
  });
  // Pending rows in pages (never all trace ids in memory for huge datasets).
  let cursor: string | undefined;
  for (;;) {
    const page = await db.trace.findMany({
      where: { ...where, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: "asc" },
      take: 1000,
      select: { id: true },
    });
    if (page.length === 0) break;
    await db.curatedTrajectory.createMany({
      data: page.map((t) => ({ datasetId: args.datasetId, traceId: t.id, runId: run.id, steps: [], dagEdges: {}, stages: {} })),
      skipDuplicates: true,
    });
    cursor = page[page.length - 1]!.id;
    if (page.length < 1000) break;
  }
  const task = await enqueueTask({
    kind: "curation-run",
    workspaceId: args.workspaceId,
    createdById: args.userId,
    input: { runId: run.id },
    singletonKey: run.id,
  });
  return { run, taskId: task.id };
}

export const REDUCTION_BINS = [-1, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1] as const;

/** Live summary of a run: per-status counts, throughput and the histogram of predicted reduction. */
export async function runSummary(db: PrismaClient, runId: string) {
  const run = await db.curationRun.findUniqueOrThrow({ where: { id: runId } });
  const groups = await db.curatedTrajectory.groupBy({ by: ["curationStatus"], where: { runId }, _count: { _all: true } });
  const counts = { pending: 0, running: 0, kept: 0, filtered: 0, failed: 0 };
  for (const g of groups) counts[g.curationStatus] = g._count._all;
  const done = counts.kept + counts.filtered + counts.failed;
  const end = run.finishedAt ?? new Date();
  const seconds = run.startedAt ? Math.max(0.001, (end.getTime() - run.startedAt.getTime()) / 1000) : null;
  const rows = await db.$queryRaw<{ bin: number; n: bigint }[]>`
    SELECT width_bucket(((metrics->>'reduction')::float), ${[...REDUCTION_BINS]}::float8[]) AS bin, count(*) AS n
    FROM "CuratedTrajectory"
    WHERE "runId" = ${runId} AND "curationStatus" = 'kept' AND metrics->>'reduction' IS NOT NULL
    GROUP BY 1 ORDER BY 1`;
  const histogram = REDUCTION_BINS.slice(0, -1).map((lo, i) => ({
    from: lo,
    to: REDUCTION_BINS[i + 1]!,
    count: Number(rows.find((r) => Number(r.bin) === i + 1)?.n ?? 0),
  }));
  const task = await db.task.findFirst({
    where: { kind: "curation-run", input: { path: ["runId"], equals: runId } },
    orderBy: { createdAt: "desc" },
    select: { id: true, status: true, progress: true, message: true, error: true },
  });
  return {
    id: run.id,
    datasetId: run.datasetId,
    status: run.status,
    config: run.config,
    total: run.total,
    counts,
    done,
    progress: run.total ? done / run.total : 1,
    tracesPerSecond: seconds && done ? done / seconds : null,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    histogram,
    task,
  };
}
