/**
 * What the sign-in page says about the demo workspace (server/seed.ts creates it on an empty database):
 * its email when the demo account and workspace exist, and its password only while it is still the default
 * one (the stored hash still matches it; a SPRINT_DEMO_PASSWORD of its own is never shown). The answer is cached for a minute
 * (the password check is a bcrypt compare).
 */
import type { PrismaClient } from "../db/client";
import { DEFAULT_DEMO_PASSWORD, DEMO_EMAIL } from "../seed";
import { verifyPassword } from "./password";

export interface DemoHint {
  email: string;
  /** The password, when it is still the documented default. */
  password: string | null;
  workspaceSlug: string;
}

const TTL_MS = 60_000;
let cached: { at: number; value: DemoHint | null } | null = null;

export async function demoSignInHint(db: PrismaClient): Promise<DemoHint | null> {
  if (cached && Date.now() - cached.at < TTL_MS) return cached.value;
  const user = await db.user.findUnique({
    where: { email: DEMO_EMAIL },
    select: { passwordHash: true, disabledAt: true, memberships: { where: { workspace: { slug: "demo" } }, select: { workspace: { select: { slug: true } } } } },
  });
  let value: DemoHint | null = null;
  if (user && !user.disabledAt && user.passwordHash && user.memberships.length > 0) {
    const isDefault = await verifyPassword(DEFAULT_DEMO_PASSWORD, user.passwordHash);
    value = { email: DEMO_EMAIL, password: isDefault ? DEFAULT_DEMO_PASSWORD : null, workspaceSlug: "demo" };
  }
  cached = { at: Date.now(), value };
  return value;
}
