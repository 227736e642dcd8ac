/**
 * The Prisma client (Prisma 7, Rust-free, over node-postgres). One per process, created lazily so that
 * importing this module never needs a database (builds, unit tests).
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";
import { poolConfigFromUrl } from "./pg-config";
import { resolveDatabaseUrl } from "./database-url";

export type { Prisma } from "./generated/client";
export { PrismaClient };

const globalForPrisma = globalThis as unknown as { __sprintPrisma?: PrismaClient };

export function createPrismaClient(url = resolveDatabaseUrl()): PrismaClient {
  const max = Number(process.env.SPRINT_DB_POOL_SIZE ?? 10);
  return new PrismaClient({ adapter: new PrismaPg({ ...poolConfigFromUrl(url), max }) });
}

/** The process-wide client. */
export function getPrisma(): PrismaClient {
  globalForPrisma.__sprintPrisma ??= createPrismaClient();
  return globalForPrisma.__sprintPrisma;
}

/** Proxy so call sites can `import { prisma }` without connecting at import time. */
export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_t, prop) {
    const client = getPrisma();
    const v = Reflect.get(client, prop, client) as unknown;
    return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(client) : v;
  },
});
