/**
 * Events of an inference run, emitted in order with a sequence number and a timestamp, so that they
 * can be persisted (InferenceEvent: runId, seq, type, payload) and a finished run replayed exactly.
 *
 * Calls are identified by (role, round, lane): the planner is lane 0 of its round, executor k is
 * lane k (as InferenceLane.index); the sequential baseline is role "sequential", round 1, lane 0.
 * `attempt` counts a call's attempts from 1 (retries of over-long, truncated or failed outputs).
 */
import { serializeDocument, extractBoxed } from "../../sprint/format";
import type { FinalAnswer, Round, Trajectory } from "../../sprint/types";
import type { Usage } from "../engines/types";

export type Schedule = "round-sync" | "eager";
export type RunMode = "sprint" | "sequential";
export type CallRole = "planner" | "executor" | "sequential";
/**
 * `degraded`: the run reached its end, but at least one call never finished (its stream was cut on
 * every attempt) and its fragment stands in for its output — see `lane-incomplete` events.
 */
export type RunStatus = "completed" | "degraded" | "cancelled" | "timeout" | "failed";
export type RetryReason = "over-long" | "truncated" | "timeout" | "http" | "invalid-response";
/** `engine`: the engine re-sent the HTTP request (before any text); `orchestrator`: the call was run again. */
export type RetryLevel = "engine" | "orchestrator";
/** Where a count of tokens came from: the server's per-call usage, the tokenizer, or both (some calls each). */
export type TokenSource = "usage" | "tokenizer" | "mixed";

interface CallRef {
  role: CallRole;
  round: number;
  /** 0 = planner (or sequential); k ≥ 1 = executor of prompt round.k. */
  lane: number;
  attempt: number;
}

export type InferenceEventBody =
  | {
      type: "run-started";
      mode: RunMode;
      schedule: Schedule | null;
      question: string;
      /** The resolved parameters. */
      params: unknown;
      engines: { planner: string; executor: string };
      /** Wall-clock epoch milliseconds of t = 0. */
      startedAt: number;
    }
  | { type: "round-started"; round: number; forced: boolean }
  | (CallRef & { type: "call-started"; maxTokens: number; forced?: boolean; promptChars: number })
  | (CallRef & { type: "call-delta"; text: string })
  | (CallRef & {
      type: "call-retry";
      /** Absent in runs recorded before engine retries were events: orchestrator. */
      level?: RetryLevel;
      reason: RetryReason;
      message: string;
      tokens?: number;
      /** HTTP status of an engine-level retry (429, 500, …). */
      status?: number;
      /** Engine level: the failed request (1-based) and the wait before the next. */
      engineAttempt?: number;
      waitMs?: number;
    })
  | (CallRef & {
      type: "call-finished";
      /** `truncated`: a broken stream whose partial text was accepted after the retries ran out. */
      finishReason: "stop" | "length" | "truncated";
      /** Completion tokens (server usage when reported, else the run's tokenizer; see `tokenSource`). */
      tokens: number;
      tokenSource?: "usage" | "tokenizer";
      usage: Usage | null;
      text: string;
      /** The output was over the retry limit but accepted (last attempt). */
      overLongAccepted: boolean;
    })
  | (CallRef & { type: "call-cancelled"; reason: string })
  /** A call that never finished: out of attempts with a cut stream; its fragment was kept (status degraded) or the run failed. */
  | (CallRef & { type: "lane-incomplete"; reason: RetryReason; message: string; keptChars: number; policy: IncompletePolicy })
  | {
      type: "prompt-detected";
      round: number;
      /** k, numbered in order within the round. */
      index: number;
      text: string;
      /** Planner attempt it came from. */
      attempt: number;
    }
  | {
      type: "round-finished";
      round: number;
      /** The normalized round (plan chunks and executions), as it enters the trajectory. */
      data: Round;
      lanes: number;
      /** Measured critical path of the round (ms). */
      criticalPathMs: number;
    }
  | { type: "final-answer"; answer: FinalAnswer; boxed: string | null }
  | { type: "diagnostic"; role: CallRole; round: number; lane: number; code: string; message: string }
  | { type: "error"; message: string; role?: CallRole; round?: number; lane?: number; kind?: string }
  | {
      type: "run-finished";
      status: RunStatus;
      wallMs: number;
      text: string;
      /** Retries of every level (absent in older runs). */
      retries?: number;
      /** Calls that never finished (`lane-incomplete`). */
      incomplete?: number;
    };

/** What a call that never finished does to the run: mark it `degraded` (keep the fragment) or fail it. */
export type IncompletePolicy = "degraded" | "fail";

/** Every event carries `seq` (0, 1, 2, … in emission order) and `t` (ms since the run started). */
export type InferenceEvent = InferenceEventBody & { seq: number; t: number };

export type InferenceEventType = InferenceEvent["type"];

/** Numbers and stamps events; calls `onEvent` synchronously (its exceptions are caught and kept). */
export class EventLog {
  private seq = 0;
  readonly events: InferenceEvent[] = [];
  listenerError: unknown;
  constructor(
    private readonly t0: number,
    private readonly now: () => number,
    private readonly onEvent?: (e: InferenceEvent) => void,
    private readonly keep = false,
  ) {}

  /** Milliseconds since the run started. */
  elapsed(): number {
    return this.now() - this.t0;
  }

  emit(body: InferenceEventBody): InferenceEvent {
    const e = { ...body, seq: this.seq++, t: this.elapsed() } as InferenceEvent;
    if (this.keep) this.events.push(e);
    if (this.onEvent) {
      try {
        this.onEvent(e);
      } catch (err) {
        this.listenerError ??= err;
      }
    }
    return e;
  }
}

/** What a finished run's events say: the trajectory (SPRINT) or text (sequential) and the status. */
export interface Replay {
  mode: RunMode | null;
  status: RunStatus | null;
  question: string | null;
  trajectory: Trajectory | null;
  /** The run's final text (what `run-finished.text` says, rebuilt from the events). */
  text: string;
  finalAnswer: FinalAnswer | null;
  boxed: string | null;
}

/**
 * Rebuilds a run's result from its events (in `seq` order; gaps or reordering throw): the rounds from
 * `round-finished`, the final answer from `final-answer`, and for a sequential run the accepted
 * attempt's deltas. The text equals the live run's `text`.
 */
export function replayEvents(events: readonly InferenceEvent[]): Replay {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  sorted.forEach((e, i) => {
    if (e.seq !== i) throw new Error(`replayEvents: missing event seq ${i}`);
  });
  let mode: RunMode | null = null;
  let status: RunStatus | null = null;
  let question: string | null = null;
  const rounds: Round[] = [];
  let finalAnswer: FinalAnswer | null = null;
  let seqText = "";
  for (const e of sorted) {
    if (e.type === "run-started") {
      mode = e.mode;
      question = e.question;
    } else if (e.type === "round-finished") rounds.push(e.data);
    else if (e.type === "final-answer") finalAnswer = e.answer;
    else if (e.type === "call-finished" && e.role === "sequential") seqText = e.text;
    else if (e.type === "run-finished") status = e.status;
  }
  if (mode === "sequential") {
    return { mode, status, question, trajectory: null, text: seqText, finalAnswer: null, boxed: extractBoxed(seqText) ?? null };
  }
  const trajectory: Trajectory = { rounds, ...(question !== null ? { question } : {}), ...(finalAnswer ? { finalAnswer } : {}) };
  return {
    mode,
    status,
    question,
    trajectory,
    text: serializeDocument(trajectory),
    finalAnswer,
    boxed: finalAnswer ? (extractBoxed(finalAnswer.text) ?? null) : null,
  };
}
