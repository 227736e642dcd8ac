/** The custom preset's field mapping: target field → dotted source path, with the paths of the first record offered. */
import { TARGET_FIELDS, type FieldMapping, type TargetField } from "@/server/curation/import/presets";

const FIELD_HELP: Record<TargetField, string> = {
  question: "required",
  reasoning: "required; <think>/OpenThoughts markers are split off",
  answer: "expected answer",
  solution: "written solution",
  sourceModel: "model name",
  externalId: "your id",
};

export function MappingEditor({
  mapping,
  onChange,
  paths,
  disabled,
}: {
  mapping: FieldMapping;
  onChange: (m: FieldMapping) => void;
  paths: { path: string; type: string; preview: string }[];
  disabled: boolean;
}) {
  return (
    <fieldset className="rounded border border-zinc-200 p-3" data-testid="mapping-editor">
      <legend className="px-1 text-sm font-medium">Field mapping (dotted paths, e.g. conversations.1.value)</legend>
      <datalist id="import-paths">
        {paths.map((p) => (
          <option key={p.path} value={p.path}>{`${p.type}: ${p.preview}`}</option>
        ))}
      </datalist>
      <div className="grid grid-cols-1 gap-3 md:grid-cols-3">
        {TARGET_FIELDS.map((f) => (
          <div key={f}>
            <label className="label" htmlFor={`map-${f}`}>
              {f} <span className="font-normal text-zinc-500">({FIELD_HELP[f]})</span>
            </label>
            <input
              id={`map-${f}`}
              className="input font-mono"
              list="import-paths"
              disabled={disabled}
              value={mapping[f] ?? ""}
              placeholder="e.g. conversations.1.value"
              onChange={(e) => onChange({ ...mapping, [f]: e.target.value })}
            />
          </div>
        ))}
      </div>
    </fieldset>
  );
}

