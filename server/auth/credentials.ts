/**
 * The email + password check behind the credentials provider (server/auth/index.ts), usable without
 * Next (integration tests): reserve an attempt (rate-limit.ts), compare the password, record the outcome.
 */
import { recordAudit } from "../audit";
import type { PrismaClient } from "../db/client";
import { hashPassword, verifyPassword } from "./password";
import { pruneSignInAttempts, reserveSignInAttempt, settleSignInAttempt } from "./rate-limit";

/** A hash to compare against when the email is unknown, so the answer takes as long as for a known one. */
let dummyHash: Promise<string> | undefined;

export type CredentialCheck =
  | { ok: true; user: { id: string; email: string; name: string | null } }
  | { ok: false; reason: "rate_limited" | "wrong_credentials" };

export async function checkCredentials(db: PrismaClient, email: string, password: string, address: string): Promise<CredentialCheck> {
  const reservation = await reserveSignInAttempt(db, email, address);
  if (!reservation.ok) return { ok: false, reason: "rate_limited" };
  if (Math.random() < 0.01) await pruneSignInAttempts(db).catch(() => undefined);
  let ok = false;
  const user = await db.user.findUnique({ where: { email } });
  try {
    if (user?.passwordHash && !user.disabledAt) ok = await verifyPassword(password, user.passwordHash);
    else await verifyPassword(password, await (dummyHash ??= hashPassword("no-such-user"))); // same timing, always false
  } finally {
    await settleSignInAttempt(db, reservation.attemptId, ok ? "succeeded" : "failed");
  }
  if (!user || !ok) {
    await recordAudit(db, { userId: user?.id ?? null }, "auth.sign_in_failed", { type: "email", id: email }, { address });
    return { ok: false, reason: "wrong_credentials" };
  }
  await recordAudit(db, { userId: user.id }, "auth.sign_in", { type: "user", id: user.id }, { address });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
}
