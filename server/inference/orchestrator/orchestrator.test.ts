import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseTrajectory } from "../../sprint/format";
import { ScriptedEngine, type ScriptedAnswer } from "../engines/scripted";
import type { CompletionEngine, CompletionRequest } from "../engines/types";
import { buildRunPrefix, DEFAULT_FEW_SHOT } from "./context";
import { replayEvents, type InferenceEvent } from "./events";
import { callTokenMetrics, runSequential, runSprint, type RunSprintOptions, type SprintRunResult } from "./orchestrator";
import type { SprintParamsInput } from "./params";
import { classifyRequest, idealCriticalPathMs, syntheticModel, syntheticSpec } from "./synthetic";

const Q = "What is 6 times 7?";
const now = () => Date.now();

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs with fake timers driven to completion; deterministic virtual time (ms). */
async function run(engine: ScriptedEngine, params: SprintParamsInput = {}, extra: Partial<RunSprintOptions> = {}): Promise<SprintRunResult & { events: InferenceEvent[] }> {
  const promise = runSprint({ engine, question: Q, params, now, keepEvents: true, ...extra });
  await vi.runAllTimersAsync();
  const result = await promise;
  return result as SprintRunResult & { events: InferenceEvent[] };
}

function of<T extends InferenceEvent["type"]>(events: readonly InferenceEvent[], type: T): Extract<InferenceEvent, { type: T }>[] {
  return events.filter((e): e is Extract<InferenceEvent, { type: T }> => e.type === type);
}

describe("runSprint — the loop", () => {
  it("runs rounds of plan → parallel executions → final answer (round-sync)", async () => {
    const engine = new ScriptedEngine({ respond: syntheticModel(syntheticSpec([2, 1])), tokenDelayMs: 10 });
    const r = await run(engine);
    expect(r.status).toBe("completed");
    expect(r.trajectory.rounds.map((x) => x.executions.map((e) => e.index))).toEqual([[1, 2], [1]]);
    expect(r.trajectory.rounds[0]?.executions[1]?.text).toMatch(/^Result 1\.2:/);
    expect(r.boxed).toBe("42");
    expect(parseTrajectory(r.text, { strict: true }).ok).toBe(true);
    expect(r.metrics.rounds).toBe(2);
    expect(r.metrics.maxLanesPerRound).toBe(2);
    expect(r.metrics.meanLanesPerRound).toBe(1.5);
    expect(r.metrics.sequentialTokens).toBeLessThan(r.metrics.totalTokens);
    // Headline numbers are per-call usage; nothing was discarded, so total = generated.
    expect(r.metrics.tokenSources).toEqual({ sequential: "usage", total: "usage", generated: "usage", tokenizer: "approx" });
    expect(r.metrics.totalTokens).toBe(r.metrics.generatedTokens);
    expect(r.metrics.discardedTokens).toBe(0);
    expect(r.metrics.paper.sequentialTokens).toBeLessThan(r.metrics.paper.totalTokens);
    expect(r.metrics.retries).toBe(0);
    expect(r.adherence.rate).toBe(1);
    // Events: contiguous seq, non-decreasing t, and an exact replay.
    expect(r.events.map((e) => e.seq)).toEqual(r.events.map((_, i) => i));
    expect(r.events.every((e, i) => i === 0 || e.t >= (r.events[i - 1] as InferenceEvent).t)).toBe(true);
    const replay = replayEvents(r.events);
    expect(replay.text).toBe(r.text);
    expect(replay.boxed).toBe("42");
    expect(replay.status).toBe("completed");
    expect(of(r.events, "run-finished")[0]?.text).toBe(r.text);
    // Byte-identical shared prefix across every call.
    const prefix = buildRunPrefix(Q);
    const shared = `${prefix.system}\n\n${prefix.user}\n\n<think>\n`;
    expect(engine.requests.every((q) => q.prompt.startsWith(shared))).toBe(true);
    expect(engine.requests[0]?.stop).toEqual(["</Plan_", "</Execution_", "</Final_answer>", "</think>", "</execution_"]);
    expect(engine.requests[0]?.temperature).toBe(0.6);
  });

  it("measures timings exactly under virtual time: wall = ideal critical path for both schedules", async () => {
    const spec = syntheticSpec([3, 1, 4], { execWords: (p, k) => 10 + 7 * k + p });
    const rs = await run(new ScriptedEngine({ respond: syntheticModel(spec), tokenDelayMs: 5 }), { schedule: "round-sync" });
    const eg = await run(new ScriptedEngine({ respond: syntheticModel(spec), tokenDelayMs: 5 }), { schedule: "eager", executorContext: "prefix" });
    expect(rs.metrics.wallMs).toBe(idealCriticalPathMs(spec, "round-sync", 5));
    expect(eg.metrics.wallMs).toBe(idealCriticalPathMs(spec, "eager", 5));
    expect(eg.metrics.wallMs).toBeLessThan(rs.metrics.wallMs);
    for (const r of [rs, eg]) {
      expect(r.metrics.measuredCriticalPathMs).toBe(r.metrics.wallMs);
      expect(r.metrics.overheadMs).toBe(0);
      expect(r.metrics.ttftMs).toBe(10); // the first token "<" may start "</Plan_": held back one token, as vLLM does
    }
    // Same trajectory text either way (prefix context is schedule-independent).
    expect(eg.text).toBe(
      (await run(new ScriptedEngine({ respond: syntheticModel(spec), tokenDelayMs: 5 }), { schedule: "round-sync", executorContext: "prefix" })).text,
    );
  });

  it("eager: executor k starts the moment </prompt_p.k> has streamed", async () => {
    const spec = syntheticSpec([3]);
    const r = await run(new ScriptedEngine({ respond: syntheticModel(spec), tokenDelayMs: 10 }), { schedule: "eager" });
    const planner = of(r.events, "call-finished").find((e) => e.role === "planner" && e.round === 1);
    const detected = of(r.events, "prompt-detected").filter((e) => e.round === 1);
    const starts = of(r.events, "call-started").filter((e) => e.role === "executor" && e.round === 1);
    expect(detected.map((e) => e.index)).toEqual([1, 2, 3]);
    expect(starts.map((e) => e.lane)).toEqual([1, 2, 3]);
    for (const [i, s] of starts.entries()) {
      expect(s.t).toBe((detected[i] as InferenceEvent).t);
      expect(s.t).toBeLessThan((planner as InferenceEvent).t);
      // the start follows its detection directly
      expect(s.seq).toBe((detected[i] as InferenceEvent).seq + 1);
    }
    const timing = r.metrics.roundTimings[0];
    expect(timing?.lanes.map((l) => l.readyMs)).toEqual(detected.map((e) => e.t));
  });

  it("round-sync: executors start only when the plan is complete", async () => {
    const r = await run(new ScriptedEngine({ respond: syntheticModel(syntheticSpec([3])), tokenDelayMs: 10 }), { schedule: "round-sync" });
    const plannerEnd = of(r.events, "call-finished").find((e) => e.role === "planner")?.t as number;
    const starts = of(r.events, "call-started").filter((e) => e.role === "executor");
    expect(starts).toHaveLength(3);
    expect(starts.every((s) => s.t === plannerEnd)).toBe(true);
  });

  it("executor contexts: rearranged (code) vs prefix (paper)", async () => {
    const spec = syntheticSpec([2]);
    const rearranged = new ScriptedEngine({ respond: syntheticModel(spec) });
    await run(rearranged, { executorContext: "rearranged" });
    const prefix = new ScriptedEngine({ respond: syntheticModel(spec) });
    await run(prefix, { executorContext: "prefix" });
    const execOf = (e: ScriptedEngine) => e.requests.filter((q) => classifyRequest(q).role === "executor").map((q) => q.prompt.slice(q.prompt.lastIndexOf("<Plan_1>")));
    const [r1, r2] = execOf(rearranged);
    // Rearranged: the executor's own prompt is the only one, numbered 1.1; the other chunk keeps its text.
    expect(r2).toContain("<prompt_1.1> [task 1.2]");
    expect(r2).not.toContain("[task 1.1]");
    expect(r2).toContain("Step 1:");
    expect(r2?.endsWith("</Plan_1>\n\n<Execution_1>\n<execution_1.1>\n")).toBe(true);
    expect(r1).toContain("Step 2:");
    const [p1, p2] = execOf(prefix);
    // Prefix: the plan up to the end of the executor's own prompt.
    expect(p1).not.toContain("Step 2:");
    expect(p1?.endsWith("[task 1.1] work on item 1 </prompt_1.1>\n</Plan_1>\n\n<Execution_1>\n<execution_1.1>\n")).toBe(true);
    expect(p2).toContain("<prompt_1.1> [task 1.1]");
    expect(p2?.endsWith("</prompt_1.2>\n</Plan_1>\n\n<Execution_1>\n<execution_1.2>\n")).toBe(true);
  });
});

describe("runSprint — normalization and format drift", () => {
  it("re-wraps the plan as <Plan_p> and renumbers prompts p.1..p.k", async () => {
    const engine = new ScriptedEngine({
      respond: (req) => {
        const c = classifyRequest(req);
        if (c.role === "planner" && c.round === 1) return "<Plan_5>\nTwo parts.\n<prompt_5.3> [task 1.1] a </prompt_5.3>\n<prompt_9> [task 1.2] b </prompt_9>\n</Plan_5>";
        if (c.role === "planner") return "<Final_answer>\nSo \\boxed{7}\n</Final_answer>";
        return `done ${(c as { index: number }).index}\n</execution_1.1>`;
      },
    });
    const r = await run(engine);
    const round = r.trajectory.rounds[0];
    expect(round?.index).toBe(1);
    expect(round?.chunks.map((c) => c.prompt?.index)).toEqual([1, 2]);
    expect(r.text).toContain("<prompt_1.1> [task 1.1] a </prompt_1.1>");
    expect(r.text).toContain("<prompt_1.2> [task 1.2] b </prompt_1.2>");
    expect(round?.executions).toEqual([
      { index: 1, text: "done 1" },
      { index: 2, text: "done 2" },
    ]);
    expect(r.adherence.byCode["renumbered-round"]).toBe(1);
    expect(r.adherence.byCode["renumbered-prompt"]).toBe(2);
    expect(r.adherence.rate).toBeLessThan(1);
    // The second planner prompt carries the normalized history.
    expect(engine.requests.at(-1)?.prompt).toContain("<Plan_1>\nTwo parts.\n<prompt_1.1>");
    expect(r.boxed).toBe("7");
  });

  it("survives a malformed plan: missing tags, an unclosed prompt, an execution written by the planner", async () => {
    const engine = new ScriptedEngine({
      respond: (req) => {
        const c = classifyRequest(req);
        if (c.role === "planner" && c.round === 1) return "No plan tag here.\n<prompt_1.1> [task 1.1] first\n<prompt_1.2> [task 1.2] second </prompt_1.2>\n<Execution_1>\n<execution_1.1>\nI did it myself";
        // A heading is plan text (only <Final_answer> ends a run): round 3 answers with the tag.
        if (c.role === "planner" && c.round === 2) return "**Final Answer**\nThe answer is \\boxed{3}.";
        if (c.role === "planner") return "<Final_answer>\nSo \\boxed{3}.";
        return "ok <execution_1.3> drift";
      },
    });
    const r = await run(engine);
    expect(r.status).toBe("completed");
    expect(r.trajectory.rounds).toHaveLength(2);
    expect(r.trajectory.rounds[0]?.chunks.filter((c) => c.prompt).length).toBe(2);
    expect(r.trajectory.rounds[0]?.executions.map((e) => e.text)).toEqual(["ok", "ok"]);
    expect(r.trajectory.rounds[1]?.chunks).toEqual([{ separatorBefore: false, text: "**Final Answer**\nThe answer is \\boxed{3}." }]);
    expect(r.finalAnswer).toMatchObject({ style: "tag", text: "So \\boxed{3}." });
    expect(r.boxed).toBe("3");
    expect(Object.keys(r.adherence.byCode).sort()).toEqual(
      expect.arrayContaining(["missing-plan-open", "planner-wrote-execution", "executor-drift", "markdown-heading-in-plan"]),
    );
    expect(r.adherence.plannerOutputs).toBe(3);
    expect(r.adherence.executorOutputs).toBe(2);
    expect(of(r.events, "diagnostic").length).toBe(r.adherence.issues.length);
  });

  it("forces the final answer at maxRounds", async () => {
    const engine = new ScriptedEngine({
      respond: (req) => {
        const c = classifyRequest(req);
        if (c.role === "final") return "Forced: \\boxed{1}\n</Final_answer>";
        if (c.role === "planner") return `<Plan_${c.round}>\nKeep going.\n<prompt_${c.round}.1> [task ${c.round}.1] more </prompt_${c.round}.1>\n</Plan_${c.round}>`;
        return "partial";
      },
    });
    const r = await run(engine, { maxRounds: 3 });
    expect(r.trajectory.rounds).toHaveLength(2);
    expect(r.finalAnswer).toEqual({ text: "Forced: \\boxed{1}", style: "tag", forced: true });
    expect(engine.requests.at(-1)?.prompt.endsWith("</Execution_2>\n\n<Final_answer>\n")).toBe(true);
    expect(engine.requests.at(-1)?.stop).toEqual(["</Final_answer>", "</think>"]);
    expect(of(r.events, "round-started").map((e) => [e.round, e.forced])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(r.metrics.roundTimings.at(-1)?.forced).toBe(true);
  });

  it("an empty planner output forces the answer at once", async () => {
    const engine = new ScriptedEngine({ respond: (req) => (classifyRequest(req).role === "final" ? "\\boxed{0}" : "  ") });
    const r = await run(engine);
    expect(r.finalAnswer?.forced).toBe(true);
    expect(r.adherence.byCode["empty-plan"]).toBe(1);
    expect(engine.requests).toHaveLength(2);
  });

  it("prompted mode: few-shot context, and a bare boxed answer is repaired into a final answer", async () => {
    const engine = new ScriptedEngine({ respond: () => "I think the product is 42, so \\boxed{42}." });
    const r = await run(engine, { prompted: { fewShot: [DEFAULT_FEW_SHOT] } });
    expect(engine.requests[0]?.prompt).toContain("Example 1:\n\n<Question>\nWhat is the sum of the prime factors of 84");
    expect(engine.requests[0]?.chat?.system).toContain("Example 1:");
    expect(engine.requests[0]?.chat?.user).toBe(`<Question>\n${Q}\n</Question>`);
    expect(r.boxed).toBe("42");
    expect(r.adherence.byCode["repaired-untagged-answer"]).toBe(1);
    expect(() => buildRunPrefix(Q, { fewShot: ["not a trajectory"] })).toThrow(/few-shot example 1/);
  });
});

describe("runSprint — retries", () => {
  it("retries an over-long planner output (capped at retryOverTokens + 1), accepting the last attempt", async () => {
    const spec = syntheticSpec([1]);
    const base = syntheticModel(spec);
    let plannerCalls = 0;
    const engine = new ScriptedEngine({
      respond: (req) => {
        const c = classifyRequest(req);
        if (c.role === "planner" && c.round === 1) {
          plannerCalls++;
          return `<Plan_1>\n${"word ".repeat(plannerCalls === 1 ? 80 : 5)}\n<prompt_1.1> [task 1.1] x </prompt_1.1>\n</Plan_1>`;
        }
        return base(req);
      },
    });
    const r = await run(engine, { planner: { retryOverTokens: 40, maxTokens: 500 } });
    const retries = of(r.events, "call-retry");
    expect(retries.map((e) => [e.role, e.attempt, e.reason])).toEqual([["planner", 1, "over-long"]]);
    expect(engine.requests[0]?.maxTokens).toBe(41);
    expect(engine.requests[1]?.maxTokens).toBe(41); // attempt 2 of 3 is still capped
    expect(r.trajectory.rounds[0]?.chunks[0]?.text).toBe("word word word word word");
    expect(r.metrics.retries).toBe(1);
    expect(r.metrics.generatedTokens).toBeGreaterThan(r.metrics.totalTokens);

    // Always over-long: the third attempt is accepted at full max_tokens.
    const long = new ScriptedEngine({
      respond: (req) => (classifyRequest(req).role === "planner" ? `<Final_answer>\n${"x ".repeat(40)} \\boxed{1}` : ""),
    });
    const r2 = await run(long, { planner: { retryOverTokens: 10, maxTokens: 500 } });
    expect(long.requests.map((q) => q.maxTokens)).toEqual([11, 11, 500]);
    expect(of(r2.events, "call-finished")[0]?.overLongAccepted).toBe(true);
    expect(r2.boxed).toBe("1");
  });

  it("retries an over-long executor output, a truncated stream and a failed request, with seeds per attempt", async () => {
    const base = syntheticModel(syntheticSpec([3], { execWords: 5 }));
    const seen = new Map<string, number>();
    const engine = new ScriptedEngine({
      tokenDelayMs: 1,
      respond: (req: CompletionRequest): string | ScriptedAnswer => {
        const c = classifyRequest(req);
        if (c.role !== "executor") return base(req);
        const key = `${c.round}.${c.index}`;
        const n = (seen.get(key) ?? 0) + 1;
        seen.set(key, n);
        if (c.index === 1 && n === 1) return { text: "y ".repeat(30) };
        if (c.index === 2 && n === 1) return { text: base(req), truncateAfter: 3 };
        if (c.index === 3 && n === 1) return { text: "", failBefore: { message: "HTTP 503" } };
        return base(req);
      },
    });
    const r = await run(engine, { executor: { retryOverTokens: 20 }, seed: 100 });
    expect(r.status).toBe("completed");
    const retries = of(r.events, "call-retry").map((e) => [e.lane, e.reason]);
    expect(retries).toEqual(expect.arrayContaining([[1, "over-long"], [2, "truncated"], [3, "http"]]));
    expect(r.trajectory.rounds[0]?.executions.map((e) => e.text.slice(0, 10))).toEqual(["Result 1.1", "Result 1.2", "Result 1.3"]);
    const lane1 = engine.requests.filter((q) => classifyRequest(q).role === "executor" && q.prompt.includes("[task 1.1]") && !q.prompt.includes("[task 1.2]"));
    expect(lane1.map((q) => q.seed)).toEqual([100, 101]);
    expect(r.metrics.roundTimings[0]?.lanes.map((l) => l.attempts)).toEqual([2, 2, 2]);
  });

  it("a lane cut on every attempt: its fragment is kept, the run is degraded (never completed), or failed per onIncomplete", async () => {
    const base = syntheticModel(syntheticSpec([1]));
    const truncating = new ScriptedEngine({
      respond: (req) => (classifyRequest(req).role === "executor" ? { text: "Result kept so far and more", truncateAfter: 3 } : base(req)),
    });
    const r = await run(truncating, { errorAttempts: 2 });
    expect(r.status).toBe("degraded");
    expect(r.error).toMatch(/^executor 1\.1 never finished: 2 attempts, the last cut after 14 characters/);
    expect(r.trajectory.rounds[0]?.executions[0]?.text).toBe("Result kept so");
    expect(of(r.events, "call-finished").find((e) => e.role === "executor")).toMatchObject({ finishReason: "truncated", tokenSource: "tokenizer" });
    expect(of(r.events, "call-retry").map((e) => [e.level, e.reason, e.lane])).toEqual([["orchestrator", "truncated", 1]]);
    expect(of(r.events, "lane-incomplete")).toMatchObject([{ role: "executor", round: 1, lane: 1, reason: "truncated", keptChars: 14, policy: "degraded" }]);
    expect(of(r.events, "run-finished")[0]).toMatchObject({ status: "degraded", retries: 1, incomplete: 1 });
    expect(r.metrics.retries).toBe(1);
    expect(r.metrics.incomplete).toHaveLength(1);
    expect(replayEvents(r.events).status).toBe("degraded");

    const strict = await run(truncating, { errorAttempts: 2, onIncomplete: "fail" });
    expect(strict.status).toBe("failed");
    expect(strict.error).toMatch(/executor 1\.1 never finished/);
    expect(strict.finalAnswer).toBeNull();
    expect(of(strict.events, "lane-incomplete")[0]?.policy).toBe("fail");

    const failing = new ScriptedEngine({
      respond: (req) => (classifyRequest(req).role === "executor" ? { text: "", failBefore: { message: "HTTP 400 bad request", retryable: false } } : base(req)),
    });
    const f = await run(failing);
    expect(f.status).toBe("failed");
    expect(f.error).toMatch(/HTTP 400/);
    expect(of(f.events, "error")).toHaveLength(1);
    expect(of(f.events, "run-finished")[0]?.status).toBe("failed");
  });

  it("eager: a retried planner attempt cancels the executors it started", async () => {
    const spec = syntheticSpec([2], { execWords: 100 });
    const base = syntheticModel(spec);
    let plannerCalls = 0;
    const engine = new ScriptedEngine({
      tokenDelayMs: 10,
      respond: (req) => {
        const c = classifyRequest(req);
        if (c.role === "planner" && c.round === 1) {
          plannerCalls++;
          return plannerCalls === 1 ? base(req).replace("Then", `Then ${"more ".repeat(200)}`) : base(req);
        }
        return base(req);
      },
    });
    const r = await run(engine, { schedule: "eager", planner: { retryOverTokens: 100 } });
    expect(r.status).toBe("completed");
    const cancelled = of(r.events, "call-cancelled");
    expect(cancelled.map((e) => [e.role, e.lane])).toEqual([
      ["executor", 1],
      ["executor", 2],
    ]);
    expect(cancelled.every((e) => e.reason === "the planner output was retried")).toBe(true);
    expect(r.trajectory.rounds[0]?.executions).toHaveLength(2);
    expect(of(r.events, "prompt-detected").map((e) => e.attempt)).toEqual([1, 1, 2, 2]);
  });
});

describe("runSprint — cancellation, deadlines, limits", () => {
  it("cancels mid-round: every in-flight call ends, completed rounds are kept", async () => {
    const spec = syntheticSpec([2, 3], { execWords: 50 });
    const engine = new ScriptedEngine({ respond: syntheticModel(spec), tokenDelayMs: 10 });
    const ac = new AbortController();
    const events: InferenceEvent[] = [];
    const promise = runSprint({ engine, question: Q, now, signal: ac.signal, onEvent: (e) => events.push(e) });
    // Abort once round 2's executors are running.
    let aborted = false;
    const poll = setInterval(() => {
      if (!aborted && events.some((e) => e.type === "call-started" && e.role === "executor" && e.round === 2 && e.lane === 3)) {
        aborted = true;
        ac.abort();
        clearInterval(poll);
      }
    }, 5);
    await vi.runAllTimersAsync();
    const r = await promise;
    expect(r.status).toBe("cancelled");
    expect(r.trajectory.rounds).toHaveLength(1);
    expect(r.finalAnswer).toBeNull();
    const cancelled = of(events, "call-cancelled");
    expect(cancelled.map((e) => [e.round, e.lane])).toEqual([
      [2, 1],
      [2, 2],
      [2, 3],
    ]);
    expect(events.at(-1)).toMatchObject({ type: "run-finished", status: "cancelled" });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("stops at the run deadline with status timeout", async () => {
    const engine = new ScriptedEngine({ respond: syntheticModel(syntheticSpec([1, 1, 1])), tokenDelayMs: 10 });
    const r = await run(engine, { timeoutMs: 700 });
    expect(r.status).toBe("timeout");
    expect(r.metrics.wallMs).toBe(700);
    expect(r.error).toMatch(/700 ms deadline/);
  });

  it("an already aborted signal ends the run before any call", async () => {
    const engine = new ScriptedEngine({ respond: () => "x" });
    const r = await run(engine, {}, { signal: AbortSignal.abort() });
    expect(r.status).toBe("cancelled");
    expect(engine.requests.length).toBeLessThanOrEqual(1);
  });

  it("maxConcurrentLanes bounds the executors of a run", async () => {
    const spec = syntheticSpec([3], { execWords: 20 });
    const r = await run(new ScriptedEngine({ respond: syntheticModel(spec), tokenDelayMs: 1 }), { maxConcurrentLanes: 1 });
    const lanes = r.metrics.roundTimings[0]?.lanes ?? [];
    expect(lanes[1]?.startMs).toBeGreaterThanOrEqual(lanes[0]?.endMs as number);
    expect(lanes[2]?.startMs).toBeGreaterThanOrEqual(lanes[1]?.endMs as number);
    expect(r.metrics.overheadMs).toBeGreaterThan(0); // queueing is off the critical path
  });

  it("warmPrefix (round-sync): one 1-token request with the executors' shared prefix before they start", async () => {
    const engine = new ScriptedEngine({ respond: syntheticModel(syntheticSpec([3, 1])), tokenDelayMs: 5 });
    const r = await run(engine, { schedule: "round-sync", warmPrefix: true });
    expect(r.status).toBe("completed");
    const warm = engine.requests.filter((q) => q.maxTokens === 1);
    expect(warm).toHaveLength(1); // round 1 has 3 executors, round 2 only one (nothing to share)
    const executors = engine.requests.filter((q) => /<execution_1\.\d+>\n$/.test(q.prompt));
    expect(executors).toHaveLength(3);
    for (const e of executors) expect(e.prompt.startsWith(warm[0]!.prompt)).toBe(true);
    expect(warm[0]!.prompt.length).toBeGreaterThan(buildRunPrefix(Q).system.length);
    // It is sent after the plan and before every executor of the round.
    const order = engine.requests.map((q) => (q.maxTokens === 1 ? "warm" : /<execution_1\./.test(q.prompt.slice(-20)) ? "exec" : "other"));
    expect(order.indexOf("warm")).toBeLessThan(order.indexOf("exec"));
    expect(of(r.events, "diagnostic").map((d) => d.code)).toContain("prefix-warmed");
    // Off by default, and never in eager mode.
    const plain = new ScriptedEngine({ respond: syntheticModel(syntheticSpec([3, 1])), tokenDelayMs: 5 });
    await run(plain, { schedule: "eager", warmPrefix: true });
    expect(plain.requests.filter((q) => q.maxTokens === 1)).toHaveLength(0);
  });

  it("uses separate planner and executor engines", async () => {
    const model = syntheticModel(syntheticSpec([2]));
    const planner = new ScriptedEngine({ id: "p", respond: model });
    const executor = new ScriptedEngine({ id: "e", respond: model });
    const r = await run(planner, {}, { engine: { planner, executor } });
    expect(r.status).toBe("completed");
    expect(planner.requests.every((q) => classifyRequest(q).role === "planner")).toBe(true);
    expect(executor.requests).toHaveLength(2);
    expect(of(r.events, "run-started")[0]?.engines).toEqual({ planner: "p", executor: "e" });
  });
});

describe("runSequential", () => {
  it("one plain completion with baseline metrics", async () => {
    const engine = new ScriptedEngine({ respond: () => "Let me think. 6 * 7 = 42.\n</think>\n\nThe answer is \\boxed{42}.", tokenDelayMs: 2 });
    const promise = runSequential({ engine, question: Q, now, keepEvents: true });
    await vi.runAllTimersAsync();
    const r = await promise;
    expect(r.status).toBe("completed");
    expect(r.boxed).toBe("42");
    expect(engine.requests[0]?.prompt.endsWith("within \\boxed{}.\n\n<think>\n")).toBe(true);
    expect(engine.requests[0]?.stop).toEqual([]);
    expect(r.metrics.sequentialTokens).toBe(r.metrics.totalTokens);
    expect(r.metrics.finishReason).toBe("stop");
    expect(r.metrics.wallMs).toBe(r.metrics.generatedTokens * 2);
    expect(replayEvents(r.events ?? []).text).toBe(r.text);
  });
});

describe("runSprint — a **Final Answer** heading inside a streamed plan does not end the run", () => {
  // A real-shaped SPRINT output (six rounds; Plan_4 writes "**Final Answer**\n\boxed{28}", then
  // "Wait, …", two more prompts, two more rounds and the real <Final_answer>), replayed as a model:
  // the planner continues the document from <Plan_p>, each executor writes its execution.
  const readFixture = (name: string) => readFileSync(path.join(import.meta.dirname, "../../sprint/fixtures", name), "utf8");
  /** A model that replays a SPRINT output: each planner call continues the document from its <Plan_p>. */
  const replayModelFor = (FIXTURE: string) => {
    const parsed = parseTrajectory(FIXTURE).trajectory;
    return (req: CompletionRequest): string => {
      const prompt = req.prompt;
      if (prompt.endsWith("<Final_answer>\n")) return `${parsed.finalAnswer?.text ?? ""}\n</Final_answer>`;
      const exec = /<Execution_(\d+)>\n<execution_\d+\.\d+>\n$/.exec(prompt);
      if (exec !== null) {
        // The executor's prompt is the last `<prompt_p.k> … </prompt_p.k>` before its execution tag.
        const p = Number(exec[1]);
        const asked = [...prompt.matchAll(/<prompt_(\d+)\.(\d+)> ([\s\S]*?) <\/prompt_\1\.\2>/g)].at(-1)?.[3];
        const round = parsed.rounds[p - 1];
        const k = round?.chunks.find((ch) => ch.prompt?.text === asked)?.prompt?.index;
        const text = round?.executions.find((e) => e.index === k)?.text;
        if (text === undefined) throw new Error(`replay model: no execution for ${asked ?? "?"}`);
        return `${text}\n</execution_${p}.1>\n</Execution_${p}>`;
      }
      const done = [...prompt.slice(prompt.lastIndexOf("</Question>")).matchAll(/<\/Execution_\d+>/g)].length;
      const at = FIXTURE.indexOf(done < parsed.rounds.length ? `<Plan_${done + 1}>` : "<Final_answer>");
      return FIXTURE.slice(at);
    };
  };
  const FIXTURE = readFixture("r1-heading-mid.txt");
  const parsed = parseTrajectory(FIXTURE).trajectory;
  const replayModel = replayModelFor(FIXTURE);

  it("eleven rounds with the heading in Plan_4 (the real case ran 4 of 11): all 11 run", async () => {
    const eleven = readFixture("r1-eleven-rounds.txt");
    const q = parseTrajectory(eleven).trajectory.question ?? "";
    const r = await run(new ScriptedEngine({ respond: replayModelFor(eleven), tokenDelayMs: 2 }), { schedule: "eager" }, { question: q });
    expect(r.status).toBe("completed");
    expect(r.metrics.rounds).toBe(11);
    expect(r.boxed).toBe("-5");
    expect(r.text).toBe(eleven.trimEnd());
    expect(r.metrics.totalTokens).toBe(r.metrics.generatedTokens);
  });

  for (const [schedule, executorContext] of [
    ["round-sync", "rearranged"],
    ["eager", "prefix"],
  ] as const) {
    it(`runs all six rounds to the real <Final_answer> (${schedule}, ${executorContext} context)`, async () => {
      const engine = new ScriptedEngine({ respond: replayModel, tokenDelayMs: 3 });
      const r = await run(engine, { schedule, executorContext }, { question: parsed.question ?? "" });
      expect(r.status).toBe("completed");
      expect(r.metrics.rounds).toBe(6);
      expect(r.trajectory.rounds.map((x) => x.executions.length)).toEqual([2, 2, 2, 2, 2, 0]);
      expect(r.finalAnswer).toMatchObject({ style: "tag" });
      expect(r.boxed).toBe("29");
      // The run reproduces the output exactly: the heading stayed in Plan_4's text.
      expect(r.text).toBe(FIXTURE.trimEnd());
      expect(r.trajectory.rounds[3]?.chunks[0]?.text).toContain("**Final Answer**\n\\boxed{28}");
      expect(r.adherence.byCode["markdown-heading-in-plan"]).toBe(1);
      expect(of(r.events, "final-answer")).toHaveLength(1);
      expect(of(r.events, "round-finished").map((e) => e.round)).toEqual([1, 2, 3, 4, 5, 6]);
      // The prompts after the heading were executed (eager: started while the plan streamed).
      expect(of(r.events, "prompt-detected").filter((e) => e.round === 4).map((e) => e.index)).toEqual([1, 2]);
    });
  }
});

describe("runSprint — one token source per call", () => {
  /** The same model through an engine that reports no usage (some servers do not). */
  function withoutUsage(engine: ScriptedEngine): CompletionEngine {
    return {
      id: "no-usage",
      async *complete(req, signal) {
        for await (const ev of engine.complete(req, signal)) yield ev.type === "end" ? { ...ev, usage: null } : ev;
      },
    };
  }

  it("with usage: total = generated when nothing is discarded; the old mix (text recount vs usage) disagreed", async () => {
    const spec = syntheticSpec([3, 2], { execWords: 60 });
    const r = await run(new ScriptedEngine({ respond: syntheticModel(spec) }));
    expect(r.metrics.tokenSources).toMatchObject({ total: "usage", generated: "usage" });
    expect(r.metrics.totalTokens).toBe(r.metrics.generatedTokens);
    expect(r.metrics.sequentialTokens).toBeLessThanOrEqual(r.metrics.totalTokens);
    // Σ per-call usage of the accepted calls, straight from the events.
    const finished = of(r.events, "call-finished");
    expect(finished.every((e) => e.tokenSource === "usage")).toBe(true);
    expect(finished.reduce((a, e) => a + e.tokens, 0)).toBe(r.metrics.totalTokens);
    // The text recount with a different counter is a different number: never mixed into the headline.
    expect(r.metrics.paper.totalTokens).not.toBe(r.metrics.generatedTokens);
  });

  it("without usage: every number from the tokenizer, still total = generated with nothing discarded", async () => {
    const spec = syntheticSpec([2, 1], { execWords: 40 });
    const r = await run(new ScriptedEngine({ respond: syntheticModel(spec) }), {}, { engine: withoutUsage(new ScriptedEngine({ respond: syntheticModel(spec) })) });
    expect(r.metrics.tokenSources).toEqual({ sequential: "tokenizer", total: "tokenizer", generated: "tokenizer", tokenizer: "approx" });
    expect(r.metrics.totalTokens).toBe(r.metrics.generatedTokens);
    expect(of(r.events, "call-finished").every((e) => e.tokenSource === "tokenizer")).toBe(true);
  });

  it("an over-long planner output retried: generated − total = the discarded attempt", async () => {
    const spec = syntheticSpec([1]);
    const base = syntheticModel(spec);
    let first = true;
    const engine = new ScriptedEngine({
      respond: (req) => {
        const c = classifyRequest(req);
        if (c.role === "planner" && c.round === 1 && first) {
          first = false;
          return base(req).replace("Then", `Then ${"more ".repeat(300)}`);
        }
        return base(req);
      },
    });
    const r = await run(engine, { planner: { retryOverTokens: 200 } });
    const retry = of(r.events, "call-retry");
    expect(retry.map((e) => [e.level, e.reason])).toEqual([["orchestrator", "over-long"]]);
    expect(r.metrics.discardedTokens).toBe(retry[0]?.tokens);
    expect(r.metrics.totalTokens).toBe(r.metrics.generatedTokens - (retry[0]?.tokens ?? 0));
  });

  it("splits a plan's usage into chunks with the tokenizer (P_{i.k}) for the sequential tokens", () => {
    const chunks = [
      { separatorBefore: false, text: "one two three four", prompt: { index: 1, text: "a" } },
      { separatorBefore: false, text: "five six seven eight", prompt: { index: 2, text: "b" } },
    ];
    const words = { name: "words", count: (t: string) => t.trim().split(/\s+/).length };
    // Chunk counts 5 and 5: P = 100 splits as 50 / 100.
    const m = callTokenMetrics([{ planner: { tokens: 100, source: "usage" }, chunks, lanes: [{ index: 1, tokens: 70, source: "usage" }, { index: 2, tokens: 10, source: "usage" }] }], { tokens: 5, source: "usage" }, words);
    expect(m).toEqual({ sequentialTokens: 50 + 70 + 5, totalTokens: 100 + 70 + 10 + 5, source: "usage" });
  });
});
