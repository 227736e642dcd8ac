"use client";
/** Paired comparison of two runs on the same problems: wins/losses, McNemar exact test, paired bootstrap of token differences. */
import { useQuery } from "@tanstack/react-query";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "@/components/workspace-context";
import { modeLabel, pct, tokens } from "./format";

export function EvalCompare({ a, b }: { a: string; b: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const q = useQuery(trpc.eval.compare.queryOptions({ workspaceId: ws.id, runA: a, runB: b }));
  if (q.error) return <p className="text-sm text-red-700">{errorMessage(q.error)}</p>;
  if (!q.data) return <p className="text-sm text-zinc-500">Loading…</p>;
  const c = q.data;
  const d = c.sequentialTokenDiff;
  return (
    <div className="space-y-6" data-testid="eval-compare">
      <div className="grid gap-3 md:grid-cols-2">
        {[c.a, c.b].map((r, i) => (
          <div key={r.id} className="card p-3">
            <div className="text-xs text-zinc-500">Run {i === 0 ? "A" : "B"} · {modeLabel(r.mode)}</div>
            <div className="font-medium">{r.name}</div>
            <div className="text-sm tabular-nums">
              accuracy {pct(r.accuracy)} · mean sequential tokens {tokens(r.meanSequentialTokens)}
            </div>
          </div>
        ))}
      </div>
      <div className="grid gap-3 md:grid-cols-4">
        <div className="card p-3" data-testid="cmp-wins">
          <div className="text-xs text-zinc-500">A right, B wrong</div>
          <div className="text-lg font-semibold">{c.wins}</div>
        </div>
        <div className="card p-3" data-testid="cmp-losses">
          <div className="text-xs text-zinc-500">A wrong, B right</div>
          <div className="text-lg font-semibold">{c.losses}</div>
        </div>
        <div className="card p-3" data-testid="cmp-mcnemar">
          <div className="text-xs text-zinc-500">McNemar exact p (accuracy)</div>
          <div className="text-lg font-semibold tabular-nums">{c.mcnemar.pValue.toFixed(4)}</div>
          <div className="text-xs text-zinc-500">
            {c.common} common problems · both right {c.bothRight} · both wrong {c.bothWrong}
          </div>
        </div>
        <div className="card p-3" data-testid="cmp-bootstrap">
          <div className="text-xs text-zinc-500">Sequential tokens A − B (paired bootstrap 95%)</div>
          <div className="text-lg font-semibold tabular-nums">{tokens(d.mean)}</div>
          <div className="text-xs text-zinc-500 tabular-nums">
            [{tokens(d.lo)}, {tokens(d.hi)}] · {d.iterations} resamples · total tokens {tokens(c.totalTokenDiff.mean)} [{tokens(c.totalTokenDiff.lo)}, {tokens(c.totalTokenDiff.hi)}]
          </div>
        </div>
      </div>
      <section className="card p-4">
        <h2 className="mb-2 text-sm font-semibold">Per problem (sample 0)</h2>
        <table className="w-full text-xs tabular-nums">
          <thead className="text-left text-zinc-500">
            <tr>
              <th>Problem</th>
              <th>A</th>
              <th>B</th>
              <th>A seq. tokens</th>
              <th>B seq. tokens</th>
            </tr>
          </thead>
          <tbody>
            {c.perProblem.map((p) => (
              <tr key={p.problemId} className="border-t border-zinc-100" data-testid="cmp-row" data-outcome={p.a === p.b ? "tie" : p.a ? "win" : "loss"}>
                <td className="font-mono">{p.problemId}</td>
                <td className={p.a ? "text-emerald-700" : "text-red-700"}>{p.a ? "right" : "wrong"}</td>
                <td className={p.b ? "text-emerald-700" : "text-red-700"}>{p.b ? "right" : "wrong"}</td>
                <td>{tokens(p.aSequentialTokens)}</td>
                <td>{tokens(p.bSequentialTokens)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
