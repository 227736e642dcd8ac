/**
 * Index normalization of the raw model (shared by parseTrajectory and renumberTrajectory): rounds
 * numbered 1..n, prompts 1..k in order, executions matched to their prompts, "Based on" references
 * rewritten to the new numbers, and the diagnostics that need the whole round (missing executions).
 */
import { DOT, isLineBlank, normalizeText } from "./chars";
import type { Reporter } from "./diagnostics";
import { NO_PROMPT_TEXT, type RawRound } from "./machine";
import { readIndex } from "./tags";
import type { ExecRef, Execution, PlanChunk, Round, Trajectory } from "../types";

export interface RefSpan extends ExecRef {
  /** Offset of "execution_" in the scanned text. */
  start: number;
  /** Offsets of the "x.y" digits. */
  numStart: number;
  numEnd: number;
}

const BASED_ON = "based on";
const EXECUTION_PREFIX = "execution_";

/**
 * References in "Based on execution_x.y, …:" lines (a line that starts, after blanks, with
 * "Based on", any case). References are read up to the line's first ":".
 */
export function scanBasedOn(text: string): RefSpan[] {
  const out: RefSpan[] = [];
  const n = text.length;
  let ls = 0;
  for (;;) {
    let le = text.indexOf("\n", ls);
    if (le === -1) le = n;
    let q = ls;
    while (q < le && isLineBlank(text.charCodeAt(q))) q++;
    if (le - q >= BASED_ON.length && text.slice(q, q + BASED_ON.length).toLowerCase() === BASED_ON) {
      const full = text.slice(q, le);
      const colon = full.indexOf(":");
      const stop = colon === -1 ? le : q + colon;
      const line = (colon === -1 ? full : full.slice(0, colon)).toLowerCase();
      let s = line.indexOf(EXECUTION_PREFIX);
      while (s !== -1) {
        const numStart = q + s + EXECUTION_PREFIX.length;
        const round = readIndex(text, numStart);
        if (round !== undefined && text.charCodeAt(round.end) === DOT) {
          const index = readIndex(text, round.end + 1);
          if (index !== undefined && index.end <= stop) {
            out.push({ round: round.value, index: index.value, start: q + s, numStart, numEnd: index.end });
          }
        }
        s = line.indexOf(EXECUTION_PREFIX, s + EXECUTION_PREFIX.length);
      }
    }
    if (le >= n) break;
    ls = le + 1;
  }
  return out;
}

interface RoundRefs {
  round: number;
  executions: Map<number, number>;
}

/** Rewrites a chunk's "Based on" references through the map of earlier rounds; reports unknown ones. */
function resolveChunkText(
  raw: string,
  rawAt: number,
  refMap: Map<number, RoundRefs>,
  report: Reporter | undefined,
  normalize: boolean,
): string {
  const refs = scanBasedOn(raw);
  let text = raw;
  if (refs.length > 0) {
    let out = "";
    let last = 0;
    let changed = false;
    for (const ref of refs) {
      const entry = refMap.get(ref.round);
      const index = entry?.executions.get(ref.index);
      if (entry === undefined || index === undefined) {
        report?.("unknown-execution-ref", rawAt + ref.start, `execution_${ref.round}.${ref.index} is not an execution of an earlier round`);
        continue;
      }
      if (entry.round !== ref.round || index !== ref.index) {
        out += `${raw.slice(last, ref.numStart)}${entry.round}.${index}`;
        last = ref.numEnd;
        changed = true;
      }
    }
    if (changed) text = out + raw.slice(last);
  }
  return normalize ? normalizeText(text) : text;
}

/**
 * Turns raw rounds into rounds numbered 1..n, prompts 1..k in order, executions matched to their
 * prompts (by the index as written, then by position; extras numbered after the prompts), and
 * "Based on" references rewritten to the new numbers.
 */
export function buildRounds(raw: readonly RawRound[], report: Reporter | undefined, normalize: boolean): Round[] {
  const refMap = new Map<number, RoundRefs>();
  const rounds: Round[] = [];
  const norm = normalize ? normalizeText : (s: string): string => s;
  raw.forEach((r, i) => {
    const index = i + 1;
    const origRound = r.orig ?? index;
    if (r.orig !== undefined && r.orig !== index) report?.("renumbered-round", r.at, `Plan_${r.orig} renumbered to Plan_${index}`);

    // Prompts.
    const prompts: { origK: number; at: number }[] = [];
    const chunks: PlanChunk[] = r.chunks.map((c) => {
      const chunk: PlanChunk = { separatorBefore: c.separatorBefore, text: resolveChunkText(c.raw, c.rawAt, refMap, report, normalize) };
      if (c.prompt !== undefined) {
        const k = prompts.length + 1;
        const p = c.prompt;
        if ((p.b !== undefined && p.b !== k) || (p.a !== undefined && p.a !== origRound)) {
          report?.("renumbered-prompt", p.at, `prompt_${p.a ?? "?"}.${p.b ?? "?"} renumbered to prompt_${index}.${k}`);
        }
        prompts.push({ origK: p.b ?? k, at: p.at });
        chunk.prompt = { index: k, text: norm(p.raw) };
      }
      return chunk;
    });

    // Executions: exact index first, then position, then extras.
    const assigned: (number | undefined)[] = r.executions.map(() => undefined);
    const taken: boolean[] = prompts.map(() => false);
    const byOrigK = new Map<number, number[]>();
    for (let pi = prompts.length - 1; pi >= 0; pi--) {
      const key = (prompts[pi] as { origK: number }).origK;
      const list = byOrigK.get(key);
      if (list === undefined) byOrigK.set(key, [pi]);
      else list.push(pi);
    }
    r.executions.forEach((e, j) => {
      if (e.b === undefined) return;
      const k = byOrigK.get(e.b)?.pop();
      if (k !== undefined) {
        taken[k] = true;
        assigned[j] = k + 1;
        if (e.a !== undefined && e.a !== origRound) {
          report?.("renumbered-execution", e.at, `execution_${e.a}.${e.b} read as execution_${index}.${k + 1} (it is in round ${origRound})`);
        }
      }
    });
    let extra = prompts.length;
    let free = 0; // first prompt that may lack an execution (taken only ever turns true)
    r.executions.forEach((e, j) => {
      if (assigned[j] !== undefined) return;
      while (free < taken.length && taken[free] === true) free++;
      const k = free < taken.length ? free : -1;
      const label = `execution_${e.a ?? "?"}.${e.b ?? "?"}`;
      if (k !== -1) {
        taken[k] = true;
        assigned[j] = k + 1;
        if (e.b !== undefined) report?.("renumbered-execution", e.at, `${label} has no matching prompt; read as execution_${index}.${k + 1}`);
      } else {
        extra++;
        assigned[j] = extra;
        report?.("execution-without-prompt", e.at, `${label} has no matching prompt; kept as execution_${index}.${extra}`);
      }
    });
    const executions: Execution[] = r.executions
      .map((e, j) => ({ index: assigned[j] as number, text: e.text }))
      .sort((x, y) => x.index - y.index);

    if (report !== undefined) {
      if (!r.hasExecBlock) {
        if (!r.endedByFinal || prompts.length > 0) {
          const c = r.execCause;
          if (c !== undefined) report(c.code, c.offset, c.message);
          else report("missing-execution-block", r.at, `Plan_${origRound} has no Execution block`);
        }
      } else {
        if (r.noPrompt && prompts.length > 0) report("unexpected-no-prompt", r.noPromptAt, `"${NO_PROMPT_TEXT}" but Plan_${origRound} has prompts`);
        prompts.forEach((p, pi) => {
          if (!taken[pi]) report("missing-execution", p.at, `prompt_${index}.${pi + 1} has no execution`);
        });
      }
    }

    const execMap = new Map<number, number>();
    r.executions.forEach((e, j) => {
      const key = e.b ?? (assigned[j] as number);
      if (!execMap.has(key)) execMap.set(key, assigned[j] as number);
    });
    refMap.set(origRound, { round: index, executions: execMap });
    rounds.push({ index, chunks, executions });
  });
  return rounds;
}



/**
 * Renumbers a trajectory: rounds 1..n, prompts 1..k per round in chunk order, executions matched to
 * prompts by their current index (then by position; extras numbered after the prompts) and sorted,
 * and references in "Based on" lines rewritten to the new numbers. Texts are not otherwise changed.
 */
export function renumberTrajectory(t: Trajectory): Trajectory {
  const raw: RawRound[] = t.rounds.map((r) => ({
    orig: r.index,
    at: 0,
    chunks: r.chunks.map((c) => ({
      separatorBefore: c.separatorBefore,
      raw: c.text,
      rawAt: 0,
      ...(c.prompt !== undefined ? { prompt: { a: r.index, b: c.prompt.index, raw: c.prompt.text, at: 0 } } : {}),
    })),
    executions: r.executions.map((e) => ({ a: r.index, b: e.index, text: e.text, at: 0 })),
    hasExecBlock: true,
    endedByFinal: false,
    noPrompt: false,
    noPromptAt: 0,
  }));
  return { ...t, rounds: buildRounds(raw, undefined, false) };
}
