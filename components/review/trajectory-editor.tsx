"use client";
/**
 * The trajectory editor of the review item page (issue #5). Read mode: stages as coloured groups of
 * step cards, the DAG and metrics, with comment affordances on steps, edges and stages. Edit mode
 * (components/review/editor/edit-mode.tsx): live-validated edits with undo/redo, live metrics with
 * deltas, versioned saves with conflict detection and a merge view.
 */
import { useMemo } from "react";
import { EditMode } from "./editor/edit-mode";
import { ReadView, type StoredMetricsView } from "./editor/read-view";
import { draftFromColumns, type CommentAnchor } from "./editor/shared";

export type { CommentAnchor } from "./editor/shared";

export interface TrajectoryEditorProps {
  workspaceId: string;
  trajectoryId: string;
  version: number;
  stored: { steps: unknown; dagEdges: unknown; stages: unknown; metrics: unknown };
  question: string;
  finalAnswer?: string;
  canEdit: boolean;
  editing: boolean;
  onEditingChange(v: boolean): void;
  onSaved(version: number): void;
  onComment?(anchor: CommentAnchor): void;
  /** Key "step:3" | "edge:1-3" | "stage:2" → open comment count (a small badge). */
  commentCounts?: Record<string, number>;
}

export function TrajectoryEditor(props: TrajectoryEditorProps) {
  const { stored, editing, canEdit } = props;
  const draft = useMemo(
    () => draftFromColumns({ steps: stored.steps, dagEdges: stored.dagEdges, stages: stored.stages }),
    [stored.steps, stored.dagEdges, stored.stages],
  );
  const inEdit = editing && canEdit;
  return (
    <div data-testid="editor" data-mode={inEdit ? "edit" : "read"} data-version={props.version}>
      {editing && !canEdit && (
        <p role="status" className="mb-2 rounded border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm text-zinc-600">
          You cannot edit this trajectory (reviewers edit items assigned to them; curators any item).
        </p>
      )}
      {inEdit ? (
        <EditMode
          workspaceId={props.workspaceId}
          trajectoryId={props.trajectoryId}
          version={props.version}
          stored={stored}
          question={props.question}
          {...(props.finalAnswer !== undefined ? { finalAnswer: props.finalAnswer } : {})}
          onEditingChange={props.onEditingChange}
          onSaved={props.onSaved}
        />
      ) : (
        <ReadView
          draft={draft}
          storedStages={stored.stages}
          metrics={(stored.metrics ?? null) as StoredMetricsView | null}
          {...(props.onComment ? { onComment: props.onComment } : {})}
          {...(props.commentCounts ? { commentCounts: props.commentCounts } : {})}
        />
      )}
    </div>
  );
}

export default TrajectoryEditor;
