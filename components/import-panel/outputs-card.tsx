"use client";
/**
 * Import raw model outputs: several `.txt` files or a `.zip` of them (file name = trace id), with an optional
 * questions file joined by id. Traces without a question are imported for statistics and evaluation; curation
 * skips them until they have one.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { nf } from "./format";
import { buildOutputRecords, toJsonl, type OutputsBatch } from "./outputs";
import { ResultSummary } from "./result-summary";
import { uploadToImports, type ImportResult } from "./upload";

async function bytesOf(f: File): Promise<Uint8Array> {
  return new Uint8Array(await f.arrayBuffer());
}

export function OutputsCard({ datasetId, onImported }: { datasetId: string; onImported: (id: string) => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const [files, setFiles] = useState<File[]>([]);
  const [questions, setQuestions] = useState<File | null>(null);
  const [batch, setBatch] = useState<OutputsBatch | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function prepare(nextFiles: File[], nextQuestions: File | null) {
    setFiles(nextFiles);
    setQuestions(nextQuestions);
    setResult(null);
    setError(null);
    setBatch(null);
    if (nextFiles.length === 0) return;
    try {
      const inputs = await Promise.all(nextFiles.map(async (f) => ({ name: f.name, bytes: await bytesOf(f) })));
      setBatch(buildOutputRecords(inputs, nextQuestions ? await bytesOf(nextQuestions) : undefined));
    } catch (e) {
      setError(`Could not read the files: ${errorMessage(e)}`);
    }
  }

  async function submit() {
    if (!batch || batch.records.length === 0) return;
    setBusy(true);
    setResult(null);
    setError(null);
    try {
      const name = files.length === 1 ? files[0]!.name : `${nf.format(files.length)} files`;
      const body = new Blob([toJsonl(batch.records)], { type: "application/x-ndjson" });
      const r = await uploadToImports({ datasetId, body, fileName: `${name} (outputs)`.slice(0, 255), preset: "outputs", format: "jsonl" });
      if (!r.ok) setError(r.error);
      else {
        setResult(r.result);
        onImported(r.result.importId);
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
    <section className="card space-y-3 p-5" aria-labelledby="outputs-heading" data-testid="outputs-import">
      <h2 id="outputs-heading" className="text-base font-semibold">Import model outputs (.txt)</h2>
      <p className="text-sm text-zinc-600">
        One output per <code>.txt</code> file (e.g. ending in <code>&lt;/think&gt;</code>), several files or a <code>.zip</code>; the file name is the trace id.
        Add a questions file (JSON Lines of <code>{"{id, question, answer?}"}</code>) to join questions by id. A trace without a question is kept for
        statistics and evaluation, but curation skips it until it has one.
      </p>
      <div className="flex flex-wrap gap-4">
        <div className="min-w-72 flex-1">
          <label className="label" htmlFor="outputs-files">Output files (.txt or .zip)</label>
          <input
            id="outputs-files"
            type="file"
            multiple
            accept=".txt,.zip,text/plain,application/zip"
            className="block w-full text-sm file:mr-3 file:rounded-md file:border file:border-zinc-300 file:bg-white file:px-3 file:py-1.5 file:text-sm"
            disabled={busy}
            onChange={(e) => void prepare([...(e.target.files ?? [])], questions)}
          />
        </div>
        <div className="min-w-72 flex-1">
          <label className="label" htmlFor="outputs-questions">Questions file (optional)</label>
          <input
            id="outputs-questions"
            type="file"
            accept=".jsonl,.ndjson,.json,application/json"
            className="block w-full text-sm file:mr-3 file:rounded-md file:border file:border-zinc-300 file:bg-white file:px-3 file:py-1.5 file:text-sm"
            disabled={busy}
            onChange={(e) => void prepare(files, e.target.files?.[0] ?? null)}
          />
        </div>
      </div>
      {batch && (
        <div className="space-y-1 text-sm" data-testid="outputs-summary">
          <p>
            {nf.format(batch.records.length)} output{batch.records.length === 1 ? "" : "s"} · {nf.format(batch.withQuestion)} with a question ·{" "}
            {nf.format(batch.withoutQuestion)} without
            {batch.withoutQuestion > 0 && <span className="text-amber-700"> (imported for statistics and evaluation; not curated until they have a question)</span>}
          </p>
          {batch.unmatchedQuestions.length > 0 && (
            <p className="text-amber-700">
              {nf.format(batch.unmatchedQuestions.length)} question{batch.unmatchedQuestions.length === 1 ? "" : "s"} match no file: {batch.unmatchedQuestions.slice(0, 5).join(", ")}
              {batch.unmatchedQuestions.length > 5 ? "…" : ""}
            </p>
          )}
          {batch.questionErrors.length > 0 && (
            <p className="text-amber-700">
              Questions file: {batch.questionErrors.slice(0, 3).map((e) => `line ${e.line}: ${e.reason}`).join("; ")}
              {batch.questionErrors.length > 3 ? ` and ${batch.questionErrors.length - 3} more` : ""}
            </p>
          )}
          {batch.skipped.length > 0 && (
            <ul className="list-disc pl-5 text-xs text-zinc-600" data-testid="outputs-skipped">
              {batch.skipped.slice(0, 10).map((s) => (
                <li key={s.name}>{s.name}: {s.reason}</li>
              ))}
              {batch.skipped.length > 10 && <li>and {batch.skipped.length - 10} more</li>}
            </ul>
          )}
        </div>
      )}
      <button className="btn-primary" disabled={busy || !batch || batch.records.length === 0} onClick={() => void submit()}>
        {busy ? "Adding…" : "Add outputs"}
      </button>
      {error && <p role="alert" className="text-sm text-red-600">{error}</p>}
      {result && (
        <ResultSummary
          result={result}
          datasetId={datasetId}
          note={
            batch && batch.withoutQuestion > 0 && result.rowsOk > 0 ? (
              <p className="text-sm text-amber-700" data-testid="outputs-no-question-note">
                Traces without a question count in statistics and evaluation; curation runs skip them (reason: no question) until you import them again with
                a questions file.
              </p>
            ) : undefined
          }
        />
      )}
    </section>
  );
}
