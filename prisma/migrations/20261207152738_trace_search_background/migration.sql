-- Issue #13, follow-up. (1) The reasoning's full-text vectors are built in the background: a bulk insert into
-- "Trace" (an import batch) only queues its rows in "TraceSearchPending"; the `index-trace-search` job
-- (server/curation/jobs/index-trace-search.ts) builds their vectors in batches. Building them in the insert
-- trigger cost the import 5-10x its throughput (to_tsvector + GIN insertion of ~500 lexemes per row).
-- (2) The trace table's sort indexes carry the filter columns after the sort key and id, so a filter on one
-- column with a sort on another is checked inside the index (Index Cond) while it is read in sort order.

-- DropIndex
DROP INDEX "Trace_datasetId_createdAt_id_idx";

-- DropIndex
DROP INDEX "Trace_datasetId_latestReduction_id_idx";

-- DropIndex
DROP INDEX "Trace_datasetId_latestSequentialTokens_id_idx";

-- DropIndex
DROP INDEX "Trace_datasetId_latestStageCount_id_idx";

-- DropIndex
DROP INDEX "Trace_datasetId_latestStatus_createdAt_id_idx";

-- DropIndex
DROP INDEX "Trace_datasetId_reasoningTokens_id_idx";

-- CreateTable
CREATE TABLE "TraceSearchPending" (
    "traceId" TEXT NOT NULL,
    "datasetId" TEXT NOT NULL,

    CONSTRAINT "TraceSearchPending_pkey" PRIMARY KEY ("traceId")
);

-- CreateIndex
CREATE INDEX "TraceSearchPending_datasetId_traceId_idx" ON "TraceSearchPending"("datasetId", "traceId");

-- CreateIndex
CREATE INDEX "Trace_list_created_idx" ON "Trace"("datasetId", "createdAt", "id", "latestStatus", "latestStageCount", "latestReduction", "reasoningTokens");

-- CreateIndex
CREATE INDEX "Trace_list_tokens_idx" ON "Trace"("datasetId", "reasoningTokens", "id", "latestStatus", "latestStageCount", "latestReduction");

-- CreateIndex
CREATE INDEX "Trace_list_status_created_idx" ON "Trace"("datasetId", "latestStatus", "createdAt", "id", "latestStageCount", "latestReduction", "reasoningTokens");

-- CreateIndex
CREATE INDEX "Trace_list_stages_idx" ON "Trace"("datasetId", "latestStageCount", "id", "latestStatus", "latestReduction", "reasoningTokens");

-- CreateIndex
CREATE INDEX "Trace_list_reduction_idx" ON "Trace"("datasetId", "latestReduction", "id", "latestStatus", "latestStageCount", "reasoningTokens");

-- CreateIndex
CREATE INDEX "Trace_list_sequential_idx" ON "Trace"("datasetId", "latestSequentialTokens", "id", "latestStatus", "latestStageCount", "latestReduction", "reasoningTokens");

-- ── background indexing of the reasoning ──────────────────────────────────────────────────────────────────
-- A statement inserting at most 10 traces (a pasted trace, a playground run sent to the studio, a test) is
-- indexed at once, as before; a larger one (an import batch, the seed) queues its rows.
CREATE OR REPLACE FUNCTION "sprint_trace_search_insert"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 11) x) <= 10 THEN
    INSERT INTO "TraceSearch" ("traceId", "datasetId", "vector")
    SELECT n.id, n."datasetId", to_tsvector('simple'::regconfig, left(n.reasoning, 262144)) FROM new_rows n;
  ELSE
    INSERT INTO "TraceSearchPending" ("traceId", "datasetId") SELECT n.id, n."datasetId" FROM new_rows n;
  END IF;
  RETURN NULL;
END
$fn$;

-- A changed reasoning (or a trace moved to another dataset) is re-indexed in the same statement (row trigger,
-- only for UPDATEs that set these columns; no code path of the app rewrites reasoning in bulk), and leaves
-- the queue if it was still waiting there.
CREATE OR REPLACE FUNCTION "sprint_trace_search_update"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO "TraceSearch" ("traceId", "datasetId", "vector")
  VALUES (NEW.id, NEW."datasetId", to_tsvector('simple'::regconfig, left(NEW.reasoning, 262144)))
  ON CONFLICT ("traceId") DO UPDATE SET "datasetId" = EXCLUDED."datasetId", "vector" = EXCLUDED."vector";
  DELETE FROM "TraceSearchPending" WHERE "traceId" = NEW.id;
  RETURN NULL;
END
$fn$;

-- Deleted traces leave the queue (TraceSearch rows go by their foreign key's cascade).
CREATE FUNCTION "sprint_trace_search_delete"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM "TraceSearchPending" p USING old_rows o WHERE p."traceId" = o.id;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER "Trace_search_delete" AFTER DELETE ON "Trace"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "sprint_trace_search_delete"();

-- The search vectors of the next `lim` queued traces of a dataset, built and stored in one statement that also
-- removes them from the queue (atomic; SKIP LOCKED lets two jobs share a queue). Returns how many it indexed.
-- Each statement reads the reasoning as of its own snapshot; a reasoning changed meanwhile is re-indexed by
-- the update trigger, which also runs after this statement's queue row is gone.
CREATE FUNCTION "sprint_index_pending_traces"(dataset text, lim integer) RETURNS integer
  LANGUAGE sql VOLATILE AS $fn$
  WITH picked AS (
    DELETE FROM "TraceSearchPending" p WHERE p."traceId" IN (
      SELECT q."traceId" FROM "TraceSearchPending" q WHERE q."datasetId" = dataset
      ORDER BY q."datasetId", q."traceId" LIMIT lim FOR UPDATE SKIP LOCKED)
    RETURNING p."traceId"
  ), stored AS (
    INSERT INTO "TraceSearch" ("traceId", "datasetId", "vector")
    SELECT t.id, t."datasetId", to_tsvector('simple'::regconfig, left(t.reasoning, 262144))
    FROM picked JOIN "Trace" t ON t.id = picked."traceId"
    ON CONFLICT ("traceId") DO UPDATE SET "datasetId" = EXCLUDED."datasetId", "vector" = EXCLUDED."vector"
    RETURNING 1
  )
  SELECT count(*)::int FROM picked
$fn$;
