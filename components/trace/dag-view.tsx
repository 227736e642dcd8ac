"use client";
/**
 * The step DAG as an SVG: one column per stage, edges from parents to children, hover highlights a
 * step (the trace page and the review editor). Edges can be clickable: in the editor's edit mode a click
 * removes the edge, in its read mode it opens a comment on it. Edges with issues are drawn red (error) or amber (warning). When stages
 * are undefined (a cycle …) columns fall back to depth along earlier parents.
 */
import { memo, type KeyboardEvent } from "react";
import { stageColor } from "./colors";
import { isPlanOnly, type Step } from "@/server/sprint/steps";

export interface DagCanvasProps {
  steps: readonly Step[];
  dag: Readonly<Record<number, readonly number[]>>;
  stageOf: Readonly<Record<number, number>> | null;
  highlight?: number | null;
  onHover?: (id: number | null) => void;
  /** Edge click; `edgeActionLabel` names what it does ("Remove", "Comment on"). */
  onEdgeClick?: (parent: number, child: number) => void;
  edgeActionLabel?: string;
  /** "parent-child" → severity, for colouring. */
  edgeIssues?: ReadonlyMap<string, "error" | "warning">;
  /** "parent-child" → count, drawn as a small badge (comments). */
  edgeBadges?: Readonly<Record<string, number>>;
}

function fallbackColumns(steps: readonly Step[], dag: DagCanvasProps["dag"]): Record<number, number> {
  const pos = new Map(steps.map((s, i) => [s.id, i]));
  const col: Record<number, number> = {};
  for (const s of steps) {
    let c = 1;
    for (const p of dag[s.id] ?? []) {
      if ((pos.get(p) ?? Infinity) < (pos.get(s.id) ?? 0) && col[p] !== undefined) c = Math.max(c, col[p] + 1);
    }
    col[s.id] = c;
  }
  return col;
}

function DagCanvasImpl({ steps, dag, stageOf, highlight, onHover, onEdgeClick, edgeActionLabel = "Select", edgeIssues, edgeBadges }: DagCanvasProps) {
  const cols = stageOf ?? fallbackColumns(steps, dag);
  const byCol = new Map<number, Step[]>();
  for (const s of steps) {
    const c = cols[s.id] ?? 1;
    byCol.set(c, [...(byCol.get(c) ?? []), s]);
  }
  const colKeys = [...byCol.keys()].sort((a, b) => a - b);
  const colW = 120;
  const rowH = 46;
  const maxRows = Math.max(1, ...[...byCol.values()].map((v) => v.length));
  const pos = new Map<number, { x: number; y: number }>();
  colKeys.forEach((c, ci) => byCol.get(c)!.forEach((s, ri) => pos.set(s.id, { x: 20 + ci * colW, y: 40 + ri * rowH })));
  const width = 40 + Math.max(1, colKeys.length) * colW;
  const height = 56 + maxRows * rowH;
  const edges: { parent: number; child: number }[] = [];
  for (const s of steps) for (const p of new Set(dag[s.id] ?? [])) edges.push({ parent: p, child: s.id });
  // Long edges first, so that short ones are drawn (and clickable) on top.
  const span = (e: { parent: number; child: number }) => Math.abs((pos.get(e.child)?.x ?? 0) - (pos.get(e.parent)?.x ?? 0));
  edges.sort((a, b) => span(b) - span(a));
  const planOnly = new Set(steps.filter(isPlanOnly).map((s) => s.id));

  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      className="w-full"
      style={{ maxWidth: width * 1.2 }}
      role="group"
      aria-label={`Step DAG: ${steps.length} steps, ${edges.length} edges${stageOf ? `, ${colKeys.length} stages` : " (stages undefined)"}`}
      data-testid="dag-view"
    >
      <defs>
        <marker id="dag-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#a1a1aa" />
        </marker>
      </defs>
      {colKeys.map((c, ci) => (
        <text key={c} x={20 + ci * colW} y={12} fontSize="10" fill="#71717a">
          {stageOf ? `Stage ${c}` : `Depth ${c}`}
        </text>
      ))}
      {edges.map((e) => {
        const a = pos.get(e.parent);
        const b = pos.get(e.child);
        if (!a || !b) return null;
        const key = `${e.parent}-${e.child}`;
        const sev = edgeIssues?.get(key);
        const on = highlight === e.parent || highlight === e.child;
        // Cubic Bézier from parent to child: the usual S-curve between columns; an edge that skips
        // columns on the same row arcs above the nodes in between; an edge within one column (a
        // plan-only parent) curves on the right of the nodes.
        let p0: [number, number];
        let c1: [number, number];
        let c2: [number, number];
        let p3: [number, number];
        if (b.x > a.x) {
          const x1 = a.x + 84;
          const x2 = b.x;
          const bow = x2 - x1 > colW && Math.abs(b.y - a.y) < 1 ? Math.min(16, 6 + ((x2 - x1) / colW) * 4) : 0;
          if (bow > 0) {
            p0 = [x1, a.y + 8];
            c1 = [x1 + 30, a.y + 8 - bow * 1.6];
            c2 = [x2 - 30, b.y + 8 - bow * 1.6];
            p3 = [x2, b.y + 8];
          } else {
            const mx = (x1 + x2) / 2;
            p0 = [x1, a.y + 14];
            c1 = [mx, a.y + 14];
            c2 = [mx, b.y + 14];
            p3 = [x2, b.y + 14];
          }
        } else {
          p0 = [a.x + 84, a.y + 14];
          c1 = [a.x + 112, a.y + 14];
          c2 = [b.x + 112, b.y + 14];
          p3 = [b.x + 84, b.y + 14];
        }
        const d = `M${p0[0]},${p0[1]} C${c1[0]},${c1[1]} ${c2[0]},${c2[1]} ${p3[0]},${p3[1]}`;
        // The curve's midpoint (t = ½): a handle for clicking and for the comment badge.
        const mid: [number, number] = [(p0[0] + 3 * c1[0] + 3 * c2[0] + p3[0]) / 8, (p0[1] + 3 * c1[1] + 3 * c2[1] + p3[1]) / 8];
        const stroke = sev === "error" ? "#dc2626" : sev === "warning" ? "#d97706" : on ? "#2f6fed" : "#d4d4d8";
        const badge = edgeBadges?.[key];
        const label = `${edgeActionLabel} edge ${e.parent} → ${e.child}`;
        return (
          <g
            key={key}
            data-testid={`dag-edge-${key}`}
            {...(onEdgeClick
              ? {
                  role: "button",
                  tabIndex: 0,
                  "aria-label": label,
                  onClick: () => onEdgeClick(e.parent, e.child),
                  onKeyDown: (ev: KeyboardEvent) => {
                    if (ev.key === "Enter" || ev.key === " ") {
                      ev.preventDefault();
                      onEdgeClick(e.parent, e.child);
                    }
                  },
                  className: "cursor-pointer [&:hover>path.vis]:stroke-brand-600 focus:outline-none [&:focus>path.vis]:stroke-brand-600",
                }
              : {})}
          >
            {onEdgeClick && <title>{label}</title>}
            <path d={d} fill="none" stroke="transparent" strokeWidth={10} />
            {onEdgeClick && <circle cx={mid[0]} cy={mid[1]} r={5} fill="transparent" className="[g:hover>&]:fill-brand-600/30 [g:focus>&]:fill-brand-600/30" />}
            <path className="vis" d={d} fill="none" stroke={stroke} strokeWidth={on || sev ? 2 : 1.2} markerEnd="url(#dag-arrow)" data-testid="dag-edge" />
            {badge ? (
              <text x={mid[0]} y={mid[1] - 4} fontSize="9" fill="#2f6fed" textAnchor="middle">
                {`${badge} comment${badge === 1 ? "" : "s"}`}
              </text>
            ) : null}
          </g>
        );
      })}
      {steps.map((s) => {
        const p = pos.get(s.id)!;
        const st = stageOf?.[s.id] ?? 0;
        const po = planOnly.has(s.id);
        return (
          <g key={s.id} onMouseEnter={() => onHover?.(s.id)} onMouseLeave={() => onHover?.(null)} data-testid="dag-node">
            <title>{`Step ${s.id}${po ? " (plan-only)" : ""}: ${s.description ?? s.prompt ?? ""}`}</title>
            <rect
              x={p.x}
              y={p.y}
              width={84}
              height={28}
              rx={6}
              fill={st ? stageColor(st, 0.18) : "#f4f4f5"}
              stroke={highlight === s.id ? "#2f6fed" : st ? stageColor(st, 0.9) : "#a1a1aa"}
              strokeWidth={highlight === s.id ? 2 : 1}
              strokeDasharray={po ? "4 3" : undefined}
            />
            <text x={p.x + 42} y={p.y + 18} textAnchor="middle" fontSize="11" fill="#18181b">
              Step {s.id}
              {po ? " · plan" : ""}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export const DagCanvas = memo(DagCanvasImpl);
