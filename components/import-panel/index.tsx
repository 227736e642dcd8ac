"use client";
/**
 * The dataset import page, one component per way in:
 * - upload-card: a JSONL / JSON file (preview, presets, field mapping, streamed upload with progress, cancel);
 * - paste-jsonl-card: pasted JSON Lines, imported like a file;
 * - outputs-card: raw `.txt` model outputs (several files or a `.zip`) with an optional questions file;
 * - paste-trace-card: one pasted trace (recognises pasted JSON Lines and hands them to the JSON Lines box);
 * and what came of it: result-summary (with the next step, running curation), issues-card (every bad line with
 * its reason, downloadable), history-card. All ways in go through the one streaming endpoint (upload.ts).
 * Curators and admins import; others read.
 */
import Link from "next/link";
import { useState } from "react";
import { useWorkspace } from "../workspace-context";
import { HistoryCard } from "./history-card";
import { IssuesCard } from "./issues-card";
import { OutputsCard } from "./outputs-card";
import { PasteJsonlCard } from "./paste-jsonl-card";
import { PasteTraceCard } from "./paste-trace-card";
import { UploadCard } from "./upload-card";

export function ImportPanel({ datasetId, datasetName }: { datasetId: string; datasetName: string }) {
  const ws = useWorkspace();
  const canImport = ws.can("curator");
  const [lastImportId, setLastImportId] = useState<string | null>(null);
  const [jsonl, setJsonl] = useState("");

  return (
    <div className="space-y-6">
      <div className="text-sm">
        <Link href={`/w/${ws.slug}/studio/${datasetId}`} className="text-brand-600 hover:underline" data-testid="back-to-dataset">
          ← Back to {datasetName}
        </Link>
      </div>
      {canImport ? (
        <UploadCard datasetId={datasetId} onImported={setLastImportId} />
      ) : (
        <p className="card p-4 text-sm text-zinc-600" data-testid="import-read-only">
          You are a {ws.role} here: only curators and admins import traces. You can still see the import history and download
          error reports below.
        </p>
      )}
      {lastImportId && <IssuesCard key={lastImportId} importId={lastImportId} />}
      {canImport && <PasteJsonlCard datasetId={datasetId} text={jsonl} onText={setJsonl} onImported={setLastImportId} />}
      {canImport && <OutputsCard datasetId={datasetId} onImported={setLastImportId} />}
      {canImport && (
        <PasteTraceCard
          datasetId={datasetId}
          onJsonl={(t) => {
            setJsonl(t);
            document.getElementById("paste-jsonl-text")?.focus();
          }}
        />
      )}
      <HistoryCard datasetId={datasetId} onShowIssues={setLastImportId} />
    </div>
  );
}
