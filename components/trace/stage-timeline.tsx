"use client";
/**
 * Stage timeline of a curated trace, drawn like the playground's run timeline: per round, the plan bar then its
 * parallel execution lanes (labelled "plan 1", "exec 1.2"), on a token axis with ticks, and a legend.
 * Bar length = tokens; a lane starts after the plan tokens that precede its prompt.
 */
import { fmtTokens } from "@/components/playground/timeline";
import { stageColor } from "./colors";

export interface TimelineRound {
  index: number;
  planTokens: number;
  lanes: { index: number; planPrefixTokens: number; executionTokens: number }[];
}

const PLAN_COLOR = "var(--color-brand-600)";

export function StageTimeline({ rounds }: { rounds: TimelineRound[] }) {
  const roundSpan = (r: TimelineRound) => Math.max(r.planTokens, ...r.lanes.map((l) => l.planPrefixTokens + l.executionTokens));
  const total = rounds.reduce((n, r) => n + roundSpan(r), 0) || 1;
  const pct = (x: number) => `${(x / total) * 100}%`;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(f * total));
  let offset = 0;
  return (
    <div className="min-w-0 space-y-2 text-xs" data-testid="stage-timeline">
      <div className="flex flex-wrap items-center gap-3 text-zinc-500" data-testid="stage-timeline-legend">
        <span className="inline-flex items-center gap-1">
          <span className="inline-block h-2.5 w-4 rounded-sm" style={{ background: PLAN_COLOR }} /> plan
        </span>
        <span className="inline-flex items-center gap-1">
          {rounds.slice(0, 12).map((r) => (
            <span key={r.index} className="inline-block h-2.5 w-2.5 rounded-sm" style={{ background: stageColor(r.index, 0.85) }} title={`executions of round ${r.index}`} />
          ))}
          executions{rounds.length > 1 ? " (one colour per round)" : ""}
        </span>
      </div>
      <div className="overflow-hidden">
        {rounds.map((r) => {
          const start = offset;
          offset += roundSpan(r);
          return (
            <div key={r.index} className="border-b border-zinc-100 py-1 last:border-b-0" data-testid="timeline-round">
              <div className="mb-0.5 flex flex-wrap gap-x-2 pl-20 text-[11px] text-zinc-500">
                <span className="font-medium text-zinc-700">Round {r.index}</span>
                <span>
                  {r.lanes.length} parallel {r.lanes.length === 1 ? "lane" : "lanes"} · {fmtTokens(roundSpan(r))} sequential tokens
                </span>
              </div>
              <Row label={`plan ${r.index}`} left={pct(start)} width={pct(r.planTokens)} color={PLAN_COLOR} title={`Plan ${r.index}: ${r.planTokens} tokens`} tall />
              {r.lanes.map((l) => (
                <Row
                  key={l.index}
                  label={`exec ${r.index}.${l.index}`}
                  left={pct(start + l.planPrefixTokens)}
                  width={pct(l.executionTokens)}
                  color={stageColor(r.index, 0.85)}
                  title={`execution ${r.index}.${l.index}: ${l.executionTokens} tokens (starts after ${l.planPrefixTokens} plan tokens)`}
                />
              ))}
            </div>
          );
        })}
      </div>
      <div className="relative ml-20 h-8 border-t border-zinc-200 text-[10px] text-zinc-400" data-testid="stage-timeline-axis">
        {ticks.map((t, i) => (
          <span key={i} className="absolute top-0.5 whitespace-nowrap" style={{ left: pct(t), transform: i === 0 ? undefined : i === ticks.length - 1 ? "translateX(-100%)" : "translateX(-50%)" }}>
            {fmtTokens(t)} tokens
          </span>
        ))}
        <span className="absolute bottom-0 left-1/2 -translate-x-1/2 text-zinc-500">tokens (sequential position)</span>
      </div>
    </div>
  );
}

function Row({ label, left, width, color, title, tall }: { label: string; left: string; width: string; color: string; title: string; tall?: boolean }) {
  return (
    <div className={`flex items-center ${tall ? "h-4" : "h-3"} mt-0.5`}>
      <div className="w-20 shrink-0 truncate pr-2 text-right font-mono text-[10px] text-zinc-500">{label}</div>
      <div className="relative h-full min-w-0 flex-1 rounded-sm bg-zinc-50">
        <div className="absolute top-0 h-full rounded-sm" title={title} aria-label={title} style={{ left, width: `max(3px, ${width})`, background: color }} />
      </div>
    </div>
  );
}
