/** The stored (database JSON) form of a draft: `steps`, `dagEdges` and `stages` columns, both ways. Pure. */
import {
  isPlanOnly,
  normalizeDag,
  parentsOf,
  topologicalOrder,
  validateDag,
  type Step,
} from "../steps";

import { BLOCKING, draftStages, validPin, withPins, type TrajectoryDraft } from "./draft";

// ---------------------------------------------------------------------------------------------
// Stored form
// ---------------------------------------------------------------------------------------------

/**
 * The JSON stored in the `stages` column by {@link draftToStored}: the effective stage of every step
 * (for readers that colour by stage) and the pins (to restore the draft exactly). Older rows hold a
 * plain `Record<stepId, stage>` (σ from curation); {@link parseStoredStages} reads both.
 */
export interface StoredStages {
  stageOf: Record<number, number>;
  pins: Record<number, number>;
}

/** The stored columns of a curated trajectory that hold a draft. */
export interface StoredDraft {
  steps: Step[];
  dagEdges: Record<number, number[]>;
  stages: StoredStages;
}

function numberRecord(raw: unknown): Record<number, number> {
  const out: Record<number, number> = {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const id = Number(k);
    if (Number.isInteger(id) && typeof v === "number" && Number.isFinite(v)) out[id] = v;
  }
  return out;
}

/**
 * Reads a `stages` column: `{ stageOf, pins }` ({@link StoredStages}) or the older plain
 * `Record<stepId, stage>` (then `pins` is null: derive them with {@link draftFromStored}).
 * Anything else reads as no stages. Non-numeric entries are skipped.
 */
export function parseStoredStages(raw: unknown): { stageOf: Record<number, number>; pins: Record<number, number> | null } {
  if (typeof raw === "object" && raw !== null && !Array.isArray(raw) && "stageOf" in raw) {
    const r = raw as { stageOf?: unknown; pins?: unknown };
    return { stageOf: numberRecord(r.stageOf), pins: numberRecord(r.pins) };
  }
  return { stageOf: numberRecord(raw), pins: null };
}

/**
 * A draft from the stored columns. `dagEdges` is normalized with steps.ts `normalizeDag` (string
 * keys and ids accepted; malformed entries are left out). Pins come from a {@link StoredStages}
 * value; from a plain stage record they are derived: in topological order, a step whose stored
 * stage differs from the stage its parents give it is pinned to the stored stage — so σ-packed rows
 * get no pins and any hand-placed assignment is restored exactly. Without a usable graph (cycle …)
 * no pins are derived.
 */
export function draftFromStored(stored: { steps: readonly Step[]; dagEdges: unknown; stages?: unknown }): TrajectoryDraft {
  const steps = [...stored.steps];
  const { dag } = normalizeDag(stored.dagEdges ?? {});
  const { stageOf, pins } = parseStoredStages(stored.stages);
  if (pins !== null) return withPins({ steps, dag }, pins);
  const derived: Record<number, number> = {};
  const base: TrajectoryDraft = { steps, dag };
  if (Object.keys(stageOf).length === 0 || validateDag(steps, dag).some((i) => BLOCKING.has(i.code))) return base;
  const order = topologicalOrder(steps, dag);
  if (order === null) return base;
  const byId = new Map(steps.map((s) => [s.id, s]));
  const effective: Record<number, number> = {};
  for (const id of order) {
    let req = 1;
    for (const p of parentsOf(dag, id)) {
      const parent = byId.get(p);
      if (parent === undefined || p === id) continue;
      req = Math.max(req, (effective[p] as number) + (isPlanOnly(parent) ? 0 : 1));
    }
    const stored = stageOf[id];
    if (validPin(stored) && stored !== req) {
      derived[id] = stored;
      effective[id] = stored;
    } else effective[id] = req;
  }
  return withPins(base, derived);
}

/**
 * The stored columns of a draft: steps (copied), the DAG as a plain record, and `stages` as
 * {@link StoredStages} (`stageOf` empty when stages are undefined, e.g. a cycle — the server saves
 * valid drafts only). `draftFromStored(draftToStored(d))` equals `d` (pins normalized: an empty pin
 * record is absent).
 */
export function draftToStored(draft: TrajectoryDraft): StoredDraft {
  const dagEdges: Record<number, number[]> = {};
  for (const key of Object.keys(draft.dag)) {
    const id = Number(key);
    if (Number.isInteger(id)) dagEdges[id] = [...parentsOf(draft.dag, id)];
  }
  const stages = draftStages(draft);
  return {
    steps: draft.steps.map((s) => ({ ...s })),
    dagEdges,
    stages: { stageOf: stages ? { ...stages.stageOf } : {}, pins: { ...(draft.stagePins ?? {}) } },
  };
}
