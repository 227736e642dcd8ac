import { describe, expect, it } from "vitest";
import { cursorAfter, reasoningQuery } from "./traces";

describe("reasoningQuery", () => {
  it("matches every plain word as a prefix, lower-cased, with nothing but letters and digits reaching to_tsquery", () => {
    const q = reasoningQuery("Backtrack x^2 'sum' & | !");
    expect(q?.sql).toContain("to_tsquery('simple'::regconfig,");
    expect(q?.values).toEqual(["backtrack:* & x:* & 2:* & sum:*"]);
  });

  it("uses web-search syntax for phrases, or and exclusions", () => {
    for (const s of ['"case split"', "parity or modulo", "discriminant -roots"]) {
      const q = reasoningQuery(s);
      expect(q?.sql).toContain("websearch_to_tsquery('simple'::regconfig,");
      expect(q?.values).toEqual([s]);
    }
    expect(reasoningQuery("error-prone")?.sql).toContain("to_tsquery("); // a hyphen inside a word is not an exclusion
  });

  it("has no query without a word", () => {
    expect(reasoningQuery("  $$ ++ ")).toBeNull();
  });
});

describe("cursorAfter", () => {
  it("is opaque and bound to its sort", () => {
    const c = cursorAfter("created", "asc", new Date("2026-01-01T00:00:00.000Z"), "abc");
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(c, "base64url").toString())).toEqual({ k: "created:asc", v: "2026-01-01T00:00:00.000Z", id: "abc" });
    expect(JSON.parse(Buffer.from(cursorAfter("stages", "desc", null, "x"), "base64url").toString())).toEqual({ k: "stages:desc", v: null, id: "x" });
  });
});
