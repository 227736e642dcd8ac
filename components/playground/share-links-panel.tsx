"use client";
/** Settings → Share links: every public link to a playground run, with revoke (own links, or any for admins). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "@/components/workspace-context";
import { MathText } from "@/components/math-text";

export function ShareLinksPanel() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const links = useQuery(trpc.inference.shareLinks.queryOptions({ workspaceId: ws.id }));
  const revoke = useMutation(
    trpc.inference.revokeShare.mutationOptions({
      onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.inference.shareLinks.queryKey() }),
    }),
  );
  const rows = links.data ?? [];
  return (
    <section className="card" data-testid="share-links">
      <h2 className="border-b border-zinc-200 px-4 py-3 text-sm font-semibold">Share links</h2>
      <p className="px-4 pt-3 text-sm text-zinc-600">
        Public, read-only links to playground runs (anyone with the link can view the run without signing in). Revoking a link makes it answer 404 at once.
      </p>
      {links.error && <p role="alert" className="px-4 py-3 text-sm text-red-600">{errorMessage(links.error)}</p>}
      {links.isPending ? (
        <p className="px-4 py-3 text-sm text-zinc-500">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="px-4 py-3 text-sm text-zinc-500">No share links yet. Share a finished run from the playground.</p>
      ) : (
        <ul className="divide-y divide-zinc-100 text-sm">
          {rows.map((l) => (
            <li key={l.id} className="flex flex-wrap items-center justify-between gap-2 px-4 py-2" data-testid={`share-link-${l.id}`} data-revoked={l.revokedAt ? "true" : "false"}>
              <span className="min-w-0 flex-1">
                <Link href={`/w/${ws.slug}/playground/${l.runId}`} className="block truncate hover:underline">
                  <MathText text={l.question} max={120} />
                </Link>
                <span className="text-xs text-zinc-500">
                  shared {new Date(l.createdAt).toLocaleString()}
                  {l.createdBy ? ` by ${l.createdBy}` : ""}
                  {l.revokedAt ? ` · revoked ${new Date(l.revokedAt).toLocaleString()}` : " · active"}
                </span>
              </span>
              {l.canRevoke && !l.revokedAt && (
                <button
                  type="button"
                  className="btn-danger"
                  disabled={revoke.isPending && revoke.variables?.shareLinkId === l.id}
                  onClick={() => revoke.mutate({ workspaceId: ws.id, shareLinkId: l.id })}
                >
                  Revoke
                </button>
              )}
              {l.revokedAt && <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-600">revoked</span>}
            </li>
          ))}
        </ul>
      )}
      {revoke.error && <p role="alert" className="px-4 py-2 text-sm text-red-600">{errorMessage(revoke.error)}</p>}
    </section>
  );
}
