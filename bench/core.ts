/**
 * `npm run bench:core` — throughput of the SPRINT core on generated trajectories.
 *
 * Generates N canonical trajectories of about 8k tokens each (`generateTrajectory` from
 * server/sprint/testing/arbitraries.ts, serialized with `serializeTrajectory`), then times:
 *   1. parse only (`parseTrajectory`, tolerant mode);
 *   2. parse + metrics with the approximate tokenizer;
 *   3. parse + metrics with the real Qwen tokenizer (vocabulary load timed separately).
 * Prints trajectories/s and MB/s (1 MB = 10^6 bytes of UTF-8 input) for each, and the total time.
 *
 * Options: --n N (default 1000), --chars C (serialized characters per trajectory, default 26,000
 * ≈ 8k Qwen tokens), --qwen-n N (how many of them the Qwen pass uses, default all).
 */
import os from "node:os";
import { parseTrajectory, serializeTrajectory } from "../server/sprint/format";
import { trajectoryMetrics } from "../server/sprint/metrics";
import { generateTrajectory } from "../server/sprint/testing/arbitraries";
import { approxTokenizer, loadQwenTokenizer } from "../server/sprint/tokenizer";
import type { Tokenizer } from "../server/sprint/types";
import { option } from "./harness";


interface PassResult {
  name: string;
  count: number;
  bytes: number;
  ms: number;
  meanSequential?: number;
  meanTotal?: number;
  failures: number;
}

function bytesOf(texts: readonly string[]): number {
  return texts.reduce((n, t) => n + Buffer.byteLength(t, "utf8"), 0);
}

function runPass(name: string, texts: readonly string[], tokenizer?: Tokenizer): PassResult {
  let seq = 0;
  let total = 0;
  let failures = 0;
  const start = performance.now();
  for (const text of texts) {
    const parsed = parseTrajectory(text);
    if (!parsed.ok) failures++;
    if (tokenizer) {
      const m = trajectoryMetrics(parsed.trajectory, tokenizer);
      seq += m.sequentialTokens;
      total += m.totalTokens;
    }
  }
  const ms = performance.now() - start;
  return {
    name,
    count: texts.length,
    bytes: bytesOf(texts),
    ms,
    failures,
    ...(tokenizer ? { meanSequential: seq / texts.length, meanTotal: total / texts.length } : {}),
  };
}

function report(r: PassResult): void {
  const s = r.ms / 1000;
  const tokens = r.meanTotal === undefined ? "" : `  mean seq/total tokens ${r.meanSequential?.toFixed(0)}/${r.meanTotal.toFixed(0)}`;
  console.log(
    `${r.name.padEnd(28)} ${String(r.count).padStart(5)} traj  ${s.toFixed(2).padStart(7)} s  ` +
      `${(r.count / s).toFixed(1).padStart(8)} traj/s  ${(r.bytes / 1e6 / s).toFixed(2).padStart(7)} MB/s${tokens}` +
      (r.failures ? `  (${r.failures} parse failures!)` : ""),
  );
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const n = option("n", 1000);
  const chars = option("chars", 26_000);
  const qwenN = Math.min(n, option("qwen-n", n));
  console.log(`SPRINT core benchmark — node ${process.version}, ${os.cpus().length} CPUs, ${n} trajectories of ~${chars} chars`);

  let start = performance.now();
  const texts = Array.from({ length: n }, (_, i) => serializeTrajectory(generateTrajectory(i + 1, chars)));
  const mb = bytesOf(texts) / 1e6;
  console.log(`generated ${n} trajectories, ${mb.toFixed(1)} MB, in ${((performance.now() - start) / 1000).toFixed(2)} s`);

  // Warm up the JIT on a few documents, untimed.
  runPass("warm-up", texts.slice(0, 20), approxTokenizer);

  start = performance.now();
  const qwen = await loadQwenTokenizer();
  const loadS = (performance.now() - start) / 1000;
  // Tokenizer warm-up (first calls build caches).
  runPass("warm-up", texts.slice(0, 3), qwen);

  console.log("");
  report(runPass("parse", texts));
  report(runPass("parse + metrics (approx)", texts, approxTokenizer));
  report(runPass(`parse + metrics (${qwen.name})`, texts.slice(0, qwenN), qwen));
  console.log(`(Qwen vocabulary load: ${loadS.toFixed(2)} s, not included above)`);
  console.log(`\ntotal time ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
