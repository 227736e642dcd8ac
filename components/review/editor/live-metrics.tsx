"use client";
/**
 * Live metrics of the draft next to those of the opened version, computed the same way (editing.ts
 * recomputeDraft with the browser tokenizer) so that the delta is exact for this tokenizer. When the
 * stored metrics were measured with another tokenizer (Qwen), the shown value is the stored one
 * plus the live delta, marked "≈" (the server recomputes on save).
 */
import { metricsDelta, type DraftMetrics } from "@/server/sprint/editing";
import { deltaTone, fmt, fmtDelta, HIGHER_IS_BETTER } from "./shared";

const SHOWN = [
  { key: "sequentialTokens", label: "Sequential tokens", testId: "live-metric-sequential" },
  { key: "totalTokens", label: "Total tokens", testId: "live-metric-total" },
  { key: "stageCount", label: "Stages", testId: "live-metric-stages" },
  { key: "promptCount", label: "Prompts", testId: "live-metric-prompts" },
  { key: "parallelRatio", label: "Parallel ratio", testId: "live-metric-ratio" },
  { key: "criticalPathTokens", label: "Critical path", testId: "live-metric-critical" },
] as const;

export function LiveMetrics({
  base,
  now,
  stored,
}: {
  /** The opened version, recomputed in the browser. */
  base: DraftMetrics | null;
  /** The draft (null while it has errors). */
  now: DraftMetrics | null;
  /** The opened version's stored metrics (tokenizer name and values). */
  stored: { tokenizer?: string; sequentialTokens?: number; totalTokens?: number; criticalPathTokens?: number | null } | null;
}) {
  const { deltas } = metricsDelta(base, now);
  const approx = stored?.tokenizer !== undefined && stored.tokenizer !== "approx" && stored.tokenizer !== "words";
  return (
    <div className="flex flex-wrap gap-2" aria-live="polite" data-testid="live-metrics">
      {SHOWN.map(({ key, label, testId }) => {
        const d = deltas[key];
        const tokenMetric = key === "sequentialTokens" || key === "totalTokens" || key === "criticalPathTokens";
        const storedValue = tokenMetric ? (stored?.[key] ?? null) : null;
        let value = d.after;
        let prefix = "";
        if (approx && tokenMetric && storedValue !== null && d.delta !== null) {
          value = storedValue + d.delta;
          prefix = "≈ ";
        }
        const delta = now === null ? null : d.delta;
        return (
          <div
            key={key}
            className="card min-w-[8rem] px-3 py-1.5"
            data-testid={testId}
            data-value={value ?? ""}
            data-delta={delta ?? ""}
            title={approx && tokenMetric ? `Live change measured with the approximate tokenizer; the saved value is recomputed with ${stored?.tokenizer}.` : undefined}
          >
            <span className="block text-xs text-zinc-500">{label}</span>{" "}
            <span className="block text-base font-semibold tabular-nums">
              {now === null ? (
                <span className="text-zinc-400" title="Fix the errors to compute the metrics">—</span>
              ) : (
                <>
                  {prefix}
                  {fmt(value)}{" "}
                  <span className={`text-sm font-medium ${deltaTone(delta, !HIGHER_IS_BETTER.has(key))}`}>({fmtDelta(delta) || "±0"})</span>
                </>
              )}
            </span>
          </div>
        );
      })}
    </div>
  );
}
