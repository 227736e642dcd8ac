/**
 * Concurrency bounds: a small FIFO semaphore, an engine wrapper that holds one slot per completion
 * stream, and a process-wide registry of per-endpoint bounds (default
 * `SPRINT_INFERENCE_MAX_CONCURRENCY`, else 64 concurrent streams per engine id).
 */
import { abortReason, type CompletionEngine, type CompletionEvent, type CompletionRequest } from "./types";

/** A counting semaphore with FIFO waiters and abortable waits. */
export class Semaphore {
  private active = 0;
  private readonly waiters: { resolve: () => void; reject: (e: unknown) => void; signal?: AbortSignal; onAbort?: () => void }[] = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`Semaphore: limit must be ≥ 1, got ${limit}`);
  }

  /** Slots in use. */
  get inUse(): number {
    return this.active;
  }

  /** Callers waiting for a slot. */
  get pending(): number {
    return this.waiters.length;
  }

  /** Waits for a slot; resolves to its release function (idempotent). Rejects with the signal's reason if aborted while waiting. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw abortReason(signal);
    if (this.active < this.limit) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const w: (typeof this.waiters)[number] = { resolve, reject };
      if (signal) {
        w.signal = signal;
        w.onAbort = () => {
          const i = this.waiters.indexOf(w);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(abortReason(signal));
        };
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
      this.waiters.push(w);
    });
    return this.releaser();
  }

  /** Runs `fn` holding a slot. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiters.shift();
      if (next) {
        // The slot passes straight to the next waiter.
        if (next.signal && next.onAbort) next.signal.removeEventListener("abort", next.onAbort);
        next.resolve();
      } else {
        this.active--;
      }
    };
  }
}

/** Wraps an engine so that each completion stream holds a slot of `semaphore` from request to end. */
export function limitEngine(engine: CompletionEngine, semaphore: Semaphore): CompletionEngine {
  return {
    id: engine.id,
    async *complete(request: CompletionRequest, signal?: AbortSignal): AsyncIterable<CompletionEvent> {
      const release = await semaphore.acquire(signal);
      try {
        yield* engine.complete(request, signal);
      } finally {
        release();
      }
    },
  };
}

const DEFAULT_GLOBAL_LIMIT = 64;
const registry = new Map<string, Semaphore>();

/** The process-wide bound for an engine id (created on first use). */
export function endpointSemaphore(id: string, limit?: number): Semaphore {
  let s = registry.get(id);
  if (!s) {
    const env = Number(process.env.SPRINT_INFERENCE_MAX_CONCURRENCY);
    s = new Semaphore(limit ?? (Number.isFinite(env) && env >= 1 ? Math.floor(env) : DEFAULT_GLOBAL_LIMIT));
    registry.set(id, s);
  }
  return s;
}

/** `engine` bounded by the process-wide semaphore of its id: what services should hand the orchestrator. */
export function globallyLimited(engine: CompletionEngine, limit?: number): CompletionEngine {
  return limitEngine(engine, endpointSemaphore(engine.id, limit));
}
