/**
 * `runImport`: streams an uploaded file into a dataset, in batches, and keeps its `DatasetImport` row
 * up to date (the UI polls it).
 *
 * Per batch (~500 rows, or ~8 MB of text, whichever comes first): every record is mapped with the preset
 * (presets.ts) and validated; its content hash is sha256(question + "\n" + reasoning) (the same as the
 * seed's). Duplicates within the file and rows already in the dataset are skipped and reported; new rows
 * are inserted with one SQL statement per batch (bulk.ts: `INSERT … SELECT FROM jsonb_to_recordset … ON
 * CONFLICT DO NOTHING RETURNING` over node-postgres — rows already in the dataset, also those a concurrent
 * import just added, are skipped and reported as duplicates, no extra lookup needed); curated rows (`sprint` preset) get their
 * `CuratedTrajectory`; invalid and duplicate lines become `ImportIssue` rows; counters and bytesRead are
 * updated — all in one transaction, so the counters always match the rows.
 *
 * Cancellation is observed between batches: the import row's status set to `cancelled` (tRPC
 * `imports.cancel`) or `signal` aborted (the client went away). Rows of batches already written stay.
 * Bad input loses nothing else: a line that cannot be parsed, is nested too deeply, or holds text Postgres
 * cannot store (NUL, unpaired surrogates: storable.ts) is an `ImportIssue` of its own; if a batch write
 * still fails, its rows are written one by one and only the failing ones become issues. An unexpected
 * error is logged with a reference and the user sees a plain sentence, never the raw database/JS message.
 * The import ends `succeeded`, `failed` (with the error) or `cancelled`, with finishedAt. Uploading the
 * same file again inserts nothing: every row is reported as a duplicate. When rows were added, a
 * `recount-tokens` task is queued for the dataset (token counts are computed in the background), and an
 * `index-trace-search` task builds the full-text index of the new reasonings (search-index.ts).
 */
import { createHash } from "node:crypto";
import type pg from "pg";
import type { PrismaClient } from "../../db/client";
import { addCounters, fillMissingQuestions, importPool, inTransaction, insertCurated, insertIssues, insertTraces, type CounterDelta, type CuratedRow } from "./bulk";
import { curatedColumns } from "./curated";
import { newId } from "./ids";
import { detectPreset, mapRecord, presetMapping, type FieldMapping, type MappedTrace, type PresetChoice, type PresetId } from "./presets";
import { excerptOf, readRecords, type ReaderOptions } from "./reader";
import { findUnstorable, storableText } from "./storable";

export type ImportStatus = "succeeded" | "failed" | "cancelled";

export interface ImportSummary {
  importId: string;
  status: ImportStatus;
  preset: PresetId | null;
  bytesRead: number;
  rowsRead: number;
  rowsOk: number;
  rowsBad: number;
  rowsDuplicate: number;
  error?: string;
  /** The queued `recount-tokens` task, when rows were added. */
  taskId?: string;
  /** The queued `index-trace-search` task, when rows were added. */
  searchTaskId?: string;
  /** Something that went wrong after the rows were stored (e.g. the token job could not be queued). */
  warning?: string;
}

export interface ImportProgress {
  bytesRead: number;
  rowsRead: number;
  rowsOk: number;
  rowsBad: number;
  rowsDuplicate: number;
}

/** Queues a dataset's background job after an import (the token count, the search index). */
export type EnqueueDatasetJob = (args: { workspaceId: string; datasetId: string; createdById: string | null }) => Promise<{ id: string }>;
export type EnqueueRecount = EnqueueDatasetJob;

export interface RunImportArgs {
  db: PrismaClient;
  /** The `DatasetImport` row, created (status running) by the caller. */
  importId: string;
  datasetId: string;
  workspaceId: string;
  userId: string | null;
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  preset: PresetChoice;
  mapping?: FieldMapping;
  signal?: AbortSignal;
  /** Connection pool for the batch writes (bulk.ts); default: the process-wide import pool on DATABASE_URL. */
  pool?: pg.Pool;
  /** Rows per batch (default 500). */
  batchSize?: number;
  /** Characters of text per batch before it is written early (default 8M). */
  batchChars?: number;
  reader?: ReaderOptions;
  /** Queues the token count; default: `recount-tokens` via server/jobs/queue.ts. null: never. */
  enqueueRecount?: EnqueueRecount | null;
  /** Queues the reasoning's search index; default: `index-trace-search` via server/jobs/queue.ts. null: never. */
  enqueueSearchIndex?: EnqueueDatasetJob | null;
  onProgress?: (p: ImportProgress) => void;
}

/** The content hash of a trace: SHA-256 (hex) of question + "\n" + reasoning, UTF-8. */
export function contentHash(question: string, reasoning: string): string {
  return createHash("sha256").update(question).update("\n").update(reasoning).digest("hex");
}

/** `DatasetImport` counters are int4. */
const INT_MAX = 2_147_483_647;
const clampInt = (n: number) => Math.min(INT_MAX, n);
/** Within-file duplicate detection remembers this many hashes with their line (then: "already in the dataset"). */
const SEEN_LIMIT = 1_000_000;
const MAX_ISSUES_PER_BATCH = 2000;

interface Pending {
  line: number;
  hash: string;
  row: MappedTrace;
  excerpt: string;
}
interface Issue {
  line: number;
  kind: "invalid" | "duplicate";
  reason: string;
  excerpt: string | null;
}

class Cancelled extends Error {}
/** The upload stream broke (client gone, connection reset). */
class SourceError extends Error {}

const defaultEnqueue: EnqueueRecount = async ({ workspaceId, datasetId, createdById }) => {
  const [{ enqueueTask }, { recountTokensJob }] = await Promise.all([import("../../jobs/queue"), import("../jobs/recount-tokens")]);
  return enqueueTask({ kind: recountTokensJob, workspaceId, createdById, input: { datasetId, onlyMissing: true } });
};

const defaultEnqueueSearchIndex: EnqueueDatasetJob = async ({ workspaceId, datasetId, createdById }) => {
  const [{ enqueueTask }, { indexTraceSearchJob }] = await Promise.all([import("../../jobs/queue"), import("../jobs/index-trace-search")]);
  return enqueueTask({ kind: indexTraceSearchJob, workspaceId, createdById, input: { datasetId } });
};

function errorText(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const line = msg.split("\n").find((l) => l.trim() !== "") ?? "Unknown error";
  return storableText(line.length > 500 ? `${line.slice(0, 500)}…` : line);
}

/** Logs an unexpected error with a short reference the user can quote; returns the reference. */
function logInternal(importId: string, where: string, err: unknown): string {
  const ref = `${importId.slice(-6)}-${Date.now().toString(36).slice(-4)}`;
  console.error(`[import] ${where} (import ${importId}, ref ${ref}):`, err);
  return ref;
}

async function* counting(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, onBytes: (n: number) => void): AsyncGenerator<Uint8Array> {
  const it = (Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]()) as AsyncIterator<Uint8Array> | Iterator<Uint8Array>;
  try {
    for (;;) {
      let r: IteratorResult<Uint8Array>;
      try {
        r = await it.next();
      } catch (err) {
        throw new SourceError(errorText(err));
      }
      if (r.done) return;
      onBytes(r.value.length);
      yield r.value;
    }
  } finally {
    await Promise.resolve(it.return?.()).catch(() => undefined);
  }
}

/** "reasoning" → "The reasoning", "metadata.x.0" → "The field metadata.x.0". */
function describeField(path: string): string {
  const top = path.split(".")[0];
  return path === top && ["question", "reasoning", "referenceAnswer", "referenceSolution", "sourceModel", "externalId"].includes(path)
    ? `The ${path.replace(/^reference/, "reference ").toLowerCase()}`
    : `The field ${path}`;
}

/** Imports a stream of JSONL / JSON-array bytes into a dataset. Never throws for bad input or a failed import: see `status`. */
export async function runImport(args: RunImportArgs): Promise<ImportSummary> {
  const { db, importId, datasetId, workspaceId, signal } = args;
  const batchSize = args.batchSize ?? 500;
  const batchChars = args.batchChars ?? 8_000_000;
  const mapping = args.mapping ?? {};
  let pool = args.pool;
  let preset: PresetId | null = args.preset === "auto" ? null : args.preset;
  let presetDirty = false;

  let bytesRead = 0;
  const totals: ImportProgress = { bytesRead: 0, rowsRead: 0, rowsOk: 0, rowsBad: 0, rowsDuplicate: 0 };
  const seen = new Map<string, number>();
  let pending: Pending[] = [];
  let pendingChars = 0;
  let issues: Issue[] = [];
  let batchRead = 0;

  const cancelledInDb = async (): Promise<boolean> => {
    const row = await db.datasetImport.findUnique({ where: { id: importId }, select: { status: true } });
    return !row || row.status === "cancelled";
  };

  // One batch is written while the next one is read and mapped (Node and Postgres work in parallel);
  // at most one write is in flight.
  let inflight: Promise<void> | null = null;
  const settle = async (): Promise<void> => {
    const w = inflight;
    inflight = null;
    if (w) await w;
  };

  const flush = async (): Promise<void> => {
    await settle();
    if (signal?.aborted) throw new Cancelled();
    if (await cancelledInDb()) throw new Cancelled();
    const batch = pending;
    const batchIssues = issues;
    const read = batchRead;
    const bytesAtFlush = bytesRead;
    const detected = presetDirty && preset ? preset : null;
    presetDirty = false;
    pending = [];
    pendingChars = 0;
    issues = [];
    batchRead = 0;
    inflight = writeBatch(batch, batchIssues, read, bytesAtFlush, detected);
    inflight.catch(() => undefined); // awaited by the next settle(); never an unhandled rejection meanwhile
  };

  // A batch whose write fails (something the checks above did not foresee) is written again row by row:
  // the rows that still fail become issues, the others are kept.
  const writeBatch = async (batch: Pending[], batchIssues: Issue[], read: number, bytesAtFlush: number, detected: PresetId | null): Promise<void> => {
    try {
      await writeOnce(batch, [...batchIssues], read, bytesAtFlush, detected);
      return;
    } catch (err) {
      if (batch.length === 0) throw err;
      logInternal(importId, `batch of ${batch.length} rows failed, retrying row by row`, err);
    }
    const failed: Issue[] = [];
    for (const p of batch) {
      try {
        await writeOnce([p], [], 0, bytesAtFlush, null);
      } catch (err) {
        const ref = logInternal(importId, `line ${p.line} could not be stored`, err);
        failed.push({ line: p.line, kind: "invalid", reason: `Could not be stored (internal error, ref ${ref})`, excerpt: p.excerpt });
      }
    }
    await writeOnce([], [...batchIssues, ...failed], read, bytesAtFlush, detected);
  };

  const writeOnce = async (batch: Pending[], batchIssues: Issue[], read: number, bytesAtFlush: number, detected: PresetId | null): Promise<void> => {
    let ok = 0;
    let dup = batchIssues.filter((i) => i.kind === "duplicate").length;
    const bad = batchIssues.length - dup;
    pool ??= importPool();
    await inTransaction(pool, async (client) => {
      if (batch.length > 0 && preset === "outputs") {
        // Raw outputs imported earlier without a question get it now (same reasoning, empty question), instead
        // of a second copy of the trace: they become curatable.
        const withQuestion = batch.filter((p) => p.row.question.trim() !== "");
        const filled = await fillMissingQuestions(
          client,
          datasetId,
          withQuestion.map((p) => ({
            emptyHash: contentHash("", p.row.reasoning),
            contentHash: p.hash,
            question: p.row.question,
            referenceAnswer: p.row.referenceAnswer ?? null,
          })),
        );
        if (filled.size > 0) {
          ok += filled.size;
          batch = batch.filter((p) => !filled.has(p.hash));
        }
      }
      if (batch.length > 0) {
        const created = await insertTraces(
          client,
          datasetId,
          batch.map((p) => ({
            id: newId(),
            question: p.row.question,
            reasoning: p.row.reasoning,
            referenceAnswer: p.row.referenceAnswer ?? null,
            referenceSolution: p.row.referenceSolution ?? null,
            sourceModel: p.row.sourceModel ?? null,
            externalId: p.row.externalId ?? null,
            metadata: p.row.metadata ?? null,
            contentHash: p.hash,
          })),
        );
        const idOf = new Map(created.map((c) => [c.contentHash, c.id]));
        ok += created.length;
        const curated: CuratedRow[] = [];
        for (const p of batch) {
          const traceId = idOf.get(p.hash);
          if (traceId === undefined) {
            // Already in the dataset (from an earlier import, or a concurrent one).
            batchIssues.push({ line: p.line, kind: "duplicate", reason: "Already in the dataset (same question and reasoning)", excerpt: p.excerpt });
            continue;
          }
          if (p.row.curated) {
            const c = curatedColumns(p.row.curated.trajectory);
            curated.push({
              id: newId(),
              traceId,
              steps: c.steps,
              // The same shapes curation runs store: immediate parents per step, stage per step.
              dagEdges: c.dag,
              stages: c.stageOf,
              metrics: c.metrics,
              text: p.row.curated.text,
              curationStatus: p.row.curated.curationStatus,
              reviewStatus: p.row.curated.reviewStatus,
              sequentialTokens: c.sequentialTokens,
              totalTokens: c.totalTokens,
              stageCount: c.stageCount,
            });
          }
        }
        await insertCurated(client, datasetId, curated);
        dup = batchIssues.filter((i) => i.kind === "duplicate").length;
      }
      batchIssues.sort((a, b) => a.line - b.line);
      await insertIssues(
        client,
        importId,
        batchIssues.map((i) => ({ id: newId(), ...i, reason: storableText(i.reason), excerpt: i.excerpt === null ? null : storableText(i.excerpt) })),
      );
      const delta: CounterDelta = { bytesRead: clampInt(bytesAtFlush), rowsRead: read, rowsOk: ok, rowsBad: bad, rowsDuplicate: dup };
      if (detected) {
        delta.preset = detected;
        delta.mapping = presetMapping(detected, mapping);
      }
      await addCounters(client, importId, delta);
    });
    totals.bytesRead = bytesAtFlush;
    totals.rowsRead += read;
    totals.rowsOk += ok;
    totals.rowsBad += bad;
    totals.rowsDuplicate += dup;
    args.onProgress?.({ ...totals });
  };

  let status: ImportStatus = "succeeded";
  let error: string | undefined;
  try {
    const source = counting(args.source, (n) => {
      bytesRead += n;
    });
    for await (const rec of readRecords(source, args.reader)) {
      if (signal?.aborted) throw new Cancelled();
      batchRead++;
      if ("error" in rec) {
        issues.push({ line: rec.line, kind: "invalid", reason: rec.error, excerpt: rec.excerpt || null });
      } else {
        if (preset === null) {
          if (rec.value !== null && typeof rec.value === "object" && !Array.isArray(rec.value)) {
            preset = detectPreset(rec.value);
            if (preset === null) {
              issues.push({ line: rec.line, kind: "invalid", reason: "Unrecognised record shape: choose a preset or map the fields (custom)", excerpt: excerptOf(rec.text) });
              error = `Could not recognise the format from line ${rec.line}: choose a preset or map the fields (custom).`;
              status = "failed";
              break;
            }
            presetDirty = true;
          }
        }
        let mapped: ReturnType<typeof mapRecord>;
        try {
          mapped = mapRecord(rec.value, preset ?? "plain", mapping);
          if (mapped.ok) {
            const bad = findUnstorable(mapped.row);
            if (bad) mapped = { ok: false, reason: `${describeField(bad.path)} ${bad.reason}` };
          }
        } catch (err) {
          const ref = logInternal(importId, `line ${rec.line} could not be mapped`, err);
          mapped = { ok: false, reason: `This record could not be read (internal error, ref ${ref})` };
        }
        if (!mapped.ok) {
          issues.push({ line: rec.line, kind: "invalid", reason: mapped.reason, excerpt: excerptOf(rec.text) });
        } else {
          const row = mapped.row;
          const hash = contentHash(row.question, row.reasoning);
          const first = seen.get(hash);
          if (first !== undefined) {
            issues.push({ line: rec.line, kind: "duplicate", reason: `Duplicate of line ${first} in this file`, excerpt: excerptOf(rec.text) });
          } else {
            if (seen.size < SEEN_LIMIT) seen.set(hash, rec.line);
            // A flat copy: a slice would keep the whole source line alive until the batch is written.
            pending.push({ line: rec.line, hash, row, excerpt: Buffer.from(excerptOf(rec.text)).toString() });
            pendingChars += row.question.length + row.reasoning.length + (row.referenceSolution?.length ?? 0) + (row.curated?.text.length ?? 0);
          }
        }
      }
      if (pending.length >= batchSize || pendingChars >= batchChars || issues.length >= MAX_ISSUES_PER_BATCH) await flush();
    }
    if (batchRead > 0 || pending.length > 0 || issues.length > 0 || presetDirty) await flush();
    else if (signal?.aborted || (await cancelledInDb())) throw new Cancelled();
    await settle();
  } catch (err) {
    // A write still in flight finishes first (its own error, if any, is secondary to this one).
    await settle().catch(() => undefined);
    if (err instanceof Cancelled || signal?.aborted) {
      status = "cancelled";
      error = undefined;
    } else if (err instanceof SourceError) {
      status = "failed";
      error = `The upload was interrupted: ${err.message}`;
    } else {
      status = "failed";
      const ref = logInternal(importId, "import stopped", err);
      error = `The import stopped on an internal error (ref ${ref}); rows of the batches already written were kept. Try again, or report the reference.`;
    }
  }

  // Final status — unless someone cancelled it meanwhile (then it stays cancelled).
  try {
    const done = await db.datasetImport.updateMany({
      where: { id: importId, status: "running" },
      data: { status, finishedAt: new Date(), error: error ?? null, bytesRead: clampInt(bytesRead) },
    });
    if (done.count === 0) {
      const row = await db.datasetImport.findUnique({ where: { id: importId }, select: { status: true, finishedAt: true } });
      if (row?.status === "cancelled") {
        status = "cancelled";
        error = undefined;
        if (!row.finishedAt) await db.datasetImport.update({ where: { id: importId }, data: { finishedAt: new Date() } });
      }
    }
  } catch (err) {
    status = "failed";
    error = `The import's final status could not be saved (ref ${logInternal(importId, "final status", err)}).`;
  }

  const summary: ImportSummary = { importId, status, preset, ...totals, bytesRead };
  if (error !== undefined) summary.error = error;

  // Rows that were stored (whatever the final status) need token counts.
  if (totals.rowsOk > 0) {
    await db.dataset.update({ where: { id: datasetId }, data: { updatedAt: new Date() } }).catch(() => undefined);
  }
  if (totals.rowsOk > 0 && args.enqueueRecount !== null) {
    try {
      const task = await (args.enqueueRecount ?? defaultEnqueue)({ workspaceId, datasetId, createdById: args.userId });
      summary.taskId = task.id;
    } catch (err) {
      summary.warning = `The rows were imported, but the token count could not be queued (ref ${logInternal(importId, "recount enqueue", err)}).`;
    }
  }
  if (totals.rowsOk > 0 && args.enqueueSearchIndex !== null) {
    try {
      const task = await (args.enqueueSearchIndex ?? defaultEnqueueSearchIndex)({ workspaceId, datasetId, createdById: args.userId });
      summary.searchTaskId = task.id;
    } catch (err) {
      const note = `the reasoning search index could not be queued (ref ${logInternal(importId, "search index enqueue", err)})`;
      summary.warning = summary.warning ? `${summary.warning.replace(/\.$/, "")}; ${note}.` : `The rows were imported, but ${note}.`;
    }
  }
  return summary;
}
