/**
 * What the services (server/review, server/inference, …) share with their routers: the acting member, and an
 * error with a user-facing message and the HTTP-ish code the router maps it to (server/api/trpc.ts
 * `serviceCall`). Services check role and workspace themselves and throw these; routers never re-check.
 */
import { hasRole, type Role } from "./auth/roles";

export interface Actor {
  userId: string;
  role: Role;
  workspaceId: string;
}

/** A signed-in user acting outside any workspace (their own account, invitations). */
export interface UserActor {
  userId: string;
}

export type ServiceErrorCode = "NOT_FOUND" | "FORBIDDEN" | "BAD_REQUEST" | "CONFLICT";

export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Throws FORBIDDEN unless the actor has at least `minRole` (services re-check what the router's gate checked). */
export function requireRole(actor: Actor, minRole: Role): void {
  if (!hasRole(actor.role, minRole)) throw new ServiceError("FORBIDDEN", `This needs the ${minRole} role; you are ${actor.role}.`);
}
