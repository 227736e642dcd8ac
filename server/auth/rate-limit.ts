/**
 * Sign-in rate limiting, shared by every app process through the database (table `SignInAttempt`).
 *
 * Every password attempt is *reserved* before the password is checked: {@link reserveSignInAttempt} takes a
 * transaction-scoped advisory lock on the email, counts the attempts of the window that did not succeed
 * (failed ones and ones still being checked), and inserts a `pending` row only when the limits allow one.
 * Concurrent guesses therefore queue on the lock and at most the limit of them ever reach bcrypt; the
 * rest are refused without a check. After the check the row becomes `failed` or `succeeded`
 * ({@link settleSignInAttempt}). A row left `pending` by a crashed process counts as a failure.
 *
 * Two limits within a 15-minute window:
 * - per email *and* source address: SPRINT_SIGNIN_MAX_FAILURES (default 5). A stranger guessing from
 *   elsewhere does not lock the owner out of their own address.
 * - per email from all addresses: SPRINT_SIGNIN_MAX_FAILURES_PER_EMAIL (default 50), a ceiling against a
 *   distributed guess (or a spoofed X-Forwarded-For when no proxy sets it, see {@link clientAddress}).
 */
import type { PrismaClient } from "../db/client";

export const WINDOW_MS = 15 * 60 * 1000;

function positiveEnv(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** Failed attempts per (email, address) within the window before that address is refused. */
export function maxFailures(): number {
  return positiveEnv("SPRINT_SIGNIN_MAX_FAILURES", 5);
}

/** Failed attempts per email from all addresses within the window before every address is refused. */
export function maxFailuresPerEmail(): number {
  return Math.max(maxFailures(), positiveEnv("SPRINT_SIGNIN_MAX_FAILURES_PER_EMAIL", 50));
}

/**
 * The client address of a request: the last X-Forwarded-For entry (the one the nearest proxy added), else
 * X-Real-IP, else "unknown". Next.js fills X-Forwarded-For with the socket address when the request has
 * none; a client can send its own, so deploy behind a proxy that sets it — the per-email ceiling bounds
 * what a forged header can gain.
 */
export function clientAddress(headers: Headers | undefined | null): string {
  const xff = headers?.get("x-forwarded-for");
  const last = xff?.split(",").map((s) => s.trim()).filter(Boolean).at(-1);
  const addr = last ?? headers?.get("x-real-ip")?.trim();
  return addr ? addr.slice(0, 100) : "unknown";
}

export type Reservation = { ok: true; attemptId: string } | { ok: false };

/** Reserves one attempt for (email, address), or refuses it when either limit is reached. Atomic across processes. */
export async function reserveSignInAttempt(db: PrismaClient, email: string, address: string): Promise<Reservation> {
  const since = new Date(Date.now() - WINDOW_MS);
  return db.$transaction(async (tx) => {
    // Serialises reservations for this email (the lock ends with the transaction).
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`sprint-signin:${email}`}, 0))`;
    const counted = { email, createdAt: { gte: since }, outcome: { in: ["pending", "failed"] } };
    const [fromAddress, total] = await Promise.all([
      tx.signInAttempt.count({ where: { ...counted, address } }),
      tx.signInAttempt.count({ where: counted }),
    ]);
    if (fromAddress >= maxFailures() || total >= maxFailuresPerEmail()) return { ok: false as const };
    const row = await tx.signInAttempt.create({ data: { email, address }, select: { id: true } });
    return { ok: true as const, attemptId: row.id };
  });
}

/** Records the outcome of a reserved attempt. */
export async function settleSignInAttempt(db: PrismaClient, attemptId: string, outcome: "failed" | "succeeded"): Promise<void> {
  await db.signInAttempt.update({ where: { id: attemptId }, data: { outcome } });
}

/** Whether (email, address) would be refused now (for tests and admin views; sign-in uses {@link reserveSignInAttempt}). */
export async function isSignInBlocked(db: PrismaClient, email: string, address = "unknown"): Promise<boolean> {
  const since = new Date(Date.now() - WINDOW_MS);
  const counted = { email, createdAt: { gte: since }, outcome: { in: ["pending", "failed"] } };
  const [fromAddress, total] = await Promise.all([
    db.signInAttempt.count({ where: { ...counted, address } }),
    db.signInAttempt.count({ where: counted }),
  ]);
  return fromAddress >= maxFailures() || total >= maxFailuresPerEmail();
}

/** Deletes attempts older than the window (called now and then by sign-in; the table stays small). */
export async function pruneSignInAttempts(db: PrismaClient): Promise<number> {
  const r = await db.signInAttempt.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - 2 * WINDOW_MS) } } });
  return r.count;
}
