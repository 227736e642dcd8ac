/** Browser-safe helpers for endpoint base URLs (the settings form and the endpoints service share them). */

/** The origin (scheme, host, port) of a URL, or null when it does not parse. */
export function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url.trim()).origin;
  } catch {
    return null;
  }
}

/** Whether two base URLs point at the same server (same origin). A URL that does not parse matches nothing. */
export function sameOrigin(a: string | null | undefined, b: string | null | undefined): boolean {
  const x = originOf(a);
  return x !== null && x === originOf(b);
}
