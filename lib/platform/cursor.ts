import { z } from "zod";
import { isStorableInstant, safeId } from "@/lib/validation";

// The one cursor codec: a list's position, opaque to clients (base64url of a JSON tuple), checked
// with a schema on the way back in. A cursor is client input like any other: a forged one
// ("-271821-04-20", an id with U+0000) must be refused, never become a query PostgreSQL refuses.

/** A cursor this app didn't make. The API answers 400 invalid_request; a page starts the list over. */
export class InvalidCursorError extends Error {
  constructor(readonly field = "starting_after") {
    super(`${field} is not a cursor this API returned. Pass next_cursor from the previous page.`);
    this.name = "InvalidCursorError";
  }
}

export function encodeOpaqueCursor(value: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** The decoded tuple, or undefined when the text isn't one the schema accepts. */
export function decodeOpaqueCursor<T>(cursor: string, schema: z.ZodType<T>): T | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** A storable instant, as a cursor carries it (ISO 8601). */
export const cursorInstant = z
  .string()
  .max(40)
  .transform((v) => new Date(v))
  .refine(isStorableInstant);

// The API's lists and the audit log sort by (time, id): the cursor is that sort key, so pages stay
// stable while new rows arrive.
const timeAndId = z.tuple([cursorInstant, safeId]);

export function encodeCursor(at: Date, id: string): string {
  return encodeOpaqueCursor([at.toISOString(), id]);
}

export function decodeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (!cursor) return undefined;
  const decoded = decodeOpaqueCursor(cursor, timeAndId);
  if (!decoded) throw new InvalidCursorError();
  return { at: decoded[0], id: decoded[1] };
}
