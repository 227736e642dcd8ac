import { EmptyState, PageHeader } from "@/components/page-header";

export const metadata = { title: "Evaluations" };

export default function EvaluationsPage() {
  return (
    <>
      <PageHeader
        title="Evaluations"
        description="Accuracy, sequential tokens and total tokens per model version and mode, by length bucket — the paper's metrics."
      />
      <EmptyState title="No evaluations yet">
        An evaluation runs a benchmark (MATH-500, Countdown, GPQA-Diamond or your own) against a registered model version in SPRINT
        and sequential mode. Register a model version first.
        <p className="mt-3 text-xs text-zinc-500">
          Paper reference (Table 2, pass@1): MATH-500 — sequential RFT 91.0% / 2880 sequential tokens; SPRINT 92.5% / 2440 sequential, 3622 total.
        </p>
      </EmptyState>
    </>
  );
}
