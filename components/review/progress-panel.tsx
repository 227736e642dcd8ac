"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc";
import { useWorkspace } from "../workspace-context";

/** Dataset progress and one bar per reviewer (submitted of assigned). */
export function ProgressPanel({ datasetId }: { datasetId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const p = useQuery(trpc.review.progress.queryOptions({ workspaceId: ws.id, datasetId }));
  if (!p.data) return null;
  const d = p.data;
  const pct = d.items ? Math.round((d.done / d.items) * 100) : 0;
  return (
    <div className="card grid gap-4 p-4 md:grid-cols-2" data-testid="review-progress">
      <div>
        <div className="text-xs text-zinc-500">Dataset</div>
        <div className="mt-1 text-sm">
          <strong className="tabular-nums">{d.done}</strong> of <span className="tabular-nums">{d.items}</span> items decided ({pct}%) ·{" "}
          {d.statusCounts.in_review} in review · {d.statusCounts.changes_requested} changes requested · {d.disagreements} disagreements ·{" "}
          {d.unassigned} kept but unassigned
        </div>
        <div className="mt-2 h-2 rounded bg-zinc-100"><div className="h-2 rounded bg-emerald-500" style={{ width: `${pct}%` }} /></div>
      </div>
      <div>
        <div className="text-xs text-zinc-500">Reviewers</div>
        <ul className="mt-1 space-y-1 text-sm">
          {d.reviewers.filter((r) => r.assigned > 0).map((r) => (
            <li key={r.userId} className="flex items-center gap-2" data-testid={`reviewer-progress-${r.email}`}>
              <span className="w-40 truncate">{r.name ?? r.email}</span>
              <span className="h-2 flex-1 rounded bg-zinc-100"><span className="block h-2 rounded bg-brand-500" style={{ width: `${r.assigned ? (r.submitted / r.assigned) * 100 : 0}%` }} /></span>
              <span className="w-20 text-right text-xs tabular-nums text-zinc-600">{r.submitted}/{r.assigned}</span>
            </li>
          ))}
          {d.reviewers.every((r) => r.assigned === 0) && <li className="text-zinc-500">No assignments yet.</li>}
        </ul>
      </div>
    </div>
  );
}
