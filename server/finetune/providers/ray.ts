/**
 * A self-hosted Ray cluster through the Ray Jobs REST API of its dashboard (head node :8265) — Ray has no
 * official Node client; this is its documented HTTP interface: `POST /api/jobs/` (entrypoint, submission_id,
 * runtime_env, metadata, entrypoint_num_gpus), `GET /api/jobs/{id}`, `GET /api/jobs/{id}/logs`,
 * `POST /api/jobs/{id}/stop`. The trainer reports metrics and output to the app. Config: `workingDir`
 * (runtime_env working_dir, a URI or path holding trainer/), `gpus`, `pip` (requirements), `outputDir`.
 */
import { z } from "zod";
import type { FineTuneProviderClient, FineTuneStatus, ProviderAccount, ProviderEvent } from "../types";
import { eventKey } from "./common";
import { trainerArgs, trainerEnv, TRAINER_SCRIPT } from "./trainer-command";

export const rayConfigSchema = z.object({
  workingDir: z.string().min(1).optional(),
  gpus: z.number().min(0).default(8),
  pip: z.array(z.string()).optional(),
  outputDir: z.string().min(1).default("/tmp/sprint-output"),
});

export function rayStatus(s: string): FineTuneStatus {
  switch (s) {
    case "PENDING":
      return "queued";
    case "RUNNING":
      return "running";
    case "SUCCEEDED":
      return "succeeded";
    case "FAILED":
      return "failed";
    case "STOPPED":
      return "cancelled";
    default:
      return "queued";
  }
}

async function ray<T>(acct: ProviderAccount, path: string, init: RequestInit = {}): Promise<T> {
  if (!acct.baseUrl) throw new Error("This Ray provider has no dashboard address (e.g. http://head-node:8265).");
  const res = await fetch(`${acct.baseUrl.replace(/\/+$/, "")}${path}`, {
    ...init,
    headers: { "content-type": "application/json", ...(acct.apiKey ? { authorization: `Bearer ${acct.apiKey}` } : {}), ...(init.headers ?? {}) },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`Ray ${init.method ?? "GET"} ${path} → HTTP ${res.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

export function raySubmission(acct: ProviderAccount, spec: Parameters<FineTuneProviderClient["create"]>[0]) {
  const c = rayConfigSchema.parse(acct.config);
  return {
    entrypoint: ["python", TRAINER_SCRIPT, ...trainerArgs(spec, c.outputDir)].map((a) => (/^[\w./:@=-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" "),
    submission_id: `sprint-${spec.jobId}`,
    runtime_env: {
      ...(c.workingDir ? { working_dir: c.workingDir } : {}),
      ...(c.pip ? { pip: c.pip } : {}),
      env_vars: { ...trainerEnv(spec), SPRINT_JOB_TOKEN: spec.trainer?.token ?? "" },
    },
    metadata: { sprint_job_id: spec.jobId },
    entrypoint_num_gpus: c.gpus,
  };
}

export function rayProvider(acct: ProviderAccount): FineTuneProviderClient {
  return {
    kind: "ray",
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
      const r = await ray<{ submission_id?: string; job_id?: string }>(acct, "/api/jobs/", { method: "POST", body: JSON.stringify(raySubmission(acct, spec)) });
      const id = r.submission_id ?? r.job_id;
      if (!id) throw new Error("Ray did not return a submission id.");
      return { providerJobId: id };
    },
    async get(id) {
      const j = await ray<{ status: string; message?: string | null }>(acct, `/api/jobs/${encodeURIComponent(id)}`);
      const status = rayStatus(j.status);
      return { status, providerStatus: j.status, error: status === "failed" ? (j.message ?? "The Ray job failed.") : null };
    },
    async listEvents(id, cursor) {
      const r = await ray<{ logs?: string }>(acct, `/api/jobs/${encodeURIComponent(id)}/logs`);
      const lines = (r.logs ?? "").split("\n").filter((l) => l.trim() !== "");
      const seen = Number(cursor ?? 0);
      const items: ProviderEvent[] = lines.slice(seen).map((l, i) => ({
        key: eventKey("log", seen + i, l),
        at: new Date(),
        level: /error|traceback/i.test(l) ? "error" : "info",
        type: "log",
        message: l,
      }));
      return { items, cursor: String(Math.max(seen, lines.length)) };
    },
    async listMetrics(_id, cursor) {
      return { items: [], cursor };
    },
    async listCheckpoints() {
      return [];
    },
    async cancel(id) {
      await ray(acct, `/api/jobs/${encodeURIComponent(id)}/stop`, { method: "POST" });
    },
    servingTarget(s) {
      return s.outputLocation ? { model: s.outputLocation.replace(/^hf:\/\//, ""), artifact: s.outputLocation } : null;
    },
  };
}
