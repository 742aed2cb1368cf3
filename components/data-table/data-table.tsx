"use client";

import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type RowData,
  type RowSelectionState,
  type SortingState,
  type TableMeta,
  type Updater,
  type VisibilityState,
} from "@tanstack/react-table";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";

declare module "@tanstack/react-table" {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the type parameters must match TanStack's declaration
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Classes for this column's header and body cells. */
    className?: string;
    /** The label above the value when rows are stacked as cards (below `sm`); defaults to the header text. */
    label?: string;
    /** On a card the cell takes the whole width (names, actions). */
    fullWidth?: boolean;
    /** Stays in view at the table's right edge while the rest scrolls sideways (row actions). */
    pinned?: boolean;
  }

  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the type parameter must match TanStack's declaration
  interface TableMeta<TData extends RowData> {
    /** Server time (ms) at render: relative times are measured against it, so hydration matches. */
    now?: number;
    /** What a table's static columns need from their owner (permissions, handlers): see `tableContext`. */
    context?: unknown;
  }
}

/** The `context` a table's owner passed in `meta`, typed by the columns that read it. */
export function tableContext<TContext>(table: { options: { meta?: { context?: unknown } } }): TContext {
  return table.options.meta?.context as TContext;
}

const NO_SORTING: SortingState = [];

const PINNED = "sm:sticky sm:right-0 sm:bg-background sm:shadow-[-1px_0_0_var(--border)]";
// Opaque, yet the same shade as the header row's translucent bg-muted/40.
const PINNED_HEAD = "sm:bg-[color-mix(in_oklab,var(--muted)_40%,var(--background))]";

type DataTableProps<TData, TValue> = {
  columns: ColumnDef<TData, TValue>[];
  data: TData[];
  getRowId: (row: TData) => string;
  /** The table's accessible name. */
  label: string;
  /** Sorting is done by the database: the table only shows and reports it. None when omitted. */
  sorting?: SortingState;
  onSortingChange?: (sorting: SortingState) => void;
  /**
   * Columns are a static list; the ones that depend on the view or the viewer's role are hidden
   * here (by column id) rather than left out of the list.
   */
  columnVisibility?: VisibilityState;
  /** Rows become cards below `sm` (see globals.css); off for tables that scroll sideways instead. */
  stacked?: boolean;
  /** Rendered in a full-width row when there are no rows. */
  empty?: React.ReactNode;
  /**
   * Values every cell reads through `table.options.meta`. Passing them here rather than closing over
   * them in `columns` keeps the cell components' identity stable: a new cell function would remount
   * its cell, and a focused row action would drop focus to <body>.
   */
  meta?: TableMeta<TData>;
  /** Row selection (by row id), when the owner offers actions on several rows at once. */
  rowSelection?: RowSelectionState;
  onRowSelectionChange?: (selection: RowSelectionState) => void;
  /** Which rows may be selected; the others get no checkbox and are left out of "select all". */
  canSelectRow?: (row: TData) => boolean;
  className?: string;
};

/**
 * A generic table over TanStack Table (shadcn "tasks" layout). Sorting and pagination are manual:
 * the server returns one sorted page, and the owner of the URL state re-fetches.
 */
export function DataTable<TData, TValue>({
  columns,
  data,
  getRowId,
  label,
  sorting = NO_SORTING,
  onSortingChange,
  columnVisibility,
  stacked = true,
  empty,
  meta,
  rowSelection,
  onRowSelectionChange,
  canSelectRow,
  className,
}: DataTableProps<TData, TValue>) {
  // eslint-disable-next-line react-hooks/incompatible-library -- the table instance is rebuilt from props on every render; nothing memoises it
  const table = useReactTable({
    data,
    columns,
    getRowId,
    getCoreRowModel: getCoreRowModel(),
    meta,
    manualSorting: true,
    manualPagination: true,
    manualFiltering: true,
    enableMultiSort: false,
    enableRowSelection: rowSelection ? (row) => canSelectRow?.(row.original) ?? true : false,
    state: { sorting, rowSelection: rowSelection ?? {}, columnVisibility: columnVisibility ?? {} },
    onSortingChange: (updater: Updater<SortingState>) =>
      onSortingChange?.(typeof updater === "function" ? updater(sorting) : updater),
    onRowSelectionChange: (updater: Updater<RowSelectionState>) =>
      onRowSelectionChange?.(typeof updater === "function" ? updater(rowSelection ?? {}) : updater),
  });

  const rows = table.getRowModel().rows;

  return (
    <div className={cn("overflow-hidden rounded-lg border bg-background", className)}>
      <Table aria-label={label} data-stacked={stacked ? "" : undefined}>
        <TableHeader className="bg-muted/40">
          {table.getHeaderGroups().map((headerGroup) => (
            <TableRow key={headerGroup.id} className="hover:bg-transparent">
              {headerGroup.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                return (
                  <TableHead
                    key={header.id}
                    scope="col"
                    aria-sort={
                      !header.column.getCanSort()
                        ? undefined
                        : sorted === "asc"
                          ? "ascending"
                          : sorted === "desc"
                            ? "descending"
                            : "none"
                    }
                    className={cn(
                      "h-11 px-3 text-muted-foreground",
                      header.column.columnDef.meta?.pinned && [PINNED, PINNED_HEAD],
                      header.column.columnDef.meta?.className,
                    )}
                  >
                    {header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext())}
                  </TableHead>
                );
              })}
            </TableRow>
          ))}
        </TableHeader>
        <TableBody>
          {rows.length > 0 ? (
            rows.map((row) => (
              <TableRow key={row.id} data-state={row.getIsSelected() ? "selected" : undefined}>
                {row.getVisibleCells().map((cell) => {
                  const columnMeta = cell.column.columnDef.meta;
                  const header = cell.column.columnDef.header;
                  // An empty `label` means the card shows the value alone (a member's name and email).
                  const cardLabel = columnMeta?.label ?? (typeof header === "string" ? header : undefined);
                  return (
                    <TableCell
                      key={cell.id}
                      data-label={cardLabel || undefined}
                      data-span={columnMeta?.fullWidth ? "full" : undefined}
                      className={cn("px-3 py-3", columnMeta?.pinned && PINNED, columnMeta?.className)}
                    >
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </TableCell>
                  );
                })}
              </TableRow>
            ))
          ) : (
            <TableRow className="hover:bg-transparent">
              <TableCell colSpan={table.getVisibleLeafColumns().length} data-span="full" className="h-40 px-4 text-center whitespace-normal">
                {empty}
              </TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
    </div>
  );
}
