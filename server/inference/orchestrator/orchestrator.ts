/**
 * The SPRINT inference loop (docs/sprint-method.md §3) over any {@link CompletionEngine}:
 *
 *   for p = 1, 2, …:
 *     planner call (stop strings) → normalize (re-wrap as <Plan_p>, renumber p.1..p.k)
 *     stop on a final answer; at p = maxRounds the planner prompt ends with `<Final_answer>` (forced)
 *     executors for every prompt, concurrently → <Execution_p>
 *
 * Schedules: `round-sync` (the authors' code: executors start when the plan is complete) and
 * `eager` (the planner stream is read incrementally; when `</prompt_p.k>` closes, executor k starts
 * at once with the plan so far; the finished plan is reconciled with what started: a lane whose
 * prompt changed is cancelled and restarted). Retries: an output over `retryOverTokens` is retried
 * (earlier attempts are capped at retryOverTokens + 1 tokens, so an over-long output costs no more
 * than that) until `maxAttempts`, which is accepted; a broken or failed stream is retried up to
 * `errorAttempts`. Cancellation (signal) and a run deadline (`timeoutMs`) stop every call; the
 * result then has status `cancelled` / `timeout` and the rounds finished so far.
 *
 * Faults are never hidden: every retry — the engine re-sending an HTTP request (429/5xx storm,
 * connection error) or the orchestrator running a call again (over-long, cut stream) — is a
 * `call-retry` event with its level and reason, counted in `metrics.retries`. A call whose stream is
 * cut on every attempt is a `lane-incomplete` event; its fragment is kept and the run ends
 * `degraded` (never `completed`), or the run fails at once with `onIncomplete: "fail"`.
 *
 * Token metrics have one source per call: the server's usage for that call when it reports it,
 * else the run's tokenizer on the call's text (`tokenSource` says which). total = Σ accepted calls,
 * generated = Σ every attempt (discarded ones included), so total ≤ generated, equal when nothing
 * was discarded. Sequential tokens follow the paper's formula on the same per-call counts; a plan's
 * tokens are split into its chunks (P_{i.k}) in proportion to the tokenizer's counts of the chunks.
 * The text recount (`metrics.paper`: tags stripped, the tokenizer only) is kept beside them.
 *
 * Everything observable is an {@link InferenceEvent} (events.ts), numbered and time-stamped with the
 * injectable clock `now`.
 */
import { extractBoxed, serializeDocument } from "../../sprint/format";
import { chunkTokens, sequentialBaselineMetrics, trajectoryMetrics, type BaselineMetrics, type TrajectoryMetrics } from "../../sprint/metrics";
import { PlanStreamReader } from "../../sprint/plan-stream";
import { approxTokenizer } from "../../sprint/tokenizer";
import type { FinalAnswer, PlanChunk, Round, Tokenizer, Trajectory } from "../../sprint/types";
import { Semaphore } from "../engines/limit";
import { EngineError, type CompletionEngine, type CompletionRequest, type Usage } from "../engines/types";
import {
  buildRunPrefix,
  EXECUTOR_STOP,
  executorPrompt,
  FINAL_STOP,
  normalizeExecution,
  normalizePlan,
  PLANNER_STOP,
  plannerPrompt,
  type FormatIssue,
  type RunPrefix,
} from "./context";
import { EventLog, type CallRole, type IncompletePolicy, type InferenceEvent, type RetryLevel, type RetryReason, type RunStatus, type TokenSource } from "./events";
import { sequentialParamsSchema, sprintParamsSchema, type SequentialParams, type SequentialParamsInput, type SprintParams, type SprintParamsInput } from "./params";

export interface SprintEngines {
  planner: CompletionEngine;
  executor: CompletionEngine;
}

interface CommonOptions {
  question: string;
  onEvent?: (e: InferenceEvent) => void;
  signal?: AbortSignal;
  /** Clock in ms (default performance.now). Timestamps and timings use it. */
  now?: () => number;
  /** Tokenizer for the paper's metrics and for calls without server usage (default approxTokenizer). */
  tokenizer?: Tokenizer;
  /** Also return every event in the result. */
  keepEvents?: boolean;
}

export interface RunSprintOptions extends CommonOptions {
  /** One engine for both roles, or one per role. */
  engine: CompletionEngine | SprintEngines;
  params?: SprintParamsInput;
}

/** Timing of one executor lane (ms since the run started). */
export interface LaneTiming {
  round: number;
  lane: number;
  /** When it could start: its prompt closed (eager) or the plan finished (round-sync). */
  readyMs: number;
  /** First attempt's request. */
  startMs: number;
  firstTokenMs: number | null;
  endMs: number;
  attempts: number;
  tokens: number;
  tokenSource: "usage" | "tokenizer";
  /** The stream was cut on every attempt: `tokens` are the fragment's. */
  incomplete: boolean;
}

export interface RoundTiming {
  round: number;
  forced: boolean;
  plannerStartMs: number;
  plannerEndMs: number;
  /** When the round's last call ended. */
  endMs: number;
  lanes: LaneTiming[];
  /**
   * Measured critical path: max(planner duration, max over lanes of (ready − planner start) +
   * (end − start)) — the round's duration had every lane started the moment it was ready.
   */
  criticalPathMs: number;
}

export interface FormatAdherence {
  plannerOutputs: number;
  executorOutputs: number;
  /** Outputs that needed no repair. */
  clean: number;
  /** clean ÷ outputs (1 when there were none). */
  rate: number;
  byCode: Record<string, number>;
  issues: { role: CallRole; round: number; lane: number; code: string; message: string }[];
}

/** A retry, as counted in the metrics. */
export interface RetryRecord {
  level: RetryLevel;
  reason: RetryReason;
  role: CallRole;
  round: number;
  lane: number;
  message: string;
  status?: number;
}

/** A call that never finished (see `lane-incomplete`). */
export interface IncompleteRecord {
  role: CallRole;
  round: number;
  lane: number;
  reason: RetryReason;
  message: string;
}

/** Where each token number of a run came from. */
export interface TokenSources {
  sequential: TokenSource;
  total: TokenSource;
  generated: TokenSource;
  /** The tokenizer that split plans into chunks (P_{i.k}) and counted calls without usage. */
  tokenizer: string;
}

export interface SprintRunMetrics {
  /**
   * Text recount of the final trajectory with the run's tokenizer (the paper's formula, tags
   * stripped). The headline numbers below come from per-call counts instead (see the module comment).
   */
  paper: TrajectoryMetrics;
  /** The paper's sequential tokens on per-call counts (usage where reported). */
  sequentialTokens: number;
  /** Σ tokens of the accepted calls (usage where reported). */
  totalTokens: number;
  /** Every completion token generated, discarded attempts included (usage where reported, else the tokenizer). */
  generatedTokens: number;
  /** generated − total: tokens of retried, cancelled or cut-short attempts. */
  discardedTokens: number;
  tokenSources: TokenSources;
  /** Prompt tokens the server reported (0 when it reported none). */
  promptTokens: number;
  calls: number;
  /** Every retry, engine and orchestrator level. */
  retries: number;
  engineRetries: number;
  orchestratorRetries: number;
  /** Retries by reason (`http`, `timeout`, `truncated`, `over-long`, …). */
  retryReasons: Record<string, number>;
  retryLog: RetryRecord[];
  /** Calls that never finished; non-empty ⇔ status `degraded` (or `failed` with onIncomplete "fail"). */
  incomplete: IncompleteRecord[];
  rounds: number;
  maxLanesPerRound: number;
  meanLanesPerRound: number;
  wallMs: number;
  /** Run start → first planner token. */
  ttftMs: number | null;
  /** Σ rounds' measured critical paths. */
  measuredCriticalPathMs: number;
  /** wall − measured critical path: time spent outside the critical path (orchestration, queueing). */
  overheadMs: number;
  roundTimings: RoundTiming[];
}

export interface SprintRunResult {
  status: RunStatus;
  error?: string;
  /** The whole document (`<Question>…</Question>` + `<think>…</think>`). */
  text: string;
  trajectory: Trajectory;
  finalAnswer: FinalAnswer | null;
  boxed: string | null;
  metrics: SprintRunMetrics;
  adherence: FormatAdherence;
  params: SprintParams;
  events?: InferenceEvent[];
}

// ---------------------------------------------------------------------------------------------
// One call with its retry policy

interface CallLimits {
  maxTokens: number;
  retryOverTokens: number | null;
  maxAttempts: number;
}

interface CallSpec {
  role: CallRole;
  round: number;
  lane: number;
  engine: CompletionEngine;
  base: Pick<CompletionRequest, "prompt" | "chat">;
  stop: readonly string[];
  limits: CallLimits;
  forced?: boolean;
  signal: AbortSignal;
  /** A new attempt starts (the previous attempt's text is discarded). */
  onAttempt?: (attempt: number) => void;
  onDelta?: (text: string, attempt: number) => void;
}

interface CallOutcome {
  text: string;
  finishReason: "stop" | "length" | "truncated";
  tokens: number;
  tokenSource: "usage" | "tokenizer";
  /** The stream was cut on every attempt; `text` is the fragment. */
  incomplete: boolean;
  usage: Usage | null;
  attempts: number;
  startMs: number;
  firstTokenMs: number | null;
  endMs: number;
}

class Cancelled extends Error {
  override name = "AbortError";
}

/** Shared machinery of a run: events, clock, token accounting, adherence. */
class RunContext {
  readonly log: EventLog;
  readonly controller = new AbortController();
  generatedTokens = 0;
  /** Sources of the token counts added to generatedTokens. */
  readonly generatedSources = new Set<"usage" | "tokenizer">();
  promptTokens = 0;
  calls = 0;
  readonly retryLog: RetryRecord[] = [];
  readonly incomplete: IncompleteRecord[] = [];
  ttftMs: number | null = null;
  readonly issues: FormatAdherence["issues"] = [];
  plannerOutputs = 0;
  executorOutputs = 0;
  dirtyOutputs = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly now: () => number,
    readonly tokenizer: Tokenizer,
    readonly temperature: number,
    readonly topP: number | undefined,
    readonly seed: number | undefined,
    readonly errorAttempts: number,
    readonly onIncomplete: IncompletePolicy,
    readonly deltaEvents: boolean,
    opts: CommonOptions,
    timeoutMs: number | undefined,
  ) {
    this.log = new EventLog(now(), now, opts.onEvent, opts.keepEvents === true);
    const outer = opts.signal;
    if (outer) {
      if (outer.aborted) this.controller.abort(new Cancelled("the run was cancelled"));
      else outer.addEventListener("abort", () => this.controller.abort(new Cancelled("the run was cancelled")), { once: true });
    }
    if (timeoutMs !== undefined) {
      this.timer = setTimeout(() => {
        const e = new Cancelled(`the run exceeded its ${timeoutMs} ms deadline`);
        e.name = "TimeoutError";
        this.controller.abort(e);
      }, timeoutMs);
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  count(text: string): number {
    return text.trim() === "" ? 0 : this.tokenizer.count(text);
  }

  /** Adds generated tokens counted by the tokenizer (no usage for this text). */
  private generatedByTokenizer(text: string): void {
    const n = this.count(text);
    this.generatedTokens += n;
    if (n > 0) this.generatedSources.add("tokenizer");
  }

  private retry(r: RetryRecord & { attempt: number; tokens?: number; engineAttempt?: number; waitMs?: number }): void {
    this.retryLog.push({ level: r.level, reason: r.reason, role: r.role, round: r.round, lane: r.lane, message: r.message, ...(r.status !== undefined ? { status: r.status } : {}) });
    this.log.emit({
      type: "call-retry",
      role: r.role,
      round: r.round,
      lane: r.lane,
      attempt: r.attempt,
      level: r.level,
      reason: r.reason,
      message: r.message,
      ...(r.tokens !== undefined ? { tokens: r.tokens } : {}),
      ...(r.status !== undefined ? { status: r.status } : {}),
      ...(r.engineAttempt !== undefined ? { engineAttempt: r.engineAttempt } : {}),
      ...(r.waitMs !== undefined ? { waitMs: r.waitMs } : {}),
    });
  }

  get retries(): number {
    return this.retryLog.length;
  }

  /**
   * The token and retry accounting every run reports (SPRINT and sequential alike), given the tokens of its
   * accepted calls and their source (its sequential and total counts come from the same calls).
   */
  accounting(acceptedTokens: number, source: TokenSource) {
    const reasons: Record<string, number> = {};
    for (const r of this.retryLog) reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
    return {
      totalTokens: acceptedTokens,
      generatedTokens: this.generatedTokens,
      discardedTokens: this.generatedTokens - acceptedTokens,
      tokenSources: { sequential: source, total: source, generated: this.generatedSource(), tokenizer: this.tokenizer.name },
      promptTokens: this.promptTokens,
      retries: this.retries,
      engineRetries: this.retryLog.filter((r) => r.level === "engine").length,
      orchestratorRetries: this.retryLog.filter((r) => r.level === "orchestrator").length,
      retryReasons: reasons,
      retryLog: this.retryLog,
      incomplete: this.incomplete,
    };
  }

  generatedSource(): TokenSource {
    return sourceOf(this.generatedSources);
  }

  /** Records an output's format issues (one output). */
  recordOutput(role: CallRole, round: number, lane: number, issues: readonly FormatIssue[]): void {
    if (role === "executor") this.executorOutputs++;
    else this.plannerOutputs++;
    if (issues.length > 0) this.dirtyOutputs++;
    for (const i of issues) {
      this.issues.push({ role, round, lane, code: i.code, message: i.message });
      this.log.emit({ type: "diagnostic", role, round, lane, code: i.code, message: i.message });
    }
  }

  adherence(): FormatAdherence {
    const outputs = this.plannerOutputs + this.executorOutputs;
    const byCode: Record<string, number> = {};
    for (const i of this.issues) byCode[i.code] = (byCode[i.code] ?? 0) + 1;
    return {
      plannerOutputs: this.plannerOutputs,
      executorOutputs: this.executorOutputs,
      clean: outputs - this.dirtyOutputs,
      rate: outputs === 0 ? 1 : (outputs - this.dirtyOutputs) / outputs,
      byCode,
      issues: this.issues,
    };
  }

  /** Runs one call with the retry policy of the module comment. */
  async call(spec: CallSpec): Promise<CallOutcome> {
    const { role, round, lane, limits, signal } = spec;
    const startMs = this.log.elapsed();
    let errorsLeft = this.errorAttempts;
    let firstTokenMs: number | null = null;
    this.calls++;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= limits.maxAttempts;
      const cap = !last && limits.retryOverTokens !== null ? Math.min(limits.maxTokens, limits.retryOverTokens + 1) : limits.maxTokens;
      const request: CompletionRequest = {
        ...spec.base,
        maxTokens: cap,
        temperature: this.temperature,
        stop: spec.stop,
        ...(this.topP !== undefined ? { topP: this.topP } : {}),
        ...(this.seed !== undefined ? { seed: this.seed + attempt - 1 } : {}),
      };
      spec.onAttempt?.(attempt);
      this.log.emit({ type: "call-started", role, round, lane, attempt, maxTokens: cap, promptChars: request.prompt.length, ...(spec.forced ? { forced: true } : {}) });
      let text = "";
      let overLong = false;
      try {
        if (signal.aborted) throw signal.reason;
        for await (const ev of spec.engine.complete(request, signal)) {
          if (ev.type === "retry") {
            this.retry({
              level: "engine",
              reason: retryReasonOfKind(ev.kind),
              role,
              round,
              lane,
              attempt,
              message: ev.message,
              ...(ev.status !== undefined ? { status: ev.status } : {}),
              engineAttempt: ev.attempt,
              waitMs: ev.waitMs,
            });
            continue;
          }
          if (ev.type === "delta") {
            if (ev.text === "") continue;
            text += ev.text;
            if (firstTokenMs === null) firstTokenMs = this.log.elapsed();
            if (this.ttftMs === null && role !== "executor") this.ttftMs = this.log.elapsed();
            if (this.deltaEvents) this.log.emit({ type: "call-delta", role, round, lane, attempt, text: ev.text });
            spec.onDelta?.(ev.text, attempt);
            continue;
          }
          const tokenSource = ev.usage !== null ? "usage" : "tokenizer";
          const tokens = ev.usage?.completionTokens ?? this.count(text);
          this.generatedTokens += tokens;
          this.generatedSources.add(tokenSource);
          this.promptTokens += ev.usage?.promptTokens ?? 0;
          const over = limits.retryOverTokens !== null && tokens > limits.retryOverTokens;
          if (over && !last) {
            this.retry({ level: "orchestrator", reason: "over-long", role, round, lane, attempt, message: `${tokens} tokens > ${limits.retryOverTokens}`, tokens });
            overLong = true;
            break;
          }
          const endMs = this.log.elapsed();
          this.log.emit({ type: "call-finished", role, round, lane, attempt, finishReason: ev.finishReason, tokens, tokenSource, usage: ev.usage, text, overLongAccepted: over });
          return { text, finishReason: ev.finishReason, tokens, tokenSource, incomplete: false, usage: ev.usage, attempts: attempt, startMs, firstTokenMs, endMs };
        }
        if (overLong) continue;
        throw new EngineError(`${spec.engine.id}: the stream ended without an end event`, "truncated", true, text);
      } catch (err) {
        if (signal.aborted) {
          this.generatedByTokenizer(text);
          const reason: unknown = signal.reason;
          this.log.emit({ type: "call-cancelled", role, round, lane, attempt, reason: reason instanceof Error ? reason.message : String(reason) });
          throw reason instanceof Error ? reason : new Cancelled(String(reason));
        }
        if (!(err instanceof EngineError)) throw err;
        const partial = text !== "" ? text : err.partialText;
        this.generatedByTokenizer(partial);
        errorsLeft--;
        if (err.retryable && errorsLeft > 0) {
          this.retry({ level: "orchestrator", reason: retryReason(err), role, round, lane, attempt, message: err.message, ...(err.status !== undefined ? { status: err.status } : {}) });
          continue;
        }
        if (partial !== "" && (err.kind === "truncated" || err.kind === "timeout")) {
          // Out of attempts with a partial output: the call never finished. Never silent: an event,
          // and the run ends degraded with the fragment kept — or fails, per onIncomplete.
          const reason = retryReason(err);
          const message = `${role === "executor" ? `executor ${round}.${lane}` : role === "planner" ? `planner of round ${round}` : "the sequential call"} never finished: ${attempt} attempt${attempt === 1 ? "" : "s"}, the last cut after ${partial.length} characters (${err.message})`;
          this.incomplete.push({ role, round, lane, reason, message });
          this.log.emit({ type: "lane-incomplete", role, round, lane, attempt, reason, message, keptChars: partial.length, policy: this.onIncomplete });
          if (this.onIncomplete === "fail") {
            this.log.emit({ type: "error", message, role, round, lane, kind: err.kind });
            throw new EngineError(message, err.kind, false, partial);
          }
          const endMs = this.log.elapsed();
          const tokens = this.count(partial);
          this.log.emit({ type: "call-finished", role, round, lane, attempt, finishReason: "truncated", tokens, tokenSource: "tokenizer", usage: null, text: partial, overLongAccepted: false });
          return { text: partial, finishReason: "truncated", tokens, tokenSource: "tokenizer", incomplete: true, usage: null, attempts: attempt, startMs, firstTokenMs, endMs };
        }
        this.log.emit({ type: "error", message: err.message, role, round, lane, kind: err.kind });
        throw err;
      }
    }
  }
}

function retryReason(err: EngineError): RetryReason {
  return retryReasonOfKind(err.kind);
}

function retryReasonOfKind(kind: EngineError["kind"]): RetryReason {
  return kind === "config" ? "http" : kind;
}

function sourceOf(sources: ReadonlySet<"usage" | "tokenizer">): TokenSource {
  if (sources.has("usage") && sources.has("tokenizer")) return "mixed";
  return sources.has("tokenizer") ? "tokenizer" : "usage";
}

/** Per-call token counts of one round (accepted calls only). */
interface RoundTokens {
  planner: { tokens: number; source: "usage" | "tokenizer" };
  chunks: readonly PlanChunk[];
  lanes: { index: number; tokens: number; source: "usage" | "tokenizer" }[];
}

/**
 * The paper's sequential and total tokens on per-call counts: seq_i = max(P_i, max_k (P_{i.k} + E_{i.k}))
 * with P_i the planner call's tokens, P_{i.k} its share up to the end of prompt k's chunk (split in
 * proportion to the tokenizer's chunk counts), E_{i.k} the executor call's tokens; the forced final
 * answer adds sequentially. total = every accepted call.
 */
export function callTokenMetrics(
  rounds: readonly RoundTokens[],
  final: { tokens: number; source: "usage" | "tokenizer" } | null,
  tokenizer: Tokenizer,
): { sequentialTokens: number; totalTokens: number; source: TokenSource } {
  let seq = 0;
  let total = 0;
  const sources = new Set<"usage" | "tokenizer">();
  for (const r of rounds) {
    const P = r.planner.tokens;
    sources.add(r.planner.source);
    total += P;
    const counts = r.chunks.map((c) => chunkTokens(c, tokenizer));
    const all = counts.reduce((a, b) => a + b, 0);
    let cum = 0;
    const prefixOf = new Map<number, number>();
    r.chunks.forEach((c, j) => {
      cum += counts[j] as number;
      if (c.prompt) prefixOf.set(c.prompt.index, all === 0 ? P : Math.round((P * cum) / all));
    });
    let s = P;
    for (const l of r.lanes) {
      total += l.tokens;
      sources.add(l.source);
      s = Math.max(s, (prefixOf.get(l.index) ?? P) + l.tokens);
    }
    seq += s;
  }
  if (final) {
    seq += final.tokens;
    total += final.tokens;
    sources.add(final.source);
  }
  return { sequentialTokens: seq, totalTokens: total, source: sourceOf(sources) };
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError");
}

// ---------------------------------------------------------------------------------------------
// SPRINT

interface Lane {
  index: number;
  chunkIndex: number;
  promptText: string;
  prompt: string;
  plannerAttempt: number;
  readyMs: number;
  controller: AbortController;
  promise: Promise<CallOutcome>;
  cancelled: boolean;
}

class SprintRunner {
  readonly rounds: Round[] = [];
  finalAnswer: FinalAnswer | null = null;
  readonly timings: RoundTiming[] = [];
  /** Per-call token counts of every round (planner and accepted executors), for the metrics. */
  readonly roundTokens: RoundTokens[] = [];
  /** The forced final answer's call. */
  finalCall: { tokens: number; source: "usage" | "tokenizer" } | null = null;
  private readonly laneSem: Semaphore | undefined;
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly ctx: RunContext,
    private readonly engines: SprintEngines,
    private readonly prefix: RunPrefix,
    private readonly params: SprintParams,
  ) {
    this.laneSem = params.maxConcurrentLanes !== undefined ? new Semaphore(params.maxConcurrentLanes) : undefined;
  }

  async settle(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }

  async run(): Promise<void> {
    const { params, ctx } = this;
    let forceNext = false;
    for (let p = 1; ; p++) {
      const forced = forceNext || p >= params.maxRounds;
      ctx.log.emit({ type: "round-started", round: p, forced });
      if (forced) {
        await this.forcedAnswer(p);
        return;
      }
      const done = await this.round(p);
      if (done === "final") return;
      if (done === "empty") forceNext = true;
    }
  }

  private async forcedAnswer(p: number): Promise<void> {
    const { ctx } = this;
    const out = await ctx.call({
      role: "planner",
      round: p,
      lane: 0,
      engine: this.engines.planner,
      base: plannerPrompt(this.prefix, this.rounds, true),
      stop: FINAL_STOP,
      limits: { maxTokens: this.params.planner.maxTokens, retryOverTokens: null, maxAttempts: 1 },
      forced: true,
      signal: ctx.signal,
    });
    const text = out.text.replace(/<\/\s*(Final[_ ]?answer|think)\s*>[\s\S]*$/i, "").trim();
    ctx.recordOutput("planner", p, 0, []);
    this.finalCall = { tokens: out.tokens, source: out.tokenSource };
    this.finalAnswer = { text, style: "tag", forced: true };
    this.timings.push({ round: p, forced: true, plannerStartMs: out.startMs, plannerEndMs: out.endMs, endMs: out.endMs, lanes: [], criticalPathMs: out.endMs - out.startMs });
    ctx.log.emit({ type: "final-answer", answer: this.finalAnswer, boxed: extractBoxed(text) ?? null });
  }

  private startLane(p: number, chunks: readonly PlanChunk[], chunkIndex: number, plannerAttempt: number): Lane {
    const { ctx, params } = this;
    const chunk = chunks[chunkIndex] as PlanChunk & { prompt: { index: number; text: string } };
    const base = executorPrompt(this.prefix, this.rounds, p, chunks, chunkIndex, params.executorContext);
    const controller = new AbortController();
    const signal = AbortSignal.any([ctx.signal, controller.signal]);
    const readyMs = ctx.log.elapsed();
    const exec = async (): Promise<CallOutcome> => {
      const release = this.laneSem ? await this.laneSem.acquire(signal) : undefined;
      try {
        return await ctx.call({
          role: "executor",
          round: p,
          lane: chunk.prompt.index,
          engine: this.engines.executor,
          base,
          stop: EXECUTOR_STOP,
          limits: params.executor,
          signal,
        });
      } finally {
        release?.();
      }
    };
    const promise = exec();
    this.inflight.add(promise);
    promise.then(
      () => this.inflight.delete(promise),
      () => this.inflight.delete(promise),
    );
    return { index: chunk.prompt.index, chunkIndex, promptText: chunk.prompt.text, prompt: base.prompt, plannerAttempt, readyMs, controller, promise, cancelled: false };
  }

  /**
   * Sends the longest prefix shared by the executor prompts of a round as a 1-token request (see
   * `warmPrefix` in params.ts). Failures are reported as a diagnostic and ignored: warming is an optimization.
   */
  private async warmPrefix(p: number, chunks: readonly PlanChunk[], chunkIndexes: readonly number[]): Promise<void> {
    const { ctx, params } = this;
    const bases = chunkIndexes.map((j) => executorPrompt(this.prefix, this.rounds, p, chunks, j, params.executorContext));
    const common = (xs: readonly string[]) => {
      let n = xs[0]?.length ?? 0;
      for (const x of xs) {
        let i = 0;
        while (i < n && x.charCodeAt(i) === xs[0]!.charCodeAt(i)) i++;
        n = i;
      }
      return (xs[0] ?? "").slice(0, n);
    };
    const prompt = common(bases.map((b) => b.prompt));
    const first = bases[0]?.chat;
    const chat = first && bases.every((b) => b.chat?.system === first.system && b.chat?.user === first.user)
      ? { ...first, assistantPrefix: common(bases.map((b) => b.chat!.assistantPrefix)) }
      : undefined;
    const t0 = ctx.log.elapsed();
    try {
      const stream = this.engines.executor.complete({ prompt, ...(chat ? { chat } : {}), maxTokens: 1, temperature: 0 }, ctx.signal);
      for await (const ev of stream) if (ev.type === "end") break;
      ctx.log.emit({ type: "diagnostic", role: "executor", round: p, lane: 0, code: "prefix-warmed", message: `shared prefix of ${bases.length} executors (${prompt.length} chars) warmed in ${Math.round(ctx.log.elapsed() - t0)} ms` });
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      ctx.log.emit({ type: "diagnostic", role: "executor", round: p, lane: 0, code: "prefix-warm-failed", message: err instanceof Error ? err.message : String(err) });
    }
  }

  private cancelLane(lane: Lane, reason: string): void {
    if (lane.cancelled) return;
    lane.cancelled = true;
    lane.controller.abort(new Cancelled(reason));
  }

  /** One round; "final" when the run is over, "empty" when the planner wrote nothing usable. */
  private async round(p: number): Promise<"continue" | "final" | "empty"> {
    const { ctx, params } = this;
    const eager = params.schedule === "eager";
    const started: Lane[] = []; // every lane started this round, cancelled ones included
    let reader = new PlanStreamReader();
    let attemptNow = 1;
    const planner = await ctx
      .call({
        role: "planner",
        round: p,
        lane: 0,
        engine: this.engines.planner,
        base: plannerPrompt(this.prefix, this.rounds),
        stop: PLANNER_STOP,
        limits: params.planner,
        signal: ctx.signal,
        onAttempt: (attempt) => {
          attemptNow = attempt;
          reader = new PlanStreamReader();
          for (const lane of started) if (lane.plannerAttempt < attempt) this.cancelLane(lane, "the planner output was retried");
        },
        onDelta: (text) => {
          for (const ev of reader.push(text)) {
            if (ev.type !== "prompt") continue;
            ctx.log.emit({ type: "prompt-detected", round: p, index: ev.index, text: ev.text, attempt: attemptNow });
            if (!eager || reader.finalAnswerStarted) continue;
            const partial = normalizePlan(reader.text.slice(0, ev.end), p, { prompted: params.prompted !== undefined });
            const j = partial.chunks.length - 1;
            const prompts = partial.chunks.filter((c) => c.prompt !== undefined).length;
            if (j >= 0 && partial.chunks[j]?.prompt !== undefined && prompts === ev.index) {
              started.push(this.startLane(p, partial.chunks, j, attemptNow));
            }
          }
        },
      })
      .catch(async (err: unknown) => {
        for (const lane of started) this.cancelLane(lane, "the planner failed");
        await Promise.allSettled(started.map((l) => l.promise));
        throw err;
      });
    reader.end();
    const plan = normalizePlan(planner.text, p, { prompted: params.prompted !== undefined });
    const issues = [...plan.issues];
    const prompts = plan.chunks.flatMap((c, j) => (c.prompt ? [{ chunkIndex: j, index: c.prompt.index, text: c.prompt.text }] : []));

    // Reconcile eager lanes with the normalized plan; start the rest.
    const lanes: Lane[] = [];
    if (!eager && params.warmPrefix && !plan.finalAnswer && prompts.length >= 2) {
      await this.warmPrefix(p, plan.chunks, prompts.map((x) => x.chunkIndex));
    }
    if (!plan.finalAnswer && plan.chunks.length > 0) {
      for (const pr of prompts) {
        const candidates = started.filter((l) => !l.cancelled && l.index === pr.index && l.promptText === pr.text);
        // In the prefix variant the context must also be the same bytes (the plan up to this prompt).
        const expected = candidates.length > 0 && params.executorContext === "prefix" ? executorPrompt(this.prefix, this.rounds, p, plan.chunks, pr.chunkIndex, "prefix").prompt : undefined;
        const match = candidates.find((l) => expected === undefined || l.prompt === expected);
        lanes.push(match ?? this.startLane(p, plan.chunks, pr.chunkIndex, attemptNow));
        if (match === undefined && eager) issues.push({ code: "eager-restart", message: `prompt ${p}.${pr.index} changed after it started; restarted` });
      }
    }
    for (const l of started) if (!lanes.includes(l)) this.cancelLane(l, plan.finalAnswer ? "the planner wrote a final answer" : "the prompt is not in the final plan");
    if (plan.finalAnswer && prompts.length > 0) issues.push({ code: "prompts-before-final-answer", message: `${prompts.length} prompt(s) before the final answer were not executed` });
    if (!plan.finalAnswer && plan.chunks.length === 0) issues.push({ code: "empty-plan", message: "the planner wrote no plan and no final answer; forcing the answer" });
    ctx.recordOutput("planner", p, 0, issues);

    let outcomes: CallOutcome[];
    try {
      outcomes = await Promise.all(lanes.map((l) => l.promise));
    } catch (err) {
      if (!ctx.signal.aborted) ctx.controller.abort(err instanceof Error ? err : new Error(String(err)));
      await Promise.allSettled(started.concat(lanes).map((l) => l.promise));
      throw err;
    }
    await Promise.allSettled(started.filter((l) => l.cancelled).map((l) => l.promise));

    const executions = lanes.map((l, i) => {
      const n = normalizeExecution((outcomes[i] as CallOutcome).text);
      ctx.recordOutput("executor", p, l.index, n.issues);
      return { index: l.index, text: n.text };
    });
    const laneTimings: LaneTiming[] = lanes.map((l, i) => {
      const o = outcomes[i] as CallOutcome;
      return {
        round: p,
        lane: l.index,
        readyMs: l.readyMs,
        startMs: o.startMs,
        firstTokenMs: o.firstTokenMs,
        endMs: o.endMs,
        attempts: o.attempts,
        tokens: o.tokens,
        tokenSource: o.tokenSource,
        incomplete: o.incomplete,
      };
    });
    const plannerStart = planner.startMs;
    let cp = planner.endMs - plannerStart;
    for (const t of laneTimings) cp = Math.max(cp, Math.min(t.readyMs, planner.endMs) - plannerStart + (t.endMs - t.startMs));
    const timing: RoundTiming = {
      round: p,
      forced: false,
      plannerStartMs: plannerStart,
      plannerEndMs: planner.endMs,
      endMs: Math.max(planner.endMs, ...laneTimings.map((t) => t.endMs)),
      lanes: laneTimings,
      criticalPathMs: cp,
    };
    this.timings.push(timing);
    this.roundTokens.push({
      planner: { tokens: planner.tokens, source: planner.tokenSource },
      chunks: plan.chunks,
      lanes: lanes.map((l, i) => ({ index: l.index, tokens: (outcomes[i] as CallOutcome).tokens, source: (outcomes[i] as CallOutcome).tokenSource })),
    });

    if (plan.chunks.length > 0) {
      const round: Round = { index: p, chunks: plan.chunks, executions: plan.finalAnswer ? [] : executions };
      this.rounds.push(round);
      ctx.log.emit({ type: "round-finished", round: p, data: round, lanes: lanes.length, criticalPathMs: cp });
    }
    if (plan.finalAnswer) {
      this.finalAnswer = plan.finalAnswer;
      ctx.log.emit({ type: "final-answer", answer: plan.finalAnswer, boxed: extractBoxed(plan.finalAnswer.text) ?? null });
      return "final";
    }
    return plan.chunks.length === 0 ? "empty" : "continue";
  }
}

function laneStats(rounds: readonly Round[]): { max: number; mean: number } {
  if (rounds.length === 0) return { max: 0, mean: 0 };
  const counts = rounds.map((r) => r.executions.length);
  return { max: Math.max(...counts), mean: counts.reduce((a, b) => a + b, 0) / counts.length };
}

function statusOf(err: unknown): RunStatus {
  if (err instanceof Error && err.name === "TimeoutError") return "timeout";
  if (isAbort(err)) return "cancelled";
  return "failed";
}

/** Runs the SPRINT loop on one question. Never throws for engine failures, cancellation or timeouts: see `status`. */
export async function runSprint(opts: RunSprintOptions): Promise<SprintRunResult> {
  const params = sprintParamsSchema.parse(opts.params ?? {});
  const engines: SprintEngines = "complete" in opts.engine ? { planner: opts.engine, executor: opts.engine } : opts.engine;
  const now = opts.now ?? (() => performance.now());
  const tokenizer = opts.tokenizer ?? approxTokenizer;
  const ctx = new RunContext(now, tokenizer, params.temperature, params.topP, params.seed, params.errorAttempts, params.onIncomplete, params.deltaEvents, opts, params.timeoutMs);
  const prefix = buildRunPrefix(opts.question, {
    ...(params.systemPrompt !== undefined ? { systemPrompt: params.systemPrompt } : {}),
    ...(params.prompted ? { fewShot: params.prompted.fewShot } : {}),
  });
  ctx.log.emit({
    type: "run-started",
    mode: "sprint",
    schedule: params.schedule,
    question: opts.question,
    params,
    engines: { planner: engines.planner.id, executor: engines.executor.id },
    startedAt: Date.now(),
  });
  const runner = new SprintRunner(ctx, engines, prefix, params);
  let status: RunStatus = "completed";
  let error: string | undefined;
  try {
    await runner.run();
  } catch (err) {
    const reason: unknown = ctx.signal.aborted && !(err instanceof EngineError) ? ctx.signal.reason : err;
    status = statusOf(reason);
    error = reason instanceof Error ? reason.message : String(reason);
    if (status === "failed" && !(err instanceof EngineError)) ctx.log.emit({ type: "error", message: error });
    if (!ctx.signal.aborted) ctx.controller.abort(new Cancelled("the run ended"));
    await runner.settle();
  } finally {
    ctx.dispose();
  }
  if (ctx.log.listenerError !== undefined && status === "completed") {
    status = "failed";
    error = `onEvent threw: ${ctx.log.listenerError instanceof Error ? ctx.log.listenerError.message : String(ctx.log.listenerError)}`;
  }
  if (status === "completed" && ctx.incomplete.length > 0) {
    status = "degraded";
    error = ctx.incomplete.map((i) => i.message).join("; ");
  }
  const trajectory: Trajectory = { question: opts.question, rounds: runner.rounds, ...(runner.finalAnswer ? { finalAnswer: runner.finalAnswer } : {}) };
  const text = serializeDocument(trajectory);
  const paper = trajectoryMetrics(trajectory, tokenizer);
  const counted = callTokenMetrics(runner.roundTokens, runner.finalCall, tokenizer);
  const wallMs = ctx.log.elapsed();
  const measuredCriticalPathMs = runner.timings.reduce((a, t) => a + t.criticalPathMs, 0);
  const lanes = laneStats(runner.rounds);
  const metrics: SprintRunMetrics = {
    paper,
    sequentialTokens: counted.sequentialTokens,
    ...ctx.accounting(counted.totalTokens, counted.source),
    calls: ctx.calls,
    rounds: runner.rounds.length,
    maxLanesPerRound: lanes.max,
    meanLanesPerRound: lanes.mean,
    wallMs,
    ttftMs: ctx.ttftMs,
    measuredCriticalPathMs,
    overheadMs: wallMs - measuredCriticalPathMs,
    roundTimings: runner.timings,
  };
  ctx.log.emit({ type: "run-finished", status, wallMs, text, retries: ctx.retries, incomplete: ctx.incomplete.length });
  const boxed = runner.finalAnswer ? (extractBoxed(runner.finalAnswer.text) ?? extractBoxed(text) ?? null) : null;
  return {
    status,
    ...(error !== undefined ? { error } : {}),
    text,
    trajectory,
    finalAnswer: runner.finalAnswer,
    boxed,
    metrics,
    adherence: ctx.adherence(),
    params,
    ...(opts.keepEvents ? { events: ctx.log.events } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Sequential baseline

export interface RunSequentialOptions extends CommonOptions {
  engine: CompletionEngine;
  params?: SequentialParamsInput;
}

export interface SequentialRunResult {
  status: RunStatus;
  error?: string;
  /** The generated text (the prefill is not included). */
  text: string;
  boxed: string | null;
  metrics: {
    /** Text recount with the run's tokenizer (tags stripped). */
    baseline: BaselineMetrics;
    /** = totalTokens: the accepted call's tokens (usage where reported). */
    sequentialTokens: number;
    totalTokens: number;
    generatedTokens: number;
    discardedTokens: number;
    tokenSources: TokenSources;
    retries: number;
    engineRetries: number;
    orchestratorRetries: number;
    retryReasons: Record<string, number>;
    retryLog: RetryRecord[];
    incomplete: IncompleteRecord[];
    promptTokens: number;
    finishReason: "stop" | "length" | "truncated" | null;
    wallMs: number;
    ttftMs: number | null;
  };
  params: SequentialParams;
  events?: InferenceEvent[];
}

/** The sequential baseline: one plain completion of the same question. */
export async function runSequential(opts: RunSequentialOptions): Promise<SequentialRunResult> {
  const params = sequentialParamsSchema.parse(opts.params ?? {});
  const now = opts.now ?? (() => performance.now());
  const tokenizer = opts.tokenizer ?? approxTokenizer;
  const ctx = new RunContext(now, tokenizer, params.temperature, params.topP, params.seed, params.errorAttempts, params.onIncomplete, params.deltaEvents, opts, params.timeoutMs);
  ctx.log.emit({ type: "run-started", mode: "sequential", schedule: null, question: opts.question, params, engines: { planner: opts.engine.id, executor: opts.engine.id }, startedAt: Date.now() });
  const user = `${opts.question.trim()}\n\n${params.instruction}`.trim();
  let status: RunStatus = "completed";
  let error: string | undefined;
  let text = "";
  let finishReason: SequentialRunResult["metrics"]["finishReason"] = null;
  let accepted: { tokens: number; source: "usage" | "tokenizer" } | null = null;
  try {
    const out = await ctx.call({
      role: "sequential",
      round: 1,
      lane: 0,
      engine: opts.engine,
      base: { prompt: `${user}\n\n${params.prefill}`, chat: { user, assistantPrefix: params.prefill } },
      stop: [],
      limits: { maxTokens: params.maxTokens, retryOverTokens: null, maxAttempts: 1 },
      signal: ctx.signal,
    });
    text = out.text;
    finishReason = out.finishReason;
    accepted = { tokens: out.tokens, source: out.tokenSource };
  } catch (err) {
    const reason: unknown = ctx.signal.aborted ? ctx.signal.reason : err;
    status = statusOf(reason);
    error = reason instanceof Error ? reason.message : String(reason);
  } finally {
    ctx.dispose();
  }
  if (status === "completed" && ctx.incomplete.length > 0) {
    status = "degraded";
    error = ctx.incomplete.map((i) => i.message).join("; ");
  }
  const baseline = sequentialBaselineMetrics(text, tokenizer);
  const counted = accepted ?? { tokens: 0, source: "usage" as const };
  const wallMs = ctx.log.elapsed();
  ctx.log.emit({ type: "run-finished", status, wallMs, text, retries: ctx.retries, incomplete: ctx.incomplete.length });
  return {
    status,
    ...(error !== undefined ? { error } : {}),
    text,
    boxed: extractBoxed(text) ?? null,
    metrics: {
      baseline,
      sequentialTokens: counted.tokens,
      ...ctx.accounting(counted.tokens, counted.source),
      finishReason,
      wallMs,
      ttftMs: ctx.ttftMs,
    },
    params,
    ...(opts.keepEvents ? { events: ctx.log.events } : {}),
  };
}
