/**
 * Repairs of a step extraction as strong models really write them (curation step 1). Real answers
 * routinely have a plan line and an execution claiming the same line, a few lines no component covers,
 * a comment range inside an execution range, ranges reaching one line past the end, or components
 * listed out of order. Re-asking rarely fixes these and failing the trace loses it, so they are
 * repaired — each repair recorded in words — and only a structure that is unusable fails:
 * no component with lines, or repairs that would have to move more than {@link MAX_REPAIRED_SHARE}
 * of the trace's lines (the model did not segment this trace; re-asking is the right move).
 *
 * The rules, applied in order:
 * 1. A range is clamped to 1..lineCount; a reversed range is swapped; a range wholly outside the
 *    trace is dropped. A component left without lines is dropped.
 * 2. Components are put in trace order (by their first line); ids are positions, so a wrong `id` field
 *    is only noted.
 * 3. The parts (plan → execution → comment of each component, in that order) form one sequence. A part
 *    that lies wholly inside the previous one is absorbed by it (a comment inside an execution stays
 *    execution text) — unless it sits at the previous part's end, which then shrinks to make room (a
 *    comment claiming the execution's last line keeps it). Otherwise a shared line stays with the
 *    earlier part and the later part starts after it.
 * 4. Lines no part covers join the part before them (the first part when they open the trace) — except
 *    that an execution never grows (its span decides folding): a gap after an execution becomes that
 *    component's comment (joining a comment that follows, or as a new one).
 * Pure; linear in the number of parts plus lines.
 */
import type { LineRange } from "../../sprint/steps";

/** A component's line ranges, 1-based inclusive, as the parser read them (`null` = absent). */
export interface RawParts {
  plan: LineRange | null;
  execution: LineRange | null;
  comment: LineRange | null;
}

export type PartKind = keyof RawParts;

/** Outcome of {@link repairParts}: the repaired components (in trace order) and what was done. */
export interface PartsRepair {
  /** Repaired ranges, one entry per kept component, in trace order; `source` is the component's index in the answer. */
  components: (RawParts & { source: number })[];
  /** One sentence per repair, e.g. "line 7 was claimed by component 2's comment and component 3's plan: given to component 2's comment". */
  repairs: string[];
  /** Lines whose owner changed or that had none. */
  movedLines: number;
  /** Set when the structure is unusable (see the module comment); the repairs are then not applied. */
  unusable?: string;
}

/** More than this share of lines moved → the extraction is unusable. */
export const MAX_REPAIRED_SHARE = 0.25;

const KINDS: readonly PartKind[] = ["plan", "execution", "comment"];
const fmt = (r: readonly [number, number]): string => (r[0] === r[1] ? `L${r[0]}` : `L${r[0]}–L${r[1]}`);

interface Part {
  comp: number;
  kind: PartKind;
  start: number;
  end: number;
}

/** Repairs the parts of every component (see the module comment). `components[i]` is component i + 1. */
export function repairParts(components: readonly RawParts[], lineCount: number): PartsRepair {
  const repairs: string[] = [];
  let moved = 0;
  const name = (p: { comp: number; kind: PartKind }) => `component ${p.comp + 1}'s ${p.kind}`;

  // 1. Range sanity.
  const comps: (RawParts & { source: number })[] = [];
  components.forEach((c, i) => {
    const out: RawParts & { source: number } = { plan: null, execution: null, comment: null, source: i };
    for (const kind of KINDS) {
      const r = c[kind];
      if (!r) continue;
      let [a, b] = r;
      if (a > b) {
        repairs.push(`component ${i + 1}'s ${kind} range ${fmt([a, b])} was reversed: read as ${fmt([b, a])}`);
        [a, b] = [b, a];
      }
      if (b < 1 || a > lineCount) {
        repairs.push(`component ${i + 1}'s ${kind} range ${fmt([a, b])} lies outside the trace (${lineCount} lines): dropped`);
        continue;
      }
      const ca = Math.max(1, a);
      const cb = Math.min(lineCount, b);
      if (ca !== a || cb !== b) repairs.push(`component ${i + 1}'s ${kind} range ${fmt([a, b])} was clamped to ${fmt([ca, cb])} (the trace has ${lineCount} lines)`);
      out[kind] = [ca, cb];
    }
    if (!out.plan && !out.execution && !out.comment) {
      repairs.push(`component ${i + 1} has no lines: dropped`);
      return;
    }
    comps.push(out);
  });
  if (comps.length === 0) return { components: [], repairs, movedLines: 0, unusable: "no component has any line of the trace" };

  // 2. Trace order.
  const firstLine = (c: RawParts) => Math.min(...KINDS.map((k) => c[k]?.[0] ?? Infinity));
  const sorted = [...comps].sort((a, b) => firstLine(a) - firstLine(b) || a.source - b.source);
  if (sorted.some((c, i) => c !== comps[i])) {
    repairs.push(`components were not in trace order: reordered by their first line (answer order ${sorted.map((c) => c.source + 1).join(", ")})`);
  }

  // 3. Overlaps, along the sequence of parts.
  const parts: Part[] = [];
  sorted.forEach((c, ci) => {
    for (const kind of KINDS) {
      const r = c[kind];
      if (r) parts.push({ comp: ci, kind, start: r[0], end: r[1] });
    }
  });
  const kept: Part[] = [];
  for (const p of parts) {
    const prev = kept[kept.length - 1];
    if (!prev || p.start > prev.end) {
      kept.push(p);
      continue;
    }
    if (p.start >= prev.start && p.end <= prev.end) {
      if (p.end === prev.end && p.start > prev.start) {
        // At the tail of the previous part: the previous part shrinks.
        repairs.push(`${name(p)} (${fmt([p.start, p.end])}) lay at the end of ${name(prev)} (${fmt([prev.start, prev.end])}): ${name(prev)} now ends at L${p.start - 1}`);
        moved += p.end - p.start + 1;
        prev.end = p.start - 1;
        kept.push(p);
      } else {
        repairs.push(`${name(p)} (${fmt([p.start, p.end])}) lay inside ${name(prev)} (${fmt([prev.start, prev.end])}): kept as part of ${name(prev)}`);
        moved += p.end - p.start + 1;
      }
      continue;
    }
    if (p.start < prev.start) {
      // Starts before the previous part (parts out of order inside a component or across components):
      // the previous part keeps its lines, this one keeps what lies after it.
      repairs.push(`${name(p)} (${fmt([p.start, p.end])}) started before ${name(prev)} (${fmt([prev.start, prev.end])}): it now starts at L${prev.end + 1}`);
      moved += Math.min(p.end, prev.end) - p.start + 1;
      p.start = prev.end + 1;
      if (p.start > p.end) continue;
      kept.push(p);
      continue;
    }
    const shared: [number, number] = [p.start, prev.end];
    repairs.push(
      `${shared[0] === shared[1] ? `line ${shared[0]} was` : `lines ${shared[0]}–${shared[1]} were`} claimed by ${name(prev)} and ${name(p)}: kept by ${name(prev)}`,
    );
    moved += shared[1] - shared[0] + 1;
    p.start = prev.end + 1;
    kept.push(p);
  }

  // 4. Uncovered lines join a neighbouring part. An execution's span decides whether it folds, so a gap
  //    never lengthens one: a gap after an execution becomes (or joins) that component's comment.
  const added: Part[] = [];
  for (let i = 0; i < kept.length; i++) {
    const p = kept[i] as Part;
    const next = kept[i + 1];
    if (i === 0 && p.start > 1) {
      repairs.push(`${p.start - 1 === 1 ? "line 1 was" : `lines 1–${p.start - 1} were`} covered by no component: attached to ${name(p)}`);
      moved += p.start - 1;
      p.start = 1;
    }
    const gapEnd = next ? next.start - 1 : lineCount;
    if (gapEnd <= p.end) continue;
    const g: [number, number] = [p.end + 1, gapEnd];
    const what = g[0] === g[1] ? `line ${g[0]} was` : `lines ${g[0]}–${g[1]} were`;
    moved += g[1] - g[0] + 1;
    if (p.kind === "execution" && next && next.comp === p.comp && next.kind === "comment") {
      repairs.push(`${what} covered by no component: attached to ${name(next)}`);
      next.start = g[0];
    } else if (p.kind === "execution" && !kept.some((q) => q.comp === p.comp && q.kind === "comment")) {
      const comment: Part = { comp: p.comp, kind: "comment", start: g[0], end: g[1] };
      repairs.push(`${what} covered by no component: attached to ${name(comment)} (new)`);
      added.push(comment);
    } else {
      repairs.push(`${what} covered by no component: attached to ${name(p)}`);
      p.end = gapEnd;
    }
  }
  kept.push(...added);

  if (moved > MAX_REPAIRED_SHARE * lineCount) {
    return {
      components: [],
      repairs,
      movedLines: moved,
      unusable: `the components would need ${moved} of ${lineCount} lines moved (more than ${Math.round(MAX_REPAIRED_SHARE * 100)}%): the extraction does not segment this trace`,
    };
  }

  const out = sorted.map((c) => ({ plan: null, execution: null, comment: null, source: c.source }) as RawParts & { source: number });
  for (const p of kept) (out[p.comp] as RawParts)[p.kind] = [p.start, p.end];
  return { components: out.filter((c) => c.plan || c.execution || c.comment), repairs, movedLines: moved };
}
