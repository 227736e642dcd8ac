import { describe, expect, it } from "vitest";
import { findUnstorable, nestingDepth, storableText, unstorableReason } from "./storable";
import { RecordSplitter } from "./reader";

const NUL = String.fromCharCode(0);

describe("storable text", () => {
  it("finds NUL and unpaired surrogates, keeps real pairs", () => {
    expect(unstorableReason("fine 🙂")).toBeNull();
    expect(unstorableReason(`a${NUL}b`)).toMatch(/NUL/);
    expect(unstorableReason("a\ud800b")).toMatch(/unpaired/);
    expect(unstorableReason("a\udc00b")).toMatch(/unpaired/);
    expect(storableText(`a${NUL}b\ud800`)).toBe("a\u2400b\ufffd");
    expect(storableText("🙂")).toBe("🙂");
  });

  it("walks values and keys iteratively, naming the path", () => {
    expect(findUnstorable({ question: "q", metadata: { list: ["ok", `x${NUL}`] } })).toEqual({ path: "metadata.list.1", reason: expect.stringMatching(/NUL/) });
    expect(findUnstorable({ [`k${NUL}`]: 1 })?.reason).toMatch(/^key /);
    let deep: unknown = "leaf\ud800";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnstorable(deep)?.reason).toMatch(/unpaired/);
    expect(nestingDepth(deep)).toBe(100_000);
    expect(nestingDepth(deep, 64)).toBe(65);
    expect(nestingDepth({ a: [1, { b: 2 }] })).toBe(3);
    expect(nestingDepth("x")).toBe(0);
  });
});

describe("reader limits", () => {
  const enc = new TextEncoder();
  it("a 100,000-deep line is an error record; its neighbours are read; excerpts carry no NUL", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const text = `{"a":1}\n{"x":${deep}}\n{"b":"raw ${NUL} byte"}\n{"c":3}\n`;
    const s = new RecordSplitter();
    const out = [...s.push(enc.encode(text)), ...s.end()];
    expect(out.map((r) => ("error" in r ? `E${r.line}` : `V${r.line}`))).toEqual(["V1", "E2", "E3", "V4"]);
    const e2 = out[1] as { error: string };
    expect(e2.error).toBe("Nested too deeply: more than 64 levels of arrays or objects");
    const e3 = out[2] as { error: string; excerpt: string };
    expect(e3.error).toMatch(/^Invalid JSON: Bad control character/);
    expect(e3.excerpt).not.toContain(NUL);
    expect(e3.excerpt).toContain("\u2400");
  });
});
