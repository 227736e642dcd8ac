/**
 * Sends bytes to the streaming import endpoint (`POST /api/datasets/[datasetId]/imports`) — a file, pasted
 * JSON Lines or records built from `.txt` outputs alike — and returns its summary or a readable error.
 */
import type { ImportSummary } from "@/server/curation/import/run";
import type { FieldMapping, PresetChoice } from "@/server/curation/import/presets";

export type ImportResult = ImportSummary;

export interface UploadArgs {
  datasetId: string;
  body: Blob;
  fileName: string;
  preset: PresetChoice;
  mapping?: FieldMapping;
  format?: "auto" | "jsonl" | "json";
  signal?: AbortSignal;
}

export type UploadOutcome = { ok: true; result: ImportResult } | { ok: false; error: string };

export async function uploadToImports(a: UploadArgs): Promise<UploadOutcome> {
  const qs = new URLSearchParams({ fileName: a.fileName, preset: a.preset, size: String(a.body.size) });
  if (a.format && a.format !== "auto") qs.set("format", a.format);
  if (a.preset === "custom" && a.mapping) qs.set("mapping", JSON.stringify(a.mapping));
  const res = await fetch(`/api/datasets/${encodeURIComponent(a.datasetId)}/imports?${qs.toString()}`, {
    method: "POST",
    body: a.body,
    signal: a.signal,
    headers: { "Content-Type": "application/octet-stream" },
  });
  const body = (await res.json().catch(() => ({ error: `The server answered ${res.status}` }))) as ImportResult & { error?: string };
  if (!res.ok && !body.importId) return { ok: false, error: body.error ?? `The server answered ${res.status}` };
  return { ok: true, result: body };
}
