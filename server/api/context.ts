import { auth } from "../auth";
import { prisma } from "../db/client";
import type { Context } from "./trpc";

/** Request context for the HTTP handler and server components: the session user (if any) and the DB. */
export async function createContext(): Promise<Context> {
  const session = await auth();
  return { db: prisma, user: session?.user?.id ? { id: session.user.id, email: session.user.email, name: session.user.name } : null };
}
