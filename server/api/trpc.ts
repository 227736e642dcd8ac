/**
 * tRPC setup: context, error shape, and the three kinds of procedure every router uses.
 *  - publicProcedure: anyone.
 *  - protectedProcedure: a signed-in user.
 *  - workspaceProcedure(role): a member of the workspace named by `input.workspaceId` with at least
 *    `role` (viewer < reviewer < curator < admin). Non-members get FORBIDDEN, whatever exists there.
 * Every procedure carries `meta.access`; the authorization-matrix test reads it from the router.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { PrismaClient } from "../db/client";
import type { Role } from "../auth/roles";
import { checkMembership } from "../auth/membership";
import { ServiceError, type Actor, type UserActor } from "../service-error";

export interface SessionUser {
  id: string;
  email?: string | null;
  name?: string | null;
}

export interface Context {
  db: PrismaClient;
  user: SessionUser | null;
}

export type Access = "public" | "authenticated" | Role;
export interface Meta {
  access: Access;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    isDev: false,
    errorFormatter({ shape, error }) {
      const zodError = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
      // Never leak internals: unexpected errors get a generic message, and no stack ever.
      const message =
        error.code === "INTERNAL_SERVER_ERROR" ? "Something went wrong on our side. It has been logged." : shape.message;
      return {
        message,
        code: shape.code,
        data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, zodError },
      };
    },
  });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

export const publicProcedure = t.procedure.meta({ access: "public" });

export const protectedProcedure = t.procedure.meta({ access: "authenticated" }).use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export const workspaceInput = z.object({ workspaceId: z.string().min(1).max(64) });

/** A procedure scoped to one workspace and requiring at least `minRole` there. */
export function workspaceProcedure(minRole: Role) {
  return t.procedure
    .meta({ access: minRole })
    .input(workspaceInput)
    .use(async ({ ctx, input, next }) => {
      if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
      // The one membership gate (server/auth/membership.ts); a non-member gets FORBIDDEN whether or not the workspace exists.
      const gate = await checkMembership(ctx.db, ctx.user.id, input.workspaceId, minRole);
      if (!gate.ok) throw new TRPCError({ code: "FORBIDDEN", message: gate.message });
      return next({ ctx: { ...ctx, user: ctx.user, workspaceId: gate.workspaceId, role: gate.role } });
    });
}

/** The acting member of a workspace procedure, as services take it. */
export function actorOf(ctx: { user: { id: string }; workspaceId: string; role: Role }): Actor {
  return { userId: ctx.user.id, role: ctx.role, workspaceId: ctx.workspaceId };
}

/** The signed-in user of a protected (workspace-less) procedure, as account-level services take it. */
export function userOf(ctx: { user: { id: string } }): UserActor {
  return { userId: ctx.user.id };
}

/** Runs a service call, turning its {@link ServiceError} into the matching tRPC error (the message is for the user). */
export async function serviceCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ServiceError) throw new TRPCError({ code: e.code, message: e.message, cause: e });
    throw e;
  }
}
