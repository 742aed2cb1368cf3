import { z } from "zod";
import { isStorableInstant, safeId } from "@/lib/validation";
import { ApiError } from "./errors";

// Opaque to clients: base64url of [ISO time, id], the list's sort key, so pages stay stable while
// new rows arrive.
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString("base64url");
}

// A cursor is client input like any other: a forged one ("-271821-04-20", an id with U+0000) must
// be a 400, never a query PostgreSQL refuses.
const decodedCursor = z.tuple([
  z.string().transform((v) => new Date(v)).refine(isStorableInstant),
  safeId,
]);

export function decodeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (!cursor) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    // refused below
  }
  const parsed = decodedCursor.safeParse(value);
  if (parsed.success) return { at: parsed.data[0], id: parsed.data[1] };
  throw new ApiError("invalid_request", "starting_after is not a cursor this API returned. Pass next_cursor from the previous page.", {
    issues: [{ path: "starting_after", message: "Invalid cursor", code: "invalid_cursor" }],
  });
}
