/**
 * The paper's reported numbers (SPRINT, arXiv 2506.05745, Table 2, pass@1), shown as reference rows —
 * labelled "reported in the paper", never mixed with measured numbers. Source: docs/sprint-method.md §5.
 */
export interface ReferenceRow {
  benchmark: "MATH-500" | "Countdown" | "GPQA-Diamond";
  system: "RFT (sequential)" | "SPRINT";
  accuracy: number;
  sequentialTokens: number;
  totalTokens: number | null;
}

export const PAPER_REFERENCE: readonly ReferenceRow[] = [
  { benchmark: "MATH-500", system: "RFT (sequential)", accuracy: 0.91, sequentialTokens: 2880, totalTokens: null },
  { benchmark: "MATH-500", system: "SPRINT", accuracy: 0.925, sequentialTokens: 2440, totalTokens: 3622 },
  { benchmark: "Countdown", system: "RFT (sequential)", accuracy: 0.849, sequentialTokens: 4917, totalTokens: null },
  { benchmark: "Countdown", system: "SPRINT", accuracy: 0.859, sequentialTokens: 2284, totalTokens: null },
  { benchmark: "GPQA-Diamond", system: "RFT (sequential)", accuracy: 0.505, sequentialTokens: 7103, totalTokens: null },
  { benchmark: "GPQA-Diamond", system: "SPRINT", accuracy: 0.51, sequentialTokens: 6336, totalTokens: null },
];

/** Reported rows for a benchmark kind (math → MATH-500, countdown → Countdown, multiple choice → GPQA-Diamond). */
export function referenceRowsFor(kind: string): ReferenceRow[] {
  const name = kind === "math" ? "MATH-500" : kind === "countdown" ? "Countdown" : kind === "multiple-choice" ? "GPQA-Diamond" : null;
  return name ? PAPER_REFERENCE.filter((r) => r.benchmark === name) : [];
}
