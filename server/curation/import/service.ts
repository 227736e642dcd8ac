/**
 * Dataset imports as a service: history and live counters of uploads, their per-line issues, cancellation,
 * pasting one trace; and what the upload / report route handlers need (the upload itself streams through
 * `POST /api/datasets/[datasetId]/imports` into `runImport`, run.ts).
 */
import { z } from "zod";
import type { PrismaClient } from "../../db/client";
import { recordAudit } from "../../audit";
import { ServiceError, requireRole, type Actor } from "../../service-error";
import { parseSequentialTrace } from "../../sprint/sequential";
import { enqueueTask } from "../../jobs/queue";
import { recountTokensJob } from "../jobs/recount-tokens";
import { datasetIn } from "../datasets";
import { contentHash } from "./run";
import { LIMITS, mappedTraceSchema, presetMapping } from "./presets";
import type { UploadParams } from "./params";

const importSelect = {
  id: true,
  datasetId: true,
  fileName: true,
  preset: true,
  mapping: true,
  status: true,
  bytesTotal: true,
  bytesRead: true,
  rowsRead: true,
  rowsOk: true,
  rowsBad: true,
  rowsDuplicate: true,
  error: true,
  createdAt: true,
  finishedAt: true,
  createdById: true,
} as const;

const id = z.string().min(1).max(64);
export const listImportsInput = z.object({ datasetId: id, limit: z.number().int().min(1).max(100).default(20) });
export const importIdInput = z.object({ importId: id });
export const importIssuesInput = z.object({
  importId: id,
  kind: z.enum(["invalid", "duplicate"]).optional(),
  cursor: z.string().max(64).nullish(),
  limit: z.number().int().min(1).max(500).default(100),
});
export const pasteTraceInput = z.object({
  datasetId: id,
  question: z.string().max(LIMITS.question),
  reasoning: z.string().max(LIMITS.reasoning + 10_000),
  answer: z.string().max(LIMITS.answer).optional(),
});

async function importIn(db: PrismaClient, actor: Actor, importId: string) {
  const row = await db.datasetImport.findFirst({ where: { id: importId, dataset: { workspaceId: actor.workspaceId } }, select: importSelect });
  if (!row) throw new ServiceError("NOT_FOUND", "No such import in this workspace.");
  return row;
}

/** A dataset's imports, newest first. */
export async function listImports(db: PrismaClient, actor: Actor, input: z.output<typeof listImportsInput>) {
  await datasetIn(db, actor, input.datasetId);
  return db.datasetImport.findMany({ where: { datasetId: input.datasetId }, orderBy: { createdAt: "desc" }, take: input.limit, select: importSelect });
}

/** One import's status and counters (polled while it runs). */
export async function getImport(db: PrismaClient, actor: Actor, input: z.infer<typeof importIdInput>) {
  return importIn(db, actor, input.importId);
}

/** An import's invalid and duplicate lines, by line number (keyset pages). */
export async function importIssues(db: PrismaClient, actor: Actor, input: z.output<typeof importIssuesInput>) {
  const imp = await importIn(db, actor, input.importId);
  const where = { importId: imp.id, ...(input.kind ? { kind: input.kind } : {}) };
  const [items, total] = await Promise.all([
    db.importIssue.findMany({
      where,
      orderBy: [{ line: "asc" }, { id: "asc" }],
      take: input.limit + 1,
      ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
      select: { id: true, line: true, kind: true, reason: true, excerpt: true },
    }),
    db.importIssue.count({ where }),
  ]);
  const more = items.length > input.limit;
  const page = more ? items.slice(0, input.limit) : items;
  return { items: page, total, nextCursor: more ? (page[page.length - 1]?.id ?? null) : null };
}

/** Stops a running import after its current batch (rows already written stay). */
export async function cancelImport(db: PrismaClient, actor: Actor, input: z.infer<typeof importIdInput>) {
  requireRole(actor, "curator");
  const imp = await importIn(db, actor, input.importId);
  const r = await db.datasetImport.updateMany({ where: { id: imp.id, status: { in: ["queued", "running"] } }, data: { status: "cancelled", finishedAt: new Date() } });
  if (r.count > 0) await recordAudit(db, actor, "import.cancel", { type: "datasetImport", id: imp.id }, { datasetId: imp.datasetId });
  const now = await importIn(db, actor, input.importId);
  return { ok: r.count > 0, status: now.status };
}

/** Adds one trace pasted as text (the reasoning may carry <think> / OpenThoughts markers and a trailing answer). */
export async function pasteTrace(db: PrismaClient, actor: Actor, input: z.infer<typeof pasteTraceInput>) {
  requireRole(actor, "curator");
  await datasetIn(db, actor, input.datasetId);
  const seq = parseSequentialTrace(input.reasoning);
  const candidate: Record<string, unknown> = { question: input.question, reasoning: seq.reasoning };
  const answer = input.answer?.trim();
  if (answer) candidate.referenceAnswer = answer;
  if (seq.solution) candidate.referenceSolution = seq.solution;
  const parsed = mappedTraceSchema.safeParse(candidate);
  if (!parsed.success) throw new ServiceError("BAD_REQUEST", parsed.error.issues.map((i) => i.message).join("; "));
  const row = parsed.data;
  const hash = contentHash(row.question, row.reasoning);
  const clash = await db.trace.findUnique({ where: { datasetId_contentHash: { datasetId: input.datasetId, contentHash: hash } }, select: { id: true } });
  if (clash) throw new ServiceError("CONFLICT", "This trace is already in the dataset (same question and reasoning).");
  const trace = await db.trace.create({
    data: {
      datasetId: input.datasetId,
      question: row.question,
      reasoning: row.reasoning,
      referenceAnswer: row.referenceAnswer?.trim() || null,
      referenceSolution: row.referenceSolution?.trim() || null,
      metadata: { source: "paste", format: seq.format },
      contentHash: hash,
    },
    select: { id: true },
  });
  await db.dataset.update({ where: { id: input.datasetId }, data: { updatedAt: new Date() } });
  await recordAudit(db, actor, "trace.paste", { type: "trace", id: trace.id }, { datasetId: input.datasetId, format: seq.format });
  let taskId: string | null = null;
  let warning: string | null = null;
  try {
    const task = await enqueueTask({ kind: recountTokensJob, workspaceId: actor.workspaceId, createdById: actor.userId, input: { datasetId: input.datasetId, onlyMissing: true } });
    taskId = task.id;
  } catch (err) {
    warning = `The trace was added, but its token count could not be queued: ${err instanceof Error ? err.message : String(err)}`;
  }
  return {
    traceId: trace.id,
    format: seq.format,
    reasoningChars: row.reasoning.length,
    hasSolution: !!row.referenceSolution,
    diagnostics: seq.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`),
    taskId,
    warning,
  };
}

// ───────────────────────────── route handlers (upload, report) ─────────────────────────────

/** The dataset an upload goes into, with its workspace (for the route's membership gate), or null. */
export async function findDataset(db: PrismaClient, datasetId: string) {
  return db.dataset.findUnique({ where: { id: datasetId }, select: { id: true, workspaceId: true } });
}

const INT_MAX = 2_147_483_647;

/** Creates the DatasetImport row of an upload (status running) and audits its start. */
export async function beginUpload(db: PrismaClient, actor: Actor, datasetId: string, p: UploadParams) {
  requireRole(actor, "curator");
  const imp = await db.datasetImport.create({
    data: {
      datasetId,
      createdById: actor.userId,
      fileName: p.fileName,
      preset: p.preset,
      mapping: p.preset === "auto" ? {} : presetMapping(p.preset, p.mapping),
      status: "running",
      bytesTotal: p.size === null ? null : Math.min(INT_MAX, p.size),
    },
    select: { id: true },
  });
  await recordAudit(db, actor, "import.start", { type: "datasetImport", id: imp.id }, { datasetId, fileName: p.fileName, preset: p.preset, size: p.size });
  return imp;
}

/** Audits the end of an upload (never throws: the import itself is done). */
export async function endUpload(db: PrismaClient, actor: Actor, importId: string, summary: { status: string; rowsOk: number; rowsBad: number; rowsDuplicate: number }) {
  await recordAudit(db, actor, "import.finish", { type: "datasetImport", id: importId }, {
    status: summary.status,
    rowsOk: summary.rowsOk,
    rowsBad: summary.rowsBad,
    rowsDuplicate: summary.rowsDuplicate,
  }).catch(() => undefined);
}

/** An import with its workspace (for the report route's membership gate), or null. */
export async function findImport(db: PrismaClient, importId: string) {
  const imp = await db.datasetImport.findUnique({ where: { id: importId }, select: { id: true, fileName: true, dataset: { select: { workspaceId: true } } } });
  return imp && { id: imp.id, fileName: imp.fileName, workspaceId: imp.dataset.workspaceId };
}

/** An import's issues ordered by line, `pageSize` at a time (keyset pages: never all in memory). */
export async function* issuePages(db: PrismaClient, importId: string, pageSize = 1000) {
  let cursor: string | null = null;
  for (;;) {
    const rows: { id: string; line: number; kind: string; reason: string; excerpt: string | null }[] = await db.importIssue.findMany({
      where: { importId },
      orderBy: [{ line: "asc" }, { id: "asc" }],
      take: pageSize,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      select: { id: true, line: true, kind: true, reason: true, excerpt: true },
    });
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    cursor = rows[rows.length - 1]!.id;
  }
}
