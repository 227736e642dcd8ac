-- AlterTable
ALTER TABLE "FineTuneJob" DROP COLUMN "events",
ADD COLUMN     "cursors" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "error" TEXT,
ADD COLUMN     "lastPolledAt" TIMESTAMP(3),
ADD COLUMN     "method" TEXT NOT NULL DEFAULT 'full',
ADD COLUMN     "name" TEXT,
ADD COLUMN     "outputLocation" TEXT,
ADD COLUMN     "outputModel" TEXT,
ADD COLUMN     "priceEstimate" DOUBLE PRECISION,
ADD COLUMN     "providerFileId" TEXT,
ADD COLUMN     "providerId" TEXT,
ADD COLUMN     "providerStatus" TEXT,
ADD COLUMN     "resumeFrom" TEXT,
ADD COLUMN     "snapshotHash" TEXT,
ADD COLUMN     "startedAt" TIMESTAMP(3),
ADD COLUMN     "trainerTokenHash" TEXT,
ADD COLUMN     "trainerTokenRevokedAt" TIMESTAMP(3),
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ALTER COLUMN "status" SET DEFAULT 'validating';

-- AlterTable
ALTER TABLE "ModelVersion" ADD COLUMN     "artifactUri" TEXT,
ADD COLUMN     "baseModel" TEXT,
ADD COLUMN     "checkpointId" TEXT,
ADD COLUMN     "createdById" TEXT,
ADD COLUMN     "registeredModelId" TEXT,
ADD COLUMN     "servingModel" TEXT,
ADD COLUMN     "sourceKind" TEXT NOT NULL DEFAULT 'external',
ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "FineTuneProvider" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "baseUrl" TEXT,
    "apiKeyEnc" TEXT,
    "webhookSecretEnc" TEXT,
    "config" JSONB NOT NULL DEFAULT '{}',
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FineTuneProvider_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FineTuneEvent" (
    "id" SERIAL NOT NULL,
    "jobId" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "level" TEXT NOT NULL DEFAULT 'info',
    "type" TEXT NOT NULL DEFAULT 'message',
    "message" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FineTuneEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FineTuneMetric" (
    "id" SERIAL NOT NULL,
    "jobId" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "epoch" DOUBLE PRECISION,
    "trainLoss" DOUBLE PRECISION,
    "validLoss" DOUBLE PRECISION,
    "lr" DOUBLE PRECISION,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FineTuneMetric_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FineTuneCheckpoint" (
    "id" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "location" TEXT NOT NULL,
    "trainLoss" DOUBLE PRECISION,
    "validLoss" DOUBLE PRECISION,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FineTuneCheckpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RegisteredModel" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "nextVersion" INTEGER NOT NULL DEFAULT 1,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RegisteredModel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelAlias" (
    "id" TEXT NOT NULL,
    "registeredModelId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "protected" BOOLEAN NOT NULL DEFAULT false,
    "gate" JSONB,
    "updatedById" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelAlias_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelAliasEvent" (
    "id" TEXT NOT NULL,
    "registeredModelId" TEXT NOT NULL,
    "alias" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "fromVersionId" TEXT,
    "toVersionId" TEXT,
    "actorId" TEXT,
    "note" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelAliasEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "FineTuneProvider_workspaceId_name_key" ON "FineTuneProvider"("workspaceId", "name");

-- CreateIndex
CREATE INDEX "FineTuneEvent_jobId_id_idx" ON "FineTuneEvent"("jobId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "FineTuneEvent_jobId_sourceKey_key" ON "FineTuneEvent"("jobId", "sourceKey");

-- CreateIndex
CREATE INDEX "FineTuneMetric_jobId_id_idx" ON "FineTuneMetric"("jobId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "FineTuneMetric_jobId_step_key" ON "FineTuneMetric"("jobId", "step");

-- CreateIndex
CREATE UNIQUE INDEX "FineTuneCheckpoint_jobId_location_key" ON "FineTuneCheckpoint"("jobId", "location");

-- CreateIndex
CREATE UNIQUE INDEX "RegisteredModel_workspaceId_name_key" ON "RegisteredModel"("workspaceId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "ModelAlias_registeredModelId_name_key" ON "ModelAlias"("registeredModelId", "name");

-- CreateIndex
CREATE INDEX "ModelAliasEvent_registeredModelId_at_idx" ON "ModelAliasEvent"("registeredModelId", "at");

-- CreateIndex
CREATE INDEX "FineTuneJob_status_idx" ON "FineTuneJob"("status");

-- CreateIndex
CREATE UNIQUE INDEX "FineTuneJob_trainerTokenHash_key" ON "FineTuneJob"("trainerTokenHash");

-- AddForeignKey
ALTER TABLE "FineTuneProvider" ADD CONSTRAINT "FineTuneProvider_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FineTuneJob" ADD CONSTRAINT "FineTuneJob_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "FineTuneProvider"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FineTuneEvent" ADD CONSTRAINT "FineTuneEvent_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "FineTuneJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FineTuneMetric" ADD CONSTRAINT "FineTuneMetric_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "FineTuneJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FineTuneCheckpoint" ADD CONSTRAINT "FineTuneCheckpoint_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "FineTuneJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RegisteredModel" ADD CONSTRAINT "RegisteredModel_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelVersion" ADD CONSTRAINT "ModelVersion_registeredModelId_fkey" FOREIGN KEY ("registeredModelId") REFERENCES "RegisteredModel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelVersion" ADD CONSTRAINT "ModelVersion_checkpointId_fkey" FOREIGN KEY ("checkpointId") REFERENCES "FineTuneCheckpoint"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelAlias" ADD CONSTRAINT "ModelAlias_registeredModelId_fkey" FOREIGN KEY ("registeredModelId") REFERENCES "RegisteredModel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelAlias" ADD CONSTRAINT "ModelAlias_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelAliasEvent" ADD CONSTRAINT "ModelAliasEvent_registeredModelId_fkey" FOREIGN KEY ("registeredModelId") REFERENCES "RegisteredModel"("id") ON DELETE CASCADE ON UPDATE CASCADE;
