"use client";
/**
 * Command palette (Ctrl/⌘+K): navigation to every section and dataset, plus the commands the current page
 * registers with {@link useCommands} (e.g. approve / reject / edit on a review item). Type to filter,
 * ↑/↓ to choose, Enter to run, Escape to close.
 */
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useTRPC } from "@/lib/trpc";
import { useWorkspace } from "./workspace-context";

export interface Command {
  id: string;
  label: string;
  /** Shown on the right, e.g. the single-key shortcut. */
  hint?: string;
  group?: string;
  run(): void;
}

interface Registry {
  register(owner: string, commands: Command[]): void;
  unregister(owner: string): void;
  open(): void;
}

const Ctx = createContext<Registry | null>(null);

/** Registers page commands while the calling component is mounted. */
export function useCommands(owner: string, commands: Command[]) {
  const reg = useContext(Ctx);
  useEffect(() => {
    reg?.register(owner, commands);
    return () => reg?.unregister(owner);
  }, [reg, owner, commands]);
}

export function useOpenPalette(): () => void {
  const reg = useContext(Ctx);
  return useCallback(() => reg?.open(), [reg]);
}

export function CommandPaletteProvider({ children }: { children: ReactNode }) {
  const [pageCommands, setPageCommands] = useState<Record<string, Command[]>>({});
  const [open, setOpen] = useState(false);
  const registry = useMemo<Registry>(
    () => ({
      register: (owner, cmds) => setPageCommands((m) => ({ ...m, [owner]: cmds })),
      unregister: (owner) => setPageCommands((m) => { const n = { ...m }; delete n[owner]; return n; }),
      open: () => setOpen(true),
    }),
    [],
  );
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.metaKey || e.ctrlKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setOpen((v) => !v);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return (
    <Ctx.Provider value={registry}>
      {children}
      {open && <Palette pageCommands={Object.values(pageCommands).flat()} onClose={() => setOpen(false)} />}
    </Ctx.Provider>
  );
}

function Palette({ pageCommands, onClose }: { pageCommands: Command[]; onClose: () => void }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const router = useRouter();
  const datasets = useQuery(trpc.datasets.list.queryOptions({ workspaceId: ws.id }));
  const [q, setQ] = useState("");
  const [i, setI] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const all = useMemo<Command[]>(() => {
    const go = (path: string) => () => router.push(`/w/${ws.slug}${path}`);
    const nav: Command[] = [
      { id: "nav-studio", label: "Go to Studio", group: "Navigate", run: go("/studio") },
      { id: "nav-review", label: "Go to Review", group: "Navigate", run: go("/review") },
      { id: "nav-playground", label: "Go to Playground", group: "Navigate", run: go("/playground") },
      { id: "nav-models", label: "Go to Models", group: "Navigate", run: go("/models") },
      { id: "nav-evaluations", label: "Go to Evaluations", group: "Navigate", run: go("/evaluations") },
      { id: "nav-settings", label: "Go to Settings", group: "Navigate", run: go("/settings") },
    ];
    const ds: Command[] = (datasets.data ?? []).flatMap((d) => [
      { id: `ds-${d.id}`, label: `Open dataset: ${d.name}`, group: "Datasets", run: go(`/studio/${d.id}`) },
      { id: `rv-${d.id}`, label: `Review queue: ${d.name}`, group: "Datasets", run: go(`/review/${d.id}`) },
    ]);
    return [...pageCommands.map((c) => ({ ...c, group: c.group ?? "This page" })), ...nav, ...ds];
  }, [pageCommands, datasets.data, router, ws.slug]);

  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = all.filter((c) => words.every((w) => c.label.toLowerCase().includes(w))).slice(0, 50);
  const run = (c: Command | undefined) => {
    if (!c) return;
    onClose();
    c.run();
  };
  return (
    <div className="fixed inset-0 z-50 flex items-start justify-center bg-black/30 pt-24" onMouseDown={onClose} data-testid="command-palette">
      <div className="w-full max-w-lg overflow-hidden rounded-lg bg-white shadow-2xl" onMouseDown={(e) => e.stopPropagation()} role="dialog" aria-label="Command palette">
        <input
          ref={input}
          className="w-full border-b border-zinc-200 px-4 py-3 text-sm outline-none"
          placeholder="Type a command or a dataset…"
          value={q}
          onChange={(e) => { setQ(e.target.value); setI(0); }}
          onKeyDown={(e) => {
            if (e.key === "Escape") onClose();
            if (e.key === "ArrowDown") { e.preventDefault(); setI((x) => Math.min(shown.length - 1, x + 1)); }
            if (e.key === "ArrowUp") { e.preventDefault(); setI((x) => Math.max(0, x - 1)); }
            if (e.key === "Enter") { e.preventDefault(); run(shown[i]); }
          }}
          aria-label="Command"
        />
        <ul className="max-h-80 overflow-auto py-1" role="listbox">
          {shown.map((c, k) => (
            <li
              key={c.id}
              role="option"
              aria-selected={k === i}
              className={`flex cursor-pointer items-center justify-between px-4 py-2 text-sm ${k === i ? "bg-brand-50" : ""}`}
              onMouseEnter={() => setI(k)}
              onClick={() => run(c)}
            >
              <span><span className="mr-2 text-xs text-zinc-400">{c.group}</span>{c.label}</span>
              {c.hint && <kbd className="rounded border border-zinc-300 px-1.5 text-xs text-zinc-500">{c.hint}</kbd>}
            </li>
          ))}
          {shown.length === 0 && <li className="px-4 py-3 text-sm text-zinc-500">No matching command.</li>}
        </ul>
      </div>
    </div>
  );
}

/** A sidebar button that opens the palette (for mouse users; the shortcut is Ctrl/⌘+K). */
export function PaletteButton() {
  const open = useOpenPalette();
  return (
    <button className="flex w-full items-center justify-between rounded border border-zinc-200 px-2 py-1 text-left text-xs text-zinc-500 hover:bg-zinc-50" onClick={open} data-testid="open-palette">
      <span>Commands…</span>
      <kbd className="rounded border border-zinc-300 px-1">Ctrl K</kbd>
    </button>
  );
}
