/**
 * `npm run bench:curation` — accuracy and throughput of the offline (heuristic) curation backend
 * (server/curation/heuristic) on generated Countdown traces with known step DAGs
 * (server/sprint/countdown/trace.ts `countdownDataset`).
 *
 * Pipeline per trace, as the product runs it: `splitSentences` numbers the reasoning's sentences as
 * lines (paragraph starts recovered from the offsets with `paragraphStartsOf`), the backend extracts
 * steps and builds the DAG (the question's numbers are givens), then the core's `curate` folds short
 * executions, validates, packs and filters with its defaults = the preset "paper" (the method's code: fold
 * end − start < 3, ≤ 11 stages, executed steps ÷ stages ≥ 1.5).
 *
 * Accuracy (N traces split over several seeds, default generator options):
 * - edge precision / recall / F1, micro-averaged (counts summed over traces). Predicted steps are
 *   matched to ground-truth steps by maximal line overlap (evaluate.ts `matchSteps`: every line of a
 *   step counts, ties to the earlier true step); a predicted edge p → c counts as the true pair
 *   match(p) → match(c), pairs deduplicated; edges whose ends match the same true step are
 *   "collapsed" and not scored (they are reported). Also with the transitive reduction off, and with
 *   no paragraph information (discourse markers only).
 * - segmentation: true steps reproduced exactly (same first and last line).
 * - stage count: `curate` on both sides (same folding), mean absolute error and % exact;
 *   keep rate (kept by the filters) of both and the % of traces where the keep decision agrees.
 * - robustness: F1 on other generator settings (5 numbers, "at most once", negatives/fractions).
 *
 * Throughput: "long" traces of ≥ T Qwen tokens (default 8,000; Qwen3 tokenizer of tokenizer.ts)
 * built by concatenating consecutive Countdown problems' reasoning with a blank line between (the
 * ground truth concatenates too, ids and lines offset; the questions are joined). Timed: split +
 * extract + DAG + curate, after three untimed warm-up passes over the same traces (steady state, as
 * in a long-running worker), single thread and in W worker threads (default 2) sharing the traces. F1 on the long traces is printed too.
 *
 * Options: --n N (default 300), --seeds a,b,c (default 1,2,3), --long L (default 200 long traces),
 * --tokens T (default 8000), --workers W (default 2; 0 skips the worker run), --tokenizer qwen|approx
 * (what sizes the long traces; default qwen, approx when the Qwen package is unavailable).
 */
import os from "node:os";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { countdownDataset, type CountdownRecord, type DatasetOptions } from "../server/sprint/countdown/trace";
import { splitSentences } from "../server/sprint/sequential";
import { curate, type CurationResult } from "../server/sprint/packing";
import type { Dag, Step } from "../server/sprint/steps";
import { approxTokenizer, loadQwenTokenizer } from "../server/sprint/tokenizer";
import type { Tokenizer } from "../server/sprint/types";
import {
  buildDagHeuristic,
  edgeCounts,
  extractStepsHeuristic,
  paragraphStartsOf,
  prf,
  segmentationCounts,
  sumCounts,
  type EdgeCounts,
  type HeuristicOptions,
} from "../server/curation/heuristic";
import { option as harnessOption } from "./harness";

interface Trace {
  question: string;
  reasoning: string;
  steps: Step[];
  dag: Dag;
}

interface Variant {
  paragraphs: boolean;
  reduce: boolean;
}

/** The product's pipeline for one trace. */
function runPipeline(t: { question: string; reasoning: string }, v: Variant = { paragraphs: true, reduce: true }) {
  const spans = splitSentences(t.reasoning);
  const lines = spans.map((s) => s.text);
  const opts: HeuristicOptions = { question: t.question, transitiveReduction: v.reduce };
  if (v.paragraphs) opts.paragraphStarts = paragraphStartsOf(t.reasoning, spans);
  const steps = extractStepsHeuristic(lines, opts);
  const dag = buildDagHeuristic(lines, steps, opts);
  const result = curate(steps, dag, { lineCount: lines.length });
  return { lines, steps, dag, result };
}

interface Accuracy {
  traces: number;
  edges: EdgeCounts;
  exactSteps: number;
  truthSteps: number;
  predictedSteps: number;
  stageAbsError: number;
  stageExact: number;
  stageCompared: number;
  keptPredicted: number;
  keptTruth: number;
  keepAgree: number;
  invalid: number;
}

function evaluate(traces: readonly Trace[], v: Variant): Accuracy {
  const counts: EdgeCounts[] = [];
  const acc: Accuracy = {
    traces: traces.length,
    edges: sumCounts([]),
    exactSteps: 0,
    truthSteps: 0,
    predictedSteps: 0,
    stageAbsError: 0,
    stageExact: 0,
    stageCompared: 0,
    keptPredicted: 0,
    keptTruth: 0,
    keepAgree: 0,
    invalid: 0,
  };
  for (const t of traces) {
    const { lines, steps, dag, result } = runPipeline(t, v);
    counts.push(edgeCounts(steps, dag, t.steps, t.dag, lines.length));
    const seg = segmentationCounts(steps, t.steps);
    acc.exactSteps += seg.exactSteps;
    acc.truthSteps += seg.truthSteps;
    acc.predictedSteps += seg.predictedSteps;
    const truth: CurationResult = curate(t.steps, t.dag, { lineCount: lines.length });
    if (!result.packing) acc.invalid++;
    if (result.packing && truth.packing) {
      const d = Math.abs(result.packing.stageCount - truth.packing.stageCount);
      acc.stageAbsError += d;
      if (d === 0) acc.stageExact++;
      acc.stageCompared++;
    }
    if (result.kept) acc.keptPredicted++;
    if (truth.kept) acc.keptTruth++;
    if (result.kept === truth.kept) acc.keepAgree++;
  }
  acc.edges = sumCounts(counts);
  return acc;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function edgeLine(name: string, a: Accuracy): string {
  const { precision, recall, f1 } = prf(a.edges);
  const e = a.edges;
  return (
    `${name.padEnd(40)} F1 ${f1.toFixed(3)}  P ${precision.toFixed(3)}  R ${recall.toFixed(3)}  ` +
    `(tp ${e.truePositives}, fp ${e.falsePositives}, fn ${e.falseNegatives}, collapsed ${e.collapsed}, unmatched ${e.unmatched})`
  );
}

function records(seeds: readonly string[], n: number, opts: DatasetOptions = {}): CountdownRecord[] {
  const per = Math.ceil(n / seeds.length);
  const out: CountdownRecord[] = [];
  for (const seed of seeds) for (const r of countdownDataset(seed, per, opts)) out.push(r);
  return out.slice(0, n);
}

/** Concatenates consecutive records into traces of at least `tokens` tokens (see the module comment). */
function longTraces(count: number, tokens: number, tokenizer: Tokenizer): { traces: Trace[]; meanTokens: number } {
  const traces: Trace[] = [];
  let totalTokens = 0;
  const gen = countdownDataset("long", Number.MAX_SAFE_INTEGER);
  while (traces.length < count) {
    const parts: CountdownRecord[] = [];
    let t = 0;
    while (t < tokens) {
      const r = gen.next().value as CountdownRecord;
      parts.push(r);
      t += tokenizer.count(r.reasoning) + 1;
    }
    const steps: Step[] = [];
    const dag: Record<number, number[]> = {};
    let idOffset = 0;
    let lineOffset = 0;
    for (const r of parts) {
      const shift = (x: readonly [number, number] | undefined): [number, number] | undefined => (x ? [x[0] + lineOffset, x[1] + lineOffset] : undefined);
      for (const s of r.steps) {
        const moved: Step = { ...s, id: s.id + idOffset };
        const p = shift(s.planLines);
        const e = shift(s.executionLines);
        const c = shift(s.commentLines);
        if (p) moved.planLines = p;
        if (e) moved.executionLines = e;
        if (c) moved.commentLines = c;
        steps.push(moved);
        dag[s.id + idOffset] = (r.dag[s.id] ?? []).map((q) => q + idOffset);
      }
      idOffset += r.steps.length;
      lineOffset += r.lines.length;
    }
    const reasoning = parts.map((r) => r.reasoning).join("\n\n");
    totalTokens += tokenizer.count(reasoning);
    traces.push({ question: parts.map((r) => r.question).join("\n"), reasoning, steps, dag });
  }
  return { traces, meanTokens: totalTokens / count };
}

const option = (name: string, fallback: number): number => harnessOption(name, fallback, { allowZero: true });

function stringOption(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** Times the pipeline over `texts` (single thread). */
function timePipeline(texts: readonly { question: string; reasoning: string }[]): number {
  const start = performance.now();
  let sink = 0;
  for (const t of texts) sink += runPipeline(t).steps.length;
  const ms = performance.now() - start;
  if (sink < 0) console.log(sink);
  return ms;
}

/** Untimed passes over the traces before timing (steady state, as in a long-running worker). */
const WARM_UP_PASSES = 3;

interface WorkerJob {
  texts: { question: string; reasoning: string }[];
}

/** Runs the pipeline over the texts in `workers` threads; resolves to the wall-clock ms of the timed part. */
async function timeInWorkers(texts: readonly { question: string; reasoning: string }[], workers: number): Promise<number> {
  const shares: WorkerJob[] = Array.from({ length: workers }, () => ({ texts: [] }));
  texts.forEach((t, i) => (shares[i % workers] as WorkerJob).texts.push(t));
  // Under tsx a worker must register the TypeScript loader first; a bundled .mjs runs as is.
  const self = import.meta.url;
  const spawn = (job: WorkerJob): Worker => {
    if (!self.endsWith(".ts")) return new Worker(new URL(self), { workerData: job });
    const api = import.meta.resolve("tsx/esm/api");
    const code = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(self)}); })`;
    return new Worker(code, { eval: true, workerData: job });
  };
  const threads = shares.map(spawn);
  // Each worker warms up, reports "ready", then waits for "go" and reports "done".
  await Promise.all(threads.map((w) => new Promise<void>((resolve, reject) => {
    w.once("error", reject);
    w.once("message", () => resolve());
  })));
  const start = performance.now();
  const inside = await Promise.all(threads.map((w) => new Promise<number>((resolve, reject) => {
    w.once("error", reject);
    w.once("message", (m: number) => resolve(m));
    w.postMessage("go");
  })));
  const ms = performance.now() - start;
  console.log(`  (per-worker busy time ${inside.map((x) => `${(x / 1000).toFixed(2)} s`).join(", ")})`);
  await Promise.all(threads.map((w) => w.terminate()));
  return ms;
}

function workerMain(): void {
  const job = workerData as WorkerJob;
  for (let i = 0; i < WARM_UP_PASSES; i++) timePipeline(job.texts); // untimed: the JIT needs a few passes to settle
  parentPort?.postMessage("ready");
  parentPort?.once("message", () => {
    const ms = timePipeline(job.texts);
    parentPort?.postMessage(ms);
  });
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const n = option("n", 300);
  const seeds = stringOption("seeds", "1,2,3").split(",").map((s) => s.trim()).filter((s) => s !== "");
  const longN = option("long", 200);
  const tokens = option("tokens", 8000);
  const workers = option("workers", 2);
  console.log(`Offline curation benchmark — node ${process.version}, ${os.cpus().length} CPUs`);

  let start = performance.now();
  const data: Trace[] = records(seeds, n);
  console.log(`generated ${data.length} Countdown traces (seeds ${seeds.join(", ")}) in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  const meanLines = data.reduce((s, r) => s + splitSentences(r.reasoning).length, 0) / data.length;
  const meanSteps = data.reduce((s, r) => s + r.steps.length, 0) / data.length;
  const meanEdges = data.reduce((s, r) => s + Object.values(r.dag).reduce((k, p) => k + p.length, 0), 0) / data.length;
  console.log(`mean ${meanLines.toFixed(1)} lines, ${meanSteps.toFixed(1)} true steps, ${meanEdges.toFixed(2)} true edges per trace\n`);

  console.log("Edges (micro-averaged; steps matched by maximal line overlap)");
  const main = evaluate(data, { paragraphs: true, reduce: true });
  console.log(edgeLine("heuristic (paragraphs, reduction)", main));
  console.log(edgeLine("  without transitive reduction", evaluate(data, { paragraphs: true, reduce: false })));
  const noPara = evaluate(data, { paragraphs: false, reduce: true });
  console.log(edgeLine("  without paragraph information", noPara));

  console.log("\nSegmentation");
  for (const [name, a] of [["paragraphs", main], ["no paragraphs", noPara]] as const) {
    console.log(
      `${name.padEnd(16)} exact true steps ${a.exactSteps}/${a.truthSteps} (${pct(a.exactSteps / a.truthSteps)}), ` +
        `predicted steps ${a.predictedSteps} vs true ${a.truthSteps}`,
    );
  }

  console.log("\nStages and filters (core `curate` on both, preset \"paper\": fold end − start < 3, ≤ 11 stages, executed steps ÷ stages ≥ 1.5)");
  for (const [name, a] of [["paragraphs", main], ["no paragraphs", noPara]] as const) {
    console.log(
      `${name.padEnd(16)} stage count MAE ${(a.stageAbsError / Math.max(1, a.stageCompared)).toFixed(3)}, exact ${pct(a.stageExact / Math.max(1, a.stageCompared))}` +
        ` (${a.stageCompared} compared, ${a.invalid} invalid); kept ${pct(a.keptPredicted / a.traces)} vs true ${pct(a.keptTruth / a.traces)},` +
        ` keep decision agrees ${pct(a.keepAgree / a.traces)}`,
    );
  }

  console.log("\nRobustness (other generator settings)");
  const robust: [string, DatasetOptions][] = [
    ["5 numbers", { count: 5 }],
    ["5 numbers, up to 12 dead ends", { count: 5, maxDeadEnds: 12 }],
    ["at most once (useAll false)", { useAll: false }],
    ["negatives and fractions", { allowNegative: true, exactDivision: false }],
  ];
  for (const [name, opts] of robust) {
    console.log(edgeLine(name, evaluate(records(seeds, Math.min(n, 150), opts), { paragraphs: true, reduce: true })));
  }

  console.log("\nThroughput");
  start = performance.now();
  let tokenizer: Tokenizer = approxTokenizer;
  if (stringOption("tokenizer", "qwen") === "qwen") {
    try {
      tokenizer = await loadQwenTokenizer();
    } catch {
      console.log("(Qwen tokenizer unavailable: sizing with the approximate counter)");
    }
  }
  const long = longTraces(longN, tokens, tokenizer);
  const meanLongLines = long.traces.reduce((s, t) => s + splitSentences(t.reasoning).length, 0) / long.traces.length;
  console.log(
    `${long.traces.length} long traces: mean ${long.meanTokens.toFixed(0)} tokens (${tokenizer.name}), ${meanLongLines.toFixed(0)} lines` +
      ` — built in ${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
  console.log(edgeLine("long traces", evaluate(long.traces, { paragraphs: true, reduce: true })));
  const texts = long.traces.map((t) => ({ question: t.question, reasoning: t.reasoning }));
  for (let i = 0; i < WARM_UP_PASSES; i++) timePipeline(texts); // untimed warm-up
  const ms1 = timePipeline(texts);
  console.log(`1 thread      ${(texts.length / (ms1 / 1000)).toFixed(1).padStart(8)} traces/s  (${(ms1 / texts.length).toFixed(2)} ms/trace: split + extract + DAG + curate)`);
  if (workers > 0) {
    const msW = await timeInWorkers(texts, workers);
    console.log(`${workers} workers     ${(texts.length / (msW / 1000)).toFixed(1).padStart(8)} traces/s  (wall clock, ${os.cpus().length} CPUs)`);
  }
  console.log(`\ntotal time ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

if (isMainThread) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
} else {
  workerMain();
}
