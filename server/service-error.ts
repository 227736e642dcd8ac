/**
 * What the services (server/review, server/inference, …) share with their routers: the acting member, and an
 * error with a user-facing message and the HTTP-ish code the router maps it to (server/api/trpc.ts
 * `serviceCall`). Services check role and workspace themselves and throw these; routers never re-check.
 */
import type { Role } from "./auth/roles";

export interface Actor {
  userId: string;
  role: Role;
  workspaceId: string;
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
