import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { countdownDataset, type DatasetOptions } from "../../sprint/countdown/trace";
import { splitSentences } from "../../sprint/sequential";
import { isPlanOnly, isValid, stepLineRanges, validateSteps, type Step } from "../../sprint/steps";
import { textArb } from "../../sprint/testing/arbitraries";
import { classifyLine, extractStepsHeuristic, isResultStatement, paragraphStartsOf, segmentLines } from "./extract";
import { isCommentSentence, isHeadline, isIntentSentence, isVerifySentence } from "./lexicon";
import { promptForVerification, promptFromPlan } from "./prompt";

/** How many ranges of how many steps cover each line 1..n. */
function coverage(steps: readonly Step[], n: number): number[] {
  const count = new Array<number>(n + 1).fill(0);
  for (const s of steps) for (const { range } of stepLineRanges(s)) for (let l = range[0]; l <= range[1]; l++) count[l] = (count[l] ?? 0) + 1;
  return count.slice(1);
}

function linesOf(text: string): { lines: string[]; paragraphStarts: number[] } {
  const spans = splitSentences(text);
  return { lines: spans.map((s) => s.text), paragraphStarts: paragraphStartsOf(text, spans) };
}

const countdownOptions: fc.Arbitrary<DatasetOptions> = fc.record({
  count: fc.integer({ min: 3, max: 5 }),
  useAll: fc.boolean(),
  maxDeadEnds: fc.integer({ min: 1, max: 8 }),
});

describe("extractStepsHeuristic: coverage", () => {
  it("covers every line of generated Countdown traces exactly once, with and without paragraphs", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), countdownOptions, fc.boolean(), (seed, opts, withParagraphs) => {
        const r = countdownDataset(seed, 1, opts).next().value;
        if (!r) return;
        const { lines, paragraphStarts } = linesOf(r.reasoning);
        const steps = extractStepsHeuristic(lines, withParagraphs ? { paragraphStarts } : {});
        expect(coverage(steps, lines.length).every((c) => c === 1)).toBe(true);
        expect(isValid(validateSteps(steps, {}, { lineCount: lines.length }))).toBe(true);
        expect(steps.map((s) => s.id)).toEqual(steps.map((_, i) => i + 1));
      }),
      { numRuns: 60 },
    );
  });

  it("covers every line of arbitrary mathy text exactly once", () => {
    fc.assert(
      fc.property(fc.array(textArb, { minLength: 1, maxLength: 4 }), fc.boolean(), (paragraphs, withParagraphs) => {
        const text = paragraphs.join("\n\n");
        const { lines, paragraphStarts } = linesOf(text);
        const steps = extractStepsHeuristic(lines, withParagraphs ? { paragraphStarts } : {});
        expect(coverage(steps, lines.length).every((c) => c === 1)).toBe(true);
        const issues = validateSteps(steps, {}, { lineCount: lines.length });
        expect(issues.filter((i) => i.severity === "error")).toEqual([]);
        // Every step with an execution has a prompt (no `missing-prompt` warning).
        expect(issues).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("handles no lines and a single line", () => {
    expect(extractStepsHeuristic([])).toEqual([]);
    const one = extractStepsHeuristic(["Let me think."]);
    expect(one).toHaveLength(1);
    expect(one[0]?.planLines).toEqual([1, 1]);
    expect(isPlanOnly(one[0] as Step)).toBe(true);
  });

  it("reproduces the ground-truth components of Countdown traces when paragraphs are known", () => {
    for (const r of countdownDataset("extract", 40)) {
      const { lines, paragraphStarts } = linesOf(r.reasoning);
      const steps = extractStepsHeuristic(lines, { paragraphStarts });
      const shape = (s: Step) => [s.planLines, s.executionLines, s.commentLines];
      expect(steps.map(shape)).toEqual(r.steps.map(shape));
    }
  });
});

describe("extractStepsHeuristic: components", () => {
  it("starts a new component at a verification, even mid-paragraph", () => {
    const lines = [
      "Let me compute the product.",
      "So 12 × 7 = 84.",
      "Then 84 + 6 = 90.",
      "Let me double-check that.",
      "12 × 7 = 84 and 84 + 6 = 90.",
      "Yes, that is right.",
    ];
    const steps = extractStepsHeuristic(lines);
    expect(steps).toHaveLength(2);
    expect(steps[1]?.planLines).toEqual([4, 4]);
    expect(steps[1]?.executionLines).toEqual([5, 5]);
    expect(steps[1]?.commentLines).toEqual([6, 6]);
  });

  it("every verification sentence of a Countdown trace opens a step", () => {
    for (const r of countdownDataset("verify", 30)) {
      const { lines, paragraphStarts } = linesOf(r.reasoning);
      const starts = new Set(extractStepsHeuristic(lines, { paragraphStarts }).map((s) => stepLineRanges(s)[0]?.range[0]));
      lines.forEach((l, i) => {
        if (isVerifySentence(l)) expect(starts.has(i + 1)).toBe(true);
      });
    }
  });

  it("splits at discourse markers only once the current component has work", () => {
    const lines = [
      "Okay, so I need to find the area.", // plan
      "First, let me recall the formula.", // still plan: no work yet
      "The area is 6 × 4 = 24.", // work
      "Alternatively, let me split it into two triangles.", // new component
      "Each triangle has area 12, and 2 × 12 = 24.",
      "Wait, the second triangle is not the same size.", // new component (no work in it, plan-only)
    ];
    const ranges = segmentLines(lines);
    expect(ranges.map((r) => [r.planLines, r.executionLines])).toEqual([
      [[1, 2], [3, 3]],
      [[4, 4], [5, 5]],
      [[6, 6], undefined],
    ]);
  });

  it("opens a component at a paragraph start unless the paragraph continues the work", () => {
    const text = "Let me add them.\nSo 3 + 4 = 7.\n\nThen 7 + 5 = 12.\n\nThe product is different.\nIt is 3 × 4 × 5 = 60.";
    const { lines, paragraphStarts } = linesOf(text);
    expect(paragraphStarts).toEqual([1, 3, 4]);
    const steps = extractStepsHeuristic(lines, { paragraphStarts });
    expect(steps.map((s) => [s.planLines, s.executionLines])).toEqual([
      [[1, 1], [2, 3]],
      [[4, 4], [5, 5]],
    ]);
  });

  it("keeps the text of its ranges and joins paragraphs with a blank line", () => {
    const text = "Let me add them.\nSo 3 + 4 = 7.\n\nThen 7 + 5 = 12.";
    const { lines, paragraphStarts } = linesOf(text);
    const [step] = extractStepsHeuristic(lines, { paragraphStarts });
    expect(step?.plan).toBe("Let me add them.");
    expect(step?.execution).toBe("So 3 + 4 = 7.\n\nThen 7 + 5 = 12.");
    // "Add them." names nothing: the prompt takes its subject from the work instead of being a stub.
    expect(step?.prompt).toBe("Compute 3 + 4, and state the result.");
  });

  it("reads LaTeX math traces", () => {
    const text = String.raw`Okay, so I need the roots of $x^2 - 5x + 6 = 0$.

First, let me factor it. We get $(x-2)(x-3) = 0$. So $x = 2$ or $x = 3$.

Wait, let me verify by substituting $x = 3$. We get $9 - 15 + 6 = 0$. Good.`;
    const { lines, paragraphStarts } = linesOf(text);
    const steps = extractStepsHeuristic(lines, { paragraphStarts });
    expect(steps.map((s) => s.planLines?.[0])).toEqual([1, 2, 5]);
    expect(steps[2]?.prompt).toBe("Verify by substituting $x = 3$, and say whether it holds.");
    expect(steps[2]?.comment).toBe("Good.");
  });
});

describe("lexicon", () => {
  it("recognizes verification phrases", () => {
    for (const s of [
      "Let me verify this.",
      "Let me double-check the whole thing.",
      "Wait, let me check that again.",
      "Before answering, let me verify.",
      "To confirm, plug the values back in.",
      "Let me check this carefully.",
      "Double-checking: 3 + 4 = 7.",
    ]) {
      expect(isVerifySentence(s), s).toBe(true);
    }
    for (const s of ["Let me try 25 + 13.", "Checking every case by hand would take too long.", "So 3 + 4 = 7."]) {
      expect(isVerifySentence(s), s).toBe(false);
    }
  });

  it("recognizes intent and judgements", () => {
    for (const s of ["Alternatively, let me start with 26 - 24.", "What if I begin with 47 × 3 instead?", "Now, the number of divisors.", "Hmm, from 141, 24, and 26 there are other options, like 141 - 24.", "A natural first move is 51 + 17."]) {
      expect(isIntentSentence(s), s).toBe(true);
    }
    for (const s of ["That gives 35 - 21 = 14.", "Next, 83 - 17 = 66.", "Now I have 74 and 26.", "Remaining: 2, 3, and 47."]) {
      expect(isIntentSentence(s), s).toBe(false);
    }
    for (const s of ["That works!", "Dead end.", "Close, 100 is only 3 away from 97, but not there.", "So the answer is \\boxed{7}.", "That's 97, the target!"]) {
      expect(isCommentSentence(s), s).toBe(true);
    }
    for (const s of ["That gives 35 - 21 = 14.", "That leaves 97 and 3.", "The largest number, 99, is already bigger than 16."]) {
      expect(isCommentSentence(s), s).toBe(false);
    }
    expect(classifyLine("So 3 + 4 = 7.")).toMatchObject({ work: true, continuation: true, intent: false });
  });
});

describe("prompts", () => {
  it("turns plan sentences into short imperative instructions", () => {
    expect(promptFromPlan("Let me try subtracting 21 from 35 first.")).toBe("Try subtracting 21 from 35.");
    expect(promptFromPlan("Going back to 71, 3, and 26, what if I try 71 + 3 instead?")).toBe("From 71, 3, and 26, try 71 + 3.");
    expect(promptFromPlan("Back to 124, 20 and 45 from before: maybe subtracting 20 from 124 works better.")).toBe("From 124, 20 and 45, try subtracting 20 from 124.");
    expect(promptFromPlan("Let me go back to having 144, 25 and 20 and combine 144 and 20 differently.")).toBe("From 144, 25 and 20, combine 144 and 20 differently.");
    expect(promptFromPlan("A natural first move is 55 + 37.")).toBe("Try 55 + 37.");
    expect(promptFromPlan("First, let me think about the target itself.")).toBe("Consider the target itself.");
    expect(promptFromPlan("Okay, so I need to find the roots of $x^2 - 1$.")).toBe("Find the roots of $x^2 - 1$.");
    expect(promptFromPlan("80 is 8 times 10, so let me see if I can build a 8.")).toBe("Check whether we can build a 8.");
    expect(promptFromPlan("Now, the number of divisors.")).toBe("Work out the number of divisors.");
    expect(promptFromPlan("The triangle is isosceles.")).toBeUndefined();
  });

  it("caps long prompts", () => {
    const p = promptFromPlan(`Let me try ${"a very long idea ".repeat(30)}now.`) as string;
    expect(p.length).toBeLessThanOrEqual(161);
    expect(p.endsWith("…")).toBe(true);
  });

  it("states what a verification checks", () => {
    expect(promptForVerification("Let me verify this.", ["98 - 21 = 77.", "So 98 - 21 + 47 - 63 = 61.", "It uses every number once."])).toBe("Verify that 98 - 21 + 47 - 63 = 61.");
    expect(promptForVerification("Let me verify this.", ["Everything checks out."])).toBe("Verify the result found above.");
    // A sentence-initial word is lower-cased inside the clause; a capital variable is kept.
    expect(promptForVerification("Let me double-check.", ["Its length is $\\sqrt{9 + 16} = 5$."])).toBe("Verify that its length is $\\sqrt{9 + 16} = 5$.");
    expect(promptForVerification("Let me double-check.", ["A = 12 + 3 = 15."])).toBe("Verify that A = 12 + 3 = 15.");
  });
});

describe("extractStepsHeuristic: paragraphs of long R1-style traces", () => {
  const stepsOf = (text: string) => {
    const { lines, paragraphStarts } = linesOf(text);
    return { lines, steps: extractStepsHeuristic(lines, { paragraphStarts }) };
  };
  const holding = (lines: readonly string[], steps: readonly Step[], prefix: string) => {
    const n = lines.findIndex((l) => l.startsWith(prefix)) + 1;
    return steps.find((s) => stepLineRanges(s).some(({ range }) => range[0] <= n && n <= range[1]));
  };

  it("a short paragraph judging the work is that work's comment, not a new step", () => {
    const text = [
      "Now Stewart's theorem for the cevian.\nThe left side is 25 · 7 + 49 · 5 = 420.\nThe right side is 12 · (d^2 + 35).\nSo d^2 = 35 - 35 = 0, and d = 0.",
      "Same value as before, so the arithmetic is right.",
      "Next, the coordinates.\nPlace A at (0, 0) and B at (5, 0).\nThen C = (-7/2, 7) and D = (7B + 5C)/12.\nSo D = (35/24, 35/12).",
    ].join("\n\n");
    const { lines, steps } = stepsOf(text);
    expect(steps).toHaveLength(2);
    expect(steps[0]?.comment).toBe("Same value as before, so the arithmetic is right.");
    expect(holding(lines, steps, "Next, the coordinates")?.id).toBe(2);
  });

  it("a 'So …' paragraph restating the work's result is its comment; one with a new number stays work", () => {
    const restated = "Let me count the pairs for the prime 2.\nThe exponents run from 0 to 5.\nThe minimum must be even: 0, 2 or 4.\nThat leaves 6 pairs, so the count is 6.\n\nSo $N_2 = 6$.\n\nNext, the prime 3, with exponents from 0 to 3.\nThe minimum must be 0 or 2.\nThat leaves 4 pairs.\nSo the count is 4.";
    const a = stepsOf(restated);
    expect(a.steps).toHaveLength(2);
    // The closing "That leaves 6 pairs, …" reports the result too (see the closing-sentence test below).
    expect(a.steps[0]?.comment).toBe("That leaves 6 pairs, so the count is 6.\n\nSo $N_2 = 6$.");
    const fresh = "Let me count the pairs for the prime 2.\nThe exponents run from 0 to 5.\nThe minimum must be even: 0, 2 or 4.\nThat leaves 6 pairs, so the count is 6.\n\nSo the product is 6 · 4 = 24.\n\nNext, the prime 3, with exponents from 0 to 3.\nThe minimum must be 0 or 2.\nThat leaves 4 pairs.\nSo the count is 4.";
    const b = stepsOf(fresh);
    expect(b.steps[0]?.comment).toBeUndefined();
    expect(b.steps.some((s) => (s.execution ?? "").includes("6 · 4 = 24"))).toBe(true);
  });

  it("the conclusion before the final answer and the final answer itself are plans (they stay in the trajectory)", () => {
    const text = [
      "Let me combine the congruences.\nWrite x = 12 + 125k.\nThen 12 + 125k ≡ 3 (mod 8), so 5k ≡ 7 (mod 8).\nSo k = 3 and x = 387.",
      "So the last three digits are 387.",
      "**Final Answer**\n\\boxed{387}",
    ].join("\n\n");
    const { steps } = stepsOf(text);
    expect(steps).toHaveLength(3);
    expect(steps[1]?.plan).toBe("So the last three digits are 387.");
    expect(steps[1]?.execution).toBeUndefined();
    expect(steps[2]?.planLines).toBeDefined();
    expect(steps[2]?.commentLines).toBeUndefined();
    expect(steps[2]?.plan).toContain("\\boxed{387}");
  });

  it("a plan paragraph followed by a paragraph of math is one step (plan, then its work)", () => {
    const text = [
      "Okay, so I need AD in the triangle with AB = 5, AC = 7 and angle A = 120°.",
      "First, the third side by the law of cosines.\n$BC^2 = 25 + 49 + 35 = 109$.\nSo $BC = \\sqrt{109}$.",
      "Now D, which divides BC in the ratio 5 : 7, so D = (7B + 5C)/12.",
      "x-coordinate: (7 · 5 - 5 · 7/2)/12 = 35/24.\ny-coordinate: (5 · 7/2)/12 = 35/24 · 3.\nSo D = (35/24, 35/8).\nThat is on the bisector.",
    ].join("\n\n");
    const { lines, steps } = stepsOf(text);
    const d = holding(lines, steps, "Now D, which divides");
    expect(d).toBeDefined();
    expect(holding(lines, steps, "x-coordinate:")?.id).toBe(d?.id);
    const n = lines.findIndex((l) => l.startsWith("Now D")) + 1;
    expect(d?.planLines).toEqual([n, n]); // a sub-task announcement with math is still its plan
  });

  it("a short 'Hmm, wait.' turn starts the plan of the step after it", () => {
    const text = [
      "First, the third side by the law of cosines.\n$BC^2 = 25 + 49 - 35 = 39$.\nSo $BC = \\sqrt{39}$, about 6.24.\nThat gives the third side.",
      "Hmm, wait.\nThat doesn't look right.",
      "Angle A is 120°, so BC must be the longest side.\nBut 6.24 < 7.\nThe cosine of 120° is -1/2, not 1/2.\nSo the sign was wrong.",
    ].join("\n\n");
    const { lines, steps } = stepsOf(text);
    const turn = holding(lines, steps, "Hmm, wait.");
    expect(turn?.id).toBe(holding(lines, steps, "Angle A is 120°")?.id);
    expect(turn?.planLines?.[0]).toBe(lines.indexOf("Hmm, wait.") + 1);
    expect(steps[0]?.executionLines?.[1]).toBeLessThan(lines.indexOf("Hmm, wait.") + 1);
  });
});

describe("extractStepsHeuristic: plan lines, headlines and result statements (long R1-style traces)", () => {
  const stepsOf = (text: string) => {
    const { lines, paragraphStarts } = linesOf(text);
    return { lines, steps: extractStepsHeuristic(lines, { paragraphStarts }) };
  };
  const lineOf = (lines: readonly string[], prefix: string) => lines.findIndex((l) => l.startsWith(prefix)) + 1;

  it("a step that opens with work has that first line as its plan and the rest as its execution", () => {
    const text = [
      "Okay, so I need the sum of the floors of the square roots up to 2000.",
      "First, which blocks are complete.\nEach value k is taken 2k + 1 times.\nSo the blocks end at squares.",
      "$44^2 = 1936$.\n$45^2 = 2025$.\nSince $1936 \\le 2000 < 2025$, the floor is 44.\nSo the values run from 1 to 44.",
    ].join("\n\n");
    const { lines, steps } = stepsOf(text);
    const n = lineOf(lines, "$44^2 = 1936$.");
    const s = steps.find((x) => x.planLines?.[0] === n);
    expect(s).toBeDefined();
    expect(s?.planLines).toEqual([n, n]);
    expect(s?.executionLines?.[0]).toBe(n + 1);
  });

  it("a headline opens a step as its plan, and its math is a label, not work", () => {
    expect(isHeadline("Case B: $2$ men and $3$ women.")).toBe(true);
    expect(isHeadline("Check $x = 5$.")).toBe(true);
    expect(isHeadline("Full house.")).toBe(true);
    expect(isHeadline("Rotations by two positions, $m = 2$ and $m = 4$.")).toBe(true);
    expect(isHeadline("Both identities hold.")).toBe(false); // a statement (finite verb)
    expect(isHeadline("So $N_2 = 6$.")).toBe(false); // a continuation
    expect(isHeadline("$x + y = 70 / 5 = 14$.")).toBe(false); // an equation outside inline math
    expect(isHeadline("Is it in the interval?")).toBe(false);
    const text = [
      "Okay, so I need the number of committees.",
      "Case A: $3$ men and $2$ women.\nChoose the men: $\\binom{7}{3} = 35$.\nChoose the women: $\\binom{5}{2} = 10$.\nSo $35 \\cdot 10 = 350$ committees.",
    ].join("\n\n");
    const { lines, steps } = stepsOf(text);
    const n = lineOf(lines, "Case A:");
    const s = steps.find((x) => x.planLines?.[0] === n);
    expect(s?.planLines).toEqual([n, n]);
    expect(s?.executionLines).toEqual([n + 1, n + 3]);
  });

  it("tells a sentence reporting or judging a result from work and from announcements", () => {
    for (const yes of ["That gives 219 solutions.", "Same value.", "Both identities hold.", "Base 9 works with $x = 5$, $y = 2$.", "Exactly one 5: 256 outcomes.", "The correct dot product is $6$.", "So $r = 4$ and $BD = 6$ are confirmed."]) {
      expect(isResultStatement(yes), yes).toBe(true);
    }
    for (const no of [
      "$1228 - 640 = 588$.", // arithmetic
      "Check: $BE + CE = 8 + 6 = 14 = BC$.", // a check with a chain of equalities
      "So there are two cases for which one is the sine.", // announces a case split
      "The largest number, 86, is already bigger than 43.", // a comparison, not a result
      "Now D, which divides BC in the ratio 5 : 7, so D = (7B + 5C)/12.", // a sub-task
      "Let me verify the actual numerals.",
    ]) {
      expect(isResultStatement(no), no).toBe(false);
    }
  });

  it("a closing sentence that reports the result is the step's comment; a closing 'So …' stays work", () => {
    const reported = stepsOf("Okay, so I need the number of solutions with the upper bounds.\n\nFirst, the single-violation terms.\nFor a: $\\binom{14}{3} = 364$.\nFor b: $\\binom{12}{3} = 220$.\nFor c: $\\binom{13}{3} = 286$.\nThat gives 990 in total.");
    const step = reported.steps.find((x) => x.plan.startsWith("First, the single-violation"));
    expect(step?.comment).toBe("That gives 990 in total.");
    expect(step?.execution).not.toContain("That gives 990");
    const concluded = stepsOf("Okay, so I need the number of solutions with the upper bounds.\n\nFirst, the single-violation terms.\nFor a: $\\binom{14}{3} = 364$.\nFor b: $\\binom{12}{3} = 220$.\nFor c: $\\binom{13}{3} = 286$.\nSo the total is 990.");
    const kept = concluded.steps.find((x) => x.plan.startsWith("First, the single-violation"));
    expect(kept?.comment).toBeUndefined();
    expect(kept?.execution).toContain("So the total is 990.");
  });

  it("a one-sentence paragraph reporting the result after work is that work's comment, not a step", () => {
    const text = [
      "Okay, so I need the base $b$ in which both numerals work.",
      "Case $b = 9$.\n$x + y = 70 / 10 = 7$ and $x - y = 24 / 8 = 3$.\nAdding: $2x = 10$, so $x = 5$, and $y = 2$.\nBoth are valid base-9 digits.",
      "Base 9 works with $x = 5$, $y = 2$.",
      "Case $b = 13$.\n$x + y = 70 / 14 = 5$ and $x - y = 24 / 12 = 2$.\nAdding: $2x = 7$, so $x = 3.5$.\nThat is not an integer.",
    ].join("\n\n");
    const { lines, steps } = stepsOf(text);
    const n = lineOf(lines, "Base 9 works");
    const owner = steps.find((x) => x.commentLines !== undefined && x.commentLines[0] <= n && n <= x.commentLines[1]);
    expect(owner?.plan.startsWith("Case $b = 9$.")).toBe(true);
    expect(steps.some((x) => x.planLines?.[0] === n)).toBe(false);
  });
});
