// Section 10's in-process measurement: what `record()` (the request path's whole share of request
// counting, a Map increment) costs per call. Started by request-counts.ts as
// `node --conditions=react-server --import tsx bench/request-counts-worker.ts`; touches no database
// (nothing is flushed); prints one `BENCH_RESULT {json}` line.
import { createRequestCounts } from "@/lib/domain/api-keys/request-counts";
import type { Database } from "@/lib/platform/db/database";

const CALLS = Number(process.env.BENCH_RECORD_CALLS) || 2_000_000;
const KEYS = 100;

// Never used: record() doesn't touch the database, and nothing here flushes.
const database = {} as Database;
const counts = createRequestCounts({ database, clock: { now: () => Date.now() }, logger: { info() {}, error() {} } });
const ids = Array.from({ length: KEYS }, (_, i) => `key_${i.toString().padStart(20, "0")}`);

function run(n: number): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    // The mix of an API's answers: mostly 200s, some refusals with a code, a few failures.
    const r = i % 20;
    counts.record(ids[i % KEYS]!, r < 17 ? 200 : r < 19 ? 403 : 503, r < 17 ? undefined : r < 19 ? "insufficient_permissions" : "service_unavailable");
  }
  return Number(process.hrtime.bigint() - started) / n;
}

run(Math.min(200_000, CALLS)); // warm-up (JIT)
const samples = Array.from({ length: 5 }, () => run(CALLS / 5)).sort((a, b) => a - b);
counts.stop();
console.log(`BENCH_RESULT ${JSON.stringify({ calls: CALLS, nsPerCall: samples[2], samples })}`);
process.exit(0);
