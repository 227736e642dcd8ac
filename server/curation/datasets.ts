/** Datasets of a workspace: list (with counts and token totals), one, create; and the token recount job. */
import { z } from "zod";
import type { PrismaClient } from "../db/client";
import { recordAudit } from "../audit";
import { ServiceError, requireRole, type Actor } from "../service-error";
import { enqueueTask } from "../jobs/queue";
import { recountTokensJob } from "./jobs/recount-tokens";

export const datasetIdInput = z.object({ datasetId: z.string() });
export const createDatasetInput = z.object({ name: z.string().trim().min(1).max(120), description: z.string().trim().max(2000).optional() });

/** The dataset with this id in the actor's workspace; NOT_FOUND otherwise (also when it is another workspace's). */
export async function datasetIn(db: PrismaClient, actor: Actor, datasetId: string) {
  const ds = await db.dataset.findFirst({ where: { id: datasetId, workspaceId: actor.workspaceId }, select: { id: true, name: true } });
  if (!ds) throw new ServiceError("NOT_FOUND", "No such dataset in this workspace.");
  return ds;
}

export async function listDatasets(db: PrismaClient, actor: Actor) {
  const rows = await db.dataset.findMany({
    where: { workspaceId: actor.workspaceId },
    orderBy: { updatedAt: "desc" },
    select: {
      id: true,
      name: true,
      description: true,
      createdAt: true,
      updatedAt: true,
      _count: { select: { traces: true, trajectories: true, snapshots: true } },
      curationRuns: { orderBy: { createdAt: "desc" }, take: 1, select: { id: true, status: true, createdAt: true } },
    },
  });
  const tokenStats = await db.trace.groupBy({
    by: ["datasetId"],
    where: { dataset: { workspaceId: actor.workspaceId } },
    _sum: { reasoningTokens: true },
    _count: { reasoningTokens: true },
  });
  const byId = new Map(tokenStats.map((s) => [s.datasetId, s]));
  return rows.map((d) => ({
    id: d.id,
    name: d.name,
    description: d.description,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    traceCount: d._count.traces,
    trajectoryCount: d._count.trajectories,
    snapshotCount: d._count.snapshots,
    countedTraces: byId.get(d.id)?._count.reasoningTokens ?? 0,
    reasoningTokens: byId.get(d.id)?._sum.reasoningTokens ?? null,
    lastRun: d.curationRuns[0] ?? null,
  }));
}

export async function getDataset(db: PrismaClient, actor: Actor, input: z.infer<typeof datasetIdInput>) {
  const d = await db.dataset.findFirst({
    where: { id: input.datasetId, workspaceId: actor.workspaceId },
    select: { id: true, name: true, description: true, guidelines: true, createdAt: true, _count: { select: { traces: true } } },
  });
  if (!d) throw new ServiceError("NOT_FOUND", "No such dataset in this workspace.");
  return d;
}

export async function createDataset(db: PrismaClient, actor: Actor, input: z.infer<typeof createDatasetInput>) {
  requireRole(actor, "curator");
  const clash = await db.dataset.findUnique({ where: { workspaceId_name: { workspaceId: actor.workspaceId, name: input.name } } });
  if (clash) throw new ServiceError("CONFLICT", `A dataset named "${input.name}" already exists.`);
  const d = await db.dataset.create({
    data: { workspaceId: actor.workspaceId, name: input.name, description: input.description ?? null, createdById: actor.userId },
  });
  await recordAudit(db, actor, "dataset.create", { type: "dataset", id: d.id }, { name: d.name });
  return { id: d.id };
}

/** Recounts the reasoning tokens of every trace of a dataset with the Qwen tokenizer (background `recount-tokens` task). */
export async function recountTokens(db: PrismaClient, actor: Actor, input: z.infer<typeof datasetIdInput>) {
  requireRole(actor, "curator");
  const ds = await datasetIn(db, actor, input.datasetId);
  const task = await enqueueTask({ kind: recountTokensJob, workspaceId: actor.workspaceId, createdById: actor.userId, input: { datasetId: ds.id } });
  await recordAudit(db, actor, "task.enqueue", { type: "task", id: task.id }, { kind: recountTokensJob.kind, datasetId: ds.id });
  return { taskId: task.id };
}
