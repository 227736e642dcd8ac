"use client";
/** Paste one trace (question + chain of thought); pasted JSON Lines are recognised and sent to the JSON Lines box. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "../workspace-context";
import { nf } from "./format";
import { looksLikeJsonl } from "./outputs";

export function PasteTraceCard({ datasetId, onJsonl }: { datasetId: string; onJsonl: (text: string) => void }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [question, setQuestion] = useState("");
  const [reasoning, setReasoning] = useState("");
  const [answer, setAnswer] = useState("");
  const router = useRouter();
  // JSON Lines pasted here would become one junk trace: say so and offer the JSON Lines box instead.
  const jsonlRecords = useMemo(() => Math.max(looksLikeJsonl(reasoning), looksLikeJsonl(question)), [question, reasoning]);
  const paste = useMutation(
    trpc.imports.pasteTrace.mutationOptions({
      onSuccess: () => {
        setQuestion("");
        setReasoning("");
        setAnswer("");
        void qc.invalidateQueries({ queryKey: trpc.datasets.list.queryKey() });
        router.refresh();
      },
    }),
  );
  return (
    <section className="card p-5" aria-labelledby="paste-heading">
      <h2 id="paste-heading" className="text-base font-semibold">Paste a trace</h2>
      <p className="mt-1 text-sm text-zinc-600">
        One question and its chain of thought. R1 output (<code>&lt;think&gt;…&lt;/think&gt; answer</code>) and OpenThoughts markers are recognised;
        the text after the thinking is kept as the solution.
      </p>
      <form
        className="mt-3 space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (jsonlRecords > 0) return;
          paste.mutate({ workspaceId: ws.id, datasetId, question, reasoning, answer: answer.trim() || undefined });
        }}
      >
        <div>
          <label className="label" htmlFor="paste-question">Question</label>
          <textarea id="paste-question" className="input min-h-16" required value={question} onChange={(e) => setQuestion(e.target.value)} />
        </div>
        <div>
          <label className="label" htmlFor="paste-reasoning">Reasoning</label>
          <textarea id="paste-reasoning" className="input min-h-40 font-mono text-xs" required value={reasoning} onChange={(e) => setReasoning(e.target.value)} />
        </div>
        <div className="max-w-md">
          <label className="label" htmlFor="paste-answer">Answer (optional)</label>
          <input id="paste-answer" className="input" value={answer} onChange={(e) => setAnswer(e.target.value)} />
        </div>
        {jsonlRecords > 0 && (
          <div role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800" data-testid="paste-looks-jsonl">
            This looks like JSON Lines ({nf.format(jsonlRecords)} record{jsonlRecords === 1 ? "" : "s"}), not one trace.{" "}
            <button
              type="button"
              className="font-medium text-brand-700 underline"
              onClick={() => {
                onJsonl(question.trim() && looksLikeJsonl(question) ? question : reasoning);
                setQuestion("");
                setReasoning("");
              }}
            >
              Move it to the JSON Lines box
            </button>
          </div>
        )}
        <div className="flex items-center gap-3">
          <button className="btn-primary" type="submit" disabled={paste.isPending || jsonlRecords > 0}>Add trace</button>
          {paste.data && (
            <span className="text-sm text-green-700" data-testid="paste-result">
              Added ({paste.data.format} format, {nf.format(paste.data.reasoningChars)} characters of reasoning
              {paste.data.hasSolution ? ", solution kept" : ""}).
            </span>
          )}
        </div>
        {paste.data && paste.data.diagnostics.length > 0 && (
          <ul className="list-disc pl-5 text-xs text-amber-700">
            {paste.data.diagnostics.map((d) => <li key={d}>{d}</li>)}
          </ul>
        )}
        {paste.data?.warning && <p className="text-sm text-amber-700">{paste.data.warning}</p>}
        {paste.error && <p role="alert" className="text-sm text-red-600">{errorMessage(paste.error)}</p>}
      </form>
    </section>
  );
}

