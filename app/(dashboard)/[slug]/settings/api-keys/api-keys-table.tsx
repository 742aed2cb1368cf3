"use client";

import type { SortingState } from "@tanstack/react-table";
import { useId, useState } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { DataTablePagination } from "@/components/data-table/pagination";
import type { ApiKeyRow } from "@/lib/domain/api-keys/key";
import type { ListApiKeysQuery } from "@/lib/domain/api-keys/schemas";
import { settingsPath } from "@/lib/domain/organizations/url";
import type { Role } from "@/lib/domain/permissions";
import { cn } from "@/lib/utils";
import { ApiKeyDialogs, type KeyDialogTarget } from "./api-key-dialogs";
import { ApiKeysEmptyView, NoApiKeysYet } from "./api-keys-empty-state";
import { ApiKeysToolbar } from "./api-keys-toolbar";
import { BulkActionBar } from "./bulk-action-bar";
import { apiKeyColumns, apiKeyColumnVisibility, type ApiKeyTableContext } from "./columns";
import { hasFilters } from "./list-query";
import { useKeyFocusReturn } from "./use-key-focus-return";
import { useKeyPermissions } from "./use-key-permissions";
import { useKeySearch } from "./use-key-search";
import { useKeySelection } from "./use-key-selection";
import { useListQuery } from "./use-list-query";

const TABLE_LABELS: Record<ListApiKeysQuery["status"], string> = {
  active: "Active keys",
  expiring: "Keys expiring within 7 days",
  inactive: "Inactive keys",
  expired: "Expired keys",
  revoked: "Revoked keys",
};

/** The views whose keys still work: their rows can be revoked, one by one or selected together. */
const REVOCABLE_VIEWS: readonly ListApiKeysQuery["status"][] = ["active", "expiring", "inactive"];

export type ApiKeysTableProps = {
  /** The organization the page shows: revocations act on it, and its dialog names it. */
  organization: { slug: string; name: string };
  rows: ApiKeyRow[];
  total: number;
  pageCount: number;
  /** The page shown (by a cursor, `query.page` as far as the keys allow). */
  page: number;
  /** Where Previous and Next continue from; null where there is no such page. */
  previousCursor: string | null;
  nextCursor: string | null;
  /** The query the server rendered `rows` for (scope already limited by permission). */
  query: ListApiKeysQuery;
  /** Server time (ms) at render: relative times are computed against it, so hydration matches. */
  now: number;
  currentUserId: string;
  /** The viewer's role, and the organization's owners (when the viewer sees others' keys): for Roll key. */
  role: Role;
  ownerIds: string[];
  canWrite: boolean;
  canManage: boolean;
  /** No keys at all for this view, before any filter: the first-run state. */
  isEmpty: boolean;
};

export function ApiKeysTable({
  organization,
  rows,
  total,
  pageCount,
  page,
  previousCursor,
  nextCursor,
  query: renderedQuery,
  now,
  currentUserId,
  role,
  ownerIds,
  canWrite,
  canManage,
  isEmpty,
}: ApiKeysTableProps) {
  const panelId = useId();
  const { query, navigate, pending } = useListQuery(renderedQuery);
  const search = useKeySearch(renderedQuery.q, query.q, navigate);
  const clearFilters = search.clearFilters;
  const focus = useKeyFocusReturn(rows, isEmpty);
  // Revoked here, not yet gone from the server's rows: hidden at once, before router.refresh() lands.
  const [revokedIds, setRevokedIds] = useState<ReadonlySet<string>>(() => new Set());
  const [dialog, setDialog] = useState<KeyDialogTarget>(null);

  const status = renderedQuery.status;
  const revocableView = REVOCABLE_VIEWS.includes(status);
  const visibleRows = revocableView ? rows.filter((row) => !revokedIds.has(row.id)) : rows;
  const visibleTotal = Math.max(0, total - (rows.length - visibleRows.length));
  const selectable = revocableView && (canWrite || canManage);
  const columnVisibility = apiKeyColumnVisibility({ status, showOwner: canManage && renderedQuery.scope === "all", selectable });

  const { canAct, rollRefusal } = useKeyPermissions({ currentUserId, role, ownerIds, canWrite, canManage });
  const selection = useKeySelection({ view: JSON.stringify(renderedQuery), rows: visibleRows, selectable, canAct, now });

  const context: ApiKeyTableContext = {
    status,
    keysPath: settingsPath(organization.slug),
    canAct,
    rollRefusal,
    onAction: (action, row, trigger) => {
      if (action === "revoke") focus.openedRevoke(trigger);
      else focus.openedRowDialog(row.id, action);
      setDialog({ kind: action, key: row });
    },
  };

  const sorting: SortingState = [{ id: query.sort, desc: query.dir === "desc" }];

  function onRevoked(key: ApiKeyRow) {
    focus.revoked(key.id);
    setRevokedIds((current) => new Set(current).add(key.id));
    setDialog(null);
  }

  function onBulkRevoked(keys: ApiKeyRow[]) {
    setRevokedIds((current) => {
      const next = new Set(current);
      for (const key of keys) next.add(key.id);
      return next;
    });
    selection.clear();
    setDialog(null);
  }

  return (
    <div className="grid gap-4">
      <ApiKeysToolbar
        panelId={panelId}
        query={query}
        navigate={navigate}
        pending={pending}
        canManage={canManage}
        search={search.search}
        searchInput={search.input}
        onSearchChange={search.change}
        onSearchSubmit={search.flush}
      />

      <div
        role="tabpanel"
        id={panelId}
        aria-labelledby={`${panelId}-status-${query.status}`}
        aria-busy={pending}
        className={cn("grid gap-4 transition-opacity", pending && "opacity-60")}
      >
        {isEmpty && visibleRows.length === 0 ? (
          <NoApiKeysYet scope={renderedQuery.scope} canWrite={canWrite} />
        ) : (
          <>
            <BulkActionBar count={selection.selectedRows.length} onRevoke={() => setDialog({ kind: "bulk", keys: selection.selectedRows })} onClear={selection.clear} />
            <DataTable
              label={TABLE_LABELS[status]}
              columns={apiKeyColumns}
              columnVisibility={columnVisibility}
              data={visibleRows}
              getRowId={(row) => row.id}
              meta={{ now, context }}
              rowSelection={selectable ? selection.shownSelection : undefined}
              onRowSelectionChange={selection.setRowSelection}
              canSelectRow={selection.canSelectRow}
              sorting={sorting}
              onSortingChange={(next) => {
                const [first] = next;
                if (!first) return;
                navigate({ sort: first.id === "last_used" ? "last_used" : "created", dir: first.desc ? "desc" : "asc" });
              }}
              empty={<ApiKeysEmptyView status={status} filtered={hasFilters(renderedQuery)} onClearFilters={clearFilters} />}
            />
            <DataTablePagination
              total={visibleTotal}
              page={pending ? query.page : page}
              pageCount={pageCount}
              pageSize={query.size}
              hasPrevious={previousCursor !== null}
              hasNext={nextCursor !== null}
              // By cursors, which read from the index where the shown page ends instead of counting
              // past every key before it. Previous keeps its cursor even towards page 1: keys added
              // since would otherwise push rows between the two pages out of sight. (A Previous that
              // reaches the first rows lands on page 1's plain address.)
              onPrevious={() => navigate({ page: Math.max(1, page - 1), cursor: previousCursor ?? undefined })}
              onNext={() => navigate({ page: page + 1, cursor: nextCursor ?? undefined })}
              onPageSizeChange={(size) => navigate({ size })}
            />
          </>
        )}
      </div>

      <ApiKeyDialogs
        organization={organization}
        currentUserId={currentUserId}
        target={dialog}
        onClose={() => setDialog(null)}
        onRevoked={onRevoked}
        onBulkRevoked={onBulkRevoked}
        focus={focus}
      />
    </div>
  );
}
