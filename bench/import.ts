/**
 * `npm run bench:import` — import throughput and memory.
 *
 * Generates a JSONL file of N traces (default 100,000) in a temp dir — realistic 2–4 KB rows: a question,
 * a multi-paragraph chain of thought with math, an answer; 1 line in 1,000 malformed and 1 in 500 a
 * duplicate — then streams it through `runImport` (64 KiB reads, the production batching) into a fresh
 * dataset, and prints rows/s, MB/s and the peak RSS of this process (process.memoryUsage().rss sampled
 * every 20 ms). Target: peak RSS < 500 MB.
 *
 * Database: DATABASE_URL when set (a fresh workspace + dataset, removed afterwards); otherwise an embedded
 * PGlite in a child process with a temp data dir, so the measured RSS is the importer's alone.
 *
 * Options: --n N (rows, default 100000), --batch B (rows per batch, default 500), --keep (keep the file),
 * --gc (with NODE_OPTIONS=--expose-gc: collect after every batch, to tell live memory from garbage).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createPrismaClient } from "../server/db/client";
import { poolConfigFromUrl } from "../server/db/pg-config";
import { runImport } from "../server/curation/import/run";
import { option, serveEmbeddedIfChild, startEmbeddedChild } from "./harness";


// ── child mode: serve an embedded PGlite until stdin closes (startEmbeddedChild) ─────────────────────
await serveEmbeddedIfChild();

const N = option("n", 100_000);
const BATCH = option("batch", 500);
const keep = process.argv.includes("--keep");
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

// ── data ────────────────────────────────────────────────────────────────────────────────────────────
const WORDS = "so we need to check whether the sum of these terms equals the target and if not we try another grouping of the numbers carefully".split(" ");
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function traceLine(i: number, rand: () => number): string {
  const a = 10 + Math.floor(rand() * 990);
  const b = 10 + Math.floor(rand() * 990);
  const target = 2000 + Math.floor(rand() * 8000);
  const question = `Problem ${i}: using the numbers ${a}, ${b} and ${target % 97}, write an expression that equals ${target}. Explain each step and put the final answer in \\boxed{}.`;
  const paragraphs: string[] = [];
  const want = 2000 + Math.floor(rand() * 2000);
  let len = 0;
  let k = 0;
  while (len < want) {
    const words = Array.from({ length: 25 + Math.floor(rand() * 30) }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(" ");
    const p = `Step ${++k}: ${words}. We compute $${a} \\times ${k} + ${b} = ${a * k + b}$, which is ${a * k + b > target ? "too large" : "still below"} ${target}.`;
    paragraphs.push(p);
    len += p.length + 2;
  }
  const reasoning = `<think>\n${paragraphs.join("\n\n")}\n</think>\n\nThe answer is \\boxed{${target}}.`;
  return JSON.stringify({ id: `bench-${i}`, question, response: reasoning, answer: String(target), source: "bench" });
}

async function generate(file: string): Promise<{ bytes: number; malformed: number; duplicates: number }> {
  const out = fs.createWriteStream(file, { highWaterMark: 1 << 20 });
  const rand = rng(2025);
  let malformed = 0;
  let duplicates = 0;
  let prev = "";
  for (let i = 1; i <= N; i++) {
    let line: string;
    if (i % 1000 === 500) {
      line = `{"id": "bench-${i}", "question": "cut off`;
      malformed++;
    } else if (i % 500 === 250 && prev) {
      line = prev; // an exact repeat of the previous good line
      duplicates++;
    } else {
      line = traceLine(i, rand);
      prev = line;
    }
    if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())));
  return { bytes: fs.statSync(file).size, malformed, duplicates };
}

// ── database ────────────────────────────────────────────────────────────────────────────────────────
async function database(tmp: string): Promise<{ url: string; mode: string; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, mode: "server (DATABASE_URL)", stop: async () => undefined };
  return startEmbeddedChild(import.meta.filename, tmp);
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sprint-bench-import-"));
  const file = path.join(tmp, "traces.jsonl");
  console.log(`bench:import — ${N.toLocaleString("en")} rows, batch ${BATCH}, Node ${process.version}, ${os.cpus().length} CPUs`);
  let t = performance.now();
  const gen = await generate(file);
  console.log(`generated ${file}: ${mb(gen.bytes)} (${(gen.bytes / N).toFixed(0)} bytes/row), ${gen.malformed} malformed, ${gen.duplicates} duplicates, in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const dbh = await database(tmp);
  const db = createPrismaClient(dbh.url);
  const pool = new pg.Pool({ ...poolConfigFromUrl(dbh.url), max: 2 });
  const stamp = Date.now().toString(36);
  const ws = await db.workspace.create({ data: { name: `bench ${stamp}`, slug: `bench-import-${stamp}` } });
  const ds = await db.dataset.create({ data: { workspaceId: ws.id, name: `bench ${stamp}` } });
  const imp = await db.datasetImport.create({ data: { datasetId: ds.id, fileName: "traces.jsonl", preset: "auto", mapping: {}, status: "running", bytesTotal: gen.bytes } });

  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  let lastLog = 0;
  t = performance.now();
  const summary = await runImport({
    db,
    importId: imp.id,
    datasetId: ds.id,
    workspaceId: ws.id,
    userId: null,
    source: fs.createReadStream(file, { highWaterMark: 64 * 1024 }),
    preset: "auto",
    batchSize: BATCH,
    pool,
    enqueueRecount: null,
    enqueueSearchIndex: null,
    onProgress: (p) => {
      peak = Math.max(peak, process.memoryUsage().rss);
      if (process.argv.includes("--gc")) global.gc?.();
      const now = performance.now();
      if (now - lastLog > 5000) {
        lastLog = now;
        const s = (now - t) / 1000;
        const mu = process.memoryUsage();
        console.log(`  ${p.rowsRead.toLocaleString("en")} rows, ${mb(p.bytesRead)}, ${(p.rowsRead / s).toFixed(0)} rows/s, rss ${mb(mu.rss)} (heap ${mb(mu.heapUsed)}/${mb(mu.heapTotal)}, external ${mb(mu.external)}, buffers ${mb(mu.arrayBuffers)})`);
      }
    },
  });
  const secs = (performance.now() - t) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);

  const stored = await db.trace.count({ where: { datasetId: ds.id } });
  console.log(`database: ${dbh.mode}`);
  console.log(`status ${summary.status}${summary.error ? ` (${summary.error})` : ""}: read ${summary.rowsRead.toLocaleString("en")}, kept ${summary.rowsOk.toLocaleString("en")}, invalid ${summary.rowsBad}, duplicates ${summary.rowsDuplicate}; ${stored.toLocaleString("en")} traces stored`);
  console.log(`time ${secs.toFixed(1)} s — ${(summary.rowsRead / secs).toFixed(0)} rows/s, ${(gen.bytes / 1e6 / secs).toFixed(1)} MB/s`);
  console.log(`peak RSS ${mb(peak)} (baseline before the import ${mb(baseline)}) — target < 500 MB: ${peak < 500e6 ? "PASS" : "FAIL"}`);

  await db.workspace.delete({ where: { id: ws.id } });
  await db.$disconnect();
  await pool.end();
  await dbh.stop();
  if (!keep) fs.rmSync(tmp, { recursive: true, force: true });
  else console.log(`kept ${file}`);
  if (summary.status !== "succeeded" || summary.rowsOk + summary.rowsBad + summary.rowsDuplicate !== N || peak >= 500e6) process.exitCode = 1;
}

await main();
