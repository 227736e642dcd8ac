/**
 * Shared by every caller of an OpenAI-compatible server (the curation LLM backend's chat client and the
 * inference engines): the SDK client for a workspace endpoint, the endpoint label for messages, the
 * server's requested wait, exponential backoff, and an abortable sleep.
 */
import OpenAI from "openai";

/** Header value marking "no API key": stripped again before the request leaves (the SDK insists on one). */
const NO_KEY = "sprint-studio-no-api-key";

/**
 * The official SDK for one endpoint, with its own retries off (callers retry with their policy) and nothing
 * picked up from the server's environment (OPENAI_API_KEY, organization, project). Without a key no
 * Authorization header is sent.
 */
export function openAIClient(opts: { baseURL: string; apiKey?: string | null; timeoutMs: number; headers?: Record<string, string> }): OpenAI {
  const hasKey = typeof opts.apiKey === "string" && opts.apiKey !== "";
  return new OpenAI({
    baseURL: opts.baseURL,
    apiKey: hasKey ? (opts.apiKey as string) : NO_KEY,
    organization: null,
    project: null,
    adminAPIKey: null,
    maxRetries: 0,
    timeout: opts.timeoutMs,
    ...(opts.headers ? { defaultHeaders: opts.headers } : {}),
    ...(hasKey
      ? {}
      : {
          fetch: (input: string | URL | Request, init?: RequestInit) => {
            const headers = new Headers(init?.headers);
            if (headers.get("authorization") === `Bearer ${NO_KEY}`) headers.delete("authorization");
            return fetch(input, { ...init, headers });
          },
        }),
  });
}

/** The endpoint without credentials, query or fragment, for error messages (`fallback` for a malformed URL). */
export function endpointLabel(baseURL: string, fallback: string): string {
  try {
    const u = new URL(baseURL);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/$/, "")}`;
  } catch {
    return fallback;
  }
}

/**
 * Milliseconds the server asked us to wait, from `retry-after-ms` or `Retry-After` (seconds or an
 * HTTP date); undefined when absent or unparsable.
 */
export function retryAfterMs(headers: Headers | undefined | null, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const ra = headers.get("retry-after");
  if (ra === null || ra.trim() === "") return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return secs >= 0 ? secs * 1000 : undefined;
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Backoff before retry number `retry` (1-based): `min(maxMs, baseMs · 2^(retry-1))`, jittered
 * uniformly into its upper half ("equal jitter") so concurrent callers spread out. Defaults 500 ms / 20 s.
 */
export function backoffDelayMs(retry: number, opts: { baseMs?: number; maxMs?: number } = {}, random: () => number = Math.random): number {
  const ceiling = Math.min(opts.maxMs ?? 20_000, (opts.baseMs ?? 500) * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** The error to throw for an aborted signal: its reason when that is an Error, else an AbortError. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error(typeof reason === "string" ? reason : "the operation was aborted");
  err.name = "AbortError";
  return err;
}

/** setTimeout as a promise that rejects with the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
