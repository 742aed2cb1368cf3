"use client";

import { KeyRound, SearchX } from "lucide-react";
import { DataTableEmptyMessage } from "@/components/data-table/empty-message";
import { Button } from "@/components/ui/button";
import type { ListApiKeysQuery } from "@/lib/domain/api-keys/schemas";
import { CreateKeyButton } from "./create-key-dialog";

const EMPTY_VIEWS: Record<ListApiKeysQuery["status"], { title: string; text: string }> = {
  active: { title: "No active keys", text: "Keys you create appear here." },
  expiring: { title: "No keys expire within 7 days", text: "Keys with an expiration date show up here a week before they stop working." },
  inactive: {
    title: "No inactive keys",
    text: "Keys unused for 30 days, or never used in the 7 days since they were created, show up here.",
  },
  expired: {
    title: "No expired keys",
    text: "Keys past their expiration date, and rolled keys once their overlap ends, are listed here.",
  },
  revoked: { title: "No revoked keys", text: "Keys you revoke stay listed here, with who revoked them and when." },
};

/** The table's empty row: nothing matches the filters, or this status has no keys. */
export function ApiKeysEmptyView({
  status,
  filtered,
  onClearFilters,
}: {
  status: ListApiKeysQuery["status"];
  filtered: boolean;
  onClearFilters: () => void;
}) {
  if (filtered) {
    return (
      <DataTableEmptyMessage icon={<SearchX aria-hidden="true" />} title="No keys match these filters">
        <p>Try another search or environment.</p>
        <Button variant="outline" size="sm" className="mt-3" onClick={onClearFilters}>
          Clear filters
        </Button>
      </DataTableEmptyMessage>
    );
  }
  const view = EMPTY_VIEWS[status];
  return (
    <DataTableEmptyMessage title={view.title}>
      <p>{view.text}</p>
    </DataTableEmptyMessage>
  );
}

/** The first run: no keys at all in this scope, before any filter. */
export function NoApiKeysYet({ scope, canWrite }: { scope: ListApiKeysQuery["scope"]; canWrite: boolean }) {
  return (
    <div className="flex flex-col items-center rounded-lg border border-dashed px-6 py-14 text-center">
      <div className="mb-4 flex size-11 items-center justify-center rounded-full bg-muted">
        <KeyRound className="size-5 text-muted-foreground" aria-hidden="true" />
      </div>
      <p className="text-base font-semibold">No API keys yet</p>
      <p className="mt-1 max-w-sm text-sm text-muted-foreground">
        {scope === "all"
          ? "Nobody in this organization has created a key. Create one to let an application call the Paygentic API."
          : "Create a key to let your applications call the Paygentic API as you."}
      </p>
      {canWrite ? <CreateKeyButton className="mt-5" /> : null}
    </div>
  );
}
