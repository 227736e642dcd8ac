/**
 * Live channels of the runs executing in THIS process: their abort handles and the subscribers of their
 * persisted events (the SSE route), and the sink that coalesces, numbers, persists and publishes a run's events.
 */
import type { PrismaClient } from "../db/client";
import { Prisma } from "../db/generated/client";
import type { InferenceEvent } from "./orchestrator/events";


// ───────────────────────────── live channels (this process) ─────────────────────────────

export type Listener = (e: InferenceEvent | null) => void;

/** One running run: its abort handle and the subscribers of its persisted events (null = finished). */
export interface Channel {
  abort: AbortController;
  listeners: Set<Listener>;
  lastSeq: number;
}

const g = globalThis as unknown as { __sprintInferenceChannels?: Map<string, Channel> };
export const channels: Map<string, Channel> = (g.__sprintInferenceChannels ??= new Map());

/** Subscribes to a run running in this process; returns null when it is not (finished, or elsewhere). */
export function subscribe(runId: string, listener: Listener): (() => void) | null {
  const ch = channels.get(runId);
  if (!ch) return null;
  ch.listeners.add(listener);
  return () => ch.listeners.delete(listener);
}

export function isActiveHere(runId: string): boolean {
  return channels.has(runId);
}

/**
 * Persists and publishes the events of one run. Deltas of the same call that arrive within one flush window
 * are merged into one event (text concatenated, the last `t`); every other event is kept as is. Events are
 * re-numbered 0, 1, 2, … in the order they are written, so `replayEvents` works on the stored log.
 */
export class EventSink {
  private pending: InferenceEvent[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  failed: unknown = null;

  constructor(
    private readonly db: PrismaClient,
    private readonly runId: string,
    private readonly channel: Channel,
    private readonly flushMs = 100,
  ) {}

  push = (e: InferenceEvent) => {
    const last = this.pending[this.pending.length - 1];
    if (
      e.type === "call-delta" &&
      last?.type === "call-delta" &&
      last.role === e.role &&
      last.round === e.round &&
      last.lane === e.lane &&
      last.attempt === e.attempt
    ) {
      this.pending[this.pending.length - 1] = { ...last, text: last.text + e.text, t: e.t };
    } else if (e.type === "call-delta") {
      // Merge with the latest delta of the same call still in the window (deltas of parallel lanes interleave).
      for (let i = this.pending.length - 1; i >= 0; i--) {
        const p = this.pending[i]!;
        if (p.type !== "call-delta") break;
        if (p.role === e.role && p.round === e.round && p.lane === e.lane && p.attempt === e.attempt) {
          this.pending[i] = { ...p, text: p.text + e.text, t: e.t };
          return;
        }
      }
      this.pending.push(e);
    } else {
      this.pending.push(e);
    }
    this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
  };

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending.map((e) => ({ ...e, seq: this.seq++ }) as InferenceEvent);
    this.pending = [];
    if (batch.length === 0) return this.writing;
    this.writing = this.writing.then(async () => {
      if (this.failed) return;
      try {
        await this.db.inferenceEvent.createMany({
          data: batch.map((e) => ({ runId: this.runId, seq: e.seq, type: e.type, payload: e as unknown as Prisma.InputJsonValue })),
        });
      } catch (err) {
        // A run whose events cannot be stored could not be replayed: stop it rather than carry on unrecorded.
        this.failed = err;
        console.error(`[inference] could not persist events of run ${this.runId}; stopping it:`, err);
        this.channel.abort.abort(new Error("its events could not be stored"));
        return;
      }
      this.channel.lastSeq = batch[batch.length - 1]!.seq;
      for (const e of batch) {
        for (const l of this.channel.listeners) {
          try {
            l(e);
          } catch (err) {
            console.error(`[inference] a subscriber of run ${this.runId} failed:`, err);
            this.channel.listeners.delete(l);
          }
        }
      }
    });
    return this.writing;
  }
}

