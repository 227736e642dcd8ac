/**
 * Playground run history (server/inference/runs.ts listRuns through tRPC `inference.list`): keyset pages,
 * newest first, with no duplicates or gaps while new runs start between pages; the total on the first page only.
 */
import crypto from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { prisma } from "../../server/db/client";
import { createCaller } from "../../server/api/root";

const db = prisma;
const tag = `rh-${Date.now().toString(36)}-${crypto.randomBytes(3).toString("hex")}`;
let workspaceId = "";
let userId = "";
let caller: ReturnType<typeof createCaller>;
const base = Date.UTC(2026, 3, 1);

async function addRun(i: number, at: number) {
  return db.inferenceRun.create({ data: { workspaceId, createdById: userId, question: `Question ${i} of ${tag}`, mode: "sprint", status: "succeeded", createdAt: new Date(at) } });
}

beforeAll(async () => {
  const user = await db.user.create({ data: { email: `viewer-${tag}@example.test`, name: "viewer" } });
  userId = user.id;
  workspaceId = (await db.workspace.create({ data: { name: `Runs ${tag}`, slug: tag } })).id;
  await db.membership.create({ data: { workspaceId, userId, role: "viewer" } });
  caller = createCaller({ db, user: { id: userId } });
  // 23 runs, several sharing a timestamp (ties broken by id).
  for (let i = 0; i < 23; i++) await addRun(i, base + Math.floor(i / 2) * 1000);
});

afterAll(async () => {
  await db.workspace.delete({ where: { id: workspaceId } }).catch(() => undefined);
  await db.user.deleteMany({ where: { email: { endsWith: `-${tag}@example.test` } } });
});

it("pages newest first by keyset, without duplicates or gaps while runs are added", async () => {
  const all = await db.inferenceRun.findMany({ where: { workspaceId }, select: { id: true } });
  const seen: { id: string; createdAt: Date }[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const r = await caller.inference.list({ workspaceId, limit: 5, cursor });
    if (page === 0) expect(r.total).toBe(23);
    else expect(r.total).toBeNull();
    seen.push(...r.rows.map((x) => ({ id: x.id, createdAt: new Date(x.createdAt) })));
    if (page < 2) await addRun(100 + page, base + 60_000 + page); // newer than everything: lands before page 1
    if (!r.nextCursor) break;
    cursor = r.nextCursor;
  }
  const ids = seen.map((s) => s.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const { id } of all) expect(ids).toContain(id);
  for (let i = 1; i < seen.length; i++) {
    const a = seen[i - 1]!;
    const b = seen[i]!;
    expect(a.createdAt.getTime() > b.createdAt.getTime() || (a.createdAt.getTime() === b.createdAt.getTime() && a.id > b.id)).toBe(true);
  }
  const found = await caller.inference.list({ workspaceId, limit: 5, search: "question 7 of" });
  expect(found.rows.map((r) => r.question)).toEqual([`Question 7 of ${tag}`]);
  await expect(caller.inference.list({ workspaceId, limit: 5, cursor: "nope" })).rejects.toThrow(/cursor/);
});
