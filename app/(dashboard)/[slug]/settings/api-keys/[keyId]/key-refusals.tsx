import Link from "next/link";
import { formatCount } from "@/components/time";
import type { keyRefusalsByCode } from "@/lib/domain/api-keys/request-stats";
import { API_ERROR_HELP, type ApiErrorCode } from "@/lib/http/errors";

/** A key's refused requests (4xx) over 30 days, by error code, each linked to its documentation. */
export function KeyRefusals({ refusals }: { refusals: Awaited<ReturnType<typeof keyRefusalsByCode>> }) {
  return (
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
                  <td className="px-4 py-2 text-right font-mono tabular-nums">{formatCount(r.count)}</td>
                  <td className="hidden px-4 py-2 text-muted-foreground md:table-cell">{API_ERROR_HELP[r.code as ApiErrorCode] ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
