/**
 * Diagnostics of the trajectory parser: the stable codes, which of them mean that input text is not
 * represented in the parsed trajectory ("lossy"), and the conversion of raw offsets to 1-based
 * line/column positions with the mode's severity.
 */
import type { Diagnostic, DiagnosticSeverity } from "../types";

/**
 * Stable diagnostic codes. Tolerant mode reports all of them as warnings except `empty-trajectory`;
 * strict mode reports every one as an error.
 */
export type DiagnosticCode =
  | "empty-trajectory"
  | "unclosed-tag"
  | "unexpected-tag"
  | "mismatched-close-tag"
  | "missing-open-tag"
  | "tag-variant"
  | "missing-index"
  | "stray-text"
  | "renumbered-round"
  | "renumbered-prompt"
  | "renumbered-execution"
  | "execution-block-mismatch"
  | "execution-without-plan"
  | "execution-without-prompt"
  | "missing-execution"
  | "missing-execution-block"
  | "execution-block-out-of-order"
  | "execution-block-after-final-answer"
  | "missing-execution-tags"
  | "empty-execution-block"
  | "unexpected-no-prompt"
  | "no-prompt-variant"
  | "separator-variant"
  | "markdown-final-answer"
  | "markdown-heading-not-final"
  | "missing-final-answer"
  | "content-after-final-answer"
  | "content-after-think"
  | "missing-think"
  | "unknown-execution-ref"
  | "crlf-line-endings"
  | "non-canonical";

/**
 * Codes whose diagnostic means input text was dropped: it is in no plan, execution or final answer
 * of the parsed trajectory, so its tokens are not counted. The parse result says how much
 * (`dropped`), the stats CLI fails on them, and strict mode reports them (like everything) as errors.
 */
export const LOSSY_CODES: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>(["stray-text", "content-after-final-answer"]);

export interface RawDiagnostic {
  offset: number;
  code: DiagnosticCode;
  message: string;
  severity?: DiagnosticSeverity;
  /** Input range [start, end) this diagnostic drops (lossy codes only). */
  dropped?: readonly [number, number];
}

/** Records a diagnostic at an input offset; `dropped` marks the input range it leaves out of the trajectory. */
export type Reporter = (code: DiagnosticCode, offset: number, message: string, dropped?: readonly [number, number]) => void;

/** Converts offsets to 1-based line/column (UTF-16 code units; a line ends at "\n"). */
export function positionMapper(src: string): (offset: number) => { line: number; column: number } {
  const starts: number[] = [0];
  for (let i = src.indexOf("\n"); i !== -1; i = src.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
  };
}

/** A short quoted excerpt for messages. */
export function snippet(s: string): string {
  return JSON.stringify(s.length > 24 ? `${s.slice(0, 24)}…` : s);
}

/** Sorts raw diagnostics by position (stable) and gives them positions and the mode's severity. */
export function finalizeDiagnostics(raw: readonly RawDiagnostic[], src: string, strict: boolean): Diagnostic[] {
  const toPos = positionMapper(src);
  return raw
    .map((d, order) => ({ d, order }))
    .sort((x, y) => x.d.offset - y.d.offset || x.order - y.order)
    .map(({ d }) => ({
      ...toPos(d.offset),
      severity: strict ? "error" : (d.severity ?? "warning"),
      code: d.code,
      message: d.message,
      ...(d.dropped !== undefined ? { dropsContent: true } : {}),
    }));
}

/** Merged dropped ranges of lossy diagnostics, in order, without overlaps. */
export function droppedRanges(raw: readonly RawDiagnostic[]): [number, number][] {
  const ranges = raw
    .flatMap((d) => (d.dropped !== undefined && d.dropped[1] > d.dropped[0] ? [[d.dropped[0], d.dropped[1]] as [number, number]] : []))
    .sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last !== undefined && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}
