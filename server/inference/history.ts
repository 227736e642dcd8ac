/** Reads of playground runs: one run, its events, the run history, the playground's options; and reaping runs whose process died. */
import { z } from "zod";
import type { PrismaClient } from "../db/client";
import { Prisma } from "../db/generated/client";
import { hasRole } from "../auth/roles";
import type { Actor } from "../service-error";
import { sequentialParamsSchema, sprintParamsSchema } from "./orchestrator/params";
import type { InferenceEvent } from "./orchestrator/events";


import { InferenceError, LOCAL_ENDPOINT_ID, idSchema } from "./errors";
import { isActiveHere } from "./live";

export const eventsInput = z.object({ runId: idSchema, afterSeq: z.number().int().min(-1).default(-1) });
export const listRunsInput = z.object({ search: z.string().trim().max(200).optional(), mine: z.boolean().optional(), cursor: z.number().int().min(0).nullish(), limit: z.number().int().min(1).max(200).default(50) });

// ───────────────────────────── reads ─────────────────────────────

const STALE_MS = 2 * 60_000;

/** Marks a run "running" here in the database but not in any live channel of this process, and silent for a while, as interrupted. */
export async function reapIfOrphaned(db: PrismaClient, run: { id: string; status: string; createdAt: Date }) {
  if (run.status !== "running" || isActiveHere(run.id)) return false;
  const last = await db.inferenceEvent.findFirst({ where: { runId: run.id }, orderBy: { seq: "desc" }, select: { at: true } });
  const lastAt = (last?.at ?? run.createdAt).getTime();
  if (Date.now() - lastAt < STALE_MS) return false;
  await db.inferenceRun.updateMany({
    where: { id: run.id, status: "running" },
    data: { status: "failed", finishedAt: new Date(), metrics: { error: "Interrupted: the server that ran it stopped before it finished." } },
  });
  return true;
}

const runSelect = {
  id: true,
  workspaceId: true,
  question: true,
  mode: true,
  schedule: true,
  status: true,
  finalAnswer: true,
  metrics: true,
  params: true,
  createdAt: true,
  finishedAt: true,
  compareGroup: true,
  createdById: true,
  endpoint: { select: { name: true, model: true } },
} satisfies Prisma.InferenceRunSelect;

type RunRow = Prisma.InferenceRunGetPayload<{ select: typeof runSelect }>;

async function shapeRun(db: PrismaClient, run: RunRow) {
  const [creator, sibling] = await Promise.all([
    run.createdById ? db.user.findUnique({ where: { id: run.createdById }, select: { name: true, email: true } }) : null,
    run.compareGroup && run.mode === "sprint"
      ? db.inferenceRun.findFirst({ where: { compareGroup: run.compareGroup, mode: "sequential" }, select: { id: true } })
      : null,
  ]);
  const m = run.metrics as { error?: string | null } | null;
  const p = run.params as { engine?: { name: string; model: string } } | null;
  return {
    id: run.id,
    question: run.question,
    mode: run.mode as "sprint" | "sequential",
    schedule: run.schedule as "round-sync" | "eager" | null,
    status: run.status,
    finalAnswer: run.finalAnswer,
    metrics: run.metrics as Record<string, unknown> | null,
    params: run.params as Record<string, unknown> | null,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    compareGroup: run.compareGroup,
    baselineRunId: sibling?.id ?? null,
    endpoint: run.endpoint ?? p?.engine ?? null,
    createdBy: creator ? (creator.name ?? creator.email) : null,
    createdById: run.createdById,
    error: m?.error ?? null,
  };
}

export type RunView = Awaited<ReturnType<typeof shapeRun>>;

export async function getRun(db: PrismaClient, actor: Actor, runId: string) {
  let run = await db.inferenceRun.findFirst({ where: { id: runId, workspaceId: actor.workspaceId }, select: runSelect });
  if (!run) throw new InferenceError("NOT_FOUND", "No such run in this workspace.");
  if (await reapIfOrphaned(db, run)) run = (await db.inferenceRun.findUnique({ where: { id: runId }, select: runSelect }))!;
  const view = await shapeRun(db, run);
  return { ...view, canCancel: run.status === "running" && (run.createdById === actor.userId || hasRole(actor.role, "curator")) };
}

/** A run's id and workspace (for the SSE route's membership gate), or null. */
export async function findRun(db: PrismaClient, runId: string) {
  return db.inferenceRun.findUnique({ where: { id: runId }, select: { id: true, workspaceId: true } });
}

/** Persisted events after `afterSeq`, and whether the run is over (no more will come). */
export async function runEvents(db: PrismaClient, runId: string, afterSeq: number, limit = 5000) {
  // Status first: a run's events are all written before its status changes, so a finished status read
  // before the events guarantees the events read after it are complete.
  const run = await db.inferenceRun.findUnique({ where: { id: runId }, select: { status: true } });
  const rows = await db.inferenceEvent.findMany({ where: { runId, seq: { gt: afterSeq } }, orderBy: { seq: "asc" }, take: limit, select: { payload: true } });
  const events = rows.map((r) => r.payload as unknown as InferenceEvent);
  const done = run?.status !== "running" && rows.length < limit;
  return { events, done };
}

export async function eventsFor(db: PrismaClient, actor: Actor, input: { runId: string; afterSeq: number }) {
  const run = await db.inferenceRun.findFirst({ where: { id: input.runId, workspaceId: actor.workspaceId }, select: { id: true, status: true, createdAt: true } });
  if (!run) throw new InferenceError("NOT_FOUND", "No such run in this workspace.");
  await reapIfOrphaned(db, run);
  return runEvents(db, run.id, input.afterSeq);
}

export async function listRuns(db: PrismaClient, actor: Actor, input: { search?: string | undefined; mine?: boolean | undefined; cursor?: number | null | undefined; limit: number }) {
  const where: Prisma.InferenceRunWhereInput = {
    workspaceId: actor.workspaceId,
    OR: [{ mode: "sprint" }, { compareGroup: null }],
    ...(input.mine ? { createdById: actor.userId } : {}),
    ...(input.search ? { question: { contains: input.search, mode: "insensitive" } } : {}),
  };
  const [rows, total] = await Promise.all([
    db.inferenceRun.findMany({ where, orderBy: { createdAt: "desc" }, skip: input.cursor ?? 0, take: input.limit, select: runSelect }),
    db.inferenceRun.count({ where }),
  ]);
  const views = await Promise.all(rows.map((r) => shapeRun(db, r)));
  return {
    total,
    rows: views.map((v) => {
      const m = (v.metrics ?? {}) as { sequentialTokens?: number; wallMs?: number };
      return { id: v.id, question: v.question.slice(0, 300), mode: v.mode, schedule: v.schedule, status: v.status, createdAt: v.createdAt, createdBy: v.createdBy, sequentialTokens: m.sequentialTokens ?? null, wallMs: m.wallMs ?? null, baselineRunId: v.baselineRunId };
    }),
  };
}

/** Endpoints, model versions and datasets the playground can use, with the default parameters. */
export async function playgroundOptions(db: PrismaClient, actor: Actor) {
  const [endpoints, modelVersions, datasets] = await Promise.all([
    db.endpoint.findMany({ where: { workspaceId: actor.workspaceId }, orderBy: { name: "asc" }, select: { id: true, name: true, kind: true, model: true, baseUrl: true } }),
    db.modelVersion.findMany({ where: { workspaceId: actor.workspaceId, endpointId: { not: null } }, orderBy: [{ name: "asc" }, { version: "desc" }], select: { id: true, name: true, version: true, stage: true, endpointId: true } }),
    db.dataset.findMany({ where: { workspaceId: actor.workspaceId }, orderBy: { name: "asc" }, select: { id: true, name: true } }),
  ]);
  const local = process.env.SPRINT_LOCAL_MODEL ? [{ id: LOCAL_ENDPOINT_ID, name: "Local GGUF (SPRINT_LOCAL_MODEL)", kind: "local-gguf", model: process.env.SPRINT_LOCAL_MODEL, baseUrl: null }] : [];
  return {
    endpoints: [...endpoints, ...local],
    modelVersions,
    datasets,
    canRun: hasRole(actor.role, "reviewer"),
    defaults: { sprint: sprintParamsSchema.parse({}), sequential: sequentialParamsSchema.parse({}) },
  };
}

