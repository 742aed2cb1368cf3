import type { NextRequest } from "next/server";
import { ApiError } from "./errors";

const MAX_BODY_BYTES = 64 * 1024;

/** The JSON body, or a 400 that says what is wrong with it. */
export async function readJson(request: NextRequest): Promise<unknown> {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_BODY_BYTES) throw new ApiError("invalid_request", `The body is larger than ${MAX_BODY_BYTES} bytes.`);
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw new ApiError("invalid_request", `The body is larger than ${MAX_BODY_BYTES} bytes.`);
  if (!text.trim()) {
    throw new ApiError("invalid_request", "The body is empty. Send a JSON object with Content-Type: application/json.", {
      issues: [{ path: "(root)", message: "Expected a JSON object", code: "invalid_type" }],
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError("invalid_request", "The body is not valid JSON. Send a JSON object with Content-Type: application/json.", {
      issues: [{ path: "(root)", message: "Invalid JSON", code: "invalid_json" }],
    });
  }
}

export function searchParamsObject(request: NextRequest): Record<string, string> {
  return Object.fromEntries(request.nextUrl.searchParams.entries());
}
