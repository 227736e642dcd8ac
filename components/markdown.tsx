"use client";
/**
 * Markdown + KaTeX for reasoning text. Safe by construction: raw HTML in the source is not rendered (no
 * rehype-raw; `<script>` shows as text) and react-markdown's URL transform drops `javascript:` and other
 * unsafe link targets. `\(…\)` and `\[…\]` are rewritten to `$…$` / `$$…$$` for remark-math, and `*` between
 * operands (`4*4=16`) is escaped so it stays multiplication (lib/math/segments.ts).
 */
import ReactMarkdown, { defaultUrlTransform } from "react-markdown";
import remarkMath from "remark-math";
import rehypeKatex from "rehype-katex";
import "katex/dist/katex.min.css";
import { normalizeMathDelimiters, prepareReasoningMarkdown } from "@/lib/math/segments";

export { normalizeMathDelimiters };

function safeUrl(url: string): string {
  const out = defaultUrlTransform(url);
  return /^\s*(javascript|vbscript|data):/i.test(out) ? "" : out;
}

export function Markdown({ text, className }: { text: string; className?: string }) {
  return (
    <div className={`prose-sm max-w-none break-words [&_.katex-display]:overflow-x-auto [&_p]:my-1.5 ${className ?? ""}`}>
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
}
