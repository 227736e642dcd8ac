"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "../workspace-context";
import { Markdown } from "../markdown";

/** Review guidelines of a dataset (Markdown), shown beside every review item; curators edit them. */
export function GuidelinesPanel({ datasetId, guidelines }: { datasetId: string; guidelines: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [text, setText] = useState(guidelines);
  const save = useMutation(
    trpc.review.setGuidelines.mutationOptions({ onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.datasets.get.queryKey({ workspaceId: ws.id, datasetId }) }) }),
  );
  if (!ws.can("curator")) {
    return <div className="card p-4">{guidelines ? <Markdown text={guidelines} /> : <p className="text-sm text-zinc-500">No guidelines yet.</p>}</div>;
  }
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <form className="card space-y-2 p-4" onSubmit={(e) => { e.preventDefault(); save.mutate({ workspaceId: ws.id, datasetId, guidelines: text }); }}>
        <label className="block">
          <span className="label">Guidelines (Markdown, math with $…$)</span>
          <textarea className="input mt-1 h-80 w-full font-mono text-xs" value={text} onChange={(e) => setText(e.target.value)} aria-label="Guidelines" />
        </label>
        {save.error && <p role="alert" className="text-sm text-red-600">{errorMessage(save.error)}</p>}
        {save.isSuccess && !save.isPending && <p role="status" className="text-sm text-emerald-700">Saved.</p>}
        <button className="btn-primary" disabled={save.isPending || text === guidelines}>Save guidelines</button>
      </form>
      <div className="card p-4">
        <div className="mb-2 text-xs text-zinc-500">Preview</div>
        {text ? <Markdown text={text} /> : <p className="text-sm text-zinc-500">Nothing yet.</p>}
      </div>
    </div>
  );
}
