"use client";

import { Download, Loader2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect, NativeSelectOption } from "@/components/ui/native-select";
import { EXPOSED_KEY_REPORT } from "@/lib/domain/audit/filters";
import { auditLogHref, hasFilters, type AuditLogQuery } from "./query";

type Person = { id: string; name: string; email: string };

type AuditLogFiltersProps = {
  path: string;
  /** The filters the page shows (no cursor). */
  query: AuditLogQuery;
  actions: string[];
  actors: Person[];
  /** How to name an actor filter that isn't one of `actors` (a key, a former member). */
  actorFilterLabel: string | null;
  exportHref: string;
};

/**
 * A choice in a select navigates to the URL of the new filters (from the newest events again) and
 * the server renders that page. Without JavaScript the form submits the same query with Apply.
 */
export function AuditLogFilters({ path, query, actions, actors, actorFilterLabel, exportHref }: AuditLogFiltersProps) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const id = useId();
  // The fields follow the server's filters (after a navigation, Back or Forward) without being
  // remounted, so focus stays where the keyboard left it.
  const [shown, setShown] = useState(query);
  const [draft, setDraft] = useState(query);
  if (JSON.stringify(shown) !== JSON.stringify(query)) {
    setShown(query);
    setDraft(query);
  }
  const apply = (changes: Partial<AuditLogQuery>) => {
    const next = { ...draft, ...changes };
    setDraft(next);
    startTransition(() => router.push(auditLogHref(path, next), { scroll: false }));
  };
  // A date applies when it is whole and differs from the page's: on Enter or on leaving the field,
  // not on every keystroke (typing a year passes through 0002, 0020, 0202…).
  const applyDate = (name: "from" | "to", input: HTMLInputElement) => {
    if (input.validity.badInput) return;
    const value = input.value || undefined;
    if (value !== query[name]) apply({ [name]: value });
  };
  const actorListed = !draft.actor || draft.actor === EXPOSED_KEY_REPORT || actors.some((a) => a.id === draft.actor);

  return (
    <form
      method="get"
      action={path}
      className="flex flex-col gap-3 lg:flex-row lg:flex-wrap lg:items-end"
      aria-busy={pending || undefined}
      onSubmit={(event) => {
        event.preventDefault();
        apply({});
      }}
    >
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-action`}>Action</Label>
        <NativeSelect
          id={`${id}-action`}
          name="action"
          value={draft.action ?? ""}
          wrapperClassName="w-full lg:w-56"
          onChange={(event) => apply({ action: event.currentTarget.value || undefined })}
        >
          <NativeSelectOption value="">All actions</NativeSelectOption>
          {actions.map((action) => (
            <NativeSelectOption key={action} value={action}>
              {action}
            </NativeSelectOption>
          ))}
        </NativeSelect>
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-actor`}>Actor</Label>
        <NativeSelect
          id={`${id}-actor`}
          name="actor"
          value={draft.actor ?? ""}
          wrapperClassName="w-full lg:w-64"
          onChange={(event) => apply({ actor: event.currentTarget.value || undefined })}
        >
          <NativeSelectOption value="">All actors</NativeSelectOption>
          {actors.map((actor) => (
            <NativeSelectOption key={actor.id} value={actor.id}>
              {actor.name} ({actor.email})
            </NativeSelectOption>
          ))}
          <NativeSelectOption value={EXPOSED_KEY_REPORT}>Exposed-key report</NativeSelectOption>
          {actorListed ? null : <NativeSelectOption value={draft.actor}>{actorFilterLabel ?? "Former member"}</NativeSelectOption>}
        </NativeSelect>
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-from`}>From</Label>
        <Input
          id={`${id}-from`}
          name="from"
          type="date"
          value={draft.from ?? ""}
          max={draft.to}
          className="w-full lg:w-40"
          onChange={(event) => setDraft({ ...draft, from: event.currentTarget.value || undefined })}
          onBlur={(event) => applyDate("from", event.currentTarget)}
          onKeyDown={(event) => {
            if (event.key === "Enter") applyDate("from", event.currentTarget);
          }}
        />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-to`}>To</Label>
        <Input
          id={`${id}-to`}
          name="to"
          type="date"
          value={draft.to ?? ""}
          min={draft.from}
          className="w-full lg:w-40"
          onChange={(event) => setDraft({ ...draft, to: event.currentTarget.value || undefined })}
          onBlur={(event) => applyDate("to", event.currentTarget)}
          onKeyDown={(event) => {
            if (event.key === "Enter") applyDate("to", event.currentTarget);
          }}
        />
      </div>
      <noscript>
        <Button type="submit" variant="secondary">
          Apply
        </Button>
      </noscript>
      <div className="flex items-center gap-2 lg:ml-auto">
        {pending ? (
          <span role="status" className="flex items-center gap-1.5 text-sm text-muted-foreground">
            <Loader2 className="size-4 animate-spin" aria-hidden="true" />
            Loading events…
          </span>
        ) : null}
        {hasFilters(draft) ? (
          <Button asChild variant="ghost">
            <Link href={path}>Clear filters</Link>
          </Button>
        ) : null}
        <Button asChild variant="outline">
          {/* A plain link: the route answers a CSV attachment, which the browser downloads. */}
          <a href={exportHref} download>
            <Download aria-hidden="true" />
            Export CSV
          </a>
        </Button>
      </div>
    </form>
  );
}
