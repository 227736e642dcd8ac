"use client";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "../workspace-context";
import { FineTuneStatusBadge } from "./status";
import { LineageGraph } from "./lineage-graph";

const STEPS = ["validating", "queued", "running", "succeeded"] as const;

/** One fine-tune: status timeline, live loss chart, event log, checkpoints, cancel, register as a model version. */
export function FineTuneJobView({ jobId }: { jobId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const job = useQuery({ ...trpc.finetune.get.queryOptions({ workspaceId: ws.id, jobId }), refetchInterval: (q) => (q.state.data && ["succeeded", "failed", "cancelled"].includes(q.state.data.status) ? false : 2000) });
  const live = job.data ? !["succeeded", "failed", "cancelled"].includes(job.data.status) : true;
  // Metrics keep refreshing for a few seconds after the end (the last poll writes them together with the status).
  const finishedAt = job.data?.finishedAt ? new Date(job.data.finishedAt).getTime() : null;
  const metrics = useQuery({ ...trpc.finetune.metrics.queryOptions({ workspaceId: ws.id, jobId }), refetchInterval: live || (finishedAt !== null && Date.now() - finishedAt < 10_000) ? 2000 : false });
  const events = useEventLog(jobId, live);
  const cancel = useMutation(trpc.finetune.cancel.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.finetune.get.queryKey() }) }));
  const refresh = useMutation(trpc.finetune.refresh.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.finetune.get.queryKey() }) }));
  const [token, setToken] = useState<string | null>(null);
  useEffect(() => setToken(window.sessionStorage.getItem(`sprint-trainer-token:${jobId}`)), [jobId]);
  if (job.error) return <p role="alert" className="text-sm text-red-600">{errorMessage(job.error)}</p>;
  const j = job.data;
  if (!j) return <p className="text-sm text-zinc-500">Loading…</p>;
  const hp = (j.hyperparams ?? {}) as Record<string, unknown>;
  const reached = j.status === "failed" || j.status === "cancelled" ? STEPS.indexOf("running") : STEPS.indexOf(j.status as (typeof STEPS)[number]);
  return (
    <div className="space-y-6" data-testid="finetune-job">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold tracking-tight">{j.name ?? j.id}</h1>
        <FineTuneStatusBadge status={j.status} />
        <span className="flex-1" />
        {ws.can("curator") && live && <button className="btn-secondary" onClick={() => refresh.mutate({ workspaceId: ws.id, jobId })}>Refresh now</button>}
        {ws.can("admin") && live && (
          <button className="btn-danger" onClick={() => confirm("Cancel this fine-tune at the provider?") && cancel.mutate({ workspaceId: ws.id, jobId })}>
            Cancel fine-tune
          </button>
        )}
      </div>
      {(cancel.error ?? refresh.error) && <p role="alert" className="text-sm text-red-600">{errorMessage(cancel.error ?? refresh.error)}</p>}
      <ol className="flex items-center gap-2 text-sm" aria-label="Status timeline" data-testid="status-timeline">
        {STEPS.map((s, i) => (
          <li key={s} className="flex items-center gap-2">
            <span className={`rounded-full px-2 py-0.5 ${i <= reached ? (i === reached && live ? "bg-blue-600 text-white" : "bg-brand-100 text-brand-700") : "bg-zinc-100 text-zinc-400"}`}>{s}</span>
            {i < STEPS.length - 1 && <span className="text-zinc-300">→</span>}
          </li>
        ))}
        {(j.status === "failed" || j.status === "cancelled") && <li className="rounded-full bg-red-100 px-2 py-0.5 text-red-800">{j.status}</li>}
      </ol>
      {j.error && <p role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">{j.error}</p>}
      <div className="grid gap-4 md:grid-cols-3">
        <section className="card p-4 text-sm md:col-span-1">
          <h2 className="mb-2 font-semibold">Run</h2>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
            <dt className="text-zinc-500">Provider</dt>
            <dd>{j.providerRow?.name ?? j.provider} ({j.provider})</dd>
            <dt className="text-zinc-500">Provider job</dt>
            <dd className="font-mono text-xs break-all">{j.providerJobId ?? "—"}</dd>
            <dt className="text-zinc-500">Base model</dt>
            <dd className="font-mono text-xs break-all">{j.baseModel}</dd>
            <dt className="text-zinc-500">Method</dt>
            <dd>{j.method === "full" ? "full fine-tune" : "LoRA"}</dd>
            {Object.entries(hp).map(([k, v]) => (
              <FragmentRow key={k} k={k} v={String(v)} />
            ))}
            <dt className="text-zinc-500">Data</dt>
            <dd>{j.snapshot ? <Link className="text-brand-700 hover:underline" href={`/w/${ws.slug}/studio/${j.snapshot.dataset.id}`}>{j.snapshot.dataset.name} v{j.snapshot.number}</Link> : "—"}</dd>
            <dt className="text-zinc-500">Content hash</dt>
            <dd className="font-mono text-xs break-all">{j.snapshotHash ?? "—"}</dd>
            {j.priceEstimate !== null && (
              <>
                <dt className="text-zinc-500">Price estimate</dt>
                <dd>${j.priceEstimate.toFixed(2)}</dd>
              </>
            )}
            <dt className="text-zinc-500">Output</dt>
            <dd className="font-mono text-xs break-all" data-testid="output-location">{j.outputModel ?? j.outputLocation ?? "—"}</dd>
          </dl>
          {token && j.hasTrainerToken && (
            <p className="mt-3 rounded bg-amber-50 p-2 text-xs text-amber-900">
              Trainer token (shown in this tab only; for a SkyPilot launch): <code className="break-all">{token}</code>
            </p>
          )}
        </section>
        <section className="card p-4 md:col-span-2" data-testid="loss-chart">
          <h2 className="mb-2 text-sm font-semibold">
            Loss <span className="font-normal text-zinc-500">({metrics.data?.length ?? 0} steps{live ? ", live" : ""})</span>
          </h2>
          <LossChart points={metrics.data ?? []} />
        </section>
      </div>
      <div className="grid gap-4 md:grid-cols-2">
        <section className="card" data-testid="event-log">
          <h2 className="border-b border-zinc-200 px-4 py-3 text-sm font-semibold">Events</h2>
          <ol className="max-h-80 overflow-auto px-4 py-2 font-mono text-xs">
            {events.map((e) => (
              <li key={e.id} className={e.level === "error" ? "text-red-700" : e.level === "warning" ? "text-amber-700" : "text-zinc-700"}>
                <span className="text-zinc-400">{new Date(e.at).toLocaleTimeString()}</span> {e.message}
              </li>
            ))}
          </ol>
        </section>
        <section className="card" data-testid="checkpoints">
          <h2 className="border-b border-zinc-200 px-4 py-3 text-sm font-semibold">Checkpoints</h2>
          {j.checkpoints.length ? (
            <ul className="divide-y divide-zinc-100 text-sm">
              {j.checkpoints.map((c) => (
                <li key={c.id} className="flex items-center justify-between gap-2 px-4 py-2">
                  <span>
                    step {c.step} {c.trainLoss !== null && <>· train {c.trainLoss.toFixed(3)}</>} {c.validLoss !== null && <>· valid {c.validLoss.toFixed(3)}</>} <code className="text-xs text-zinc-500">{c.location}</code>
                  </span>
                  {ws.can("admin") && <RegisterButton jobId={j.id} checkpointId={c.id} label="Register" />}
                </li>
              ))}
            </ul>
          ) : (
            <p className="px-4 py-3 text-sm text-zinc-500">None yet.</p>
          )}
        </section>
      </div>
      {ws.can("admin") && j.status === "succeeded" && (
        <section className="card p-4" data-testid="register-result">
          <h2 className="mb-2 text-sm font-semibold">Register the result</h2>
          <RegisterButton jobId={j.id} checkpointId={null} label="Register as a model version" />
        </section>
      )}
      {j.modelVersions.length > 0 && (
        <p className="text-sm">
          Registered as{" "}
          {j.modelVersions.map((v) => (
            <Link key={v.id} className="mr-2 text-brand-700 hover:underline" href={`/w/${ws.slug}/models/versions/${v.id}`}>
              {v.name} v{v.version}
            </Link>
          ))}
        </p>
      )}
      {ws.can("admin") && (j.provider === "hf-jobs" || j.provider === "ray") && <SkyPilotExport jobId={j.id} />}
      <section className="card p-4">
        <h2 className="mb-2 text-sm font-semibold">Lineage</h2>
        <LineageGraph kind="finetune" id={j.id} />
      </section>
    </div>
  );
}

/** The same trainer run as a SkyPilot task YAML (for teams that launch with `sky launch`). */
function SkyPilotExport({ jobId }: { jobId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const [acc, setAcc] = useState("A100-80GB:8");
  const [open, setOpen] = useState(false);
  const q = useQuery({ ...trpc.finetune.skyPilot.queryOptions({ workspaceId: ws.id, jobId, accelerators: acc }), enabled: open });
  return (
    <section className="card p-4" data-testid="skypilot">
      <div className="flex items-center gap-2">
        <h2 className="text-sm font-semibold">SkyPilot task</h2>
        <input aria-label="Accelerators" className="input w-40 py-1" value={acc} onChange={(e) => setAcc(e.target.value)} />
        <button className="btn-secondary" onClick={() => setOpen(true)}>Export YAML</button>
      </div>
      {open && <pre className="mt-2 max-h-72 overflow-auto rounded bg-zinc-50 p-3 text-xs">{q.data?.yaml ?? (q.error ? errorMessage(q.error) : "Loading…")}</pre>}
    </section>
  );
}

function FragmentRow({ k, v }: { k: string; v: string }) {
  return (
    <>
      <dt className="text-zinc-500">{k}</dt>
      <dd>{v}</dd>
    </>
  );
}

const TERMINAL_EVENT = /^Status: (succeeded|failed|cancelled)/;

/**
 * The event log, fetched incrementally with the id cursor. It keeps polling while the job runs and until the job's
 * terminal status event has arrived (the final events are written by the poll that sees the end).
 */
function useEventLog(jobId: string, live: boolean) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const [items, setItems] = useState<{ id: number; type: string; level: string; message: string; at: Date }[]>([]);
  const after = items.length ? items[items.length - 1]!.id : 0;
  const ended = items.some((e) => e.type === "status" && TERMINAL_EVENT.test(e.message));
  const q = useQuery({ ...trpc.finetune.events.queryOptions({ workspaceId: ws.id, jobId, afterId: after }), refetchInterval: live || !ended ? 2000 : false });
  useEffect(() => {
    const fresh = q.data?.items.filter((e) => e.id > after) ?? [];
    if (fresh.length) setItems((xs) => [...xs, ...fresh]);
  }, [q.data, after]);
  return items;
}

export function LossChart({ points }: { points: { step: number; trainLoss: number | null; validLoss: number | null }[] }) {
  const data = useMemo(() => points.map((p) => ({ step: p.step, train: p.trainLoss, valid: p.validLoss })), [points]);
  if (data.length === 0) return <p className="py-16 text-center text-sm text-zinc-500">No metrics yet: the chart grows as the provider reports steps.</p>;
  return (
    <div className="h-64" data-points={data.length}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e4e4e7" />
          <XAxis dataKey="step" type="number" domain={["dataMin", "dataMax"]} tick={{ fontSize: 11 }} />
          <YAxis tick={{ fontSize: 11 }} domain={["auto", "auto"]} />
          <Tooltip />
          <Legend />
          <Line type="monotone" dataKey="train" name="train loss" stroke="#2259d4" dot={false} isAnimationActive={false} connectNulls />
          <Line type="monotone" dataKey="valid" name="valid loss" stroke="#ea580c" dot isAnimationActive={false} connectNulls />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

function RegisterButton({ jobId, checkpointId, label }: { jobId: string; checkpointId: string | null; label: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const models = useQuery(trpc.models.list.queryOptions({ workspaceId: ws.id }));
  const endpoints = useQuery(trpc.endpoints.list.queryOptions({ workspaceId: ws.id }));
  const [open, setOpen] = useState(false);
  const [f, setF] = useState({ modelId: "", newName: "", endpointId: "", servingModel: "", tags: "", notes: "" });
  const createModel = useMutation(trpc.models.create.mutationOptions());
  const register = useMutation(trpc.models.register.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.finetune.get.queryKey() }) }));
  if (!open) return <button className="btn-secondary" onClick={() => setOpen(true)}>{label}</button>;
  return (
    <form
      className="mt-2 grid w-full gap-2 md:grid-cols-3"
      data-testid="register-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const modelId = f.modelId || (await createModel.mutateAsync({ workspaceId: ws.id, name: f.newName })).id;
        await register.mutateAsync({
          workspaceId: ws.id,
          modelId,
          source: { kind: "fine-tune", fineTuneJobId: jobId, ...(checkpointId ? { checkpointId } : {}) },
          ...(f.endpointId ? { endpointId: f.endpointId } : {}),
          ...(f.servingModel ? { servingModel: f.servingModel } : {}),
          tags: f.tags.split(",").map((t) => t.trim()).filter(Boolean),
          ...(f.notes ? { notes: f.notes } : {}),
        });
        setOpen(false);
      }}
    >
      <select aria-label="Registered model" className="input" value={f.modelId} onChange={(e) => setF({ ...f, modelId: e.target.value })}>
        <option value="">new model…</option>
        {models.data?.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
          </option>
        ))}
      </select>
      {!f.modelId && <input aria-label="New model name" className="input" placeholder="model name" required value={f.newName} onChange={(e) => setF({ ...f, newName: e.target.value })} />}
      <select aria-label="Serving endpoint" className="input" value={f.endpointId} onChange={(e) => setF({ ...f, endpointId: e.target.value })}>
        <option value="">not served yet</option>
        {endpoints.data?.map((ep) => (
          <option key={ep.id} value={ep.id}>
            {ep.name} ({ep.baseUrl})
          </option>
        ))}
      </select>
      <input aria-label="Served model name" className="input" placeholder="served model name (default: the provider's output)" value={f.servingModel} onChange={(e) => setF({ ...f, servingModel: e.target.value })} />
      <input aria-label="Tags" className="input" placeholder="tags, comma-separated" value={f.tags} onChange={(e) => setF({ ...f, tags: e.target.value })} />
      <input aria-label="Notes" className="input" placeholder="notes" value={f.notes} onChange={(e) => setF({ ...f, notes: e.target.value })} />
      <div className="md:col-span-3">
        <button className="btn-primary" type="submit" disabled={register.isPending || createModel.isPending}>Register version</button>
        {(register.error ?? createModel.error) && <span role="alert" className="ml-3 text-sm text-red-600">{errorMessage(register.error ?? createModel.error)}</span>}
        {register.data && (
          <span className="ml-3 text-sm text-green-700">
            Registered <Link className="underline" href={`/w/${ws.slug}/models/versions/${register.data.id}`}>{register.data.name} v{register.data.version}</Link>
          </span>
        )}
      </div>
    </form>
  );
}
