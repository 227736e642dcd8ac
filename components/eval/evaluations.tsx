"use client";
/**
 * Evaluations home: benchmarks (generate a Countdown set, upload MATH-style JSONL / GPQA-style CSV / mapped
 * JSONL), start an eval run (model version or endpoint × benchmark × mode × samples), import recorded
 * outputs, and the runs with live progress; pick two runs to compare.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "@/components/workspace-context";
import { fileBase64, modeLabel } from "./format";

const MODES = [
  { value: "sprint-eager", label: "SPRINT · eager" },
  { value: "sprint-round-sync", label: "SPRINT · round-sync" },
  { value: "sequential", label: "Sequential baseline" },
] as const;

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <section className="card p-4" data-testid={testId}>
      <h2 className="mb-3 text-sm font-semibold">{title}</h2>
      {children}
    </section>
  );
}

function ErrorLine({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="mt-2 text-sm text-red-700" role="alert">
      {errorMessage(error)}
    </p>
  );
}

/** `modelVersionId`: preselected as the run target (the registry's "Evaluate" opens `?modelVersion=<id>`). */
export function Evaluations({ modelVersionId }: { modelVersionId?: string } = {}) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const canCurate = ws.can("curator");
  const benchmarks = useQuery(trpc.eval.benchmarks.queryOptions({ workspaceId: ws.id }));
  const runs = useQuery({
    ...trpc.eval.runs.queryOptions({ workspaceId: ws.id }),
    refetchInterval: (q) => (q.state.data?.some((r) => r.status === "queued" || r.status === "running") ? 1000 : false),
  });
  const options = useQuery(trpc.inference.options.queryOptions({ workspaceId: ws.id }));
  const invalidate = () => {
    void qc.invalidateQueries({ queryKey: trpc.eval.benchmarks.queryKey() });
    void qc.invalidateQueries({ queryKey: trpc.eval.runs.queryKey() });
  };

  // Countdown generator
  const [cd, setCd] = useState({ name: "countdown", seed: "1", count: "20" });
  const genCd = useMutation(trpc.eval.generateCountdown.mutationOptions({ onSuccess: invalidate }));
  // Upload
  const [up, setUp] = useState<{ name: string; seed: string; file: File | null }>({ name: "", seed: "", file: null });
  // Generic JSONL: which fields hold the id, the problem, the gold answer and (optionally) the options.
  const [mapping, setMapping] = useState<{ on: boolean; id: string; question: string; answer: string; choices: string }>({ on: false, id: "id", question: "question", answer: "answer", choices: "" });
  const [upIssues, setUpIssues] = useState<string | null>(null);
  const upload = useMutation(
    trpc.eval.uploadBenchmark.mutationOptions({
      onSuccess: (r) => {
        setUpIssues(`${r.created ? "Added" : "Unchanged (same content):"} ${r.benchmark.name} v${r.benchmark.version} — ${r.benchmark.itemCount} problems${r.issueCount ? `, ${r.issueCount} rows skipped (${r.issues.slice(0, 3).map((i) => `line ${i.line}: ${i.message}`).join("; ")})` : ""}.`);
        invalidate();
      },
    }),
  );
  // Start run
  const endpoints = (options.data?.endpoints ?? []).filter((e) => e.kind !== "local-gguf");
  const versions = options.data?.modelVersions ?? [];
  const [run, setRun] = useState({ benchmarkId: "", target: modelVersionId ? `mv:${modelVersionId}` : "", mode: "sprint-eager", samples: "1", temperature: "0.6", topP: "", seed: "", concurrency: "4", tokenizer: "qwen" });
  const start = useMutation(trpc.eval.start.mutationOptions({ onSuccess: invalidate }));
  // Import outputs
  const [imp, setImp] = useState<{ benchmarkId: string; name: string; files: File[] }>({ benchmarkId: "", name: "", files: [] });
  const importOut = useMutation(trpc.eval.importOutputs.mutationOptions({ onSuccess: (r) => router.push(`/w/${ws.slug}/evaluations/${r.runId}`) }));
  // Compare
  const [picked, setPicked] = useState<string[]>([]);

  const benchOptions = (benchmarks.data ?? []).map((b) => (
    <option key={b.id} value={b.id}>
      {b.name} v{b.version} · {b.kind} · {b.itemCount}
    </option>
  ));

  const submitRun = () => {
    const [kind, id] = [run.target.slice(0, 2), run.target.slice(3)];
    start.mutate({
      workspaceId: ws.id,
      benchmarkId: run.benchmarkId || benchmarks.data?.[0]?.id || "",
      ...(kind === "ep" ? { endpointId: id } : { modelVersionId: id }),
      mode: run.mode as (typeof MODES)[number]["value"],
      samples: Number(run.samples) || 1,
      params: {
        temperature: Number(run.temperature),
        concurrency: Number(run.concurrency) || 4,
        tokenizer: run.tokenizer as "qwen" | "approx",
        ...(run.topP.trim() ? { topP: Number(run.topP) } : {}),
        ...(run.seed.trim() ? { seed: Math.trunc(Number(run.seed)) } : {}),
      },
    });
  };

  const submitImport = async () => {
    const files = await Promise.all(
      imp.files.map(async (f) => (/\.zip$/i.test(f.name) ? { name: f.webkitRelativePath || f.name, base64: await fileBase64(f) } : { name: f.webkitRelativePath || f.name, content: await f.text() })),
    );
    importOut.mutate({ workspaceId: ws.id, benchmarkId: imp.benchmarkId || benchmarks.data?.[0]?.id || "", files, ...(imp.name ? { name: imp.name } : {}) });
  };

  const targetValue = run.target || (versions[0] ? `mv:${versions[0].id}` : endpoints[0] ? `ep:${endpoints[0].id}` : "");

  return (
    <div className="space-y-6">
      <div className="grid gap-4 lg:grid-cols-2">
        <Section title="Benchmarks" testId="benchmarks-panel">
          {(benchmarks.data ?? []).length === 0 ? (
            <p className="text-sm text-zinc-600">No benchmark yet. Generate a Countdown set or upload MATH-style JSONL / GPQA-style CSV — nothing is bundled or downloaded.</p>
          ) : (
            <ul className="max-h-48 space-y-1 overflow-auto text-sm" data-testid="benchmark-list">
              {benchmarks.data!.map((b) => (
                <li key={b.id} className="flex justify-between gap-2">
                  <span>
                    <span className="font-medium">{b.name}</span> v{b.version} <span className="text-zinc-500">· {b.kind} · {b.format}</span>
                  </span>
                  <span className="text-xs text-zinc-500" title={`sha256 ${b.contentHash}`}>
                    {b.itemCount} problems · {b.contentHash.slice(0, 8)}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {canCurate && (
            <div className="mt-4 space-y-4 border-t border-zinc-100 pt-3">
              <form
                className="flex flex-wrap items-end gap-2"
                onSubmit={(e) => {
                  e.preventDefault();
                  genCd.mutate({ workspaceId: ws.id, name: cd.name, seed: cd.seed, count: Number(cd.count) });
                }}
              >
                <label className="w-40">
                  <span className="label text-xs">Countdown set name</span>
                  <input className="input py-1" value={cd.name} onChange={(e) => setCd({ ...cd, name: e.target.value })} aria-label="Countdown name" />
                </label>
                <label className="w-20">
                  <span className="label text-xs">Seed</span>
                  <input className="input py-1" value={cd.seed} onChange={(e) => setCd({ ...cd, seed: e.target.value })} aria-label="Countdown seed" />
                </label>
                <label className="w-24">
                  <span className="label text-xs">Problems</span>
                  <input className="input py-1" type="number" min={1} max={5000} value={cd.count} onChange={(e) => setCd({ ...cd, count: e.target.value })} aria-label="Countdown problems" />
                </label>
                <button className="btn-secondary" disabled={genCd.isPending} data-testid="generate-countdown">
                  Generate Countdown
                </button>
              </form>
              <ErrorLine error={genCd.error} />
              <form
                className="flex flex-wrap items-end gap-2"
                onSubmit={(e) => {
                  e.preventDefault();
                  const f = up.file;
                  if (!f) return;
                  const m = mapping.on ? { mapping: { question: mapping.question, answer: mapping.answer, ...(mapping.id ? { id: mapping.id } : {}), ...(mapping.choices ? { choices: mapping.choices } : {}) } } : {};
                  void f.text().then((content) => upload.mutate({ workspaceId: ws.id, name: up.name || f.name.replace(/\.[^.]+$/, ""), fileName: f.name, content, ...(up.seed ? { seed: up.seed } : {}), ...m }));
                }}
              >
                <label className="w-40">
                  <span className="label text-xs">Benchmark name</span>
                  <input className="input py-1" value={up.name} placeholder="from the file" onChange={(e) => setUp({ ...up, name: e.target.value })} aria-label="Benchmark name" />
                </label>
                <label className="min-w-0 flex-1">
                  <span className="label text-xs">File (.jsonl MATH-style, .csv GPQA-style)</span>
                  <input className="block text-sm" type="file" accept=".jsonl,.json,.csv" onChange={(e) => setUp({ ...up, file: e.target.files?.[0] ?? null })} aria-label="Benchmark file" />
                </label>
                <label className="w-24">
                  <span className="label text-xs">Shuffle seed</span>
                  <input className="input py-1" value={up.seed} placeholder="random" onChange={(e) => setUp({ ...up, seed: e.target.value })} aria-label="Shuffle seed" />
                </label>
                <button className="btn-secondary" disabled={!up.file || upload.isPending} data-testid="upload-benchmark">
                  Upload
                </button>
                <label className="flex w-full items-center gap-2 text-xs text-zinc-600">
                  <input type="checkbox" checked={mapping.on} onChange={(e) => setMapping({ ...mapping, on: e.target.checked })} aria-label="Custom field mapping" />
                  Other JSONL layout: map its fields (dot paths allowed, e.g. meta.answer)
                </label>
                {mapping.on && (
                  <div className="grid w-full grid-cols-4 gap-2" data-testid="field-mapping">
                    {(["id", "question", "answer", "choices"] as const).map((k) => (
                      <label key={k}>
                        <span className="label text-xs">{k === "choices" ? "options (array, optional)" : k === "id" ? "id field" : `${k} field`}</span>
                        <input className="input py-1" value={mapping[k]} onChange={(e) => setMapping({ ...mapping, [k]: e.target.value })} aria-label={`Mapping ${k}`} />
                      </label>
                    ))}
                  </div>
                )}
              </form>
              <ErrorLine error={upload.error} />
              {upIssues && (
                <p className="text-xs text-zinc-600" data-testid="upload-result">
                  {upIssues}
                </p>
              )}
            </div>
          )}
        </Section>

        {canCurate && (
          <Section title="Run an evaluation" testId="start-panel">
            {endpoints.length === 0 && versions.length === 0 ? (
              <p className="text-sm text-zinc-600">
                Connect an OpenAI-compatible endpoint in{" "}
                <Link className="text-brand-600 underline" href={`/w/${ws.slug}/settings`}>
                  Settings
                </Link>{" "}
                to run benchmarks — or import recorded outputs below, which needs no engine.
              </p>
            ) : (
              <form
                className="grid grid-cols-2 gap-2"
                onSubmit={(e) => {
                  e.preventDefault();
                  submitRun();
                }}
              >
                <label className="col-span-2">
                  <span className="label text-xs">Benchmark</span>
                  <select className="input py-1" value={run.benchmarkId} onChange={(e) => setRun({ ...run, benchmarkId: e.target.value })} aria-label="Run benchmark">
                    {benchOptions}
                  </select>
                </label>
                <label className="col-span-2">
                  <span className="label text-xs">Model</span>
                  <select className="input py-1" value={targetValue} onChange={(e) => setRun({ ...run, target: e.target.value })} aria-label="Run model">
                    {versions.map((v) => (
                      <option key={v.id} value={`mv:${v.id}`}>
                        {v.name} v{v.version} ({v.stage})
                      </option>
                    ))}
                    {endpoints.map((e) => (
                      <option key={e.id} value={`ep:${e.id}`}>
                        endpoint {e.name} · {e.model}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  <span className="label text-xs">Mode</span>
                  <select className="input py-1" value={run.mode} onChange={(e) => setRun({ ...run, mode: e.target.value })} aria-label="Run mode">
                    {MODES.map((m) => (
                      <option key={m.value} value={m.value}>
                        {m.label}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  <span className="label text-xs">Samples per problem</span>
                  <input className="input py-1" type="number" min={1} max={64} value={run.samples} onChange={(e) => setRun({ ...run, samples: e.target.value })} aria-label="Samples" />
                </label>
                <label>
                  <span className="label text-xs">Temperature</span>
                  <input className="input py-1" type="number" step="0.1" min={0} max={2} value={run.temperature} onChange={(e) => setRun({ ...run, temperature: e.target.value })} aria-label="Temperature" />
                </label>
                <label>
                  <span className="label text-xs">Top-p</span>
                  <input className="input py-1" type="number" step="0.05" min={0} max={1} value={run.topP} placeholder="server default" onChange={(e) => setRun({ ...run, topP: e.target.value })} aria-label="Top-p" />
                </label>
                <label>
                  <span className="label text-xs">Seed (sample s uses seed + s)</span>
                  <input className="input py-1" type="number" value={run.seed} placeholder="none" onChange={(e) => setRun({ ...run, seed: e.target.value })} aria-label="Seed" />
                </label>
                <label>
                  <span className="label text-xs">Concurrency on the endpoint</span>
                  <input className="input py-1" type="number" min={1} max={256} value={run.concurrency} onChange={(e) => setRun({ ...run, concurrency: e.target.value })} aria-label="Concurrency" />
                </label>
                <label>
                  <span className="label text-xs">Tokenizer (metrics)</span>
                  <select className="input py-1" value={run.tokenizer} onChange={(e) => setRun({ ...run, tokenizer: e.target.value })} aria-label="Tokenizer">
                    <option value="qwen">Qwen (the paper's)</option>
                    <option value="approx">approximate (fast)</option>
                  </select>
                </label>
                <div className="col-span-2">
                  <button className="btn-primary" disabled={start.isPending || !benchmarks.data?.length} data-testid="start-eval">
                    Start evaluation
                  </button>
                  <ErrorLine error={start.error} />
                </div>
              </form>
            )}
          </Section>
        )}
      </div>

      {canCurate && (
        <Section title="Evaluate recorded outputs (no engine)" testId="import-panel">
          <form
            className="flex flex-wrap items-end gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              void submitImport();
            }}
          >
            <label className="w-64">
              <span className="label text-xs">Benchmark</span>
              <select className="input py-1" value={imp.benchmarkId} onChange={(e) => setImp({ ...imp, benchmarkId: e.target.value })} aria-label="Import benchmark">
                {benchOptions}
              </select>
            </label>
            <label className="min-w-0 flex-1">
              <span className="label text-xs">Outputs: .txt files named by problem id, JSONL rows {"{id, output}"}, or a .zip</span>
              <input className="block text-sm" type="file" multiple accept=".txt,.md,.jsonl,.zip" onChange={(e) => setImp({ ...imp, files: [...(e.target.files ?? [])] })} aria-label="Output files" />
            </label>
            <label className="w-56">
              <span className="label text-xs">…or a whole folder</span>
              <input className="block text-sm" type="file" multiple {...{ webkitdirectory: "" }} onChange={(e) => setImp({ ...imp, files: [...(e.target.files ?? [])] })} aria-label="Output folder" />
            </label>
            <label className="w-48">
              <span className="label text-xs">Name</span>
              <input className="input py-1" value={imp.name} placeholder="optional" onChange={(e) => setImp({ ...imp, name: e.target.value })} aria-label="Import name" />
            </label>
            <button className="btn-secondary" disabled={imp.files.length === 0 || importOut.isPending || !benchmarks.data?.length} data-testid="import-outputs">
              Import and grade
            </button>
          </form>
          <ErrorLine error={importOut.error} />
        </Section>
      )}

      <Section title="Runs" testId="runs-panel">
        {(runs.data ?? []).length === 0 ? (
          <p className="text-sm text-zinc-600">No evaluation yet.</p>
        ) : (
          <>
            <table className="w-full text-sm">
              <thead className="text-left text-xs text-zinc-500">
                <tr>
                  <th className="w-8" />
                  <th>Run</th>
                  <th>Benchmark</th>
                  <th>Mode</th>
                  <th>Status</th>
                  <th className="w-48">Progress</th>
                </tr>
              </thead>
              <tbody>
                {runs.data!.map((r) => (
                  <tr key={r.id} className="border-t border-zinc-100" data-testid="eval-run-row" data-status={r.status} data-mode={r.mode}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Compare ${r.name}`}
                        checked={picked.includes(r.id)}
                        onChange={(e) => setPicked((p) => (e.target.checked ? [...p, r.id].slice(-2) : p.filter((x) => x !== r.id)))}
                      />
                    </td>
                    <td className="py-1">
                      <Link className="text-brand-600 hover:underline" href={`/w/${ws.slug}/evaluations/${r.id}`}>
                        {r.name}
                      </Link>
                    </td>
                    <td>
                      {r.benchmark.name} v{r.benchmark.version}
                    </td>
                    <td>{modeLabel(r.mode)}</td>
                    <td>{r.status}</td>
                    <td>
                      <div className="flex items-center gap-2">
                        <div className="h-2 flex-1 rounded bg-zinc-100" role="progressbar" aria-valuenow={Math.round(100 * r.progress)} aria-valuemin={0} aria-valuemax={100}>
                          <div className="h-2 rounded bg-brand-500" style={{ width: `${100 * r.progress}%` }} />
                        </div>
                        <span className="w-24 text-right text-xs text-zinc-500">
                          {r.done + r.failed}/{r.total} {r.failed > 0 ? `(${r.failed} failed)` : ""}
                        </span>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="mt-3 flex items-center gap-2 text-sm">
              <Link
                className={`btn-secondary ${picked.length === 2 ? "" : "pointer-events-none opacity-50"}`}
                aria-disabled={picked.length !== 2}
                href={picked.length === 2 ? `/w/${ws.slug}/evaluations/compare?a=${picked[0]}&b=${picked[1]}` : "#"}
                data-testid="compare-link"
              >
                Compare the two selected runs
              </Link>
              <span className="text-xs text-zinc-500">{picked.length}/2 selected · paired on the same problems: wins/losses, McNemar, bootstrap CI</span>
            </div>
          </>
        )}
      </Section>
    </div>
  );
}
