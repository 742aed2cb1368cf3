import type { NextRequest } from "next/server";
import { ApiError } from "./errors";

export const MAX_BODY_BYTES = 64 * 1024;

function tooLarge(): ApiError {
  return new ApiError(
    "request_too_large",
    `The body is larger than ${MAX_BODY_BYTES / 1024} KB (${MAX_BODY_BYTES} bytes). Send a smaller JSON object: one object per request, without padding.`,
  );
}

/**
 * The body's bytes, refused as soon as they pass the limit. A body without a Content-Length
 * (chunked) can't be refused up front, and `request.text()` would buffer all of it first: four
 * 128 MB bodies once took the server from 1 GB to 1.4 GB, one of 600 MB ended in a 500.
 */
export async function readLimited(request: NextRequest): Promise<Uint8Array> {
  if (Number(request.headers.get("content-length")) > MAX_BODY_BYTES) throw tooLarge();
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read().catch(() => {
      throw new ApiError("invalid_request", "The body could not be read to its end. Send the whole body again.");
    });
    if (done) return Buffer.concat(chunks, size);
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      // Not awaited: the answer doesn't wait for the client's side of the stream to close.
      void reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The JSON body, or a 400 (413 when too large) that says what is wrong with it. */
export async function readJson(request: NextRequest): Promise<unknown> {
  const bytes = await readLimited(request);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ApiError("invalid_request", "The body is not valid UTF-8. Send a JSON object encoded as UTF-8 with Content-Type: application/json.", {
      issues: [{ path: "(root)", message: "Invalid UTF-8", code: "invalid_encoding" }],
    });
  }
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

/**
 * The query string as one value per name. A name given twice (`?limit=10&limit=1`) is refused rather
 * than resolved either way: which one a client meant is a guess.
 */
export function searchParamsObject(request: NextRequest): Record<string, string> {
  const values: Record<string, string> = {};
  const repeated = new Set<string>();
  for (const [name, value] of request.nextUrl.searchParams.entries()) {
    if (Object.hasOwn(values, name)) repeated.add(name);
    values[name] = value;
  }
  if (repeated.size > 0) {
    throw new ApiError("invalid_request", `Give each query parameter once: ${[...repeated].join(", ")} appears more than once.`, {
      issues: [...repeated].map((name) => ({ path: name, message: "Given more than once", code: "duplicate_parameter" })),
    });
  }
  return values;
}
