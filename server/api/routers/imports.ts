/**
 * Dataset imports: history and live counters of uploads (the upload itself streams through
 * `POST /api/datasets/[datasetId]/imports`), their per-line issues, cancellation, and pasting one trace.
 */
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, workspaceProcedure, audit } from "../trpc";
import type { PrismaClient } from "../../db/client";
import { contentHash } from "../../curation/import/run";
import { LIMITS, mappedTraceSchema } from "../../curation/import/presets";
import { parseSequentialTrace } from "../../sprint/sequential";
import { enqueueTask } from "../../jobs/queue";

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

async function datasetInWorkspace(db: PrismaClient, workspaceId: string, datasetId: string) {
  const ds = await db.dataset.findFirst({ where: { id: datasetId, workspaceId }, select: { id: true } });
  if (!ds) throw new TRPCError({ code: "NOT_FOUND", message: "No such dataset in this workspace." });
  return ds;
}

async function importInWorkspace(db: PrismaClient, workspaceId: string, importId: string) {
  const row = await db.datasetImport.findFirst({ where: { id: importId, dataset: { workspaceId } }, select: importSelect });
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such import in this workspace." });
  return row;
}

export const importsRouter = createTRPCRouter({
  /** A dataset's imports, newest first. */
  list: workspaceProcedure("viewer")
    .input(z.object({ datasetId: z.string().min(1).max(64), limit: z.number().int().min(1).max(100).default(20) }))
    .query(async ({ ctx, input }) => {
      await datasetInWorkspace(ctx.db, ctx.workspaceId, input.datasetId);
      const rows = await ctx.db.datasetImport.findMany({
        where: { datasetId: input.datasetId },
        orderBy: { createdAt: "desc" },
        take: input.limit,
        select: importSelect,
      });
      return rows;
    }),

  /** One import's status and counters (polled while it runs). */
  get: workspaceProcedure("viewer")
    .input(z.object({ importId: z.string().min(1).max(64) }))
    .query(({ ctx, input }) => importInWorkspace(ctx.db, ctx.workspaceId, input.importId)),

  /** An import's invalid and duplicate lines, by line number (keyset pages). */
  issues: workspaceProcedure("viewer")
    .input(
      z.object({
        importId: z.string().min(1).max(64),
        kind: z.enum(["invalid", "duplicate"]).optional(),
        cursor: z.string().max(64).nullish(),
        limit: z.number().int().min(1).max(500).default(100),
      }),
    )
    .query(async ({ ctx, input }) => {
      const imp = await importInWorkspace(ctx.db, ctx.workspaceId, input.importId);
      const where = { importId: imp.id, ...(input.kind ? { kind: input.kind } : {}) };
      const [items, total] = await Promise.all([
        ctx.db.importIssue.findMany({
          where,
          orderBy: [{ line: "asc" }, { id: "asc" }],
          take: input.limit + 1,
          ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
          select: { id: true, line: true, kind: true, reason: true, excerpt: true },
        }),
        ctx.db.importIssue.count({ where }),
      ]);
      const more = items.length > input.limit;
      const page = more ? items.slice(0, input.limit) : items;
      return { items: page, total, nextCursor: more ? (page[page.length - 1]?.id ?? null) : null };
    }),

  /** Stops a running import after its current batch (rows already written stay). */
  cancel: workspaceProcedure("curator")
    .input(z.object({ importId: z.string().min(1).max(64) }))
    .mutation(async ({ ctx, input }) => {
      const imp = await importInWorkspace(ctx.db, ctx.workspaceId, input.importId);
      const r = await ctx.db.datasetImport.updateMany({
        where: { id: imp.id, status: { in: ["queued", "running"] } },
        data: { status: "cancelled", finishedAt: new Date() },
      });
      if (r.count > 0) await audit(ctx, ctx.workspaceId, "import.cancel", { type: "datasetImport", id: imp.id }, { datasetId: imp.datasetId });
      const now = await importInWorkspace(ctx.db, ctx.workspaceId, input.importId);
      return { ok: r.count > 0, status: now.status };
    }),

  /** Adds one trace pasted as text (the reasoning may carry <think> / OpenThoughts markers and a trailing answer). */
  pasteTrace: workspaceProcedure("curator")
    .input(
      z.object({
        datasetId: z.string().min(1).max(64),
        question: z.string().max(LIMITS.question),
        reasoning: z.string().max(LIMITS.reasoning + 10_000),
        answer: z.string().max(LIMITS.answer).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await datasetInWorkspace(ctx.db, ctx.workspaceId, input.datasetId);
      const seq = parseSequentialTrace(input.reasoning);
      const candidate: Record<string, unknown> = { question: input.question, reasoning: seq.reasoning };
      const answer = input.answer?.trim();
      if (answer) candidate.referenceAnswer = answer;
      if (seq.solution) candidate.referenceSolution = seq.solution;
      const parsed = mappedTraceSchema.safeParse(candidate);
      if (!parsed.success) throw new TRPCError({ code: "BAD_REQUEST", message: parsed.error.issues.map((i) => i.message).join("; ") });
      const row = parsed.data;
      const hash = contentHash(row.question, row.reasoning);
      const clash = await ctx.db.trace.findUnique({ where: { datasetId_contentHash: { datasetId: input.datasetId, contentHash: hash } }, select: { id: true } });
      if (clash) throw new TRPCError({ code: "CONFLICT", message: "This trace is already in the dataset (same question and reasoning)." });
      const trace = await ctx.db.trace.create({
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
      await ctx.db.dataset.update({ where: { id: input.datasetId }, data: { updatedAt: new Date() } });
      await audit(ctx, ctx.workspaceId, "trace.paste", { type: "trace", id: trace.id }, { datasetId: input.datasetId, format: seq.format });
      let taskId: string | null = null;
      let warning: string | null = null;
      try {
        const task = await enqueueTask({ kind: "recount-tokens", workspaceId: ctx.workspaceId, createdById: ctx.user.id, input: { datasetId: input.datasetId, onlyMissing: true } });
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
    }),
});
