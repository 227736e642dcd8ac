/** Review status chip, one colour per status. */
const STYLES: Record<string, string> = {
  pending: "bg-zinc-100 text-zinc-700",
  in_review: "bg-sky-100 text-sky-800",
  approved: "bg-emerald-100 text-emerald-800",
  rejected: "bg-rose-100 text-rose-800",
  changes_requested: "bg-amber-100 text-amber-800",
  disagreement: "bg-fuchsia-100 text-fuchsia-800",
};

export const STATUS_LABEL: Record<string, string> = {
  pending: "pending",
  in_review: "in review",
  approved: "approved",
  rejected: "rejected",
  changes_requested: "changes requested",
  disagreement: "disagreement",
};

export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  return (
    <span className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium ${STYLES[status] ?? STYLES.pending}`} data-testid={testId}>
      {STATUS_LABEL[status] ?? status}
    </span>
  );
}
