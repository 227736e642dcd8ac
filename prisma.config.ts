// Prisma 7 CLI config (used for `prisma generate`; migrations run through prisma6.config.ts, see scripts/db.ts).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  // Spread the datasource only when set: `env()` would throw on a fresh clone without DATABASE_URL.
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});
