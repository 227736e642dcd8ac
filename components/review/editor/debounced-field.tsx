"use client";
/**
 * A textarea (or one-line input) that keeps its own text while the user types and hands it to the
 * draft ~150 ms after the last keystroke (and at once on blur), so a keystroke re-renders one field,
 * not the whole editor. A change of `value` from outside (undo, redo, split, merge) replaces the
 * local text. Optionally a "Split at cursor" button reports the caret position.
 */
import { useCallback, useEffect, useId, useRef, useState } from "react";

const DEBOUNCE_MS = 150;

export function DebouncedField({
  label,
  value,
  onCommit,
  multiline = true,
  placeholder,
  testId,
  onSplit,
  splitLabel = "Split at cursor",
  invalid,
}: {
  label: string;
  value: string;
  onCommit: (text: string) => void;
  multiline?: boolean;
  placeholder?: string;
  testId?: string;
  /** Offers a split button: called with the caret offset and the current text. */
  onSplit?: (offset: number, text: string) => void;
  splitLabel?: string;
  invalid?: boolean;
}) {
  const id = useId();
  const [local, setLocal] = useState(value);
  const [seen, setSeen] = useState(value);
  if (value !== seen) {
    // Changed from outside (undo/redo/split/merge or our own commit coming back).
    setSeen(value);
    setLocal(value);
  }
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pending = useRef<string | null>(null);
  const ref = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const commitRef = useRef(onCommit);
  useEffect(() => {
    commitRef.current = onCommit;
  }, [onCommit]);

  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const text = pending.current;
    pending.current = null;
    if (text !== null) commitRef.current(text);
  }, []);

  useEffect(() => () => {
    // Unmounting (e.g. the step was merged away): drop the pending text rather than apply it to a
    // step id that may now mean another step.
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const onChange = (text: string) => {
    setLocal(text);
    pending.current = text;
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(flush, DEBOUNCE_MS);
  };

  const lines = local.split("\n").length;
  const common = {
    id,
    ref,
    value: local,
    placeholder,
    "data-testid": testId,
    "aria-invalid": invalid || undefined,
    onBlur: flush,
    className: `input font-mono text-xs ${multiline ? "field-sizing-content max-h-72 min-h-[3.25rem]" : ""} ${invalid ? "border-red-400" : ""}`,
  };
  return (
    <div>
      <div className="flex items-center justify-between gap-2">
        <label htmlFor={id} className="text-xs font-medium text-zinc-600">
          {label}
        </label>
        {onSplit && (
          <button
            type="button"
            className="text-xs text-brand-600 hover:underline"
            // Keep the caret: the textarea blurs on click, but selectionStart survives.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => {
              const el = ref.current;
              const offset = el ? el.selectionStart ?? local.length : local.length;
              flush();
              onSplit(offset, local);
            }}
            aria-label={`${splitLabel} (${label.toLowerCase()})`}
            title="Put the cursor where the second part should start"
          >
            ✂ {splitLabel}
          </button>
        )}
      </div>
      {multiline ? (
        <textarea {...common} rows={Math.min(14, Math.max(2, lines))} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...common} type="text" onChange={(e) => onChange(e.target.value)} />
      )}
    </div>
  );
}
