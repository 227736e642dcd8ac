/**
 * Fine-tunes against local servers that follow each provider's documented API (tests/fixtures/finetune-providers.ts),
 * driven through the official clients pointed at them by base URL: Together (together-ai), OpenAI (openai, incl. a
 * signed webhook), Hugging Face Jobs (@huggingface/hub) and Ray Jobs (REST). For each: create → state sequence →
 * events/metrics/checkpoints → success; failure; cancel. Then the worker: a restart mid-job loses nothing. Then the
 * trainer protocol end to end: the Ray fixture runs trainer/train.py (CPU stand-in) which pulls the snapshot from the
 * app's trainer routes with its job token, reports metrics/checkpoints/output, and is refused once the job ended.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "../../server/job-kinds";
import { createPrismaClient } from "../../server/db/client";
import { startProviderFixture, type ProviderFixture } from "../fixtures/finetune-providers";
import { reviewFixture } from "./review-fixture";
import { createSnapshot } from "../../server/curation/snapshots";
import * as ft from "../../server/finetune/service";
import { RECIPE, type FineTuneStatus } from "../../server/finetune/types";
import type { Actor } from "../../server/service-error";

const db = createPrismaClient(process.env.DATABASE_URL);
let fx: ProviderFixture;
let rf: Awaited<ReturnType<typeof reviewFixture>>;
let admin: Actor;
let curator: Actor;
let snapshotId: string;
let app: http.Server;
let appUrl: string;

const hp = { ...RECIPE.hyperparams, maxSeqLength: 8192 };

/** Serves the app's route handlers (trainer API, OpenAI webhook) over HTTP, as Next would. */
async function startAppRoutes() {
  const trainer = await import("../../app/api/finetune/trainer/[action]/route");
  const webhook = await import("../../app/api/finetune/webhooks/openai/[providerId]/route");
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = `http://127.0.0.1${req.url}`;
    const init: RequestInit = { method: req.method ?? "GET", headers: req.headers as Record<string, string>, ...(req.method === "POST" ? { body: Buffer.concat(chunks) } : {}) };
    let m: RegExpExecArray | null;
    let r: Response;
    if ((m = /^\/api\/finetune\/trainer\/(\w+)/.exec(req.url ?? ""))) {
      const ctx = { params: Promise.resolve({ action: m[1]! }) };
      r = req.method === "POST" ? await trainer.POST(new Request(url, init), ctx) : await trainer.GET(new Request(url, init), ctx);
    } else if ((m = /^\/api\/finetune\/webhooks\/openai\/([\w-]+)/.exec(req.url ?? ""))) {
      r = await webhook.POST(new Request(url, init), { params: Promise.resolve({ providerId: m[1]! }) });
    } else r = new Response("not found", { status: 404 });
    res.writeHead(r.status, Object.fromEntries(r.headers));
    res.end(Buffer.from(await r.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

beforeAll(async () => {
  fx = await startProviderFixture({ steps: 12 });
  process.env.SPRINT_FINETUNE_POLL_MS = "150";
  rf = await reviewFixture(db, { traces: 6 });
  admin = { userId: rf.users.admin.id, role: "admin", workspaceId: rf.ws.id };
  curator = { userId: rf.users.curator.id, role: "curator", workspaceId: rf.ws.id };
  snapshotId = (await createSnapshot(db, { datasetId: rf.ds.id, userId: admin.userId, source: "kept" })).id;
  app = await startAppRoutes();
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  process.env.SPRINT_PUBLIC_URL = appUrl;
}, 120_000);

afterAll(async () => {
  await fx?.close();
  app?.closeAllConnections();
  await new Promise((r) => app?.close(r));
  const { stopQueue } = await import("../../server/jobs/queue");
  await stopQueue();
  await rf?.cleanup();
  await db.$disconnect();
});

async function provider(kind: "together" | "openai" | "hf-jobs" | "ray", extra: Record<string, unknown> = {}) {
  const base = { together: fx.urls.together, openai: fx.urls.openai, "hf-jobs": fx.urls.hf, ray: fx.urls.ray }[kind];
  return ft.createProvider(db, admin, { name: `${kind}-${Math.random().toString(36).slice(2, 8)}`, kind, baseUrl: base, apiKey: kind === "hf-jobs" ? "hf_test_token" : kind === "ray" ? null : "sk-test-secret-1234", ...extra });
}

/** Polls until the job ends; returns the distinct statuses seen, in order. */
async function pollToEnd(jobId: string, max = 40): Promise<FineTuneStatus[]> {
  const seen: FineTuneStatus[] = [((await db.fineTuneJob.findUniqueOrThrow({ where: { id: jobId } })).status as FineTuneStatus)];
  for (let i = 0; i < max; i++) {
    const r = await ft.syncJob(db, jobId);
    if (seen.at(-1) !== r.status) seen.push(r.status);
    if (r.terminal) return seen;
  }
  throw new Error(`job ${jobId} did not end; saw ${seen.join(" → ")}`);
}

describe("Together (together-ai SDK)", () => {
  it("checks limits, prices, uploads, runs a full fine-tune to success with events, metrics and checkpoints", async () => {
    const p = await provider("together");
    expect(JSON.stringify(p)).not.toContain("sk-test-secret-1234");
    expect(p.apiKey).toEqual({ set: true, hint: "…1234" });
    const stored = await db.fineTuneProvider.findUniqueOrThrow({ where: { id: p.id } });
    expect(stored.apiKeyEnc).not.toContain("sk-test");

    const input = { providerId: p.id, snapshotId, baseModel: "Qwen/Qwen2.5-7B-Instruct", method: "full" as const, hyperparams: hp };
    const q = await ft.quote(db, admin, input);
    expect(q.limits?.supportsFull).toBe(true);
    expect(q.limits?.maxSeqLength).toBe(32768);
    expect(q.price).toBeGreaterThan(2);
    expect(q.prepared.trainFileId).toMatch(/^file-/);

    const launched = await ft.launch(db, admin, { ...input, prepared: q.prepared });
    expect(launched.error).toBeNull();
    const create = fx.requests.find((r) => r.method === "POST" && r.path === "/together/v1/fine-tunes")!;
    const body = JSON.parse(create.body);
    expect(body).toMatchObject({ model: "Qwen/Qwen2.5-7B-Instruct", training_file: q.prepared.trainFileId, n_epochs: 5, learning_rate: 1e-5, batch_size: 8, max_seq_length: 8192, random_seed: 42, packing: false, training_type: { type: "Full" }, training_method: { method: "sft", train_on_inputs: false } });
    // The uploaded file is Together's conversational format, one SPRINT trajectory per row.
    const uploaded = fx.files.get(q.prepared.trainFileId!)!.content.trim().split("\n").map((l) => JSON.parse(l));
    expect(uploaded[0].messages.at(-1)).toMatchObject({ role: "assistant" });
    expect(uploaded[0].messages.at(-1).content).toMatch(/^<think>\n<Plan_1>/);

    const statuses = await pollToEnd(launched.id);
    expect(statuses).toEqual(["validating", "queued", "running", "succeeded"]);
    const job = await ft.getJob(db, admin, { jobId: launched.id });
    expect(job.outputModel).toMatch(/^sprint-user\//);
    expect(job.servingTarget?.model).toBe(job.outputModel);
    expect(job.snapshotHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const metrics = await ft.listMetrics(db, admin, { jobId: launched.id });
    expect(metrics.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(metrics[0]!.trainLoss!).toBeGreaterThan(metrics[11]!.trainLoss!);
    expect(metrics.filter((m) => m.validLoss !== null)).toHaveLength(4);
    const cps = await ft.listCheckpoints(db, admin, { jobId: launched.id });
    expect(cps.map((c) => c.step)).toEqual([4, 8, 12]);
    const ev = await ft.listEvents(db, admin, { jobId: launched.id });
    const msgs = ev.items.map((e) => e.message);
    expect(msgs).toContain("Training started");
    expect(msgs.filter((m) => m === "Training started")).toHaveLength(1); // de-duplicated across polls
    expect(msgs.at(-1)).toBe("Status: succeeded");
    // Cursor: nothing after the last id.
    expect((await ft.listEvents(db, admin, { jobId: launched.id, afterId: ev.cursor })).items).toEqual([]);
  });

  it("refuses what the model's limits forbid before creating anything", async () => {
    const p = await provider("together");
    const before = await db.fineTuneJob.count({ where: { workspaceId: admin.workspaceId } });
    await expect(ft.launch(db, admin, { providerId: p.id, snapshotId, baseModel: "meta-llama/Llama-3.3-70B-Instruct", method: "full", hyperparams: hp })).rejects.toThrow(/does not support full fine-tuning/);
    await expect(ft.launch(db, admin, { providerId: p.id, snapshotId, baseModel: "Qwen/Qwen2.5-7B-Instruct", method: "full", hyperparams: { ...hp, maxSeqLength: 65536 } })).rejects.toThrow(/exceeds together's limit of 32768/);
    await expect(ft.launch(db, admin, { providerId: p.id, snapshotId, baseModel: "x/unknown-model", method: "lora", hyperparams: hp })).rejects.toThrow(/Could not read the provider's limits/);
    await expect(ft.launch(db, curator, { providerId: p.id, snapshotId, baseModel: "Qwen/Qwen2.5-7B-Instruct", method: "full", hyperparams: hp })).rejects.toThrow(/needs the admin role/);
    expect(await db.fineTuneJob.count({ where: { workspaceId: admin.workspaceId } })).toBe(before);
  });

  it("LoRA with the recipe's rank; a failing job ends failed with the provider's error", async () => {
    const p = await provider("together");
    const r = await ft.launch(db, admin, { providerId: p.id, snapshotId, baseModel: "Qwen/Qwen2.5-7B-fail", method: "lora", hyperparams: hp });
    const body = JSON.parse(fx.requests.filter((x) => x.path === "/together/v1/fine-tunes").at(-1)!.body);
    expect(body.training_type).toEqual({ type: "Lora", lora_r: 64, lora_alpha: 128 });
    expect(await pollToEnd(r.id)).toEqual(["validating", "queued", "running", "failed"]);
    const job = await ft.getJob(db, admin, { jobId: r.id });
    expect(job.error).toBe("CUDA out of memory during training");
    expect(job.hasTrainerToken).toBe(false);
  });

  it("cancels", async () => {
    const p = await provider("together");
    const r = await ft.launch(db, admin, { providerId: p.id, snapshotId, baseModel: "Qwen/Qwen2.5-7B-Instruct", method: "full", hyperparams: hp });
    await ft.syncJob(db, r.id);
    await ft.syncJob(db, r.id);
    await expect(ft.cancelJob(db, curator, { jobId: r.id })).rejects.toThrow(/admin/);
    expect((await ft.cancelJob(db, admin, { jobId: r.id })).status).toBe("cancelled");
    expect(fx.requests.some((x) => x.method === "POST" && x.path.endsWith("/cancel") && x.path.includes("/together/"))).toBe(true);
    expect((await ft.syncJob(db, r.id)).status).toBe("cancelled");
    await expect(ft.cancelJob(db, admin, { jobId: r.id })).rejects.toThrow(/already/);
  });
});

describe("OpenAI (openai SDK)", () => {
  it("runs a supervised fine-tune: metrics from events, checkpoints with losses, output model", async () => {
    const p = await provider("openai", { webhookSecret: `whsec_${Buffer.from("fixture-webhook-secret-0123456789").toString("base64")}` });
    const r = await ft.launch(db, admin, { providerId: p.id, snapshotId, baseModel: "gpt-4.1-mini-2025-04-14", method: "full", hyperparams: hp });
    expect(r.error).toBeNull();
    const create = JSON.parse(fx.requests.find((x) => x.path === "/openai/v1/fine_tuning/jobs" && x.method === "POST")!.body);
    expect(create.method).toEqual({ type: "supervised", supervised: { hyperparameters: { n_epochs: 5, batch_size: 8 } } });
    expect(create.seed).toBe(42);
    expect(await pollToEnd(r.id)).toEqual(["validating", "queued", "running", "succeeded"]);
    const job = await ft.getJob(db, admin, { jobId: r.id });
    expect(job.outputModel).toMatch(/^ft:gpt-4\.1-mini/);
    const metrics = await ft.listMetrics(db, admin, { jobId: r.id });
    expect(metrics).toHaveLength(12);
    const cps = await ft.listCheckpoints(db, admin, { jobId: r.id });
    expect(cps.map((c) => c.step)).toEqual([4, 8, 12]);
    expect(cps[0]!.trainLoss).toBeCloseTo(metrics[3]!.trainLoss!, 4);
    expect(cps[0]!.location).toMatch(/^ft:.*ckpt-step-4$/);
  });

  it("verifies signed fine_tuning.job webhooks at the app route and polls the job", async () => {
    const secret = `whsec_${Buffer.from("another-webhook-secret-abcdefghij").toString("base64")}`;
    const p = await provider("openai", { webhookSecret: secret });
    const r = await ft.launch(db, admin, { providerId: p.id, snapshotId, baseModel: "gpt-4.1-mini-2025-04-14", method: "full", hyperparams: hp });
    const job = await db.fineTuneJob.findUniqueOrThrow({ where: { id: r.id } });
    const url = `${appUrl}/api/finetune/webhooks/openai/${p.id}`;
    const bad = await fx.sendWebhook(url, secret, "fine_tuning.job.succeeded", job.providerJobId!, { tamper: true });
    expect(bad.status).toBe(400);
    const wrongSecret = await fx.sendWebhook(url, `whsec_${Buffer.from("not-the-secret-at-all-xxxxxxxxxxx").toString("base64")}`, "fine_tuning.job.succeeded", job.providerJobId!);
    expect(wrongSecret.status).toBe(400);
    const ok = await fx.sendWebhook(url, secret, "fine_tuning.job.succeeded", job.providerJobId!);
    expect(ok.status).toBe(200);
    const after = await db.fineTuneJob.findUniqueOrThrow({ where: { id: r.id } });
    expect(after.lastPolledAt).not.toBeNull();
    const evs = await db.fineTuneEvent.findMany({ where: { jobId: r.id, type: "webhook" } });
    expect(evs.map((e) => e.message)).toEqual(["Webhook fine_tuning.job.succeeded"]);
    expect((await fetch(`${appUrl}/api/finetune/webhooks/openai/nope`, { method: "POST", body: "{}" })).status).toBe(404);
  });

  it("fails and cancels", async () => {
    const p = await provider("openai");
    const f = await ft.launch(db, admin, { providerId: p.id, snapshotId, baseModel: "gpt-fail-mini", method: "full", hyperparams: hp });
    expect((await pollToEnd(f.id)).at(-1)).toBe("failed");
    expect((await ft.getJob(db, admin, { jobId: f.id })).error).toBe("Training failed: loss diverged");
    const c = await ft.launch(db, admin, { providerId: p.id, snapshotId, baseModel: "gpt-4.1-mini-2025-04-14", method: "full", hyperparams: hp });
    await ft.syncJob(db, c.id);
    await ft.cancelJob(db, admin, { jobId: c.id });
    expect((await ft.getJob(db, admin, { jobId: c.id })).status).toBe("cancelled");
    await expect(ft.launch(db, admin, { providerId: p.id, snapshotId, baseModel: "gpt-4.1-mini-2025-04-14", method: "lora", hyperparams: hp })).rejects.toThrow(/does not offer LoRA/);
  });
});

describe("Hugging Face Jobs (@huggingface/hub)", () => {
  it("runs the trainer container on the flavor with the job token as a secret; logs become events; success, cancel", async () => {
    const p = await provider("hf-jobs", { config: { namespace: "sprint-org", flavor: "h100x8", image: "ghcr.io/acme/sprint-trainer:1" } });
    const r = await ft.launch(db, admin, { providerId: p.id, snapshotId, baseModel: "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", method: "full", hyperparams: hp });
    expect(r.trainerToken).toMatch(/^sft_/);
    const run = fx.requests.find((x) => x.path === "/hf/api/jobs/sprint-org" && x.method === "POST")!;
    const body = JSON.parse(run.body);
    expect(body).toMatchObject({ dockerImage: "ghcr.io/acme/sprint-trainer:1", flavor: "h100x8", environment: { SPRINT_APP_URL: appUrl, SPRINT_JOB_ID: r.id } });
    expect(body.command.slice(0, 2)).toEqual(["python", "trainer/train.py"]);
    expect(body.command).toContain("--push-to-hub");
    expect(body.secrets.SPRINT_JOB_TOKEN).toBe(r.trainerToken);
    expect(run.headers.authorization).toBe("Bearer hf_test_token");
    const statuses = await pollToEnd(r.id);
    expect(statuses).toEqual(["validating", "running", "succeeded"]);
    const ev = await ft.listEvents(db, admin, { jobId: r.id });
    expect(ev.items.filter((e) => e.type === "log").map((e) => e.message)).toContain("Training complete");
    // The token stops working once the job ended.
    expect((await fetch(`${appUrl}/api/finetune/trainer/job`, { headers: { authorization: `Bearer ${r.trainerToken}` } })).status).toBe(401);

    const c = await ft.launch(db, admin, { providerId: p.id, snapshotId, baseModel: "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", method: "full", hyperparams: hp });
    await ft.syncJob(db, c.id);
    await ft.cancelJob(db, admin, { jobId: c.id });
    expect(fx.requests.some((x) => x.path.endsWith("/cancel") && x.path.startsWith("/hf/"))).toBe(true);
  });

  it("a failing job ends failed; a wrong token fails the launch and keeps the reason", async () => {
    const p = await provider("hf-jobs", { config: { namespace: "sprint-org", image: "ghcr.io/acme/trainer:fail" } });
    const f = await ft.launch(db, admin, { providerId: p.id, snapshotId, baseModel: "org/model", method: "full", hyperparams: hp });
    expect((await pollToEnd(f.id)).at(-1)).toBe("failed");
    const bad = await ft.createProvider(db, admin, { name: "hf-bad", kind: "hf-jobs", baseUrl: fx.urls.hf, apiKey: "hf_wrong", config: { namespace: "sprint-org" } });
    const r = await ft.launch(db, admin, { providerId: bad.id, snapshotId, baseModel: "org/model", method: "full", hyperparams: hp });
    expect(r.status).toBe("failed");
    expect(r.error).toMatch(/Launch failed: .*Invalid credentials/);
    expect((await db.fineTuneJob.findUniqueOrThrow({ where: { id: r.id } })).error).toMatch(/Invalid credentials/);
  });
});

describe("Ray Jobs (REST)", () => {
  it("submits the trainer entrypoint with runtime_env; PENDING → RUNNING → SUCCEEDED; failure; stop", async () => {
    const p = await provider("ray", { config: { gpus: 8, workingDir: "s3://bucket/sprint-trainer.zip", pip: ["trl==0.24.0"] } });
    const r = await ft.launch(db, admin, { providerId: p.id, snapshotId, baseModel: "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", method: "full", hyperparams: hp });
    const sub = JSON.parse(fx.requests.find((x) => x.path === "/ray/api/jobs/" && x.method === "POST")!.body);
    expect(sub.entrypoint).toBe(`python trainer/train.py --app-url ${appUrl} --output-dir /tmp/sprint-output`);
    expect(sub).toMatchObject({ submission_id: `sprint-${r.id}`, entrypoint_num_gpus: 8, runtime_env: { working_dir: "s3://bucket/sprint-trainer.zip", pip: ["trl==0.24.0"], env_vars: { SPRINT_JOB_TOKEN: r.trainerToken } } });
    expect(await pollToEnd(r.id)).toEqual(["validating", "queued", "running", "succeeded"]);
    const pf = await provider("ray", { config: { workingDir: "s3://bucket/fail.zip" } });
    const f = await ft.launch(db, admin, { providerId: pf.id, snapshotId, baseModel: "m", method: "full", hyperparams: hp });
    expect((await pollToEnd(f.id)).at(-1)).toBe("failed");
    expect((await ft.getJob(db, admin, { jobId: f.id })).error).toMatch(/exit code 1/);
    const c = await ft.launch(db, admin, { providerId: p.id, snapshotId, baseModel: "m", method: "lora", hyperparams: hp });
    await ft.cancelJob(db, admin, { jobId: c.id });
    expect(fx.requests.some((x) => x.path === `/ray/api/jobs/sprint-${c.id}/stop`)).toBe(true);
    const sky = await ft.skyPilotTask(db, admin, { jobId: r.id });
    expect(sky.yaml).toContain('accelerators: "A100-80GB:8"');
    expect(sky.yaml).toContain("python trainer/train.py");
    expect(sky.yaml).not.toContain(r.trainerToken!);
  });
});

describe("worker", () => {
  it("polls with no browser open; a restart mid-job loses nothing", async () => {
    const { startWorker } = await import("../../server/jobs/worker");
    const p = await provider("openai");
    const r = await ft.launch(db, admin, { providerId: p.id, snapshotId, baseModel: "gpt-4.1-mini-2025-04-14", method: "full", hyperparams: hp });
    let worker = await startWorker({ concurrency: 1, itemConcurrency: 2, pollIntervalMs: 100, log: () => undefined });
    const deadline = Date.now() + 30_000;
    while ((await db.fineTuneMetric.count({ where: { jobId: r.id } })) < 3) {
      if (Date.now() > deadline) throw new Error("no metrics from the worker");
      await new Promise((res) => setTimeout(res, 100));
    }
    await worker.stop();
    const mid = await db.fineTuneJob.findUniqueOrThrow({ where: { id: r.id } });
    expect(mid.status).toBe("running");
    worker = await startWorker({ concurrency: 1, itemConcurrency: 2, pollIntervalMs: 100, log: () => undefined });
    try {
      while ((await db.fineTuneJob.findUniqueOrThrow({ where: { id: r.id } })).status === "running") {
        if (Date.now() > deadline + 30_000) throw new Error("the job did not finish after the restart");
        await new Promise((res) => setTimeout(res, 100));
      }
    } finally {
      await worker.stop();
    }
    expect((await db.fineTuneJob.findUniqueOrThrow({ where: { id: r.id } })).status).toBe("succeeded");
    const metrics = await db.fineTuneMetric.findMany({ where: { jobId: r.id }, orderBy: { step: "asc" } });
    expect(metrics.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const evs = await db.fineTuneEvent.findMany({ where: { jobId: r.id } });
    expect(new Set(evs.map((e) => e.message)).size).toBe(evs.length);
  }, 90_000);
});

describe("trainer protocol end to end (Ray runs trainer/train.py with its CPU stand-in)", () => {
  it("pulls the snapshot with its token, reports metrics, checkpoints and output; resume; the token dies with the job", async () => {
    const fx2 = await startProviderFixture({ runTrainer: true });
    try {
      const p = await ft.createProvider(db, admin, { name: "ray-live", kind: "ray", baseUrl: fx2.urls.ray, config: { gpus: 0, outputDir: `/tmp/sprint-int-${Date.now()}` } });
      const hp2 = { ...hp, epochs: 2, batchSize: 2 };
      const r = await ft.launch(db, admin, { providerId: p.id, snapshotId, baseModel: "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", method: "full", hyperparams: hp2 });
      expect(r.error).toBeNull();
      await fx2.waitForProcesses();
      const proc = [...fx2.jobs.values()][0]!;
      expect(proc.procExit, proc.logs.join("\n")).toBe(0);
      expect((await pollToEnd(r.id)).at(-1)).toBe("succeeded");
      const job = await ft.getJob(db, admin, { jobId: r.id });
      expect(job.outputLocation).toMatch(/^file:\/\/.*\/final$/);
      const items = await db.snapshotItem.count({ where: { snapshotId, split: "train" } });
      const stepsPerEpoch = Math.ceil(items / 2);
      const metrics = await ft.listMetrics(db, admin, { jobId: r.id });
      expect(metrics.map((m) => m.step)).toEqual(Array.from({ length: 2 * stepsPerEpoch }, (_, i) => i + 1));
      expect(metrics.every((m) => m.trainLoss !== null && m.lr !== null && m.epoch !== null)).toBe(true);
      const cps = await ft.listCheckpoints(db, admin, { jobId: r.id });
      expect(cps.map((c) => c.step)).toEqual([stepsPerEpoch, 2 * stepsPerEpoch]);
      const msgs = (await ft.listEvents(db, admin, { jobId: r.id })).items.map((e) => e.message);
      expect(msgs.some((m) => /^Pulled \d+ train \/ \d+ test rows \(\d+ in SPRINT format\); snapshot sha256:/.test(m))).toBe(true);
      expect(msgs).toContain("Training started");

      // Resume: a second job resumes from the first run's epoch-1 checkpoint and continues from there.
      const r2 = await ft.launch(db, admin, { providerId: p.id, snapshotId, baseModel: "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", method: "full", hyperparams: hp2, resumeFrom: cps[0]!.location });
      await fx2.waitForProcesses();
      expect((await pollToEnd(r2.id)).at(-1)).toBe("succeeded");
      const m2 = await ft.listMetrics(db, admin, { jobId: r2.id });
      expect(m2[0]!.step).toBe(stepsPerEpoch + 1);
      expect(m2[0]!.trainLoss).toBeCloseTo(metrics[stepsPerEpoch]!.trainLoss!, 5);
      expect((await ft.listEvents(db, admin, { jobId: r2.id })).items.map((e) => e.message)).toContain(`Resuming from ${cps[0]!.location}`);

      // A finished job's token is refused everywhere.
      for (const path of ["/api/finetune/trainer/job", "/api/finetune/trainer/data?split=train"]) {
        expect((await fetch(`${appUrl}${path}`, { headers: { authorization: `Bearer ${r.trainerToken}` } })).status).toBe(401);
      }
      const rep = await fetch(`${appUrl}/api/finetune/trainer/report`, { method: "POST", headers: { authorization: `Bearer ${r.trainerToken}`, "content-type": "application/json" }, body: JSON.stringify({ type: "metrics", metrics: [{ step: 999, train_loss: 0.1 }] }) });
      expect(rep.status).toBe(401);
    } finally {
      await fx2.close();
    }
  }, 90_000);

  it("validates reports and refuses unknown tokens", async () => {
    const p = await provider("ray");
    const r = await ft.launch(db, admin, { providerId: p.id, snapshotId, baseModel: "m", method: "full", hyperparams: hp });
    const post = (body: unknown, token = r.trainerToken) => fetch(`${appUrl}/api/finetune/trainer/report`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await post({ type: "metrics", metrics: [{ step: -1 }] })).status).toBe(400);
    expect((await post({ type: "nope" })).status).toBe(400);
    expect((await post({ type: "metrics", metrics: [{ step: 1, train_loss: 2 }] }, "sft_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")).status).toBe(401);
    expect((await post({ type: "metrics", metrics: [{ step: 1, train_loss: 2 }, { step: 1, valid_loss: 1.5 }] })).status).toBe(200);
    expect(await ft.listMetrics(db, admin, { jobId: r.id })).toEqual([{ step: 1, epoch: null, trainLoss: 2, validLoss: 1.5, lr: null }]);
    const data = await fetch(`${appUrl}/api/finetune/trainer/data?split=train`, { headers: { authorization: `Bearer ${r.trainerToken}` } });
    const rows = (await data.text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(Object.keys(rows[0])).toEqual(["prompt", "completion"]);
    expect(data.headers.get("x-snapshot-hash")).toMatch(/^sha256:/);
    await ft.cancelJob(db, admin, { jobId: r.id });
    expect((await post({ type: "metrics", metrics: [{ step: 2, train_loss: 2 }] })).status).toBe(401);
  });
});
