/**
 * Hugging Face Jobs through `@huggingface/hub` 2.17 (`runJob`, `getJob`, `cancelJob`, `streamJobLogs`): runs the
 * project's trainer container on a chosen hardware flavor; the trainer pushes the result to a Hub repo and
 * reports metrics/output to the app itself. Config: `namespace` (user or org), `image`, `flavor`, `outputRepo`
 * (prefix; the job id is appended), `timeoutSeconds`.
 */
import { z } from "zod";
import type { FineTuneProviderClient, FineTuneStatus, ProviderAccount, ProviderEvent } from "../types";
import { errMessage, eventKey } from "./common";
import { trainerArgs, trainerEnv, TRAINER_SCRIPT } from "./trainer-command";

export const hfConfigSchema = z.object({
  namespace: z.string().min(1),
  image: z.string().min(1).default("ghcr.io/sprint-studio/trainer:latest"),
  flavor: z.string().min(1).default("a100-large"),
  outputRepo: z.string().min(1).optional(),
  timeoutSeconds: z.number().int().positive().default(24 * 3600),
});

export function hfStatus(stage: string): FineTuneStatus {
  switch (stage.toUpperCase()) {
    case "RUNNING":
      return "running";
    case "COMPLETED":
      return "succeeded";
    case "CANCELED":
    case "CANCELLED":
    case "STOPPED":
      return "cancelled";
    case "ERROR":
    case "DELETED":
    case "DELETING":
      return "failed";
    default:
      return "queued";
  }
}

/** How long one poll follows the (streaming) log endpoint before returning what it has. */
const LOG_WINDOW_MS = 1500;

export function hfJobsProvider(acct: ProviderAccount): FineTuneProviderClient {
  const cfg = () => hfConfigSchema.parse(acct.config);
  const common = () => {
    if (!acct.apiKey) throw new Error("This Hugging Face provider has no access token.");
    return { accessToken: acct.apiKey, namespace: cfg().namespace, ...(acct.baseUrl ? { hubUrl: acct.baseUrl } : {}) };
  };
  const repoFor = (jobId: string) => {
    const c = cfg();
    return c.outputRepo ? `${c.outputRepo}-${jobId}` : `${c.namespace}/sprint-${jobId}`;
  };
  return {
    kind: "hf-jobs",
    dataFormat: "prompt-completion",
    methods: ["full", "lora"],
    usesTrainer: true,
    webhooks: false,
    async limits() {
      return null;
    },
    async estimatePrice() {
      return null;
    },
    async prepare() {
      return {};
    },
    async create(spec) {
      const { runJob } = await import("@huggingface/hub");
      const c = cfg();
      const repo = repoFor(spec.jobId);
      const job = await runJob({
        ...common(),
        dockerImage: c.image,
        command: ["python", TRAINER_SCRIPT, ...trainerArgs(spec, "/tmp/sprint-output", repo)],
        environment: trainerEnv(spec),
        secrets: { SPRINT_JOB_TOKEN: spec.trainer?.token ?? "", HF_TOKEN: acct.apiKey ?? "" },
        flavor: c.flavor as never,
        timeoutSeconds: c.timeoutSeconds,
        labels: { "sprint-job": spec.jobId },
      });
      return { providerJobId: job.id };
    },
    async get(id) {
      const { getJob } = await import("@huggingface/hub");
      const j = await getJob({ ...common(), jobId: id });
      const status = hfStatus(j.status.stage);
      return { status, providerStatus: j.status.stage, error: status === "failed" ? (j.status.message ?? "The job failed.") : null };
    },
    async listEvents(id, cursor) {
      const { streamJobLogs } = await import("@huggingface/hub");
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), LOG_WINDOW_MS);
      const lines: { message: string; timestamp: Date }[] = [];
      try {
        for await (const l of streamJobLogs({ ...common(), jobId: id, fetch: (u, init) => fetch(u, { ...init, signal: ac.signal }) })) lines.push(l);
      } catch (e) {
        if (!ac.signal.aborted) throw new Error(`Could not read the job's logs: ${errMessage(e)}`);
      } finally {
        clearTimeout(timer);
      }
      const seen = Number(cursor ?? 0);
      const items: ProviderEvent[] = lines.slice(seen).map((l, i) => ({
        key: eventKey("log", seen + i, l.message),
        at: Number.isNaN(l.timestamp.getTime()) ? new Date() : l.timestamp,
        level: /error|traceback/i.test(l.message) ? "error" : "info",
        type: "log",
        message: l.message,
      }));
      return { items, cursor: String(Math.max(seen, lines.length)) };
    },
    async listMetrics(_id, cursor) {
      return { items: [], cursor }; // the trainer reports metrics to the app directly
    },
    async listCheckpoints() {
      return []; // the trainer reports checkpoints to the app directly
    },
    async cancel(id) {
      const { cancelJob } = await import("@huggingface/hub");
      await cancelJob({ ...common(), jobId: id });
    },
    servingTarget(s) {
      const loc = s.outputLocation;
      if (!loc) return null;
      return { model: loc.replace(/^hf:\/\//, ""), artifact: loc };
    },
  };
}
