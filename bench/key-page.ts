// 6. Key page at scale: server response time of /{slug}/settings/api-keys?scope=all for a signed-in
// admin, one organization with 10 keys and one with 10,000, the same admin in both (each at its own
// URL), requests interleaved, median of 5 each.
import { median, round, signIn, targetRow, type Context, type Row, type SectionResult } from "./lib";

const EMAIL = "bench-admin@bench.test";

/** Creates an organization whose id and slug are both `slug`. */
async function createOrganization(ctx: Context, slug: string, keyCount: number, ownerIds: string[]): Promise<string> {
  const sql = await ctx.sql();
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO "Organization" (id, name, slug) VALUES ($1, $2, $1) RETURNING id`,
    [slug, `Bench ${slug}`],
  );
  const organizationId = rows[0]!.id;
  for (const [i, userId] of ownerIds.entries()) {
    await sql.query(`INSERT INTO "Membership" (id, "organizationId", "userId", role) VALUES ($1, $2, $3, $4::"Role")`, [
      `${slug}_m${i}`,
      organizationId,
      userId,
      i === 0 ? "admin" : "developer",
    ]);
  }
  // Keys spread over the members, one a minute back in time, a few revoked and a few used.
  await sql.query(
    `INSERT INTO "ApiKey" (id, "organizationId", "userId", name, environment, prefix, last4, hash, "createdAt", "lastUsedAt", "revokedAt")
     SELECT $1 || '_k' || i, $2, ($3::text[])[1 + i % array_length($3::text[], 1)], 'bench key ' || i,
            (ARRAY['production','staging','development'])[1 + i % 3]::"Environment",
            CASE WHEN i % 3 = 0 THEN 'sk_live_' ELSE 'sk_test_' END, lpad((i % 10000)::text, 4, '0'),
            encode(sha256(($1 || ':' || i)::bytea), 'hex'),
            (now() AT TIME ZONE 'UTC') - make_interval(mins => i),
            CASE WHEN i % 4 = 0 THEN (now() AT TIME ZONE 'UTC') - make_interval(secs => i) END,
            CASE WHEN i % 50 = 49 THEN now() AT TIME ZONE 'UTC' END
       FROM generate_series(0, $4 - 1) AS i`,
    [slug, organizationId, ownerIds, keyCount],
  );
  await sql.query(`ANALYZE "ApiKey"`);
  return organizationId;
}

async function timePage(url: string, cookie: string): Promise<{ ttfbMs: number; totalMs: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { Cookie: cookie }, redirect: "manual" });
  const ttfbMs = performance.now() - started;
  const body = await response.text();
  const totalMs = performance.now() - started;
  if (response.status !== 200 || !body.includes("API Keys")) throw new Error(`${url}: HTTP ${response.status}`);
  return { ttfbMs, totalMs, bytes: body.length };
}

export async function keyPage(ctx: Context): Promise<SectionResult> {
  const S = "6 key page";
  const large = ctx.opts.smoke ? 1_000 : 10_000;
  const runs = ctx.opts.smoke ? 2 : 5;
  const A = await ctx.serverA();
  const sql = await ctx.sql();
  // A dedicated admin with the demo password (the hash is copied from a demo user).
  const suffix = Date.now().toString(36);
  const users: string[] = [];
  for (const [i, name] of ["Bench Admin", "Bench Dev One", "Bench Dev Two"].entries()) {
    const id = `bench_u${i}_${suffix}`;
    await sql.query(
      `INSERT INTO "User" (id, email, name, "passwordHash") SELECT $1, $2, $3, "passwordHash" FROM "User" WHERE email = 'adam@acme.test'`,
      [id, i === 0 ? EMAIL : `bench-dev${i}-${suffix}@bench.test`, name],
    );
    users.push(id);
  }
  const small = await createOrganization(ctx, `bench-small-${suffix}`, 10, users);
  const big = await createOrganization(ctx, `bench-large-${suffix}`, large, users);

  const session = await signIn(A.url, EMAIL);
  const url = (slug: string) => `${A.url}/${slug}/settings/api-keys?scope=all`;
  for (let i = 0; i < 2; i++) {
    await timePage(url(small), session);
    await timePage(url(big), session);
  }
  const smallRuns: Awaited<ReturnType<typeof timePage>>[] = [];
  const largeRuns: Awaited<ReturnType<typeof timePage>>[] = [];
  // The 10-key page shows 10 rows and the large one 25 (the default page size): the large
  // organization is also timed with ?size=10, the same rows rendered, to isolate the data's cost.
  const sameRows: Awaited<ReturnType<typeof timePage>>[] = [];
  for (let i = 0; i < runs; i++) {
    smallRuns.push(await timePage(url(small), session));
    largeRuns.push(await timePage(url(big), session));
    sameRows.push(await timePage(`${url(big)}&size=10`, session));
  }
  const s = median(smallRuns.map((r) => r.totalMs));
  const l = median(largeRuns.map((r) => r.totalMs));
  const rows: Row[] = [
    {
      section: S,
      metric: "response time, 10 keys (median)",
      value: round(s, 1),
      unit: "ms",
      note: `TTFB ${round(median(smallRuns.map((r) => r.ttfbMs)), 1)} ms`,
    },
    targetRow(S, `response time, ${large.toLocaleString("en-US")} keys (median)`, round(l, 1), "ms", "<=", 300, `TTFB ${round(median(largeRuns.map((r) => r.ttfbMs)), 1)} ms`),
    targetRow(S, `${large.toLocaleString("en-US")} keys / 10 keys`, round(l / s, 2), "×", "<=", 1.5),
    {
      section: S,
      metric: `${large.toLocaleString("en-US")} keys, 10 rows shown (?size=10) / 10 keys`,
      value: round(median(sameRows.map((r) => r.totalMs)) / s, 2),
      unit: "×",
      note: `${round(median(sameRows.map((r) => r.totalMs)), 1)} ms; the default page shows 25 rows (${Math.round(largeRuns[0]!.bytes / 1024)} KiB of HTML vs ${Math.round(smallRuns[0]!.bytes / 1024)} KiB)`,
    },
  ];
  return {
    id: "key-page",
    title: "6. Key page at scale",
    rows,
    details: { keys: { small: 10, large }, runs, small: smallRuns, large: largeRuns, largeTenRows: sameRows },
    notes: [
      `GET /{slug}/settings/api-keys?scope=all as an admin (signed in through /api/auth/callback/credentials), full response read; organizations with 10 and ${large.toLocaleString("en-US")} keys (2% revoked), each at its own URL; ${runs} interleaved requests each after 2 warm-ups; instance A on PostgreSQL.`,
    ],
  };
}
