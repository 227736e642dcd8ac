/**
 * Statistics of evaluation reports (the conventions of reasoning-model papers): a Wilson score interval
 * for accuracy, McNemar's exact test for two runs on the same problems, a seeded paired bootstrap
 * interval for a mean difference (e.g. sequential tokens), and per-length-bucket aggregates by the
 * sequential baseline's length (<1k, 1–2k, 2–4k, 4–8k, ≥8k). Pure and deterministic.
 */
import { createRng } from "./countdown/random";
import { LENGTH_BUCKETS, lengthBucket, type LengthBucket } from "./metrics";

/** A two-sided interval. */
export interface Interval {
  lo: number;
  hi: number;
}

/** z of a two-sided 95% normal interval. */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval of a proportion k/n: (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n).
 * n = 0 gives [0, 1].
 */
export function wilsonInterval(k: number, n: number, z = Z95): Interval {
  if (n <= 0) return { lo: 0, hi: 1 };
  if (k < 0 || k > n) throw new RangeError("wilsonInterval: k must lie in [0, n]");
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { lo: Math.max(0, center - half), hi: Math.min(1, center + half) };
}

/** Outcome of McNemar's exact test. */
export interface McNemarResult {
  /** Problems only run A got right. */
  onlyA: number;
  /** Problems only run B got right. */
  onlyB: number;
  /** Two-sided exact p-value: 2·P(X ≤ min(b, c)) for X ~ Binomial(b + c, ½), capped at 1 (1 when b + c = 0). */
  pValue: number;
}

/** log(n choose k) by summing logs (exact enough for n up to millions). */
function logChoose(n: number, k: number): number {
  let s = 0;
  const kk = Math.min(k, n - k);
  for (let i = 1; i <= kk; i++) s += Math.log(n - kk + i) - Math.log(i);
  return s;
}

/** McNemar's exact (binomial) test on the discordant pairs. */
export function mcnemarExact(onlyA: number, onlyB: number): McNemarResult {
  const n = onlyA + onlyB;
  if (n === 0) return { onlyA, onlyB, pValue: 1 };
  const m = Math.min(onlyA, onlyB);
  let tail = 0;
  for (let i = 0; i <= m; i++) tail += Math.exp(logChoose(n, i) - n * Math.LN2);
  return { onlyA, onlyB, pValue: Math.min(1, 2 * tail) };
}

/** Result of {@link pairedBootstrap}. */
export interface BootstrapResult {
  /** Mean of the paired differences (a − b). */
  mean: number;
  /** Percentile interval of the resampled means. */
  lo: number;
  hi: number;
  iterations: number;
  seed: string;
}

/**
 * Paired bootstrap of the mean difference a[i] − b[i]: resample the pairs with replacement `iterations`
 * times (seeded), take the (α/2, 1 − α/2) percentiles of the resampled means. Empty input → NaN bounds.
 */
export function pairedBootstrap(
  a: readonly number[],
  b: readonly number[],
  opts: { iterations?: number; seed?: string | number; level?: number } = {},
): BootstrapResult {
  if (a.length !== b.length) throw new RangeError("pairedBootstrap: the two samples must be paired (same length)");
  const iterations = opts.iterations ?? 2000;
  const seed = String(opts.seed ?? "sprint-bootstrap");
  const level = opts.level ?? 0.95;
  const n = a.length;
  const d = a.map((x, i) => x - (b[i] as number));
  if (n === 0) return { mean: Number.NaN, lo: Number.NaN, hi: Number.NaN, iterations, seed };
  const mean = d.reduce((s, x) => s + x, 0) / n;
  const rng = createRng(`bootstrap/${seed}`);
  const means = new Float64Array(iterations);
  for (let it = 0; it < iterations; it++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += d[Math.floor(rng.next() * n)] as number;
    means[it] = s / n;
  }
  means.sort();
  const q = (p: number): number => {
    // Linear interpolation between order statistics (type 7, as numpy's default).
    const h = (iterations - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(iterations - 1, lo + 1);
    return (means[lo] as number) + (h - lo) * ((means[hi] as number) - (means[lo] as number));
  };
  const alpha = 1 - level;
  return { mean, lo: q(alpha / 2), hi: q(1 - alpha / 2), iterations, seed };
}

/** One problem of an evaluated run, for {@link lengthBucketStats}. */
export interface EvalBucketItem {
  /** Output tokens of the sequential baseline on this problem (decides the bucket). */
  baselineTokens: number;
  baselineCorrect?: boolean;
  sequentialTokens: number;
  totalTokens: number;
  correct: boolean;
}

/** Aggregates of one length bucket. */
export interface EvalBucketRow {
  bucket: LengthBucket;
  count: number;
  accuracy: number | null;
  baselineAccuracy: number | null;
  meanBaselineTokens: number | null;
  meanSequentialTokens: number | null;
  meanTotalTokens: number | null;
  /** 1 − meanSequential ÷ meanBaseline; null when empty. */
  sequentialReduction: number | null;
}

const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);

/** Per-bucket accuracy and token means (all five buckets, empty ones with count 0 and nulls). */
export function lengthBucketStats(items: readonly EvalBucketItem[]): EvalBucketRow[] {
  return LENGTH_BUCKETS.map(({ bucket }) => {
    const xs = items.filter((i) => lengthBucket(i.baselineTokens) === bucket);
    const base = xs.flatMap((i) => (i.baselineCorrect === undefined ? [] : [i.baselineCorrect ? 1 : 0]));
    const mb = mean(xs.map((i) => i.baselineTokens));
    const ms = mean(xs.map((i) => i.sequentialTokens));
    return {
      bucket,
      count: xs.length,
      accuracy: mean(xs.map((i) => (i.correct ? 1 : 0))),
      baselineAccuracy: mean(base),
      meanBaselineTokens: mb,
      meanSequentialTokens: ms,
      meanTotalTokens: mean(xs.map((i) => i.totalTokens)),
      sequentialReduction: mb !== null && ms !== null && mb > 0 ? 1 - ms / mb : null,
    };
  });
}

/** Paired comparison of two runs on the same problems (keys present in both). */
export interface PairedComparison {
  common: number;
  /** A right, B wrong. */
  wins: number;
  /** A wrong, B right. */
  losses: number;
  bothRight: number;
  bothWrong: number;
  mcnemar: McNemarResult;
  /** Sequential tokens A − B (negative: A needs fewer). */
  sequentialTokenDiff: BootstrapResult;
}

/** Compares run A with run B problem by problem (accuracy by McNemar, sequential tokens by paired bootstrap). */
export function comparePaired(
  a: ReadonlyMap<string, { correct: boolean; sequentialTokens: number }>,
  b: ReadonlyMap<string, { correct: boolean; sequentialTokens: number }>,
  opts: { iterations?: number; seed?: string | number } = {},
): PairedComparison {
  const keys = [...a.keys()].filter((k) => b.has(k)).sort();
  let wins = 0;
  let losses = 0;
  let bothRight = 0;
  let bothWrong = 0;
  const ta: number[] = [];
  const tb: number[] = [];
  for (const k of keys) {
    const x = a.get(k)!;
    const y = b.get(k)!;
    if (x.correct && !y.correct) wins++;
    else if (!x.correct && y.correct) losses++;
    else if (x.correct) bothRight++;
    else bothWrong++;
    ta.push(x.sequentialTokens);
    tb.push(y.sequentialTokens);
  }
  return { common: keys.length, wins, losses, bothRight, bothWrong, mcnemar: mcnemarExact(wins, losses), sequentialTokenDiff: pairedBootstrap(ta, tb, opts) };
}
