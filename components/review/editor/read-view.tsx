"use client";
/**
 * Read mode of the trajectory editor: stored metrics, the DAG (edge click = comment on the edge),
 * the stage timeline, and the stages as coloured groups of step cards (like trace-view's curated
 * column), each step, edge and stage with a small comment affordance and open-comment badge.
 */
import { memo, useMemo, useState } from "react";
import { ReasoningText } from "@/components/markdown";
import { stageColor } from "@/components/trace/colors";
import { StageTimeline, type TimelineRound } from "@/components/trace/stage-timeline";
import { draftStages, parseStoredStages, type TrajectoryDraft } from "@/server/sprint/editing";
import { isPlanOnly, type Step } from "@/server/sprint/steps";
import { DagCanvas } from "@/components/trace/dag-view";
import { commentKey, fmt, type CommentAnchor } from "./shared";
import { MathText } from "@/components/math-text";

export interface StoredMetricsView {
  tokenizer?: string;
  baselineTokens?: number;
  sequentialTokens?: number;
  totalTokens?: number;
  reduction?: number | null;
  stageCount?: number;
  promptCount?: number;
  parallelRatio?: number;
  criticalPathTokens?: number | null;
  rounds?: TimelineRound[];
}

function CommentButton({ anchor, label, onComment, count }: { anchor: CommentAnchor; label: string; onComment?: (a: CommentAnchor) => void; count?: number }) {
  if (!onComment && !count) return null;
  const key = commentKey(anchor);
  const badge = count ? (
    <span className="ml-0.5 rounded-full bg-brand-600 px-1.5 text-[10px] font-semibold text-white" data-testid={`comment-count-${key.replace(":", "-")}`}>
      {count}
    </span>
  ) : null;
  if (!onComment) return badge;
  return (
    <button
      type="button"
      className="inline-flex items-center rounded px-1 text-xs text-zinc-500 hover:bg-zinc-100 hover:text-brand-700"
      onClick={() => onComment(anchor)}
      aria-label={`Comment on ${label}${count ? ` (${count} open)` : ""}`}
      title={`Comment on ${label}`}
      data-testid={`comment-${key.replace(":", "-")}`}
    >
      <svg aria-hidden="true" viewBox="0 0 16 16" className="h-3.5 w-3.5" fill="none" stroke="currentColor" strokeWidth="1.5">
        <path d="M2.5 3.5h11v7h-6l-3 2.5v-2.5h-2z" strokeLinejoin="round" />
      </svg>
      {badge}
    </button>
  );
}

const ReadStepCard = memo(function ReadStepCard({
  step,
  parents,
  highlighted,
  onHover,
  onComment,
  commentCounts,
}: {
  step: Step;
  parents: readonly number[];
  highlighted: boolean;
  onHover: (id: number | null) => void;
  onComment?: (a: CommentAnchor) => void;
  commentCounts?: Record<string, number>;
}) {
  const planOnly = isPlanOnly(step);
  return (
    <div
      className={`mt-1 rounded p-2 text-sm ${highlighted ? "bg-brand-50" : ""}`}
      onMouseEnter={() => onHover(step.id)}
      onMouseLeave={() => onHover(null)}
      data-testid={`step-card-${step.id}`}
    >
      <div className="flex flex-wrap items-center gap-1 text-xs text-zinc-500">
        <span className="font-medium text-zinc-700">Step {step.id}</span>
        {planOnly && <span>· plan-only</span>}
        {step.description && <span className="truncate">· <MathText text={step.description} max={120} /></span>}
        <CommentButton anchor={{ kind: "step", stepId: step.id }} label={`step ${step.id}`} onComment={onComment} count={commentCounts?.[`step:${step.id}`]} />
        {parents.length > 0 && <span>· after</span>}
        {parents.map((p) => (
          <span key={p} className="inline-flex items-center rounded bg-zinc-100 px-1">
            {p}
            <CommentButton anchor={{ kind: "edge", parent: p, child: step.id }} label={`the edge ${p} → ${step.id}`} onComment={onComment} count={commentCounts?.[`edge:${p}-${step.id}`]} />
          </span>
        ))}
      </div>
      {step.plan && (
        <div className="text-zinc-700">
          <ReasoningText text={step.plan} />
        </div>
      )}
      {step.prompt && !planOnly && (
        <div className="mt-1 rounded bg-zinc-50 px-2 py-1 text-xs">
          <strong>prompt:</strong> <MathText text={step.prompt} />
        </div>
      )}
      {!planOnly && step.execution && (
        <details className="mt-1 text-xs">
          <summary className="cursor-pointer text-zinc-500">execution</summary>
          <ReasoningText text={step.execution} />
        </details>
      )}
    </div>
  );
});

export function ReadView({
  draft,
  storedStages,
  metrics,
  onComment,
  commentCounts,
}: {
  draft: TrajectoryDraft;
  storedStages: unknown;
  metrics: StoredMetricsView | null;
  onComment?: (a: CommentAnchor) => void;
  commentCounts?: Record<string, number>;
}) {
  const [hover, setHover] = useState<number | null>(null);
  const stageOf = useMemo(() => {
    const stored = parseStoredStages(storedStages).stageOf;
    if (draft.steps.every((s) => stored[s.id] !== undefined)) return stored;
    return draftStages(draft)?.stageOf ?? null;
  }, [draft, storedStages]);
  const groups = useMemo(() => {
    const m = new Map<number, Step[]>();
    for (const s of draft.steps) {
      const st = stageOf?.[s.id] ?? 0;
      m.set(st, [...(m.get(st) ?? []), s]);
    }
    return [...m.entries()].sort(([a], [b]) => a - b);
  }, [draft.steps, stageOf]);
  const edgeBadges = useMemo(() => {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(commentCounts ?? {})) if (k.startsWith("edge:") && v > 0) out[k.slice(5)] = v;
    return out;
  }, [commentCounts]);

  return (
    <div className="space-y-4" data-testid="editor-read">
      {metrics && (
        <div className="grid grid-cols-2 gap-2 md:grid-cols-3 lg:grid-cols-6" data-testid="editor-metrics">
          <MetricBox label="Sequential tokens" value={fmt(metrics.sequentialTokens)} testId="metric-sequential" />
          <MetricBox label="Total tokens" value={fmt(metrics.totalTokens)} />
          <MetricBox label="Original tokens" value={fmt(metrics.baselineTokens)} />
          <MetricBox label="Reduction" value={metrics.reduction == null ? "—" : `${Math.round(metrics.reduction * 100)}%`} />
          <MetricBox label="Stages" value={fmt(metrics.stageCount)} />
          <MetricBox label="Critical path" value={fmt(metrics.criticalPathTokens)} />
        </div>
      )}
      <div className="grid gap-4 xl:grid-cols-2">
        <section className="card min-w-0 p-4" data-testid="curated-stages">
          <h2 className="mb-2 text-sm font-semibold">
            Curated trajectory · {groups.length} {groups.length === 1 ? "stage" : "stages"}
          </h2>
          {groups.map(([st, steps]) => (
            <div key={st} className="mb-3 rounded border-l-4 pl-3" style={{ borderColor: st ? stageColor(st) : "#a1a1aa" }} data-testid={`stage-${st}`}>
              <div className="flex items-center gap-1 text-xs font-semibold" style={{ color: st ? stageColor(st) : "#52525b" }}>
                {st ? `Stage ${st}` : "No stage"}
                {st > 0 && <CommentButton anchor={{ kind: "stage", stage: st }} label={`stage ${st}`} onComment={onComment} count={commentCounts?.[`stage:${st}`]} />}
              </div>
              {steps.map((s) => (
                <ReadStepCard
                  key={s.id}
                  step={s}
                  parents={draft.dag[s.id] ?? EMPTY}
                  highlighted={hover === s.id}
                  onHover={setHover}
                  onComment={onComment}
                  commentCounts={commentCounts}
                />
              ))}
            </div>
          ))}
          {draft.steps.length === 0 && <p className="text-sm text-zinc-500">This trajectory has no steps.</p>}
        </section>
        <section className="min-w-0 space-y-4">
          <div className="card p-4">
            <h2 className="mb-2 text-sm font-semibold">Dependency DAG</h2>
            <DagCanvas
              steps={draft.steps}
              dag={draft.dag}
              stageOf={stageOf}
              highlight={hover}
              onHover={setHover}
              edgeActionLabel="Comment on"
              edgeBadges={edgeBadges}
              {...(onComment ? { onEdgeClick: (parent: number, child: number) => onComment({ kind: "edge", parent, child }) } : {})}
            />
          </div>
          {metrics?.rounds && metrics.rounds.length > 0 && (
            <div className="card p-4">
              <h2 className="mb-2 text-sm font-semibold">Stage timeline</h2>
              <StageTimeline rounds={metrics.rounds} />
            </div>
          )}
        </section>
      </div>
    </div>
  );
}

const EMPTY: readonly number[] = [];

export function MetricBox({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="card px-3 py-2">
      <div className="text-xs text-zinc-500">{label}</div>
      <div className="text-base font-semibold tabular-nums" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}
