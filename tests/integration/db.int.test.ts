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

describe("embedded Postgres under concurrent connections", () => {
  it("keeps every connection's queries and transactions apart (extended protocol serialized per connection)", async () => {
    const { startEmbeddedPostgres } = await import("../../server/db/embedded");
    const pg = (await import("pg")).default;
    const emb = await startEmbeddedPostgres({ dataDir: null, port: 0 });
    const pools = [new pg.Pool({ connectionString: emb.url, max: 6 }), new pg.Pool({ connectionString: emb.url, max: 6 })];
    try {
      await pools[0]!.query("CREATE TABLE stress (id serial PRIMARY KEY, v int)");
      const problems: string[] = [];
      const tx = async (pool: InstanceType<typeof pg.Pool>, i: number) => {
        const c = await pool.connect();
        try {
          await c.query("BEGIN");
          await c.query("INSERT INTO stress (v) VALUES ($1)", [i]);
          const r = await c.query<{ n: number }>("SELECT count(*)::int AS n FROM stress WHERE v = $1", [i]);
          if (r.rows[0]?.n !== 1) problems.push(`tx ${i}: saw ${JSON.stringify(r.rows)}`);
          await c.query("COMMIT");
        } catch (e) {
          problems.push(`tx ${i}: ${(e as Error).message}`);
          await c.query("ROLLBACK").catch(() => undefined);
        } finally {
          c.release();
        }
      };
      const plain = async (pool: InstanceType<typeof pg.Pool>, i: number) => {
        try {
          const r = await pool.query<{ s: number }>("SELECT $1::int + $2::int AS s", [i, 1]);
          if (r.rows[0]?.s !== i + 1) problems.push(`query ${i}: got ${JSON.stringify(r.rows)}`);
        } catch (e) {
          problems.push(`query ${i}: ${(e as Error).message}`);
        }
      };
      await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? tx(pools[i % 4 === 1 ? 0 : 1]!, i) : plain(pools[i % 3 ? 0 : 1]!, i))));
      expect(problems).toEqual([]);
      expect((await pools[1]!.query<{ n: number }>("SELECT count(*)::int AS n FROM stress")).rows[0]?.n).toBe(100);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
      await emb.stop();
    }
  }, 60_000);
});
