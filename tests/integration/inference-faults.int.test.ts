/**
 * Faults are never hidden: SPRINT and sequential runs against the local vLLM-like SSE server
 * (tests/fixtures/openai-server.ts) with injected 500/429 storms and streams cut mid-way. Every retry is
 * an event with its level and reason and is counted; a lane cut on every attempt makes the run
 * `degraded` (or `failed` with onIncomplete "fail"), persisted as such by a playground run.
 * Token numbers come from per-call usage: total ≤ generated, equal when nothing was discarded.
 */
import crypto from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "../../server/api/root";
import { createPrismaClient } from "../../server/db/client";
import { openAICompletionsEngine } from "../../server/inference/engines";
import { replayEvents, runSequential, runSprint, type InferenceEvent } from "../../server/inference/orchestrator";
import { classifyRequest, syntheticModel, syntheticSpec } from "../../server/inference/orchestrator/synthetic";
import { startOpenAIFixture, type FixtureFault, type FixtureRequest, type OpenAIFixture } from "../fixtures/openai-server";
import { sprintFixtureModel } from "../fixtures/sprint-model";

let fixture: OpenAIFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const spec = syntheticSpec([2, 1], { execWords: 40 });
/** The request of executor 1.k (either executor context: the synthetic prompts carry "[task p.k]"). */
const isExec = (r: FixtureRequest, k: number) => {
  const c = classifyRequest(r);
  return c.role === "executor" && c.round === 1 && c.index === k;
};

async function sprintAgainst(fault: (r: FixtureRequest, n: number) => FixtureFault | undefined, params: Parameters<typeof runSprint>[0]["params"] = {}) {
  fixture = await startOpenAIFixture({ respond: syntheticModel(spec), tokenIntervalMs: 1, fault });
  const events: InferenceEvent[] = [];
  const engine = openAICompletionsEngine({ baseURL: fixture.url, model: "m", maxRetries: 4, backoff: { baseMs: 1, maxMs: 5 } });
  const r = await runSprint({ engine, question: "Q", params: { executorContext: "prefix", ...params }, onEvent: (e) => events.push(e) });
  return { r, events, retries: events.filter((e): e is Extract<InferenceEvent, { type: "call-retry" }> => e.type === "call-retry") };
}

describe("a 500/429 storm", () => {
  it("the engine's HTTP retries are events with status and reason, and are counted (no more retries: 0)", async () => {
    // The planner's first four requests fail: 500, 500, 429 (Retry-After 0), 503.
    const storm = [500, 500, 429, 503];
    const { r, events, retries } = await sprintAgainst((_req, n) => (n < storm.length ? { status: storm[n] as number, ...(storm[n] === 429 ? { retryAfter: "0" } : {}) } : undefined));
    expect(r.status).toBe("completed");
    expect(retries.map((e) => [e.level, e.reason, e.status, e.role, e.round, e.lane, e.engineAttempt])).toEqual([
      ["engine", "http", 500, "planner", 1, 0, 1],
      ["engine", "http", 500, "planner", 1, 0, 2],
      ["engine", "http", 429, "planner", 1, 0, 3],
      ["engine", "http", 503, "planner", 1, 0, 4],
    ]);
    expect(retries[0]?.message).toMatch(/HTTP 500/);
    expect(r.metrics).toMatchObject({ retries: 4, engineRetries: 4, orchestratorRetries: 0, retryReasons: { http: 4 } });
    expect(events.find((e) => e.type === "run-finished")).toMatchObject({ status: "completed", retries: 4, incomplete: 0 });
    // Retries before the first token discard nothing.
    expect(r.metrics.totalTokens).toBe(r.metrics.generatedTokens);
  });

  it("a storm that outlasts every retry fails the run, with each retry on record", async () => {
    const { r, retries, events } = await sprintAgainst((req) => (isExec(req, 2) ? { status: 500 } : undefined), { errorAttempts: 2 });
    expect(r.status).toBe("failed");
    expect(r.error).toMatch(/HTTP 500/);
    // 2 orchestrator attempts × (1 request + 4 engine retries): 8 engine retries, 1 orchestrator re-run.
    const lane2 = retries.filter((e) => e.lane === 2);
    expect(lane2.filter((e) => e.level === "engine")).toHaveLength(8);
    expect(lane2.filter((e) => e.level === "orchestrator").map((e) => e.reason)).toEqual(["http"]);
    expect(r.metrics.retries).toBe(9);
    expect(events.at(-1)).toMatchObject({ type: "run-finished", status: "failed", retries: 9 });
  });

  it("the sequential baseline counts its engine retries too", async () => {
    fixture = await startOpenAIFixture({ respond: () => "<think>\nSo 6 × 7 = 42.\n</think>\n\\boxed{42}", fault: (_r, n) => (n < 2 ? { status: 502 } : undefined) });
    const events: InferenceEvent[] = [];
    const r = await runSequential({ engine: openAICompletionsEngine({ baseURL: fixture.url, model: "m", backoff: { baseMs: 1, maxMs: 5 } }), question: "Q", onEvent: (e) => events.push(e) });
    expect(r.status).toBe("completed");
    expect(r.metrics).toMatchObject({ retries: 2, engineRetries: 2, retryReasons: { http: 2 } });
    expect(events.filter((e) => e.type === "call-retry").map((e) => (e as { status?: number }).status)).toEqual([502, 502]);
  });
});

describe("cut streams", () => {
  it("an executor cut on every attempt: degraded (not completed), lane-incomplete event, fragment kept", async () => {
    const { r, retries, events } = await sprintAgainst((req) => (isExec(req, 1) ? { truncateAfterTokens: 5, mode: "end" } : undefined), { errorAttempts: 3 });
    expect(r.status).toBe("degraded");
    expect(retries.filter((e) => e.lane === 1).map((e) => [e.level, e.reason])).toEqual([
      ["orchestrator", "truncated"],
      ["orchestrator", "truncated"],
    ]);
    const incomplete = events.filter((e) => e.type === "lane-incomplete");
    expect(incomplete).toMatchObject([{ role: "executor", round: 1, lane: 1, reason: "truncated", policy: "degraded" }]);
    expect(r.error).toMatch(/^executor 1\.1 never finished: 3 attempts/);
    expect(r.metrics.incomplete).toHaveLength(1);
    // The run still went on: round 2 and the final answer; the fragment stands in for execution 1.1.
    expect(r.trajectory.rounds).toHaveLength(2);
    expect(r.boxed).toBe("42");
    expect(r.trajectory.rounds[0]?.executions[0]?.text.length).toBeLessThan(r.trajectory.rounds[0]?.executions[1]?.text.length ?? 0);
    expect(replayEvents(events).status).toBe("degraded");
    // Cut attempts were generated but discarded: generated > total.
    expect(r.metrics.discardedTokens).toBeGreaterThan(0);
    expect(r.metrics.totalTokens).toBeLessThan(r.metrics.generatedTokens);
    expect(r.metrics.tokenSources).toMatchObject({ total: "mixed", generated: "mixed" });
  });

  it("with onIncomplete: fail, the same fault fails the run at once", async () => {
    const { r, events } = await sprintAgainst((req) => (isExec(req, 1) ? { truncateAfterTokens: 5, mode: "end" } : undefined), { errorAttempts: 2, onIncomplete: "fail" });
    expect(r.status).toBe("failed");
    expect(r.error).toMatch(/executor 1\.1 never finished/);
    expect(r.finalAnswer).toBeNull();
    expect(events.filter((e) => e.type === "lane-incomplete")).toMatchObject([{ policy: "fail" }]);
  });

  it("a cut that recovers on retry is completed, the retry on record", async () => {
    let cut = 0;
    const { r, retries } = await sprintAgainst((req) => (isExec(req, 1) && cut++ === 0 ? { truncateAfterTokens: 5, mode: "end" } : undefined));
    expect(r.status).toBe("completed");
    expect(retries.map((e) => [e.level, e.reason, e.lane])).toEqual([["orchestrator", "truncated", 1]]);
  });
});

describe("token sources over HTTP", () => {
  it("nothing discarded: total = generated, both from server usage; sequential ≤ total", async () => {
    const { r } = await sprintAgainst(() => undefined);
    expect(r.status).toBe("completed");
    expect(r.metrics.tokenSources).toEqual({ sequential: "usage", total: "usage", generated: "usage", tokenizer: "approx" });
    expect(r.metrics.totalTokens).toBe(r.metrics.generatedTokens);
    expect(r.metrics.discardedTokens).toBe(0);
    expect(r.metrics.sequentialTokens).toBeLessThan(r.metrics.totalTokens);
    // Σ of the accepted calls' server usage is the total.
    const calls = (fixture as OpenAIFixture).requests.length;
    expect(r.metrics.calls).toBe(calls);
  });
});

describe("a degraded playground run is persisted as degraded", () => {
  const db = createPrismaClient(process.env.DATABASE_URL);
  const tag = `flt-${Date.now().toString(36)}-${crypto.randomBytes(3).toString("hex")}`;
  let cutting: OpenAIFixture;
  let ws: { id: string };
  let user: { id: string };
  let endpointId: string;
  beforeAll(async () => {
    // Execution 1.1 of the playground's scripted model is cut on every attempt.
    cutting = await startOpenAIFixture({
      respond: sprintFixtureModel(),
      tokenIntervalMs: 1,
      fault: (r) => (r.prompt.includes("<Question>") && isExec(r, 1) ? { truncateAfterTokens: 3, mode: "end" } : undefined),
    });
    user = await db.user.create({ data: { email: `u-${tag}@example.test`, name: "u" } });
    ws = await db.workspace.create({ data: { name: `Faults ${tag}`, slug: tag } });
    await db.membership.create({ data: { workspaceId: ws.id, userId: user.id, role: "reviewer" } });
    endpointId = (await db.endpoint.create({ data: { workspaceId: ws.id, name: "cutting", kind: "openai-completions", baseUrl: cutting.url, model: "sprint-fixture" } })).id;
  });
  afterAll(async () => {
    await cutting?.close();
    await db.workspace.delete({ where: { id: ws.id } }).catch(() => undefined);
    await db.user.deleteMany({ where: { email: `u-${tag}@example.test` } });
    await db.$disconnect();
  });

  it("status degraded in the run and the history, retries and the incomplete lane in its metrics and events", async () => {
    const caller = createCaller({ db, user: { id: user.id } });
    const { runId } = await caller.inference.start({ workspaceId: ws.id, endpointId, question: "What is 6 × 7?", schedule: "round-sync", compareSequential: false });
    let run = await caller.inference.get({ workspaceId: ws.id, runId });
    for (let i = 0; i < 600 && run.status === "running"; i++) {
      await new Promise((res) => setTimeout(res, 100));
      run = await caller.inference.get({ workspaceId: ws.id, runId });
    }
    expect(run.status).toBe("degraded");
    expect(run.error).toMatch(/never finished/);
    const m = run.metrics as { retries: number; orchestratorRetries: number; incomplete: unknown[]; tokenSources: { tokenizer: string } };
    expect(m.retries).toBeGreaterThanOrEqual(2);
    expect(m.orchestratorRetries).toBe(m.retries);
    expect(m.incomplete).toHaveLength(1);
    expect(m.tokenSources.tokenizer).toBe("qwen3");
    const { events } = await caller.inference.events({ workspaceId: ws.id, runId, afterSeq: -1 });
    const evs = events as InferenceEvent[];
    expect(evs.some((e) => e.type === "lane-incomplete")).toBe(true);
    expect(replayEvents(evs).status).toBe("degraded");
    const history = await caller.inference.list({ workspaceId: ws.id });
    expect(history.rows.find((r) => r.id === runId)?.status).toBe("degraded");
  }, 90_000);
});
