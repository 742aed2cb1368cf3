import { ApiError } from "./errors";

// Opaque to clients: base64url of [ISO time, id], the list's sort key, so pages stay stable while
// new rows arrive.
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && typeof value[0] === "string" && typeof value[1] === "string") {
      const at = new Date(value[0]);
      const year = at.getUTCFullYear();
      // Only instants PostgreSQL can compare with: a forged "-271821-04-20" must be a 400, not a 500.
      if (!Number.isNaN(at.getTime()) && year >= 1 && year <= 9999 && value[1].length <= 64) return { at, id: value[1] };
    }
  } catch {
    // fall through
  }
  throw new ApiError("invalid_request", "starting_after is not a cursor this API returned. Pass next_cursor from the previous page.", {
    issues: [{ path: "starting_after", message: "Invalid cursor", code: "invalid_cursor" }],
  });
}
