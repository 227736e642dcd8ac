"use client";
import { useEffect, useRef, useState, type ReactNode } from "react";

/** A modal confirmation with an optional note; Escape cancels. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  withNote,
  pending,
  error,
  onCancel,
  onConfirm,
}: {
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  withNote?: boolean;
  pending?: boolean;
  error?: string | null;
  onCancel: () => void;
  onConfirm: (note: string) => void;
}) {
  const [note, setNote] = useState("");
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} className="m-auto w-full max-w-md rounded-lg p-0 shadow-xl backdrop:bg-black/30" onCancel={(e) => { e.preventDefault(); onCancel(); }} data-testid="confirm-dialog">
      <form className="space-y-3 p-5" onSubmit={(e) => { e.preventDefault(); onConfirm(note.trim()); }}>
        <h2 className="text-base font-semibold">{title}</h2>
        {children && <div className="text-sm text-zinc-600">{children}</div>}
        {withNote && (
          <label className="block">
            <span className="label">Note (optional)</span>
            <textarea className="input mt-1 w-full" rows={3} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
        )}
        {error && <p role="alert" className="text-sm text-red-600">{error}</p>}
        <div className="flex justify-end gap-2">
          <button type="button" className="btn-secondary" onClick={onCancel}>Cancel</button>
          <button type="submit" className="btn-primary" disabled={pending} autoFocus>{pending ? "Working…" : confirmLabel}</button>
        </div>
      </form>
    </dialog>
  );
}
