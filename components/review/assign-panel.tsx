"use client";
/** Curator: distribute unassigned kept trajectories over chosen reviewers with an overlap k. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "../workspace-context";

export function AssignPanel({ datasetId }: { datasetId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const people = useQuery(trpc.review.reviewers.queryOptions({ workspaceId: ws.id }));
  const progress = useQuery(trpc.review.progress.queryOptions({ workspaceId: ws.id, datasetId }));
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [count, setCount] = useState(10);
  const [overlap, setOverlap] = useState(1);
  const assign = useMutation(
    trpc.review.assign.mutationOptions({ onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.review.pathKey() }) }),
  );
  const unassigned = progress.data?.unassigned ?? 0;
  const n = Math.min(count, unassigned);
  const perReviewer = chosen.size ? (n * overlap) / chosen.size : 0;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <form
        className="card space-y-4 p-4"
        data-testid="assign-form"
        onSubmit={(e) => {
          e.preventDefault();
          assign.mutate({ workspaceId: ws.id, datasetId, reviewerIds: [...chosen], count, overlap });
        }}
      >
        <h2 className="text-sm font-semibold">Assign automatically</h2>
        <p className="text-sm text-zinc-600">
          {unassigned} kept trajectories have no reviewer yet. Each item goes to <em>overlap</em> different reviewers, who do not see each
          other&apos;s decisions until they submit their own; the least loaded reviewers get work first.
        </p>
        <fieldset>
          <legend className="label">Reviewers</legend>
          <ul className="mt-1 max-h-64 space-y-1 overflow-auto">
            {people.data?.map((p) => (
              <li key={p.userId}>
                <label className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    checked={chosen.has(p.userId)}
                    onChange={() => setChosen((s) => { const x = new Set(s); if (x.has(p.userId)) x.delete(p.userId); else x.add(p.userId); return x; })}
                  />
                  <span>{p.name ?? p.email}</span>
                  <span className="text-xs text-zinc-500">{p.email} · {p.role}</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <div className="flex gap-4">
          <label className="block">
            <span className="label">Items</span>
            <input className="input mt-1 w-28" type="number" min={1} max={10000} value={count} onChange={(e) => setCount(Math.max(1, Number(e.target.value) || 1))} aria-label="Items to assign" />
          </label>
          <label className="block">
            <span className="label">Overlap (reviewers per item)</span>
            <input className="input mt-1 w-28" type="number" min={1} max={10} value={overlap} onChange={(e) => setOverlap(Math.max(1, Number(e.target.value) || 1))} aria-label="Overlap" />
          </label>
        </div>
        <p className="text-xs text-zinc-500">
          {chosen.size > 0 ? `${n} items × ${overlap} = ${n * overlap} reviews, about ${perReviewer.toFixed(1)} per reviewer.` : "Choose reviewers."}
          {overlap > chosen.size && chosen.size > 0 && <span className="text-red-600"> An overlap of {overlap} needs at least {overlap} reviewers.</span>}
        </p>
        {assign.error && <p role="alert" className="text-sm text-red-600">{errorMessage(assign.error)}</p>}
        {assign.data && (
          <p className="text-sm text-emerald-700" role="status" data-testid="assign-result">
            Assigned {assign.data.items} items ({assign.data.assignments} reviews).
          </p>
        )}
        <button className="btn-primary" disabled={chosen.size === 0 || overlap > chosen.size || unassigned === 0 || assign.isPending}>
          {assign.isPending ? "Assigning…" : "Assign"}
        </button>
      </form>
      <div className="card space-y-2 p-4 text-sm text-zinc-600">
        <h2 className="text-sm font-semibold text-zinc-900">How review works</h2>
        <p>Reviewers open <strong>My queue</strong>, read the guidelines beside each item, edit the steps or the DAG if needed, comment on a step, an edge or a stage, and approve, reject or request changes.</p>
        <p>An item is decided when all its reviewers agree. When they disagree it shows up under <strong>Agreement → disagreements</strong> for a curator to adjudicate.</p>
        <p>To assign particular items, open <strong>Queue → All items</strong>, filter by status <em>unassigned</em>, select rows and use <strong>Assign to…</strong>.</p>
      </div>
    </div>
  );
}
