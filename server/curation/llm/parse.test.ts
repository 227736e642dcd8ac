import { describe, expect, it } from "vitest";
import { CurationBackendError } from "../types";
import type { Step } from "../../sprint/steps";
import { LlmAnswerError, parseAnswerJson, parseComponents, parseDagAnswer, parseExtractionAnswer, unwrapAnswer } from "./parse";

const LINES = [
  "I need the sum of the roots and their product.", // 1
  "Let me use Vieta's formulas.", // 2
  "The sum is -b/a = 5.", // 3
  "Checking with a = 1, b = -5.", // 4
  "Yes, -(-5)/1 = 5.", // 5
  "So the sum is 5.", // 6
  "The product is c/a = 6.", // 7
  "Answer: 5 and 6.", // 8
];

const c = (plan: [number, number] | null, exec: [number, number] | null, comment: [number, number] | null = null, prompt: string | null = exec ? "Do it." : null, description = "d") => ({
  description,
  plan_lines: plan,
  prompt,
  execution_lines: exec,
  comment_lines: comment,
});
const GOOD = [c([1, 2], null), c(null, [3, 5], [6, 6], "Compute the sum of the roots of x^2 - 5x + 6 with Vieta."), c([7, 7], null), c([8, 8], null)];

function thrown(fn: () => unknown): LlmAnswerError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LlmAnswerError) return err;
    throw err;
  }
  throw new Error("expected an LlmAnswerError");
}

describe("unwrapAnswer / parseAnswerJson", () => {
  it("takes plain JSON as is, without notes", () => {
    expect(parseAnswerJson(' [1, 2] \n')).toEqual({ value: [1, 2], notes: [] });
  });

  it("removes one ```json fence (or a bare ``` fence) and notes it", () => {
    expect(parseAnswerJson("```json\n[1]\n```")).toEqual({ value: [1], notes: ["the answer was wrapped in a ```json code fence, which was removed"] });
    expect(parseAnswerJson("```\n{}\n```").notes).toEqual(["the answer was wrapped in a ``` code fence, which was removed"]);
  });

  it("ignores a leading <think> block with a note", () => {
    const r = unwrapAnswer("<think>\nhmm [not json]\n</think>\n\n```json\n[]\n```");
    expect(r.body).toBe("[]");
    expect(r.notes).toHaveLength(2);
    expect(r.notes[0]).toMatch(/<think>/);
  });

  it("rejects prose around JSON, even around a fence", () => {
    const e = thrown(() => parseAnswerJson("Sure! Here it is:\n```json\n[1]\n```"));
    expect(e.code).toBe("malformed");
    expect(e.message).toMatch(/^the answer is not valid JSON: .*; the answer must be only JSON, without surrounding text$/);
    expect(() => parseAnswerJson("[1]\nHope this helps!")).toThrow(/not valid JSON/);
  });

  it("does not repair trailing commas, comments or single quotes", () => {
    for (const bad of ["[1, 2,]", "[1 /* one */]", "{'a': 1}", "[1, 2"]) {
      const e = thrown(() => parseAnswerJson(bad));
      expect(e.code).toBe("malformed");
      expect(e.issues[0]?.code).toBe("not-json");
    }
  });

  it("says where the JSON breaks", () => {
    const e = thrown(() => parseAnswerJson('[\n  {"a": 1},\n  {"b": 2,}\n]'));
    expect(e.message).toMatch(/line 3, near /);
  });

  it("rejects an empty answer", () => {
    expect(thrown(() => parseAnswerJson("  ")).message).toBe("the answer is empty");
    expect(thrown(() => parseAnswerJson("```json\n\n```")).message).toBe("the answer is empty");
  });

  it("is an unretryable CurationBackendError that keeps the raw answer", () => {
    const e = thrown(() => parseAnswerJson("nope"));
    expect(e).toBeInstanceOf(CurationBackendError);
    expect(e.retryable).toBe(false);
    expect(e.answer).toBe("nope");
  });
});

describe("parseExtractionAnswer", () => {
  it("turns components into steps with ranges and texts from the lines", () => {
    const { steps, notes } = parseExtractionAnswer(JSON.stringify(GOOD), LINES);
    expect(notes).toEqual([]);
    expect(steps).toEqual<Step[]>([
      { id: 1, description: "d", plan: "I need the sum of the roots and their product. Let me use Vieta's formulas.", planLines: [1, 2] },
      {
        id: 2,
        description: "d",
        plan: "",
        prompt: "Compute the sum of the roots of x^2 - 5x + 6 with Vieta.",
        execution: "The sum is -b/a = 5. Checking with a = 1, b = -5. Yes, -(-5)/1 = 5.",
        comment: "So the sum is 5.",
        executionLines: [3, 5],
        commentLines: [6, 6],
      },
      { id: 3, description: "d", plan: "The product is c/a = 6.", planLines: [7, 7] },
      { id: 4, description: "d", plan: "Answer: 5 and 6.", planLines: [8, 8] },
    ]);
  });

  it('accepts {"components": [...]} (json_object mode) and an omitted comment_lines', () => {
    const list = GOOD.map((x) => (x.comment_lines === null ? { ...x, comment_lines: undefined } : x));
    const { steps } = parseExtractionAnswer(JSON.stringify({ components: list }), LINES);
    expect(steps).toHaveLength(4);
  });

  it("accepts ids that match the position and notes ids that do not (ids are positions)", () => {
    expect(parseExtractionAnswer(JSON.stringify(GOOD.map((x, i) => ({ id: i + 1, ...x }))), LINES).steps).toHaveLength(4);
    const r = parseExtractionAnswer(JSON.stringify(GOOD.map((x, i) => ({ id: i, ...x }))), LINES);
    expect(r.steps.map((s) => s.id)).toEqual([1, 2, 3, 4]);
    expect(r.notes[0]).toBe('component 1 has "id": 0; components are numbered by position');
  });

  it("trims descriptions and prompts; a blank description is left out", () => {
    const list = [c([1, 2], null, null, null, "   "), c(null, [3, 5], [6, 6], "  Compute.  "), c([7, 8], null)];
    const { steps } = parseExtractionAnswer(JSON.stringify(list), LINES);
    expect(steps[0]?.description).toBeUndefined();
    expect(steps[1]?.prompt).toBe("Compute.");
  });

  it("notes an execution without a prompt, and drops (noting) a prompt without an execution", () => {
    const list = [c([1, 2], null, null, "Plan only?"), c(null, [3, 5], [6, 6], null), c([7, 8], null)];
    const { steps, notes } = parseExtractionAnswer(JSON.stringify(list), LINES);
    expect(steps[0]?.prompt).toBeUndefined();
    expect(steps[1]?.prompt).toBeUndefined();
    expect(notes).toEqual([
      "component 1 has a prompt but no execution lines: the prompt was dropped (plan-only step)",
      "component 2 has execution lines but no prompt",
    ]);
  });

  it("notes control characters that betray an unescaped LaTeX backslash", () => {
    const raw = `[{"description": "d", "plan_lines": [1, 2], "prompt": null, "execution_lines": null, "comment_lines": null},
      {"description": "d", "plan_lines": null, "prompt": "Compute \\frac{1}{2}", "execution_lines": [3, 8], "comment_lines": null}]`;
    // The raw answer holds \frac with one backslash: JSON.parse reads "\f" as a form feed.
    const { notes, steps } = parseExtractionAnswer(raw, LINES);
    expect(steps[1]?.prompt).toContain("\f");
    expect(notes).toEqual([expect.stringMatching(/component 2's prompt contains a control character/)]);
  });

  describe("shape errors are malformed, with the field named", () => {
    const cases: [string, unknown, RegExp][] = [
      ["not a list", { steps: GOOD }, /expected a JSON array of components \(or an object with the key "components"\), got an object with the keys "steps"/],
      ["a string", "components", /got a string/],
      ["an empty list", [], /expected at least one component/],
      ["components with other keys", { components: GOOD, note: "x" }, /must have only the key "components", got "components", "note"/],
      ["components not a list", { components: {} }, /"components" must be a JSON array, got an empty object/],
      ["a missing field", [{ description: "d", plan_lines: [1, 8], execution_lines: null }], /^component 1: missing field "prompt"$/],
      ["an unknown field", [{ ...c([1, 8], null), planLines: [1, 8] }], /^component 1: unknown field "planLines"$/],
      ["a range that is a string", [{ ...c(null, null), plan_lines: "1-8" }], /component 1: plan_lines: expected \[start, end\] line numbers/],
      ["a range with one number", [{ ...c(null, null), plan_lines: [1] }], /component 1: plan_lines/],
      ["a fractional line", [c([1, 7.5], null)], /component 1: plan_lines\[1\]: .*int/i],
      ["a string line number", [c([1, 2], null), { ...c(null, null), execution_lines: ["3", "8"] }], /component 2: execution_lines\[0\]/],
    ];
    it.each(cases)("%s", (_name, value, pattern) => {
      const e = thrown(() => parseExtractionAnswer(JSON.stringify(value), LINES));
      expect(e.code).toBe("malformed");
      expect(e.message).toMatch(pattern);
    });
  });

  describe("structural faults of real extractions are repaired, each repair recorded", () => {
    const cases: [string, unknown[], [number, number] | null, string][] = [
      // [name, components, expected ranges of the step owning line 3 (its executionLines), repair text]
      ["a plan line and an execution claiming the same line", [c([1, 3], null), c(null, [3, 5], [6, 6]), c([7, 8], null)], [4, 5], "line 3 was claimed by component 1's plan and component 2's execution: kept by component 1's plan"],
      ["an uncovered line between components", [c([1, 2], null), c(null, [3, 5], [6, 6]), c([8, 8], null)], [3, 5], "line 7 was covered by no component: attached to component 2's comment"],
      ["uncovered lines at the end", [c([1, 2], null), c(null, [3, 5], [6, 6])], [3, 5], "lines 7–8 were covered by no component: attached to component 2's comment"],
      ["a range past the last line", [c([1, 2], null), c(null, [3, 5], [6, 9])], [3, 5], "component 2's comment range L6–L9 was clamped to L6–L8 (the trace has 8 lines)"],
      ["a reversed range", [c([2, 1], null), c(null, [3, 8], null)], [3, 8], "component 1's plan range L2–L1 was reversed: read as L1–L2"],
      ["a comment inside an execution range", [c([1, 2], null), c(null, [3, 6], [4, 4]), c([7, 8], null)], [3, 6], "component 2's comment (L4) lay inside component 2's execution (L3–L6): kept as part of component 2's execution"],
      ["a comment claiming the execution's last line", [c([1, 2], null), c(null, [3, 6], [6, 6]), c([7, 8], null)], [3, 5], "component 2's comment (L6) lay at the end of component 2's execution (L3–L6): component 2's execution now ends at L5"],
      ["a component without lines", [c([1, 2], null), c(null, [3, 6]), c(null, null), c([7, 8], null)], [3, 6], "component 3 has no lines: dropped"],
      ["components out of trace order", [c([1, 2], null), c([7, 8], null), c(null, [3, 5], [6, 6])], [3, 5], "components were not in trace order: reordered by their first line (answer order 1, 3, 2)"],
    ];
    it.each(cases)("%s", (_name, list, exec3, repair) => {
      const { steps, repairs } = parseExtractionAnswer(JSON.stringify(list), LINES);
      expect(repairs).toContain(repair);
      // The repaired steps obey the method's line rules: every line exactly once, in order.
      const owners = new Map<number, number>();
      for (const s of steps) for (const r of [s.planLines, s.executionLines, s.commentLines]) if (r) for (let l = r[0]; l <= r[1]; l++) {
        expect(owners.has(l), `line ${l} claimed twice`).toBe(false);
        owners.set(l, s.id);
      }
      expect([...owners.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(steps.find((s) => s.executionLines?.[0] === 3 || s.executionLines?.[0] === 4)?.executionLines ?? null).toEqual(exec3);
      // Texts follow the repaired ranges.
      for (const s of steps) if (s.executionLines) expect(s.execution).toBe(LINES.slice(s.executionLines[0] - 1, s.executionLines[1]).join(" "));
    });

    it("fails only when the structure is unusable: most lines uncovered, or no component with lines", () => {
      const sparse = thrown(() => parseExtractionAnswer(JSON.stringify([c([1, 1], null), c(null, [2, 3])]), LINES));
      expect(sparse.code).toBe("invalid");
      expect(sparse.message).toBe("the step extraction is unusable: the components would need 5 of 8 lines moved (more than 25%): the extraction does not segment this trace");
      const outside = thrown(() => parseExtractionAnswer(JSON.stringify([c([20, 30], null)]), LINES));
      expect(outside.message).toContain("no component has any line of the trace");
    });
  });

  it("parseComponents checks only the shape", () => {
    expect(parseComponents(JSON.stringify([c([1, 100], null)])).components).toHaveLength(1);
  });
});

describe("parseDagAnswer", () => {
  const steps: Step[] = [1, 2, 3, 4].map((id) => ({ id, plan: "" }));

  it("accepts string keys and number or string parents", () => {
    expect(parseDagAnswer('{"1": [], "2": [1], "3": ["1"], "4": [2, 3]}', steps)).toEqual({
      dag: { 1: [], 2: [1], 3: [1], 4: [2, 3] },
      notes: [],
      repairs: [],
    });
  });

  it("accepts the paper's unquoted numeric keys with a note", () => {
    const { dag, notes } = parseDagAnswer("{1: [], 2: [1], 3: [1],\n 4: [3, 2]}", steps);
    expect(dag).toEqual({ 1: [], 2: [1], 3: [1], 4: [2, 3] });
    expect(notes).toEqual(["unquoted numeric keys ({1: …}) were accepted as JSON strings"]);
  });

  it("accepts a fenced answer", () => {
    const { dag, notes } = parseDagAnswer('```json\n{"1": [], "2": [1], "3": [2], "4": [3]}\n```', steps);
    expect(dag[4]).toEqual([3]);
    expect(notes).toHaveLength(1);
  });

  it("fills steps without an entry and removes repeated parents, noting both", () => {
    const { dag, notes } = parseDagAnswer('{"2": [1, 1], "4": [3, 1, 3]}', steps);
    expect(dag).toEqual({ 1: [], 2: [1], 3: [], 4: [1, 3] });
    expect(notes).toEqual(["the answer has no entry for steps 1, 3: treated as having no parents", "repeated parents of steps 2, 4 were removed"]);
  });

  it("rejects a parent that is not smaller than its child (the paper's rule)", () => {
    const e = thrown(() => parseDagAnswer('{"1": [], "2": [3], "3": [1], "4": [3]}', steps));
    expect(e.code).toBe("invalid");
    expect(e.issues).toEqual([{ code: "parent-not-earlier", message: "step 2 lists parent 3, which is not earlier: every parent must be smaller than its child" }]);
  });

  it("drops self edges, unknown parents and unknown steps, recording each repair", () => {
    const { dag, repairs } = parseDagAnswer('{"1": [], "2": [2, 1], "3": [7], "5": [1], "4": [3]}', steps);
    expect(dag).toEqual({ 1: [], 2: [1], 3: [], 4: [3] });
    expect(repairs).toEqual([
      "step 2 listed itself as a parent: dropped",
      "step 3 listed parent 7, which does not exist: dropped",
      "the DAG has an entry for step 5, which does not exist: dropped",
    ]);
  });

  it("reports a cycle among hand-written later parents precisely", () => {
    const e = thrown(() => parseDagAnswer('{"1": [], "2": [3], "3": [2], "4": []}', steps));
    expect(e.issues.map((i) => i.code)).toContain("cycle");
    expect(e.message).toContain("dependency cycle: 2 → 3 → 2");
  });

  it("is malformed for a non-object, a non-integer key or parent, or an empty object", () => {
    const cases: [string, RegExp][] = [
      ["[[], [1]]", /expected a JSON object mapping component numbers to lists of parents, got an array/],
      ['{"one": []}', /DAG key "one" is not a step id/],
      ['{"1": [], "2": "1"}', /parents of step 2 must be a list/],
      ['{"1": [], "2": [1.5]}', /parent 1.5 of step 2 is not a step id/],
      ['{"1": [], "2": [null]}', /parent null of step 2 is not a step id/],
      ["{}", /the answer is an empty object; expected an entry for each of the 4 components/],
      ["Step 2 depends on step 1.", /not valid JSON/],
      ["{1: [], 2: [1],}", /not valid JSON/],
    ];
    for (const [answer, pattern] of cases) {
      const e = thrown(() => parseDagAnswer(answer, steps));
      expect(e.code, answer).toBe("malformed");
      expect(e.message, answer).toMatch(pattern);
    }
  });
});

describe("repairs on a realistic extraction of a long R1-style trace", () => {
  it("repairs a strong model's typical faults on a 45-line lattice-path trace and curates like the clean answer", async () => {
    const { loadMathFixtures } = await import("../../../bench/math-fixtures");
    const { curate } = await import("../../sprint/packing");
    const f = loadMathFixtures().find((x) => x.name.startsWith("31"))!;
    const clean = f.steps.map((s) => ({
      description: `component ${s.id}`,
      plan_lines: s.planLines ? ([...s.planLines] as [number, number]) : null,
      prompt: s.executionLines ? `Carry out component ${s.id}.` : null,
      execution_lines: s.executionLines ? ([...s.executionLines] as [number, number]) : null,
      comment_lines: s.commentLines ? ([...s.commentLines] as [number, number]) : null,
    }));
    const faulty = structuredClone(clean);
    // 1. The execution of component 2 also claims its plan's last line.
    faulty[1]!.execution_lines![0] = faulty[1]!.plan_lines![1];
    // 2. Component 5's comment is dropped: its line is covered by nobody.
    const uncovered = faulty[4]!.comment_lines![0];
    faulty[4]!.comment_lines = null;
    // 3. Component 8 lists a comment that sits inside its own execution.
    const exec8 = faulty[7]!.execution_lines!;
    faulty[7]!.comment_lines = [exec8[0] + 1, exec8[0] + 1];
    const lastComment = clean[7]!.comment_lines;
    // 4. The final component's plan runs one line past the end.
    faulty[faulty.length - 1]!.plan_lines![1] = f.lines.length + 1;

    const { steps, repairs } = parseExtractionAnswer(JSON.stringify(faulty), f.lines);
    expect(repairs).toEqual([
      `component ${faulty.length}'s plan range L${clean[clean.length - 1]!.plan_lines![0]}–L${f.lines.length + 1} was clamped to L${clean[clean.length - 1]!.plan_lines![0]}–L${f.lines.length} (the trace has ${f.lines.length} lines)`,
      `line ${clean[1]!.plan_lines![1]} was claimed by component 2's plan and component 2's execution: kept by component 2's plan`,
      `component 8's comment (L${exec8[0] + 1}) lay inside component 8's execution (L${exec8[0]}–L${exec8[1]}): kept as part of component 8's execution`,
      `line ${uncovered} was covered by no component: attached to component 5's comment (new)`,
      ...(lastComment ? [`line ${lastComment[0]} was covered by no component: attached to component 8's comment (new)`] : []),
    ]);
    expect(steps).toHaveLength(f.steps.length);
    const r = curate(steps, f.dag, { lineCount: f.lines.length });
    const truth = curate(f.steps, f.dag, { lineCount: f.lines.length });
    expect(r.reasons.filter((x) => !["low-parallel-ratio", "too-many-stages"].includes(x.code))).toEqual([]);
    expect(r.packing?.stageCount).toBe(truth.packing?.stageCount);
  });
});
