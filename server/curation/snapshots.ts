/**
 * Dataset snapshots: an immutable, numbered freeze of a dataset's curated trajectories (the latest kept
 * trajectory per trace, or only approved ones), with a manifest; downloads render SFT JSONL on demand in any
 * of the core's export formats (deterministic, so the same snapshot always yields the same bytes).
 */
import { z } from "zod";
import type { PrismaClient } from "../db/client";
import { recordAudit } from "../audit";
import { ServiceError, requireRole, type Actor } from "../service-error";
import { datasetIn } from "./datasets";
import { parseTrajectory } from "../sprint/format";
import { buildExport, type ExportFormat, type ExportResult } from "../sprint/export";
import { loadQwenTokenizer } from "../sprint/tokenizer";

export type SnapshotSource = "kept" | "approved";

export class SnapshotError extends Error {}

export async function createSnapshot(db: PrismaClient, args: { datasetId: string; userId: string; source: SnapshotSource; note?: string }) {
  // Latest trajectory per trace among the eligible ones.
  const rows = await db.curatedTrajectory.findMany({
    where: {
      datasetId: args.datasetId,
      curationStatus: "kept",
      text: { not: null },
      ...(args.source === "approved" ? { reviewStatus: "approved" } : {}),
    },
    orderBy: [{ traceId: "asc" }, { updatedAt: "desc" }],
    distinct: ["traceId"],
    select: { id: true, traceId: true, text: true, sequentialTokens: true, totalTokens: true, stageCount: true, trace: { select: { question: true } } },
  });
  if (rows.length === 0) {
    throw new SnapshotError(
      args.source === "approved"
        ? "No approved trajectories yet: review some, or snapshot the kept ones."
        : "No kept trajectories yet: run the curation pipeline first.",
    );
  }
  const tokenizer = await loadQwenTokenizer();
  const exported = render(
    rows.map((r) => ({ id: r.traceId, question: r.trace.question, text: r.text! })),
    "messages",
    tokenizer,
  );
  const splitOf = new Map(exported.samples.map((s) => [s.id, s.split] as const));
  return db.$transaction(async (tx) => {
    const last = await tx.datasetSnapshot.findFirst({ where: { datasetId: args.datasetId }, orderBy: { number: "desc" }, select: { number: true } });
    const snapshot = await tx.datasetSnapshot.create({
      data: {
        datasetId: args.datasetId,
        number: (last?.number ?? 0) + 1,
        createdById: args.userId,
        itemCount: rows.length,
        manifest: { source: args.source, note: args.note ?? null, ...JSON.parse(exported.manifestJson) },
      },
    });
    await tx.snapshotItem.createMany({
      data: rows.map((r) => ({
        snapshotId: snapshot.id,
        trajectoryId: r.id,
        traceId: r.traceId,
        split: splitOf.get(r.traceId) ?? "train",
        question: r.trace.question,
        text: r.text!,
        sequentialTokens: r.sequentialTokens,
        totalTokens: r.totalTokens,
        stageCount: r.stageCount,
      })),
    });
    return snapshot;
  });
}

function render(items: { id: string; question: string; text: string }[], format: ExportFormat, tokenizer: Parameters<typeof buildExport>[1]["tokenizer"]): ExportResult {
  return buildExport(
    items.map((i) => ({ id: i.id, question: i.question, trajectory: parseTrajectory(i.text, { strict: false }).trajectory })),
    { format, tokenizer, seed: "sprint", testRatio: 0.1 },
  );
}

/** The JSONL of a snapshot in one format: `split` train, test, or all (train then test). */
export async function renderSnapshot(db: PrismaClient, snapshotId: string, format: ExportFormat, split: "train" | "test" | "all") {
  const items = await db.snapshotItem.findMany({ where: { snapshotId }, orderBy: { traceId: "asc" }, select: { traceId: true, question: true, text: true } });
  const tokenizer = await loadQwenTokenizer();
  const result = render(items.map((i) => ({ id: i.traceId, question: i.question, text: i.text })), format, tokenizer);
  const files = result.files.filter((f) => split === "all" || f.split === split);
  return { content: files.map((f) => f.content).join(""), rows: files.reduce((n, f) => n + f.rows, 0), manifest: result.manifest };
}

// ───────────────────────────── service interface (routers, route handlers) ─────────────────────────────

export const snapshotsOfDatasetInput = z.object({ datasetId: z.string() });
export const createSnapshotInput = z.object({ datasetId: z.string(), source: z.enum(["kept", "approved"]).default("kept"), note: z.string().max(500).optional() });

export async function listSnapshots(db: PrismaClient, actor: Actor, input: z.infer<typeof snapshotsOfDatasetInput>) {
  return db.datasetSnapshot.findMany({
    where: { datasetId: input.datasetId, dataset: { workspaceId: actor.workspaceId } },
    orderBy: { number: "desc" },
    select: { id: true, number: true, itemCount: true, manifest: true, createdAt: true },
  });
}

export async function createSnapshotFor(db: PrismaClient, actor: Actor, input: z.output<typeof createSnapshotInput>) {
  requireRole(actor, "curator");
  const ds = await datasetIn(db, actor, input.datasetId);
  try {
    const snap = await createSnapshot(db, { datasetId: ds.id, userId: actor.userId, source: input.source, note: input.note });
    await recordAudit(db, actor, "snapshot.create", { type: "snapshot", id: snap.id }, { number: snap.number, items: snap.itemCount });
    return { id: snap.id, number: snap.number, itemCount: snap.itemCount };
  } catch (err) {
    if (err instanceof SnapshotError) throw new ServiceError("BAD_REQUEST", err.message);
    throw err;
  }
}

/** A snapshot with its dataset's name and workspace (for the download route's membership gate), or null. */
export async function findSnapshot(db: PrismaClient, snapshotId: string) {
  const snap = await db.datasetSnapshot.findUnique({ where: { id: snapshotId }, include: { dataset: { select: { name: true, workspaceId: true } } } });
  return snap && { ...snap, workspaceId: snap.dataset.workspaceId };
}
