import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Prisma } from "@/lib/generated/prisma/client";
import { cursorInstant, decodeOpaqueCursor, encodeOpaqueCursor } from "@/lib/platform/cursor";
import { safeId } from "@/lib/validation";
import type { ListApiKeysQuery } from "./schemas";

// The key list's Previous and Next carry a keyset cursor: the sort key of the row the new page
// starts after (or ends before). Page 2,000 of 100,000 keys then reads 25 rows from the index
// instead of skipping 50,000 (bench/scale.ts), and rows don't shift under a reader while keys are
// created or revoked. `?page=` alone (a shared or typed link) still works by offset. A cursor is
// not a secret and grants nothing: it only positions a list that is filtered by organization (and
// owner) as always; a forged one at worst shows another stretch of the same rows.

type Sort = Pick<ListApiKeysQuery, "sort" | "dir">;

/** What a cursor was made for: the same position means other rows in another sort, filter or search. */
export type ListView = Pick<ListApiKeysQuery, "sort" | "dir" | "status" | "environment" | "q"> & { ownerId?: string };

function viewTag(view: ListView): string {
  const key = JSON.stringify([view.sort, view.dir, view.status, view.environment ?? null, view.q ?? null, view.ownerId ?? null]);
  return createHash("sha256").update(key).digest("base64url").slice(0, 8);
}

export type ListCursor = {
  /** The page ends before this row (Previous) rather than starting after it (Next). */
  before: boolean;
  lastUsedAt: Date | null;
  createdAt: Date;
  id: string;
};

const encoded = z.tuple([z.enum(["a", "b"]), cursorInstant.nullable(), cursorInstant, safeId, z.string().max(16)]);

/** Opaque in the URL: base64url of ["a"|"b", last used, created, id, the view's tag]. */
export function encodeListCursor(
  before: boolean,
  row: { lastUsedAt: Date | string | null; createdAt: Date | string; id: string },
  view: ListView,
): string {
  const at = (d: Date | string) => new Date(d).toISOString();
  const value = [before ? "b" : "a", row.lastUsedAt === null ? null : at(row.lastUsedAt), at(row.createdAt), row.id, viewTag(view)];
  return encodeOpaqueCursor(value);
}

/**
 * A cursor from the URL, or undefined for anything this app didn't make for this view (another
 * sort, filter or search, e.g. a Next clicked while a new search was loading): the page then falls
 * back to `?page=`.
 */
export function decodeListCursor(cursor: string | undefined, view: ListView): ListCursor | undefined {
  if (!cursor) return undefined;
  const decoded = decodeOpaqueCursor(cursor, encoded);
  if (!decoded || decoded[4] !== viewTag(view)) return undefined;
  const [direction, lastUsedAt, createdAt, id] = decoded;
  return { before: direction === "b", lastUsedAt, createdAt, id };
}

type Order = "asc" | "desc";
const flip = (order: Order): Order => (order === "asc" ? "desc" : "asc");

/**
 * Rows past (createdAt, id) in `order`. The redundant `createdAt <= c` (or `>=`) is what lets
 * PostgreSQL start the index scan at the cursor; the OR alone would be a filter over the index from
 * its first entry.
 */
export function afterCreated(order: Order, at: Date, id: string): Prisma.ApiKeyWhereInput {
  return order === "desc"
    ? { createdAt: { lte: at }, OR: [{ createdAt: { lt: at } }, { id: { lt: id } }] }
    : { createdAt: { gte: at }, OR: [{ createdAt: { gt: at } }, { id: { gt: id } }] };
}

/** The rows on the cursor's side of it, in the list's order (`sort`, `dir`). */
export function keysetFilter({ sort, dir }: Sort, cursor: ListCursor): Prisma.ApiKeyWhereInput {
  if (sort === "created") return afterCreated(cursor.before ? flip(dir) : dir, cursor.createdAt, cursor.id);
  // Last used: lastUsedAt in `dir` with never-used keys last, then newest created first.
  const tie = afterCreated(cursor.before ? "asc" : "desc", cursor.createdAt, cursor.id);
  const L = cursor.lastUsedAt;
  // Never-used keys come after every used one: past a never-used cursor only never-used keys
  // remain; before it, every used key and the never-used ones ahead of it.
  if (L === null) return cursor.before ? { OR: [{ lastUsedAt: { not: null } }, { lastUsedAt: null, ...tie }] } : { lastUsedAt: null, ...tie };
  const beyond = (dir === "desc") !== cursor.before ? { lt: L } : { gt: L };
  const sameTime = { lastUsedAt: L, ...tie };
  return cursor.before ? { OR: [{ lastUsedAt: beyond }, sameTime] } : { OR: [{ lastUsedAt: beyond }, sameTime, { lastUsedAt: null }] };
}

/** The list's order; reversed for a page read backwards from a Previous cursor. */
export function listOrder({ sort, dir }: Sort, reversed = false): Prisma.ApiKeyOrderByWithRelationInput[] {
  if (sort === "last_used") {
    return reversed
      ? [{ lastUsedAt: { sort: flip(dir), nulls: "first" } }, { createdAt: "asc" }, { id: "asc" }]
      : [{ lastUsedAt: { sort: dir, nulls: "last" } }, { createdAt: "desc" }, { id: "desc" }];
  }
  const order = reversed ? flip(dir) : dir;
  return [{ createdAt: order }, { id: order }];
}
