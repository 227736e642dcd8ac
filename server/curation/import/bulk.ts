/**
 * Bulk writes of the importer, over node-postgres directly (a small pool of its own, like the job queue's).
 *
 * Why not Prisma here: a batch is one INSERT whose rows travel as a single JSON parameter (unpacked in SQL
 * by `jsonb_to_recordset`). Measured on 100k rows of 3.4 KB, passing that ~2 MB parameter through Prisma's
 * raw-query path (or createMany) roughly doubled the importer's peak RSS (≈550 MB vs ≈300 MB) and halved its
 * throughput; node-postgres sends it as is. Everything else (status, cancellation, reads) stays on Prisma.
 *
 * PGlite caveat (ARCHITECTURE.md): the socket server holds other connections while a transaction is open,
 * so every statement of a batch transaction runs on the same client and nothing else is awaited inside it.
 */
import pg from "pg";
import { resolveDatabaseUrl } from "../../db/database-url";
import { poolConfigFromUrl } from "../../db/pg-config";

const g = globalThis as unknown as { __sprintImportPool?: pg.Pool };

/** The process-wide pool for import writes (2 connections, closed when idle). */
export function importPool(): pg.Pool {
  if (!g.__sprintImportPool) {
    const pool = new pg.Pool({
      ...poolConfigFromUrl(resolveDatabaseUrl()),
      max: 2,
      idleTimeoutMillis: 10_000,
      allowExitOnIdle: true,
      application_name: "sprint-import",
      connectionTimeoutMillis: 10_000,
    });
    pool.on("error", (err) => console.error(`[import] pool error: ${err.message}`));
    g.__sprintImportPool = pool;
  }
  return g.__sprintImportPool;
}

/** Closes the process-wide pool (tests, scripts). */
export async function closeImportPool(): Promise<void> {
  const pool = g.__sprintImportPool;
  g.__sprintImportPool = undefined;
  await pool?.end();
}

export interface TraceRow {
  id: string;
  question: string;
  reasoning: string;
  referenceAnswer: string | null;
  referenceSolution: string | null;
  sourceModel: string | null;
  externalId: string | null;
  metadata: unknown;
  contentHash: string;
}

export interface CuratedRow {
  id: string;
  traceId: string;
  steps: unknown;
  dagEdges: unknown;
  stages: unknown;
  metrics: unknown;
  text: string;
  curationStatus: string;
  reviewStatus: string;
  sequentialTokens: number;
  totalTokens: number;
  stageCount: number;
}

export interface IssueRow {
  id: string;
  line: number;
  kind: "invalid" | "duplicate";
  reason: string;
  excerpt: string | null;
}

/** Inserts traces; rows whose content hash is already in the dataset are skipped. Returns the inserted ones. */
export async function insertTraces(client: pg.PoolClient, datasetId: string, rows: readonly TraceRow[]): Promise<{ id: string; contentHash: string }[]> {
  if (rows.length === 0) return [];
  const r = await client.query<{ id: string; contentHash: string }>(
    `INSERT INTO "Trace" ("id", "datasetId", "question", "reasoning", "referenceAnswer", "referenceSolution", "sourceModel", "externalId", "metadata", "contentHash", "createdAt")
     SELECT v."id", $1, v."question", v."reasoning", v."referenceAnswer", v."referenceSolution", v."sourceModel", v."externalId", v."metadata", v."contentHash", now() AT TIME ZONE 'UTC'
     FROM jsonb_to_recordset($2::jsonb) AS v("id" text, "question" text, "reasoning" text, "referenceAnswer" text, "referenceSolution" text,
       "sourceModel" text, "externalId" text, "metadata" jsonb, "contentHash" text)
     ON CONFLICT ("datasetId", "contentHash") DO NOTHING
     RETURNING "id", "contentHash"`,
    [datasetId, JSON.stringify(rows)],
  );
  return r.rows;
}

/**
 * Gives a question to traces of the dataset that were imported without one (`outputs` preset): a trace whose
 * content hash is that of (empty question, same reasoning) gets the question, the answer if it had none, and
 * its new content hash — unless a trace with that hash is already there. Returns the new hashes filled.
 */
export async function fillMissingQuestions(
  client: pg.PoolClient,
  datasetId: string,
  rows: readonly { emptyHash: string; contentHash: string; question: string; referenceAnswer: string | null }[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const r = await client.query<{ contentHash: string }>(
    `UPDATE "Trace" t SET "question" = v."question", "referenceAnswer" = COALESCE(t."referenceAnswer", v."referenceAnswer"), "contentHash" = v."contentHash"
     FROM jsonb_to_recordset($2::jsonb) AS v("emptyHash" text, "contentHash" text, "question" text, "referenceAnswer" text)
     WHERE t."datasetId" = $1 AND t."question" = '' AND t."contentHash" = v."emptyHash"
       AND NOT EXISTS (SELECT 1 FROM "Trace" x WHERE x."datasetId" = $1 AND x."contentHash" = v."contentHash")
     RETURNING t."contentHash" AS "contentHash"`,
    [datasetId, JSON.stringify(rows)],
  );
  return new Set(r.rows.map((x) => x.contentHash));
}

/** Inserts curated trajectories (version 1, no curation run). */
export async function insertCurated(client: pg.PoolClient, datasetId: string, rows: readonly CuratedRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO "CuratedTrajectory" ("id", "datasetId", "traceId", "steps", "dagEdges", "stages", "metrics", "text", "curationStatus", "reviewStatus",
       "sequentialTokens", "totalTokens", "stageCount", "createdAt", "updatedAt")
     SELECT v."id", $1, v."traceId", v."steps", v."dagEdges", v."stages", v."metrics", v."text", v."curationStatus"::"CurationStatus",
       v."reviewStatus"::"ReviewStatus", v."sequentialTokens", v."totalTokens", v."stageCount", now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
     FROM jsonb_to_recordset($2::jsonb) AS v("id" text, "traceId" text, "steps" jsonb, "dagEdges" jsonb, "stages" jsonb, "metrics" jsonb, "text" text,
       "curationStatus" text, "reviewStatus" text, "sequentialTokens" int, "totalTokens" int, "stageCount" int)`,
    [datasetId, JSON.stringify(rows)],
  );
}

/** Inserts import issues. */
export async function insertIssues(client: pg.PoolClient, importId: string, rows: readonly IssueRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO "ImportIssue" ("id", "importId", "line", "kind", "reason", "excerpt")
     SELECT v."id", $1, v."line", v."kind", v."reason", v."excerpt"
     FROM jsonb_to_recordset($2::jsonb) AS v("id" text, "line" int, "kind" text, "reason" text, "excerpt" text)`,
    [importId, JSON.stringify(rows)],
  );
}

export interface CounterDelta {
  bytesRead: number;
  rowsRead: number;
  rowsOk: number;
  rowsBad: number;
  rowsDuplicate: number;
  preset?: string;
  mapping?: unknown;
}

/** Adds a batch's counts to the import row (and records the detected preset). */
export async function addCounters(client: pg.PoolClient, importId: string, d: CounterDelta): Promise<void> {
  await client.query(
    `UPDATE "DatasetImport" SET "bytesRead" = $2, "rowsRead" = "rowsRead" + $3, "rowsOk" = "rowsOk" + $4, "rowsBad" = "rowsBad" + $5,
       "rowsDuplicate" = "rowsDuplicate" + $6, "preset" = COALESCE($7, "preset"), "mapping" = COALESCE($8::jsonb, "mapping")
     WHERE "id" = $1`,
    [importId, d.bytesRead, d.rowsRead, d.rowsOk, d.rowsBad, d.rowsDuplicate, d.preset ?? null, d.mapping === undefined ? null : JSON.stringify(d.mapping)],
  );
}

/** Runs `fn` in a transaction on one client of the pool. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const out = await fn(client);
    await client.query("COMMIT");
    return out;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
