// Runs once when a server process starts (not during `next build`). The Node.js-only work lives in
// lib/server-start.ts so that the edge build of this file never sees it.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { onServerStart } = await import("@/lib/server-start");
    await onServerStart();
  }
}
