const COLORS: Record<string, string> = {
  validating: "bg-zinc-100 text-zinc-700",
  queued: "bg-zinc-100 text-zinc-700",
  running: "bg-blue-100 text-blue-800",
  succeeded: "bg-green-100 text-green-800",
  failed: "bg-red-100 text-red-800",
  cancelled: "bg-amber-100 text-amber-800",
};

export function FineTuneStatusBadge({ status }: { status: string }) {
  return (
    <span data-testid="finetune-status" className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${COLORS[status] ?? "bg-zinc-100"}`}>
      {status}
    </span>
  );
}

export function AliasChip({ name, protectedAlias }: { name: string; protectedAlias?: boolean }) {
  return (
    <span data-testid="alias-chip" className="mr-1 inline-flex items-center gap-1 rounded-full border border-brand-100 bg-brand-50 px-2 py-0.5 font-mono text-xs text-brand-700" title={protectedAlias ? "protected: only admins move it" : undefined}>
      @{name}
      {protectedAlias && (
        <svg aria-label="protected" role="img" viewBox="0 0 16 16" className="h-3 w-3 fill-current">
          <path d="M4 7V5a4 4 0 1 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 1 0-4 0v2z" />
        </svg>
      )}
    </span>
  );
}
