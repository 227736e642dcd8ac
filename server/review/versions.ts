/**
 * Edits of curated trajectories: every save is a new version with an optimistic version check in the
 * database (a stale save is refused with CONFLICT, never applied over someone else's change), the DAG is
 * revalidated on the server exactly as in the editor (server/sprint/editing.ts), stages, text and metrics
 * are recomputed, and the full history is kept for diff and restore.
 */
import { z } from "zod";
import type { PrismaClient } from "../db/client";
import { Prisma } from "../db/generated/client";
import { hasRole } from "../auth/roles";
import { draftFromStored, draftToStored, hasErrors, recomputeDraft, type MetricsLike, type TrajectoryDraft } from "../sprint/editing";
import { diffDrafts } from "../sprint/diff";
import { approxTokenizer, loadQwenTokenizer } from "../sprint/tokenizer";
import type { Step } from "../sprint/steps";
import type { Tokenizer } from "../sprint/types";
import { storedMetrics, type StoredMetrics } from "../curation/curate-trace";
import { finalAnswerFor } from "../curation/final-answer";
import { idSchema, ReviewError, type Actor } from "./access";
import { recordAudit } from "../audit";

const range = z.tuple([z.number().int().min(1), z.number().int().min(1)]);
const text = z.string().max(200_000);

export const stepSchema = z.object({
  id: z.number().int().min(1),
  description: z.string().max(2000).optional(),
  plan: text,
  prompt: text.optional(),
  execution: text.optional(),
  comment: text.optional(),
  planLines: range.optional(),
  executionLines: range.optional(),
  commentLines: range.optional(),
  folded: z.object({ text, prompt: text.optional(), lines: range.optional() }).optional(),
});

export const draftSchema = z.object({
  steps: z.array(stepSchema).max(2000),
  dag: z.record(z.string().regex(/^\d+$/), z.array(z.number().int().min(1)).max(2000)),
  stagePins: z.record(z.string().regex(/^\d+$/), z.number().int().min(1)).optional(),
});

const versionNumber = z.number().int().min(1);
export const historyInput = z.object({ trajectoryId: idSchema });
export const versionInput = z.object({ trajectoryId: idSchema, version: versionNumber });
export const diffInput = z.object({ trajectoryId: idSchema, from: versionNumber, to: versionNumber });
export const saveDraftInput = z.object({ trajectoryId: idSchema, baseVersion: versionNumber, draft: draftSchema, note: z.string().max(2000).optional() });
export const restoreInput = z.object({ trajectoryId: idSchema, version: versionNumber, baseVersion: versionNumber });
export type DraftInput = z.infer<typeof draftSchema>;

export function toDraft(input: DraftInput): TrajectoryDraft {
  const dag: Record<number, number[]> = {};
  for (const [k, v] of Object.entries(input.dag)) dag[Number(k)] = v;
  const pins: Record<number, number> = {};
  for (const [k, v] of Object.entries(input.stagePins ?? {})) pins[Number(k)] = v;
  return { steps: input.steps as Step[], dag, ...(Object.keys(pins).length ? { stagePins: pins } : {}) };
}

let qwen: Promise<Tokenizer> | null = null;
/** The tokenizer the trajectory's metrics were measured with (Qwen for real runs; approx in tests/approx runs). */
async function tokenizerFor(metrics: unknown): Promise<Tokenizer> {
  const name = (metrics as { tokenizer?: string } | null)?.tokenizer;
  if (name && name.startsWith("qwen")) return (qwen ??= loadQwenTokenizer());
  return approxTokenizer;
}

async function editable(db: PrismaClient, actor: Actor, trajectoryId: string) {
  const t = await db.curatedTrajectory.findFirst({
    where: { id: trajectoryId, dataset: { workspaceId: actor.workspaceId } },
    include: {
      trace: { select: { question: true, reasoning: true, referenceAnswer: true, referenceSolution: true, reasoningTokens: true } },
      reviews: { where: { reviewerId: actor.userId }, select: { id: true } },
    },
  });
  if (!t) throw new ReviewError("NOT_FOUND", "No such trajectory in this workspace.");
  return t;
}

function requireEditor(actor: Actor, assigned: boolean) {
  if (hasRole(actor.role, "curator")) return;
  if (hasRole(actor.role, "reviewer") && assigned) return;
  throw new ReviewError("FORBIDDEN", hasRole(actor.role, "reviewer") ? "You can edit only items assigned to you." : "Viewers cannot edit.");
}

type Editable = Awaited<ReturnType<typeof editable>>;

/** Writes the current row as a history version if it is not recorded yet (curation output = version 1). */
async function ensureBaseVersion(tx: Prisma.TransactionClient, t: Editable) {
  await tx.trajectoryVersion.upsert({
    where: { trajectoryId_version: { trajectoryId: t.id, version: t.version } },
    update: {},
    create: {
      trajectoryId: t.id,
      version: t.version,
      steps: t.steps as Prisma.InputJsonValue,
      dagEdges: t.dagEdges as Prisma.InputJsonValue,
      stages: t.stages as Prisma.InputJsonValue,
      metrics: (t.metrics ?? Prisma.DbNull) as Prisma.InputJsonValue,
      text: t.text,
      sequentialTokens: t.sequentialTokens,
      totalTokens: t.totalTokens,
      stageCount: t.stageCount,
      kind: t.version === 1 ? "create" : "edit",
      createdAt: t.createdAt,
    },
  });
}

async function conflict(db: PrismaClient, trajectoryId: string, baseVersion: number): Promise<never> {
  const now = await db.curatedTrajectory.findUnique({ where: { id: trajectoryId }, select: { version: true } });
  const last = await db.trajectoryVersion.findFirst({
    where: { trajectoryId, version: now?.version ?? 0 },
    select: { authorId: true, createdAt: true },
  });
  const author = last?.authorId ? await db.user.findUnique({ where: { id: last.authorId }, select: { name: true, email: true } }) : null;
  throw new ReviewError(
    "CONFLICT",
    `This trajectory changed since you opened it: you edited version ${baseVersion}, it is now version ${now?.version ?? "?"}${author ? ` (saved by ${author.name ?? author.email})` : ""}. Review the changes and merge.`,
    { currentVersion: now?.version ?? null, baseVersion },
  );
}

/**
 * Saves a draft as a new version. Refused with BAD_REQUEST when the draft has errors (a cycle, a parent
 * after its child…), with CONFLICT when `baseVersion` is not the current version.
 */
export async function saveDraft(
  db: PrismaClient,
  actor: Actor,
  input: { trajectoryId: string; baseVersion: number; draft: DraftInput; note?: string; kind?: "edit" | "restore"; restoredFrom?: number },
) {
  const t = await editable(db, actor, input.trajectoryId);
  requireEditor(actor, t.reviews.length > 0);
  if (!hasRole(actor.role, "curator") && (t.reviewStatus === "approved" || t.reviewStatus === "rejected")) {
    throw new ReviewError("FORBIDDEN", `This item is decided (${t.reviewStatus}). A curator can re-open it for re-review before it is edited again.`);
  }
  if (t.version !== input.baseVersion) await conflict(db, t.id, input.baseVersion);
  const draft = toDraft(input.draft);
  const tokenizer = await tokenizerFor(t.metrics);
  const finalAnswer = finalAnswerFor(t.trace);
  const comp = recomputeDraft(draft, tokenizer, { question: t.trace.question, ...(finalAnswer ? { finalAnswer } : {}) });
  if (!comp.valid || hasErrors(comp.issues) || !comp.trajectory || !comp.stages) {
    const errors = comp.issues.filter((i) => i.severity === "error").map((i) => i.message);
    throw new ReviewError("BAD_REQUEST", `The edited trajectory is not valid: ${errors.join("; ") || "its stages could not be built"}.`, { issues: comp.issues });
  }
  const stored = draftToStored(draft);
  const baseline = (t.metrics as Partial<StoredMetrics> | null)?.baselineTokens ?? t.trace.reasoningTokens ?? tokenizer.count(t.trace.reasoning);
  const prior = t.metrics as { lineCount?: number; curation?: unknown } | null;
  const lineCount = prior?.lineCount;
  // The curation provenance (decision, rules, backend, repairs, confidence) describes how the trajectory was made;
  // a reviewer's edit changes the structure, not that history, so it is carried over.
  const metrics = {
    ...storedMetrics(comp.trajectory, tokenizer, { steps: draft.steps, dag: draft.dag }, baseline),
    ...(lineCount ? { lineCount } : {}),
    ...(prior?.curation !== undefined ? { curation: prior.curation } : {}),
  };
  const next = t.version + 1;
  const columns = {
    steps: stored.steps as unknown as Prisma.InputJsonValue,
    dagEdges: stored.dagEdges as unknown as Prisma.InputJsonValue,
    // Plain stage record (every reader colours by it); pins are re-derived from it by draftFromStored.
    stages: stored.stages.stageOf as unknown as Prisma.InputJsonValue,
    metrics: metrics as unknown as Prisma.InputJsonValue,
    text: comp.text,
    sequentialTokens: metrics.sequentialTokens,
    totalTokens: metrics.totalTokens,
    stageCount: metrics.stageCount,
  };
  await db.$transaction(async (tx) => {
    // The conditional update first: it takes the row lock, so a concurrent save on the same base version
    // waits here and then matches nothing (its version is gone) instead of racing on the history rows.
    const updated = await tx.curatedTrajectory.updateMany({ where: { id: t.id, version: input.baseVersion }, data: { ...columns, version: next } });
    if (updated.count !== 1) throw new ReviewError("CONFLICT", "stale");
    // The row matched `baseVersion`, so what we read is exactly that version (every change bumps it).
    await ensureBaseVersion(tx, t);
    await tx.trajectoryVersion.create({
      data: { trajectoryId: t.id, version: next, ...columns, kind: input.kind ?? "edit", restoredFrom: input.restoredFrom ?? null, authorId: actor.userId, note: input.note?.trim() || null },
    });
    await recordAudit(tx, actor, input.kind === "restore" ? "trajectory.restore" : "trajectory.edit", { type: "trajectory", id: t.id }, {
      from: input.baseVersion,
      to: next,
      sequentialTokens: metrics.sequentialTokens,
      restoredFrom: input.restoredFrom ?? null,
    });
  }).catch(async (e: unknown) => {
    // Another save won between our read and our conditional update.
    if (e instanceof ReviewError && e.message === "stale") await conflict(db, t.id, input.baseVersion);
    throw e;
  });
  return { version: next, metrics: { sequentialTokens: metrics.sequentialTokens, totalTokens: metrics.totalTokens, stageCount: metrics.stageCount, reduction: metrics.reduction } };
}

/** Every version, newest first (the curation output counts as version 1 even before the first edit). */
export async function history(db: PrismaClient, actor: Actor, trajectoryId: string) {
  const t = await db.curatedTrajectory.findFirst({
    where: { id: trajectoryId, dataset: { workspaceId: actor.workspaceId } },
    select: { id: true, version: true, createdAt: true, sequentialTokens: true, totalTokens: true, stageCount: true },
  });
  if (!t) throw new ReviewError("NOT_FOUND", "No such trajectory in this workspace.");
  const rows = await db.trajectoryVersion.findMany({
    where: { trajectoryId: t.id },
    orderBy: { version: "desc" },
    select: { version: true, kind: true, restoredFrom: true, note: true, createdAt: true, authorId: true, sequentialTokens: true, totalTokens: true, stageCount: true },
  });
  const authors = await db.user.findMany({ where: { id: { in: rows.map((r) => r.authorId).filter((x): x is string => Boolean(x)) } }, select: { id: true, name: true, email: true } });
  const nameOf = new Map(authors.map((a) => [a.id, a.name ?? a.email]));
  const versions = rows.map((r) => ({ ...r, author: r.authorId ? (nameOf.get(r.authorId) ?? null) : null, current: r.version === t.version }));
  if (!versions.some((v) => v.version === t.version)) {
    versions.unshift({ version: t.version, kind: "create", restoredFrom: null, note: null, createdAt: t.createdAt, authorId: null, sequentialTokens: t.sequentialTokens, totalTokens: t.totalTokens, stageCount: t.stageCount, author: null, current: true });
  }
  return { current: t.version, versions };
}

/** One version's stored content (the current row when that version has no history row yet). */
export async function getVersion(db: PrismaClient, actor: Actor, input: { trajectoryId: string; version: number }) {
  const t = await db.curatedTrajectory.findFirst({
    where: { id: input.trajectoryId, dataset: { workspaceId: actor.workspaceId } },
    select: { id: true, version: true, steps: true, dagEdges: true, stages: true, metrics: true, text: true, createdAt: true },
  });
  if (!t) throw new ReviewError("NOT_FOUND", "No such trajectory in this workspace.");
  const v = await db.trajectoryVersion.findUnique({ where: { trajectoryId_version: { trajectoryId: t.id, version: input.version } } });
  if (v) return { version: v.version, steps: v.steps, dagEdges: v.dagEdges, stages: v.stages, metrics: v.metrics, text: v.text, createdAt: v.createdAt };
  if (input.version === t.version) return { version: t.version, steps: t.steps, dagEdges: t.dagEdges, stages: t.stages, metrics: t.metrics, text: t.text, createdAt: t.createdAt };
  throw new ReviewError("NOT_FOUND", `Version ${input.version} does not exist.`);
}

function asDraft(v: { steps: unknown; dagEdges: unknown; stages: unknown }): TrajectoryDraft {
  return draftFromStored({ steps: (v.steps ?? []) as Step[], dagEdges: v.dagEdges, stages: v.stages });
}

/** Text and structure diff between two versions. */
export async function diffVersions(db: PrismaClient, actor: Actor, input: { trajectoryId: string; from: number; to: number }) {
  const [a, b] = await Promise.all([getVersion(db, actor, { trajectoryId: input.trajectoryId, version: input.from }), getVersion(db, actor, { trajectoryId: input.trajectoryId, version: input.to })]);
  return {
    from: { version: a.version, text: a.text, metrics: a.metrics },
    to: { version: b.version, text: b.text, metrics: b.metrics },
    diff: diffDrafts(asDraft(a), asDraft(b), { metrics: { before: a.metrics as MetricsLike | null, after: b.metrics as MetricsLike | null } }),
  };
}

/** Restores an old version as a new version (history is never rewritten). Curators only. */
export async function restoreVersion(db: PrismaClient, actor: Actor, input: { trajectoryId: string; version: number; baseVersion: number }) {
  if (!hasRole(actor.role, "curator")) throw new ReviewError("FORBIDDEN", "Only curators and admins can restore versions.");
  const v = await getVersion(db, actor, { trajectoryId: input.trajectoryId, version: input.version });
  const d = asDraft(v);
  const draft: DraftInput = {
    steps: d.steps as DraftInput["steps"],
    dag: Object.fromEntries(Object.entries(d.dag).map(([k, p]) => [k, [...p]])),
    ...(d.stagePins ? { stagePins: Object.fromEntries(Object.entries(d.stagePins).map(([k, p]) => [k, p])) } : {}),
  };
  return saveDraft(db, actor, { trajectoryId: input.trajectoryId, baseVersion: input.baseVersion, draft, kind: "restore", restoredFrom: input.version, note: `Restored version ${input.version}` });
}
