/**
 * Embedded local model through node-llama-cpp — an OPTIONAL dependency, not in the default install.
 *
 *   npm install node-llama-cpp        # downloads/builds llama.cpp binaries for this machine
 *   SPRINT_LOCAL_MODEL=/models/sprint-7b-q4_k_m.gguf
 *
 * One model, one context with `sequences` sequences (default 8): each completion takes a free
 * sequence, so executors decode in parallel in llama.cpp's batch. Prompts are evaluated per
 * sequence; node-llama-cpp reuses a sequence's evaluated tokens when the next prompt on that
 * sequence starts with them, so the byte-identical shared prefix the orchestrator builds is
 * evaluated once per sequence and reused across rounds. Requests beyond `sequences` wait for one.
 *
 * Typed loosely on purpose: node-llama-cpp is imported through a variable specifier so neither the
 * TypeScript build nor a bundler tries to resolve it. Written against node-llama-cpp v3's API
 * (`getLlama`, `loadModel`, `createContext({sequences})`, `getSequence`, `tokenize`,
 * `evaluate(tokens, {temperature, topP, seed})`, `detokenize`); untested here (no model on CI).
 */
import { Semaphore } from "./limit";
import { findStop } from "../../sprint/plan-stream";
import { abortReason, EngineError, type CompletionEngine, type CompletionEvent, type CompletionRequest } from "./types";

export const LOCAL_MODEL_HINT = "install node-llama-cpp and set SPRINT_LOCAL_MODEL";

export interface LocalGgufOptions {
  /** Path of the GGUF file (default: SPRINT_LOCAL_MODEL). */
  modelPath?: string;
  /** Parallel sequences of the shared context (default 8). */
  sequences?: number;
  /** Context size in tokens per sequence × sequences (default: the library's choice). */
  contextSize?: number;
  /** For tests: the module specifier (default "node-llama-cpp"). */
  moduleName?: string;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- node-llama-cpp ships no types we may depend on */
type Loose = any;

interface Loaded {
  model: Loose;
  context: Loose;
  free: Loose[];
  slots: Semaphore;
}

/** Loads the model on first use and streams completions from it. */
export class LocalGgufEngine implements CompletionEngine {
  readonly id: string;
  private loading: Promise<Loaded> | undefined;
  private readonly opts: LocalGgufOptions;

  constructor(opts: LocalGgufOptions = {}) {
    this.opts = opts;
    this.id = `local-gguf:${opts.modelPath ?? process.env.SPRINT_LOCAL_MODEL ?? "(unset)"}`;
  }

  private async load(): Promise<Loaded> {
    const modelPath = this.opts.modelPath ?? process.env.SPRINT_LOCAL_MODEL;
    if (!modelPath) throw new EngineError(`No local model configured: ${LOCAL_MODEL_HINT}`, "config", false);
    const specifier = this.opts.moduleName ?? "node-llama-cpp";
    let mod: Loose;
    try {
      mod = await import(/* webpackIgnore: true */ specifier);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      throw new EngineError(`node-llama-cpp is not installed (${detail}): ${LOCAL_MODEL_HINT}`, "config", false);
    }
    const llama = await mod.getLlama();
    const model = await llama.loadModel({ modelPath });
    const sequences = Math.max(1, this.opts.sequences ?? 8);
    const context = await model.createContext({ sequences, ...(this.opts.contextSize ? { contextSize: this.opts.contextSize } : {}) });
    const free: Loose[] = [];
    for (let i = 0; i < sequences; i++) free.push(context.getSequence());
    return { model, context, free, slots: new Semaphore(sequences) };
  }

  async *complete(request: CompletionRequest, signal?: AbortSignal): AsyncIterable<CompletionEvent> {
    this.loading ??= this.load();
    let loaded: Loaded;
    try {
      loaded = await this.loading;
    } catch (err) {
      this.loading = undefined; // let a later call retry (e.g. after installing)
      throw err;
    }
    const release = await loaded.slots.acquire(signal);
    const sequence = loaded.free.pop();
    try {
      const tokens = loaded.model.tokenize(request.prompt);
      const stops = request.stop ?? [];
      let text = "";
      let produced = 0;
      let finish: "stop" | "length" = "stop";
      let stopString: string | undefined;
      // Keep the longest prefix this sequence has already evaluated; evaluate only the rest.
      const have: number[] = Array.isArray(sequence.contextTokens) ? sequence.contextTokens : [];
      let common = 0;
      while (common < have.length && common < tokens.length - 1 && have[common] === tokens[common]) common++;
      if (common < have.length) await sequence.eraseContextTokenRanges([{ start: common, end: have.length }]);
      const iterator = sequence.evaluate(tokens.slice(common), {
        temperature: request.temperature ?? 0,
        ...(request.topP !== undefined ? { topP: request.topP } : {}),
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
      });
      let pending: number[] = [];
      for await (const token of iterator as AsyncIterable<number>) {
        if (signal?.aborted) throw abortReason(signal);
        if (loaded.model.isSpecialToken?.(token) && token === loaded.model.tokens?.eos) break;
        produced++;
        pending.push(token);
        const piece: string = loaded.model.detokenize(pending);
        if (piece.includes("\uFFFD")) continue; // an incomplete UTF-8 sequence: wait for the next token
        pending = [];
        const hit = findStop(text + piece, stops, Math.max(0, text.length - 64));
        if (hit) {
          const keep = (text + piece).slice(text.length, hit.at);
          if (keep) yield { type: "delta", text: keep };
          stopString = hit.stop;
          break;
        }
        text += piece;
        yield { type: "delta", text: piece };
        if (produced >= request.maxTokens) {
          finish = "length";
          break;
        }
      }
      yield {
        type: "end",
        finishReason: finish,
        ...(stopString !== undefined ? { stopString } : {}),
        usage: { promptTokens: tokens.length, completionTokens: produced },
        requests: 1,
      };
    } finally {
      loaded.free.push(sequence);
      release();
    }
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The local engine for SPRINT_LOCAL_MODEL (throws the install hint on first use when unavailable). */
export function localGgufEngine(opts: LocalGgufOptions = {}): LocalGgufEngine {
  return new LocalGgufEngine(opts);
}
