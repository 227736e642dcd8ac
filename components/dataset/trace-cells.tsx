/**
 * Cell renderers of the trace table, kept apart from its data fetching (traces-table.tsx) so a cell can be
 * swapped (e.g. the question rendered with inline math) without touching paging or filters.
 */
import { MathText } from "@/components/math-text";

const nf = new Intl.NumberFormat("en");

export const STATUS_STYLE: Record<string, string> = {
  kept: "bg-green-100 text-green-800",
  filtered: "bg-amber-100 text-amber-800",
  failed: "bg-red-100 text-red-800",
  pending: "bg-zinc-100 text-zinc-700",
  running: "bg-blue-100 text-blue-800",
};

export function QuestionCell({ question }: { question: string }) {
  return <MathText className="line-clamp-2" text={question} max={240} />;
}

export function NumberCell({ value }: { value: number | null }) {
  return <>{value === null ? "—" : nf.format(value)}</>;
}

export function StatusCell({ status, reason }: { status: string | null; reason: string | null }) {
  return status ? (
    <span className={`rounded px-1.5 py-0.5 text-xs ${STATUS_STYLE[status] ?? ""}`} title={reason ?? undefined}>{status}</span>
  ) : (
    <span className="text-xs text-zinc-400">uncurated</span>
  );
}

/** Why the latest trajectory was kept, filtered or failed (the stored reason), or nothing. */
export function ReasonCell({ reason }: { reason: string | null }) {
  return reason ? (
    <span className="line-clamp-2 text-xs text-zinc-600" title={reason} data-testid="trace-reason">{reason}</span>
  ) : (
    <span className="text-xs text-zinc-300">—</span>
  );
}

export function ReductionCell({ value }: { value: number | null }) {
  return <>{value === null ? "—" : `${Math.round(value * 100)}%`}</>;
}
