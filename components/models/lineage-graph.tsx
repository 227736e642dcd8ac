"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "../workspace-context";

const COLUMNS = ["dataset", "snapshot", "finetune", "checkpoint", "version", "evaluation"] as const;
const TITLES: Record<(typeof COLUMNS)[number], string> = { dataset: "Dataset", snapshot: "Snapshot", finetune: "Fine-tune", checkpoint: "Checkpoint", version: "Version", evaluation: "Evaluation" };
const W = 190;
const H = 54;
const GAP_X = 40;
const GAP_Y = 14;

/**
 * Lineage dataset → snapshot → fine-tune → checkpoint → version → evaluation as a left-to-right graph. Every node
 * links to its page, so the graph is navigable both ways (each page shows the same component around itself).
 */
export function LineageGraph({ kind, id }: { kind: "snapshot" | "finetune" | "version"; id: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const q = useQuery(trpc.models.lineage.queryOptions({ workspaceId: ws.id, kind, id }));
  if (q.error) return <p role="alert" className="text-sm text-red-600">{errorMessage(q.error)}</p>;
  if (!q.data) return <p className="text-sm text-zinc-500">Loading…</p>;
  const g = q.data;
  const cols = COLUMNS.map((c) => g.nodes.filter((n) => n.kind === c));
  const pos = new Map<string, { x: number; y: number }>();
  cols.forEach((nodes, ci) => nodes.forEach((n, ri) => pos.set(n.id, { x: ci * (W + GAP_X), y: 24 + ri * (H + GAP_Y) })));
  const height = 24 + Math.max(1, ...cols.map((c) => c.length)) * (H + GAP_Y);
  const width = COLUMNS.length * (W + GAP_X) - GAP_X;
  const href = (nodeId: string) => {
    const [k, rid] = [nodeId.slice(0, nodeId.indexOf(":")), nodeId.slice(nodeId.indexOf(":") + 1)];
    switch (k) {
      case "dataset":
        return `/w/${ws.slug}/studio/${rid}`;
      case "snapshot": {
        const ds = g.edges.find((e) => e.to === nodeId)?.from.split(":")[1];
        return ds ? `/w/${ws.slug}/studio/${ds}` : null;
      }
      case "finetune":
        return `/w/${ws.slug}/models/finetunes/${rid}`;
      case "checkpoint": {
        const job = g.edges.find((e) => e.to === nodeId)?.from.split(":")[1];
        return job ? `/w/${ws.slug}/models/finetunes/${job}` : null;
      }
      case "version":
        return `/w/${ws.slug}/models/versions/${rid}`;
      case "evaluation":
        return `/w/${ws.slug}/evaluations?run=${encodeURIComponent(rid)}`;
      default:
        return null;
    }
  };
  return (
    <div className="overflow-x-auto" data-testid="lineage-graph">
      <svg width={width} height={height} role="img" aria-label="Lineage graph">
        {COLUMNS.map((c, ci) => (
          <text key={c} x={ci * (W + GAP_X)} y={12} className="fill-zinc-500 text-[11px] font-semibold uppercase">
            {TITLES[c]}
          </text>
        ))}
        {g.edges.map((e) => {
          const a = pos.get(e.from);
          const b = pos.get(e.to);
          if (!a || !b) return null;
          const x1 = a.x + W;
          const y1 = a.y + H / 2;
          const x2 = b.x;
          const y2 = b.y + H / 2;
          return <path key={`${e.from}>${e.to}`} d={`M${x1},${y1} C${x1 + GAP_X / 2},${y1} ${x2 - GAP_X / 2},${y2} ${x2},${y2}`} fill="none" stroke="#a1a1aa" strokeWidth={1.5} />;
        })}
      </svg>
      <div className="relative" style={{ width, height, marginTop: -height }}>
        {g.nodes.map((n) => {
          const p = pos.get(n.id)!;
          const h = href(n.id);
          const focus = n.id === g.focus;
          const body = (
            <>
              <div className="truncate font-medium">{n.label}</div>
              {n.detail && <div className="truncate text-[11px] text-zinc-500">{n.detail}</div>}
            </>
          );
          const cls = `absolute block overflow-hidden rounded border px-2 py-1 text-xs ${focus ? "border-brand-500 bg-brand-50" : "border-zinc-300 bg-white hover:border-brand-500"}`;
          const style = { left: p.x, top: p.y, width: W, height: H };
          return h ? (
            <Link key={n.id} href={h} className={cls} style={style} title={`${n.label}${n.detail ? ` — ${n.detail}` : ""}`} data-kind={n.kind}>
              {body}
            </Link>
          ) : (
            <div key={n.id} className={cls} style={style} data-kind={n.kind}>
              {body}
            </div>
          );
        })}
      </div>
    </div>
  );
}
