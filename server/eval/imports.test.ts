import { describe, expect, it } from "vitest";
import { collectOutputs } from "./imports";
import { writeZip } from "./zip";

const ids = new Set(["test/algebra/1.json", "test/geometry/1.json", "test/algebra/2.json", "cd-1-0"]);

describe("collectOutputs", () => {
  it("maps file paths to ids by whole path, by suffix, or by a unique file name", () => {
    const r = collectOutputs(
      [
        { name: "run-3/test/algebra/1.json.txt", content: "a" },
        { name: "2.json.txt", content: "b" },
        { name: "cd-1-0.md", content: "c" },
        { name: "1.json.txt", content: "ambiguous: algebra or geometry" },
        { name: "notes.pdf", content: "" },
      ],
      ids,
    );
    expect([...r.outputs]).toEqual([["test/algebra/1.json", "a"], ["test/algebra/2.json", "b"], ["cd-1-0", "c"]]);
    expect(r.unknown).toEqual(["1.json"]);
    expect(r.issues.map((i) => i.message)).toEqual(["notes.pdf: skipped (expected .txt, .md, .jsonl or .zip)"]);
  });
  it("reads JSONL rows and zips of files, reporting duplicates and bad rows", () => {
    const zip = writeZip([
      { name: "out/test/geometry/1.json.txt", data: Buffer.from("g") },
      { name: "__MACOSX/._x.txt", data: Buffer.from("junk") },
      { name: "out/rows.jsonl", data: Buffer.from(`${JSON.stringify({ id: "cd-1-0", output: "x" })}\n{bad\n${JSON.stringify({ id: "test/geometry/1.json", output: "again" })}`) },
    ]);
    const r = collectOutputs([{ name: "o.zip", base64: zip.toString("base64") }], ids);
    expect([...r.outputs]).toEqual([["test/geometry/1.json", "g"], ["cd-1-0", "x"]]);
    expect(r.issues.map((i) => i.message)).toEqual([expect.stringMatching(/^out\/rows.jsonl: not valid JSON/), 'out/rows.jsonl: a second output for "test/geometry/1.json" (first one kept)']);
  });
  it("a broken zip is a clear error", () => {
    expect(() => collectOutputs([{ name: "o.zip", base64: Buffer.from("nope").toString("base64") }], ids)).toThrow(/o.zip: Not a zip file/);
  });
});
