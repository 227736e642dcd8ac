/** Traces of a dataset: the server-paginated table (each trace with its latest curated trajectory) and one trace. */
import { z } from "zod";
import type { PrismaClient } from "../db/client";
import { Prisma } from "../db/generated/client";
import { ServiceError, type Actor } from "../service-error";
import { splitSentences } from "../sprint/sequential";

const SORTS = {
  created: Prisma.sql`t."createdAt"`,
  tokens: Prisma.sql`t."reasoningTokens"`,
  stages: Prisma.sql`c."stageCount"`,
  reduction: Prisma.sql`(c.metrics->>'reduction')::float`,
  sequential: Prisma.sql`c."sequentialTokens"`,
} as const;

export const listTracesInput = z.object({
  datasetId: z.string(),
  status: z.enum(["uncurated", "pending", "running", "kept", "filtered", "failed"]).optional(),
  minStages: z.number().int().min(0).optional(),
  maxStages: z.number().int().min(0).optional(),
  minReduction: z.number().min(-10).max(1).optional(),
  minTokens: z.number().int().min(0).optional(),
  maxTokens: z.number().int().min(0).optional(),
  search: z.string().trim().max(200).optional(),
  sort: z.enum(["created", "tokens", "stages", "reduction", "sequential"]).default("created"),
  dir: z.enum(["asc", "desc"]).default("asc"),
  /** Offset of the first row (named cursor for TanStack infinite queries). */
  cursor: z.number().int().min(0).nullish(),
  limit: z.number().int().min(1).max(500).default(100),
});

interface TraceRow {
  id: string;
  externalId: string | null;
  question: string;
  reasoningTokens: number | null;
  createdAt: Date;
  trajectoryId: string | null;
  curationStatus: string | null;
  reviewStatus: string | null;
  reason: string | null;
  stageCount: number | null;
  sequentialTokens: number | null;
  totalTokens: number | null;
  reduction: number | null;
}

/** Server-paginated trace table; each trace with its latest curated trajectory (if any). */
export async function listTraces(db: PrismaClient, actor: Actor, input: z.output<typeof listTracesInput>) {
  const ds = await db.dataset.findFirst({ where: { id: input.datasetId, workspaceId: actor.workspaceId }, select: { id: true } });
  if (!ds) throw new ServiceError("NOT_FOUND", "No such dataset in this workspace.");
  const conds: Prisma.Sql[] = [Prisma.sql`t."datasetId" = ${ds.id}`];
  if (input.status === "uncurated") conds.push(Prisma.sql`c.id IS NULL`);
  else if (input.status) conds.push(Prisma.sql`c."curationStatus"::text = ${input.status}`);
  if (input.minStages !== undefined) conds.push(Prisma.sql`c."stageCount" >= ${input.minStages}`);
  if (input.maxStages !== undefined) conds.push(Prisma.sql`c."stageCount" <= ${input.maxStages}`);
  if (input.minReduction !== undefined) conds.push(Prisma.sql`(c.metrics->>'reduction')::float >= ${input.minReduction}`);
  if (input.minTokens !== undefined) conds.push(Prisma.sql`t."reasoningTokens" >= ${input.minTokens}`);
  if (input.maxTokens !== undefined) conds.push(Prisma.sql`t."reasoningTokens" <= ${input.maxTokens}`);
  if (input.search) {
    const like = `%${input.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    conds.push(Prisma.sql`(t.question ILIKE ${like} OR t."externalId" ILIKE ${like} OR t.reasoning ILIKE ${like})`);
  }
  const where = Prisma.join(conds, " AND ");
  const order = Prisma.sql`${SORTS[input.sort]} ${input.dir === "asc" ? Prisma.sql`ASC` : Prisma.sql`DESC`} NULLS LAST, t.id ASC`;
  const from = Prisma.sql`
    FROM "Trace" t
    LEFT JOIN LATERAL (
      SELECT ct.id, ct."curationStatus", ct."reviewStatus", ct.reason, ct."stageCount", ct."sequentialTokens", ct."totalTokens", ct.metrics
      FROM "CuratedTrajectory" ct WHERE ct."traceId" = t.id ORDER BY ct."createdAt" DESC, ct.id DESC LIMIT 1
    ) c ON true
    WHERE ${where}`;
  const [rows, countRows] = await Promise.all([
    db.$queryRaw<TraceRow[]>`
      SELECT t.id, t."externalId", left(t.question, 300) AS question, t."reasoningTokens", t."createdAt",
             c.id AS "trajectoryId", c."curationStatus"::text AS "curationStatus", c."reviewStatus"::text AS "reviewStatus", c.reason,
             c."stageCount", c."sequentialTokens", c."totalTokens", (c.metrics->>'reduction')::float AS reduction
      ${from} ORDER BY ${order} OFFSET ${input.cursor ?? 0} LIMIT ${input.limit}`,
    db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n ${from}`,
  ]);
  return { rows, total: Number(countRows[0]?.n ?? 0) };
}

export const traceIdInput = z.object({ traceId: z.string() });

/** One trace with its numbered lines and its curated trajectories (latest first). */
export async function getTrace(db: PrismaClient, actor: Actor, input: z.infer<typeof traceIdInput>) {
  const trace = await db.trace.findFirst({
    where: { id: input.traceId, dataset: { workspaceId: actor.workspaceId } },
    include: {
      dataset: { select: { id: true, name: true } },
      trajectories: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 5, include: { run: { select: { id: true, config: true, createdAt: true } } } },
    },
  });
  if (!trace) throw new ServiceError("NOT_FOUND", "No such trace in this workspace.");
  const lines = splitSentences(trace.reasoning).map((s) => ({ text: s.text, start: s.start, end: s.end }));
  // Neighbours for j/k navigation (creation order).
  const [prev, next] = await Promise.all([
    db.trace.findFirst({ where: { datasetId: trace.datasetId, OR: [{ createdAt: { lt: trace.createdAt } }, { createdAt: trace.createdAt, id: { lt: trace.id } }] }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } }),
    db.trace.findFirst({ where: { datasetId: trace.datasetId, OR: [{ createdAt: { gt: trace.createdAt } }, { createdAt: trace.createdAt, id: { gt: trace.id } }] }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true } }),
  ]);
  return { ...trace, lines, prevId: prev?.id ?? null, nextId: next?.id ?? null };
}
