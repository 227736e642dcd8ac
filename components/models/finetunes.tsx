"use client";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { DataTable } from "../data-table";
import { useWorkspace } from "../workspace-context";
import { FineTuneStatusBadge } from "./status";

type Kind = "together" | "openai" | "hf-jobs" | "ray";
const KIND_LABEL: Record<Kind, string> = { together: "Together AI", openai: "OpenAI", "hf-jobs": "Hugging Face Jobs", ray: "Ray cluster" };
const STATUSES = ["validating", "queued", "running", "succeeded", "failed", "cancelled"] as const;

/** Models → Fine-tunes: the job list (filters), the launch form (recipe preset, limits, price) and provider accounts. */
export function FineTunesPanel() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const [status, setStatus] = useState<(typeof STATUSES)[number] | "">("");
  const [provider, setProvider] = useState<Kind | "">("");
  const [search, setSearch] = useState("");
  const jobs = useQuery({
    ...trpc.finetune.list.queryOptions({ workspaceId: ws.id, ...(status ? { status } : {}), ...(provider ? { provider } : {}), ...(search.trim() ? { search: search.trim() } : {}) }),
    refetchInterval: 3000,
  });
  return (
    <div className="space-y-6">
      {ws.can("admin") && <LaunchForm />}
      <section className="card" data-testid="finetune-list">
        <div className="flex flex-wrap items-center gap-3 border-b border-zinc-200 px-4 py-3">
          <h2 className="text-sm font-semibold">Fine-tunes</h2>
          <select aria-label="Filter by status" className="input w-auto py-1" value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            <option value="">any status</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
          <select aria-label="Filter by provider" className="input w-auto py-1" value={provider} onChange={(e) => setProvider(e.target.value as typeof provider)}>
            <option value="">any provider</option>
            {(Object.keys(KIND_LABEL) as Kind[]).map((k) => (
              <option key={k} value={k}>
                {KIND_LABEL[k]}
              </option>
            ))}
          </select>
          <input aria-label="Search fine-tunes" className="input w-56 py-1" placeholder="name or base model" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
        {jobs.data?.length ? (
          <DataTable
            rows={jobs.data}
            rowKey={(j) => j.id}
            columns={[
              {
                header: "Name",
                cell: (j) => (
                  <Link className="text-brand-700 hover:underline" href={`/w/${ws.slug}/models/finetunes/${j.id}`}>
                    {j.name ?? j.id}
                  </Link>
                ),
              },
              { header: "Provider", cell: (j) => j.providerRow?.name ?? j.provider },
              { header: "Base model", className: "font-mono text-xs", cell: (j) => `${j.baseModel} · ${j.method === "full" ? "full" : "LoRA"}` },
              { header: "Data", cell: (j) => (j.snapshot ? `${j.snapshot.dataset.name} v${j.snapshot.number}` : "—") },
              { header: "Status", cell: (j) => <FineTuneStatusBadge status={j.status} /> },
              { header: "Started", className: "text-zinc-500", cell: (j) => new Date(j.createdAt).toLocaleString() },
            ]}
          />
        ) : (
          <p className="px-4 py-3 text-sm text-zinc-500">{jobs.isLoading ? "Loading…" : "No fine-tunes match."}</p>
        )}
      </section>
      <ProvidersPanel />
    </div>
  );
}

function LaunchForm() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const defaults = useQuery(trpc.finetune.defaults.queryOptions({ workspaceId: ws.id }));
  const providers = useQuery(trpc.finetune.providers.queryOptions({ workspaceId: ws.id }));
  const datasets = useQuery(trpc.datasets.list.queryOptions({ workspaceId: ws.id }));
  const [datasetId, setDatasetId] = useState("");
  const snapshots = useQuery({ ...trpc.snapshots.list.queryOptions({ workspaceId: ws.id, datasetId }), enabled: Boolean(datasetId) });
  const recipe = defaults.data?.recipe;
  const [f, setF] = useState({ providerId: "", snapshotId: "", baseModel: "", method: "full" as "full" | "lora", epochs: "5", learningRate: "0.00001", batchSize: "8", maxSeqLength: "16384", seed: "42", packing: false, loraR: "64", loraAlpha: "128", deepspeedZero3: true });
  useEffect(() => {
    if (recipe && !f.baseModel) {
      const h = recipe.hyperparams;
      setF((x) => ({ ...x, baseModel: recipe.baseModel, method: recipe.method, epochs: String(h.epochs), learningRate: String(h.learningRate), batchSize: String(h.batchSize), maxSeqLength: String(h.maxSeqLength), seed: String(h.seed), packing: h.packing, deepspeedZero3: Boolean(h.deepspeedZero3) }));
    }
  }, [recipe, f.baseModel]);
  const providerId = f.providerId || providers.data?.[0]?.id || "";
  const snapshotId = f.snapshotId || snapshots.data?.[0]?.id || "";
  const input = {
    workspaceId: ws.id,
    providerId,
    snapshotId,
    baseModel: f.baseModel,
    method: f.method,
    hyperparams: {
      epochs: Number(f.epochs),
      learningRate: Number(f.learningRate),
      batchSize: Number(f.batchSize),
      maxSeqLength: Number(f.maxSeqLength),
      seed: Number(f.seed),
      packing: f.packing,
      deepspeedZero3: f.deepspeedZero3,
      ...(f.method === "lora" ? { loraR: Number(f.loraR), loraAlpha: Number(f.loraAlpha) } : {}),
    },
  };
  const quote = useMutation(trpc.finetune.quote.mutationOptions());
  const launch = useMutation(
    trpc.finetune.launch.mutationOptions({
      onSuccess: (r) => {
        void qc.invalidateQueries({ queryKey: trpc.finetune.list.queryKey() });
        if (r.trainerToken) window.sessionStorage.setItem(`sprint-trainer-token:${r.id}`, r.trainerToken);
        router.push(`/w/${ws.slug}/models/finetunes/${r.id}`);
      },
    }),
  );
  const set = (k: keyof typeof f, v: string | boolean) => setF((x) => ({ ...x, [k]: v }));
  const num = (k: "epochs" | "learningRate" | "batchSize" | "maxSeqLength" | "seed" | "loraR" | "loraAlpha", label: string, step = "1") => (
    <label className="block">
      <span className="label">{label}</span>
      <input aria-label={label} className="input" type="number" step={step} value={f[k]} onChange={(e) => set(k, e.target.value)} required />
    </label>
  );
  const kind = providers.data?.find((p) => p.id === providerId)?.kind as Kind | undefined;
  return (
    <section className="card" data-testid="launch-form">
      <h2 className="border-b border-zinc-200 px-4 py-3 text-sm font-semibold">Launch a fine-tune</h2>
      {providers.data && providers.data.length === 0 ? (
        <p className="px-4 py-3 text-sm text-zinc-600">Add a provider account below first.</p>
      ) : (
        <form
          className="grid gap-3 p-4 md:grid-cols-4"
          onSubmit={(e) => {
            e.preventDefault();
            launch.mutate({ ...input, ...(quote.data?.prepared.trainFileId ? { prepared: quote.data.prepared } : {}) });
          }}
        >
          <label className="block">
            <span className="label">Provider</span>
            <select aria-label="Provider" className="input" value={providerId} onChange={(e) => { set("providerId", e.target.value); quote.reset(); }}>
              {providers.data?.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({KIND_LABEL[p.kind as Kind] ?? p.kind})
                </option>
              ))}
            </select>
          </label>
          <label className="block">
            <span className="label">Dataset</span>
            <select aria-label="Dataset" className="input" value={datasetId} onChange={(e) => { setDatasetId(e.target.value); set("snapshotId", ""); quote.reset(); }} required>
              <option value="">choose…</option>
              {datasets.data?.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
          <label className="block">
            <span className="label">Snapshot</span>
            <select aria-label="Snapshot" className="input" value={snapshotId} onChange={(e) => { set("snapshotId", e.target.value); quote.reset(); }} required>
              {snapshots.data?.length ? null : <option value="">{datasetId ? "no snapshot yet" : "choose a dataset"}</option>}
              {snapshots.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  v{s.number} · {s.itemCount} items
                </option>
              ))}
            </select>
          </label>
          <label className="block">
            <span className="label">Base model</span>
            <input aria-label="Base model" className="input font-mono" value={f.baseModel} onChange={(e) => { set("baseModel", e.target.value); quote.reset(); }} required />
          </label>
          <fieldset className="md:col-span-4">
            <legend className="label">Method</legend>
            <label className="mr-4 text-sm">
              <input type="radio" name="method" checked={f.method === "full"} onChange={() => set("method", "full")} /> Full fine-tune (the paper&apos;s recipe)
            </label>
            <label className="text-sm">
              <input type="radio" name="method" checked={f.method === "lora"} onChange={() => set("method", "lora")} /> LoRA
            </label>
            {f.method === "lora" && (
              <p role="note" className="mt-1 rounded bg-amber-50 px-2 py-1 text-sm text-amber-800">
                {recipe?.loraWarning ?? "LoRA did not learn the SPRINT format in the paper."}
              </p>
            )}
          </fieldset>
          {num("epochs", "Epochs")}
          {num("learningRate", "Learning rate", "any")}
          {num("batchSize", "Batch size")}
          {num("maxSeqLength", "Max sequence length")}
          {num("seed", "Seed")}
          {f.method === "lora" && num("loraR", "LoRA rank")}
          {f.method === "lora" && num("loraAlpha", "LoRA alpha")}
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={f.packing} onChange={(e) => set("packing", e.target.checked)} /> Packing
          </label>
          {(kind === "hf-jobs" || kind === "ray") && (
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={f.deepspeedZero3} onChange={(e) => set("deepspeedZero3", e.target.checked)} /> DeepSpeed ZeRO-3
            </label>
          )}
          <p className="text-xs text-zinc-500 md:col-span-4">
            Preset: the SPRINT paper&apos;s recipe — full fine-tune of {recipe?.baseModel ?? "DeepSeek-R1-Distill-Qwen-7B"}, 5 epochs, lr 1e-5, bf16{kind === "openai" ? " (OpenAI takes a learning-rate multiplier and no sequence length: those two are not sent)" : ""}.
          </p>
          <div className="flex flex-wrap items-center gap-3 md:col-span-4">
            <button type="button" className="btn-secondary" disabled={!providerId || !snapshotId || quote.isPending} onClick={() => quote.mutate(input)}>
              {quote.isPending ? "Checking…" : "Check limits & price"}
            </button>
            <button type="submit" className="btn-primary" disabled={!providerId || !snapshotId || launch.isPending}>
              {launch.isPending ? "Launching…" : "Launch fine-tune"}
            </button>
            {quote.data && (
              <span className="text-sm text-zinc-700" data-testid="quote">
                {quote.data.limits
                  ? `Limits: ${quote.data.limits.supportsFull ? "full ✓" : "full ✗"} · ${quote.data.limits.supportsLora ? "LoRA ✓" : "LoRA ✗"}${quote.data.limits.maxSeqLength ? ` · max seq ${quote.data.limits.maxSeqLength}` : ""}`
                  : "No published limits for this provider."}
                {" · "}
                {quote.data.price !== null ? `Estimated price $${quote.data.price.toFixed(2)}` : "no price estimate"}
              </span>
            )}
            {(quote.error ?? launch.error) && (
              <span role="alert" className="text-sm text-red-600">
                {errorMessage(quote.error ?? launch.error)}
              </span>
            )}
          </div>
        </form>
      )}
    </section>
  );
}

function ProvidersPanel() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const isAdmin = ws.can("admin");
  const list = useQuery(trpc.finetune.providers.queryOptions({ workspaceId: ws.id }));
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.finetune.providers.queryKey() });
  const [f, setF] = useState({ name: "", kind: "together" as Kind, baseUrl: "", apiKey: "", webhookSecret: "", namespace: "", flavor: "a100-large", image: "", gpus: "8", workingDir: "" });
  const create = useMutation(trpc.finetune.createProvider.mutationOptions({ onSuccess: () => { setF((x) => ({ ...x, name: "", apiKey: "", webhookSecret: "" })); void refresh(); } }));
  const remove = useMutation(trpc.finetune.removeProvider.mutationOptions({ onSuccess: refresh }));
  const config = f.kind === "hf-jobs" ? { namespace: f.namespace, flavor: f.flavor, ...(f.image ? { image: f.image } : {}) } : f.kind === "ray" ? { gpus: Number(f.gpus), ...(f.workingDir ? { workingDir: f.workingDir } : {}) } : {};
  return (
    <section className="card" data-testid="providers-panel">
      <h2 className="border-b border-zinc-200 px-4 py-3 text-sm font-semibold">Provider accounts</h2>
      <p className="px-4 pt-3 text-sm text-zinc-600">Keys are encrypted at rest and never shown again. HF Jobs and Ray run the project&apos;s trainer (trainer/), which calls back with a per-job token.</p>
      {list.data?.length ? (
        <ul className="divide-y divide-zinc-100 text-sm">
          {list.data.map((p) => (
            <li key={p.id} className="flex items-center justify-between gap-2 px-4 py-2">
              <span>
                <strong>{p.name}</strong> · {KIND_LABEL[p.kind as Kind] ?? p.kind} {p.baseUrl && <code className="text-xs">{p.baseUrl}</code>} · key {p.apiKey.set ? p.apiKey.hint : "none"}
                {p.kind === "openai" && <> · webhook {p.webhookSecret.set ? <code className="text-xs">/api/finetune/webhooks/openai/{p.id}</code> : "not set (polling)"}</>}
              </span>
              {isAdmin && <button className="btn-danger" onClick={() => confirm(`Remove provider ${p.name}?`) && remove.mutate({ workspaceId: ws.id, providerId: p.id })}>Remove</button>}
            </li>
          ))}
        </ul>
      ) : (
        <p className="px-4 py-3 text-sm text-zinc-500">No provider accounts yet.</p>
      )}
      {isAdmin && (
        <form
          className="grid gap-3 border-t border-zinc-200 p-4 md:grid-cols-4"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ workspaceId: ws.id, name: f.name, kind: f.kind, baseUrl: f.baseUrl || null, apiKey: f.apiKey || null, webhookSecret: f.webhookSecret || null, config });
          }}
        >
          <input aria-label="Provider name" className="input" placeholder="name" required value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} />
          <select aria-label="Provider kind" className="input" value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value as Kind })}>
            {(Object.keys(KIND_LABEL) as Kind[]).map((k) => (
              <option key={k} value={k}>
                {KIND_LABEL[k]}
              </option>
            ))}
          </select>
          <input aria-label="Provider base URL" className="input" placeholder={f.kind === "ray" ? "http://head-node:8265" : "base URL (optional)"} value={f.baseUrl} onChange={(e) => setF({ ...f, baseUrl: e.target.value })} />
          <input aria-label="Provider API key" className="input" type="password" autoComplete="off" placeholder={f.kind === "hf-jobs" ? "hf_… token" : "API key"} value={f.apiKey} onChange={(e) => setF({ ...f, apiKey: e.target.value })} />
          {f.kind === "openai" && <input aria-label="Webhook secret" className="input md:col-span-2" type="password" autoComplete="off" placeholder="webhook signing secret whsec_… (optional)" value={f.webhookSecret} onChange={(e) => setF({ ...f, webhookSecret: e.target.value })} />}
          {f.kind === "hf-jobs" && (
            <>
              <input aria-label="HF namespace" className="input" placeholder="namespace (user or org)" required value={f.namespace} onChange={(e) => setF({ ...f, namespace: e.target.value })} />
              <input aria-label="HF flavor" className="input" placeholder="flavor, e.g. a100-large" value={f.flavor} onChange={(e) => setF({ ...f, flavor: e.target.value })} />
              <input aria-label="Trainer image" className="input md:col-span-2" placeholder="trainer image (default ghcr.io/sprint-studio/trainer:latest)" value={f.image} onChange={(e) => setF({ ...f, image: e.target.value })} />
            </>
          )}
          {f.kind === "ray" && (
            <>
              <input aria-label="GPUs" className="input" type="number" min="0" value={f.gpus} onChange={(e) => setF({ ...f, gpus: e.target.value })} />
              <input aria-label="Working dir" className="input md:col-span-2" placeholder="runtime_env working_dir holding trainer/ (e.g. s3://…/trainer.zip)" value={f.workingDir} onChange={(e) => setF({ ...f, workingDir: e.target.value })} />
            </>
          )}
          <div className="md:col-span-4">
            <button className="btn-primary" type="submit" disabled={create.isPending}>Add provider</button>
            {(create.error ?? remove.error) && <span role="alert" className="ml-3 text-sm text-red-600">{errorMessage(create.error ?? remove.error)}</span>}
          </div>
        </form>
      )}
    </section>
  );
}
