// Runs once when a server process starts (not during `next build`). The Node.js-only work lives in
// lib/platform/server-start.ts so that the edge build of this file never sees it.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { onServerStart } = await import("@/lib/platform/server-start");
    await onServerStart();
  }
}
