"use client";
/**
 * One playground run, live or replayed: header with cancel, the timeline (and the sequential baseline
 * beside it on the same scale), metrics with the speed-up, the final answer, and the actions: share
 * link, send to studio, re-run with the same settings.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "@/components/workspace-context";
import { RunHeader, RunReport } from "./run-report";
import { isLiveStatus, useRunEvents } from "./use-run-events";

function absoluteUrl(url: string): string {
  if (/^https?:\/\//i.test(url) || typeof window === "undefined") return url;
  return `${window.location.origin}${url.startsWith("/") ? "" : "/"}${url}`;
}

function ShareBox({ runId, disabled }: { runId: string; disabled: string | null }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [copied, setCopied] = useState(false);
  const share = useMutation(
    trpc.inference.share.mutationOptions({
      onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.inference.shareLinks.queryKey() }),
    }),
  );
  if (!ws.can("reviewer")) return null;
  const url = share.data ? absoluteUrl(share.data.url) : null;
  return (
    <div className="space-y-2">
      <button type="button" className="btn-secondary" disabled={Boolean(disabled) || share.isPending} title={disabled ?? "Freeze this run into a public, read-only link"} onClick={() => share.mutate({ workspaceId: ws.id, runId })} data-testid="share-button">
        {share.isPending ? "Creating link…" : url ? "New share link" : "Share"}
      </button>
      {url && (
        <div className="space-y-1">
          <div className="flex gap-2">
            <input className="input py-1 font-mono text-xs" readOnly value={url} onFocus={(e) => e.currentTarget.select()} aria-label="Share link" data-testid="share-url" />
            <button
              type="button"
              className="btn-secondary"
              onClick={() => {
                void navigator.clipboard?.writeText(url).then(() => setCopied(true));
              }}
              data-testid="copy-share-url"
            >
              {copied ? "Copied" : "Copy"}
            </button>
          </div>
          <p className="text-[11px] text-zinc-500">
            Anyone with the link can view this run without signing in. The link is shown once; revoke it in{" "}
            <Link className="underline" href={`/w/${ws.slug}/settings`}>
              Settings
            </Link>
            .
          </p>
        </div>
      )}
      {share.error && (
        <p role="alert" className="text-sm text-red-600">
          {errorMessage(share.error)}
        </p>
      )}
    </div>
  );
}

function SendToStudio({ runId, disabled }: { runId: string; disabled: string | null }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const options = useQuery(trpc.inference.options.queryOptions({ workspaceId: ws.id }));
  const [datasetId, setDatasetId] = useState("");
  const send = useMutation(trpc.inference.sendToStudio.mutationOptions());
  if (!ws.can("curator")) return null;
  const datasets = options.data?.datasets ?? [];
  return (
    <div className="space-y-1" data-testid="send-to-studio">
      <div className="flex gap-2">
        <select className="input py-1 text-sm" value={datasetId} onChange={(e) => setDatasetId(e.target.value)} aria-label="Dataset" data-testid="send-dataset">
          <option value="">Choose a dataset…</option>
          {datasets.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="btn-secondary shrink-0"
          disabled={Boolean(disabled) || !datasetId || send.isPending}
          title={disabled ?? "Add the question and this trajectory to a dataset"}
          onClick={() => send.mutate({ workspaceId: ws.id, runId, datasetId })}
          data-testid="send-to-studio-button"
        >
          {send.isPending ? "Sending…" : "Send to studio"}
        </button>
      </div>
      {send.data && (
        <p role="status" className="text-xs text-emerald-700">
          Added.{" "}
          <Link className="underline" href={`/w/${ws.slug}/studio/${send.data.datasetId}/traces/${send.data.traceId}`}>
            Open the trace
          </Link>
        </p>
      )}
      {send.error && (
        <p role="alert" className="text-xs text-red-600">
          {errorMessage(send.error)}
        </p>
      )}
    </div>
  );
}

export function RunView({ runId }: { runId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const main = useRunEvents(runId);
  const baselineId = main.run.data?.baselineRunId ?? null;
  const base = useRunEvents(baselineId);
  const cancel = useMutation(
    trpc.inference.cancel.mutationOptions({
      onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.inference.get.queryKey() }),
    }),
  );

  if (main.run.isPending) return <p className="text-sm text-zinc-500">Loading run…</p>;
  if (main.run.error) {
    return (
      <div className="card p-6 text-sm" data-testid="run-error">
        <p role="alert" className="text-red-600">
          {errorMessage(main.run.error)}
        </p>
        <Link className="mt-2 inline-block text-brand-600 underline" href={`/w/${ws.slug}/playground`}>
          Back to the playground
        </Link>
      </div>
    );
  }
  const run = main.run.data;
  const live = isLiveStatus(run.status);
  const baselineLive = base.run.data ? isLiveStatus(base.run.data.status) : false;
  const notFinished = live || baselineLive ? "Wait for the run to finish." : null;

  return (
    <div className="space-y-5" data-testid="run-view" data-status={run.status}>
      <RunHeader run={run}>
        {run.canCancel && isLiveStatus(run.status) && (
          <button type="button" className="btn-danger py-1" disabled={cancel.isPending} onClick={() => cancel.mutate({ workspaceId: ws.id, runId })} data-testid="cancel-run">
            {cancel.isPending ? "Cancelling…" : "Cancel"}
          </button>
        )}
        <Link href={`/w/${ws.slug}/playground?rerun=${encodeURIComponent(run.id)}`} className="btn-secondary py-1" data-testid="rerun-link">
          Re-run with these settings
        </Link>
      </RunHeader>
      {cancel.error && (
        <p role="alert" className="text-sm text-red-600">
          {errorMessage(cancel.error)}
        </p>
      )}
      <RunReport
        run={run}
        model={main.model}
        baseline={baselineId && base.run.data ? { run: base.run.data, model: base.model } : null}
        timelineActions={
          <span className="text-xs text-zinc-400" data-testid="event-count" data-transport={main.transport}>
            {main.model.eventCount} events{main.transport === "poll" ? " · polling" : main.transport === "sse" ? " · live" : ""}
          </span>
        }
      />
      {(main.streamError || base.streamError) && <p className="text-xs text-amber-700">Connection trouble: {main.streamError ?? base.streamError} — retrying.</p>}
      {run.mode === "sprint" && (ws.can("reviewer") || ws.can("curator")) && (
        <section className="card grid gap-4 p-4 md:grid-cols-2" data-testid="run-actions">
          <div>
            <h2 className="mb-2 text-sm font-semibold">Share</h2>
            <ShareBox runId={run.id} disabled={notFinished} />
          </div>
          {ws.can("curator") && (
            <div>
              <h2 className="mb-2 text-sm font-semibold">Send to studio</h2>
              <p className="mb-2 text-xs text-zinc-500">Adds the question and this trajectory to a dataset as a kept trajectory.</p>
              <SendToStudio runId={run.id} disabled={notFinished ?? (main.model.rounds.length === 0 ? "This run has no rounds." : null)} />
            </div>
          )}
        </section>
      )}
    </div>
  );
}
