import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { AssignmentError, planAssignment } from "./assignment";

const ids = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}${i + 1}`);

describe("planAssignment", () => {
  it("10 items over two reviewers with overlap 2: both see every item", () => {
    const plan = planAssignment({ itemIds: ids("t", 10), reviewerIds: ["a", "b"], overlap: 2 });
    expect(plan.byItem.size).toBe(10);
    for (const rs of plan.byItem.values()) expect([...rs].sort()).toEqual(["a", "b"]);
    expect(Object.fromEntries(plan.perReviewer)).toEqual({ a: 10, b: 10 });
  });

  it("overlap 1 splits evenly", () => {
    const plan = planAssignment({ itemIds: ids("t", 7), reviewerIds: ["a", "b", "c"], overlap: 1 });
    expect([...plan.perReviewer.values()].sort()).toEqual([2, 2, 3]);
  });

  it("overlap 2 over 3 reviewers varies the pairs", () => {
    const plan = planAssignment({ itemIds: ids("t", 6), reviewerIds: ["a", "b", "c"], overlap: 2 });
    const pairs = new Set([...plan.byItem.values()].map((r) => [...r].sort().join("+")));
    expect(pairs.size).toBe(3);
    expect([...plan.perReviewer.values()]).toEqual([4, 4, 4]);
  });

  it("prefers the least loaded reviewers and skips existing assignments", () => {
    const plan = planAssignment({
      itemIds: ["x", "y"],
      reviewerIds: ["a", "b", "c"],
      overlap: 2,
      currentLoad: { a: 5 },
      existing: { x: ["b"] },
    });
    expect(plan.byItem.get("x")).toEqual(["c"]);
    expect(plan.byItem.get("y")!.sort()).toEqual(["b", "c"]);
  });

  it("items already fully covered get nothing", () => {
    const plan = planAssignment({ itemIds: ["x"], reviewerIds: ["a", "b"], overlap: 2, existing: { x: ["a", "b"] } });
    expect(plan.byItem.size).toBe(0);
  });

  it("rejects impossible overlaps with a clear message", () => {
    expect(() => planAssignment({ itemIds: ["x"], reviewerIds: ["a"], overlap: 2 })).toThrow(AssignmentError);
    expect(() => planAssignment({ itemIds: ["x"], reviewerIds: ["a"], overlap: 2 })).toThrow(/needs at least 2 reviewers/);
    expect(() => planAssignment({ itemIds: ["x"], reviewerIds: [], overlap: 1 })).toThrow(/at least one reviewer/);
    expect(() => planAssignment({ itemIds: ["x"], reviewerIds: ["a"], overlap: 0 })).toThrow(/≥ 1/);
  });

  it("property: each item gets exactly k distinct reviewers and loads differ by at most 1", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), (n, r, k) => {
        fc.pre(k <= r);
        const plan = planAssignment({ itemIds: ids("t", n), reviewerIds: ids("r", r), overlap: k });
        for (const rs of plan.byItem.values()) {
          expect(rs.length).toBe(k);
          expect(new Set(rs).size).toBe(k);
        }
        const loads = [...plan.perReviewer.values()];
        expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
        expect(loads.reduce((a, b) => a + b, 0)).toBe(n * k);
      }),
    );
  });
});
