/**
 * Splitting reasoning text into prose, code and math, for the Markdown pre-pass (`escapeArithmeticStars`) and
 * for one-line math labels (`toInlineSegments`, `truncateMathText`). Pure string functions, no DOM.
 */

export type Segment = { kind: "text" | "code" | "math"; text: string; display?: boolean };

/** `\boxed{…}` written without math delimiters (common in final answers) becomes `$\boxed{…}$`; text that already uses `$` is left alone. */
export function wrapBareBoxed(src: string): string {
  if (src.includes("$") || !src.includes("\\boxed{")) return src;
  let out = "";
  let i = 0;
  for (;;) {
    const at = src.indexOf("\\boxed{", i);
    if (at === -1) return out + src.slice(i);
    let depth = 0;
    let end = -1;
    for (let j = at + 6; j < src.length; j++) {
      if (src[j] === "{") depth++;
      else if (src[j] === "}" && --depth === 0) {
        end = j;
        break;
      }
    }
    if (end === -1) return out + src.slice(i);
    out += `${src.slice(i, at)}$${src.slice(at, end + 1)}$`;
    i = end + 1;
  }
}

/** `\(…\)` → `$…$`, `\[…\]` → a `$$` block, bare `\boxed{…}` → `$\boxed{…}$`. */
export function normalizeMathDelimiters(src: string): string {
  return wrapBareBoxed(src)
    .replace(/\\\[([\s\S]+?)\\\]/g, (_m, body: string) => `\n$$\n${body.trim()}\n$$\n`)
    .replace(/\\\(([\s\S]+?)\\\)/g, (_m, body: string) => `$${body.trim()}$`);
}

/** Index of the closing `$` (or `$$`) of math opened at `from`, or -1. Skips `\$`. Inline math stays on one paragraph. */
function closingDollar(src: string, from: number, display: boolean): number {
  for (let j = from; j < src.length; j++) {
    const c = src[j];
    if (c === "\\") {
      j++;
      continue;
    }
    if (!display && c === "\n" && src[j + 1] === "\n") return -1;
    if (c === "$") {
      if (display) {
        if (src[j + 1] === "$") return j;
      } else if (j > from) return j;
      else return -1;
    }
  }
  return -1;
}

/**
 * Split Markdown source (after `normalizeMathDelimiters`) into text, code (fenced blocks, indented blocks,
 * backtick spans) and math (`$…$`, `$$…$$`). Unclosed delimiters are text, as in remark-math.
 */
export function splitSegments(src: string): Segment[] {
  const out: Segment[] = [];
  let buf = "";
  const flush = () => {
    if (buf) out.push({ kind: "text", text: buf });
    buf = "";
  };
  let i = 0;
  let lineStart = true;
  let prevBlank = true;
  while (i < src.length) {
    if (lineStart) {
      const nl = src.indexOf("\n", i);
      const line = src.slice(i, nl === -1 ? src.length : nl);
      const fence = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (fence) {
        // Fenced code block: up to the closing fence (or the end).
        const marker = fence[1]!;
        let end = src.length;
        let k = nl === -1 ? src.length : nl + 1;
        while (k < src.length) {
          const e = src.indexOf("\n", k);
          const l = src.slice(k, e === -1 ? src.length : e);
          if (new RegExp(`^ {0,3}${marker[0] === "`" ? "`" : "~"}{${marker.length},}\\s*$`).test(l)) {
            end = e === -1 ? src.length : e;
            break;
          }
          k = e === -1 ? src.length : e + 1;
        }
        flush();
        out.push({ kind: "code", text: src.slice(i, end) });
        i = end;
        lineStart = false;
        prevBlank = false;
        continue;
      }
      if (prevBlank && /^( {4}|\t)/.test(line) && line.trim()) {
        const end = nl === -1 ? src.length : nl;
        flush();
        out.push({ kind: "code", text: src.slice(i, end) });
        i = end;
        lineStart = false;
        // An indented block continues on following indented lines.
        prevBlank = true;
        continue;
      }
      prevBlank = !line.trim();
      lineStart = false;
    }
    const c = src[i]!;
    if (c === "\n") {
      buf += c;
      i++;
      lineStart = true;
      continue;
    }
    if (c === "\\" && i + 1 < src.length) {
      buf += src.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === "`") {
      let n = 1;
      while (src[i + n] === "`") n++;
      const ticks = "`".repeat(n);
      let k = src.indexOf(ticks, i + n);
      while (k !== -1 && src[k + n] === "`") k = src.indexOf(ticks, k + n + 1);
      if (k !== -1) {
        flush();
        out.push({ kind: "code", text: src.slice(i, k + n) });
        i = k + n;
        continue;
      }
      buf += ticks;
      i += n;
      continue;
    }
    if (c === "$") {
      const display = src[i + 1] === "$";
      const open = display ? 2 : 1;
      const close = closingDollar(src, i + open, display);
      if (close !== -1) {
        flush();
        out.push({ kind: "math", text: src.slice(i, close + open), display });
        i = close + open;
        continue;
      }
      buf += src.slice(i, i + open);
      i += open;
      continue;
    }
    buf += c;
    i++;
  }
  flush();
  return out;
}

const LEFT_OPERAND = /[\p{L}\p{N})\]}!'′]/u;
const RIGHT_OPERAND = /[\p{L}\p{N}([{\\]/u;
const DIGITISH_LEFT = /[\p{N})]/u;
const DIGITISH_RIGHT = /[\p{N}(]/u;

/**
 * In reasoning prose, `*` between operands is multiplication, not emphasis: `4*4=16, 16*4=64` must not turn
 * into italic "44=16, 164=64". Escapes (`\*`) every run of one or two `*` that sits directly between two
 * operands (`4*4`, `x*y`, `(a+b)*(c-d)`; `**` only before a number: `2**3`), or between a digit and a spaced digit (`3* 4`, `5 *6`).
 * Code and math are left untouched; `**bold**`, `*emph*` and list bullets keep working.
 */
export function escapeArithmeticStars(src: string): string {
  if (!src.includes("*")) return src;
  return splitSegments(src)
    .map((s) => (s.kind === "text" ? escapeInText(s.text) : s.text))
    .join("");
}

function escapeInText(t: string): string {
  let out = "";
  let i = 0;
  while (i < t.length) {
    const c = t[i]!;
    if (c === "\\" && i + 1 < t.length) {
      out += t.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c !== "*") {
      out += c;
      i++;
      continue;
    }
    let n = 1;
    while (t[i + n] === "*") n++;
    const before = t[i - 1] ?? "";
    const after = t[i + n] ?? "";
    let mult = false;
    if (n <= 2 && before && after) {
      if (LEFT_OPERAND.test(before) && (n === 1 ? RIGHT_OPERAND : DIGITISH_RIGHT).test(after)) mult = true;
      else if (n === 1 && DIGITISH_LEFT.test(before) && / /.test(after) && DIGITISH_RIGHT.test(nextNonSpace(t, i + n))) mult = true;
      else if (n === 1 && / /.test(before) && DIGITISH_RIGHT.test(after) && DIGITISH_LEFT.test(prevNonSpace(t, i - 1))) mult = true;
    }
    out += mult ? "\\*".repeat(n) : "*".repeat(n);
    i += n;
  }
  return out;
}

function nextNonSpace(t: string, from: number): string {
  let k = from;
  while (t[k] === " ") k++;
  return t[k] ?? "";
}
function prevNonSpace(t: string, from: number): string {
  let k = from;
  while (k >= 0 && t[k] === " ") k--;
  return k >= 0 ? t[k]! : "";
}

/** The full pre-pass the Markdown component applies to reasoning text. */
export function prepareReasoningMarkdown(src: string): string {
  return escapeArithmeticStars(normalizeMathDelimiters(src));
}

/** One-line form of a question or step text: math delimiters normalized, whitespace runs collapsed. */
export function toInlineSegments(src: string): Segment[] {
  const flat = normalizeMathDelimiters(src).replace(/\s+/g, " ").trim();
  return splitSegments(flat).map((s) => (s.kind === "code" ? { kind: "text" as const, text: s.text } : s));
}

/**
 * Truncate to about `max` visible characters without ever cutting inside `$…$`: a math span that does not fit
 * is left out whole (unless it is the very first thing, then it is kept if not longer than 4×max). Text is cut
 * at a word boundary when one is near. Returns the segments to show and whether anything was cut.
 */
export function truncateMathText(src: string, max: number): { segments: Segment[]; truncated: boolean } {
  const segs = toInlineSegments(src);
  const out: Segment[] = [];
  let used = 0;
  for (let k = 0; k < segs.length; k++) {
    const s = segs[k]!;
    const len = s.kind === "math" ? mathWidth(s.text) : s.text.length;
    if (used + len <= max) {
      out.push(s);
      used += len;
      continue;
    }
    if (s.kind === "math") {
      if (out.length === 0 && s.text.length <= 4 * max) out.push(s);
    } else {
      const room = max - used;
      let cut = s.text.slice(0, Math.max(0, room));
      const space = cut.lastIndexOf(" ");
      if (space > room * 0.6) cut = cut.slice(0, space);
      if (cut.trim()) out.push({ kind: "text", text: cut.trimEnd() });
    }
    return { segments: out, truncated: true };
  }
  return { segments: out, truncated: false };
}

/** A rough visible width of a math span (commands count as one character), for truncation. */
function mathWidth(tex: string): number {
  return Math.max(1, tex.replace(/^\$+|\$+$/g, "").replace(/\\[a-zA-Z]+/g, "x").replace(/[{}^_\s]/g, "").length);
}

/**
 * Cut a very long text into pieces of about `size` characters for progressive rendering, only at whitespace
 * outside math and code (a math span or code span is never split; one longer than `size` is a piece of its own).
 * Joining the pieces gives the text back exactly.
 */
export function chunkForRender(src: string, size: number): string[] {
  if (src.length <= size) return [src];
  const out: string[] = [];
  let cur = "";
  const push = () => {
    if (cur) out.push(cur);
    cur = "";
  };
  for (const s of splitSegments(src)) {
    if (s.kind !== "text") {
      if (cur.length + s.text.length > size && cur.length > 0) push();
      cur += s.text;
      continue;
    }
    let t = s.text;
    while (cur.length + t.length > size) {
      const room = size - cur.length;
      // Prefer a sentence end, then any whitespace, within the room left.
      let cut = -1;
      const window = t.slice(0, Math.max(0, room));
      const sentence = Math.max(window.lastIndexOf(". "), window.lastIndexOf("\n"));
      if (sentence > room / 2) cut = sentence + 1;
      else {
        const ws = window.search(/\s\S*$/);
        if (ws > 0) cut = ws + 1;
      }
      if (cut <= 0) {
        if (cur) {
          push();
          continue;
        }
        // No whitespace at all within `size`: cut at the next whitespace (or the end).
        const next = t.slice(size).search(/\s/);
        cut = next === -1 ? t.length : size + next + 1;
      }
      cur += t.slice(0, cut);
      t = t.slice(cut);
      push();
    }
    cur += t;
  }
  push();
  return out;
}
