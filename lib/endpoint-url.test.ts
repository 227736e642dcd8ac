import { describe, expect, it } from "vitest";
import { originOf, sameOrigin } from "./endpoint-url";

describe("endpoint URL origins (a stored API key stays with its server)", () => {
  it("same scheme, host and port is the same server, whatever the path", () => {
    expect(sameOrigin("http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1/")).toBe(true);
    expect(sameOrigin("https://api.openai.com/v1", "https://API.openai.com/other")).toBe(true);
    expect(sameOrigin("https://api.example.com:443/v1", "https://api.example.com/v1")).toBe(true);
  });
  it("another host, port or scheme is another server", () => {
    expect(sameOrigin("http://127.0.0.1:8000/v1", "http://127.0.0.1:8001/v1")).toBe(false);
    expect(sameOrigin("https://api.openai.com/v1", "https://api.openai.com.evil.test/v1")).toBe(false);
    expect(sameOrigin("http://api.example.com/v1", "https://api.example.com/v1")).toBe(false);
    expect(sameOrigin("https://user@api.example.com/v1", "https://api.example.com/v1")).toBe(true);
  });
  it("a URL that does not parse matches nothing", () => {
    expect(originOf("not a url")).toBeNull();
    expect(sameOrigin("not a url", "not a url")).toBe(false);
    expect(sameOrigin(null, null)).toBe(false);
  });
});
