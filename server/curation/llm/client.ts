/**
 * A small OpenAI-compatible chat client for the LLM curation backend (OpenAI, vLLM, SGLang, Ollama, …),
 * built on the official `openai` SDK. What it adds to the SDK:
 * - temperature 0 (the paper's setting), optional `response_format: json_object` (off by default:
 *   servers support it unevenly, and the answers are parsed strictly anyway);
 * - our own retry loop (the SDK's is switched off) with exponential backoff + jitter on 408/409/429/5xx,
 *   timeouts and connection errors, honouring `Retry-After` / `retry-after-ms` and `x-should-retry`;
 * - a per-request deadline that also covers a response body that stops mid-way (the SDK's timeout
 *   only runs until the headers arrive);
 * - cancellation through an AbortSignal: the call rejects with the signal's reason;
 * - usage accounting (per call and cumulative);
 * - every failure as a {@link CurationBackendError} (`http` / `timeout` / `refused`) with a `retryable` flag.
 *
 * The client never reads OPENAI_* credentials or base URLs from the environment: a workspace's endpoint
 * is exactly what it configured. The API key is only ever sent as the Authorization header.
 */
import type OpenAI from "openai";
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, OpenAIError } from "openai";
import { abortReason, backoffDelayMs, endpointLabel, openAIClient, retryAfterMs, sleep } from "../../openai-compat";
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from "openai/resources/chat/completions";
import { CurationBackendError } from "../types";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface BackoffOptions {
  /** Delay before the first retry, before jitter (default 500 ms); doubles per retry. */
  baseMs?: number;
  /** Upper bound of a computed backoff delay (default 20 s). */
  maxMs?: number;
  /**
   * Longest server-requested wait (`Retry-After`) the client will honour (default 60 s). A longer
   * request ends the call with a retryable error instead, so the job queue can reschedule it.
   */
  maxRetryAfterMs?: number;
}

export interface ChatClientOptions {
  /** The endpoint's base URL including the version segment, e.g. `http://localhost:8000/v1`. */
  baseURL: string;
  /** Sent as `Authorization: Bearer …`. Omit for local servers that need none: no header is sent. */
  apiKey?: string | null;
  model: string;
  /** Deadline of one HTTP request, response body included (default 120 s). */
  timeoutMs?: number;
  /** Retries after the first attempt on retryable failures (default 3, so at most 4 requests). */
  maxRetries?: number;
  /** Send `response_format: {type: "json_object"}` (default false). */
  jsonMode?: boolean;
  /** `max_tokens` of each request (default: unset, the server's default). */
  maxTokens?: number;
  backoff?: BackoffOptions;
  /** Extra headers for every request (e.g. a gateway's routing header). */
  headers?: Record<string, string>;
  /** For tests: the source of jitter in [0, 1) (default Math.random). */
  random?: () => number;
}

export interface ChatResult {
  content: string;
  finishReason: string | null;
  /** Usage of the successful request (zeros when the server reports none). */
  usage: TokenUsage;
  /** HTTP requests this call made (1 + retries). */
  requests: number;
  /** The model name the server reported. */
  model: string;
}

export interface ChatOptions {
  signal?: AbortSignal;
}

const DEFAULTS = { timeoutMs: 120_000, maxRetries: 3, maxRetryAfterMs: 60_000 };

/** A failed request, classified. */
interface Failure {
  error: CurationBackendError;
  /** Server-requested wait, when it sent one. */
  retryAfterMs?: number;
}

/** Status codes worth retrying (as the SDK's own policy): timeouts, lock timeouts, rate limits, 5xx. */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * Turns an error of the SDK into a {@link CurationBackendError}. `timedOut` says our own deadline
 * fired (the SDK then reports a user abort or a connection error).
 */
export function toBackendError(err: unknown, endpoint: string, timeoutMs: number, timedOut = false): Failure {
  if (timedOut || err instanceof APIConnectionTimeoutError) {
    return { error: new CurationBackendError(`${endpoint}: no complete answer within ${timeoutMs} ms`, "timeout", true) };
  }
  if (err instanceof APIUserAbortError) {
    return { error: new CurationBackendError(`${endpoint}: the request was aborted`, "http", false) };
  }
  if (err instanceof APIConnectionError) {
    const cause = err.cause instanceof Error ? `: ${describeCause(err.cause)}` : "";
    return { error: new CurationBackendError(`${endpoint}: connection failed${cause}`, "http", true) };
  }
  if (err instanceof APIError) {
    const status = err.status ?? 0;
    const should = err.headers?.get("x-should-retry");
    const retryable = should === "true" ? true : should === "false" ? false : retryableStatus(status);
    const detail = err.message.replace(/^\d{3}\s*/, "").trim();
    const label = status === 401 ? "authentication failed" : status === 429 ? "rate limited" : `HTTP ${status}`;
    const failure: Failure = {
      error: new CurationBackendError(`${endpoint}: ${label} (${status})${detail ? `: ${detail}` : ""}`, "http", retryable),
    };
    const wait = retryAfterMs(err.headers);
    if (wait !== undefined) failure.retryAfterMs = wait;
    return failure;
  }
  if (err instanceof OpenAIError) {
    return { error: new CurationBackendError(`${endpoint}: ${err.message}`, "http", false) };
  }
  if (err instanceof CurationBackendError) return { error: err };
  const message = err instanceof Error ? err.message : String(err);
  return { error: new CurationBackendError(`${endpoint}: ${message}`, "http", false) };
}

function describeCause(cause: Error): string {
  const inner = (cause as { cause?: unknown }).cause;
  const code = (inner as { code?: unknown } | undefined)?.code ?? (cause as { code?: unknown }).code;
  const innerMsg = inner instanceof Error ? inner.message : "";
  return [cause.message, innerMsg, typeof code === "string" && !innerMsg.includes(code) ? code : ""].filter(Boolean).join(": ");
}

/** An OpenAI-compatible chat-completions client with the behaviour described in the module comment. */
export class ChatClient {
  readonly model: string;
  readonly endpoint: string;
  private readonly sdk: OpenAI;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly jsonMode: boolean;
  private readonly maxTokens: number | undefined;
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;
  private readonly totals = { promptTokens: 0, completionTokens: 0, requests: 0, calls: 0 };

  constructor(opts: ChatClientOptions) {
    if (!opts.model.trim()) throw new Error("ChatClient: model is required");
    const endpoint = new URL(opts.baseURL); // throws on a malformed URL: a config error
    if (endpoint.protocol !== "http:" && endpoint.protocol !== "https:") {
      throw new Error(`ChatClient: base URL must be http(s), got ${endpoint.protocol}`);
    }
    this.model = opts.model;
    this.endpoint = endpointLabel(opts.baseURL, "the LLM endpoint");
    this.timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;
    this.maxRetries = Math.max(0, Math.floor(opts.maxRetries ?? DEFAULTS.maxRetries));
    this.jsonMode = opts.jsonMode ?? false;
    this.maxTokens = opts.maxTokens;
    this.backoff = opts.backoff ?? {};
    this.random = opts.random ?? Math.random;
    this.sdk = openAIClient({
      baseURL: opts.baseURL,
      apiKey: opts.apiKey ?? null,
      timeoutMs: this.timeoutMs,
      ...(opts.headers ? { headers: opts.headers } : {}),
    });
  }

  /** Cumulative usage of this client (all calls, successful requests only). */
  get usage(): TokenUsage & { requests: number; calls: number } {
    return { ...this.totals };
  }

  /**
   * One chat completion at temperature 0, retried on retryable failures. Rejects with a
   * {@link CurationBackendError} (`http`, `timeout`, `refused`), or with the signal's reason when aborted.
   */
  async complete(messages: readonly ChatMessage[], opts: ChatOptions = {}): Promise<ChatResult> {
    const { signal } = opts;
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: this.model,
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      temperature: 0,
      ...(this.jsonMode ? { response_format: { type: "json_object" as const } } : {}),
      ...(this.maxTokens !== undefined ? { max_tokens: this.maxTokens } : {}),
    };
    this.totals.calls++;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortReason(signal);
      const deadline = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        deadline.abort();
      }, this.timeoutMs);
      const requestSignal = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
      let completion: ChatCompletion;
      this.totals.requests++;
      try {
        completion = await this.sdk.chat.completions.create(body, { signal: requestSignal, maxRetries: 0, timeout: this.timeoutMs });
      } catch (err) {
        if (signal?.aborted) throw abortReason(signal);
        const failure = toBackendError(err, this.endpoint, this.timeoutMs, timedOut);
        const { error } = failure;
        if (!error.retryable || attempt > this.maxRetries) {
          throw withAttempts(error, attempt);
        }
        let wait = backoffDelayMs(attempt, this.backoff, this.random);
        if (failure.retryAfterMs !== undefined) {
          const limit = this.backoff.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs;
          if (failure.retryAfterMs > limit) {
            throw withAttempts(
              new CurationBackendError(`${error.message}; the server asked to retry after ${Math.ceil(failure.retryAfterMs / 1000)} s, longer than the ${Math.ceil(limit / 1000)} s limit`, error.code, true),
              attempt,
            );
          }
          wait = failure.retryAfterMs;
        }
        await sleep(wait, signal);
        continue;
      } finally {
        clearTimeout(timer);
      }
      return this.toResult(completion, attempt);
    }
  }

  private toResult(completion: ChatCompletion, requests: number): ChatResult {
    const choice = Array.isArray(completion?.choices) ? completion.choices[0] : undefined;
    if (!choice || typeof choice.message !== "object" || choice.message === null) {
      throw new CurationBackendError(`${this.endpoint}: the response has no choices[0].message (not an OpenAI-compatible chat completion?)`, "http", false);
    }
    const usage: TokenUsage = {
      promptTokens: completion.usage?.prompt_tokens ?? 0,
      completionTokens: completion.usage?.completion_tokens ?? 0,
    };
    this.totals.promptTokens += usage.promptTokens;
    this.totals.completionTokens += usage.completionTokens;
    const { refusal } = choice.message;
    if (typeof refusal === "string" && refusal.trim() !== "") {
      throw new CurationBackendError(`the model refused: ${refusal.trim()}`, "refused", false);
    }
    if (choice.finish_reason === "content_filter") {
      throw new CurationBackendError("the answer was blocked by the endpoint's content filter", "refused", false);
    }
    return {
      content: typeof choice.message.content === "string" ? choice.message.content : "",
      finishReason: choice.finish_reason ?? null,
      usage,
      requests,
      model: typeof completion.model === "string" ? completion.model : this.model,
    };
  }
}

function withAttempts(error: CurationBackendError, attempts: number): CurationBackendError {
  if (attempts <= 1) return error;
  return new CurationBackendError(`${error.message} (after ${attempts} attempts)`, error.code, error.retryable);
}

export function createChatClient(opts: ChatClientOptions): ChatClient {
  return new ChatClient(opts);
}
