import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { agreementReport, cohensKappa, cohensKappaDetail, edgeF1, type ReviewSubmission } from "./agreement";
import type { Dag } from "./steps";

/** Pairs from a 2×2 table [[yes/yes, yes/no], [no/yes, no/no]] (rows: rater A, columns: rater B). */
function table(t: readonly (readonly number[])[], labels: readonly string[] = ["yes", "no"]): [string, string][] {
  const out: [string, string][] = [];
  t.forEach((row, i) => row.forEach((n, j) => {
    for (let k = 0; k < n; k++) out.push([labels[i] as string, labels[j] as string]);
  }));
  return out;
}

describe("edgeF1", () => {
  const ref: Dag = { 1: [], 2: [1], 3: [1], 4: [2, 3] };

  it("identical DAGs agree perfectly", () => {
    expect(edgeF1(ref, ref)).toMatchObject({ precision: 1, recall: 1, f1: 1, truePositives: 4, falsePositives: 0, falseNegatives: 0 });
  });

  it("known values, with the differing edges", () => {
    const b: Dag = { 2: [1], 3: [2], 4: [3] }; // 1→2, 2→3, 3→4 vs 1→2, 1→3, 2→4, 3→4
    const r = edgeF1(ref, b);
    expect(r).toEqual({
      precision: 2 / 3,
      recall: 2 / 4,
      f1: (2 * 2) / (4 + 3),
      truePositives: 2,
      falsePositives: 1,
      falseNegatives: 2,
      onlyInA: [
        { parent: 1, child: 3 },
        { parent: 2, child: 4 },
      ],
      onlyInB: [{ parent: 2, child: 3 }],
    });
    const s = edgeF1(b, ref);
    expect([s.precision, s.recall, s.f1]).toEqual([r.recall, r.precision, r.f1]);
  });

  it("empty DAGs, duplicates, self edges and string keys", () => {
    expect(edgeF1({}, {})).toMatchObject({ precision: 1, recall: 1, f1: 1 });
    expect(edgeF1({ 2: [1] }, {})).toMatchObject({ precision: 0, recall: 0, f1: 0 });
    expect(edgeF1({}, { 2: [1] })).toMatchObject({ precision: 0, recall: 0, f1: 0 });
    expect(edgeF1({ 2: [1, 1, 2] }, JSON.parse('{"2": [1]}') as Dag).f1).toBe(1);
  });

  it("optionally compares transitive reductions", () => {
    const withShortcut: Dag = { 2: [1], 3: [1, 2] }; // 1→3 is implied by 1→2→3
    const reduced: Dag = { 2: [1], 3: [2] };
    expect(edgeF1(withShortcut, reduced).f1).toBeCloseTo(0.8);
    expect(edgeF1(withShortcut, reduced, { reduce: true }).f1).toBe(1);
  });

  it("F1 is symmetric and in [0, 1]; precision and recall swap", () => {
    const dagArb = fc
      .array(fc.array(fc.nat({ max: 6 }), { maxLength: 3 }), { maxLength: 7 })
      .map((rows) => Object.fromEntries(rows.map((ps, i) => [i + 1, ps.filter((p) => p < i + 1 && p > 0)])) as Dag);
    fc.assert(
      fc.property(dagArb, dagArb, fc.boolean(), (a, b, reduce) => {
        const ab = edgeF1(a, b, { reduce });
        const ba = edgeF1(b, a, { reduce });
        expect(ab.f1).toBeCloseTo(ba.f1, 12);
        expect(ab.precision).toBeCloseTo(ba.recall, 12);
        expect(ab.f1).toBeGreaterThanOrEqual(0);
        expect(ab.f1).toBeLessThanOrEqual(1);
        expect(edgeF1(a, a, { reduce }).f1).toBe(1);
        expect(ab.onlyInA).toEqual(ba.onlyInB);
      }),
    );
  });
});

describe("cohensKappa", () => {
  it("textbook example (Wikipedia): 20/5/10/15 → p_o 0.7, p_e 0.5, κ 0.4", () => {
    const d = cohensKappaDetail(table([[20, 5], [10, 15]]));
    expect(d.n).toBe(50);
    expect(d.observed).toBeCloseTo(0.7, 12);
    expect(d.expected).toBeCloseTo(0.5, 12);
    expect(d.kappa).toBeCloseTo(0.4, 12);
    expect(d.labels).toEqual(["no", "yes"]);
    expect(d.confusion).toEqual({ yes: { yes: 20, no: 5 }, no: { yes: 10, no: 15 } });
  });

  it("same observed agreement, different κ (Wikipedia): 0.1304 and 0.2593", () => {
    expect(cohensKappa(table([[45, 15], [25, 15]]))).toBeCloseTo(0.1304, 4);
    expect(cohensKappa(table([[25, 35], [5, 35]]))).toBeCloseTo(0.2593, 4);
  });

  it("three categories", () => {
    // Marginals A: approve 50, reject 30, changes 20; B: approve 55, reject 29, changes 16; agree 45+20+10 = 75 of 100.
    const pairs = table(
      [
        [45, 3, 2],
        [6, 20, 4],
        [4, 6, 10],
      ],
      ["approve", "reject", "changes_requested"],
    );
    const po = 0.75;
    const pe = 0.5 * 0.55 + 0.3 * 0.29 + 0.2 * 0.16; // 0.394 → κ = 0.356 / 0.606 ≈ 0.5875
    expect(cohensKappa(pairs)).toBeCloseTo((po - pe) / (1 - pe), 12);
  });

  it("degenerate cases", () => {
    expect(cohensKappa([])).toBeNull();
    expect(cohensKappaDetail([])).toMatchObject({ kappa: null, n: 0, observed: null, expected: null });
    // Both raters always say the same single label: p_e = 1, defined as κ = 1.
    expect(cohensKappa([["approve", "approve"], ["approve", "approve"]])).toBe(1);
    expect(cohensKappa([["approve", "approve"]])).toBe(1);
    // Perfect agreement with two labels; perfect, balanced disagreement.
    expect(cohensKappa(table([[3, 0], [0, 7]]))).toBe(1);
    expect(cohensKappa(table([[0, 5], [5, 0]]))).toBe(-1);
    // One rater constant, the other constant and different: p_o = p_e = 0.
    expect(cohensKappa([["a", "b"], ["a", "b"]])).toBe(0);
  });

  it("κ ∈ [−1, 1], symmetric in the raters, 1 for perfect agreement", () => {
    const label = fc.constantFrom("approve", "reject", "changes_requested");
    fc.assert(
      fc.property(fc.array(fc.tuple(label, label), { minLength: 1, maxLength: 40 }), (pairs) => {
        const k = cohensKappa(pairs) as number;
        expect(k).toBeGreaterThanOrEqual(-1 - 1e-12);
        expect(k).toBeLessThanOrEqual(1 + 1e-12);
        expect(cohensKappa(pairs.map(([a, b]) => [b, a] as const))).toBeCloseTo(k, 12);
        expect(cohensKappa(pairs.map(([a]) => [a, a] as const))).toBe(1);
      }),
    );
  });
});

describe("agreementReport", () => {
  const chain: Dag = { 1: [], 2: [1], 3: [2] };
  const fan: Dag = { 1: [], 2: [1], 3: [1] };
  const subs: ReviewSubmission[] = [
    { itemId: "t1", reviewerId: "ann", decision: "approve", dag: chain },
    { itemId: "t1", reviewerId: "bob", decision: "approve", dag: chain },
    { itemId: "t1", reviewerId: "cy", decision: "approve" },
    { itemId: "t2", reviewerId: "ann", decision: "reject", dag: chain },
    { itemId: "t2", reviewerId: "bob", decision: "approve", dag: fan },
    { itemId: "t3", reviewerId: "ann", decision: "approve", dag: fan },
    { itemId: "t3", reviewerId: "bob", decision: "changes_requested", dag: fan },
    { itemId: "t3", reviewerId: "bob", decision: "approve", dag: fan }, // replaces the earlier one
    { itemId: "t4", reviewerId: "cy", decision: "reject" }, // single reviewer
  ];
  const r = agreementReport(subs);

  it("dataset level", () => {
    // Pairs: t1 ann-bob, ann-cy, bob-cy (all approve); t2 ann-bob (reject/approve); t3 ann-bob (approve/approve).
    expect(r.dataset).toMatchObject({ items: 4, multiReviewedItems: 3, reviewers: 3, pairs: 5, edgePairs: 3 });
    expect(r.dataset.observedAgreement).toBeCloseTo(4 / 5, 12);
    expect(r.dataset.meanEdgeF1).toBeCloseTo((1 + 0.5 + 1) / 3, 12);
    // Pooled both ways: 10 pairs, 8 approve/approve, 1 reject/approve, 1 approve/reject.
    const pooled = [...Array<[string, string]>(8).fill(["approve", "approve"]), ["reject", "approve"], ["approve", "reject"]] as [string, string][];
    expect(r.dataset.kappa).toBeCloseTo(cohensKappa(pooled) as number, 12);
    expect(r.dataset.kappa).toBeCloseTo((0.8 - (0.9 * 0.9 + 0.1 * 0.1)) / (1 - (0.9 * 0.9 + 0.1 * 0.1)), 12);
  });

  it("per reviewer", () => {
    const ann = r.reviewers.find((x) => x.reviewerId === "ann");
    expect(ann).toMatchObject({ items: 3, pairs: 4, edgePairs: 3 });
    expect(ann?.agreementRate).toBeCloseTo(3 / 4, 12);
    expect(ann?.meanEdgeF1).toBeCloseTo(2.5 / 3, 12);
    const annBob = ann?.vs.find((v) => v.reviewerId === "bob");
    expect(annBob).toMatchObject({ items: 3 });
    expect(annBob?.agreementRate).toBeCloseTo(2 / 3, 12);
    expect(annBob?.kappa).toBeCloseTo(cohensKappa([["approve", "approve"], ["reject", "approve"], ["approve", "approve"]]) as number, 12);
    expect(ann?.vs.find((v) => v.reviewerId === "cy")).toEqual({ reviewerId: "cy", items: 1, agreementRate: 1, kappa: 1, meanEdgeF1: null });
    const cy = r.reviewers.find((x) => x.reviewerId === "cy");
    expect(cy).toMatchObject({ items: 2, pairs: 2, edgePairs: 0, meanEdgeF1: null, agreementRate: 1 });
    expect(r.reviewers.map((x) => x.reviewerId)).toEqual(["ann", "bob", "cy"]);
  });

  it("disagreements list differing decisions and differing edges", () => {
    expect(r.disagreements).toEqual([
      {
        itemId: "t2",
        decisionsDiffer: true,
        decisions: [
          { reviewerId: "ann", decision: "reject" },
          { reviewerId: "bob", decision: "approve" },
        ],
        minEdgeF1: 0.5,
        edgePairs: [{ reviewerA: "ann", reviewerB: "bob", f1: 0.5, onlyInA: [{ parent: 2, child: 3 }], onlyInB: [{ parent: 1, child: 3 }] }],
      },
    ]);
    // A stricter threshold is irrelevant here; a loose one drops nothing else.
    expect(agreementReport(subs, { f1Threshold: 0 }).disagreements.map((d) => d.itemId)).toEqual(["t2"]);
  });

  it("an item with equal decisions but different DAGs below the threshold is a disagreement", () => {
    const rep = agreementReport([
      { itemId: "x", reviewerId: "a", decision: "approve", dag: chain },
      { itemId: "x", reviewerId: "b", decision: "approve", dag: fan },
    ]);
    expect(rep.disagreements).toHaveLength(1);
    expect(rep.disagreements[0]?.decisionsDiffer).toBe(false);
    expect(agreementReport([
      { itemId: "x", reviewerId: "a", decision: "approve", dag: chain },
      { itemId: "x", reviewerId: "b", decision: "approve", dag: fan },
    ], { f1Threshold: 0.5 }).disagreements).toEqual([]);
  });

  it("no submissions", () => {
    const empty = agreementReport([]);
    expect(empty.dataset).toEqual({
      items: 0,
      multiReviewedItems: 0,
      reviewers: 0,
      pairs: 0,
      observedAgreement: null,
      kappa: null,
      meanEdgeF1: null,
      edgePairs: 0,
    });
    expect(empty.reviewers).toEqual([]);
    expect(empty.disagreements).toEqual([]);
  });

  it("the report does not depend on submission order (apart from replacements) and is JSON", () => {
    const unique = subs.filter((_, i) => i !== 6);
    const rev = agreementReport([...unique].reverse());
    expect(rev).toEqual(agreementReport(unique));
    expect(JSON.parse(JSON.stringify(rev))).toEqual(rev);
  });
});
