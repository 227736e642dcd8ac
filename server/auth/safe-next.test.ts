import { describe, expect, it } from "vitest";
import { safeNextPath } from "./safe-next";

describe("safeNextPath", () => {
  it("keeps same-site paths with query and hash", () => {
    expect(safeNextPath("/w/demo/studio")).toBe("/w/demo/studio");
    expect(safeNextPath("/w/demo/review?tab=mine#item-3")).toBe("/w/demo/review?tab=mine#item-3");
    expect(safeNextPath("/invite/abc-DEF_123")).toBe("/invite/abc-DEF_123");
  });

  it.each([
    ["//evil.example/x"],
    ["/\\evil.example/x"],
    ["\\\\evil.example"],
    ["/\\/evil.example"],
    ["https://evil.example/x"],
    ["http:evil.example"],
    ["javascript:alert(1)"],
    ["/\t/evil.example"],
    ["/\n/evil.example"],
    ["/\r\n/evil.example"],
    [" //evil.example"],
    ["/\u0000/evil.example"],
    ["/a/../..//evil.example"],
    ["/%2e%2e//evil.example"],
    ["evil.example"],
    [""],
    ["/" + "a".repeat(3000)],
  ])("rejects %j", (next) => {
    expect(safeNextPath(next)).toBe("/");
  });

  it("rejects non-strings and uses the fallback", () => {
    expect(safeNextPath(undefined)).toBe("/");
    expect(safeNextPath(null, "/home")).toBe("/home");
    expect(safeNextPath(["/a"])).toBe("/");
  });

  it("percent-encoded slashes stay a path on this site", () => {
    const out = safeNextPath("/%2F%2Fevil.example");
    expect(out.startsWith("//")).toBe(false);
    expect(new URL(out, "https://studio.test").origin).toBe("https://studio.test");
  });
});
