import { describe, expect, it } from "vitest";
import { parseUploadParams } from "./params";

const parse = (qs: string) => parseUploadParams(new URL(`http://x/api/datasets/d/imports?${qs}`));

describe("parseUploadParams", () => {
  it("defaults", () => {
    expect(parse("")).toEqual({ ok: true, params: { fileName: "upload.jsonl", preset: "auto", mapping: {}, size: null, format: "auto" } });
  });

  it("reads every parameter", () => {
    const mapping = JSON.stringify({ question: "a.b", reasoning: "c.0.d", answer: "" });
    expect(parse(`fileName=${encodeURIComponent("my file.json")}&preset=custom&mapping=${encodeURIComponent(mapping)}&size=1234&format=json`)).toEqual({
      ok: true,
      params: { fileName: "my file.json", preset: "custom", mapping: { question: "a.b", reasoning: "c.0.d" }, size: 1234, format: "json" },
    });
  });

  it("refuses bad values with a reason", () => {
    expect(parse("preset=nope")).toMatchObject({ ok: false, error: expect.stringContaining('Unknown preset "nope"') });
    expect(parse("mapping=%7Bnot")).toMatchObject({ ok: false, error: expect.stringContaining("mapping must be a JSON object") });
    expect(parse(`mapping=${encodeURIComponent('{"bogus":"x"}')}`)).toMatchObject({ ok: false, error: expect.stringContaining("Invalid mapping") });
    expect(parse("preset=custom")).toMatchObject({ ok: false, error: expect.stringContaining("needs a mapping") });
    expect(parse("size=-1")).toMatchObject({ ok: false });
    expect(parse("format=csv")).toMatchObject({ ok: false });
  });
});
