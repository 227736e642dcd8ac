/**
 * The reasoning's full-text index built in the background (server/curation/search-index.ts, job
 * `index-trace-search`), against the test database (embedded PGlite or Postgres): an import only queues its
 * traces; until the job caught up, a reasoning search finds the indexed-and-matching traces only (plus
 * question matches) and says it is partial (rows and total, "indexed N of M"); the job catches up; changed
 * reasonings are re-indexed and deleted traces leave the queue.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { prisma } from "../../server/db/client";
import { runImport } from "../../server/curation/import/run";
import { closeImportPool } from "../../server/curation/import/bulk";
import { countTraces, listTraces } from "../../server/curation/traces";
import { indexPendingTraces, pendingCount, reasoningIndexStatus } from "../../server/curation/search-index";
import { indexTraceSearchJob } from "../../server/curation/jobs/index-trace-search";

const db = prisma;
const stamp = `${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`;
const N = 30;
/** Traces i % 3 == 0 have the word in their reasoning; trace 1 has it in its question only. */
const inReasoning = (i: number) => i % 3 === 0;
let ws: { id: string };
let user: { id: string };
let datasetId = "";
const actor = () => ({ userId: user.id, role: "viewer" as const, workspaceId: ws.id });

function jsonl(): string {
  const lines: string[] = [];
  for (let i = 0; i < N; i++) {
    lines.push(
      JSON.stringify({
        id: `si-${i}`,
        question: i === 1 ? `Problem ${i}: the quokkapod variant` : `Problem ${i}: add ${i} and ${i}`,
        reasoning: `We add ${i} and ${i}.\n\n${inReasoning(i) ? "This is the quokkapod trick. " : ""}So ${2 * i}.`,
      }),
    );
  }
  return `${lines.join("\n")}\n`;
}

async function runJob(): Promise<number> {
  const task = await db.task.create({ data: { workspaceId: ws.id, kind: indexTraceSearchJob.kind, status: "running", input: { datasetId } } });
  const progress: number[] = [];
  const ac = new AbortController();
  const r = await indexTraceSearchJob.handler({
    input: { datasetId },
    task,
    attempt: 1,
    maxAttempts: 1,
    signal: ac.signal,
    throwIfAborted: () => ac.signal.throwIfAborted(),
    async reportProgress(f: number) {
      progress.push(f);
    },
  } as never);
  expect(progress.at(-1)).toBe(1);
  return (r as { indexed: number }).indexed;
}

const search = (q: string) => listTraces(db, actor(), { datasetId, search: q, searchIn: "reasoning", limit: 100 });
const count = (q: string) => countTraces(db, actor(), { datasetId, search: q, searchIn: "reasoning" });

beforeAll(async () => {
  user = await db.user.create({ data: { email: `si-${stamp}@example.test`, name: "si" } });
  ws = await db.workspace.create({ data: { name: `Search index ${stamp}`, slug: `si-${stamp}` } });
  await db.membership.create({ data: { workspaceId: ws.id, userId: user.id, role: "viewer" } });
  datasetId = (await db.dataset.create({ data: { workspaceId: ws.id, name: `si-${stamp}` } })).id;
  const imp = await db.datasetImport.create({ data: { datasetId, fileName: "si.jsonl", preset: "plain", mapping: {}, status: "running" } });
  const queued: string[] = [];
  const summary = await runImport({
    db,
    importId: imp.id,
    datasetId,
    workspaceId: ws.id,
    userId: user.id,
    source: [new TextEncoder().encode(jsonl())],
    preset: "plain",
    enqueueRecount: null,
    enqueueSearchIndex: async ({ datasetId: id }) => {
      queued.push(id);
      return { id: "search-task" };
    },
  });
  expect(summary).toMatchObject({ status: "succeeded", rowsOk: N, searchTaskId: "search-task" });
  expect(queued).toEqual([datasetId]);
});

afterAll(async () => {
  await closeImportPool();
  await db.workspace.delete({ where: { id: ws.id } }).catch(() => undefined);
  await db.user.delete({ where: { id: user.id } }).catch(() => undefined);
});

describe(`reasoning search index built in the background (${inject("dbMode")})`, () => {
  it("an import only queues its traces: the reasoning search is partial and finds question matches only", async () => {
    expect(await pendingCount(db, datasetId)).toBe(N);
    expect(await db.traceSearch.count({ where: { datasetId } })).toBe(0);
    expect(await reasoningIndexStatus(db, datasetId)).toEqual({ complete: false, indexed: 0, total: N });
    const page = await search("quokkapod");
    expect(page.partial).toBe(true);
    expect(page.reasoningIndex).toEqual({ complete: false, indexed: 0, total: N });
    expect(page.rows.map((r) => r.externalId)).toEqual(["si-1"]);
    expect(await count("quokkapod")).toEqual({ count: 1, exact: true, partial: true, reasoningIndex: { complete: false, indexed: 0, total: N } });
    // A question search does not depend on the reasoning index.
    const q = await listTraces(db, actor(), { datasetId, search: "quokkapod", limit: 100 });
    expect(q).toMatchObject({ partial: false, reasoningIndex: null });
    expect(await countTraces(db, actor(), { datasetId, search: "quokkapod" })).toEqual({ count: 1, exact: true });
  });

  it("while indexing, finds exactly the indexed-and-matching traces, labelled partial", async () => {
    expect(await indexPendingTraces(db, datasetId, { initialBatch: 12, maxBatches: 1 })).toBe(12);
    const indexed = await db.traceSearch.findMany({ where: { datasetId }, select: { trace: { select: { externalId: true } } } });
    expect(indexed).toHaveLength(12);
    const indexedIds = new Set(indexed.map((r) => r.trace.externalId));
    const want = [...Array(N).keys()].filter((i) => i === 1 || (inReasoning(i) && indexedIds.has(`si-${i}`))).map((i) => `si-${i}`);
    expect(want.length).toBeGreaterThan(1); // some reasoning matches are indexed, and some are not yet
    expect(want.length).toBeLessThan(1 + N / 3);
    const page = await search("quokkapod");
    expect(page.partial).toBe(true);
    expect(page.reasoningIndex).toEqual({ complete: false, indexed: 12, total: N });
    expect(page.rows.map((r) => r.externalId).sort()).toEqual(want.sort());
    expect(await count("quokkapod")).toMatchObject({ count: want.length, exact: true, partial: true, reasoningIndex: { indexed: 12, total: N } });
  });

  it("a deleted trace leaves the queue; a changed reasoning is re-indexed at once (queued or not)", async () => {
    const waiting = await db.traceSearchPending.findMany({ where: { datasetId }, orderBy: { traceId: "asc" }, take: 2 });
    expect(waiting).toHaveLength(2);
    await db.trace.delete({ where: { id: waiting[0]!.traceId } });
    expect(await pendingCount(db, datasetId)).toBe(N - 12 - 1);
    // A queued trace whose reasoning changes is indexed by the update and leaves the queue.
    await db.trace.update({ where: { id: waiting[1]!.traceId }, data: { reasoning: "Now with the zebrafinch idea." } });
    expect(await pendingCount(db, datasetId)).toBe(N - 12 - 2);
    expect((await search("zebrafinch")).rows.map((r) => r.id)).toEqual([waiting[1]!.traceId]);
  });

  it("the job catches up: every match found, no longer partial, counted exactly", async () => {
    const left = await pendingCount(db, datasetId);
    expect(await runJob()).toBe(left);
    expect(await pendingCount(db, datasetId)).toBe(0);
    expect(await reasoningIndexStatus(db, datasetId)).toEqual({ complete: true });
    const traces = await db.trace.findMany({ where: { datasetId }, select: { id: true, question: true, reasoning: true } });
    expect(await db.traceSearch.count({ where: { datasetId } })).toBe(traces.length);
    const want = traces.filter((t) => t.question.includes("quokkapod") || t.reasoning.includes("quokkapod")).map((t) => t.id).sort();
    const page = await search("quokkapod");
    expect(page).toMatchObject({ partial: false, reasoningIndex: { complete: true } });
    expect(page.rows.map((r) => r.id).sort()).toEqual(want);
    expect(await count("quokkapod")).toEqual({ count: want.length, exact: true });
    // Nothing left: a second job (e.g. queued by a later import) finds nothing to do.
    expect(await runJob()).toBe(0);
  });

  it("an indexed trace whose reasoning changes no longer matches its old words", async () => {
    const hit = (await search("quokkapod")).rows.find((r) => r.externalId !== "si-1")!;
    await db.trace.update({ where: { id: hit.id }, data: { reasoning: "Rewritten without the word." } });
    expect((await search("quokkapod")).rows.map((r) => r.id)).not.toContain(hit.id);
    expect((await search("rewritten")).rows.map((r) => r.id)).toEqual([hit.id]);
    expect(await pendingCount(db, datasetId)).toBe(0);
  });
});
