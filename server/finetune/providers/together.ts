/**
 * Together AI through its official client `together-ai` 0.52 (Node ≥ 18): full and LoRA SFT, model limits,
 * price estimate, events, metrics, checkpoints, cancel. No webhooks: the worker polls.
 * The snapshot is written to a temp file and streamed from it (see `uploadFile` for why not `files.upload`).
 */
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import type Together from "together-ai";
import type { FineTuneProviderClient, FineTuneStatus, LaunchSpec, PreparedData, ProviderAccount, ProviderCheckpoint, ProviderEvent, ProviderMetric } from "../types";
import { finiteOrNull } from "../types";
import { eventKey, level, metricFrom } from "./common";

export const TOGETHER_DEFAULT_BASE_URL = "https://api.together.xyz/v1";

export function togetherStatus(s: string): FineTuneStatus {
  switch (s) {
    case "pending":
    case "queued":
      return "queued";
    case "running":
    case "compressing":
    case "uploading":
    case "cancel_requested":
      return "running";
    case "completed":
      return "succeeded";
    case "cancelled":
      return "cancelled";
    case "error":
      return "failed";
    default:
      return "queued";
  }
}

async function client(acct: ProviderAccount): Promise<Together> {
  const { default: TogetherClient } = await import("together-ai");
  if (!acct.apiKey) throw new Error("This Together provider has no API key.");
  return new TogetherClient({ apiKey: acct.apiKey, baseURL: baseUrlOf(acct), maxRetries: 2, timeout: 60_000 });
}

function baseUrlOf(acct: ProviderAccount): string {
  return (acct.baseUrl || process.env.TOGETHER_API_BASE_URL || TOGETHER_DEFAULT_BASE_URL).replace(/\/+$/, "");
}

/**
 * Uploads a JSONL file the way Together documents it and `files.upload` does it: `POST /files` (form fields
 * file_name, file_type, purpose) answers 302 with a signed upload URL and `x-together-file-id`; the file is
 * streamed there with PUT; then `files.retrieve` confirms it. The SDK's own `files.upload` cannot be used on Node:
 * its ESM build calls `require()` (TypeError "extname is not a function") and it PUTs a Node stream without
 * `duplex: "half"`, which Node's fetch rejects; it also ignores the client's baseURL.
 */
async function uploadFile(acct: ProviderAccount, c: Together, file: string): Promise<string> {
  const size = (await fs.promises.stat(file)).size;
  const params = new URLSearchParams({ file_name: path.basename(file), file_type: "jsonl", purpose: "fine-tune" });
  const r = await fetch(`${baseUrlOf(acct)}/files?${params}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Bearer ${acct.apiKey}` },
    body: params.toString(),
    redirect: "manual",
    signal: AbortSignal.timeout(60_000),
  });
  const uploadUrl = r.headers.get("location");
  const fileId = r.headers.get("x-together-file-id");
  if (r.status !== 302 || !uploadUrl || !fileId) throw new Error(`Together refused the upload (HTTP ${r.status}): ${(await r.text()).slice(0, 300)}`);
  const put = await fetch(uploadUrl, {
    method: "PUT",
    headers: { "content-type": "application/octet-stream", "content-length": String(size) },
    body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>,
    duplex: "half",
  } as RequestInit & { duplex: "half" });
  if (put.status !== 200) throw new Error(`Uploading the training file failed (HTTP ${put.status} ${put.statusText})`);
  const f = await c.files.retrieve(fileId);
  return f.id;
}

function trainingType(spec: LaunchSpec): { type: "Full" } | { type: "Lora"; lora_r: number; lora_alpha: number } {
  return spec.method === "full" ? { type: "Full" } : { type: "Lora", lora_r: spec.hyperparams.loraR ?? 64, lora_alpha: spec.hyperparams.loraAlpha ?? 128 };
}

export function togetherProvider(acct: ProviderAccount): FineTuneProviderClient {
  return {
    kind: "together",
    dataFormat: "together-chat",
    methods: ["full", "lora"],
    usesTrainer: false,
    webhooks: false,
    async limits(baseModel) {
      const c = await client(acct);
      const l = await c.fineTuning.modelLimits({ model_name: baseModel });
      return {
        supportsFull: l.supports_full_training,
        supportsLora: Boolean(l.lora_training),
        maxSeqLength: finiteOrNull(l.max_seq_length_sft),
        maxEpochs: finiteOrNull(l.max_num_epochs),
        minLearningRate: finiteOrNull(l.min_learning_rate),
        maxLearningRate: finiteOrNull(l.max_learning_rate),
      };
    },
    async estimatePrice(spec, data) {
      if (!data.trainFileId) return null;
      const c = await client(acct);
      const r = (await c.fineTuning.estimatePrice({
        training_file: data.trainFileId,
        ...(data.validFileId ? { validation_file: data.validFileId } : {}),
        model: spec.baseModel,
        n_epochs: spec.hyperparams.epochs,
        training_method: { method: "sft", train_on_inputs: false },
        training_type: trainingType(spec),
      })) as { estimation_available?: boolean; estimated_total_price?: number };
      return r.estimation_available ? finiteOrNull(r.estimated_total_price) : null;
    },
    async prepare(spec) {
      if (!spec.files) throw new Error("Together needs the training file.");
      const c = await client(acct);
      const trainFileId = await uploadFile(acct, c, spec.files.train);
      const validFileId = spec.files.valid ? await uploadFile(acct, c, spec.files.valid) : null;
      return { trainFileId, ...(validFileId ? { validFileId } : {}) };
    },
    async create(spec, data: PreparedData) {
      if (!data.trainFileId) throw new Error("No training file uploaded.");
      const c = await client(acct);
      const hp = spec.hyperparams;
      const job = await c.fineTuning.create({
        model: spec.baseModel,
        training_file: data.trainFileId,
        ...(data.validFileId ? { validation_file: data.validFileId, n_evals: Math.max(1, hp.epochs) } : {}),
        n_epochs: hp.epochs,
        learning_rate: hp.learningRate,
        batch_size: hp.batchSize,
        max_seq_length: hp.maxSeqLength,
        random_seed: hp.seed,
        packing: hp.packing,
        n_checkpoints: Math.max(1, hp.epochs),
        suffix: spec.suffix,
        // Loss on the assistant turn only (the SPRINT trajectory), never on the question.
        training_method: { method: "sft", train_on_inputs: false },
        training_type: trainingType(spec),
      });
      return { providerJobId: job.id };
    },
    async get(id) {
      const c = await client(acct);
      const j = await c.fineTuning.retrieve(id);
      const lastError = j.status === "error" ? [...(j.events ?? [])].reverse().find((e) => e.level === "error" || e.type === "job_error")?.message : null;
      return {
        status: togetherStatus(j.status),
        providerStatus: j.status,
        error: lastError ?? (j.status === "error" ? "The provider reported an error." : null),
        outputModel: j.model_output_name ?? null,
        outputLocation: j.model_output_name ? `together://${j.model_output_name}` : null,
      };
    },
    async listEvents(id, cursor) {
      const c = await client(acct);
      const r = await c.fineTuning.listEvents(id);
      const seen = Number(cursor ?? 0);
      const all = r.data ?? [];
      const items: ProviderEvent[] = all.slice(seen).map((e) => ({
        key: eventKey(e.created_at, e.type, e.message),
        at: new Date(e.created_at),
        level: level(e.level),
        type: e.type,
        message: e.message,
      }));
      return { items, cursor: String(all.length) };
    },
    async listMetrics(id, cursor) {
      const c = await client(acct);
      const from = cursor === null ? 0 : Number(cursor) + 1;
      const r = await c.fineTuning.listMetrics(id, { global_step_from: from });
      const items = (r.metrics ?? []).map((m) => metricFrom(m)).filter((m): m is ProviderMetric => m !== null && m.step >= from);
      const last = items.reduce((mx, m) => Math.max(mx, m.step), cursor === null ? -1 : Number(cursor));
      return { items, cursor: last >= 0 ? String(last) : cursor };
    },
    async listCheckpoints(id) {
      const c = await client(acct);
      const r = await c.fineTuning.listCheckpoints(id);
      return (r.data ?? []).map((cp): ProviderCheckpoint => ({ step: cp.step, location: cp.path, at: new Date(cp.created_at) }));
    },
    async cancel(id) {
      const c = await client(acct);
      await c.fineTuning.cancel(id);
    },
    servingTarget(s) {
      return s.outputModel ? { model: s.outputModel, artifact: s.outputLocation } : null;
    },
  };
}
