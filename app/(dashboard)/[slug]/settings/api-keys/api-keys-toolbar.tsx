"use client";

import { Loader2, Search } from "lucide-react";
import { Input } from "@/components/ui/input";
import { NativeSelect, NativeSelectOption } from "@/components/ui/native-select";
import { ENVIRONMENT_LABELS, ENVIRONMENTS, type Environment, type ListApiKeysQuery } from "@/lib/domain/api-keys/schemas";
import { cn } from "@/lib/utils";
import { ViewTabs } from "./view-tabs";

const STATUS_TABS = [
  { value: "active", label: "Active" },
  { value: "expiring", label: "Expiring soon" },
  { value: "inactive", label: "Inactive" },
  { value: "expired", label: "Expired" },
  { value: "revoked", label: "Revoked" },
] as const;

const SCOPE_TABS = [
  { value: "mine", label: "My keys" },
  { value: "all", label: "All keys" },
] as const;

/** Above the key list: whose keys (with api_keys:manage), which status, the search and the environment. */
export function ApiKeysToolbar({
  panelId,
  query,
  navigate,
  pending,
  canManage,
  search,
  searchInput,
  onSearchChange,
  onSearchSubmit,
}: {
  /** The tab panel (the table) the tabs control. */
  panelId: string;
  query: ListApiKeysQuery;
  navigate: (changes: Partial<ListApiKeysQuery>) => void;
  pending: boolean;
  canManage: boolean;
  search: string;
  searchInput: React.RefObject<HTMLInputElement | null>;
  onSearchChange: (value: string) => void;
  /** Enter: search now rather than after the typing pause. */
  onSearchSubmit: () => void;
}) {
  return (
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
              if (event.key === "Enter") onSearchSubmit();
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
  );
}
