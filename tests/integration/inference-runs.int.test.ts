/**
 * Playground runs through the tRPC procedures against a local OpenAI-compatible server that streams like vLLM:
 * a SPRINT run with its sequential baseline runs to the end, every event is persisted contiguously and replays
 * to the same text, rounds/lanes/metrics are recorded; cancel mid-run; history and search; share links (create,
 * read without a session, revoke → gone); send to studio (then refused as a duplicate).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import crypto from "node:crypto";
import { createPrismaClient } from "../../server/db/client";
import { createCaller } from "../../server/api/root";
import { startOpenAIFixture, type OpenAIFixture } from "../fixtures/openai-server";
import { sprintFixtureModel } from "../fixtures/sprint-model";
import { replayEvents, type InferenceEvent } from "../../server/inference/orchestrator/events";
import { getSharedRun } from "../../server/inference/share";

const db = createPrismaClient(process.env.DATABASE_URL);
const tag = `inf-${Date.now().toString(36)}-${crypto.randomBytes(3).toString("hex")}`;
let fixture: OpenAIFixture;
let slow: OpenAIFixture;
let ws: { id: string };
let users: Record<"admin" | "reviewer" | "viewer", { id: string }>;
let endpointId: string;
let slowEndpointId: string;
const as = (who: keyof typeof users) => createCaller({ db, user: { id: users[who].id } });
const W = () => ({ workspaceId: ws.id });

async function waitDone(runId: string, timeoutMs = 30_000) {
  const t0 = Date.now();
  for (;;) {
    const r = await as("viewer").inference.get({ ...W(), runId });
    if (r.status !== "running") return r;
    if (Date.now() - t0 > timeoutMs) throw new Error(`run ${runId} still running`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

beforeAll(async () => {
  fixture = await startOpenAIFixture({ respond: sprintFixtureModel(), tokenIntervalMs: 1 });
  slow = await startOpenAIFixture({ respond: sprintFixtureModel(), tokenIntervalMs: 200 });
  const mk = (who: string) => db.user.create({ data: { email: `${who}-${tag}@example.test`, name: who } });
  const [admin, reviewer, viewer] = await Promise.all(["admin", "reviewer", "viewer"].map(mk));
  users = { admin: admin!, reviewer: reviewer!, viewer: viewer! };
  ws = await db.workspace.create({ data: { name: `Inf ${tag}`, slug: tag } });
  for (const [who, role] of [["admin", "admin"], ["reviewer", "reviewer"], ["viewer", "viewer"]] as const) {
    await db.membership.create({ data: { workspaceId: ws.id, userId: users[who].id, role } });
  }
  endpointId = (await db.endpoint.create({ data: { workspaceId: ws.id, name: "fixture", kind: "openai-completions", baseUrl: fixture.url, model: "sprint-fixture" } })).id;
  slowEndpointId = (await db.endpoint.create({ data: { workspaceId: ws.id, name: "slow", kind: "openai-chat", baseUrl: slow.url, model: "sprint-fixture" } })).id;
});

afterAll(async () => {
  await fixture?.close();
  await slow?.close();
  await db.workspace.delete({ where: { id: ws.id } }).catch(() => undefined);
  await db.user.deleteMany({ where: { email: { endsWith: `-${tag}@example.test` } } });
  await db.$disconnect();
});

describe("playground runs", () => {
  let runId: string;
  let baselineRunId: string;

  it("runs SPRINT with a sequential baseline; events persist contiguously and replay to the same text", async () => {
    const started = await as("reviewer").inference.start({ ...W(), endpointId, question: "What is 6 × 7?", schedule: "eager", compareSequential: true });
    runId = started.runId;
    baselineRunId = started.baselineRunId!;
    expect(baselineRunId).toBeTruthy();
    const run = await waitDone(runId);
    const base = await waitDone(baselineRunId);
    expect(run).toMatchObject({ status: "succeeded", mode: "sprint", schedule: "eager", finalAnswer: "42", baselineRunId, endpoint: { name: "fixture" }, createdBy: "reviewer" });
    expect(base).toMatchObject({ status: "succeeded", mode: "sequential", finalAnswer: "42" });
    const m = run.metrics as { rounds: number; maxLanesPerRound: number; sequentialTokens: number; totalTokens: number; wallMs: number; measuredCriticalPathMs: number; adherence: { rate: number } };
    expect(m.rounds).toBe(2); // two planned rounds (the final answer is not a round)
    expect(m.maxLanesPerRound).toBe(3);
    expect(m.totalTokens).toBeGreaterThan(m.sequentialTokens);
    expect(m.adherence.rate).toBe(1);
    expect((base.metrics as { tokens: number }).tokens).toBeGreaterThan(200);

    const { events, done } = await as("viewer").inference.events({ ...W(), runId, afterSeq: -1 });
    expect(done).toBe(true);
    expect(events.map((e: InferenceEvent) => e.seq)).toEqual(events.map((_: unknown, i: number) => i));
    expect(events[0]!.type).toBe("run-started");
    expect(events.at(-1)!.type).toBe("run-finished");
    const deltas = events.filter((e: InferenceEvent) => e.type === "call-delta").length;
    const finished = events.filter((e: InferenceEvent) => e.type === "call-finished") as Extract<InferenceEvent, { type: "call-finished" }>[];
    const tokens = finished.reduce((a, e) => a + e.tokens, 0);
    expect(deltas).toBeGreaterThan(0);
    expect(deltas).toBeLessThan(tokens); // coalesced per call
    const replay = replayEvents(events);
    const end = events.at(-1) as Extract<InferenceEvent, { type: "run-finished" }>;
    expect(replay.text).toBe(end.text);
    expect(replay.boxed).toBe("42");

    const rounds = await db.inferenceRound.findMany({ where: { runId }, include: { lanes: { orderBy: { index: "asc" } } }, orderBy: { index: "asc" } });
    expect(rounds.map((r) => r.lanes.length)).toEqual([4, 3]); // planner lane + 3, planner lane + 2
    expect(rounds[0]!.lanes[1]!.prompt).toContain("[task 1.1]");

    const after = await as("viewer").inference.events({ ...W(), runId, afterSeq: events.length - 3 });
    expect(after.events.map((e: InferenceEvent) => e.seq)).toEqual([events.length - 2, events.length - 1]);
  });

  it("history with search; the baseline is linked, not listed", async () => {
    const list = await as("viewer").inference.list({ ...W() });
    expect(list.rows.map((r) => r.id)).toEqual([runId]);
    expect(list.rows[0]).toMatchObject({ baselineRunId, status: "succeeded" });
    expect((await as("viewer").inference.list({ ...W(), search: "6 × 7" })).total).toBe(1);
    expect((await as("viewer").inference.list({ ...W(), search: "nothing like this" })).total).toBe(0);
    expect((await as("admin").inference.list({ ...W(), mine: true })).total).toBe(0);
  });

  it("cancel mid-run stops it (and its baseline)", async () => {
    const started = await as("reviewer").inference.start({ ...W(), endpointId: slowEndpointId, question: "slow one", schedule: "round-sync", compareSequential: true });
    await new Promise((r) => setTimeout(r, 600));
    expect(await as("viewer").inference.cancel({ ...W(), runId: started.runId }).catch((e: { code: string }) => e.code)).toBe("FORBIDDEN");
    expect((await as("viewer").inference.get({ ...W(), runId: started.runId })).canCancel).toBe(false);
    expect((await as("reviewer").inference.get({ ...W(), runId: started.runId })).canCancel).toBe(true);
    await as("reviewer").inference.cancel({ ...W(), runId: started.runId });
    expect((await waitDone(started.runId, 10_000)).status).toBe("cancelled");
    expect((await waitDone(started.baselineRunId!, 10_000)).status).toBe("cancelled");
  });

  it("bounds the runs one person has going at once", async () => {
    process.env.SPRINT_PLAYGROUND_MAX_RUNS_PER_USER = "1";
    try {
      const first = await as("reviewer").inference.start({ ...W(), endpointId: slowEndpointId, question: "slow two", schedule: "round-sync", compareSequential: false });
      await expect(as("reviewer").inference.start({ ...W(), endpointId, question: "another", schedule: "eager", compareSequential: false })).rejects.toThrow(/already have 1 runs going \(the limit is 1\)/);
      await as("reviewer").inference.cancel({ ...W(), runId: first.runId });
      await waitDone(first.runId, 10_000);
    } finally {
      delete process.env.SPRINT_PLAYGROUND_MAX_RUNS_PER_USER;
    }
  });

  it("refuses bad input with a reason", async () => {
    await expect(as("reviewer").inference.start({ ...W(), question: "x", schedule: "eager", compareSequential: false })).rejects.toThrow(/Choose an endpoint/);
    await expect(as("reviewer").inference.start({ ...W(), endpointId: "nope", question: "x", schedule: "eager", compareSequential: false })).rejects.toThrow(/No such endpoint/);
    await expect(as("viewer").inference.start({ ...W(), endpointId, question: "x", schedule: "eager", compareSequential: false })).rejects.toThrow(/reviewer role/);
  });

  it("share: a link works without a session until revoked", async () => {
    const s = await as("reviewer").inference.share({ ...W(), runId });
    expect(s.token.length).toBeGreaterThanOrEqual(22); // ≥ 128 bits in base64url
    expect(s.url).toMatch(new RegExp(`/share/${s.token}$`));
    const shared = await getSharedRun(s.token, db);
    expect(shared?.run.id).toBe(runId);
    expect(shared?.baseline?.run.id).toBe(baselineRunId);
    expect(replayEvents(shared!.events).boxed).toBe("42");
    // Nothing on the public page names the endpoint's address or carries the run's parameters.
    const publicJson = JSON.stringify(shared);
    expect(publicJson).not.toContain(fixture.url);
    expect(publicJson).not.toContain("127.0.0.1");
    expect(shared!.run.params).toBeNull();
    const links = await as("viewer").inference.shareLinks({ ...W() });
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ runId, canRevoke: false });
    expect((await as("admin").inference.shareLinks({ ...W() }))[0]!.canRevoke).toBe(true);
    await expect(as("admin").inference.revokeShare({ ...W(), shareLinkId: "missing" })).rejects.toThrow(/No such share link/);
    await as("reviewer").inference.revokeShare({ ...W(), shareLinkId: s.shareLinkId });
    expect(await getSharedRun(s.token, db)).toBeNull();
    expect(await getSharedRun("not-a-token", db)).toBeNull();
  });

  it("send to studio adds the question and trajectory as a curated trace, once", async () => {
    const ds = await db.dataset.create({ data: { workspaceId: ws.id, name: `from-playground-${tag}` } });
    const r = await as("admin").inference.sendToStudio({ ...W(), runId, datasetId: ds.id });
    const trace = await db.trace.findUniqueOrThrow({ where: { id: r.traceId }, include: { trajectories: true } });
    expect(trace.question).toBe("What is 6 × 7?");
    expect(trace.trajectories).toHaveLength(1);
    expect(trace.trajectories[0]).toMatchObject({ curationStatus: "kept", stageCount: 2 });
    expect(trace.trajectories[0]!.text).toContain("<prompt_1.3>");
    await expect(as("admin").inference.sendToStudio({ ...W(), runId, datasetId: ds.id })).rejects.toThrow(/already in/);
    await expect(as("reviewer").inference.sendToStudio({ ...W(), runId, datasetId: ds.id })).rejects.toThrow(/curator role/);
  });
});
