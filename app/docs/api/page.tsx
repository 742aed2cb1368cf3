import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { Fragment } from "react";
import { errorsOf } from "@/lib/http/endpoint";
import { ENDPOINTS } from "@/lib/http/endpoints";
import { API_ERROR_HELP, API_ERRORS, type ApiErrorCode } from "@/lib/http/errors";
import { CodeBlock } from "./code-block";
import { InlineMarkdown } from "./inline-markdown";

export const metadata: Metadata = { title: "API reference" };

async function origin(): Promise<string> {
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  const proto = h.get("x-forwarded-proto") ?? "http";
  return `${proto}://${host}`;
}

/** A snake_case code that may wrap only between its words on a narrow screen, never mid-word. */
function BreakAfterUnderscores({ text }: { text: string }) {
  return text.split("_").map((word, i, words) => (
    <Fragment key={i}>
      {word}
      {i < words.length - 1 ? (
        <>
          _<wbr />
        </>
      ) : null}
    </Fragment>
  ));
}

export default async function ApiDocsPage() {
  const base = await origin();
  const codes = Object.keys(API_ERRORS) as ApiErrorCode[];
  return (
    <main className="mx-auto max-w-4xl space-y-12 px-4 py-10 [overflow-wrap:anywhere]">
      <header className="space-y-2">
        <Link href="/settings/api-keys" className="text-muted-foreground text-sm hover:underline">
          ← Paygentic dashboard
        </Link>
        <h1 className="text-3xl font-semibold tracking-tight">API reference</h1>
        <p className="text-muted-foreground">
          JSON over HTTPS at <code className="font-mono">{base}/api/v1</code>. Machine-readable:{" "}
          <a className="underline" href="/api/v1/openapi.json">
            OpenAPI 3.1 document
          </a>
          .
        </p>
      </header>

      <section id="authentication" className="space-y-3">
        <h2 className="text-xl font-semibold">Authentication</h2>
        <p>
          Create a key in <strong>Settings → API Keys</strong> and send it in the <code>Authorization</code> header. Keys start
          with <code>sk_live_</code> (production) or <code>sk_test_</code> (staging and development); a test key sees only
          test-mode data. A key acts with its owner&apos;s <em>current</em> role in the key&apos;s organization: a role change
          applies to the next request, and revoking a key stops it at once.
        </p>
        <CodeBlock label="Example request" code={`curl -H "Authorization: Bearer sk_live_…" ${base}/api/v1/me`} />
        <p id="rolling">
          <strong>Rolling a key.</strong> A roll gives you a replacement at once and keeps the old key working for the
          overlap you choose, so that programs can switch without an outage. Until the overlap ends, the old key keeps exactly
          the rights it had (its owner&apos;s current role, narrowed by its restriction), reads included: a program still on it
          can go on reading the audit log or listing keys. It can no longer roll, edit or revoke any key but itself, so a
          leaked old key can&apos;t take over its replacement. If the old key leaked, don&apos;t give it an overlap: roll with{" "}
          <code>old_key_expires_in</code> set to 0, or revoke it.
        </p>
        <p className="text-muted-foreground text-sm">
          Every response carries an <code>X-Request-Id</code>; quote it when you contact support. Never put keys in source
          control: use environment variables or a secret manager.
        </p>
      </section>

      <section id="errors" className="space-y-3">
        <h2 className="text-xl font-semibold">Errors</h2>
        <p>
          Errors are <code>{`{"error":{"type","code","message","request_id","doc_url"}}`}</code>; validation errors add{" "}
          <code>issues</code>. Every 401 has a <code>WWW-Authenticate</code> header.
        </p>
        <div tabIndex={0} role="region" aria-label="Error codes" className="overflow-x-auto rounded-md border">
          <table className="w-full text-sm">
            <thead className="bg-muted/50 text-left whitespace-nowrap">
              <tr>
                <th className="p-2">Status</th>
                <th className="p-2">Code</th>
                <th className="p-2">What to do</th>
              </tr>
            </thead>
            <tbody>
              {codes.map((code) => (
                <tr key={code} id={code} className="border-t align-top target:bg-yellow-50 dark:target:bg-yellow-950">
                  <td className="p-2 font-mono whitespace-nowrap">{API_ERRORS[code].status}</td>
                  <td className="p-2 font-mono [overflow-wrap:normal]">
                    <BreakAfterUnderscores text={code} />
                    <div className="text-muted-foreground text-xs">
                      <BreakAfterUnderscores text={API_ERRORS[code].type} />
                    </div>
                  </td>
                  <td className="p-2">
                    <InlineMarkdown text={API_ERROR_HELP[code]} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section id="routes" className="space-y-8">
        <h2 className="text-xl font-semibold">Routes</h2>
        {ENDPOINTS.filter((endpoint) => !endpoint.hidden).map((endpoint) => {
          const name = `${endpoint.method} ${endpoint.path}`;
          return (
            <article key={name} className="space-y-2 border-t pt-6">
              <h3 className="font-mono text-base font-semibold">{name}</h3>
              <p className="font-medium">{endpoint.summary}</p>
              <p className="text-muted-foreground text-sm">
                <InlineMarkdown text={endpoint.description} />
              </p>
              <p className="text-sm">
                Authentication:{" "}
                {endpoint.auth ? (
                  <>
                    API key
                    {endpoint.permissionNote ? (
                      <>
                        , <InlineMarkdown text={endpoint.permissionNote} />
                      </>
                    ) : endpoint.permission ? (
                      <>
                        {" "}
                        with <code className="bg-muted rounded px-1 font-mono text-[0.9em]">{endpoint.permission}</code>
                      </>
                    ) : null}
                    .
                  </>
                ) : (
                  "none."
                )}
                {endpoint.rateLimit ? ` Rate limit: ${endpoint.rateLimit.points} requests per ${endpoint.rateLimit.duration} s per client address.` : null}
              </p>
              <p className="text-sm">
                Success: {endpoint.response.status}. Errors:{" "}
                {errorsOf(endpoint).map((code, i) => (
                  <span key={code}>
                    {i > 0 ? ", " : ""}
                    {/* Underlined below the descenders: an underline at the baseline hides the underscores. */}
                    <a className="font-mono underline decoration-1 underline-offset-[5px]" href={`#${code}`}>
                      {code}
                    </a>
                  </span>
                ))}
              </p>
              {endpoint.curl ? <CodeBlock label={`Example: ${name}`} code={endpoint.curl.replaceAll("$ORIGIN", base)} /> : null}
            </article>
          );
        })}
      </section>
    </main>
  );
}
