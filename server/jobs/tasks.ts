/**
 * Tasks as the UI sees them (the tasks tRPC router): always scoped by workspace, so one workspace can never
 * read another's task, even with a guessed id. Domain-free: a task's kind is just its name.
 */
import { z } from "zod";
import { prisma, type PrismaClient } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { recordAudit } from "../audit";
import { ServiceError, requireRole, type Actor } from "../service-error";
import { cancelTask } from "./queue";

/** The Task fields the UI sees (the pg-boss job id stays internal). */
export const taskViewSelect = {
  id: true,
  workspaceId: true,
  createdById: true,
  kind: true,
  status: true,
  progress: true,
  message: true,
  input: true,
  result: true,
  error: true,
  attempts: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  updatedAt: true,
} satisfies Prisma.TaskSelect;

/** A task as the UI sees it. */
export type TaskView = Prisma.TaskGetPayload<{ select: typeof taskViewSelect }>;

const idSchema = z.string().min(1).max(64);

/** The task with this id in this workspace, or null (also null when it belongs to another workspace). */
export async function getTask(workspaceId: string, id: string, db: PrismaClient = prisma): Promise<TaskView | null> {
  const ws = idSchema.parse(workspaceId);
  const taskId = idSchema.safeParse(id);
  if (!taskId.success) return null;
  return db.task.findFirst({ where: { id: taskId.data, workspaceId: ws }, select: taskViewSelect });
}

const listOptionsSchema = z.object({
  limit: z.number().int().min(1).max(100).default(20),
  kind: z.string().min(1).max(64).optional(),
  status: z.enum(["queued", "running", "succeeded", "failed", "cancelled"]).optional(),
});

/** Options of {@link listTasks}. */
export type ListTasksOptions = z.input<typeof listOptionsSchema>;

/** The workspace's most recent tasks, newest first (optionally of one kind / status). */
export async function listTasks(workspaceId: string, opts: ListTasksOptions = {}, db: PrismaClient = prisma): Promise<TaskView[]> {
  const ws = idSchema.parse(workspaceId);
  const o = listOptionsSchema.parse(opts);
  return db.task.findMany({
    where: { workspaceId: ws, ...(o.kind ? { kind: o.kind } : {}), ...(o.status ? { status: o.status } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: o.limit,
    select: taskViewSelect,
  });
}

// ───────────────────────────── service interface (the tasks router) ─────────────────────────────

export const listTasksInput = z.object({ kind: z.string().max(64).optional(), limit: z.number().int().min(1).max(100).default(20) });
export const taskIdInput = z.object({ taskId: z.string() });
export const latestTaskInput = z.object({ kind: z.string().max(64), datasetId: z.string() });

export async function listWorkspaceTasks(db: PrismaClient, actor: Actor, input: z.output<typeof listTasksInput>) {
  return listTasks(actor.workspaceId, { limit: input.limit, kind: input.kind }, db);
}

export async function getWorkspaceTask(db: PrismaClient, actor: Actor, input: z.infer<typeof taskIdInput>) {
  const task = await getTask(actor.workspaceId, input.taskId, db);
  if (!task) throw new ServiceError("NOT_FOUND", "No such task in this workspace.");
  return task;
}

/** The most recent task of a kind whose input names this dataset (drives progress bars on dataset rows), or null. */
export async function latestTaskForDataset(db: PrismaClient, actor: Actor, input: z.infer<typeof latestTaskInput>) {
  return db.task.findFirst({
    where: { workspaceId: actor.workspaceId, kind: input.kind, input: { path: ["datasetId"], equals: input.datasetId } },
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      kind: true,
      status: true,
      progress: true,
      message: true,
      error: true,
      result: true,
      input: true,
      attempts: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
    },
  });
}

export async function cancelWorkspaceTask(db: PrismaClient, actor: Actor, input: z.infer<typeof taskIdInput>) {
  requireRole(actor, "curator");
  const task = await getTask(actor.workspaceId, input.taskId, db);
  if (!task) throw new ServiceError("NOT_FOUND", "No such task in this workspace.");
  await cancelTask(task.id);
  await recordAudit(db, actor, "task.cancel", { type: "task", id: task.id });
  return { ok: true };
}
