// Section 2's measuring process: verifyApiKey from lib, in-process, no HTTP. Started by
// verify-latency.ts as `node --conditions=react-server --import tsx bench/verify-worker.ts` with
// DATABASE_URL (PostgreSQL) or PGLITE_DIR=memory:// (PGlite) in its environment; prints one
// `BENCH_RESULT {json}` line.
import { randomBytes } from "node:crypto";
import { generateApiKey, hashApiKey } from "@/lib/domain/api-keys/format";
import { ensureDatabase, runtime, sql, verifyApiKey } from "@/lib/platform/runtime";
import { env } from "@/lib/platform/config";

const WARM = Number(process.env.BENCH_WARM_ITERATIONS) || 200_000;
const COLD = Number(process.env.BENCH_COLD_ITERATIONS) || 2_000;

type Stats = { n: number; p50: number; p90: number; p99: number; p999: number; mean: number; max: number };

function stats(samplesNs: Float64Array): Stats {
  const sorted = samplesNs.slice().sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! / 1000;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { n: sorted.length, p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), mean: sum / sorted.length / 1000, max: sorted[sorted.length - 1]! / 1000 };
}

async function insertKeys(count: number): Promise<string[]> {
  const keys: string[] = [];
  const secret = env().apiKeyHashSecret;
  const [owner] = await sql().query<{ organization_id: string; user_id: string }>(
    `SELECT m."organizationId" AS organization_id, m."userId" AS user_id
       FROM "Membership" m JOIN "User" u ON u.id = m."userId" JOIN "Organization" o ON o.id = m."organizationId"
      WHERE u.email = 'adam@acme.test' AND o.slug = 'acme'`,
  );
  if (!owner) throw new Error("demo data missing (adam@acme.test in acme)");
  for (let start = 0; start < count; start += 500) {
    const ids: string[] = [];
    const hashes: string[] = [];
    const last4s: string[] = [];
    for (let i = start; i < Math.min(count, start + 500); i++) {
      const { key, last4 } = generateApiKey("live");
      keys.push(key);
      ids.push(`bench_${randomBytes(8).toString("hex")}`);
      hashes.push(hashApiKey(key, secret));
      last4s.push(last4);
    }
    await sql().query(
      `INSERT INTO "ApiKey" (id, "organizationId", "userId", name, environment, prefix, last4, hash)
       SELECT id, $4, $5, 'verify bench', 'production', 'sk_live_', last4, hash
         FROM unnest($1::text[], $2::text[], $3::text[]) AS x(id, hash, last4)`,
      [ids, hashes, last4s, owner.organization_id, owner.user_id],
    );
  }
  return keys;
}

async function timeCalls(keys: readonly string[], iterations: number): Promise<Float64Array> {
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const key = keys[i % keys.length]!;
    const started = process.hrtime.bigint();
    const result = await verifyApiKey(key);
    samples[i] = Number(process.hrtime.bigint() - started);
    if (!result.ok) throw new Error(`verification failed: ${result.code}`);
  }
  return samples;
}

async function main() {
  const database = env().databaseUrl ? "postgres" : "pglite";
  await ensureDatabase();
  const keys = await insertKeys(COLD + 1);
  const warmKey = keys[COLD]!;

  // On PostgreSQL the cache stays off until the LISTEN connection is up (fail-safe): wait for it.
  await verifyApiKey(warmKey);
  for (let i = 0; i < 200 && !runtime().keyCache.isEnabled(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!runtime().keyCache.isEnabled()) throw new Error("the verification cache never became enabled");
  await verifyApiKey(warmKey); // now cached

  // Warm: every call a cache hit (parse + SHA-256 + LRU get + result object).
  await timeCalls([warmKey], Math.min(20_000, WARM)); // JIT warm-up, not recorded
  const warm = stats(await timeCalls([warmKey], WARM));

  // Cold, distinct keys: each key is seen for the first time → miss → one SQL look-up → cached.
  const coldDistinct = stats(await timeCalls(keys.slice(0, COLD), COLD));

  // Cold, cache disabled: the same key looked up in the database on every call.
  runtime().keyCache.disable();
  await timeCalls([warmKey], Math.min(100, COLD)); // connection/plan warm-up
  const coldDisabled = stats(await timeCalls([warmKey], COLD));
  runtime().keyCache.enable();

  console.log(`BENCH_RESULT ${JSON.stringify({ database, warm, coldDistinct, coldDisabled })}`);
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await runtime().close();
  });
