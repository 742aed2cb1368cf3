// The load generator: a child process of the bench runner (never the server's process) that runs
// autocannon jobs sent over IPC and answers with a summary. Latencies are taken from every
// response (autocannon's own histogram has 1 ms resolution and skips non-2xx responses).
import autocannon from "autocannon";
import { generateApiKey } from "../lib/domain/api-keys/format";
import type { LoadJob, LoadResult } from "./lib";

type Request = { id: number; job: LoadJob };

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function run(job: LoadJob): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const statusCodes: Record<string, number> = {};
  const headers = { ...job.headers };
  const requests = job.freshUnknownKeys
    ? [
        {
          method: "GET" as const,
          setupRequest: (request: { headers?: Record<string, string> }) => ({
            ...request,
            headers: { ...headers, authorization: `Bearer ${generateApiKey("live").key}` },
          }),
        },
      ]
    : undefined;
  const started = performance.now();
  const instance = autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.durationSec,
    headers,
    requests,
    timeout: 10,
  });
  instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
    if (count === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[count++] = responseTime;
  });
  const result = await instance;
  const elapsedSec = (performance.now() - started) / 1000;
  const sorted = latencies.subarray(0, count).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    url: job.url,
    durationSec: elapsedSec,
    requests: count,
    rps: count / elapsedSec,
    latencyMs: {
      mean: count ? sum / count : NaN,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: count ? sorted[count - 1]! : NaN,
    },
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

process.on("message", (message: Request) => {
  run(message.job).then(
    (result) => process.send!({ id: message.id, result }),
    (error: unknown) => process.send!({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
process.on("disconnect", () => process.exit(0));
