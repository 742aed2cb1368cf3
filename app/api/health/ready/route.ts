import { NextResponse } from "next/server";
import { ensureDatabase, sql } from "@/lib/db";
import { requestId } from "@/lib/request-id";

export const dynamic = "force-dynamic";

const TIMEOUT_MS = 2_000;

// Readiness: 200 only when the database answers (and is migrated) within the timeout.
export async function GET(request: Request) {
  const headers = { "X-Request-Id": requestId(request), "Cache-Control": "no-store" };
  try {
    await Promise.race([
      ensureDatabase().then(() => sql().query("SELECT 1")),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), TIMEOUT_MS).unref()),
    ]);
    return NextResponse.json({ status: "ok", database: "ok" }, { headers });
  } catch {
    return NextResponse.json({ status: "unavailable", database: "unreachable" }, { status: 503, headers });
  }
}
