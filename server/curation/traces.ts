/**
 * The trace table of a dataset (studio): filtered, searched, sorted and keyset-paged in the database, built for
 * datasets of 100k+ traces (issue #13; bench/studio.ts measures it).
 *
 * - Each trace carries its latest curated trajectory's status, review status, reason, stage count, token counts
 *   and reduction in `latest*` columns, kept by triggers on CuratedTrajectory (migration
 *   20261207122257_trace_latest_search) — no per-row lateral join. Every sort and filter has a
 *   `(datasetId, column, id)` index.
 * - Keyset pagination: the cursor is the last row's sort key and id (opaque to clients). Rows inserted between
 *   pages never shift later pages (no duplicates, no gaps for rows that existed). Nullable sort keys sort nulls
 *   last in both directions: the non-null segment and the null segment are two index scans in one statement.
 * - The total is a separate call ({@link countTraces}), made once per filter set (not per scroll page), so
 *   rows never wait for it: exact up to {@link EXACT_COUNT_LIMIT} matching rows; beyond it (or, without a
 *   search, when the planner expects far more) the planner's estimate, labelled `exact: false`. A search's
 *   total is exact up to {@link SEARCH_EXACT_LIMIT} and "at least" that beyond (`atLeast`): counting every
 *   match of a common word costs as much as reading them all, and search estimates are too rough to show.
 * - Search: the question and external id by substring (ILIKE, backed by pg_trgm trigram indexes); with
 *   `searchIn: "reasoning"` also the reasoning by words (Postgres full text: every word as a prefix, or
 *   web-search syntax with "quoted phrases", `or`, `-excluded`; see {@link reasoningQuery}), backed by the GIN
 *   index of TraceSearch (the reasoning's first 256K characters). Without pg_trgm (a server without
 *   contrib) the same queries run as scans and {@link searchSupport} says so for the UI.
 * - The reasoning's index is built in the background after an import (search-index.ts): until it caught up,
 *   a reasoning search matches the indexed traces only; the page and the total say so (`partial`, with
 *   `reasoningIndex`: indexed N of M traces).
 */
import { z } from "zod";
import type { PrismaClient } from "../db/client";
import { Prisma } from "../db/generated/client";
import { ServiceError, type Actor } from "../service-error";
import { splitSentences } from "../sprint/sequential";
import { reasoningIndexStatus, type ReasoningIndexStatus } from "./search-index";

/** Beyond this many matching rows the total is the planner's estimate. */
export const EXACT_COUNT_LIMIT = 10_000;
/** A search counts its matches up to this many; beyond, the total is "at least SEARCH_EXACT_LIMIT". */
export const SEARCH_EXACT_LIMIT = 1_000;

const SORT_KEYS = {
  created: { sql: Prisma.sql`t."createdAt"`, nullable: false, kind: "date" },
  tokens: { sql: Prisma.sql`t."reasoningTokens"`, nullable: true, kind: "number" },
  stages: { sql: Prisma.sql`t."latestStageCount"`, nullable: true, kind: "number" },
  reduction: { sql: Prisma.sql`t."latestReduction"`, nullable: true, kind: "number" },
  sequential: { sql: Prisma.sql`t."latestSequentialTokens"`, nullable: true, kind: "number" },
} as const;
export type TraceSort = keyof typeof SORT_KEYS;

export const traceStatuses = ["uncurated", "pending", "running", "kept", "filtered", "failed"] as const;

export const listTracesInput = z.object({
  datasetId: z.string().min(1).max(64),
  status: z.enum(traceStatuses).optional(),
  minStages: z.number().int().min(0).optional(),
  maxStages: z.number().int().min(0).optional(),
  minReduction: z.number().min(-10).max(1).optional(),
  minTokens: z.number().int().min(0).optional(),
  maxTokens: z.number().int().min(0).optional(),
  search: z.string().trim().max(200).optional(),
  /** `question`: question and external id (substring). `reasoning`: also the reasoning text (whole words). */
  searchIn: z.enum(["question", "reasoning"]).default("question"),
  sort: z.enum(["created", "tokens", "stages", "reduction", "sequential"]).default("created"),
  dir: z.enum(["asc", "desc"]).default("asc"),
  /** Opaque keyset cursor from the previous page's `nextCursor` (named cursor for TanStack infinite queries). */
  cursor: z.string().max(600).nullish(),
  limit: z.number().int().min(1).max(500).default(100),
  /** Also compute the total (default false: the UI asks countTraces once per filter set). */
  withTotal: z.boolean().optional(),
});
export type ListTracesInput = z.input<typeof listTracesInput>;

export interface TraceListRow {
  id: string;
  externalId: string | null;
  question: string;
  reasoningTokens: number | null;
  createdAt: Date;
  trajectoryId: string | null;
  curationStatus: string | null;
  reviewStatus: string | null;
  /** Why the latest trajectory was kept, filtered or failed. */
  reason: string | null;
  stageCount: number | null;
  sequentialTokens: number | null;
  totalTokens: number | null;
  reduction: number | null;
}

export interface SearchSupport {
  /** Question / external id substring search: trigram index, or a scan when pg_trgm is missing. */
  question: "trigram" | "scan";
  /** Reasoning word search: full-text index, or a scan when the index is missing. */
  reasoning: "fulltext" | "scan";
}

/**
 * `exact: false`: the planner's estimate (more than EXACT_COUNT_LIMIT rows); with `atLeast`: "more than `count`".
 * `partial`: a reasoning search while the reasoning index is still being built: the count covers the indexed
 * traces only (see `reasoningIndex`).
 */
export interface TraceTotal {
  count: number;
  exact: boolean;
  atLeast?: boolean;
  partial?: boolean;
  /** With `partial`: how far the reasoning is indexed. */
  reasoningIndex?: ReasoningIndexStatus;
}

export interface TraceListPage {
  rows: TraceListRow[];
  /** Cursor of the next page; null at the end. */
  nextCursor: string | null;
  /** Only with `withTotal` (else see countTraces). */
  total: TraceTotal | null;
  search: SearchSupport;
  /**
   * A reasoning search while the dataset's reasoning index is incomplete: the rows match among the indexed
   * traces only (plus question / id matches, which are always complete).
   */
  partial: boolean;
  /** With a reasoning search: how far the reasoning is indexed (null otherwise). */
  reasoningIndex: ReasoningIndexStatus | null;
}

interface Cursor {
  /** sort + dir the cursor belongs to. */
  k: string;
  /** Sort key of the last row (ISO string for dates), null in the null segment. */
  v: string | number | null;
  id: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

/** The cursor that continues after a row with this sort key and id (for tools and benchmarks). */
export function cursorAfter(sort: TraceSort, dir: "asc" | "desc", value: Date | number | null, id: string): string {
  return encodeCursor({ k: `${sort}:${dir}`, v: value === null ? null : value instanceof Date ? value.toISOString() : value, id });
}

function decodeCursor(raw: string, k: string, kind: "date" | "number"): Cursor {
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    c = null;
  }
  const parsed = z.object({ k: z.string(), v: z.union([z.string(), z.number(), z.null()]), id: z.string().min(1).max(64) }).safeParse(c);
  if (!parsed.success || parsed.data.k !== k) throw new ServiceError("BAD_REQUEST", "This page cursor does not belong to the current sort; reload the list.");
  const v = parsed.data.v;
  if (v !== null && (kind === "date" ? typeof v !== "string" || Number.isNaN(Date.parse(v)) : typeof v !== "number")) {
    throw new ServiceError("BAD_REQUEST", "Invalid page cursor; reload the list.");
  }
  return parsed.data;
}

const g = globalThis as unknown as { __sprintSearchSupport?: { at: number; value: Promise<SearchSupport> } };

/** Which search indexes this database has (cached per process for a minute). */
export function searchSupport(db: PrismaClient): Promise<SearchSupport> {
  const hit = g.__sprintSearchSupport;
  if (hit && Date.now() - hit.at < 60_000) return hit.value;
  const value = db
    .$queryRaw<{ trgm: boolean; fts: boolean }[]>`
      SELECT to_regclass('"Trace_question_trgm_idx"') IS NOT NULL AS trgm, to_regclass('"TraceSearch_vector_idx"') IS NOT NULL AS fts`
    .then(([r]) => ({ question: r?.trgm ? "trigram" : "scan", reasoning: r?.fts ? "fulltext" : "scan" }) as SearchSupport);
  value.catch(() => (g.__sprintSearchSupport = undefined));
  g.__sprintSearchSupport = { at: Date.now(), value };
  return value;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

/**
 * The text-search query for the reasoning ('simple' configuration: lower-cased words, no stemming).
 * Plain words match as prefixes, all of them (`backtrack` finds "backtracking"); a query with "quoted
 * phrases", `or` or `-excluded` words uses web-search syntax (whole words). Null when it has no word.
 */
export function reasoningQuery(search: string): Prisma.Sql | null {
  if (/["]|(^|\s)or(\s|$)|(^|\s)-[\p{L}\p{N}]/iu.test(search)) return Prisma.sql`websearch_to_tsquery('simple'::regconfig, ${search})`;
  const words = (search.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 16);
  if (words.length === 0) return null;
  // Only letters and digits reach to_tsquery: nothing to escape.
  return Prisma.sql`to_tsquery('simple'::regconfig, ${words.map((w) => `${w}:*`).join(" & ")})`;
}

/**
 * How a reasoning search is evaluated, chosen from the planner's estimate of matching reasoning vectors:
 * - `ids` (selective): the matching ids come from the GIN index (sprint_reasoning_matches) and the question's
 *   trigram index, and the page is read from that set — cheap while the set is small;
 * - `rows` (broad, e.g. a common word): rows are read in sort order and each one's vector checked through
 *   its primary key, which stops after about a page's worth of hits instead of collecting every match.
 */
type ReasoningPlan = { tsq: Prisma.Sql; strategy: "ids" | "rows"; estimate: number } | null;

/** Broad when the reasoning matches exceed this share of the dataset and this many rows (tests lower them). */
export const reasoningSearchTuning = { broadShare: 0.1, broadMin: 5000 };

async function planReasoning(db: PrismaClient, datasetId: string, input: z.output<typeof listTracesInput>): Promise<ReasoningPlan> {
  if (!input.search || input.searchIn !== "reasoning") return null;
  const tsq = reasoningQuery(input.search);
  if (!tsq) return null;
  const [matches, all] = await Promise.all([
    planRows(db, Prisma.sql`SELECT 1 FROM "TraceSearch" s WHERE s."datasetId" = ${datasetId} AND s.vector @@ ${tsq}`),
    planRows(db, Prisma.sql`SELECT 1 FROM "TraceSearch" s WHERE s."datasetId" = ${datasetId}`),
  ]);
  return { tsq, strategy: matches > reasoningSearchTuning.broadMin && matches > reasoningSearchTuning.broadShare * all ? "rows" : "ids", estimate: matches };
}

/** The WHERE conditions of a list input (without the cursor). */
function filterConditions(datasetId: string, input: z.output<typeof listTracesInput>, reasoning: ReasoningPlan = null): Prisma.Sql[] {
  const conds: Prisma.Sql[] = [Prisma.sql`t."datasetId" = ${datasetId}`];
  if (input.status === "uncurated") conds.push(Prisma.sql`t."latestStatus" IS NULL`);
  else if (input.status) conds.push(Prisma.sql`t."latestStatus" = ${input.status}::"CurationStatus"`);
  if (input.minStages !== undefined) conds.push(Prisma.sql`t."latestStageCount" >= ${input.minStages}`);
  if (input.maxStages !== undefined) conds.push(Prisma.sql`t."latestStageCount" <= ${input.maxStages}`);
  if (input.minReduction !== undefined) conds.push(Prisma.sql`t."latestReduction" >= ${input.minReduction}`);
  if (input.minTokens !== undefined) conds.push(Prisma.sql`t."reasoningTokens" >= ${input.minTokens}`);
  if (input.maxTokens !== undefined) conds.push(Prisma.sql`t."reasoningTokens" <= ${input.maxTokens}`);
  if (input.search) {
    const like = `%${escapeLike(input.search)}%`;
    const inQuestion = Prisma.sql`t.question ILIKE ${like} OR t."externalId" ILIKE ${like}`;
    if (reasoning?.strategy === "ids") {
      // Ids from both indexes (trigram and full text), so neither side forces a scan of the dataset.
      conds.push(Prisma.sql`t.id IN (SELECT q.id FROM "Trace" q WHERE q."datasetId" = ${datasetId} AND (q.question ILIKE ${like} OR q."externalId" ILIKE ${like})
        UNION ALL SELECT sprint_reasoning_matches(${datasetId}, ${reasoning.tsq}))`);
    } else if (reasoning?.strategy === "rows") {
      // A correlated scalar subquery stays a per-row primary-key probe (an EXISTS would be turned into a hashed
      // scan of every vector).
      conds.push(Prisma.sql`(${inQuestion} OR COALESCE((SELECT s.vector @@ ${reasoning.tsq} FROM "TraceSearch" s WHERE s."traceId" = t.id), false))`);
    } else conds.push(Prisma.sql`(${inQuestion})`);
  }
  return conds;
}

const COLUMNS = Prisma.sql`t.id, t."externalId", left(t.question, 300) AS question, t."reasoningTokens", t."createdAt",
  t."latestTrajectoryId" AS "trajectoryId", t."latestStatus"::text AS "curationStatus", t."latestReviewStatus"::text AS "reviewStatus",
  t."latestReason" AS reason, t."latestStageCount" AS "stageCount", t."latestSequentialTokens" AS "sequentialTokens",
  t."latestTotalTokens" AS "totalTokens", t."latestReduction" AS reduction`;

async function datasetOf(db: PrismaClient, actor: Actor, datasetId: string): Promise<string> {
  const ds = await db.dataset.findFirst({ where: { id: datasetId, workspaceId: actor.workspaceId }, select: { id: true } });
  if (!ds) throw new ServiceError("NOT_FOUND", "No such dataset in this workspace.");
  return ds.id;
}

/** The planner's row estimate for a WHERE on the traces (planning only, ~1 ms). */
function estimateRows(db: PrismaClient, where: Prisma.Sql): Promise<number> {
  return planRows(db, Prisma.sql`SELECT 1 FROM "Trace" t WHERE ${where}`);
}

/** The planner's row estimate of a query (EXPLAIN, not run). */
async function planRows(db: PrismaClient, query: Prisma.Sql): Promise<number> {
  const plan = await db.$queryRaw<{ "QUERY PLAN": unknown }[]>`EXPLAIN (FORMAT JSON) ${query}`;
  const raw = plan[0]?.["QUERY PLAN"];
  const doc = (typeof raw === "string" ? JSON.parse(raw) : raw) as { Plan?: { "Plan Rows"?: number } }[];
  return Math.round(doc?.[0]?.Plan?.["Plan Rows"] ?? 0);
}

/**
 * The total. Without a search: the planner's estimate when it is far beyond EXACT_COUNT_LIMIT (counting would
 * read most of a huge dataset), else an exact count capped at EXACT_COUNT_LIMIT + 1 rows (beyond the cap: the
 * estimate). With a search: exact up to SEARCH_EXACT_LIMIT, else "at least SEARCH_EXACT_LIMIT" (a broad
 * reasoning search: the full-text statistics' estimate).
 */
async function countMatching(db: PrismaClient, where: Prisma.Sql, search: boolean, reasoning: ReasoningPlan = null): Promise<TraceTotal> {
  // A broad reasoning search (thousands of matches, ≥10% of the dataset): the full-text statistics' estimate,
  // labelled as such (counting would probe every row's vector).
  if (reasoning?.strategy === "rows") return { count: reasoning.estimate, exact: false };
  if (search) {
    // Counting stops at the cap: a common word costs a bounded number of row checks, not one per match.
    const cap = searchTotalTuning.exactLimit;
    const [r] = await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM (SELECT 1 FROM "Trace" t WHERE ${where} LIMIT ${cap + 1}) x`;
    const n = r?.n ?? 0;
    return n <= cap ? { count: n, exact: true } : { count: cap, exact: false, atLeast: true };
  }
  const estimate = await estimateRows(db, where);
  if (estimate > 2 * EXACT_COUNT_LIMIT) return { count: estimate, exact: false };
  const [r] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM (SELECT 1 FROM "Trace" t WHERE ${where} LIMIT ${EXACT_COUNT_LIMIT + 1}) x`;
  const n = r?.n ?? 0;
  if (n <= EXACT_COUNT_LIMIT) return { count: n, exact: true };
  // More than the cap: the estimate when it is plausible, else "more than EXACT_COUNT_LIMIT".
  return estimate > EXACT_COUNT_LIMIT ? { count: estimate, exact: false } : { count: EXACT_COUNT_LIMIT, exact: false, atLeast: true };
}

/**
 * Search totals, cached per (dataset, search, data version) for searches without other filters — the one kind
 * of total whose counting reads rows (a trigram or full-text recheck per match) rather than an index or the
 * planner's statistics. The data version is the dataset's `updatedAt` (bumped by imports and pasted traces)
 * and its newest trace's `createdAt` (an index probe: every inserted trace raises it, also while an import
 * runs); traces leave a dataset only with the dataset. Filters on curation results or token counts change
 * without either, so such totals are never cached; nor are partial ones (reasoning index incomplete).
 * Concurrent identical requests share one count. `cacheMs`: the entries' lifetime (0 disables; bench).
 */
export const searchTotalTuning = { exactLimit: SEARCH_EXACT_LIMIT, cacheMs: 60_000, maxEntries: 500 };
const searchTotals = new Map<string, { at: number; value: Promise<TraceTotal> }>();

function cachedSearchTotal(key: string | null, compute: () => Promise<TraceTotal>): Promise<TraceTotal> {
  if (key === null || searchTotalTuning.cacheMs <= 0) return compute();
  const now = Date.now();
  const hit = searchTotals.get(key);
  if (hit && now - hit.at < searchTotalTuning.cacheMs) return hit.value;
  const value = compute();
  value.catch(() => searchTotals.delete(key));
  searchTotals.delete(key);
  searchTotals.set(key, { at: now, value });
  // Oldest first (Map order): drop beyond the bound.
  while (searchTotals.size > searchTotalTuning.maxEntries) searchTotals.delete(searchTotals.keys().next().value!);
  return value;
}

/** The cache key of a search-only total (null: not cacheable), with the dataset's data version. */
async function searchTotalKey(db: PrismaClient, datasetId: string, input: z.output<typeof listTracesInput>): Promise<string | null> {
  const others = [input.status, input.minStages, input.maxStages, input.minReduction, input.minTokens, input.maxTokens];
  if (!input.search || others.some((v) => v !== undefined) || searchTotalTuning.cacheMs <= 0) return null;
  const [v] = await db.$queryRaw<{ updated: Date | null; newest: Date | null }[]>`
    SELECT (SELECT d."updatedAt" FROM "Dataset" d WHERE d.id = ${datasetId}) AS updated,
           (SELECT max(t."createdAt") FROM "Trace" t WHERE t."datasetId" = ${datasetId}) AS newest`;
  return JSON.stringify([datasetId, input.searchIn, input.search, searchTotalTuning.exactLimit, v?.updated?.getTime() ?? 0, v?.newest?.getTime() ?? 0]);
}

/** A total, marked partial while a reasoning search runs over an incomplete index. */
function withIndexStatus(total: TraceTotal, index: ReasoningIndexStatus | null): TraceTotal {
  if (!index || index.complete) return total;
  return { ...total, partial: true, reasoningIndex: index };
}

/** One page of a dataset's trace table (see the module comment). */
export async function listTraces(db: PrismaClient, actor: Actor, rawInput: ListTracesInput): Promise<TraceListPage> {
  const input = listTracesInput.parse(rawInput);
  const datasetId = await datasetOf(db, actor, input.datasetId);
  const key = SORT_KEYS[input.sort];
  const asc = input.dir === "asc";
  const k = `${input.sort}:${input.dir}`;
  const cursor = input.cursor ? decodeCursor(input.cursor, k, key.kind) : null;
  const reasoning = await planReasoning(db, datasetId, input);
  const base = filterConditions(datasetId, input, reasoning);
  const where = Prisma.join(base, " AND ");
  const cmp = asc ? Prisma.sql`>` : Prisma.sql`<`;
  const dirSql = asc ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  const limit = input.limit;
  // Dates travel as ISO strings (UTC, like the stored timestamps; the "Z" is ignored by ::timestamp).
  const cursorValue = (v: string | number) => (key.kind === "date" ? Prisma.sql`${String(v)}::timestamp` : Prisma.sql`${v}`);

  // Segment 0: rows with a sort key, after the cursor (skipped when the cursor is already in the null segment).
  // Segment 1: rows without one (nullable keys only), ordered by id alone.
  const segments: Prisma.Sql[] = [];
  if (!cursor || cursor.v !== null) {
    const conds = [...base];
    if (key.nullable) conds.push(Prisma.sql`${key.sql} IS NOT NULL`);
    if (cursor && cursor.v !== null) conds.push(Prisma.sql`(${key.sql}, t.id) ${cmp} (${cursorValue(cursor.v)}, ${cursor.id})`);
    segments.push(Prisma.sql`(SELECT ${COLUMNS}, 0 AS seg, ${key.sql} AS sortkey FROM "Trace" t WHERE ${Prisma.join(conds, " AND ")}
      ORDER BY ${key.sql} ${dirSql}, t.id ${dirSql} LIMIT ${limit})`);
  }
  if (key.nullable) {
    const conds = [...base, Prisma.sql`${key.sql} IS NULL`];
    if (cursor && cursor.v === null) conds.push(Prisma.sql`t.id ${cmp} ${cursor.id}`);
    // Ordered like the (datasetId, key, id) index read in this direction (the key is NULL throughout, so this is
    // id order): the planner does not treat "key IS NULL" as fixing the key, and would otherwise scan by id.
    const nullsSql = asc ? Prisma.sql`NULLS LAST` : Prisma.sql`NULLS FIRST`;
    segments.push(Prisma.sql`(SELECT ${COLUMNS}, 1 AS seg, ${key.sql} AS sortkey FROM "Trace" t WHERE ${Prisma.join(conds, " AND ")}
      ORDER BY ${key.sql} ${dirSql} ${nullsSql}, t.id ${dirSql} LIMIT ${limit})`);
  }
  const rowsQuery = db.$queryRaw<(TraceListRow & { seg: number; sortkey: Date | number | null })[]>`
    SELECT * FROM (${Prisma.join(segments, " UNION ALL ")}) page
    ORDER BY seg, sortkey ${dirSql}, id ${dirSql} LIMIT ${limit}`;
  const [raw, total, search, index] = await Promise.all([
    rowsQuery,
    input.withTotal ? countMatching(db, where, !!input.search, reasoning) : Promise.resolve(null),
    searchSupport(db),
    reasoning ? reasoningIndexStatus(db, datasetId) : Promise.resolve(null),
  ]);

  const last = raw[raw.length - 1];
  const nextCursor =
    raw.length === limit && last
      ? encodeCursor({ k, v: last.seg === 1 || last.sortkey === null ? null : last.sortkey instanceof Date ? last.sortkey.toISOString() : Number(last.sortkey), id: last.id })
      : null;
  const rows = raw.map(({ seg: _seg, sortkey: _sortkey, ...r }) => r);
  return { rows, nextCursor, total: total && withIndexStatus(total, index), search, partial: !!index && !index.complete, reasoningIndex: index };
}

export const countTracesInput = listTracesInput.omit({ sort: true, dir: true, cursor: true, limit: true, withTotal: true });

/** How many traces match the filters of the table (see the module comment: exact, or an estimate). */
export async function countTraces(db: PrismaClient, actor: Actor, rawInput: z.input<typeof countTracesInput>): Promise<TraceTotal> {
  const input = listTracesInput.parse(rawInput);
  const datasetId = await datasetOf(db, actor, input.datasetId);
  const [reasoning, index, key] = await Promise.all([
    planReasoning(db, datasetId, input),
    input.search && input.searchIn === "reasoning" ? reasoningIndexStatus(db, datasetId) : Promise.resolve(null),
    searchTotalKey(db, datasetId, input),
  ]);
  const count = () => countMatching(db, Prisma.join(filterConditions(datasetId, input, reasoning), " AND "), !!input.search, reasoning);
  // A partial total (reasoning index incomplete) changes with every indexed batch: never cached.
  // The plan is part of the key: a broad reasoning search's total is an estimate, a selective one's a count.
  const total = await cachedSearchTotal(index && !index.complete ? null : key && `${key}:${reasoning?.strategy ?? "-"}`, count);
  return withIndexStatus(total, reasoning ? index : null);
}

export const traceIdInput = z.object({ traceId: z.string().min(1).max(64) });
export const getTraceInput = traceIdInput;

/** One trace with its numbered lines, its latest curated trajectories and its neighbours (creation order). */
export async function getTrace(db: PrismaClient, actor: Actor, rawInput: z.input<typeof getTraceInput>) {
  const input = getTraceInput.parse(rawInput);
  const trace = await db.trace.findFirst({
    where: { id: input.traceId, dataset: { workspaceId: actor.workspaceId } },
    include: {
      dataset: { select: { id: true, name: true } },
      trajectories: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 5, include: { run: { select: { id: true, config: true, createdAt: true } } } },
    },
  });
  if (!trace) throw new ServiceError("NOT_FOUND", "No such trace in this workspace.");
  const lines = splitSentences(trace.reasoning).map((s) => ({ text: s.text, start: s.start, end: s.end }));
  // Neighbours for j/k navigation (creation order; the (datasetId, createdAt, id) index).
  const [prev, next] = await Promise.all([
    db.trace.findFirst({ where: { datasetId: trace.datasetId, OR: [{ createdAt: { lt: trace.createdAt } }, { createdAt: trace.createdAt, id: { lt: trace.id } }] }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } }),
    db.trace.findFirst({ where: { datasetId: trace.datasetId, OR: [{ createdAt: { gt: trace.createdAt } }, { createdAt: trace.createdAt, id: { gt: trace.id } }] }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true } }),
  ]);
  return { ...trace, lines, prevId: prev?.id ?? null, nextId: next?.id ?? null };
}
