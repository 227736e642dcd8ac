/**
 * A curation run with the LLM backend, end to end: workspace endpoint (encrypted key) → queued run → worker →
 * OpenAI-compatible chat server (a local HTTP server serving recorded component/DAG answers, with one 500) →
 * stored trajectories whose stage counts match the recorded expectations.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../server/db/client";
import { contentHash } from "../../server/curation/import/run";
import { encryptSecret } from "../../server/secrets";
import { createCurationRun, runSummary } from "../../server/curation/runs";
import { DEFAULT_DAG_TEMPLATE } from "../../server/curation/llm/templates";
import { splitSentences } from "../../server/sprint/sequential";
import { stopQueue } from "../../server/jobs/queue";
import { startWorker, type Worker } from "../../server/jobs/worker";

interface Fixture {
  traces: Record<string, { question: string; lines: string[]; expected: { stages: number; dag: Record<string, number[]> } }>;
  answers: Record<string, { json: unknown }>;
}
const fixture = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "../fixtures/llm/recorded.json"), "utf8")) as Fixture;
const KEY = "sk-test-curation-llm-key";
const stamp = `${Date.now().toString(36)}-${crypto.randomBytes(3).toString("hex")}`;

const requests: { kind: string; trace: string; auth: string | undefined; model: string }[] = [];
let failedOnce = false;
let server: http.Server;
let baseURL: string;
let worker: Worker | undefined;
let ws: { id: string };
let user: { id: string };

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
      requests.push({ kind, trace, auth: req.headers.authorization, model: parsed.model });
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
    const ds = await prisma.dataset.create({ data: { workspaceId: ws.id, name: `llm-${stamp}` } });
    for (const [name, t] of Object.entries(fixture.traces)) {
      const reasoning = t.lines.join("\n");
      expect(splitSentences(reasoning).map((s) => s.text), `${name} lines`).toEqual(t.lines);
      await prisma.trace.create({
        data: { datasetId: ds.id, externalId: name, question: t.question, reasoning, contentHash: contentHash(t.question, reasoning) },
      });
    }
    const { run } = await createCurationRun(prisma, {
      workspaceId: ws.id,
      datasetId: ds.id,
      userId: user.id,
      config: { backend: "llm", endpointId: endpoint.id, tokenizer: "approx", concurrency: 2, filters: { maxStages: 11, minParallelRatio: 1, ratioVariant: "paper" } },
    });
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
});
