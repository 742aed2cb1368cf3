import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { toApiKeyRow } from "@/lib/api-keys/key";
import { listActiveKeyNames, listApiKeys } from "@/lib/api-keys/store";
import { settingsPath } from "@/lib/organization-url";
import { requireMember } from "@/lib/session";
import { ApiKeysTable } from "./api-keys-table";
import { CreateKeyButton, CreateKeyProvider } from "./create-key-dialog";
import { hasFilters, listQueryHref, parseListQuery } from "./list-query";

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

  const [result, activeKeyNames] = await Promise.all([
    listApiKeys({
      organizationId: member.organization.id,
      ownerId: query.scope === "mine" ? member.user.id : undefined,
      query,
    }),
    canWrite ? listActiveKeyNames(member.organization.id, member.user.id) : [],
  ]);
  // Past the last page (e.g. its last key was just revoked): go to the last page that exists.
  if (result.rows.length === 0 && result.total > 0 && query.page > result.pageCount) {
    redirect(listQueryHref(settingsPath(organization.slug), { ...query, page: result.pageCount }));
  }

  const isEmpty = result.total === 0 && query.status === "active" && !hasFilters(query);

  return (
    <CreateKeyProvider organization={organization} activeKeyNames={activeKeyNames}>
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
        <ApiKeysTable
          organization={organization}
          rows={result.rows.map(toApiKeyRow)}
          total={result.total}
          pageCount={result.pageCount}
          query={query}
          now={requestTime()}
          currentUserId={member.user.id}
          canWrite={canWrite}
          canManage={canManage}
          isEmpty={isEmpty}
        />
      </div>
    </CreateKeyProvider>
  );
}
