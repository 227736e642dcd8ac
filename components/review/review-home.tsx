"use client";
/** Review landing page: every dataset with its review progress and the caller's open items. */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "../workspace-context";
import { EmptyState } from "../page-header";

export function ReviewHome() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const list = useQuery(trpc.datasets.list.queryOptions({ workspaceId: ws.id }));
  if (list.error) return <p role="alert" className="text-red-600">{errorMessage(list.error)}</p>;
  if (!list.data) return <p className="text-sm text-zinc-500">Loading…</p>;
  const curated = list.data.filter((d) => d.trajectoryCount > 0);
  if (curated.length === 0) {
    return (
      <EmptyState title="Nothing to review yet" action={<Link className="btn-secondary" href={`/w/${ws.slug}/studio`}>Go to Studio</Link>}>
        Review items are curated trajectories. Import traces into a dataset in Studio and run the curation pipeline; a curator then
        assigns the results to reviewers here.
      </EmptyState>
    );
  }
  return (
    <div className="space-y-4">
    <Mentions />
    <div className="card overflow-hidden">
      <table className="w-full text-sm" data-testid="review-datasets">
        <thead className="bg-zinc-50 text-left text-xs text-zinc-500">
          <tr>
            <th className="px-4 py-2">Dataset</th>
            <th className="px-4 py-2">In review</th>
            <th className="px-4 py-2">Done</th>
            <th className="px-4 py-2">Disagreements</th>
            <th className="px-4 py-2">My open items</th>
            <th className="px-4 py-2">Unassigned</th>
          </tr>
        </thead>
        <tbody>
          {curated.map((d) => (
            <DatasetRow key={d.id} id={d.id} name={d.name} />
          ))}
        </tbody>
      </table>
    </div>
    </div>
  );
}

function Mentions() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const q = useQuery(trpc.review.mentions.queryOptions({ workspaceId: ws.id }));
  if (!q.data || q.data.length === 0) return null;
  return (
    <section className="card p-4" data-testid="mentions">
      <h2 className="mb-2 text-sm font-semibold">Mentioned you ({q.data.length} open)</h2>
      <ul className="space-y-1 text-sm">
        {q.data.map((m) => (
          <li key={m.id} className="truncate">
            <Link className="text-brand-700 hover:underline" href={`/w/${ws.slug}/review/${m.datasetId}/${m.trajectoryId}`}>{m.item}</Link>
            <span className="text-zinc-500"> · {m.author}: </span>
            {m.body}
          </li>
        ))}
      </ul>
    </section>
  );
}

function DatasetRow({ id, name }: { id: string; name: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const p = useQuery(trpc.review.progress.queryOptions({ workspaceId: ws.id, datasetId: id }));
  const me = p.data?.reviewers.find((r) => r.userId === ws.userId);
  return (
    <tr className="border-t border-zinc-100">
      <td className="px-4 py-2"><Link className="font-medium text-brand-700 hover:underline" href={`/w/${ws.slug}/review/${id}`}>{name}</Link></td>
      <td className="px-4 py-2 tabular-nums">{p.data?.items ?? "…"}</td>
      <td className="px-4 py-2 tabular-nums">{p.data ? `${p.data.done} / ${p.data.items}` : "…"}</td>
      <td className="px-4 py-2 tabular-nums">{p.data?.disagreements ?? "…"}</td>
      <td className="px-4 py-2 tabular-nums">{me ? me.open : 0}</td>
      <td className="px-4 py-2 tabular-nums">{p.data?.unassigned ?? "…"}</td>
    </tr>
  );
}
