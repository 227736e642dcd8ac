"use client";
/**
 * Upload a JSONL / JSON-array file: preview of its first records with the detected preset (a field-mapping
 * editor for custom), streamed upload with live progress (bytes, rows, rows/s) and cancel, then the summary.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useMemo, useRef, useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { detectPreset, listPaths, PRESET_IDS, PRESET_LABELS, type FieldMapping, type PresetChoice, type PresetId } from "@/server/curation/import/presets";
import { useWorkspace } from "../workspace-context";
import { formatBytes, nf } from "./format";
import { MappingEditor } from "./mapping-editor";
import { PreviewTable, readPreview, type Preview } from "./preview-table";
import { ResultSummary } from "./result-summary";
import { uploadToImports, type ImportResult } from "./upload";

export function UploadCard({ datasetId, onImported }: { datasetId: string; onImported: (id: string) => void }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [preset, setPreset] = useState<PresetChoice>("auto");
  const [mapping, setMapping] = useState<FieldMapping>({});
  const [phase, setPhase] = useState<"idle" | "uploading" | "cancelling">("idle");
  const [startedAt, setStartedAt] = useState(0);
  const [knownIds, setKnownIds] = useState<ReadonlySet<string>>(new Set());
  const [result, setResult] = useState<ImportResult | null>(null);
  const router = useRouter();
  const [uploadError, setUploadError] = useState<string | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  const [now, setNow] = useState(0);

  const listKey = { workspaceId: ws.id, datasetId, limit: 10 };
  const imports = useQuery({
    ...trpc.imports.list.queryOptions(listKey),
    refetchInterval: phase === "idle" ? false : 500,
  });
  const cancel = useMutation(trpc.imports.cancel.mutationOptions());

  // The import this upload created: the new row (not there before we started) that is ours.
  const current = phase === "idle" ? undefined : imports.data?.find((i) => !knownIds.has(i.id) && i.createdById === ws.userId);

  const firstObject = useMemo(() => {
    const r = preview?.records.find((x) => "value" in x && x.value !== null && typeof x.value === "object");
    return r && "value" in r ? r.value : undefined;
  }, [preview]);
  const detected = useMemo(() => (firstObject === undefined ? null : detectPreset(firstObject)), [firstObject]);
  const effective: PresetId | null = preset === "auto" ? detected : preset;
  const paths = useMemo(() => (firstObject === undefined ? [] : listPaths(firstObject)), [firstObject]);
  const customMissing = effective === "custom" && (!mapping.question || !mapping.reasoning);

  async function pick(f: File | null) {
    setFile(f);
    setResult(null);
    setUploadError(null);
    setPreview(null);
    setPreviewError(null);
    if (!f) return;
    try {
      setPreview(await readPreview(f));
    } catch (e) {
      setPreviewError(errorMessage(e));
    }
  }

  async function upload() {
    if (!file) return;
    const before = await qc.fetchQuery(trpc.imports.list.queryOptions(listKey)).catch(() => []);
    setKnownIds(new Set(before.map((i) => i.id)));
    setResult(null);
    setUploadError(null);
    setStartedAt(Date.now());
    setNow(Date.now());
    setPhase("uploading");
    const ac = new AbortController();
    abortRef.current = ac;
    const tick = setInterval(() => setNow(Date.now()), 500);
    try {
      const r = await uploadToImports({ datasetId, body: file, fileName: file.name, preset, mapping, signal: ac.signal });
      if (!r.ok) {
        setUploadError(r.error);
      } else {
        setResult(r.result);
        onImported(r.result.importId);
      }
    } catch (e) {
      if (ac.signal.aborted) setUploadError("Upload cancelled. Rows of batches already written stay in the dataset.");
      else setUploadError(`The upload failed: ${errorMessage(e)}`);
    } finally {
      clearInterval(tick);
      abortRef.current = null;
      setPhase("idle");
      void qc.invalidateQueries({ queryKey: trpc.imports.list.queryKey() });
      void qc.invalidateQueries({ queryKey: trpc.datasets.list.queryKey() });
      router.refresh(); // the page header's trace count
    }
  }

  async function cancelUpload() {
    setPhase("cancelling");
    if (current) {
      try {
        await cancel.mutateAsync({ workspaceId: ws.id, importId: current.id });
        onImported(current.id);
      } catch {
        // The abort below stops the upload anyway.
      }
    }
    abortRef.current?.abort();
  }

  const busy = phase !== "idle";
  const elapsed = Math.max(0.001, (now - startedAt) / 1000);
  const total = current?.bytesTotal ?? file?.size ?? 0;
  const pct = current && total > 0 ? Math.min(100, Math.round((current.bytesRead / total) * 100)) : 0;

  return (
    <section className="card space-y-4 p-5" aria-labelledby="upload-heading">
      <h2 id="upload-heading" className="text-base font-semibold">Upload a file</h2>
      <div className="flex flex-wrap items-end gap-4">
        <div className="min-w-72 flex-1">
          <label className="label" htmlFor="import-file">Trace file</label>
          <input
            id="import-file"
            type="file"
            accept=".jsonl,.ndjson,.json,application/json,application/x-ndjson"
            className="block w-full text-sm file:mr-3 file:rounded-md file:border file:border-zinc-300 file:bg-white file:px-3 file:py-1.5 file:text-sm"
            disabled={busy}
            onChange={(e) => void pick(e.target.files?.[0] ?? null)}
          />
          <p className="mt-1 text-xs text-zinc-500">JSON Lines (one record per line) or a JSON array of records, any size: it is streamed, never loaded whole.</p>
        </div>
        <div className="w-80">
          <label className="label" htmlFor="import-preset">Preset</label>
          <select id="import-preset" className="input" value={preset} disabled={busy} onChange={(e) => setPreset(e.target.value as PresetChoice)}>
            <option value="auto">Auto-detect{detected ? ` (${detected})` : ""}</option>
            {PRESET_IDS.map((p) => (
              <option key={p} value={p}>{PRESET_LABELS[p]}</option>
            ))}
          </select>
        </div>
      </div>

      {previewError && <p role="alert" className="text-sm text-red-600">{previewError}</p>}
      {file && preview && (
        <PreviewTable file={file} preview={preview} preset={preset} effective={effective} mapping={mapping} />
      )}
      {file && preview && effective === "custom" && (
        <MappingEditor mapping={mapping} onChange={setMapping} paths={paths} disabled={busy} />
      )}

      <div className="flex items-center gap-3">
        <button className="btn-primary" disabled={!file || busy || customMissing} onClick={() => void upload()}>
          Import
        </button>
        {busy && (
          <button className="btn-secondary" onClick={() => void cancelUpload()} disabled={phase === "cancelling"}>
            {phase === "cancelling" ? "Cancelling…" : "Cancel"}
          </button>
        )}
        {customMissing && <span className="text-xs text-zinc-500">Map at least question and reasoning.</span>}
      </div>

      {busy && (
        <div data-testid="import-progress" className="space-y-1">
          <div
            className="h-2 w-full overflow-hidden rounded bg-zinc-200"
            role="progressbar"
            aria-label="Import progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct}
          >
            <div className="h-full bg-brand-500 transition-all" style={{ width: `${pct}%` }} />
          </div>
          <div className="text-xs text-zinc-600 tabular-nums">
            {current ? (
              <>
                {formatBytes(current.bytesRead)} of {formatBytes(total)} · {nf.format(current.rowsRead)} rows ·{" "}
                {nf.format(Math.round(current.rowsRead / elapsed))} rows/s · kept {nf.format(current.rowsOk)}, invalid{" "}
                {nf.format(current.rowsBad)}, duplicates {nf.format(current.rowsDuplicate)}
              </>
            ) : (
              <>Uploading {formatBytes(file?.size ?? 0)}…</>
            )}
          </div>
        </div>
      )}

      {uploadError && <p role="alert" className="text-sm text-red-600">{uploadError}</p>}
      {result && <ResultSummary result={result} datasetId={datasetId} />}
    </section>
  );
}

