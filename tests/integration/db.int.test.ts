import { describe, expect, it, afterAll } from "vitest";
import { createPrismaClient } from "../../server/db/client";

const prisma = createPrismaClient(process.env.DATABASE_URL);
afterAll(() => prisma.$disconnect());

describe("database", () => {
  it("has every migration applied", async () => {
    const rows = await prisma.$queryRaw<{ migration_name: string; finished_at: Date | null }[]>`
      SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name`;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
  });

  it("round-trips a workspace with a member", async () => {
    const slug = `ws-${Date.now()}`;
    const ws = await prisma.workspace.create({
      data: {
        name: "Round trip",
        slug,
        memberships: { create: { role: "curator", user: { create: { email: `${slug}@example.test` } } } },
      },
      include: { memberships: true },
    });
    expect(ws.memberships[0]?.role).toBe("curator");
    await prisma.workspace.delete({ where: { id: ws.id } });
    expect(await prisma.membership.count({ where: { workspaceId: ws.id } })).toBe(0);
  });
});
