import { organizationActivity } from "@/lib/domain/api-keys/request-stats";
import { maskApiKey } from "@/lib/domain/api-keys/key";
import { formatCount } from "@/components/time";
import { RequestsChart } from "./requests-chart";

/**
 * Above the key list, for members with api_keys:manage: the organization's requests over 30 days
 * and its busiest keys. Read from the daily and minute counts: nothing on the request path.
 */
export async function OrganizationActivity({ organization }: { organization: { id: string } }) {
  // Kept a minute per organization (the counts lag by about as much): see organizationActivity.
  const { series, top } = await organizationActivity(organization.id);
  return (
    <div className="grid min-w-0 gap-6 rounded-lg border p-5 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
      <RequestsChart series={{ "30d": series }} title="Organization requests" heightClass="h-40" table={false} />
      <section aria-labelledby="top-keys-title" className="grid content-start gap-3">
        <div>
          <h2 id="top-keys-title" className="text-base font-semibold">
            Top keys
          </h2>
          <p className="text-xs text-muted-foreground">By requests, last 30 days</p>
        </div>
        {top.length === 0 ? (
          <p className="text-sm text-muted-foreground">No key has made a request in the last 30 days.</p>
        ) : (
          <ol className="grid gap-2 text-sm">
            {top.map((key) => (
              <li key={key.keyId} className="flex items-center justify-between gap-3">
                {/* Not a second link named like the key: the list below links each key to its page. */}
                <span className="min-w-0 truncate">
                  <span className="font-medium">{key.name}</span>{" "}
                  <code className="font-mono text-xs text-muted-foreground">{maskApiKey(key.prefix, key.last4)}</code>
                </span>
                <span className="shrink-0 font-mono text-xs tabular-nums">{formatCount(key.total)}</span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
