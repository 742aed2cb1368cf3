import { ensureDatabase, runtime } from "@/lib/platform/runtime";
import { errorMessage } from "@/lib/platform/db/errors";
import { DatabaseLockedError } from "@/lib/platform/db/lock";
import { env } from "@/lib/platform/config";

/**
 * Migrate, and on the embedded database's first start, seed. A database that is down is retried by
 * the first request that needs it (see ensureDatabase), so the process still starts and
 * /api/health/ready answers 503 until it is back.
 */
export async function onServerStart(): Promise<void> {
  // A server signs sessions: without a secret it must not start (the CLI scripts need none).
  void env().authSecret;
  // .then(): opening the embedded database throws synchronously when another process holds it.
  await Promise.resolve()
    .then(ensureDatabase)
    .catch((error: unknown) => {
      if (error instanceof DatabaseLockedError) {
        // Two processes on one embedded database lose each other's writes: refuse to start at all.
        runtime().logger.error(`\n${error.message}\n`);
        process.exit(1);
      }
      runtime().logger.error(`[db] not ready yet: ${errorMessage(error)}`);
    });
  // Request counts: roll minute rows older than 48 h into day rows, drop day rows older than 90 days;
  // now and hourly (one instance at a time does it; a failed run is retried the next hour).
  runtime().requestCounts.startRetention();
  // scripts/server.mjs sets NEXT_MANUAL_SIG_HANDLE so that shutdown is ours: write the pending
  // last-used times (a rolling restart must not lose them) and close the embedded database cleanly.
  if (process.env.NEXT_MANUAL_SIG_HANDLE) {
    process.once("SIGTERM", () => void shutdown(143));
    process.once("SIGINT", () => void shutdown(130));
  }
}

// SIGINT during a SIGTERM shutdown (or the reverse) joins the same close: runtime().close() is shared
// while it runs. A repeated signal of the same kind gets Node's default: exit at once.
async function shutdown(exitCode: number): Promise<void> {
  const deadline = new Promise((resolve) => setTimeout(resolve, 5_000).unref());
  await Promise.race([runtime().close(), deadline]);
  process.exit(exitCode);
}
