/** Account and workspace creation shared by sign-up, OAuth sign-up, invitations and the demo seed. */
import { auditWrite, recordAudit } from "../audit";
import crypto from "node:crypto";
import type { PrismaClient } from "../db/client";
import { hashPassword } from "./password";
import type { Role } from "./roles";

export function slugify(name: string): string {
  const base = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return base || "workspace";
}

async function uniqueSlug(db: PrismaClient, name: string): Promise<string> {
  const base = slugify(name);
  for (let i = 0; i < 50; i++) {
    const slug = i === 0 ? base : `${base}-${crypto.randomBytes(2).toString("hex")}`;
    if (!(await db.workspace.findUnique({ where: { slug }, select: { id: true } }))) return slug;
  }
  return `${base}-${crypto.randomUUID().slice(0, 8)}`;
}

export async function createPersonalWorkspace(db: PrismaClient, userId: string, ownerName: string) {
  const name = `${ownerName.split("@")[0]}'s workspace`;
  const ws = await db.workspace.create({
    data: { name, slug: await uniqueSlug(db, name), memberships: { create: { userId, role: "admin" } } },
  });
  await recordAudit(db, { userId, workspaceId: ws.id }, "workspace.create", { type: "workspace", id: ws.id });
  return ws;
}

export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

export function newToken(): string {
  return crypto.randomBytes(24).toString("base64url");
}

export class SignUpError extends Error {}

export interface SignUpInput {
  name: string;
  email: string;
  password: string;
  inviteToken?: string;
  workspaceName?: string;
}

/**
 * Creates a user. With a valid invitation the user joins that workspace with the invited role; otherwise
 * they become admin of a new workspace of their own. Returns the workspace slug to land on.
 */
export async function signUp(db: PrismaClient, input: SignUpInput): Promise<{ userId: string; slug: string }> {
  const email = input.email.trim().toLowerCase();
  if (await db.user.findUnique({ where: { email }, select: { id: true } })) {
    throw new SignUpError("An account with this email already exists. Sign in instead.");
  }
  const invite = input.inviteToken ? await findUsableInvitation(db, input.inviteToken) : null;
  if (input.inviteToken && !invite) throw new SignUpError("This invitation is invalid, expired or already used.");
  if (invite && invite.email !== email) {
    throw new SignUpError(`This invitation is for ${invite.email}. Sign up with that address.`);
  }
  const passwordHash = await hashPassword(input.password);
  const user = await db.user.create({ data: { email, name: input.name.trim() || null, passwordHash } });
  await recordAudit(db, { userId: user.id }, "auth.sign_up", { type: "user", id: user.id });
  if (invite) {
    await acceptInvitation(db, invite.id, user.id);
    return { userId: user.id, slug: invite.workspace.slug };
  }
  const ws = await createPersonalWorkspace(db, user.id, input.workspaceName?.trim() ? `${input.workspaceName.trim()}` : input.name || email);
  if (input.workspaceName?.trim()) {
    await db.workspace.update({ where: { id: ws.id }, data: { name: input.workspaceName.trim() } });
  }
  return { userId: user.id, slug: ws.slug };
}

export async function findUsableInvitation(db: PrismaClient, token: string) {
  const inv = await db.invitation.findUnique({ where: { tokenHash: hashToken(token) }, include: { workspace: true } });
  if (!inv || inv.acceptedAt || inv.revokedAt || inv.expiresAt < new Date()) return null;
  return inv;
}

export async function acceptInvitation(db: PrismaClient, invitationId: string, userId: string): Promise<Role> {
  const inv = await db.invitation.findUniqueOrThrow({ where: { id: invitationId } });
  await db.$transaction([
    db.membership.upsert({
      where: { workspaceId_userId: { workspaceId: inv.workspaceId, userId } },
      create: { workspaceId: inv.workspaceId, userId, role: inv.role },
      update: { role: inv.role },
    }),
    db.invitation.update({ where: { id: inv.id }, data: { acceptedAt: new Date() } }),
    auditWrite(db, { userId, workspaceId: inv.workspaceId }, "member.join", { type: "user", id: userId }, { role: inv.role }),
  ]);
  return inv.role;
}
