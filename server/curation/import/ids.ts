/**
 * Row ids for bulk inserts done in SQL (Prisma's `@default(cuid())` is generated client-side, so raw
 * INSERTs need their own): cuid-shaped — "c", a base-36 millisecond timestamp, a per-process counter and
 * random base-36 characters; 25 characters, roughly time-ordered, unique across processes.
 */
import { randomBytes } from "node:crypto";

let counter = Math.floor(Math.random() * 36 ** 4);
const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

function randomBase36(n: number): string {
  const bytes = randomBytes(n);
  let s = "";
  for (let i = 0; i < n; i++) s += ALPHABET[(bytes[i] as number) % 36];
  return s;
}

/** A new cuid-shaped id (25 characters). */
export function newId(): string {
  counter = (counter + 1) % 36 ** 4;
  return `c${Date.now().toString(36).padStart(8, "0").slice(-8)}${counter.toString(36).padStart(4, "0")}${randomBase36(12)}`;
}
