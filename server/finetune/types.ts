/**
 * The fine-tune service's vocabulary: hyperparameters (Zod), the method's recipe, normalized job status, and the
 * one interface every provider implements (`FineTuneProviderClient`). No I/O here.
 */
import { z } from "zod";

export const PROVIDER_KINDS = ["together", "openai", "hf-jobs", "ray"] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export const STATUSES = ["validating", "queued", "running", "succeeded", "failed", "cancelled"] as const;
export type FineTuneStatus = (typeof STATUSES)[number];
export const TERMINAL: ReadonlySet<FineTuneStatus> = new Set(["succeeded", "failed", "cancelled"]);
export function isTerminal(s: string): boolean {
  return TERMINAL.has(s as FineTuneStatus);
}

export const METHODS = ["full", "lora"] as const;
export type Method = (typeof METHODS)[number];

export const hyperparamsSchema = z.strictObject({
  epochs: z.number().int().min(1).max(100),
  learningRate: z.number().gt(0).max(1),
  batchSize: z.number().int().min(1).max(4096),
  maxSeqLength: z.number().int().min(128).max(262_144),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  packing: z.boolean(),
  /** LoRA only. */
  loraR: z.number().int().min(1).max(1024).optional(),
  loraAlpha: z.number().int().min(1).max(4096).optional(),
  /** Trainer only (HF Jobs / Ray / SkyPilot): DeepSpeed ZeRO-3. */
  deepspeedZero3: z.boolean().optional(),
});
export type Hyperparams = z.infer<typeof hyperparamsSchema>;

/**
 * The SPRINT paper's recipe (arXiv 2506.05745 §5): full fine-tune of DeepSeek-R1-Distill-Qwen-7B, 5 epochs,
 * bf16, lr 1e-5, ZeRO-3 on 8×A100. LoRA did not learn the format in the paper.
 */
export const RECIPE = {
  baseModel: "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
  method: "full" as Method,
  hyperparams: { epochs: 5, learningRate: 1e-5, batchSize: 8, maxSeqLength: 16_384, seed: 42, packing: false, deepspeedZero3: true } satisfies Hyperparams,
  loraDefaults: { loraR: 64, loraAlpha: 128 },
  loraWarning: "The SPRINT paper's LoRA runs did not learn the plan/execution format; its results come from a full fine-tune.",
};

/** What a provider says about a base model before launch. */
export interface ProviderLimits {
  supportsFull: boolean;
  supportsLora: boolean;
  maxSeqLength: number | null;
  maxEpochs: number | null;
  minLearningRate: number | null;
  maxLearningRate: number | null;
}

export interface ProviderEvent {
  /** Stable key (provider event id, or a hash of time + message) for de-duplication across polls. */
  key: string;
  at: Date;
  level: "info" | "warning" | "error";
  type: string;
  message: string;
}

export interface ProviderMetric {
  step: number;
  epoch?: number | null;
  trainLoss?: number | null;
  validLoss?: number | null;
  lr?: number | null;
}

export interface ProviderCheckpoint {
  step: number;
  location: string;
  trainLoss?: number | null;
  validLoss?: number | null;
  at?: Date;
}

export interface ProviderJobState {
  status: FineTuneStatus;
  providerStatus: string;
  error?: string | null;
  /** Served model name once finished (Together output name, OpenAI `ft:…`). */
  outputModel?: string | null;
  /** Artifact location (hf://…, provider path). */
  outputLocation?: string | null;
}

/** Files prepared for a provider (its file ids), or nothing when the trainer pulls the snapshot itself. */
export interface PreparedData {
  trainFileId?: string;
  validFileId?: string;
}

export interface LaunchSpec {
  jobId: string;
  baseModel: string;
  method: Method;
  hyperparams: Hyperparams;
  suffix: string;
  /** Local JSONL files in the provider's format (only for providers that upload). */
  files: { train: string; valid?: string } | null;
  /** For trainer-backed providers: where the trainer calls back, and its token. */
  trainer: { appUrl: string; token: string; resumeFrom?: string | null } | null;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor to pass back next time. */
  cursor: string | null;
}

/**
 * One fine-tuning provider. `prepare` uploads the data when the provider needs it; `create` starts the job;
 * `get` normalizes its status; `listEvents` / `listMetrics` return what is new since the cursor; `cancel` stops it;
 * `servingTarget` says under which model name the result is served.
 */
export interface FineTuneProviderClient {
  readonly kind: ProviderKind;
  /** Which export format the provider trains on (server/sprint/export.ts). */
  readonly dataFormat: "together-chat" | "openai" | "prompt-completion";
  readonly methods: readonly Method[];
  /** True when the project's trainer runs the job (it pulls the snapshot and reports metrics itself). */
  readonly usesTrainer: boolean;
  readonly webhooks: boolean;
  limits(baseModel: string): Promise<ProviderLimits | null>;
  estimatePrice(spec: LaunchSpec, data: PreparedData): Promise<number | null>;
  prepare(spec: LaunchSpec): Promise<PreparedData>;
  create(spec: LaunchSpec, data: PreparedData): Promise<{ providerJobId: string }>;
  get(providerJobId: string): Promise<ProviderJobState>;
  listEvents(providerJobId: string, cursor: string | null): Promise<Page<ProviderEvent>>;
  listMetrics(providerJobId: string, cursor: string | null): Promise<Page<ProviderMetric>>;
  listCheckpoints(providerJobId: string): Promise<ProviderCheckpoint[]>;
  cancel(providerJobId: string): Promise<void>;
  servingTarget(state: { outputModel: string | null; outputLocation: string | null; baseModel: string; method: Method }): { model: string; artifact: string | null } | null;
}

/** A provider account as the service reads it (secrets decrypted, server-side only). */
export interface ProviderAccount {
  id: string;
  kind: ProviderKind;
  baseUrl: string | null;
  apiKey: string | null;
  webhookSecret: string | null;
  config: Record<string, unknown>;
}

export function finiteOrNull(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}
