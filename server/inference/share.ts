/**
 * Share links of playground runs: a random 192-bit token (base64url) shown once; only its SHA-256 is stored.
 * `/share/<token>` shows the run read-only without signing in until the link is revoked. Only finished runs
 * can be shared, and finished runs never change (no code path updates their events), so the link shows an
 * immutable snapshot.
 */
import { z } from "zod";
import crypto from "node:crypto";
import type { PrismaClient } from "../db/client";
import { prisma } from "../db/client";
import { hasRole } from "../auth/roles";
import { recordAudit } from "../audit";
import { InferenceError, runEvents, type Actor } from "./runs";

export const shareLinkIdInput = z.object({ shareLinkId: z.string().min(1).max(64) });

export const SHARE_RESOURCE = "inference-run";

export function hashShareToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/** Absolute URL when AUTH_URL (the app's public origin) is set; else the path (the browser adds its origin). */
export function sharePath(token: string): string {
  const base = (process.env.AUTH_URL ?? "").replace(/\/+$/, "");
  return `${base}/share/${token}`;
}

export async function createShare(db: PrismaClient, actor: Actor, runId: string) {
  if (!hasRole(actor.role, "reviewer")) throw new InferenceError("FORBIDDEN", "Viewers cannot share runs.");
  const run = await db.inferenceRun.findFirst({ where: { id: runId, workspaceId: actor.workspaceId }, select: { id: true, status: true, mode: true, compareGroup: true } });
  if (!run) throw new InferenceError("NOT_FOUND", "No such run in this workspace.");
  if (run.status === "running" || run.status === "queued") throw new InferenceError("BAD_REQUEST", "Wait for the run to finish: a share link shows a finished run.");
  if (run.compareGroup) {
    const other = await db.inferenceRun.findFirst({ where: { compareGroup: run.compareGroup, id: { not: run.id }, status: { in: ["running", "queued"] } }, select: { id: true } });
    if (other) throw new InferenceError("BAD_REQUEST", "Wait for the sequential baseline to finish too.");
  }
  const token = crypto.randomBytes(24).toString("base64url");
  const link = await db.shareLink.create({
    data: { workspaceId: actor.workspaceId, tokenHash: hashShareToken(token), resourceType: SHARE_RESOURCE, resourceId: run.id, createdById: actor.userId },
  });
  await recordAudit(db, actor, "share.create", { type: "inference-run", id: run.id }, { shareLinkId: link.id });
  return { token, url: sharePath(token), shareLinkId: link.id };
}

export async function listShares(db: PrismaClient, actor: Actor) {
  const links = await db.shareLink.findMany({ where: { workspaceId: actor.workspaceId, resourceType: SHARE_RESOURCE }, orderBy: { createdAt: "desc" }, take: 500 });
  const runs = await db.inferenceRun.findMany({ where: { id: { in: links.map((l) => l.resourceId) } }, select: { id: true, question: true } });
  const users = await db.user.findMany({ where: { id: { in: links.map((l) => l.createdById).filter((x): x is string => Boolean(x)) } }, select: { id: true, name: true, email: true } });
  const q = new Map(runs.map((r) => [r.id, r.question]));
  const who = new Map(users.map((u) => [u.id, u.name ?? u.email]));
  return links.map((l) => ({
    id: l.id,
    runId: l.resourceId,
    question: (q.get(l.resourceId) ?? "(deleted run)").slice(0, 200),
    createdAt: l.createdAt,
    createdBy: l.createdById ? (who.get(l.createdById) ?? null) : null,
    revokedAt: l.revokedAt,
    canRevoke: !l.revokedAt && (l.createdById === actor.userId || hasRole(actor.role, "admin")),
  }));
}

export async function revokeShare(db: PrismaClient, actor: Actor, shareLinkId: string) {
  const link = await db.shareLink.findFirst({ where: { id: shareLinkId, workspaceId: actor.workspaceId } });
  if (!link) throw new InferenceError("NOT_FOUND", "No such share link in this workspace.");
  if (link.createdById !== actor.userId && !hasRole(actor.role, "admin")) throw new InferenceError("FORBIDDEN", "Only the person who shared it (or an admin) can revoke this link.");
  if (!link.revokedAt) await db.shareLink.update({ where: { id: link.id }, data: { revokedAt: new Date() } });
  await recordAudit(db, actor, "share.revoke", { type: "inference-run", id: link.resourceId }, { shareLinkId: link.id });
}

async function publicRun(db: PrismaClient, id: string) {
  const run = await db.inferenceRun.findUnique({
    where: { id },
    select: { id: true, question: true, mode: true, schedule: true, status: true, finalAnswer: true, metrics: true, params: true, createdAt: true, finishedAt: true, compareGroup: true, endpoint: { select: { name: true, model: true } } },
  });
  if (!run) return null;
  const p = run.params as { engine?: { name: string; model: string } } | null;
  const m = run.metrics as { error?: string | null } | null;
  const engine = run.endpoint ?? p?.engine ?? null;
  return {
    ...run,
    mode: run.mode as "sprint" | "sequential",
    schedule: run.schedule as "round-sync" | "eager" | null,
    metrics: publicMetrics(run.metrics as Record<string, unknown> | null),
    params: run.params as Record<string, unknown> | null,
    // The endpoint's name and model, never its URL.
    endpoint: engine ? { name: engine.name, model: engine.model } : null,
    error: m?.error ? "The run failed." : null,
    baselineRunId: null as string | null,
    createdBy: null as string | null,
  };
}

/**
 * Events as the public sees them. Left out: the parameters (few-shot examples may come from a private dataset),
 * the engine ids (they contain the endpoint's base URL) and the text of errors and retries (they quote the
 * endpoint's URL and the upstream server's answers) — replaced by their kind.
 */
function publicEvents<T extends { type: string }>(events: T[]): T[] {
  return events.map((e) => {
    const x = e as unknown as Record<string, unknown>;
    if (e.type === "run-started") return { ...x, params: null, engines: { planner: "endpoint", executor: "endpoint" } } as unknown as T;
    if (e.type === "call-retry") return { ...x, message: `retried (${String(x.reason)})` } as unknown as T;
    if (e.type === "error") return { ...x, message: `the run failed (${String(x.kind ?? "error")})` } as unknown as T;
    return e;
  });
}

function publicMetrics(m: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!m) return m;
  const { error, ...rest } = m;
  return error ? { ...rest, error: "The run failed." } : rest;
}

/** A shared run for the public page, or null (unknown, revoked or expired token — the page answers 404). */
export async function getSharedRun(token: string, db: PrismaClient = prisma) {
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(token)) return null;
  const link = await db.shareLink.findUnique({ where: { tokenHash: hashShareToken(token) } });
  if (!link || link.revokedAt || (link.expiresAt && link.expiresAt < new Date()) || link.resourceType !== SHARE_RESOURCE) return null;
  const run = await publicRun(db, link.resourceId);
  if (!run) return null;
  const events = publicEvents((await runEvents(db, run.id, -1, 1_000_000)).events);
  let baseline: { run: NonNullable<Awaited<ReturnType<typeof publicRun>>>; events: typeof events } | null = null;
  if (run.compareGroup && run.mode === "sprint") {
    const sib = await db.inferenceRun.findFirst({ where: { compareGroup: run.compareGroup, mode: "sequential" }, select: { id: true } });
    const b = sib ? await publicRun(db, sib.id) : null;
    if (b) {
      baseline = { run: { ...b, params: null as Record<string, unknown> | null }, events: publicEvents((await runEvents(db, b.id, -1, 1_000_000)).events) };
      run.baselineRunId = b.id;
    }
  }
  return { run: { ...run, params: null as Record<string, unknown> | null }, events, baseline };
}
