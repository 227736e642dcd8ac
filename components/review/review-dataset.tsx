"use client";
/** A dataset's review workspace: queue (mine / all, filters, bulk actions), assignment, agreement, guidelines. */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "../workspace-context";
import { PageHeader } from "../page-header";
import { QueueTable } from "./queue-table";
import { AssignPanel } from "./assign-panel";
import { AgreementPanel } from "./agreement-panel";
import { GuidelinesPanel } from "./guidelines-panel";
import { ProgressPanel } from "./progress-panel";

const TABS = [
  { id: "queue", label: "Queue" },
  { id: "assign", label: "Assign", curator: true },
  { id: "agreement", label: "Agreement" },
  { id: "guidelines", label: "Guidelines" },
] as const;

export function ReviewDataset({ datasetId }: { datasetId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const router = useRouter();
  const params = useSearchParams();
  const tab = (params.get("tab") ?? "queue") as (typeof TABS)[number]["id"];
  const ds = useQuery(trpc.datasets.get.queryOptions({ workspaceId: ws.id, datasetId }));
  if (ds.error) return <p role="alert" className="text-red-600">{errorMessage(ds.error)}</p>;
  if (!ds.data) return <p className="text-sm text-zinc-500">Loading…</p>;
  const go = (id: string) => router.replace(`/w/${ws.slug}/review/${datasetId}?tab=${id}`);
  return (
    <>
      <PageHeader
        title={`Review · ${ds.data.name}`}
        description="Assigned curated trajectories, their decisions, comments and agreement between reviewers."
        actions={<Link className="btn-secondary" href={`/w/${ws.slug}/studio/${datasetId}`}>Open in Studio</Link>}
      />
      <div className="mb-4 flex gap-1 border-b border-zinc-200" role="tablist">
        {TABS.filter((t) => !("curator" in t) || ws.can("curator")).map((t) => (
          <button
            key={t.id}
            role="tab"
            aria-selected={tab === t.id}
            className={`-mb-px border-b-2 px-3 py-2 text-sm ${tab === t.id ? "border-brand-600 font-medium text-brand-700" : "border-transparent text-zinc-600 hover:text-zinc-900"}`}
            onClick={() => go(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {tab === "queue" && (
        <div className="space-y-4">
          <ProgressPanel datasetId={datasetId} />
          <QueueTable datasetId={datasetId} />
        </div>
      )}
      {tab === "assign" && <AssignPanel datasetId={datasetId} />}
      {tab === "agreement" && <AgreementPanel datasetId={datasetId} />}
      {tab === "guidelines" && <GuidelinesPanel datasetId={datasetId} guidelines={ds.data.guidelines ?? ""} />}
    </>
  );
}
