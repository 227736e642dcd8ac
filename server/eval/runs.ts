/**
 * Engine-backed eval runs: model version (or endpoint) × benchmark × mode × sampling params × n samples.
 * Creating a run freezes its parameters and writes one pending `EvalResult` per problem × sample, then one
 * `eval-item` job per row (jobs/eval-item.ts). Progress is the run's counters; cancelling marks the run
 * cancelled and cancels its queued jobs (running ones finish, their results are dropped).
 */
import type { Prisma, PrismaClient } from "../db/client";
import type { Actor } from "../service-error";
import { recordAudit } from "../audit";
import { cancelItems, enqueueItems } from "../jobs/queue";
import { EvalError, requireRole } from "./errors";
import { resolveTarget } from "./engine";
import { EVAL_ITEM_KIND, evalItemJob } from "./jobs/eval-item";
import { evalParamsSchema, type EvalMode, type EvalParamsInput } from "./params";

export const MAX_EVAL_ITEMS = 50_000;

export interface StartEvalInput {
  benchmarkId: string;
  endpointId?: string | undefined;
  modelVersionId?: string | undefined;
  mode: EvalMode;
  samples?: number | undefined;
  params?: EvalParamsInput | undefined;
  name?: string | undefined;
}

export async function startEvalRun(db: PrismaClient, actor: Actor, input: StartEvalInput) {
  requireRole(actor, "curator", "start evaluations");
  const bench = await db.benchmark.findFirst({ where: { id: input.benchmarkId, workspaceId: actor.workspaceId } });
  if (!bench) throw new EvalError("NOT_FOUND", "No such benchmark in this workspace.");
  const samples = input.samples ?? 1;
  if (!Number.isInteger(samples) || samples < 1 || samples > 64) throw new EvalError("BAD_REQUEST", "Samples per problem must be 1–64.");
  if (bench.itemCount * samples > MAX_EVAL_ITEMS) throw new EvalError("BAD_REQUEST", `At most ${MAX_EVAL_ITEMS} generations per run (${bench.itemCount} problems × ${samples} samples).`);
  const parsed = evalParamsSchema.safeParse(input.params ?? {});
  if (!parsed.success) throw new EvalError("BAD_REQUEST", `Invalid parameters: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const target = await resolveTarget(db, actor.workspaceId, input);
  const items = await db.benchmarkItem.findMany({ where: { benchmarkId: bench.id }, orderBy: { idx: "asc" }, select: { id: true } });
  const run = await db.evalRun.create({
    data: {
      workspaceId: actor.workspaceId,
      benchmarkId: bench.id,
      name: input.name?.trim() || `${bench.name} v${bench.version} · ${input.mode} · ${target.label}`,
      source: "engine",
      mode: input.mode,
      modelVersionId: target.modelVersionId,
      endpointId: target.endpoint.id,
      model: target.label,
      params: parsed.data as Prisma.InputJsonValue,
      samples,
      status: "queued",
      total: items.length * samples,
      createdById: actor.userId,
    },
  });
  const rows = items.flatMap((it) => Array.from({ length: samples }, (_, s) => ({ runId: run.id, itemId: it.id, sample: s })));
  for (let i = 0; i < rows.length; i += 1000) await db.evalResult.createMany({ data: rows.slice(i, i + 1000) });
  const created = await db.evalResult.findMany({ where: { runId: run.id }, select: { id: true }, orderBy: { id: "asc" } });
  await enqueueItems(evalItemJob, created.map((r) => ({ runId: run.id, resultId: r.id })), { retryLimit: Math.max(0, parsed.data.maxAttempts - 1) });
  await recordAudit(db, actor, "eval.run.start", { type: "eval-run", id: run.id }, { benchmarkId: bench.id, mode: input.mode, samples, endpoint: target.label });
  return { runId: run.id };
}

export async function cancelEvalRun(db: PrismaClient, actor: Actor, runId: string) {
  requireRole(actor, "curator", "cancel evaluations");
  const run = await db.evalRun.findFirst({ where: { id: runId, workspaceId: actor.workspaceId } });
  if (!run) throw new EvalError("NOT_FOUND", "No such evaluation in this workspace.");
  const n = await db.evalRun.updateMany({ where: { id: runId, status: { in: ["queued", "running"] } }, data: { status: "cancelled", finishedAt: new Date() } });
  if (n.count === 0) throw new EvalError("BAD_REQUEST", `The evaluation has already ${run.status}.`);
  await cancelItems(EVAL_ITEM_KIND, { runId });
  await db.evalResult.updateMany({ where: { runId, status: { in: ["pending", "running"] } }, data: { status: "pending" } });
  await recordAudit(db, actor, "eval.run.cancel", { type: "eval-run", id: runId });
  return { ok: true };
}

function runView(r: { id: string; name: string; source: string; mode: string; status: string; total: number; done: number; failed: number; samples: number; model: string | null; modelVersionId: string | null; endpointId: string | null; params: unknown; createdAt: Date; startedAt: Date | null; finishedAt: Date | null; benchmarkId: string; error: string | null }) {
  return { ...r, progress: r.total === 0 ? 1 : (r.done + r.failed) / r.total };
}

export async function listEvalRuns(db: PrismaClient, actor: Actor, input: { benchmarkId?: string | undefined } = {}) {
  const rows = await db.evalRun.findMany({
    where: { workspaceId: actor.workspaceId, ...(input.benchmarkId ? { benchmarkId: input.benchmarkId } : {}) },
    orderBy: { createdAt: "desc" },
    take: 200,
    include: { benchmark: { select: { name: true, version: true, kind: true } } },
  });
  return rows.map((r) => ({ ...runView(r), benchmark: r.benchmark }));
}

export async function getEvalRun(db: PrismaClient, actor: Actor, runId: string) {
  const r = await db.evalRun.findFirst({ where: { id: runId, workspaceId: actor.workspaceId }, include: { benchmark: { select: { name: true, version: true, kind: true, itemCount: true } } } });
  if (!r) throw new EvalError("NOT_FOUND", "No such evaluation in this workspace.");
  return { ...runView(r), benchmark: r.benchmark };
}

/** Per-sample rows of a run (drill-down), filtered by verdict. */
export async function listEvalResults(
  db: PrismaClient,
  actor: Actor,
  input: { runId: string; verdict?: "correct" | "wrong" | "undecided" | "failed" | undefined; offset?: number | undefined; limit?: number | undefined },
) {
  await getEvalRun(db, actor, input.runId);
  const where: Prisma.EvalResultWhereInput = { runId: input.runId, ...(input.verdict === "failed" ? { status: "failed" } : input.verdict ? { verdict: input.verdict } : {}) };
  const [rows, count] = await Promise.all([
    db.evalResult.findMany({
      where,
      orderBy: [{ item: { idx: "asc" } }, { sample: "asc" }],
      skip: input.offset ?? 0,
      take: input.limit ?? 50,
      select: {
        id: true, sample: true, status: true, verdict: true, autoVerdict: true, decidedBy: true, extracted: true, reason: true, format: true,
        sequentialTokens: true, totalTokens: true, rounds: true, wallMs: true, error: true,
        item: { select: { problemId: true, answer: true, kind: true } },
      },
    }),
    db.evalResult.count({ where }),
  ]);
  return { rows, count };
}

/** One sample in full: prompt, response, extracted answer, gold, verdict. */
export async function getEvalResult(db: PrismaClient, actor: Actor, resultId: string) {
  const r = await db.evalResult.findFirst({ where: { id: resultId, run: { workspaceId: actor.workspaceId } }, include: { item: true, run: { select: { id: true, name: true, mode: true } } } });
  if (!r) throw new EvalError("NOT_FOUND", "No such result in this workspace.");
  return r;
}
