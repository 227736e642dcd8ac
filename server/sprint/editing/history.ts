/** A generic, immutable undo / redo history (the editor keeps its drafts in one). Pure. */

// ---------------------------------------------------------------------------------------------
// Undo / redo
// ---------------------------------------------------------------------------------------------

/** An immutable undo/redo history. */
export interface History<T> {
  readonly past: readonly T[];
  readonly present: T;
  readonly future: readonly T[];
  /** At most this many past states are kept (the oldest are dropped). */
  readonly limit: number;
}

export function createHistory<T>(present: T, limit = 100): History<T> {
  return { past: [], present, future: [], limit: Math.max(0, Math.floor(limit)) };
}

/** Records a new present (clearing redo). Pushing the present itself (same reference) is a no-op. */
export function push<T>(h: History<T>, next: T): History<T> {
  if (next === h.present) return h;
  const past = [...h.past, h.present];
  return { ...h, past: past.slice(Math.max(0, past.length - h.limit)), present: next, future: [] };
}

export function canUndo<T>(h: History<T>): boolean {
  return h.past.length > 0;
}

export function canRedo<T>(h: History<T>): boolean {
  return h.future.length > 0;
}

/** Steps back (no-op when there is nothing to undo). */
export function undo<T>(h: History<T>): History<T> {
  if (h.past.length === 0) return h;
  return { ...h, past: h.past.slice(0, -1), present: h.past[h.past.length - 1] as T, future: [h.present, ...h.future] };
}

/** Steps forward (no-op when there is nothing to redo). */
export function redo<T>(h: History<T>): History<T> {
  if (h.future.length === 0) return h;
  return { ...h, past: [...h.past, h.present], present: h.future[0] as T, future: h.future.slice(1) };
}

