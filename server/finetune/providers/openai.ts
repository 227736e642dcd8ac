/**
 * OpenAI supervised fine-tunes through the official `openai` 6.x client (7.x needs Node 22): files, jobs,
 * events (messages and per-step metrics), checkpoints, cancel, and signed `fine_tuning.job.*` webhooks
 * (verified in the service with `client.webhooks.unwrap`). Only OpenAI's own base models; OpenAI takes a
 * learning-rate *multiplier* and no sequence length or packing, so those are recorded but not sent.
 */
import fs from "node:fs";
import type OpenAI from "openai";
import type { FineTuneProviderClient, FineTuneStatus, ProviderAccount, ProviderEvent, ProviderMetric } from "../types";
import { eventKey, level, metricFrom } from "./common";

export function openAiStatus(s: string): FineTuneStatus {
  switch (s) {
    case "validating_files":
      return "validating";
    case "queued":
      return "queued";
    case "running":
      return "running";
    case "succeeded":
      return "succeeded";
    case "failed":
      return "failed";
    case "cancelled":
      return "cancelled";
    default:
      return "queued";
  }
}

export async function openAiClient(acct: ProviderAccount): Promise<OpenAI> {
  const { default: OpenAIClient } = await import("openai");
  return new OpenAIClient({
    apiKey: acct.apiKey ?? "missing-key",
    baseURL: acct.baseUrl || process.env.OPENAI_BASE_URL || "https://api.openai.com/v1",
    webhookSecret: acct.webhookSecret ?? null,
    organization: null,
    project: null,
    maxRetries: 2,
    timeout: 60_000,
  });
}

interface RawEvent {
  id: string;
  created_at: number;
  level: string;
  message: string;
  type?: string;
  data?: unknown;
}

/** Events newer than `afterId`, oldest first (the API lists newest first). */
async function newEvents(c: OpenAI, jobId: string, afterId: string | null): Promise<RawEvent[]> {
  const out: RawEvent[] = [];
  let page = await c.fineTuning.jobs.listEvents(jobId, { limit: 100 });
  for (let pages = 0; pages < 50; pages++) {
    for (const e of page.data as RawEvent[]) {
      if (e.id === afterId) return out.reverse();
      out.push(e);
    }
    if (!page.hasNextPage()) break;
    page = await page.getNextPage();
  }
  return out.reverse();
}

export function openAiProvider(acct: ProviderAccount): FineTuneProviderClient {
  return {
    kind: "openai",
    dataFormat: "openai",
    methods: ["full"],
    usesTrainer: false,
    webhooks: true,
    async limits() {
      return { supportsFull: true, supportsLora: false, maxSeqLength: null, maxEpochs: 50, minLearningRate: null, maxLearningRate: null };
    },
    async estimatePrice() {
      return null;
    },
    async prepare(spec) {
      if (!spec.files) throw new Error("OpenAI needs the training file.");
      const c = await openAiClient(acct);
      const train = await c.files.create({ file: fs.createReadStream(spec.files.train), purpose: "fine-tune" });
      const valid = spec.files.valid ? await c.files.create({ file: fs.createReadStream(spec.files.valid), purpose: "fine-tune" }) : null;
      return { trainFileId: train.id, ...(valid ? { validFileId: valid.id } : {}) };
    },
    async create(spec, data) {
      if (!data.trainFileId) throw new Error("No training file uploaded.");
      const c = await openAiClient(acct);
      const job = await c.fineTuning.jobs.create({
        model: spec.baseModel,
        training_file: data.trainFileId,
        ...(data.validFileId ? { validation_file: data.validFileId } : {}),
        seed: spec.hyperparams.seed,
        suffix: spec.suffix.slice(0, 64),
        metadata: { sprint_job_id: spec.jobId },
        method: { type: "supervised", supervised: { hyperparameters: { n_epochs: spec.hyperparams.epochs, batch_size: spec.hyperparams.batchSize } } },
      });
      return { providerJobId: job.id };
    },
    async get(id) {
      const c = await openAiClient(acct);
      const j = await c.fineTuning.jobs.retrieve(id);
      return {
        status: openAiStatus(j.status),
        providerStatus: j.status,
        error: j.error?.message ?? null,
        outputModel: j.fine_tuned_model ?? null,
        outputLocation: j.fine_tuned_model ? `openai://${j.fine_tuned_model}` : null,
      };
    },
    async listEvents(id, cursor) {
      const c = await openAiClient(acct);
      const evs = await newEvents(c, id, cursor);
      const items: ProviderEvent[] = evs
        .filter((e) => e.type !== "metrics")
        .map((e) => ({ key: e.id || eventKey(e.created_at, e.message), at: new Date(e.created_at * 1000), level: level(e.level), type: e.type ?? "message", message: e.message }));
      return { items, cursor: evs.length > 0 ? evs[evs.length - 1]!.id : cursor };
    },
    async listMetrics(id, cursor) {
      const c = await openAiClient(acct);
      const evs = await newEvents(c, id, cursor);
      const items = evs
        .filter((e) => e.type === "metrics" && e.data && typeof e.data === "object")
        .map((e) => metricFrom(e.data as Record<string, unknown>))
        .filter((m): m is ProviderMetric => m !== null);
      return { items, cursor: evs.length > 0 ? evs[evs.length - 1]!.id : cursor };
    },
    async listCheckpoints(id) {
      const c = await openAiClient(acct);
      const page = await c.fineTuning.jobs.checkpoints.list(id, { limit: 100 });
      return page.data.map((cp) => ({
        step: cp.step_number,
        location: cp.fine_tuned_model_checkpoint,
        trainLoss: cp.metrics.train_loss ?? null,
        validLoss: cp.metrics.valid_loss ?? cp.metrics.full_valid_loss ?? null,
        at: new Date(cp.created_at * 1000),
      }));
    },
    async cancel(id) {
      const c = await openAiClient(acct);
      await c.fineTuning.jobs.cancel(id);
    },
    servingTarget(s) {
      return s.outputModel ? { model: s.outputModel, artifact: s.outputLocation } : null;
    },
  };
}
