/**
 * Embedded local model through node-llama-cpp — an OPTIONAL dependency, not in the default install
 * (it is about 700 MB with its prebuilt llama.cpp binaries).
 *
 *   npm install node-llama-cpp
 *   SPRINT_LOCAL_MODEL=/models/sprint-7b-q4_k_m.gguf
 *
 * One model, one context with `sequences` sequences (default 8): each completion takes a free
 * sequence, so executors decode in parallel in llama.cpp's batch. A sequence keeps what it evaluated:
 * the next prompt on it evaluates only the tokens after the longest common prefix.
 *
 * Shared prefix, evaluated once: a 1-token request (the orchestrator's `warmPrefix`, on by default for
 * this engine) leaves the round's shared prefix evaluated in its sequence, and the engine saves that
 * sequence's state (node-llama-cpp `saveStateToFile`). A later request whose prompt shares more tokens
 * with that snapshot than with its own sequence loads the state (`loadStateFromFile`, a KV-cache copy)
 * and evaluates only its own suffix — so N executors cost one prefix evaluation, not N.
 *
 * Typed loosely on purpose: node-llama-cpp is imported through a variable specifier so neither the
 * TypeScript build nor a bundler tries to resolve it. Tested against node-llama-cpp 3.22 with a tiny
 * random-weight GGUF (tests/fixtures/tiny-gguf.ts; tests/integration/local-gguf.int.test.ts runs when the
 * package is installed or NODE_LLAMA_CPP_PATH points at it).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
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
  /** Where prefix-state snapshots are written (default: a directory under the OS temp dir). */
  stateDir?: string;
  /** A snapshot is loaded only when it saves at least this many prompt tokens of evaluation (default 32). */
  minSharedTokens?: number;
  /** node-llama-cpp `getLlama` options (e.g. `{ gpu: false }`). */
  llamaOptions?: Record<string, unknown>;
}

/** What the engine evaluated: prompt tokens sent vs evaluated, and how often a snapshot was saved or loaded. */
export interface LocalEngineStats {
  completions: number;
  promptTokens: number;
  /** Prompt tokens actually evaluated (the rest came from the sequence's own cache or a loaded snapshot). */
  evaluatedPromptTokens: number;
  snapshotsSaved: number;
  snapshotsLoaded: number;
}

function commonPrefix(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
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
  /** The latest prefix snapshot: the tokens its state holds and its file. */
  private snapshot: { tokens: number[]; file: string } | null = null;
  private snapshotSeq = 0;
  readonly stats: LocalEngineStats = { completions: 0, promptTokens: 0, evaluatedPromptTokens: 0, snapshotsSaved: 0, snapshotsLoaded: 0 };

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
    const llama = await mod.getLlama(this.opts.llamaOptions ?? {});
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
      // Keep the longest prefix this sequence has already evaluated — or, when the latest snapshot shares
      // more, copy its state in — and evaluate only the rest (at least the last prompt token).
      const limit = tokens.length - 1;
      let have: number[] = Array.isArray(sequence.contextTokens) ? [...sequence.contextTokens] : [];
      let common = Math.min(commonPrefix(have, tokens), limit);
      const snap = this.snapshot;
      if (snap) {
        const shared = Math.min(commonPrefix(snap.tokens, tokens), limit);
        if (shared >= common + (this.opts.minSharedTokens ?? 32)) {
          try {
            await sequence.loadStateFromFile(snap.file, { acceptRisk: true });
            have = [...sequence.contextTokens];
            common = Math.min(commonPrefix(have, tokens), limit);
            this.stats.snapshotsLoaded++;
          } catch {
            // The file may have been replaced meanwhile: evaluate from the sequence's own cache.
            await sequence.clearHistory();
            have = [];
            common = 0;
          }
        }
      }
      if (common < have.length) await sequence.eraseContextTokenRanges([{ start: common, end: have.length }]);
      this.stats.completions++;
      this.stats.promptTokens += tokens.length;
      this.stats.evaluatedPromptTokens += tokens.length - common;
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
        // An incomplete UTF-8 sequence: wait for the next token (at most 4 bytes; then it is invalid, let it through).
        if (piece.includes("\uFFFD") && pending.length < 4 && produced < request.maxTokens) continue;
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
      // A 1-token request is a prefix warm-up: keep its evaluated state for the other sequences (before the end
      // event: a consumer stops reading at it).
      if (request.maxTokens <= 1 && tokens.length >= (this.opts.minSharedTokens ?? 32)) await this.saveSnapshot(sequence);
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

  private async saveSnapshot(sequence: Loose): Promise<void> {
    const dir = this.opts.stateDir ?? path.join(os.tmpdir(), `sprint-gguf-${process.pid}`);
    fs.mkdirSync(dir, { recursive: true });
    // A new file each time (a concurrent load may still read the previous one); the one before that is removed.
    const file = path.join(dir, `prefix-${++this.snapshotSeq}.state`);
    const tokens = [...(sequence.contextTokens as number[])];
    await sequence.saveStateToFile(file);
    const previous = this.snapshot;
    this.snapshot = { tokens, file };
    this.stats.snapshotsSaved++;
    if (previous) {
      const stale = previous.file.replace(/prefix-(\d+)\.state$/, (_m, n: string) => `prefix-${Number(n) - 1}.state`);
      fs.rm(stale, { force: true }, () => undefined);
    }
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The local engine for SPRINT_LOCAL_MODEL (throws the install hint on first use when unavailable). */
export function localGgufEngine(opts: LocalGgufOptions = {}): LocalGgufEngine {
  return new LocalGgufEngine(opts);
}
