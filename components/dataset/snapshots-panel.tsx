"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "../workspace-context";
import { EXPORT_FORMATS } from "@/server/sprint/export";

export function SnapshotsPanel({ datasetId }: { datasetId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.snapshots.list.queryOptions({ workspaceId: ws.id, datasetId }));
  const [source, setSource] = useState<"kept" | "approved">("kept");
  const [format, setFormat] = useState<keyof typeof EXPORT_FORMATS>("messages");
  const create = useMutation(trpc.snapshots.create.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.snapshots.list.queryKey() }) }));
  return (
    <section className="card p-4" data-testid="snapshots-panel">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-sm font-semibold">Snapshots</h2>
        <div className="flex items-center gap-2 text-sm">
          <select aria-label="Snapshot source" className="rounded border border-zinc-300 px-2 py-1" value={source} onChange={(e) => setSource(e.target.value as "kept" | "approved")}>
            <option value="kept">kept trajectories</option>
            <option value="approved">approved only</option>
          </select>
          <button className="btn-primary" disabled={!ws.can("curator") || create.isPending} onClick={() => create.mutate({ workspaceId: ws.id, datasetId, source })}>
            {create.isPending ? "Freezing…" : "Create snapshot"}
          </button>
        </div>
      </div>
      {create.error && <p role="alert" className="mt-2 text-sm text-red-600">{errorMessage(create.error)}</p>}
      <div className="mt-3 flex items-center gap-2 text-sm">
        <label htmlFor="export-format" className="text-zinc-600">Download format</label>
        <select id="export-format" className="rounded border border-zinc-300 px-2 py-1" value={format} onChange={(e) => setFormat(e.target.value as keyof typeof EXPORT_FORMATS)}>
          {Object.entries(EXPORT_FORMATS).map(([k, v]) => <option key={k} value={k} title={v}>{k}</option>)}
        </select>
      </div>
      {list.data?.length ? (
        <ul className="mt-3 divide-y divide-zinc-100 text-sm" data-testid="snapshots-list">
          {list.data.map((s) => {
            const base = `/api/snapshots/${s.id}/download?format=${format}`;
            return (
              <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span>
                  <strong>v{s.number}</strong> · <span data-testid="snapshot-items">{s.itemCount}</span> trajectories · {s.createdAt.toLocaleString()}
                </span>
                <span className="space-x-3">
                  <a className="text-brand-600 hover:underline" href={`${base}&split=all`} download data-testid="download-all">all (JSONL)</a>
                  <a className="text-brand-600 hover:underline" href={`${base}&split=train`} download>train</a>
                  <a className="text-brand-600 hover:underline" href={`${base}&split=test`} download>test</a>
                  <a className="text-brand-600 hover:underline" href={`/api/snapshots/${s.id}/download?split=manifest`} download>manifest</a>
                </span>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="mt-3 text-sm text-zinc-500">No snapshots yet. A snapshot freezes the kept (or approved) trajectories into a numbered, immutable version.</p>
      )}
    </section>
  );
}
