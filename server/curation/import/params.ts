/** Query parameters of the upload endpoint (`POST /api/datasets/[datasetId]/imports`). Pure. */
import { fieldMappingSchema, PRESET_IDS, type FieldMapping, type PresetChoice } from "./presets";
import type { SourceFormat } from "./reader";

export interface UploadParams {
  fileName: string;
  preset: PresetChoice;
  mapping: FieldMapping;
  size: number | null;
  format: "auto" | SourceFormat;
}

/** Parses `fileName`, `preset`, `mapping` (JSON), `size` and `format` from the query string. */
export function parseUploadParams(url: URL): { ok: true; params: UploadParams } | { ok: false; error: string } {
  const q = url.searchParams;
  const fileName = (q.get("fileName") ?? "upload.jsonl").trim().slice(0, 255) || "upload.jsonl";
  const presetRaw = q.get("preset") ?? "auto";
  if (presetRaw !== "auto" && !(PRESET_IDS as readonly string[]).includes(presetRaw)) {
    return { ok: false, error: `Unknown preset "${presetRaw}" (use auto, ${PRESET_IDS.join(", ")})` };
  }
  let mapping: FieldMapping = {};
  const mappingRaw = q.get("mapping");
  if (mappingRaw) {
    let json: unknown;
    try {
      json = JSON.parse(mappingRaw);
    } catch {
      return { ok: false, error: "mapping must be a JSON object of target field → source path" };
    }
    const m = fieldMappingSchema.safeParse(json);
    if (!m.success) return { ok: false, error: `Invalid mapping: ${m.error.issues.map((i) => `${i.path.join(".") || "mapping"}: ${i.message}`).join("; ")}` };
    mapping = Object.fromEntries(Object.entries(m.data).filter(([, v]) => typeof v === "string" && v !== "")) as FieldMapping;
  }
  if (presetRaw === "custom" && (!mapping.question || !mapping.reasoning)) {
    return { ok: false, error: "The custom preset needs a mapping with at least question and reasoning paths" };
  }
  const sizeRaw = q.get("size");
  const size = sizeRaw === null || sizeRaw === "" ? null : Number(sizeRaw);
  if (size !== null && (!Number.isFinite(size) || size < 0)) return { ok: false, error: "size must be a non-negative number of bytes" };
  const format = q.get("format") ?? "auto";
  if (format !== "auto" && format !== "jsonl" && format !== "json") return { ok: false, error: "format must be auto, jsonl or json" };
  return { ok: true, params: { fileName, preset: presetRaw as PresetChoice, mapping, size: size === null ? null : Math.floor(size), format } };
}
