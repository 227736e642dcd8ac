"use client";
/**
 * Playground: the run form (question with a live Markdown/KaTeX preview, endpoint or model version,
 * schedule, parameters, compare with sequential, prompted mode) and the run history. With no endpoint
 * configured it explains how to connect one instead (no model is bundled); history and replays still work.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useDeferredValue, useEffect, useState, type ReactNode } from "react";
import { Markdown } from "@/components/markdown";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "@/components/workspace-context";
import { RunHistory } from "./run-history";

type Schedule = "round-sync" | "eager";

interface FormState {
  question: string;
  /** "ep:<id>" or "mv:<id>" */
  target: string;
  schedule: Schedule;
  maxRounds: string;
  temperature: string;
  topP: string;
  seed: string;
  plannerMaxTokens: string;
  executorMaxTokens: string;
  executorContext: "rearranged" | "prefix";
  maxConcurrentLanes: string;
  warmPrefix: boolean;
  onIncomplete: "degraded" | "fail";
  compareSequential: boolean;
  prompted: boolean;
  promptedDatasetId: string;
}

const EMPTY: FormState = {
  question: "",
  target: "",
  schedule: "round-sync",
  maxRounds: "12",
  temperature: "0.6",
  topP: "",
  seed: "",
  plannerMaxTokens: "8000",
  executorMaxTokens: "8000",
  executorContext: "rearranged",
  maxConcurrentLanes: "",
  warmPrefix: false,
  onIncomplete: "degraded",
  compareSequential: false,
  prompted: false,
  promptedDatasetId: "",
};

function num(s: string): number | undefined {
  if (s.trim() === "") return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

function str(v: unknown): string {
  return typeof v === "number" ? String(v) : "";
}

/** The how-to-connect guide shown when the workspace has no endpoint. */
export function ConnectGuide({ slug, isAdmin }: { slug: string; isAdmin: boolean }) {
  const code = (s: string) => <code className="block overflow-x-auto rounded bg-zinc-900 px-3 py-2 font-mono text-xs whitespace-pre text-zinc-100">{s}</code>;
  const items: { name: string; body: ReactNode }[] = [
    { name: "vLLM", body: <>{code("vllm serve ./sprint-7b --port 8000\n# base URL: http://localhost:8000/v1")}</> },
    { name: "SGLang", body: <>{code("python -m sglang.launch_server --model-path ./sprint-7b --port 30000\n# base URL: http://localhost:30000/v1")}</> },
    { name: "Ollama", body: <>{code("ollama serve   # then: ollama pull <model>\n# base URL: http://localhost:11434/v1")}</> },
    { name: "llama.cpp", body: <>{code("llama-server -m sprint-7b.Q4_K_M.gguf --port 8080\n# base URL: http://localhost:8080/v1")}</> },
    { name: "OpenAI (or any hosted OpenAI-compatible API)", body: <>{code("base URL: https://api.openai.com/v1 · model: your model · API key")}</> },
    {
      name: "A local GGUF file (no server)",
      body: <>{code("npm install node-llama-cpp\nSPRINT_LOCAL_MODEL=/models/sprint-7b.Q4_K_M.gguf npm start")}<p className="mt-1">It then appears as “Local GGUF” in the picker.</p></>,
    },
  ];
  return (
    <section className="card p-5" data-testid="connect-guide">
      <h2 className="text-base font-semibold">Connect a model to run inference</h2>
      <p className="mt-1 text-sm text-zinc-600">
        SPRINT Studio bundles no model weights. The playground talks to any OpenAI-compatible completions server — ideally serving a SPRINT
        fine-tuned model (or any instruct model in <em>prompted mode</em>). Start one, then {isAdmin ? "add it" : "ask an admin to add it"} as an
        endpoint in{" "}
        <Link href={`/w/${slug}/settings`} className="text-brand-600 underline">
          Settings → Endpoints
        </Link>
        . Finished and shared runs still replay fully without one.
      </p>
      <div className="mt-4 grid gap-4 md:grid-cols-2">
        {items.map((i) => (
          <div key={i.name} className="text-xs text-zinc-600">
            <div className="mb-1 text-sm font-medium text-zinc-800">{i.name}</div>
            {i.body}
          </div>
        ))}
      </div>
    </section>
  );
}

function NumberField({ label, value, onChange, step, min, max, placeholder, hint }: { label: string; value: string; onChange: (v: string) => void; step?: string; min?: number; max?: number; placeholder?: string; hint?: string }) {
  return (
    <label className="block">
      <span className="label text-xs">{label}</span>
      <input className="input py-1" type="number" inputMode="decimal" value={value} step={step} min={min} max={max} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} />
      {hint && <span className="mt-0.5 block text-[11px] text-zinc-400">{hint}</span>}
    </label>
  );
}

export function Playground() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const router = useRouter();
  const search = useSearchParams();
  const rerunId = search.get("rerun");
  const options = useQuery(trpc.inference.options.queryOptions({ workspaceId: ws.id }));
  const rerun = useQuery({ ...trpc.inference.get.queryOptions({ workspaceId: ws.id, runId: rerunId ?? "" }), enabled: Boolean(rerunId) });
  const [form, setForm] = useState<FormState>(EMPTY);
  const [initialized, setInitialized] = useState<string | null>(null);
  const preview = useDeferredValue(form.question);
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setForm((f) => ({ ...f, [k]: v }));

  // Defaults from the server, then (optionally) the settings of the run being re-run.
  const opts = options.data;
  const base = rerun.data;
  const rerunFailed = Boolean(rerun.error);
  useEffect(() => {
    if (!opts) return;
    const key = rerunId && !rerunFailed ? (base ? `rerun:${base.id}` : null) : "defaults";
    if (key === null || initialized === key) return;
    const d = opts.defaults.sprint;
    const firstTarget = opts.modelVersions[0] ? `mv:${opts.modelVersions[0].id}` : opts.endpoints[0] ? `ep:${opts.endpoints[0].id}` : "";
    const next: FormState = {
      ...EMPTY,
      target: firstTarget,
      schedule: d.schedule,
      maxRounds: String(d.maxRounds),
      temperature: String(d.temperature),
      topP: str(d.topP),
      seed: str(d.seed),
      plannerMaxTokens: String(d.planner.maxTokens),
      executorMaxTokens: String(d.executor.maxTokens),
      executorContext: d.executorContext,
      maxConcurrentLanes: str(d.maxConcurrentLanes),
    };
    if (base) {
      const p = (base.params ?? {}) as Record<string, unknown>;
      const planner = (p.planner ?? {}) as Record<string, unknown>;
      const executor = (p.executor ?? {}) as Record<string, unknown>;
      const prompted = p.prompted as { datasetId?: string | null } | undefined;
      const ep = base.endpoint ? opts.endpoints.find((e) => e.name === base.endpoint?.name && e.model === base.endpoint?.model) : undefined;
      Object.assign(next, {
        question: base.question,
        target: ep ? `ep:${ep.id}` : next.target,
        schedule: base.schedule === "eager" ? "eager" : "round-sync",
        maxRounds: str(p.maxRounds) || next.maxRounds,
        temperature: str(p.temperature) || next.temperature,
        topP: str(p.topP),
        seed: str(p.seed),
        plannerMaxTokens: str(planner.maxTokens) || next.plannerMaxTokens,
        executorMaxTokens: str(executor.maxTokens) || next.executorMaxTokens,
        executorContext: p.executorContext === "prefix" ? "prefix" : "rearranged",
        maxConcurrentLanes: str(p.maxConcurrentLanes),
        warmPrefix: p.warmPrefix === true,
        onIncomplete: p.onIncomplete === "fail" ? "fail" : "degraded",
        compareSequential: base.baselineRunId !== null,
        prompted: Boolean(prompted),
        promptedDatasetId: prompted?.datasetId ?? "",
      } satisfies Partial<FormState>);
    }
    setForm((f) => ({ ...next, question: base ? next.question : f.question }));
    setInitialized(key);
  }, [opts, base, rerunId, rerunFailed, initialized]);

  const start = useMutation(
    trpc.inference.start.mutationOptions({
      onSuccess: (r) => router.push(`/w/${ws.slug}/playground/${r.runId}`),
    }),
  );

  const submit = () => {
    const [kind, id] = [form.target.slice(0, 2), form.target.slice(3)];
    start.mutate({
      workspaceId: ws.id,
      ...(kind === "ep" ? { endpointId: id } : {}),
      ...(kind === "mv" ? { modelVersionId: id } : {}),
      question: form.question,
      schedule: form.schedule,
      params: {
        maxRounds: num(form.maxRounds),
        temperature: num(form.temperature),
        topP: num(form.topP),
        seed: num(form.seed),
        plannerMaxTokens: num(form.plannerMaxTokens),
        executorMaxTokens: num(form.executorMaxTokens),
        executorContext: form.executorContext,
        maxConcurrentLanes: num(form.maxConcurrentLanes),
        warmPrefix: form.warmPrefix,
        onIncomplete: form.onIncomplete,
      },
      compareSequential: form.compareSequential,
      prompted: form.prompted ? (form.promptedDatasetId ? { datasetId: form.promptedDatasetId } : {}) : null,
    });
  };

  if (options.isPending) return <p className="text-sm text-zinc-500">Loading…</p>;
  if (options.error) return <p role="alert" className="text-sm text-red-600">{errorMessage(options.error)}</p>;
  const o = options.data;
  const noEndpoint = o.endpoints.length === 0;
  const canRun = o.canRun && !noEndpoint;

  return (
    <div className="space-y-6" data-testid="playground">
      {noEndpoint ? (
        <ConnectGuide slug={ws.slug} isAdmin={ws.can("admin")} />
      ) : (
        <form
          className="card grid gap-5 p-5 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
          data-testid="run-form"
        >
          <div className="space-y-3">
            <label className="block">
              <span className="label">Question</span>
              <textarea
                className="input min-h-36 font-mono"
                value={form.question}
                onChange={(e) => set("question", e.target.value)}
                placeholder="e.g. Find the number of ordered pairs $(a,b)$ of positive integers with $a+b=100$ and $\gcd(a,b)=1$."
                required
                maxLength={50_000}
                data-testid="question-input"
                onKeyDown={(e) => {
                  if (e.key === "Enter" && (e.metaKey || e.ctrlKey) && canRun && form.question.trim()) submit();
                }}
              />
            </label>
            <div>
              <div className="mb-1 text-xs font-medium text-zinc-500">Preview</div>
              <div className="min-h-12 rounded-md border border-dashed border-zinc-200 bg-zinc-50 px-3 py-2 text-sm" data-testid="question-preview">
                {preview.trim() ? <Markdown text={preview} /> : <span className="text-zinc-400">Markdown and LaTeX ($x^2$, \(\frac{1}{2}\)) render here.</span>}
              </div>
            </div>
          </div>
          <div className="space-y-4">
            <label className="block">
              <span className="label">Model</span>
              <select className="input" value={form.target} onChange={(e) => set("target", e.target.value)} data-testid="model-picker" required>
                {o.modelVersions.length > 0 && (
                  <optgroup label="Model versions">
                    {o.modelVersions.map((m) => (
                      <option key={m.id} value={`mv:${m.id}`}>
                        {m.name} v{m.version} ({m.stage})
                      </option>
                    ))}
                  </optgroup>
                )}
                <optgroup label="Endpoints">
                  {o.endpoints.map((e) => (
                    <option key={e.id} value={`ep:${e.id}`}>
                      {e.name} · {e.model}
                    </option>
                  ))}
                </optgroup>
              </select>
            </label>
            <fieldset>
              <legend className="label">Schedule</legend>
              <div className="flex gap-4 text-sm">
                {(
                  [
                    ["round-sync", "Round-sync", "executors start when the plan is complete (the paper)"],
                    ["eager", "Eager", "each executor starts as soon as its prompt has streamed"],
                  ] as const
                ).map(([v, label, hint]) => (
                  <label key={v} className="flex items-start gap-1.5" title={hint}>
                    <input type="radio" name="schedule" className="mt-1" checked={form.schedule === v} onChange={() => set("schedule", v)} data-testid={`schedule-${v}`} />
                    <span>
                      {label}
                      <span className="block text-[11px] text-zinc-400">{hint}</span>
                    </span>
                  </label>
                ))}
              </div>
            </fieldset>
            <details className="rounded-md border border-zinc-200 px-3 py-2" data-testid="params">
              <summary className="cursor-pointer text-sm font-medium text-zinc-700">Parameters</summary>
              <div className="mt-3 grid grid-cols-2 gap-3">
                <NumberField label="Max rounds" value={form.maxRounds} onChange={(v) => set("maxRounds", v)} min={1} max={100} hint="the answer is forced at this round" />
                <NumberField label="Temperature" value={form.temperature} onChange={(v) => set("temperature", v)} step="0.05" min={0} max={2} />
                <NumberField label="Planner max tokens" value={form.plannerMaxTokens} onChange={(v) => set("plannerMaxTokens", v)} min={1} />
                <NumberField label="Executor max tokens" value={form.executorMaxTokens} onChange={(v) => set("executorMaxTokens", v)} min={1} />
                <NumberField label="Top-p" value={form.topP} onChange={(v) => set("topP", v)} step="0.05" min={0.01} max={1} placeholder="server default" />
                <NumberField label="Seed" value={form.seed} onChange={(v) => set("seed", v)} step="1" placeholder="random" />
                <NumberField label="Max concurrent lanes" value={form.maxConcurrentLanes} onChange={(v) => set("maxConcurrentLanes", v)} min={1} placeholder="unlimited" />
                <label className="block">
                  <span className="label text-xs">Executor context</span>
                  <select className="input py-1" value={form.executorContext} onChange={(e) => set("executorContext", e.target.value as FormState["executorContext"])}>
                    <option value="rearranged">rearranged plan (the authors' code)</option>
                    <option value="prefix">plan up to its prompt (the paper)</option>
                  </select>
                </label>
                <label className="col-span-2 block" title="A call whose stream is cut on every attempt never finished: keep its fragment and mark the run degraded, or fail the run">
                  <span className="label text-xs">When a lane never finishes</span>
                  <select className="input py-1" value={form.onIncomplete} onChange={(e) => set("onIncomplete", e.target.value as FormState["onIncomplete"])} data-testid="on-incomplete">
                    <option value="degraded">keep its fragment, mark the run degraded</option>
                    <option value="fail">fail the run</option>
                  </select>
                </label>
                <label className="col-span-2 flex items-center gap-2 text-xs" title="round-sync: one 1-token request with the executors' shared prompt prefix before they start, for engines with prefix caching">
                  <input type="checkbox" checked={form.warmPrefix} onChange={(e) => set("warmPrefix", e.target.checked)} data-testid="warm-prefix" />
                  Warm the shared prefix before executors start (round-sync; vLLM / SGLang prefix caching)
                </label>
              </div>
            </details>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={form.compareSequential} onChange={(e) => set("compareSequential", e.target.checked)} data-testid="compare-sequential" />
              Compare with sequential (run the plain baseline side by side)
            </label>
            <div className="space-y-1">
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" checked={form.prompted} onChange={(e) => set("prompted", e.target.checked)} data-testid="prompted-mode" />
                Prompted mode (few-shot from a dataset)
              </label>
              {form.prompted && (
                <select className="input py-1 text-sm" value={form.promptedDatasetId} onChange={(e) => set("promptedDatasetId", e.target.value)} aria-label="Few-shot dataset" data-testid="prompted-dataset">
                  <option value="">Built-in example</option>
                  {o.datasets.map((d) => (
                    <option key={d.id} value={d.id}>
                      {d.name}
                    </option>
                  ))}
                </select>
              )}
              <p className="text-[11px] text-zinc-400">For a model not fine-tuned on SPRINT data: kept trajectories of the dataset are shown as examples.</p>
            </div>
            <div className="flex items-center gap-3">
              <button type="submit" className="btn-primary" disabled={!canRun || start.isPending || !form.question.trim() || !form.target} data-testid="run-button">
                {start.isPending ? "Starting…" : "Run"}
              </button>
              {!o.canRun && <span className="text-xs text-zinc-500">Viewers can watch and replay runs; reviewers and above start them.</span>}
              {start.error && (
                <span role="alert" className="text-sm text-red-600">
                  {errorMessage(start.error)}
                </span>
              )}
            </div>
          </div>
        </form>
      )}
      <RunHistory />
    </div>
  );
}
