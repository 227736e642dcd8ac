/**
 * Sign-in rate limiting, shared by every app process through the database: failed attempts are audit
 * events; more than SPRINT_SIGNIN_MAX_FAILURES (default 5) for one email within 15 minutes blocks
 * further attempts for that email until the window passes.
 */
import { recordAudit } from "../audit";
import type { PrismaClient } from "../db/client";

const WINDOW_MS = 15 * 60 * 1000;

export function maxFailures(): number {
  return Number(process.env.SPRINT_SIGNIN_MAX_FAILURES ?? 5);
}

export async function isSignInBlocked(db: PrismaClient, email: string): Promise<boolean> {
  const since = new Date(Date.now() - WINDOW_MS);
  const failures = await db.auditEvent.count({
    where: { action: "auth.sign_in_failed", targetType: "email", targetId: email, createdAt: { gte: since } },
  });
  return failures >= maxFailures();
}

export async function recordSignInFailure(db: PrismaClient, email: string, userId?: string): Promise<void> {
  await recordAudit(db, { userId: userId ?? null }, "auth.sign_in_failed", { type: "email", id: email });
}
