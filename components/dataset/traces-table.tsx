"use client";
/**
 * Server-paginated, virtualized trace table (TanStack Table for columns, TanStack Virtual for rows).
 * Filters, search and sort run in the database (server/curation/traces.ts); pages of 200 rows load as you
 * scroll, keyset-paged (each page continues after the previous page's last row). The total is fetched with
 * the first page only (an estimate beyond 20k matches, shown with "≈"; a search counts up to 1,000 and shows
 * "1,000+" beyond). While the reasoning's search index is still being built after an import, a reasoning
 * search says so ("reasoning indexed for N of M traces"), labels its results partial and refreshes until the
 * index caught up. Cells: trace-cells.tsx.
 * Keyboard: j/k or ↓/↑ move the selection, Enter opens the trace, / focuses search.
 */
import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTRPC } from "@/lib/trpc";
import { useWorkspace } from "../workspace-context";
import { NumberCell, QuestionCell, ReasonCell, ReductionCell, StatusCell } from "./trace-cells";

type Status = "uncurated" | "pending" | "running" | "kept" | "filtered" | "failed";
type Sort = "created" | "tokens" | "stages" | "reduction" | "sequential";
interface Row {
  id: string;
  externalId: string | null;
  question: string;
  reasoningTokens: number | null;
  curationStatus: string | null;
  reason: string | null;
  stageCount: number | null;
  sequentialTokens: number | null;
  reduction: number | null;
}

const PAGE = 200;
const nf = new Intl.NumberFormat("en");

const col = createColumnHelper<Row>();

/** `live`: a curation run is active: poll while it runs, refetch once when it ends. */
export function TracesTable({ datasetId, live }: { datasetId: string; live?: boolean }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const router = useRouter();
  const [status, setStatus] = useState<Status | "">("");
  const [search, setSearch] = useState("");
  const [inReasoning, setInReasoning] = useState(false);
  const [debounced, setDebounced] = useState("");
  const [minStages, setMinStages] = useState("");
  const [minReduction, setMinReduction] = useState("");
  const [maxTokens, setMaxTokens] = useState("");
  const [sort, setSort] = useState<Sort>("created");
  const [dir, setDir] = useState<"asc" | "desc">("asc");
  const [selected, setSelected] = useState(0);
  const searchRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(search), 250);
    return () => clearTimeout(t);
  }, [search]);

  const where = {
    workspaceId: ws.id,
    datasetId,
    ...(status ? { status } : {}),
    ...(debounced ? { search: debounced, searchIn: inReasoning ? ("reasoning" as const) : ("question" as const) } : {}),
    ...(minStages ? { minStages: Number(minStages) } : {}),
    ...(minReduction ? { minReduction: Number(minReduction) / 100 } : {}),
    ...(maxTokens ? { maxTokens: Number(maxTokens) } : {}),
  };
  const filters = {
    ...where,
    sort,
    dir,
    limit: PAGE,
  };
  const query = useInfiniteQuery({
    ...trpc.traces.list.infiniteQueryOptions(filters, {
      initialCursor: null,
      getNextPageParam: (last) => last.nextCursor ?? undefined,
    }),
    placeholderData: keepPreviousData,
    // While the reasoning index is incomplete, a reasoning search refreshes until it caught up.
    refetchInterval: (q) => (live || q.state.data?.pages[0]?.partial ? 3000 : false),
  });
  // The total: once per filter set (not per scroll page), in parallel with the first page.
  const count = useQuery({
    ...trpc.traces.count.queryOptions(where),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (live || q.state.data?.partial ? 3000 : false),
  });
  const qc = useQueryClient();
  const wasLive = useRef(false);
  useEffect(() => {
    if (wasLive.current && !live) {
      void qc.invalidateQueries({ queryKey: trpc.traces.list.infiniteQueryKey() });
      void qc.invalidateQueries({ queryKey: trpc.traces.count.queryKey() });
    }
    wasLive.current = !!live;
  }, [live, qc, trpc]);
  const rows = useMemo(() => query.data?.pages.flatMap((p) => p.rows as Row[]) ?? [], [query.data]);
  const first = query.data?.pages[0];
  const total = count.data ?? null;
  const searchScan = debounced !== "" && first ? (inReasoning && first.search.reasoning === "scan") || first.search.question === "scan" : false;
  const indexing = debounced !== "" && inReasoning && first?.reasoningIndex && !first.reasoningIndex.complete ? first.reasoningIndex : null;

  const columns = useMemo(
    () => [
      col.accessor("question", { header: "Question", cell: (c) => <QuestionCell question={c.getValue()} /> }),
      col.accessor("reasoningTokens", { header: "Tokens", cell: (c) => <NumberCell value={c.getValue()} /> }),
      col.accessor("curationStatus", { header: "Status", cell: (c) => <StatusCell status={c.getValue()} reason={c.row.original.reason} /> }),
      col.accessor("reason", { header: "Why kept / filtered", cell: (c) => <ReasonCell reason={c.getValue()} /> }),
      col.accessor("stageCount", { header: "Stages", cell: (c) => c.getValue() ?? "—" }),
      col.accessor("sequentialTokens", { header: "Seq. tokens", cell: (c) => <NumberCell value={c.getValue()} /> }),
      col.accessor("reduction", { header: "Reduction", cell: (c) => <ReductionCell value={c.getValue()} /> }),
    ],
    [],
  );
  const table = useReactTable({ data: rows, columns, getCoreRowModel: getCoreRowModel(), manualSorting: true, manualFiltering: true });

  const parentRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => parentRef.current, estimateSize: () => 52, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const lastItem = items[items.length - 1];
  useEffect(() => {
    if (lastItem && lastItem.index >= rows.length - 20 && query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
  }, [lastItem, rows.length, query]);

  const href = (id: string) => `/w/${ws.slug}/studio/${datasetId}/traces/${id}`;
  const onKey = (e: React.KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
    if (e.key === "j" || e.key === "ArrowDown") {
      e.preventDefault();
      setSelected((i) => Math.min(rows.length - 1, i + 1));
      virtualizer.scrollToIndex(Math.min(rows.length - 1, selected + 1));
    } else if (e.key === "k" || e.key === "ArrowUp") {
      e.preventDefault();
      setSelected((i) => Math.max(0, i - 1));
      virtualizer.scrollToIndex(Math.max(0, selected - 1));
    } else if (e.key === "Enter" && rows[selected]) {
      router.push(href(rows[selected].id));
    } else if (e.key === "/") {
      e.preventDefault();
      searchRef.current?.focus();
    }
  };
  // j/k, Enter and / work from anywhere on the page, without clicking into the table first.
  const onKeyRef = useRef(onKey);
  useEffect(() => {
    onKeyRef.current = onKey;
  });
  useEffect(() => {
    const h = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.metaKey || e.ctrlKey || e.altKey || document.querySelector("dialog[open]")) return;
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
      // Enter on another focused control (a button, a link elsewhere) belongs to that control.
      if (e.key === "Enter" && t && t !== document.body && !parentRef.current?.contains(t)) return;
      onKeyRef.current(e as unknown as React.KeyboardEvent);
    };
    window.addEventListener("keydown", h);
    return () => window.removeEventListener("keydown", h);
  }, []);
  const sortBy = (s: Sort) => {
    if (sort === s) setDir((d) => (d === "asc" ? "desc" : "asc"));
    else {
      setSort(s);
      setDir("desc");
    }
  };
  const SORTABLE: Record<string, Sort> = { reasoningTokens: "tokens", stageCount: "stages", sequentialTokens: "sequential", reduction: "reduction" };
  const grid = "grid grid-cols-[minmax(0,1fr)_80px_90px_minmax(0,180px)_64px_100px_84px] gap-3";

  return (
    <section className="card" data-testid="traces-table">
      <div className="flex flex-wrap items-end gap-2 border-b border-zinc-200 p-3 text-sm">
        <input ref={searchRef} className="input max-w-64" placeholder="Search question or id  ( / )" aria-label="Search traces" value={search} onChange={(e) => setSearch(e.target.value)} />
        <label className="flex items-center gap-1 text-xs text-zinc-600" title="Also match words of the reasoning (full-text: word prefixes; or &quot;quoted phrase&quot;, or, -word)">
          <input type="checkbox" aria-label="Search the reasoning too" checked={inReasoning} onChange={(e) => setInReasoning(e.target.checked)} />
          also in reasoning (words)
        </label>
        <select aria-label="Status filter" className="input w-36" value={status} onChange={(e) => setStatus(e.target.value as Status | "")}>
          <option value="">all statuses</option>
          {(["uncurated", "pending", "running", "kept", "filtered", "failed"] as const).map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
        <input aria-label="Minimum stages" className="input w-28" type="number" min={0} placeholder="min stages" value={minStages} onChange={(e) => setMinStages(e.target.value)} />
        <input aria-label="Minimum reduction %" className="input w-32" type="number" placeholder="min reduction %" value={minReduction} onChange={(e) => setMinReduction(e.target.value)} />
        <input aria-label="Maximum tokens" className="input w-28" type="number" min={0} placeholder="max tokens" value={maxTokens} onChange={(e) => setMaxTokens(e.target.value)} />
        <span className="ml-auto text-xs text-zinc-500" data-testid="traces-total" data-partial={total?.partial ? "true" : undefined} title={total ? totalTitle(total) : undefined}>
          {total === null ? "…" : totalText(total)}
        </span>
      </div>
      {searchScan && (
        <p className="border-b border-amber-200 bg-amber-50 px-3 py-1.5 text-xs text-amber-800" data-testid="search-scan-note">
          This database has no search index ({inReasoning ? "pg_trgm or the full-text index is missing" : "the pg_trgm extension is missing"}): search works, but scans the whole dataset.
        </p>
      )}
      {indexing && (
        <p className="border-b border-sky-200 bg-sky-50 px-3 py-1.5 text-xs text-sky-800" data-testid="search-indexing-note" role="status">
          Reasoning search is still indexing: reasoning indexed for {nf.format(indexing.indexed)} of {nf.format(indexing.total)} traces. These results and
          their total are partial (question and id matches are complete); the list refreshes until indexing is done.
        </p>
      )}
      <div className={`${grid} border-b border-zinc-200 bg-zinc-50 px-3 py-2 text-xs font-medium text-zinc-500`} role="row">
        {table.getHeaderGroups()[0]!.headers.map((h) => {
          const s = SORTABLE[h.column.id];
          return (
            <div key={h.id} role="columnheader">
              {s ? (
                <button className="hover:text-zinc-900" onClick={() => sortBy(s)}>
                  {flexRender(h.column.columnDef.header, h.getContext())} {sort === s ? (dir === "asc" ? "↑" : "↓") : ""}
                </button>
              ) : (
                flexRender(h.column.columnDef.header, h.getContext())
              )}
            </div>
          );
        })}
      </div>
      <div ref={parentRef} tabIndex={0} className="h-[560px] overflow-auto outline-none" aria-label="Traces (j/k to move, Enter to open)" role="grid">
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {items.map((vi) => {
            const row = table.getRowModel().rows[vi.index];
            if (!row) return null;
            return (
              <Link
                key={row.id}
                href={href(row.original.id)}
                data-testid="trace-row"
                role="row"
                aria-selected={vi.index === selected}
                onMouseEnter={() => setSelected(vi.index)}
                className={`${grid} absolute left-0 right-0 items-center border-b border-zinc-100 px-3 text-sm ${vi.index === selected ? "bg-brand-50" : "hover:bg-zinc-50"}`}
                style={{ top: vi.start, height: vi.size }}
              >
                {row.getVisibleCells().map((c) => (
                  <div key={c.id} role="gridcell" className="min-w-0 tabular-nums">{flexRender(c.column.columnDef.cell, c.getContext())}</div>
                ))}
              </Link>
            );
          })}
        </div>
        {!query.isLoading && rows.length === 0 && <EmptyTraces filtered={Boolean(status || debounced || minStages || minReduction || maxTokens)} importHref={ws.can("curator") ? `/w/${ws.slug}/studio/${datasetId}/import` : null} />}
      </div>
    </section>
  );
}

interface Total {
  count: number;
  exact: boolean;
  atLeast?: boolean;
  partial?: boolean;
}

/** Exact ("12 traces"), estimated ("≈ 48,000 traces"), a lower bound ("1,000+ traces"), or partial while indexing. */
function totalText(t: Total): string {
  const n = nf.format(t.count);
  const base = t.atLeast ? `${n}+ traces` : `${t.exact ? "" : "≈ "}${n} traces`;
  return t.partial ? `${base} so far (indexing)` : base;
}

function totalTitle(t: Total): string | undefined {
  if (t.partial) return "Counted among the traces whose reasoning is indexed so far; more may match once indexing is done";
  if (t.atLeast) return `At least ${nf.format(t.count)} matches (searches count up to ${nf.format(t.count)})`;
  if (!t.exact) return "Estimated from table statistics";
  return undefined;
}

/** An empty dataset asks for an import (with the link, for curators); an empty filter result says so. */
function EmptyTraces({ filtered, importHref }: { filtered: boolean; importHref: string | null }) {
  if (filtered) return <p className="p-6 text-center text-sm text-zinc-500">No traces match these filters.</p>;
  return (
    <div className="p-6 text-center text-sm text-zinc-500" data-testid="traces-empty">
      <p className="font-medium text-zinc-700">No traces in this dataset yet.</p>
      {importHref ? (
        <p className="mt-1">
          Import traces (JSONL: OpenThoughts, s1K, R1 output or plain question/reasoning rows) to start curating:{" "}
          <Link className="text-brand-700 underline" href={importHref}>open the importer</Link>.
        </p>
      ) : (
        <p className="mt-1">A curator imports traces; they will show here.</p>
      )}
    </div>
  );
}
