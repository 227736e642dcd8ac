/**
 * The offline heuristic on hand-annotated R1-style math traces (bench/fixtures/math): the dependencies that
 * share no number or name with their source must still be found — "m and n are coprime" after the step that
 * defines m and n, "check both sides" after the step that derives the candidates, a verification after what
 * it verifies, each case of a case analysis after the expression it splits, a sum of cases after every case.
 * And every executed step gets a real instruction, never a stub. Accuracy over the whole set is measured by
 * `npm run bench:curation-math`.
 */
import { describe, expect, it } from "vitest";
import { loadMathFixtures, type MathFixture } from "../../../bench/math-fixtures";
import { splitSentences } from "../../sprint/sequential";
import { ancestors, type Step } from "../../sprint/steps";
import { buildDagHeuristicWithConfidence, extractStepsHeuristic, paragraphStartsOf } from ".";
import { isWeakPrompt } from "./prompt";

const fixtures = new Map(loadMathFixtures().map((f) => [f.name.slice(0, 2), f]));

function curateHeuristic(f: MathFixture) {
  const spans = splitSentences(f.reasoning);
  const lines = spans.map((s) => s.text);
  const opts = { question: f.question, paragraphStarts: paragraphStartsOf(f.reasoning, spans) };
  const steps = extractStepsHeuristic(lines, opts);
  const { dag, lowConfidence } = buildDagHeuristicWithConfidence(lines, steps, opts);
  /** The predicted step that holds the line starting with `prefix`. */
  const at = (prefix: string): Step => {
    const n = lines.findIndex((l) => l.startsWith(prefix)) + 1;
    if (n === 0) throw new Error(`${f.name}: no line starts with ${JSON.stringify(prefix)}`);
    const s = steps.find((x) => [x.planLines, x.executionLines, x.commentLines].some((r) => r && r[0] <= n && n <= r[1]));
    if (!s) throw new Error(`${f.name}: line ${n} is in no step`);
    return s;
  };
  return { lines, steps, dag, lowConfidence, at, parents: (s: Step) => dag[s.id] ?? [], before: (s: Step) => ancestors(dag, s.id) };
}

function fixture(id: string): MathFixture {
  const f = fixtures.get(id);
  if (!f) throw new Error(`fixture ${id} missing`);
  return f;
}

describe("heuristic dependencies on real-style math traces (when in doubt, depend)", () => {
  it("has at least 30 hand-annotated traces, each with a DAG over every step", () => {
    expect(fixtures.size).toBeGreaterThanOrEqual(30);
    for (const f of fixtures.values()) expect(Object.keys(f.dag)).toHaveLength(f.steps.length);
  });

  it("'are m and n really coprime?' depends on the step that defines m and n (no shared number)", () => {
    const h = curateHeuristic(fixture("01"));
    const coprime = h.at("Now, are m and n really coprime?");
    const defines = h.at("That gives m = 15 and n = 64");
    expect(coprime.id).not.toBe(defines.id);
    expect(h.parents(coprime)).toContain(defines.id);
  });

  it("'let's check both sides for each candidate' depends on the step that derived the candidates", () => {
    const h = curateHeuristic(fixture("02"));
    const check = h.at("But squaring can introduce extraneous roots");
    const derive = h.at("So $(x + 3)(x - 1) = 0$, and the candidates are");
    expect(h.parents(check)).toContain(derive.id);
  });

  it("each case of a case analysis depends on the expression it splits, never on a sibling case", () => {
    const h = curateHeuristic(fixture("19"));
    const rewrite = h.at("For x ≥ 3, both insides are nonnegative");
    const cases = ["Case 1: x ≥ 3", "Case 2: -1 ≤ x < 3", "Case 3: x < -1"].map(h.at);
    expect(new Set(cases.map((c) => c.id)).size).toBe(3);
    for (const c of cases) {
      expect(h.parents(c)).toEqual([rewrite.id]);
      for (const other of cases) if (other !== c) expect(h.before(c)).not.toContain(other.id);
    }
    // Checking both solutions depends on the cases that found them.
    const both = h.at("Let's check both solutions in the original equation.");
    expect(h.before(both)).toEqual(expect.arrayContaining([cases[0]!.id, cases[2]!.id]));
  });

  it("a verification depends on the value it verifies, even far back", () => {
    const h = curateHeuristic(fixture("01"));
    const verify = h.at("Wait, let me double-check the count of favorable sequences");
    const favorable = h.at("So there are 15 favorable sequences.");
    expect(h.parents(verify)).toContain(favorable.id);
    const h3 = curateHeuristic(fixture("03"));
    expect(h3.parents(h3.at("Hmm, let me verify that the factorization multiplies back"))).toContain(h3.at("So 7200 = 2^5 · 3^2 · 5^2.").id);
  });

  it("'check both sides of the given equations with these values' depends on the step that found the values", () => {
    const h = curateHeuristic(fixture("10"));
    expect(h.parents(h.at("Let me check both sides of the given equations"))).toContain(h.at("So the numbers are 2 and 5.").id);
  });

  it("adding up the cases depends on every case", () => {
    const h = curateHeuristic(fixture("11"));
    const sum = h.at("Adding up the cases.");
    const cases = ["Case 1: one man", "Case 2: two men", "Case 3: three men"].map(h.at);
    expect(h.parents(sum)).toEqual(expect.arrayContaining(cases.map((c) => c.id)));
  });

  it("two independent lines of work stay parallel when the text says so ('First, …' / 'Next, …')", () => {
    const h = curateHeuristic(fixture("01"));
    const favorable = h.at("First, the favorable sequences.");
    const all = h.at("Next, all the sequences.");
    expect(h.before(all)).not.toContain(favorable.id);
    expect(h.before(favorable)).not.toContain(all.id);
  });

  it("gives every executed step a real instruction (no stub, no copied sentence)", () => {
    for (const f of fixtures.values()) {
      const h = curateHeuristic(f);
      const sentences = new Set(h.lines.map((l) => l.trim().toLowerCase()));
      for (const s of h.steps) {
        if (s.execution === undefined) continue;
        expect(s.prompt, `${f.name} step ${s.id}`).toBeDefined();
        expect(isWeakPrompt(s.prompt!), `${f.name} step ${s.id}: ${s.prompt}`).toBe(false);
        expect(sentences.has(s.prompt!.trim().toLowerCase()), `${f.name} step ${s.id}: ${s.prompt}`).toBe(false);
      }
    }
  });
});
