/** The signed-in user's own account: profile and workspaces, sessions, password, invitations addressed to them. */
import { z } from "zod";
import type { PrismaClient } from "../db/client";
import { recordAudit } from "../audit";
import { ServiceError, type UserActor } from "../service-error";
import { acceptInvitation, findUsableInvitation } from "./accounts";
import { hashPassword, verifyPassword } from "./password";

export const changePasswordInput = z.object({ current: z.string().min(1), next: z.string().min(8).max(200) });
export const invitationTokenInput = z.object({ token: z.string().min(10).max(100) });

/** The user and the workspaces they belong to (oldest membership first). */
export async function me(db: PrismaClient, actor: UserActor) {
  return db.user.findUniqueOrThrow({
    where: { id: actor.userId },
    select: {
      id: true,
      email: true,
      name: true,
      createdAt: true,
      memberships: { select: { role: true, workspace: { select: { id: true, name: true, slug: true } } }, orderBy: { createdAt: "asc" } },
    },
  });
}

/** Signs the user out everywhere (every issued session token stops working). */
export async function revokeMySessions(db: PrismaClient, actor: UserActor) {
  await db.user.update({ where: { id: actor.userId }, data: { sessionVersion: { increment: 1 } } });
  await recordAudit(db, actor, "auth.revoke_own_sessions", { type: "user", id: actor.userId });
  return { ok: true };
}

export async function changePassword(db: PrismaClient, actor: UserActor, input: z.infer<typeof changePasswordInput>) {
  const user = await db.user.findUniqueOrThrow({ where: { id: actor.userId } });
  if (!user.passwordHash || !(await verifyPassword(input.current, user.passwordHash))) {
    throw new ServiceError("BAD_REQUEST", "The current password is wrong.");
  }
  await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(input.next), sessionVersion: { increment: 1 } } });
  await recordAudit(db, actor, "auth.change_password", { type: "user", id: user.id });
  return { ok: true };
}

/** What an invitation link offers, or null (the token itself is the credential; no sign-in needed). */
export async function invitationPreview(db: PrismaClient, input: z.infer<typeof invitationTokenInput>) {
  const inv = await findUsableInvitation(db, input.token);
  if (!inv) return null;
  return { email: inv.email, role: inv.role, workspace: { name: inv.workspace.name, slug: inv.workspace.slug } };
}

/** The user accepts an invitation addressed to their email. */
export async function acceptMyInvitation(db: PrismaClient, actor: UserActor, input: z.infer<typeof invitationTokenInput>) {
  const inv = await findUsableInvitation(db, input.token);
  if (!inv) throw new ServiceError("NOT_FOUND", "This invitation is invalid, expired or already used.");
  const me = await db.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { email: true } });
  if (me.email !== inv.email) throw new ServiceError("FORBIDDEN", `This invitation is for ${inv.email}; you are signed in as ${me.email}.`);
  const role = await acceptInvitation(db, inv.id, actor.userId);
  return { slug: inv.workspace.slug, role };
}
