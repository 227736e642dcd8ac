"use client";
/**
 * Edit mode of the trajectory editor. The version opened when edit mode starts is the base: every
 * change is an editing.ts operation on the draft (undo/redo history), the draft is recomputed live
 * (issues inline, stages, metrics with the delta against the base computed the same way), and a
 * save sends `trajectories.save` with baseVersion = the base. A stale save shows the merge view.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import {
  addEdge,
  editStepText,
  mergeSteps,
  moveStepToStage,
  removeEdge,
  setPlanOnly,
  splitStep,
  type DraftIssue,
  type RecomputeOptions,
  type TrajectoryDraft,
} from "@/server/sprint/editing";
import { StageTimeline, type TimelineRound } from "@/components/trace/stage-timeline";
import { ConfirmDialog } from "../confirm-dialog";
import { ConflictView, type TheirVersion } from "./conflict-view";
import { DagCanvas } from "@/components/trace/dag-view";
import { EditStepCard, type StepCardActions } from "./edit-step-card";
import { LiveMetrics } from "./live-metrics";
import { conflictVersion, draftFromColumns, draftSignature, draftToInput, isConflictError, safeRecompute } from "./shared";
import { useDraftHistory } from "./use-draft-history";

export interface EditModeProps {
  workspaceId: string;
  trajectoryId: string;
  /** The version currently shown by the page (may move on while editing: then a banner warns). */
  version: number;
  stored: { steps: unknown; dagEdges: unknown; stages: unknown; metrics: unknown };
  question: string;
  finalAnswer?: string;
  onEditingChange(v: boolean): void;
  onSaved(version: number): void;
}

type Base = { version: number; draft: TrajectoryDraft; metrics: unknown };

const EMPTY: readonly number[] = [];
const NO_ISSUES: readonly DraftIssue[] = [];

function isTextEntry(t: EventTarget | null): boolean {
  if (t instanceof HTMLTextAreaElement) return true;
  if (t instanceof HTMLInputElement) return ["text", "search", "number", "email", "url", ""].includes(t.type);
  return t instanceof HTMLElement && t.isContentEditable;
}

function issueTargets(i: DraftIssue): number[] {
  const out = new Set<number>();
  if (i.stepId !== undefined) out.add(i.stepId);
  if (i.edge) out.add(i.edge.child);
  if (i.code === "cycle") for (const id of i.cycle ?? []) out.add(id);
  return [...out];
}

/**
 * Unsaved edits survive a remount of the editor (the page re-keys it when the version it shows
 * changes, e.g. after a refetch that found someone else's save): the base and the draft are kept in
 * sessionStorage (this tab only) while dirty and restored on mount; the save then shows the merge view.
 */
const storageKey = (trajectoryId: string) => `sprint-studio:draft:${trajectoryId}`;
type SavedEdits = { base: Base; draft: TrajectoryDraft; savedAt: number };

function loadSaved(trajectoryId: string): SavedEdits | null {
  try {
    const raw = typeof window === "undefined" ? null : window.sessionStorage.getItem(storageKey(trajectoryId));
    if (!raw) return null;
    const v = JSON.parse(raw) as SavedEdits;
    if (typeof v?.base?.version !== "number" || !Array.isArray(v.draft?.steps) || !Array.isArray(v.base.draft?.steps)) return null;
    return v;
  } catch {
    return null;
  }
}

function storeSaved(trajectoryId: string, v: SavedEdits | null) {
  try {
    if (v) window.sessionStorage.setItem(storageKey(trajectoryId), JSON.stringify(v));
    else window.sessionStorage.removeItem(storageKey(trajectoryId));
  } catch {
    // Storage full or unavailable: the edits just do not survive a remount.
  }
}

function scrollToStep(id: number) {
  const el = document.querySelector<HTMLElement>(`[data-testid="step-card-${id}"]`);
  el?.scrollIntoView({ behavior: "smooth", block: "center" });
}

export function EditMode({ workspaceId, trajectoryId, version, stored, question, finalAnswer, onEditingChange, onSaved }: EditModeProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [saved] = useState(() => loadSaved(trajectoryId));
  const [restored, setRestored] = useState<number | null>(saved ? saved.base.version : null);
  const [base, setBase] = useState<Base>(() => saved?.base ?? { version, draft: draftFromColumns(stored), metrics: stored.metrics });
  const h = useDraftHistory(saved?.draft ?? base.draft);
  const { draft } = h;
  const draftRef = useRef(draft);
  useEffect(() => {
    draftRef.current = draft;
  }, [draft]);

  const [note, setNote] = useState("");
  const [hover, setHover] = useState<number | null>(null);
  const [conflict, setConflict] = useState<{ message: string; version: number | null } | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);

  const recompute = useMemo<RecomputeOptions>(() => ({ question, ...(finalAnswer ? { finalAnswer } : {}) }), [question, finalAnswer]);
  const comp = useMemo(() => safeRecompute(draft, recompute), [draft, recompute]);
  const baseComp = useMemo(() => safeRecompute(base.draft, recompute), [base.draft, recompute]);
  const baseSig = useMemo(() => draftSignature(base.draft), [base.draft]);
  const dirty = useMemo(() => draftSignature(draft) !== baseSig, [draft, baseSig]);
  const errors = comp.issues.filter((i) => i.severity === "error");
  const warnings = comp.issues.length - errors.length;

  // Issues per step, with a content key so that unchanged cards skip re-rendering.
  const byStep = useMemo(() => {
    const m = new Map<number, DraftIssue[]>();
    for (const i of comp.issues) for (const id of issueTargets(i)) m.set(id, [...(m.get(id) ?? []), i]);
    const keys = new Map<number, string>();
    for (const [id, list] of m) keys.set(id, JSON.stringify(list.map((i) => [i.code, i.severity, i.message])));
    return { m, keys };
  }, [comp.issues]);
  const edgeIssues = useMemo(() => {
    const m = new Map<string, "error" | "warning">();
    const set = (k: string, sev: "error" | "warning") => {
      if (m.get(k) !== "error") m.set(k, sev);
    };
    for (const i of comp.issues) {
      if (i.edge) set(`${i.edge.parent}-${i.edge.child}`, i.severity);
      if (i.code === "cycle" && i.cycle && i.cycle.length > 1) {
        i.cycle.forEach((a, k) => {
          const b = i.cycle![(k + 1) % i.cycle!.length]!;
          set(`${a}-${b}`, "error");
          set(`${b}-${a}`, "error");
        });
      }
    }
    return m;
  }, [comp.issues]);

  const idsKey = draft.steps.map((s) => s.id).join(",");
  const ids = useMemo(() => (idsKey === "" ? [] : idsKey.split(",").map(Number)), [idsKey]);
  const maxStage = Math.max(1, (comp.stages?.stageCount ?? draft.steps.length) + 1);

  const { apply, undo, redo, reset } = h;
  const actions = useMemo<StepCardActions>(
    () => ({
      editText: (id, field, text) => apply((d) => editStepText(d, id, { [field]: text }), { at: id, key: `text:${id}:${field}` }),
      split: (id, field, offset, text) =>
        apply(
          (d) => {
            const r = editStepText(d, id, { [field]: text });
            return r.ok ? splitStep(r.draft, id, { field, offset }) : r;
          },
          { at: id },
        ),
      mergeWithNext: (id, nextId) => apply((d) => mergeSteps(d, id, nextId), { at: id }),
      setPlanOnly: (id, planOnly) => apply((d) => setPlanOnly(d, id, planOnly), { at: id }),
      move: (id, stage) => apply((d) => moveStepToStage(d, id, stage), { at: id }),
      setEdge: (parent, child, on) => apply((d) => (on ? addEdge(d, parent, child) : removeEdge(d, parent, child)), { at: child }),
      hover: setHover,
    }),
    [apply],
  );
  const onEdgeClick = useCallback((parent: number, child: number) => apply((d) => removeEdge(d, parent, child), { at: child }), [apply]);

  // Ctrl/Cmd+Z, Ctrl/Cmd+Shift+Z, Ctrl+Y (text fields keep their native undo).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || isTextEntry(e.target)) return;
      const k = e.key.toLowerCase();
      if (k === "z" && !e.shiftKey) {
        e.preventDefault();
        undo();
      } else if ((k === "z" && e.shiftKey) || (k === "y" && e.ctrlKey && !e.shiftKey)) {
        e.preventDefault();
        redo();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [undo, redo]);

  useEffect(() => {
    storeSaved(trajectoryId, dirty ? { base, draft, savedAt: Date.now() } : null);
  }, [trajectoryId, dirty, base, draft]);

  // Leaving the page with unsaved edits asks first.
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [dirty]);

  const save = useMutation(trpc.trajectories.save.mutationOptions());
  const invalidate = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: trpc.trajectories.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.review.pathKey() });
  }, [queryClient, trpc]);

  const doSave = (baseVersion: number) => {
    setSaveError(null);
    save.mutate(
      { workspaceId, trajectoryId, baseVersion, draft: draftToInput(draftRef.current), ...(note.trim() ? { note: note.trim() } : {}) },
      {
        onSuccess: (r) => {
          storeSaved(trajectoryId, null);
          setConflict(null);
          invalidate();
          onSaved(r.version);
          onEditingChange(false);
        },
        onError: (e) => {
          if (isConflictError(e)) setConflict({ message: errorMessage(e), version: conflictVersion(e) });
          else setSaveError(errorMessage(e));
        },
      },
    );
  };

  const discardAndLeave = () => {
    storeSaved(trajectoryId, null);
    onEditingChange(false);
  };

  const discardRestored = () => {
    const fresh = { version, draft: draftFromColumns(stored), metrics: stored.metrics };
    storeSaved(trajectoryId, null);
    setBase(fresh);
    reset(fresh.draft);
    setRestored(null);
    setConflict(null);
  };

  const loadTheirs = (theirs: TheirVersion) => {
    setRestored(null);
    setBase({ version: theirs.version, draft: theirs.draft, metrics: theirs.stored.metrics });
    reset(theirs.draft);
    setConflict(null);
    setSaveError(null);
    invalidate();
  };

  const canSave = dirty && errors.length === 0 && comp.valid && !save.isPending && conflict === null;
  const saveTitle = !dirty ? "No changes to save" : errors.length > 0 ? "Fix the errors first" : conflict ? "Resolve the conflict first" : "Save as a new version";
  const rounds: TimelineRound[] = useMemo(
    () =>
      comp.metrics?.rounds.map((r) => ({
        index: r.round,
        planTokens: r.planTokens,
        lanes: r.lanes.map((l) => ({ index: l.index, planPrefixTokens: l.planPrefixTokens, executionTokens: l.executionTokens })),
      })) ?? [],
    [comp.metrics],
  );
  const floatingError = h.opError && (h.opError.at === null || !ids.includes(h.opError.at)) ? h.opError : null;

  return (
    <div className="space-y-3" data-testid="editor-edit">
      <div className="card sticky top-0 z-10 flex flex-wrap items-center gap-2 p-2">
        <button type="button" className="btn-secondary" onClick={undo} disabled={!h.canUndo} aria-label="Undo (Ctrl+Z)" title="Undo (Ctrl/Cmd+Z)" data-testid="undo">
          ↶ Undo
        </button>
        <button type="button" className="btn-secondary" onClick={redo} disabled={!h.canRedo} aria-label="Redo (Ctrl+Shift+Z)" title="Redo (Ctrl/Cmd+Shift+Z, Ctrl+Y)" data-testid="redo">
          ↷ Redo
        </button>
        <span className="text-sm text-zinc-600" data-testid="draft-status" aria-live="polite">
          Editing version {base.version}
          {dirty ? " · unsaved changes" : " · no changes"}
          {errors.length > 0 && <span className="text-red-700"> · {errors.length} {errors.length === 1 ? "error" : "errors"}</span>}
          {warnings > 0 && <span className="text-amber-700"> · {warnings} {warnings === 1 ? "warning" : "warnings"}</span>}
        </span>
        <span className="flex-1" />
        <label className="flex items-center gap-1 text-sm">
          <span className="sr-only">Note for this version</span>
          <input className="input w-56 py-1" placeholder="Note (optional)" value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} data-testid="save-note" />
        </label>
        <button type="button" className="btn-primary" disabled={!canSave} onClick={() => doSave(base.version)} title={saveTitle} data-testid="save-draft">
          {save.isPending ? "Saving…" : "Save new version"}
        </button>
        <button type="button" className="btn-secondary" onClick={() => (dirty ? setConfirmCancel(true) : discardAndLeave())} data-testid="cancel-edit">
          Cancel
        </button>
        {/* Live metrics ride in the sticky toolbar, so they stay in view while scrolling through steps. */}
        <div className="w-full border-t border-zinc-100 pt-2">
          <LiveMetrics base={baseComp.summary} now={comp.summary} stored={base.metrics as { tokenizer?: string } | null} />
        </div>
      </div>

      {restored !== null && dirty && (
        <p className="flex flex-wrap items-center gap-2 rounded border border-sky-300 bg-sky-50 px-3 py-2 text-sm text-sky-900" role="status" data-testid="restored-draft">
          Your unsaved edits of version {restored} were restored.
          <button type="button" className="text-sm text-brand-700 underline" onClick={discardRestored}>
            Discard them
          </button>
        </p>
      )}
      {version > base.version && !conflict && (
        <p className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" role="status" data-testid="newer-version">
          Version {version} was saved by someone else while you were editing version {base.version}. Saving will show both sets of changes so you can merge.
        </p>
      )}
      {saveError && (
        <p role="alert" className="rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="save-error">
          {saveError}
        </p>
      )}
      {conflict && (
        <ConflictView
          workspaceId={workspaceId}
          trajectoryId={trajectoryId}
          message={conflict.message}
          hintVersion={conflict.version}
          base={base}
          mine={draft}
          recompute={recompute}
          saving={save.isPending}
          onLoadTheirs={loadTheirs}
          onKeepMine={(theirVersion) => doSave(theirVersion)}
        />
      )}

      <section aria-label="Problems" className="text-sm">
        <ul className="space-y-0.5" data-testid="draft-issues" aria-live="polite">
          {floatingError && (
            <li className="font-medium text-red-700" role="alert" data-testid="op-error">
              ✕ Not applied: {floatingError.issue.message}
            </li>
          )}
          {comp.issues.map((i, k) => {
            const target = issueTargets(i)[0];
            return (
              <li key={k} className={i.severity === "error" ? "text-red-700" : "text-amber-700"} data-severity={i.severity} data-code={i.code}>
                {i.severity === "error" ? "✕" : "⚠"} {i.message}
                {target !== undefined && ids.includes(target) && (
                  <button type="button" className="ml-2 text-xs text-brand-600 hover:underline" onClick={() => scrollToStep(target)}>
                    go to step {target}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
        {comp.issues.length === 0 && !floatingError && <p className="text-emerald-700">No problems: the DAG is valid.</p>}
      </section>

      <div className="grid gap-4 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="min-w-0 space-y-2" data-testid="edit-steps">
          {draft.steps.map((s, index) => (
            <EditStepCard
              key={s.id}
              step={s}
              ids={ids}
              index={index}
              parents={draft.dag[s.id] ?? EMPTY}
              stage={comp.stages?.stageOf[s.id] ?? null}
              pin={draft.stagePins?.[s.id] ?? null}
              maxStage={maxStage}
              issues={byStep.m.get(s.id) ?? NO_ISSUES}
              issuesKey={byStep.keys.get(s.id) ?? ""}
              opError={h.opError && h.opError.at === s.id ? h.opError : null}
              highlighted={hover === s.id}
              actions={actions}
            />
          ))}
          {draft.steps.length === 0 && <p className="text-sm text-zinc-500">No steps.</p>}
        </div>
        <aside className="min-w-0 space-y-4 xl:sticky xl:top-40 xl:self-start">
          <div className="card p-4">
            <h2 className="mb-1 text-sm font-semibold">Dependency DAG</h2>
            <p className="mb-2 text-xs text-zinc-500">Click an edge to remove it.</p>
            <DagCanvas
              steps={draft.steps}
              dag={draft.dag}
              stageOf={comp.stages?.stageOf ?? null}
              highlight={hover}
              onHover={setHover}
              onEdgeClick={onEdgeClick}
              edgeActionLabel="Remove"
              edgeIssues={edgeIssues}
            />
          </div>
          {rounds.length > 0 && (
            <div className="card p-4">
              <h2 className="mb-2 text-sm font-semibold">Stage timeline (live)</h2>
              <StageTimeline rounds={rounds} />
            </div>
          )}
        </aside>
      </div>

      {confirmCancel && (
        <ConfirmDialog
          title="Discard your changes?"
          confirmLabel="Discard changes"
          onCancel={() => setConfirmCancel(false)}
          onConfirm={() => {
            setConfirmCancel(false);
            discardAndLeave();
          }}
        >
          Your edits to version {base.version} have not been saved and will be lost.
        </ConfirmDialog>
      )}
    </div>
  );
}
