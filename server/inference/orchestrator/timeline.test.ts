import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ScriptedEngine } from "../engines/scripted";
import type { InferenceEvent, InferenceEventBody } from "./events";
import { runSequential, runSprint, type SprintRunResult } from "./orchestrator";
import type { SprintParamsInput } from "./params";
import { classifyRequest, syntheticModel, syntheticSpec } from "./synthetic";
import { applyEvents, criticalPath, emptyTimeline, timelineFromEvents, timelineTotals, tokenLayout, type TimelineModel } from "./timeline";

const Q = "What is 6 times 7?";
const now = () => Date.now();

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => {
  vi.useRealTimers();
});

async function run(prompts: number[], params: SprintParamsInput = {}, execWords?: (p: number, k: number) => number): Promise<SprintRunResult & { events: InferenceEvent[] }> {
  const spec = syntheticSpec(prompts, execWords ? { execWords } : {});
  const engine = new ScriptedEngine({ respond: syntheticModel(spec), tokenDelayMs: 5 });
  const promise = runSprint({ engine, question: Q, params, now, keepEvents: true });
  await vi.runAllTimersAsync();
  return (await promise) as SprintRunResult & { events: InferenceEvent[] };
}

/** Builds events with contiguous seq from bodies with explicit t. */
function seqd(list: (InferenceEventBody & { t: number })[]): InferenceEvent[] {
  return list.map((b, i) => ({ ...b, seq: i }) as InferenceEvent);
}

function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

describe("timeline reducer on real orchestrator events", () => {
  it("builds rounds, lanes, final answer and status (round-sync)", async () => {
    const r = await run([2, 1]);
    const m = timelineFromEvents(r.events);
    expect(m.status).toBe("completed");
    expect(m.mode).toBe("sprint");
    expect(m.schedule).toBe("round-sync");
    expect(m.question).toBe(Q);
    expect(m.lastSeq).toBe(r.events.length - 1);
    expect(m.eventCount).toBe(r.events.length);
    expect(m.boxed).toBe("42");
    expect(m.finalAnswer?.text).toContain("42");
    // Two rounds with executors + the final-answer round.
    expect(m.rounds.map((x) => x.executors.map((l) => l.lane))).toEqual([[1, 2], [1], []]);
    for (const round of m.rounds) {
      expect(round.planner?.status).toBe("done");
      expect(round.endT).not.toBeNull();
      for (const l of round.executors) {
        expect(l.status).toBe("done");
        expect(l.tokensExact).toBe(true);
        const fin = r.events.find((e): e is Extract<InferenceEvent, { type: "call-finished" }> => e.type === "call-finished" && e.role === "executor" && e.round === l.round && e.lane === l.lane);
        expect(l.text).toBe(fin?.text);
        expect(l.tokens).toBe(fin?.tokens);
        expect(l.prompt).toBe(r.trajectory.rounds[l.round - 1]?.chunks.find((c) => c.prompt?.index === l.lane)?.prompt?.text);
        // round-sync: executors start after the plan is complete
        expect(l.startT).toBeGreaterThanOrEqual(round.planner!.endT!);
        expect(l.firstTokenT).not.toBeNull();
      }
    }
    expect(m.rounds[0]?.criticalPathMs).toBe(r.metrics.roundTimings[0]?.criticalPathMs);
    expect(m.wallMs).toBe(r.metrics.wallMs);
  });

  it("gives the same model whatever the batching, and is idempotent", async () => {
    const r = await run([3, 2], { schedule: "eager" });
    const whole = timelineFromEvents(r.events);
    for (const size of [1, 7, 50]) {
      let m = emptyTimeline();
      for (const b of chunks(r.events, size)) m = applyEvents(m, b);
      // Replaying overlapping batches changes nothing.
      const again = applyEvents(m, r.events.slice(0, 20));
      expect(again).toBe(m);
      expect(strip(m)).toEqual(strip(whole));
    }
  });

  it("skips events after a gap until the missing ones arrive", async () => {
    const r = await run([2]);
    let m = applyEvents(emptyTimeline(), r.events.slice(0, 5));
    expect(m.lastSeq).toBe(4);
    const skipped = applyEvents(m, r.events.slice(6, 10));
    expect(skipped).toBe(m);
    m = applyEvents(m, r.events.slice(5, 10));
    expect(m.lastSeq).toBe(9);
    // Unordered batch
    m = applyEvents(m, [...r.events.slice(10)].reverse());
    expect(m.lastSeq).toBe(r.events.length - 1);
    expect(strip(m)).toEqual(strip(timelineFromEvents(r.events)));
  });

  it("shares unchanged rounds and lanes between versions (copy-on-write)", async () => {
    const r = await run([2, 2]);
    const cut = r.events.findIndex((e) => e.type === "round-started" && e.round === 2);
    const a = applyEvents(emptyTimeline(), r.events.slice(0, cut + 1));
    const b = applyEvents(a, r.events.slice(cut + 1, cut + 4));
    expect(b).not.toBe(a);
    expect(b.rounds[0]).toBe(a.rounds[0]);
    expect(b.rounds[0]?.executors[0]).toBe(a.rounds[0]?.executors[0]);
    // The input model is never mutated.
    const snapshot = JSON.stringify(a);
    applyEvents(a, r.events.slice(cut + 1));
    expect(JSON.stringify(a)).toBe(snapshot);
  });

  it("eager: executors start before the plan ends; critical path = planner + last executor", async () => {
    const r = await run([3, 1], { schedule: "eager", executorContext: "prefix" }, (p, k) => 10 + 7 * k + p);
    const m = timelineFromEvents(r.events);
    const r1 = m.rounds[0]!;
    expect(r1.executors.length).toBe(3);
    expect(r1.executors[0]!.startT).toBeLessThan(r1.planner!.endT!);
    expect(r1.executors.every((l) => l.promptCharPos !== null && l.promptCharPos > 0)).toBe(true);
    const cp = criticalPath(m);
    expect(cp.has("1.0")).toBe(true);
    // Executor 3 is the longest and starts last: it ends last.
    const last = [...r1.executors].sort((x, y) => y.endT! - x.endT!)[0]!;
    expect(cp.has(last.key)).toBe(true);
    expect(r1.executors.filter((l) => cp.has(l.key)).length).toBe(1);
    expect(cp.has("2.0")).toBe(true);
    // Token layout: eager executors start inside the plan, round 2 starts where round 1 ends.
    const layout = tokenLayout(m);
    const p1 = layout.lanes.get("1.0")!;
    const e1 = layout.lanes.get("1.1")!;
    expect(e1.start).toBeGreaterThan(p1.start);
    expect(e1.start).toBeLessThan(p1.end);
    expect(layout.rounds.get(2)!.start).toBe(layout.rounds.get(1)!.end);
    expect(layout.total).toBeGreaterThan(0);
    // Same order of magnitude as the paper's metric (which counts normalized text without tags).
    expect(Math.abs(layout.total - r.metrics.sequentialTokens) / r.metrics.sequentialTokens).toBeLessThan(0.5);
    expect(timelineTotals(m).totalTokens).toBeGreaterThanOrEqual(layout.total);
  });

  it("round-sync token layout: executors start at the planner's end", async () => {
    const m = timelineFromEvents((await run([2, 1])).events);
    const layout = tokenLayout(m);
    expect(layout.lanes.get("1.1")!.start).toBe(layout.lanes.get("1.0")!.end);
    expect(layout.lanes.get("1.2")!.start).toBe(layout.lanes.get("1.0")!.end);
  });

  it("replays a sequential baseline as one lane", async () => {
    const engine = new ScriptedEngine({ respond: () => "Think. So \\boxed{42}.", tokenDelayMs: 5 });
    const p = runSequential({ engine, question: Q, now, keepEvents: true });
    await vi.runAllTimersAsync();
    const r = await p;
    const m = timelineFromEvents(r.events ?? []);
    expect(m.mode).toBe("sequential");
    expect(m.rounds).toEqual([]);
    expect(m.sequential?.status).toBe("done");
    expect(m.sequential?.text).toContain("\\boxed{42}");
    expect(m.boxed).toBe("42");
    expect(m.status).toBe("completed");
  });
});

describe("timeline reducer on hand-written events", () => {
  const call = { role: "executor" as const, round: 1 };

  it("resets a lane's text on retry and counts attempts", () => {
    const m = timelineFromEvents(
      seqd([
        { type: "run-started", mode: "sprint", schedule: "round-sync", question: "q", params: {}, engines: { planner: "x", executor: "x" }, startedAt: 0, t: 0 },
        { type: "round-started", round: 1, forced: false, t: 0 },
        { type: "call-started", role: "planner", round: 1, lane: 0, attempt: 1, maxTokens: 10, promptChars: 1, t: 1 },
        { type: "call-delta", role: "planner", round: 1, lane: 0, attempt: 1, text: "aaaa bbbb", t: 2 },
        { type: "call-retry", role: "planner", round: 1, lane: 0, attempt: 1, reason: "over-long", message: "too long", tokens: 2000, t: 3 },
      ]),
    );
    const p = m.rounds[0]!.planner!;
    expect(p.status).toBe("retrying");
    expect(p.text).toBe("");
    const m2 = applyEvents(m, [
      { type: "call-started", role: "planner", round: 1, lane: 0, attempt: 2, maxTokens: 10, promptChars: 1, t: 4, seq: 5 },
      { type: "call-delta", role: "planner", round: 1, lane: 0, attempt: 2, text: "ok", t: 5, seq: 6 },
    ]);
    const p2 = m2.rounds[0]!.planner!;
    expect(p2.attempts).toBe(2);
    expect(p2.status).toBe("running");
    expect(p2.text).toBe("ok");
    expect(p2.startT).toBe(1);
    expect(p2.notes[0]).toMatch(/over-long/);
    expect(p2.version).toBeGreaterThan(p.version);
  });

  it("handles an eager restart whose old call is cancelled after the new one started", () => {
    const m = timelineFromEvents(
      seqd([
        { type: "run-started", mode: "sprint", schedule: "eager", question: "q", params: {}, engines: { planner: "x", executor: "x" }, startedAt: 0, t: 0 },
        { type: "round-started", round: 1, forced: false, t: 0 },
        { type: "call-started", role: "planner", round: 1, lane: 0, attempt: 1, maxTokens: 10, promptChars: 1, t: 0 },
        { type: "prompt-detected", round: 1, index: 1, text: "old", attempt: 1, t: 1 },
        { type: "call-started", ...call, lane: 1, attempt: 1, maxTokens: 10, promptChars: 1, t: 1 },
        { type: "call-delta", ...call, lane: 1, attempt: 1, text: "old text", t: 2 },
        { type: "call-finished", role: "planner", round: 1, lane: 0, attempt: 1, finishReason: "stop", tokens: 5, usage: null, text: "plan", overLongAccepted: false, t: 3 },
        // Restart: the new call starts, then the old one's cancellation arrives.
        { type: "call-started", ...call, lane: 1, attempt: 1, maxTokens: 10, promptChars: 1, t: 3 },
        { type: "call-cancelled", ...call, lane: 1, attempt: 1, reason: "the prompt is not in the final plan", t: 3 },
        { type: "call-delta", ...call, lane: 1, attempt: 1, text: "new", t: 4 },
      ]),
    );
    const l = m.rounds[0]!.executors[0]!;
    expect(l.status).toBe("running");
    expect(l.text).toBe("new");
    expect(l.restarts).toBe(1);
    expect(l.startT).toBe(3);
    expect(l.prompt).toBe("old");
  });

  it("marks a lane cancelled when the run is cancelled, and a failed lane on error", () => {
    const m = timelineFromEvents(
      seqd([
        { type: "run-started", mode: "sprint", schedule: "round-sync", question: "q", params: {}, engines: { planner: "x", executor: "x" }, startedAt: 0, t: 0 },
        { type: "round-started", round: 1, forced: false, t: 0 },
        { type: "call-started", role: "planner", round: 1, lane: 0, attempt: 1, maxTokens: 10, promptChars: 1, t: 0 },
        { type: "call-finished", role: "planner", round: 1, lane: 0, attempt: 1, finishReason: "stop", tokens: 5, usage: null, text: "plan", overLongAccepted: false, t: 3 },
        { type: "call-started", ...call, lane: 1, attempt: 1, maxTokens: 10, promptChars: 1, t: 3 },
        { type: "call-started", ...call, lane: 2, attempt: 1, maxTokens: 10, promptChars: 1, t: 3 },
        { type: "error", message: "boom", role: "executor", round: 1, lane: 2, kind: "http", t: 4 },
        { type: "call-cancelled", ...call, lane: 1, attempt: 1, reason: "the run was cancelled", t: 5 },
        { type: "run-finished", status: "failed", wallMs: 6, text: "", t: 6 },
      ]),
    );
    const [a, b] = m.rounds[0]!.executors;
    expect(a!.status).toBe("cancelled");
    expect(a!.endT).toBe(5);
    expect(b!.status).toBe("failed");
    expect(m.status).toBe("failed");
    expect(m.errors).toEqual(["boom"]);
    expect(m.rounds[0]!.endT).toBe(6);
    // A cancelled lane is never on the critical path; the failed one ended last.
    expect([...criticalPath(m)].sort()).toEqual(["1.0", "1.2"]);
  });

  it("stays fast for 20 rounds × 16 lanes of streamed deltas", () => {
    const bodies: (InferenceEventBody & { t: number })[] = [
      { type: "run-started", mode: "sprint", schedule: "eager", question: "q", params: {}, engines: { planner: "x", executor: "x" }, startedAt: 0, t: 0 },
    ];
    let t = 0;
    for (let r = 1; r <= 20; r++) {
      bodies.push({ type: "round-started", round: r, forced: false, t });
      bodies.push({ type: "call-started", role: "planner", round: r, lane: 0, attempt: 1, maxTokens: 10, promptChars: 1, t });
      for (let k = 1; k <= 16; k++) {
        bodies.push({ type: "prompt-detected", round: r, index: k, text: `p${k}`, attempt: 1, t: ++t });
        bodies.push({ type: "call-started", ...call, round: r, lane: k, attempt: 1, maxTokens: 10, promptChars: 1, t });
      }
      for (let i = 0; i < 30; i++) for (let k = 0; k <= 16; k++) bodies.push({ type: "call-delta", role: k === 0 ? "planner" : "executor", round: r, lane: k, attempt: 1, text: "token ", t: ++t });
      for (let k = 0; k <= 16; k++) bodies.push({ type: "call-finished", role: k === 0 ? "planner" : "executor", round: r, lane: k, attempt: 1, finishReason: "stop", tokens: 30, usage: null, text: "token ".repeat(30), overLongAccepted: false, t: ++t });
      bodies.push({ type: "round-finished", round: r, data: { index: r, chunks: [], executions: [] }, lanes: 16, criticalPathMs: 1, t });
    }
    const events = seqd(bodies);
    const t0 = performance.now();
    let m: TimelineModel = emptyTimeline();
    for (const b of chunks(events, 40)) m = applyEvents(m, b);
    const ms = performance.now() - t0;
    expect(m.rounds.length).toBe(20);
    expect(m.rounds.every((x) => x.executors.length === 16 && x.executors.every((l) => l.status === "done"))).toBe(true);
    expect(criticalPath(m).size).toBe(40);
    expect(ms).toBeLessThan(2000);
  });
});

/** The model's data without versions (which depend on batching). */
function strip(m: TimelineModel): unknown {
  return JSON.parse(JSON.stringify(m, (k, v: unknown) => (k === "version" ? undefined : v)));
}

describe("timeline reducer: faults", () => {
  it("a degraded run: engine retries and the incomplete lane are in the model, the lane marked incomplete", async () => {
    const spec = syntheticSpec([2]);
    const base = syntheticModel(spec);
    let planner = 0;
    const engine = new ScriptedEngine({
      respond: (req) => {
        const c = classifyRequest(req);
        if (c.role === "executor" && c.index === 1) return { text: "Partial result that keeps going", truncateAfter: 2 };
        if (c.role === "planner" && planner++ === 0) return { text: "", failBefore: { message: "HTTP 503", retryable: true } };
        return base(req);
      },
    });
    const promise = runSprint({ engine, question: Q, params: { errorAttempts: 2 }, now, keepEvents: true });
    await vi.runAllTimersAsync();
    const r = (await promise) as SprintRunResult & { events: InferenceEvent[] };
    expect(r.status).toBe("degraded");
    const m = timelineFromEvents(r.events);
    expect(m.status).toBe("degraded");
    expect(m.retries.map((x) => [x.level, x.reason, x.lane])).toEqual([
      ["orchestrator", "http", 0],
      ["orchestrator", "truncated", 1],
    ]);
    expect(m.incomplete).toEqual([{ role: "executor", round: 1, lane: 1, message: expect.stringMatching(/^executor 1\.1 never finished/) as string }]);
    const lane = m.rounds[0]?.executors.find((l) => l.lane === 1);
    expect(lane?.status).toBe("incomplete");
    expect(lane?.notes.at(-1)).toMatch(/the fragment was kept$/);
  });

  it("an engine-level retry is a note on the lane, not a discarded attempt", () => {
    const m = timelineFromEvents(
      seqd([
        { type: "run-started", mode: "sprint", schedule: "round-sync", question: "q", params: {}, engines: { planner: "e", executor: "e" }, startedAt: 0, t: 0 },
        { type: "round-started", round: 1, forced: false, t: 0 },
        { type: "call-started", role: "planner", round: 1, lane: 0, attempt: 1, maxTokens: 10, promptChars: 5, t: 0 },
        { type: "call-retry", role: "planner", round: 1, lane: 0, attempt: 1, level: "engine", reason: "http", status: 429, engineAttempt: 1, waitMs: 250, message: "HTTP 429: slow down", t: 1 },
      ]),
    );
    expect(m.retries).toEqual([{ role: "planner", round: 1, lane: 0, level: "engine", reason: "http", status: 429, message: "HTTP 429: slow down" }]);
    expect(m.rounds[0]?.planner?.notes).toEqual(["request 1 retried by the engine (HTTP 429, next in 250 ms): HTTP 429: slow down"]);
    expect(m.rounds[0]?.planner?.attempts).toBe(1);
  });
});
