"use client";
import type { ImportSummary } from "@/server/curation/import/run";
/**
 * The dataset import page: pick a JSONL / JSON file, check the preset on a preview of its first records
 * (auto-detected; a field-mapping editor for custom), upload it streamed with live progress (bytes, rows,
 * rows/s) and cancel, then see the summary and every bad line with its reason (downloadable as JSONL).
 * Also: paste a single trace, and the dataset's import history. Curators and admins import; others read.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useRef, useState, type ReactNode } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "./workspace-context";
import { RecordSplitter, type ReadRecord, type SourceFormat } from "@/server/curation/import/reader";
import {
  detectPreset,
  listPaths,
  mapRecord,
  PRESET_IDS,
  PRESET_LABELS,
  TARGET_FIELDS,
  type FieldMapping,
  type PresetChoice,
  type PresetId,
  type TargetField,
} from "@/server/curation/import/presets";

const nf = new Intl.NumberFormat("en");
const PREVIEW_BYTES = 256 * 1024;
const PREVIEW_RECORDS = 5;

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

function clip(s: string | undefined, n = 140): string {
  if (!s) return "";
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > n ? `${one.slice(0, n)}…` : one;
}

interface Preview {
  format: SourceFormat | null;
  records: ReadRecord[];
  truncated: boolean;
}

async function readPreview(file: File): Promise<Preview> {
  const head = new Uint8Array(await file.slice(0, PREVIEW_BYTES).arrayBuffer());
  const splitter = new RecordSplitter();
  const records = splitter.push(head);
  const truncated = file.size > PREVIEW_BYTES;
  if (!truncated) records.push(...splitter.end());
  return { format: splitter.format, records: records.slice(0, PREVIEW_RECORDS), truncated };
}

/** What the upload endpoint answers. */
type ImportResult = ImportSummary;

export function ImportPanel({ datasetId, datasetName }: { datasetId: string; datasetName: string }) {
  const ws = useWorkspace();
  const canImport = ws.can("curator");
  const [lastImportId, setLastImportId] = useState<string | null>(null);

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
      {canImport && <PasteCard datasetId={datasetId} />}
      <HistoryCard datasetId={datasetId} onShowIssues={setLastImportId} />
    </div>
  );
}

// ── upload ──────────────────────────────────────────────────────────────────────────────────────────

function UploadCard({ datasetId, onImported }: { datasetId: string; onImported: (id: string) => void }) {
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
    const qs = new URLSearchParams({ fileName: file.name, preset, size: String(file.size) });
    if (preset === "custom") qs.set("mapping", JSON.stringify(mapping));
    try {
      const res = await fetch(`/api/datasets/${encodeURIComponent(datasetId)}/imports?${qs.toString()}`, {
        method: "POST",
        body: file,
        signal: ac.signal,
        headers: { "Content-Type": "application/octet-stream" },
      });
      const body = (await res.json().catch(() => ({ error: `The server answered ${res.status}` }))) as ImportResult & { error?: string };
      if (!res.ok && !body.importId) {
        setUploadError(body.error ?? `The server answered ${res.status}`);
      } else {
        setResult(body);
        onImported(body.importId);
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
      {result && <ResultSummary result={result} />}
    </section>
  );
}

function PreviewTable({
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

const FIELD_HELP: Record<TargetField, string> = {
  question: "required",
  reasoning: "required; <think>/OpenThoughts markers are split off",
  answer: "expected answer",
  solution: "written solution",
  sourceModel: "model name",
  externalId: "your id",
};

function MappingEditor({
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

function Stat({ label, value, tone }: { label: string; value: ReactNode; tone?: "good" | "bad" | "warn" }) {
  const color = tone === "good" ? "text-green-700" : tone === "bad" ? "text-red-700" : tone === "warn" ? "text-amber-700" : "text-zinc-900";
  return (
    <div className="rounded border border-zinc-200 px-3 py-2">
      <div className="text-xs text-zinc-500">{label}</div>
      <div className={`text-lg font-semibold tabular-nums ${color}`}>{value}</div>
    </div>
  );
}

function ResultSummary({ result }: { result: ImportResult }) {
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
    </div>
  );
}

// ── issues ──────────────────────────────────────────────────────────────────────────────────────────

function IssuesCard({ importId }: { importId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const [pages, setPages] = useState<(string | null)[]>([null]);
  const [kind, setKind] = useState<"all" | "invalid" | "duplicate">("all");
  const imp = useQuery(trpc.imports.get.queryOptions({ workspaceId: ws.id, importId }));
  const issueCount = (imp.data?.rowsBad ?? 0) + (imp.data?.rowsDuplicate ?? 0);

  return (
    <section className="card space-y-3 p-5" aria-labelledby="issues-heading" data-testid="import-issues">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="issues-heading" className="text-base font-semibold">
          Error report{imp.data ? ` — ${imp.data.fileName}` : ""}
        </h2>
        <div className="flex items-center gap-3">
          <select
            aria-label="Issue kind"
            className="input w-40"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as typeof kind);
              setPages([null]);
            }}
          >
            <option value="all">All issues</option>
            <option value="invalid">Invalid lines</option>
            <option value="duplicate">Duplicates</option>
          </select>
          <a className="btn-secondary" href={`/api/imports/${encodeURIComponent(importId)}/report`} download>
            Download report
          </a>
        </div>
      </div>
      {imp.data && issueCount === 0 ? (
        <p className="text-sm text-zinc-600" data-testid="no-issues">Every line was imported: nothing to report.</p>
      ) : (
        <table className="w-full text-sm">
          <thead className="bg-zinc-50 text-left text-xs text-zinc-500">
            <tr>
              <th className="w-20 px-3 py-1.5">Line</th>
              <th className="w-24 px-3 py-1.5">Kind</th>
              <th className="px-3 py-1.5">Reason</th>
              <th className="px-3 py-1.5">Excerpt</th>
            </tr>
          </thead>
          <tbody>
            {pages.map((cursor, i) => (
              <IssuePage
                key={`${kind}-${cursor ?? "first"}`}
                importId={importId}
                kind={kind}
                cursor={cursor}
                isLast={i === pages.length - 1}
                onMore={(next) => setPages((p) => [...p, next])}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function IssuePage({
  importId,
  kind,
  cursor,
  isLast,
  onMore,
}: {
  importId: string;
  kind: "all" | "invalid" | "duplicate";
  cursor: string | null;
  isLast: boolean;
  onMore: (next: string) => void;
}) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const q = useQuery(
    trpc.imports.issues.queryOptions({ workspaceId: ws.id, importId, cursor, limit: 100, ...(kind === "all" ? {} : { kind }) }),
  );
  if (q.error) {
    return (
      <tr>
        <td colSpan={4} className="px-3 py-2 text-red-600">{errorMessage(q.error)}</td>
      </tr>
    );
  }
  if (!q.data) {
    return (
      <tr>
        <td colSpan={4} className="px-3 py-2 text-zinc-500">Loading…</td>
      </tr>
    );
  }
  return (
    <>
      {q.data.items.map((it) => (
        <tr key={it.id} className="border-t border-zinc-100 align-top" data-testid="issue-row">
          <td className="px-3 py-1.5 tabular-nums" data-testid="issue-line">{it.line}</td>
          <td className="px-3 py-1.5">
            <span className={`rounded px-1.5 py-0.5 text-xs ${it.kind === "invalid" ? "bg-red-50 text-red-700" : "bg-amber-50 text-amber-800"}`}>{it.kind}</span>
          </td>
          <td className="px-3 py-1.5">{it.reason}</td>
          <td className="max-w-md truncate px-3 py-1.5 font-mono text-xs text-zinc-500" title={it.excerpt ?? ""}>{it.excerpt}</td>
        </tr>
      ))}
      {isLast && q.data.nextCursor && (
        <tr>
          <td colSpan={4} className="px-3 py-2">
            <button className="btn-secondary" onClick={() => onMore(q.data.nextCursor as string)}>
              Show more ({nf.format(q.data.total)} in all)
            </button>
          </td>
        </tr>
      )}
    </>
  );
}

// ── paste ───────────────────────────────────────────────────────────────────────────────────────────

function PasteCard({ datasetId }: { datasetId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [question, setQuestion] = useState("");
  const [reasoning, setReasoning] = useState("");
  const [answer, setAnswer] = useState("");
  const paste = useMutation(
    trpc.imports.pasteTrace.mutationOptions({
      onSuccess: () => {
        setQuestion("");
        setReasoning("");
        setAnswer("");
        void qc.invalidateQueries({ queryKey: trpc.datasets.list.queryKey() });
      },
    }),
  );
  return (
    <section className="card p-5" aria-labelledby="paste-heading">
      <h2 id="paste-heading" className="text-base font-semibold">Paste a trace</h2>
      <p className="mt-1 text-sm text-zinc-600">
        One question and its chain of thought. R1 output (<code>&lt;think&gt;…&lt;/think&gt; answer</code>) and OpenThoughts markers are recognised;
        the text after the thinking is kept as the solution.
      </p>
      <form
        className="mt-3 space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          paste.mutate({ workspaceId: ws.id, datasetId, question, reasoning, answer: answer.trim() || undefined });
        }}
      >
        <div>
          <label className="label" htmlFor="paste-question">Question</label>
          <textarea id="paste-question" className="input min-h-16" required value={question} onChange={(e) => setQuestion(e.target.value)} />
        </div>
        <div>
          <label className="label" htmlFor="paste-reasoning">Reasoning</label>
          <textarea id="paste-reasoning" className="input min-h-40 font-mono text-xs" required value={reasoning} onChange={(e) => setReasoning(e.target.value)} />
        </div>
        <div className="max-w-md">
          <label className="label" htmlFor="paste-answer">Answer (optional)</label>
          <input id="paste-answer" className="input" value={answer} onChange={(e) => setAnswer(e.target.value)} />
        </div>
        <div className="flex items-center gap-3">
          <button className="btn-primary" type="submit" disabled={paste.isPending}>Add trace</button>
          {paste.data && (
            <span className="text-sm text-green-700" data-testid="paste-result">
              Added ({paste.data.format} format, {nf.format(paste.data.reasoningChars)} characters of reasoning
              {paste.data.hasSolution ? ", solution kept" : ""}).
            </span>
          )}
        </div>
        {paste.data && paste.data.diagnostics.length > 0 && (
          <ul className="list-disc pl-5 text-xs text-amber-700">
            {paste.data.diagnostics.map((d) => <li key={d}>{d}</li>)}
          </ul>
        )}
        {paste.data?.warning && <p className="text-sm text-amber-700">{paste.data.warning}</p>}
        {paste.error && <p role="alert" className="text-sm text-red-600">{errorMessage(paste.error)}</p>}
      </form>
    </section>
  );
}

// ── history ─────────────────────────────────────────────────────────────────────────────────────────

function HistoryCard({ datasetId, onShowIssues }: { datasetId: string; onShowIssues: (id: string) => void }) {
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
