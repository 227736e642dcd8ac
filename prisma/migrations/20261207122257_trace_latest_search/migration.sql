-- The studio at 100k traces (issue #13): the latest curated trajectory of each trace denormalized onto "Trace"
-- (kept by statement-level triggers, so no list query needs a per-row lateral join), keyset indexes for every
-- sort and filter of the trace table, and search indexes (pg_trgm trigram for question / external id, full
-- text for the reasoning).

-- DropIndex
DROP INDEX "CuratedTrajectory_traceId_idx";

-- DropIndex
DROP INDEX "Trace_datasetId_createdAt_idx";

-- DropIndex
DROP INDEX "Trace_datasetId_reasoningTokens_idx";

-- AlterTable
ALTER TABLE "Trace" ADD COLUMN     "latestReason" TEXT,
ADD COLUMN     "latestReduction" DOUBLE PRECISION,
ADD COLUMN     "latestReviewStatus" "ReviewStatus",
ADD COLUMN     "latestSequentialTokens" INTEGER,
ADD COLUMN     "latestStageCount" INTEGER,
ADD COLUMN     "latestStatus" "CurationStatus",
ADD COLUMN     "latestTotalTokens" INTEGER,
ADD COLUMN     "latestTrajectoryId" TEXT;

-- CreateIndex
CREATE INDEX "CuratedTrajectory_traceId_createdAt_id_idx" ON "CuratedTrajectory"("traceId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Trace_datasetId_createdAt_id_idx" ON "Trace"("datasetId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Trace_datasetId_reasoningTokens_id_idx" ON "Trace"("datasetId", "reasoningTokens", "id");

-- CreateIndex
CREATE INDEX "Trace_datasetId_latestStatus_createdAt_id_idx" ON "Trace"("datasetId", "latestStatus", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Trace_datasetId_latestStageCount_id_idx" ON "Trace"("datasetId", "latestStageCount", "id");

-- CreateIndex
CREATE INDEX "Trace_datasetId_latestReduction_id_idx" ON "Trace"("datasetId", "latestReduction", "id");

-- CreateIndex
CREATE INDEX "Trace_datasetId_latestSequentialTokens_id_idx" ON "Trace"("datasetId", "latestSequentialTokens", "id");

-- Trigram indexes need the pg_trgm extension (shipped with Postgres contrib and with PGlite, which loads it in
-- server/db/embedded.ts). Where it cannot be created (a server without contrib, no privilege) the migration
-- still succeeds: search falls back to a scan and the UI says so (server/curation/traces.ts searchSupport).
DO $$
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm is not available (%): trace search will scan instead of using a trigram index', SQLERRM;
  END;
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX "Trace_question_trgm_idx" ON "Trace" USING GIN ("question" gin_trgm_ops);
    CREATE INDEX "Trace_externalId_trgm_idx" ON "Trace" USING GIN ("externalId" gin_trgm_ops);
  END IF;
END $$;

-- Full-text search of the reasoning (its first 256K characters: a tsvector is limited to 1 MB), with the
-- 'simple' configuration (lower-cased words, no stemming: 2.4x cheaper to build than 'english', which
-- matters at import; queries match word prefixes instead), in a table of
-- its own (see schema.prisma TraceSearch), kept by triggers on "Trace": one INSERT per statement (an import
-- batch), and a row-level update when a reasoning changes. Deleted with its trace (FK cascade).
CREATE TABLE "TraceSearch" (
    "traceId" TEXT NOT NULL,
    "datasetId" TEXT NOT NULL,
    "vector" tsvector,

    CONSTRAINT "TraceSearch_pkey" PRIMARY KEY ("traceId")
);
CREATE INDEX "TraceSearch_vector_idx" ON "TraceSearch" USING GIN ("vector");
ALTER TABLE "TraceSearch" ADD CONSTRAINT "TraceSearch_traceId_fkey" FOREIGN KEY ("traceId") REFERENCES "Trace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE FUNCTION "sprint_trace_search_insert"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO "TraceSearch" ("traceId", "datasetId", "vector")
  SELECT n.id, n."datasetId", to_tsvector('simple'::regconfig, left(n.reasoning, 262144)) FROM new_rows n;
  RETURN NULL;
END
$fn$;
CREATE FUNCTION "sprint_trace_search_update"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO "TraceSearch" ("traceId", "datasetId", "vector")
  VALUES (NEW.id, NEW."datasetId", to_tsvector('simple'::regconfig, left(NEW.reasoning, 262144)))
  ON CONFLICT ("traceId") DO UPDATE SET "datasetId" = EXCLUDED."datasetId", "vector" = EXCLUDED."vector";
  RETURN NULL;
END
$fn$;
CREATE TRIGGER "Trace_search_insert" AFTER INSERT ON "Trace"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "sprint_trace_search_insert"();
CREATE TRIGGER "Trace_search_update" AFTER UPDATE OF "reasoning", "datasetId" ON "Trace"
  FOR EACH ROW WHEN (OLD.reasoning IS DISTINCT FROM NEW.reasoning OR OLD."datasetId" IS DISTINCT FROM NEW."datasetId")
  EXECUTE FUNCTION "sprint_trace_search_update"();
INSERT INTO "TraceSearch" ("traceId", "datasetId", "vector")
SELECT id, "datasetId", to_tsvector('simple'::regconfig, left(reasoning, 262144)) FROM "Trace";

-- The traces of a dataset whose reasoning matches a text-search query (built by server/curation/traces.ts),
-- always through the GIN index: the planner underestimates reading the toasted vectors and would
-- otherwise scan the table (~6 ms per 1,000 rows). A function with a SET clause is never inlined, so the
-- setting applies to this lookup only; the caller gets a set of ids to probe.
CREATE FUNCTION "sprint_reasoning_matches"(dataset text, query tsquery) RETURNS SETOF text
  LANGUAGE sql STABLE ROWS 1000 SET enable_seqscan = off AS $fn$
  SELECT s."traceId" FROM "TraceSearch" s WHERE s.vector @@ query AND s."datasetId" = dataset
$fn$;

-- The latest trajectory of each trace whose trajectories a statement inserted, updated or deleted, written onto
-- the trace in the same statement (AFTER … FOR EACH STATEMENT with transition tables: one pass per statement,
-- also for a 500-row import batch). The traces are locked in id order first, then the latest row is read with
-- a fresh snapshot, so two transactions adding trajectories to the same trace cannot leave a stale value.
-- Rows whose denormalized values did not change are not rewritten.
CREATE FUNCTION "sprint_sync_trace_latest"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  ids text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT "traceId") INTO ids FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT "traceId") INTO ids FROM old_rows;
  ELSE
    SELECT array_agg(DISTINCT x."traceId") INTO ids FROM (SELECT "traceId" FROM new_rows UNION SELECT "traceId" FROM old_rows) x;
  END IF;
  IF ids IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM 1 FROM "Trace" WHERE id = ANY (ids) ORDER BY id FOR UPDATE;
  UPDATE "Trace" t SET
    "latestTrajectoryId" = l.id,
    "latestStatus" = l."curationStatus",
    "latestReviewStatus" = l."reviewStatus",
    "latestReason" = l.reason,
    "latestStageCount" = l."stageCount",
    "latestSequentialTokens" = l."sequentialTokens",
    "latestTotalTokens" = l."totalTokens",
    "latestReduction" = l.reduction
  FROM (
    SELECT tr.id AS "traceId", c.id, c."curationStatus", c."reviewStatus", c.reason, c."stageCount", c."sequentialTokens", c."totalTokens",
      CASE WHEN jsonb_typeof(c.metrics -> 'reduction') = 'number' THEN (c.metrics ->> 'reduction')::double precision END AS reduction
    FROM unnest(ids) AS tr(id)
    LEFT JOIN LATERAL (
      SELECT ct.* FROM "CuratedTrajectory" ct WHERE ct."traceId" = tr.id ORDER BY ct."createdAt" DESC, ct.id DESC LIMIT 1
    ) c ON true
  ) l
  WHERE t.id = l."traceId"
    AND (t."latestTrajectoryId", t."latestStatus", t."latestReviewStatus", t."latestReason", t."latestStageCount",
         t."latestSequentialTokens", t."latestTotalTokens", t."latestReduction")
        IS DISTINCT FROM
        (l.id, l."curationStatus", l."reviewStatus", l.reason, l."stageCount", l."sequentialTokens", l."totalTokens", l.reduction);
  RETURN NULL;
END
$fn$;

CREATE TRIGGER "CuratedTrajectory_latest_insert" AFTER INSERT ON "CuratedTrajectory"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "sprint_sync_trace_latest"();
CREATE TRIGGER "CuratedTrajectory_latest_update" AFTER UPDATE ON "CuratedTrajectory"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "sprint_sync_trace_latest"();
CREATE TRIGGER "CuratedTrajectory_latest_delete" AFTER DELETE ON "CuratedTrajectory"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "sprint_sync_trace_latest"();

-- Backfill from the existing trajectories.
UPDATE "Trace" t SET
  "latestTrajectoryId" = l.id,
  "latestStatus" = l."curationStatus",
  "latestReviewStatus" = l."reviewStatus",
  "latestReason" = l.reason,
  "latestStageCount" = l."stageCount",
  "latestSequentialTokens" = l."sequentialTokens",
  "latestTotalTokens" = l."totalTokens",
  "latestReduction" = l.reduction
FROM (
  SELECT DISTINCT ON ("traceId") "traceId", id, "curationStatus", "reviewStatus", reason, "stageCount", "sequentialTokens", "totalTokens",
    CASE WHEN jsonb_typeof(metrics -> 'reduction') = 'number' THEN (metrics ->> 'reduction')::double precision END AS reduction
  FROM "CuratedTrajectory"
  ORDER BY "traceId", "createdAt" DESC, id DESC
) l
WHERE t.id = l."traceId";
