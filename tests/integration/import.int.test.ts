/**
 * Dataset import against the test database (embedded PGlite or a real Postgres): runImport end to end —
 * per-line issues with exact line numbers, duplicates, idempotent re-upload, JSON arrays, curated SPRINT
 * trajectories, cancellation (DB status and abort signal) — and the imports tRPC router.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { TRPCError } from "@trpc/server";
import { createCallerFactory, createTRPCRouter } from "../../server/api/trpc";
import { importsRouter } from "../../server/api/routers/imports";
import { prisma } from "../../server/db/client";
import { contentHash, runImport, type EnqueueRecount, type RunImportArgs } from "../../server/curation/import/run";
import { stopQueue } from "../../server/jobs/queue";
import { closeImportPool } from "../../server/curation/import/bulk";

// The route handlers ask Auth.js for the session: here it is whoever `session.userId` says.
const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("../../server/auth", () => ({ auth: async () => (session.userId ? { user: { id: session.userId } } : null) }));

const stamp = `${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`;
const enc = new TextEncoder();
const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/import");

const createCaller = createCallerFactory(createTRPCRouter({ imports: importsRouter }));
let ws: { id: string };
let curator: { id: string };
let viewer: { id: string };
let outsider: { id: string };
const enqueued: { datasetId: string }[] = [];
const enqueueStub: EnqueueRecount = async ({ datasetId }) => {
  enqueued.push({ datasetId });
  return { id: `task-${enqueued.length}` };
};
/** The reasoning's search index, queued after each import with new rows (server/curation/search-index.ts). */
const searchEnqueued: { datasetId: string }[] = [];
const enqueueSearchStub: EnqueueRecount = async ({ datasetId }) => {
  searchEnqueued.push({ datasetId });
  return { id: `search-task-${searchEnqueued.length}` };
};

/** A 200-line JSONL with malformed JSON on the given lines (1-based). */
function traceFile(n: number, malformed: ReadonlySet<number>, tag: string): string {
  const lines: string[] = [];
  for (let i = 1; i <= n; i++) {
    if (malformed.has(i)) {
      lines.push(i % 2 === 0 ? `{"question": "broken ${i}", "reasoning": ` : `not json at all ${i}`);
      continue;
    }
    lines.push(
      JSON.stringify({
        question: `[${tag}] Problem ${i}: what is ${i} + ${i}?`,
        reasoning: `We add ${i} and ${i}.\n\n${i} + ${i} = ${2 * i}.\n\nCheck: ${2 * i} − ${i} = ${i}. Done — ü数🙂.`,
        answer: String(2 * i),
        id: `${tag}-${i}`,
      }),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Bytes in chunks of odd sizes (so records and multi-byte characters straddle chunk boundaries). */
function* chunks(text: string, size = 997): Generator<Uint8Array> {
  const b = enc.encode(text);
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, Math.min(b.length, i + size));
}

async function newDataset(name: string) {
  return prisma.dataset.create({ data: { workspaceId: ws.id, name: `${name}-${stamp}` } });
}

async function startImport(datasetId: string, fileName = "traces.jsonl", preset = "auto") {
  return prisma.datasetImport.create({ data: { datasetId, createdById: curator.id, fileName, preset, mapping: {}, status: "running" } });
}

async function importText(datasetId: string, text: string, extra: Partial<RunImportArgs> = {}) {
  const imp = await startImport(datasetId);
  const summary = await runImport({
    db: prisma,
    importId: imp.id,
    datasetId,
    workspaceId: ws.id,
    userId: curator.id,
    source: chunks(text),
    preset: "auto",
    enqueueRecount: enqueueStub,
    enqueueSearchIndex: enqueueSearchStub,
    ...extra,
  });
  const row = await prisma.datasetImport.findUniqueOrThrow({ where: { id: imp.id } });
  const issues = await prisma.importIssue.findMany({ where: { importId: imp.id }, orderBy: { line: "asc" } });
  return { summary, row, issues };
}

beforeAll(async () => {
  const mk = (who: string) => prisma.user.create({ data: { email: `import-${who}-${stamp}@example.test`, name: who } });
  [curator, viewer, outsider] = await Promise.all([mk("curator"), mk("viewer"), mk("outsider")]);
  ws = await prisma.workspace.create({ data: { name: `Import ${stamp}`, slug: `import-${stamp}` } });
  await prisma.membership.create({ data: { workspaceId: ws.id, userId: curator.id, role: "curator" } });
  await prisma.membership.create({ data: { workspaceId: ws.id, userId: viewer.id, role: "viewer" } });
});

afterAll(async () => {
  await stopQueue();
  await closeImportPool();
  await prisma.workspace.deleteMany({ where: { id: ws?.id } });
  await prisma.user.deleteMany({ where: { email: { endsWith: `-${stamp}@example.test` } } });
});

describe("runImport", () => {
  it(`200 lines with 3 malformed: exactly those 3 reported, the rest kept (${inject("dbMode")})`, async () => {
    const ds = await newDataset("two-hundred");
    const bad = new Set([17, 88, 150]);
    enqueued.length = 0;
    const t0 = Date.now();
    const { summary, row, issues } = await importText(ds.id, traceFile(200, bad, "a"), { batchSize: 64 });
    console.log(`[import.int] 200 lines in ${Date.now() - t0} ms`);
    expect(summary).toMatchObject({ status: "succeeded", preset: "plain", rowsRead: 200, rowsOk: 197, rowsBad: 3, rowsDuplicate: 0, taskId: "task-1" });
    expect(summary.searchTaskId).toMatch(/^search-task-\d+$/);
    expect(row).toMatchObject({ status: "succeeded", preset: "plain", rowsRead: 200, rowsOk: 197, rowsBad: 3, rowsDuplicate: 0, error: null });
    expect(row.finishedAt).not.toBeNull();
    expect(row.bytesRead).toBe(enc.encode(traceFile(200, bad, "a")).length);
    expect(row.mapping).toMatchObject({ question: expect.stringContaining("question") });
    expect(issues.map((i) => [i.line, i.kind])).toEqual([
      [17, "invalid"],
      [88, "invalid"],
      [150, "invalid"],
    ]);
    expect(issues[0]?.reason).toMatch(/^Invalid JSON: /);
    expect(issues[0]?.excerpt).toBe("not json at all 17");
    expect(issues[1]?.excerpt).toBe('{"question": "broken 88", "reasoning": ');
    expect(enqueued).toEqual([{ datasetId: ds.id }]);

    const traces = await prisma.trace.findMany({ where: { datasetId: ds.id }, orderBy: { externalId: "asc" } });
    expect(traces).toHaveLength(197);
    const t1 = traces.find((t) => t.externalId === "a-1")!;
    expect(t1).toMatchObject({ question: "[a] Problem 1: what is 1 + 1?", referenceAnswer: "2", reasoningTokens: null });
    expect(t1.reasoning).toBe("We add 1 and 1.\n\n1 + 1 = 2.\n\nCheck: 2 − 1 = 1. Done — ü数🙂.");
    expect(t1.contentHash).toBe(contentHash(t1.question, t1.reasoning));
    expect(Math.abs(t1.createdAt.getTime() - Date.now())).toBeLessThan(120_000); // written in UTC like Prisma's own

    // Re-upload of the same file: nothing new, every good line a duplicate, the same 3 invalid.
    enqueued.length = 0;
    const again = await importText(ds.id, traceFile(200, bad, "a"));
    expect(again.summary).toMatchObject({ status: "succeeded", rowsRead: 200, rowsOk: 0, rowsBad: 3, rowsDuplicate: 197 });
    expect(again.summary.taskId).toBeUndefined();
    expect(enqueued).toEqual([]);
    expect(again.issues.filter((i) => i.kind === "invalid").map((i) => i.line)).toEqual([17, 88, 150]);
    expect(again.issues.filter((i) => i.kind === "duplicate")).toHaveLength(197);
    expect(again.issues.find((i) => i.kind === "duplicate")?.reason).toMatch(/Already in the dataset/);
    expect(await prisma.trace.count({ where: { datasetId: ds.id } })).toBe(197);
  });

  it("bad bytes and shapes are per-line issues, the good lines are kept, no raw error reaches the user", async () => {
    const ds = await newDataset("hostile");
    const good = (i: number) => JSON.stringify({ question: `Hostile ${i}: 3 + ${i}?`, reasoning: `3 + ${i} = ${3 + i}. Check: ${3 + i} − 3 = ${i}.`, answer: String(3 + i) });
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const lines = [
      good(1),
      String.raw`{"question": "escaped NUL \u0000 here", "reasoning": "fine"}`, // 2: a JSON-escaped NUL Postgres cannot store
      `{"question": "raw NUL byte ${String.fromCharCode(0)} here", "reasoning": "x"}`, // 3: a raw 0x00 byte (invalid JSON)
      good(4),
      `{"question": "deep", "reasoning": "deep extra", "extra": ${deep}}`, // 5: 100,000-deep nesting
      String.raw`{"question": "Lone surrogate", "reasoning": "half \ud800 a pair"}`, // 6: kept, the half pair becomes U+FFFD
      String.raw`{"question": "NUL in the answer", "reasoning": "r", "answer": "4\u0000"}`, // 7
      good(8),
    ];
    expect(lines[2]).toContain(String.fromCharCode(0));
    const { summary, row, issues } = await importText(ds.id, `${lines.join("\n")}\n`, { batchSize: 3 });
    expect(summary).toMatchObject({ status: "succeeded", rowsRead: 8, rowsOk: 4, rowsBad: 4 });
    expect(summary.error).toBeUndefined();
    expect(row.error).toBeNull();
    expect(issues.map((i) => i.line)).toEqual([2, 3, 5, 7]);
    const reason = Object.fromEntries(issues.map((i) => [i.line, i.reason]));
    expect(reason[2]).toMatch(/^question contains a NUL character/);
    expect(reason[3]).toMatch(/^Invalid JSON: /);
    expect(reason[5]).toMatch(/Nested too deeply: more than 64 levels/);
    expect(reason[7]).toMatch(/^answer contains a NUL character/);
    for (const i of issues) {
      expect(i.reason).not.toMatch(/Maximum call stack|unsupported Unicode escape|invalid byte sequence/);
      expect(i.excerpt ?? "").not.toContain(String.fromCharCode(0));
    }
    expect(issues.find((i) => i.line === 3)?.excerpt).toContain("\u2400"); // the NUL shown as ␀
    const kept = await prisma.trace.findMany({ where: { datasetId: ds.id }, select: { question: true }, orderBy: { question: "asc" } });
    expect(kept.map((t) => t.question)).toEqual(["Hostile 1: 3 + 1?", "Hostile 4: 3 + 4?", "Hostile 8: 3 + 8?", "Lone surrogate"]);
  });

  it("a batch write that fails anyway is retried row by row: only the failing row is lost, the error is generic", async () => {
    const ds = await newDataset("row-by-row");
    const lines = [1, 2, 3, 4].map((i) => JSON.stringify({ question: `Row ${i}?`, reasoning: `Reasoning ${i}.`, id: i === 3 ? "x".repeat(10) : `r${i}` }));
    // A pool whose trace insert fails whenever the batch holds the row with id xxxxxxxxxx (a stand-in for an
    // unforeseen database error).
    const { importPool } = await import("../../server/curation/import/bulk");
    const real = importPool();
    const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const pool = {
      connect: async () => {
        const client = await real.connect();
        const query = client.query.bind(client) as (...a: unknown[]) => Promise<unknown>;
        return Object.assign(Object.create(client) as object, {
          query: (text: unknown, values?: unknown[]) => {
            if (typeof text === "string" && text.includes('INSERT INTO "Trace"') && JSON.stringify(values).includes("xxxxxxxxxx")) {
              return Promise.reject(new Error('insert or update on table "Trace" violates something internal'));
            }
            return query(text, values);
          },
          release: () => client.release(),
        });
      },
    } as unknown as import("pg").Pool;
    try {
      const { summary, issues } = await importText(ds.id, lines.join("\n"), { pool });
      expect(summary).toMatchObject({ status: "succeeded", rowsRead: 4, rowsOk: 3, rowsBad: 1 });
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ line: 3, kind: "invalid" });
      expect(issues[0]?.reason).toMatch(/^Could not be stored \(internal error, ref [\w-]+\)$/);
      expect(issues[0]?.reason).not.toContain("violates");
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    expect(await prisma.trace.count({ where: { datasetId: ds.id } })).toBe(3);
  });

  it("outputs preset: traces without a question are kept, and get their question from a later import instead of a copy", async () => {
    const ds = await newDataset("outputs");
    const out = (i: number) => `<think>\nWe need ${i} × 9. ${i} × 9 = ${9 * i}.\n\nWait, re-check: ${9 * i} ÷ 9 = ${i}. Good.\n</think>`;
    const first = [1, 2, 3].map((i) => JSON.stringify({ id: `p-${i}`, output: out(i), ...(i === 1 ? { question: "What is 1 × 9?" } : {}) })).join("\n");
    const a = await importText(ds.id, first, { preset: "outputs" });
    expect(a.summary).toMatchObject({ status: "succeeded", rowsOk: 3, rowsBad: 0 });
    const before = await prisma.trace.findMany({ where: { datasetId: ds.id }, orderBy: { externalId: "asc" } });
    expect(before.map((t) => [t.externalId, t.question])).toEqual([
      ["p-1", "What is 1 × 9?"],
      ["p-2", ""],
      ["p-3", ""],
    ]);
    expect(before[1]?.reasoning).toContain("2 × 9 = 18");
    // Again, now with questions for p-2 (and p-1 unchanged): p-2 gets its question, nothing is duplicated.
    const second = [1, 2].map((i) => JSON.stringify({ id: `p-${i}`, output: out(i), question: `What is ${i} × 9?`, answer: String(9 * i) })).join("\n");
    const b = await importText(ds.id, second, { preset: "outputs" });
    expect(b.summary).toMatchObject({ status: "succeeded", rowsOk: 1, rowsDuplicate: 1 });
    const after = await prisma.trace.findMany({ where: { datasetId: ds.id }, orderBy: { externalId: "asc" } });
    expect(after).toHaveLength(3);
    const p2 = after.find((t) => t.externalId === "p-2")!;
    expect(p2).toMatchObject({ id: before[1]!.id, question: "What is 2 × 9?", referenceAnswer: "18", contentHash: contentHash("What is 2 × 9?", p2.reasoning) });
    expect(after.find((t) => t.externalId === "p-3")?.question).toBe("");
  });

  it("skips and reports duplicates within a file, also across batches", async () => {
    const ds = await newDataset("dups");
    const a = JSON.stringify({ question: "Q1", reasoning: "R1" });
    const b = JSON.stringify({ question: "Q2", reasoning: "R2" });
    const aAgain = JSON.stringify({ question: "  Q1 ", reasoning: "R1\n", answer: "other" }); // same content after trimming
    const text = [a, b, "", a, b, aAgain, JSON.stringify({ question: "Q3", reasoning: "R3" })].join("\r\n");
    const { summary, issues } = await importText(ds.id, text, { batchSize: 2 });
    expect(summary).toMatchObject({ status: "succeeded", rowsRead: 6, rowsOk: 3, rowsBad: 0, rowsDuplicate: 3 });
    expect(issues.map((i) => [i.line, i.kind, i.reason])).toEqual([
      [4, "duplicate", "Duplicate of line 1 in this file"],
      [5, "duplicate", "Duplicate of line 2 in this file"],
      [6, "duplicate", "Duplicate of line 1 in this file"],
    ]);
  });

  it("imports JSON arrays and fixture shapes; invalid rows say why", async () => {
    const ds = await newDataset("shapes");
    const arr = fs.readFileSync(path.join(FIXTURES, "plain.json"), "utf8");
    const r1 = await importText(ds.id, arr);
    expect(r1.summary).toMatchObject({ status: "succeeded", preset: "plain", rowsRead: 3, rowsOk: 3, rowsBad: 0 });
    const ot = fs.readFileSync(path.join(FIXTURES, "openthoughts-default.jsonl"), "utf8");
    const r2 = await importText(ds.id, ot);
    expect(r2.summary).toMatchObject({ status: "succeeded", preset: "openthoughts", rowsOk: 2 });
    const s1k = fs.readFileSync(path.join(FIXTURES, "s1k.jsonl"), "utf8");
    const r3 = await importText(ds.id, `${s1k}${JSON.stringify({ question: "q", deepseek_thinking_trajectory: "" })}\n[1]\n`);
    expect(r3.summary).toMatchObject({ status: "succeeded", preset: "s1k", rowsOk: 1, rowsBad: 2 });
    expect(r3.issues.map((i) => [i.line, i.reason])).toEqual([
      [2, "reasoning is empty"],
      [3, "Expected a JSON object, got a list"],
    ]);
    const custom = await importText(ds.id, JSON.stringify({ a: { q: "custom q" }, b: ["x", "custom r"] }), {
      preset: "custom",
      mapping: { question: "a.q", reasoning: "b.1" },
    });
    expect(custom.summary).toMatchObject({ status: "succeeded", preset: "custom", rowsOk: 1 });
    const s1kTrace = await prisma.trace.findFirstOrThrow({ where: { datasetId: ds.id, question: { startsWith: "Compute the sum" } } });
    expect(s1kTrace).toMatchObject({ referenceAnswer: "55", sourceModel: "deepseek-r1" });
    expect(s1kTrace.metadata).toMatchObject({ cot_type: "math", groundTruthSolution: "55" });
  });

  it("an unrecognisable format fails clearly; a broken JSON array reports where", async () => {
    const ds = await newDataset("unknown");
    const r = await importText(ds.id, `${JSON.stringify({ foo: 1 })}\n${JSON.stringify({ foo: 2 })}\n`);
    expect(r.summary.status).toBe("failed");
    expect(r.summary.error).toMatch(/Could not recognise the format from line 1/);
    expect(r.row).toMatchObject({ status: "failed", rowsBad: 1 });
    expect(r.issues.map((i) => i.line)).toEqual([1]);

    const broken = await importText(ds.id, `[\n${JSON.stringify({ question: "q", reasoning: "r" })},\n{"question": "cut`);
    expect(broken.summary).toMatchObject({ status: "succeeded", rowsOk: 1, rowsBad: 1 });
    expect(broken.issues.map((i) => [i.line, i.reason])).toEqual([[3, "Unexpected end of file inside this record (the JSON array is cut off)"]]);
  });

  it("sprint preset: curated trajectories are imported as curated, with status kept", async () => {
    const ds = await newDataset("sprint");
    const text = fs.readFileSync(path.join(FIXTURES, "sprint.jsonl"), "utf8");
    const { summary, issues } = await importText(ds.id, text, { preset: "sprint" });
    expect(summary).toMatchObject({ status: "succeeded", preset: "sprint", rowsRead: 3, rowsOk: 2, rowsBad: 1 });
    expect(issues.map((i) => i.line)).toEqual([3]);
    expect(issues[0]?.reason).toMatch(/^Not a valid SPRINT trajectory \(strict parse\)/);
    const curated = await prisma.curatedTrajectory.findMany({ where: { datasetId: ds.id }, include: { trace: true }, orderBy: { createdAt: "asc" } });
    expect(curated).toHaveLength(2);
    const first = curated.find((c) => c.trace.externalId === "cd-1")!;
    expect(first).toMatchObject({ curationStatus: "kept", reviewStatus: "approved", stageCount: 3, runId: null, version: 1 });
    expect(first.text?.startsWith("<Plan_1>")).toBe(true);
    expect(first.sequentialTokens).toBeGreaterThan(0);
    expect(first.totalTokens).toBeGreaterThanOrEqual(first.sequentialTokens!);
    // Stored like a curation run's output: stage per step id, immediate parents per step id.
    expect(first.stages).toEqual({ 1: 1, 2: 1, 3: 2, 4: 2, 5: 3 });
    expect(first.dagEdges).toEqual({ 1: [], 2: [], 3: [2], 4: [2], 5: [4] });
    expect(curated.find((c) => c !== first)).toMatchObject({ curationStatus: "kept", reviewStatus: "pending" });
    // Idempotent too.
    const again = await importText(ds.id, text, { preset: "sprint" });
    expect(again.summary).toMatchObject({ rowsOk: 0, rowsDuplicate: 2, rowsBad: 1 });
    expect(await prisma.curatedTrajectory.count({ where: { datasetId: ds.id } })).toBe(2);
  });

  it("cancellation through the database status stops between batches; rows written stay", async () => {
    const ds = await newDataset("cancel-db");
    const imp = await startImport(ds.id);
    const caller = createCaller({ db: prisma, user: { id: curator.id } });
    const text = traceFile(400, new Set(), "c");
    const b = enc.encode(text);
    let cancelled = false;
    async function* source() {
      for (let i = 0; i < b.length; i += 4096) {
        if (!cancelled && i > b.length / 3) {
          const r = await caller.imports.cancel({ workspaceId: ws.id, importId: imp.id });
          expect(r).toEqual({ ok: true, status: "cancelled" });
          cancelled = true;
        }
        yield b.subarray(i, i + 4096);
      }
    }
    enqueued.length = 0;
    const summary = await runImport({ db: prisma, importId: imp.id, datasetId: ds.id, workspaceId: ws.id, userId: curator.id, source: source(), preset: "plain", batchSize: 50, enqueueRecount: enqueueStub, enqueueSearchIndex: enqueueSearchStub });
    expect(summary.status).toBe("cancelled");
    expect(summary.rowsOk).toBeGreaterThan(0);
    expect(summary.rowsOk).toBeLessThan(400);
    expect(summary.rowsOk % 50).toBe(0);
    const row = await prisma.datasetImport.findUniqueOrThrow({ where: { id: imp.id } });
    expect(row.status).toBe("cancelled");
    expect(row.finishedAt).not.toBeNull();
    expect(row.rowsOk).toBe(summary.rowsOk);
    expect(await prisma.trace.count({ where: { datasetId: ds.id } })).toBe(summary.rowsOk);
    expect(enqueued).toEqual([{ datasetId: ds.id }]); // the rows that stay get token counts
    // Cancelling again is a no-op.
    expect(await caller.imports.cancel({ workspaceId: ws.id, importId: imp.id })).toEqual({ ok: false, status: "cancelled" });
  });

  it("cancellation through the abort signal (client gone)", async () => {
    const ds = await newDataset("cancel-signal");
    const imp = await startImport(ds.id);
    const ac = new AbortController();
    const b = enc.encode(traceFile(300, new Set(), "s"));
    async function* source() {
      for (let i = 0; i < b.length; i += 2048) {
        if (i > b.length / 2) ac.abort();
        yield b.subarray(i, i + 2048);
      }
    }
    const summary = await runImport({ db: prisma, importId: imp.id, datasetId: ds.id, workspaceId: ws.id, userId: curator.id, source: source(), preset: "auto", batchSize: 40, signal: ac.signal, enqueueRecount: enqueueStub, enqueueSearchIndex: enqueueSearchStub });
    expect(summary.status).toBe("cancelled");
    expect(summary.rowsOk).toBeLessThan(300);
    const row = await prisma.datasetImport.findUniqueOrThrow({ where: { id: imp.id } });
    expect(row).toMatchObject({ status: "cancelled", rowsOk: summary.rowsOk });
  });

  it("a source that breaks marks the import failed with the reason", async () => {
    const ds = await newDataset("broken-source");
    const imp = await startImport(ds.id);
    async function* source() {
      yield enc.encode(`${JSON.stringify({ question: "q", reasoning: "r" })}\n`);
      throw new Error("socket hang up");
    }
    const summary = await runImport({ db: prisma, importId: imp.id, datasetId: ds.id, workspaceId: ws.id, userId: curator.id, source: source(), preset: "plain", enqueueRecount: null, enqueueSearchIndex: null });
    expect(summary).toMatchObject({ status: "failed", error: "The upload was interrupted: socket hang up", rowsOk: 0 });
    expect(await prisma.datasetImport.findUniqueOrThrow({ where: { id: imp.id } })).toMatchObject({ status: "failed", error: "The upload was interrupted: socket hang up" });
  });
});

describe("imports router", () => {
  it("list, get, issues (paginated) for viewers; cancel is for curators; other workspaces are forbidden", async () => {
    const ds = await newDataset("router");
    const bad = new Set([3, 5, 7, 11, 13]);
    const { summary } = await importText(ds.id, traceFile(20, bad, "r"));
    const asViewer = createCaller({ db: prisma, user: { id: viewer.id } });
    const list = await asViewer.imports.list({ workspaceId: ws.id, datasetId: ds.id });
    expect(list.map((i) => i.id)).toEqual([summary.importId]);
    expect(list[0]).toMatchObject({ fileName: "traces.jsonl", status: "succeeded", rowsOk: 15, rowsBad: 5, createdById: curator.id });
    const got = await asViewer.imports.get({ workspaceId: ws.id, importId: summary.importId });
    expect(got).toMatchObject({ rowsRead: 20, rowsOk: 15, rowsBad: 5 });

    const p1 = await asViewer.imports.issues({ workspaceId: ws.id, importId: summary.importId, limit: 2 });
    expect(p1.items.map((i) => i.line)).toEqual([3, 5]);
    expect(p1.total).toBe(5);
    const p2 = await asViewer.imports.issues({ workspaceId: ws.id, importId: summary.importId, limit: 2, cursor: p1.nextCursor });
    expect(p2.items.map((i) => i.line)).toEqual([7, 11]);
    const p3 = await asViewer.imports.issues({ workspaceId: ws.id, importId: summary.importId, limit: 2, cursor: p2.nextCursor });
    expect(p3.items.map((i) => i.line)).toEqual([13]);
    expect(p3.nextCursor).toBeNull();
    expect((await asViewer.imports.issues({ workspaceId: ws.id, importId: summary.importId, kind: "duplicate" })).items).toEqual([]);

    await expect(asViewer.imports.cancel({ workspaceId: ws.id, importId: summary.importId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asViewer.imports.pasteTrace({ workspaceId: ws.id, datasetId: ds.id, question: "q", reasoning: "r" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const asOutsider = createCaller({ db: prisma, user: { id: outsider.id } });
    await expect(asOutsider.imports.get({ workspaceId: ws.id, importId: summary.importId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const anon = createCaller({ db: prisma, user: null });
    await expect(anon.imports.list({ workspaceId: ws.id, datasetId: ds.id })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    // Another workspace's import is not found from this one.
    const other = await prisma.workspace.create({ data: { name: `Other ${stamp}`, slug: `import-other-${stamp}` } });
    await prisma.membership.create({ data: { workspaceId: other.id, userId: outsider.id, role: "admin" } });
    await expect(asOutsider.imports.get({ workspaceId: other.id, importId: summary.importId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(asOutsider.imports.cancel({ workspaceId: other.id, importId: summary.importId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await prisma.workspace.delete({ where: { id: other.id } });
  });

  it("pasteTrace parses <think> output, stores the trace once, audits, and queues a token count", async () => {
    const ds = await newDataset("paste");
    const caller = createCaller({ db: prisma, user: { id: curator.id } });
    const r = await caller.imports.pasteTrace({
      workspaceId: ws.id,
      datasetId: ds.id,
      question: "What is 2 + 2?",
      reasoning: "<think>\n2 + 2 = 4.\r\nDouble-check: 4 − 2 = 2.\n</think>\n\nThe answer is \\boxed{4}.",
      answer: "4",
    });
    expect(r).toMatchObject({ format: "think", hasSolution: true });
    expect(typeof r.taskId === "string" || typeof r.warning === "string").toBe(true);
    const t = await prisma.trace.findUniqueOrThrow({ where: { id: r.traceId } });
    expect(t).toMatchObject({ question: "What is 2 + 2?", reasoning: "2 + 2 = 4.\nDouble-check: 4 − 2 = 2.", referenceAnswer: "4", referenceSolution: "The answer is \\boxed{4}." });
    expect(await prisma.auditEvent.count({ where: { action: "trace.paste", targetId: r.traceId } })).toBe(1);
    await expect(
      caller.imports.pasteTrace({ workspaceId: ws.id, datasetId: ds.id, question: "What is 2 + 2?", reasoning: "<think>\n2 + 2 = 4.\nDouble-check: 4 − 2 = 2.\n</think>" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    const empty = await caller.imports.pasteTrace({ workspaceId: ws.id, datasetId: ds.id, question: "q", reasoning: "<think>\n</think>" }).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(TRPCError);
    expect(empty).toMatchObject({ code: "BAD_REQUEST", message: "reasoning is empty" });
    await expect(caller.imports.pasteTrace({ workspaceId: ws.id, datasetId: "missing", question: "q", reasoning: "r" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("route handlers (upload, report)", () => {
  const upload = async (datasetId: string, text: string, qs = "fileName=r.jsonl&preset=auto") => {
    const b = enc.encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < b.length; i += 1000) controller.enqueue(b.slice(i, i + 1000));
        controller.close();
      },
    });
    const { POST } = await import("../../app/api/datasets/[datasetId]/imports/route");
    const req = new Request(`http://localhost/api/datasets/${datasetId}/imports?${qs}&size=${b.length}`, { method: "POST", body, duplex: "half" } as RequestInit);
    return POST(req, { params: Promise.resolve({ datasetId }) });
  };
  const report = async (importId: string) => {
    const { GET } = await import("../../app/api/imports/[importId]/report/route");
    return GET(new Request(`http://localhost/api/imports/${importId}/report`), { params: Promise.resolve({ importId }) });
  };

  it("upload: 401 / 404 (unknown or not yours) / 403 / 400, then a streamed import; report: JSONL of the issues for viewers", async () => {
    const ds = await newDataset("routes");
    const text = traceFile(30, new Set([4, 25]), "h");

    session.userId = null;
    expect((await upload(ds.id, text)).status).toBe(401);
    session.userId = curator.id;
    const missing = await upload("no-such-dataset", text);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "No such dataset." });
    session.userId = viewer.id;
    const forbidden = await upload(ds.id, text);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ error: "This needs the curator role; you are viewer." });
    session.userId = outsider.id; // another workspace's dataset: the same 404 as an unknown one (ids cannot be probed)
    const notYours = await upload(ds.id, text);
    expect(notYours.status).toBe(404);
    expect(await notYours.json()).toEqual({ error: "No such dataset." });
    session.userId = curator.id;
    const bad = await upload(ds.id, text, "preset=bogus");
    expect(bad.status).toBe(400);
    expect(await prisma.datasetImport.count({ where: { datasetId: ds.id } })).toBe(0);

    enqueued.length = 0;
    const res = await upload(ds.id, text);
    expect(res.status).toBe(200);
    const summary = (await res.json()) as { importId: string; status: string; rowsOk: number; rowsBad: number; taskId?: string; warning?: string };
    expect(summary).toMatchObject({ status: "succeeded", rowsOk: 28, rowsBad: 2 });
    expect(summary.taskId ?? summary.warning).toBeTruthy(); // the real queue (or, if unreachable, a warning)
    const row = await prisma.datasetImport.findUniqueOrThrow({ where: { id: summary.importId } });
    expect(row).toMatchObject({ fileName: "r.jsonl", createdById: curator.id, bytesTotal: enc.encode(text).length, bytesRead: enc.encode(text).length, status: "succeeded", preset: "plain" });
    expect(await prisma.auditEvent.count({ where: { targetId: summary.importId, action: { in: ["import.start", "import.finish"] } } })).toBe(2);

    session.userId = viewer.id;
    const rep = await report(summary.importId);
    expect(rep.status).toBe(200);
    expect(rep.headers.get("content-disposition")).toBe('attachment; filename="r-issues.jsonl"');
    const lines = (await rep.text()).trim().split("\n").map((l) => JSON.parse(l) as { line: number; kind: string; reason: string; excerpt: string });
    expect(lines.map((l) => [l.line, l.kind])).toEqual([
      [4, "invalid"],
      [25, "invalid"],
    ]);
    expect(lines[0]).toEqual({ line: 4, kind: "invalid", reason: expect.stringMatching(/^Invalid JSON/), excerpt: '{"question": "broken 4", "reasoning": ' });
    session.userId = outsider.id;
    expect((await report(summary.importId)).status).toBe(404);
    expect((await report("no-such-import")).status).toBe(404);
    session.userId = null;
    expect((await report(summary.importId)).status).toBe(401);
  });

  it("report pages through many issues in order", async () => {
    const ds = await newDataset("big-report");
    const bad = new Set(Array.from({ length: 1500 }, (_, i) => i * 2 + 1));
    const { summary } = await importText(ds.id, traceFile(3000, bad, "p"), { batchSize: 300 });
    expect(summary).toMatchObject({ rowsOk: 1500, rowsBad: 1500 });
    session.userId = viewer.id;
    const rep = await report(summary.importId);
    const lines = (await rep.text()).trim().split("\n").map((l) => (JSON.parse(l) as { line: number }).line);
    expect(lines).toEqual([...bad]);
  });
});
