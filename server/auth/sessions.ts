/**
 * Server-side records of signed-in sessions, so that one session can end for good. Auth.js allows only JWT
 * sessions with credentials; each JWT carries a random session id (`sid`) whose SHA-256 is stored in the
 * `Session` table (the Auth.js adapter's table, unused otherwise with JWT sessions). Every request checks
 * the record (server/auth/index.ts `jwt` callback): sign-out deletes it, so the old cookie is refused
 * even if someone kept it. "Sign out everywhere" still bumps `User.sessionVersion`, which ends all of them.
 */
import type { PrismaClient } from "../db/client";
import { hashToken, newToken } from "./accounts";

export const SESSION_MAX_AGE_S = 30 * 24 * 60 * 60;

/** Opens a session record for a user; returns the id to put in the JWT. */
export async function openSession(db: PrismaClient, userId: string): Promise<string> {
  const sid = newToken();
  await db.session.deleteMany({ where: { userId, expires: { lt: new Date() } } }); // the user's expired records
  await db.session.create({ data: { sessionToken: hashToken(sid), userId, expires: new Date(Date.now() + SESSION_MAX_AGE_S * 1000) } });
  return sid;
}

/** Whether the session record exists, belongs to the user and has not expired. */
export async function sessionIsOpen(db: PrismaClient, sid: unknown, userId: string): Promise<boolean> {
  if (typeof sid !== "string" || sid === "") return false;
  const row = await db.session.findUnique({ where: { sessionToken: hashToken(sid) }, select: { userId: true, expires: true } });
  return !!row && row.userId === userId && row.expires > new Date();
}

/** Ends a session (sign-out). Idempotent. */
export async function closeSession(db: PrismaClient, sid: unknown): Promise<void> {
  if (typeof sid !== "string" || sid === "") return;
  await db.session.deleteMany({ where: { sessionToken: hashToken(sid) } });
}
