"use client";
/** Stage timeline: per round, the plan bar then its parallel execution lanes; bar length = tokens. */
import { stageColor } from "./colors";

export interface TimelineRound {
  index: number;
  planTokens: number;
  lanes: { index: number; planPrefixTokens: number; executionTokens: number }[];
}

export function StageTimeline({ rounds }: { rounds: TimelineRound[] }) {
  const roundSpan = (r: TimelineRound) => Math.max(r.planTokens, ...r.lanes.map((l) => l.planPrefixTokens + l.executionTokens));
  const total = rounds.reduce((n, r) => n + roundSpan(r), 0) || 1;
  let offset = 0;
  return (
    <div className="space-y-2" data-testid="stage-timeline">
      {rounds.map((r) => {
        const start = offset;
        offset += roundSpan(r);
        const left = (start / total) * 100;
        return (
          <div key={r.index} className="text-xs" data-testid="timeline-round">
            <div className="mb-0.5 text-zinc-500">Round {r.index} · {r.lanes.length} parallel {r.lanes.length === 1 ? "lane" : "lanes"} · {roundSpan(r)} sequential tokens</div>
            <div className="relative h-3 rounded bg-zinc-100">
              <div className="absolute h-3 rounded" title={`Plan ${r.index}: ${r.planTokens} tokens`} style={{ left: `${left}%`, width: `${(r.planTokens / total) * 100}%`, background: stageColor(r.index, 0.45) }} />
            </div>
            {r.lanes.map((l) => (
              <div key={l.index} className="relative mt-0.5 h-2.5 rounded bg-zinc-50">
                <div
                  className="absolute h-2.5 rounded"
                  title={`execution_${r.index}.${l.index}: ${l.executionTokens} tokens (starts after ${l.planPrefixTokens} plan tokens)`}
                  style={{ left: `${((start + l.planPrefixTokens) / total) * 100}%`, width: `${Math.max(0.3, (l.executionTokens / total) * 100)}%`, background: stageColor(r.index, 0.9) }}
                />
              </div>
            ))}
          </div>
        );
      })}
    </div>
  );
}
