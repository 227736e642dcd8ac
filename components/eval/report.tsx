"use client";
/**
 * One evaluation's report: accuracy with its 95% Wilson interval, mean sequential / total tokens, speed-up
 * against a sequential run on the same problems, the length-bucket chart, the paper's reported numbers
 * (labelled as such), undecided answers to settle, per-sample drill-down, CSV/JSON export, cancel.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Markdown } from "@/components/markdown";
import { errorMessage, useTRPC, useTRPCClient } from "@/lib/trpc";
import { useWorkspace } from "@/components/workspace-context";
import { Timeline } from "@/components/playground/timeline";
import type { InferenceEvent } from "@/server/inference/orchestrator/events";
import { timelineFromEvents } from "@/server/inference/orchestrator/timeline";
import { BucketChart } from "./bucket-chart";
import { download, modeLabel, pct, tokens } from "./format";

function Stat({ label, value, sub, testId }: { label: string; value: string; sub?: string; testId?: string }) {
  return (
    <div className="card p-3" data-testid={testId}>
      <div className="text-xs text-zinc-500">{label}</div>
      <div className="text-lg font-semibold tabular-nums">{value}</div>
      {sub && <div className="text-xs text-zinc-500">{sub}</div>}
    </div>
  );
}

const VERDICTS = ["all", "correct", "wrong", "undecided", "failed"] as const;

export function EvalReport({ runId }: { runId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const qc = useQueryClient();
  const [baseline, setBaseline] = useState<string | null | undefined>(undefined);
  const report = useQuery({
    ...trpc.eval.report.queryOptions({ workspaceId: ws.id, runId, ...(baseline !== undefined ? { baselineRunId: baseline } : {}) }),
    refetchInterval: (q) => (q.state.data && (q.state.data.run.status === "queued" || q.state.data.run.status === "running") ? 1500 : false),
  });
  const runs = useQuery(trpc.eval.runs.queryOptions({ workspaceId: ws.id, ...(report.data ? { benchmarkId: report.data.benchmark.id } : {}) }));
  const [verdict, setVerdict] = useState<(typeof VERDICTS)[number]>("all");
  const [offset, setOffset] = useState(0);
  const results = useQuery(trpc.eval.results.queryOptions({ workspaceId: ws.id, runId, offset, limit: 25, ...(verdict !== "all" ? { verdict } : {}) }));
  const undecided = useQuery(trpc.eval.undecided.queryOptions({ workspaceId: ws.id, runId }));
  const [open, setOpen] = useState<string | null>(null);
  const detail = useQuery({ ...trpc.eval.result.queryOptions({ workspaceId: ws.id, resultId: open ?? "" }), enabled: open !== null });
  const refresh = () => void qc.invalidateQueries({ queryKey: trpc.eval.pathKey() });
  const settle = useMutation(trpc.eval.settle.mutationOptions({ onSuccess: refresh }));
  const cancel = useMutation(trpc.eval.cancel.mutationOptions({ onSuccess: refresh }));
  const [exportError, setExportError] = useState<string | null>(null);

  if (report.error) return <p className="text-sm text-red-700">{errorMessage(report.error)}</p>;
  if (!report.data) return <p className="text-sm text-zinc-500">Loading…</p>;
  const r = report.data;
  const s = r.summary;
  const active = r.run.status === "queued" || r.run.status === "running";
  const doExport = async (format: "csv" | "json") => {
    try {
      const f = await client.eval.export.query({ workspaceId: ws.id, runId, format });
      download(f.fileName, f.mime, f.content);
    } catch (e) {
      setExportError(errorMessage(e));
    }
  };
  const otherRuns = (runs.data ?? []).filter((x) => x.id !== runId && x.status === "succeeded");

  return (
    <div className="space-y-6" data-testid="eval-report" data-status={r.run.status}>
      <div className="flex flex-wrap items-center gap-3 text-sm text-zinc-600">
        <span>
          {r.benchmark.name} v{r.benchmark.version} · {modeLabel(r.run.mode)} · {r.run.model ?? "—"} · {r.run.samples} sample{r.run.samples > 1 ? "s" : ""} per problem
        </span>
        <span className="rounded bg-zinc-100 px-2 py-0.5 text-xs" data-testid="run-status">
          {r.run.status}
        </span>
        {active && (
          <>
            <div className="h-2 w-48 rounded bg-zinc-100" role="progressbar" aria-valuenow={Math.round((100 * (r.run.done + r.run.failed)) / Math.max(1, r.run.total))}>
              <div className="h-2 rounded bg-brand-500" style={{ width: `${(100 * (r.run.done + r.run.failed)) / Math.max(1, r.run.total)}%` }} />
            </div>
            <span className="text-xs">
              {r.run.done + r.run.failed}/{r.run.total}
            </span>
            {ws.can("curator") && (
              <button className="btn-danger py-0.5 text-xs" onClick={() => cancel.mutate({ workspaceId: ws.id, runId })} disabled={cancel.isPending}>
                Cancel
              </button>
            )}
          </>
        )}
        <span className="ml-auto flex gap-2">
          <button className="btn-secondary py-0.5 text-xs" onClick={() => void doExport("csv")} data-testid="export-csv">
            Export CSV
          </button>
          <button className="btn-secondary py-0.5 text-xs" onClick={() => void doExport("json")} data-testid="export-json">
            Export JSON
          </button>
        </span>
      </div>
      {exportError && <p className="text-sm text-red-700">{exportError}</p>}
      {r.run.error && (
        <p className="text-sm text-red-700" role="alert" data-testid="run-error">
          {r.run.error}
        </p>
      )}

      <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
        <Stat testId="stat-accuracy" label="Accuracy (pass@1)" value={pct(s.accuracy)} sub={`95% Wilson CI ${pct(s.accuracyCI.lo)}–${pct(s.accuracyCI.hi)} · ${s.correct}/${s.samples}`} />
        <Stat testId="stat-sequential" label="Mean sequential tokens" value={tokens(s.meanSequentialTokens)} sub="the paper's definition" />
        <Stat testId="stat-total" label="Mean total tokens" value={tokens(s.meanTotalTokens)} sub={s.meanRounds !== null ? `${s.meanRounds.toFixed(1)} rounds on average` : undefined} />
        <Stat
          testId="stat-speedup"
          label="Speed-up vs sequential"
          value={r.speedup?.ratio ? `${r.speedup.ratio.toFixed(2)}×` : "—"}
          sub={r.speedup ? `${pct(r.speedup.reduction)} fewer sequential tokens on ${r.speedup.common} problems · baseline accuracy ${pct(r.speedup.baselineAccuracy)}` : "needs a finished sequential run on this benchmark"}
        />
        <Stat testId="stat-undecided" label="Undecided / failed" value={`${s.undecided} / ${s.failed}`} sub={s.pending ? `${s.pending} pending` : undefined} />
      </div>

      <section className="card p-4">
        <div className="mb-2 flex flex-wrap items-center gap-2">
          <h2 className="text-sm font-semibold">By baseline length</h2>
          <label className="ml-auto text-xs text-zinc-600">
            Baseline run{" "}
            <select
              className="input inline-block w-auto py-0.5 text-xs"
              value={baseline === undefined ? (r.baseline?.id ?? "") : (baseline ?? "")}
              onChange={(e) => setBaseline(e.target.value === "" ? null : e.target.value)}
              aria-label="Baseline run"
            >
              <option value="">none</option>
              {otherRuns.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        {r.buckets ? (
          <>
            <BucketChart rows={r.buckets} runLabel={modeLabel(r.run.mode)} baselineLabel={r.bucketsBy === "baseline" ? (r.baseline?.name ?? "baseline") : null} />
            <table className="mt-2 w-full text-xs tabular-nums" data-testid="bucket-table">
              <thead className="text-left text-zinc-500">
                <tr>
                  <th>Bucket</th>
                  <th>Problems</th>
                  <th>Accuracy</th>
                  <th>Baseline accuracy</th>
                  <th>Baseline seq. tokens</th>
                  <th>Seq. tokens</th>
                  <th>Reduction</th>
                </tr>
              </thead>
              <tbody>
                {r.buckets.map((b) => (
                  <tr key={b.bucket} className="border-t border-zinc-100">
                    <td>{b.bucket}</td>
                    <td>{b.count}</td>
                    <td>{pct(b.accuracy)}</td>
                    <td>{pct(b.baselineAccuracy)}</td>
                    <td>{tokens(b.meanBaselineTokens)}</td>
                    <td>{tokens(b.meanSequentialTokens)}</td>
                    <td>{pct(b.sequentialReduction)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : (
          <p className="text-sm text-zinc-600">Buckets are by the sequential baseline&apos;s length: run the sequential mode on this benchmark (or pick a baseline run).</p>
        )}
      </section>

      {r.reference.length > 0 && (
        <section className="card p-4" data-testid="paper-reference">
          <h2 className="text-sm font-semibold">Reported in the paper (SPRINT, Table 2, pass@1) — not measured here</h2>
          <table className="mt-2 w-full text-xs tabular-nums">
            <thead className="text-left text-zinc-500">
              <tr>
                <th>Benchmark</th>
                <th>System</th>
                <th>Accuracy</th>
                <th>Sequential tokens</th>
                <th>Total tokens</th>
              </tr>
            </thead>
            <tbody>
              {r.reference.map((x) => (
                <tr key={x.system} className="border-t border-zinc-100 italic text-zinc-600">
                  <td>{x.benchmark}</td>
                  <td>{x.system} (reported)</td>
                  <td>{pct(x.accuracy)}</td>
                  <td>{tokens(x.sequentialTokens)}</td>
                  <td>{tokens(x.totalTokens)}</td>
                </tr>
              ))}
              <tr className="border-t border-zinc-200 font-medium">
                <td>{r.benchmark.name}</td>
                <td>this run (measured)</td>
                <td>{pct(s.accuracy)}</td>
                <td>{tokens(s.meanSequentialTokens)}</td>
                <td>{tokens(s.meanTotalTokens)}</td>
              </tr>
            </tbody>
          </table>
        </section>
      )}

      {(undecided.data ?? []).length > 0 && (
        <section className="card p-4" data-testid="undecided-panel">
          <h2 className="text-sm font-semibold">Undecided answers — settle them (the decision is reused for the same answer)</h2>
          <ul className="mt-2 space-y-2 text-sm">
            {undecided.data!.map((u) => (
              <li key={u.id} className="flex flex-wrap items-center gap-2" data-testid="undecided-item">
                <span className="font-mono text-xs">{u.item.problemId}</span>
                <span>
                  answer <code className="rounded bg-zinc-100 px-1">{u.extracted}</code> vs gold <code className="rounded bg-zinc-100 px-1">{u.item.answer}</code>
                </span>
                {ws.can("reviewer") && (
                  <span className="ml-auto flex gap-1">
                    <button className="btn-secondary py-0.5 text-xs" onClick={() => settle.mutate({ workspaceId: ws.id, resultId: u.id, verdict: "correct" })}>
                      Correct
                    </button>
                    <button className="btn-secondary py-0.5 text-xs" onClick={() => settle.mutate({ workspaceId: ws.id, resultId: u.id, verdict: "wrong" })}>
                      Wrong
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ul>
          {settle.error && <p className="text-sm text-red-700">{errorMessage(settle.error)}</p>}
        </section>
      )}

      <section className="card p-4" data-testid="samples-panel">
        <div className="mb-2 flex items-center gap-2">
          <h2 className="text-sm font-semibold">Samples</h2>
          <div className="ml-auto flex gap-1">
            {VERDICTS.map((v) => (
              <button
                key={v}
                className={`rounded px-2 py-0.5 text-xs ${verdict === v ? "bg-brand-600 text-white" : "bg-zinc-100"}`}
                onClick={() => {
                  setVerdict(v);
                  setOffset(0);
                }}
              >
                {v}
              </button>
            ))}
          </div>
        </div>
        <table className="w-full text-xs">
          <thead className="text-left text-zinc-500">
            <tr>
              <th>Problem</th>
              <th>Sample</th>
              <th>Verdict</th>
              <th>Extracted</th>
              <th>Gold</th>
              <th>Seq. tokens</th>
              <th>Total tokens</th>
              <th>Rounds</th>
              <th>Wall</th>
            </tr>
          </thead>
          <tbody>
            {(results.data?.rows ?? []).map((x) => (
              <tr key={x.id} className="cursor-pointer border-t border-zinc-100 hover:bg-zinc-50" onClick={() => setOpen(x.id)} data-testid="sample-row" data-verdict={x.verdict ?? x.status}>
                <td className="font-mono">{x.item.problemId}</td>
                <td>{x.sample}</td>
                <td className={x.verdict === "correct" ? "text-emerald-700" : x.verdict === "undecided" ? "text-amber-700" : "text-red-700"}>
                  {x.status === "done" ? x.verdict : x.status}
                  {x.decidedBy ? " (by a person)" : ""}
                </td>
                <td className="max-w-48 truncate font-mono">{x.extracted ?? "—"}</td>
                <td className="max-w-48 truncate font-mono">{x.item.answer}</td>
                <td className="tabular-nums">{tokens(x.sequentialTokens)}</td>
                <td className="tabular-nums">{tokens(x.totalTokens)}</td>
                <td>{x.rounds ?? "—"}</td>
                <td>{x.wallMs !== null ? `${(x.wallMs / 1000).toFixed(1)} s` : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="mt-2 flex items-center gap-2 text-xs text-zinc-500">
          <button className="btn-secondary py-0.5 text-xs" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - 25))}>
            Previous
          </button>
          <span>
            {offset + 1}–{Math.min(offset + 25, results.data?.count ?? 0)} of {results.data?.count ?? 0}
          </span>
          <button className="btn-secondary py-0.5 text-xs" disabled={offset + 25 >= (results.data?.count ?? 0)} onClick={() => setOffset(offset + 25)}>
            Next
          </button>
        </div>
      </section>

      {open && (
        <div className="fixed inset-0 z-40 flex justify-end bg-black/30" onClick={() => setOpen(null)} role="dialog" aria-label="Sample detail">
          <div className="h-full w-full max-w-3xl overflow-auto bg-white p-5 shadow-xl" onClick={(e) => e.stopPropagation()} data-testid="sample-detail">
            <div className="mb-3 flex items-center gap-2">
              <h2 className="text-base font-semibold">{detail.data?.item.problemId ?? "…"}</h2>
              <button className="btn-secondary ml-auto py-0.5 text-xs" onClick={() => setOpen(null)}>
                Close
              </button>
            </div>
            {detail.data && (
              <div className="space-y-3 text-sm">
                <div>
                  <div className="text-xs font-medium text-zinc-500">Prompt</div>
                  <Markdown text={detail.data.item.question} />
                </div>
                <div className="flex flex-wrap gap-4">
                  <span>
                    Verdict: <strong>{detail.data.verdict ?? detail.data.status}</strong> {detail.data.reason ? `(${detail.data.reason})` : ""}
                  </span>
                  <span>
                    Extracted: <code className="rounded bg-zinc-100 px-1">{detail.data.extracted ?? "—"}</code>
                  </span>
                  <span>
                    Gold: <code className="rounded bg-zinc-100 px-1">{detail.data.item.answer}</code>
                  </span>
                </div>
                {detail.data.error && <p className="text-red-700">{detail.data.error}</p>}
                {Array.isArray(detail.data.events) && detail.data.events.length > 0 && (
                  <div data-testid="sample-timeline">
                    <div className="text-xs font-medium text-zinc-500">Timeline (as in the playground: planner and executor lanes per round)</div>
                    <Timeline model={timelineFromEvents(detail.data.events as unknown as InferenceEvent[])} hideFinalAnswer />
                  </div>
                )}
                <div>
                  <div className="text-xs font-medium text-zinc-500">Response ({detail.data.format ?? "—"})</div>
                  <pre className="max-h-[60vh] overflow-auto rounded bg-zinc-50 p-3 font-mono text-xs whitespace-pre-wrap">{detail.data.output ?? ""}</pre>
                </div>
              </div>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
