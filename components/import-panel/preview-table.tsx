/** The first records of a picked file, mapped with the chosen preset (or the reason each cannot be). */
import { RecordSplitter, type ReadRecord, type SourceFormat } from "@/server/curation/import/reader";
import { mapRecord, type FieldMapping, type PresetChoice, type PresetId } from "@/server/curation/import/presets";
import { clip, formatBytes } from "./format";

const PREVIEW_BYTES = 256 * 1024;
const PREVIEW_RECORDS = 5;

export interface Preview {
  format: SourceFormat | null;
  records: ReadRecord[];
  truncated: boolean;
}

export async function readPreview(file: File): Promise<Preview> {
  const head = new Uint8Array(await file.slice(0, PREVIEW_BYTES).arrayBuffer());
  const splitter = new RecordSplitter();
  const records = splitter.push(head);
  const truncated = file.size > PREVIEW_BYTES;
  if (!truncated) records.push(...splitter.end());
  return { format: splitter.format, records: records.slice(0, PREVIEW_RECORDS), truncated };
}


export function PreviewTable({
  file,
  preview,
  preset,
  effective,
  mapping,
}: {
  file: File;
  preview: Preview;
  preset: PresetChoice;
  effective: PresetId | null;
  mapping: FieldMapping;
}) {
  return (
    <div className="space-y-2" data-testid="import-preview">
      <p className="text-sm text-zinc-600">
        <span className="font-medium text-zinc-800">{file.name}</span> · {formatBytes(file.size)} ·{" "}
        {preview.format === "json" ? "JSON array" : preview.format === "jsonl" ? "JSON Lines" : "empty"}
        {preset === "auto" && (effective ? <> · detected <b>{effective}</b></> : preview.records.length > 0 ? " · format not recognised: choose a preset or map the fields (custom)" : "")}
      </p>
      {preview.records.length === 0 ? (
        <p className="text-sm text-zinc-500">
          {preview.truncated ? "No complete record in the first 256 KB of the file." : "The file has no records."}
        </p>
      ) : (
        <div className="overflow-x-auto rounded border border-zinc-200">
          <table className="w-full text-xs">
            <thead className="bg-zinc-50 text-left text-zinc-500">
              <tr>
                <th className="px-3 py-1.5">Line</th>
                <th className="px-3 py-1.5">Question</th>
                <th className="px-3 py-1.5">Reasoning</th>
                <th className="px-3 py-1.5">Answer / solution</th>
              </tr>
            </thead>
            <tbody>
              {preview.records.map((r, i) => {
                if ("error" in r) {
                  return (
                    <tr key={i} className="border-t border-zinc-100 text-red-700">
                      <td className="px-3 py-1.5 tabular-nums">{r.line}</td>
                      <td className="px-3 py-1.5" colSpan={3}>{r.error}</td>
                    </tr>
                  );
                }
                const m = effective ? mapRecord(r.value, effective, mapping) : null;
                return (
                  <tr key={i} className="border-t border-zinc-100 align-top">
                    <td className="px-3 py-1.5 tabular-nums">{r.line}</td>
                    {m === null ? (
                      <td className="px-3 py-1.5 font-mono text-zinc-500" colSpan={3}>{clip(r.text, 300)}</td>
                    ) : m.ok ? (
                      <>
                        <td className="px-3 py-1.5">{clip(m.row.question)}</td>
                        <td className="px-3 py-1.5 text-zinc-600">
                          {m.row.curated ? <span className="mr-1 rounded bg-green-100 px-1 text-green-800">curated · {m.row.curated.trajectory.rounds.length} rounds</span> : null}
                          {clip(m.row.reasoning, 200)}
                        </td>
                        <td className="px-3 py-1.5">{clip(m.row.referenceAnswer ?? m.row.referenceSolution, 80)}</td>
                      </>
                    ) : (
                      <td className="px-3 py-1.5 text-red-700" colSpan={3}>{m.reason}</td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

