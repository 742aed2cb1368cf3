import type { Metadata } from "next";
import { CalendarClock } from "lucide-react";
import Link from "next/link";
import { redirect } from "next/navigation";
import { toApiKeyRow } from "@/lib/domain/api-keys/key";
import { countExpiringSoon, listActiveKeyNames, listApiKeys } from "@/lib/domain/api-keys/store";
import { settingsPath } from "@/lib/domain/organizations/url";
import { ownerIds } from "@/lib/domain/members/members";
import { permissionsOf } from "@/lib/domain/permissions";
import { requireMember } from "@/lib/auth/context";
import { Suspense } from "react";
import { Skeleton } from "@/components/ui/skeleton";
import { ApiKeysTable } from "../api-keys-table";
import { OrganizationActivity } from "../organization-activity";
import { CreateKeyButton, CreateKeyProvider } from "../create-key-dialog";
import { DEFAULT_LIST_QUERY, hasFilters, listQueryHref, parseListQuery } from "../list-query";

export const metadata: Metadata = { title: "API Keys" };

// A server component renders once per request, so reading the clock here is stable (the purity
// lint targets client re-renders). The client measures "3 minutes ago" against this value.
function requestTime(): number {
  return Date.now();
}

export default async function ApiKeysPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const member = await requireMember((await params).slug);
  const organization = { slug: member.organization.slug, name: member.organization.name };
  const requested = parseListQuery(await searchParams);
  const canManage = member.can("api_keys:manage");
  const canWrite = member.can("api_keys:write");
  // Only managers may list other members' keys; anyone else asking for scope=all gets their own.
  const query = { ...requested, scope: canManage ? requested.scope : ("mine" as const) };

  const ownerId = query.scope === "mine" ? member.user.id : undefined;
  const [result, activeKeyNames, expiringSoon, owners] = await Promise.all([
    listApiKeys({ organizationId: member.organization.id, ownerId, query }),
    canWrite ? listActiveKeyNames(member.organization.id, member.user.id) : [],
    countExpiringSoon(member.organization.id, ownerId),
    // Whose keys are an owner's: Roll key is disabled on them for anyone but an owner (mayRollKeyOf).
    canManage ? ownerIds(member.organization.id) : [],
  ]);
  // Past the last page (e.g. its last key was just revoked): go to the last page that exists.
  if (result.rows.length === 0 && result.total > 0 && (query.cursor || query.page > result.pageCount)) {
    redirect(listQueryHref(settingsPath(organization.slug), { ...query, cursor: undefined, page: result.pageCount }));
  }
  // Previous came back to the first rows, or the list shrank to one page: page 1's own address.
  if (query.cursor && result.page === 1) {
    redirect(listQueryHref(settingsPath(organization.slug), { ...query, cursor: undefined, page: 1 }));
  }

  const isEmpty = result.total === 0 && query.status === "active" && !hasFilters(query);

  return (
    <CreateKeyProvider organization={organization} activeKeyNames={activeKeyNames} permissions={permissionsOf(member.role)}>
      <div className="grid gap-6">
        <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
          <div className="grid gap-1">
            <h1 className="text-2xl font-semibold tracking-tight">API Keys</h1>
            <p className="max-w-2xl text-sm text-muted-foreground">
              Keys authenticate your applications to the Paygentic API. Each key acts as its owner, with the
              owner&apos;s current permissions in {member.organization.name}.{" "}
              <Link href="/docs/api" className="font-medium text-foreground underline underline-offset-4 hover:no-underline">
                API reference
              </Link>
            </p>
          </div>
          {/* In the first-run state the empty panel carries the page's only "Create new key" button. */}
          {canWrite && !isEmpty ? <CreateKeyButton className="shrink-0" /> : null}
        </div>
        {expiringSoon > 0 && query.status !== "expiring" ? (
          <div className="flex items-start gap-2.5 rounded-lg border border-warning/50 bg-warning/10 px-4 py-3 text-sm">
            <CalendarClock className="mt-0.5 size-4 shrink-0 text-[color-mix(in_oklab,var(--warning)_45%,black)] dark:text-warning" aria-hidden="true" />
            <p>
              <Link
                href={listQueryHref(settingsPath(organization.slug), { ...DEFAULT_LIST_QUERY, scope: query.scope, status: "expiring" })}
                className="font-medium underline underline-offset-4 hover:no-underline"
              >
                {expiringSoon === 1 ? "1 key expires" : `${expiringSoon} keys expire`} within 7 days
              </Link>
              <span className="text-muted-foreground">
                . Roll {expiringSoon === 1 ? "it" : "them"} to replace {expiringSoon === 1 ? "it" : "them"} without downtime, or
                let {expiringSoon === 1 ? "it" : "them"} lapse.
              </span>
            </p>
          </div>
        ) : null}
        {canManage && !isEmpty ? (
          // Streamed after the list: the counts never hold the key table back. The fallback has the
          // panel's height, so nothing moves when it arrives.
          <Suspense fallback={<Skeleton className="h-[15.5rem] w-full rounded-lg" />}>
            <OrganizationActivity organization={{ id: member.organization.id }} />
          </Suspense>
        ) : null}
        <ApiKeysTable
          organization={organization}
          rows={result.rows.map(toApiKeyRow)}
          total={result.total}
          pageCount={result.pageCount}
          page={result.page}
          previousCursor={result.previousCursor}
          nextCursor={result.nextCursor}
          query={query}
          now={requestTime()}
          currentUserId={member.user.id}
          role={member.role}
          ownerIds={owners}
          canWrite={canWrite}
          canManage={canManage}
          isEmpty={isEmpty}
        />
      </div>
    </CreateKeyProvider>
  );
}
