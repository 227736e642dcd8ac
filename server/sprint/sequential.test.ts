import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseSequentialTrace, splitLines, splitSentences, type SequentialTrace, type TextSpan } from "./sequential";

const texts = (spans: TextSpan[]): string[] => spans.map((s) => s.text);
const diags = (r: SequentialTrace): [string, number, number][] => r.diagnostics.map((d) => [d.code, d.line, d.column]);

const OPENTHOUGHTS =
  "<|begin_of_thought|>\n\nOkay, so I need to add 2 and 2.\n\nThat is 4.\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\n\nThe sum is \\boxed{4}.\n\n<|end_of_solution|>";

describe("parseSequentialTrace", () => {
  it("reads an OpenThoughts assistant value", () => {
    expect(parseSequentialTrace(OPENTHOUGHTS)).toStrictEqual({
      format: "openthoughts",
      reasoning: "Okay, so I need to add 2 and 2.\n\nThat is 4.",
      solution: "The sum is \\boxed{4}.",
      diagnostics: [],
    });
  });

  it("warns about missing OpenThoughts end markers at the exact position", () => {
    const noEnd = parseSequentialTrace("<|begin_of_thought|>\nA.\n<|begin_of_solution|>\nS");
    expect(noEnd.format).toBe("openthoughts");
    expect(noEnd.reasoning).toBe("A.");
    expect(noEnd.solution).toBe("S");
    expect(diags(noEnd)).toEqual([
      ["missing-end-marker", 3, 1],
      ["missing-end-marker", 4, 2],
    ]);
    const truncated = parseSequentialTrace("<|begin_of_thought|>\nA long thought that was cut");
    expect(truncated).toStrictEqual({
      format: "openthoughts",
      reasoning: "A long thought that was cut",
      diagnostics: [{ line: 2, column: 28, severity: "warning", code: "missing-end-marker", message: "No <|end_of_thought|>" }],
    });
  });

  it("reads text after <|end_of_thought|> without a solution marker as the solution, and reports stray text", () => {
    const r = parseSequentialTrace("system junk\n<|begin_of_thought|>R<|end_of_thought|>\n  final \\boxed{1}");
    expect(r.reasoning).toBe("R");
    expect(r.solution).toBe("final \\boxed{1}");
    expect(diags(r)).toEqual([
      ["stray-text", 1, 1],
      ["missing-begin-marker", 3, 3],
    ]);
    const tail = parseSequentialTrace("<|begin_of_thought|>R<|end_of_thought|> x <|begin_of_solution|>S<|end_of_solution|> y");
    expect(tail.solution).toBe("S");
    expect(diags(tail)).toEqual([
      ["stray-text", 1, 41],
      ["stray-text", 1, 85],
    ]);
  });

  it("reads R1 output: <think>…</think> then the answer", () => {
    expect(parseSequentialTrace("<think>\nLet me see.\nIt is 3.\n</think>\n\nThe answer is \\boxed{3}.")).toStrictEqual({
      format: "think",
      reasoning: "Let me see.\nIt is 3.",
      solution: "The answer is \\boxed{3}.",
      diagnostics: [],
    });
    // Chat templates put <think> in the prompt: the output starts inside the thinking.
    const noOpen = parseSequentialTrace("Let me see.\n</think>\nanswer");
    expect(noOpen.reasoning).toBe("Let me see.");
    expect(noOpen.solution).toBe("answer");
    expect(diags(noOpen)).toEqual([["missing-begin-marker", 1, 1]]);
    const noClose = parseSequentialTrace("<think>\nstill thinking");
    expect(noClose).toStrictEqual({
      format: "think",
      reasoning: "still thinking",
      diagnostics: [{ line: 2, column: 15, severity: "warning", code: "missing-end-marker", message: "No </think>" }],
    });
    const empty = parseSequentialTrace("<think>\n</think>\n");
    expect(empty.solution).toBeUndefined();
    expect(diags(empty)).toEqual([["empty-reasoning", 1, 1]]);
  });

  it("reads anything else as plain reasoning, normalizing CRLF", () => {
    expect(parseSequentialTrace("  First.\r\nSecond.\r\n")).toStrictEqual({ format: "plain", reasoning: "First.\nSecond.", diagnostics: [] });
    expect(parseSequentialTrace(OPENTHOUGHTS.replace(/\n/g, "\r\n")).reasoning).toBe("Okay, so I need to add 2 and 2.\n\nThat is 4.");
  });
});

describe("splitSentences", () => {
  it("splits at sentence ends and keeps exact offsets", () => {
    const text = "Let me compute 3.14 times 2. That gives 6.28! Is it right? Yes.";
    const spans = splitSentences(text);
    expect(spans).toStrictEqual([
      { text: "Let me compute 3.14 times 2.", start: 0, end: 28 },
      { text: "That gives 6.28!", start: 29, end: 45 },
      { text: "Is it right?", start: 46, end: 58 },
      { text: "Yes.", start: 59, end: 63 },
    ]);
  });

  it("does not split after abbreviations, before numbers after Fig./Eq./No., or inside decimals", () => {
    expect(texts(splitSentences("We use e.g. the identity. See Fig. 2 for details. Use Eq. (3) now. No. It fails. I.e. Done."))).toEqual([
      "We use e.g. the identity.",
      "See Fig. 2 for details.",
      "Use Eq. (3) now.",
      "No.",
      "It fails.",
      "I.e. Done.",
    ]);
    expect(texts(splitSentences("Pi is 3.14159. So 2.5 x 4 = 10."))).toEqual(["Pi is 3.14159.", "So 2.5 x 4 = 10."]);
  });

  it("never splits inside $…$, \\(…\\), \\[…\\] or $$…$$ (display math may span lines)", () => {
    expect(texts(splitSentences("Consider $x = 1. Y = 2$. Then \\(a. B\\) works. Also \\[\nx. Y\n\\] holds. Done."))).toEqual([
      "Consider $x = 1. Y = 2$.",
      "Then \\(a. B\\) works.",
      "Also \\[\nx. Y\n\\] holds.",
      "Done.",
    ]);
    expect(texts(splitSentences("A $$a.\nB$$ end. Escaped \\$5. Then."))).toEqual(["A $$a.\nB$$ end.", "Escaped \\$5.", "Then."]);
  });

  it("always splits at blank lines (even inside math) and at single line breaks outside display math", () => {
    expect(texts(splitSentences("First line\nsecond line\n\n  New paragraph. Ok.\n"))).toEqual(["First line", "second line", "New paragraph.", "Ok."]);
    // The blank line ends the display math: what follows is ordinary lines again.
    expect(texts(splitSentences("$$\nx\n\ny\n$$"))).toEqual(["$$\nx", "y", "$$"]);
    expect(texts(splitSentences("Inline $a\nB. C."))).toEqual(["Inline $a", "B.", "C."]);
  });

  it("keeps list numbers, lower-case continuations and closing quotes with their sentence", () => {
    expect(texts(splitSentences("1. First item. Second sentence.\n  12. Next item."))).toEqual(["1. First item.", "Second sentence.", "12. Next item."]);
    expect(texts(splitSentences('Hmm... let me think. Wait?! He said "stop." Then (really.) Done'))).toEqual([
      "Hmm... let me think.",
      "Wait?!",
      'He said "stop."',
      "Then (really.)",
      "Done",
    ]);
  });

  it("returns nothing for blank text", () => {
    expect(splitSentences("")).toEqual([]);
    expect(splitSentences(" \n\n\t ")).toEqual([]);
  });

  it("spans are ordered, disjoint, trimmed, exact slices, and cover every non-blank character", () => {
    const alphabet = fc.constantFrom("a", "B", " ", "\n", "\n\n", ".", "!", "?", "$", "$$", "\\(", "\\)", "\\[", "\\]", "e.g.", "3.1", "Fig. 2", "1. ", '"', ")", "\t", "\r\n");
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }).map((a) => a.join("")), (text) => {
        const spans = splitSentences(text);
        const covered = new Array<boolean>(text.length).fill(false);
        let prevEnd = 0;
        for (const s of spans) {
          expect(s.text).toBe(text.slice(s.start, s.end));
          expect(s.start).toBeGreaterThanOrEqual(prevEnd);
          expect(s.end).toBeGreaterThan(s.start);
          expect(s.text.trim()).toBe(s.text);
          for (let i = s.start; i < s.end; i++) covered[i] = true;
          prevEnd = s.end;
        }
        for (let i = 0; i < text.length; i++) if (!/\s/.test(text[i] as string)) expect(covered[i]).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("is linear on long inputs", () => {
    const inputs = ["a. ".repeat(100_000), "$".repeat(300_000), "\n".repeat(300_000), "A. ".repeat(100_000), `\n${" ".repeat(300_000)}x`];
    for (const x of inputs) {
      const t0 = performance.now();
      splitSentences(x);
      parseSequentialTrace(x);
      expect(performance.now() - t0).toBeLessThan(2000);
    }
  });
});

describe("splitLines", () => {
  it("returns non-blank lines, trimmed, with offsets", () => {
    expect(splitLines("  one\n\n two \r\nthree")).toStrictEqual([
      { text: "one", start: 2, end: 5 },
      { text: "two", start: 8, end: 11 },
      { text: "three", start: 14, end: 19 },
    ]);
    expect(splitLines("")).toEqual([]);
  });
});
