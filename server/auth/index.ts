/**
 * Auth.js (next-auth v5). Email + password (bcrypt) with JWT sessions; optional GitHub and generic OIDC
 * providers when their env vars are set. Auth.js allows only JWT sessions with credentials, so revocation
 * is checked on every request, two ways: each token carries a session id whose record (sessions.ts) sign-out
 * deletes, and a per-user `sessionVersion` that "sign out everywhere", a password change or disabling the
 * user bumps (invalidating every token issued before). Password attempts are rate-limited per email and
 * source address, reserved before the password is checked (rate-limit.ts, credentials.ts).
 */
import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import type { Provider } from "next-auth/providers";
import { PrismaAdapter } from "@auth/prisma-adapter";
import { z } from "zod";
import { prisma } from "../db/client";
import { createPersonalWorkspace, hashToken } from "./accounts";
import { checkCredentials } from "./credentials";
import { clientAddress } from "./rate-limit";
import { safeNextPath } from "./safe-next";
import { closeSession, openSession, SESSION_MAX_AGE_S } from "./sessions";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name?: string | null; image?: string | null };
  }
}

class RateLimited extends CredentialsSignin {
  code = "rate_limited";
}

const credentialsInput = z.object({
  email: z.string().trim().toLowerCase().email(),
  password: z.string().min(1).max(200),
});

function providers(): Provider[] {
  const list: Provider[] = [
    Credentials({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, request) {
        const parsed = credentialsInput.safeParse(raw);
        if (!parsed.success) return null;
        const { email, password } = parsed.data;
        const r = await checkCredentials(prisma, email, password, clientAddress(request?.headers));
        if (!r.ok) {
          if (r.reason === "rate_limited") throw new RateLimited();
          return null;
        }
        return r.user;
      },
    }),
  ];
  if (process.env.AUTH_GITHUB_ID && process.env.AUTH_GITHUB_SECRET) list.push(GitHub);
  if (process.env.AUTH_OIDC_ISSUER && process.env.AUTH_OIDC_ID && process.env.AUTH_OIDC_SECRET) {
    list.push({
      id: "oidc",
      name: process.env.AUTH_OIDC_NAME ?? "Single sign-on",
      type: "oidc",
      issuer: process.env.AUTH_OIDC_ISSUER,
      clientId: process.env.AUTH_OIDC_ID,
      clientSecret: process.env.AUTH_OIDC_SECRET,
    });
  }
  return list;
}

/** Names of the configured OAuth providers (for the sign-in page). */
export function oauthProviders(): { id: string; name: string }[] {
  const out: { id: string; name: string }[] = [];
  if (process.env.AUTH_GITHUB_ID && process.env.AUTH_GITHUB_SECRET) out.push({ id: "github", name: "GitHub" });
  if (process.env.AUTH_OIDC_ISSUER && process.env.AUTH_OIDC_ID && process.env.AUTH_OIDC_SECRET)
    out.push({ id: "oidc", name: process.env.AUTH_OIDC_NAME ?? "Single sign-on" });
  return out;
}

export const authConfig: NextAuthConfig = {
  adapter: PrismaAdapter(prisma as never),
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
  trustHost: true,
  logger: {
    // A wrong password is an expected outcome (recorded as an audit event), not a server error.
    error(error) {
      if (error.name === "CredentialsSignin" || (error as { type?: string }).type === "CredentialsSignin") return;
      console.error("[auth]", error);
    },
  },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: providers(),
  events: {
    // Sign-out ends this session's record: the old cookie is refused from now on.
    async signOut(message) {
      if ("token" in message && message.token) await closeSession(prisma, message.token.sid);
    },
    // OAuth sign-ups get a workspace of their own, like email sign-ups.
    async createUser({ user }) {
      if (user.id) await createPersonalWorkspace(prisma, user.id, user.name ?? user.email ?? "My");
    },
  },
  callbacks: {
    // Every redirect Auth.js makes (after sign-in, OAuth callbacks, sign-out) goes through the one check of
    // post-sign-in destinations: a path on this site, else "/".
    redirect({ url, baseUrl }) {
      const base = new URL(baseUrl);
      let path: string = url;
      if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
        try {
          const u = new URL(url);
          path = u.origin === base.origin ? `${u.pathname}${u.search}${u.hash}` : "/";
        } catch {
          path = "/";
        }
      }
      return `${base.origin}${safeNextPath(path)}`;
    },
    async jwt({ token, user }) {
      if (user?.id) {
        const row = await prisma.user.findUnique({ where: { id: user.id }, select: { sessionVersion: true } });
        token.uid = user.id;
        token.sv = row?.sessionVersion ?? 0;
        token.sid = await openSession(prisma, user.id);
        return token;
      }
      if (typeof token.uid !== "string" || typeof token.sid !== "string") return null;
      const s = await prisma.session.findUnique({
        where: { sessionToken: hashToken(token.sid) },
        select: { userId: true, expires: true, user: { select: { sessionVersion: true, disabledAt: true, email: true, name: true } } },
      });
      // Signed out (record gone), expired, revoked (version bumped), disabled or deleted: the session ends now.
      const row = s?.user;
      if (!s || s.userId !== token.uid || s.expires <= new Date() || !row || row.disabledAt || row.sessionVersion !== token.sv) return null;
      token.email = row.email;
      token.name = row.name;
      return token;
    },
    async session({ session, token }) {
      if (typeof token.uid === "string") {
        session.user = { ...session.user, id: token.uid, email: token.email ?? session.user.email };
      }
      return session;
    },
  },
};

export const { handlers, auth, signIn, signOut } = NextAuth(authConfig);
