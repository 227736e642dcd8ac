/**
 * The model registry: registered models → immutable, numbered versions (numbers never reused) → aliases (unique per
 * model, e.g. champion / staging) with a history (who, when, from → to) and one-click rollback; protected aliases
 * only admins move, and a protected alias may carry a promotion gate checked against the version's evaluations;
 * lineage dataset → snapshot → fine-tune → checkpoint → version → evaluations; Hugging Face model cards.
 *
 * Roles: creating models, registering versions, protecting aliases and gates: admin. Setting, moving, rolling back
 * or removing an unprotected alias: curator. A protected alias: admin, and its gate must pass.
 *
 * Evaluations are server/eval's summaries (`getEvalSummaryForModelVersion`: the version's latest SPRINT-mode eval per
 * benchmark against the sequential baseline); tests can substitute their own through {@link setEvalLookup}.
 */
import { z } from "zod";
import type { PrismaClient } from "../db/client";
import { Prisma } from "../db/generated/client";
import { hasRole, type Role } from "../auth/roles";
import { ServiceError, type Actor } from "../service-error";
import { recordAudit } from "../audit";
import { evaluateGate, gateSchema, type EvalSummary, type Gate } from "./gate";
import { modelCard } from "./model-card";
import { getEvalSummaryForModelVersion } from "../eval/summary";

export class RegistryError extends ServiceError {}

function need(actor: Actor, role: Role, what: string): void {
  if (!hasRole(actor.role, role)) throw new RegistryError("FORBIDDEN", `${what} needs the ${role} role; you are ${actor.role}.`);
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new RegistryError("BAD_REQUEST", r.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; "));
  return r.data;
}

// ───────────────────────────── evaluation lookup (pluggable) ─────────────────────────────

/** Evaluation runs of model versions, newest first. */
export type EvalLookup = (db: PrismaClient, workspaceId: string, versionIds: string[]) => Promise<Map<string, EvalSummary[]>>;

/**
 * The registry's evaluations are server/eval's: per version and benchmark, its latest finished SPRINT-mode eval
 * against the latest finished sequential run on the same benchmark (`getEvalSummaryForModelVersion`). A summary
 * without a baseline cannot pass a gate (no accuracy drop or token cut to measure), so it is not listed.
 */
const evalServiceLookup: EvalLookup = async (db, workspaceId, versionIds) => {
  const out = new Map<string, EvalSummary[]>();
  if (versionIds.length === 0) return out;
  const runs = await db.evalRun.findMany({
    where: { workspaceId, modelVersionId: { in: versionIds }, status: "succeeded", mode: { in: ["sprint-eager", "sprint-round-sync"] } },
    orderBy: { finishedAt: "desc" },
    select: { modelVersionId: true, benchmarkId: true },
  });
  const seen = new Set<string>();
  for (const r of runs) {
    const key = `${r.modelVersionId}\u0000${r.benchmarkId}`;
    if (!r.modelVersionId || seen.has(key)) continue;
    seen.add(key);
    const s = await getEvalSummaryForModelVersion(db, workspaceId, r.modelVersionId, { benchmarkId: r.benchmarkId });
    if (!s || s.baselineAccuracy === null || s.sequentialTokenReduction === null) continue;
    const list = out.get(r.modelVersionId) ?? [];
    list.push({ runId: s.runId, accuracy: s.accuracy, baselineAccuracy: s.baselineAccuracy, sequentialTokenReduction: s.sequentialTokenReduction, finishedAt: s.finishedAt });
    out.set(r.modelVersionId, list);
  }
  return out;
};
const evalLookupHolder = globalThis as unknown as { __sprintEvalLookup?: EvalLookup };

/** Tests may replace the lookup with their own summaries; `null` restores server/eval's. */
export function setEvalLookup(fn: EvalLookup | null): void {
  evalLookupHolder.__sprintEvalLookup = fn ?? undefined;
}
function evalLookup(): EvalLookup {
  return evalLookupHolder.__sprintEvalLookup ?? evalServiceLookup;
}

// ───────────────────────────── models and versions ─────────────────────────────

const id = z.string().min(1).max(64);
const nameSchema = z.string().trim().min(1).max(100).regex(/^[\w.-]+$/, "Use letters, digits, '.', '_' and '-' only");
const aliasName = z.string().trim().toLowerCase().regex(/^[a-z][a-z0-9_-]{0,39}$/, "An alias is a lowercase word (letters, digits, '-', '_'), e.g. champion or staging");

export async function listModels(db: PrismaClient, actor: Actor, input: { search?: string | undefined } = {}) {
  const s = input.search?.trim();
  const models = await db.registeredModel.findMany({
    where: {
      workspaceId: actor.workspaceId,
      ...(s ? { OR: [{ name: { contains: s, mode: "insensitive" } }, { aliases: { some: { name: { contains: s.toLowerCase() } } } }, { versions: { some: { tags: { has: s } } } }] } : {}),
    },
    orderBy: { name: "asc" },
    include: {
      aliases: { orderBy: { name: "asc" }, select: { name: true, protected: true, version: { select: { id: true, version: true } } } },
      versions: { orderBy: { version: "desc" }, take: 1, select: { id: true, version: true, baseModel: true, createdAt: true } },
      _count: { select: { versions: true } },
    },
  });
  return models.map((m) => ({ id: m.id, name: m.name, description: m.description, createdAt: m.createdAt, versionCount: m._count.versions, latest: m.versions[0] ?? null, aliases: m.aliases.map((a) => ({ name: a.name, protected: a.protected, versionId: a.version.id, version: a.version.version })) }));
}

export const createModelInput = z.object({ name: nameSchema, description: z.string().trim().max(2000).optional() });

export async function createModel(db: PrismaClient, actor: Actor, input: z.input<typeof createModelInput>) {
  need(actor, "admin", "Creating a registered model");
  const p = parse(createModelInput, input);
  if (await db.registeredModel.findUnique({ where: { workspaceId_name: { workspaceId: actor.workspaceId, name: p.name } } })) {
    throw new RegistryError("CONFLICT", `A model named "${p.name}" already exists.`);
  }
  const m = await db.registeredModel.create({ data: { workspaceId: actor.workspaceId, name: p.name, description: p.description ?? null, createdById: actor.userId } });
  await recordAudit(db, actor, "registry.model.create", { type: "registered-model", id: m.id }, { name: m.name });
  return m;
}

async function modelOf(db: PrismaClient, actor: Actor, modelId: string) {
  const m = await db.registeredModel.findFirst({ where: { id: modelId, workspaceId: actor.workspaceId } });
  if (!m) throw new RegistryError("NOT_FOUND", "No such model in this workspace.");
  return m;
}

export async function getModel(db: PrismaClient, actor: Actor, input: { modelId: string }) {
  const m = await db.registeredModel.findFirst({
    where: { id: input.modelId, workspaceId: actor.workspaceId },
    include: {
      versions: { orderBy: { version: "desc" }, include: { endpoint: { select: { id: true, name: true, baseUrl: true } }, aliases: { select: { name: true, protected: true } }, fineTune: { select: { id: true, name: true, provider: true } }, checkpoint: { select: { id: true, step: true } } } },
      aliases: { orderBy: { name: "asc" }, include: { version: { select: { id: true, version: true } } } },
      aliasEvents: { orderBy: { at: "desc" }, take: 100 },
    },
  });
  if (!m) throw new RegistryError("NOT_FOUND", "No such model in this workspace.");
  const versionNo = new Map(m.versions.map((v) => [v.id, v.version]));
  const actorIds = [...new Set(m.aliasEvents.map((e) => e.actorId).filter((x): x is string => !!x))];
  const users = await db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true, email: true } });
  const who = new Map(users.map((u) => [u.id, u.name ?? u.email]));
  const evals = await evalLookup()(db, actor.workspaceId, m.versions.map((v) => v.id));
  return {
    id: m.id,
    name: m.name,
    description: m.description,
    versions: m.versions.map((v) => ({ ...v, evaluations: evals.get(v.id) ?? [] })),
    aliases: m.aliases.map((a) => ({ id: a.id, name: a.name, protected: a.protected, gate: a.gate as Gate | null, versionId: a.version.id, version: a.version.version, updatedAt: a.updatedAt })),
    history: m.aliasEvents.map((e) => ({ id: e.id, alias: e.alias, action: e.action, from: e.fromVersionId ? (versionNo.get(e.fromVersionId) ?? null) : null, to: e.toVersionId ? (versionNo.get(e.toVersionId) ?? null) : null, fromVersionId: e.fromVersionId, toVersionId: e.toVersionId, actor: e.actorId ? (who.get(e.actorId) ?? "someone") : null, note: e.note, at: e.at })),
  };
}

export const registerVersionInput = z.object({
  modelId: id,
  source: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("fine-tune"), fineTuneJobId: id, checkpointId: id.nullish() }),
    z.object({ kind: z.literal("external") }),
  ]),
  baseModel: z.string().trim().max(300).nullish(),
  artifactUri: z.string().trim().max(1000).nullish(),
  endpointId: id.nullish(),
  servingModel: z.string().trim().max(300).nullish(),
  tags: z.array(z.string().trim().min(1).max(50)).max(30).default([]),
  notes: z.string().trim().max(5000).nullish(),
});

/** Registers a new immutable version (the next number; numbers are never reused, even after deletions). */
export async function registerVersion(db: PrismaClient, actor: Actor, input: z.input<typeof registerVersionInput>) {
  need(actor, "admin", "Registering a model version");
  const p = parse(registerVersionInput, input);
  const model = await modelOf(db, actor, p.modelId);
  let baseModel = p.baseModel ?? null;
  let artifactUri = p.artifactUri ?? null;
  let servingModel = p.servingModel ?? null;
  let fineTuneId: string | null = null;
  let checkpointId: string | null = null;
  if (p.source.kind === "fine-tune") {
    const job = await db.fineTuneJob.findFirst({ where: { id: p.source.fineTuneJobId, workspaceId: actor.workspaceId } });
    if (!job) throw new RegistryError("NOT_FOUND", "No such fine-tune in this workspace.");
    if (p.source.checkpointId) {
      const cp = await db.fineTuneCheckpoint.findFirst({ where: { id: p.source.checkpointId, jobId: job.id } });
      if (!cp) throw new RegistryError("NOT_FOUND", "That checkpoint does not belong to this fine-tune.");
      checkpointId = cp.id;
      artifactUri ??= cp.location;
    } else {
      if (job.status !== "succeeded") throw new RegistryError("BAD_REQUEST", `The fine-tune has not succeeded (it is ${job.status}): register one of its checkpoints, or wait.`);
      artifactUri ??= job.outputLocation;
      servingModel ??= job.outputModel;
    }
    fineTuneId = job.id;
    baseModel ??= job.baseModel;
  }
  if (p.endpointId) {
    const ep = await db.endpoint.findFirst({ where: { id: p.endpointId, workspaceId: actor.workspaceId } });
    if (!ep) throw new RegistryError("NOT_FOUND", "No such endpoint in this workspace.");
    servingModel ??= ep.model;
  }
  if (p.source.kind === "external" && !p.endpointId && !artifactUri) throw new RegistryError("BAD_REQUEST", "An external model needs where it is served (an endpoint) or where its weights are (artifact location).");
  const v = await db.$transaction(async (tx) => {
    const m = await tx.registeredModel.update({ where: { id: model.id }, data: { nextVersion: { increment: 1 } }, select: { nextVersion: true } });
    return tx.modelVersion.create({
      data: {
        workspaceId: actor.workspaceId,
        registeredModelId: model.id,
        name: model.name,
        version: m.nextVersion - 1,
        sourceKind: p.source.kind,
        baseModel,
        fineTuneId,
        checkpointId,
        artifactUri,
        endpointId: p.endpointId ?? null,
        servingModel,
        tags: [...new Set(p.tags)],
        notes: p.notes ?? null,
        createdById: actor.userId,
      },
    });
  });
  await recordAudit(db, actor, "registry.version.register", { type: "model-version", id: v.id }, { model: model.name, version: v.version, source: p.source.kind, fineTuneId });
  return v;
}

export async function getVersion(db: PrismaClient, actor: Actor, input: { versionId: string }) {
  const v = await db.modelVersion.findFirst({
    where: { id: input.versionId, workspaceId: actor.workspaceId },
    include: {
      registeredModel: { select: { id: true, name: true } },
      endpoint: { select: { id: true, name: true, baseUrl: true, model: true } },
      aliases: { select: { name: true, protected: true } },
      fineTune: { select: { id: true, name: true, provider: true, method: true, hyperparams: true, snapshotHash: true, status: true } },
      checkpoint: { select: { id: true, step: true, location: true } },
    },
  });
  if (!v) throw new RegistryError("NOT_FOUND", "No such model version in this workspace.");
  const creator = v.createdById ? await db.user.findUnique({ where: { id: v.createdById }, select: { name: true, email: true } }) : null;
  const evaluations = (await evalLookup()(db, actor.workspaceId, [v.id])).get(v.id) ?? [];
  return { ...v, createdBy: creator ? (creator.name ?? creator.email) : null, evaluations };
}

// ───────────────────────────── aliases ─────────────────────────────

/** The alias that is protected from its creation (others are protected by an admin, any time). */
export const PROTECTED_BY_DEFAULT = "champion";

export const setAliasInput = z.object({ modelId: id, alias: aliasName, versionId: id, note: z.string().trim().max(500).optional() });

async function moveAlias(
  db: PrismaClient,
  actor: Actor,
  args: { modelId: string; alias: string; versionId: string; action: "set" | "move" | "rollback"; note?: string | undefined },
) {
  const model = await modelOf(db, actor, args.modelId);
  const version = await db.modelVersion.findFirst({ where: { id: args.versionId, registeredModelId: model.id } });
  if (!version) throw new RegistryError("NOT_FOUND", "That version does not belong to this model.");
  const existing = await db.modelAlias.findUnique({ where: { registeredModelId_name: { registeredModelId: model.id, name: args.alias } } });
  if (existing?.protected) {
    need(actor, "admin", `Moving the protected alias "${args.alias}"`);
    const gate = existing.gate ? gateSchema.parse(existing.gate) : null;
    const evals = (await evalLookup()(db, actor.workspaceId, [version.id])).get(version.id) ?? [];
    const g = evaluateGate(gate, evals);
    if (!g.ok) throw new RegistryError("BAD_REQUEST", `The promotion gate of "${args.alias}" blocks v${version.version}: ${g.reasons.join("; ")}.`, { gate: g });
  } else if (!existing && args.alias === PROTECTED_BY_DEFAULT) {
    need(actor, "admin", `Creating the "${PROTECTED_BY_DEFAULT}" alias (protected from the start)`);
  } else {
    need(actor, "curator", "Setting an alias");
  }
  if (existing?.versionId === version.id) return { alias: args.alias, version: version.version, changed: false };
  await db.$transaction(async (tx) => {
    if (existing) {
      // Conditional on the version we read: a concurrent move makes this match nothing.
      const r = await tx.modelAlias.updateMany({ where: { id: existing.id, versionId: existing.versionId }, data: { versionId: version.id, updatedById: actor.userId } });
      if (r.count === 0) throw new RegistryError("CONFLICT", `"${args.alias}" was moved by someone else meanwhile; reload and try again.`);
    } else {
      await tx.modelAlias.create({ data: { registeredModelId: model.id, name: args.alias, versionId: version.id, protected: args.alias === PROTECTED_BY_DEFAULT, updatedById: actor.userId } });
    }
    await tx.modelAliasEvent.create({
      data: { registeredModelId: model.id, alias: args.alias, action: existing ? args.action : "set", fromVersionId: existing?.versionId ?? null, toVersionId: version.id, actorId: actor.userId, note: args.note ?? null },
    });
  }).catch((e: unknown) => {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") throw new RegistryError("CONFLICT", `"${args.alias}" was just created by someone else; reload and try again.`);
    throw e;
  });
  await recordAudit(db, actor, `registry.alias.${existing ? args.action : "set"}`, { type: "registered-model", id: model.id }, { alias: args.alias, from: existing?.versionId ?? null, to: version.id });
  return { alias: args.alias, version: version.version, changed: true };
}

/** Points an alias at a version (creating it if new; `champion` is protected on creation). */
export async function setAlias(db: PrismaClient, actor: Actor, input: z.input<typeof setAliasInput>) {
  const p = parse(setAliasInput, input);
  return moveAlias(db, actor, { ...p, action: "move" });
}

/** Puts the alias of a history entry back where it pointed before that change. */
export async function rollbackAlias(db: PrismaClient, actor: Actor, input: { modelId: string; eventId: string }) {
  const model = await modelOf(db, actor, input.modelId);
  const ev = await db.modelAliasEvent.findFirst({ where: { id: input.eventId, registeredModelId: model.id } });
  if (!ev) throw new RegistryError("NOT_FOUND", "No such alias change.");
  if (!ev.fromVersionId) throw new RegistryError("BAD_REQUEST", `That change created "${ev.alias}"; there is no earlier version to go back to (remove the alias instead).`);
  return moveAlias(db, actor, { modelId: model.id, alias: ev.alias, versionId: ev.fromVersionId, action: "rollback", note: `rollback of the change at ${ev.at.toISOString()}` });
}

export async function removeAlias(db: PrismaClient, actor: Actor, input: { modelId: string; alias: string }) {
  const model = await modelOf(db, actor, input.modelId);
  const a = await db.modelAlias.findUnique({ where: { registeredModelId_name: { registeredModelId: model.id, name: input.alias } } });
  if (!a) throw new RegistryError("NOT_FOUND", `No alias "${input.alias}" on this model.`);
  need(actor, a.protected ? "admin" : "curator", a.protected ? `Removing the protected alias "${a.name}"` : "Removing an alias");
  await db.$transaction([
    db.modelAlias.delete({ where: { id: a.id } }),
    db.modelAliasEvent.create({ data: { registeredModelId: model.id, alias: a.name, action: "delete", fromVersionId: a.versionId, toVersionId: null, actorId: actor.userId } }),
  ]);
  await recordAudit(db, actor, "registry.alias.delete", { type: "registered-model", id: model.id }, { alias: a.name });
  return { ok: true };
}

export const protectAliasInput = z.object({ modelId: id, alias: aliasName, protected: z.boolean(), gate: gateSchema.nullish() });

/** Protects (or unprotects) an alias and sets its promotion gate. Admin only. */
export async function protectAlias(db: PrismaClient, actor: Actor, input: z.input<typeof protectAliasInput>) {
  need(actor, "admin", "Protecting an alias");
  const p = parse(protectAliasInput, input);
  const model = await modelOf(db, actor, p.modelId);
  const a = await db.modelAlias.findUnique({ where: { registeredModelId_name: { registeredModelId: model.id, name: p.alias } } });
  if (!a) throw new RegistryError("NOT_FOUND", `No alias "${p.alias}" on this model: set it first.`);
  const gate = p.protected && p.gate && (p.gate.maxAccuracyDrop !== null || p.gate.minSequentialReduction !== null) ? p.gate : null;
  await db.$transaction([
    db.modelAlias.update({ where: { id: a.id }, data: { protected: p.protected, gate: gate ?? Prisma.DbNull, updatedById: actor.userId } }),
    db.modelAliasEvent.create({ data: { registeredModelId: model.id, alias: a.name, action: p.protected ? "protect" : "unprotect", fromVersionId: a.versionId, toVersionId: a.versionId, actorId: actor.userId, note: gate ? `gate: accuracy drop ≤ ${gate.maxAccuracyDrop ?? "any"} pts, sequential cut ≥ ${gate.minSequentialReduction === null ? "any" : `${Math.round(gate.minSequentialReduction * 100)} %`}` : null } }),
  ]);
  await recordAudit(db, actor, p.protected ? "registry.alias.protect" : "registry.alias.unprotect", { type: "registered-model", id: model.id }, { alias: a.name, gate });
  return { alias: a.name, protected: p.protected, gate };
}

// ───────────────────────────── lineage ─────────────────────────────

export type LineageKind = "dataset" | "snapshot" | "finetune" | "checkpoint" | "version" | "evaluation";
export interface LineageNode {
  id: string;
  kind: LineageKind;
  label: string;
  detail: string | null;
}
export interface LineageGraph {
  focus: string;
  nodes: LineageNode[];
  edges: { from: string; to: string }[];
}

export const lineageInput = z.object({ kind: z.enum(["snapshot", "finetune", "version"]), id });

/**
 * The lineage component around a snapshot, fine-tune or version: up to its dataset and snapshot, then down through
 * every fine-tune of that snapshot, their checkpoints, the versions registered from them and their evaluations.
 * Node ids are `<kind>:<row id>`; every node links to its page in the UI.
 */
export async function lineage(db: PrismaClient, actor: Actor, input: z.input<typeof lineageInput>): Promise<LineageGraph> {
  const p = parse(lineageInput, input);
  const ws = actor.workspaceId;
  let snapshotIds: string[] = [];
  let versionSeeds: string[] = [];
  if (p.kind === "snapshot") {
    const s = await db.datasetSnapshot.findFirst({ where: { id: p.id, dataset: { workspaceId: ws } }, select: { id: true } });
    if (!s) throw new RegistryError("NOT_FOUND", "No such snapshot in this workspace.");
    snapshotIds = [s.id];
  } else if (p.kind === "finetune") {
    const j = await db.fineTuneJob.findFirst({ where: { id: p.id, workspaceId: ws }, select: { snapshotId: true } });
    if (!j) throw new RegistryError("NOT_FOUND", "No such fine-tune in this workspace.");
    if (j.snapshotId) snapshotIds = [j.snapshotId];
  } else {
    const v = await db.modelVersion.findFirst({ where: { id: p.id, workspaceId: ws }, select: { id: true, fineTune: { select: { snapshotId: true } } } });
    if (!v) throw new RegistryError("NOT_FOUND", "No such model version in this workspace.");
    if (v.fineTune?.snapshotId) snapshotIds = [v.fineTune.snapshotId];
    versionSeeds = [v.id];
  }
  const nodes = new Map<string, LineageNode>();
  const edges: { from: string; to: string }[] = [];
  const add = (n: LineageNode) => void nodes.set(n.id, n);
  const link = (from: string, to: string) => edges.push({ from, to });

  const snaps = await db.datasetSnapshot.findMany({ where: { id: { in: snapshotIds } }, include: { dataset: { select: { id: true, name: true } } } });
  for (const s of snaps) {
    add({ id: `dataset:${s.dataset.id}`, kind: "dataset", label: s.dataset.name, detail: null });
    add({ id: `snapshot:${s.id}`, kind: "snapshot", label: `${s.dataset.name} v${s.number}`, detail: `${s.itemCount} items` });
    link(`dataset:${s.dataset.id}`, `snapshot:${s.id}`);
  }
  const jobs = await db.fineTuneJob.findMany({
    where: { workspaceId: ws, OR: [{ snapshotId: { in: snapshotIds } }, ...(p.kind === "finetune" ? [{ id: p.id }] : [])] },
    include: { checkpoints: { orderBy: { step: "asc" } } },
  });
  for (const j of jobs) {
    const hp = (j.hyperparams ?? {}) as { epochs?: number; learningRate?: number };
    add({ id: `finetune:${j.id}`, kind: "finetune", label: j.name ?? j.baseModel, detail: `${j.provider} · ${j.method} · ${hp.epochs ?? "?"} ep · lr ${hp.learningRate ?? "?"} · ${j.status}${j.snapshotHash ? ` · ${j.snapshotHash.slice(0, 19)}…` : ""}` });
    if (j.snapshotId) link(`snapshot:${j.snapshotId}`, `finetune:${j.id}`);
    for (const c of j.checkpoints) {
      add({ id: `checkpoint:${c.id}`, kind: "checkpoint", label: `step ${c.step}`, detail: c.location });
      link(`finetune:${j.id}`, `checkpoint:${c.id}`);
    }
  }
  const versions = await db.modelVersion.findMany({
    where: { workspaceId: ws, OR: [{ fineTuneId: { in: jobs.map((j) => j.id) } }, { id: { in: versionSeeds } }] },
    include: { aliases: { select: { name: true } } },
  });
  for (const v of versions) {
    add({ id: `version:${v.id}`, kind: "version", label: `${v.name} v${v.version}`, detail: [v.aliases.map((a) => `@${a.name}`).join(" "), v.baseModel].filter(Boolean).join(" · ") || null });
    if (v.checkpointId && nodes.has(`checkpoint:${v.checkpointId}`)) link(`checkpoint:${v.checkpointId}`, `version:${v.id}`);
    else if (v.fineTuneId) link(`finetune:${v.fineTuneId}`, `version:${v.id}`);
  }
  const evals = await evalLookup()(db, ws, versions.map((v) => v.id));
  for (const [vid, runs] of evals) {
    for (const r of runs) {
      add({ id: `evaluation:${r.runId}`, kind: "evaluation", label: r.name ?? "evaluation", detail: `acc ${(r.accuracy * 100).toFixed(1)} % · seq −${(r.sequentialTokenReduction * 100).toFixed(0)} %` });
      link(`version:${vid}`, `evaluation:${r.runId}`);
    }
  }
  return { focus: `${p.kind}:${p.id}`, nodes: [...nodes.values()], edges };
}

// ───────────────────────────── model card ─────────────────────────────

export async function exportModelCard(db: PrismaClient, actor: Actor, input: { versionId: string; datasetRepo?: string | undefined }) {
  const v = await getVersion(db, actor, input);
  const job = v.fineTune ? await db.fineTuneJob.findUnique({ where: { id: v.fineTune.id }, include: { snapshot: { include: { dataset: { select: { name: true } } } } } }) : null;
  const content = modelCard({
    modelName: v.name,
    version: v.version,
    baseModel: v.baseModel,
    datasets: input.datasetRepo ? [input.datasetRepo] : job?.snapshot ? [`${job.snapshot.dataset.name}-v${job.snapshot.number}`] : [],
    tags: v.tags,
    notes: v.notes,
    training: job ? { provider: job.provider, method: job.method, hyperparams: (job.hyperparams ?? {}) as Record<string, unknown>, snapshotHash: job.snapshotHash, checkpointStep: v.checkpoint?.step ?? null } : null,
    evals: v.evaluations.map((e) => ({ task: "text-generation", dataset: e.name ?? "evaluation", datasetType: e.name ?? "custom", metrics: [{ type: "accuracy", name: "pass@1", value: e.accuracy }, { type: "sequential_token_reduction", name: "sequential-token reduction", value: e.sequentialTokenReduction }] })),
  });
  return { filename: "README.md", content };
}
