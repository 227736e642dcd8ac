import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { countdownDataset, type CountdownRecord } from "../../sprint/countdown/trace";
import { splitSentences } from "../../sprint/sequential";
import { curate } from "../../sprint/packing";
import { dagEdges, validateSteps, type Step } from "../../sprint/steps";
import { textArb } from "../../sprint/testing/arbitraries";
import { buildDagHeuristic } from "./dag";
import { edgeCounts, prf, sumCounts, type EdgeCounts } from "./evaluate";
import { extractStepsHeuristic, paragraphStartsOf, type HeuristicOptions } from "./extract";

function prepare(text: string, question?: string): { lines: string[]; opts: HeuristicOptions } {
  const spans = splitSentences(text);
  const opts: HeuristicOptions = { paragraphStarts: paragraphStartsOf(text, spans) };
  if (question !== undefined) opts.question = question;
  return { lines: spans.map((s) => s.text), opts };
}

function run(text: string, question?: string, extra: HeuristicOptions = {}) {
  const { lines, opts } = prepare(text, question);
  const all = { ...opts, ...extra };
  const steps = extractStepsHeuristic(lines, all);
  return { lines, steps, dag: buildDagHeuristic(lines, steps, all) };
}

/** The step whose plan starts with `prefix`. */
function stepStarting(steps: readonly Step[], prefix: string): Step {
  const s = steps.find((x) => x.plan.startsWith(prefix));
  if (!s) throw new Error(`no step starts with ${prefix}`);
  return s;
}

describe("buildDagHeuristic: structure", () => {
  it("names only earlier parents and passes validateSteps, on Countdown traces", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 3, max: 5 }), (seed, count) => {
        const r = countdownDataset(seed, 1, { count }).next().value as CountdownRecord;
        const { lines, steps, dag } = run(r.reasoning, r.question);
        for (const { parent, child } of dagEdges(dag)) expect(parent).toBeLessThan(child);
        expect(Object.keys(dag).map(Number)).toEqual(steps.map((s) => s.id));
        expect(validateSteps(steps, dag, { lineCount: lines.length })).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it("names only earlier parents and passes validateSteps, on arbitrary mathy text", () => {
    fc.assert(
      fc.property(fc.array(textArb, { minLength: 1, maxLength: 5 }), fc.boolean(), (paragraphs, reduce) => {
        const { lines, steps, dag } = run(paragraphs.join("\n\n"), undefined, { transitiveReduction: reduce, restatedEquations: !reduce });
        for (const { parent, child } of dagEdges(dag)) expect(parent).toBeLessThan(child);
        expect(validateSteps(steps, dag, { lineCount: lines.length })).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("works on steps without line ranges (e.g. an LLM's), from their texts", () => {
    const steps: Step[] = [
      { id: 1, plan: "Let me compute the total.", prompt: "Compute it.", execution: "12 + 30 = 42. So the total is 42." },
      { id: 2, plan: "Now halve the total.", prompt: "Halve it.", execution: "42 / 2 = 21." },
      { id: 3, plan: "Separately, square 5.", prompt: "Square 5.", execution: "5 × 5 = 25." },
    ];
    expect(buildDagHeuristic([], steps)).toEqual({ 1: [], 2: [1], 3: [] });
  });
});

describe("buildDagHeuristic: dependencies", () => {
  it("links a step to the step whose result it uses", () => {
    const text = [
      "Let me start with 25 + 13.\n25 + 13 = 38.\nThat leaves 38, 2 and 7.",
      "Alternatively, let me try 7 × 2.\n7 × 2 = 14.\nThat leaves 14, 25 and 13.",
      "Going back to 38, 2 and 7, what if I try 38 × 2?\n38 × 2 = 76.\nThen 76 + 7 = 83.",
    ].join("\n\n");
    const { steps, dag } = run(text, "Use 25, 13, 2 and 7 to make 83.");
    expect(steps).toHaveLength(3);
    expect(dag).toEqual({ 1: [], 2: [], 3: [1] });
  });

  it("makes a verification depend on what it verifies (the last step of the path, after the reduction)", () => {
    const text = [
      "Let me start with 25 + 13.\n25 + 13 = 38.\nRemaining: 38, 2 and 7.",
      "Going back to 38, 2 and 7, what if I try 38 × 2?\n38 × 2 = 76.\nThen 76 + 7 = 83.\nThat works!",
      "Let me verify this.\n25 + 13 = 38.\n38 × 2 = 76.\n76 + 7 = 83.",
    ].join("\n\n");
    const q = "Use 25, 13, 2 and 7 to make 83.";
    expect(run(text, q).dag).toEqual({ 1: [], 2: [1], 3: [2] });
    // Without the reduction the verification also names step 1, whose equation it re-derives too.
    expect(run(text, q, { transitiveReduction: false }).dag).toEqual({ 1: [], 2: [1], 3: [1, 2] });
  });

  it("treats the question's numbers as givens, never as results", () => {
    const text = "Let me add 25 and 13.\n25 + 13 = 38.\nSo far so good.\n\nAlternatively, let me use 25 and 2.\n25 × 2 = 50.\nThat is too big.";
    expect(run(text, "Use 25, 13, 2 and 7 to make 83.").dag).toEqual({ 1: [], 2: [] });
  });

  it("follows a restated decomposition and a factor pair from the analysis", () => {
    const text = [
      "Okay, so I need to make 80 using 47, 39, 10 and 3.\nLet me look at 80 first.\n80 = 2 × 40 = 8 × 10.\nThe sum is 47 + 39 + 10 + 3 = 99.",
      "Since 80 = 10 × 8, maybe I can make 8 first.\n47 - 39 = 8.\nThen 8 × 10 = 80.\nThat leaves 80 and 3.",
    ].join("\n\n");
    expect(run(text, "Use 47, 39, 10 and 3 to make 80.").dag).toEqual({ 1: [], 2: [1] });
  });

  it("gives a sensible DAG for a MATH-style LaTeX trace", () => {
    const question = "Let $r$ and $s$ be the roots of $x^2 - 5x + 6 = 0$. A rectangle has side lengths $r$ and $s$. Find its area.";
    const text = String.raw`Okay, so I need to find the roots of $x^2 - 5x + 6 = 0$ and then use them as the sides of a rectangle.

First, let me factor the quadratic. We need two numbers that multiply to $6$ and add to $5$. Those are $2$ and $3$, so $x^2 - 5x + 6 = (x - 2)(x - 3)$. So the roots are $x = 2$ and $x = 3$.

Now, let's compute the discriminant to be sure there are two real roots. The discriminant is $b^2 - 4ac = 25 - 24 = 1$. Since it is positive, there are two distinct real roots.

Next, let's find the area of the rectangle. With sides $2$ and $3$, the area is $2 \times 3 = 6$. That is the product of the sides.

Let me also get the perimeter, in case it is needed. The perimeter is $2(2 + 3) = 10$. So the perimeter is 10.

Wait, let me double-check the area. By Vieta, the product of the roots is $c/a = 6$. And indeed $2 \cdot 3 = 6$, which matches.

So the area is $\boxed{6}$.`;
    const { lines, steps, dag } = run(text, question);
    const setup = stepStarting(steps, "Okay, so I need").id;
    const factor = stepStarting(steps, "First, let me factor").id;
    const disc = stepStarting(steps, "Now, let's compute the discriminant").id;
    const area = stepStarting(steps, "Next, let's find the area").id;
    const perimeter = stepStarting(steps, "Let me also get the perimeter").id;
    const check = stepStarting(steps, "Wait, let me double-check").id;
    // The closing "So the area is …" paragraph is a plan-only conclusion of its own (it stays in the
    // trajectory; a comment would leave it).
    expect(steps).toHaveLength(7);
    const conclusion = stepStarting(steps, "So the area is");
    expect(conclusion.execution).toBeUndefined();
    expect(dag[conclusion.id]).toContain(stepStarting(steps, "Wait, let me double-check").id);
    expect(dag[setup]).toEqual([]);
    expect(dag[factor]).toEqual([setup]); // "First, …": a fresh line of work, from the problem's setup
    // Uses only the coefficients, but nothing says so ("Now, …" continues): when in doubt, depend.
    expect(dag[disc]).toEqual([factor]);
    expect(dag[area]).toEqual([factor]); // uses the roots 2 and 3
    expect(dag[perimeter]).toEqual([factor]);
    expect(dag[check]).toEqual([area]); // re-derives 2 · 3 = 6
    expect(conclusion.plan).toBe("So the area is $\\boxed{6}$.");
    // Unfolded (its executions are 2 lines), area, perimeter and the discriminant run side by side.
    const result = curate(steps, dag, { lineCount: lines.length, foldMinLines: false });
    expect(result.packing?.stageOf[area]).toBe(result.packing?.stageOf[perimeter]);
    expect(result.packing?.stageOf[disc]).toBe(result.packing?.stageOf[area]);
    expect(result.packing?.stageOf[check]).toBe((result.packing?.stageOf[area] ?? 0) + 1);
  });

  it("links assigned variables and named quantities to the step that gave them a value", () => {
    const text = [
      "Let me solve for $k$ first.\nFrom $3k + 1 = 22$ we get $3k = 21$.\nSo $k = 7$.",
      "Let me find the radius separately.\nThe circumference is $10\\pi$, so $2\\pi r = 10\\pi$.\nSo the radius is 5.",
      "Now let me combine them.\nThe answer needs $k$ times the radius.\nThat is $7 \\cdot 5 = 35$.",
    ].join("\n\n");
    const { dag } = run(text, "Given $3k + 1 = 22$ and a circle of circumference $10\\pi$, find $k$ times the radius.");
    expect(dag).toEqual({ 1: [], 2: [], 3: [1, 2] });
  });
});

describe("buildDagHeuristic: a setup that only restates the question", () => {
  const question = "Using the numbers [97, 47, 40, 75], write an arithmetic expression that equals 65. Each number must be used exactly once.";
  const trial = "Let me try subtracting 40 from 97 first.\n97 - 40 = 57.\nThen 57 + 47 = 104.\nThat leaves 104 and 75, and 104 - 75 = 29.";

  it("a trial from scratch is a root: the restatement adds nothing an executor lacks", () => {
    const text = ["Okay, so I need to make 65 using the numbers 97, 47, 40, and 75. Each number has to be used exactly once.", trial].join("\n\n");
    const { steps, dag } = run(text, question);
    expect(steps).toHaveLength(2);
    expect(steps[0]?.execution).toBeUndefined();
    expect(dag).toEqual({ 1: [], 2: [] });
  });

  it("keeps the edge when the setup brings something of its own (a strategy, a formula, a number)", () => {
    const text = ["Okay, so I need to make 65 from 97, 47, 40 and 75. Subtracting the big ones first usually keeps the totals small, a good heuristic.", trial].join("\n\n");
    expect(run(text, question).dag).toEqual({ 1: [], 2: [1] });
  });

  it("keeps the edge for a sub-task the setup announced ('First, …'), even after a pure restatement", () => {
    const q = "A triangle has sides 13, 14 and 15. Find its area.";
    const text = ["Alright, a triangle with sides 13, 14, 15, and I need its area.", "First, the semi-perimeter.\nIt is (13 + 14 + 15)/2 = 21.\nSo s = 21, which is half of 42."].join("\n\n");
    expect(run(text, q).dag).toEqual({ 1: [], 2: [1] });
  });

  it("keeps the edge when the trial uses a word of the setup that the question lacks", () => {
    const text = ["Okay, so I need to make 65 from 97, 47, 40 and 75, each number exactly once, maybe via a difference.", "Let me try a difference first: 97 - 40 = 57.\nThen 57 + 47 = 104.\nThat leaves 104 and 75, and 104 - 75 = 29."].join("\n\n");
    expect(run(text, question).dag).toEqual({ 1: [], 2: [1] });
  });

  it("packs the same stages with or without the setup edge (a plan-only parent costs no stage)", () => {
    for (const r of countdownDataset("setup-stages", 30)) {
      const { lines, steps, dag } = run(r.reasoning, r.question);
      const withSetup: Record<number, number[]> = { ...dag };
      const first = steps[0];
      if (!first || first.execution !== undefined) continue;
      for (const s of steps.slice(1)) if ((dag[s.id] ?? []).length === 0) withSetup[s.id] = [first.id];
      const a = curate(steps, dag, { lineCount: lines.length });
      const b = curate(steps, withSetup, { lineCount: lines.length });
      expect(a.packing?.stageCount).toBe(b.packing?.stageCount);
      expect(a.kept).toBe(b.kept);
    }
  });
});

describe("buildDagHeuristic: accuracy regression guard", () => {
  it("keeps edge F1 ≥ 0.98 on 50 fixed Countdown traces (deterministic), setup edges included", () => {
    // The generator's DAGs never link the plan-only restatement of the task (step 1) to the first attempts,
    // and neither does the heuristic once it sees that step 1 only restates the question.
    const counts: EdgeCounts[] = [];
    for (const r of countdownDataset("f1-guard", 50)) {
      const { lines, steps, dag } = run(r.reasoning, r.question);
      counts.push(edgeCounts(steps, dag, r.steps, r.dag, lines.length));
    }
    const total = sumCounts(counts);
    const { f1, precision, recall } = prf(total);
    expect(total.truePositives + total.falseNegatives).toBeGreaterThan(50);
    expect(f1).toBeGreaterThanOrEqual(0.98);
    expect(precision).toBeGreaterThanOrEqual(0.97);
    expect(recall).toBeGreaterThanOrEqual(0.97);
  });
});

describe("buildDagHeuristic: the main line of a long math trace (when in doubt, depend)", () => {
  const at = (steps: readonly Step[], prefix: string) => stepStarting(steps, prefix).id;

  it("a step that also uses an older result still follows the step just before it", () => {
    const q = "Find the area of the triangle with sides 13, 14 and 15, and its altitude to the side 14.";
    const text = [
      "Okay, so I need the area and then the altitude to the side of length 14.",
      "First, the semi-perimeter.\nIt is s = (13 + 14 + 15)/2 = 21.\nSo s - a = 8, s - b = 7, s - c = 6.\nThose are the three factors.",
      "Heron's formula gives the area.\nThe product is 21 · 8 · 7 · 6 = 7056.\nIts square root is 84.\nSo the area is 84.",
      "The altitude comes from the area and the base.\nWith base 14 and s = 21 from before, 84 = (1/2) · 14 · h.\nSo 7h = 84.\nThus h = 12.",
    ].join("\n\n");
    const { steps, dag } = run(text, q);
    expect(dag[at(steps, "The altitude")]).toContain(at(steps, "Heron's formula")); // not only the step that gave s = 21
  });

  it("the next of a series of sub-tasks ('First …', 'Next …') builds on what the first one built on", () => {
    const q = "Count the pairs (a, b) with lcm 72 and a square gcd.";
    const text = [
      "Okay, so I need ordered pairs with lcm 72 and a square gcd.\nSince 72 = 2^3 · 3^2, the count is a product over the two primes.",
      "First, the prime 2, with maximum exponent 3.\nThe pairs of exponents with maximum 3 are 7.\nThe minimum must be even: 0 or 2.\nThat leaves 4 of them.",
      "Next, the prime 3, with maximum exponent 2.\nThe pairs with maximum 2 are 5.\nThe minimum must be even: 0 or 2.\nThat leaves 3 of them.",
    ].join("\n\n");
    const { steps, dag } = run(text, q);
    expect(dag[at(steps, "Next, the prime 3")]).toEqual(dag[at(steps, "First, the prime 2")]);
  });

  it("an independent route to a value re-derives it from the inputs, not after the step it checks", () => {
    const q = "In triangle ABC, AB = 5, AC = 7 and angle A = 120 degrees. Find the bisector length AD.";
    const text = [
      "Okay, so I need the bisector from A, with AB = 5, AC = 7 and angle A = 120°.",
      "First, Stewart's theorem.\nThe third side squared is 25 + 49 + 35 = 109.\nThe bisector splits it in the ratio 5 : 7.\nStewart then gives AD^2 = 1225/144, so AD = 35/12.",
      "Actually, there's an even quicker way that avoids BC entirely: split the area along AD.\nThe two halves have areas (1/2) · 5 · AD · sin 60° and (1/2) · 7 · AD · sin 60°.\nThe whole has area (1/2) · 5 · 7 · sin 120°.\nSo 12 AD = 35 and AD = 35/12.",
    ].join("\n\n");
    const { steps, dag } = run(text, q);
    expect(dag[at(steps, "Actually, there's an even quicker way")]).not.toContain(at(steps, "First, Stewart"));
  });

  it("'Case 2' after a step that worked 'Case 1' inside it is that step's sibling", () => {
    const q = "A die is rolled four times and the maximum is 5. Find the number of outcomes with at least two 5s.";
    const text = [
      "Okay, so every roll is at most 5 and at least one roll is a 5.\nThere are 5^4 - 4^4 = 369 such outcomes.",
      "Now I'll split them by how many 5s appear.\nCase 1: exactly one 5.\nThere are 4 · 4^3 = 256 outcomes.\nThat is most of them.",
      "Case 2: exactly two 5s.\nThere are 6 · 4^2 = 96 outcomes.\nThe other two rolls are 1 to 4.\nSo 96 in this case.",
    ].join("\n\n");
    const { steps, dag } = run(text, q);
    const split = at(steps, "Now I'll split");
    expect(dag[at(steps, "Case 2")]).not.toContain(split);
    expect(dag[at(steps, "Case 2")]).toEqual(dag[split]);
  });
});

describe("buildDagHeuristic: a series of sub-tasks opened by 'Now the …'", () => {
  const setupText = "Okay, so I need the probability that a five-card hand holds at least one pair of the same rank.";
  const first = "First, the total number of hands.\nChoosing 5 of the 52 cards gives $\\binom{52}{5}$.\nThat is 2598960 hands.\nEvery hand is equally likely.";
  it("'Now the complement: …' with nothing taken from the step before is its sibling (from the setup), not its child", () => {
    const text = [setupText, first, "Now the complement: hands with five different ranks.\nThe ranks can be chosen in $\\binom{13}{5} = 1287$ ways.\nEach rank has 4 suits, so $4^5 = 1024$ suit choices.\nThat makes 1317888 hands."].join("\n\n");
    const { steps, dag } = run(text);
    const total = stepStarting(steps, "First, the total").id;
    const complement = stepStarting(steps, "Now the complement").id;
    expect(dag[complement]).not.toContain(total);
    expect(dag[complement]).toEqual(dag[total]);
  });

  it("'Now, let me …' carries on the line of work before it (when in doubt, depend)", () => {
    const text = [setupText, first, "Now, let me count the hands with five different ranks.\nThe ranks can be chosen in $\\binom{13}{5} = 1287$ ways.\nEach rank has 4 suits, so $4^5 = 1024$ suit choices.\nThat makes 1317888 hands."].join("\n\n");
    const { steps, dag } = run(text);
    expect(dag[stepStarting(steps, "Now, let me count").id]).toContain(stepStarting(steps, "First, the total").id);
  });
});

