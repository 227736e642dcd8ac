"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "../workspace-context";
import { Markdown } from "../markdown";
import { stageColor } from "./colors";
import { DagCanvas } from "./dag-view";
import { StageTimeline } from "./stage-timeline";
import type { Step } from "@/server/sprint/steps";
import type { CurationProvenance, StoredMetrics } from "@/server/curation/curate-trace";

/** Steps as stored by a curation run (the core's Step, serialized as JSON). */
type StoredStep = Step;
/** Metrics as stored by a curation run; failed traces store only `lineCount`. */
type TraceMetrics = Partial<StoredMetrics> & { lineCount?: number };

const nf = new Intl.NumberFormat("en");

export function TraceView({ datasetId, traceId }: { datasetId: string; traceId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const router = useRouter();
  const q = useQuery(trpc.traces.get.queryOptions({ workspaceId: ws.id, traceId }));
  const [raw, setRaw] = useState(false);
  const [hover, setHover] = useState<number | null>(null);
  const t = q.data;
  const traj = t?.trajectories[0];
  const steps = useMemo(() => (traj?.steps ?? []) as unknown as StoredStep[], [traj]);
  const dag = (traj?.dagEdges ?? {}) as unknown as Record<string, number[]>;
  const stageOf = (traj?.stages ?? {}) as unknown as Record<string, number>;
  const metrics = (traj?.metrics ?? {}) as unknown as TraceMetrics;
  const provenance = metrics.curation;
  const estimate = provenance?.estimate === true;

  // Line → step mapping (1-based line numbers).
  const lineStep = useMemo(() => {
    const m = new Map<number, { step: number; part: "plan" | "execution" | "comment" }>();
    for (const s of steps) {
      for (const [part, r] of [["plan", s.planLines], ["execution", s.executionLines], ["comment", s.commentLines]] as const) {
        if (r) for (let l = r[0]; l <= r[1]; l++) m.set(l, { step: s.id, part });
      }
    }
    return m;
  }, [steps]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
      const base = `/w/${ws.slug}/studio/${datasetId}/traces/`;
      if ((e.key === "j" || e.key === "ArrowRight") && t?.nextId) router.push(base + t.nextId);
      if ((e.key === "k" || e.key === "ArrowLeft") && t?.prevId) router.push(base + t.prevId);
      if (e.key === "r") setRaw((v) => !v);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [t, ws.slug, datasetId, router]);

  if (q.error) return <p role="alert" className="text-red-600">{errorMessage(q.error)}</p>;
  if (!t) return <p className="text-sm text-zinc-500">Loading…</p>;

  const stagesList = [...new Set(steps.map((s) => stageOf[s.id] ?? 1))].sort((a, b) => a - b);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="text-sm text-zinc-500">
          <Link className="hover:underline" href={`/w/${ws.slug}/studio/${datasetId}`}>{t.dataset.name}</Link> / trace {t.externalId ?? t.id.slice(-8)}
        </div>
        <div className="flex gap-2 text-sm">
          {traj && traj.curationStatus === "kept" && (
            <Link className="btn-secondary" href={`/w/${ws.slug}/review/${datasetId}/${traj.id}`} data-testid="open-review">
              Review{traj.reviewStatus && traj.reviewStatus !== "pending" ? ` · ${traj.reviewStatus.replace("_", " ")}` : ""}
            </Link>
          )}
          <button className="btn-secondary" disabled={!t.prevId} onClick={() => router.push(`/w/${ws.slug}/studio/${datasetId}/traces/${t.prevId}`)}>← Prev (k)</button>
          <button className="btn-secondary" disabled={!t.nextId} onClick={() => router.push(`/w/${ws.slug}/studio/${datasetId}/traces/${t.nextId}`)}>Next (j) →</button>
        </div>
      </div>
      <div className="card p-4">
        <h1 className="text-sm font-semibold text-zinc-500">Question</h1>
        <div className="mt-1 text-sm" data-testid="trace-question"><Markdown text={t.question} /></div>
      </div>
      {traj ? (
        <>
          <div className="grid grid-cols-2 gap-3 md:grid-cols-4 lg:grid-cols-7" data-testid="trace-metrics">
            <Metric label="Original tokens" value={metrics.baselineTokens ?? t.reasoningTokens} />
            <Metric label="Sequential tokens" value={metrics.sequentialTokens} estimate={estimate} />
            <Metric label="Total tokens" value={metrics.totalTokens} estimate={estimate} />
            <Metric label="Reduction" text={metrics.reduction == null ? "—" : `${Math.round(metrics.reduction * 100)}%`} estimate={estimate} />
            <Metric label="Stages" value={metrics.stageCount ?? traj.stageCount} estimate={estimate} />
            <Metric label="Critical path" value={metrics.criticalPathTokens ?? undefined} estimate={estimate} />
            <Metric label="Status" text={traj.curationStatus} hint={traj.reason ?? undefined} />
          </div>
          <CurationNotes reason={traj.reason} provenance={provenance} />
        </>
      ) : (
        <p className="card p-4 text-sm text-zinc-600">Not curated yet: run the curation pipeline on this dataset.</p>
      )}
      <div className="grid gap-4 xl:grid-cols-2">
        <section className="card min-w-0 p-4">
          <div className="mb-2 flex items-center justify-between">
            <h2 className="text-sm font-semibold">Original chain of thought <span className="font-normal text-zinc-500">({t.lines.length} lines)</span></h2>
            <button className="btn-secondary text-xs" onClick={() => setRaw((v) => !v)} aria-pressed={raw}>{raw ? "Rendered" : "Raw"} (r)</button>
          </div>
          <ol className="space-y-0.5 text-sm" data-testid="original-lines">
            {t.lines.map((line, i) => {
              const m = lineStep.get(i + 1);
              const st = m ? stageOf[m.step] ?? 1 : null;
              return (
                <li
                  key={i}
                  className={`flex gap-2 rounded px-1 ${m && hover === m.step ? "bg-brand-50" : ""}`}
                  onMouseEnter={() => m && setHover(m.step)}
                  onMouseLeave={() => setHover(null)}
                >
                  <span className="w-8 shrink-0 text-right text-xs text-zinc-400 tabular-nums">{i + 1}</span>
                  <span className="w-1 shrink-0 rounded" style={{ background: st ? stageColor(st, m!.part === "execution" ? 0.9 : 0.35) : "transparent" }} title={m ? `step ${m.step} (${m.part}), stage ${st}` : "not in any step"} />
                  {m && <span className="w-8 shrink-0 text-xs text-zinc-500">S{m.step}</span>}
                  <div className="min-w-0 flex-1">{raw ? <pre className="whitespace-pre-wrap font-mono text-xs">{line.text}</pre> : <Markdown text={line.text} />}</div>
                </li>
              );
            })}
          </ol>
        </section>
        <section className="min-w-0 space-y-4">
          {traj && steps.length > 0 && (
            <>
              <div className="card p-4">
                <h2 className="mb-2 text-sm font-semibold">Dependency DAG</h2>
                <DagCanvas steps={steps} dag={dag} stageOf={stageOf} highlight={hover} onHover={setHover} />
              </div>
              {metrics.rounds && metrics.rounds.length > 0 && (
                <div className="card p-4">
                  <h2 className="mb-2 text-sm font-semibold">Stage timeline</h2>
                  <StageTimeline rounds={metrics.rounds} />
                </div>
              )}
              <div className="card p-4" data-testid="curated-stages">
                <h2 className="mb-2 text-sm font-semibold">Curated trajectory · {stagesList.length} stages</h2>
                {stagesList.map((st) => (
                  <div key={st} className="mb-3 rounded border-l-4 pl-3" style={{ borderColor: stageColor(st) }} data-testid="stage">
                    <div className="text-xs font-semibold" style={{ color: stageColor(st) }}>Stage {st}</div>
                    {steps.filter((s) => (stageOf[s.id] ?? 1) === st).map((s) => (
                      <div key={s.id} className={`mt-1 rounded p-2 text-sm ${hover === s.id ? "bg-brand-50" : ""}`} onMouseEnter={() => setHover(s.id)} onMouseLeave={() => setHover(null)}>
                        <div className="text-xs text-zinc-500">
                          Step {s.id}{s.execution ? "" : " · plan-only"}{dag[s.id]?.length ? ` · after ${dag[s.id]!.join(", ")}` : ""}
                        </div>
                        {s.plan && <div className="text-zinc-700"><Markdown text={s.plan} /></div>}
                        {s.prompt && s.execution && <div className="mt-1 rounded bg-zinc-50 px-2 py-1 text-xs"><strong>prompt:</strong> {s.prompt}</div>}
                        {s.execution && <details className="mt-1 text-xs"><summary className="cursor-pointer text-zinc-500">execution</summary><Markdown text={s.execution} /></details>}
                      </div>
                    ))}
                  </div>
                ))}
              </div>
            </>
          )}
          {traj?.text && (
            <details className="card p-4 text-xs">
              <summary className="cursor-pointer text-sm font-semibold">SPRINT trajectory text</summary>
              <pre className="mt-2 max-h-96 overflow-auto whitespace-pre-wrap font-mono">{traj.text}</pre>
            </details>
          )}
        </section>
      </div>
    </div>
  );
}

/** Why the trajectory was kept or filtered, the heuristic's confidence, and each repair of the backend's answer. */
function CurationNotes({ reason, provenance }: { reason: string | null; provenance: CurationProvenance | undefined }) {
  if (!reason && !provenance) return null;
  return (
    <div className="card space-y-1 p-3 text-sm" data-testid="curation-notes">
      {reason && <p data-testid="curation-reason">{reason}</p>}
      {provenance?.estimate && (
        <p className="text-xs text-amber-800" data-testid="estimate-note">
          Offline heuristic: steps, dependencies and every token number above are estimates (≈), not an LLM curator&apos;s.
        </p>
      )}
      {provenance?.lowConfidence && (
        <p className="rounded bg-amber-50 px-2 py-1 text-xs text-amber-900" data-testid="low-confidence">
          <strong>Low confidence:</strong> {provenance.confidenceReasons.join("; ")}
        </p>
      )}
      {provenance && provenance.repairs.length > 0 && (
        <details className="text-xs" data-testid="curation-repairs" open>
          <summary className="cursor-pointer text-zinc-600">{provenance.repairs.length} repair{provenance.repairs.length === 1 ? "" : "s"} to the {provenance.backend} backend&apos;s answer</summary>
          <ul className="ml-4 list-disc">{provenance.repairs.map((r, i) => <li key={i}>{r}</li>)}</ul>
        </details>
      )}
      {provenance?.rules && <p className="text-xs text-zinc-500">Rules: {provenance.rules}</p>}
    </div>
  );
}

function Metric({ label, value, text, hint, estimate }: { label: string; value?: number | null; text?: string; hint?: string; estimate?: boolean }) {
  return (
    <div className="card px-3 py-2" title={hint ?? (estimate ? "Estimate of the offline heuristic" : undefined)}>
      <div className="text-xs text-zinc-500">{label}{estimate ? <span className="ml-1 text-amber-700">(estimate)</span> : null}</div>
      <div className="text-base font-semibold tabular-nums" data-testid={`metric-${label.toLowerCase().replace(/[^a-z]+/g, "-")}`}>
        {estimate && (text ?? value) != null && (text ?? "") !== "—" ? "≈" : ""}{text ?? (value == null ? "—" : nf.format(value))}
      </div>
    </div>
  );
}
