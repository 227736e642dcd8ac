/**
 * What a poll of a provider learns, stored idempotently: events de-duplicated by key, metrics upserted by step,
 * checkpoints by location, cursors on the job row; and the one-time move to a terminal status (which revokes the
 * trainer token). Used by the `finetune-poll` job, webhooks, the trainer API and the service.
 */
import type { PrismaClient } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { decryptSecret } from "../secrets";
import { providerFor } from "./providers";
import { FineTuneError } from "./errors";
import { isTerminal, type FineTuneStatus, type ProviderAccount, type ProviderEvent, type ProviderKind, type ProviderMetric } from "./types";

export type ProviderRow = Prisma.FineTuneProviderGetPayload<object>;

export function accountOf(row: ProviderRow): ProviderAccount {
  const dec = (v: string | null) => {
    if (!v) return null;
    try {
      return decryptSecret(v);
    } catch {
      throw new FineTuneError("BAD_REQUEST", `The credentials of provider "${row.name}" cannot be read (was SPRINT_ENCRYPTION_KEY changed?). Enter them again.`);
    }
  };
  return { id: row.id, kind: row.kind as ProviderKind, baseUrl: row.baseUrl, apiKey: dec(row.apiKeyEnc), webhookSecret: dec(row.webhookSecretEnc), config: (row.config ?? {}) as Record<string, unknown> };
}


export async function addEvents(db: PrismaClient, jobId: string, events: ProviderEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const r = await db.fineTuneEvent.createMany({
    data: events.map((e) => ({ jobId, sourceKey: e.key.slice(0, 200), level: e.level, type: e.type.slice(0, 60), message: e.message.slice(0, 10_000), at: e.at })),
    skipDuplicates: true,
  });
  return r.count;
}

/** Upserts metrics by step; a later report for a step fills the fields that were missing. */
export async function addMetrics(db: PrismaClient, jobId: string, metrics: ProviderMetric[]): Promise<void> {
  for (const m of metrics) {
    await db.$executeRaw`
      INSERT INTO "FineTuneMetric" ("jobId", step, epoch, "trainLoss", "validLoss", lr)
      VALUES (${jobId}, ${m.step}, ${m.epoch ?? null}, ${m.trainLoss ?? null}, ${m.validLoss ?? null}, ${m.lr ?? null})
      ON CONFLICT ("jobId", step) DO UPDATE SET
        epoch = COALESCE(EXCLUDED.epoch, "FineTuneMetric".epoch),
        "trainLoss" = COALESCE(EXCLUDED."trainLoss", "FineTuneMetric"."trainLoss"),
        "validLoss" = COALESCE(EXCLUDED."validLoss", "FineTuneMetric"."validLoss"),
        lr = COALESCE(EXCLUDED.lr, "FineTuneMetric".lr)`;
  }
}

export async function addCheckpoints(db: PrismaClient, jobId: string, cps: { step: number; location: string; trainLoss?: number | null; validLoss?: number | null; at?: Date }[]) {
  if (cps.length === 0) return;
  await db.fineTuneCheckpoint.createMany({
    data: cps.map((c) => ({ jobId, step: c.step, location: c.location, trainLoss: c.trainLoss ?? null, validLoss: c.validLoss ?? null, ...(c.at ? { at: c.at } : {}) })),
    skipDuplicates: true,
  });
}

/**
 * One poll of a job's provider: status, new events and metrics (from the stored cursors), checkpoints. Idempotent.
 * Returns the job's status after the poll. Terminal jobs are not polled (their trainer token is revoked).
 */
export async function syncJob(db: PrismaClient, jobId: string): Promise<{ status: FineTuneStatus; terminal: boolean }> {
  const job = await db.fineTuneJob.findUnique({ where: { id: jobId }, include: { providerRow: true } });
  if (!job) return { status: "failed", terminal: true };
  if (isTerminal(job.status)) return { status: job.status as FineTuneStatus, terminal: true };
  if (!job.providerRow || !job.providerJobId) {
    if (!job.providerRow) {
      await finish(db, job.id, "failed", "The provider account was removed; the job can no longer be followed.");
      return { status: "failed", terminal: true };
    }
    return { status: job.status as FineTuneStatus, terminal: false }; // still launching
  }
  const provider = providerFor(accountOf(job.providerRow));
  const cursors = (job.cursors ?? {}) as { events?: string | null; metrics?: string | null };
  // Status first, then what happened up to it: a terminal status's last events and metrics are not missed.
  const state = await provider.get(job.providerJobId);
  const ev = await provider.listEvents(job.providerJobId, cursors.events ?? null);
  await addEvents(db, job.id, ev.items);
  const mt = await provider.listMetrics(job.providerJobId, cursors.metrics ?? null);
  await addMetrics(db, job.id, mt.items);
  await addCheckpoints(db, job.id, await provider.listCheckpoints(job.providerJobId));
  await db.fineTuneJob.update({
    where: { id: job.id },
    data: {
      cursors: { events: ev.cursor, metrics: mt.cursor },
      lastPolledAt: new Date(),
      providerStatus: state.providerStatus,
      ...(state.outputModel ? { outputModel: state.outputModel } : {}),
      ...(state.outputLocation ? { outputLocation: state.outputLocation } : {}),
    },
  });
  if (state.status !== job.status) {
    if (isTerminal(state.status)) {
      await finish(db, job.id, state.status, state.error ?? null);
    } else {
      await db.fineTuneJob.update({ where: { id: job.id }, data: { status: state.status, ...(state.status === "running" && !job.startedAt ? { startedAt: new Date() } : {}) } });
      await addEvents(db, job.id, [{ key: `status:${state.status}`, at: new Date(), level: "info", type: "status", message: `Status: ${state.status} (${state.providerStatus})` }]);
    }
  }
  return { status: state.status, terminal: isTerminal(state.status) };
}

/** Moves a job to a terminal status once (a concurrent finisher is a no-op) and revokes its trainer token. */
export async function finish(db: PrismaClient, jobId: string, status: FineTuneStatus, error: string | null) {
  const r = await db.fineTuneJob.updateMany({
    where: { id: jobId, status: { notIn: ["succeeded", "failed", "cancelled"] } },
    data: { status, error, finishedAt: new Date(), trainerTokenRevokedAt: new Date() },
  });
  if (r.count > 0) {
    await addEvents(db, jobId, [{ key: `status:${status}`, at: new Date(), level: status === "failed" ? "error" : "info", type: "status", message: `Status: ${status}${error ? ` — ${error}` : ""}` }]);
  }
}

