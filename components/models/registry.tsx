"use client";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { DataTable } from "../data-table";
import { useWorkspace } from "../workspace-context";
import { AliasChip } from "./status";
import { LineageGraph } from "./lineage-graph";

/** Models → Registry: registered models with their aliases (searchable by name, alias or tag). */
export function RegistryPanel() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [search, setSearch] = useState("");
  const list = useQuery(trpc.models.list.queryOptions({ workspaceId: ws.id, ...(search.trim() ? { search: search.trim() } : {}) }));
  const [name, setName] = useState("");
  const create = useMutation(trpc.models.create.mutationOptions({ onSuccess: () => { setName(""); void qc.invalidateQueries({ queryKey: trpc.models.list.queryKey() }); } }));
  return (
    <section className="card" data-testid="registry">
      <div className="flex flex-wrap items-center gap-3 border-b border-zinc-200 px-4 py-3">
        <h2 className="text-sm font-semibold">Model registry</h2>
        <input aria-label="Search models" className="input w-64 py-1" placeholder="name, alias or tag" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      {list.data?.length ? (
        <DataTable
          rows={list.data}
          rowKey={(m) => m.id}
          columns={[
            {
              header: "Model",
              cell: (m) => (
                <Link className="text-brand-700 hover:underline" href={`/w/${ws.slug}/models/registry/${m.id}`}>
                  {m.name}
                </Link>
              ),
            },
            {
              header: "Aliases",
              cell: (m) =>
                m.aliases.map((a) => (
                  <span key={a.name}>
                    <AliasChip name={a.name} protectedAlias={a.protected} />
                    <span className="mr-2 text-xs text-zinc-500">v{a.version}</span>
                  </span>
                )),
            },
            { header: "Versions", cell: (m) => m.versionCount },
            { header: "Latest", className: "text-zinc-600", cell: (m) => (m.latest ? `v${m.latest.version} · ${m.latest.baseModel ?? ""}` : "—") },
          ]}
        />
      ) : (
        <p className="px-4 py-3 text-sm text-zinc-500">{list.isLoading ? "Loading…" : "No registered models yet. Register a finished fine-tune from its page, or an external served model."}</p>
      )}
      {ws.can("admin") && (
        <form className="flex gap-2 border-t border-zinc-200 p-4" onSubmit={(e) => { e.preventDefault(); create.mutate({ workspaceId: ws.id, name }); }}>
          <input aria-label="New model name" className="input max-w-xs" placeholder="new model name" required value={name} onChange={(e) => setName(e.target.value)} />
          <button className="btn-secondary" type="submit">Create model</button>
          {create.error && <span role="alert" className="text-sm text-red-600">{errorMessage(create.error)}</span>}
        </form>
      )}
    </section>
  );
}

/** A registered model: versions (immutable), aliases (set / move / protect with a gate), alias history with rollback. */
export function ModelView({ modelId }: { modelId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const m = useQuery(trpc.models.get.queryOptions({ workspaceId: ws.id, modelId }));
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.models.get.queryKey() });
  const setAlias = useMutation(trpc.models.setAlias.mutationOptions({ onSuccess: invalidate }));
  const rollback = useMutation(trpc.models.rollbackAlias.mutationOptions({ onSuccess: invalidate }));
  const protect = useMutation(trpc.models.protectAlias.mutationOptions({ onSuccess: invalidate }));
  const removeAlias = useMutation(trpc.models.removeAlias.mutationOptions({ onSuccess: invalidate }));
  const [aliasForm, setAliasForm] = useState({ alias: "staging", versionId: "" });
  const [gate, setGate] = useState({ alias: "", drop: "1", reduction: "10" });
  const err = setAlias.error ?? rollback.error ?? protect.error ?? removeAlias.error;
  if (m.error) return <p role="alert" className="text-sm text-red-600">{errorMessage(m.error)}</p>;
  if (!m.data) return <p className="text-sm text-zinc-500">Loading…</p>;
  const d = m.data;
  const versionId = aliasForm.versionId || d.versions[0]?.id || "";
  return (
    <div className="space-y-6" data-testid="model-view">
      <div>
        <h1 className="text-xl font-semibold tracking-tight">{d.name}</h1>
        {d.description && <p className="text-sm text-zinc-600">{d.description}</p>}
        <div className="mt-2">
          {d.aliases.map((a) => (
            <span key={a.name} className="mr-2">
              <AliasChip name={a.name} protectedAlias={a.protected} /> <span className="text-xs text-zinc-500">→ v{a.version}</span>
            </span>
          ))}
        </div>
      </div>
      {err && <p role="alert" data-testid="model-error" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">{errorMessage(err)}</p>}
      <section className="card" data-testid="versions">
        <h2 className="border-b border-zinc-200 px-4 py-3 text-sm font-semibold">Versions</h2>
        <DataTable
          rows={d.versions}
          rowKey={(v) => v.id}
          rowTestId={(v) => `version-row-${v.version}`}
          columns={[
            {
              header: "Version",
              cell: (v) => (
                <Link className="text-brand-700 hover:underline" href={`/w/${ws.slug}/models/versions/${v.id}`}>
                  v{v.version}
                </Link>
              ),
            },
            { header: "Aliases", cell: (v) => v.aliases.map((a) => <AliasChip key={a.name} name={a.name} protectedAlias={a.protected} />) },
            {
              header: "Source",
              cell: (v) =>
                v.fineTune ? (
                  <Link className="text-brand-700 hover:underline" href={`/w/${ws.slug}/models/finetunes/${v.fineTune.id}`}>
                    {v.fineTune.provider} fine-tune{v.checkpoint ? ` @ step ${v.checkpoint.step}` : ""}
                  </Link>
                ) : (
                  "external"
                ),
            },
            { header: "Serving", className: "font-mono text-xs", cell: (v) => (v.endpoint ? `${v.endpoint.name} · ${v.servingModel ?? ""}` : "—") },
            { header: "Tags", cell: (v) => v.tags.join(", ") },
            { header: "Created", className: "text-zinc-500", cell: (v) => new Date(v.createdAt).toLocaleString() },
          ]}
        />
      </section>
      {ws.can("admin") && <ExternalVersionForm modelId={modelId} />}
      {ws.can("curator") && d.versions.length > 0 && (
        <section className="card p-4" data-testid="alias-form">
          <h2 className="mb-2 text-sm font-semibold">Set or move an alias</h2>
          <form className="flex flex-wrap items-end gap-2" onSubmit={(e) => { e.preventDefault(); setAlias.mutate({ workspaceId: ws.id, modelId, alias: aliasForm.alias, versionId }); }}>
            <label>
              <span className="label">Alias</span>
              <input aria-label="Alias" className="input w-40" list="alias-suggestions" value={aliasForm.alias} onChange={(e) => setAliasForm({ ...aliasForm, alias: e.target.value })} />
              <datalist id="alias-suggestions">
                <option value="champion" />
                <option value="staging" />
                {d.aliases.map((a) => (
                  <option key={a.name} value={a.name} />
                ))}
              </datalist>
            </label>
            <label>
              <span className="label">Version</span>
              <select aria-label="Alias version" className="input w-28" value={versionId} onChange={(e) => setAliasForm({ ...aliasForm, versionId: e.target.value })}>
                {d.versions.map((v) => (
                  <option key={v.id} value={v.id}>
                    v{v.version}
                  </option>
                ))}
              </select>
            </label>
            <button className="btn-primary" type="submit" disabled={setAlias.isPending}>Set alias</button>
          </form>
        </section>
      )}
      {d.aliases.length > 0 && (
        <section className="card" data-testid="aliases">
          <h2 className="border-b border-zinc-200 px-4 py-3 text-sm font-semibold">Aliases</h2>
          <ul className="divide-y divide-zinc-100 text-sm">
            {d.aliases.map((a) => (
              <li key={a.name} className="flex flex-wrap items-center gap-2 px-4 py-2">
                <AliasChip name={a.name} protectedAlias={a.protected} /> → v{a.version}
                {a.gate && (
                  <span className="text-xs text-zinc-600">
                    gate: accuracy drop ≤ {a.gate.maxAccuracyDrop ?? "any"} pts · sequential cut ≥ {a.gate.minSequentialReduction === null ? "any" : `${Math.round(a.gate.minSequentialReduction * 100)} %`}
                  </span>
                )}
                <span className="flex-1" />
                {ws.can("admin") && (
                  <button className="btn-secondary" onClick={() => protect.mutate({ workspaceId: ws.id, modelId, alias: a.name, protected: !a.protected })}>
                    {a.protected ? "Unprotect" : "Protect"}
                  </button>
                )}
                {ws.can("admin") && a.protected && (
                  <button className="btn-secondary" onClick={() => setGate({ ...gate, alias: a.name })}>
                    Gate…
                  </button>
                )}
                {ws.can(a.protected ? "admin" : "curator") && (
                  <button className="btn-danger" onClick={() => confirm(`Remove @${a.name}?`) && removeAlias.mutate({ workspaceId: ws.id, modelId, alias: a.name })}>
                    Remove
                  </button>
                )}
              </li>
            ))}
          </ul>
          {gate.alias && (
            <form
              className="flex flex-wrap items-end gap-2 border-t border-zinc-200 p-4 text-sm"
              onSubmit={(e) => {
                e.preventDefault();
                protect.mutate({ workspaceId: ws.id, modelId, alias: gate.alias, protected: true, gate: { maxAccuracyDrop: gate.drop === "" ? null : Number(gate.drop), minSequentialReduction: gate.reduction === "" ? null : Number(gate.reduction) / 100 } });
                setGate({ ...gate, alias: "" });
              }}
            >
              <span className="font-medium">Promotion gate of @{gate.alias}:</span>
              <label>
                accuracy not below baseline by more than <input aria-label="Max accuracy drop" className="input inline w-20 py-1" type="number" step="any" min="0" value={gate.drop} onChange={(e) => setGate({ ...gate, drop: e.target.value })} /> points
              </label>
              <label>
                sequential tokens cut by at least <input aria-label="Min sequential reduction" className="input inline w-20 py-1" type="number" step="any" min="0" max="100" value={gate.reduction} onChange={(e) => setGate({ ...gate, reduction: e.target.value })} /> %
              </label>
              <button className="btn-primary" type="submit">Save gate</button>
            </form>
          )}
        </section>
      )}
      <section className="card" data-testid="alias-history">
        <h2 className="border-b border-zinc-200 px-4 py-3 text-sm font-semibold">Alias history</h2>
        {d.history.length ? (
          <ul className="divide-y divide-zinc-100 text-sm">
            {d.history.map((h) => (
              <li key={h.id} className="flex flex-wrap items-center gap-2 px-4 py-2">
                <span className="text-zinc-500">{new Date(h.at).toLocaleString()}</span>
                <span>
                  <strong>{h.actor ?? "someone"}</strong> {h.action} <AliasChip name={h.alias} /> {h.from !== null && `v${h.from} → `}
                  {h.to !== null ? `v${h.to}` : "(removed)"} {h.note && <span className="text-xs text-zinc-500">({h.note})</span>}
                </span>
                <span className="flex-1" />
                {h.fromVersionId && ["move", "rollback"].includes(h.action) && ws.can("curator") && (
                  <button className="btn-secondary" onClick={() => rollback.mutate({ workspaceId: ws.id, modelId, eventId: h.id })}>
                    Roll back to v{h.from}
                  </button>
                )}
              </li>
            ))}
          </ul>
        ) : (
          <p className="px-4 py-3 text-sm text-zinc-500">No alias changes yet.</p>
        )}
      </section>
    </div>
  );
}

/** Registers an external model already served somewhere (an endpoint) or stored somewhere (artifact) as a new version. */
function ExternalVersionForm({ modelId }: { modelId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const endpoints = useQuery(trpc.endpoints.list.queryOptions({ workspaceId: ws.id }));
  const [f, setF] = useState({ endpointId: "", servingModel: "", baseModel: "", artifactUri: "", tags: "", notes: "" });
  const register = useMutation(trpc.models.register.mutationOptions({ onSuccess: () => { setF({ endpointId: "", servingModel: "", baseModel: "", artifactUri: "", tags: "", notes: "" }); void qc.invalidateQueries({ queryKey: trpc.models.get.queryKey() }); } }));
  return (
    <section className="card p-4" data-testid="external-version-form">
      <h2 className="mb-2 text-sm font-semibold">Register an external model as a new version</h2>
      <form
        className="grid gap-2 md:grid-cols-3"
        onSubmit={(e) => {
          e.preventDefault();
          register.mutate({
            workspaceId: ws.id,
            modelId,
            source: { kind: "external" },
            ...(f.endpointId ? { endpointId: f.endpointId } : {}),
            ...(f.servingModel ? { servingModel: f.servingModel } : {}),
            ...(f.baseModel ? { baseModel: f.baseModel } : {}),
            ...(f.artifactUri ? { artifactUri: f.artifactUri } : {}),
            tags: f.tags.split(",").map((t) => t.trim()).filter(Boolean),
            ...(f.notes ? { notes: f.notes } : {}),
          });
        }}
      >
        <select aria-label="Serving endpoint" className="input" value={f.endpointId} onChange={(e) => setF({ ...f, endpointId: e.target.value })}>
          <option value="">no endpoint</option>
          {endpoints.data?.map((ep) => (
            <option key={ep.id} value={ep.id}>
              {ep.name} · {ep.model}
            </option>
          ))}
        </select>
        <input aria-label="Served model name" className="input" placeholder="served model name (default: the endpoint's)" value={f.servingModel} onChange={(e) => setF({ ...f, servingModel: e.target.value })} />
        <input aria-label="Base model" className="input" placeholder="base model" value={f.baseModel} onChange={(e) => setF({ ...f, baseModel: e.target.value })} />
        <input aria-label="Artifact location" className="input" placeholder="artifact (hf://…, s3://…)" value={f.artifactUri} onChange={(e) => setF({ ...f, artifactUri: e.target.value })} />
        <input aria-label="Tags" className="input" placeholder="tags, comma-separated" value={f.tags} onChange={(e) => setF({ ...f, tags: e.target.value })} />
        <input aria-label="Notes" className="input" placeholder="notes" value={f.notes} onChange={(e) => setF({ ...f, notes: e.target.value })} />
        <div className="md:col-span-3">
          <button className="btn-secondary" type="submit" disabled={register.isPending}>Register version</button>
          {register.error && <span role="alert" className="ml-3 text-sm text-red-600">{errorMessage(register.error)}</span>}
        </div>
      </form>
    </section>
  );
}

/** One immutable version: details, aliases, Open in playground, Evaluate, model card, lineage. */
export function VersionView({ versionId }: { versionId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const v = useQuery(trpc.models.version.queryOptions({ workspaceId: ws.id, versionId }));
  const [card, setCard] = useState(false);
  const mc = useQuery({ ...trpc.models.modelCard.queryOptions({ workspaceId: ws.id, versionId }), enabled: card });
  if (v.error) return <p role="alert" className="text-sm text-red-600">{errorMessage(v.error)}</p>;
  if (!v.data) return <p className="text-sm text-zinc-500">Loading…</p>;
  const d = v.data;
  return (
    <div className="space-y-6" data-testid="version-view">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold tracking-tight">
          {d.registeredModel ? <Link className="text-brand-700 hover:underline" href={`/w/${ws.slug}/models/registry/${d.registeredModel.id}`}>{d.name}</Link> : d.name} v{d.version}
        </h1>
        {d.aliases.map((a) => (
          <AliasChip key={a.name} name={a.name} protectedAlias={a.protected} />
        ))}
        <span className="flex-1" />
        {d.endpointId ? (
          <Link className="btn-primary" href={`/w/${ws.slug}/playground?modelVersion=${d.id}`}>Open in playground</Link>
        ) : (
          <span className="text-xs text-zinc-500" title="Register a version with a serving endpoint to run it">not served: no playground</span>
        )}
        <Link className="btn-secondary" href={`/w/${ws.slug}/evaluations?modelVersion=${d.id}`}>Evaluate</Link>
        <button className="btn-secondary" onClick={() => setCard(true)}>Model card</button>
      </div>
      <section className="card p-4 text-sm">
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
          <dt className="text-zinc-500">Base model</dt>
          <dd className="font-mono text-xs">{d.baseModel ?? "—"}</dd>
          <dt className="text-zinc-500">Source</dt>
          <dd>{d.fineTune ? <Link className="text-brand-700 hover:underline" href={`/w/${ws.slug}/models/finetunes/${d.fineTune.id}`}>{d.fineTune.name ?? d.fineTune.id}</Link> : "external model"}{d.checkpoint ? ` · checkpoint step ${d.checkpoint.step}` : ""}</dd>
          <dt className="text-zinc-500">Artifact</dt>
          <dd className="font-mono text-xs break-all">{d.artifactUri ?? "—"}</dd>
          <dt className="text-zinc-500">Serving</dt>
          <dd className="font-mono text-xs">{d.endpoint ? `${d.endpoint.name} (${d.endpoint.baseUrl}) · model ${d.servingModel ?? d.endpoint.model}` : "—"}</dd>
          <dt className="text-zinc-500">Tags</dt>
          <dd>{d.tags.join(", ") || "—"}</dd>
          <dt className="text-zinc-500">Notes</dt>
          <dd>{d.notes ?? "—"}</dd>
          <dt className="text-zinc-500">Created</dt>
          <dd>{new Date(d.createdAt).toLocaleString()} by {d.createdBy ?? "—"}</dd>
          <dt className="text-zinc-500">Evaluations</dt>
          <dd>{d.evaluations.length ? d.evaluations.map((e) => `${e.name ?? e.runId}: ${(e.accuracy * 100).toFixed(1)} % (baseline ${(e.baselineAccuracy * 100).toFixed(1)} %), sequential −${(e.sequentialTokenReduction * 100).toFixed(0)} %`).join("; ") : "none yet"}</dd>
        </dl>
      </section>
      {card && (
        <section className="card p-4" data-testid="model-card">
          <div className="mb-2 flex items-center gap-2">
            <h2 className="text-sm font-semibold">Hugging Face model card (README.md)</h2>
            {mc.data && (
              <a className="btn-secondary" download="README.md" href={`data:text/markdown;charset=utf-8,${encodeURIComponent(mc.data.content)}`}>
                Download
              </a>
            )}
          </div>
          <pre className="max-h-96 overflow-auto rounded bg-zinc-50 p-3 text-xs">{mc.data?.content ?? "Loading…"}</pre>
        </section>
      )}
      <section className="card p-4">
        <h2 className="mb-2 text-sm font-semibold">Lineage</h2>
        <LineageGraph kind="version" id={d.id} />
      </section>
    </div>
  );
}
