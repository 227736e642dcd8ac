"use client";
/**
 * The merge view shown when a save is refused because someone else saved first: the current version
 * is fetched and shown side by side as "their changes" (opened version → theirs) and "your changes"
 * (opened version → your draft). Actions: load theirs (discarding yours) or, after an explicit
 * confirmation, save yours on top of theirs. Nothing is ever overwritten automatically.
 */
import { skipToken, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { diffDrafts } from "@/server/sprint/diff";
import type { RecomputeOptions, TrajectoryDraft } from "@/server/sprint/editing";
import { ConfirmDialog } from "../confirm-dialog";
import { DiffView } from "../diff-view";
import { draftFromColumns, EDITOR_TOKENIZER } from "./shared";

export interface TheirVersion {
  version: number;
  draft: TrajectoryDraft;
  stored: { steps: unknown; dagEdges: unknown; stages: unknown; metrics: unknown };
}

export function ConflictView({
  workspaceId,
  trajectoryId,
  message,
  hintVersion,
  base,
  mine,
  recompute,
  saving,
  onLoadTheirs,
  onKeepMine,
}: {
  workspaceId: string;
  trajectoryId: string;
  /** The server's refusal message. */
  message: string;
  /** The current version named in the refusal, when it said. */
  hintVersion: number | null;
  base: { version: number; draft: TrajectoryDraft };
  mine: TrajectoryDraft;
  recompute: RecomputeOptions;
  saving: boolean;
  onLoadTheirs: (theirs: TheirVersion) => void;
  onKeepMine: (theirVersion: number) => void;
}) {
  const trpc = useTRPC();
  const [confirming, setConfirming] = useState(false);
  const historyQ = useQuery({
    ...trpc.trajectories.history.queryOptions(hintVersion !== null ? skipToken : { workspaceId, trajectoryId }),
    staleTime: 0,
  });
  const theirVersion = hintVersion ?? historyQ.data?.current ?? null;
  const versionQ = useQuery({
    ...trpc.trajectories.version.queryOptions(theirVersion === null ? skipToken : { workspaceId, trajectoryId, version: theirVersion }),
    staleTime: 0,
  });
  const theirs = useMemo<TheirVersion | null>(() => {
    const v = versionQ.data;
    if (!v) return null;
    const stored = { steps: v.steps, dagEdges: v.dagEdges, stages: v.stages, metrics: v.metrics };
    return { version: v.version, draft: draftFromColumns(stored), stored };
  }, [versionQ.data]);
  const opts = useMemo(() => ({ tokenizer: EDITOR_TOKENIZER, recompute }), [recompute]);
  const theirDiff = useMemo(() => (theirs ? diffDrafts(base.draft, theirs.draft, opts) : null), [base.draft, theirs, opts]);
  const myDiff = useMemo(() => diffDrafts(base.draft, mine, opts), [base.draft, mine, opts]);
  const loadError = historyQ.error ?? versionQ.error;

  return (
    <section className="card border-amber-300 bg-amber-50/60 p-4" data-testid="conflict-view" aria-labelledby="conflict-title">
      <h2 id="conflict-title" className="text-base font-semibold text-amber-900">
        This trajectory changed since you opened it
      </h2>
      <p role="alert" className="mt-1 text-sm text-amber-900">
        {message}
      </p>
      <p className="mt-1 text-sm text-zinc-700">Your edits are still here and were not saved. Compare both sides, then choose what to keep.</p>
      {loadError && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          Could not load the current version: {errorMessage(loadError)}
        </p>
      )}
      <div className="mt-3 grid gap-3 lg:grid-cols-2">
        <div className="card min-w-0 bg-white p-3" data-testid="conflict-theirs">
          <h3 className="mb-2 text-sm font-semibold">
            Their changes {theirs ? `(version ${base.version} → ${theirs.version})` : ""}
          </h3>
          {theirDiff ? <DiffView diff={theirDiff} beforeLabel={`Version ${base.version}`} afterLabel={`Version ${theirs?.version}`} /> : <p className="text-sm text-zinc-500">Loading the current version…</p>}
        </div>
        <div className="card min-w-0 bg-white p-3" data-testid="conflict-mine">
          <h3 className="mb-2 text-sm font-semibold">Your changes (version {base.version} → your draft)</h3>
          <DiffView diff={myDiff} beforeLabel={`Version ${base.version}`} afterLabel="Your draft" />
        </div>
      </div>
      <div className="mt-3 flex flex-wrap gap-2">
        <button type="button" className="btn-secondary" disabled={!theirs || saving} onClick={() => theirs && onLoadTheirs(theirs)} data-testid="conflict-reload">
          Load theirs (discard mine)
        </button>
        <button type="button" className="btn-danger" disabled={!theirs || saving} onClick={() => setConfirming(true)} data-testid="conflict-overwrite">
          Keep mine on top of theirs…
        </button>
      </div>
      {confirming && theirs && (
        <ConfirmDialog
          title={`Save your version over version ${theirs.version}?`}
          confirmLabel="Save mine as a new version"
          pending={saving}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            onKeepMine(theirs.version);
          }}
        >
          Your draft becomes version {theirs.version + 1}. Their changes listed on the left that your draft does not have are replaced (they stay in the history and can be restored).
        </ConfirmDialog>
      )}
    </section>
  );
}
