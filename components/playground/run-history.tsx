"use client";
/**
 * Run history of the playground: SPRINT runs of the workspace (baselines linked), with search and mine/all.
 * Keyset-paged (newest first): Older/Newer walk a stack of page cursors; the total comes with the first page.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useDeferredValue, useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "@/components/workspace-context";
import { fmtMs, fmtTokens } from "./timeline";
import { RunStatusBadge } from "./run-report";
import { MathText } from "@/components/math-text";

const PAGE = 25;

export function RunHistory() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const [mine, setMine] = useState(true);
  /** Cursors of the pages visited so far (null: the newest page); the last one is shown. */
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const page = cursors.length - 1;
  const setPage = (p: number) => setCursors((cs) => (p === 0 ? [null] : cs.slice(0, p + 1)));
  const deferred = useDeferredValue(search.trim());
  const list = useQuery({
    ...trpc.inference.list.queryOptions({ workspaceId: ws.id, search: deferred || undefined, mine, cursor: cursors[page] ?? null, limit: PAGE }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.rows.some((r) => r.status === "running" || r.status === "queued") ? 3000 : false),
  });
  // The first page carries the total (the same query as page 1, so it is fetched once and stays cached).
  const first = useQuery({
    ...trpc.inference.list.queryOptions({ workspaceId: ws.id, search: deferred || undefined, mine, cursor: null, limit: PAGE }),
    placeholderData: keepPreviousData,
  });
  const total = first.data?.total != null ? { n: first.data.total, atLeast: first.data.totalAtLeast } : null;
  const nextCursor = list.data?.nextCursor ?? null;
  return (
    <section className="card" data-testid="run-history">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-zinc-200 px-4 py-3">
        <h2 className="text-sm font-semibold">Run history</h2>
        <div className="flex items-center gap-2">
          <input
            className="input w-56 py-1"
            type="search"
            placeholder="Search questions…"
            aria-label="Search runs"
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              setCursors([null]);
            }}
            data-testid="run-search"
          />
          <div className="inline-flex overflow-hidden rounded-md border border-zinc-300 text-xs" role="group" aria-label="Whose runs">
            {[
              { v: true, label: "Mine" },
              { v: false, label: "All" },
            ].map((o) => (
              <button
                key={o.label}
                type="button"
                aria-pressed={mine === o.v}
                className={`px-2 py-1 ${mine === o.v ? "bg-zinc-800 text-white" : "bg-white text-zinc-700 hover:bg-zinc-100"}`}
                onClick={() => {
                  setMine(o.v);
                  setCursors([null]);
                }}
              >
                {o.label}
              </button>
            ))}
          </div>
        </div>
      </div>
      {list.error && <p role="alert" className="px-4 py-3 text-sm text-red-600">{errorMessage(list.error)}</p>}
      {list.data && list.data.rows.length === 0 ? (
        <p className="px-4 py-6 text-center text-sm text-zinc-500">{deferred ? "No run matches." : mine ? "You have no runs yet." : "No runs yet."}</p>
      ) : (
        <ul className="divide-y divide-zinc-100 text-sm">
          {(list.data?.rows ?? []).map((r) => (
            <li key={r.id} data-testid={`run-row-${r.id}`}>
              <Link href={`/w/${ws.slug}/playground/${r.id}`} className="flex items-center gap-3 px-4 py-2 hover:bg-zinc-50">
                <RunStatusBadge status={r.status} />
                <MathText className="min-w-0 flex-1 truncate" text={r.question} max={140} />
                <span className="shrink-0 text-xs text-zinc-500">
                  {r.schedule ?? r.mode}
                  {r.baselineRunId ? " · vs sequential" : ""}
                  {r.sequentialTokens !== null ? ` · ${fmtTokens(r.sequentialTokens)} seq tok` : ""}
                  {r.wallMs !== null ? ` · ${fmtMs(r.wallMs)}` : ""}
                </span>
                <span className="hidden shrink-0 text-xs text-zinc-400 md:inline">
                  {r.createdBy ? `${r.createdBy} · ` : ""}
                  {new Date(r.createdAt).toLocaleString()}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {(page > 0 || nextCursor) && (
        <div className="flex items-center justify-between border-t border-zinc-200 px-4 py-2 text-xs text-zinc-500">
          <span>
            {total ? `${total.atLeast ? "more than " : ""}${total.n} runs · ` : ""}page {page + 1}
          </span>
          <span className="space-x-2">
            <button type="button" className="btn-secondary py-0.5" disabled={page === 0} onClick={() => setPage(page - 1)}>
              Previous
            </button>
            <button type="button" className="btn-secondary py-0.5" disabled={!nextCursor} onClick={() => nextCursor && setCursors((cs) => [...cs, nextCursor])}>
              Next
            </button>
          </span>
        </div>
      )}
    </section>
  );
}
