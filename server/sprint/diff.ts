/**
 * Side-by-side diff of two versions of a trajectory draft (team review, issue #5): a line diff with
 * intra-line word diff per step text, and a structure diff — steps added / removed / changed
 * (matched by identical text first, then by text similarity, so renumbering after a split or a
 * merge is recognised), edges added / removed, stage changes and metric deltas. Pure, no I/O; the
 * output is plain JSON for the UI.
 */
import {
  draftStages,
  metricsDelta,
  recomputeDraft,
  type DraftStages,
  type MetricsLike,
  type RecomputeOptions,
  type TrajectoryDraft,
} from "./editing";
import { isPlanOnly, parentsOf, type Edge, type Step } from "./steps";
import type { Tokenizer } from "./types";

// ---------------------------------------------------------------------------------------------
// Text diff
// ---------------------------------------------------------------------------------------------

export type DiffOp = "equal" | "insert" | "delete";

/** A run of words (whitespace included) that is equal, only after (insert) or only before (delete). */
export interface WordOp {
  op: DiffOp;
  text: string;
}

/** One row of a side-by-side line diff. Line numbers are 1-based within each text. */
export interface DiffRow {
  /** `change`: a line replaced by another (with a word diff); the others as named. */
  kind: "equal" | "insert" | "delete" | "change";
  left: { line: number; text: string } | null;
  right: { line: number; text: string } | null;
  /** For `change` rows: left = equal + delete runs, right = equal + insert runs. */
  words?: WordOp[];
}

/** Above this many cells (n × m after trimming common ends) the diff gives up on an exact LCS. */
const MAX_LCS_CELLS = 4_000_000;

/**
 * Edit script of a longest common subsequence of `a` and `b` (common prefix and suffix trimmed
 * first; a middle larger than {@link MAX_LCS_CELLS} is all delete then all insert). Deletions come
 * before insertions within a run of changes.
 */
export function lcsOps<T>(a: readonly T[], b: readonly T[], eq: (x: T, y: T) => boolean = Object.is): DiffOp[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && eq(a[pre] as T, b[pre] as T)) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && eq(a[a.length - 1 - suf] as T, b[b.length - 1 - suf] as T)) suf++;
  const n = a.length - pre - suf;
  const m = b.length - pre - suf;
  const middle: DiffOp[] = [];
  if (n === 0 || m === 0 || n * m > MAX_LCS_CELLS) {
    for (let i = 0; i < n; i++) middle.push("delete");
    for (let j = 0; j < m; j++) middle.push("insert");
  } else {
    // len[i][j] = LCS length of a[pre+i..] and b[pre+j..], in one flat array.
    const w = m + 1;
    const len = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        len[i * w + j] = eq(a[pre + i] as T, b[pre + j] as T)
          ? (len[(i + 1) * w + j + 1] as number) + 1
          : Math.max(len[(i + 1) * w + j] as number, len[i * w + j + 1] as number);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (eq(a[pre + i] as T, b[pre + j] as T)) {
        middle.push("equal");
        i++;
        j++;
      } else if ((len[(i + 1) * w + j] as number) >= (len[i * w + j + 1] as number)) {
        middle.push("delete");
        i++;
      } else {
        middle.push("insert");
        j++;
      }
    }
    while (i++ < n) middle.push("delete");
    while (j++ < m) middle.push("insert");
  }
  return [...Array<DiffOp>(pre).fill("equal"), ...normalizeRuns(middle), ...Array<DiffOp>(suf).fill("equal")];
}

/** Within each run of non-equal ops, deletions first. */
function normalizeRuns(ops: DiffOp[]): DiffOp[] {
  const out: DiffOp[] = [];
  let del = 0;
  let ins = 0;
  const flush = () => {
    for (; del > 0; del--) out.push("delete");
    for (; ins > 0; ins--) out.push("insert");
  };
  for (const op of ops) {
    if (op === "delete") del++;
    else if (op === "insert") ins++;
    else {
      flush();
      out.push(op);
    }
  }
  flush();
  return out;
}

/** Words, whitespace runs and single punctuation characters. */
function tokenizeWords(text: string): string[] {
  return text.match(/\s+|[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu) ?? [];
}

/** Word-level diff of two strings; adjacent runs of the same op are merged. */
export function diffWords(before: string, after: string): WordOp[] {
  const a = tokenizeWords(before);
  const b = tokenizeWords(after);
  const out: WordOp[] = [];
  let i = 0;
  let j = 0;
  for (const op of lcsOps(a, b)) {
    let text: string;
    if (op === "delete") text = a[i++] as string;
    else {
      text = b[j++] as string;
      if (op === "equal") i++;
    }
    const last = out[out.length - 1];
    if (last && last.op === op) last.text += text;
    else out.push({ op, text });
  }
  return out;
}

function splitLines(text: string): string[] {
  return text === "" ? [] : text.split(/\r?\n/);
}

/**
 * Side-by-side line diff. Within a run of changed lines, deleted and inserted lines are paired in
 * order as `change` rows (with a word diff); the rest are `delete` / `insert` rows.
 */
export function diffLines(before: string, after: string): DiffRow[] {
  const a = splitLines(before);
  const b = splitLines(after);
  const rows: DiffRow[] = [];
  let i = 0;
  let j = 0;
  let dels: number[] = [];
  let ins: number[] = [];
  const flush = () => {
    const k = Math.min(dels.length, ins.length);
    for (let x = 0; x < k; x++) {
      const l = dels[x] as number;
      const r = ins[x] as number;
      rows.push({
        kind: "change",
        left: { line: l + 1, text: a[l] as string },
        right: { line: r + 1, text: b[r] as string },
        words: diffWords(a[l] as string, b[r] as string),
      });
    }
    for (const l of dels.slice(k)) rows.push({ kind: "delete", left: { line: l + 1, text: a[l] as string }, right: null });
    for (const r of ins.slice(k)) rows.push({ kind: "insert", left: null, right: { line: r + 1, text: b[r] as string } });
    dels = [];
    ins = [];
  };
  for (const op of lcsOps(a, b)) {
    if (op === "delete") dels.push(i++);
    else if (op === "insert") ins.push(j++);
    else {
      flush();
      rows.push({ kind: "equal", left: { line: i + 1, text: a[i] as string }, right: { line: j + 1, text: b[j] as string } });
      i++;
      j++;
    }
  }
  flush();
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Step matching
// ---------------------------------------------------------------------------------------------

/** Text fields compared per step, in display order. */
export const STEP_FIELDS = ["description", "plan", "prompt", "execution", "comment"] as const;
export type StepField = (typeof STEP_FIELDS)[number];

const fieldText = (s: Step, f: StepField): string => s[f] ?? "";
const stepKey = (s: Step): string => JSON.stringify(STEP_FIELDS.map((f) => fieldText(s, f)));

function wordBag(s: Step): Map<string, number> {
  const bag = new Map<string, number>();
  for (const f of ["plan", "prompt", "execution"] as const) {
    for (const w of fieldText(s, f).toLowerCase().match(/[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu) ?? []) bag.set(w, (bag.get(w) ?? 0) + 1);
  }
  return bag;
}

/** Dice coefficient of the two steps' word multisets (plan, prompt, execution): 1 = same words; two empty steps are 1. */
export function stepSimilarity(a: Step, b: Step): number {
  return dice(wordBag(a), wordBag(b));
}

function dice(a: Map<string, number>, b: Map<string, number>): number {
  let na = 0;
  let nb = 0;
  let common = 0;
  for (const v of a.values()) na += v;
  for (const v of b.values()) nb += v;
  if (na + nb === 0) return 1;
  for (const [w, v] of a) common += Math.min(v, b.get(w) ?? 0);
  return (2 * common) / (na + nb);
}

/** A pairing of a step before with a step after (either may be null: removed / added). */
export interface StepMatch {
  before: number | null;
  after: number | null;
  /** 1 for identical text, the {@link stepSimilarity} for similar pairs, 0 when unpaired. */
  similarity: number;
}

/** Options of {@link matchSteps} and {@link diffDrafts}. */
export interface MatchOptions {
  /** Least similarity for pairing steps whose text differs (default 0.5). */
  threshold?: number;
}

/**
 * Pairs steps of two versions: first the longest common subsequence of steps with identical text
 * (ids may differ: renumbered), then, in each gap between those anchors, the most similar pairs with
 * similarity ≥ threshold (ties: same id, then nearest position), then the same over all leftovers
 * (steps that moved). Unpaired steps are removed (before) or added (after). Output: every step
 * once, pairs and removals in before order, then additions.
 */
export function matchSteps(before: readonly Step[], after: readonly Step[], opts: MatchOptions = {}): StepMatch[] {
  const threshold = opts.threshold ?? 0.5;
  const ka = before.map(stepKey);
  const kb = after.map(stepKey);
  const pairOfA = new Array<number | undefined>(before.length).fill(undefined);
  const pairOfB = new Array<number | undefined>(after.length).fill(undefined);
  const sim = new Map<number, number>();
  let i = 0;
  let j = 0;
  for (const op of lcsOps(ka, kb)) {
    if (op === "equal") {
      pairOfA[i] = j;
      pairOfB[j] = i;
      sim.set(i, 1);
      i++;
      j++;
    } else if (op === "delete") i++;
    else j++;
  }
  const bagsA = new Map<number, Map<string, number>>();
  const bagsB = new Map<number, Map<string, number>>();
  const bagA = (x: number) => bagsA.get(x) ?? (bagsA.set(x, wordBag(before[x] as Step)), bagsA.get(x) as Map<string, number>);
  const bagB = (y: number) => bagsB.get(y) ?? (bagsB.set(y, wordBag(after[y] as Step)), bagsB.get(y) as Map<string, number>);
  const pairUp = (xs: number[], ys: number[]) => {
    const cands: { x: number; y: number; s: number; sameId: boolean; dist: number }[] = [];
    for (const x of xs) {
      for (const y of ys) {
        const s = dice(bagA(x), bagB(y));
        if (s >= threshold) cands.push({ x, y, s, sameId: (before[x] as Step).id === (after[y] as Step).id, dist: Math.abs(x - y) });
      }
    }
    cands.sort((p, q) => q.s - p.s || Number(q.sameId) - Number(p.sameId) || p.dist - q.dist || p.x - q.x || p.y - q.y);
    for (const c of cands) {
      if (pairOfA[c.x] !== undefined || pairOfB[c.y] !== undefined) continue;
      pairOfA[c.x] = c.y;
      pairOfB[c.y] = c.x;
      sim.set(c.x, c.s);
    }
  };
  // Gaps between anchors.
  let lastA = -1;
  let lastB = -1;
  for (let x = 0; x <= before.length; x++) {
    const y = x < before.length ? pairOfA[x] : after.length;
    if (y === undefined) continue;
    const xs = range(lastA + 1, x).filter((v) => pairOfA[v] === undefined);
    const ys = range(lastB + 1, y).filter((v) => pairOfB[v] === undefined);
    if (xs.length > 0 && ys.length > 0) pairUp(xs, ys);
    lastA = x;
    lastB = y;
  }
  // Everything left over (moved steps).
  pairUp(
    range(0, before.length).filter((v) => pairOfA[v] === undefined),
    range(0, after.length).filter((v) => pairOfB[v] === undefined),
  );
  const out: StepMatch[] = [];
  before.forEach((s, x) => {
    const y = pairOfA[x];
    out.push({ before: s.id, after: y === undefined ? null : (after[y] as Step).id, similarity: y === undefined ? 0 : (sim.get(x) ?? 0) });
  });
  after.forEach((s, y) => {
    if (pairOfB[y] === undefined) out.push({ before: null, after: s.id, similarity: 0 });
  });
  return out;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let v = from; v < to; v++) out.push(v);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Draft diff
// ---------------------------------------------------------------------------------------------

/** A changed text field of a step, with its side-by-side rows. */
export interface FieldDiff {
  field: StepField;
  before: string;
  after: string;
  rows: DiffRow[];
}

/** One row of the step list: a step before, after, or both. */
export interface StepDiff {
  status: "unchanged" | "changed" | "added" | "removed";
  beforeId: number | null;
  afterId: number | null;
  /** Paired with a different id. */
  renumbered: boolean;
  similarity: number;
  /** Changed text fields (every non-empty field for an added or removed step). */
  fields: FieldDiff[];
  planOnly: { before: boolean | null; after: boolean | null };
  stage: { before: number | null; after: number | null; changed: boolean };
  pin: { before: number | null; after: number | null; changed: boolean };
  /** Parents in each version's own ids; `added` in after ids, `removed` in before ids. */
  parents: { before: number[]; after: number[]; added: number[]; removed: number[] };
  /** Parents, stage, pin or plan-only changed (for a paired step). */
  structureChanged: boolean;
}

/** A stage change of a paired step. */
export interface StageChange {
  beforeId: number;
  afterId: number;
  before: number | null;
  after: number | null;
}

/** The diff of two drafts (plain JSON). */
export interface DraftDiff {
  /** No step, edge, stage, pin or id changed. */
  identical: boolean;
  /** Side-by-side step rows in after order, removed steps where they stood before. */
  steps: StepDiff[];
  /** Edges only in the after version (after ids) / only in the before version (before ids). */
  edges: { added: Edge[]; removed: Edge[]; unchanged: number };
  stageChanges: StageChange[];
  summary: {
    added: number;
    removed: number;
    changed: number;
    unchanged: number;
    renumbered: number;
    edgesAdded: number;
    edgesRemoved: number;
    stageChanges: number;
    pinChanges: number;
  };
  /** metricsDelta of the two versions, when a tokenizer or metrics were given. */
  metrics: ReturnType<typeof metricsDelta> | null;
}

/** Options of {@link diffDrafts}. */
export interface DiffOptions extends MatchOptions {
  /** Recompute both drafts with this tokenizer to compare metrics. */
  tokenizer?: Tokenizer;
  recompute?: RecomputeOptions;
  /** Or compare these (e.g. stored metrics of two saved versions); wins over `tokenizer`. */
  metrics?: { before: MetricsLike | null; after: MetricsLike | null };
}

function edgeSet(draft: TrajectoryDraft): Edge[] {
  const seen = new Set<string>();
  const out: Edge[] = [];
  for (const s of draft.steps) {
    for (const p of parentsOf(draft.dag, s.id)) {
      const k = `${p}>${s.id}`;
      if (p === s.id || seen.has(k)) continue;
      seen.add(k);
      out.push({ parent: p, child: s.id });
    }
  }
  return out;
}

const uniqSorted = (xs: readonly number[]) => [...new Set(xs)].sort((a, b) => a - b);

/**
 * Diffs two versions of a draft: pairs steps with {@link matchSteps}, diffs changed text fields
 * with {@link diffLines}, compares parents (through the pairing, so renumbering alone is no
 * change), stages (editing.ts `draftStages`, null where undefined), pins and — with `metrics` or a
 * `tokenizer` — metrics. `diffDrafts(x, x).identical` is true.
 */
export function diffDrafts(before: TrajectoryDraft, after: TrajectoryDraft, opts: DiffOptions = {}): DraftDiff {
  const matches = matchSteps(before.steps, after.steps, opts);
  const stepA = new Map(before.steps.map((s) => [s.id, s]));
  const stepB = new Map(after.steps.map((s) => [s.id, s]));
  const aToB = new Map<number, number>();
  const bToA = new Map<number, number>();
  for (const m of matches) {
    if (m.before !== null && m.after !== null) {
      aToB.set(m.before, m.after);
      bToA.set(m.after, m.before);
    }
  }
  const stA: DraftStages | null = draftStages(before);
  const stB: DraftStages | null = draftStages(after);
  const pinsA = before.stagePins ?? {};
  const pinsB = after.stagePins ?? {};

  // Edges.
  const edgesA = edgeSet(before);
  const edgesB = edgeSet(after);
  const keyB = new Set(edgesB.map((e) => `${e.parent}>${e.child}`));
  const mappedA = new Set<string>();
  const removed: Edge[] = [];
  let unchanged = 0;
  for (const e of edgesA) {
    const p = aToB.get(e.parent);
    const c = aToB.get(e.child);
    const k = p !== undefined && c !== undefined ? `${p}>${c}` : null;
    if (k !== null && keyB.has(k)) {
      if (!mappedA.has(k)) unchanged++;
      mappedA.add(k);
    } else removed.push(e);
  }
  const added = edgesB.filter((e) => !mappedA.has(`${e.parent}>${e.child}`));

  const posA = new Map(before.steps.map((s, i) => [s.id, i]));
  const posB = new Map(after.steps.map((s, i) => [s.id, i]));
  const rows: { order: number; diff: StepDiff }[] = [];
  const stageChanges: StageChange[] = [];
  let pinChanges = 0;
  for (const m of matches) {
    const a = m.before === null ? undefined : stepA.get(m.before);
    const b = m.after === null ? undefined : stepB.get(m.after);
    const fields: FieldDiff[] = [];
    for (const field of ["description", "plan", "prompt", "execution", "comment"] as const) {
      const tb = a ? fieldText(a, field) : "";
      const ta = b ? fieldText(b, field) : "";
      if (tb !== ta) fields.push({ field, before: tb, after: ta, rows: diffLines(tb, ta) });
    }
    const parentsBefore = a ? uniqSorted(parentsOf(before.dag, a.id)) : [];
    const parentsAfter = b ? uniqSorted(parentsOf(after.dag, b.id)) : [];
    const mappedBefore = new Set(parentsBefore.flatMap((p) => (aToB.has(p) ? [aToB.get(p) as number] : [])));
    const mappedAfter = new Set(parentsAfter.flatMap((p) => (bToA.has(p) ? [bToA.get(p) as number] : [])));
    const parentsAdded = a && b ? parentsAfter.filter((p) => !mappedBefore.has(p)) : parentsAfter;
    const parentsRemoved = a && b ? parentsBefore.filter((p) => !mappedAfter.has(p)) : parentsBefore;
    const sBefore = a && stA ? (stA.stageOf[a.id] ?? null) : null;
    const sAfter = b && stB ? (stB.stageOf[b.id] ?? null) : null;
    const pinBefore = a ? (pinsA[a.id] ?? null) : null;
    const pinAfter = b ? (pinsB[b.id] ?? null) : null;
    const paired = a !== undefined && b !== undefined;
    const stageChanged = paired && sBefore !== sAfter;
    const pinChanged = paired ? pinBefore !== pinAfter : pinBefore !== null || pinAfter !== null;
    if (pinChanged) pinChanges++;
    if (paired && stageChanged) stageChanges.push({ beforeId: a.id, afterId: b.id, before: sBefore, after: sAfter });
    const planOnly = { before: a ? isPlanOnly(a) : null, after: b ? isPlanOnly(b) : null };
    const structureChanged =
      paired && (parentsAdded.length > 0 || parentsRemoved.length > 0 || stageChanged || pinChanged || planOnly.before !== planOnly.after);
    const status: StepDiff["status"] = !a ? "added" : !b ? "removed" : fields.length > 0 ? "changed" : "unchanged";
    let order: number;
    if (b) order = posB.get(b.id) as number;
    else {
      // After the after-position of the nearest earlier paired step.
      const i = posA.get((a as Step).id) as number;
      let anchor = -1;
      for (let x = i - 1; x >= 0; x--) {
        const id = (before.steps[x] as Step).id;
        if (aToB.has(id)) {
          anchor = posB.get(aToB.get(id) as number) as number;
          break;
        }
      }
      order = anchor + 0.5 + i / (before.steps.length + 1) / 2;
    }
    rows.push({
      order,
      diff: {
        status,
        beforeId: a?.id ?? null,
        afterId: b?.id ?? null,
        renumbered: paired && a.id !== b.id,
        similarity: m.similarity,
        fields,
        planOnly,
        stage: { before: sBefore, after: sAfter, changed: stageChanged },
        pin: { before: pinBefore, after: pinAfter, changed: pinChanged },
        parents: { before: parentsBefore, after: parentsAfter, added: parentsAdded, removed: parentsRemoved },
        structureChanged,
      },
    });
  }
  rows.sort((x, y) => x.order - y.order);
  const steps = rows.map((r) => r.diff);

  let metrics: DraftDiff["metrics"] = null;
  if (opts.metrics) metrics = metricsDelta(opts.metrics.before, opts.metrics.after);
  else if (opts.tokenizer) {
    metrics = metricsDelta(
      recomputeDraft(before, opts.tokenizer, opts.recompute).summary,
      recomputeDraft(after, opts.tokenizer, opts.recompute).summary,
    );
  }
  const count = (s: StepDiff["status"]) => steps.filter((d) => d.status === s).length;
  const summary = {
    added: count("added"),
    removed: count("removed"),
    changed: count("changed"),
    unchanged: count("unchanged"),
    renumbered: steps.filter((d) => d.renumbered).length,
    edgesAdded: added.length,
    edgesRemoved: removed.length,
    stageChanges: stageChanges.length,
    pinChanges,
  };
  const identical =
    summary.added + summary.removed + summary.changed + summary.renumbered + summary.edgesAdded + summary.edgesRemoved === 0 &&
    summary.stageChanges + summary.pinChanges === 0 &&
    steps.every((d) => !d.structureChanged);
  return { identical, steps, edges: { added, removed, unchanged }, stageChanges, summary, metrics };
}
