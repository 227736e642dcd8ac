/**
 * Public page of a shared playground run: no session, no workspace. The token is checked on every
 * request (no caching), so a revoked link answers 404 at once. Data reach the client as props only.
 */
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { getSharedRun } from "@/server/inference/share";
import { SharedRun } from "@/components/playground/shared-run";
import type { RunInfo } from "@/components/playground/run-report";
import type { InferenceEvent } from "@/server/inference/orchestrator/events";

export const dynamic = "force-dynamic";

const load = cache((token: string) => getSharedRun(token));

function num(m: Record<string, unknown> | null | undefined, k: string): number | null {
  const v = m?.[k];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function plain(question: string, max: number): string {
  const s = question.replace(/\s+/g, " ").trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** "3 rounds · 1.2k sequential vs 4.5k total tokens · ×1.8 wall vs sequential" */
function summary(data: Shared): string {
  const m = data.run.metrics;
  const parts: string[] = [];
  const rounds = num(m, "rounds");
  const seq = num(m, "sequentialTokens");
  const total = num(m, "totalTokens");
  const wall = num(m, "wallMs");
  if (data.run.mode === "sequential") {
    const t = seq ?? num(m, "tokens");
    if (t !== null) parts.push(`${t} tokens`);
  } else {
    if (rounds !== null) parts.push(`${rounds} ${rounds === 1 ? "round" : "rounds"}`);
    if (seq !== null && total !== null) parts.push(`${seq} sequential vs ${total} total tokens`);
  }
  const bm = data.baseline?.run.metrics;
  const bWall = num(bm, "wallMs");
  const bTokens = num(bm, "sequentialTokens") ?? num(bm, "tokens");
  if (wall && bWall) parts.push(`×${(bWall / wall).toFixed(1)} wall-clock speed-up vs sequential`);
  if (seq !== null && bTokens) parts.push(`${Math.round((1 - seq / bTokens) * 100)}% fewer sequential tokens`);
  if (data.run.finalAnswer) parts.push(`answer: ${plain(data.run.finalAnswer, 60)}`);
  return parts.join(" · ");
}

type Shared = NonNullable<Awaited<ReturnType<typeof getSharedRun>>>;

/** Only what the page shows reaches the browser (no stored parameters). */
function publicInfo(r: Shared["run"]): RunInfo {
  return {
    id: r.id,
    question: r.question,
    mode: r.mode,
    schedule: r.schedule,
    status: r.status,
    finalAnswer: r.finalAnswer,
    metrics: r.metrics,
    params: null,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
    endpoint: r.endpoint,
    createdBy: null,
    error: r.error,
    baselineRunId: r.baselineRunId,
  };
}

/** `run-started` carries the resolved parameters (prompted mode: few-shot trajectories from a dataset): not public. */
function publicEvents(events: Shared["events"]): InferenceEvent[] {
  return events.map((e) => (e.type === "run-started" ? { ...e, params: null } : e));
}

export async function generateMetadata({ params }: { params: Promise<{ token: string }> }): Promise<Metadata> {
  const { token } = await params;
  const data = await load(token);
  if (!data) return { title: "Not found", robots: { index: false, follow: false } };
  const title = `SPRINT run: ${plain(data.run.question, 80)}`;
  const description = summary(data) || "A SPRINT inference run: interleaved planning with parallel execution.";
  return {
    title,
    description,
    robots: { index: false, follow: false },
    openGraph: { title, description, type: "article", siteName: "SPRINT Studio" },
    twitter: { card: "summary", title, description },
  };
}

export default async function SharePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const data = await load(token);
  if (!data) notFound();
  const baseline = data.baseline ? { run: publicInfo(data.baseline.run), events: publicEvents(data.baseline.events) } : null;
  return (
    <main className="min-h-screen">
      <SharedRun run={publicInfo(data.run)} events={publicEvents(data.events)} baseline={baseline} />
    </main>
  );
}
