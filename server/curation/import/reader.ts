/**
 * Streaming record reader for uploads: JSON Lines and top-level JSON arrays (`[ {...}, {...} ]`), read
 * incrementally from byte chunks — never the whole file in memory (one record at a time, plus the chunk
 * being scanned). Browser-safe (Uint8Array + TextDecoder only), so the import page previews the first
 * records of a file with the same code the server imports it with.
 *
 * - Format: `auto` looks at the first non-blank byte (after a UTF-8 BOM): `[` → JSON array, else JSONL.
 * - JSONL: records are split on LF bytes (LF never occurs inside a multi-byte UTF-8 sequence, so a
 *   character split across chunks is reassembled before decoding); a trailing CR is dropped (CRLF); blank
 *   lines are skipped but counted; a last line without a newline is read.
 * - JSON array: a byte-level scanner tracks strings, escapes and bracket depth to cut the array into
 *   elements; each element is decoded and `JSON.parse`d on its own. A malformed element is reported and
 *   the scan goes on; a broken array structure (text after `]`, a missing `]`) ends the read with an error.
 * - Every record carries `line`: the 1-based line where it starts. Errors say why (invalid JSON with the
 *   parser's message, invalid UTF-8, a record over `maxRecordBytes`, nesting deeper than `maxDepth` — a
 *   100,000-deep value parses but breaks every recursive consumer); a too-long record is skipped without
 *   being buffered. Excerpts never carry NUL or unpaired surrogates (storable.ts), so they can be stored.
 */
import { nestingDepth, storableText } from "./storable";

/** How the input is laid out. */
export type SourceFormat = "jsonl" | "json";

/** One record read: a parsed JSON value, or why the record could not be read. */
export type ReadRecord =
  | { line: number; value: unknown; /** The record's source text (for excerpts). */ text: string }
  | { line: number; error: string; /** The start of the record's source text. */ excerpt: string; /** The read cannot go on. */ fatal?: boolean };

export interface ReaderOptions {
  /** Default `auto`. */
  format?: "auto" | SourceFormat;
  /** A record longer than this (in bytes) is reported and skipped. Default 16 MiB. */
  maxRecordBytes?: number;
  /** A record nested deeper than this (arrays/objects) is reported and skipped. Default 64. */
  maxDepth?: number;
}

export const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 64;
const EXCERPT_BYTES = 1024;
export const EXCERPT_CHARS = 200;

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const BOM = [0xef, 0xbb, 0xbf] as const;

function isWs(b: number): boolean {
  return b === SPACE || b === TAB || b === LF || b === CR;
}

/** The start of some text: at most {@link EXCERPT_CHARS} characters, never half a surrogate pair. */
export function excerptOf(text: string): string {
  if (text.length <= EXCERPT_CHARS) return storableText(text);
  const cut = text.slice(0, EXCERPT_CHARS);
  const last = cut.charCodeAt(cut.length - 1);
  return storableText(last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut);
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB` : `${Math.round(n / 1024)} KiB`;
}

function jsonError(err: unknown): string {
  // The parser's own message ("Unexpected token … in JSON at position 12", "Bad control character in string
  // literal …") is about the user's line; anything else (an engine limit) gets a plain sentence.
  const msg = err instanceof SyntaxError ? err.message : "the record could not be parsed";
  return `Invalid JSON: ${storableText(msg).slice(0, 300)}`;
}

type ArrayState = "start" | "before-element" | "in-element" | "after-element" | "end" | "failed";

/**
 * The push parser behind {@link readRecords}: feed it chunks with {@link push}, then call {@link end}.
 * Each returns the records completed so far. Exposed for tests (every chunk boundary) and previews.
 */
export class RecordSplitter {
  private readonly maxRecordBytes: number;
  private readonly maxDepth: number;
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private readonly lenient = new TextDecoder("utf-8");
  private mode: "detect" | SourceFormat;
  /** Current line (1-based) at the scan position. */
  private line = 1;
  /** Bytes seen in total (for BOM handling at offsets 0–2). */
  private offset = 0;
  private bomMatched = 0;
  // The current record's bytes, in pieces.
  private pieces: Uint8Array[] = [];
  private pieceBytes = 0;
  private overflow = false;
  private recordLine = 1;
  private recordStarted = false;
  // JSON-array scanner state.
  private arrayState: ArrayState = "before-element";
  private depth = 0;
  private inString = false;
  private escaped = false;
  private sawComma = false;
  private detectedFormat: SourceFormat | null = null;

  constructor(opts: ReaderOptions = {}) {
    this.maxRecordBytes = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
    const f = opts.format ?? "auto";
    this.mode = f === "auto" ? "detect" : f;
    if (f !== "auto") this.detectedFormat = f;
    if (f === "json") this.arrayState = "start";
  }

  /** The format in use: given, or detected once the first non-blank byte was seen (null before). */
  get format(): SourceFormat | null {
    return this.detectedFormat;
  }

  /** Feeds one chunk; returns the records it completed. */
  push(chunk: Uint8Array): ReadRecord[] {
    const out: ReadRecord[] = [];
    let pos = 0;
    // UTF-8 BOM at the very start of the input (possibly split across chunks).
    while (this.offset + pos < 3 && this.bomMatched === this.offset + pos && pos < chunk.length && chunk[pos] === BOM[this.offset + pos]) {
      this.bomMatched++;
      pos++;
    }
    if (this.bomMatched > 0 && this.bomMatched < 3 && this.offset + pos < 3 && pos < chunk.length) {
      // A partial BOM followed by something else: those bytes are content after all.
      const partial = Uint8Array.from(BOM.slice(0, this.bomMatched));
      this.bomMatched = 0;
      if (this.mode === "detect") {
        this.mode = "jsonl";
        this.detectedFormat = "jsonl";
      }
      if (this.mode === "jsonl") this.scanJsonl(partial, 0, out);
      else this.scanArray(partial, 0, out);
    }
    this.offset += chunk.length;
    if (this.mode === "detect") pos = this.detect(chunk, pos);
    if (pos < chunk.length) {
      if (this.mode === "jsonl") this.scanJsonl(chunk, pos, out);
      else if (this.mode === "json") this.scanArray(chunk, pos, out);
    }
    return out;
  }

  /** Ends the input; returns the last records (a final line without newline, end-of-file errors). */
  end(): ReadRecord[] {
    const out: ReadRecord[] = [];
    if (this.mode === "jsonl") {
      if (this.recordStarted || this.pieceBytes > 0 || this.overflow) this.finishLine(out);
    } else if (this.mode === "json") {
      switch (this.arrayState) {
        case "in-element":
          if (this.depth === 0 && !this.inString) {
            this.finishElement(out);
            out.push({ line: this.line, error: "Unexpected end of file: the JSON array is not closed with ]", excerpt: "", fatal: true });
          } else {
            const excerpt = this.currentExcerpt();
            this.resetRecord();
            out.push({ line: this.recordLine, error: "Unexpected end of file inside this record (the JSON array is cut off)", excerpt, fatal: true });
          }
          break;
        case "start":
          out.push({ line: this.line, error: "Expected a JSON array starting with [, found nothing", excerpt: "", fatal: true });
          break;
        case "before-element":
        case "after-element":
          out.push({ line: this.line, error: "Unexpected end of file: the JSON array is not closed with ]", excerpt: "", fatal: true });
          break;
        default:
          break;
      }
      this.arrayState = "end";
    }
    return out;
  }

  // ── detection ────────────────────────────────────────────────────────────────────────────────────

  private detect(chunk: Uint8Array, pos: number): number {
    while (pos < chunk.length) {
      const b = chunk[pos] as number;
      if (b === LF) {
        this.line++;
        pos++;
      } else if (b === SPACE || b === TAB || b === CR) {
        pos++;
      } else {
        if (b === OPEN_BRACKET) {
          this.mode = "json";
          this.detectedFormat = "json";
          this.arrayState = "before-element";
          return pos + 1; // the opening bracket is consumed
        }
        this.mode = "jsonl";
        this.detectedFormat = "jsonl";
        return pos;
      }
    }
    return pos;
  }

  // ── record buffer ────────────────────────────────────────────────────────────────────────────────

  private append(chunk: Uint8Array, start: number, end: number, copy: boolean): void {
    if (end <= start || this.overflow) return;
    if (this.pieceBytes + (end - start) > this.maxRecordBytes) {
      // Too long: remember only the start for the excerpt, drop the rest as it streams by.
      this.overflow = true;
      const room = Math.max(0, EXCERPT_BYTES - this.pieceBytes);
      if (room > 0) this.pieces.push(chunk.slice(start, Math.min(end, start + room)));
      this.pieceBytes += end - start;
      this.pieces = this.pieces.length > 0 ? [concat(this.pieces, EXCERPT_BYTES)] : [];
      return;
    }
    this.pieces.push(copy ? chunk.slice(start, end) : chunk.subarray(start, end));
    this.pieceBytes += end - start;
  }

  private takeBytes(): Uint8Array {
    const bytes = this.pieces.length === 1 ? (this.pieces[0] as Uint8Array) : concat(this.pieces);
    return bytes;
  }

  private resetRecord(): void {
    this.pieces = [];
    this.pieceBytes = 0;
    this.overflow = false;
    this.recordStarted = false;
  }

  private currentExcerpt(): string {
    if (this.pieces.length === 0) return "";
    const head = concat(this.pieces, EXCERPT_BYTES);
    return excerptOf(this.lenient.decode(head).replace(/\r$/, ""));
  }

  /** Decodes + parses the buffered record. */
  private parseRecord(bytes: Uint8Array, line: number): ReadRecord {
    let text: string;
    try {
      text = this.decoder.decode(bytes);
    } catch {
      return { line, error: "Invalid UTF-8: the file must be UTF-8 encoded", excerpt: excerptOf(this.lenient.decode(bytes.subarray(0, EXCERPT_BYTES))) };
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch (err) {
      return { line, error: jsonError(err), excerpt: excerptOf(text) };
    }
    if (nestingDepth(value, this.maxDepth) > this.maxDepth) {
      return { line, error: `Nested too deeply: more than ${this.maxDepth} levels of arrays or objects`, excerpt: excerptOf(text) };
    }
    return { line, value, text };
  }

  // ── JSONL ────────────────────────────────────────────────────────────────────────────────────────

  private scanJsonl(chunk: Uint8Array, start: number, out: ReadRecord[]): void {
    let pos = start;
    const n = chunk.length;
    while (pos < n) {
      const nl = chunk.indexOf(LF, pos);
      const end = nl === -1 ? n : nl;
      if (!this.recordStarted) {
        this.recordStarted = true;
        this.recordLine = this.line;
      }
      // Bytes of a line that ends in this chunk are parsed before the chunk is released: no copy needed.
      this.append(chunk, pos, end, nl === -1);
      if (nl === -1) return;
      this.finishLine(out);
      this.line++;
      pos = nl + 1;
    }
  }

  private finishLine(out: ReadRecord[]): void {
    const line = this.recordLine;
    if (this.overflow) {
      const excerpt = this.currentExcerpt();
      const size = this.pieceBytes;
      this.resetRecord();
      out.push({ line, error: `Line too long: ${formatBytes(size)} (the limit is ${formatBytes(this.maxRecordBytes)})`, excerpt });
      return;
    }
    let bytes = this.takeBytes();
    this.resetRecord();
    let len = bytes.length;
    if (len > 0 && bytes[len - 1] === CR) len--;
    let blank = true;
    for (let i = 0; i < len; i++) {
      const b = bytes[i] as number;
      if (!(b === SPACE || b === TAB || b === CR)) {
        blank = false;
        break;
      }
    }
    if (blank) return;
    if (len !== bytes.length) bytes = bytes.subarray(0, len);
    out.push(this.parseRecord(bytes, line));
  }

  // ── JSON array ───────────────────────────────────────────────────────────────────────────────────

  private scanArray(chunk: Uint8Array, start: number, out: ReadRecord[]): void {
    const n = chunk.length;
    let pos = start;
    let elemStart = this.arrayState === "in-element" ? pos : -1;
    while (pos < n) {
      const state = this.arrayState;
      if (state === "failed") return;
      const b = chunk[pos] as number;
      if (state === "in-element") {
        if (this.inString) {
          // Fast path inside a string: only quotes, backslashes and line feeds matter.
          if (this.escaped) this.escaped = false;
          else if (b === BACKSLASH) this.escaped = true;
          else if (b === QUOTE) this.inString = false;
          if (b === LF) this.line++;
          pos++;
          continue;
        }
        if (b === QUOTE) {
          this.inString = true;
          pos++;
          continue;
        }
        if (b === OPEN_BRACE || b === OPEN_BRACKET) {
          this.depth++;
          pos++;
          continue;
        }
        if ((b === CLOSE_BRACE || b === CLOSE_BRACKET) && this.depth > 0) {
          this.depth--;
          pos++;
          if (this.depth === 0) {
            this.append(chunk, elemStart, pos, false);
            elemStart = -1;
            this.finishElement(out);
            this.arrayState = "after-element";
          }
          continue;
        }
        if (this.depth === 0 && (b === COMMA || b === CLOSE_BRACKET || isWs(b))) {
          // The end of a scalar element (a number, a string, true/false/null…): this byte is not part of it.
          this.append(chunk, elemStart, pos, false);
          elemStart = -1;
          this.finishElement(out);
          this.arrayState = "after-element";
          continue; // re-examine this byte in after-element
        }
        if (b === LF) this.line++;
        pos++;
        continue;
      }
      if (b === LF) {
        this.line++;
        pos++;
        continue;
      }
      if (b === SPACE || b === TAB || b === CR) {
        pos++;
        continue;
      }
      if (state === "start") {
        if (b === OPEN_BRACKET) {
          this.arrayState = "before-element";
          pos++;
          continue;
        }
        this.fail(chunk, pos, "Expected a JSON array starting with [", out);
        return;
      }
      if (state === "before-element") {
        if (b === CLOSE_BRACKET) {
          if (this.sawComma) out.push({ line: this.line, error: "Invalid JSON: a trailing comma before ]", excerpt: "," });
          this.arrayState = "end";
          pos++;
          continue;
        }
        if (b === COMMA) {
          out.push({ line: this.line, error: "Invalid JSON: an empty element (two commas in a row)", excerpt: "," });
          pos++;
          continue;
        }
        this.arrayState = "in-element";
        this.recordLine = this.line;
        this.recordStarted = true;
        this.depth = 0;
        this.inString = false;
        this.escaped = false;
        elemStart = pos;
        continue; // re-examine this byte as the element's first
      }
      if (state === "after-element") {
        if (b === COMMA) {
          this.arrayState = "before-element";
          this.sawComma = true;
          pos++;
          continue;
        }
        if (b === CLOSE_BRACKET) {
          this.arrayState = "end";
          pos++;
          continue;
        }
        this.fail(chunk, pos, `Invalid JSON: expected , or ] after the element on line ${this.recordLine}`, out);
        return;
      }
      // end: only blanks may follow the closing bracket.
      this.fail(chunk, pos, "Unexpected content after the closing ] of the JSON array", out);
      return;
    }
    if (this.arrayState === "in-element" && elemStart >= 0) this.append(chunk, elemStart, n, true);
  }

  private fail(chunk: Uint8Array, pos: number, error: string, out: ReadRecord[]): void {
    const excerpt = excerptOf(this.lenient.decode(chunk.subarray(pos, pos + EXCERPT_BYTES)));
    out.push({ line: this.line, error, excerpt, fatal: true });
    this.arrayState = "failed";
  }

  private finishElement(out: ReadRecord[]): void {
    const line = this.recordLine;
    this.sawComma = false;
    if (this.overflow) {
      const excerpt = this.currentExcerpt();
      const size = this.pieceBytes;
      this.resetRecord();
      out.push({ line, error: `Record too long: ${formatBytes(size)} (the limit is ${formatBytes(this.maxRecordBytes)})`, excerpt });
      return;
    }
    const bytes = this.takeBytes();
    this.resetRecord();
    out.push(this.parseRecord(bytes, line));
  }
}

function concat(pieces: readonly Uint8Array[], limit = Infinity): Uint8Array {
  let total = 0;
  for (const p of pieces) total += p.length;
  total = Math.min(total, limit);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of pieces) {
    if (at >= total) break;
    const take = Math.min(p.length, total - at);
    out.set(take === p.length ? p : p.subarray(0, take), at);
    at += take;
  }
  return out;
}

/** Turns a web ReadableStream into an async iterable (Node 20's ReadableStream is iterable, DOM typings may not say so). */
export async function* iterateStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value && value.length > 0) yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Reads records from a stream of byte chunks. Records come out in file order; after a fatal error
 * (broken JSON array structure) nothing more is read. Chunks are pulled one at a time (backpressure:
 * a slow consumer slows the reader down).
 */
export async function* readRecords(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  opts: ReaderOptions = {},
): AsyncGenerator<ReadRecord> {
  const splitter = new RecordSplitter(opts);
  for await (const chunk of source) {
    for (const r of splitter.push(chunk)) {
      yield r;
      if ("fatal" in r && r.fatal) return;
    }
  }
  for (const r of splitter.end()) yield r;
}
