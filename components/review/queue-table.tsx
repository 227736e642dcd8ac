"use client";
/** The review queue: my items or all, filtered by status; curators select rows for bulk actions. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "../workspace-context";
import { StatusBadge } from "./status-badge";
import { ConfirmDialog } from "./confirm-dialog";
import { MathText } from "@/components/math-text";

const STATUSES = ["", "pending", "in_review", "approved", "rejected", "changes_requested", "disagreement", "unassigned"] as const;
type Status = Exclude<(typeof STATUSES)[number], "">;
type Bulk = { action: "adjudicate" | "send_back" | "reopen"; decision?: "approved" | "rejected" | "changes_requested"; label: string };
const PAGE = 100;

export function QueueTable({ datasetId }: { datasetId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const [mine, setMine] = useState(!ws.can("curator"));
  const [status, setStatus] = useState<Status | "">("");
  /** Cursors of the pages visited (null: the first page); the last one is shown (keyset pages). */
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const page = cursors.length - 1;
  const setPage = (p: number) => setCursors((cs) => (p === 0 ? [null] : cs.slice(0, p + 1)));
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulk, setBulk] = useState<Bulk | null>(null);
  const [assignOpen, setAssignOpen] = useState(false);
  const [cursorRow, setCursorRow] = useState(0);
  const filter = { workspaceId: ws.id, datasetId, mine, ...(status ? { status } : {}), limit: PAGE };
  const q = useQuery(trpc.review.queue.queryOptions({ ...filter, cursor: cursors[page] ?? null }));
  // The first page carries the total (the same query as page 1: fetched once, kept in the cache).
  const first = useQuery(trpc.review.queue.queryOptions({ ...filter, cursor: null }));
  const total = first.data?.total ?? null;
  const nextCursor = q.data?.nextCursor ?? null;
  const act = useMutation(
    trpc.review.curatorAction.mutationOptions({
      onSuccess: () => {
        setSelected(new Set());
        setBulk(null);
        void qc.invalidateQueries({ queryKey: trpc.review.pathKey() });
      },
    }),
  );
  const assign = useMutation(
    trpc.review.assignManual.mutationOptions({
      onSuccess: () => {
        setSelected(new Set());
        setAssignOpen(false);
        void qc.invalidateQueries({ queryKey: trpc.review.pathKey() });
      },
    }),
  );
  const rows = q.data?.rows ?? [];
  const href = (id: string) => `/w/${ws.slug}/review/${datasetId}/${id}${mine ? "?queue=mine" : ""}`;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement) return;
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === "j") setCursorRow((i) => Math.min(rows.length - 1, i + 1));
      if (e.key === "k") setCursorRow((i) => Math.max(0, i - 1));
      if (e.key === "Enter" && rows[cursorRow]) router.push(href(rows[cursorRow]!.id));
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const toggle = (id: string) => setSelected((s) => { const n = new Set(s); if (n.has(id)) n.delete(id); else n.add(id); return n; });

  return (
    <div className="card" data-testid="review-queue">
      <div className="flex flex-wrap items-center gap-3 border-b border-zinc-100 p-3 text-sm">
        <div className="flex overflow-hidden rounded border border-zinc-300" role="group" aria-label="Queue">
          <button className={`px-3 py-1 ${mine ? "bg-brand-600 text-white" : ""}`} onClick={() => { setMine(true); setPage(0); }}>My queue</button>
          <button className={`px-3 py-1 ${!mine ? "bg-brand-600 text-white" : ""}`} onClick={() => { setMine(false); setPage(0); }}>All items</button>
        </div>
        <label className="flex items-center gap-1">
          <span className="text-zinc-500">Status</span>
          <select className="input py-1" value={status} onChange={(e) => { setStatus(e.target.value as Status | ""); setPage(0); }} aria-label="Status filter">
            {STATUSES.map((s) => <option key={s} value={s}>{s ? s.replace("_", " ") : "any"}</option>)}
          </select>
        </label>
        <span className="text-zinc-500" data-testid="queue-total">{total !== null ? `${first.data?.totalAtLeast ? "more than " : ""}${total} items` : "…"}</span>
        {ws.can("curator") && selected.size > 0 && (
          <div className="ml-auto flex flex-wrap items-center gap-2" data-testid="bulk-actions">
            <span className="text-zinc-600">{selected.size} selected</span>
            <button className="btn-secondary" onClick={() => setAssignOpen(true)}>Assign to…</button>
            <button className="btn-secondary" onClick={() => setBulk({ action: "adjudicate", decision: "approved", label: "Approve" })}>Approve</button>
            <button className="btn-secondary" onClick={() => setBulk({ action: "adjudicate", decision: "rejected", label: "Reject" })}>Reject</button>
            <button className="btn-secondary" onClick={() => setBulk({ action: "send_back", label: "Send back for rework" })}>Send back</button>
            <button className="btn-secondary" onClick={() => setBulk({ action: "reopen", label: "Re-open for re-review" })}>Re-review</button>
          </div>
        )}
      </div>
      {q.error && <p role="alert" className="p-3 text-sm text-red-600">{errorMessage(q.error)}</p>}
      {q.data && rows.length === 0 && (
        <p className="p-6 text-center text-sm text-zinc-500">
          {mine ? "Nothing assigned to you here." : "No items match."} {ws.can("curator") && "Assign kept trajectories in the Assign tab."}
        </p>
      )}
      {rows.length > 0 && (
        <table className="w-full text-sm">
          <thead className="bg-zinc-50 text-left text-xs text-zinc-500">
            <tr>
              {ws.can("curator") && (
                <th className="w-8 px-3 py-2">
                  <input type="checkbox" aria-label="Select all" checked={allSelected} onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map((r) => r.id)))} />
                </th>
              )}
              <th className="px-3 py-2">Question</th>
              <th className="px-3 py-2">Status</th>
              <th className="px-3 py-2">Reviewers</th>
              <th className="px-3 py-2 text-right">Stages</th>
              <th className="px-3 py-2 text-right">Reduction</th>
              <th className="px-3 py-2 text-right">Open comments</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.id} className={`border-t border-zinc-100 ${i === cursorRow ? "bg-brand-50" : ""}`} data-testid="queue-row" aria-current={i === cursorRow}>
                {ws.can("curator") && (
                  <td className="px-3 py-2"><input type="checkbox" aria-label={`Select ${r.externalId ?? r.id}`} checked={selected.has(r.id)} onChange={() => toggle(r.id)} /></td>
                )}
                <td className="max-w-md truncate px-3 py-2"><Link className="text-brand-700 hover:underline" href={href(r.id)}><MathText text={r.question} max={120} /></Link></td>
                <td className="px-3 py-2"><StatusBadge status={r.disagreement ? "disagreement" : r.reviewStatus} testId="queue-status" />{r.adjudicated && <span className="ml-1 text-xs text-zinc-500" title="decided by a curator">⚖</span>}</td>
                <td className="px-3 py-2 text-xs">
                  {r.reviews.map((v) => (
                    <span key={v.reviewerId} className="mr-2 whitespace-nowrap" title={v.hidden ? "hidden until you submit" : v.status ?? ""}>
                      {v.reviewerName}{v.submitted ? (v.hidden ? " ✓" : ` · ${v.status?.replace("_", " ")}`) : " · open"}
                    </span>
                  ))}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{r.stageCount ?? "—"}</td>
                <td className="px-3 py-2 text-right tabular-nums">{r.reduction == null ? "—" : `${Math.round(r.reduction * 100)}%`}</td>
                <td className="px-3 py-2 text-right tabular-nums">{r.openComments}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(page > 0 || nextCursor) && (
        <div className="flex items-center justify-end gap-2 border-t border-zinc-100 p-2 text-sm">
          <button className="btn-secondary" disabled={page === 0} onClick={() => setPage(page - 1)}>Previous</button>
          <span className="text-zinc-500">page {page + 1}{total !== null && !first.data?.totalAtLeast ? ` of ${Math.max(1, Math.ceil(total / PAGE))}` : ""}</span>
          <button className="btn-secondary" disabled={!nextCursor} onClick={() => nextCursor && setCursors((cs) => [...cs, nextCursor])}>Next</button>
        </div>
      )}
      {assignOpen && (
        <AssignDialog
          count={selected.size}
          pending={assign.isPending}
          error={assign.error ? errorMessage(assign.error) : null}
          onCancel={() => setAssignOpen(false)}
          onConfirm={(reviewerIds) => assign.mutate({ workspaceId: ws.id, trajectoryIds: [...selected], reviewerIds })}
        />
      )}
      {bulk && (
        <ConfirmDialog
          title={`${bulk.label}: ${selected.size} item${selected.size === 1 ? "" : "s"}?`}
          confirmLabel={bulk.label}
          withNote={bulk.action !== "reopen"}
          pending={act.isPending}
          error={act.error ? errorMessage(act.error) : null}
          onCancel={() => setBulk(null)}
          onConfirm={(note) => act.mutate({ workspaceId: ws.id, trajectoryIds: [...selected], action: bulk.action, ...(bulk.decision ? { decision: bulk.decision } : {}), ...(note ? { note } : {}) })}
        >
          {bulk.action === "reopen"
            ? "Their reviews go back to pending so the assigned reviewers review them again. Previous decisions stay in the activity log."
            : bulk.action === "send_back"
              ? "They are marked “changes requested”; your note is added as a comment on each item."
              : "This sets the final decision as a curator, over the reviewers' decisions."}
        </ConfirmDialog>
      )}
    </div>
  );
}

function AssignDialog({ count, pending, error, onCancel, onConfirm }: { count: number; pending: boolean; error: string | null; onCancel: () => void; onConfirm: (ids: string[]) => void }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const people = useQuery(trpc.review.reviewers.queryOptions({ workspaceId: ws.id }));
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  return (
    <ConfirmDialog
      title={`Assign ${count} item${count === 1 ? "" : "s"} to…`}
      confirmLabel={`Assign to ${chosen.size} reviewer${chosen.size === 1 ? "" : "s"}`}
      pending={pending || chosen.size === 0}
      error={error}
      onCancel={onCancel}
      onConfirm={() => onConfirm([...chosen])}
    >
      <ul className="max-h-60 space-y-1 overflow-auto">
        {people.data?.map((p) => (
          <li key={p.userId}>
            <label className="flex items-center gap-2">
              <input type="checkbox" checked={chosen.has(p.userId)} onChange={() => setChosen((s) => { const x = new Set(s); if (x.has(p.userId)) x.delete(p.userId); else x.add(p.userId); return x; })} />
              {p.name ?? p.email} <span className="text-xs text-zinc-500">{p.role}</span>
            </label>
          </li>
        ))}
      </ul>
    </ConfirmDialog>
  );
}
