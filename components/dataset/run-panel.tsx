"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "../workspace-context";
import { CURATION_PRESETS, describeRules, presetOf, type CurationRules, type FoldRule } from "@/server/sprint/packing";

type PresetChoice = "paper" | "paper-text" | "custom";

const pct = (x: number) => `${Math.round(x * 100)}%`;
const ACTIVE = new Set(["queued", "running"]);

/** Start a curation run and follow the latest one: progress, counts, throughput, reduction histogram. */
export function RunPanel({ datasetId, traceCount, onRunChange }: { datasetId: string; traceCount: number; onRunChange?: (active: boolean) => void }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const runs = useQuery(trpc.curation.runs.queryOptions({ workspaceId: ws.id, datasetId }));
  const latest = runs.data?.[0];
  const summary = useQuery({
    ...trpc.curation.run.queryOptions({ workspaceId: ws.id, runId: latest?.id ?? "" }),
    enabled: !!latest,
    refetchInterval: (q) => (q.state.data && ACTIVE.has(q.state.data.status) ? 1000 : false),
  });
  const active = !!summary.data && ACTIVE.has(summary.data.status);
  useEffect(() => {
    onRunChange?.(active);
  }, [active, onRunChange]);
  const [open, setOpen] = useState(false);
  const [preset, setPreset] = useState<PresetChoice>("paper");
  const [maxStages, setMaxStages] = useState(CURATION_PRESETS.paper.maxStages);
  const [minRatio, setMinRatio] = useState(CURATION_PRESETS.paper.minParallelRatio);
  const [variant, setVariant] = useState<"paper" | "code">(CURATION_PRESETS.paper.ratioVariant);
  const [foldRule, setFoldRule] = useState<FoldRule>(CURATION_PRESETS.paper.foldRule);
  const [foldMinLines, setFoldMinLines] = useState(CURATION_PRESETS.paper.foldMinLines);
  const [rejectNoSaving, setRejectNoSaving] = useState(false);
  const choosePreset = (p: PresetChoice) => {
    setPreset(p);
    if (p === "custom") return;
    const r = CURATION_PRESETS[p];
    setMaxStages(r.maxStages);
    setMinRatio(r.minParallelRatio);
    setVariant(r.ratioVariant);
    setFoldRule(r.foldRule);
    setFoldMinLines(r.foldMinLines);
  };
  const custom = preset === "custom";
  const activeRules: CurationRules = { foldRule, foldMinLines, maxStages, minParallelRatio: minRatio, ratioVariant: variant, minReduction: rejectNoSaving ? 0 : null };
  const [concurrency, setConcurrency] = useState(4);
  const [tokenizer, setTokenizer] = useState<"qwen" | "approx">("qwen");
  const [backend, setBackend] = useState<string>("heuristic");
  const [onlyUncurated, setOnlyUncurated] = useState(false);
  const [minTokens, setMinTokens] = useState("");
  const [maxTokens, setMaxTokens] = useState("");
  const endpoints = useQuery(trpc.endpoints.list.queryOptions({ workspaceId: ws.id }));
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.curation.runs.queryKey() });
  const start = useMutation(trpc.curation.start.mutationOptions({ onSuccess: () => { setOpen(false); void refresh(); } }));
  const cancel = useMutation(trpc.curation.cancel.mutationOptions({ onSuccess: () => { void refresh(); void summary.refetch(); } }));
  const s = summary.data;
  const canCurate = ws.can("curator");

  return (
    <section id="curation" className="card p-4" data-testid="run-panel">
      <div className="flex items-center justify-between">
        <h2 className="text-sm font-semibold">Curation</h2>
        <button className="btn-primary" disabled={!canCurate || traceCount === 0} onClick={() => setOpen((v) => !v)}>
          Run curation
        </button>
      </div>
      {open && (
        <form
          className="mt-3 grid grid-cols-2 gap-3 rounded-md border border-zinc-200 bg-zinc-50 p-3 text-sm md:grid-cols-3"
          onSubmit={(e) => {
            e.preventDefault();
            start.mutate({
              workspaceId: ws.id,
              datasetId,
              config: {
                ...(backend === "heuristic" ? { backend: "heuristic" as const } : { backend: "llm" as const, endpointId: backend }),
                concurrency,
                tokenizer,
                preset,
                foldRule,
                foldMinLines,
                filters: { maxStages, minParallelRatio: minRatio, ratioVariant: variant, ...(rejectNoSaving ? { minReduction: 0 } : {}) },
              },
              selection: {
                onlyUncurated,
                ...(minTokens ? { minTokens: Number(minTokens) } : {}),
                ...(maxTokens ? { maxTokens: Number(maxTokens) } : {}),
              },
            });
          }}
        >
          <div>
            <label className="label" htmlFor="backend">Backend</label>
            <select id="backend" className="input" value={backend} onChange={(e) => setBackend(e.target.value)}>
              <option value="heuristic">Offline heuristic (no LLM)</option>
              {endpoints.data?.map((ep) => <option key={ep.id} value={ep.id}>LLM: {ep.name} ({ep.model})</option>)}
              {!endpoints.data?.length && <option disabled>LLM: add an endpoint in Settings</option>}
            </select>
          </div>
          <div>
            <label className="label" htmlFor="preset">Rules</label>
            <select id="preset" className="input" value={preset} onChange={(e) => choosePreset(e.target.value as PresetChoice)}>
              <option value="paper">paper — the method&apos;s code (default)</option>
              <option value="paper-text">paper-text — the paper&apos;s prose</option>
              <option value="custom">custom</option>
            </select>
          </div>
          <div>
            <label className="label" htmlFor="foldRule">Fold short executions</label>
            <div className="flex gap-1">
              <select id="foldRule" className="input" disabled={!custom} value={foldRule} onChange={(e) => setFoldRule(e.target.value as FoldRule)}>
                <option value="span">end − start &lt; N (code)</option>
                <option value="lines">fewer than N lines (prose)</option>
              </select>
              <input aria-label="Fold threshold N" className="input w-16" type="number" min={0} max={50} disabled={!custom} value={foldMinLines} onChange={(e) => setFoldMinLines(Number(e.target.value))} />
            </div>
          </div>
          <div>
            <label className="label" htmlFor="maxStages">Max stages</label>
            <input id="maxStages" className="input" type="number" min={1} max={100} disabled={!custom} value={maxStages} onChange={(e) => setMaxStages(Number(e.target.value))} />
          </div>
          <div>
            <label className="label" htmlFor="minRatio">Min parallelization ratio</label>
            <input id="minRatio" className="input" type="number" step={0.1} min={0} disabled={!custom} value={minRatio} onChange={(e) => setMinRatio(Number(e.target.value))} />
          </div>
          <div>
            <label className="label" htmlFor="variant">Ratio</label>
            <select id="variant" className="input" disabled={!custom} value={variant} onChange={(e) => setVariant(e.target.value as "paper" | "code")}>
              <option value="code">executed steps ÷ stages (code)</option>
              <option value="paper">all steps ÷ stages (prose)</option>
            </select>
          </div>
          <div className="flex items-end">
            <label className="flex items-center gap-1">
              <input type="checkbox" checked={rejectNoSaving} onChange={(e) => setRejectNoSaving(e.target.checked)} /> reject non-positive reductions
            </label>
          </div>
          <p className="col-span-full text-xs text-zinc-600" data-testid="active-rules">
            Active rules ({presetOf({ ...activeRules, minReduction: null })}): {describeRules(activeRules)}
          </p>
          <div>
            <label className="label" htmlFor="concurrency">Concurrency</label>
            <input id="concurrency" className="input" type="number" min={1} max={64} value={concurrency} onChange={(e) => setConcurrency(Number(e.target.value))} />
          </div>
          <div>
            <label className="label" htmlFor="tokenizer">Tokenizer</label>
            <select id="tokenizer" className="input" value={tokenizer} onChange={(e) => setTokenizer(e.target.value as "qwen" | "approx")}>
              <option value="qwen">Qwen (exact)</option>
              <option value="approx">Approximate (fast)</option>
            </select>
          </div>
          <div className="col-span-full flex flex-wrap items-center gap-3">
            <span className="text-zinc-600">Subset:</span>
            <label className="flex items-center gap-1">
              <input type="checkbox" checked={onlyUncurated} onChange={(e) => setOnlyUncurated(e.target.checked)} /> only traces without a kept trajectory
            </label>
            <input aria-label="Minimum reasoning tokens" className="input w-36" type="number" min={0} placeholder="min tokens" value={minTokens} onChange={(e) => setMinTokens(e.target.value)} />
            <input aria-label="Maximum reasoning tokens" className="input w-36" type="number" min={0} placeholder="max tokens" value={maxTokens} onChange={(e) => setMaxTokens(e.target.value)} />
          </div>
          <div className="col-span-full flex items-center gap-3">
            <button className="btn-primary" type="submit" disabled={start.isPending}>
              {onlyUncurated || minTokens || maxTokens ? "Start run over the selected traces" : `Start run over ${traceCount} traces`}
            </button>
            {start.error && <span role="alert" className="text-red-600">{errorMessage(start.error)}</span>}
          </div>
        </form>
      )}
      {!latest && !runs.isLoading && <p className="mt-3 text-sm text-zinc-500">No curation run yet.</p>}
      {latest && !s && <p className="mt-3 text-sm text-zinc-500">Loading the latest run…</p>}
      {s && (
        <div className="mt-4 space-y-3 text-sm" data-testid="run-summary" data-status={s.status}>
          <div className="flex items-center justify-between">
            <span>
              Run <code className="text-xs">{s.id.slice(-6)}</code> · <strong data-testid="run-status">{s.status}</strong> · {s.done}/{s.total} traces
              {s.tracesPerSecond ? ` · ${s.tracesPerSecond.toFixed(1)} traces/s` : ""}
            </span>
            {ACTIVE.has(s.status) && canCurate && (
              <button className="btn-secondary" onClick={() => cancel.mutate({ workspaceId: ws.id, runId: s.id })}>Cancel</button>
            )}
          </div>
          <div className="h-2 w-full overflow-hidden rounded bg-zinc-200" role="progressbar" aria-label="Curation progress" aria-valuenow={Math.round(s.progress * 100)} aria-valuemin={0} aria-valuemax={100}>
            <div className="h-full bg-brand-500 transition-all" style={{ width: pct(s.progress) }} />
          </div>
          <div className="flex flex-wrap gap-4" data-testid="run-counts">
            <span className="text-green-700">kept {s.counts.kept}</span>
            <span className="text-amber-700">filtered {s.counts.filtered}</span>
            <span className="text-red-700">failed {s.counts.failed}</span>
            <span className="text-zinc-500">pending {s.counts.pending + s.counts.running}</span>
          </div>
          {s.rules && (
            <p className="text-xs text-zinc-600" data-testid="run-rules">
              Rules <strong>{s.rules.preset}</strong>: {s.rules.text}
              {s.rules.estimate && <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-amber-800">heuristic backend: stages, tokens and reductions are estimates</span>}
            </p>
          )}
          {s.task?.error && <p className="text-red-600">{s.task.error}</p>}
          <ReductionHistogram bins={s.histogram} estimate={s.rules?.estimate} />
        </div>
      )}
    </section>
  );
}

function ReductionHistogram({ bins, estimate }: { bins: { from: number; to: number; count: number }[]; estimate?: boolean }) {
  const max = Math.max(1, ...bins.map((b) => b.count));
  if (bins.every((b) => b.count === 0)) return null;
  return (
    <figure>
      <figcaption className="mb-1 text-xs text-zinc-500">Predicted sequential-token reduction of kept trajectories{estimate ? " (heuristic estimate)" : ""}</figcaption>
      <div className="flex h-24 items-end gap-1">
        {bins.map((b) => (
          <div key={b.from} className="flex flex-1 flex-col items-center justify-end" title={`${pct(b.from)} to ${pct(b.to)}: ${b.count}`}>
            <span className="text-[10px] text-zinc-500">{b.count || ""}</span>
            <div className="w-full rounded-t bg-brand-500/80" style={{ height: `${(b.count / max) * 80}px` }} />
          </div>
        ))}
      </div>
      <div className="mt-0.5 flex gap-1 text-[10px] text-zinc-500">
        {bins.map((b) => (
          <span key={b.from} className="flex-1 text-center">{b.from < 0 ? "<0" : `${Math.round(b.from * 100)}`}</span>
        ))}
      </div>
    </figure>
  );
}
