/**
 * The membership gate (./membership.ts) for Next.js route handlers (app/api/**): the session user, the
 * resource's workspace, the role check, and the HTTP answer when refused. One rule for every handler:
 * 401 when signed out; 404 — the same answer — when the resource does not exist or belongs to a workspace
 * the user is not a member of (ids cannot be probed); 403 for a member whose role is too weak.
 */
import { auth } from "./index";
import { prisma } from "../db/client";
import type { Actor } from "../service-error";
import { checkMembership } from "./membership";
import type { Role } from "./roles";

/** A JSON error response (never cached). */
export function jsonError(status: number, error: string, extra: Record<string, unknown> = {}): Response {
  return Response.json({ error, ...extra }, { status, headers: { "Cache-Control": "no-store" } });
}

export type RouteAccess<T> = { ok: true; actor: Actor; resource: T } | { ok: false; response: Response };

/**
 * Gates a route handler on a resource: `find` loads it (with the id of its workspace) or returns null.
 * `notFound` is the message of the 404 (e.g. "No such snapshot.").
 */
export async function routeAccess<T extends { workspaceId: string }>(opts: {
  minRole: Role;
  find: () => Promise<T | null>;
  notFound: string;
  signedOut?: string;
}): Promise<RouteAccess<T>> {
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId) return { ok: false, response: jsonError(401, opts.signedOut ?? "Sign in to continue.") };
  const resource = await opts.find();
  if (!resource) return { ok: false, response: jsonError(404, opts.notFound) };
  const gate = await checkMembership(prisma, userId, resource.workspaceId, opts.minRole);
  if (!gate.ok) return { ok: false, response: gate.reason === "role" ? jsonError(403, gate.message) : jsonError(404, opts.notFound) };
  return { ok: true, actor: { userId, workspaceId: gate.workspaceId, role: gate.role }, resource };
}
