import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { effectivePermissions, expiresSoon, isExpired } from "@/lib/domain/api-keys/rules";
import { ENVIRONMENT_LABELS } from "@/lib/domain/api-keys/schemas";
import type { getApiKeyDetails, readApiKey } from "@/lib/domain/api-keys/store";
import { ROLE_LABELS } from "@/lib/domain/permissions";
import { PERMISSION_DESCRIPTIONS } from "../permission-labels";
import { KeyTime } from "./key-time";

export type KeyRecord = Awaited<ReturnType<typeof readApiKey>>;
export type KeyDetails = Awaited<ReturnType<typeof getApiKeyDetails>>;

/** The facts of one key's page: what it is, whose, its state, its dates and what it may do. */
export function KeyFacts({ apiKey: key, details, now, base }: { apiKey: KeyRecord; details: KeyDetails; now: number; base: string }) {
  return (
    <dl className="grid gap-x-8 gap-y-4 rounded-lg border p-5 text-sm sm:grid-cols-2 lg:grid-cols-3">
      <Fact term="Key">
        <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs">
          {key.prefix}…{key.last4}
        </code>
      </Fact>
      <Fact term="Environment">{ENVIRONMENT_LABELS[key.environment]}</Fact>
      <Fact term="Status">
        <KeyStatus apiKey={key} details={details} now={now} base={base} />
      </Fact>
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
        <KeyPermissions apiKey={key} details={details} />
      </Fact>
    </dl>
  );
}

function KeyStatus({ apiKey: key, details, now, base }: { apiKey: KeyRecord; details: KeyDetails; now: number; base: string }) {
  const expiresAt = key.expiresAt ? new Date(key.expiresAt) : null;
  if (key.revokedAt) {
    return (
      <>
        <Badge variant="destructive">Revoked</Badge>{" "}
        <KeyTime iso={key.revokedAt} now={now} />
        {key.revokedBy ? ` by ${key.revokedBy.name}` : key.revokeReason === "exposed" ? " (reported as exposed)" : null}
      </>
    );
  }
  if (isExpired(expiresAt, now)) {
    return (
      <>
        <Badge variant="destructive">Expired</Badge> <KeyTime iso={key.expiresAt!} now={now} />
      </>
    );
  }
  if (key.rolledTo) {
    return (
      <>
        <Badge variant="warning">Rolled</Badge> stops working <KeyTime iso={key.expiresAt!} now={now} relative />; replaced by{" "}
        <Link className="font-mono underline underline-offset-4" href={`${base}/${key.rolledTo.id}`}>
          …{key.rolledTo.last4}
        </Link>
      </>
    );
  }
  if (!details.ownerRole) return <Badge variant="destructive">Owner no longer a member</Badge>;
  return (
    <>
      <Badge variant="success">Active</Badge>
      {expiresSoon(expiresAt, now) ? <Badge variant="warning" className="ml-2">Expires soon</Badge> : null}
    </>
  );
}

function KeyPermissions({ apiKey: key, details }: { apiKey: KeyRecord; details: KeyDetails }) {
  const effective = details.ownerRole ? effectivePermissions(details.ownerRole, key.restrictions) : [];
  const outside = key.restrictions && details.ownerRole ? key.restrictions.filter((p) => !effective.includes(p)) : [];
  return (
    <>
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
      {outside.length > 0 && details.ownerRole ? (
        <p className="mt-1.5 text-xs text-muted-foreground">
          Its restriction also names {outside.join(", ")}, which the owner&apos;s role ({ROLE_LABELS[details.ownerRole]}) doesn&apos;t have.
        </p>
      ) : null}
    </>
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
