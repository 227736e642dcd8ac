/**
 * `npm run bench:curation-math` — the offline (heuristic) curation backend on hand-written, hand-annotated
 * R1-style math traces (format in bench/math-fixtures.ts), beside generated Countdown traces
 * (server/sprint/countdown). Countdown F1 says little about math: this is the math evidence.
 *
 * Sets, each reported on its own (a missing directory is skipped with a note):
 * - "short (dev, tuned on)": bench/fixtures/math — 32 short traces (~460 tokens) the heuristic was tuned on;
 * - "long tune": bench/fixtures/math-long/tune — long traces (2,000–3,500 Qwen tokens) used for tuning;
 * - "long held-out": bench/fixtures/math-long/heldout — long traces never looked at while tuning.
 *
 * Per trace, as the product runs it (server/curation/curate-trace.ts): `splitSentences` numbers the lines,
 * the heuristic extracts steps and builds the DAG (question numbers are givens), and the core's `curate`
 * folds, validates, packs and filters with the default preset "paper" (the method's code). The hand
 * annotation goes through the same `curate`.
 *
 * Reported per set:
 * - edge precision / recall / F1, micro-averaged: predicted steps matched to annotated steps by maximal line
 *   overlap (evaluate.ts `matchSteps`); the annotated DAG is transitively reduced first (immediate parents),
 *   as the heuristic's is.
 * - stage count: mean absolute error and % exact against the annotation's packing.
 * - predicted saving: 1 − sequential ÷ original tokens of the built trajectory (built for kept and dropped
 *   traces alike; prompts left out on both sides, since the annotations have none), heuristic vs annotation — mean of each, mean absolute error, the ratio of means (> 1 = the
 *   heuristic promises more saving than the annotated structure gives, the worse error) and how many traces
 *   it over-promises on by more than one point.
 * - prompts: share of one- or two-word stubs and of prompts that copy a trace sentence verbatim.
 * - low-confidence flags raised by the heuristic.
 * - keep agreement under the paper preset: a 2×2 count of kept by the heuristic × kept by the annotation.
 * - hidden dependencies: annotated ancestor → descendant pairs whose result the heuristic's packed trajectory does
 *   not show where the descendant starts (run in parallel or later: wrong independence where it harms the
 *   training data; evaluate.ts `hiddenDependencies`); the annotation's own packing must score 0.
 * - throughput on the set's real traces: pipeline split + extract + DAG + curate, one thread, steady state
 *   (after WARM_UP_PASSES untimed passes, default 10), best of 3 by CPU time; traces/s per core = 1000 ÷ CPU
 *   ms per trace (the machine is shared: CPU time is the load-independent figure). The set is repeated to at
 *   least 100 traces per timed pass.
 * Then, over all sets: traces of ≥ T tokens made by concatenating consecutive short fixtures beside
 * Countdown traces of the same size (why math costs more per token than Countdown), and W worker threads on
 * the real long traces (or the concatenations when no long set is present), whose first pass is reported as
 * "cold" (fresh isolate: regexes compiled, code not yet optimized; a long-running worker pays it once).
 *
 * Options: --sets short,tune,heldout (default all), --tokens T (default 2400), --long L (default 120
 * concatenated traces), --workers W (default 2; 0 skips), --countdown N (default 150 Countdown traces for the
 * side-by-side F1), --tokenizer qwen|approx (default qwen: sizes the traces and counts tokens for the
 * saving), --verbose (per-trace rows).
 */
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { loadMathFixtures, MATH_FIXTURE_DIR, type MathFixture } from "./math-fixtures";
import { countdownDataset } from "../server/sprint/countdown/trace";
import { splitSentences } from "../server/sprint/sequential";
import { buildTrajectory, curate, CURATION_PRESETS, type CurationResult } from "../server/sprint/packing";
import { transitiveReduction, type Dag } from "../server/sprint/steps";
import { trajectoryMetrics } from "../server/sprint/metrics";
import { approxTokenizer, loadQwenTokenizer } from "../server/sprint/tokenizer";
import type { Tokenizer } from "../server/sprint/types";
import {
  buildDagHeuristicWithConfidence,
  hiddenDependencies,
  edgeCounts,
  extractStepsHeuristic,
  paragraphStartsOf,
  prf,
  sumCounts,
  type EdgeCounts,
  type HeuristicOptions,
  type HiddenDependencyCounts,
} from "../server/curation/heuristic";
import { option as harnessOption } from "./harness";

const RULES = CURATION_PRESETS.paper;

interface Text {
  question: string;
  reasoning: string;
}

/** The product's heuristic pipeline for one trace. */
export function runPipeline(t: Text) {
  const spans = splitSentences(t.reasoning);
  const lines = spans.map((s) => s.text);
  const opts: HeuristicOptions = { question: t.question, paragraphStarts: paragraphStartsOf(t.reasoning, spans) };
  const steps = extractStepsHeuristic(lines, opts);
  const { dag, lowConfidence } = buildDagHeuristicWithConfidence(lines, steps, opts);
  const result = curate(steps, dag, { ...RULES, lineCount: lines.length });
  return { lines, steps, dag, result, lowConfidence };
}

/**
 * Predicted saving of a curated trace, prompts left out on both sides: the annotations carry no prompts, so
 * counting the heuristic's (about 20 tokens per executed step) would compare structures on unequal text.
 */
function saving(result: CurationResult, dag: Dag, baseline: number, tokenizer: Tokenizer): number {
  const steps = result.steps.map((s) => ({ ...s, prompt: "", description: "" }));
  const t = buildTrajectory(steps, dag);
  const m = trajectoryMetrics(t, tokenizer);
  return 1 - m.sequentialTokens / baseline;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const words = (s: string): number => s.trim().split(/\s+/).filter((w) => w !== "").length;
const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();

function edgeLine(name: string, e: EdgeCounts): string {
  const { precision, recall, f1 } = prf(e);
  return `${name.padEnd(28)} F1 ${f1.toFixed(3)}  P ${precision.toFixed(3)}  R ${recall.toFixed(3)}  (tp ${e.truePositives}, fp ${e.falsePositives}, fn ${e.falseNegatives}, collapsed ${e.collapsed})`;
}

/** One fixture set of the benchmark. */
export interface FixtureSet {
  key: string;
  label: string;
  dir: string;
}

export const FIXTURE_SETS: readonly FixtureSet[] = [
  { key: "short", label: "short (dev, tuned on)", dir: MATH_FIXTURE_DIR },
  { key: "tune", label: "long tune", dir: path.join(import.meta.dirname, "fixtures", "math-long", "tune") },
  { key: "heldout", label: "long held-out", dir: path.join(import.meta.dirname, "fixtures", "math-long", "heldout") },
];

export interface MathReport {
  traces: number;
  edges: EdgeCounts;
  stageAbs: number;
  stageExact: number;
  compared: number;
  savingHeur: number;
  savingTruth: number;
  savingAbs: number;
  /** Traces where the heuristic promises more than one point of saving above the annotation. */
  overPromised: number;
  prompts: number;
  stubs: number;
  copied: number;
  examples: string[];
  lowConfidence: number;
  /** Keep decisions under the paper preset: [heuristic kept][annotation kept]. */
  keep: { both: number; heurOnly: number; truthOnly: number; neither: number };
  /** Annotated dependencies the heuristic's packing hides (wrong independence), summed over traces. */
  hidden: HiddenDependencyCounts;
  /** The same check on the annotation's own packing: must be 0 (a check of the measure itself). */
  hiddenInTruth: number;
}

export function evaluateMath(fixtures: readonly MathFixture[], tokenizer: Tokenizer, verbose: boolean): MathReport {
  const counts: EdgeCounts[] = [];
  const r: MathReport = {
    traces: fixtures.length,
    edges: sumCounts([]),
    stageAbs: 0,
    stageExact: 0,
    compared: 0,
    savingHeur: 0,
    savingTruth: 0,
    savingAbs: 0,
    overPromised: 0,
    prompts: 0,
    stubs: 0,
    copied: 0,
    examples: [],
    lowConfidence: 0,
    keep: { both: 0, heurOnly: 0, truthOnly: 0, neither: 0 },
    hidden: { pairs: 0, hidden: 0, unplaced: 0 },
    hiddenInTruth: 0,
  };
  for (const f of fixtures) {
    const { lines, steps, dag, result, lowConfidence } = runPipeline(f);
    if (lines.length !== f.lines.length) throw new Error(`${f.name}: line numbering differs from the fixture's`);
    const truthDag = transitiveReduction(f.dag);
    const c = edgeCounts(steps, dag, f.steps, truthDag, lines.length);
    counts.push(c);
    const truth = curate(f.steps, f.dag, { ...RULES, lineCount: lines.length });
    if (result.packing && truth.packing) {
      const d = Math.abs(result.packing.stageCount - truth.packing.stageCount);
      r.stageAbs += d;
      if (d === 0) r.stageExact++;
      r.compared++;
    }
    let hiddenHere = 0;
    if (result.packing) {
      const h = hiddenDependencies(result.steps, result.packing.stageOf, f.steps, f.dag);
      r.hidden.pairs += h.pairs;
      r.hidden.hidden += h.hidden;
      r.hidden.unplaced += h.unplaced;
      hiddenHere = h.hidden;
    }
    if (truth.packing) r.hiddenInTruth += hiddenDependencies(truth.steps, truth.packing.stageOf, f.steps, f.dag).hidden;
    if (result.kept && truth.kept) r.keep.both++;
    else if (result.kept) r.keep.heurOnly++;
    else if (truth.kept) r.keep.truthOnly++;
    else r.keep.neither++;
    const baseline = tokenizer.count(f.reasoning);
    const sh = result.packing ? saving(result, dag, baseline, tokenizer) : 0;
    const st = truth.packing ? saving(truth, f.dag, baseline, tokenizer) : 0;
    r.savingHeur += sh;
    r.savingTruth += st;
    r.savingAbs += Math.abs(sh - st);
    if (sh > st + 0.01) r.overPromised++;
    if (lowConfidence.length > 0) r.lowConfidence++;
    const sentences = new Set(lines.map(norm));
    for (const s of steps) {
      if (s.execution === undefined || s.execution.trim() === "") continue;
      const p = s.prompt ?? s.description ?? "";
      r.prompts++;
      const stub = words(p) <= 2;
      // A copy: the prompt is a trace sentence, verbatim or behind a generic lead ("Work out: …", "Compute …").
      const body = norm(p).replace(/^(?:work out|compute|verify that|verify|check|find|carry out)\s+/, "");
      const copy = sentences.has(norm(p)) || sentences.has(body);
      if (stub) r.stubs++;
      if (copy) r.copied++;
      if ((stub || copy) && r.examples.length < 8) r.examples.push(`${f.name}: "${p}"`);
    }
    if (verbose) {
      const { f1 } = prf(c);
      console.log(
        `  ${f.name.padEnd(32)} ${String(lines.length).padStart(3)} lines  steps ${String(steps.length).padStart(2)}/${String(f.steps.length).padStart(2)}  ` +
          `F1 ${f1.toFixed(2)}  stages ${result.packing?.stageCount ?? "-"}/${truth.packing?.stageCount ?? "-"}  saving ${pct(sh)}/${pct(st)}  ` +
          `kept ${result.kept ? "y" : "n"}/${truth.kept ? "y" : "n"}  hidden deps ${hiddenHere}${lowConfidence.length > 0 ? "  low-confidence" : ""}`,
      );
    }
  }
  r.edges = sumCounts(counts);
  return r;
}

const option = (name: string, fallback: number): number => harnessOption(name, fallback, { allowZero: true });

function stringOption(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** Concatenates consecutive fixtures (cycling) into traces of at least `tokens` tokens. */
function longTexts(fixtures: readonly MathFixture[], count: number, tokens: number, tokenizer: Tokenizer): { texts: Text[]; meanTokens: number; meanLines: number } {
  const texts: Text[] = [];
  let total = 0;
  let lines = 0;
  let k = 0;
  while (texts.length < count) {
    const parts: MathFixture[] = [];
    let t = 0;
    while (t < tokens) {
      const f = fixtures[k++ % fixtures.length] as MathFixture;
      parts.push(f);
      t += tokenizer.count(f.reasoning);
    }
    const reasoning = parts.map((p) => p.reasoning).join("\n\n");
    total += tokenizer.count(reasoning);
    lines += splitSentences(reasoning).length;
    texts.push({ question: parts.map((p) => p.question).join("\n"), reasoning });
  }
  return { texts, meanTokens: total / count, meanLines: lines / count };
}

/** Untimed passes before timing (steady state, as in a long-running worker); the first one is reported as "cold". */
const WARM_UP_PASSES = Math.max(1, Number(process.env.WARM_UP_PASSES ?? 10));

function timePipeline(texts: readonly Text[]): number {
  return timeWithCpu(texts).wallMs;
}

/** Wall-clock and CPU time (this thread's process, user + system) of one pass over the texts. */
function timeWithCpu(texts: readonly Text[]): { wallMs: number; cpuMs: number } {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let sink = 0;
  for (const t of texts) sink += runPipeline(t).steps.length;
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  if (sink < 0) console.log(sink);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Steady-state timing: warm-up passes, then the best of 3 timed passes by CPU time. */
function steadyState(texts: readonly Text[]): { wallMs: number; cpuMs: number } {
  for (let i = 0; i < WARM_UP_PASSES; i++) timePipeline(texts);
  let b = { wallMs: Infinity, cpuMs: Infinity };
  for (let i = 0; i < 3; i++) {
    const r = timeWithCpu(texts);
    if (r.cpuMs < b.cpuMs) b = r;
  }
  return b;
}

/** The texts repeated (cycling) to at least `min` traces, so that a timed pass is long enough to measure. */
function repeated(texts: readonly Text[], min: number): Text[] {
  const out: Text[] = [];
  while (out.length < Math.max(min, texts.length)) out.push(texts[out.length % texts.length] as Text);
  return out;
}

function rate(n: number, r: { wallMs: number; cpuMs: number }): { perCore: number; wall: number; cpuMsPerTrace: number } {
  return { perCore: 1000 / (r.cpuMs / n), wall: n / (r.wallMs / 1000), cpuMsPerTrace: r.cpuMs / n };
}

/** Countdown traces of ≥ `tokens` tokens (consecutive generated problems joined), for a same-size comparison. */
function countdownTexts(count: number, tokens: number, tokenizer: Tokenizer): Text[] {
  const gen = countdownDataset("math-bench-long", Number.MAX_SAFE_INTEGER);
  const out: Text[] = [];
  while (out.length < count) {
    const parts: { question: string; reasoning: string }[] = [];
    let t = 0;
    while (t < tokens) {
      const r = gen.next().value as { question: string; reasoning: string };
      parts.push(r);
      t += tokenizer.count(r.reasoning);
    }
    out.push({ question: parts.map((p) => p.question).join("\n"), reasoning: parts.map((p) => p.reasoning).join("\n\n") });
  }
  return out;
}

async function timeInWorkers(texts: readonly Text[], workers: number): Promise<number> {
  const shares: Text[][] = Array.from({ length: workers }, () => []);
  texts.forEach((t, i) => (shares[i % workers] as Text[]).push(t));
  const self = import.meta.url;
  const spawn = (job: Text[]): Worker => {
    if (!self.endsWith(".ts")) return new Worker(new URL(self), { workerData: job });
    const api = import.meta.resolve("tsx/esm/api");
    const code = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(self)}); })`;
    return new Worker(code, { eval: true, workerData: job });
  };
  const threads = shares.map(spawn);
  const cold = await Promise.all(threads.map((w) => new Promise<{ wallMs: number; cpuMs: number }>((resolve, reject) => {
    w.once("error", reject);
    w.once("message", (m: { wallMs: number; cpuMs: number }) => resolve(m));
  })));
  const coldWall = Math.max(...cold.map((c) => c.wallMs));
  console.log(`  cold first pass in fresh threads: ${(texts.length / (coldWall / 1000)).toFixed(1)} traces/s wall (${(coldWall / (texts.length / workers)).toFixed(1)} ms/trace per thread) — regexes compiled and code unoptimized`);
  const start = performance.now();
  const inside = await Promise.all(threads.map((w) => new Promise<{ wallMs: number; cpuMs: number }>((resolve, reject) => {
    w.once("error", reject);
    w.once("message", (m: { wallMs: number; cpuMs: number }) => resolve(m));
    w.postMessage("go");
  })));
  const ms = performance.now() - start;
  console.log(`  (per worker: ${inside.map((x) => `${x.wallMs.toFixed(0)} ms wall, ${x.cpuMs.toFixed(0)} ms CPU of the process`).join("; ")})`);
  await Promise.all(threads.map((w) => w.terminate()));
  return ms;
}

function workerMain(): void {
  const texts = workerData as Text[];
  // The first pass in a fresh thread is cold: every regex compiled, nothing optimized yet.
  const cold = timeWithCpu(texts);
  for (let i = 1; i < WARM_UP_PASSES; i++) timePipeline(texts);
  parentPort?.postMessage(cold);
  parentPort?.once("message", () => parentPort?.postMessage(timeWithCpu(texts)));
}

interface SetResult {
  set: FixtureSet;
  fixtures: MathFixture[];
  report: MathReport;
  meanTokens: number;
  throughput: { perCore: number; wall: number; cpuMsPerTrace: number };
}

function printSet(x: SetResult, tokenizer: Tokenizer): void {
  const { fixtures, report: m } = x;
  const n = fixtures.length;
  const tok = fixtures.map((f) => tokenizer.count(f.reasoning));
  const meanLines = fixtures.reduce((s, f) => s + f.lines.length, 0) / n;
  const meanSteps = fixtures.reduce((s, f) => s + f.steps.length, 0) / n;
  console.log(`  ${n} traces: mean ${x.meanTokens.toFixed(0)} tokens (${Math.min(...tok)}–${Math.max(...tok)}), ${meanLines.toFixed(1)} lines, ${meanSteps.toFixed(1)} annotated steps`);
  console.log(`  ${edgeLine("edges", m.edges)}`);
  console.log(`  stages (preset "paper" on both): MAE ${(m.stageAbs / Math.max(1, m.compared)).toFixed(2)}, exact ${pct(m.stageExact / Math.max(1, m.compared))} (${m.compared} compared)`);
  console.log(
    `  predicted saving (1 − sequential ÷ original): heuristic ${pct(m.savingHeur / n)}, annotation ${pct(m.savingTruth / n)}, ` +
      `mean abs error ${pct(m.savingAbs / n)}, ratio ${(m.savingTruth > 0 ? m.savingHeur / m.savingTruth : NaN).toFixed(2)}× ` +
      `(over-promised by > 1 point on ${m.overPromised}/${n})`,
  );
  console.log(`  prompts: ${m.prompts}, one/two-word stubs ${m.stubs} (${pct(m.stubs / Math.max(1, m.prompts))}), copied sentences ${m.copied} (${pct(m.copied / Math.max(1, m.prompts))})`);
  for (const e of m.examples) console.log(`    e.g. ${e}`);
  console.log(
    `  hidden dependencies (annotated ancestor → descendant pairs whose result the heuristic's packing runs in parallel or later): ` +
      `${m.hidden.hidden} of ${m.hidden.pairs} (${pct(m.hidden.hidden / Math.max(1, m.hidden.pairs))}); ${m.hidden.unplaced} pairs with a dropped line; in the annotation's own packing: ${m.hiddenInTruth}`,
  );
  console.log(`  low-confidence flags: ${m.lowConfidence}/${n}`);
  const k = m.keep;
  console.log(
    `  keep (paper preset), heuristic × annotation: both kept ${k.both}, heuristic only ${k.heurOnly}, annotation only ${k.truthOnly}, neither ${k.neither} ` +
      `→ agreement ${pct((k.both + k.neither) / n)} (kept ${k.both + k.heurOnly} vs ${k.both + k.truthOnly})`,
  );
  const t = x.throughput;
  console.log(`  throughput on these traces (1 thread, steady state): ${t.perCore.toFixed(0)} traces/s per core (${t.cpuMsPerTrace.toFixed(2)} ms CPU/trace), ${t.wall.toFixed(1)} traces/s wall`);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const tokens = option("tokens", 2400);
  const longN = option("long", 120);
  const workers = option("workers", 2);
  const countdownN = option("countdown", 150);
  const verbose = process.argv.includes("--verbose");
  const wanted = new Set(stringOption("sets", FIXTURE_SETS.map((s) => s.key).join(",")).split(",").map((s) => s.trim()));
  for (const w of wanted) if (!FIXTURE_SETS.some((s) => s.key === w)) throw new Error(`--sets: unknown set "${w}" (known: ${FIXTURE_SETS.map((s) => s.key).join(", ")})`);
  let tokenizer: Tokenizer = approxTokenizer;
  if (stringOption("tokenizer", "qwen") === "qwen") tokenizer = await loadQwenTokenizer();
  console.log(`Offline curation on R1-style math traces — node ${process.version}, ${os.cpus().length} CPUs, rules: preset "paper", tokens: ${tokenizer.name}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);

  const results: SetResult[] = [];
  for (const set of FIXTURE_SETS) {
    if (!wanted.has(set.key)) continue;
    const rel = path.relative(process.cwd(), set.dir) || set.dir;
    console.log(`\n== ${set.label} (${rel})`);
    if (!existsSync(set.dir)) {
      console.log("  skipped: directory not found");
      continue;
    }
    const fixtures = loadMathFixtures(set.dir);
    if (fixtures.length === 0) {
      console.log("  skipped: no .txt fixtures");
      continue;
    }
    const report = evaluateMath(fixtures, tokenizer, verbose);
    const meanTokens = fixtures.reduce((s, f) => s + tokenizer.count(f.reasoning), 0) / fixtures.length;
    const texts = repeated(fixtures, 100);
    const throughput = rate(texts.length, steadyState(texts));
    const r = { set, fixtures, report, meanTokens, throughput };
    printSet(r, tokenizer);
    results.push(r);
  }

  if (results.length > 1) {
    console.log("\nSummary (preset \"paper\")");
    console.log(`  ${"set".padEnd(22)} ${"n".padStart(3)} ${"tokens".padStart(6)}  ${"F1".padStart(5)} ${"P".padStart(5)} ${"R".padStart(5)}  ${"MAE".padStart(4)} ${"exact".padStart(6)}  ${"saving h/a".padStart(13)} ${"ratio".padStart(5)}  ${"keep agr".padStart(8)}  ${"hidden".padStart(6)}  ${"low-c".padStart(5)}  ${"tr/s/core".padStart(9)}`);
    for (const { set, report: m, meanTokens, throughput } of results) {
      const { f1, precision, recall } = prf(m.edges);
      const n = m.traces;
      console.log(
        `  ${set.label.padEnd(22)} ${String(n).padStart(3)} ${meanTokens.toFixed(0).padStart(6)}  ${f1.toFixed(3)} ${precision.toFixed(3)} ${recall.toFixed(3)}  ${(m.stageAbs / Math.max(1, m.compared)).toFixed(2)} ${pct(m.stageExact / Math.max(1, m.compared)).padStart(6)}  ` +
          `${`${pct(m.savingHeur / n)}/${pct(m.savingTruth / n)}`.padStart(13)} ${(m.savingTruth > 0 ? m.savingHeur / m.savingTruth : NaN).toFixed(2).padStart(5)}  ${pct((m.keep.both + m.keep.neither) / n).padStart(8)}  ${pct(m.hidden.hidden / Math.max(1, m.hidden.pairs)).padStart(6)}  ${`${m.lowConfidence}/${n}`.padStart(5)}  ${throughput.perCore.toFixed(0).padStart(9)}`,
      );
    }
  }

  if (countdownN > 0) {
    const cd = countdownDataset("math-bench", countdownN);
    const counts: EdgeCounts[] = [];
    for (const r of cd) {
      const { lines, steps, dag } = runPipeline(r);
      counts.push(edgeCounts(steps, dag, r.steps, transitiveReduction(r.dag), lines.length));
    }
    console.log(`\n${edgeLine(`countdown (${countdownN} generated)`, sumCounts(counts))}`);
  }

  const short = results.find((r) => r.set.key === "short")?.fixtures ?? (existsSync(MATH_FIXTURE_DIR) ? loadMathFixtures() : []);
  const realLong = results.filter((r) => r.set.key !== "short").flatMap((r) => r.fixtures);
  if (longN > 0 && short.length > 0) {
    console.log("\nThroughput: concatenated short fixtures vs Countdown of the same size");
    const long = longTexts(short, longN, tokens, tokenizer);
    console.log(`${long.texts.length} traces of ≥ ${tokens} tokens (concatenated short fixtures): mean ${long.meanTokens.toFixed(0)} tokens, ${long.meanLines.toFixed(0)} lines`);
    const cd = countdownTexts(longN, tokens, tokenizer);
    const m1 = steadyState(long.texts);
    const c1 = steadyState(cd);
    const line = (name: string, n: number, r: { wallMs: number; cpuMs: number }) => {
      const x = rate(n, r);
      return `${name.padEnd(22)} ${x.wall.toFixed(1).padStart(8)} traces/s wall, ${x.cpuMsPerTrace.toFixed(2)} ms CPU/trace → ${x.perCore.toFixed(0)} traces/s per core`;
    };
    console.log(`${line("math, 1 thread", long.texts.length, m1)}  (split + extract + DAG + curate)`);
    console.log(`${line("countdown, 1 thread", cd.length, c1)}  (same token size)`);
    console.log(`math ÷ countdown CPU time per trace: ${(m1.cpuMs / long.texts.length / (c1.cpuMs / cd.length)).toFixed(2)}×`);
    if (workers > 0 && realLong.length === 0) {
      const msW = await timeInWorkers(long.texts, workers);
      console.log(`math (concatenated), ${workers} workers ${(long.texts.length / (msW / 1000)).toFixed(1).padStart(8)} traces/s wall (${os.cpus().length} CPUs, load average ${os.loadavg()[0]?.toFixed(1)})`);
    }
  }
  if (workers > 0 && realLong.length > 0) {
    const texts = repeated(realLong, 120);
    const meanTok = realLong.reduce((s, f) => s + tokenizer.count(f.reasoning), 0) / realLong.length;
    console.log(`\nThroughput: ${realLong.length} real long traces (mean ${meanTok.toFixed(0)} tokens), repeated to ${texts.length}, ${workers} worker threads`);
    const msW = await timeInWorkers(texts, workers);
    console.log(`real long, ${workers} workers ${(texts.length / (msW / 1000)).toFixed(1).padStart(8)} traces/s wall (${os.cpus().length} CPUs, load average ${os.loadavg()[0]?.toFixed(1)})`);
  }
  console.log(`\ntotal time ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

if (!isMainThread) workerMain();
else if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "\0")) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
