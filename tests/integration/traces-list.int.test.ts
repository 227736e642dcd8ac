/**
 * The trace table (server/curation/traces.ts through tRPC `traces.list`) against the test database (embedded
 * PGlite or Postgres): the trigger-maintained `latest*` columns, keyset paging for every sort and direction
 * while rows are inserted between pages (no duplicates, no gaps, nulls last), totals, and search (question
 * substring through the trigram index vs whole words of the reasoning through the full-text index).
 */
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { prisma } from "../../server/db/client";
import { createCaller } from "../../server/api/root";
import { contentHash } from "../../server/curation/import/run";
import { reasoningSearchTuning, SEARCH_EXACT_LIMIT, searchTotalTuning } from "../../server/curation/traces";

const db = prisma;
const tag = `tl-${Date.now().toString(36)}-${crypto.randomBytes(3).toString("hex")}`;
let workspaceId = "";
let datasetId = "";
let caller: ReturnType<typeof createCaller>;

const REASONINGS = [
  "Let me try backtracking from the last step.\nWait, that gives 12, not 10.",
  "Consider the case split on parity.\n**Final Answer** $\\boxed{4}$",
  "Recompute the discriminant: $b^2 - 4ac = 9$.\nSo two real roots.",
];

async function addTrace(i: number, opts: { createdAt: Date; tokens: number | null; question?: string; externalId?: string }) {
  const question = opts.question ?? `Problem ${i}: evaluate the sum ${i} + ${i * 3}`;
  const reasoning = `${REASONINGS[i % REASONINGS.length]}\nTrace number ${i} ${tag}.`;
  return db.trace.create({
    data: {
      datasetId,
      question,
      reasoning,
      externalId: opts.externalId ?? `ext-${i}`,
      reasoningTokens: opts.tokens,
      contentHash: contentHash(question, reasoning),
      createdAt: opts.createdAt,
    },
  });
}

async function addTrajectory(traceId: string, o: { status: "kept" | "filtered" | "failed" | "pending"; stages: number | null; reduction: number | null; reason?: string; createdAt?: Date }) {
  return db.curatedTrajectory.create({
    data: {
      datasetId,
      traceId,
      steps: [],
      dagEdges: {},
      stages: {},
      curationStatus: o.status,
      reason: o.reason ?? null,
      stageCount: o.stages,
      sequentialTokens: o.stages === null ? null : o.stages * 10,
      totalTokens: o.stages === null ? null : 100,
      metrics: o.reduction === null ? {} : { reduction: o.reduction },
      ...(o.createdAt ? { createdAt: o.createdAt } : {}),
    },
  });
}

type Sort = "created" | "tokens" | "stages" | "reduction" | "sequential";
type Dir = "asc" | "desc";

async function pageAll(sort: Sort, dir: Dir, limit: number, between?: (page: number) => Promise<void>) {
  const seen: { id: string; key: unknown }[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const r = await caller.traces.list({ workspaceId, datasetId, sort, dir, limit, cursor });
    expect(r.total).toBeNull(); // counted by traces.count, once per filter set
    for (const row of r.rows) seen.push({ id: row.id, key: keyOf(sort, row) });
    if (between) await between(page);
    if (!r.nextCursor) return seen;
    cursor = r.nextCursor;
  }
  throw new Error("too many pages");
}

function keyOf(sort: Sort, row: { createdAt: Date; reasoningTokens: number | null; stageCount: number | null; reduction: number | null; sequentialTokens: number | null }) {
  switch (sort) {
    case "created":
      return row.createdAt.getTime();
    case "tokens":
      return row.reasoningTokens;
    case "stages":
      return row.stageCount;
    case "reduction":
      return row.reduction;
    case "sequential":
      return row.sequentialTokens;
  }
}

/** Non-null keys in the direction's order (ties broken by id in the same direction), then nulls by id. */
function expectSorted(rows: { id: string; key: unknown }[], dir: Dir) {
  const sign = dir === "asc" ? 1 : -1;
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1]!;
    const b = rows[i]!;
    if (a.key === null) {
      expect(b.key).toBeNull();
      expect(sign * (a.id < b.id ? -1 : 1)).toBe(-1);
      continue;
    }
    if (b.key === null) continue;
    const c = (a.key as number) - (b.key as number) || (a.id < b.id ? -1 : 1);
    expect(sign * c).toBeLessThan(0);
  }
}

const base = Date.UTC(2026, 5, 1);
const originalIds: string[] = [];

beforeAll(async () => {
  const user = await db.user.create({ data: { email: `viewer-${tag}@example.test`, name: "viewer" } });
  const ws = await db.workspace.create({ data: { name: `Traces ${tag}`, slug: tag } });
  workspaceId = ws.id;
  await db.membership.create({ data: { workspaceId, userId: user.id, role: "viewer" } });
  datasetId = (await db.dataset.create({ data: { workspaceId, name: `ds-${tag}` } })).id;
  caller = createCaller({ db, user: { id: user.id } });
  for (let i = 0; i < 40; i++) {
    // Several traces share a createdAt (ties broken by id); every 5th has no token count yet.
    const t = await addTrace(i, { createdAt: new Date(base + Math.floor(i / 3) * 1000), tokens: i % 5 === 0 ? null : 100 + ((i * 37) % 50) });
    originalIds.push(t.id);
    if (i % 2 === 0) {
      await addTrajectory(t.id, { status: "pending", stages: null, reduction: null, createdAt: new Date(base - 10_000) });
      await addTrajectory(t.id, { status: i % 4 === 0 ? "kept" : "filtered", stages: 1 + (i % 7), reduction: i % 6 === 0 ? null : (i % 9) / 10, reason: i % 4 === 0 ? "kept: 3 stages" : "filtered: no parallel steps" });
    }
  }
});

afterAll(async () => {
  await db.workspace.delete({ where: { id: workspaceId } }).catch(() => undefined);
  await db.user.deleteMany({ where: { email: { endsWith: `-${tag}@example.test` } } });
});

describe("latest trajectory columns (triggers)", () => {
  it("match the latest trajectory of every trace, and follow updates and deletes", async () => {
    const rows = await db.$queryRaw<{ id: string; ok: boolean }[]>`
      SELECT t.id, (t."latestTrajectoryId" IS NOT DISTINCT FROM c.id AND t."latestStatus" IS NOT DISTINCT FROM c."curationStatus"
        AND t."latestStageCount" IS NOT DISTINCT FROM c."stageCount" AND t."latestReason" IS NOT DISTINCT FROM c.reason) AS ok
      FROM "Trace" t LEFT JOIN LATERAL (
        SELECT * FROM "CuratedTrajectory" ct WHERE ct."traceId" = t.id ORDER BY ct."createdAt" DESC, ct.id DESC LIMIT 1
      ) c ON true WHERE t."datasetId" = ${datasetId}`;
    expect(rows.length).toBe(40);
    expect(rows.every((r) => r.ok)).toBe(true);

    const t = await addTrace(1000, { createdAt: new Date(base + 999_000), tokens: 10 });
    const first = await addTrajectory(t.id, { status: "kept", stages: 3, reduction: 0.5, reason: "kept" });
    let row = await db.trace.findUniqueOrThrow({ where: { id: t.id } });
    expect([row.latestTrajectoryId, row.latestStatus, row.latestStageCount, row.latestReduction, row.latestReason]).toEqual([first.id, "kept", 3, 0.5, "kept"]);
    await db.curatedTrajectory.update({ where: { id: first.id }, data: { reviewStatus: "approved", stageCount: 4 } });
    row = await db.trace.findUniqueOrThrow({ where: { id: t.id } });
    expect([row.latestReviewStatus, row.latestStageCount]).toEqual(["approved", 4]);
    const second = await addTrajectory(t.id, { status: "filtered", stages: null, reduction: null, reason: "filtered: too short" });
    row = await db.trace.findUniqueOrThrow({ where: { id: t.id } });
    expect([row.latestTrajectoryId, row.latestStatus, row.latestReduction, row.latestReason]).toEqual([second.id, "filtered", null, "filtered: too short"]);
    await db.curatedTrajectory.delete({ where: { id: second.id } });
    row = await db.trace.findUniqueOrThrow({ where: { id: t.id } });
    expect(row.latestTrajectoryId).toBe(first.id);
    await db.curatedTrajectory.deleteMany({ where: { traceId: t.id } });
    row = await db.trace.findUniqueOrThrow({ where: { id: t.id } });
    expect([row.latestTrajectoryId, row.latestStatus, row.latestStageCount]).toEqual([null, null, null]);
    await db.trace.delete({ where: { id: t.id } });
  });
});

describe("keyset paging", () => {
  const sorts: Sort[] = ["created", "tokens", "stages", "reduction", "sequential"];
  for (const sort of sorts) {
    for (const dir of ["asc", "desc"] as const) {
      it(`${sort} ${dir}: every row once, in order, nulls last, while rows are inserted between pages`, async () => {
        const inserted: string[] = [];
        const seen = await pageAll(sort, dir, 7, async (page) => {
          if (page > 2) return;
          // Rows landing before, inside and after the part already read.
          for (const [j, at] of [[0, base - 5000], [1, base + 6500], [2, base + 60_000]] as const) {
            const t = await addTrace(2000 + page * 10 + j, { createdAt: new Date(at), tokens: j === 1 ? null : 120 + j, question: `inserted ${sort} ${dir} ${page} ${j}` });
            if (j !== 1) await addTrajectory(t.id, { status: "kept", stages: 2 + j, reduction: 0.3 });
            inserted.push(t.id);
          }
        });
        const ids = seen.map((r) => r.id);
        expect(new Set(ids).size).toBe(ids.length); // no duplicates
        for (const id of originalIds) expect(ids).toContain(id); // no gaps
        expectSorted(seen, dir);
        await db.trace.deleteMany({ where: { id: { in: inserted } } });
      });
    }
  }

  it("counts the filtered traces exactly for a small dataset (traces.count, or withTotal)", async () => {
    expect(await caller.traces.count({ workspaceId, datasetId })).toEqual({ count: 40, exact: true });
    const first = await caller.traces.list({ workspaceId, datasetId, limit: 10, withTotal: true });
    expect(first.total).toEqual({ count: 40, exact: true });
    expect(await caller.traces.count({ workspaceId, datasetId, status: "kept" })).toEqual({ count: 10, exact: true });
    const kept = await caller.traces.list({ workspaceId, datasetId, status: "kept", limit: 10 });
    expect(kept.rows.every((r) => r.curationStatus === "kept" && r.reason === "kept: 3 stages")).toBe(true);
    expect((await caller.traces.count({ workspaceId, datasetId, status: "uncurated" })).count).toBe(20);
    const uncurated = await caller.traces.list({ workspaceId, datasetId, status: "uncurated", limit: 100 });
    expect(uncurated.rows.every((r) => r.curationStatus === null)).toBe(true);
    const second = await caller.traces.list({ workspaceId, datasetId, limit: 10, cursor: first.nextCursor });
    expect(second.rows.map((r) => r.id)).not.toContain(first.rows[0]!.id);
  });

  it("rejects a cursor of another sort with a clear error", async () => {
    const first = await caller.traces.list({ workspaceId, datasetId, limit: 5, sort: "tokens" });
    await expect(caller.traces.list({ workspaceId, datasetId, limit: 5, sort: "stages", cursor: first.nextCursor })).rejects.toThrow(/cursor/);
    await expect(caller.traces.list({ workspaceId, datasetId, limit: 5, cursor: "garbage" })).rejects.toBeInstanceOf(TRPCError);
  });
});

describe("search", () => {
  const search = (q: string, searchIn?: "question" | "reasoning") => caller.traces.list({ workspaceId, datasetId, search: q, limit: 100, ...(searchIn ? { searchIn } : {}) });

  it("matches substrings of the question and the external id (trigram index), case-insensitively, with LIKE characters escaped", async () => {
    const quad = await addTrace(3000, { createdAt: new Date(base), tokens: 5, question: "Solve the QUADRATIC x^2 - 5x + 6 = 0 (100% sure_)", externalId: "openthoughts-777" });
    expect((await search("quadrat")).rows.map((r) => r.id)).toEqual([quad.id]);
    expect((await search("ughts-77")).rows.map((r) => r.id)).toEqual([quad.id]);
    expect((await search("100% sure_")).rows.map((r) => r.id)).toEqual([quad.id]);
    expect((await search("0% s")).rows.map((r) => r.id)).toEqual([quad.id]);
    expect((await search("%")).rows.map((r) => r.id)).toEqual([quad.id]); // a literal percent sign, not "anything"
    expect((await search("no such words anywhere")).rows).toEqual([]);
    expect(await caller.traces.count({ workspaceId, datasetId, search: "quadrat" })).toEqual({ count: 1, exact: true });
    expect((await search("quadrat")).search.question).toBe("trigram");
    await db.trace.delete({ where: { id: quad.id } });
  });

  for (const broad of [false, true]) {
    const strategy = broad ? "row by row (broad matches)" : "from the index's ids (selective matches)";
  it(`searches the reasoning only when asked, by word prefixes, through the full-text index: ${strategy}`, async () => {
    reasoningSearchTuning.broadMin = broad ? -1 : 5000;
    reasoningSearchTuning.broadShare = broad ? 0 : 0.1;
    // "backtracking" is only in the reasoning of traces i % 3 == 0 (14 of 40).
    expect((await search("backtracking")).rows).toEqual([]);
    const hits = await search("backtracking", "reasoning");
    expect(hits.rows.length).toBe(14);
    expect(hits.search.reasoning).toBe("fulltext");
    expect((await search("backtrack", "reasoning")).rows.length).toBe(14); // a prefix
    expect((await search("BACKTRACKING from", "reasoning")).rows.length).toBe(14); // every word, any case
    expect((await search("acktracking", "reasoning")).rows.length).toBe(0); // words, not substrings
    expect((await search('"case split"', "reasoning")).rows.length).toBe(13); // a phrase
    expect((await search("discriminant -roots", "reasoning")).rows.length).toBe(0); // an exclusion
    expect((await search("discriminant", "reasoning")).rows.length).toBe(13);
    // The question is still searched with the reasoning option.
    expect((await search("Problem 7:", "reasoning")).rows.length).toBe(1);
    expect((await search(tag, "reasoning")).rows.length).toBe(40); // the tag is one word of every reasoning
    const total = await caller.traces.count({ workspaceId, datasetId, search: "backtracking", searchIn: "reasoning" });
    // Selective: counted exactly; broad: the full-text statistics' estimate, labelled as one.
    expect(total).toEqual(broad ? { count: expect.any(Number), exact: false } : { count: 14, exact: true });
    reasoningSearchTuning.broadMin = 5000;
    reasoningSearchTuning.broadShare = 0.1;
  });

  }

  it("combines search with filters and sorts", async () => {
    const r = await caller.traces.list({ workspaceId, datasetId, search: "backtracking", searchIn: "reasoning", status: "kept", sort: "stages", dir: "desc", limit: 100 });
    expect(r.rows.length).toBeGreaterThan(0);
    expect(r.rows.every((x) => x.curationStatus === "kept")).toBe(true);
    expectSorted(r.rows.map((x) => ({ id: x.id, key: x.stageCount })), "desc");
  });

  it("a search's total is exact up to SEARCH_EXACT_LIMIT, then 'at least'; cached until the dataset's traces change", async () => {
    const count = (q: string, extra: object = {}) => caller.traces.count({ workspaceId, datasetId, search: q, ...extra });
    const n = await db.trace.count({ where: { datasetId, question: { contains: "problem", mode: "insensitive" } } });
    expect(n).toBeGreaterThan(10);
    try {
      expect(await count("Problem")).toEqual({ count: n, exact: true });
      // Beyond the cap: "at least" (the default cap is SEARCH_EXACT_LIMIT).
      searchTotalTuning.exactLimit = 10;
      expect(await count("Problem")).toEqual({ count: 10, exact: false, atLeast: true });
      searchTotalTuning.exactLimit = SEARCH_EXACT_LIMIT;
      expect(await count("Problem")).toEqual({ count: n, exact: true });
      // Cached: a trace added with an old createdAt and no dataset update is not seen (the data version did
      // not change) — every write path of the app adds traces as "now" and bumps the dataset.
      const old = await addTrace(5000, { createdAt: new Date(base - 86_400_000), tokens: 1 });
      expect(await count("Problem")).toEqual({ count: n, exact: true });
      // A new trace (created now) changes the version: counted again.
      const fresh = await addTrace(5001, { createdAt: new Date(), tokens: 1 });
      expect(await count("Problem")).toEqual({ count: n + 2, exact: true });
      // With another filter the total is never cached (curation results change without a version bump).
      const kept = await count("Problem", { status: "kept" });
      await db.curatedTrajectory.updateMany({ where: { traceId: originalIds[0]! }, data: { curationStatus: "failed" } });
      expect(await count("Problem", { status: "kept" })).toEqual({ count: kept.count - 1, exact: true });
      await db.curatedTrajectory.updateMany({ where: { traceId: originalIds[0]! }, data: { curationStatus: "kept" } });
      await db.trace.deleteMany({ where: { id: { in: [old.id, fresh.id] } } });
    } finally {
      searchTotalTuning.exactLimit = SEARCH_EXACT_LIMIT;
    }
  });
});
