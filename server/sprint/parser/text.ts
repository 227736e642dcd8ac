/**
 * Text helpers over trajectory text: "Based on" references, tag stripping (before counting
 * tokens) and the last `\boxed{…}`.
 */
import { SPACE, TAB } from "./chars";
import { scanBasedOn } from "./rounds";
import { matchTag } from "./tags";
import type { ExecRef } from "../types";

/**
 * References of every "Based on execution_x.y, …:" line in `text`, in order, without duplicates.
 */
export function basedOnRefs(text: string): ExecRef[] {
  const seen = new Set<string>();
  const out: ExecRef[] = [];
  for (const r of scanBasedOn(text)) {
    const key = `${r.round}.${r.index}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ round: r.round, index: r.index });
  }
  return out;
}

/** `Based on execution_1.1, execution_1.2:` — or "" for no references. */
export function formatBasedOn(refs: readonly ExecRef[]): string {
  if (refs.length === 0) return "";
  return `Based on ${refs.map((r) => `execution_${r.round}.${r.index}`).join(", ")}:`;
}

/**
 * Removes every SPRINT tag (`<Question>`, `<think>`, `<Plan_p>`, `<prompt_p.k>`, `<Execution_p>`,
 * `<execution_p.k>`, `<Final_answer>`, opening or closing, in any variant the parser reads) and
 * nothing else. Used before counting tokens.
 */
export function stripTags(text: string): string {
  let out = "";
  let last = 0;
  let i = text.indexOf("<");
  while (i !== -1) {
    const t = matchTag(text, i);
    if (t !== undefined) {
      out += text.slice(last, t.start);
      last = t.end;
      i = text.indexOf("<", t.end);
    } else {
      i = text.indexOf("<", i + 1);
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

const BOXED = "\\boxed";

/**
 * Content of the last `\boxed{…}` with balanced braces (`\{` and `\}` do not count), or undefined.
 * Of nested boxes the outermost wins; an unbalanced (truncated) box is skipped. Linear time.
 */
export function extractBoxed(text: string): string | undefined {
  const stack: { boxStart: number }[] = [];
  let best: { start: number; end: number } | undefined;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) {
      if (text.startsWith(BOXED, i)) {
        let j = i + BOXED.length;
        while (j < n && (text.charCodeAt(j) === SPACE || text.charCodeAt(j) === TAB)) j++;
        if (text.charCodeAt(j) === 123 /* { */) {
          stack.push({ boxStart: j + 1 });
          i = j;
          continue;
        }
        i = j - 1;
        continue;
      }
      i++; // skip the escaped character (\{, \}, \\ …)
      continue;
    }
    if (c === 123) stack.push({ boxStart: -1 });
    else if (c === 125 /* } */) {
      const open = stack.pop();
      if (open !== undefined && open.boxStart !== -1 && (best === undefined || i > best.end)) best = { start: open.boxStart, end: i };
    }
  }
  return best === undefined ? undefined : text.slice(best.start, best.end);
}
