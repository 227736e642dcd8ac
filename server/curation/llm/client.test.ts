import { describe, expect, it } from "vitest";
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { ChatClient, toBackendError } from "./client";
import { backoffDelayMs, retryAfterMs } from "../../openai-compat";
import { describeComponents, numberLines } from "./backend";

describe("retryAfterMs", () => {
  it("reads retry-after-ms, Retry-After seconds and HTTP dates", () => {
    expect(retryAfterMs(new Headers({ "retry-after-ms": "250" }))).toBe(250);
    expect(retryAfterMs(new Headers({ "retry-after": "2" }))).toBe(2000);
    expect(retryAfterMs(new Headers({ "retry-after": "0.5" }))).toBe(500);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(retryAfterMs(new Headers({ "retry-after": "Wed, 01 Jan 2025 00:00:03 GMT" }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ "retry-after": "Tue, 31 Dec 2024 00:00:00 GMT" }), now)).toBe(0);
  });

  it("prefers retry-after-ms and ignores garbage", () => {
    expect(retryAfterMs(new Headers({ "retry-after-ms": "100", "retry-after": "9" }))).toBe(100);
    expect(retryAfterMs(new Headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(retryAfterMs(new Headers({ "retry-after": "-1" }))).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe("backoffDelayMs", () => {
  it("doubles per retry, jittered into the upper half, capped", () => {
    const opts = { baseMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5].map((r) => backoffDelayMs(r, opts, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((r) => backoffDelayMs(r, opts, () => 0.999999))).toEqual([100, 200, 400, 800, 1000]);
  });
});

describe("toBackendError", () => {
  const ep = "http://h/v1";
  const status = (code: number, headers: Record<string, string> = {}) =>
    APIError.generate(code, { message: `boom ${code}` }, undefined, new Headers(headers));

  it("marks 408/409/429/5xx retryable and other 4xx not", () => {
    for (const code of [408, 409, 429, 500, 502, 503, 504]) expect(toBackendError(status(code), ep, 1000).error.retryable, String(code)).toBe(true);
    for (const code of [400, 401, 403, 404, 422]) expect(toBackendError(status(code), ep, 1000).error.retryable, String(code)).toBe(false);
    expect(toBackendError(status(500), ep, 1000).error.code).toBe("http");
  });

  it("obeys x-should-retry and carries Retry-After", () => {
    expect(toBackendError(status(400, { "x-should-retry": "true" }), ep, 1000).error.retryable).toBe(true);
    expect(toBackendError(status(503, { "x-should-retry": "false" }), ep, 1000).error.retryable).toBe(false);
    expect(toBackendError(status(429, { "retry-after": "3" }), ep, 1000).retryAfterMs).toBe(3000);
  });

  it("maps timeouts, connection errors and aborts", () => {
    const t = toBackendError(new APIConnectionTimeoutError(), ep, 1234).error;
    expect([t.code, t.retryable, t.message]).toEqual(["timeout", true, "http://h/v1: no complete answer within 1234 ms"]);
    expect(toBackendError(new APIUserAbortError(), ep, 1, true).error.code).toBe("timeout");
    const c = toBackendError(new APIConnectionError({ cause: new Error("fetch failed") }), ep, 1).error;
    expect([c.code, c.retryable]).toEqual(["http", true]);
    expect(c.message).toContain("connection failed: fetch failed");
  });
});

describe("ChatClient configuration", () => {
  it("rejects a missing model and non-http base URLs", () => {
    expect(() => new ChatClient({ baseURL: "http://localhost:1/v1", model: " " })).toThrow(/model is required/);
    expect(() => new ChatClient({ baseURL: "file:///etc/passwd", model: "m" })).toThrow(/must be http/);
    expect(() => new ChatClient({ baseURL: "not a url", model: "m" })).toThrow();
  });

  it("labels the endpoint without credentials or query", () => {
    const c = new ChatClient({ baseURL: "https://user:secret@example.com/v1/?k=secret", model: "m", apiKey: "sk" });
    expect(c.endpoint).toBe("https://example.com/v1");
  });
});

describe("prompt rendering helpers", () => {
  it("numbers lines as L1: …, flattening line breaks inside a line", () => {
    expect(numberLines(["a", "$$\nx = 1\n$$", "c"])).toBe("L1: a\nL2: $$ x = 1 $$\nL3: c");
  });

  it("describes components with their parts and line ranges", () => {
    const text = describeComponents([
      { id: 1, description: "Plan", plan: "Let me think.", planLines: [1, 1] },
      { id: 2, plan: "", prompt: "Compute x.", execution: "x = 2.", executionLines: [2, 4], comment: "So x = 2.", commentLines: [5, 5] },
    ]);
    expect(text).toBe(
      "Component 1: Plan\n  Plan (L1): Let me think.\n\nComponent 2: (no description)\n  Prompt: Compute x.\n  Execution (L2–L4): x = 2.\n  Comment (L5): So x = 2.",
    );
  });
});
