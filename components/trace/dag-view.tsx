"use client";
/** The step DAG as an SVG: one column per stage, edges from parents to children; hover highlights a step. */
import { stageColor } from "./colors";

export interface DagStep {
  id: number;
  description?: string;
  prompt?: string;
  execution?: string;
}

export function DagView({
  steps,
  dag,
  stageOf,
  highlight,
  onHover,
}: {
  steps: DagStep[];
  dag: Record<string, number[]>;
  stageOf: Record<string, number>;
  highlight?: number | null;
  onHover?: (id: number | null) => void;
}) {
  const stages = new Map<number, DagStep[]>();
  for (const s of steps) {
    const st = stageOf[s.id] ?? 1;
    stages.set(st, [...(stages.get(st) ?? []), s]);
  }
  const cols = [...stages.keys()].sort((a, b) => a - b);
  const colW = 120;
  const rowH = 46;
  const maxRows = Math.max(1, ...[...stages.values()].map((v) => v.length));
  const pos = new Map<number, { x: number; y: number }>();
  cols.forEach((st, ci) => stages.get(st)!.forEach((s, ri) => pos.set(s.id, { x: 20 + ci * colW, y: 24 + ri * rowH })));
  const width = 40 + Math.max(1, cols.length) * colW;
  const height = 40 + maxRows * rowH;
  const edges = Object.entries(dag).flatMap(([child, parents]) => parents.map((p) => ({ from: p, to: Number(child) })));
  return (
    <svg viewBox={`0 0 ${width} ${height}`} className="w-full" style={{ maxWidth: width * 1.2 }} role="img" aria-label={`Step DAG: ${steps.length} steps, ${edges.length} edges, ${cols.length} stages`} data-testid="dag-view">
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#a1a1aa" />
        </marker>
      </defs>
      {cols.map((st, ci) => (
        <text key={st} x={20 + ci * colW} y={12} fontSize="10" fill="#71717a">Stage {st}</text>
      ))}
      {edges.map((e) => {
        const a = pos.get(e.from);
        const b = pos.get(e.to);
        if (!a || !b) return null;
        const on = highlight === e.from || highlight === e.to;
        const x1 = a.x + 84;
        const y1 = a.y + 14;
        const x2 = b.x;
        const y2 = b.y + 14;
        const mx = (x1 + x2) / 2;
        return (
          <path
            key={`${e.from}-${e.to}`}
            d={x2 > x1 ? `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}` : `M${a.x + 42},${a.y + 28} L${b.x + 42},${b.y}`}
            fill="none"
            stroke={on ? "#2f6fed" : "#d4d4d8"}
            strokeWidth={on ? 2 : 1.2}
            markerEnd="url(#arrow)"
            data-testid="dag-edge"
          />
        );
      })}
      {steps.map((s) => {
        const p = pos.get(s.id)!;
        const planOnly = !s.execution;
        return (
          <g key={s.id} onMouseEnter={() => onHover?.(s.id)} onMouseLeave={() => onHover?.(null)} data-testid="dag-node">
            <title>{`Step ${s.id}${planOnly ? " (plan-only)" : ""}: ${s.description ?? s.prompt ?? ""}`}</title>
            <rect
              x={p.x}
              y={p.y}
              width={84}
              height={28}
              rx={6}
              fill={stageColor(stageOf[s.id] ?? 1, 0.18)}
              stroke={highlight === s.id ? "#2f6fed" : stageColor(stageOf[s.id] ?? 1, 0.9)}
              strokeWidth={highlight === s.id ? 2 : 1}
              strokeDasharray={planOnly ? "4 3" : undefined}
            />
            <text x={p.x + 42} y={p.y + 18} textAnchor="middle" fontSize="11" fill="#18181b">
              {s.id}{planOnly ? " · plan" : ""}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
