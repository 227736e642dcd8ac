/**
 * Incremental reader of a planner's output stream (docs/sprint-method.md §3): feed it the
 * text deltas as they arrive and it reports, as soon as they are complete, the prompts the planner
 * closes (`</prompt_p.k>`), the start of a final answer (`<Final_answer>` only: as in the method's
 * code, a `**Final Answer**` heading does not end a run — real SPRINT models write one inside a
 * middle plan and go on — and is reported as `markdown-heading`), and format drift (an `<Execution_p>` / `<execution_p.k>` the planner writes itself, a
 * second `<Plan_p>`). The eager schedule starts executor k the moment prompt k is reported.
 *
 * Pure and linear: every character is examined a bounded number of times however the text is split
 * into deltas (a tag cut across two deltas is read once the rest arrives). Prompts are numbered 1..k
 * in the order they close, whatever the model wrote (`renumbered` says when that differed).
 * The final normalization of a finished plan is `parseTrajectory` (format.ts); this reader only
 * needs to agree with it on well-formed plans, and the orchestrator reconciles the two.
 */

/** What the reader found, in stream order. Offsets are UTF-16 offsets into the whole text so far. */
export type PlanStreamEvent =
  | {
      type: "plan-open";
      /** p as written (undefined when the tag has no index). */
      written?: number;
      start: number;
      end: number;
    }
  | {
      type: "prompt";
      /** k: 1-based position among the prompts closed so far. */
      index: number;
      /** The `p.k` as written in the closing (or opening) tag, when it had indices. */
      written?: { round?: number; index?: number };
      /** True when `written.index` was given and differs from `index`. */
      renumbered: boolean;
      /** The prompt's text, trimmed. */
      text: string;
      /** Offset of the opening `<prompt…>` tag. */
      openStart: number;
      /** Offset just after the closing `</prompt…>` tag: the plan prefix of this executor ends here. */
      end: number;
    }
  | { type: "final-answer"; style: "tag"; start: number; end: number }
  /** A `**Final Answer**` heading at the start of a line, outside a prompt: plan text, not the end. */
  | { type: "markdown-heading"; start: number; end: number }
  | { type: "execution-open"; start: number; end: number }
  | { type: "plan-close"; start: number; end: number }
  | { type: "drift"; code: PlanStreamDriftCode; message: string; at: number };

export type PlanStreamDriftCode =
  | "prompt-not-closed"
  | "close-without-open"
  | "second-plan-open"
  | "planner-wrote-execution";

/** Longest tag the reader recognises (with up to 3 blanks around the parts and 6-digit indices). */
const MAX_TAG = 48;
const MD_HEADING = "**final answer";

const TAG_RE =
  /^<[ \t]{0,3}(\/?)[ \t]{0,3}(prompt|plan|execution|final[_ -]?answer|think)[ \t]{0,3}_?[ \t]{0,3}(\d{1,6})?(?:[ \t]{0,3}\.[ \t]{0,3}(\d{1,6}))?[ \t]{0,3}>/i;

interface ParsedTag {
  close: boolean;
  name: "prompt" | "plan" | "execution" | "final" | "think";
  a?: number;
  b?: number;
  end: number;
}

/** Reads one tag at `i` (which holds `<`) from a window of text; undefined when it is not a SPRINT tag. */
function readTag(window: string, i: number): ParsedTag | undefined {
  const m = TAG_RE.exec(window);
  if (m === null) return undefined;
  const word = (m[2] as string).toLowerCase();
  const name: ParsedTag["name"] = word.startsWith("final") ? "final" : (word as ParsedTag["name"]);
  const tag: ParsedTag = { close: m[1] === "/", name, end: i + m[0].length };
  if (m[3] !== undefined) tag.a = Number(m[3]);
  if (m[4] !== undefined) tag.b = Number(m[4]);
  return tag;
}

/** The incremental reader. Create one per planner call. */
export class PlanStreamReader {
  private buf = "";
  /** Next offset to look for `<` at. */
  private tagPos = 0;
  /** Next offset to look for a `**Final Answer**` heading line at. */
  private linePos = 0;
  private promptOpen: { start: number; textStart: number; a?: number; b?: number } | undefined;
  private promptCount = 0;
  private planOpens = 0;
  private finalSeen = false;
  private readonly events: PlanStreamEvent[] = [];

  /** All text pushed so far. */
  get text(): string {
    return this.buf;
  }

  /** Every event reported so far, in order. */
  get allEvents(): readonly PlanStreamEvent[] {
    return this.events;
  }

  /** Prompts reported so far. */
  get prompts(): Extract<PlanStreamEvent, { type: "prompt" }>[] {
    return this.events.filter((e): e is Extract<PlanStreamEvent, { type: "prompt" }> => e.type === "prompt");
  }

  /** Whether a `<Final_answer>` has started. */
  get finalAnswerStarted(): boolean {
    return this.finalSeen;
  }

  /** Appends a delta; returns the events it completed. */
  push(delta: string): PlanStreamEvent[] {
    if (delta.length === 0) return [];
    this.buf += delta;
    return this.scan(false);
  }

  /** Ends the stream: reads tags cut short by the end (none are completed) and reports an open prompt. */
  end(): PlanStreamEvent[] {
    const out = this.scan(true);
    if (this.promptOpen !== undefined) {
      const e: PlanStreamEvent = {
        type: "drift",
        code: "prompt-not-closed",
        message: `A prompt opened at offset ${this.promptOpen.start} was never closed`,
        at: this.promptOpen.start,
      };
      this.events.push(e);
      out.push(e);
    }
    return out;
  }

  private emit(out: PlanStreamEvent[], e: PlanStreamEvent): void {
    this.events.push(e);
    out.push(e);
  }

  private scan(final: boolean): PlanStreamEvent[] {
    const out: PlanStreamEvent[] = [];
    const s = this.buf;
    // Tags.
    let i = s.indexOf("<", this.tagPos);
    while (i !== -1) {
      const window = s.slice(i, i + MAX_TAG);
      const tag = readTag(window, i);
      if (tag === undefined) {
        // Could still become a tag once more text arrives: wait, unless a '>' or a line end rules it out.
        if (!final && window.length < MAX_TAG && !/[>\n]/.test(window.slice(1))) break;
        i = s.indexOf("<", i + 1);
        continue;
      }
      // A markdown heading before this tag must be reported first.
      this.scanHeadings(out, i);
      this.onTag(out, tag, i);
      i = s.indexOf("<", tag.end);
    }
    this.tagPos = i === -1 ? s.length : i;
    this.scanHeadings(out, final ? s.length : this.tagPos);
    return out;
  }

  /** Looks for `**Final Answer**` at the start of lines that begin before `limit`. */
  private scanHeadings(out: PlanStreamEvent[], limit: number): void {
    const s = this.buf;
    while (this.linePos < limit && !this.finalSeen) {
      let q = this.linePos;
      while (q < s.length && (s[q] === " " || s[q] === "\t")) q++;
      if (q + MD_HEADING.length > s.length) {
        // Not enough text yet to decide (unless the line already ended).
        const nl = s.indexOf("\n", this.linePos);
        if (nl === -1) return;
        this.linePos = nl + 1;
        continue;
      }
      if (s.slice(q, q + MD_HEADING.length).toLowerCase() === MD_HEADING && this.promptOpen === undefined) {
        this.emit(out, { type: "markdown-heading", start: q, end: q + MD_HEADING.length });
      }
      const nl = s.indexOf("\n", q);
      if (nl === -1) {
        this.linePos = s.length; // the rest of this line cannot start a heading
        return;
      }
      this.linePos = nl + 1;
    }
  }

  private onTag(out: PlanStreamEvent[], tag: ParsedTag, start: number): void {
    switch (tag.name) {
      case "prompt": {
        if (!tag.close) {
          if (this.promptOpen !== undefined) {
            this.emit(out, {
              type: "drift",
              code: "prompt-not-closed",
              message: `A prompt opened at offset ${this.promptOpen.start} was not closed before the next one`,
              at: this.promptOpen.start,
            });
          }
          // `<prompt_3>` reads its single number as k (as format.ts does).
          const a = tag.b !== undefined ? tag.a : undefined;
          const b = tag.b ?? tag.a;
          this.promptOpen = { start, textStart: tag.end, ...(a !== undefined ? { a } : {}), ...(b !== undefined ? { b } : {}) };
          return;
        }
        const open = this.promptOpen;
        if (open === undefined) {
          this.emit(out, { type: "drift", code: "close-without-open", message: "A </prompt> without an opening tag", at: start });
          return;
        }
        this.promptOpen = undefined;
        this.promptCount++;
        const index = this.promptCount;
        // Indices as written: the closing tag's when it has them (`</prompt_3>` is k = 3), else the opening tag's.
        let wroteA: number | undefined;
        let wroteB: number | undefined;
        if (tag.b !== undefined) [wroteA, wroteB] = [tag.a, tag.b];
        else if (tag.a !== undefined) wroteB = tag.a;
        else [wroteA, wroteB] = [open.a, open.b];
        const written = wroteA !== undefined || wroteB !== undefined ? { ...(wroteA !== undefined ? { round: wroteA } : {}), ...(wroteB !== undefined ? { index: wroteB } : {}) } : undefined;
        this.emit(out, {
          type: "prompt",
          index,
          ...(written ? { written } : {}),
          renumbered: wroteB !== undefined && wroteB !== index,
          text: this.buf.slice(open.textStart, start).trim(),
          openStart: open.start,
          end: tag.end,
        });
        return;
      }
      case "plan":
        if (tag.close) {
          this.emit(out, { type: "plan-close", start, end: tag.end });
          return;
        }
        this.planOpens++;
        if (this.planOpens > 1) {
          this.emit(out, { type: "drift", code: "second-plan-open", message: "The planner opened a second plan", at: start });
        }
        this.emit(out, { type: "plan-open", ...(tag.a !== undefined ? { written: tag.a } : {}), start, end: tag.end });
        return;
      case "execution":
        if (tag.close) return;
        this.emit(out, { type: "drift", code: "planner-wrote-execution", message: "The planner started writing an execution itself", at: start });
        this.emit(out, { type: "execution-open", start, end: tag.end });
        return;
      case "final":
        if (!tag.close && !this.finalSeen) {
          this.finalSeen = true;
          this.emit(out, { type: "final-answer", style: "tag", start, end: tag.end });
        }
        return;
      case "think":
        return;
    }
  }
}

/**
 * Earliest occurrence of any of `stops` in `text` at or after `from`, or undefined. Used to honour
 * stop strings on the client side when a server ignores some of them.
 */
export function findStop(text: string, stops: readonly string[], from = 0): { at: number; stop: string } | undefined {
  let best: { at: number; stop: string } | undefined;
  for (const stop of stops) {
    if (stop === "") continue;
    const at = text.indexOf(stop, from);
    if (at !== -1 && (best === undefined || at < best.at)) best = { at, stop };
  }
  return best;
}

/**
 * Length of the longest suffix of `text` that is a proper prefix of one of `stops`: the part of a
 * streamed text that must be held back until it is known not to start a stop string.
 */
export function heldBackLength(text: string, stops: readonly string[]): number {
  let best = 0;
  for (const stop of stops) {
    const max = Math.min(stop.length - 1, text.length);
    for (let n = max; n > best; n--) {
      if (text.endsWith(stop.slice(0, n))) {
        best = n;
        break;
      }
    }
  }
  return best;
}
