"use client";
/**
 * Version history of a curated trajectory: every version (kind, author, note, date, sequential
 * tokens), a diff of any two (default: the previous vs the current one) and, for curators, restoring
 * an old version as a new version (with the current version as the optimistic base).
 */
import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { metricsDelta, type MetricsLike } from "@/server/sprint/editing";
import { ConfirmDialog } from "./confirm-dialog";
import { DiffView } from "./diff-view";
import { fmt, isConflictError } from "./editor/shared";

export interface HistoryPanelProps {
  workspaceId: string;
  trajectoryId: string;
  currentVersion: number;
  canRestore: boolean;
  onRestored(version: number): void;
}

const dateFmt = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

function asMetrics(m: unknown): MetricsLike | null {
  return typeof m === "object" && m !== null ? (m as MetricsLike) : null;
}

export function HistoryPanel({ workspaceId, trajectoryId, currentVersion, canRestore, onRestored }: HistoryPanelProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const historyQ = useQuery(trpc.trajectories.history.queryOptions({ workspaceId, trajectoryId }));
  const versions = historyQ.data?.versions ?? [];
  const latest = historyQ.data?.current ?? currentVersion;
  // null = default pair (previous vs current).
  const [pick, setPick] = useState<{ from: number; to: number } | null>(null);
  const defaultTo = latest;
  const defaultFrom = versions.find((v) => v.version < defaultTo)?.version ?? defaultTo;
  const from = pick?.from ?? defaultFrom;
  const to = pick?.to ?? defaultTo;
  const diffQ = useQuery(trpc.trajectories.diff.queryOptions(from !== to && versions.length > 1 ? { workspaceId, trajectoryId, from, to } : skipToken));
  const [restoring, setRestoring] = useState<number | null>(null);
  const restore = useMutation(trpc.trajectories.restore.mutationOptions());
  const [restoreError, setRestoreError] = useState<string | null>(null);

  const fallbackMetrics = diffQ.data && !diffQ.data.diff.metrics ? metricsDelta(asMetrics(diffQ.data.from.metrics), asMetrics(diffQ.data.to.metrics)) : null;

  const doRestore = (version: number) => {
    setRestoreError(null);
    restore.mutate(
      { workspaceId, trajectoryId, version, baseVersion: currentVersion },
      {
        onSuccess: (r) => {
          setRestoring(null);
          setPick(null);
          void queryClient.invalidateQueries({ queryKey: trpc.trajectories.pathKey() });
          void queryClient.invalidateQueries({ queryKey: trpc.review.pathKey() });
          onRestored(r.version);
        },
        onError: (e) =>
          setRestoreError(
            isConflictError(e)
              ? `${errorMessage(e)} Reload the page to see the latest version, then restore again if still needed.`
              : errorMessage(e),
          ),
      },
    );
  };

  return (
    <section className="card space-y-3 p-4" data-testid="history-panel" aria-labelledby="history-title">
      <div className="flex items-baseline justify-between gap-2">
        <h2 id="history-title" className="text-sm font-semibold">
          Version history
        </h2>
        {latest > currentVersion && (
          <span className="text-xs text-amber-700" role="status">
            Version {latest} is newer than the one shown: reload.
          </span>
        )}
      </div>
      {historyQ.error && (
        <p role="alert" className="text-sm text-red-600">
          {errorMessage(historyQ.error)}
        </p>
      )}
      {!historyQ.data && !historyQ.error && <p className="text-sm text-zinc-500">Loading…</p>}

      <ol className="divide-y divide-zinc-100 text-sm">
        {versions.map((v, k) => {
          const prev = versions[k + 1]?.version;
          const selected = v.version === from || v.version === to;
          return (
            <li key={v.version} className={`flex flex-wrap items-center gap-x-3 gap-y-1 py-1.5 ${selected ? "bg-brand-50/50" : ""}`} data-testid={`history-version-${v.version}`}>
              <span className="font-semibold tabular-nums">v{v.version}</span>
              <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-700">
                {v.kind}
                {v.restoredFrom ? ` of v${v.restoredFrom}` : ""}
              </span>
              {v.current && <span className="rounded bg-emerald-100 px-1.5 py-0.5 text-xs text-emerald-800">current</span>}
              <span className="text-zinc-600">{v.author ?? (v.kind === "create" ? "curation" : "unknown")}</span>
              <time className="text-xs text-zinc-500" dateTime={new Date(v.createdAt).toISOString()}>
                {dateFmt.format(new Date(v.createdAt))}
              </time>
              <span className="text-xs tabular-nums text-zinc-600" title="Sequential tokens">
                {fmt(v.sequentialTokens)} seq. tokens
              </span>
              {v.note && <span className="w-full text-xs text-zinc-600 italic">“{v.note}”</span>}
              <span className="flex-1" />
              {prev !== undefined && (
                <button type="button" className="text-xs text-brand-600 hover:underline" onClick={() => setPick({ from: prev, to: v.version })} data-testid={`history-diff-${v.version}`}>
                  Diff with v{prev}
                </button>
              )}
              {canRestore && !v.current && (
                <button type="button" className="btn-secondary px-2 py-0.5 text-xs" onClick={() => setRestoring(v.version)} data-testid={`history-restore-${v.version}`}>
                  Restore this version
                </button>
              )}
            </li>
          );
        })}
      </ol>

      {versions.length > 1 && (
        <div className="space-y-2">
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <label className="flex items-center gap-1">
              <span className="text-zinc-600">Compare</span>
              <select className="rounded border border-zinc-300 bg-white px-1 py-0.5" value={from} onChange={(e) => setPick({ from: Number(e.target.value), to })} aria-label="Compare from version" data-testid="history-from">
                {versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                  </option>
                ))}
              </select>
            </label>
            <label className="flex items-center gap-1">
              <span className="text-zinc-600">with</span>
              <select className="rounded border border-zinc-300 bg-white px-1 py-0.5" value={to} onChange={(e) => setPick({ from, to: Number(e.target.value) })} aria-label="Compare to version" data-testid="history-to">
                {versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {from === to ? (
            <p className="text-sm text-zinc-500">Choose two different versions.</p>
          ) : diffQ.error ? (
            <p role="alert" className="text-sm text-red-600">
              {errorMessage(diffQ.error)}
            </p>
          ) : diffQ.data ? (
            <DiffView diff={diffQ.data.diff} beforeLabel={`v${diffQ.data.from.version}`} afterLabel={`v${diffQ.data.to.version}`} metrics={fallbackMetrics} />
          ) : (
            <p className="text-sm text-zinc-500">Loading diff…</p>
          )}
        </div>
      )}

      {restoring !== null && (
        <ConfirmDialog
          title={`Restore version ${restoring}?`}
          confirmLabel="Restore as a new version"
          pending={restore.isPending}
          error={restoreError}
          onCancel={() => {
            setRestoring(null);
            setRestoreError(null);
          }}
          onConfirm={() => doRestore(restoring)}
        >
          Version {restoring} becomes version {currentVersion + 1}. Nothing is deleted: the current version stays in the history.
        </ConfirmDialog>
      )}
    </section>
  );
}
