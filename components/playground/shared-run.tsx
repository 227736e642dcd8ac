"use client";
/**
 * The public, read-only view of a shared run (/share/<token>): the same timeline, baseline, metrics and
 * final answer as the workspace view, folded from the snapshot's events passed as props. No tRPC, no
 * workspace context, no session.
 */
import Link from "next/link";
import { useMemo } from "react";
import type { InferenceEvent } from "@/server/inference/orchestrator/events";
import { timelineFromEvents } from "@/server/inference/orchestrator/timeline";
import { RunHeader, RunReport, type RunInfo } from "./run-report";

export interface SharedRunProps {
  run: RunInfo;
  events: InferenceEvent[];
  baseline: { run: RunInfo; events: InferenceEvent[] } | null;
}

export function SharedRun({ run, events, baseline }: SharedRunProps) {
  const model = useMemo(() => timelineFromEvents(events), [events]);
  const baseModel = useMemo(() => (baseline ? timelineFromEvents(baseline.events) : null), [baseline]);
  return (
    <div className="mx-auto max-w-6xl space-y-5 px-4 py-6 md:px-8" data-testid="shared-run">
      <div className="flex items-center justify-between gap-3 border-b border-zinc-200 pb-3">
        <Link href="/" className="text-base font-semibold tracking-tight">
          SPRINT <span className="text-brand-600">Studio</span>
        </Link>
        <span className="rounded bg-zinc-100 px-2 py-0.5 text-xs text-zinc-600">Shared run · read-only snapshot</span>
      </div>
      <RunHeader run={run} />
      <RunReport
        run={run}
        model={model}
        baseline={baseline && baseModel ? { run: baseline.run, model: baseModel } : null}
        timelineActions={<span className="text-xs text-zinc-400" data-testid="event-count">{model.eventCount} events</span>}
      />
      <p className="text-center text-xs text-zinc-400">
        SPRINT: interleaved planning with parallel execution. Each round a planner writes prompts that executors run in parallel.
      </p>
    </div>
  );
}
