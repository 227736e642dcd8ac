/**
 * Training data of a fine-tune: a dataset snapshot rendered in the provider's format (server/sprint/export.ts),
 * its content hash (lineage), and temp files for SDKs whose upload takes a path.
 */
import crypto from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { PrismaClient } from "../db/client";
import { renderSnapshot } from "../curation/snapshots";
import type { ExportFormat } from "../sprint/export";

/**
 * Content hash of a snapshot, independent of the export format: SHA-256 over its frozen items in trace order
 * (trace id, split, trajectory text). Two snapshots with equal hashes train on identical data.
 */
export async function snapshotContentHash(db: PrismaClient, snapshotId: string): Promise<string> {
  const items = await db.snapshotItem.findMany({ where: { snapshotId }, orderBy: { traceId: "asc" }, select: { traceId: true, split: true, text: true } });
  const h = crypto.createHash("sha256");
  for (const i of items) h.update(`${i.traceId}\u0000${i.split}\u0000${i.text}\u0001`);
  return `sha256:${h.digest("hex")}`;
}

/** Renders the snapshot's train (and test, when not empty) split in `format`. */
export async function renderTrainingData(db: PrismaClient, snapshotId: string, format: ExportFormat) {
  const train = await renderSnapshot(db, snapshotId, format, "train");
  const test = await renderSnapshot(db, snapshotId, format, "test");
  return { train: train.content, trainRows: train.rows, test: test.rows > 0 ? test.content : null, testRows: test.rows };
}

/** Writes the data to a private temp directory; `cleanup()` removes it. */
export async function writeTempFiles(data: { train: string; test: string | null }): Promise<{ train: string; valid?: string; cleanup(): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "sprint-ft-"));
  const train = path.join(dir, "train.jsonl");
  await fs.writeFile(train, data.train, { mode: 0o600 });
  let valid: string | undefined;
  if (data.test) {
    valid = path.join(dir, "valid.jsonl");
    await fs.writeFile(valid, data.test, { mode: 0o600 });
  }
  return { train, ...(valid ? { valid } : {}), cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}
