"use client";
/** Threaded comments of a review item, anchored to the trajectory, a step, an edge or a stage. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { forwardRef, useImperativeHandle, useRef, useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "../workspace-context";
import { Markdown } from "../markdown";

export type Anchor =
  | { kind: "trajectory" }
  | { kind: "step"; stepId: number }
  | { kind: "edge"; parent: number; child: number }
  | { kind: "stage"; stage: number };

export function anchorKey(a: Anchor): string {
  if (a.kind === "step") return `step:${a.stepId}`;
  if (a.kind === "edge") return `edge:${a.parent}-${a.child}`;
  if (a.kind === "stage") return `stage:${a.stage}`;
  return "trajectory";
}

export function anchorLabel(a: Anchor): string {
  if (a.kind === "step") return `step ${a.stepId}`;
  if (a.kind === "edge") return `edge ${a.parent} → ${a.child}`;
  if (a.kind === "stage") return `stage ${a.stage}`;
  return "whole trajectory";
}

export interface CommentsPanelHandle {
  /** Focuses the new-comment box, anchored where given. */
  compose(anchor?: Anchor): void;
}

export const CommentsPanel = forwardRef<CommentsPanelHandle, { trajectoryId: string; canComment: boolean }>(function CommentsPanel(
  { trajectoryId, canComment },
  ref,
) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const key = { workspaceId: ws.id, trajectoryId };
  const list = useQuery(trpc.comments.list.queryOptions(key));
  const members = useQuery(trpc.members.list.queryOptions({ workspaceId: ws.id }));
  const [anchor, setAnchor] = useState<Anchor>({ kind: "trajectory" });
  const [body, setBody] = useState("");
  const [showResolved, setShowResolved] = useState(false);
  const [replyTo, setReplyTo] = useState<string | null>(null);
  const [reply, setReply] = useState("");
  const box = useRef<HTMLTextAreaElement>(null);
  // @-mention autocomplete: the word being typed after "@" and where it starts.
  const [mention, setMention] = useState<{ query: string; at: number } | null>(null);
  const [mentionIndex, setMentionIndex] = useState(0);
  const suggestions = mention
    ? (members.data ?? [])
        .filter((m) => m.email.toLowerCase().includes(mention.query) || (m.name ?? "").toLowerCase().includes(mention.query))
        .slice(0, 6)
    : [];
  const insertMention = (m: { email: string }) => {
    if (!mention) return;
    const handle = `@${m.email} `;
    const caret = mention.at + 1 + mention.query.length;
    const next = body.slice(0, mention.at) + handle + body.slice(caret);
    setBody(next);
    setMention(null);
    requestAnimationFrame(() => {
      const pos = mention.at + handle.length;
      box.current?.focus();
      box.current?.setSelectionRange(pos, pos);
    });
  };
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: trpc.comments.list.queryKey(key) });
    void qc.invalidateQueries({ queryKey: trpc.review.activity.queryKey(key) });
  };
  const add = useMutation(trpc.comments.add.mutationOptions({ onSuccess: refresh }));
  const post = (input: { body: string; parentId?: string; anchor?: Anchor }) =>
    add.mutate(
      { ...key, ...input },
      // Clear only the box that was sent (a half-written reply or comment elsewhere stays).
      { onSuccess: () => (input.parentId ? (setReply(""), setReplyTo(null)) : setBody("")) },
    );
  const resolve = useMutation(trpc.comments.resolve.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.comments.remove.mutationOptions({ onSuccess: refresh }));

  useImperativeHandle(ref, () => ({
    compose(a?: Anchor) {
      if (a) setAnchor(a);
      box.current?.focus();
    },
  }));

  const threads = list.data ?? [];
  const visible = threads.filter((t) => showResolved || !t.resolvedAt);
  const mentionHint = (members.data ?? []).slice(0, 6).map((m) => `@${m.email.split("@")[0]}`).join(" ");

  return (
    <section className="card p-4" data-testid="comments">
      <div className="mb-2 flex items-center justify-between">
        <h2 className="text-sm font-semibold">Comments <span className="font-normal text-zinc-500">({threads.filter((t) => !t.resolvedAt).length} open)</span></h2>
        <label className="flex items-center gap-1 text-xs text-zinc-600">
          <input type="checkbox" checked={showResolved} onChange={(e) => setShowResolved(e.target.checked)} /> show resolved
        </label>
      </div>
      {list.error && <p role="alert" className="text-sm text-red-600">{errorMessage(list.error)}</p>}
      <ul className="space-y-3">
        {visible.map((t) => (
          <li key={t.id} className={`rounded border p-2 text-sm ${t.resolvedAt ? "border-zinc-100 opacity-70" : "border-zinc-200"}`} data-testid="comment-thread">
            <div className="flex items-center justify-between gap-2 text-xs text-zinc-500">
              <span>
                <strong className="text-zinc-800">{t.authorName}</strong> on <span className="rounded bg-zinc-100 px-1" data-testid="comment-anchor">{anchorLabel(t.anchor)}</span>
                {t.trajectoryVersion ? ` · v${t.trajectoryVersion}` : ""} · {new Date(t.createdAt).toLocaleString()}
              </span>
              {canComment && (
                <button className="text-brand-700 hover:underline" onClick={() => resolve.mutate({ ...key, commentId: t.id, resolved: !t.resolvedAt })}>
                  {t.resolvedAt ? "Unresolve" : "Resolve"}
                </button>
              )}
            </div>
            <div className="mt-1" data-testid="comment-body"><Markdown text={t.body} /></div>
            {t.mentions.length > 0 && <div className="text-xs text-zinc-500">mentions: {t.mentions.map((m) => m.name).join(", ")}</div>}
            {t.resolvedAt && <div className="text-xs text-emerald-700">Resolved{t.resolvedBy ? ` by ${t.resolvedBy}` : ""}</div>}
            <ul className="mt-2 space-y-1 border-l-2 border-zinc-100 pl-3">
              {t.replies.map((r) => (
                <li key={r.id} className="text-sm">
                  <span className="text-xs text-zinc-500"><strong className="text-zinc-800">{r.authorName}</strong> · {new Date(r.createdAt).toLocaleString()}</span>
                  {(r.authorId === ws.userId || ws.can("curator")) && (
                    <button className="ml-2 text-xs text-zinc-400 hover:text-red-600" onClick={() => remove.mutate({ ...key, commentId: r.id })} aria-label="Delete reply">delete</button>
                  )}
                  <Markdown text={r.body} />
                </li>
              ))}
            </ul>
            {canComment && (replyTo === t.id ? (
              <form className="mt-2 flex gap-2" onSubmit={(e) => { e.preventDefault(); if (reply.trim()) post({ body: reply, parentId: t.id }); }}>
                <input className="input flex-1 py-1 text-sm" value={reply} onChange={(e) => setReply(e.target.value)} placeholder="Reply…" aria-label="Reply" autoFocus />
                <button className="btn-secondary" disabled={!reply.trim() || add.isPending}>Reply</button>
              </form>
            ) : (
              <button className="mt-1 text-xs text-brand-700 hover:underline" onClick={() => setReplyTo(t.id)}>Reply</button>
            ))}
            {(t.authorId === ws.userId || ws.can("curator")) && (
              <button className="ml-3 mt-1 text-xs text-zinc-400 hover:text-red-600" onClick={() => remove.mutate({ ...key, commentId: t.id })}>Delete thread</button>
            )}
          </li>
        ))}
        {visible.length === 0 && <li className="text-sm text-zinc-500">No comments{showResolved ? "" : " open"}.</li>}
      </ul>
      {canComment && (
        <form
          className="mt-3 space-y-2 border-t border-zinc-100 pt-3"
          onSubmit={(e) => {
            e.preventDefault();
            if (body.trim()) post({ body, anchor });
          }}
        >
          <div className="flex items-center gap-2 text-xs text-zinc-600">
            <span>On</span>
            <span className="rounded bg-brand-50 px-1.5 py-0.5 text-brand-800" data-testid="compose-anchor">{anchorLabel(anchor)}</span>
            {anchor.kind !== "trajectory" && <button type="button" className="hover:underline" onClick={() => setAnchor({ kind: "trajectory" })}>clear</button>}
          </div>
          <div className="relative">
          <textarea
            ref={box}
            className="input w-full text-sm"
            rows={3}
            value={body}
            onChange={(e) => {
              setBody(e.target.value);
              const before = e.target.value.slice(0, e.target.selectionStart ?? e.target.value.length);
              const m = /(?:^|[\s(])@([\w.+-]*)$/.exec(before);
              setMention(m ? { query: m[1]!.toLowerCase(), at: before.length - m[1]!.length - 1 } : null);
              setMentionIndex(0);
            }}
            placeholder={`Comment (Markdown; mention with ${mentionHint || "@name"})`}
            aria-label="New comment"
            onKeyDown={(e) => {
              if (suggestions.length > 0) {
                if (e.key === "ArrowDown") { e.preventDefault(); setMentionIndex((i) => (i + 1) % suggestions.length); return; }
                if (e.key === "ArrowUp") { e.preventDefault(); setMentionIndex((i) => (i - 1 + suggestions.length) % suggestions.length); return; }
                if (e.key === "Enter" || e.key === "Tab") { e.preventDefault(); insertMention(suggestions[mentionIndex]!); return; }
                if (e.key === "Escape") { e.preventDefault(); setMention(null); return; }
              }
              if (e.key === "Enter" && (e.metaKey || e.ctrlKey) && body.trim()) post({ body, anchor });
              if (e.key === "Escape") (e.target as HTMLTextAreaElement).blur();
            }}
            aria-autocomplete="list"
            aria-expanded={suggestions.length > 0}
          />
          {suggestions.length > 0 && (
            <ul className="absolute left-2 top-full z-10 mt-1 w-64 overflow-hidden rounded border border-zinc-200 bg-white text-sm shadow-lg" role="listbox" data-testid="mention-suggestions">
              {suggestions.map((m, i) => (
                <li
                  key={m.id}
                  role="option"
                  aria-selected={i === mentionIndex}
                  className={`cursor-pointer px-3 py-1.5 ${i === mentionIndex ? "bg-brand-50" : ""}`}
                  onMouseDown={(e) => { e.preventDefault(); insertMention(m); }}
                >
                  {m.name ?? m.email} <span className="text-xs text-zinc-500">@{m.email.split("@")[0]}</span>
                </li>
              ))}
            </ul>
          )}
          </div>
          {add.error && <p role="alert" className="text-sm text-red-600">{errorMessage(add.error)}</p>}
          <button className="btn-primary" disabled={!body.trim() || add.isPending} data-testid="add-comment">Comment</button>
        </form>
      )}
    </section>
  );
});
