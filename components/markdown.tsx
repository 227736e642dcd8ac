"use client";
/**
 * Markdown + KaTeX for reasoning text. Safe by construction: raw HTML in the source is not rendered (no
 * rehype-raw; `<script>` shows as text) and react-markdown's URL transform drops `javascript:` and other
 * unsafe link targets. `\(…\)` and `\[…\]` are rewritten to `$…$` / `$$…$$` for remark-math, and `*` between
 * operands (`4*4=16`) is escaped so it stays multiplication (lib/math/segments.ts).
 */
import { memo, startTransition, useEffect, useMemo, useState } from "react";
import ReactMarkdown, { defaultUrlTransform } from "react-markdown";
import remarkMath from "remark-math";
import rehypeKatex from "rehype-katex";
import "katex/dist/katex.min.css";
import { chunkForRender, normalizeMathDelimiters, prepareReasoningMarkdown } from "@/lib/math/segments";

export { normalizeMathDelimiters };

function safeUrl(url: string): string {
  const out = defaultUrlTransform(url);
  return /^\s*(javascript|vbscript|data):/i.test(out) ? "" : out;
}

/**
 * A one-line text with nothing Markdown or math would act on renders as the very `<p>` react-markdown would give,
 * without building a unified pipeline (~2 ms a line: 28k sentences of a 1 MB trace took about a minute).
 */
const MARKUP_CHARS = /[*_`$\\[\]<>#~|!&\n\r]/;
const BLOCK_START = /^\s*([-+>=]|\d{1,9}[.)](\s|$))|^( {4}|\t)/;
export function isPlainText(text: string): boolean {
  return text.trim() !== "" && !MARKUP_CHARS.test(text) && !BLOCK_START.test(text) && text.length < 2_000;
}

export const Markdown = memo(function Markdown({ text, className }: { text: string; className?: string }) {
  const cls = `prose-sm max-w-none break-words [&_.katex-display]:overflow-x-auto [&_p]:my-1.5 ${className ?? ""}`;
  if (isPlainText(text)) {
    return (
      <div className={cls}>
        <p>{text.trim()}</p>
      </div>
    );
  }
  return (
    <div className={cls}>
      <ReactMarkdown
        remarkPlugins={[remarkMath]}
        rehypePlugins={[[rehypeKatex, { throwOnError: false, strict: "ignore", trust: false }]]}
        urlTransform={safeUrl}
        skipHtml={false}
        components={{
          a: ({ href, children }) => (
            <a href={href || undefined} rel="noopener noreferrer nofollow" target="_blank" className="text-brand-600 underline">
              {children}
            </a>
          ),
          img: ({ alt }) => <span className="text-zinc-500">[image: {alt ?? "no description"}]</span>,
        }}
      >
        {prepareReasoningMarkdown(text)}
      </ReactMarkdown>
    </div>
  );
});

/** Above this many characters a text renders in pieces, a few per frame, so the page stays interactive. */
export const PROGRESSIVE_CHARS = 6_000;
/** Above this many characters a text shows as plain (wrapped) text until the reader asks for Markdown and math. */
export const PLAIN_CHARS = 60_000;
const CHUNK = 2_000;
const CHUNKS_FIRST = 4;
/** Each batch is half the pieces shown so far (4 to 32), rendered in a transition. */
const nextChunks = (n: number) => n + Math.min(32, Math.max(CHUNKS_FIRST, Math.floor(n / 2)));

/**
 * Reasoning text of any length. Short text is plain `Markdown`. A long text (one 1 MB line took the trace page
 * three minutes in a single Markdown pass) is cut at whitespace outside math (`chunkForRender`) and rendered a few
 * pieces per tick in a transition, so clicks and keys keep working meanwhile; beyond PLAIN_CHARS it starts as
 * plain wrapped text with a "Render Markdown and math" button.
 */
export function ReasoningText({ text, className }: { text: string; className?: string }) {
  const [rich, setRich] = useState(text.length <= PLAIN_CHARS);
  if (text.length <= PROGRESSIVE_CHARS) return <Markdown text={text} className={className} />;
  if (!rich) {
    return (
      <div className={className} data-testid="long-text" data-mode="plain">
        <div className="mb-1 flex flex-wrap items-center gap-2 text-xs text-zinc-500">
          <span>Long text ({text.length.toLocaleString("en")} characters) shown as plain text.</span>
          <button type="button" className="btn-secondary px-2 py-0.5 text-xs" onClick={() => setRich(true)}>
            Render Markdown and math
          </button>
        </div>
        <div className="whitespace-pre-wrap break-words text-sm">{text}</div>
      </div>
    );
  }
  return <ProgressiveMarkdown text={text} className={className} />;
}

function ProgressiveMarkdown({ text, className }: { text: string; className?: string }) {
  const chunks = useMemo(() => chunkForRender(text, CHUNK), [text]);
  const [state, setState] = useState({ text, shown: CHUNKS_FIRST });
  // A new text starts over (state derived from props, without an effect).
  if (state.text !== text) setState({ text, shown: CHUNKS_FIRST });
  const shown = state.text === text ? state.shown : CHUNKS_FIRST;
  useEffect(() => {
    if (shown >= chunks.length) return;
    const id = setTimeout(() => startTransition(() => setState((s) => ({ ...s, shown: nextChunks(s.shown) }))), 0);
    return () => clearTimeout(id);
  }, [shown, chunks.length]);
  const done = shown >= chunks.length;
  return (
    <div className={className} data-testid="long-text" data-mode="progressive" data-complete={done ? "true" : "false"}>
      {chunks.slice(0, shown).map((c, i) => (
        <Markdown key={i} text={c} className="inline [&_p:first-child]:inline [&_p:last-child]:inline" />
      ))}
      {!done && (
        <span className="ml-1 text-xs text-zinc-400" role="status">
          rendering… {Math.round((shown / chunks.length) * 100)}%
        </span>
      )}
    </div>
  );
}
