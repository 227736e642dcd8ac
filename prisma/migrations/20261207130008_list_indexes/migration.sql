-- Lists that grow (issue #13): the review queue's order per dataset, and the playground run history
-- (keyset pages of "mine", trigram search of the question where pg_trgm exists — see 20261207122257).

-- CreateIndex
CREATE INDEX "CuratedTrajectory_datasetId_createdAt_id_idx" ON "CuratedTrajectory"("datasetId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "InferenceRun_workspaceId_createdById_createdAt_idx" ON "InferenceRun"("workspaceId", "createdById", "createdAt");

-- CreateIndex (only with pg_trgm; search still works without it, as a scan)
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX "InferenceRun_question_trgm_idx" ON "InferenceRun" USING GIN ("question" gin_trgm_ops);
  END IF;
END $$;
