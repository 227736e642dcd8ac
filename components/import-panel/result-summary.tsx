"use client";
/** What an import did (rows read, kept, invalid, duplicates) and what to do next: run curation. */
import Link from "next/link";
import type { ReactNode } from "react";
import { useWorkspace } from "../workspace-context";
import { formatBytes, nf } from "./format";
import type { ImportResult } from "./upload";

function Stat({ label, value, tone }: { label: string; value: ReactNode; tone?: "good" | "bad" | "warn" }) {
  const color = tone === "good" ? "text-green-700" : tone === "bad" ? "text-red-700" : tone === "warn" ? "text-amber-700" : "text-zinc-900";
  return (
    <div className="rounded border border-zinc-200 px-3 py-2">
      <div className="text-xs text-zinc-500">{label}</div>
      <div className={`text-lg font-semibold tabular-nums ${color}`}>{value}</div>
    </div>
  );
}

export function ResultSummary({ result, datasetId, note }: { result: ImportResult; datasetId: string; note?: ReactNode }) {
  return (
    <div className="space-y-2" data-testid="import-summary" data-status={result.status}>
      <p className="text-sm">
        Import <b>{result.status}</b>
        {result.preset ? <> · preset {result.preset}</> : null} · {formatBytes(result.bytesRead)} read
      </p>
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
        <Stat label="Rows read" value={nf.format(result.rowsRead)} />
        <Stat label="Kept" value={nf.format(result.rowsOk)} tone="good" />
        <Stat label="Invalid" value={nf.format(result.rowsBad)} tone={result.rowsBad > 0 ? "bad" : undefined} />
        <Stat label="Duplicates" value={nf.format(result.rowsDuplicate)} tone={result.rowsDuplicate > 0 ? "warn" : undefined} />
      </div>
      {result.error && <p role="alert" className="text-sm text-red-600">{result.error}</p>}
      {result.warning && <p className="text-sm text-amber-700">{result.warning}</p>}
      {result.taskId && <p className="text-xs text-zinc-500">Token counts are being computed in the background.</p>}
      {note}
      {result.status === "succeeded" && result.rowsOk > 0 && <NextStep datasetId={datasetId} />}
    </div>
  );
}

/** After a successful import: the next step of the workflow. */
export function NextStep({ datasetId }: { datasetId: string }) {
  const ws = useWorkspace();
  return (
    <div className="flex flex-wrap items-center gap-3 rounded-md border border-brand-100 bg-brand-50 px-3 py-2 text-sm" data-testid="import-next-step">
      <span>Next: turn the new traces into SPRINT trajectories.</span>
      <Link className="btn-primary" href={`/w/${ws.slug}/studio/${datasetId}#curation`}>
        Run curation
      </Link>
    </div>
  );
}
