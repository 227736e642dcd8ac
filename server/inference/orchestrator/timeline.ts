/**
 * A pure reducer from a run's {@link InferenceEvent}s to a timeline model (issue #6 playground): one
 * row per round with the planner lane and its executor lanes, the final answer and the run status.
 * Used in the browser (live runs, replays and shared snapshots), so it imports only types and the
 * pure format helpers: no I/O, no framework.
 *
 * Updates are copy-on-write: {@link applyEvents} returns a new model whose changed rounds and lanes
 * are new objects and whose unchanged ones are the same objects, and every changed lane's `version`
 * goes up, so a renderer can memoize rows and lanes by identity (or version).
 *
 * Idempotence: events with `seq` ≤ `lastSeq` are skipped; events are applied only contiguously (the
 * first gap stops the batch, so a client can refetch `after = lastSeq` and nothing is lost).
 */
import { extractBoxed } from "../../sprint/format";
import type { FinalAnswer } from "../../sprint/types";
import type { CallRole, InferenceEvent, RunMode, RunStatus, Schedule } from "./events";

/** `incomplete`: the call never finished (cut on every attempt); its fragment stands. */
export type LaneStatus = "running" | "done" | "cancelled" | "retrying" | "failed" | "incomplete";

export interface TimelineLane {
  /** `round.lane` (the sequential baseline: `seq`). */
  key: string;
  role: CallRole;
  round: number;
  /** 0 = planner (or sequential); k ≥ 1 = executor k. */
  lane: number;
  /** The executor's prompt (null for a planner). */
  prompt: string | null;
  /** Accumulated deltas of the current attempt (the final text once finished). */
  text: string;
  /** Delta events of the current attempt. */
  pieces: number;
  /** Completion tokens: exact from `call-finished`, else an estimate (see {@link approxTokens}). */
  tokens: number;
  tokensExact: boolean;
  /** ms since the run started. */
  startT: number;
  endT: number | null;
  firstTokenT: number | null;
  /** Attempts so far (1-based, as the latest `call-started` said). */
  attempts: number;
  /** Times this lane was restarted as a new call (eager reconciliation, planner retry). */
  restarts: number;
  status: LaneStatus;
  finishReason: "stop" | "length" | "truncated" | null;
  /** Why earlier attempts were retried / why the lane was cancelled or failed. */
  notes: string[];
  /** Executors: characters of planner text when the prompt closed (eager layout); null if unknown. */
  promptCharPos: number | null;
  /** Goes up on every change. */
  version: number;
}

export interface TimelinePrompt {
  index: number;
  text: string;
  /** Planner attempt that wrote it. */
  attempt: number;
  /** Planner text length when `</prompt_p.k>` closed. */
  charPos: number;
}

export interface TimelineRound {
  round: number;
  forced: boolean;
  startT: number;
  /** `round-finished` (or the final answer / the next round) time; null while running. */
  endT: number | null;
  planner: TimelineLane | null;
  /** Sorted by lane. */
  executors: TimelineLane[];
  prompts: TimelinePrompt[];
  /** The orchestrator's measured critical path of the round (from `round-finished`). */
  criticalPathMs: number | null;
  finished: boolean;
  version: number;
}

export type TimelineStatus = "idle" | "running" | RunStatus;

export interface TimelineModel {
  /** Last applied seq (−1: none). */
  lastSeq: number;
  /** `t` of the last applied event. */
  lastT: number;
  mode: RunMode | null;
  schedule: Schedule | null;
  question: string | null;
  /** Epoch ms of t = 0 (server clock). */
  startedAt: number | null;
  status: TimelineStatus;
  rounds: TimelineRound[];
  /** The sequential baseline's lane (mode "sequential"). */
  sequential: TimelineLane | null;
  finalAnswer: FinalAnswer | null;
  boxed: string | null;
  /** run-finished: wall time and the run's final text. */
  wallMs: number | null;
  text: string | null;
  errors: string[];
  diagnostics: { role: CallRole; round: number; lane: number; code: string; message: string }[];
  /** Every retry (`call-retry`), engine and orchestrator level, in order. */
  retries: { role: CallRole; round: number; lane: number; level: "engine" | "orchestrator"; reason: string; status: number | null; message: string }[];
  /** Calls that never finished (`lane-incomplete`). */
  incomplete: { role: CallRole; round: number; lane: number; message: string }[];
  eventCount: number;
  version: number;
}

export function emptyTimeline(): TimelineModel {
  return {
    lastSeq: -1,
    lastT: 0,
    mode: null,
    schedule: null,
    question: null,
    startedAt: null,
    status: "idle",
    rounds: [],
    sequential: null,
    finalAnswer: null,
    boxed: null,
    wallMs: null,
    text: null,
    errors: [],
    diagnostics: [],
    retries: [],
    incomplete: [],
    eventCount: 0,
    version: 0,
  };
}

/** Estimated tokens of a streaming lane: deltas are coalesced (~100 ms), so pieces undercount; ≈4 chars a token. */
export function approxTokens(text: string, pieces: number): number {
  return Math.max(pieces, Math.ceil(text.length / 4));
}

export function laneKey(round: number, lane: number): string {
  return `${round}.${lane}`;
}

// ---------------------------------------------------------------------------------------------
// Reducer

/** Mutable draft of one batch: copies each touched round / lane once. */
class Draft {
  readonly model: TimelineModel;
  private readonly touchedRounds = new Set<TimelineRound>();
  private readonly touchedLanes = new Set<TimelineLane>();
  /** Old calls (same round.lane) whose cancellation is still to come, after a restart. */
  private readonly pendingCancels: Map<string, number>;

  constructor(prev: TimelineModel, pendingCancels: Map<string, number>) {
    this.model = { ...prev, rounds: [...prev.rounds], errors: prev.errors, diagnostics: prev.diagnostics, version: prev.version + 1 };
    this.pendingCancels = pendingCancels;
  }

  round(r: number, t: number): TimelineRound {
    const rounds = this.model.rounds;
    let i = rounds.findIndex((x) => x.round === r);
    if (i < 0) {
      const fresh: TimelineRound = { round: r, forced: false, startT: t, endT: null, planner: null, executors: [], prompts: [], criticalPathMs: null, finished: false, version: 0 };
      rounds.push(fresh);
      rounds.sort((a, b) => a.round - b.round);
      i = rounds.indexOf(fresh);
    }
    let cur = rounds[i] as TimelineRound;
    if (!this.touchedRounds.has(cur)) {
      cur = { ...cur, executors: [...cur.executors], prompts: [...cur.prompts], version: cur.version + 1 };
      rounds[i] = cur;
      this.touchedRounds.add(cur);
    }
    return cur;
  }

  private touchLane(l: TimelineLane): TimelineLane {
    if (this.touchedLanes.has(l)) return l;
    const c = { ...l, notes: [...l.notes], version: l.version + 1 };
    this.touchedLanes.add(c);
    return c;
  }

  /** The lane of a call, copied for writing (null when it does not exist and `create` is false). */
  lane(role: CallRole, round: number, lane: number, t: number, create: boolean): TimelineLane | null {
    if (role === "sequential") {
      const cur = this.model.sequential ?? (create ? newLane("sequential", round, lane, t) : null);
      if (!cur) return null;
      const l = this.touchLane(cur);
      this.model.sequential = l;
      return l;
    }
    const r = this.round(round, t);
    if (role === "planner") {
      const cur = r.planner ?? (create ? newLane("planner", round, 0, t) : null);
      if (!cur) return null;
      const l = this.touchLane(cur);
      r.planner = l;
      return l;
    }
    const i = r.executors.findIndex((x) => x.lane === lane);
    if (i < 0) {
      if (!create) return null;
      const l = this.touchLane(newLane("executor", round, lane, t));
      const p = r.prompts.find((x) => x.index === lane);
      if (p) {
        l.prompt = p.text;
        l.promptCharPos = p.charPos;
      }
      r.executors.push(l);
      r.executors.sort((a, b) => a.lane - b.lane);
      return l;
    }
    const l = this.touchLane(r.executors[i] as TimelineLane);
    r.executors[i] = l;
    return l;
  }

  pending(key: string): number {
    return this.pendingCancels.get(key) ?? 0;
  }

  setPending(key: string, n: number): void {
    if (n <= 0) this.pendingCancels.delete(key);
    else this.pendingCancels.set(key, n);
  }
}

function newLane(role: CallRole, round: number, lane: number, t: number): TimelineLane {
  return {
    key: role === "sequential" ? "seq" : laneKey(round, lane),
    role,
    round,
    lane,
    prompt: null,
    text: "",
    pieces: 0,
    tokens: 0,
    tokensExact: false,
    startT: t,
    endT: null,
    firstTokenT: null,
    attempts: 0,
    restarts: 0,
    status: "running",
    finishReason: null,
    notes: [],
    promptCharPos: null,
    version: 0,
  };
}

/** Pending cancellations of restarted calls, kept beside each model (not part of its data). */
const pendingByModel = new WeakMap<TimelineModel, Map<string, number>>();

function isOpen(status: TimelineStatus): boolean {
  return status === "idle" || status === "running";
}

function applyOne(d: Draft, e: InferenceEvent): void {
  const m = d.model;
  switch (e.type) {
    case "run-started":
      m.mode = e.mode;
      m.schedule = e.schedule;
      m.question = e.question;
      m.startedAt = e.startedAt;
      m.status = "running";
      return;
    case "round-started": {
      // The previous round, if it never finished (empty plan), ends here.
      for (const r of m.rounds) {
        if (r.round < e.round && r.endT === null) {
          const w = d.round(r.round, e.t);
          w.endT = e.t;
        }
      }
      const r = d.round(e.round, e.t);
      r.startT = e.t;
      r.forced = e.forced;
      return;
    }
    case "call-started": {
      const key = e.role === "sequential" ? "seq" : laneKey(e.round, e.lane);
      const l = d.lane(e.role, e.round, e.lane, e.t, true) as TimelineLane;
      if (e.attempt === 1 && l.attempts >= 1) {
        // A new call of the same lane (eager restart, or lanes of a retried planner attempt).
        if (l.status === "running" || l.status === "retrying") d.setPending(key, d.pending(key) + 1);
        l.restarts++;
        l.notes.push("restarted");
        l.startT = e.t;
        l.firstTokenT = null;
      }
      if (l.attempts === 0) l.startT = e.t;
      l.attempts = e.attempt;
      l.status = "running";
      l.text = "";
      l.pieces = 0;
      l.tokens = 0;
      l.tokensExact = false;
      l.endT = null;
      l.finishReason = null;
      if (e.role === "executor") {
        const r = d.round(e.round, e.t);
        const p = r.prompts.find((x) => x.index === e.lane);
        if (p) {
          l.prompt = p.text;
          l.promptCharPos = p.charPos;
        }
      }
      return;
    }
    case "call-delta": {
      const l = d.lane(e.role, e.round, e.lane, e.t, true) as TimelineLane;
      l.text += e.text;
      l.pieces++;
      l.tokens = approxTokens(l.text, l.pieces);
      if (l.firstTokenT === null) l.firstTokenT = e.t;
      if (l.status === "retrying") l.status = "running";
      return;
    }
    case "call-retry": {
      const level = e.level ?? "orchestrator";
      m.retries = [...m.retries, { role: e.role, round: e.round, lane: e.lane, level, reason: e.reason, status: e.status ?? null, message: e.message }];
      const l = d.lane(e.role, e.round, e.lane, e.t, true) as TimelineLane;
      l.status = "retrying";
      if (level === "engine") {
        // The engine re-sends the request before any text: nothing to discard.
        l.notes.push(`request ${e.engineAttempt ?? "?"} retried by the engine (${e.status !== undefined ? `HTTP ${e.status}` : e.reason}${e.waitMs !== undefined ? `, next in ${e.waitMs} ms` : ""}): ${e.message}`);
        return;
      }
      l.notes.push(`attempt ${e.attempt} retried (${e.reason}): ${e.message}`);
      l.text = "";
      l.pieces = 0;
      l.tokens = 0;
      if (e.role === "planner") {
        // The prompts of the discarded plan are void.
        const r = d.round(e.round, e.t);
        r.prompts = [];
      }
      return;
    }
    case "call-finished": {
      const l = d.lane(e.role, e.round, e.lane, e.t, true) as TimelineLane;
      l.status = "done";
      l.text = e.text;
      l.tokens = e.tokens;
      l.tokensExact = true;
      l.endT = e.t;
      l.attempts = e.attempt;
      l.finishReason = e.finishReason;
      if (e.overLongAccepted) l.notes.push("over the retry limit, accepted (last attempt)");
      if (e.finishReason === "truncated") l.status = "incomplete";
      if (l.firstTokenT === null && e.text !== "") l.firstTokenT = e.t;
      return;
    }
    case "call-cancelled": {
      const key = e.role === "sequential" ? "seq" : laneKey(e.round, e.lane);
      const pending = d.pending(key);
      if (pending > 0) {
        // The cancellation of the old call of a restarted lane.
        d.setPending(key, pending - 1);
        return;
      }
      const l = d.lane(e.role, e.round, e.lane, e.t, false);
      if (!l) return;
      if (l.status === "done") return;
      l.status = "cancelled";
      l.endT = e.t;
      l.notes.push(`cancelled: ${e.reason}`);
      return;
    }
    case "prompt-detected": {
      const r = d.round(e.round, e.t);
      const planner = r.planner;
      const charPos = planner ? planner.text.length : 0;
      r.prompts = r.prompts.filter((p) => p.attempt >= e.attempt && p.index !== e.index);
      r.prompts.push({ index: e.index, text: e.text, attempt: e.attempt, charPos });
      r.prompts.sort((a, b) => a.index - b.index);
      const ex = r.executors.find((x) => x.lane === e.index);
      if (ex && ex.prompt !== e.text) {
        const l = d.lane("executor", e.round, e.index, e.t, false) as TimelineLane;
        l.prompt = e.text;
        l.promptCharPos = charPos;
      }
      return;
    }
    case "round-finished": {
      const r = d.round(e.round, e.t);
      r.finished = true;
      r.endT = e.t;
      r.criticalPathMs = e.criticalPathMs;
      // The normalized plan's prompts are authoritative.
      for (const c of e.data.chunks) {
        if (!c.prompt) continue;
        const idx = c.prompt.index;
        const ex = r.executors.find((x) => x.lane === idx);
        if (ex && ex.prompt !== c.prompt.text) {
          const l = d.lane("executor", e.round, idx, e.t, false) as TimelineLane;
          l.prompt = c.prompt.text;
        }
      }
      return;
    }
    case "final-answer": {
      m.finalAnswer = e.answer;
      m.boxed = e.boxed;
      const last = m.rounds[m.rounds.length - 1];
      if (last && last.endT === null) {
        const r = d.round(last.round, e.t);
        r.endT = e.t;
        r.finished = true;
      }
      return;
    }
    case "lane-incomplete": {
      m.incomplete = [...m.incomplete, { role: e.role, round: e.round, lane: e.lane, message: e.message }];
      const l = d.lane(e.role, e.round, e.lane, e.t, true) as TimelineLane;
      l.status = "incomplete";
      l.notes.push(`${e.message}${e.policy === "degraded" ? "; the fragment was kept" : "; the run failed"}`);
      return;
    }
    case "diagnostic":
      m.diagnostics = [...m.diagnostics, { role: e.role, round: e.round, lane: e.lane, code: e.code, message: e.message }];
      return;
    case "error": {
      m.errors = [...m.errors, e.message];
      if (e.role !== undefined && e.round !== undefined && e.lane !== undefined) {
        const l = d.lane(e.role, e.round, e.lane, e.t, false);
        if (l && l.status !== "done") {
          l.status = "failed";
          l.endT = e.t;
          l.notes.push(`failed: ${e.message}`);
        }
      }
      return;
    }
    case "run-finished": {
      m.status = e.status;
      m.wallMs = e.wallMs;
      m.text = e.text;
      if (m.mode === "sequential" && m.boxed === null) m.boxed = extractBoxed(e.text) ?? null;
      // Anything still open ends with the run.
      for (const r of m.rounds) {
        if (r.endT === null) d.round(r.round, e.t).endT = e.t;
        const open = [r.planner, ...r.executors].filter((l): l is TimelineLane => l !== null && l.endT === null);
        for (const l of open) {
          const w = d.lane(l.role, l.round, l.lane, e.t, false) as TimelineLane;
          w.endT = e.t;
          if (w.status === "running" || w.status === "retrying") w.status = e.status === "completed" || e.status === "degraded" ? "done" : "cancelled";
        }
      }
      const s = m.sequential;
      if (s && s.endT === null) {
        const w = d.lane("sequential", s.round, s.lane, e.t, false) as TimelineLane;
        w.endT = e.t;
        if (w.status === "running" || w.status === "retrying") w.status = e.status === "completed" || e.status === "degraded" ? "done" : "cancelled";
      }
      return;
    }
  }
}

/**
 * Applies a batch of events (any order within the batch; duplicates and already-applied seqs are
 * skipped; stops at the first gap). Returns `model` itself when nothing applied.
 */
export function applyEvents(model: TimelineModel, events: readonly InferenceEvent[]): TimelineModel {
  if (events.length === 0) return model;
  const sorted = events.length > 1 && !isSorted(events) ? [...events].sort((a, b) => a.seq - b.seq) : events;
  let first = 0;
  while (first < sorted.length && (sorted[first] as InferenceEvent).seq <= model.lastSeq) first++;
  if (first >= sorted.length || (sorted[first] as InferenceEvent).seq !== model.lastSeq + 1) return model;
  const pending = new Map(pendingByModel.get(model) ?? []);
  const d = new Draft(model, pending);
  const m = d.model;
  for (let i = first; i < sorted.length; i++) {
    const e = sorted[i] as InferenceEvent;
    if (e.seq <= m.lastSeq) continue;
    if (e.seq !== m.lastSeq + 1) break;
    applyOne(d, e);
    m.lastSeq = e.seq;
    m.lastT = Math.max(m.lastT, e.t);
    m.eventCount++;
  }
  pendingByModel.set(m, pending);
  return m;
}

function isSorted(events: readonly InferenceEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if ((events[i] as InferenceEvent).seq < (events[i - 1] as InferenceEvent).seq) return false;
  return true;
}

/** The model of a complete event list (a replay or a shared snapshot). */
export function timelineFromEvents(events: readonly InferenceEvent[]): TimelineModel {
  return applyEvents(emptyTimeline(), events);
}

export function isRunning(model: TimelineModel): boolean {
  return isOpen(model.status);
}

// ---------------------------------------------------------------------------------------------
// Derived views

/** Lanes in a round, planner first. */
export function roundLanes(r: TimelineRound): TimelineLane[] {
  return r.planner ? [r.planner, ...r.executors] : [...r.executors];
}

/**
 * The measured critical path as lane keys: per round the planner, then the executor that ended
 * last, when it ended after the planner (always in round-sync; in eager an executor can end
 * before the plan does). A round whose executors are still running contributes its planner only.
 */
export function criticalPath(model: TimelineModel): Set<string> {
  const out = new Set<string>();
  for (const r of model.rounds) {
    if (r.planner) out.add(r.planner.key);
    const live = r.executors.filter((l) => l.status !== "cancelled");
    if (live.length === 0 || live.some((l) => l.endT === null)) continue;
    let best: TimelineLane | null = null;
    for (const l of live) if (best === null || (l.endT as number) > (best.endT as number)) best = l;
    if (best && (r.planner?.endT == null || (best.endT as number) >= r.planner.endT)) out.add(best.key);
  }
  return out;
}

/** Start and end of a lane on the token axis. */
export interface TokenSpan {
  start: number;
  end: number;
}

export interface TokenLayout {
  /** Keyed by lane key. */
  lanes: Map<string, TokenSpan>;
  /** Per round: where it starts and ends on the token axis. */
  rounds: Map<number, TokenSpan>;
  /** The whole axis (Σ rounds' spans): the run's sequential tokens, approximately. */
  total: number;
}

/**
 * Token-axis layout: rounds follow one another; in a round the planner spans its tokens from the
 * round's start; an executor starts at the planner's token position of its prompt (eager: the
 * planner's text length when the prompt closed, scaled to its tokens; round-sync: the planner's end)
 * and spans its own tokens. A round spans to its longest lane.
 */
export function tokenLayout(model: TimelineModel): TokenLayout {
  const lanes = new Map<string, TokenSpan>();
  const rounds = new Map<number, TokenSpan>();
  let offset = 0;
  const eager = model.schedule === "eager";
  for (const r of model.rounds) {
    const start = offset;
    let end = start;
    const p = r.planner;
    const pTokens = p ? p.tokens : 0;
    if (p) {
      lanes.set(p.key, { start, end: start + pTokens });
      end = start + pTokens;
    }
    for (const l of r.executors) {
      let at = pTokens;
      if (eager && l.promptCharPos !== null && p && p.text.length > 0) {
        at = Math.min(pTokens, Math.round((l.promptCharPos / p.text.length) * pTokens));
      }
      const span = { start: start + at, end: start + at + l.tokens };
      lanes.set(l.key, span);
      if (l.status !== "cancelled") end = Math.max(end, span.end);
    }
    rounds.set(r.round, { start, end });
    offset = end;
  }
  if (model.sequential) lanes.set(model.sequential.key, { start: 0, end: model.sequential.tokens });
  return { lanes, rounds, total: Math.max(offset, model.sequential?.tokens ?? 0) };
}

/** Simple totals of the model (live metrics before the server's). */
export function timelineTotals(model: TimelineModel): { totalTokens: number; sequentialTokens: number; lanes: number; rounds: number } {
  let total = 0;
  let lanes = 0;
  for (const r of model.rounds) {
    for (const l of roundLanes(r)) {
      if (l.status === "cancelled") continue;
      total += l.tokens;
      if (l.role === "executor") lanes++;
    }
  }
  if (model.sequential) total += model.sequential.tokens;
  return { totalTokens: total, sequentialTokens: tokenLayout(model).total, lanes, rounds: model.rounds.length };
}
