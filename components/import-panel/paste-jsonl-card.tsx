"use client";
/** Paste JSON Lines (or a JSON array): imported like an uploaded file, with the same preset detection and report. */
import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { PRESET_IDS, PRESET_LABELS, type PresetChoice } from "@/server/curation/import/presets";
import { nf } from "./format";
import { looksLikeJsonl } from "./outputs";
import { ResultSummary } from "./result-summary";
import { uploadToImports, type ImportResult } from "./upload";

export function PasteJsonlCard({
  datasetId,
  text,
  onText,
  onImported,
}: {
  datasetId: string;
  text: string;
  onText: (t: string) => void;
  onImported: (id: string) => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const [preset, setPreset] = useState<PresetChoice>("auto");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const records = text.trim() ? looksLikeJsonl(text) : 0;
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "").length;

  async function submit() {
    setBusy(true);
    setResult(null);
    setError(null);
    try {
      const body = new Blob([text], { type: "application/x-ndjson" });
      const r = await uploadToImports({ datasetId, body, fileName: "pasted.jsonl", preset });
      if (!r.ok) setError(r.error);
      else {
        setResult(r.result);
        onImported(r.result.importId);
        if (r.result.status === "succeeded") onText("");
      }
    } catch (e) {
      setError(`The import failed: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
      void qc.invalidateQueries({ queryKey: trpc.imports.list.queryKey() });
      void qc.invalidateQueries({ queryKey: trpc.datasets.list.queryKey() });
      router.refresh();
    }
  }

  return (
    <section className="card space-y-3 p-5" aria-labelledby="paste-jsonl-heading" data-testid="paste-jsonl">
      <h2 id="paste-jsonl-heading" className="text-base font-semibold">Paste JSON Lines</h2>
      <p className="text-sm text-zinc-600">
        One record per line (or a JSON array), in any of the presets&apos; shapes. Bad lines are reported with their line number; the good ones are kept.
      </p>
      <div>
        <label className="label" htmlFor="paste-jsonl-text">JSON Lines</label>
        <textarea
          id="paste-jsonl-text"
          className="input min-h-32 font-mono text-xs"
          value={text}
          placeholder={'{"question": "…", "reasoning": "<think>…</think>", "answer": "…"}'}
          onChange={(e) => onText(e.target.value)}
        />
        {text.trim() && (
          <p className="mt-1 text-xs text-zinc-500" data-testid="paste-jsonl-count">
            {records > 0 ? `${nf.format(records)} records` : `${nf.format(lines)} line${lines === 1 ? "" : "s"}: the first lines are not JSON objects — they will be reported`}
          </p>
        )}
      </div>
      <div className="flex flex-wrap items-end gap-3">
        <div className="w-80">
          <label className="label" htmlFor="paste-jsonl-preset">Preset</label>
          <select id="paste-jsonl-preset" className="input" value={preset} disabled={busy} onChange={(e) => setPreset(e.target.value as PresetChoice)}>
            <option value="auto">Auto-detect</option>
            {PRESET_IDS.filter((p) => p !== "custom").map((p) => (
              <option key={p} value={p}>{PRESET_LABELS[p]}</option>
            ))}
          </select>
        </div>
        <button className="btn-primary" disabled={busy || !text.trim()} onClick={() => void submit()}>
          {busy ? "Adding…" : "Add these lines"}
        </button>
      </div>
      {error && <p role="alert" className="text-sm text-red-600">{error}</p>}
      {result && <ResultSummary result={result} datasetId={datasetId} />}
    </section>
  );
}
