import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { findStop, heldBackLength, PlanStreamReader, type PlanStreamEvent } from "./plan-stream";

const PLAN = [
  "<Plan_1>",
  "First, factor the number.",
  "<prompt_1.1> Factor 360 into primes. </prompt_1.1>",
  "-----",
  "Separately, count divisors.",
  "<prompt_1.2> Count the divisors of 360. </prompt_1.2>",
  "Then combine.",
].join("\n");

function feed(text: string, cuts: number[]): { reader: PlanStreamReader; events: PlanStreamEvent[] } {
  const reader = new PlanStreamReader();
  const events: PlanStreamEvent[] = [];
  let last = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    events.push(...reader.push(text.slice(last, c)));
    last = c;
  }
  events.push(...reader.push(text.slice(last)));
  events.push(...reader.end());
  return { reader, events };
}

describe("PlanStreamReader", () => {
  it("reports prompts as soon as their closing tag is complete", () => {
    const reader = new PlanStreamReader();
    const closeAt = PLAN.indexOf("</prompt_1.1>");
    expect(reader.push(PLAN.slice(0, closeAt + 5)).filter((e) => e.type === "prompt")).toEqual([]);
    const ev = reader.push(PLAN.slice(closeAt + 5, closeAt + "</prompt_1.1>".length));
    expect(ev).toEqual([
      {
        type: "prompt",
        index: 1,
        written: { round: 1, index: 1 },
        renumbered: false,
        text: "Factor 360 into primes.",
        openStart: PLAN.indexOf("<prompt_1.1>"),
        end: closeAt + "</prompt_1.1>".length,
      },
    ]);
    expect(PLAN.slice(0, (ev[0] as { end: number }).end).endsWith("</prompt_1.1>")).toBe(true);
    reader.push(PLAN.slice(closeAt + "</prompt_1.1>".length));
    expect(reader.prompts.map((p) => p.text)).toEqual(["Factor 360 into primes.", "Count the divisors of 360."]);
    expect(reader.allEvents[0]).toMatchObject({ type: "plan-open", written: 1 });
  });

  it("gives the same events however the text is split (property)", () => {
    const whole = feed(PLAN, []).events;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: PLAN.length }), { maxLength: 40 }), (cuts) => {
        expect(feed(PLAN, cuts).events).toEqual(whole);
      }),
    );
    // One character at a time too.
    expect(feed(PLAN, Array.from({ length: PLAN.length }, (_, i) => i)).events).toEqual(whole);
  });

  it("renumbers prompts in closing order and reports what was written", () => {
    const { reader } = feed("<Plan_2>\n<prompt_2.3> a </prompt_2.3>\n<prompt_7> b </prompt_7>\n< prompt >c</ prompt >", []);
    expect(reader.prompts.map((p) => [p.index, p.written, p.renumbered, p.text])).toEqual([
      [1, { round: 2, index: 3 }, true, "a"],
      [2, { index: 7 }, true, "b"],
      [3, undefined, false, "c"],
    ]);
  });

  it("detects the final answer (<Final_answer> only), markdown headings (not an end) and drift", () => {
    expect(feed("Done.\n<Final_answer>\nx = \\boxed{2}", []).events.filter((e) => e.type === "final-answer")).toEqual([
      { type: "final-answer", style: "tag", start: 6, end: 20 },
    ]);
    // A heading with \boxed is reported, but the plan goes on: its later prompts still stream out.
    const md = feed("So\n  **Final Answer**\n\\boxed{3}\nWait, recheck.\n<prompt_4.1> recount </prompt_4.1>", [5, 9, 30]);
    expect(md.events.filter((e) => e.type === "markdown-heading")).toEqual([{ type: "markdown-heading", start: 5, end: 19 }]);
    expect(md.events.filter((e) => e.type === "final-answer")).toEqual([]);
    expect(md.reader.finalAnswerStarted).toBe(false);
    expect(md.reader.prompts.map((p) => p.text)).toEqual(["recount"]);
    // A heading inside a prompt is not reported.
    const inPrompt = feed("<prompt_1.1>\n**Final answer** later</prompt_1.1>", []);
    expect(inPrompt.reader.finalAnswerStarted).toBe(false);
    expect(inPrompt.events.filter((e) => e.type === "markdown-heading")).toEqual([]);
    const drift = feed("<Plan_1>\n<prompt_1.1> x </prompt_1.1>\n<Execution_1>\n<execution_1.1>\nI did it", []).events;
    expect(drift.filter((e) => e.type === "drift").map((e) => (e as { code: string }).code)).toEqual(["planner-wrote-execution", "planner-wrote-execution"]);
    expect(feed("<prompt_1.1> never closed", []).events.at(-1)).toMatchObject({ type: "drift", code: "prompt-not-closed" });
    expect(feed("</prompt_1.1>", []).events).toMatchObject([{ type: "drift", code: "close-without-open" }]);
    expect(feed("<prompt_1.1> a <prompt_1.2> b </prompt_1.2>", []).events.map((e) => e.type)).toEqual(["drift", "prompt"]);
  });

  it("ignores '<' that is not a SPRINT tag, also when cut across deltas", () => {
    const text = "if a < b and c<d then <prompt_1.1> x<y </prompt_1.1>";
    expect(feed(text, [3, 4, 5, 16, 25, 40]).reader.prompts.map((p) => p.text)).toEqual(["x<y"]);
  });
});

describe("stop helpers", () => {
  it("findStop finds the earliest stop string", () => {
    expect(findStop("abc</Plan_1>def</think>", ["</think>", "</Plan_"])).toEqual({ at: 3, stop: "</Plan_" });
    expect(findStop("abc", ["</Plan_"])).toBeUndefined();
  });
  it("heldBackLength holds back a partial stop string only", () => {
    expect(heldBackLength("text </Pl", ["</Plan_", "</think>"])).toBe(4);
    expect(heldBackLength("text <", ["</Plan_"])).toBe(1);
    expect(heldBackLength("text", ["</Plan_"])).toBe(0);
  });
});
