-- CreateTable
CREATE TABLE "SnapshotItem" (
    "id" TEXT NOT NULL,
    "snapshotId" TEXT NOT NULL,
    "trajectoryId" TEXT NOT NULL,
    "traceId" TEXT NOT NULL,
    "split" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "sequentialTokens" INTEGER,
    "totalTokens" INTEGER,
    "stageCount" INTEGER,

    CONSTRAINT "SnapshotItem_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SnapshotItem_snapshotId_id_idx" ON "SnapshotItem"("snapshotId", "id");

-- AddForeignKey
ALTER TABLE "SnapshotItem" ADD CONSTRAINT "SnapshotItem_snapshotId_fkey" FOREIGN KEY ("snapshotId") REFERENCES "DatasetSnapshot"("id") ON DELETE CASCADE ON UPDATE CASCADE;
