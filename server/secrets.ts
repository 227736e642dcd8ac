/**
 * Secrets at rest (provider API keys): AES-256-GCM with a key from SPRINT_ENCRYPTION_KEY (32 bytes as 64 hex
 * characters or base64). Ciphertexts are self-describing `v1:<iv>:<tag>:<data>` (base64url) so keys can be
 * rotated later. Decrypted values stay on the server: routers return `maskSecret()` output, never plaintext.
 */
import crypto from "node:crypto";

const PREFIX = "v1";

export class SecretKeyError extends Error {}

export function parseKey(raw: string | undefined): Buffer {
  if (!raw) {
    throw new SecretKeyError(
      "SPRINT_ENCRYPTION_KEY is not set. Generate one with `openssl rand -hex 32` (npm start creates one under .data/ in embedded mode).",
    );
  }
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, "hex") : Buffer.from(raw, "base64");
  if (key.length !== 32) throw new SecretKeyError("SPRINT_ENCRYPTION_KEY must be 32 bytes (64 hex characters or base64).");
  return key;
}

export function encryptSecret(plaintext: string, key: Buffer = parseKey(process.env.SPRINT_ENCRYPTION_KEY)): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [PREFIX, iv.toString("base64url"), tag.toString("base64url"), data.toString("base64url")].join(":");
}

export function decryptSecret(ciphertext: string, key: Buffer = parseKey(process.env.SPRINT_ENCRYPTION_KEY)): string {
  const parts = ciphertext.split(":");
  if (parts.length !== 4 || parts[0] !== PREFIX) throw new Error("Not an encrypted secret (unknown format).");
  const [, iv, tag, data] = parts as [string, string, string, string];
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("Could not decrypt the secret: wrong SPRINT_ENCRYPTION_KEY or tampered data.");
  }
}

/** What the browser may see of a secret: whether it is set and its last 4 characters. */
export function maskSecret(plaintext: string | null | undefined): { set: boolean; hint: string | null } {
  if (!plaintext) return { set: false, hint: null };
  return { set: true, hint: plaintext.length > 8 ? `…${plaintext.slice(-4)}` : "…" };
}
