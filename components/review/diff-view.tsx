"use client";
/**
 * Renders a server/sprint/diff.ts `DraftDiff`: a summary, metric deltas, edges added / removed,
 * stage moves, and per changed step its structure changes and a side-by-side text diff per field
 * (before | after, removed words red, added words green; long unchanged runs collapsed).
 */
import { useState } from "react";
import type { DiffRow, DraftDiff, FieldDiff, StepDiff, WordOp } from "@/server/sprint/diff";
import { DELTA_KEYS, type metricsDelta } from "@/server/sprint/editing";
import { deltaTone, fmt, fmtDelta, HIGHER_IS_BETTER, isZero, METRIC_LABELS } from "./editor/shared";

type MetricsDiff = ReturnType<typeof metricsDelta>;

export interface DiffViewProps {
  diff: DraftDiff;
  beforeLabel?: string;
  afterLabel?: string;
  /** Metric deltas to show when `diff.metrics` is null (e.g. computed from stored metrics). */
  metrics?: MetricsDiff | null;
  /** Show unchanged steps too (collapsed by default). */
  showUnchanged?: boolean;
  testId?: string;
}

const FIELD_LABEL: Record<string, string> = { description: "Description", plan: "Plan", prompt: "Prompt", execution: "Execution", comment: "Comment" };

export function DiffView({ diff, beforeLabel = "Before", afterLabel = "After", metrics, showUnchanged = false, testId = "diff-view" }: DiffViewProps) {
  const [allSteps, setAllSteps] = useState(showUnchanged);
  const m = diff.metrics ?? metrics ?? null;
  const s = diff.summary;
  const changedSteps = diff.steps.filter((d) => d.status !== "unchanged" || d.structureChanged || d.renumbered);
  const shown = allSteps ? diff.steps : changedSteps;
  const hidden = diff.steps.length - changedSteps.length;
  const parts: string[] = [];
  if (s.changed) parts.push(`${s.changed} changed`);
  if (s.added) parts.push(`${s.added} added`);
  if (s.removed) parts.push(`${s.removed} removed`);
  if (s.renumbered) parts.push(`${s.renumbered} renumbered`);
  if (s.edgesAdded || s.edgesRemoved) parts.push(`edges +${s.edgesAdded} −${s.edgesRemoved}`);
  if (s.stageChanges) parts.push(`${s.stageChanges} stage ${s.stageChanges === 1 ? "move" : "moves"}`);
  if (s.pinChanges) parts.push(`${s.pinChanges} pin ${s.pinChanges === 1 ? "change" : "changes"}`);

  return (
    <div className="space-y-3 text-sm" data-testid={testId}>
      <p className="text-zinc-700" data-testid="diff-summary">
        {diff.identical ? "No changes." : `Steps: ${parts.join(" · ") || "structure changed"}.`}
      </p>

      {m && <MetricsTable m={m} />}

      {(diff.edges.added.length > 0 || diff.edges.removed.length > 0) && (
        <div className="flex flex-wrap items-center gap-1 text-xs" data-testid="diff-edges">
          <span className="font-medium text-zinc-600">Edges:</span>
          {diff.edges.removed.map((e) => (
            <span key={`r${e.parent}-${e.child}`} className="rounded bg-red-100 px-1.5 py-0.5 text-red-800 line-through" data-testid={`diff-edge-removed-${e.parent}-${e.child}`} title={`removed (${beforeLabel} ids)`}>
              {e.parent} → {e.child}
            </span>
          ))}
          {diff.edges.added.map((e) => (
            <span key={`a${e.parent}-${e.child}`} className="rounded bg-emerald-100 px-1.5 py-0.5 text-emerald-800" data-testid={`diff-edge-added-${e.parent}-${e.child}`} title={`added (${afterLabel} ids)`}>
              + {e.parent} → {e.child}
            </span>
          ))}
        </div>
      )}

      {diff.stageChanges.length > 0 && (
        <div className="flex flex-wrap items-center gap-1 text-xs" data-testid="diff-stage-moves">
          <span className="font-medium text-zinc-600">Stage moves:</span>
          {diff.stageChanges.map((c) => (
            <span key={`${c.beforeId}-${c.afterId}`} className="rounded bg-sky-50 px-1.5 py-0.5 text-sky-800">
              step {c.afterId}
              {c.beforeId !== c.afterId ? ` (was ${c.beforeId})` : ""}: {c.before ?? "?"} → {c.after ?? "?"}
            </span>
          ))}
        </div>
      )}

      {shown.length > 0 && (
        <div className="space-y-2">
          {shown.map((d) => (
            <StepDiffRow key={`${d.beforeId}-${d.afterId}`} d={d} beforeLabel={beforeLabel} afterLabel={afterLabel} />
          ))}
        </div>
      )}
      {hidden > 0 && (
        <button type="button" className="text-xs text-brand-600 hover:underline" onClick={() => setAllSteps((v) => !v)}>
          {allSteps ? "Hide unchanged steps" : `Show ${hidden} unchanged ${hidden === 1 ? "step" : "steps"}`}
        </button>
      )}
    </div>
  );
}

function MetricsTable({ m }: { m: MetricsDiff }) {
  const [all, setAll] = useState(false);
  const present = DELTA_KEYS.filter((k) => m.deltas[k].before !== null || m.deltas[k].after !== null);
  const changed = (k: (typeof DELTA_KEYS)[number]) => {
    const d = m.deltas[k];
    return (d.before === null) !== (d.after === null) || (d.delta !== null && !isZero(d.delta));
  };
  const keys = all ? present : present.filter((k) => k === "sequentialTokens" || changed(k));
  const more = present.length - keys.length;
  if (keys.length === 0) return null;
  return (
    <table className="text-xs" data-testid="diff-metrics">
      <thead>
        <tr className="text-left text-zinc-500">
          <th className="pr-4 font-medium">Metric</th>
          <th className="pr-4 text-right font-medium">Before</th>
          <th className="pr-4 text-right font-medium">After</th>
          <th className="text-right font-medium">Δ</th>
        </tr>
      </thead>
      <tbody>
        {keys.map((k) => {
          const d = m.deltas[k];
          return (
            <tr key={k} data-testid={`diff-metric-${k}`}>
              <td className="pr-4">{METRIC_LABELS[k] ?? k}</td>
              <td className="pr-4 text-right tabular-nums">{fmt(d.before)}</td>
              <td className="pr-4 text-right tabular-nums">{fmt(d.after)}</td>
              <td className={`text-right tabular-nums ${deltaTone(d.delta, !HIGHER_IS_BETTER.has(k))}`}>{fmtDelta(d.delta)}</td>
            </tr>
          );
        })}
        {(more > 0 || all) && (
          <tr>
            <td colSpan={4}>
              <button type="button" className="text-brand-600 hover:underline" onClick={() => setAll((v) => !v)}>
                {all ? "Only changed metrics" : `${more} unchanged ${more === 1 ? "metric" : "metrics"}`}
              </button>
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

const STATUS_STYLE: Record<StepDiff["status"], string> = {
  added: "border-emerald-300 bg-emerald-50/40",
  removed: "border-red-300 bg-red-50/40",
  changed: "border-amber-300",
  unchanged: "border-zinc-200",
};

function StepDiffRow({ d, beforeLabel, afterLabel }: { d: StepDiff; beforeLabel: string; afterLabel: string }) {
  const title =
    d.status === "added"
      ? `Step ${d.afterId} added`
      : d.status === "removed"
        ? `Step ${d.beforeId} removed`
        : d.renumbered
          ? `Step ${d.beforeId} → ${d.afterId}`
          : `Step ${d.afterId}`;
  const notes: string[] = [];
  if (d.status !== "added" && d.status !== "removed") {
    if (d.renumbered) notes.push("renumbered");
    if (d.parents.added.length) notes.push(`new parents ${d.parents.added.join(", ")}`);
    if (d.parents.removed.length) notes.push(`dropped parents ${d.parents.removed.join(", ")}`);
    if (d.stage.changed) notes.push(`stage ${d.stage.before ?? "?"} → ${d.stage.after ?? "?"}`);
    if (d.pin.changed) notes.push(d.pin.after === null ? "unpinned" : `pinned to stage ${d.pin.after}`);
    if (d.planOnly.before !== d.planOnly.after) notes.push(d.planOnly.after ? "now plan-only" : "now executed");
  } else if (d.status === "added" && d.parents.after.length) notes.push(`parents ${d.parents.after.join(", ")}`);
  return (
    <section className={`rounded border p-2 ${STATUS_STYLE[d.status]}`} data-testid={`diff-step-${d.afterId ?? `removed-${d.beforeId}`}`} data-status={d.status}>
      <div className="flex flex-wrap items-baseline gap-2 text-xs">
        <span className="font-semibold">{title}</span>
        <span className="text-zinc-500">{d.status === "unchanged" ? (d.structureChanged ? "structure changed" : "text unchanged") : d.status}</span>
        {notes.length > 0 && <span className="text-sky-800">· {notes.join(" · ")}</span>}
      </div>
      {d.fields.map((f) => (
        <FieldDiffTable key={f.field} f={f} beforeLabel={beforeLabel} afterLabel={afterLabel} />
      ))}
    </section>
  );
}

const CONTEXT = 2;

/** Rows with long runs of equal lines replaced by a "n unchanged lines" marker. */
function collapse(rows: DiffRow[]): (DiffRow | { skipped: number; key: number })[] {
  const out: (DiffRow | { skipped: number; key: number })[] = [];
  let i = 0;
  while (i < rows.length) {
    if (rows[i]!.kind !== "equal") {
      out.push(rows[i]!);
      i++;
      continue;
    }
    let j = i;
    while (j < rows.length && rows[j]!.kind === "equal") j++;
    const run = rows.slice(i, j);
    const head = i === 0 ? 0 : CONTEXT;
    const tail = j === rows.length ? 0 : CONTEXT;
    if (run.length > head + tail + 1) {
      out.push(...run.slice(0, head), { skipped: run.length - head - tail, key: i }, ...run.slice(run.length - tail));
    } else out.push(...run);
    i = j;
  }
  return out;
}

function FieldDiffTable({ f, beforeLabel, afterLabel }: { f: FieldDiff; beforeLabel: string; afterLabel: string }) {
  const [expanded, setExpanded] = useState(false);
  const rows = expanded ? f.rows : collapse(f.rows);
  return (
    <div className="mt-1.5">
      <div className="text-xs font-medium text-zinc-600">{FIELD_LABEL[f.field] ?? f.field}</div>
      <table className="w-full table-fixed border-collapse font-mono text-xs" data-testid={`diff-field-${f.field}`}>
        <colgroup>
          <col className="w-8" />
          <col />
          <col className="w-8" />
          <col />
        </colgroup>
        <thead className="sr-only">
          <tr>
            <th>{beforeLabel} line</th>
            <th>{beforeLabel}</th>
            <th>{afterLabel} line</th>
            <th>{afterLabel}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, k) =>
            "skipped" in r ? (
              <tr key={`s${r.key}`}>
                <td colSpan={4} className="py-0.5 text-center text-zinc-400">
                  <button type="button" className="hover:underline" onClick={() => setExpanded(true)}>
                    … {r.skipped} unchanged {r.skipped === 1 ? "line" : "lines"} …
                  </button>
                </td>
              </tr>
            ) : (
              <tr key={k} className="align-top">
                <td className="w-8 select-none pr-1 text-right text-zinc-400">{r.left?.line ?? ""}</td>
                <td className={`whitespace-pre-wrap break-words px-1 ${r.kind === "delete" || r.kind === "change" ? "bg-red-50" : ""}`}>
                  {r.kind === "change" && r.words ? <Words ops={r.words} side="left" /> : r.kind === "delete" ? <del className="bg-red-100 no-underline">{r.left?.text}</del> : r.left?.text}
                </td>
                <td className="w-8 select-none border-l border-zinc-200 pr-1 text-right text-zinc-400">{r.right?.line ?? ""}</td>
                <td className={`whitespace-pre-wrap break-words px-1 ${r.kind === "insert" || r.kind === "change" ? "bg-emerald-50" : ""}`}>
                  {r.kind === "change" && r.words ? <Words ops={r.words} side="right" /> : r.kind === "insert" ? <ins className="bg-emerald-100 no-underline">{r.right?.text}</ins> : r.right?.text}
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

function Words({ ops, side }: { ops: WordOp[]; side: "left" | "right" }) {
  return (
    <>
      {ops.map((o, k) => {
        if (o.op === "equal") return <span key={k}>{o.text}</span>;
        if (o.op === "delete") return side === "left" ? <del key={k} className="rounded-sm bg-red-200 text-red-900 no-underline">{o.text}</del> : null;
        return side === "right" ? <ins key={k} className="rounded-sm bg-emerald-200 text-emerald-900 no-underline">{o.text}</ins> : null;
      })}
    </>
  );
}
