import "server-only";
import { cache } from "react";
import { auth } from "./index";
import { prisma } from "../db/client";
import { memberRole } from "./membership";
import type { Role } from "./roles";
import type { Actor } from "../service-error";

/**
 * `no-access`: the workspace does not exist OR the user is not a member of it — one answer, so a slug
 * cannot be probed (the page shows the same "no access" page for both).
 */
export type WorkspaceAccess =
  | { kind: "signed-out" }
  | { kind: "no-access" }
  | {
      kind: "ok";
      user: { id: string; email: string; name: string | null };
      workspace: { id: string; name: string; slug: string };
      role: Role;
      workspaces: { name: string; slug: string }[];
    };

/** Resolves the current user's access to a workspace by slug (once per request), through the membership gate. */
export const workspaceAccess = cache(async (slug: string): Promise<WorkspaceAccess> => {
  const session = await auth();
  if (!session?.user?.id) return { kind: "signed-out" };
  const user = await prisma.user.findUnique({
    where: { id: session.user.id },
    select: { id: true, email: true, name: true, memberships: { select: { workspace: { select: { name: true, slug: true } } }, orderBy: { createdAt: "asc" } } },
  });
  if (!user) return { kind: "signed-out" };
  const ws = await prisma.workspace.findUnique({ where: { slug }, select: { id: true, name: true, slug: true } });
  const role = ws && (await memberRole(prisma, user.id, ws.id));
  if (!ws || !role) return { kind: "no-access" };
  return {
    kind: "ok",
    user: { id: user.id, email: user.email, name: user.name },
    workspace: ws,
    role,
    workspaces: user.memberships.map((x) => ({ name: x.workspace.name, slug: x.workspace.slug })),
  };
});

/** The acting member of a page, as services take it (server components call services with it). */
export function actorOfAccess(access: Extract<WorkspaceAccess, { kind: "ok" }>): Actor {
  return { userId: access.user.id, role: access.role, workspaceId: access.workspace.id };
}
