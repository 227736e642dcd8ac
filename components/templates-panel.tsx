"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "./workspace-context";

const LABEL = { extract: "Step extraction", dag: "Dependency DAG" } as const;

/** Settings → Curation prompts: the LLM backend's two templates, editable; each save is a new version. */
export function TemplatesPanel() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const list = useQuery(trpc.templates.list.queryOptions({ workspaceId: ws.id }));
  const [kind, setKind] = useState<"extract" | "dag">("extract");
  const data = list.data?.[kind];
  return (
    <section className="card" data-testid="templates-panel">
      <div className="flex items-center justify-between border-b border-zinc-200 px-4 py-3">
        <h2 className="text-sm font-semibold">Curation prompts (LLM backend)</h2>
        <div className="flex gap-1 text-sm" role="tablist">
          {(["extract", "dag"] as const).map((k) => (
            <button key={k} role="tab" aria-selected={kind === k} className={kind === k ? "btn-primary" : "btn-secondary"} onClick={() => setKind(k)}>
              {LABEL[k]}
            </button>
          ))}
        </div>
      </div>
      {data && <Editor key={`${kind}-${data.current.version}`} kind={kind} current={data.current} versions={data.versions} />}
    </section>
  );
}

function Editor({
  kind,
  current,
  versions,
}: {
  kind: "extract" | "dag";
  current: { version: number; system: string; user: string };
  versions: { id: string; version: number; system: string; user: string; note: string | null; createdAt: Date }[];
}) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [system, setSystem] = useState(current.system);
  const [user, setUser] = useState(current.user);
  const [note, setNote] = useState("");
  useEffect(() => {
    setSystem(current.system);
    setUser(current.user);
  }, [current]);
  const save = useMutation(trpc.templates.save.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.templates.list.queryKey() }) }));
  const canEdit = ws.can("curator");
  const dirty = system !== current.system || user !== current.user;
  return (
    <div className="space-y-3 p-4 text-sm">
      <p className="text-zinc-600">
        Current: <strong>v{current.version}</strong>{current.version === 1 && versions.length === 0 ? " (built-in)" : ""}. New LLM runs freeze the current
        version into their config. Placeholders: {kind === "extract" ? "{{question}}, {{numbered_lines}}, {{line_count}}" : "{{question}}, {{components}}, {{step_count}}, {{line_count}}"}.
      </p>
      <div>
        <label className="label" htmlFor={`tpl-system-${kind}`}>System</label>
        <textarea id={`tpl-system-${kind}`} className="input h-24 font-mono text-xs" readOnly={!canEdit} value={system} onChange={(e) => setSystem(e.target.value)} />
      </div>
      <div>
        <label className="label" htmlFor={`tpl-user-${kind}`}>User</label>
        <textarea id={`tpl-user-${kind}`} className="input h-64 font-mono text-xs" readOnly={!canEdit} value={user} onChange={(e) => setUser(e.target.value)} />
      </div>
      {canEdit && (
        <div className="flex flex-wrap items-center gap-2">
          <input aria-label="Version note" className="input max-w-80" placeholder="What changed (optional)" value={note} onChange={(e) => setNote(e.target.value)} />
          <button className="btn-primary" disabled={!dirty || save.isPending} onClick={() => save.mutate({ workspaceId: ws.id, kind, system, user, note: note || undefined })}>
            Save as v{current.version + 1}
          </button>
          {dirty && <button className="btn-secondary" onClick={() => { setSystem(current.system); setUser(current.user); }}>Discard changes</button>}
        </div>
      )}
      {save.error && <p role="alert" className="text-red-600">{errorMessage(save.error)}</p>}
      {versions.length > 0 && (
        <details>
          <summary className="cursor-pointer text-zinc-600">History ({versions.length} saved versions)</summary>
          <ul className="mt-2 space-y-1">
            {versions.map((v) => (
              <li key={v.id} className="flex items-center justify-between">
                <span>v{v.version} · {v.createdAt.toLocaleString()}{v.note ? ` · ${v.note}` : ""}</span>
                {canEdit && (
                  <button className="btn-secondary text-xs" onClick={() => { setSystem(v.system); setUser(v.user); }}>Load into editor</button>
                )}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
