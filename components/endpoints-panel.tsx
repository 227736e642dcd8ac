"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { originOf, sameOrigin } from "@/lib/endpoint-url";
import { useWorkspace } from "./workspace-context";

interface EndpointRow {
  id: string;
  name: string;
  baseUrl: string | null;
  model: string;
  apiKey: { set: boolean; hint: string | null };
}

/**
 * Edits an endpoint's base URL, model and key. A stored key belongs to its server: when the new URL points at
 * another server, the form asks for that server's key (or to drop the key) — the server refuses otherwise.
 */
function EndpointEditor({ endpoint, onDone }: { endpoint: EndpointRow; onDone: () => void }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const [baseUrl, setBaseUrl] = useState(endpoint.baseUrl ?? "");
  const [model, setModel] = useState(endpoint.model);
  const [apiKey, setApiKey] = useState("");
  const [dropKey, setDropKey] = useState(false);
  const update = useMutation(trpc.endpoints.update.mutationOptions({ onSuccess: onDone }));
  const movesHost = baseUrl.trim() !== "" && !sameOrigin(baseUrl, endpoint.baseUrl);
  const needsKey = movesHost && endpoint.apiKey.set && !dropKey;
  return (
    <form
      className="grid w-full gap-2 md:grid-cols-4"
      data-testid="endpoint-editor"
      onSubmit={(e) => {
        e.preventDefault();
        update.mutate({
          workspaceId: ws.id,
          endpointId: endpoint.id,
          ...(baseUrl !== endpoint.baseUrl ? { baseUrl } : {}),
          ...(model !== endpoint.model ? { model } : {}),
          ...(dropKey ? { apiKey: null } : apiKey ? { apiKey } : {}),
        });
      }}
    >
      <input aria-label="Edit base URL" className="input md:col-span-2" required value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} />
      <input aria-label="Edit model" className="input" required value={model} onChange={(e) => setModel(e.target.value)} />
      <input
        aria-label="New API key"
        className="input"
        type="password"
        autoComplete="off"
        placeholder={endpoint.apiKey.set && !movesHost ? `keep ${endpoint.apiKey.hint ?? "key"}` : "API key"}
        required={needsKey}
        disabled={dropKey}
        value={apiKey}
        onChange={(e) => setApiKey(e.target.value)}
      />
      {movesHost && endpoint.apiKey.set && (
        <p role="note" className="text-sm text-amber-700 md:col-span-4">
          This URL points at a different server ({originOf(baseUrl) ?? "invalid URL"}). Enter its API key: the stored key is only sent to {originOf(endpoint.baseUrl)}.
          <label className="ml-3 inline-flex items-center gap-1 text-zinc-700">
            <input type="checkbox" checked={dropKey} onChange={(e) => setDropKey(e.target.checked)} /> no key
          </label>
        </p>
      )}
      {!movesHost && endpoint.apiKey.set && (
        <label className="inline-flex items-center gap-1 text-sm text-zinc-700 md:col-span-4">
          <input type="checkbox" checked={dropKey} onChange={(e) => setDropKey(e.target.checked)} /> remove the stored key
        </label>
      )}
      <div className="space-x-2 md:col-span-4">
        <button className="btn-primary" type="submit" disabled={update.isPending}>Save</button>
        <button className="btn-secondary" type="button" onClick={onDone}>Cancel</button>
        {update.error && <span role="alert" className="ml-2 text-sm text-red-600">{errorMessage(update.error)}</span>}
      </div>
    </form>
  );
}

/** Settings → Endpoints: OpenAI-compatible servers used by curation (LLM backend) and, later, the playground. */
export function EndpointsPanel() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const isAdmin = ws.can("admin");
  const list = useQuery(trpc.endpoints.list.queryOptions({ workspaceId: ws.id }));
  // Cancel a list fetch still in flight first: it may have started before this change and would otherwise be
  // reused by the invalidation (TanStack dedupes a first fetch), showing a list without it.
  const refresh = async () => {
    await qc.cancelQueries({ queryKey: trpc.endpoints.list.queryKey() });
    await qc.invalidateQueries({ queryKey: trpc.endpoints.list.queryKey() });
  };
  const [form, setForm] = useState({ name: "", baseUrl: "http://localhost:8000/v1", model: "", apiKey: "", kind: "openai-completions" as "openai-completions" | "openai-chat" });
  const create = useMutation(trpc.endpoints.create.mutationOptions({ onSuccess: () => { setForm({ ...form, name: "", model: "", apiKey: "" }); void refresh(); } }));
  const remove = useMutation(trpc.endpoints.remove.mutationOptions({ onSuccess: refresh }));
  const test = useMutation(trpc.endpoints.test.mutationOptions());
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <section className="card" data-testid="endpoints-panel">
      <h2 className="border-b border-zinc-200 px-4 py-3 text-sm font-semibold">Endpoints</h2>
      <p className="px-4 pt-3 text-sm text-zinc-600">
        OpenAI-compatible servers (OpenAI, vLLM, SGLang, Ollama, llama.cpp). Keys are encrypted at rest and never shown again.
      </p>
      {list.data?.length ? (
        <ul className="divide-y divide-zinc-100 text-sm">
          {list.data.map((e) => (
            <li key={e.id} className="flex flex-wrap items-center justify-between gap-2 px-4 py-2">
              <span>
                <strong>{e.name}</strong> · {e.kind === "openai-completions" ? "completions" : "chat"} · {e.model} · <code className="text-xs">{e.baseUrl}</code> · key {e.apiKey.set ? e.apiKey.hint : "none"}
              </span>
              {isAdmin && (
                <span className="space-x-2">
                  <button className="btn-secondary" onClick={() => setEditing(editing === e.id ? null : e.id)}>Edit</button>
                  <button className="btn-secondary" onClick={() => test.mutate({ workspaceId: ws.id, endpointId: e.id })}>Test</button>
                  <button className="btn-danger" onClick={() => confirm(`Delete endpoint ${e.name}?`) && remove.mutate({ workspaceId: ws.id, endpointId: e.id })}>Delete</button>
                </span>
              )}
              {isAdmin && editing === e.id && (
                <EndpointEditor
                  endpoint={e}
                  onDone={() => {
                    setEditing(null);
                    void refresh();
                  }}
                />
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="px-4 py-3 text-sm text-zinc-500">{list.isPending ? "Loading endpoints…" : "No endpoints yet."}</p>
      )}
      {test.data && (
        <p role="status" className={`px-4 py-2 text-sm ${test.data.ok ? "text-green-700" : "text-red-600"}`}>
          {test.data.ok ? `Reachable in ${test.data.latencyMs} ms · models: ${test.data.models.join(", ") || "—"}` : `Not reachable (${test.data.status || ("error" in test.data ? test.data.error : "")})`}
        </p>
      )}
      {isAdmin && (
        <form
          className="grid gap-3 border-t border-zinc-200 p-4 md:grid-cols-5"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ workspaceId: ws.id, name: form.name, kind: form.kind, baseUrl: form.baseUrl, model: form.model, apiKey: form.apiKey || undefined });
          }}
        >
          <input aria-label="Endpoint name" className="input" placeholder="name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          <input aria-label="Base URL" className="input md:col-span-2" placeholder="http://localhost:8000/v1" required value={form.baseUrl} onChange={(e) => setForm({ ...form, baseUrl: e.target.value })} />
          <input aria-label="Model" className="input" placeholder="model" required value={form.model} onChange={(e) => setForm({ ...form, model: e.target.value })} />
          <input aria-label="API key" className="input" type="password" autoComplete="off" placeholder="API key (optional)" value={form.apiKey} onChange={(e) => setForm({ ...form, apiKey: e.target.value })} />
          <label className="flex items-center gap-2 text-sm md:col-span-5">
            <span className="text-zinc-600">API</span>
            <select aria-label="API" className="input py-1" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as typeof form.kind })}>
              <option value="openai-completions">/v1/completions — raw prompt, no chat template (SPRINT models; vLLM, SGLang, llama.cpp)</option>
              <option value="openai-chat">/v1/chat/completions — chat models (OpenAI, Ollama, prompted mode)</option>
            </select>
          </label>
          <div className="md:col-span-5">
            <button className="btn-primary" type="submit" disabled={create.isPending}>Add endpoint</button>
            {(create.error ?? remove.error) && <span role="alert" className="ml-3 text-sm text-red-600">{errorMessage(create.error ?? remove.error)}</span>}
          </div>
        </form>
      )}
    </section>
  );
}
