"use client";

import type { RowSelectionState } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import type { ApiKeyRow } from "@/lib/domain/api-keys/key";
import { keyState } from "./key-state";

/**
 * The keys ticked for "Revoke selected". A selection belongs to the view it was made in (`view`,
 * the rendered query): another tab, filter or page starts with none. Only live keys the viewer may
 * act on can be selected.
 */
export function useKeySelection({
  view,
  rows,
  selectable,
  canAct,
  now,
}: {
  view: string;
  rows: ApiKeyRow[];
  selectable: boolean;
  canAct: (row: ApiKeyRow) => boolean;
  now: number;
}) {
  const [rowSelection, setRowSelection] = useState<RowSelectionState>({});
  const [selectionView, setSelectionView] = useState(view);
  if (selectionView !== view) {
    setSelectionView(view);
    setRowSelection({});
  }
  const canSelectRow = useMemo(() => (row: ApiKeyRow) => canAct(row) && keyState(row, now).live, [canAct, now]);
  const selectedRows = selectable ? rows.filter((row) => rowSelection[row.id] && canSelectRow(row)) : [];
  // Only what is on screen and selectable: the table's select-all counts these.
  const shownSelection: RowSelectionState = Object.fromEntries(selectedRows.map((row) => [row.id, true]));
  return { selectedRows, shownSelection, canSelectRow, setRowSelection, clear: () => setRowSelection({}) };
}
