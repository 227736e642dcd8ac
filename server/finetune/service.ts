/**
 * Fine-tune jobs: provider accounts (keys encrypted at rest), launch from a dataset snapshot, the job list and
 * page (status, events, metrics, checkpoints), cancel, and `syncJob` — one poll of the provider that the
 * `finetune-poll` worker job (server/finetune/jobs/poll.ts) repeats until the job ends. Everything a poll learns is
 * stored idempotently (events de-duplicated by key, metrics upserted by step, checkpoints by location, cursors on
 * the row), so a worker that dies mid-poll loses nothing: the next poll picks up from the stored cursors.
 *
 * Every function takes `(db, actor, input)` and checks role and workspace itself; errors are ServiceErrors.
 */
import crypto from "node:crypto";
import { z } from "zod";
import type { PrismaClient } from "../db/client";
import { Prisma } from "../db/generated/client";
import { hasRole, type Role } from "../auth/roles";
import { ServiceError, type Actor } from "../service-error";
import { recordAudit } from "../audit";
import { decryptSecret, encryptSecret, maskSecret } from "../secrets";
import { providerFor } from "./providers";
import { FineTuneError } from "./errors";
import { accountOf, addEvents, addMetrics, addCheckpoints, finish, syncJob, type ProviderRow } from "./sync";
export { accountOf, addEvents, addMetrics, syncJob } from "./sync";
import { errMessage } from "./providers/common";
import { hfConfigSchema } from "./providers/hf-jobs";
import { rayConfigSchema } from "./providers/ray";
import { renderTrainingData, snapshotContentHash, writeTempFiles } from "./data";
import { skyPilotYaml } from "./skypilot";
import { enqueueFineTunePoll } from "./jobs/poll";
import {
  hyperparamsSchema,
  isTerminal,
  METHODS,
  PROVIDER_KINDS,
  RECIPE,
  STATUSES,
  type FineTuneProviderClient,
  type FineTuneStatus,
  type LaunchSpec,
  type PreparedData,
  type ProviderKind,
} from "./types";

export { FineTuneError } from "./errors";

function need(actor: Actor, role: Role, what: string): void {
  if (!hasRole(actor.role, role)) throw new FineTuneError("FORBIDDEN", `${what} needs the ${role} role; you are ${actor.role}.`);
}

const id = z.string().min(1).max(64);

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new FineTuneError("BAD_REQUEST", r.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; "));
  return r.data;
}

// ───────────────────────────── provider accounts ─────────────────────────────

function providerView(row: ProviderRow) {
  const mask = (v: string | null) => {
    if (!v) return { set: false, hint: null };
    try {
      return maskSecret(decryptSecret(v));
    } catch {
      return { set: true, hint: "unreadable" };
    }
  };
  return { id: row.id, name: row.name, kind: row.kind, baseUrl: row.baseUrl, config: row.config, apiKey: mask(row.apiKeyEnc), webhookSecret: mask(row.webhookSecretEnc), createdAt: row.createdAt };
}

const urlSchema = z.string().trim().url().refine((u) => /^https?:\/\//.test(u), "Only http(s) URLs").transform((u) => u.replace(/\/+$/, ""));

export const providerInput = z.object({
  name: z.string().trim().min(1).max(80),
  kind: z.enum(PROVIDER_KINDS),
  baseUrl: urlSchema.nullish(),
  apiKey: z.string().max(2000).nullish(),
  webhookSecret: z.string().max(500).nullish(),
  config: z.record(z.string(), z.unknown()).default({}),
});

function checkConfig(kind: ProviderKind, config: Record<string, unknown>): Record<string, unknown> {
  const schema = kind === "hf-jobs" ? hfConfigSchema : kind === "ray" ? rayConfigSchema : null;
  if (!schema) return {};
  const r = schema.safeParse(config);
  if (!r.success) throw new FineTuneError("BAD_REQUEST", `Provider settings: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return r.data as Record<string, unknown>;
}

export async function listProviders(db: PrismaClient, actor: Actor) {
  const rows = await db.fineTuneProvider.findMany({ where: { workspaceId: actor.workspaceId }, orderBy: { name: "asc" } });
  return rows.map(providerView);
}

export async function createProvider(db: PrismaClient, actor: Actor, input: z.input<typeof providerInput>) {
  need(actor, "admin", "Adding a fine-tuning provider");
  const p = parse(providerInput, input);
  if (p.kind === "ray" && !p.baseUrl) throw new FineTuneError("BAD_REQUEST", "A Ray provider needs its dashboard address (e.g. http://head-node:8265).");
  if (p.kind !== "ray" && !p.apiKey) throw new FineTuneError("BAD_REQUEST", "Enter the provider's API key / access token.");
  const exists = await db.fineTuneProvider.findUnique({ where: { workspaceId_name: { workspaceId: actor.workspaceId, name: p.name } } });
  if (exists) throw new FineTuneError("CONFLICT", `A provider named "${p.name}" already exists.`);
  const row = await db.fineTuneProvider.create({
    data: {
      workspaceId: actor.workspaceId,
      name: p.name,
      kind: p.kind,
      baseUrl: p.baseUrl ?? null,
      apiKeyEnc: p.apiKey ? encryptSecret(p.apiKey) : null,
      webhookSecretEnc: p.webhookSecret ? encryptSecret(p.webhookSecret) : null,
      config: checkConfig(p.kind, p.config) as Prisma.InputJsonValue,
      createdById: actor.userId,
    },
  });
  await recordAudit(db, actor, "finetune.provider.create", { type: "finetune-provider", id: row.id }, { name: row.name, kind: row.kind });
  return providerView(row);
}

export async function removeProvider(db: PrismaClient, actor: Actor, input: { providerId: string }) {
  need(actor, "admin", "Removing a fine-tuning provider");
  const r = await db.fineTuneProvider.deleteMany({ where: { id: input.providerId, workspaceId: actor.workspaceId } });
  if (r.count === 0) throw new FineTuneError("NOT_FOUND", "No such provider in this workspace.");
  await recordAudit(db, actor, "finetune.provider.remove", { type: "finetune-provider", id: input.providerId });
  return { ok: true };
}

async function providerRow(db: PrismaClient, actor: Actor, providerId: string) {
  const row = await db.fineTuneProvider.findFirst({ where: { id: providerId, workspaceId: actor.workspaceId } });
  if (!row) throw new FineTuneError("NOT_FOUND", "No such provider in this workspace.");
  return row;
}

// ───────────────────────────── launch ─────────────────────────────

export const launchInput = z.object({
  providerId: id,
  snapshotId: id,
  name: z.string().trim().max(120).optional(),
  baseModel: z.string().trim().min(1).max(300),
  method: z.enum(METHODS),
  hyperparams: hyperparamsSchema,
  resumeFrom: z.string().trim().max(1000).nullish(),
});
export type LaunchInput = z.input<typeof launchInput>;

/** The app's public URL the trainer calls back (SPRINT_PUBLIC_URL, else AUTH_URL, else localhost). */
export function appUrl(): string {
  return (process.env.SPRINT_PUBLIC_URL || process.env.AUTH_URL || `http://127.0.0.1:${process.env.PORT ?? 3000}`).replace(/\/+$/, "");
}

function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/** Checks the launch against the provider's limits for the base model; returns the limits. */
async function checkLimits(provider: FineTuneProviderClient, p: z.output<typeof launchInput>) {
  if (!provider.methods.includes(p.method)) throw new FineTuneError("BAD_REQUEST", `${provider.kind} does not offer ${p.method === "full" ? "full fine-tuning" : "LoRA"}.`);
  let limits;
  try {
    limits = await provider.limits(p.baseModel);
  } catch (e) {
    throw new FineTuneError("BAD_REQUEST", `Could not read the provider's limits for ${p.baseModel}: ${errMessage(e)}`);
  }
  if (limits) {
    if (p.method === "full" && !limits.supportsFull) throw new FineTuneError("BAD_REQUEST", `${p.baseModel} does not support full fine-tuning on ${provider.kind}; choose LoRA or another base model.`);
    if (p.method === "lora" && !limits.supportsLora) throw new FineTuneError("BAD_REQUEST", `${p.baseModel} does not support LoRA on ${provider.kind}.`);
    if (limits.maxSeqLength !== null && p.hyperparams.maxSeqLength > limits.maxSeqLength) {
      throw new FineTuneError("BAD_REQUEST", `Max sequence length ${p.hyperparams.maxSeqLength} exceeds ${provider.kind}'s limit of ${limits.maxSeqLength} for ${p.baseModel}.`);
    }
    if (limits.maxEpochs !== null && p.hyperparams.epochs > limits.maxEpochs) throw new FineTuneError("BAD_REQUEST", `At most ${limits.maxEpochs} epochs for ${p.baseModel}.`);
    const lr = p.hyperparams.learningRate;
    if ((limits.minLearningRate !== null && lr < limits.minLearningRate) || (limits.maxLearningRate !== null && lr > limits.maxLearningRate)) {
      throw new FineTuneError("BAD_REQUEST", `Learning rate ${lr} is outside ${limits.minLearningRate ?? 0}–${limits.maxLearningRate ?? "∞"} for ${p.baseModel}.`);
    }
  }
  return limits;
}

async function snapshotOf(db: PrismaClient, actor: Actor, snapshotId: string) {
  const snap = await db.datasetSnapshot.findFirst({ where: { id: snapshotId, dataset: { workspaceId: actor.workspaceId } }, select: { id: true, number: true, itemCount: true, dataset: { select: { id: true, name: true } } } });
  if (!snap) throw new FineTuneError("NOT_FOUND", "No such snapshot in this workspace.");
  return snap;
}

/**
 * Before launch: the provider's limits for the base model and (where the provider prices jobs) a price estimate,
 * which needs the data uploaded: the uploaded file ids are returned so `launch` reuses them.
 */
export async function quote(db: PrismaClient, actor: Actor, input: LaunchInput) {
  need(actor, "admin", "Pricing a fine-tune");
  const p = parse(launchInput, input);
  const row = await providerRow(db, actor, p.providerId);
  await snapshotOf(db, actor, p.snapshotId);
  const provider = providerFor(accountOf(row));
  const limits = await checkLimits(provider, p);
  let price: number | null = null;
  let prepared: PreparedData = {};
  if (!provider.usesTrainer) {
    const data = await renderTrainingData(db, p.snapshotId, provider.dataFormat);
    const files = await writeTempFiles(data);
    try {
      const spec: LaunchSpec = { jobId: "quote", baseModel: p.baseModel, method: p.method, hyperparams: p.hyperparams, suffix: "sprint", files, trainer: null };
      prepared = await provider.prepare(spec);
      price = await provider.estimatePrice(spec, prepared).catch(() => null);
    } catch (e) {
      if (e instanceof ServiceError) throw e;
      throw new FineTuneError("BAD_REQUEST", `The provider refused the data: ${errMessage(e)}`);
    } finally {
      await files.cleanup();
    }
  }
  return { limits, price, prepared, warnings: p.method === "lora" ? [RECIPE.loraWarning] : [] };
}

/**
 * Launches a fine-tune: checks limits, renders the snapshot in the provider's format (or issues a trainer token),
 * uploads, creates the provider job and queues its poller. A failure after the row exists marks it failed with the
 * reason (nothing is lost); a failure of the checks before is a BAD_REQUEST and creates nothing.
 */
export async function launch(db: PrismaClient, actor: Actor, input: LaunchInput & { prepared?: PreparedData | undefined }) {
  need(actor, "admin", "Launching a fine-tune");
  const p = parse(launchInput, input);
  if (p.method === "lora" && (p.hyperparams.loraR === undefined || p.hyperparams.loraAlpha === undefined)) {
    p.hyperparams = { ...RECIPE.loraDefaults, ...p.hyperparams };
  }
  const row = await providerRow(db, actor, p.providerId);
  const snap = await snapshotOf(db, actor, p.snapshotId);
  const provider = providerFor(accountOf(row));
  await checkLimits(provider, p);
  const snapshotHash = await snapshotContentHash(db, snap.id);
  const token = provider.usesTrainer ? `sft_${crypto.randomBytes(32).toString("base64url")}` : null;
  const job = await db.fineTuneJob.create({
    data: {
      workspaceId: actor.workspaceId,
      snapshotId: snap.id,
      providerId: row.id,
      provider: row.kind,
      name: p.name || `${snap.dataset.name} v${snap.number} → ${p.baseModel.split("/").pop()}`,
      baseModel: p.baseModel,
      method: p.method,
      hyperparams: p.hyperparams as Prisma.InputJsonValue,
      status: "validating",
      snapshotHash,
      resumeFrom: p.resumeFrom ?? null,
      trainerTokenHash: token ? hashToken(token) : null,
      createdById: actor.userId,
    },
  });
  await addEvents(db, job.id, [{ key: "launch", at: new Date(), level: "info", type: "status", message: `Launched on ${row.name} (${row.kind}): ${p.method} fine-tune of ${p.baseModel}, ${p.hyperparams.epochs} epochs, lr ${p.hyperparams.learningRate}` }]);
  await recordAudit(db, actor, "finetune.launch", { type: "finetune", id: job.id }, { provider: row.kind, baseModel: p.baseModel, method: p.method, snapshotId: snap.id });
  const spec: LaunchSpec = {
    jobId: job.id,
    baseModel: p.baseModel,
    method: p.method,
    hyperparams: p.hyperparams,
    suffix: `sprint-${job.id.slice(-8)}`,
    files: null,
    trainer: token ? { appUrl: appUrl(), token, resumeFrom: p.resumeFrom ?? null } : null,
  };
  try {
    let prepared: PreparedData = input.prepared?.trainFileId ? input.prepared : {};
    let price: number | null = null;
    if (!provider.usesTrainer && !prepared.trainFileId) {
      const files = await writeTempFiles(await renderTrainingData(db, snap.id, provider.dataFormat));
      try {
        prepared = await provider.prepare({ ...spec, files });
      } finally {
        await files.cleanup();
      }
    }
    if (!provider.usesTrainer) price = await provider.estimatePrice(spec, prepared).catch(() => null);
    const created = await provider.create(spec, prepared);
    await db.fineTuneJob.update({ where: { id: job.id }, data: { providerJobId: created.providerJobId, providerFileId: prepared.trainFileId ?? null, priceEstimate: price } });
    await addEvents(db, job.id, [{ key: "created", at: new Date(), level: "info", type: "status", message: `Provider job ${created.providerJobId} created` }]);
  } catch (e) {
    const message = `Launch failed: ${errMessage(e)}`;
    await db.fineTuneJob.update({ where: { id: job.id }, data: { status: "failed", error: message, finishedAt: new Date(), trainerTokenRevokedAt: new Date() } });
    await addEvents(db, job.id, [{ key: "launch-failed", at: new Date(), level: "error", type: "status", message }]);
    return { id: job.id, status: "failed" as FineTuneStatus, error: message, trainerToken: null };
  }
  await schedulePoll(job.id);
  // The trainer token is shown once (for a SkyPilot launch by hand); only its hash is stored.
  return { id: job.id, status: "validating" as FineTuneStatus, error: null, trainerToken: token };
}

/** Queues the job's poller (server/finetune/jobs/poll.ts). */
export async function schedulePoll(jobId: string): Promise<void> {
  await enqueueFineTunePoll(jobId);
}

// ───────────────────────────── reads ─────────────────────────────

export const listJobsInput = z.object({
  status: z.enum(STATUSES).optional(),
  provider: z.enum(PROVIDER_KINDS).optional(),
  snapshotId: id.optional(),
  search: z.string().trim().max(200).optional(),
});

export async function listJobs(db: PrismaClient, actor: Actor, input: z.input<typeof listJobsInput> = {}) {
  const f = parse(listJobsInput, input);
  const jobs = await db.fineTuneJob.findMany({
    where: {
      workspaceId: actor.workspaceId,
      ...(f.status ? { status: f.status } : {}),
      ...(f.provider ? { provider: f.provider } : {}),
      ...(f.snapshotId ? { snapshotId: f.snapshotId } : {}),
      ...(f.search ? { OR: [{ name: { contains: f.search, mode: "insensitive" } }, { baseModel: { contains: f.search, mode: "insensitive" } }] } : {}),
    },
    orderBy: { createdAt: "desc" },
    take: 200,
    select: {
      id: true, name: true, provider: true, baseModel: true, method: true, status: true, createdAt: true, finishedAt: true,
      snapshot: { select: { id: true, number: true, dataset: { select: { id: true, name: true } } } },
      providerRow: { select: { name: true } },
      _count: { select: { modelVersions: true, checkpoints: true } },
    },
  });
  return jobs;
}

async function jobOf(db: PrismaClient, actor: Actor, jobId: string) {
  const job = await db.fineTuneJob.findFirst({ where: { id: jobId, workspaceId: actor.workspaceId } });
  if (!job) throw new FineTuneError("NOT_FOUND", "No such fine-tune in this workspace.");
  return job;
}

export async function getJob(db: PrismaClient, actor: Actor, input: { jobId: string }) {
  const job = await db.fineTuneJob.findFirst({
    where: { id: input.jobId, workspaceId: actor.workspaceId },
    include: {
      providerRow: { select: { id: true, name: true, kind: true } },
      snapshot: { select: { id: true, number: true, itemCount: true, dataset: { select: { id: true, name: true } } } },
      checkpoints: { orderBy: { step: "asc" } },
      modelVersions: { select: { id: true, name: true, version: true, registeredModelId: true, checkpointId: true } },
    },
  });
  if (!job) throw new FineTuneError("NOT_FOUND", "No such fine-tune in this workspace.");
  const { trainerTokenHash, cursors: _c, ...rest } = job;
  void _c;
  const serving = job.providerRow
    ? (() => {
        try {
          return providerFor({ id: "", kind: job.provider as ProviderKind, baseUrl: null, apiKey: null, webhookSecret: null, config: {} }).servingTarget({ outputModel: job.outputModel, outputLocation: job.outputLocation, baseModel: job.baseModel, method: job.method as "full" | "lora" });
        } catch {
          return null;
        }
      })()
    : null;
  return { ...rest, hasTrainerToken: Boolean(trainerTokenHash) && !job.trainerTokenRevokedAt, servingTarget: serving };
}

export const eventsInput = z.object({ jobId: id, afterId: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(500) });

export async function listEvents(db: PrismaClient, actor: Actor, input: z.input<typeof eventsInput>) {
  const p = parse(eventsInput, input);
  await jobOf(db, actor, p.jobId);
  const items = await db.fineTuneEvent.findMany({ where: { jobId: p.jobId, id: { gt: p.afterId } }, orderBy: { id: "asc" }, take: p.limit, select: { id: true, level: true, type: true, message: true, at: true } });
  return { items, cursor: items.length > 0 ? items[items.length - 1]!.id : p.afterId };
}

/** All metrics by step (a chart needs them all; a 5-epoch run logs a few thousand points at most). */
export async function listMetrics(db: PrismaClient, actor: Actor, input: { jobId: string }) {
  await jobOf(db, actor, input.jobId);
  return db.fineTuneMetric.findMany({ where: { jobId: input.jobId }, orderBy: { step: "asc" }, select: { step: true, epoch: true, trainLoss: true, validLoss: true, lr: true } });
}

export async function listCheckpoints(db: PrismaClient, actor: Actor, input: { jobId: string }) {
  await jobOf(db, actor, input.jobId);
  return db.fineTuneCheckpoint.findMany({ where: { jobId: input.jobId }, orderBy: { step: "asc" } });
}

export async function cancelJob(db: PrismaClient, actor: Actor, input: { jobId: string }) {
  need(actor, "admin", "Cancelling a fine-tune");
  const job = await jobOf(db, actor, input.jobId);
  if (isTerminal(job.status)) throw new FineTuneError("CONFLICT", `The fine-tune already ${job.status === "succeeded" ? "succeeded" : `is ${job.status}`}.`);
  if (job.providerJobId && job.providerId) {
    const row = await db.fineTuneProvider.findUnique({ where: { id: job.providerId } });
    if (row) {
      try {
        await providerFor(accountOf(row)).cancel(job.providerJobId);
      } catch (e) {
        throw new FineTuneError("BAD_REQUEST", `The provider did not accept the cancellation: ${errMessage(e)}`);
      }
    }
  }
  await finish(db, job.id, "cancelled", null);
  await recordAudit(db, actor, "finetune.cancel", { type: "finetune", id: job.id });
  return { id: job.id, status: "cancelled" as const };
}

/** Polls the provider now (the job page's "Refresh"), and makes sure a poller is queued. */
export async function refreshJob(db: PrismaClient, actor: Actor, input: { jobId: string }) {
  need(actor, "curator", "Refreshing a fine-tune");
  const job = await jobOf(db, actor, input.jobId);
  if (isTerminal(job.status)) return { status: job.status };
  try {
    const r = await syncJob(db, job.id);
    if (!r.terminal) await schedulePoll(job.id);
    return { status: r.status };
  } catch (e) {
    throw new FineTuneError("BAD_REQUEST", `Could not reach the provider: ${errMessage(e)}`);
  }
}

/** The SkyPilot task YAML of a trainer-backed job (the same trainer command as HF Jobs / Ray). */
export async function skyPilotTask(db: PrismaClient, actor: Actor, input: { jobId: string; accelerators?: string | undefined }) {
  need(actor, "admin", "Exporting a SkyPilot task");
  const job = await jobOf(db, actor, input.jobId);
  return { yaml: skyPilotYaml({ jobId: job.id, appUrl: appUrl(), accelerators: input.accelerators ?? "A100-80GB:8" }) };
}

export function launchDefaults() {
  return { recipe: RECIPE, providers: PROVIDER_KINDS };
}

// ───────────────────────────── webhooks (OpenAI) ─────────────────────────────

/**
 * An OpenAI webhook for a provider account: the signature is verified with the official client's
 * `webhooks.unwrap` and the account's secret; a `fine_tuning.job.*` event triggers a poll of that job.
 * Returns the HTTP status to answer.
 */
export async function handleOpenAiWebhook(db: PrismaClient, providerId: string, rawBody: string, headers: Headers): Promise<{ status: number; body: Record<string, unknown> }> {
  const row = await db.fineTuneProvider.findUnique({ where: { id: providerId } });
  if (!row || row.kind !== "openai" || !row.webhookSecretEnc) return { status: 404, body: { error: "Unknown webhook." } };
  const acct = accountOf(row);
  const { openAiClient } = await import("./providers/openai");
  const client = await openAiClient(acct);
  let event: { type: string; data: { id: string } };
  try {
    event = (await client.webhooks.unwrap(rawBody, headers, acct.webhookSecret)) as typeof event;
  } catch {
    return { status: 400, body: { error: "Invalid signature." } };
  }
  if (!event.type.startsWith("fine_tuning.job.")) return { status: 200, body: { ignored: event.type } };
  const job = await db.fineTuneJob.findFirst({ where: { providerId: row.id, providerJobId: event.data.id } });
  if (!job) return { status: 200, body: { ignored: "unknown job" } };
  await addEvents(db, job.id, [{ key: `webhook:${headers.get("webhook-id") ?? event.type}`, at: new Date(), level: "info", type: "webhook", message: `Webhook ${event.type}` }]);
  try {
    await syncJob(db, job.id);
  } catch (e) {
    // The poller catches up; the webhook was still valid.
    await addEvents(db, job.id, [{ key: `webhook-sync:${Date.now()}`, at: new Date(), level: "warning", type: "webhook", message: `Sync after webhook failed: ${errMessage(e)}` }]);
  }
  return { status: 200, body: { ok: true } };
}

// ───────────────────────────── trainer protocol ─────────────────────────────

/** The job a trainer token belongs to, while the job is active and the token not revoked; else null. */
export async function jobForTrainerToken(db: PrismaClient, authorization: string | null) {
  const m = /^Bearer\s+(sft_[\w-]{20,})$/.exec(authorization ?? "");
  if (!m) return null;
  const job = await db.fineTuneJob.findUnique({ where: { trainerTokenHash: hashToken(m[1]!) } });
  if (!job || job.trainerTokenRevokedAt || isTerminal(job.status)) return null;
  return job;
}

type TrainerJob = NonNullable<Awaited<ReturnType<typeof jobForTrainerToken>>>;

/** What the trainer needs to run: base model, method, hyperparameters, resume checkpoint. */
export function trainerConfig(job: TrainerJob) {
  return { jobId: job.id, baseModel: job.baseModel, method: job.method, hyperparams: job.hyperparams, resumeFrom: job.resumeFrom, snapshotHash: job.snapshotHash };
}

export async function trainerData(db: PrismaClient, job: TrainerJob, split: "train" | "test") {
  if (!job.snapshotId) return null;
  const data = await renderTrainingData(db, job.snapshotId, "prompt-completion");
  return split === "train" ? data.train : (data.test ?? "");
}

export const trainerReportSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("metrics"), metrics: z.array(z.object({ step: z.number().int().min(0), epoch: z.number().nullish(), train_loss: z.number().nullish(), valid_loss: z.number().nullish(), lr: z.number().nullish() })).max(1000) }),
  z.object({ type: z.literal("event"), key: z.string().min(1).max(200), level: z.enum(["info", "warning", "error"]).default("info"), message: z.string().min(1).max(10_000) }),
  z.object({ type: z.literal("checkpoint"), step: z.number().int().min(0), location: z.string().min(1).max(1000), train_loss: z.number().nullish(), valid_loss: z.number().nullish() }),
  z.object({ type: z.literal("status"), status: z.enum(["running"]) }),
  z.object({ type: z.literal("output"), location: z.string().min(1).max(1000), model: z.string().max(300).nullish() }),
]);

export async function trainerReport(db: PrismaClient, job: TrainerJob, body: unknown) {
  const r = trainerReportSchema.safeParse(body);
  if (!r.success) throw new FineTuneError("BAD_REQUEST", r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  const rep = r.data;
  switch (rep.type) {
    case "metrics":
      await addMetrics(db, job.id, rep.metrics.map((m) => ({ step: m.step, epoch: m.epoch ?? null, trainLoss: m.train_loss ?? null, validLoss: m.valid_loss ?? null, lr: m.lr ?? null })));
      break;
    case "event":
      await addEvents(db, job.id, [{ key: `trainer:${rep.key}`, at: new Date(), level: rep.level, type: "trainer", message: rep.message }]);
      break;
    case "checkpoint":
      await addCheckpoints(db, job.id, [{ step: rep.step, location: rep.location, trainLoss: rep.train_loss ?? null, validLoss: rep.valid_loss ?? null }]);
      break;
    case "status":
      await db.fineTuneJob.updateMany({ where: { id: job.id, status: { in: ["validating", "queued"] } }, data: { status: "running", startedAt: new Date() } });
      break;
    case "output":
      await db.fineTuneJob.update({ where: { id: job.id }, data: { outputLocation: rep.location, ...(rep.model ? { outputModel: rep.model } : {}) } });
      await addEvents(db, job.id, [{ key: `trainer:output:${rep.location}`, at: new Date(), level: "info", type: "trainer", message: `Output at ${rep.location}` }]);
      break;
  }
  return { ok: true };
}
