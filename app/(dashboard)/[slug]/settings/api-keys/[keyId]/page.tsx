import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ChevronLeft } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { toApiKeyRow } from "@/lib/domain/api-keys/key";
import { keyRefusalsByCode, keyRequestSeries } from "@/lib/domain/api-keys/request-stats";
import { effectivePermissions, expiresSoon, isExpired, mayRollKeyOf } from "@/lib/domain/api-keys/rules";
import { ENVIRONMENT_LABELS } from "@/lib/domain/api-keys/schemas";
import { ApiKeyError, getApiKeyDetails, readApiKey } from "@/lib/domain/api-keys/store";
import { API_ERROR_HELP, type ApiErrorCode } from "@/lib/http/errors";
import { settingsPath } from "@/lib/domain/organizations/url";
import { permissionsOf, ROLE_LABELS } from "@/lib/domain/permissions";
import { requireMember } from "@/lib/auth/context";
import { PERMISSION_DESCRIPTIONS } from "../permission-labels";
import { RequestsChart } from "../requests-chart";
import { KeyActions } from "./key-actions";
import { KeyTime } from "./key-time";

export const metadata: Metadata = { title: "API key" };

// A server component renders once per request: reading the clock here is stable.
function requestTime(): number {
  return Date.now();
}

/**
 * One key's page: its facts, what it may do, where it was last used, its requests over 30 days and
 * its refusals. Own keys for everyone; any key of the organization with api_keys:manage; anything
 * else (another member's key, another organization's, a made-up id) is the app's 404 page.
 */
export default async function ApiKeyPage({ params }: { params: Promise<{ slug: string; keyId: string }> }) {
  const { slug, keyId } = await params;
  const member = await requireMember(slug);
  const organization = { slug: member.organization.slug, name: member.organization.name };
  const key = await readApiKey({
    organizationId: member.organization.id,
    keyId,
    viewer: { userId: member.user.id, permissions: new Set(permissionsOf(member.role)) },
  }).catch((error: unknown) => {
    if (error instanceof ApiKeyError) notFound();
    throw error;
  });
  const [details, daily, hourly, refusals] = await Promise.all([
    getApiKeyDetails(member.organization.id, key),
    keyRequestSeries({ organizationId: member.organization.id, keyId: key.id, range: "30d" }),
    keyRequestSeries({ organizationId: member.organization.id, keyId: key.id, range: "24h" }),
    keyRefusalsByCode({ organizationId: member.organization.id, keyId: key.id, days: 30 }),
  ]);
  const now = requestTime();
  const expiresAt = key.expiresAt ? new Date(key.expiresAt) : null;
  const expired = !key.revokedAt && isExpired(expiresAt, now);
  const live = !key.revokedAt && !expired;
  const effective = details.ownerRole ? effectivePermissions(details.ownerRole, key.restrictions) : [];
  const own = key.owner.id === member.user.id;
  const canAct = live && member.can(own ? "api_keys:write" : "api_keys:manage");
  const base = settingsPath(organization.slug);

  let status: React.ReactNode;
  if (key.revokedAt) {
    status = (
      <>
        <Badge variant="destructive">Revoked</Badge>{" "}
        <KeyTime iso={key.revokedAt} now={now} />
        {key.revokedBy ? ` by ${key.revokedBy.name}` : key.revokeReason === "exposed" ? " (reported as exposed)" : null}
      </>
    );
  } else if (expired) {
    status = (
      <>
        <Badge variant="destructive">Expired</Badge> <KeyTime iso={key.expiresAt!} now={now} />
      </>
    );
  } else if (key.rolledTo) {
    status = (
      <>
        <Badge variant="warning">Rolled</Badge> stops working <KeyTime iso={key.expiresAt!} now={now} relative />; replaced by{" "}
        <Link className="font-mono underline underline-offset-4" href={`${base}/${key.rolledTo.id}`}>
          …{key.rolledTo.last4}
        </Link>
      </>
    );
  } else if (!details.ownerRole) {
    status = <Badge variant="destructive">Owner no longer a member</Badge>;
  } else {
    status = (
      <>
        <Badge variant="success">Active</Badge>
        {expiresSoon(expiresAt, now) ? <Badge variant="warning" className="ml-2">Expires soon</Badge> : null}
      </>
    );
  }

  return (
    <div className="grid gap-8">
      <div className="grid gap-3">
        <Link href={base} className="flex w-fit items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
          <ChevronLeft className="size-4" aria-hidden="true" />
          API Keys
        </Link>
        <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
          <div className="grid min-w-0 gap-1">
            <h1 className="truncate text-2xl font-semibold tracking-tight" title={key.name}>
              {key.name}
            </h1>
            {key.description ? <p className="max-w-2xl text-sm break-words whitespace-pre-line text-muted-foreground">{key.description}</p> : null}
          </div>
          {canAct ? <KeyActions organization={organization} apiKey={toApiKeyRow(key)} currentUserId={member.user.id} canRoll={!key.rolledTo && mayRollKeyOf({ own, actorRole: member.role, ownerRole: details.ownerRole })} /> : null}
        </div>
      </div>

      <dl className="grid gap-x-8 gap-y-4 rounded-lg border p-5 text-sm sm:grid-cols-2 lg:grid-cols-3">
        <Fact term="Key">
          <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs">
            {key.prefix}…{key.last4}
          </code>
        </Fact>
        <Fact term="Environment">{ENVIRONMENT_LABELS[key.environment]}</Fact>
        <Fact term="Status">{status}</Fact>
        <Fact term="Owner">
          {key.owner.name} <span className="text-muted-foreground">({key.owner.email})</span>
          {details.ownerRole ? <span className="text-muted-foreground"> · {ROLE_LABELS[details.ownerRole]}</span> : null}
        </Fact>
        <Fact term="Created">
          <KeyTime iso={key.createdAt} now={now} />
          {key.createdBy ? ` by ${key.createdBy.name}` : null}
          {details.rolledFrom ? (
            <>
              {" "}
              (rolled from{" "}
              <Link className="font-mono underline underline-offset-4" href={`${base}/${details.rolledFrom.id}`}>
                …{details.rolledFrom.last4}
              </Link>
              )
            </>
          ) : null}
        </Fact>
        <Fact term="Expires">{key.expiresAt ? <KeyTime iso={key.expiresAt} now={now} relative /> : "Never"}</Fact>
        <Fact term="Last used">
          {key.lastUsedAt ? (
            <div className="grid gap-0.5">
              <KeyTime iso={key.lastUsedAt} now={now} relative />
              {details.lastUsedIp ? <span className="text-muted-foreground">from {details.lastUsedIp}</span> : null}
              {details.lastUsedUserAgent ? (
                <span className="truncate font-mono text-xs text-muted-foreground" title={details.lastUsedUserAgent}>
                  {details.lastUsedUserAgent}
                </span>
              ) : null}
            </div>
          ) : (
            "Never"
          )}
        </Fact>
        <Fact term="Permissions" wide>
          <p className="mb-1.5 text-muted-foreground">
            {key.restrictions
              ? `Restricted to ${key.restrictions.length} permission${key.restrictions.length === 1 ? "" : "s"}, within its owner's current role.`
              : "Inherits its owner's current role."}
          </p>
          {effective.length > 0 ? (
            <ul className="flex flex-wrap gap-1.5" aria-label="Effective permissions">
              {effective.map((p) => (
                <li key={p}>
                  <Badge variant="outline" title={PERMISSION_DESCRIPTIONS[p]} className="font-mono">
                    {p}
                  </Badge>
                </li>
              ))}
            </ul>
          ) : (
            <span>None</span>
          )}
          {key.restrictions && details.ownerRole
            ? (() => {
                const outside = key.restrictions.filter((p) => !effective.includes(p));
                return outside.length > 0 ? (
                  <p className="mt-1.5 text-xs text-muted-foreground">
                    Its restriction also names {outside.join(", ")}, which the owner&apos;s role ({ROLE_LABELS[details.ownerRole]}) doesn&apos;t have.
                  </p>
                ) : null;
              })()
            : null}
        </Fact>
      </dl>

      <div className="rounded-lg border p-5">
        <RequestsChart series={{ "30d": daily, "24h": hourly }} />
      </div>

      <section aria-labelledby="refusals-title" className="grid gap-3">
        <div>
          <h2 id="refusals-title" className="text-base font-semibold">
            Refusals by error code
          </h2>
          <p className="text-xs text-muted-foreground">Requests with this key that were refused (4xx), last 30 days.</p>
        </div>
        {refusals.length === 0 ? (
          <p className="rounded-md border border-dashed px-4 py-6 text-center text-sm text-muted-foreground">No refused requests in the last 30 days.</p>
        ) : (
          <div className="overflow-hidden rounded-lg border">
            <table className="w-full text-sm">
              <thead className="bg-muted/40 text-left text-muted-foreground">
                <tr>
                  <th scope="col" className="px-4 py-2 font-medium">
                    Error code
                  </th>
                  <th scope="col" className="px-4 py-2 text-right font-medium">
                    Requests
                  </th>
                  <th scope="col" className="hidden px-4 py-2 font-medium md:table-cell">
                    What it means
                  </th>
                </tr>
              </thead>
              <tbody>
                {refusals.map((r) => (
                  <tr key={r.code} className="border-t">
                    <th scope="row" className="px-4 py-2 text-left font-mono text-xs font-normal">
                      <Link href={`/docs/api#${r.code}`} className="underline underline-offset-4">
                        {r.code}
                      </Link>
                    </th>
                    <td className="px-4 py-2 text-right font-mono tabular-nums">{r.count.toLocaleString("en-US")}</td>
                    <td className="hidden px-4 py-2 text-muted-foreground md:table-cell">
                      {API_ERROR_HELP[r.code as ApiErrorCode] ?? ""}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function Fact({ term, wide, children }: { term: string; wide?: boolean; children: React.ReactNode }) {
  return (
    <div className={wide ? "grid gap-1 sm:col-span-2 lg:col-span-3" : "grid min-w-0 gap-1"}>
      <dt className="text-xs font-medium text-muted-foreground">{term}</dt>
      <dd className="min-w-0">{children}</dd>
    </div>
  );
}
