/**
 * The list table of the studio's pages (fine-tunes, model registry, model versions, import history): a
 * column list, one row per item. Browser-safe (React only, no server import) and without "use client": it
 * renders wherever its caller does.
 */
import type { ReactNode } from "react";

/** One column: its header and how an item fills its cell. */
export interface DataColumn<T> {
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Right-aligned header and cells (numbers, actions). */
  align?: "right";
  /** Extra classes of the column's cells (e.g. "font-mono text-xs", "tabular-nums"). */
  className?: string;
}

export interface DataTableProps<T> {
  columns: readonly DataColumn<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  /** A data-testid per row. */
  rowTestId?: (row: T) => string;
  /**
   * "plain" (default): header text only, rows divided by hairlines (a table inside a card under its own
   * toolbar); "shaded": a shaded header band and a hairline above every row.
   */
  variant?: "plain" | "shaded";
  /** Extra classes of the table element (spacing). */
  className?: string;
  "data-testid"?: string;
}

const cellClass = (align: "right" | undefined, extra?: string) => ["px-4 py-2", align === "right" ? "text-right" : "", extra ?? ""].filter(Boolean).join(" ");

export function DataTable<T>({ columns, rows, rowKey, rowTestId, variant = "plain", className, "data-testid": testId }: DataTableProps<T>) {
  const shaded = variant === "shaded";
  return (
    <table className={["w-full text-sm", className ?? ""].filter(Boolean).join(" ")} data-testid={testId}>
      <thead className={shaded ? "bg-zinc-50 text-left text-xs text-zinc-500" : "text-left text-xs text-zinc-500"}>
        <tr>
          {columns.map((c, i) => (
            <th key={i} className={cellClass(c.align)}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className={shaded ? undefined : "divide-y divide-zinc-100"}>
        {rows.map((row) => (
          <tr key={rowKey(row)} className={shaded ? "border-t border-zinc-100" : undefined} data-testid={rowTestId?.(row)}>
            {columns.map((c, i) => (
              <td key={i} className={cellClass(c.align, c.className)}>
                {c.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
