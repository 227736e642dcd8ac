import "server-only";
import { cache } from "react";
import { auth } from "./index";
import { prisma } from "../db/client";
import type { Role } from "./roles";

export type WorkspaceAccess =
  | { kind: "signed-out" }
  | { kind: "not-found" }
  | { kind: "forbidden" }
  | {
      kind: "ok";
      user: { id: string; email: string; name: string | null };
      workspace: { id: string; name: string; slug: string };
      role: Role;
      workspaces: { name: string; slug: string }[];
    };

/** Resolves the current user's access to a workspace by slug (once per request). */
export const workspaceAccess = cache(async (slug: string): Promise<WorkspaceAccess> => {
  const session = await auth();
  if (!session?.user?.id) return { kind: "signed-out" };
  const ws = await prisma.workspace.findUnique({ where: { slug }, select: { id: true, name: true, slug: true } });
  if (!ws) return { kind: "not-found" };
  const user = await prisma.user.findUnique({
    where: { id: session.user.id },
    select: { id: true, email: true, name: true, memberships: { select: { role: true, workspace: { select: { id: true, name: true, slug: true } } } } },
  });
  if (!user) return { kind: "signed-out" };
  const m = user.memberships.find((x) => x.workspace.id === ws.id);
  if (!m) return { kind: "forbidden" };
  return {
    kind: "ok",
    user: { id: user.id, email: user.email, name: user.name },
    workspace: ws,
    role: m.role,
    workspaces: user.memberships.map((x) => ({ name: x.workspace.name, slug: x.workspace.slug })),
  };
});
