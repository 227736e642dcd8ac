"use client";
/**
 * Markdown + KaTeX for reasoning text. Safe by construction: raw HTML in the source is not rendered (no
 * rehype-raw; `<script>` shows as text) and react-markdown's URL transform drops `javascript:` and other
 * unsafe link targets. `\(…\)` and `\[…\]` are rewritten to `$…$` / `$$…$$` for remark-math.
 */
import ReactMarkdown, { defaultUrlTransform } from "react-markdown";
import remarkMath from "remark-math";
import rehypeKatex from "rehype-katex";
import "katex/dist/katex.min.css";

/** `\boxed{…}` written without math delimiters (common in final answers) becomes `$\boxed{…}$`; text that already uses `$` is left alone. */
function wrapBareBoxed(src: string): string {
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

export function normalizeMathDelimiters(src: string): string {
  return wrapBareBoxed(src)
    .replace(/\\\[([\s\S]+?)\\\]/g, (_m, body: string) => `\n$$\n${body.trim()}\n$$\n`)
    .replace(/\\\(([\s\S]+?)\\\)/g, (_m, body: string) => `$${body.trim()}$`);
}

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
        {normalizeMathDelimiters(text)}
      </ReactMarkdown>
    </div>
  );
}
