/**
 * The LLM curation backend (server/curation/llm) end to end against a local HTTP server that speaks the
 * OpenAI chat-completions API and replays recorded answers (tests/fixtures/llm/recorded.json): good
 * component/DAG answers, malformed and invalid ones, and scripted transport failures (5xx, 429 with
 * Retry-After, a hang past the deadline, a body that stops mid-way, a connection reset). No real
 * network: the server listens on 127.0.0.1 on a free port. No database is used.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLlmBackend, LlmStepError, type LlmBackendOptions } from "../../server/curation/llm/backend";
import { CurationBackendError, type CurationInput } from "../../server/curation/types";
import { curate } from "../../server/sprint/packing";
import type { Step } from "../../server/sprint/steps";

// ── fixture ──────────────────────────────────────────────────────────────────────────────────────────
type Answer = { json: unknown } | { text: string };
type Action =
  | { answer: string; finish_reason?: string }
  | { status: number; message: string; headers?: Record<string, string> }
  | { hang: true }
  | { hangBody: true }
  | { reset: true }
  | { refusal: string };
interface Fixture {
  traces: Record<string, { question: string; lines: string[]; expected: { stages: number; dag: Record<string, number[]> } }>;
  answers: Record<string, Answer>;
  scenarios: Record<string, Action[]>;
}
const fixture = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, "../fixtures/llm/recorded.json"), "utf8"),
) as Fixture;

function answerText(name: string): string {
  const a = fixture.answers[name];
  if (!a) throw new Error(`no recorded answer ${name}`);
  return "json" in a ? JSON.stringify(a.json, null, 2) : a.text;
}

function input(trace: string): CurationInput {
  const t = fixture.traces[trace];
  if (!t) throw new Error(`no trace ${trace}`);
  return { traceId: trace, question: t.question, lines: t.lines };
}

// ── the fake OpenAI-compatible server ────────────────────────────────────────────────────────────────
interface Recorded {
  at: number;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: { model?: string; temperature?: number; messages?: { role: string; content: string }[]; response_format?: unknown };
  usage?: { prompt_tokens: number; completion_tokens: number };
}

class FakeChatServer {
  readonly requests: Recorded[] = [];
  private queue: Action[] = [];
  private readonly open = new Set<ServerResponse>();
  private server: Server | undefined;
  private seq = 0;
  baseURL = "";

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        let body: Recorded["body"] = {};
        try {
          body = JSON.parse(raw) as Recorded["body"];
        } catch {
          // recorded as {}; the test sees it
        }
        const rec: Recorded = { at: Date.now(), method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
        this.requests.push(rec);
        this.respond(rec, req.socket, res);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseURL = `http://127.0.0.1:${port}/v1`;
  }

  script(name: string): void {
    const s = fixture.scenarios[name];
    if (!s) throw new Error(`no scenario ${name}`);
    this.queue.push(...s);
  }

  /** Queues responses directly (recorded answers by name). */
  push(...actions: Action[]): void {
    this.queue.push(...actions);
  }

  reset(): void {
    this.requests.length = 0;
    this.queue = [];
    this.dropHung();
  }

  get pending(): number {
    return this.queue.length;
  }

  private dropHung(): void {
    for (const res of this.open) res.destroy();
    this.open.clear();
  }

  private json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(value));
  }

  private respond(rec: Recorded, socket: import("node:net").Socket, res: ServerResponse): void {
    if (rec.method !== "POST" || rec.url !== "/v1/chat/completions") {
      return this.json(res, 404, { error: { message: `no route ${rec.method} ${rec.url}`, type: "invalid_request_error" } });
    }
    const action = this.queue.shift();
    if (!action) return this.json(res, 500, { error: { message: "the test scripted no response for this request", type: "test_error" } });
    if ("hang" in action) {
      this.open.add(res);
      return;
    }
    if ("hangBody" in action) {
      this.open.add(res);
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id": "chatcmpl-partial", "object": "chat.completion", "choices": [');
      return;
    }
    if ("reset" in action) {
      socket.destroy();
      return;
    }
    if ("status" in action) {
      return this.json(res, action.status, { error: { message: action.message, type: "server_error", code: null } }, action.headers);
    }
    const content = "answer" in action ? answerText(action.answer) : null;
    const usage = {
      prompt_tokens: Math.ceil(JSON.stringify(rec.body.messages ?? []).length / 4),
      completion_tokens: Math.ceil((content ?? "").length / 4),
    };
    rec.usage = usage;
    this.json(res, 200, {
      id: `chatcmpl-${++this.seq}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: rec.body.model ?? "unknown",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content, ...("refusal" in action ? { refusal: action.refusal } : { refusal: null }) },
          finish_reason: "answer" in action ? (action.finish_reason ?? "stop") : "stop",
          logprobs: null,
        },
      ],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    });
  }

  async stop(): Promise<void> {
    this.dropHung();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

// ── tests ────────────────────────────────────────────────────────────────────────────────────────────
const MODEL = "gpt-4o-2024-08-06";
const API_KEY = "sk-test-0123456789";
const server = new FakeChatServer();

function backend(opts: Partial<LlmBackendOptions> = {}) {
  return createLlmBackend({
    baseURL: server.baseURL,
    apiKey: API_KEY,
    model: MODEL,
    timeoutMs: 3000,
    maxRetries: 2,
    backoff: { baseMs: 20, maxMs: 200 },
    ...opts,
  });
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

function userMessage(rec: Recorded | undefined): string {
  return rec?.body.messages?.find((m) => m.role === "user")?.content ?? "";
}

beforeAll(async () => {
  await server.start();
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => {
  server.reset();
});

describe("good answers", () => {
  it("extracts the recorded components as steps with line ranges and texts", async () => {
    server.script("gcd-extract-good");
    const trace = input("gcd");
    const res = await backend().extractSteps(trace);
    expect(server.requests).toHaveLength(1);
    expect(res.steps.map((s) => s.id)).toEqual([1, 2, 3, 4, 5, 6]);
    const s2 = res.steps[1] as Step;
    expect(s2).toEqual({
      id: 2,
      description: "Compute gcd(84, 126)",
      plan: "First, the gcd of 84 and 126.",
      prompt: "Compute gcd(84, 126) by factoring both numbers into primes.",
      execution: [trace.lines[3], trace.lines[4], trace.lines[5]].join(" "),
      comment: "So gcd(84, 126) = 42.",
      planLines: [3, 3],
      executionLines: [4, 6],
      commentLines: [7, 7],
    });
    const s1 = res.steps[0] as Step;
    expect(s1.planLines).toEqual([1, 2]);
    expect(s1.execution).toBeUndefined();
    expect(s1.prompt).toBeUndefined();
    expect(res.steps[3]?.planLines).toBeUndefined();
    expect(res.steps[3]?.plan).toBe("");
    expect(res.notes).toEqual([]);
    expect(res.usage).toEqual({ promptTokens: server.requests[0]?.usage?.prompt_tokens, completionTokens: server.requests[0]?.usage?.completion_tokens });
  });

  it("sends temperature 0, the model name, the API key and the numbered lines", async () => {
    server.script("gcd-extract-good");
    await backend().extractSteps(input("gcd"));
    const rec = server.requests[0] as Recorded;
    expect(rec.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(rec.headers["content-type"]).toMatch(/application\/json/);
    expect(rec.body.model).toBe(MODEL);
    expect(rec.body.temperature).toBe(0);
    expect(rec.body.response_format).toBeUndefined();
    expect(rec.body.messages?.map((m) => m.role)).toEqual(["system", "user"]);
    const user = userMessage(rec);
    expect(user).toContain("Compute gcd(84, 126) + lcm(4, 6).");
    expect(user).toContain("L1: Okay, so I need to find gcd(84, 126) + lcm(4, 6).");
    expect(user).toContain("L18: So the answer is \\boxed{54}.");
    expect(user).not.toContain("{{");
  });

  it("asks for json_object only when jsonMode is on, and sends no Authorization without a key", async () => {
    server.script("extract-wrapped");
    const res = await backend({ jsonMode: true, apiKey: undefined }).extractSteps(input("gcd"));
    expect(res.steps).toHaveLength(6);
    const rec = server.requests[0] as Recorded;
    expect(rec.body.response_format).toEqual({ type: "json_object" });
    expect(rec.headers.authorization).toBeUndefined();
  });

  it("ignores OPENAI_* environment credentials and organisation for a configured endpoint", async () => {
    const saved = { key: process.env.OPENAI_API_KEY, org: process.env.OPENAI_ORG_ID };
    process.env.OPENAI_API_KEY = "sk-from-env";
    process.env.OPENAI_ORG_ID = "org-from-env";
    try {
      server.script("gcd-extract-good");
      await backend({ apiKey: null }).extractSteps(input("gcd"));
      const rec = server.requests[0] as Recorded;
      expect(rec.headers.authorization).toBeUndefined();
      expect(rec.headers["openai-organization"]).toBeUndefined();
    } finally {
      if (saved.key === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved.key;
      if (saved.org === undefined) delete process.env.OPENAI_ORG_ID;
      else process.env.OPENAI_ORG_ID = saved.org;
    }
  });

  it("builds the recorded DAG from the components", async () => {
    server.script("gcd-extract-good");
    server.script("gcd-dag-good");
    const b = backend();
    const trace = input("gcd");
    const { steps } = await b.extractSteps(trace);
    const { dag, notes } = await b.buildDag(trace, steps);
    expect(dag).toEqual({ 1: [], 2: [1], 3: [1], 4: [2, 3], 5: [2], 6: [4, 5] });
    expect(notes).toEqual([]);
    const user = userMessage(server.requests[1]);
    expect(user).toContain("Component 2: Compute gcd(84, 126)");
    expect(user).toContain("  Execution (L4–L6): Factor both: 84 = 2^2 · 3 · 7.");
    expect(user).toContain("from 1 to 6");
    expect(server.requests[1]?.body.temperature).toBe(0);
  });

  it.each(Object.keys(fixture.traces))("curates trace %s end to end (extract → DAG → pack)", async (name) => {
    const t = fixture.traces[name] as Fixture["traces"][string];
    server.push({ answer: `${name}.extract.good` }, { answer: `${name}.dag.good` });
    const b = backend();
    const { steps } = await b.extractSteps(input(name));
    const { dag } = await b.buildDag(input(name), steps);
    expect(dag).toEqual(Object.fromEntries(Object.entries(t.expected.dag).map(([k, v]) => [Number(k), v])));
    // The recorded traces are short (3-line executions): annotated under the paper's prose (fold < 3 lines,
    // all steps ÷ stages). Under the method's code (the default), 3-line executions fold too.
    const result = curate(steps, dag, { lineCount: t.lines.length, question: t.question, foldRule: "lines", ratioVariant: "paper" });
    expect(result.reasons).toEqual([]);
    expect(result.kept).toBe(true);
    expect(result.packing?.stageCount).toBe(t.expected.stages);
    const paper = curate(steps, dag, { lineCount: t.lines.length, question: t.question });
    expect(paper.steps.filter((s) => s.execution !== undefined).every((s) => (s.executionLines?.[1] ?? 0) - (s.executionLines?.[0] ?? 0) >= 3)).toBe(true);
  });

  it("accepts a ```json fence and a leading <think> block, with a note", async () => {
    server.script("extract-fenced");
    const fenced = await backend().extractSteps(input("gcd"));
    expect(fenced.steps).toHaveLength(6);
    expect(fenced.notes?.some((n) => /code fence/.test(n))).toBe(true);

    server.reset();
    server.push({ answer: "countdown.extract.think" });
    const think = await backend().extractSteps(input("countdown"));
    expect(think.steps).toHaveLength(4);
    expect(think.steps[3]?.prompt).toBe("Verify that 4 \\times 9 - 6 = 30 and that each of 4, 6 and 9 is used once.");
    expect(think.notes?.some((n) => /<think>/.test(n))).toBe(true);
  });

  it("accepts the paper's {1: [], 2: [1]} DAG with unquoted keys, with a note", async () => {
    server.script("gcd-extract-good");
    server.script("dag-python-keys");
    const b = backend();
    const { steps } = await b.extractSteps(input("gcd"));
    const { dag, notes } = await b.buildDag(input("gcd"), steps);
    expect(dag).toEqual({ 1: [], 2: [1], 3: [1], 4: [2, 3], 5: [2], 6: [4, 5] });
    expect(notes?.join(" ")).toMatch(/unquoted numeric keys/);
  });
});

describe("malformed answers: one retry, then a recorded failure", () => {
  it("retries once after invalid JSON, stating the error, and succeeds", async () => {
    server.script("extract-malformed-then-good");
    const res = await backend().extractSteps(input("gcd"));
    expect(server.requests).toHaveLength(2);
    expect(res.steps).toHaveLength(6);
    const retryUser = userMessage(server.requests[1]);
    expect(retryUser).toContain(userMessage(server.requests[0]));
    expect(retryUser).toMatch(/Your previous answer to this request could not be used: the answer is not valid JSON/);
    expect(res.notes?.[0]).toMatch(/^step extraction: the first answer was rejected \(the answer is not valid JSON/);
    const [r1, r2] = server.requests;
    expect(res.usage).toEqual({
      promptTokens: (r1?.usage?.prompt_tokens ?? 0) + (r2?.usage?.prompt_tokens ?? 0),
      completionTokens: (r1?.usage?.completion_tokens ?? 0) + (r2?.usage?.completion_tokens ?? 0),
    });
  });

  it("rejects prose around the JSON (no silent repair) and retries", async () => {
    server.script("extract-prose-then-good");
    const res = await backend().extractSteps(input("gcd"));
    expect(server.requests).toHaveLength(2);
    expect(userMessage(server.requests[1])).toMatch(/must be only JSON, without surrounding text/);
    expect(res.steps).toHaveLength(6);
  });

  it("repairs a real extraction's faults (shared plan/execution line, uncovered line, comment inside an execution) without re-asking", async () => {
    server.script("extract-real-faults");
    const res = await backend().extractSteps(input("gcd"));
    expect(server.requests).toHaveLength(1);
    expect(res.repairs).toEqual([
      "line 4 was claimed by component 2's plan and component 2's execution: kept by component 2's plan",
      "component 5's comment (L16) lay inside component 5's execution (L15–L17): kept as part of component 5's execution",
      "line 11 was covered by no component: attached to component 3's comment",
    ]);
    const byId = new Map(res.steps.map((s) => [s.id, s]));
    expect(byId.get(2)).toMatchObject({ planLines: [3, 4], executionLines: [5, 6], commentLines: [7, 7] });
    // The uncovered line joins the comment, not the execution (an execution's span decides whether it folds).
    expect(byId.get(3)).toMatchObject({ executionLines: [9, 10], commentLines: [11, 12], comment: expect.stringContaining("That is 12.") });
    expect(byId.get(5)?.commentLines).toBeUndefined();
    expect(byId.get(5)?.executionLines).toEqual([15, 17]);
    // The repaired steps curate like the clean answer (same DAG shape, 6 steps).
    server.script("gcd-dag-good");
    const { dag } = await backend().buildDag(input("gcd"), res.steps);
    const result = curate(res.steps, dag, { lineCount: input("gcd").lines.length, foldRule: "lines", ratioVariant: "paper" });
    expect(result.reasons).toEqual([]);
    expect(result.packing?.stageCount).toBe(2);
  });

  it("fails with both precise reasons when the structure is unusable twice", async () => {
    server.script("extract-malformed-twice");
    const err = await rejection(backend().extractSteps(input("gcd")));
    expect(server.requests).toHaveLength(2);
    expect(err).toBeInstanceOf(CurationBackendError);
    expect(err).toBeInstanceOf(LlmStepError);
    const e = err as LlmStepError;
    expect(e.code).toBe("invalid");
    expect(e.retryable).toBe(false);
    expect(e.message).toContain("step extraction failed: the answer was unusable twice");
    expect(e.message).toContain("first answer: the step extraction is unusable: the components would need 15 of 18 lines moved");
    expect(e.issues.map((i) => i.code)).toEqual(["unusable"]);
    expect(e.attempts).toHaveLength(2);
    expect(e.usage.completionTokens).toBeGreaterThan(0);
    expect(userMessage(server.requests[1])).toContain("could not be used: the step extraction is unusable");
  });

  it("treats an answer cut off at the token limit as malformed", async () => {
    server.script("length");
    const err = await rejection(backend().extractSteps(input("gcd")));
    expect(err).toBeInstanceOf(LlmStepError);
    expect((err as LlmStepError).code).toBe("malformed");
    expect((err as Error).message).toMatch(/cut off at the token limit/);
    expect(server.requests).toHaveLength(2);
  });

  it("rejects a DAG whose parent is not earlier than its child, then accepts the retry", async () => {
    server.script("gcd-extract-good");
    server.script("dag-parent-not-earlier-then-good");
    const b = backend();
    const { steps } = await b.extractSteps(input("gcd"));
    const { dag, notes } = await b.buildDag(input("gcd"), steps);
    expect(dag[4]).toEqual([2, 3]);
    expect(userMessage(server.requests[2])).toContain("step 4 lists parent 5, which is not earlier: every parent must be smaller than its child");
    expect(notes?.[0]).toMatch(/^DAG construction: the first answer was rejected/);
  });

  it("fails DAG construction with the recorded reasons when both answers are unusable", async () => {
    server.script("gcd-extract-good");
    server.script("dag-malformed-twice");
    const b = backend();
    const { steps } = await b.extractSteps(input("gcd"));
    const err = await rejection(b.buildDag(input("gcd"), steps));
    expect(err).toBeInstanceOf(LlmStepError);
    const e = err as LlmStepError;
    expect(e.code).toBe("invalid");
    expect(e.message).toMatch(/^DAG construction failed: the answer was unusable twice — first answer: the answer is not valid JSON/);
    expect(e.message).toContain("second answer: step 4 lists parent 5, which is not earlier");
    expect(e.issues).toEqual([{ code: "parent-not-earlier", message: expect.stringContaining("step 4 lists parent 5") }]);
  });

  it("records a refusal without retrying", async () => {
    server.script("refusal");
    const err = await rejection(backend().extractSteps(input("gcd")));
    expect(err).toBeInstanceOf(CurationBackendError);
    expect((err as CurationBackendError).code).toBe("refused");
    expect((err as CurationBackendError).retryable).toBe(false);
    expect(server.requests).toHaveLength(1);
  });
});

describe("transport failures", () => {
  it("retries a 500 with backoff, then succeeds", async () => {
    server.script("500-then-success");
    const res = await backend({ backoff: { baseMs: 100, maxMs: 100 } }).extractSteps(input("gcd"));
    expect(server.requests).toHaveLength(2);
    expect(res.steps).toHaveLength(6);
    const gap = (server.requests[1]?.at ?? 0) - (server.requests[0]?.at ?? 0);
    expect(gap).toBeGreaterThanOrEqual(45); // equal jitter: at least half of 100 ms
    expect(res.notes).toContain("step extraction: the request needed 2 attempts");
  });

  it("backs off exponentially over consecutive 5xx", async () => {
    server.script("502-503-then-success");
    const res = await backend({ backoff: { baseMs: 80, maxMs: 1000 }, random: () => 0 }).extractSteps(input("gcd"));
    expect(res.steps).toHaveLength(6);
    expect(server.requests).toHaveLength(3);
    const [a, b, c] = server.requests.map((r) => r.at) as [number, number, number];
    expect(b - a).toBeGreaterThanOrEqual(35); // 80 ms · ½
    expect(c - b).toBeGreaterThanOrEqual(75); // 160 ms · ½
  });

  it("gives up after maxRetries with a retryable http error", async () => {
    server.script("500-always");
    const err = await rejection(backend({ maxRetries: 2 }).extractSteps(input("gcd")));
    expect(server.requests).toHaveLength(3);
    expect(err).toBeInstanceOf(CurationBackendError);
    const e = err as CurationBackendError;
    expect(e.code).toBe("http");
    expect(e.retryable).toBe(true);
    expect(e.message).toContain("HTTP 500 (500)");
    expect(e.message).toContain("internal error");
    expect(e.message).toContain("(after 3 attempts)");
    expect(e.message).not.toContain(API_KEY);
  });

  it("honours Retry-After on 429", async () => {
    server.script("429-retry-after-then-success");
    const res = await backend({ backoff: { baseMs: 10, maxMs: 10 } }).extractSteps(input("gcd"));
    expect(res.steps).toHaveLength(6);
    expect(server.requests).toHaveLength(2);
    const gap = (server.requests[1]?.at ?? 0) - (server.requests[0]?.at ?? 0);
    expect(gap).toBeGreaterThanOrEqual(950);
  });

  it("does not wait for a Retry-After longer than the limit: a retryable error instead", async () => {
    server.script("429-retry-after-too-long");
    const started = Date.now();
    const err = await rejection(backend().extractSteps(input("gcd")));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(server.requests).toHaveLength(1);
    expect((err as CurationBackendError).retryable).toBe(true);
    expect((err as Error).message).toMatch(/rate limited \(429\).*retry after 3600 s, longer than the 60 s limit/);
  });

  it("does not retry a 401", async () => {
    server.script("401");
    const err = await rejection(backend().extractSteps(input("gcd")));
    expect(server.requests).toHaveLength(1);
    expect((err as CurationBackendError).code).toBe("http");
    expect((err as CurationBackendError).retryable).toBe(false);
    expect((err as Error).message).toMatch(/authentication failed \(401\)/);
  });

  it("turns a hang past the deadline into a retryable timeout", async () => {
    server.script("hang");
    const started = Date.now();
    const err = await rejection(backend({ timeoutMs: 300, maxRetries: 0 }).extractSteps(input("gcd")));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(3000);
    expect(err).toBeInstanceOf(CurationBackendError);
    expect((err as CurationBackendError).code).toBe("timeout");
    expect((err as CurationBackendError).retryable).toBe(true);
    expect((err as Error).message).toContain("no complete answer within 300 ms");
    expect(server.requests).toHaveLength(1);
  });

  it("retries after a timeout and succeeds", async () => {
    server.script("hang-then-success");
    const res = await backend({ timeoutMs: 300, maxRetries: 1 }).extractSteps(input("gcd"));
    expect(res.steps).toHaveLength(6);
    expect(server.requests).toHaveLength(2);
  });

  it("times out a response body that stops mid-way (the deadline covers the body)", async () => {
    server.script("slow-body-then-success");
    const res = await backend({ timeoutMs: 300, maxRetries: 1 }).extractSteps(input("gcd"));
    expect(res.steps).toHaveLength(6);
    expect(server.requests).toHaveLength(2);
  });

  it("retries after a connection reset", async () => {
    server.script("reset-then-success");
    const res = await backend().extractSteps(input("gcd"));
    expect(res.steps).toHaveLength(6);
    expect(server.requests).toHaveLength(2);
  });

  it("rejects with the caller's abort reason, promptly, without retrying", async () => {
    server.script("hang-then-success");
    const controller = new AbortController();
    const reason = new Error("cancelled by the user");
    setTimeout(() => controller.abort(reason), 100);
    const started = Date.now();
    const err = await rejection(backend({ timeoutMs: 5000 }).extractSteps(input("gcd"), controller.signal));
    expect(err).toBe(reason);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(server.requests).toHaveLength(1);
  });

  it("accounts usage across calls on the client", async () => {
    server.script("extract-malformed-then-good");
    server.script("gcd-dag-good");
    const b = backend();
    const { steps } = await b.extractSteps(input("gcd"));
    await b.buildDag(input("gcd"), steps);
    const sent = server.requests.reduce(
      (acc, r) => ({ p: acc.p + (r.usage?.prompt_tokens ?? 0), c: acc.c + (r.usage?.completion_tokens ?? 0) }),
      { p: 0, c: 0 },
    );
    expect(b.client.usage).toEqual({ promptTokens: sent.p, completionTokens: sent.c, requests: 3, calls: 3 });
    expect(server.pending).toBe(0);
  });
});
