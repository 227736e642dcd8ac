-- CreateTable
CREATE TABLE "Benchmark" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "itemCount" INTEGER NOT NULL,
    "seed" TEXT,
    "config" JSONB,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Benchmark_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BenchmarkItem" (
    "id" TEXT NOT NULL,
    "benchmarkId" TEXT NOT NULL,
    "idx" INTEGER NOT NULL,
    "problemId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "answer" TEXT NOT NULL,
    "data" JSONB,

    CONSTRAINT "BenchmarkItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EvalRun" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "benchmarkId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "modelVersionId" TEXT,
    "endpointId" TEXT,
    "model" TEXT,
    "params" JSONB,
    "samples" INTEGER NOT NULL DEFAULT 1,
    "status" "RunStatus" NOT NULL DEFAULT 'queued',
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "EvalRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EvalResult" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "sample" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "verdict" TEXT,
    "autoVerdict" TEXT,
    "decidedBy" TEXT,
    "extracted" TEXT,
    "reason" TEXT,
    "output" TEXT,
    "format" TEXT,
    "sequentialTokens" INTEGER,
    "totalTokens" INTEGER,
    "rounds" INTEGER,
    "wallMs" INTEGER,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "EvalResult_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EvalDecision" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "gold" TEXT NOT NULL,
    "extracted" TEXT NOT NULL,
    "verdict" TEXT NOT NULL,
    "decidedById" TEXT,
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EvalDecision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Benchmark_workspaceId_contentHash_idx" ON "Benchmark"("workspaceId", "contentHash");

-- CreateIndex
CREATE UNIQUE INDEX "Benchmark_workspaceId_name_version_key" ON "Benchmark"("workspaceId", "name", "version");

-- CreateIndex
CREATE INDEX "BenchmarkItem_benchmarkId_idx_idx" ON "BenchmarkItem"("benchmarkId", "idx");

-- CreateIndex
CREATE UNIQUE INDEX "BenchmarkItem_benchmarkId_problemId_key" ON "BenchmarkItem"("benchmarkId", "problemId");

-- CreateIndex
CREATE INDEX "EvalRun_workspaceId_createdAt_idx" ON "EvalRun"("workspaceId", "createdAt");

-- CreateIndex
CREATE INDEX "EvalRun_endpointId_status_idx" ON "EvalRun"("endpointId", "status");

-- CreateIndex
CREATE INDEX "EvalResult_runId_status_idx" ON "EvalResult"("runId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "EvalResult_runId_itemId_sample_key" ON "EvalResult"("runId", "itemId", "sample");

-- CreateIndex
CREATE UNIQUE INDEX "EvalDecision_workspaceId_key_key" ON "EvalDecision"("workspaceId", "key");

-- AddForeignKey
ALTER TABLE "Benchmark" ADD CONSTRAINT "Benchmark_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BenchmarkItem" ADD CONSTRAINT "BenchmarkItem_benchmarkId_fkey" FOREIGN KEY ("benchmarkId") REFERENCES "Benchmark"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EvalRun" ADD CONSTRAINT "EvalRun_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EvalRun" ADD CONSTRAINT "EvalRun_benchmarkId_fkey" FOREIGN KEY ("benchmarkId") REFERENCES "Benchmark"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EvalResult" ADD CONSTRAINT "EvalResult_runId_fkey" FOREIGN KEY ("runId") REFERENCES "EvalRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EvalResult" ADD CONSTRAINT "EvalResult_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "BenchmarkItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EvalDecision" ADD CONSTRAINT "EvalDecision_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
