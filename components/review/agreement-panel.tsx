"use client";
/** Agreement dashboard: kappa on decisions and edge F1 on DAGs, per dataset, per reviewer, per pair; disagreements to adjudicate. */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "../workspace-context";
import { StatusBadge } from "./status-badge";
import { MathText } from "@/components/math-text";

const pct = (x: number | null | undefined) => (x == null ? "—" : `${Math.round(x * 100)}%`);
const num = (x: number | null | undefined) => (x == null ? "—" : x.toFixed(2));

export function AgreementPanel({ datasetId }: { datasetId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const q = useQuery(trpc.review.agreement.queryOptions({ workspaceId: ws.id, datasetId }));
  if (q.error) return <p role="alert" className="text-red-600">{errorMessage(q.error)}</p>;
  if (!q.data) return <p className="text-sm text-zinc-500">Loading…</p>;
  const { dataset, reviewers, disagreements } = q.data;
  return (
    <div className="space-y-4" data-testid="agreement">
      <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
        <Stat label="Items with 2+ reviews" value={String(dataset.multiReviewedItems)} testId="agreement-items" />
        <Stat label="Decision agreement" value={pct(dataset.observedAgreement)} testId="agreement-observed" />
        <Stat label="Cohen's κ (pooled pairs)" value={num(dataset.kappa)} testId="agreement-kappa" hint="1 = perfect, 0 = chance level; pairs pooled in both orientations" />
        <Stat label="Mean DAG edge F1" value={num(dataset.meanEdgeF1)} testId="agreement-f1" hint="Edge F1 between the DAGs two reviewers signed off on" />
        <Stat label="Disagreements" value={String(disagreements.length)} testId="agreement-disagreements" />
      </div>
      {dataset.multiReviewedItems > 0 && dataset.multiReviewedItems < 10 && (
        <p className="text-xs text-zinc-500">Only {dataset.multiReviewedItems} item{dataset.multiReviewedItems === 1 ? "" : "s"} with two or more reviews: kappa moves a lot with each new item until there are a few dozen.</p>
      )}
      {q.data.hiddenItems > 0 && (
        <p className="text-xs text-zinc-500" data-testid="agreement-hidden">{q.data.hiddenItems} of your open items are left out until you submit your review on them.</p>
      )}
      {dataset.pairs === 0 && (
        <p className="card p-4 text-sm text-zinc-600">No item has two submitted reviews yet. Assign with an overlap of 2 or more to measure agreement.</p>
      )}
      {reviewers.length > 0 && (
        <div className="card overflow-x-auto">
          <table className="w-full text-sm" data-testid="agreement-reviewers">
            <thead className="bg-zinc-50 text-left text-xs text-zinc-500">
              <tr><th className="px-3 py-2">Reviewer</th><th className="px-3 py-2 text-right">Items</th><th className="px-3 py-2 text-right">Agreement</th><th className="px-3 py-2 text-right">Mean edge F1</th><th className="px-3 py-2">κ vs each other reviewer</th></tr>
            </thead>
            <tbody>
              {reviewers.map((r) => (
                <tr key={r.reviewerId} className="border-t border-zinc-100">
                  <td className="px-3 py-2">{r.name}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{r.items}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{pct(r.agreementRate)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{num(r.meanEdgeF1)}</td>
                  <td className="px-3 py-2 text-xs">{r.vs.map((v) => <span key={v.reviewerId} className="mr-3 whitespace-nowrap">{v.name}: κ {num(v.kappa)} · {v.items} items · F1 {num(v.meanEdgeF1)}</span>)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {disagreements.length > 0 && (
        <div className="card">
          <h2 className="border-b border-zinc-100 px-4 py-2 text-sm font-semibold">Disagreements to adjudicate</h2>
          <ul className="divide-y divide-zinc-100" data-testid="disagreement-list">
            {disagreements.map((d) => (
              <li key={d.itemId} className="flex flex-wrap items-start justify-between gap-3 px-4 py-3 text-sm" data-testid="disagreement">
                <div className="min-w-0 flex-1">
                  <Link className="text-brand-700 hover:underline" href={`/w/${ws.slug}/review/${datasetId}/${d.itemId}`}>{d.externalId ?? <MathText text={d.question} max={100} />}</Link>
                  <div className="mt-1 text-xs text-zinc-600">
                    {d.decisions.map((x) => <span key={x.reviewerId} className="mr-3">{x.name}: {x.decision.replace("_", " ")}</span>)}
                  </div>
                  {d.edgePairs.map((p) => (
                    <div key={`${p.reviewerA}-${p.reviewerB}`} className="mt-1 text-xs text-zinc-600">
                      DAG F1 {p.f1.toFixed(2)} — only {p.nameA}: {p.onlyInA.map((e) => `${e.parent}→${e.child}`).join(", ") || "none"}; only {p.nameB}: {p.onlyInB.map((e) => `${e.parent}→${e.child}`).join(", ") || "none"}
                    </div>
                  ))}
                </div>
                <div className="flex items-center gap-2">
                  {d.reviewStatus && <StatusBadge status={d.adjudicated ? d.reviewStatus : "disagreement"} />}
                  {ws.can("curator") && <Link className="btn-secondary" href={`/w/${ws.slug}/review/${datasetId}/${d.itemId}`}>{d.adjudicated ? "Open" : "Adjudicate"}</Link>}
                </div>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function Stat({ label, value, testId, hint }: { label: string; value: string; testId: string; hint?: string }) {
  return (
    <div className="card px-3 py-2" title={hint}>
      <div className="text-xs text-zinc-500">{label}</div>
      <div className="text-lg font-semibold tabular-nums" data-testid={testId}>{value}</div>
    </div>
  );
}
