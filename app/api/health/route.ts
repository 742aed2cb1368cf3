import { NextResponse } from "next/server";
import { requestId } from "@/lib/request-id";

// Liveness: answers without touching the database, so a slow database never restarts the process.
export function GET(request: Request) {
  return NextResponse.json({ status: "ok" }, { headers: { "X-Request-Id": requestId(request), "Cache-Control": "no-store" } });
}
