/**
 * Server-side duration of a unit of work, printed as `[timing] <name> <ms>` when
 * PAYGENTIC_TIMING_LOG=1 (the benchmarks read it from the server's output). Free otherwise.
 */
export async function measured<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (process.env.PAYGENTIC_TIMING_LOG !== "1") return fn();
  const started = performance.now();
  try {
    return await fn();
  } finally {
    console.log(`[timing] ${name} ${(performance.now() - started).toFixed(3)}`);
  }
}
