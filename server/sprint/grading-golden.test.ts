import { describe, expect, it } from "vitest";
import table from "./fixtures/grading-golden.json";
import { goldenTableSchema, runGoldenCase } from "./grading-golden";

const golden = goldenTableSchema.parse(table);

describe("golden grading table", () => {
  it("has at least 80 cases over math, multiple choice and Countdown", () => {
    expect(golden.cases.length).toBeGreaterThanOrEqual(80);
    for (const kind of ["math", "choice", "countdown"]) expect(golden.cases.some((c) => c.kind === kind)).toBe(true);
    for (const v of ["correct", "wrong", "undecided"]) expect(golden.cases.some((c) => c.expected === v)).toBe(true);
  });
  it.each(golden.cases.map((c, i) => [i, c.note, c] as const))("#%i %s", (_i, _note, c) => {
    const r = runGoldenCase(c);
    expect({ verdict: r.result.verdict, extracted: r.result.extracted, reason: r.result.reason }).toMatchObject({ verdict: c.expected });
  });
});
