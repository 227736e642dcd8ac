"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "./workspace-context";

const ACTIVE = new Set(["queued", "running"]);

/** Starts a dataset background task and follows its progress (polls while it runs). */
export function TaskProgress({
  datasetId,
  kind,
  label,
  disabled,
  onFinished,
}: {
  datasetId: string;
  kind: "recount-tokens";
  label: string;
  disabled?: boolean;
  onFinished?: () => void;
}) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const key = { workspaceId: ws.id, kind, datasetId };
  const task = useQuery({
    ...trpc.tasks.latestForDataset.queryOptions(key),
    refetchInterval: (q) => (q.state.data && ACTIVE.has(q.state.data.status) ? 700 : false),
  });
  const start = useMutation(
    trpc.tasks.recountTokens.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.tasks.latestForDataset.queryKey(key) }) }),
  );
  const cancel = useMutation(
    trpc.tasks.cancel.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.tasks.latestForDataset.queryKey(key) }) }),
  );
  const t = task.data;
  const active = !!t && ACTIVE.has(t.status);

  const prevStatus = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (prevStatus.current && ACTIVE.has(prevStatus.current) && t && !ACTIVE.has(t.status)) onFinished?.();
    prevStatus.current = t?.status;
  }, [t, onFinished]);

  return (
    <div className="inline-flex min-w-52 flex-col items-end gap-1" data-testid={`task-${kind}`}>
      {active ? (
        <button className="btn-secondary" disabled={disabled || cancel.isPending} onClick={() => t && cancel.mutate({ workspaceId: ws.id, taskId: t.id })}>
          Cancel
        </button>
      ) : (
        <button className="btn-secondary" disabled={disabled || start.isPending} onClick={() => start.mutate({ workspaceId: ws.id, datasetId })}>
          {label}
        </button>
      )}
      {t && (
        <div className="w-52 text-left" data-status={t.status}>
          <div
            className="h-1.5 w-full overflow-hidden rounded bg-zinc-200"
            role="progressbar"
            aria-label={`${label} progress`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(t.progress * 100)}
          >
            <div
              className={`h-full transition-all ${t.status === "failed" ? "bg-red-500" : t.status === "succeeded" ? "bg-green-500" : "bg-brand-500"}`}
              style={{ width: `${Math.round(t.progress * 100)}%` }}
            />
          </div>
          <div className="mt-0.5 text-xs text-zinc-500" data-testid="task-status">
            {t.status} · {Math.round(t.progress * 100)}%{t.message ? ` · ${t.message}` : ""}
            {t.error ? <span className="text-red-600"> · {t.error}</span> : null}
          </div>
        </div>
      )}
      {(start.error ?? cancel.error) && <p role="alert" className="text-xs text-red-600">{errorMessage(start.error ?? cancel.error)}</p>}
    </div>
  );
}
