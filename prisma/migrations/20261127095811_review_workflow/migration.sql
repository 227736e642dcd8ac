-- AlterTable
ALTER TABLE "Comment" ADD COLUMN     "mentions" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "resolvedById" TEXT,
ADD COLUMN     "trajectoryVersion" INTEGER;

-- AlterTable
ALTER TABLE "CuratedTrajectory" ADD COLUMN     "adjudicated" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "decidedAt" TIMESTAMP(3),
ADD COLUMN     "decidedById" TEXT,
ADD COLUMN     "decisionNote" TEXT;

-- AlterTable
ALTER TABLE "Review" ADD COLUMN     "assignedById" TEXT,
ADD COLUMN     "note" TEXT,
ADD COLUMN     "startedAt" TIMESTAMP(3),
ADD COLUMN     "trajectoryVersion" INTEGER;

-- AlterTable
ALTER TABLE "TrajectoryVersion" ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'edit',
ADD COLUMN     "restoredFrom" INTEGER,
ADD COLUMN     "sequentialTokens" INTEGER,
ADD COLUMN     "stageCount" INTEGER,
ADD COLUMN     "text" TEXT,
ADD COLUMN     "totalTokens" INTEGER;

-- CreateIndex
CREATE INDEX "Review_trajectoryId_idx" ON "Review"("trajectoryId");
