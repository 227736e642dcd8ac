import { describe, expect, it } from "vitest";
import { LocalGgufEngine, LOCAL_MODEL_HINT } from "./local-gguf";
import { limitEngine, Semaphore } from "./limit";
import { openAICompletionsEngine } from "./openai";
import { backoffDelayMs as backoffMs, retryAfterMs } from "../../openai-compat";
import { ScriptedEngine, scriptStream, splitTokens } from "./scripted";
import { collectCompletion, EngineError } from "./types";

describe("splitTokens / scriptStream", () => {
  it("splits text into pieces that join back", () => {
    const t = "<Plan_1>\nStep one: x<y. </prompt_1.1>  ";
    expect(splitTokens(t).join("")).toBe(t);
    expect(splitTokens("a b")).toEqual(["a", " b"]);
  });

  it("cuts before the first stop string, holding back a possible prefix (vLLM semantics)", () => {
    const s = scriptStream("plan text </Plan_1> more", 100, ["</Plan_", "</think>"]);
    expect(s.steps.join("")).toBe("plan text ");
    expect(s.finishReason).toBe("stop");
    expect(s.stopString).toBe("</Plan_");
    // token " <" releases only " " ("<" may start a stop string), "/" releases nothing, "Plan_1" completes the stop
    expect(s.steps.slice(-3)).toEqual([" ", "", ""]);
    const l = scriptStream("a b c d", 2);
    expect(l).toEqual({ steps: ["a", " b"], finishReason: "length" });
    const n = scriptStream("x <y", 10, ["</Plan_"]);
    expect(n.steps.join("")).toBe("x <y");
  });

  it("ScriptedEngine streams, reports usage and honours stop/max_tokens", async () => {
    const e = new ScriptedEngine({ respond: () => "one two three </execution_1.1> four" });
    const { text, end } = await collectCompletion(e, { prompt: "p q", maxTokens: 100, stop: ["</execution_"] });
    expect(text).toBe("one two three ");
    expect(end).toEqual({ type: "end", finishReason: "stop", stopString: "</execution_", usage: { promptTokens: 2, completionTokens: 6 }, requests: 1 });
  });
});

describe("Semaphore / limitEngine", () => {
  it("bounds concurrency FIFO and frees slots on abort", async () => {
    const s = new Semaphore(2);
    const r1 = await s.acquire();
    const r2 = await s.acquire();
    const order: number[] = [];
    const w3 = s.acquire().then((r) => {
      order.push(3);
      return r;
    });
    const ac = new AbortController();
    const w4 = s.acquire(ac.signal).catch((e: unknown) => e);
    const w5 = s.acquire().then((r) => {
      order.push(5);
      return r;
    });
    expect(s.pending).toBe(3);
    ac.abort(new Error("gone"));
    expect(((await w4) as Error).message).toBe("gone");
    r1();
    r1(); // idempotent
    (await w3)();
    r2();
    (await w5)();
    expect(order).toEqual([3, 5]);
    expect(s.inUse).toBe(0);
    expect(() => new Semaphore(0)).toThrow();
  });

  it("limitEngine holds a slot per stream", async () => {
    const s = new Semaphore(1);
    let max = 0;
    const inner = new ScriptedEngine({
      respond: () => {
        max = Math.max(max, s.inUse);
        return "a b c";
      },
    });
    const e = limitEngine(inner, s);
    await Promise.all([1, 2, 3].map(() => collectCompletion(e, { prompt: "x", maxTokens: 10 })));
    expect(max).toBe(1);
    expect(s.inUse).toBe(0);
  });
});

describe("openai engine helpers", () => {
  it("parses Retry-After and computes jittered backoff", () => {
    expect(retryAfterMs(new Headers({ "retry-after-ms": "250" }))).toBe(250);
    expect(retryAfterMs(new Headers({ "retry-after": "2" }))).toBe(2000);
    expect(retryAfterMs(new Headers({ "retry-after": new Date(10_000).toUTCString() }), 4_000)).toBe(6000);
    expect(retryAfterMs(new Headers())).toBeUndefined();
    expect(backoffMs(1, { baseMs: 100 }, () => 0)).toBe(50);
    expect(backoffMs(3, { baseMs: 100 }, () => 1)).toBe(400);
    expect(backoffMs(30, { baseMs: 100, maxMs: 1000 }, () => 1)).toBe(1000);
  });

  it("validates its configuration", () => {
    expect(() => openAICompletionsEngine({ baseURL: "ftp://x/v1", model: "m" })).toThrow(/http/);
    expect(() => openAICompletionsEngine({ baseURL: "http://x/v1", model: " " })).toThrow(/model/);
    expect(openAICompletionsEngine({ baseURL: "http://user:pw@host:8000/v1/?q=1", model: "m" }).id).toBe("openai-completions:http://host:8000/v1#m");
  });
});

describe("LocalGgufEngine", () => {
  it("says how to enable it when node-llama-cpp or the model is missing", async () => {
    const noModel = new LocalGgufEngine({ modelPath: "" });
    const prev = process.env.SPRINT_LOCAL_MODEL;
    delete process.env.SPRINT_LOCAL_MODEL;
    try {
      const e1 = await collectCompletion(noModel, { prompt: "x", maxTokens: 1 }).catch((e: unknown) => e);
      expect(e1).toBeInstanceOf(EngineError);
      expect((e1 as Error).message).toContain(LOCAL_MODEL_HINT);
    } finally {
      if (prev !== undefined) process.env.SPRINT_LOCAL_MODEL = prev;
    }
    const missing = new LocalGgufEngine({ modelPath: "/models/x.gguf", moduleName: "node-llama-cpp-not-installed-here" });
    const e2 = await collectCompletion(missing, { prompt: "x", maxTokens: 1 }).catch((e: unknown) => e);
    expect((e2 as EngineError).kind).toBe("config");
    expect((e2 as Error).message).toMatch(/node-llama-cpp is not installed.*install node-llama-cpp and set SPRINT_LOCAL_MODEL/);
  });
});
