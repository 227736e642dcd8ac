/**
 * Small shared pieces of the trajectory editor (team review, issue #5): number and delta formatting,
 * comment anchors, the browser tokenizer, conversion of stored JSON to a draft and of a draft to
 * the `trajectories.save` input, and conflict detection.
 */
import type { inferRouterInputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import { errorMessage } from "@/lib/trpc";
import {
  draftFromStored,
  memoTokenizer,
  recomputeDraft,
  type DraftComputation,
  type RecomputeOptions,
  type TrajectoryDraft,
} from "@/server/sprint/editing";
import type { Step } from "@/server/sprint/steps";
import { approxTokenizer } from "@/server/sprint/tokenizer";

/** One tokenizer for the whole page: counts of unchanged texts are remembered across keystrokes. */
export const EDITOR_TOKENIZER = memoTokenizer(approxTokenizer, 8192);

export type CommentAnchor = { kind: "step"; stepId: number } | { kind: "edge"; parent: number; child: number } | { kind: "stage"; stage: number };

/** The `commentCounts` key of an anchor: "step:3", "edge:1-3", "stage:2". */
export function commentKey(a: CommentAnchor): string {
  if (a.kind === "step") return `step:${a.stepId}`;
  if (a.kind === "edge") return `edge:${a.parent}-${a.child}`;
  return `stage:${a.stage}`;
}

export const nf = new Intl.NumberFormat("en");
const nf2 = new Intl.NumberFormat("en", { maximumFractionDigits: 2 });

/** A number for display ("—" when missing); fractional values get two decimals at most. */
export function fmt(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  return Number.isInteger(n) ? nf.format(n) : nf2.format(n);
}

/** A signed delta: "+12", "−56" (a real minus sign), "±0"; "" when unknown. */
export function fmtDelta(d: number | null | undefined): string {
  if (d === null || d === undefined || !Number.isFinite(d)) return "";
  if (isZero(d)) return "±0";
  const abs = fmt(Math.abs(d));
  return d > 0 ? `+${abs}` : `−${abs}`;
}

/** True when a delta shows as zero (two decimals). */
export function isZero(d: number): boolean {
  return Math.abs(d) < 0.005;
}

/** Tailwind text colour of a delta of a metric where lower is better (sequential tokens …). */
export function deltaTone(d: number | null | undefined, lowerIsBetter = true): string {
  if (d === null || d === undefined || isZero(d)) return "text-zinc-500";
  return d < 0 === lowerIsBetter ? "text-emerald-700" : "text-amber-700";
}

/** Stored columns of a trajectory version as a draft (tolerant of malformed JSON). */
export function draftFromColumns(stored: { steps: unknown; dagEdges: unknown; stages: unknown }): TrajectoryDraft {
  const steps = Array.isArray(stored.steps)
    ? (stored.steps as unknown[]).filter((s): s is Step => typeof s === "object" && s !== null && typeof (s as Step).id === "number")
    : [];
  return draftFromStored({ steps, dagEdges: stored.dagEdges, stages: stored.stages });
}

/** recomputeDraft that never throws (a thrown error becomes an error issue). */
export function safeRecompute(draft: TrajectoryDraft, opts: RecomputeOptions): DraftComputation {
  try {
    return recomputeDraft(draft, EDITOR_TOKENIZER, opts);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return {
      issues: [{ code: "draft-invalid", severity: "error", message: `the trajectory could not be built: ${message}` }],
      valid: false,
      stages: null,
      packed: null,
      trajectory: null,
      text: null,
      metrics: null,
      summary: null,
    };
  }
}

export type SaveDraftInput = inferRouterInputs<AppRouter>["trajectories"]["save"]["draft"];

/** The `draft` of `trajectories.save`: dag keys as strings, pins only when there are some. */
export function draftToInput(d: TrajectoryDraft): SaveDraftInput {
  const dag: Record<string, number[]> = {};
  for (const [k, parents] of Object.entries(d.dag)) dag[k] = [...(parents as readonly number[])];
  const pins: Record<string, number> = {};
  for (const [k, v] of Object.entries(d.stagePins ?? {})) pins[k] = v;
  return {
    steps: d.steps as unknown as SaveDraftInput["steps"],
    dag,
    ...(Object.keys(pins).length > 0 ? { stagePins: pins } : {}),
  };
}

/** A canonical string of a draft's content (for "has anything changed?"). */
export function draftSignature(d: TrajectoryDraft): string {
  const dag = d.steps.map((s) => [s.id, [...new Set(d.dag[s.id] ?? [])].sort((a, b) => a - b)]);
  const pins = Object.entries(d.stagePins ?? {}).sort(([a], [b]) => Number(a) - Number(b));
  return JSON.stringify([d.steps, dag, pins]);
}

/** A "changed since you opened it" refusal of a save or restore. */
export function isConflictError(err: unknown): boolean {
  const code = (err as { data?: { code?: unknown } } | null)?.data?.code;
  return code === "CONFLICT" || /changed since you opened it/i.test(errorMessage(err));
}

/** The current version named in a CONFLICT message ("… it is now version 4 …"), if any. */
export function conflictVersion(err: unknown): number | null {
  const m = /now version (\d+)/.exec(errorMessage(err));
  return m ? Number(m[1]) : null;
}

/** Labels of the numbers compared by metricsDelta (editing.ts DELTA_KEYS). */
export const METRIC_LABELS: Record<string, string> = {
  sequentialTokens: "Sequential tokens",
  totalTokens: "Total tokens",
  stageCount: "Stages",
  promptCount: "Prompts",
  stepCount: "Steps",
  parallelRatio: "Parallel ratio",
  stepsPerStage: "Steps / stage",
  tokenParallelism: "Token parallelism",
  criticalPathTokens: "Critical path tokens",
  packingEfficiency: "Packing efficiency",
};

/** Metrics where a larger value is the better one (the rest: smaller is better). */
export const HIGHER_IS_BETTER = new Set(["parallelRatio", "stepsPerStage", "tokenParallelism", "promptCount"]);
