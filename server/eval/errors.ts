import { ServiceError } from "../service-error";
import { hasRole, type Role } from "../auth/roles";
import type { Actor } from "../service-error";

/** An evaluation service error (its code becomes the tRPC code). */
export class EvalError extends ServiceError {}

export function requireRole(actor: Actor, role: Role, what: string): void {
  if (!hasRole(actor.role, role)) throw new EvalError("FORBIDDEN", `Only ${role}s and above can ${what}.`);
}
