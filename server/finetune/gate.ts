/**
 * Promotion gate of a protected alias (pure): an alias may require that the version it is moved to has an
 * evaluation whose accuracy is not below its baseline by more than `maxAccuracyDrop` percentage points and whose
 * sequential tokens are cut by at least `minSequentialReduction` (a fraction: 0.2 = 20 %).
 */
import { z } from "zod";

export const gateSchema = z.strictObject({
  /** Percentage points the accuracy may fall below the baseline (e.g. 1 → 91.0 % vs 92.0 % passes). */
  maxAccuracyDrop: z.number().min(0).max(100).nullable().default(null),
  /** Minimum sequential-token reduction vs the baseline, as a fraction in [0, 1). */
  minSequentialReduction: z.number().min(0).max(1).nullable().default(null),
});
export type Gate = z.infer<typeof gateSchema>;

/** What the gate reads from an evaluation run (h15's server/eval summary; accuracies are fractions in [0, 1]). */
export interface EvalSummary {
  runId: string;
  name?: string;
  accuracy: number;
  baselineAccuracy: number;
  /** 1 − sequential tokens / baseline sequential tokens. */
  sequentialTokenReduction: number;
  finishedAt?: Date | null;
}

export interface GateResult {
  ok: boolean;
  /** The evaluation that passed (or the latest one checked). */
  evalRunId: string | null;
  reasons: string[];
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function checkOne(gate: Gate, s: EvalSummary): string[] {
  const reasons: string[] = [];
  if (gate.maxAccuracyDrop !== null) {
    const drop = (s.baselineAccuracy - s.accuracy) * 100;
    if (drop > gate.maxAccuracyDrop + 1e-9) reasons.push(`accuracy ${pct(s.accuracy)} is ${drop.toFixed(1)} points below the baseline ${pct(s.baselineAccuracy)} (allowed: ${gate.maxAccuracyDrop})`);
  }
  if (gate.minSequentialReduction !== null && s.sequentialTokenReduction + 1e-9 < gate.minSequentialReduction) {
    reasons.push(`sequential tokens cut by ${pct(s.sequentialTokenReduction)} (required: ${pct(gate.minSequentialReduction)})`);
  }
  return reasons;
}

/** Passes when any evaluation of the version meets every threshold; with no gate it always passes. */
export function evaluateGate(gate: Gate | null, evals: readonly EvalSummary[]): GateResult {
  if (!gate || (gate.maxAccuracyDrop === null && gate.minSequentialReduction === null)) return { ok: true, evalRunId: null, reasons: [] };
  if (evals.length === 0) return { ok: false, evalRunId: null, reasons: ["this version has no finished evaluation yet: run one first"] };
  const sorted = [...evals].sort((a, b) => (b.finishedAt?.getTime() ?? 0) - (a.finishedAt?.getTime() ?? 0));
  for (const e of sorted) if (checkOne(gate, e).length === 0) return { ok: true, evalRunId: e.runId, reasons: [] };
  return { ok: false, evalRunId: sorted[0]!.runId, reasons: checkOne(gate, sorted[0]!) };
}
