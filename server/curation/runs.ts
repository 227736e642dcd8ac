/**
 * Curation runs: a dataset (or a selection of its traces) × a frozen pipeline config. Creating a run writes
 * one `pending` CuratedTrajectory row per selected trace (unique per run and trace, so a resumed run never
 * duplicates results), one `curation-run` Task (the run's user-visible progress; it has no job of its own)
 * and then one `curation-trace` item job per row, in batches. Workers curate the rows
 * (./jobs/curation-trace.ts) and the last one finalizes the run and its Task.
 */
import type { PrismaClient, Prisma } from "../db/client";
import { cancelItems, cancelTask, createTask, enqueueItems } from "../jobs/queue";
import { CURATION_TRACE_KIND, curationTraceJob, type CurationTraceInput } from "./jobs/curation-trace";
import { curationRunJob } from "./jobs/curation-run";
import { z } from "zod";
import { recordAudit } from "../audit";
import { ServiceError, requireRole, type Actor } from "../service-error";
import { describeConfigRules, pipelineConfigSchema, resolvePreset, traceSelectionSchema, type PipelineConfigInput, type TraceSelection } from "./config";
import { assertBackendUsable } from "./backends";
import { currentTemplates } from "./templates";
import { datasetIn } from "./datasets";

export class EmptySelectionError extends Error {}

const PAGE = 1000;

export async function createCurationRun(
  db: PrismaClient,
  args: { workspaceId: string; datasetId: string; userId: string; config: PipelineConfigInput; selection?: TraceSelection },
) {
  const config = resolvePreset(pipelineConfigSchema.parse(args.config));
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
  let run = await db.curationRun.create({
    data: { datasetId: args.datasetId, createdById: args.userId, config, configVersion: config.version, total, status: "queued" },
  });
  // 1. Pending rows in pages (never all trace ids in memory for huge datasets). All rows exist before any
  //    job does, so the run cannot look finished while rows are still being written.
  let cursor: string | undefined;
  for (;;) {
    const page = await db.trace.findMany({
      where: { ...where, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: "asc" },
      take: PAGE,
      select: { id: true },
    });
    if (page.length === 0) break;
    await db.curatedTrajectory.createMany({
      data: page.map((t) => ({ datasetId: args.datasetId, traceId: t.id, runId: run.id, steps: [], dagEdges: {}, stages: {} })),
      skipDuplicates: true,
    });
    cursor = page[page.length - 1]!.id;
    if (page.length < PAGE) break;
  }
  // Traces imported or deleted meanwhile: the rows are the truth.
  const rows = await db.curatedTrajectory.count({ where: { runId: run.id } });
  if (rows !== total) run = await db.curationRun.update({ where: { id: run.id }, data: { total: rows } });
  if (rows === 0) {
    await db.curationRun.delete({ where: { id: run.id } });
    throw new EmptySelectionError("No traces match this selection. Import traces first, or widen the filters.");
  }

  // 2. The run's Task (progress for the UI), then 3. one item job per row.
  const task = await createTask({
    kind: curationRunJob,
    workspaceId: args.workspaceId,
    createdById: args.userId,
    input: { runId: run.id },
    message: `Queued: ${rows} traces`,
  });
  try {
    let after: string | undefined;
    for (;;) {
      const page = await db.curatedTrajectory.findMany({
        where: { runId: run.id, ...(after ? { id: { gt: after } } : {}) },
        orderBy: { id: "asc" },
        take: PAGE,
        select: { id: true },
      });
      if (page.length === 0) break;
      const items: CurationTraceInput[] = page.map((r) => ({ runId: run.id, rowId: r.id, taskId: task.id }));
      await enqueueItems(curationTraceJob, items, { retryLimit: config.maxAttempts - 1 });
      after = page[page.length - 1]!.id;
      if (page.length < PAGE) break;
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const now = new Date();
    // Items of the first pages may already be running: the run is queued or running here.
    await db.curationRun.updateMany({ where: { id: run.id, status: { in: ["queued", "running"] } }, data: { status: "failed", finishedAt: now } }).catch(() => undefined);
    await db.curatedTrajectory.updateMany({ where: { runId: run.id, curationStatus: "running" }, data: { curationStatus: "pending" } }).catch(() => undefined);
    await db.task
      .updateMany({ where: { id: task.id, status: { in: ["queued", "running"] } }, data: { status: "failed", error: `Could not enqueue: ${message}`, finishedAt: now } })
      .catch(() => undefined);
    await cancelItems(CURATION_TRACE_KIND, { runId: run.id }).catch(() => undefined);
    throw err;
  }
  return { run, taskId: task.id };
}

/** The run's Task (the latest `curation-run` task whose input names it), or null. */
export async function runTask(db: PrismaClient, runId: string) {
  return db.task.findFirst({ where: { kind: "curation-run", input: { path: ["runId"], equals: runId } }, orderBy: { createdAt: "desc" } });
}

/**
 * Cancels a queued or running run: the run and its Task become cancelled, its queued trace jobs are
 * cancelled in bulk, and rows being curated go back to pending (a result that arrives later is dropped).
 * Curated rows stay; the rest stay pending ("not curated"). A finished run is left as it is.
 *
 * @returns whether the run was active (and is now cancelled).
 */
export async function cancelCurationRun(db: PrismaClient, runId: string, opts: { workspaceId?: string } = {}): Promise<boolean> {
  const { count } = await db.curationRun.updateMany({
    where: { id: runId, status: { in: ["queued", "running"] }, ...(opts.workspaceId ? { dataset: { workspaceId: opts.workspaceId } } : {}) },
    data: { status: "cancelled", finishedAt: new Date() },
  });
  const task = await runTask(db, runId);
  if (task) await cancelTask(task.id, opts.workspaceId ? { workspaceId: opts.workspaceId } : {});
  if (count === 0) return false;
  await cancelItems(CURATION_TRACE_KIND, { runId });
  await db.curatedTrajectory.updateMany({ where: { runId, curationStatus: "running" }, data: { curationStatus: "pending" } });
  return true;
}

export const REDUCTION_BINS = [-1, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1] as const;

function rulesOf(raw: unknown): { preset: string; text: string; backend: string; estimate: boolean } | null {
  const parsed = pipelineConfigSchema.safeParse(raw);
  if (!parsed.success) return null;
  return { ...describeConfigRules(parsed.data), backend: parsed.data.backend, estimate: parsed.data.backend === "heuristic" };
}

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
    /** The run's folding/filter rules in words, with its preset (for the run details). */
    rules: rulesOf(run.config),
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

// ───────────────────────────── service interface (router) ─────────────────────────────

export const startRunInput = z.object({ datasetId: z.string(), config: pipelineConfigSchema.partial().default({}), selection: traceSelectionSchema.optional() });
export const runsOfDatasetInput = z.object({ datasetId: z.string() });
export const runIdInput = z.object({ runId: z.string() });

async function runIn(db: PrismaClient, actor: Actor, runId: string) {
  const run = await db.curationRun.findFirst({ where: { id: runId, dataset: { workspaceId: actor.workspaceId } }, select: { id: true } });
  if (!run) throw new ServiceError("NOT_FOUND", "No such curation run in this workspace.");
  return run;
}

/** Starts a curation run over a dataset (or a selection of its traces). */
export async function startCuration(db: PrismaClient, actor: Actor, input: z.output<typeof startRunInput>) {
  requireRole(actor, "curator");
  await datasetIn(db, actor, input.datasetId);
  const config = pipelineConfigSchema.parse(input.config);
  if (config.backend === "llm" && !config.templates) config.templates = await currentTemplates(db, actor.workspaceId);
  await assertBackendUsable(config, actor.workspaceId);
  try {
    const { run, taskId } = await createCurationRun(db, { workspaceId: actor.workspaceId, datasetId: input.datasetId, userId: actor.userId, config, selection: input.selection });
    await recordAudit(db, actor, "curation.start", { type: "curationRun", id: run.id }, { datasetId: input.datasetId, backend: config.backend });
    return { runId: run.id, taskId, total: run.total };
  } catch (err) {
    if (err instanceof EmptySelectionError) throw new ServiceError("BAD_REQUEST", err.message);
    throw err;
  }
}

export async function listCurationRuns(db: PrismaClient, actor: Actor, input: z.infer<typeof runsOfDatasetInput>) {
  await datasetIn(db, actor, input.datasetId);
  return db.curationRun.findMany({
    where: { datasetId: input.datasetId },
    orderBy: { createdAt: "desc" },
    take: 50,
    select: { id: true, status: true, total: true, kept: true, filtered: true, failed: true, createdAt: true, startedAt: true, finishedAt: true, config: true },
  });
}

export async function getCurationRun(db: PrismaClient, actor: Actor, input: z.infer<typeof runIdInput>) {
  await runIn(db, actor, input.runId);
  return runSummary(db, input.runId);
}

export async function cancelCuration(db: PrismaClient, actor: Actor, input: z.infer<typeof runIdInput>) {
  requireRole(actor, "curator");
  await runIn(db, actor, input.runId);
  await cancelCurationRun(db, input.runId, { workspaceId: actor.workspaceId });
  await recordAudit(db, actor, "curation.cancel", { type: "curationRun", id: input.runId });
  return { ok: true };
}
