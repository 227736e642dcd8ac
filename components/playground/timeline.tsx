"use client";
/**
 * The SPRINT run timeline: one block per round (the planner lane, then its executor lanes fanning out
 * from the plan and joining at the round's end), on a wall-time or token x-axis. Bars grow live.
 *
 * Smooth at 20 rounds × 16 lanes: the scale is one CSS variable on the container (`--k` = 100% ÷
 * domain), so a rescale re-renders nothing but the container; each round and lane is React.memo'd on
 * the reducer's copy-on-write objects (a lane object changes only when its events do) plus primitive
 * positions; hover and click are delegated to the container; off-screen rounds skip layout
 * (content-visibility). The clock that grows running bars ticks every 150 ms and only running lanes
 * read it.
 */
import { memo, useEffect, useMemo, useRef, useState, type CSSProperties, type ReactNode } from "react";
import { Markdown } from "@/components/markdown";
import { stageColor } from "@/components/trace/colors";
import { criticalPath, isRunning, tokenLayout, type TimelineLane, type TimelineModel, type TimelineRound } from "@/server/inference/orchestrator/timeline";

export type Axis = "wall" | "tokens";

// ---------------------------------------------------------------------------------------------
// Formatting helpers

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function fmtTokens(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  if (n < 1000) return String(Math.round(n));
  if (n < 100_000) return `${(n / 1000).toFixed(1)}k`;
  return `${Math.round(n / 1000)}k`;
}

/** A round number ≥ x (1, 2, 2.5, 5 × 10^k), so the axis does not rescale on every tick. */
function niceCeil(x: number): number {
  if (x <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

// ---------------------------------------------------------------------------------------------
// Live clock

/** ms since the run started, extrapolated between events while the run is live (capped 3 s past the last event). */
export function useLiveNow(model: TimelineModel, enabled = true): number {
  const running = enabled && isRunning(model) && model.status !== "idle";
  const anchor = useRef({ t: model.lastT, at: 0 });
  const [now, setNow] = useState(model.lastT);
  useEffect(() => {
    anchor.current = { t: model.lastT, at: performance.now() };
  }, [model.lastT]);
  useEffect(() => {
    if (!running) return;
    const id = setInterval(() => {
      const a = anchor.current;
      setNow(a.t + Math.min(3000, performance.now() - a.at));
    }, 150);
    return () => clearInterval(id);
  }, [running]);
  return running ? Math.max(now, model.lastT) : model.lastT;
}

// ---------------------------------------------------------------------------------------------
// Lanes

const STATUS_CLASS: Record<TimelineLane["status"], string> = {
  running: "animate-pulse",
  done: "",
  retrying: "opacity-60 [background-image:repeating-linear-gradient(45deg,transparent_0_4px,rgba(255,255,255,.6)_4px_8px)]",
  cancelled: "opacity-40 [background-image:repeating-linear-gradient(45deg,transparent_0_3px,rgba(0,0,0,.25)_3px_5px)]",
  failed: "!bg-red-500",
  // Never finished: a dashed red outline over the fragment.
  incomplete: "outline-2 outline-dashed outline-red-500 outline-offset-[-2px]",
};

function laneColor(l: TimelineLane): string {
  if (l.role === "planner") return "var(--color-brand-600)";
  if (l.role === "sequential") return "#71717a";
  return stageColor(l.round, 0.85);
}

function laneLabel(l: TimelineLane): string {
  if (l.role === "planner") return `plan ${l.round}`;
  if (l.role === "sequential") return "sequential";
  return `exec ${l.round}.${l.lane}`;
}

function testIdOf(l: TimelineLane): string {
  return l.role === "sequential" ? "lane-seq" : `lane-${l.round}-${l.lane}`;
}

interface LaneRowProps {
  lane: TimelineLane;
  start: number;
  end: number;
  critical: boolean;
  planner?: boolean;
}

const LaneRow = memo(function LaneRow({ lane, start, end, critical, planner }: LaneRowProps) {
  const barStyle: CSSProperties = {
    left: `calc(var(--k) * ${start})`,
    width: `max(3px, calc(var(--k) * ${Math.max(0, end - start)}))`,
    background: laneColor(lane),
  };
  return (
    <div className={`flex items-center ${planner ? "h-4" : "h-3"}`}>
      <div className="w-20 shrink-0 truncate pr-2 text-right font-mono text-[10px] text-zinc-500">{laneLabel(lane)}</div>
      <div className="relative h-full flex-1">
        <button
          type="button"
          data-lane={lane.key}
          data-testid={testIdOf(lane)}
          data-status={lane.status}
          data-critical={critical ? "true" : undefined}
          aria-label={`${laneLabel(lane)}: ${lane.status}, ${lane.tokens} tokens`}
          className={`absolute top-0 h-full cursor-pointer rounded-sm transition-[width] duration-150 ease-linear ${STATUS_CLASS[lane.status]} ${critical ? "outline-2 outline-offset-1 outline-amber-500" : ""}`}
          style={barStyle}
        />
      </div>
    </div>
  );
});

// ---------------------------------------------------------------------------------------------
// Rounds

interface Positions {
  /** Lane key → [start, end] on the current axis. */
  span: (l: TimelineLane) => [number, number];
  /** Fan-out x (executors become ready), join x (round end). */
  fan: number | null;
  join: number | null;
}

interface RoundBlockProps {
  round: TimelineRound;
  axis: Axis;
  /** Only for live rounds (0 otherwise), so finished rounds do not re-render on ticks. */
  nowT: number;
  /** Token-axis spans of this round's lanes, flattened [key, start, end, …] for cheap equality. */
  tokenSpans: string;
  critical: string;
}

function positions(round: TimelineRound, axis: Axis, nowT: number, tokenSpans: string): Positions {
  if (axis === "tokens") {
    const parts = tokenSpans.split("|");
    const map = new Map<string, [number, number]>();
    for (const p of parts) {
      const [k, s, e] = p.split(":");
      if (k) map.set(k, [Number(s), Number(e)]);
    }
    const pl = round.planner ? map.get(round.planner.key) : undefined;
    const ends = round.executors.filter((l) => l.status !== "cancelled").map((l) => map.get(l.key)?.[1] ?? 0);
    return {
      span: (l) => map.get(l.key) ?? [0, 0],
      fan: round.executors.length > 0 && pl ? Math.min(...round.executors.map((l) => map.get(l.key)?.[0] ?? pl[1])) : null,
      join: ends.length > 0 ? Math.max(pl?.[1] ?? 0, ...ends) : null,
    };
  }
  const endOf = (l: TimelineLane) => l.endT ?? Math.max(nowT, l.startT);
  const p = round.planner;
  return {
    span: (l) => [l.startT, endOf(l)],
    fan: round.executors.length > 0 ? Math.min(...round.executors.map((l) => l.startT)) : null,
    join: round.executors.length > 0 && round.endT !== null ? Math.max(round.endT, p?.endT ?? 0) : null,
  };
}

const RoundBlock = memo(function RoundBlock({ round, axis, nowT, tokenSpans, critical }: RoundBlockProps) {
  const pos = positions(round, axis, nowT, tokenSpans);
  const crit = new Set(critical.split(","));
  const lanes = round.executors;
  const running = lanes.filter((l) => l.status === "running" || l.status === "retrying").length;
  return (
    <section
      className="border-b border-zinc-100 py-1.5 [contain-intrinsic-size:auto_120px] [content-visibility:auto] last:border-b-0"
      data-testid={`round-${round.round}`}
      data-finished={round.finished ? "true" : "false"}
    >
      <div className="mb-0.5 flex gap-2 pl-20 text-[11px] text-zinc-500">
        <span className="font-medium text-zinc-700">Round {round.round}</span>
        {round.forced && <span className="rounded bg-amber-100 px-1 text-amber-800">forced answer</span>}
        <span>
          {lanes.length} {lanes.length === 1 ? "lane" : "lanes"}
          {running > 0 ? ` · ${running} running` : ""}
        </span>
        {round.criticalPathMs !== null && <span>· critical path {fmtMs(round.criticalPathMs)}</span>}
      </div>
      <div className="relative space-y-0.5">
        {round.planner && <LaneRow lane={round.planner} start={pos.span(round.planner)[0]} end={pos.span(round.planner)[1]} critical={crit.has(round.planner.key)} planner />}
        {lanes.map((l) => {
          const [s, e] = pos.span(l);
          return <LaneRow key={l.key} lane={l} start={s} end={e} critical={crit.has(l.key)} />;
        })}
        {lanes.length > 0 && (
          <div className="pointer-events-none absolute inset-y-0 right-0 left-20" aria-hidden>
            {pos.fan !== null && <div className="absolute top-2 bottom-0 w-px bg-zinc-400/70" style={{ left: `calc(var(--k) * ${pos.fan})` }} />}
            {pos.join !== null && <div className="absolute top-2 bottom-0 w-px bg-zinc-400/70" style={{ left: `calc(var(--k) * ${pos.join})` }} />}
          </div>
        )}
      </div>
    </section>
  );
});

// ---------------------------------------------------------------------------------------------
// Axis

function AxisTicks({ domain, axis }: { domain: number; axis: Axis }) {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * domain);
  return (
    <div className="relative ml-20 h-4 border-t border-zinc-200 text-[10px] text-zinc-400">
      {ticks.map((t, i) => (
        <span key={i} className="absolute top-0.5" style={{ left: `${(t / domain) * 100}%`, transform: i === 0 ? undefined : i === ticks.length - 1 ? "translateX(-100%)" : "translateX(-50%)" }}>
          {axis === "wall" ? fmtMs(t) : `${fmtTokens(t)} tok`}
        </span>
      ))}
    </div>
  );
}

export function AxisToggle({ axis, onChange }: { axis: Axis; onChange: (a: Axis) => void }) {
  return (
    <div className="inline-flex overflow-hidden rounded-md border border-zinc-300 text-xs" role="group" aria-label="x-axis" data-testid="axis-toggle">
      {(["wall", "tokens"] as const).map((a) => (
        <button
          key={a}
          type="button"
          aria-pressed={axis === a}
          className={`px-2 py-1 ${axis === a ? "bg-zinc-800 text-white" : "bg-white text-zinc-700 hover:bg-zinc-100"}`}
          onClick={() => onChange(a)}
        >
          {a === "wall" ? "Wall time" : "Tokens"}
        </button>
      ))}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Tooltip and detail

function excerpt(l: TimelineLane, max = 480): string {
  const t = l.text.trim();
  if (t.length <= max) return t;
  return l.status === "running" ? `…${t.slice(-max)}` : `${t.slice(0, max)}…`;
}

function findLane(model: TimelineModel, key: string): TimelineLane | null {
  if (model.sequential?.key === key) return model.sequential;
  const [r, l] = key.split(".").map(Number);
  const round = model.rounds.find((x) => x.round === r);
  if (!round) return null;
  return l === 0 ? round.planner : (round.executors.find((x) => x.lane === l) ?? null);
}

function Tooltip({ lane, x, y }: { lane: TimelineLane; x: number; y: number }) {
  const style: CSSProperties = { left: Math.min(x + 14, (typeof window !== "undefined" ? window.innerWidth : 1200) - 400), top: y + 14 };
  return (
    <div className="pointer-events-none fixed z-50 w-96 rounded-md border border-zinc-200 bg-white p-2 text-xs shadow-lg" style={style} role="tooltip" data-testid="lane-tooltip">
      <div className="mb-1 font-medium text-zinc-800">
        {laneLabel(lane)} · {lane.status} · {lane.tokensExact ? "" : "≈"}
        {lane.tokens} tokens{lane.attempts > 1 ? ` · attempt ${lane.attempts}` : ""}
      </div>
      {lane.prompt && <div className="mb-1 line-clamp-2 text-zinc-500">Prompt: {lane.prompt}</div>}
      <div className="max-h-48 overflow-hidden font-mono whitespace-pre-wrap text-zinc-700">{excerpt(lane) || <span className="text-zinc-400">(no text yet)</span>}</div>
    </div>
  );
}

/** The full text of a lane (Markdown + KaTeX), in a modal dialog. */
export function LaneDetail({ lane, onClose }: { lane: TimelineLane; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className="m-auto w-full max-w-3xl rounded-lg p-0 shadow-xl backdrop:bg-black/30"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        if (e.target === ref.current) onClose();
      }}
      data-testid="lane-detail"
    >
      <div className="flex items-start justify-between gap-4 border-b border-zinc-200 px-5 py-3">
        <div>
          <h2 className="text-base font-semibold">
            {lane.role === "planner" ? `Plan ${lane.round}` : lane.role === "sequential" ? "Sequential baseline" : `Execution ${lane.round}.${lane.lane}`}
          </h2>
          <p className="text-xs text-zinc-500">
            {lane.status} · {lane.tokensExact ? "" : "≈"}
            {lane.tokens} tokens · {fmtMs(lane.startT)} → {lane.endT !== null ? fmtMs(lane.endT) : "…"}
            {lane.endT !== null ? ` (${fmtMs(lane.endT - lane.startT)})` : ""}
            {lane.firstTokenT !== null ? ` · first token at ${fmtMs(lane.firstTokenT)}` : ""}
            {lane.attempts > 1 ? ` · ${lane.attempts} attempts` : ""}
            {lane.finishReason ? ` · finish: ${lane.finishReason}` : ""}
          </p>
        </div>
        <button type="button" className="btn-secondary" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
      <div className="max-h-[70vh] space-y-3 overflow-y-auto px-5 py-4 text-sm">
        {lane.prompt && (
          <div className="rounded-md bg-zinc-50 p-3">
            <div className="mb-1 text-xs font-medium text-zinc-500">Prompt</div>
            <Markdown text={lane.prompt} />
          </div>
        )}
        {lane.text ? <Markdown text={lane.text} /> : <p className="text-zinc-400">(no text yet)</p>}
        {lane.notes.length > 0 && (
          <ul className="list-disc pl-5 text-xs text-zinc-500">
            {lane.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        )}
      </div>
    </dialog>
  );
}

// ---------------------------------------------------------------------------------------------
// Final answer

export const FinalAnswerBox = memo(function FinalAnswerBox({ model }: { model: TimelineModel }) {
  if (!model.finalAnswer && !model.boxed) return null;
  return (
    <div className="rounded-lg border border-emerald-200 bg-emerald-50 p-4" data-testid="final-answer">
      <div className="mb-1 flex items-center justify-between gap-3">
        <h3 className="text-sm font-semibold text-emerald-900">Final answer{model.finalAnswer?.forced ? " (forced)" : ""}</h3>
        {model.boxed !== null && (
          <span className="rounded-md border border-emerald-300 bg-white px-2 py-0.5 text-sm" data-testid="boxed-answer" data-value={model.boxed}>
            <Markdown text={`$\\boxed{${model.boxed}}$`} className="[&_p]:my-0" />
          </span>
        )}
      </div>
      {model.finalAnswer && <Markdown text={model.finalAnswer.text} className="text-sm text-zinc-800" />}
    </div>
  );
});

// ---------------------------------------------------------------------------------------------
// The timeline

export interface TimelineProps {
  model: TimelineModel;
  /** Controlled axis (else internal state). */
  axis?: Axis;
  onAxisChange?: (a: Axis) => void;
  /** Minimum domain of each axis (to share a scale with the baseline). */
  minDomain?: { wall?: number; tokens?: number };
  /** Extra controls at the right of the header. */
  actions?: ReactNode;
  /** Hide the final answer box (when the page shows it elsewhere). */
  hideFinalAnswer?: boolean;
  /** The live clock (ms since the run started), when the parent runs one; else the timeline runs its own. */
  nowT?: number;
}

/** The domain of each axis for a model (rounded up while live). */
export function timelineDomain(model: TimelineModel, nowT: number): { wall: number; tokens: number } {
  const live = isRunning(model);
  let wall = Math.max(model.wallMs ?? 0, nowT, model.lastT);
  for (const r of model.rounds) if (r.endT !== null) wall = Math.max(wall, r.endT);
  const tokens = tokenLayout(model).total;
  return {
    wall: live ? niceCeil(Math.max(1000, wall * 1.05)) : Math.max(1, wall),
    tokens: live ? niceCeil(Math.max(100, tokens * 1.05)) : Math.max(1, tokens),
  };
}

export function Timeline({ model, axis: axisProp, onAxisChange, minDomain, actions, hideFinalAnswer, nowT: nowProp }: TimelineProps) {
  const [axisState, setAxisState] = useState<Axis>("wall");
  const axis = axisProp ?? axisState;
  const setAxis = (a: Axis) => {
    setAxisState(a);
    onAxisChange?.(a);
  };
  const ownNow = useLiveNow(model, nowProp === undefined);
  const nowT = nowProp ?? ownNow;
  const [hover, setHover] = useState<{ key: string; x: number; y: number } | null>(null);
  const [selected, setSelected] = useState<string | null>(null);

  const critical = useMemo(() => criticalPath(model), [model]);
  const layout = useMemo(() => (axis === "tokens" ? tokenLayout(model) : null), [axis, model]);
  const own = timelineDomain(model, nowT);
  const domain = Math.max(axis === "wall" ? own.wall : own.tokens, (axis === "wall" ? minDomain?.wall : minDomain?.tokens) ?? 0, 1);

  const perRound = useMemo(
    () =>
      model.rounds.map((r) => {
        const keys = [r.planner?.key, ...r.executors.map((l) => l.key)].filter((k): k is string => Boolean(k));
        return {
          critical: keys.filter((k) => critical.has(k)).join(","),
          tokenSpans: layout
            ? keys
                .map((k) => {
                  const s = layout.lanes.get(k);
                  return s ? `${k}:${s.start}:${s.end}` : "";
                })
                .join("|")
            : "",
        };
      }),
    [model.rounds, critical, layout],
  );

  // Follow the newest round while live, unless the reader scrolled up.
  const scrollRef = useRef<HTMLDivElement>(null);
  const roundCount = model.rounds.length;
  const laneCount = model.rounds[roundCount - 1]?.executors.length ?? 0;
  const live = isRunning(model);
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || !live) return;
    if (el.scrollHeight - el.scrollTop - el.clientHeight < 320) el.scrollTop = el.scrollHeight;
  }, [roundCount, laneCount, live]);

  const hovered = hover ? findLane(model, hover.key) : null;
  const detail = selected ? findLane(model, selected) : null;
  const empty = model.rounds.length === 0;

  return (
    <div className="space-y-3" data-testid="timeline" data-status={model.status} data-axis={axis}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex items-center gap-3 text-xs text-zinc-500">
          <span className="inline-flex items-center gap-1">
            <span className="inline-block h-2.5 w-4 rounded-sm bg-brand-600" /> plan
          </span>
          <span className="inline-flex items-center gap-1">
            <span className="inline-block h-2.5 w-4 rounded-sm" style={{ background: stageColor(1, 0.85) }} /> executors
          </span>
          <span className="inline-flex items-center gap-1">
            <span className="inline-block h-2.5 w-4 rounded-sm bg-zinc-300 outline-2 outline-offset-1 outline-amber-500" /> critical path
          </span>
        </div>
        <div className="flex items-center gap-2">
          {actions}
          <AxisToggle axis={axis} onChange={setAxis} />
        </div>
      </div>
      <div
        ref={scrollRef}
        className="max-h-[70vh] overflow-y-auto rounded-md border border-zinc-200 bg-white px-2 py-1"
        style={{ "--k": `calc(100% / ${domain})` } as CSSProperties}
        onMouseOver={(e) => {
          const el = (e.target as HTMLElement).closest<HTMLElement>("[data-lane]");
          const key = el?.dataset.lane;
          if (key) setHover({ key, x: e.clientX, y: e.clientY });
          else if (hover) setHover(null);
        }}
        onMouseMove={(e) => {
          if (hover) setHover({ ...hover, x: e.clientX, y: e.clientY });
        }}
        onMouseLeave={() => setHover(null)}
        onClick={(e) => {
          const el = (e.target as HTMLElement).closest<HTMLElement>("[data-lane]");
          if (el?.dataset.lane) setSelected(el.dataset.lane);
        }}
      >
        {empty ? (
          <p className="px-2 py-6 text-center text-sm text-zinc-500">{isRunning(model) ? "Waiting for the planner…" : "No rounds."}</p>
        ) : (
          model.rounds.map((r, i) => {
            const live = r.endT === null || [r.planner, ...r.executors].some((l) => l !== null && l.endT === null);
            const pr = perRound[i] ?? { critical: "", tokenSpans: "" };
            return <RoundBlock key={r.round} round={r} axis={axis} nowT={live && axis === "wall" ? nowT : 0} tokenSpans={pr.tokenSpans} critical={pr.critical} />;
          })
        )}
        {!empty && <AxisTicks domain={domain} axis={axis} />}
      </div>
      {model.errors.length > 0 && (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700">
          {model.errors.slice(-3).map((m, i) => (
            <div key={i}>{m}</div>
          ))}
        </div>
      )}
      {!hideFinalAnswer && <FinalAnswerBox model={model} />}
      {hovered && hover && <Tooltip lane={hovered} x={hover.x} y={hover.y} />}
      {detail && <LaneDetail lane={detail} onClose={() => setSelected(null)} />}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Sequential baseline: its single lane on the same scale

export function BaselineLane({ model, axis, domain, nowT: nowProp }: { model: TimelineModel; axis: Axis; domain: number; nowT?: number }) {
  const ownNow = useLiveNow(model, nowProp === undefined);
  const nowT = nowProp ?? ownNow;
  const [open, setOpen] = useState(false);
  const lane = model.sequential;
  return (
    <div className="rounded-md border border-zinc-200 bg-white px-2 py-2" style={{ "--k": `calc(100% / ${Math.max(1, domain)})` } as CSSProperties} data-testid="baseline" data-status={model.status}>
      {lane ? (
        <div onClick={() => setOpen(true)}>
          <LaneRow lane={lane} start={axis === "wall" ? lane.startT : 0} end={axis === "wall" ? (lane.endT ?? Math.max(nowT, lane.startT)) : lane.tokens} critical={false} planner />
        </div>
      ) : (
        <p className="text-center text-xs text-zinc-500">{isRunning(model) ? "Waiting for the baseline…" : "No baseline output."}</p>
      )}
      <AxisTicks domain={Math.max(1, domain)} axis={axis} />
      {open && lane && <LaneDetail lane={lane} onClose={() => setOpen(false)} />}
    </div>
  );
}
