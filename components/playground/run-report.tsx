"use client";
/**
 * The read-only body of a run, shared by the live run view and the public share page: header, the
 * timeline with the sequential baseline on the same scale, the metrics panel and the final answer.
 * Pure props (no tRPC, no workspace), so the share page can render it without a session.
 */
import { memo, useMemo, useState, type ReactNode } from "react";
import { Markdown } from "@/components/markdown";
import type { TimelineModel } from "@/server/inference/orchestrator/timeline";
import { isRunning, timelineTotals, tokenLayout } from "@/server/inference/orchestrator/timeline";
import { BaselineLane, FinalAnswerBox, Timeline, fmtMs, fmtTokens, timelineDomain, useLiveNow, type Axis } from "./timeline";

/** The run row fields the report reads (inference.get and getSharedRun both fit). */
export interface RunInfo {
  id: string;
  question: string;
  mode: "sprint" | "sequential";
  schedule: string | null;
  status: string;
  finalAnswer: string | null;
  metrics: Record<string, unknown> | null;
  params?: Record<string, unknown> | null;
  createdAt: Date | string;
  finishedAt: Date | string | null;
  endpoint: { name: string; model: string } | null;
  createdBy?: string | null;
  error: string | null;
  baselineRunId: string | null;
}

export function RunStatusBadge({ status }: { status: string }) {
  const cls: Record<string, string> = {
    queued: "bg-zinc-100 text-zinc-700",
    running: "bg-sky-100 text-sky-800",
    succeeded: "bg-emerald-100 text-emerald-800",
    degraded: "bg-orange-100 text-orange-800",
    failed: "bg-rose-100 text-rose-800",
    cancelled: "bg-amber-100 text-amber-800",
  };
  return (
    <span className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium ${cls[status] ?? cls.queued}`} data-testid="run-status" data-status={status}>
      {status}
    </span>
  );
}

function n(m: Record<string, unknown> | null | undefined, key: string): number | null {
  const v = m?.[key];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

export interface MetricsSummary {
  sequentialTokens: number | null;
  totalTokens: number | null;
  rounds: number | null;
  maxLanes: number | null;
  meanLanes: number | null;
  wallMs: number | null;
  ttftMs: number | null;
  criticalPathMs: number | null;
  overheadMs: number | null;
  generatedTokens: number | null;
  retries: number | null;
  /** Where the token numbers came from ("usage", "tokenizer", "mixed"), and the tokenizer's name. */
  tokenSources: { sequential: string; total: string; generated: string; tokenizer: string } | null;
  adherence: { rate: number; clean: number; outputs: number; byCode: Record<string, number> } | null;
  /** From the model, not the server's final metrics. */
  live: boolean;
}

/** The SPRINT run's metrics: the server's when final, else estimates from the live model. */
export function sprintSummary(metrics: Record<string, unknown> | null, model: TimelineModel): MetricsSummary {
  if (metrics && n(metrics, "sequentialTokens") !== null) {
    const a = metrics.adherence as { rate?: number; clean?: number; plannerOutputs?: number; executorOutputs?: number; byCode?: Record<string, number> } | undefined;
    return {
      sequentialTokens: n(metrics, "sequentialTokens"),
      totalTokens: n(metrics, "totalTokens"),
      rounds: n(metrics, "rounds"),
      maxLanes: n(metrics, "maxLanesPerRound"),
      meanLanes: n(metrics, "meanLanesPerRound"),
      wallMs: n(metrics, "wallMs"),
      ttftMs: n(metrics, "ttftMs"),
      criticalPathMs: n(metrics, "measuredCriticalPathMs"),
      overheadMs: n(metrics, "overheadMs"),
      generatedTokens: n(metrics, "generatedTokens"),
      retries: n(metrics, "retries"),
      tokenSources: tokenSourcesOf(metrics),
      adherence:
        a && typeof a.rate === "number"
          ? { rate: a.rate, clean: a.clean ?? 0, outputs: (a.plannerOutputs ?? 0) + (a.executorOutputs ?? 0), byCode: a.byCode ?? {} }
          : null,
      live: false,
    };
  }
  const totals = timelineTotals(model);
  const lanes = model.rounds.map((r) => r.executors.filter((l) => l.status !== "cancelled").length);
  const firstToken = model.rounds[0]?.planner?.firstTokenT ?? null;
  const cp = model.rounds.reduce((s, r) => s + (r.criticalPathMs ?? 0), 0);
  return {
    sequentialTokens: totals.sequentialTokens,
    totalTokens: totals.totalTokens,
    rounds: model.rounds.length,
    maxLanes: lanes.length ? Math.max(...lanes) : 0,
    meanLanes: lanes.length ? lanes.reduce((a, b) => a + b, 0) / lanes.length : 0,
    wallMs: model.wallMs ?? (model.eventCount > 0 ? model.lastT : null),
    ttftMs: firstToken,
    criticalPathMs: cp > 0 ? cp : null,
    overheadMs: null,
    generatedTokens: null,
    retries: model.retries.length,
    tokenSources: null,
    adherence: null,
    live: true,
  };
}

function tokenSourcesOf(metrics: Record<string, unknown>): MetricsSummary["tokenSources"] {
  const t = metrics.tokenSources as Record<string, unknown> | undefined;
  if (!t || typeof t.total !== "string") return null;
  const str = (v: unknown) => (typeof v === "string" ? v : "?");
  return { sequential: str(t.sequential), total: str(t.total), generated: str(t.generated), tokenizer: str(t.tokenizer) };
}

/** "usage" → "server usage", "tokenizer" → "tokenizer (qwen3)". */
function sourceLabel(source: string, tokenizer: string): string {
  if (source === "usage") return "server usage";
  if (source === "tokenizer") return `tokenizer (${tokenizer})`;
  return `server usage + tokenizer (${tokenizer})`;
}

/**
 * Faults of a run, from its events: every retry (engine-level HTTP retries and orchestrator-level
 * re-runs, with reasons) and every call that never finished. Shown on the run page and in shares.
 */
export const FaultsPanel = memo(function FaultsPanel({ model }: { model: TimelineModel }) {
  if (model.retries.length === 0 && model.incomplete.length === 0 && model.status !== "degraded") return null;
  const byReason = new Map<string, number>();
  for (const r of model.retries) {
    const key = `${r.level === "engine" ? "engine" : "re-run"}: ${r.status !== null ? `HTTP ${r.status}` : r.reason}`;
    byReason.set(key, (byReason.get(key) ?? 0) + 1);
  }
  const where = (r: { role: string; round: number; lane: number }) => (r.role === "executor" ? `execution ${r.round}.${r.lane}` : r.role === "planner" ? `plan ${r.round}` : "baseline");
  return (
    <section className={`card p-4 text-sm ${model.incomplete.length > 0 ? "border-orange-300" : ""}`} data-testid="run-faults">
      <h2 className="mb-2 text-sm font-semibold">
        Faults{model.status === "degraded" ? <span className="ml-2 text-orange-700">— degraded: a lane never finished</span> : null}
      </h2>
      {model.incomplete.length > 0 && (
        <ul className="mb-2 list-disc space-y-1 pl-5 text-orange-800" data-testid="incomplete-lanes">
          {model.incomplete.map((i, k) => (
            <li key={k}>{i.message}</li>
          ))}
        </ul>
      )}
      {model.retries.length > 0 && (
        <>
          <p className="text-zinc-700" data-testid="retry-summary">
            {model.retries.length} {model.retries.length === 1 ? "retry" : "retries"}: {[...byReason].map(([k, v]) => `${k} ×${v}`).join(", ")}
          </p>
          <details className="mt-1 text-xs text-zinc-600">
            <summary className="cursor-pointer">Every retry</summary>
            <ol className="mt-1 list-decimal space-y-0.5 pl-5" data-testid="retry-list">
              {model.retries.map((r, k) => (
                <li key={k}>
                  {where(r)} · {r.level} · {r.reason}
                  {r.status !== null ? ` (HTTP ${r.status})` : ""}: {r.message}
                </li>
              ))}
            </ol>
          </details>
        </>
      )}
    </section>
  );
});

/** The baseline's tokens and wall time (final metrics, else the live lane). */
export function baselineSummary(metrics: Record<string, unknown> | null, model: TimelineModel): { tokens: number | null; wallMs: number | null; ttftMs: number | null; live: boolean } {
  const tokens = n(metrics, "sequentialTokens") ?? n(metrics, "tokens");
  if (metrics && tokens !== null) return { tokens, wallMs: n(metrics, "wallMs"), ttftMs: n(metrics, "ttftMs"), live: false };
  const lane = model.sequential;
  return { tokens: lane ? lane.tokens : null, wallMs: model.wallMs ?? (lane ? (lane.endT ?? model.lastT) - lane.startT : null), ttftMs: lane?.firstTokenT ?? null, live: true };
}

/** "×1.8 wall, −35% sequential tokens" (null when either side lacks numbers). */
export function speedupText(s: MetricsSummary, b: { tokens: number | null; wallMs: number | null }): string | null {
  const parts: string[] = [];
  if (s.wallMs && b.wallMs) parts.push(`×${(b.wallMs / s.wallMs).toFixed(b.wallMs / s.wallMs >= 10 ? 0 : 1)} wall`);
  if (s.sequentialTokens !== null && b.tokens) {
    const d = Math.round((s.sequentialTokens / b.tokens - 1) * 100);
    parts.push(d === 0 ? "same sequential tokens" : `${d < 0 ? "−" : "+"}${Math.abs(d)}% sequential tokens`);
  }
  return parts.length ? parts.join(", ") : null;
}

function Stat({ label, value, hint, testId }: { label: string; value: ReactNode; hint?: string; testId?: string }) {
  return (
    <div className="min-w-0" title={hint} data-testid={testId}>
      <dt className="truncate text-[11px] tracking-wide text-zinc-500 uppercase">{label}</dt>
      <dd className="text-base font-semibold tabular-nums">{value}</dd>
    </div>
  );
}

export const MetricsPanel = memo(function MetricsPanel({ metrics, model, baseline }: { metrics: Record<string, unknown> | null; model: TimelineModel; baseline?: { metrics: Record<string, unknown> | null; model: TimelineModel } | null }) {
  const s = sprintSummary(metrics, model);
  const b = baseline ? baselineSummary(baseline.metrics, baseline.model) : null;
  const speed = b ? speedupText(s, b) : null;
  const approx = s.live ? "≈" : "";
  return (
    <section className="card p-4" data-testid="run-metrics" data-final={s.live ? "false" : "true"}>
      <div className="mb-3 flex items-center justify-between gap-2">
        <h2 className="text-sm font-semibold">Metrics{s.live ? <span className="ml-1 font-normal text-zinc-400">(live estimate)</span> : null}</h2>
        {speed && (
          <span
            className={`rounded-md px-2 py-0.5 text-sm font-semibold ${s.wallMs && b?.wallMs && b.wallMs < s.wallMs ? "bg-amber-50 text-amber-800" : "bg-emerald-50 text-emerald-800"}`}
            title="Baseline ÷ SPRINT wall time; SPRINT sequential tokens vs the baseline's tokens"
            data-testid="speedup"
          >
            {speed}
            {b?.live || s.live ? <span className="ml-1 font-normal opacity-75">(so far)</span> : null}
          </span>
        )}
      </div>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-3 sm:grid-cols-4">
        <Stat label="Sequential tokens" value={`${approx}${fmtTokens(s.sequentialTokens)}`} hint="Tokens on the longest path: plans + the longest execution of each round (the paper's latency proxy)" testId="metric-sequential-tokens" />
        <Stat label="Total tokens" value={`${approx}${fmtTokens(s.totalTokens)}`} hint="Tokens of every accepted call (plans + every execution)" testId="metric-total-tokens" />
        <Stat label="Rounds" value={s.rounds ?? "—"} testId="metric-rounds" />
        <Stat label="Lanes / round" value={s.maxLanes !== null ? `${s.maxLanes} max · ${(s.meanLanes ?? 0).toFixed(1)} mean` : "—"} testId="metric-lanes" />
        <Stat label="Wall time" value={fmtMs(s.wallMs)} testId="metric-wall" />
        <Stat label="TTFT" value={fmtMs(s.ttftMs)} hint="Run start → first planner token" testId="metric-ttft" />
        <Stat label="Critical path" value={fmtMs(s.criticalPathMs)} hint="Σ rounds' measured critical paths (had every lane started when ready)" testId="metric-critical-path" />
        <Stat label="Overhead" value={fmtMs(s.overheadMs)} hint="Wall time − critical path: queueing and orchestration" />
        {b && (
          <>
            <Stat label="Baseline tokens" value={`${b.live ? "≈" : ""}${fmtTokens(b.tokens)}`} testId="metric-baseline-tokens" />
            <Stat label="Baseline wall" value={fmtMs(b.wallMs)} testId="metric-baseline-wall" />
            <Stat label="Baseline TTFT" value={fmtMs(b.ttftMs)} />
          </>
        )}
        {s.generatedTokens !== null && <Stat label="Generated" value={fmtTokens(s.generatedTokens)} hint="Every completion token, discarded attempts included" testId="metric-generated" />}
        {s.retries !== null && <Stat label="Retries" value={s.retries} hint="Engine-level HTTP retries and orchestrator re-runs (see Faults)" testId="metric-retries" />}
      </dl>
      {s.tokenSources && (
        <p className="mt-3 text-xs text-zinc-500" data-testid="token-sources">
          Token counts: sequential and total from {sourceLabel(s.tokenSources.total, s.tokenSources.tokenizer)}, generated from{" "}
          {sourceLabel(s.tokenSources.generated, s.tokenSources.tokenizer)}; plans split into chunks with the {s.tokenSources.tokenizer} tokenizer.
        </p>
      )}
      {s.adherence && (
        <p className="mt-3 text-xs text-zinc-600" data-testid="adherence">
          Format adherence: {Math.round(s.adherence.rate * 100)}% of {s.adherence.outputs} outputs needed no repair
          {Object.keys(s.adherence.byCode).length > 0 ? ` (${Object.entries(s.adherence.byCode).map(([k, v]) => `${k} ×${v}`).join(", ")})` : ""}.
        </p>
      )}
    </section>
  );
});

/** The question, rendered once per text (not on every event batch). */
const QuestionBox = memo(function QuestionBox({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const long = text.length > 400;
  return (
    <>
      <div className={`rounded-lg border border-zinc-200 bg-white px-4 py-3 text-sm ${long && !open ? "max-h-40 overflow-hidden" : ""}`} data-testid="run-question">
        <Markdown text={text} />
      </div>
      {long && (
        <button type="button" className="text-xs text-brand-600 hover:underline" onClick={() => setOpen((o) => !o)}>
          {open ? "Show less" : "Show the whole question"}
        </button>
      )}
    </>
  );
});

export function RunHeader({ run, children }: { run: RunInfo; children?: ReactNode }) {
  return (
    <header className="space-y-2" data-testid="run-header">
      <div className="flex flex-wrap items-center gap-2 text-xs text-zinc-500">
        <RunStatusBadge status={run.status} />
        <span>{run.mode === "sprint" ? `SPRINT · ${run.schedule ?? "round-sync"}` : "sequential"}</span>
        {run.endpoint && (
          <span>
            · {run.endpoint.name} <span className="font-mono">({run.endpoint.model})</span>
          </span>
        )}
        {run.createdBy && <span>· by {run.createdBy}</span>}
        <span>· {new Date(run.createdAt).toLocaleString()}</span>
        {children && <span className="ml-auto flex flex-wrap items-center gap-2">{children}</span>}
      </div>
      <QuestionBox text={run.question} />
      {run.error && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700">
          {run.error}
        </p>
      )}
    </header>
  );
}

/** Timeline + baseline (same scale) + metrics + final answer. */
export function RunReport({ run, model, baseline, timelineActions }: { run: RunInfo; model: TimelineModel; baseline?: { run: RunInfo; model: TimelineModel } | null; timelineActions?: ReactNode }) {
  const [axis, setAxis] = useState<Axis>("wall");
  const nowT = useLiveNow(model);
  const baseNow = useLiveNow(baseline?.model ?? model, Boolean(baseline));
  const domain = useMemo(() => {
    const own = timelineDomain(model, nowT);
    if (!baseline) return own;
    const b = timelineDomain(baseline.model, baseNow);
    return { wall: Math.max(own.wall, b.wall), tokens: Math.max(own.tokens, b.tokens) };
  }, [model, nowT, baseline, baseNow]);

  if (run.mode === "sequential") {
    // A baseline opened on its own: its single lane.
    const d = axis === "wall" ? timelineDomain(model, nowT).wall : Math.max(1, tokenLayout(model).total);
    return (
      <div className="space-y-4">
        <BaselineLane model={model} axis={axis} domain={d} nowT={nowT} />
        <FaultsPanel model={model} />
        <FinalAnswerBox model={model} />
        {model.sequential?.text && (
          <details className="card p-4 text-sm">
            <summary className="cursor-pointer font-medium">Output</summary>
            <Markdown text={model.sequential.text} />
          </details>
        )}
      </div>
    );
  }
  return (
    <div className="space-y-5">
      <section className="space-y-2">
        <Timeline model={model} axis={axis} onAxisChange={setAxis} minDomain={domain} nowT={nowT} actions={timelineActions} hideFinalAnswer />
        {baseline && (
          <div className="space-y-1">
            <div className="flex items-center justify-between text-xs text-zinc-500">
              <span className="font-medium text-zinc-700">Sequential baseline (same scale)</span>
              <span>
                <RunStatusBadge status={baseline.run.status} />
                {baseline.model.boxed !== null && (
                  <span className="ml-2" data-testid="baseline-answer">
                    answer: <code>{baseline.model.boxed}</code>
                  </span>
                )}
              </span>
            </div>
            <BaselineLane model={baseline.model} axis={axis} domain={axis === "wall" ? domain.wall : domain.tokens} nowT={baseNow} />
          </div>
        )}
      </section>
      <div className="grid gap-5 lg:grid-cols-2">
        <MetricsPanel metrics={run.metrics} model={model} baseline={baseline ? { metrics: baseline.run.metrics, model: baseline.model } : null} />
        <div className="space-y-3">
          <FaultsPanel model={model} />
          {baseline && <FaultsPanel model={baseline.model} />}
          <FinalAnswerBox model={model} />
          {!model.finalAnswer && !model.boxed && !isRunning(model) && model.eventCount > 0 && <p className="text-sm text-zinc-500">No final answer.</p>}
          {!model.finalAnswer && !model.boxed && run.finalAnswer && (
            <div className="rounded-lg border border-emerald-200 bg-emerald-50 p-4 text-sm" data-testid="final-answer">
              <Markdown text={run.finalAnswer} />
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
