"use client";
/**
 * The editor's state: an undo/redo history of drafts (editing.ts createHistory/push/undo/redo) and
 * the last refused operation (shown inline next to the step or edge it concerns; the draft is then
 * unchanged). Consecutive text edits of the same field within a short time coalesce into one undo
 * step, so undo does not go back keystroke by keystroke.
 */
import { useCallback, useMemo, useReducer } from "react";
import {
  canRedo,
  canUndo,
  createHistory,
  push,
  redo,
  undo,
  type DraftIssue,
  type EditResult,
  type History,
  type TrajectoryDraft,
} from "@/server/sprint/editing";

/** A refused operation: the reason, and what it was about (for placing the message). */
export interface OpError {
  issue: DraftIssue;
  /** Step the message is shown at (the step whose control was used). */
  at: number | null;
}

interface State {
  history: History<TrajectoryDraft>;
  lastKey: string | null;
  lastAt: number;
  opError: OpError | null;
  /** Bumped on every applied change (undo/redo included), e.g. for announcing to screen readers. */
  revision: number;
}

type Action =
  | { type: "op"; run: (d: TrajectoryDraft) => EditResult; at: number | null; key: string | null; now: number }
  | { type: "undo" }
  | { type: "redo" }
  | { type: "reset"; draft: TrajectoryDraft }
  | { type: "clear-error" };

const COALESCE_MS = 1500;

function reducer(s: State, a: Action): State {
  switch (a.type) {
    case "op": {
      const r = a.run(s.history.present);
      if (!r.ok) return { ...s, opError: { issue: r.issue, at: a.at ?? r.issue.stepId ?? null }, lastKey: null };
      if (r.draft === s.history.present) return s.opError ? { ...s, opError: null } : s;
      const coalesce = a.key !== null && a.key === s.lastKey && a.now - s.lastAt < COALESCE_MS && s.history.past.length > 0;
      const history = coalesce ? { ...s.history, present: r.draft, future: [] } : push(s.history, r.draft);
      return { history, lastKey: a.key, lastAt: a.now, opError: null, revision: s.revision + 1 };
    }
    case "undo":
      if (!canUndo(s.history)) return s;
      return { ...s, history: undo(s.history), lastKey: null, opError: null, revision: s.revision + 1 };
    case "redo":
      if (!canRedo(s.history)) return s;
      return { ...s, history: redo(s.history), lastKey: null, opError: null, revision: s.revision + 1 };
    case "reset":
      return { history: createHistory(a.draft, 200), lastKey: null, lastAt: 0, opError: null, revision: s.revision + 1 };
    case "clear-error":
      return s.opError ? { ...s, opError: null } : s;
  }
}

export interface DraftHistoryApi {
  draft: TrajectoryDraft;
  canUndo: boolean;
  canRedo: boolean;
  opError: OpError | null;
  revision: number;
  /** Applies an edit operation; `key` coalesces consecutive edits with the same key (text typing). */
  apply(run: (d: TrajectoryDraft) => EditResult, opts?: { at?: number | null; key?: string }): void;
  undo(): void;
  redo(): void;
  reset(draft: TrajectoryDraft): void;
  clearError(): void;
}

export function useDraftHistory(initial: TrajectoryDraft): DraftHistoryApi {
  const [s, dispatch] = useReducer(reducer, initial, (d) => ({
    history: createHistory(d, 200),
    lastKey: null,
    lastAt: 0,
    opError: null,
    revision: 0,
  }));
  const apply = useCallback(
    (run: (d: TrajectoryDraft) => EditResult, opts: { at?: number | null; key?: string } = {}) =>
      dispatch({ type: "op", run, at: opts.at ?? null, key: opts.key ?? null, now: Date.now() }),
    [],
  );
  const api = useMemo(
    () => ({
      apply,
      undo: () => dispatch({ type: "undo" }),
      redo: () => dispatch({ type: "redo" }),
      reset: (draft: TrajectoryDraft) => dispatch({ type: "reset", draft }),
      clearError: () => dispatch({ type: "clear-error" }),
    }),
    [apply],
  );
  return {
    draft: s.history.present,
    canUndo: canUndo(s.history),
    canRedo: canRedo(s.history),
    opError: s.opError,
    revision: s.revision,
    ...api,
  };
}
