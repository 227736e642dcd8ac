"use client";
/** One import's invalid and duplicate lines, paged by line number, and the report download. */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "../workspace-context";
import { nf } from "./format";

export function IssuesCard({ importId }: { importId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const [pages, setPages] = useState<(string | null)[]>([null]);
  const [kind, setKind] = useState<"all" | "invalid" | "duplicate">("all");
  const imp = useQuery(trpc.imports.get.queryOptions({ workspaceId: ws.id, importId }));
  const issueCount = (imp.data?.rowsBad ?? 0) + (imp.data?.rowsDuplicate ?? 0);

  return (
    <section className="card space-y-3 p-5" aria-labelledby="issues-heading" data-testid="import-issues">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="issues-heading" className="text-base font-semibold">
          Error report{imp.data ? ` — ${imp.data.fileName}` : ""}
        </h2>
        <div className="flex items-center gap-3">
          <select
            aria-label="Issue kind"
            className="input w-40"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as typeof kind);
              setPages([null]);
            }}
          >
            <option value="all">All issues</option>
            <option value="invalid">Invalid lines</option>
            <option value="duplicate">Duplicates</option>
          </select>
          <a className="btn-secondary" href={`/api/imports/${encodeURIComponent(importId)}/report`} download>
            Download report
          </a>
        </div>
      </div>
      {imp.data && issueCount === 0 ? (
        <p className="text-sm text-zinc-600" data-testid="no-issues">Every line was imported: nothing to report.</p>
      ) : (
        <table className="w-full text-sm">
          <thead className="bg-zinc-50 text-left text-xs text-zinc-500">
            <tr>
              <th className="w-20 px-3 py-1.5">Line</th>
              <th className="w-24 px-3 py-1.5">Kind</th>
              <th className="px-3 py-1.5">Reason</th>
              <th className="px-3 py-1.5">Excerpt</th>
            </tr>
          </thead>
          <tbody>
            {pages.map((cursor, i) => (
              <IssuePage
                key={`${kind}-${cursor ?? "first"}`}
                importId={importId}
                kind={kind}
                cursor={cursor}
                isLast={i === pages.length - 1}
                onMore={(next) => setPages((p) => [...p, next])}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function IssuePage({
  importId,
  kind,
  cursor,
  isLast,
  onMore,
}: {
  importId: string;
  kind: "all" | "invalid" | "duplicate";
  cursor: string | null;
  isLast: boolean;
  onMore: (next: string) => void;
}) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const q = useQuery(
    trpc.imports.issues.queryOptions({ workspaceId: ws.id, importId, cursor, limit: 100, ...(kind === "all" ? {} : { kind }) }),
  );
  if (q.error) {
    return (
      <tr>
        <td colSpan={4} className="px-3 py-2 text-red-600">{errorMessage(q.error)}</td>
      </tr>
    );
  }
  if (!q.data) {
    return (
      <tr>
        <td colSpan={4} className="px-3 py-2 text-zinc-500">Loading…</td>
      </tr>
    );
  }
  return (
    <>
      {q.data.items.map((it) => (
        <tr key={it.id} className="border-t border-zinc-100 align-top" data-testid="issue-row">
          <td className="px-3 py-1.5 tabular-nums" data-testid="issue-line">{it.line}</td>
          <td className="px-3 py-1.5">
            <span className={`rounded px-1.5 py-0.5 text-xs ${it.kind === "invalid" ? "bg-red-50 text-red-700" : "bg-amber-50 text-amber-800"}`}>{it.kind}</span>
          </td>
          <td className="px-3 py-1.5">{it.reason}</td>
          <td className="max-w-md truncate px-3 py-1.5 font-mono text-xs text-zinc-500" title={it.excerpt ?? ""}>{it.excerpt}</td>
        </tr>
      ))}
      {isLast && q.data.nextCursor && (
        <tr>
          <td colSpan={4} className="px-3 py-2">
            <button className="btn-secondary" onClick={() => onMore(q.data.nextCursor as string)}>
              Show more ({nf.format(q.data.total)} in all)
            </button>
          </td>
        </tr>
      )}
    </>
  );
}

