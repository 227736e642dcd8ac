"use client";
/** The dataset's recent imports with their counters (polled while one runs) and a link to each report. */
import { useQuery } from "@tanstack/react-query";
import { errorMessage, useTRPC } from "@/lib/trpc";
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
      <table className="mt-2 w-full text-sm" data-testid="import-history">
        <thead className="bg-zinc-50 text-left text-xs text-zinc-500">
          <tr>
            <th className="px-4 py-2">File</th>
            <th className="px-4 py-2">Preset</th>
            <th className="px-4 py-2">Status</th>
            <th className="px-4 py-2 text-right">Kept</th>
            <th className="px-4 py-2 text-right">Invalid</th>
            <th className="px-4 py-2 text-right">Duplicates</th>
            <th className="px-4 py-2">When</th>
            <th className="px-4 py-2 text-right">Report</th>
          </tr>
        </thead>
        <tbody>
          {imports.data.map((i) => (
            <tr key={i.id} className="border-t border-zinc-100">
              <td className="px-4 py-2 font-medium">{i.fileName}</td>
              <td className="px-4 py-2">{i.preset}</td>
              <td className="px-4 py-2">
                {i.status}
                {i.error ? <div className="text-xs text-red-600">{i.error}</div> : null}
              </td>
              <td className="px-4 py-2 text-right tabular-nums">{nf.format(i.rowsOk)}</td>
              <td className="px-4 py-2 text-right tabular-nums">{nf.format(i.rowsBad)}</td>
              <td className="px-4 py-2 text-right tabular-nums">{nf.format(i.rowsDuplicate)}</td>
              <td className="px-4 py-2 text-zinc-600">{i.createdAt.toLocaleString()}</td>
              <td className="px-4 py-2 text-right">
                {i.rowsBad + i.rowsDuplicate > 0 ? (
                  <button className="text-brand-600 hover:underline" onClick={() => onShowIssues(i.id)}>
                    Show {nf.format(i.rowsBad + i.rowsDuplicate)}
                  </button>
                ) : (
                  <span className="text-zinc-400">—</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
