"use client";

import type { RowSelectionState, SortingState } from "@tanstack/react-table";
import { Ban, KeyRound, Loader2, Search, SearchX } from "lucide-react";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { NativeSelect, NativeSelectOption } from "@/components/ui/native-select";
import { ENVIRONMENT_LABELS, ENVIRONMENTS, type Environment, type ListApiKeysQuery } from "@/lib/domain/api-keys/schemas";
import { mayRollKeyOf, OWNER_KEY_ROLL_REFUSAL } from "@/lib/domain/api-keys/rules";
import type { Role } from "@/lib/domain/permissions";
import { cn } from "@/lib/utils";
import { getApiKeyColumns, type KeyAction } from "./columns";
import { CreateKeyButton } from "./create-key-dialog";
import { DataTable } from "@/components/data-table/data-table";
import { DataTablePagination } from "@/components/data-table/pagination";
import { EditKeyDialog } from "./edit-key-dialog";
import { keyState } from "./key-state";
import { hasFilters } from "./list-query";
import { RevokeKeyDialog } from "./revoke-key-dialog";
import { RevokeKeysDialog } from "./revoke-keys-dialog";
import { RollKeyDialog } from "./roll-key-dialog";
import type { ApiKeyRow } from "@/lib/domain/api-keys/key";
import { useListQuery } from "./use-list-query";
import { ViewTabs } from "./view-tabs";

const SEARCH_DEBOUNCE_MS = 300;

const STATUS_TABS = [
  { value: "active", label: "Active" },
  { value: "expiring", label: "Expiring soon" },
  { value: "inactive", label: "Inactive" },
  { value: "expired", label: "Expired" },
  { value: "revoked", label: "Revoked" },
] as const;

const TABLE_LABELS: Record<ListApiKeysQuery["status"], string> = {
  active: "Active keys",
  expiring: "Keys expiring within 7 days",
  inactive: "Inactive keys",
  expired: "Expired keys",
  revoked: "Revoked keys",
};

/** The views whose keys still work: their rows can be revoked, one by one or selected together. */
const REVOCABLE_VIEWS: readonly ListApiKeysQuery["status"][] = ["active", "expiring", "inactive"];

const SCOPE_TABS = [
  { value: "mine", label: "My keys" },
  { value: "all", label: "All keys" },
] as const;

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
  const [search, setSearch] = useState(renderedQuery.q ?? "");
  const searchTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const searchInput = useRef<HTMLInputElement>(null);
  // Revoked here, not yet gone from the server's rows: hidden at once, before router.refresh() lands.
  const [revokedIds, setRevokedIds] = useState<ReadonlySet<string>>(() => new Set());
  const [revokeTarget, setRevokeTarget] = useState<ApiKeyRow | null>(null);
  const [editTarget, setEditTarget] = useState<ApiKeyRow | null>(null);
  const [rollTarget, setRollTarget] = useState<ApiKeyRow | null>(null);
  // The row whose "More actions" menu opened Edit or Roll: focus goes back to it (or near it).
  // The Edit or Roll key button that opened a dialog (by key and action): focus goes back to it.
  const [menuKeyId, setMenuKeyId] = useState<{ id: string; action: "edit" | "roll" } | null>(null);
  const [rowSelection, setRowSelection] = useState<RowSelectionState>({});
  // The keys the open "Revoke N API keys?" dialog lists: fixed when it opens, null when closed.
  const [bulkKeys, setBulkKeys] = useState<ApiKeyRow[] | null>(null);
  // A selection belongs to the view it was made in: another tab, filter or page starts with none.
  const viewKey = JSON.stringify(renderedQuery);
  const [selectionView, setSelectionView] = useState(viewKey);
  if (selectionView !== viewKey) {
    setSelectionView(viewKey);
    setRowSelection({});
  }
  // The dialog has no Radix trigger, so focus is handed back by hand: to the Revoke button that
  // opened it, or (that row being gone) to the next row's, the previous row's, or Create new key.
  // Kept as a selector, not an element: the refresh after a revoke may re-render the target (the
  // empty state swaps the create button), and focus must follow it rather than fall to <body>.
  const [revokeButton, setRevokeButton] = useState<HTMLElement | null>(null);
  const focusAfterRevoke = useRef<{ selector: string; revokedId: string } | null>(null);

  useEffect(() => () => clearTimeout(searchTimer.current), []);

  // Back/Forward change the URL without this input: show the search that URL holds.
  useEffect(() => {
    function onPopState() {
      clearTimeout(searchTimer.current);
      setSearch(new URLSearchParams(window.location.search).get("q") ?? "");
    }
    window.addEventListener("popstate", onPopState);
    return () => window.removeEventListener("popstate", onPopState);
  }, []);

  const status = renderedQuery.status;
  const revocableView = REVOCABLE_VIEWS.includes(status);
  const visibleRows = revocableView ? rows.filter((row) => !revokedIds.has(row.id)) : rows;
  const visibleTotal = Math.max(0, total - (rows.length - visibleRows.length));
  // On "My keys" every key is the viewer's own: an Owner column would only repeat their name.
  const showOwner = canManage && renderedQuery.scope === "all";
  const selectable = revocableView && (canWrite || canManage);
  const organizationSlug = organization.slug;

  const canAct = useMemo(
    () => (row: ApiKeyRow) => (row.owner.id === currentUserId ? canWrite : canManage),
    [currentUserId, canWrite, canManage],
  );
  const owners = ownerIds.join(",");
  const rollRefusal = useMemo(() => {
    const ownerSet = new Set(owners.split(","));
    return (row: ApiKeyRow) =>
      mayRollKeyOf({ own: row.owner.id === currentUserId, actorRole: role, ownerRole: ownerSet.has(row.owner.id) ? "owner" : null }) ? null : OWNER_KEY_ROLL_REFUSAL;
  }, [owners, currentUserId, role]);
  const canSelectRow = useMemo(() => (row: ApiKeyRow) => canAct(row) && keyState(row, now).live, [canAct, now]);
  const selectedRows = selectable ? visibleRows.filter((row) => rowSelection[row.id] && canSelectRow(row)) : [];
  // Only what is on screen and selectable: the table's select-all counts these.
  const shownSelection: RowSelectionState = Object.fromEntries(selectedRows.map((row) => [row.id, true]));

  const columns = useMemo(
    () =>
      getApiKeyColumns({
        status,
        organizationSlug,
        showOwner,
        selectable,
        canAct,
        rollRefusal,
        onAction: (action: KeyAction, row, trigger) => {
          if (action === "revoke") {
            setRevokeButton(trigger);
            setRevokeTarget(row);
            return;
          }
          setMenuKeyId({ id: row.id, action });
          if (action === "edit") setEditTarget(row);
          else setRollTarget(row);
        },
      }),
    [status, organizationSlug, showOwner, selectable, canAct, rollRefusal],
  );

  const sorting: SortingState = [{ id: query.sort, desc: query.dir === "desc" }];

  function onSearchChange(value: string) {
    setSearch(value);
    clearTimeout(searchTimer.current);
    searchTimer.current = setTimeout(() => navigate({ q: value.trim() || undefined }, { history: "replace" }), SEARCH_DEBOUNCE_MS);
  }

  function flushSearch() {
    clearTimeout(searchTimer.current);
    if ((search.trim() || undefined) !== query.q) navigate({ q: search.trim() || undefined }, { history: "replace" });
  }

  function clearFilters() {
    clearTimeout(searchTimer.current);
    setSearch("");
    navigate({ q: undefined, environment: undefined });
    searchInput.current?.focus();
  }

  function onRevoked(key: ApiKeyRow) {
    const buttons = Array.from(document.querySelectorAll<HTMLElement>("[data-revoke-key]"));
    const index = buttons.findIndex((button) => button.dataset.revokeKey === key.id);
    const neighbour = buttons[index + 1] ?? buttons[index - 1];
    focusAfterRevoke.current = {
      selector: neighbour ? `[data-revoke-key="${neighbour.dataset.revokeKey}"]` : "[data-create-key-trigger]",
      revokedId: key.id,
    };
    setRevokedIds((current) => new Set(current).add(key.id));
    setRevokeTarget(null);
  }

  function onBulkRevoked(keys: ApiKeyRow[]) {
    setRevokedIds((current) => {
      const next = new Set(current);
      for (const key of keys) next.add(key.id);
      return next;
    });
    setRowSelection({});
    setBulkKeys(null);
  }

  /** After Edit or Roll: back to the button that opened it, or (the row gone, e.g. rolled immediately) the nearest thing. */
  function focusAfterRowDialog(event: Event) {
    const target =
      (menuKeyId && document.querySelector<HTMLElement>(`[data-key-${menuKeyId.action}="${menuKeyId.id}"]`)) ||
      document.querySelector<HTMLElement>("[data-key-edit]") ||
      document.querySelector<HTMLElement>("[data-create-key-trigger]");
    if (!target) return;
    event.preventDefault();
    target.focus();
  }

  // The refreshed list can replace the element focus was handed to (e.g. the last key gone, the
  // header's create button gives way to the empty state's): if focus fell to <body>, restore it.
  useEffect(() => {
    const pending = focusAfterRevoke.current;
    if (!pending) return;
    if (!document.activeElement || document.activeElement === document.body) {
      document.querySelector<HTMLElement>(pending.selector)?.focus();
    }
    // The server's list without the key has arrived: nothing will re-render the target again.
    if (!rows.some((row) => row.id === pending.revokedId)) focusAfterRevoke.current = null;
  }, [rows, isEmpty]);

  const filtered = hasFilters(renderedQuery);
  let empty: React.ReactNode;
  if (filtered) {
    empty = (
      <EmptyMessage icon={<SearchX aria-hidden="true" />} title="No keys match these filters">
        <p>Try another search or environment.</p>
        <Button variant="outline" size="sm" className="mt-3" onClick={clearFilters}>
          Clear filters
        </Button>
      </EmptyMessage>
    );
  } else if (status === "revoked") {
    empty = (
      <EmptyMessage title="No revoked keys">
        <p>Keys you revoke stay listed here, with who revoked them and when.</p>
      </EmptyMessage>
    );
  } else if (status === "expiring") {
    empty = (
      <EmptyMessage title="No keys expire within 7 days">
        <p>Keys with an expiration date show up here a week before they stop working.</p>
      </EmptyMessage>
    );
  } else if (status === "inactive") {
    empty = (
      <EmptyMessage title="No inactive keys">
        <p>Keys unused for 30 days, or never used in the 7 days since they were created, show up here.</p>
      </EmptyMessage>
    );
  } else if (status === "expired") {
    empty = (
      <EmptyMessage title="No expired keys">
        <p>Keys past their expiration date, and rolled keys once their overlap ends, are listed here.</p>
      </EmptyMessage>
    );
  } else {
    empty = (
      <EmptyMessage title="No active keys">
        <p>Keys you create appear here.</p>
      </EmptyMessage>
    );
  }

  return (
    <div className="grid gap-4">
      <div className="flex flex-col gap-3 lg:flex-row lg:items-center lg:justify-between">
        <div className="flex flex-wrap items-center gap-2">
          {canManage ? (
            <ViewTabs
              label="Whose keys"
              idPrefix={`${panelId}-scope`}
              panelId={panelId}
              value={query.scope}
              options={SCOPE_TABS}
              onValueChange={(scope) => navigate({ scope })}
            />
          ) : null}
          <ViewTabs
            label="Key status"
            idPrefix={`${panelId}-status`}
            panelId={panelId}
            value={query.status}
            options={STATUS_TABS}
            onValueChange={(status) => navigate({ status })}
          />
          <Loader2
            className={cn("size-4 animate-spin text-muted-foreground transition-opacity", pending ? "opacity-100" : "opacity-0")}
            aria-hidden="true"
          />
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <div className="relative w-full sm:w-64">
            <Search
              className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground"
              aria-hidden="true"
            />
            <Input
              ref={searchInput}
              type="search"
              aria-label="Search keys"
              title="Search by name, description, last 4 characters, owner or environment"
              placeholder="Name, last 4, owner…"
              className="pl-8"
              value={search}
              maxLength={64}
              onChange={(event) => onSearchChange(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === "Enter") flushSearch();
              }}
            />
          </div>
          <NativeSelect
            aria-label="Environment"
            value={query.environment ?? ""}
            onChange={(event) => navigate({ environment: (event.target.value || undefined) as Environment | undefined })}
          >
            <NativeSelectOption value="">All environments</NativeSelectOption>
            {ENVIRONMENTS.map((environment) => (
              <NativeSelectOption key={environment} value={environment}>
                {ENVIRONMENT_LABELS[environment]}
              </NativeSelectOption>
            ))}
          </NativeSelect>
        </div>
      </div>

      <div
        role="tabpanel"
        id={panelId}
        aria-labelledby={`${panelId}-status-${query.status}`}
        aria-busy={pending}
        className={cn("grid gap-4 transition-opacity", pending && "opacity-60")}
      >
        {isEmpty && visibleRows.length === 0 ? (
          <div className="flex flex-col items-center rounded-lg border border-dashed px-6 py-14 text-center">
            <div className="mb-4 flex size-11 items-center justify-center rounded-full bg-muted">
              <KeyRound className="size-5 text-muted-foreground" aria-hidden="true" />
            </div>
            <p className="text-base font-semibold">No API keys yet</p>
            <p className="mt-1 max-w-sm text-sm text-muted-foreground">
              {renderedQuery.scope === "all"
                ? "Nobody in this organization has created a key. Create one to let an application call the Paygentic API."
                : "Create a key to let your applications call the Paygentic API as you."}
            </p>
            {canWrite ? <CreateKeyButton className="mt-5" /> : null}
          </div>
        ) : (
          <>
            {selectedRows.length > 0 ? (
              <div className="flex flex-wrap items-center gap-x-3 gap-y-2 rounded-lg border bg-muted/40 px-3 py-2 text-sm">
                <span role="status">
                  {selectedRows.length} {selectedRows.length === 1 ? "key" : "keys"} selected
                </span>
                <Button
                  variant="destructive"
                  size="sm"
                  data-revoke-selected=""
                  onClick={() => setBulkKeys(selectedRows)}
                >
                  <Ban aria-hidden="true" />
                  Revoke selected ({selectedRows.length})
                </Button>
                <Button variant="ghost" size="sm" onClick={() => setRowSelection({})}>
                  Clear selection
                </Button>
              </div>
            ) : null}
            <DataTable
              label={TABLE_LABELS[status]}
              columns={columns}
              data={visibleRows}
              getRowId={(row) => row.id}
              meta={{ now }}
              rowSelection={selectable ? shownSelection : undefined}
              onRowSelectionChange={setRowSelection}
              canSelectRow={canSelectRow}
              sorting={sorting}
              onSortingChange={(next) => {
                const [first] = next;
                if (!first) return;
                navigate({ sort: first.id === "last_used" ? "last_used" : "created", dir: first.desc ? "desc" : "asc" });
              }}
              empty={empty}
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

      <RevokeKeyDialog
        organization={organization}
        apiKey={revokeTarget}
        currentUserId={currentUserId}
        onClose={() => setRevokeTarget(null)}
        onRevoked={onRevoked}
        onCloseAutoFocus={(event) => {
          const pending = focusAfterRevoke.current;
          const target = pending ? document.querySelector<HTMLElement>(pending.selector) : revokeButton;
          if (target?.isConnected) {
            event.preventDefault();
            target.focus();
          }
        }}
      />
      <EditKeyDialog organization={organization} apiKey={editTarget} onClose={() => setEditTarget(null)} onCloseAutoFocus={focusAfterRowDialog} />
      <RollKeyDialog organization={organization} apiKey={rollTarget} onClose={() => setRollTarget(null)} onCloseAutoFocus={focusAfterRowDialog} />
      <RevokeKeysDialog
        organization={organization}
        apiKeys={bulkKeys ?? []}
        currentUserId={currentUserId}
        open={bulkKeys !== null}
        onClose={() => setBulkKeys(null)}
        onRevoked={onBulkRevoked}
        onCloseAutoFocus={(event) => {
          const target =
            document.querySelector<HTMLElement>("[data-revoke-selected]") ??
            document.querySelector<HTMLElement>("[data-select-all]:not([disabled])") ??
            document.querySelector<HTMLElement>("[data-create-key-trigger]");
          if (!target) return;
          event.preventDefault();
          target.focus();
        }}
      />
    </div>
  );
}

function EmptyMessage({ title, icon, children }: { title: string; icon?: React.ReactNode; children: React.ReactNode }) {
  return (
    <div className="flex flex-col items-center py-6 text-sm text-muted-foreground">
      {icon ? <div className="mb-3 text-muted-foreground [&_svg]:size-6">{icon}</div> : null}
      <p className="font-medium text-foreground">{title}</p>
      <div className="mt-1 flex flex-col items-center">{children}</div>
    </div>
  );
}
