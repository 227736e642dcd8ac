/**
 * Text Postgres cannot store, found before a write rather than by a failed batch: `text` and `jsonb`
 * reject U+0000 (NUL), and `jsonb` rejects unpaired UTF-16 surrogates (`"\ud800"` in JSON is valid for
 * JavaScript, not for Postgres). Browser-safe.
 */

// eslint-disable-next-line no-control-regex
const NUL = /\u0000/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// eslint-disable-next-line no-control-regex
const NUL_G = /\u0000/g;
const LONE_SURROGATE_G = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Why a string cannot be stored, or null. */
export function unstorableReason(s: string): string | null {
  if (NUL.test(s)) return "contains a NUL character (U+0000), which cannot be stored";
  if (LONE_SURROGATE.test(s)) return "contains an unpaired UTF-16 surrogate (a lone \\uD800–\\uDFFF escape), which cannot be stored";
  return null;
}

/**
 * Why a value (strings, object keys, nested arrays/objects) cannot be stored, with the path of the first
 * offending string ("reasoning", "metadata.extra.0"), or null. Iterative: no recursion limit.
 */
export function findUnstorable(value: unknown, maxNodes = 1_000_000): { path: string; reason: string } | null {
  const stack: [unknown, string][] = [[value, ""]];
  let nodes = 0;
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (++nodes > maxNodes) return { path, reason: "has too many values to check" };
    if (typeof v === "string") {
      const r = unstorableReason(v);
      if (r) return { path: path || "(value)", reason: r };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], path ? `${path}.${i}` : String(i)]);
    } else if (v !== null && typeof v === "object") {
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i]!;
        const r = unstorableReason(k);
        if (r) return { path: path ? `${path}.${k}` : k, reason: `key ${r}` };
        stack.push([x, path ? `${path}.${k}` : k]);
      }
    }
  }
  return null;
}

/** A displayable, storable copy: NUL → "␀" (U+2400), unpaired surrogates → U+FFFD. */
export function storableText(s: string): string {
  return s.replace(NUL_G, "\u2400").replace(LONE_SURROGATE_G, "\ufffd");
}

/** Depth of nested arrays/objects (a scalar is 0), counted iteratively; stops early beyond `limit`. */
export function nestingDepth(value: unknown, limit = Infinity): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    const depth = d + 1;
    if (depth > max) {
      max = depth;
      if (max > limit) return max;
    }
    if (Array.isArray(v)) for (const x of v) stack.push([x, depth]);
    else for (const x of Object.values(v as Record<string, unknown>)) stack.push([x, depth]);
  }
  return max;
}
