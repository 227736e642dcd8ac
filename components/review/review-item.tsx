"use client";
/**
 * One review item: guidelines beside the trajectory, the editor (e), comments anchored to steps / edges /
 * stages (c), the decision (a approve, r reject), blind reviews of the other reviewers, curator
 * adjudication, version history with diff, and the activity trail. j/k move through the queue; approving
 * moves on to the next item of the queue; ? lists every shortcut; Ctrl/⌘+K opens the command palette with
 * the same actions. The side column (guidelines, decision, comments) collapses to give the editor's DAG room;
 * it starts collapsed while editing.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "../workspace-context";
import { Markdown } from "../markdown";
import { useCommands, type Command } from "../command-palette";
import { StatusBadge } from "./status-badge";
import { CommentsPanel, anchorKey, type Anchor, type CommentsPanelHandle } from "./comments-panel";
import { TrajectoryEditor } from "./trajectory-editor";
import { HistoryPanel } from "./history-panel";
import { ConfirmDialog } from "./confirm-dialog";

type Decision = "approved" | "rejected" | "changes_requested";

const SHORTCUTS: [string, string][] = [
  ["j / k", "next / previous item in the queue"],
  ["a", "approve (and go to the next item)"],
  ["r", "reject"],
  ["x", "request changes"],
  ["c", "comment"],
  ["e", "edit the trajectory"],
  ["h", "version history"],
  ["g", "show / hide guidelines"],
  ["s", "show / hide the side column"],
  ["Ctrl/⌘ + Z, Ctrl/⌘ + Shift + Z", "undo / redo while editing"],
  ["Ctrl/⌘ + K", "command palette"],
  ["?", "this help"],
];

export function ReviewItem({ datasetId, trajectoryId }: { datasetId: string; trajectoryId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const params = useSearchParams();
  const mineQueue = params.get("queue") === "mine";
  const key = { workspaceId: ws.id, trajectoryId };
  const item = useQuery(trpc.review.item.queryOptions({ ...key, queue: { mine: mineQueue } }));
  const activity = useQuery(trpc.review.activity.queryOptions(key));
  const comments = useQuery(trpc.comments.list.queryOptions(key));
  const [tab, setTab] = useState<"trajectory" | "history">("trajectory");
  const [editing, setEditing] = useState(false);
  const [help, setHelp] = useState(false);
  const [showGuidelines, setShowGuidelines] = useState(true);
  const [note, setNote] = useState("");
  const [adjudicate, setAdjudicate] = useState<Adjudication | null>(null);
  const commentsRef = useRef<CommentsPanelHandle>(null);
  // The side column is open when reading and collapsed when editing, unless the reviewer toggled it.
  const [side, setSide] = useState({ read: true, edit: false });
  const sideOpen = editing ? side.edit : side.read;
  const toggleSide = () => setSide((v) => (editing ? { ...v, edit: !v.edit } : { ...v, read: !v.read }));
  const [flash, setFlash] = useState<string | null>(() => takeFlash());

  const invalidate = () => {
    void qc.invalidateQueries({ queryKey: trpc.review.pathKey() });
    void qc.invalidateQueries({ queryKey: trpc.trajectories.pathKey() });
  };
  const start = useMutation(trpc.review.start.mutationOptions({ onSuccess: invalidate }));
  const submit = useMutation(trpc.review.submit.mutationOptions({ onSuccess: () => { setNote(""); invalidate(); } }));
  const curator = useMutation(trpc.review.curatorAction.mutationOptions({ onSuccess: () => { setAdjudicate(null); invalidate(); } }));

  const d = item.data;
  const myReview = d?.myReview;
  // Opening an assigned item starts its review.
  const startedFor = useRef<string | null>(null);
  useEffect(() => {
    if (myReview && myReview.status === "pending" && !myReview.submittedAt && startedFor.current !== trajectoryId) {
      startedFor.current = trajectoryId;
      start.mutate(key);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [myReview, trajectoryId]);

  const base = `/w/${ws.slug}/review/${datasetId}/`;
  const suffix = mineQueue ? "?queue=mine" : "";
  const decide = (decision: Decision) => {
    if (!d?.permissions.canDecide) return;
    const next = d.nextId;
    const label = d.trace.externalId ?? d.trajectory.id.slice(-8);
    submit.mutate(
      { ...key, decision, ...(note.trim() ? { note: note.trim() } : {}) },
      {
        onSuccess: () => {
          // Approving moves on to the next item of the queue (reject and request changes stay, to comment on why).
          if (decision === "approved" && next) {
            putFlash(`Approved ${label}.`);
            router.push(base + next + suffix);
          }
        },
      },
    );
  };
  const comment = (a?: Anchor) => commentsRef.current?.compose(a);

  const commands = useMemo<Command[]>(() => {
    if (!d) return [];
    const c: Command[] = [];
    if (d.nextId) c.push({ id: "next", label: "Next item", hint: "j", run: () => router.push(base + d.nextId + suffix) });
    if (d.prevId) c.push({ id: "prev", label: "Previous item", hint: "k", run: () => router.push(base + d.prevId + suffix) });
    if (d.permissions.canDecide) {
      c.push({ id: "approve", label: "Approve", hint: "a", run: () => decide("approved") });
      c.push({ id: "reject", label: "Reject", hint: "r", run: () => decide("rejected") });
      c.push({ id: "changes", label: "Request changes", hint: "x", run: () => decide("changes_requested") });
    }
    if (d.permissions.canComment) c.push({ id: "comment", label: "Comment", hint: "c", run: () => comment() });
    if (d.permissions.canEdit && !editing) c.push({ id: "edit", label: "Edit trajectory", hint: "e", run: () => { setTab("trajectory"); setEditing(true); } });
    c.push({ id: "history", label: "Version history", hint: "h", run: () => setTab("history") });
    if (d.permissions.canAdjudicate) {
      c.push({ id: "adj-approve", label: "Adjudicate: approve", run: () => setAdjudicate({ action: "adjudicate", decision: "approved", label: "Approve as curator" }) });
      c.push({ id: "adj-reject", label: "Adjudicate: reject", run: () => setAdjudicate({ action: "adjudicate", decision: "rejected", label: "Reject as curator" }) });
      c.push({ id: "send-back", label: "Send back for rework", run: () => setAdjudicate({ action: "send_back", label: "Send back" }) });
      c.push({ id: "reopen", label: "Re-open for re-review", run: () => setAdjudicate({ action: "reopen", label: "Re-open" }) });
    }
    c.push({ id: "help", label: "Keyboard shortcuts", hint: "?", run: () => setHelp(true) });
    return c;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [d, editing, note, suffix]);
  useCommands("review-item", commands);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
      if (e.metaKey || e.ctrlKey || e.altKey || !d) return;
      if (document.querySelector("dialog[open]")) return;
      // Escape while editing belongs to the editor (it asks before discarding changes).
      if (e.key === "Escape") { setHelp(false); return; }
      if (e.key === "?") { setHelp((v) => !v); return; }
      if (editing) return; // while editing only Escape leaves; typing keys belong to the editor
      const byKey: Record<string, () => void> = {
        j: () => d.nextId && router.push(base + d.nextId + suffix),
        k: () => d.prevId && router.push(base + d.prevId + suffix),
        a: () => decide("approved"),
        r: () => decide("rejected"),
        x: () => decide("changes_requested"),
        c: () => { e.preventDefault(); comment(); },
        e: () => { if (d.permissions.canEdit) { setTab("trajectory"); setEditing(true); } },
        h: () => setTab("history"),
        g: () => setShowGuidelines((v) => !v),
        s: () => toggleSide(),
      };
      byKey[e.key]?.();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const commentCounts = useMemo(() => {
    const m: Record<string, number> = {};
    for (const t of comments.data ?? []) if (!t.resolvedAt) m[anchorKey(t.anchor)] = (m[anchorKey(t.anchor)] ?? 0) + 1;
    return m;
  }, [comments.data]);

  if (item.error) return <p role="alert" className="text-red-600">{errorMessage(item.error)}</p>;
  if (!d) return <p className="text-sm text-zinc-500">Loading…</p>;
  const status = d.disagreement ? "disagreement" : d.trajectory.reviewStatus;
  const others = d.reviews.filter((r) => !r.mine);

  return (
    <div className="space-y-4" data-testid="review-item">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex items-center gap-2 text-sm text-zinc-500">
          <Link className="hover:underline" href={`/w/${ws.slug}/review`}>Review</Link> /
          <Link className="hover:underline" href={`/w/${ws.slug}/review/${datasetId}`}>{d.dataset.name}</Link> /
          <span>{d.trace.externalId ?? d.trajectory.id.slice(-8)}</span>
          <StatusBadge status={status} testId="item-status" />
          <span className="text-xs">v{d.trajectory.version}</span>
        </div>
        <div className="flex gap-2 text-sm">
          <button className="btn-secondary" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts">?</button>
          <button className="btn-secondary" disabled={!d.prevId} onClick={() => router.push(base + d.prevId + suffix)}>← Prev (k)</button>
          <button className="btn-secondary" disabled={!d.nextId} onClick={() => router.push(base + d.nextId + suffix)} data-testid="next-item">Next (j) →</button>
        </div>
      </div>

      {flash && (
        <p role="status" className="flex items-center justify-between rounded border border-emerald-200 bg-emerald-50 px-3 py-1.5 text-sm text-emerald-900" data-testid="review-flash">
          <span>{flash} This is the next item in the queue.</span>
          <button type="button" className="text-xs underline" onClick={() => setFlash(null)}>Dismiss</button>
        </p>
      )}
      <div className={`grid gap-4 ${sideOpen ? "xl:grid-cols-[minmax(0,1fr)_24rem]" : "xl:grid-cols-[minmax(0,1fr)_2.5rem]"}`} data-side={sideOpen ? "open" : "collapsed"} data-testid="review-layout">
        <div className="min-w-0 space-y-4">
          <div className="card p-4">
            <h1 className="text-sm font-semibold text-zinc-500">Question</h1>
            <div className="mt-1 text-sm"><Markdown text={d.trace.question} /></div>
            {d.trace.referenceAnswer && <div className="mt-1 text-xs text-zinc-500">Reference answer: {d.trace.referenceAnswer}</div>}
          </div>
          <div className="flex items-center gap-1 border-b border-zinc-200" role="tablist">
            {(["trajectory", "history"] as const).map((t) => (
              <button key={t} role="tab" aria-selected={tab === t} className={`-mb-px border-b-2 px-3 py-2 text-sm capitalize ${tab === t ? "border-brand-600 font-medium text-brand-700" : "border-transparent text-zinc-600"}`} onClick={() => setTab(t)}>
                {t === "history" ? "History (h)" : "Trajectory"}
              </button>
            ))}
            <div className="ml-auto pb-1">
              {tab === "trajectory" && d.permissions.canEdit && !editing && (
                <button className="btn-primary" onClick={() => setEditing(true)} data-testid="edit-toggle">Edit (e)</button>
              )}
            </div>
          </div>
          {tab === "trajectory" ? (
            <TrajectoryEditor
              key={d.trajectory.id}
              workspaceId={ws.id}
              trajectoryId={d.trajectory.id}
              version={d.trajectory.version}
              stored={{ steps: d.trajectory.steps, dagEdges: d.trajectory.dagEdges, stages: d.trajectory.stages, metrics: d.trajectory.metrics }}
              question={d.trace.question}
              canEdit={d.permissions.canEdit}
              editing={editing}
              onEditingChange={setEditing}
              onSaved={() => { setEditing(false); invalidate(); }}
              onComment={d.permissions.canComment ? (a) => comment(a) : undefined}
              commentCounts={commentCounts}
            />
          ) : (
            <HistoryPanel workspaceId={ws.id} trajectoryId={d.trajectory.id} currentVersion={d.trajectory.version} canRestore={d.permissions.canAdjudicate} onRestored={() => invalidate()} />
          )}
        </div>

        {!sideOpen && (
          <aside className="xl:sticky xl:top-4 xl:self-start">
            <button type="button" className="btn-secondary w-full xl:h-40 xl:px-0 xl:[writing-mode:vertical-rl]" onClick={toggleSide} aria-expanded={false} aria-controls="review-side" data-testid="side-toggle">
              Show guidelines, decision and comments (s)
            </button>
          </aside>
        )}
        <aside className={`space-y-4 ${sideOpen ? "" : "hidden"}`} id="review-side">
          <div className="flex justify-end">
            <button type="button" className="text-xs text-zinc-500 hover:text-zinc-800" onClick={toggleSide} aria-expanded={true} aria-controls="review-side" data-testid="side-toggle">
              Hide side column (s) →
            </button>
          </div>
          <section className="card p-4">
            <button className="flex w-full items-center justify-between text-sm font-semibold" onClick={() => setShowGuidelines((v) => !v)} aria-expanded={showGuidelines}>
              Guidelines <span className="text-xs font-normal text-zinc-500">{showGuidelines ? "hide (g)" : "show (g)"}</span>
            </button>
            {showGuidelines && (
              <div className="mt-2 max-h-72 overflow-auto text-sm" data-testid="guidelines">
                {d.dataset.guidelines ? <Markdown text={d.dataset.guidelines} /> : <p className="text-zinc-500">No guidelines for this dataset yet{ws.can("curator") ? " — add them in the Guidelines tab." : "."}</p>}
              </div>
            )}
          </section>

          <section className="card space-y-3 p-4" data-testid="decision-panel">
            <h2 className="text-sm font-semibold">Your review</h2>
            {d.permissions.canDecide ? (
              <>
                <p className="text-xs text-zinc-600">
                  {myReview?.submittedAt ? <>You decided <StatusBadge status={myReview.status} testId="my-decision" />. You can change it.</> : "Not submitted yet. Others' decisions stay hidden until you submit."}
                </p>
                <textarea className="input w-full text-sm" rows={2} placeholder="Note for the team (optional)" value={note} onChange={(e) => setNote(e.target.value)} aria-label="Decision note" />
                <div className="flex flex-wrap gap-2">
                  <button className="btn-primary" onClick={() => decide("approved")} disabled={submit.isPending} data-testid="approve">Approve (a)</button>
                  <button className="btn-danger" onClick={() => decide("rejected")} disabled={submit.isPending} data-testid="reject">Reject (r)</button>
                  <button className="btn-secondary" onClick={() => decide("changes_requested")} disabled={submit.isPending}>Request changes (x)</button>
                </div>
                {submit.error && <p role="alert" className="text-sm text-red-600">{errorMessage(submit.error)}</p>}
              </>
            ) : (
              <p className="text-xs text-zinc-600">{ws.can("reviewer") ? "This item is not assigned to you." : "Viewers can read reviews but not decide."}</p>
            )}
            {others.length > 0 && (
              <ul className="space-y-1 border-t border-zinc-100 pt-2 text-sm" data-testid="other-reviews">
                {others.map((r) => (
                  <li key={r.reviewerId} className="flex items-start justify-between gap-2">
                    <span>{r.reviewerName}</span>
                    <span className="text-right text-xs">
                      {r.hidden ? (r.submitted ? "submitted · hidden until you submit" : "not yet") : r.status ? <StatusBadge status={r.status} /> : null}
                      {!r.hidden && r.note && <span className="block text-zinc-600">“{r.note}”</span>}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {d.trajectory.decidedBy && (d.trajectory.reviewStatus === "approved" || d.trajectory.reviewStatus === "rejected" || d.trajectory.reviewStatus === "changes_requested") && (
              <p className="text-xs text-zinc-500">
                Decided by {d.trajectory.decidedBy}{d.trajectory.adjudicated ? " (curator)" : ""}{d.trajectory.decisionNote ? `: “${d.trajectory.decisionNote}”` : ""}
              </p>
            )}
          </section>

          {d.permissions.canAdjudicate && (
            <section className="card space-y-2 p-4" data-testid="curator-panel">
              <h2 className="text-sm font-semibold">Curator{d.disagreement && <span className="ml-2 text-xs font-normal text-fuchsia-700">reviewers disagree</span>}</h2>
              {d.permissions.canDecide ? (
                // Also a reviewer here: "Your review" above decides; the curator's override is one step away, not a second set of buttons.
                <details className="text-sm" data-testid="curator-override">
                  <summary className="cursor-pointer text-zinc-600">Final decision over all reviewers, send back, re-review…</summary>
                  <CuratorButtons onPick={setAdjudicate} />
                </details>
              ) : (
                <CuratorButtons onPick={setAdjudicate} />
              )}
            </section>
          )}

          <CommentsPanel ref={commentsRef} trajectoryId={d.trajectory.id} canComment={d.permissions.canComment} />

          <section className="card p-4 text-xs" data-testid="activity">
            <h2 className="mb-2 text-sm font-semibold">Activity</h2>
            <ul className="max-h-64 space-y-1 overflow-auto">
              {(activity.data ?? []).map((a) => (
                <li key={a.id} className="flex justify-between gap-2">
                  <span><strong>{a.actor ?? "system"}</strong> {describe(a.action, a.data)}</span>
                  <span className="shrink-0 text-zinc-400">{new Date(a.at).toLocaleString()}</span>
                </li>
              ))}
              {activity.data?.length === 0 && <li className="text-zinc-500">Nothing yet.</li>}
            </ul>
          </section>
        </aside>
      </div>

      {help && (
        <div className="fixed inset-0 z-40 flex items-center justify-center bg-black/30" onClick={() => setHelp(false)} data-testid="shortcuts-help">
          <div className="w-full max-w-md rounded-lg bg-white p-5 shadow-xl" onClick={(e) => e.stopPropagation()} role="dialog" aria-label="Keyboard shortcuts">
            <h2 className="mb-3 text-base font-semibold">Keyboard shortcuts</h2>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
              {SHORTCUTS.map(([k, v]) => (
                <div key={k} className="contents"><dt><kbd className="rounded border border-zinc-300 px-1.5 text-xs">{k}</kbd></dt><dd>{v}</dd></div>
              ))}
            </dl>
            <button className="btn-secondary mt-4" onClick={() => setHelp(false)}>Close (Esc)</button>
          </div>
        </div>
      )}
      {adjudicate && (
        <ConfirmDialog
          title={`${adjudicate.label}?`}
          confirmLabel={adjudicate.label}
          withNote={adjudicate.action !== "reopen"}
          pending={curator.isPending}
          error={curator.error ? errorMessage(curator.error) : null}
          onCancel={() => setAdjudicate(null)}
          onConfirm={(n) => curator.mutate({ workspaceId: ws.id, trajectoryIds: [trajectoryId], action: adjudicate.action, ...(adjudicate.decision ? { decision: adjudicate.decision } : {}), ...(n ? { note: n } : {}) })}
        >
          {adjudicate.action === "reopen" ? "All reviews of this item go back to pending for a re-review." : "This decision stands over the reviewers' decisions until the item is re-opened."}
        </ConfirmDialog>
      )}
    </div>
  );
}

type Adjudication = { action: "adjudicate" | "send_back" | "reopen"; decision?: Decision; label: string };

function CuratorButtons({ onPick }: { onPick: (a: Adjudication) => void }) {
  return (
    <div className="mt-2 flex flex-wrap gap-2">
      <button className="btn-secondary" onClick={() => onPick({ action: "adjudicate", decision: "approved", label: "Approve as curator" })} data-testid="adjudicate-approve">Final: approve</button>
      <button className="btn-secondary" onClick={() => onPick({ action: "adjudicate", decision: "rejected", label: "Reject as curator" })} data-testid="adjudicate-reject">Final: reject</button>
      <button className="btn-secondary" onClick={() => onPick({ action: "send_back", label: "Send back for rework" })}>Send back</button>
      <button className="btn-secondary" onClick={() => onPick({ action: "reopen", label: "Re-open for re-review" })}>Re-review</button>
    </div>
  );
}

/** A one-shot message carried to the next item after a decision moved the reviewer on. */
const FLASH_KEY = "sprint.review.flash";
function putFlash(msg: string) {
  try {
    sessionStorage.setItem(FLASH_KEY, msg);
  } catch {
    /* storage disabled: no message */
  }
}
function takeFlash(): string | null {
  if (typeof window === "undefined") return null;
  try {
    const v = sessionStorage.getItem(FLASH_KEY);
    sessionStorage.removeItem(FLASH_KEY);
    return v;
  } catch {
    return null;
  }
}

function describe(action: string, data: unknown): string {
  const x = (data ?? {}) as Record<string, unknown>;
  switch (action) {
    case "review.assign": return "assigned reviewers";
    case "review.unassign": return "removed a reviewer";
    case "review.start": return "started reviewing";
    case "review.submit": return `decided ${String(x.decision ?? "").replace("_", " ")} on v${String(x.version ?? "?")}`;
    case "review.adjudicate": return `adjudicated: ${String(x.decision ?? "").replace("_", " ")}`;
    case "review.send_back": return "sent it back for rework";
    case "review.reopen": return "re-opened it for re-review";
    case "trajectory.edit": return `saved v${String(x.to ?? "?")} (sequential tokens ${String(x.sequentialTokens ?? "?")})`;
    case "trajectory.restore": return `restored v${String(x.restoredFrom ?? "?")} as v${String(x.to ?? "?")}`;
    case "comment.add": return "commented";
    case "comment.resolve": return "resolved a comment";
    case "comment.unresolve": return "re-opened a comment";
    case "comment.delete": return "deleted a comment";
    default: return action;
  }
}
