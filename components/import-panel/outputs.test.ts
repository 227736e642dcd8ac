import { zipSync, strToU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { buildOutputRecords, idOfFile, looksLikeJsonl, toJsonl } from "./outputs";

const out = (n: number) => `<think>\nWe need ${n} × 2. ${n} × 2 = ${2 * n}.\n\nWait, double-check: ${2 * n} / 2 = ${n}. Yes.\n</think>`;

describe("raw .txt outputs", () => {
  it("takes ids from file names and joins questions by id", () => {
    const files = [
      { name: "p-001.txt", bytes: strToU8(out(1)) },
      { name: "p-002.txt", bytes: strToU8(out(2)) },
      { name: "notes.md", bytes: strToU8("x") },
    ];
    const questions = strToU8(`{"id": "p-001", "question": "What is $1 \\\\times 2$?", "answer": "2"}\n{"id": "p-404", "question": "orphan"}\nnot json\n`);
    const b = buildOutputRecords(files, questions);
    expect(b.records).toEqual([
      { id: "p-001", output: out(1), question: "What is $1 \\times 2$?", answer: "2" },
      { id: "p-002", output: out(2) },
    ]);
    expect(b.withQuestion).toBe(1);
    expect(b.withoutQuestion).toBe(1);
    expect(b.unmatchedQuestions).toEqual(["p-404"]);
    expect(b.questionErrors.map((e) => e.line)).toEqual([3]);
    expect(b.skipped).toEqual([{ name: "notes.md", reason: "not a .txt or .zip file" }]);
    expect(toJsonl(b.records).split("\n")[0]).toMatch(/^\{"id":"p-001"/);
  });

  it("reads a .zip (folders and macOS metadata ignored), skipping non-UTF-8 and duplicate ids", () => {
    const zip = zipSync({
      "run/a.txt": strToU8(out(3)),
      "run/sub/b.TXT": strToU8(out(4)),
      "run/readme.md": strToU8("hello"),
      "__MACOSX/run/._a.txt": strToU8("junk"),
      "run/bad.txt": new Uint8Array([0xff, 0xfe, 0x00]),
      "other/a.txt": strToU8(out(5)),
    });
    const b = buildOutputRecords([{ name: "outputs.zip", bytes: zip }]);
    expect(b.records.map((r) => r.id).sort()).toEqual(["a", "b"]);
    expect(b.skipped.map((s) => s.reason).sort()).toEqual(['a second file with the id "a"', "not UTF-8 text", "not a .txt file"]);
    expect(buildOutputRecords([{ name: "broken.zip", bytes: strToU8("PK nope") }]).skipped).toEqual([{ name: "broken.zip", reason: "not a readable .zip archive" }]);
  });

  it("file name = id", () => {
    expect(idOfFile("dir/sub/Problem 7.txt")).toBe("Problem 7");
    expect(idOfFile("x.TXT")).toBe("x");
  });

  it("tells JSON Lines from one pasted trace", () => {
    expect(looksLikeJsonl('{"question": "a", "reasoning": "b"}\n{"question": "c", "reasoning": "d"}\n')).toBe(2);
    expect(looksLikeJsonl('[{"question": "a"}, {"question": "b"}]')).toBe(2);
    expect(looksLikeJsonl("<think>\nLet me think {a} about it.\n</think>")).toBe(0);
    expect(looksLikeJsonl("{not json}\n")).toBe(0);
    expect(looksLikeJsonl('{"question": "a"}\nnot json\n{"question": "b"}')).toBe(3);
    expect(looksLikeJsonl("We have {x | x > 0}. So the set is open.")).toBe(0);
  });
});
