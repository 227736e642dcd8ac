/**
 * OpenAI-compatible streaming engines — `/v1/completions` (raw prompt, no chat template: the paper's
 * setting) and `/v1/chat/completions` — for vLLM, SGLang, llama.cpp server, Ollama and OpenAI, built
 * on the official `openai` SDK (its own retries off). What they add:
 * - `stream: true` with `stream_options.include_usage`; every chunk is validated (zod); usage is
 *   taken from the final usage chunk when the server sends one;
 * - retries with exponential backoff + jitter on 408/409/429/5xx, connection errors and first-token
 *   timeouts, honouring `Retry-After` / `retry-after-ms` — only before any text was delivered; each
 *   retry is yielded as a `retry` event (reason, HTTP status, wait) before the wait;
 * - an idle timeout between chunks, and detection of truncated streams (the body ends or breaks
 *   without a finish reason): both throw an {@link EngineError} carrying the partial text, so the
 *   orchestrator can record it and retry the call per its policy;
 * - stop strings enforced on the client too (some servers cap their number or ignore them): the text
 *   is cut before the first stop string and the request is closed; a possible prefix of a stop
 *   string at the end of a delta is held back until the next delta decides it;
 * - chat prefill: the assistant prefix is sent as a final assistant message with vLLM/SGLang's
 *   `continue_final_message: true, add_generation_prompt: false` (or, for servers without it,
 *   inlined into the user message).
 * The engines never read OPENAI_* variables: an endpoint is exactly what was configured.
 */
import type OpenAI from "openai";
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { z } from "zod";
import { findStop, heldBackLength } from "../../sprint/plan-stream";
import { abortReason, backoffDelayMs, endpointLabel, openAIClient, retryAfterMs, sleep } from "../../openai-compat";
import { EngineError, type CompletionEngine, type CompletionEvent, type CompletionRequest, type FinishReason, type Usage } from "./types";

export interface OpenAIEngineOptions {
  /** Base URL including the version segment, e.g. `http://localhost:8000/v1`. */
  baseURL: string;
  apiKey?: string | null;
  model: string;
  /** Deadline for the response headers and the first chunk (default 120 s: a cold model may be slow). */
  firstChunkTimeoutMs?: number;
  /** Longest gap between two chunks once streaming (default 60 s). */
  idleTimeoutMs?: number;
  /** Retries before the first delta (default 3). */
  maxRetries?: number;
  backoff?: { baseMs?: number; maxMs?: number; maxRetryAfterMs?: number };
  headers?: Record<string, string>;
  /** Send at most this many stop strings to the server (OpenAI allows 4); all are enforced client-side anyway. */
  maxServerStopStrings?: number;
  /** Extra body fields for every request (e.g. vLLM's `repetition_penalty`). */
  extraBody?: Record<string, unknown>;
  /** Chat only: how the assistant prefix is sent (default `continue-final-message`). */
  chatPrefill?: "continue-final-message" | "inline";
  /** Chat only: also stream `reasoning_content` / `reasoning` deltas (vLLM reasoning parsers) before content. */
  includeReasoning?: boolean;
  /** Source of jitter in [0, 1) (default Math.random). */
  random?: () => number;
}

const DEFAULTS = { firstChunkTimeoutMs: 120_000, idleTimeoutMs: 60_000, maxRetries: 3, maxRetryAfterMs: 60_000 };

const usageSchema = z
  .object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() })
  .nullish();
const completionChunkSchema = z.object({
  choices: z.array(
    z.object({
      text: z.string().nullish(),
      finish_reason: z.string().nullish(),
      stop_reason: z.union([z.string(), z.number()]).nullish(),
    }),
  ),
  usage: usageSchema,
});
const chatChunkSchema = z.object({
  choices: z.array(
    z.object({
      delta: z
        .object({ content: z.string().nullish(), reasoning_content: z.string().nullish(), reasoning: z.string().nullish() })
        .nullish(),
      finish_reason: z.string().nullish(),
      stop_reason: z.union([z.string(), z.number()]).nullish(),
    }),
  ),
  usage: usageSchema,
});

function mapFinish(reason: string): FinishReason {
  return reason === "length" ? "length" : "stop";
}

/** Holds back a possible stop-string prefix and cuts at a complete stop string. */
class StopFilter {
  private pending = "";
  constructor(private readonly stops: readonly string[]) {}
  /** Text safe to emit, and the stop string when one completed. */
  push(text: string): { emit: string; stop?: string } {
    if (this.stops.length === 0) return { emit: text };
    this.pending += text;
    const hit = findStop(this.pending, this.stops);
    if (hit) {
      const emit = this.pending.slice(0, hit.at);
      this.pending = "";
      return { emit, stop: hit.stop };
    }
    const held = heldBackLength(this.pending, this.stops);
    const emit = this.pending.slice(0, this.pending.length - held);
    this.pending = this.pending.slice(this.pending.length - held);
    return { emit };
  }
  flush(): string {
    const rest = this.pending;
    this.pending = "";
    return rest;
  }
}

type Api = "completions" | "chat";

/** One engine class for both APIs; use {@link openAICompletionsEngine} / {@link openAIChatEngine}. */
export class OpenAIEngine implements CompletionEngine {
  readonly id: string;
  private readonly sdk: OpenAI;
  private readonly endpoint: string;

  constructor(
    readonly api: Api,
    private readonly opts: OpenAIEngineOptions,
  ) {
    const url = new URL(opts.baseURL);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new EngineError(`base URL must be http(s), got ${url.protocol}`, "config", false);
    if (!opts.model.trim()) throw new EngineError("model is required", "config", false);
    this.endpoint = endpointLabel(opts.baseURL, "endpoint");
    this.id = `openai-${api}:${this.endpoint}#${opts.model}`;
    this.sdk = openAIClient({
      baseURL: opts.baseURL,
      apiKey: opts.apiKey ?? null,
      timeoutMs: opts.firstChunkTimeoutMs ?? DEFAULTS.firstChunkTimeoutMs,
      ...(opts.headers ? { headers: opts.headers } : {}),
    });
  }

  private body(req: CompletionRequest): Record<string, unknown> {
    const stops = req.stop ?? [];
    const serverStops = this.opts.maxServerStopStrings !== undefined ? stops.slice(0, this.opts.maxServerStopStrings) : stops;
    const common: Record<string, unknown> = {
      model: this.opts.model,
      max_tokens: req.maxTokens,
      stream: true,
      stream_options: { include_usage: true },
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(req.topP !== undefined ? { top_p: req.topP } : {}),
      ...(serverStops.length > 0 ? { stop: [...serverStops] } : {}),
      ...(req.seed !== undefined ? { seed: req.seed } : {}),
      ...this.opts.extraBody,
    };
    if (this.api === "completions") return { ...common, prompt: req.prompt };
    const chat = req.chat;
    if (!chat) return { ...common, messages: [{ role: "user", content: req.prompt }] };
    const messages: { role: string; content: string }[] = [];
    if (chat.system) messages.push({ role: "system", content: chat.system });
    if (chat.assistantPrefix === "") {
      messages.push({ role: "user", content: chat.user });
      return { ...common, messages };
    }
    if ((this.opts.chatPrefill ?? "continue-final-message") === "inline") {
      messages.push({
        role: "user",
        content: `${chat.user}\n\nContinue the following text exactly where it stops. Write only the continuation.\n\n${chat.assistantPrefix}`,
      });
      return { ...common, messages };
    }
    messages.push({ role: "user", content: chat.user }, { role: "assistant", content: chat.assistantPrefix });
    return { ...common, messages, continue_final_message: true, add_generation_prompt: false };
  }

  private async openStream(body: Record<string, unknown>, signal: AbortSignal, timeout: number): Promise<AsyncIterable<unknown>> {
    const options = { signal, maxRetries: 0, timeout };
    // The SDK's types do not know vLLM's extra fields; the body is built (and its chunks validated) here.
    if (this.api === "completions") {
      return (await this.sdk.completions.create(body as unknown as OpenAI.Completions.CompletionCreateParamsStreaming, options)) as AsyncIterable<unknown>;
    }
    return (await this.sdk.chat.completions.create(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming, options)) as AsyncIterable<unknown>;
  }

  async *complete(request: CompletionRequest, signal?: AbortSignal): AsyncIterable<CompletionEvent> {
    const o = this.opts;
    const firstTimeout = o.firstChunkTimeoutMs ?? DEFAULTS.firstChunkTimeoutMs;
    const idleTimeout = o.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs;
    const maxRetries = Math.max(0, Math.floor(o.maxRetries ?? DEFAULTS.maxRetries));
    const body = this.body(request);
    const schema = this.api === "completions" ? completionChunkSchema : chatChunkSchema;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortReason(signal);
      const controller = new AbortController();
      const combined = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
      let timedOut: "first" | "idle" | undefined;
      let timer = setTimeout(() => {
        timedOut = "first";
        controller.abort();
      }, firstTimeout);
      const rearm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          timedOut = "idle";
          controller.abort();
        }, idleTimeout);
      };
      const filter = new StopFilter(request.stop ?? []);
      let delivered = "";
      let finish: FinishReason | undefined;
      let stopString: string | undefined;
      let usage: Usage | null = null;
      let clientStopped = false;
      try {
        const stream = await this.openStream(body, combined, firstTimeout);
        for await (const raw of stream) {
          // Chunks the SDK already buffered must not surface after an abort.
          if (signal?.aborted) throw abortReason(signal);
          rearm();
          const parsed = schema.safeParse(raw);
          if (!parsed.success) {
            throw new EngineError(`${this.endpoint}: malformed stream chunk: ${parsed.error.issues[0]?.message ?? "invalid"}`, "invalid-response", false, delivered);
          }
          const chunk = parsed.data;
          if (chunk.usage) usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
          const choice = chunk.choices[0];
          if (!choice) continue;
          let text = "";
          if ("text" in choice) text = choice.text ?? "";
          else if ("delta" in choice && choice.delta) {
            const d = choice.delta;
            text = (o.includeReasoning ? (d.reasoning_content ?? d.reasoning ?? "") : "") + (d.content ?? "");
          }
          if (text !== "" && finish === undefined) {
            const r = filter.push(text);
            if (r.emit !== "") {
              delivered += r.emit;
              yield { type: "delta", text: r.emit };
            }
            if (r.stop !== undefined) {
              finish = "stop";
              stopString = r.stop;
              clientStopped = true;
              break;
            }
          }
          if (choice.finish_reason && finish === undefined) {
            finish = mapFinish(choice.finish_reason);
            if (typeof choice.stop_reason === "string") stopString = choice.stop_reason;
            const rest = filter.flush();
            if (rest !== "") {
              delivered += rest;
              yield { type: "delta", text: rest };
            }
          }
        }
        if (signal?.aborted) throw abortReason(signal);
        if (timedOut !== undefined) {
          throw new EngineError(`${this.endpoint}: no chunk within ${timedOut === "first" ? firstTimeout : idleTimeout} ms`, "timeout", true, delivered);
        }
        if (finish === undefined) {
          throw new EngineError(`${this.endpoint}: the stream ended without a finish reason (truncated)`, "truncated", true, delivered);
        }
        yield { type: "end", finishReason: finish, ...(stopString !== undefined ? { stopString } : {}), usage: clientStopped ? null : usage, requests: attempt };
        return;
      } catch (err) {
        if (signal?.aborted) throw abortReason(signal);
        const failure = this.classify(err, timedOut, firstTimeout, idleTimeout, delivered);
        if (delivered !== "" || !failure.error.retryable || attempt > maxRetries) throw failure.error;
        let wait = backoffDelayMs(attempt, o.backoff, o.random);
        if (failure.retryAfterMs !== undefined) {
          const limit = o.backoff?.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs;
          if (failure.retryAfterMs > limit) throw failure.error;
          wait = failure.retryAfterMs;
        }
        const e = failure.error;
        yield { type: "retry", attempt, kind: e.kind, ...(e.status !== undefined ? { status: e.status } : {}), message: e.message, waitMs: Math.round(wait) };
        await sleep(wait, signal);
      } finally {
        clearTimeout(timer);
        controller.abort();
      }
    }
  }

  private classify(err: unknown, timedOut: "first" | "idle" | undefined, firstTimeout: number, idleTimeout: number, delivered: string): { error: EngineError; retryAfterMs?: number } {
    const ep = this.endpoint;
    if (err instanceof EngineError) return { error: err };
    if (timedOut !== undefined || err instanceof APIConnectionTimeoutError) {
      const ms = timedOut === "idle" ? idleTimeout : firstTimeout;
      return { error: new EngineError(`${ep}: no chunk within ${ms} ms`, "timeout", true, delivered) };
    }
    if (err instanceof APIUserAbortError) return { error: new EngineError(`${ep}: the request was aborted`, "http", false, delivered) };
    if (err instanceof APIError && err.status !== undefined) {
      const status = err.status;
      const should = err.headers?.get("x-should-retry");
      const retryable = should === "true" ? true : should === "false" ? false : status === 408 || status === 409 || status === 429 || status >= 500;
      const detail = err.message.replace(/^\d{3}\s*/, "").trim();
      const error = new EngineError(`${ep}: HTTP ${status}${detail ? `: ${detail}` : ""}`, "http", retryable, delivered, status);
      const wait = retryAfterMs(err.headers);
      return wait !== undefined ? { error, retryAfterMs: wait } : { error };
    }
    if (err instanceof APIConnectionError || err instanceof TypeError || (err instanceof Error && /terminated|socket|ECONNRESET/i.test(err.message))) {
      const msg = err instanceof Error ? err.message : String(err);
      return { error: new EngineError(`${ep}: connection failed: ${msg}`, delivered !== "" ? "truncated" : "http", true, delivered) };
    }
    const msg = err instanceof Error ? err.message : String(err);
    return { error: new EngineError(`${ep}: ${msg}`, "http", false, delivered) };
  }
}

/** `/v1/completions` with a raw prompt (the paper's setting; vLLM, SGLang, llama.cpp server, Ollama). */
export function openAICompletionsEngine(opts: OpenAIEngineOptions): OpenAIEngine {
  return new OpenAIEngine("completions", opts);
}

/** `/v1/chat/completions`, with the assistant prefix as prefill (see the module comment). */
export function openAIChatEngine(opts: OpenAIEngineOptions): OpenAIEngine {
  return new OpenAIEngine("chat", opts);
}
