/** Sign-up, invitations, role rules and session revocation against a real database. */
import { afterAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "../../server/db/client";
import { SignUpError, signUp } from "../../server/auth/accounts";
import { createCaller } from "../../server/api/root";
import { isSignInBlocked, maxFailures, reserveSignInAttempt, settleSignInAttempt } from "../../server/auth/rate-limit";
import { checkCredentials } from "../../server/auth/credentials";
import { closeSession, openSession, sessionIsOpen } from "../../server/auth/sessions";
import { verifyPassword } from "../../server/auth/password";

process.env.SPRINT_BCRYPT_COST = "4";
const db = createPrismaClient(process.env.DATABASE_URL);
const tag = `auth-${Date.now().toString(36)}`;
const email = (who: string) => `${who}-${tag}@example.test`;

afterAll(async () => {
  const users = await db.user.findMany({ where: { email: { endsWith: `-${tag}@example.test` } }, select: { id: true } });
  await db.workspace.deleteMany({ where: { memberships: { some: { userId: { in: users.map((u) => u.id) } } } } });
  await db.user.deleteMany({ where: { id: { in: users.map((u) => u.id) } } });
  await db.signInAttempt.deleteMany({ where: { email: { endsWith: `-${tag}@example.test` } } });
  await db.$disconnect();
});

describe("accounts", () => {
  it("a sign-up without invitation becomes admin of a new workspace; passwords are hashed", async () => {
    const r = await signUp(db, { name: "Owner", email: email("owner"), password: "long-enough-1", workspaceName: `Lab ${tag}` });
    const m = await db.membership.findFirstOrThrow({ where: { userId: r.userId }, include: { workspace: true } });
    expect(m.role).toBe("admin");
    expect(m.workspace.name).toBe(`Lab ${tag}`);
    expect(m.workspace.slug).toBe(r.slug);
    const u = await db.user.findUniqueOrThrow({ where: { id: r.userId } });
    expect(u.passwordHash).not.toContain("long-enough-1");
    expect(await verifyPassword("long-enough-1", u.passwordHash!)).toBe(true);
    await expect(signUp(db, { name: "Again", email: email("owner"), password: "long-enough-1" })).rejects.toThrow(SignUpError);
  });

  it("an invitation is single-use, bound to its email, and grants its role", async () => {
    const owner = await signUp(db, { name: "O2", email: email("o2"), password: "long-enough-1" });
    const ws = await db.workspace.findUniqueOrThrow({ where: { slug: owner.slug } });
    const asOwner = createCaller({ db, user: { id: owner.userId } });
    const inv = await asOwner.members.invite({ workspaceId: ws.id, email: email("rev"), role: "reviewer" });
    expect((await asOwner.members.invitations({ workspaceId: ws.id })).map((i) => i.email)).toContain(email("rev"));
    await expect(signUp(db, { name: "X", email: email("wrong"), password: "long-enough-1", inviteToken: inv.token })).rejects.toThrow(/for rev-/);
    const rev = await signUp(db, { name: "Rev", email: email("rev"), password: "long-enough-1", inviteToken: inv.token });
    expect(rev.slug).toBe(ws.slug);
    expect((await db.membership.findFirstOrThrow({ where: { userId: rev.userId, workspaceId: ws.id } })).role).toBe("reviewer");
    expect(await db.membership.count({ where: { userId: rev.userId } })).toBe(1);
    await expect(signUp(db, { name: "Y", email: email("rev2"), password: "long-enough-1", inviteToken: inv.token })).rejects.toThrow(/invalid, expired or already used/);
  });

  it("the last admin cannot be demoted or removed; other changes work and are audited", async () => {
    const owner = await signUp(db, { name: "O3", email: email("o3"), password: "long-enough-1" });
    const ws = await db.workspace.findUniqueOrThrow({ where: { slug: owner.slug } });
    const asOwner = createCaller({ db, user: { id: owner.userId } });
    await expect(asOwner.members.changeRole({ workspaceId: ws.id, userId: owner.userId, role: "viewer" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(asOwner.members.remove({ workspaceId: ws.id, userId: owner.userId })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const other = await db.user.create({ data: { email: email("o3b") } });
    await db.membership.create({ data: { workspaceId: ws.id, userId: other.id, role: "viewer" } });
    await asOwner.members.changeRole({ workspaceId: ws.id, userId: other.id, role: "admin" });
    await asOwner.members.changeRole({ workspaceId: ws.id, userId: owner.userId, role: "curator" });
    const roles = await db.membership.findMany({ where: { workspaceId: ws.id }, orderBy: { createdAt: "asc" } });
    expect(roles.map((r) => r.role)).toEqual(["curator", "admin"]);
    const log = await db.auditEvent.findMany({ where: { workspaceId: ws.id, action: "member.role_change" } });
    expect(log).toHaveLength(2);
  });

  it("revoking sessions bumps the session version", async () => {
    const owner = await signUp(db, { name: "O4", email: email("o4"), password: "long-enough-1" });
    const before = (await db.user.findUniqueOrThrow({ where: { id: owner.userId } })).sessionVersion;
    await createCaller({ db, user: { id: owner.userId } }).account.revokeMySessions();
    expect((await db.user.findUniqueOrThrow({ where: { id: owner.userId } })).sessionVersion).toBe(before + 1);
  });

  it("sign-in is blocked after repeated failures for that email and address only", async () => {
    const victim = email("victim");
    for (let i = 0; i < maxFailures(); i++) {
      expect(await isSignInBlocked(db, victim, "10.0.0.1")).toBe(false);
      const r = await reserveSignInAttempt(db, victim, "10.0.0.1");
      expect(r.ok).toBe(true);
      if (r.ok) await settleSignInAttempt(db, r.attemptId, "failed");
    }
    expect(await isSignInBlocked(db, victim, "10.0.0.1")).toBe(true);
    expect((await reserveSignInAttempt(db, victim, "10.0.0.1")).ok).toBe(false);
    expect(await isSignInBlocked(db, email("bystander"), "10.0.0.1")).toBe(false);
  });

  it("concurrent guesses: only the limit's worth are checked, the right password among them is refused once the limit is hit", async () => {
    const owner = await signUp(db, { name: "Target", email: email("target"), password: "right-password-1" });
    expect(owner.userId).toBeTruthy();
    const attacker = "203.0.113.9";
    const wrong = Array.from({ length: 12 }, (_, i) => checkCredentials(db, email("target"), `wrong-${i}`, attacker));
    // The right password is sent while the wrong ones are in flight.
    await new Promise((r) => setTimeout(r, 20));
    const right = checkCredentials(db, email("target"), "right-password-1", attacker);
    const results = await Promise.all([...wrong, right]);
    const checked = results.filter((r) => r.ok || r.reason === "wrong_credentials");
    expect(checked.length).toBeLessThanOrEqual(maxFailures());
    expect(results.filter((r) => !r.ok && r.reason === "rate_limited").length).toBeGreaterThanOrEqual(13 - maxFailures());
    expect(results.at(-1)).toEqual({ ok: false, reason: "rate_limited" });
    const rows = await db.signInAttempt.count({ where: { email: email("target"), address: attacker } });
    expect(rows).toBe(maxFailures());
    // And afterwards, still refused from that address.
    expect(await checkCredentials(db, email("target"), "right-password-1", attacker)).toEqual({ ok: false, reason: "rate_limited" });
  });

  it("a stranger's failures from another address do not lock the owner out", async () => {
    await signUp(db, { name: "Colleague", email: email("colleague"), password: "colleague-pass-1" });
    for (let i = 0; i < maxFailures() + 3; i++) await checkCredentials(db, email("colleague"), `guess-${i}`, "198.51.100.7");
    expect(await checkCredentials(db, email("colleague"), "colleague-pass-1", "198.51.100.7")).toEqual({ ok: false, reason: "rate_limited" });
    const own = await checkCredentials(db, email("colleague"), "colleague-pass-1", "192.0.2.44");
    expect(own.ok).toBe(true);
  });

  it("the per-email ceiling stops a guess spread over many addresses", async () => {
    process.env.SPRINT_SIGNIN_MAX_FAILURES_PER_EMAIL = "8";
    try {
      await signUp(db, { name: "Spread", email: email("spread"), password: "spread-pass-1" });
      for (let i = 0; i < 8; i++) expect(await checkCredentials(db, email("spread"), `g-${i}`, `198.18.0.${i}`)).toEqual({ ok: false, reason: "wrong_credentials" });
      expect(await checkCredentials(db, email("spread"), "spread-pass-1", "198.18.1.1")).toEqual({ ok: false, reason: "rate_limited" });
    } finally {
      delete process.env.SPRINT_SIGNIN_MAX_FAILURES_PER_EMAIL;
    }
  });

  it("a closed session is refused; others of the same user stay open", async () => {
    const u = await signUp(db, { name: "Sess", email: email("sess"), password: "sess-pass-123" });
    const a = await openSession(db, u.userId);
    const b = await openSession(db, u.userId);
    expect(await sessionIsOpen(db, a, u.userId)).toBe(true);
    await closeSession(db, a);
    expect(await sessionIsOpen(db, a, u.userId)).toBe(false);
    expect(await sessionIsOpen(db, b, u.userId)).toBe(true);
    expect(await sessionIsOpen(db, b, "someone-else")).toBe(false);
    expect(await sessionIsOpen(db, undefined, u.userId)).toBe(false);
  });
});
