"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "./workspace-context";
import { EmptyState } from "./page-header";
import { TaskProgress } from "./task-progress";

const nf = new Intl.NumberFormat("en");

export function DatasetsPanel() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const canCurate = ws.can("curator");
  const datasets = useQuery(trpc.datasets.list.queryOptions({ workspaceId: ws.id }));
  const [showCreate, setShowCreate] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.datasets.list.queryKey() });

  return (
    <div className="space-y-4">
      <div className="flex justify-end">
        <button
          className="btn-primary"
          disabled={!canCurate}
          title={canCurate ? undefined : "Curators and admins create datasets"}
          onClick={() => setShowCreate((v) => !v)}
        >
          New dataset
        </button>
      </div>
      {showCreate && canCurate && <CreateDataset onDone={() => { setShowCreate(false); void refresh(); }} />}
      {datasets.error && <p role="alert" className="text-sm text-red-600">{errorMessage(datasets.error)}</p>}
      {datasets.data?.length === 0 && (
        <EmptyState title="No datasets yet">
          {canCurate
            ? "Create a dataset, then import reasoning traces (OpenThoughts, s1K, R1 <think> output or plain JSONL) to curate them into SPRINT trajectories."
            : "A curator or admin creates datasets and imports traces. You will see them here."}
        </EmptyState>
      )}
      {!!datasets.data?.length && (
        <div className="card overflow-hidden">
          <table className="w-full text-sm" data-testid="datasets-table">
            <thead className="bg-zinc-50 text-left text-xs text-zinc-500">
              <tr>
                <th className="px-4 py-2">Dataset</th>
                <th className="px-4 py-2 text-right">Traces</th>
                <th className="px-4 py-2 text-right">Reasoning tokens</th>
                <th className="px-4 py-2 text-right">Curated</th>
                <th className="px-4 py-2">Last curation</th>
                <th className="px-4 py-2 text-right">Actions</th>
              </tr>
            </thead>
            <tbody>
              {datasets.data.map((d) => (
                <tr key={d.id} className="border-t border-zinc-100 align-top" data-testid={`dataset-${d.name}`}>
                  <td className="px-4 py-3">
                    <Link className="font-medium text-brand-700 hover:underline" href={`/w/${ws.slug}/studio/${d.id}`}>{d.name}</Link>
                    {d.description && <div className="text-xs text-zinc-500">{d.description}</div>}
                  </td>
                  <td className="px-4 py-3 text-right tabular-nums">{nf.format(d.traceCount)}</td>
                  <td className="px-4 py-3 text-right tabular-nums" data-testid="reasoning-tokens">
                    {d.reasoningTokens === null ? <span className="text-zinc-400">not counted</span> : nf.format(d.reasoningTokens)}
                    {d.countedTraces > 0 && d.countedTraces < d.traceCount && (
                      <div className="text-xs text-zinc-500">{d.countedTraces}/{d.traceCount} counted</div>
                    )}
                  </td>
                  <td className="px-4 py-3 text-right tabular-nums">{nf.format(d.trajectoryCount)}</td>
                  <td className="px-4 py-3 text-zinc-600">{d.lastRun ? `${d.lastRun.status} · ${d.lastRun.createdAt.toLocaleString()}` : "never"}</td>
                  <td className="px-4 py-3 text-right">
                    <TaskProgress datasetId={d.id} kind="recount-tokens" label="Recount tokens" disabled={!canCurate || d.traceCount === 0} onFinished={refresh} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function CreateDataset({ onDone }: { onDone: () => void }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const create = useMutation(trpc.datasets.create.mutationOptions({ onSuccess: onDone }));
  return (
    <form
      className="card flex flex-wrap items-end gap-3 p-4"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ workspaceId: ws.id, name, description: description || undefined });
      }}
    >
      <div className="min-w-56 flex-1">
        <label className="label" htmlFor="ds-name">Name</label>
        <input id="ds-name" className="input" required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      <div className="min-w-72 flex-[2]">
        <label className="label" htmlFor="ds-desc">Description</label>
        <input id="ds-desc" className="input" value={description} onChange={(e) => setDescription(e.target.value)} />
      </div>
      <button className="btn-primary" type="submit" disabled={create.isPending}>Create</button>
      {create.error && <p role="alert" className="w-full text-sm text-red-600">{errorMessage(create.error)}</p>}
    </form>
  );
}
