/**
 * A deterministic engine for tests and benchmarks: the answer to each request is a function of the
 * request (usually of its prompt), streamed token by token with configurable delays, honouring
 * `stop` and `max_tokens` exactly as vLLM does (the output ends before the first stop string, which
 * is not included; `length` when max_tokens tokens were produced first). The same tokenization and
 * stop logic drive the HTTP fixture (tests/fixtures/openai-server.ts), so the two agree.
 */
import { findStop, heldBackLength } from "../../sprint/plan-stream";
import { EngineError, sleep, type CompletionEngine, type CompletionEvent, type CompletionRequest, type FinishReason } from "./types";

/**
 * Splits text into "tokens": a run of letters/digits/underscore with the blanks before it, or one
 * other character with the blanks before it (trailing blanks are a token of their own). Joining the
 * pieces gives the text back. About one piece per BPE token on English and tags.
 */
export function splitTokens(text: string): string[] {
  return text.match(/\s*[A-Za-z0-9_]+|\s*[^\sA-Za-z0-9_]|\s+$/g) ?? [];
}

/**
 * What a server would stream for `text` under `maxTokens` and `stop`: one step per generated token,
 * each with the text released at that step. As vLLM does when stop strings are set, text that could
 * be the start of a stop string is held back (released "" at that step) until it is known not to be;
 * the output ends right before the first stop string (finish `stop`), at max_tokens (`length`), or at
 * the end of `text` (`stop`, an end-of-sequence). `steps.join("")` is the output.
 */
export interface ScriptedStream {
  steps: string[];
  finishReason: FinishReason;
  stopString?: string;
}

export function scriptStream(text: string, maxTokens: number, stop: readonly string[] = []): ScriptedStream {
  const all = splitTokens(text);
  const steps: string[] = [];
  let joined = "";
  let released = 0;
  const maxStop = stop.reduce((m, s) => Math.max(m, s.length), 0);
  for (const piece of all) {
    if (steps.length >= maxTokens) {
      // Release what was held back with the last token.
      if (released < joined.length && steps.length > 0) steps[steps.length - 1] += joined.slice(released);
      return { steps, finishReason: "length" };
    }
    const before = joined.length;
    joined += piece;
    if (maxStop > 0) {
      const hit = findStop(joined, stop, Math.max(0, before - maxStop + 1));
      if (hit !== undefined) {
        steps.push(joined.slice(released, hit.at));
        return { steps, finishReason: "stop", stopString: hit.stop };
      }
      const upto = joined.length - heldBackLength(joined, stop);
      steps.push(joined.slice(released, upto));
      released = upto;
    } else {
      steps.push(piece);
      released = joined.length;
    }
  }
  if (released < joined.length) steps[steps.length - 1] = (steps[steps.length - 1] ?? "") + joined.slice(released);
  return { steps, finishReason: "stop" };
}

/** What a script returns for a request. */
export interface ScriptedAnswer {
  text: string;
  /** Delay of each token in ms (overrides the engine's). */
  tokenDelayMs?: number;
  /** Delay before the first token in ms (overrides the engine's). */
  firstTokenDelayMs?: number;
  /** Fail before any token (retryable unless said otherwise). */
  failBefore?: { message: string; retryable?: boolean };
  /** Break the stream after this many tokens (a truncated stream). */
  truncateAfter?: number;
}

export interface ScriptedEngineOptions {
  id?: string;
  /** The answer for a request; `call` counts requests from 0 (retries included). */
  respond: (request: CompletionRequest, call: number) => string | ScriptedAnswer;
  /** Default delay per token in ms (0: no timer, the stream only yields to microtasks). */
  tokenDelayMs?: number;
  firstTokenDelayMs?: number;
}

/** A deterministic {@link CompletionEngine}. Delays use setTimeout, so fake timers drive them in tests. */
export class ScriptedEngine implements CompletionEngine {
  readonly id: string;
  /** Every request received, in order. */
  readonly requests: CompletionRequest[] = [];
  private readonly opts: ScriptedEngineOptions;

  constructor(opts: ScriptedEngineOptions) {
    this.opts = opts;
    this.id = opts.id ?? "scripted";
  }

  async *complete(request: CompletionRequest, signal?: AbortSignal): AsyncIterable<CompletionEvent> {
    const call = this.requests.length;
    this.requests.push(request);
    const raw = this.opts.respond(request, call);
    const answer: ScriptedAnswer = typeof raw === "string" ? { text: raw } : raw;
    const tokenDelay = answer.tokenDelayMs ?? this.opts.tokenDelayMs ?? 0;
    const firstDelay = answer.firstTokenDelayMs ?? this.opts.firstTokenDelayMs ?? 0;
    if (firstDelay > 0) await sleep(firstDelay, signal);
    if (answer.failBefore) throw new EngineError(`${this.id}: ${answer.failBefore.message}`, "http", answer.failBefore.retryable ?? true);
    const s = scriptStream(answer.text, request.maxTokens, request.stop ?? []);
    let text = "";
    for (let i = 0; i < s.steps.length; i++) {
      if (answer.truncateAfter !== undefined && i >= answer.truncateAfter) {
        throw new EngineError(`${this.id}: the stream broke after ${i} tokens`, "truncated", true, text);
      }
      if (tokenDelay > 0) await sleep(tokenDelay, signal);
      else await Promise.resolve();
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("aborted");
      const piece = s.steps[i] as string;
      if (piece === "") continue;
      text += piece;
      yield { type: "delta", text: piece };
    }
    yield {
      type: "end",
      finishReason: s.finishReason,
      ...(s.stopString !== undefined ? { stopString: s.stopString } : {}),
      usage: { promptTokens: splitTokens(request.prompt).length, completionTokens: s.steps.length },
      requests: 1,
    };
  }
}
