/**
 * Read helpers for the UI (the tasks tRPC router): always scoped by workspace, so one workspace can never
 * read another's task, even with a guessed id.
 */
import { z } from "zod";
import { prisma } from "../db/client";
import type { Prisma } from "../db/generated/client";

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
export async function getTask(workspaceId: string, id: string): Promise<TaskView | null> {
  const ws = idSchema.parse(workspaceId);
  const taskId = idSchema.safeParse(id);
  if (!taskId.success) return null;
  return prisma.task.findFirst({ where: { id: taskId.data, workspaceId: ws }, select: taskViewSelect });
}

const listOptionsSchema = z.object({
  limit: z.number().int().min(1).max(100).default(20),
  kind: z.string().min(1).max(64).optional(),
  status: z.enum(["queued", "running", "succeeded", "failed", "cancelled"]).optional(),
});

/** Options of {@link listTasks}. */
export type ListTasksOptions = z.input<typeof listOptionsSchema>;

/** The workspace's most recent tasks, newest first (optionally of one kind / status). */
export async function listTasks(workspaceId: string, opts: ListTasksOptions = {}): Promise<TaskView[]> {
  const ws = idSchema.parse(workspaceId);
  const o = listOptionsSchema.parse(opts);
  return prisma.task.findMany({
    where: { workspaceId: ws, ...(o.kind ? { kind: o.kind } : {}), ...(o.status ? { status: o.status } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: o.limit,
    select: taskViewSelect,
  });
}
