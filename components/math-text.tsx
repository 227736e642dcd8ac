"use client";
/**
 * One line of text with inline math rendered (KaTeX), for every list and label that shows a question, a step or
 * a prompt: trace table, review queue, run history, step descriptions, prompts. `max` truncates safely (never
 * inside `$…$`, see lib/math/segments.ts); the full source is the element's title. KaTeX runs with trust off
 * and throwOnError off, so its HTML is safe to inject and bad LaTeX shows in red instead of throwing.
 */
import katex from "katex";
import "katex/dist/katex.min.css";
import { memo } from "react";
import { truncateMathText } from "@/lib/math/segments";

const cache = new Map<string, string>();
const CACHE_MAX = 2000;

function renderTex(src: string): string {
  const hit = cache.get(src);
  if (hit !== undefined) return hit;
  const display = src.startsWith("$$");
  const tex = src.slice(display ? 2 : 1, display ? -2 : -1);
  let html: string;
  try {
    html = katex.renderToString(tex, { displayMode: false, throwOnError: false, strict: "ignore", trust: false, output: "html" });
  } catch {
    html = "";
  }
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(src, html);
  return html;
}

export const MathText = memo(function MathText({ text, max, className, title = true }: { text: string; max?: number; className?: string; title?: boolean }) {
  const { segments, truncated } = truncateMathText(text ?? "", max ?? Number.MAX_SAFE_INTEGER);
  return (
    <span className={className} title={title ? text : undefined} data-math-text="">
      {segments.map((s, i) =>
        s.kind === "math" ? (
          renderTex(s.text) ? <span key={i} dangerouslySetInnerHTML={{ __html: renderTex(s.text) }} /> : <span key={i}>{s.text}</span>
        ) : (
          <span key={i}>{s.text.replace(/\\\$/g, "$")}</span>
        ),
      )}
      {truncated && "…"}
    </span>
  );
});
