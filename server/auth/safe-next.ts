/**
 * The one check for a post-sign-in destination (`?next=` on /sign-in, the sign-in form's hidden field, the
 * OAuth buttons): only a path on this site is accepted, anything else becomes the fallback ("/").
 *
 * Rejected: non-strings, empty or over-long values, anything that does not start with a single "/"
 * (`//evil.example`, `https://…`, `javascript:`), backslashes (browsers read `/\evil.example` as
 * `//evil.example`), ASCII control characters and whitespace (the URL parser strips tabs and newlines, so
 * `/\t/evil.example` would become `//evil.example`). What remains is parsed with `new URL(next, origin)`:
 * the origin must be unchanged, and the normalised path must itself not start with "//" (`/a/../..//x`).
 * The returned value is the normalised path + query + hash, so what is checked is what is redirected to.
 */
const CHECK_ORIGIN = "https://sprint-studio.invalid";
const MAX_LENGTH = 2048;

export function safeNextPath(next: unknown, fallback = "/"): string {
  if (typeof next !== "string" || next === "" || next.length > MAX_LENGTH) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u0020\u007f-\u009f\u2028\u2029]/.test(next)) return fallback;
  if (!next.startsWith("/") || next.startsWith("//")) return fallback;
  let url: URL;
  try {
    url = new URL(next, CHECK_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== CHECK_ORIGIN) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!path.startsWith("/") || path.startsWith("//") || path.includes("\\")) return fallback;
  return path;
}
