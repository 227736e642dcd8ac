/**
 * The OpenAI-compatible engines and the SPRINT orchestrator against a local server that streams SSE
 * like vLLM (tests/fixtures/openai-server.ts). No database needed. No wall-time assertions.
 */
import { afterEach, describe, expect, it } from "vitest";
import { collectCompletion, EngineError, globallyLimited, openAIChatEngine, openAICompletionsEngine, Semaphore, limitEngine } from "../../server/inference/engines";
import { replayEvents, runSequential, runSprint, type InferenceEvent } from "../../server/inference/orchestrator";
import { syntheticModel, syntheticSpec } from "../../server/inference/orchestrator/synthetic";
import { ScriptedEngine } from "../../server/inference/engines/scripted";
import { startOpenAIFixture, type OpenAIFixture, type OpenAIFixtureOptions } from "../fixtures/openai-server";

let fixture: OpenAIFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

async function start(opts: OpenAIFixtureOptions): Promise<OpenAIFixture> {
  fixture = await startOpenAIFixture(opts);
  return fixture;
}

const fast = { backoff: { baseMs: 1, maxMs: 5 } };

describe("openAICompletionsEngine", () => {
  it("streams deltas, honours stop strings and reports usage from the usage chunk", async () => {
    const f = await start({ respond: () => "Hello world, this is a plan </Plan_1> and more" });
    const engine = openAICompletionsEngine({ baseURL: f.url, model: "m" });
    const deltas: string[] = [];
    let end: unknown;
    for await (const ev of engine.complete({ prompt: "Say hi", maxTokens: 100, stop: ["</Plan_"], temperature: 0.6, seed: 7 })) {
      if (ev.type === "delta") deltas.push(ev.text);
      else end = ev;
    }
    expect(deltas.join("")).toBe("Hello world, this is a plan ");
    expect(deltas.length).toBeGreaterThan(3);
    // completion_tokens counts the token that completed the stop string, as vLLM does.
    expect(end).toEqual({ type: "end", finishReason: "stop", stopString: "</Plan_", usage: { promptTokens: 2, completionTokens: 10 }, requests: 1 });
    const req = f.requests[0];
    expect(req?.body).toMatchObject({ model: "m", prompt: "Say hi", max_tokens: 100, stream: true, stream_options: { include_usage: true }, stop: ["</Plan_"], seed: 7, temperature: 0.6 });
  });

  it("reports finish_reason length at max_tokens", async () => {
    const f = await start({ respond: () => "one two three four five six" });
    const { text, end } = await collectCompletion(openAICompletionsEngine({ baseURL: f.url, model: "m" }), { prompt: "x", maxTokens: 3 });
    expect(text).toBe("one two three");
    expect(end.finishReason).toBe("length");
    expect(end.usage?.completionTokens).toBe(3);
  });

  it("retries 429 (honouring Retry-After) and 500 before the first token", async () => {
    const f = await start({
      respond: () => "ok",
      fault: (_r, n) => (n === 0 ? { status: 429, retryAfter: "0" } : n === 1 ? { status: 500 } : undefined),
    });
    const { text, end } = await collectCompletion(openAICompletionsEngine({ baseURL: f.url, model: "m", ...fast }), { prompt: "x", maxTokens: 5 });
    expect(text).toBe("ok");
    expect(end.requests).toBe(3);
    expect(f.requests).toHaveLength(3);
  });

  it("gives up after maxRetries and does not retry a 400", async () => {
    const f = await start({ respond: () => "ok", fault: (_r, n) => (n < 10 ? { status: n === 0 ? 503 : 400, message: "bad" } : undefined) });
    const err = await collectCompletion(openAICompletionsEngine({ baseURL: f.url, model: "m", ...fast }), { prompt: "x", maxTokens: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).status).toBe(400);
    expect((err as EngineError).retryable).toBe(false);
    expect(f.requests).toHaveLength(2);
  });

  it("reports a stream cut mid-way as truncated, with the partial text (socket reset or clean end)", async () => {
    for (const mode of ["destroy", "end"] as const) {
      const f = await start({ respond: () => "a b c d e f g", fault: () => ({ truncateAfterTokens: 3, mode }), tokenIntervalMs: 5 });
      const err = await collectCompletion(openAICompletionsEngine({ baseURL: f.url, model: "m", ...fast }), { prompt: "x", maxTokens: 50 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EngineError);
      expect((err as EngineError).kind).toBe("truncated");
      expect((err as EngineError).partialText).toBe("a b c");
      expect(f.requests).toHaveLength(1); // text was delivered: the orchestrator decides about retries
      await f.close();
      fixture = undefined;
    }
  });

  it("rejects a malformed chunk (zod) and times out an idle stream", async () => {
    const f = await start({ respond: () => "a b c", fault: (_r, n) => (n === 0 ? { malformedAfterTokens: 1 } : undefined), tokenIntervalMs: 0 });
    const bad = await collectCompletion(openAICompletionsEngine({ baseURL: f.url, model: "m" }), { prompt: "x", maxTokens: 50 }).catch((e: unknown) => e);
    expect((bad as EngineError).kind).toBe("invalid-response");
    await f.close();
    const slow = await start({ respond: () => "a b c", tokenIntervalMs: 400 });
    const err = await collectCompletion(openAICompletionsEngine({ baseURL: slow.url, model: "m", idleTimeoutMs: 50, firstChunkTimeoutMs: 50, maxRetries: 0 }), { prompt: "x", maxTokens: 50 }).catch((e: unknown) => e);
    expect((err as EngineError).kind).toBe("timeout");
  });

  it("aborts mid-stream with the signal's reason", async () => {
    const f = await start({ respond: () => "a b c d e f g h i j k l m n o p", tokenIntervalMs: 20 });
    const ac = new AbortController();
    const seen: string[] = [];
    const err = await (async () => {
      for await (const ev of openAICompletionsEngine({ baseURL: f.url, model: "m" }).complete({ prompt: "x", maxTokens: 50 }, ac.signal)) {
        if (ev.type === "delta") seen.push(ev.text);
        if (seen.length === 2) ac.abort(new Error("stop now"));
      }
    })().catch((e: unknown) => e);
    expect((err as Error).message).toBe("stop now");
    expect(seen).toHaveLength(2);
  });

  it("enforces stop strings on the client when the server gets only some of them", async () => {
    const f = await start({ respond: () => "plan text </execution_1.1> more" });
    const engine = openAICompletionsEngine({ baseURL: f.url, model: "m", maxServerStopStrings: 1 });
    const { text, end } = await collectCompletion(engine, { prompt: "x", maxTokens: 50, stop: ["</Plan_", "</execution_"] });
    expect(f.requests[0]?.stop).toEqual(["</Plan_"]);
    expect(text).toBe("plan text ");
    expect(end).toMatchObject({ finishReason: "stop", stopString: "</execution_" });
  });

  it("bounds concurrent streams with a semaphore", async () => {
    const f = await start({ respond: () => "a b c d e", tokenIntervalMs: 5 });
    const engine = limitEngine(openAICompletionsEngine({ baseURL: f.url, model: "m" }), new Semaphore(3));
    await Promise.all(Array.from({ length: 10 }, () => collectCompletion(engine, { prompt: "x", maxTokens: 50 })));
    expect(f.stats.maxActive).toBeLessThanOrEqual(3);
    expect(f.stats.completed).toBe(10);
  });
});

describe("openAIChatEngine", () => {
  it("sends the assistant prefix with continue_final_message and streams content deltas", async () => {
    const f = await start({ respond: (r) => `continued after ${r.prompt.split("\n\n").at(-1)}` });
    const engine = openAIChatEngine({ baseURL: f.url, model: "m" });
    const { text, end } = await collectCompletion(engine, { prompt: "S\n\nU\n\nA", chat: { system: "S", user: "U", assistantPrefix: "A" }, maxTokens: 50 });
    expect(text).toBe("continued after A");
    expect(end.usage).not.toBeNull();
    expect(f.requests[0]?.body).toMatchObject({
      messages: [
        { role: "system", content: "S" },
        { role: "user", content: "U" },
        { role: "assistant", content: "A" },
      ],
      continue_final_message: true,
      add_generation_prompt: false,
      stream_options: { include_usage: true },
    });
  });
});

describe("SPRINT over HTTP", () => {
  it("runs both schedules end to end; the trajectory equals the scripted engine's, events replay exactly", async () => {
    const spec = syntheticSpec([3, 2], { execWords: 30 });
    const f = await start({ respond: syntheticModel(spec), tokenIntervalMs: 1 });
    const scripted = await runSprint({ engine: new ScriptedEngine({ respond: syntheticModel(spec) }), question: "Q", params: { executorContext: "prefix" } });
    for (const schedule of ["round-sync", "eager"] as const) {
      const events: InferenceEvent[] = [];
      const engine = globallyLimited(openAICompletionsEngine({ baseURL: f.url, model: "m" }));
      const r = await runSprint({ engine, question: "Q", params: { schedule, executorContext: "prefix", seed: 1 }, onEvent: (e) => events.push(e) });
      expect(r.status).toBe("completed");
      expect(r.text).toBe(scripted.text);
      expect(r.boxed).toBe("42");
      expect(r.metrics.maxLanesPerRound).toBe(3);
      expect(r.metrics.generatedTokens).toBe(scripted.metrics.generatedTokens); // server usage == scripted usage
      expect(replayEvents(events).text).toBe(r.text);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    }
    expect(f.requests.every((q) => q.includeUsage && q.stream)).toBe(true);
  });

  it("retries a truncated executor stream inside the orchestrator", async () => {
    const spec = syntheticSpec([2]);
    let cut = 0;
    const f = await start({
      respond: syntheticModel(spec),
      tokenIntervalMs: 1,
      // A clean end without a finish reason: the text before the cut always arrives, so the orchestrator retries
      // ("truncated"). A socket reset can also land before any text reaches the client; the engine then
      // re-sends the request itself, which is an engine-level retry event (inference-faults.int.test.ts).
      fault: (r) => (r.prompt.endsWith("<execution_1.1>\n") && cut++ === 0 ? { truncateAfterTokens: 4, mode: "end" } : undefined),
    });
    const events: InferenceEvent[] = [];
    const r = await runSprint({ engine: openAICompletionsEngine({ baseURL: f.url, model: "m" }), question: "Q", onEvent: (e) => events.push(e) });
    expect(r.status).toBe("completed");
    expect(events.filter((e) => e.type === "call-retry").map((e) => [(e as { level?: string }).level, (e as { reason: string }).reason])).toEqual([["orchestrator", "truncated"]]);
    expect(r.trajectory.rounds[0]?.executions.map((e) => e.text.slice(0, 10))).toEqual(["Result 1.1", "Result 1.2"]);
  });

  it("runs through the chat API too, and the sequential baseline", async () => {
    const spec = syntheticSpec([2]);
    const f = await start({ respond: (r) => (r.prompt.includes("<Question>") ? syntheticModel(spec)(r) : "Thinking… so \\boxed{42}.") });
    const chat = await runSprint({ engine: openAIChatEngine({ baseURL: f.url, model: "m" }), question: "Q" });
    expect(chat.status).toBe("completed");
    expect(chat.boxed).toBe("42");
    expect(chat.trajectory.rounds[0]?.executions).toHaveLength(2);
    const seq = await runSequential({ engine: openAICompletionsEngine({ baseURL: f.url, model: "m" }), question: "What?" });
    expect(seq.status).toBe("completed");
    expect(seq.boxed).toBe("42");
    expect(seq.metrics.generatedTokens).toBeGreaterThan(0);
  });

  it("cancels a run mid-round over HTTP", async () => {
    const f = await start({ respond: syntheticModel(syntheticSpec([4], { execWords: 400 })), tokenIntervalMs: 2 });
    const ac = new AbortController();
    const r = await runSprint({
      engine: openAICompletionsEngine({ baseURL: f.url, model: "m" }),
      question: "Q",
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type === "call-delta" && e.role === "executor" && e.lane === 4) ac.abort();
      },
    });
    expect(r.status).toBe("cancelled");
    expect(r.trajectory.rounds).toHaveLength(0);
    // The server sees the connections close.
    for (let i = 0; i < 100 && f.stats.active > 0; i++) await new Promise((res) => setTimeout(res, 10));
    expect(f.stats.active).toBe(0);
  });
});
