/**
 * Benchmarks: uploads (MATH-style JSONL, GPQA-style CSV, generic JSONL with a field mapping) and generated
 * Countdown sets become immutable, versioned, content-hashed `Benchmark` rows with their items.
 * Re-uploading the same content under the same name returns the existing version.
 */
import type { Prisma, PrismaClient } from "../db/client";
import type { Actor } from "../service-error";
import { recordAudit } from "../audit";
import {
  benchmarkHash,
  countdownBenchmark,
  fieldMappingSchema,
  parseBenchmarkFile,
  type BenchmarkItem,
  type FieldMapping,
  type ParseIssue,
} from "../sprint/benchmark";
import { EvalError, requireRole } from "./errors";

export const MAX_BENCHMARK_ITEMS = 20_000;

function kindOf(items: readonly BenchmarkItem[]): string {
  const kinds = new Set(items.map((i) => i.kind));
  return kinds.size === 1 ? [...kinds][0]! : "mixed";
}

/** Stores a parsed benchmark (new version of `name`, unless the latest version has the same hash). */
async function storeBenchmark(
  db: PrismaClient,
  actor: Actor,
  input: { name: string; format: string; items: BenchmarkItem[]; seed: string | null; config: Record<string, unknown> },
) {
  if (input.items.length === 0) throw new EvalError("BAD_REQUEST", "The benchmark has no problems.");
  if (input.items.length > MAX_BENCHMARK_ITEMS) throw new EvalError("BAD_REQUEST", `A benchmark holds at most ${MAX_BENCHMARK_ITEMS} problems; this one has ${input.items.length}.`);
  const contentHash = benchmarkHash(input.items);
  const latest = await db.benchmark.findFirst({ where: { workspaceId: actor.workspaceId, name: input.name }, orderBy: { version: "desc" } });
  if (latest && latest.contentHash === contentHash) return { benchmark: latest, created: false };
  const version = (latest?.version ?? 0) + 1;
  const benchmark = await db.$transaction(async (tx) => {
    const b = await tx.benchmark.create({
      data: {
        workspaceId: actor.workspaceId,
        name: input.name,
        version,
        kind: kindOf(input.items),
        format: input.format,
        contentHash,
        itemCount: input.items.length,
        seed: input.seed,
        config: input.config as Prisma.InputJsonValue,
        createdById: actor.userId,
      },
    });
    for (let i = 0; i < input.items.length; i += 1000) {
      await tx.benchmarkItem.createMany({
        data: input.items.slice(i, i + 1000).map((it, k) => {
          const { id, kind, question, answer, ...data } = it;
          return { benchmarkId: b.id, idx: i + k, problemId: id, kind, question, answer, data: data as Prisma.InputJsonValue };
        }),
      });
    }
    return b;
  }, { timeout: 60_000 });
  await recordAudit(db, actor, "eval.benchmark.create", { type: "benchmark", id: benchmark.id }, { name: input.name, version, items: input.items.length, format: input.format });
  return { benchmark, created: true };
}

export interface UploadBenchmarkInput {
  name: string;
  fileName: string;
  content: string;
  /** GPQA option-shuffle seed (default: random, stored). */
  seed?: string | undefined;
  mapping?: FieldMapping | undefined;
}

/** Parses an uploaded file and stores it. Bad rows are returned as issues; nothing is stored when no row is usable. */
export async function uploadBenchmark(db: PrismaClient, actor: Actor, input: UploadBenchmarkInput) {
  requireRole(actor, "curator", "add benchmarks");
  const name = input.name.trim();
  if (!name) throw new EvalError("BAD_REQUEST", "Name the benchmark.");
  const mapping = input.mapping ? fieldMappingSchema.parse(input.mapping) : undefined;
  const seed = input.seed?.trim() || String(Math.floor(Math.random() * 1e9));
  const parsed = parseBenchmarkFile(input.fileName, input.content, { seed, ...(mapping ? { mapping } : {}) });
  if (parsed.items.length === 0) {
    throw new EvalError("BAD_REQUEST", `No problem could be read from ${input.fileName}: ${parsed.issues.slice(0, 3).map((i) => `line ${i.line}: ${i.message}`).join("; ")}`, { issues: parsed.issues.slice(0, 100) });
  }
  const { benchmark, created } = await storeBenchmark(db, actor, {
    name,
    format: parsed.format,
    items: parsed.items,
    seed: parsed.format === "gpqa-csv" ? seed : null,
    config: { fileName: input.fileName, ...(mapping ? { mapping } : {}) },
  });
  return { benchmark: view(benchmark), created, issues: parsed.issues.slice(0, 500) as ParseIssue[], issueCount: parsed.issues.length };
}

/** Generates a seeded Countdown benchmark with the core generator. */
export async function generateCountdownSet(db: PrismaClient, actor: Actor, input: { name: string; seed: string; count: number; numbers?: number | undefined; useAll?: boolean | undefined }) {
  requireRole(actor, "curator", "add benchmarks");
  const name = input.name.trim();
  if (!name) throw new EvalError("BAD_REQUEST", "Name the benchmark.");
  const opts = { count: input.numbers ?? 4, useAll: input.useAll ?? true };
  let items: BenchmarkItem[];
  try {
    items = countdownBenchmark(input.seed, input.count, opts);
  } catch (e) {
    throw new EvalError("BAD_REQUEST", e instanceof Error ? e.message : String(e));
  }
  const { benchmark, created } = await storeBenchmark(db, actor, { name, format: "countdown", items, seed: input.seed, config: { generator: "countdown", ...opts, count: input.count } });
  return { benchmark: view(benchmark), created };
}

type BenchmarkRow = Awaited<ReturnType<PrismaClient["benchmark"]["findFirstOrThrow"]>>;
function view(b: BenchmarkRow) {
  return { id: b.id, name: b.name, version: b.version, kind: b.kind, format: b.format, contentHash: b.contentHash, itemCount: b.itemCount, seed: b.seed, createdAt: b.createdAt };
}

export async function listBenchmarks(db: PrismaClient, actor: Actor) {
  const rows = await db.benchmark.findMany({ where: { workspaceId: actor.workspaceId }, orderBy: [{ name: "asc" }, { version: "desc" }] });
  return rows.map(view);
}

export async function getBenchmark(db: PrismaClient, actor: Actor, input: { benchmarkId: string; offset?: number | undefined; limit?: number | undefined }) {
  const b = await db.benchmark.findFirst({ where: { id: input.benchmarkId, workspaceId: actor.workspaceId } });
  if (!b) throw new EvalError("NOT_FOUND", "No such benchmark in this workspace.");
  const items = await db.benchmarkItem.findMany({ where: { benchmarkId: b.id }, orderBy: { idx: "asc" }, skip: input.offset ?? 0, take: input.limit ?? 50 });
  return { benchmark: view(b), items: items.map((i) => ({ id: i.id, problemId: i.problemId, kind: i.kind, question: i.question, answer: i.answer, data: i.data })) };
}

/** The core's item shape back from a stored row. */
export function coreItem(row: { problemId: string; kind: string; question: string; answer: string; data: unknown }): BenchmarkItem {
  const data = (row.data ?? {}) as Partial<BenchmarkItem>;
  return { ...data, id: row.problemId, kind: row.kind as BenchmarkItem["kind"], question: row.question, answer: row.answer };
}
