import { describe, expect, it } from "vitest";
import crypto from "node:crypto";
import { decryptSecret, encryptSecret, maskSecret, parseKey, SecretKeyError } from "./secrets";

const key = crypto.randomBytes(32);

describe("secrets", () => {
  it("round-trips and uses a fresh IV each time", () => {
    const a = encryptSecret("sk-test-123456", key);
    const b = encryptSecret("sk-test-123456", key);
    expect(a).not.toBe(b);
    expect(a).not.toContain("sk-test");
    expect(decryptSecret(a, key)).toBe("sk-test-123456");
  });

  it("detects tampering and wrong keys", () => {
    const c = encryptSecret("secret", key);
    const parts = c.split(":");
    const data = Buffer.from(parts[3]!, "base64url");
    data[0] = data[0]! ^ 1;
    parts[3] = data.toString("base64url");
    expect(() => decryptSecret(parts.join(":"), key)).toThrow(/tampered/);
    expect(() => decryptSecret(c, crypto.randomBytes(32))).toThrow(/wrong SPRINT_ENCRYPTION_KEY/);
    expect(() => decryptSecret("plain", key)).toThrow(/unknown format/);
  });

  it("parses hex and base64 keys and explains bad ones", () => {
    expect(parseKey("ab".repeat(32))).toHaveLength(32);
    expect(parseKey(key.toString("base64"))).toEqual(key);
    expect(() => parseKey(undefined)).toThrow(SecretKeyError);
    expect(() => parseKey("short")).toThrow(/32 bytes/);
  });

  it("masks for the browser", () => {
    expect(maskSecret("sk-abcdefghijkl")).toEqual({ set: true, hint: "…ijkl" });
    expect(maskSecret("")).toEqual({ set: false, hint: null });
    expect(maskSecret("short")).toEqual({ set: true, hint: "…" });
  });
});
