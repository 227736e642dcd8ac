import { describe, expect, it } from "vitest";
import { comparePaired, lengthBucketStats, mcnemarExact, pairedBootstrap, wilsonInterval } from "./stats";

describe("Wilson interval (values computed by hand with z = 1.96)", () => {
  it("8 of 10: center 0.99208/1.38416, half-width 1.96·√0.025604/1.38416", () => {
    const { lo, hi } = wilsonInterval(8, 10, 1.96);
    expect(lo).toBeCloseTo(0.490157, 5);
    expect(hi).toBeCloseTo(0.943319, 5);
  });
  it("0 of 10 and 10 of 10 stay inside [0, 1] and mirror each other", () => {
    const zero = wilsonInterval(0, 10, 1.96);
    expect(zero.lo).toBe(0);
    expect(zero.hi).toBeCloseTo(0.277540, 5);
    const all = wilsonInterval(10, 10, 1.96);
    expect(all.hi).toBe(1);
    expect(all.lo).toBeCloseTo(1 - 0.277540, 5);
  });
  it("450 of 500 (MATH-500 sized): center 0.9038416/1.0076832, half 1.96·√0.0001838416/1.0076832", () => {
    const { lo, hi } = wilsonInterval(450, 500, 1.96);
    expect(lo).toBeCloseTo(0.870577, 5);
    expect(hi).toBeCloseTo(0.923323, 5);
  });
  it("n = 0 is the whole range; k outside [0, n] is an error", () => {
    expect(wilsonInterval(0, 0)).toEqual({ lo: 0, hi: 1 });
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
  });
});

describe("McNemar exact test", () => {
  it("b = 1, c = 6: 2·(1 + 7)/2^7 = 0.125", () => {
    expect(mcnemarExact(1, 6).pValue).toBeCloseTo(0.125, 12);
    expect(mcnemarExact(6, 1).pValue).toBeCloseTo(0.125, 12);
  });
  it("b = 0, c = 5: 2/2^5 = 0.0625", () => {
    expect(mcnemarExact(0, 5).pValue).toBeCloseTo(0.0625, 12);
  });
  it("b = 2, c = 10: 2·(1 + 12 + 66)/4096 = 0.0385742…", () => {
    expect(mcnemarExact(2, 10).pValue).toBeCloseTo(158 / 4096, 12);
  });
  it("balanced or empty discordance gives p = 1", () => {
    expect(mcnemarExact(3, 3).pValue).toBe(1);
    expect(mcnemarExact(0, 0).pValue).toBe(1);
  });
});

describe("paired bootstrap", () => {
  it("constant differences give a degenerate interval at that value", () => {
    const r = pairedBootstrap([10, 20, 30], [5, 15, 25], { iterations: 500, seed: 1 });
    expect(r).toMatchObject({ mean: 5, lo: 5, hi: 5 });
  });
  it("two pairs with differences 1 and 2: resampled means are 1, 1.5 or 2, so the 95% interval is [1, 2]", () => {
    const r = pairedBootstrap([1, 2], [0, 0], { iterations: 4000, seed: "x" });
    expect(r.mean).toBe(1.5);
    expect(r.lo).toBe(1);
    expect(r.hi).toBe(2);
  });
  it("is deterministic per seed, and the interval brackets the mean", () => {
    const a = Array.from({ length: 50 }, (_, i) => 1000 + ((i * 37) % 200));
    const b = Array.from({ length: 50 }, (_, i) => 1200 + ((i * 53) % 300));
    const r1 = pairedBootstrap(a, b, { seed: 7 });
    const r2 = pairedBootstrap(a, b, { seed: 7 });
    expect(r1).toEqual(r2);
    expect(r1.lo).toBeLessThan(r1.mean);
    expect(r1.hi).toBeGreaterThan(r1.mean);
    expect(pairedBootstrap(a, b, { seed: 8 }).lo).not.toBe(r1.lo);
  });
  it("refuses unpaired samples", () => {
    expect(() => pairedBootstrap([1], [1, 2])).toThrow(RangeError);
  });
});

describe("length buckets", () => {
  it("bins by baseline tokens with the paper's edges and aggregates each bucket", () => {
    const rows = lengthBucketStats([
      { baselineTokens: 999, baselineCorrect: true, sequentialTokens: 500, totalTokens: 900, correct: true },
      { baselineTokens: 1000, baselineCorrect: false, sequentialTokens: 800, totalTokens: 1200, correct: true },
      { baselineTokens: 1999, baselineCorrect: true, sequentialTokens: 1200, totalTokens: 2000, correct: false },
      { baselineTokens: 8000, sequentialTokens: 4000, totalTokens: 9000, correct: true },
      { baselineTokens: 12000, sequentialTokens: 6000, totalTokens: 15000, correct: false },
    ]);
    expect(rows.map((r) => [r.bucket, r.count])).toEqual([["<1k", 1], ["1-2k", 2], ["2-4k", 0], ["4-8k", 0], [">=8k", 2]]);
    const mid = rows[1]!;
    expect(mid.accuracy).toBe(0.5);
    expect(mid.baselineAccuracy).toBe(0.5);
    expect(mid.meanBaselineTokens).toBe(1499.5);
    expect(mid.meanSequentialTokens).toBe(1000);
    expect(mid.sequentialReduction).toBeCloseTo(1 - 1000 / 1499.5, 12);
    expect(rows[2]).toMatchObject({ count: 0, accuracy: null, sequentialReduction: null });
    const long = rows[4]!;
    expect(long.meanBaselineTokens).toBe(10000);
    expect(long.sequentialReduction).toBe(0.5);
    expect(long.baselineAccuracy).toBeNull();
  });
});

describe("paired comparison", () => {
  it("counts wins and losses on the common problems only", () => {
    const a = new Map([
      ["p1", { correct: true, sequentialTokens: 100 }],
      ["p2", { correct: true, sequentialTokens: 200 }],
      ["p3", { correct: false, sequentialTokens: 300 }],
      ["p4", { correct: false, sequentialTokens: 50 }],
      ["only-a", { correct: true, sequentialTokens: 1 }],
    ]);
    const b = new Map([
      ["p1", { correct: true, sequentialTokens: 150 }],
      ["p2", { correct: false, sequentialTokens: 260 }],
      ["p3", { correct: true, sequentialTokens: 320 }],
      ["p4", { correct: false, sequentialTokens: 90 }],
    ]);
    const c = comparePaired(a, b, { seed: 1 });
    expect(c).toMatchObject({ common: 4, wins: 1, losses: 1, bothRight: 1, bothWrong: 1 });
    expect(c.mcnemar.pValue).toBe(1);
    expect(c.sequentialTokenDiff.mean).toBe((-50 - 60 - 20 - 40) / 4);
  });
});
