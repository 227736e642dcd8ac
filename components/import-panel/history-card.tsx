"use client";
/** The dataset's recent imports with their counters (polled while one runs) and a link to each report. */
import { useQuery } from "@tanstack/react-query";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { DataTable } from "../data-table";
import { useWorkspace } from "../workspace-context";
import { nf } from "./format";

export function HistoryCard({ datasetId, onShowIssues }: { datasetId: string; onShowIssues: (id: string) => void }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const imports = useQuery({
    ...trpc.imports.list.queryOptions({ workspaceId: ws.id, datasetId, limit: 10 }),
    refetchInterval: (q) => (q.state.data?.some((i) => i.status === "running") ? 1000 : false),
  });
  if (imports.error) return <p role="alert" className="text-sm text-red-600">{errorMessage(imports.error)}</p>;
  if (!imports.data?.length) return null;
  return (
    <section className="card overflow-hidden" aria-labelledby="history-heading">
      <h2 id="history-heading" className="px-5 pt-4 text-base font-semibold">Recent imports</h2>
      <DataTable
        variant="shaded"
        className="mt-2"
        data-testid="import-history"
        rows={imports.data}
        rowKey={(i) => i.id}
        columns={[
          { header: "File", className: "font-medium", cell: (i) => i.fileName },
          { header: "Preset", cell: (i) => i.preset },
          {
            header: "Status",
            cell: (i) => (
              <>
                {i.status}
                {i.error ? <div className="text-xs text-red-600">{i.error}</div> : null}
              </>
            ),
          },
          { header: "Kept", align: "right", className: "tabular-nums", cell: (i) => nf.format(i.rowsOk) },
          { header: "Invalid", align: "right", className: "tabular-nums", cell: (i) => nf.format(i.rowsBad) },
          { header: "Duplicates", align: "right", className: "tabular-nums", cell: (i) => nf.format(i.rowsDuplicate) },
          { header: "When", className: "text-zinc-600", cell: (i) => i.createdAt.toLocaleString() },
          {
            header: "Report",
            align: "right",
            cell: (i) =>
              i.rowsBad + i.rowsDuplicate > 0 ? (
                <button className="text-brand-600 hover:underline" onClick={() => onShowIssues(i.id)}>
                  Show {nf.format(i.rowsBad + i.rowsDuplicate)}
                </button>
              ) : (
                <span className="text-zinc-400">—</span>
              ),
          },
        ]}
      />
    </section>
  );
}
