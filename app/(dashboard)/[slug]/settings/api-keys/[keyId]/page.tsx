import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ChevronLeft } from "lucide-react";
import { toApiKeyRow } from "@/lib/domain/api-keys/key";
import { keyRefusalsByCode, keyRequestSeries } from "@/lib/domain/api-keys/request-stats";
import { isExpired, mayRollKeyOf } from "@/lib/domain/api-keys/rules";
import { ApiKeyError, getApiKeyDetails, readApiKey } from "@/lib/domain/api-keys/store";
import { settingsPath } from "@/lib/domain/organizations/url";
import { permissionsOf } from "@/lib/domain/permissions";
import { requireMember } from "@/lib/auth/context";
import { RequestsChart } from "../requests-chart";
import { KeyActions } from "./key-actions";
import { KeyFacts } from "./key-facts";
import { KeyRefusals } from "./key-refusals";

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
  const live = !key.revokedAt && !isExpired(key.expiresAt ? new Date(key.expiresAt) : null, now);
  const own = key.owner.id === member.user.id;
  const canAct = live && member.can(own ? "api_keys:write" : "api_keys:manage");
  const base = settingsPath(organization.slug);

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

      <KeyFacts apiKey={key} details={details} now={now} base={base} />

      <div className="rounded-lg border p-5">
        <RequestsChart series={{ "30d": daily, "24h": hourly }} />
      </div>

      <KeyRefusals refusals={refusals} />
    </div>
  );
}
