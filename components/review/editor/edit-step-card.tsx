"use client";
/**
 * One step in edit mode: stage selector (pin / unpin), plan-only toggle, merge with the next step,
 * text fields (plan, prompt, execution; plan and execution can be split at the caret), the parents
 * control (a checkbox per earlier step, plus "depends on step #" for any step so that refusals such
 * as a cycle are explained) and the step's issues inline. Memoized: a change elsewhere does not
 * re-render it (issues are compared by content through `issuesKey`).
 */
import { memo, useState } from "react";
import type { DraftIssue } from "@/server/sprint/editing";
import { isPlanOnly, type Step } from "@/server/sprint/steps";
import { stageColor } from "@/components/trace/colors";
import { DebouncedField } from "./debounced-field";
import type { OpError } from "./use-draft-history";

export interface StepCardActions {
  editText(id: number, field: "plan" | "prompt" | "execution" | "description", text: string): void;
  split(id: number, field: "plan" | "execution", offset: number, text: string): void;
  mergeWithNext(id: number, nextId: number): void;
  setPlanOnly(id: number, planOnly: boolean): void;
  move(id: number, stage: number | null): void;
  setEdge(parent: number, child: number, on: boolean): void;
  hover(id: number | null): void;
}

export interface EditStepCardProps {
  step: Step;
  /** Ids of all steps in draft order (a stable array while ids do not change). */
  ids: readonly number[];
  index: number;
  parents: readonly number[];
  stage: number | null;
  pin: number | null;
  /** The largest stage a pin may sensibly name (current stage count + 1). */
  maxStage: number;
  issues: readonly DraftIssue[];
  /** Content key of `issues` (the memo compares this instead of the array). */
  issuesKey: string;
  opError: OpError | null;
  highlighted: boolean;
  actions: StepCardActions;
}

function sevClass(sev: "error" | "warning"): string {
  return sev === "error" ? "text-red-700" : "text-amber-700";
}

function EditStepCardImpl({ step, ids, index, parents, stage, pin, maxStage, issues, opError, highlighted, actions }: EditStepCardProps) {
  const id = step.id;
  const planOnly = isPlanOnly(step);
  const nextId = ids[index + 1] ?? null;
  const earlier = ids.slice(0, index);
  const parentSet = new Set(parents);
  const edgeSeverity = new Map<number, "error" | "warning">();
  for (const i of issues) {
    if (i.edge && i.edge.child === id) {
      const prev = edgeSeverity.get(i.edge.parent);
      if (prev !== "error") edgeSeverity.set(i.edge.parent, i.severity);
    }
  }
  const hasError = issues.some((i) => i.severity === "error") || opError !== null;
  const [addTo, setAddTo] = useState("");
  const stageOptions = Array.from({ length: Math.max(maxStage, pin ?? 0, 1) }, (_, k) => k + 1);
  const border = stage ? stageColor(stage, 0.9) : "#a1a1aa";

  return (
    <article
      className={`card border-l-4 p-3 ${highlighted ? "ring-2 ring-brand-500/40" : ""} ${hasError ? "bg-red-50/40" : ""}`}
      style={{ borderLeftColor: border }}
      data-testid={`step-card-${id}`}
      data-stage={stage ?? undefined}
      aria-label={`Step ${id}`}
      onMouseEnter={() => actions.hover(id)}
      onMouseLeave={() => actions.hover(null)}
    >
      <header className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs">
        <span className="text-sm font-semibold">Step {id}</span>
        <span className="rounded px-1.5 py-0.5 font-medium" style={{ background: stage ? stageColor(stage, 0.15) : "#f4f4f5", color: stage ? stageColor(stage) : "#52525b" }} data-testid={`step-stage-${id}`}>
          {stage ? `Stage ${stage}` : "no stage"}
          {pin !== null ? " · pinned" : ""}
        </span>
        <label className="flex items-center gap-1">
          <span className="text-zinc-500">Stage</span>
          <select
            className="rounded border border-zinc-300 bg-white px-1 py-0.5 text-xs"
            value={pin === null ? "auto" : String(pin)}
            onChange={(e) => actions.move(id, e.target.value === "auto" ? null : Number(e.target.value))}
            aria-label={`Stage of step ${id}`}
            data-testid={`stage-select-${id}`}
          >
            <option value="auto">auto (from parents)</option>
            {stageOptions.map((s) => (
              <option key={s} value={s}>
                pin to stage {s}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={planOnly} onChange={(e) => actions.setPlanOnly(id, e.target.checked)} data-testid={`plan-only-${id}`} />
          <span>plan-only</span>
        </label>
        <span className="flex-1" />
        {nextId !== null && (
          <button type="button" className="btn-secondary px-2 py-0.5 text-xs" onClick={() => actions.mergeWithNext(id, nextId)} aria-label={`Merge step ${id} with step ${nextId}`} data-testid={`merge-${id}`}>
            Merge with {nextId}
          </button>
        )}
      </header>

      <div className="mt-2 space-y-2">
        <DebouncedField label="Description" multiline={false} value={step.description ?? ""} onCommit={(t) => actions.editText(id, "description", t)} placeholder="(optional)" />
        <DebouncedField label="Plan" value={step.plan} onCommit={(t) => actions.editText(id, "plan", t)} onSplit={(o, t) => actions.split(id, "plan", o, t)} testId={`plan-${id}`} />
        {!planOnly && (
          <DebouncedField
            label="Prompt"
            value={step.prompt ?? ""}
            onCommit={(t) => actions.editText(id, "prompt", t)}
            testId={`prompt-${id}`}
            invalid={issues.some((i) => i.code === "missing-prompt")}
            placeholder="Instruction for the executor"
          />
        )}
        <DebouncedField
          label={planOnly ? "Execution (empty: plan-only)" : "Execution"}
          value={step.execution ?? ""}
          onCommit={(t) => actions.editText(id, "execution", t)}
          {...(planOnly ? {} : { onSplit: (o: number, t: string) => actions.split(id, "execution", o, t) })}
          testId={`execution-${id}`}
          placeholder={planOnly ? "Write an execution to make this an executed step" : undefined}
        />
      </div>

      <fieldset className="mt-2 rounded border border-zinc-200 px-2 py-1.5" data-testid={`parents-${id}`}>
        <legend className="px-1 text-xs font-medium text-zinc-600">Depends on</legend>
        {earlier.length === 0 ? (
          <p className="text-xs text-zinc-500">No earlier steps (a first step has no parents).</p>
        ) : (
          <div className="flex flex-wrap gap-1">
            {earlier.map((p) => {
              const on = parentSet.has(p);
              const sev = edgeSeverity.get(p);
              return (
                <label
                  key={p}
                  className={`flex cursor-pointer items-center gap-1 rounded border px-1.5 py-0.5 text-xs tabular-nums ${
                    sev === "error" ? "border-red-400 bg-red-50" : sev === "warning" ? "border-amber-400 bg-amber-50" : on ? "border-brand-500 bg-brand-50" : "border-zinc-200"
                  }`}
                  title={on ? `Remove the edge ${p} → ${id}` : `Make step ${id} depend on step ${p}`}
                >
                  <input type="checkbox" checked={on} onChange={(e) => actions.setEdge(p, id, e.target.checked)} aria-label={`Step ${id} depends on step ${p}`} data-testid={`edge-checkbox-${p}-${id}`} />
                  {p}
                </label>
              );
            })}
          </div>
        )}
        {parents.some((p) => !earlier.includes(p)) && (
          <div className="mt-1 flex flex-wrap gap-1 text-xs">
            {parents
              .filter((p) => !earlier.includes(p))
              .map((p) => (
                <span key={p} className="flex items-center gap-1 rounded border border-red-400 bg-red-50 px-1.5 py-0.5">
                  {p} (not earlier)
                  <button type="button" className="text-red-700" onClick={() => actions.setEdge(p, id, false)} aria-label={`Remove the edge ${p} → ${id}`}>
                    ×
                  </button>
                </span>
              ))}
          </div>
        )}
        <form
          className="mt-1 flex items-center gap-1 text-xs"
          onSubmit={(e) => {
            e.preventDefault();
            const p = Number(addTo);
            if (Number.isInteger(p) && p > 0) actions.setEdge(p, id, true);
            setAddTo("");
          }}
        >
          <label htmlFor={`add-parent-${id}`} className="text-zinc-500">
            Add dependency on step
          </label>
          <input
            id={`add-parent-${id}`}
            className="w-16 rounded border border-zinc-300 px-1 py-0.5"
            inputMode="numeric"
            value={addTo}
            onChange={(e) => setAddTo(e.target.value.replace(/[^0-9]/g, ""))}
            data-testid={`add-parent-${id}`}
          />
          <button type="submit" className="btn-secondary px-2 py-0.5 text-xs" disabled={addTo === ""}>
            Add
          </button>
        </form>
      </fieldset>

      {(opError || issues.length > 0) && (
        <ul className="mt-2 space-y-0.5 text-xs" data-testid={`step-issues-${id}`} aria-live="polite">
          {opError && (
            <li className="font-medium text-red-700" role="alert" data-testid="op-error">
              ✕ Not applied: {opError.issue.message}
            </li>
          )}
          {issues.map((i, k) => (
            <li key={k} className={sevClass(i.severity)} data-severity={i.severity} data-code={i.code}>
              {i.severity === "error" ? "✕" : "⚠"} {i.message}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

export const EditStepCard = memo(EditStepCardImpl, (a, b) => {
  for (const k of Object.keys(a) as (keyof EditStepCardProps)[]) {
    if (k === "issues") continue;
    if (a[k] !== b[k]) return false;
  }
  return true;
});
