/**
 * THE membership gate: the one place that decides whether a user may act in a workspace with a given role.
 * Used by the tRPC middleware (`workspaceProcedure`, server/api/trpc.ts), every route handler (through
 * `server/auth/route-access.ts`: imports upload and report, snapshot download, the inference SSE stream) and
 * the workspace pages (`server/auth/workspace-access.ts`).
 *
 * "Not a member" and "no such workspace / resource" are one answer to the caller: a non-member cannot tell
 * whether an id exists (tRPC: FORBIDDEN for the named workspace; route handlers and pages: 404 / the same
 * "no access" page). A member with too weak a role is told which role is needed.
 */
import type { Prisma, PrismaClient } from "../db/client";
import { hasRole, type Role } from "./roles";

export type MembershipGate =
  | { ok: true; userId: string; workspaceId: string; role: Role }
  /** `not-member`: no membership (or no such workspace); `role`: a member whose role is below `minRole`. */
  | { ok: false; reason: "not-member" | "role"; role: Role | null; message: string };

type Db = PrismaClient | Prisma.TransactionClient;

/** The user's role in the workspace, or null when they are not a member (or the workspace does not exist). */
export async function memberRole(db: Db, userId: string, workspaceId: string): Promise<Role | null> {
  const m = await db.membership.findUnique({ where: { workspaceId_userId: { workspaceId, userId } }, select: { role: true } });
  return m?.role ?? null;
}

/** Checks that `userId` is a member of `workspaceId` with at least `minRole`. */
export async function checkMembership(db: Db, userId: string, workspaceId: string, minRole: Role): Promise<MembershipGate> {
  const role = await memberRole(db, userId, workspaceId);
  if (!role) return { ok: false, reason: "not-member", role: null, message: "You are not a member of this workspace." };
  if (!hasRole(role, minRole)) return { ok: false, reason: "role", role, message: `This needs the ${minRole} role; you are ${role}.` };
  return { ok: true, userId, workspaceId, role };
}
