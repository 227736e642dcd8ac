"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "../workspace-context";
import { PageHeader } from "../page-header";
import { RunPanel } from "./run-panel";
import { SnapshotsPanel } from "./snapshots-panel";
import { TracesTable } from "./traces-table";

export function DatasetView({ datasetId }: { datasetId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const ds = useQuery(trpc.datasets.get.queryOptions({ workspaceId: ws.id, datasetId }));
  const [runActive, setRunActive] = useState(false);
  const onRunChange = useCallback((active: boolean) => setRunActive(active), []);
  if (ds.error) return <p role="alert" className="text-red-600">{errorMessage(ds.error)}</p>;
  if (!ds.data) return <p className="text-sm text-zinc-500">Loading…</p>;
  return (
    <>
      <PageHeader
        title={ds.data.name}
        description={ds.data.description ?? `${ds.data._count.traces} traces`}
        actions={
          <>
            <Link className="btn-secondary" href={`/w/${ws.slug}/studio`}>All datasets</Link>
            {ws.can("curator") && <Link className="btn-primary" href={`/w/${ws.slug}/studio/${datasetId}/import`}>Import traces</Link>}
          </>
        }
      />
      <div className="space-y-4">
        <div className="grid gap-4 lg:grid-cols-2">
          <RunPanel datasetId={datasetId} traceCount={ds.data._count.traces} onRunChange={onRunChange} />
          <SnapshotsPanel datasetId={datasetId} />
        </div>
        <TracesTable datasetId={datasetId} live={runActive} />
      </div>
    </>
  );
}
