/**
 * The engine layer's one interface: streaming text completion.
 *
 * An engine turns a {@link CompletionRequest} into an async stream of {@link CompletionEvent}s: text
 * deltas, then exactly one `end` event with the finish reason and the usage the server reported.
 * Implementations: OpenAI-compatible `/v1/completions` and `/v1/chat/completions` (openai.ts), an
 * embedded GGUF model through the optional node-llama-cpp (local-gguf.ts), and a scripted engine for
 * tests and benchmarks (scripted.ts). Concurrency bounds wrap any engine (limit.ts).
 *
 * Failure contract:
 * - failures before the first delta (HTTP 429/5xx, connection errors, a first-token timeout) are
 *   retried inside the engine with backoff, per its options, each announced by a `retry` event
 *   (so callers can count and show them); when retries run out it throws an {@link EngineError};
 * - a stream that breaks after text was delivered (connection reset, idle timeout, no finish
 *   reason) throws an {@link EngineError} with `kind: "truncated"` (or `"timeout"`) and
 *   `partialText`: the caller (the orchestrator) decides whether to retry the whole call;
 * - an aborted signal makes the stream throw the signal's reason.
 */

/** Structured form of a prompt, for chat endpoints. `system + "\n\n" + user + "\n\n" + assistantPrefix` is the raw prompt. */
export interface ChatPrompt {
  system?: string;
  user: string;
  /** Text the assistant's answer continues (prefill). */
  assistantPrefix: string;
}

export interface CompletionRequest {
  /** The raw prompt for completion endpoints (no chat template: the paper's setting). */
  prompt: string;
  /** The same prompt in parts, for chat endpoints; without it a chat engine sends `prompt` as one user message. */
  chat?: ChatPrompt;
  maxTokens: number;
  temperature?: number;
  topP?: number;
  /** Stop strings; the output ends before the first one (which is not included). */
  stop?: readonly string[];
  seed?: number;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

/** `stop`: a stop string or the end of the answer; `length`: max_tokens reached. */
export type FinishReason = "stop" | "length";

export type CompletionEvent =
  | { type: "delta"; text: string }
  /**
   * The engine is about to retry its request (before any delta: a 429/5xx, a connection error, a
   * first-token timeout). `attempt` is the request that failed (1-based); the next starts after `waitMs`.
   */
  | { type: "retry"; attempt: number; kind: EngineErrorKind; status?: number; message: string; waitMs: number }
  | {
      type: "end";
      finishReason: FinishReason;
      /** The stop string that ended the output, when known. */
      stopString?: string;
      /** As reported by the server; null when it reported none. */
      usage: Usage | null;
      /** HTTP requests (or local attempts) this completion took, 1 + engine-level retries. */
      requests: number;
    };

/** The single engine interface. */
export interface CompletionEngine {
  /** Stable id, e.g. `openai-completions:http://localhost:8000/v1#model`; concurrency limits are keyed by it. */
  readonly id: string;
  complete(request: CompletionRequest, signal?: AbortSignal): AsyncIterable<CompletionEvent>;
}

export type EngineErrorKind = "http" | "timeout" | "truncated" | "invalid-response" | "config";

export class EngineError extends Error {
  override name = "EngineError";
  constructor(
    message: string,
    readonly kind: EngineErrorKind,
    readonly retryable: boolean,
    /** Text delivered before the failure ("" when none). */
    readonly partialText = "",
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Reads a whole completion: the text and the end event. */
export async function collectCompletion(
  engine: CompletionEngine,
  request: CompletionRequest,
  signal?: AbortSignal,
): Promise<{ text: string; end: Extract<CompletionEvent, { type: "end" }> }> {
  let text = "";
  for await (const ev of engine.complete(request, signal)) {
    if (ev.type === "delta") text += ev.text;
    else if (ev.type === "end") return { text, end: ev };
  }
  throw new EngineError(`${engine.id}: the stream ended without an end event`, "truncated", true, text);
}

/** Abortable waiting, shared with the curation LLM client (server/openai-compat.ts). */
export { abortReason, sleep } from "../../openai-compat";
