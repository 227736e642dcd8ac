/**
 * Turns a postgres:// URL into separate pg pool fields. A `connectionString` in a pool config wins over
 * a `database` field, which would make Prisma's shadow database silently be the main database.
 */
import type { PoolConfig } from "pg";

export function poolConfigFromUrl(url: string, database?: string): PoolConfig {
  const u = new URL(url);
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") {
    throw new Error(`DATABASE_URL must be a postgres:// URL (got protocol ${u.protocol})`);
  }
  const sslmode = u.searchParams.get("sslmode");
  return {
    host: decodeURIComponent(u.hostname) || "127.0.0.1",
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username) || "postgres",
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: database ?? (decodeURIComponent(u.pathname.replace(/^\//, "")) || "postgres"),
    ssl: sslmode && sslmode !== "disable" ? { rejectUnauthorized: sslmode === "verify-full" } : undefined,
  };
}
