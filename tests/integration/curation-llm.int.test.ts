/**
 * A curation run with the LLM backend, end to end: workspace endpoint (encrypted key) → queued run (one item
 * job per trace) → worker → OpenAI-compatible chat server (a local HTTP server serving recorded
 * component/DAG answers, with scripted failures) → stored trajectories whose stage counts match the recorded
 * expectations. Also: a retryable failure retried by the queue with backoff, a non-retryable one and
 * exhausted retries recorded as failed with their reason, and a killed worker mid-run resuming without
 * duplicating results.
 */
import "../../server/job-kinds";
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../server/db/client";
import { contentHash } from "../../server/curation/import/run";
import { encryptSecret } from "../../server/secrets";
import { cancelCurationRun, createCurationRun, runSummary } from "../../server/curation/runs";
import { DEFAULT_DAG_TEMPLATE } from "../../server/curation/llm/templates";
import { splitSentences } from "../../server/sprint/sequential";
import { getBoss, queueQuery, stopQueue } from "../../server/jobs/queue";
import { startWorker, type Worker } from "../../server/jobs/worker";

interface Fixture {
  traces: Record<string, { question: string; lines: string[]; expected: { stages: number; dag: Record<string, number[]> } }>;
  answers: Record<string, { json: unknown }>;
}
const fixture = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "../fixtures/llm/recorded.json"), "utf8")) as Fixture;
const KEY = "sk-test-curation-llm-key";
const stamp = `${Date.now().toString(36)}-${crypto.randomBytes(3).toString("hex")}`;

const requests: { kind: string; trace: string; auth: string | undefined; model: string; at: number }[] = [];
let failedOnce = false;
/** Scripted answers to the next extract requests of a trace: "429" (retry after 120 s: the client gives up at once, retryable) or "400". */
const script: Record<string, ("429" | "400" | "hang")[]> = {};
/** When the connections of "hang" answers were closed (by the client). */
const hungClosedAt: number[] = [];
let server: http.Server;
let baseURL: string;
let worker: Worker | undefined;
let ws: { id: string };
let user: { id: string };

let endpointId: string;
let datasetId: string;

async function startRun(config: Record<string, unknown>) {
  const { run } = await createCurationRun(prisma, {
    workspaceId: ws.id,
    datasetId,
    userId: user.id,
    // The recorded traces' expected stages were annotated with the paper's prose rule (fold < 3 lines): their
    // executions are 3 lines, which the default (the method's code) would fold.
    config: { backend: "llm", endpointId, tokenizer: "approx", concurrency: 2, foldRule: "lines", filters: { maxStages: 11, minParallelRatio: 1, ratioVariant: "paper" }, ...config },
  });
  return run;
}

async function waitFinished(runId: string, timeoutMs = 60_000) {
  const t0 = Date.now();
  let s = await runSummary(prisma, runId);
  while (s.status !== "succeeded" && s.status !== "failed" && Date.now() - t0 < timeoutMs) {
    await new Promise((r) => setTimeout(r, 100));
    s = await runSummary(prisma, runId);
  }
  return s;
}

async function rowsByTrace(runId: string) {
  const rows = await prisma.curatedTrajectory.findMany({ where: { runId }, include: { trace: true } });
  return Object.fromEntries(rows.map((r) => [r.trace.externalId!, r]));
}

function traceOf(userContent: string): string {
  return Object.keys(fixture.traces).find((k) => userContent.includes(fixture.traces[k]!.question)) ?? "unknown";
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const parsed = JSON.parse(body) as { model: string; messages: { role: string; content: string }[] };
      const system = parsed.messages.find((m) => m.role === "system")?.content ?? "";
      const userMsg = parsed.messages.filter((m) => m.role === "user").map((m) => m.content).join("\n");
      const kind = system === DEFAULT_DAG_TEMPLATE.system ? "dag" : "extract";
      const trace = traceOf(userMsg);
      requests.push({ kind, trace, auth: req.headers.authorization, model: parsed.model, at: Date.now() });
      const scripted = kind === "extract" ? script[trace]?.shift() : undefined;
      if (scripted === "429") {
        res.writeHead(429, { "content-type": "application/json", "retry-after": "120" }).end(JSON.stringify({ error: { message: "slow down" } }));
        return;
      }
      if (scripted === "hang") {
        res.on("close", () => hungClosedAt.push(Date.now()));
        return; // never answers
      }
      if (scripted === "400") {
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "unsupported request" } }));
        return;
      }
      if (kind === "extract" && trace === "gcd" && !failedOnce) {
        failedOnce = true;
        res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "overloaded" } }));
        return;
      }
      const answer = fixture.answers[`${trace}.${kind}.good`];
      if (!answer) {
        res.writeHead(400).end("unknown trace");
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: "chat.completion",
          created: Math.floor(Date.now() / 1000),
          model: parsed.model,
          choices: [{ index: 0, message: { role: "assistant", content: JSON.stringify(answer.json) }, finish_reason: "stop" }],
          usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  user = await prisma.user.create({ data: { email: `llmrun-${stamp}@example.test` } });
  ws = await prisma.workspace.create({ data: { name: `LLM ${stamp}`, slug: `llm-${stamp}`, memberships: { create: { userId: user.id, role: "admin" } } } });
});

afterAll(async () => {
  await worker?.stop({ timeoutMs: 2000 }).catch(() => undefined);
  await stopQueue();
  await new Promise((r) => server.close(r));
  await prisma.workspace.delete({ where: { id: ws.id } }).catch(() => undefined);
  await prisma.user.delete({ where: { id: user.id } }).catch(() => undefined);
});

describe("curation run with the LLM backend", () => {
  it("curates through an OpenAI-compatible endpoint, retrying a 5xx, and stores the recorded structure", async () => {
    const endpoint = await prisma.endpoint.create({
      data: { workspaceId: ws.id, name: "fake", kind: "openai-chat", baseUrl: baseURL, model: "gpt-test", apiKeyEnc: encryptSecret(KEY) },
    });
    endpointId = endpoint.id;
    const ds = await prisma.dataset.create({ data: { workspaceId: ws.id, name: `llm-${stamp}` } });
    datasetId = ds.id;
    for (const [name, t] of Object.entries(fixture.traces)) {
      const reasoning = t.lines.join("\n");
      expect(splitSentences(reasoning).map((s) => s.text), `${name} lines`).toEqual(t.lines);
      await prisma.trace.create({
        data: { datasetId: ds.id, externalId: name, question: t.question, reasoning, contentHash: contentHash(t.question, reasoning) },
      });
    }
    const run = await startRun({});
    worker = await startWorker({ concurrency: 1 });
    const t0 = Date.now();
    let s = await runSummary(prisma, run.id);
    while (s.status !== "succeeded" && s.status !== "failed" && Date.now() - t0 < 60_000) {
      await new Promise((r) => setTimeout(r, 200));
      s = await runSummary(prisma, run.id);
    }
    expect(s.status).toBe("succeeded");
    expect(s.counts.failed).toBe(0);
    const rows = await prisma.curatedTrajectory.findMany({ where: { runId: run.id }, include: { trace: true } });
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      const expected = fixture.traces[r.trace.externalId!]!.expected;
      expect(r.stageCount, r.trace.externalId!).toBe(expected.stages);
      expect(r.dagEdges).toEqual(expected.dag);
      expect(r.text).toContain("<Plan_1>");
    }
    expect(failedOnce).toBe(true);
    expect(requests.filter((q) => q.trace === "gcd" && q.kind === "extract")).toHaveLength(2);
    expect(requests.every((q) => q.auth === `Bearer ${KEY}` && q.model === "gpt-test")).toBe(true);
  });
  it("retries a retryable failure through the queue with backoff; records a non-retryable one as failed with its reason", async () => {
    const from = requests.length;
    script.gcd = ["429"];
    script.countdown = ["400"];
    const run = await startRun({ maxAttempts: 3 });
    const s = await waitFinished(run.id);
    expect(s.status).toBe("succeeded");
    const rows = await rowsByTrace(run.id);
    expect(rows.gcd?.curationStatus).not.toBe("failed");
    expect(rows.gcd?.stageCount).toBe(fixture.traces.gcd!.expected.stages);
    expect(rows.countdown?.curationStatus).toBe("failed");
    expect(rows.countdown?.reason).toMatch(/HTTP 400 \(400\).*unsupported request/);
    const mine = requests.slice(from);
    const gcdExtracts = mine.filter((q) => q.trace === "gcd" && q.kind === "extract");
    expect(gcdExtracts).toHaveLength(2); // one 429, then the queue's retry
    expect(gcdExtracts[1]!.at - gcdExtracts[0]!.at).toBeGreaterThanOrEqual(900); // pg-boss backoff: 1–2 s
    expect(mine.filter((q) => q.trace === "countdown")).toHaveLength(1); // not retried
    const jobs = await queueQuery<{ retry_count: number; row: string }>(
      "SELECT retry_count, data->>'rowId' AS row FROM pgboss.job WHERE name = 'curation-trace' AND data->>'runId' = $1",
      [run.id],
    );
    expect(jobs.find((j) => j.row === rows.gcd!.id)?.retry_count).toBe(1);
    expect(jobs.find((j) => j.row === rows.countdown!.id)?.retry_count).toBe(0);
  });

  it("records a trace whose retries are exhausted as failed, with the reason", async () => {
    const from = requests.length;
    script.gcd = ["429", "429"];
    const run = await startRun({ maxAttempts: 2 });
    const s = await waitFinished(run.id);
    expect(s.status).toBe("succeeded");
    expect(s.counts.failed).toBe(1);
    const rows = await rowsByTrace(run.id);
    expect(rows.gcd?.curationStatus).toBe("failed");
    expect(rows.gcd?.reason).toMatch(/rate limited \(429\).*retry after 120 s.*\(gave up after 2 attempts\)$/);
    expect(rows.countdown?.curationStatus).not.toBe("failed");
    expect(requests.slice(from).filter((q) => q.trace === "gcd" && q.kind === "extract")).toHaveLength(2);
  });

  it("cancelling a run stops a trace in the middle of its LLM call", async () => {
    await worker?.stop({ timeoutMs: 2000 });
    worker = await startWorker({ concurrency: 1, pollIntervalMs: 100 });
    for (const t of Object.keys(fixture.traces)) script[t] = ["hang"];
    const run = await startRun({ maxAttempts: 1 });
    const t0 = Date.now();
    while ((await prisma.curatedTrajectory.count({ where: { runId: run.id, curationStatus: "running" } })) === 0 && Date.now() - t0 < 20_000) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 300)); // the request is out and hanging
    const cancelledAt = Date.now();
    expect(await cancelCurationRun(prisma, run.id)).toBe(true);
    while (hungClosedAt.length === 0 && Date.now() - cancelledAt < 15_000) await new Promise((r) => setTimeout(r, 50));
    // The client hung up within a few seconds of the cancel (its own timeout is minutes away).
    expect(hungClosedAt.length).toBeGreaterThan(0);
    expect(hungClosedAt[0]! - cancelledAt).toBeLessThan(8_000);
    const s = await runSummary(prisma, run.id);
    expect(s.status).toBe("cancelled");
    expect(s.counts.kept + s.counts.filtered + s.counts.failed).toBe(0);
    for (const t of Object.keys(fixture.traces)) delete script[t];
  });

  it("a killed worker mid-run resumes without duplicating results", async () => {
    await worker?.stop({ timeoutMs: 2000 });
    worker = undefined;
    const run = await startRun({});
    // A worker takes one trace and dies with it (SIGKILL: the job stays active, the row running).
    const boss = await getBoss();
    const [taken] = await boss.fetch<{ rowId: string }>("curation-trace", { batchSize: 1, includeMetadata: true });
    await prisma.curatedTrajectory.update({ where: { id: taken!.data.rowId }, data: { curationStatus: "running" } });
    worker = await startWorker({ concurrency: 1, pollIntervalMs: 100 });
    const t0 = Date.now();
    let s = await runSummary(prisma, run.id);
    while (s.done < 1 && Date.now() - t0 < 30_000) {
      await new Promise((r) => setTimeout(r, 100));
      s = await runSummary(prisma, run.id);
    }
    expect([s.status, s.done, s.counts.running]).toEqual(["running", 1, 1]);
    // Its deadline passes; pg-boss maintenance hands the trace to a live worker.
    await queueQuery("UPDATE pgboss.job SET started_on = now() - interval '2 hours' WHERE id = $1", [taken!.id]);
    await boss.expire();
    s = await waitFinished(run.id);
    expect(s.status).toBe("succeeded");
    expect(s.done).toBe(2);
    const rows = await prisma.curatedTrajectory.findMany({ where: { runId: run.id }, include: { trace: true } });
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((r) => r.traceId)).size).toBe(2);
    for (const r of rows) expect(r.stageCount, r.trace.externalId!).toBe(fixture.traces[r.trace.externalId!]!.expected.stages);
  });
});
