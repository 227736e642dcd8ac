/**
 * Helpers of the import route handlers (app/api/…): the signed-in user's role in a dataset's workspace
 * and JSON error responses. Query parameters: params.ts.
 */
import { auth } from "../../auth";
import { prisma } from "../../db/client";
import { hasRole, type Role } from "../../auth/roles";

export function jsonError(status: number, error: string, extra: Record<string, unknown> = {}): Response {
  return Response.json({ error, ...extra }, { status, headers: { "Cache-Control": "no-store" } });
}

export type Access =
  | { ok: true; userId: string; workspaceId: string; role: Role }
  | { ok: false; response: Response };

/** Checks the session user's role in the workspace that owns `datasetId`: 401, 404 (no such dataset) or 403. */
export async function datasetAccess(datasetId: string, minRole: Role): Promise<Access> {
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId) return { ok: false, response: jsonError(401, "Sign in to continue.") };
  const ds = await prisma.dataset.findUnique({ where: { id: datasetId }, select: { workspaceId: true } });
  if (!ds) return { ok: false, response: jsonError(404, "No such dataset.") };
  return membershipAccess(userId, ds.workspaceId, minRole);
}

export async function membershipAccess(userId: string, workspaceId: string, minRole: Role): Promise<Access> {
  const m = await prisma.membership.findUnique({ where: { workspaceId_userId: { workspaceId, userId } }, select: { role: true } });
  if (!m) return { ok: false, response: jsonError(403, "You are not a member of this workspace.") };
  if (!hasRole(m.role, minRole)) return { ok: false, response: jsonError(403, `This needs the ${minRole} role; you are ${m.role}.`) };
  return { ok: true, userId, workspaceId, role: m.role };
}
