import { PERMISSIONS, permissionsOf, type Permission, type Role } from "@/lib/domain/permissions";

// The key lifecycle's rules as plain functions: expiry arithmetic, rolling, restriction ∩ role,
// inactivity. The store, verification, the dashboard and the API all ask these; property tests
// (tests/unit/key-rules.test.ts) hold them to their promises. No I/O, importable in the browser.

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** How far ahead a key may be set to expire: a year (the longest preset). */
export const MAX_EXPIRY_MS = 366 * DAY_MS;
/** "Expires soon": within this window. */
export const EXPIRES_SOON_MS = 7 * DAY_MS;

export const EXPIRATIONS = ["never", "7d", "30d", "90d", "1y", "custom"] as const;
export type Expiration = (typeof EXPIRATIONS)[number];

export const EXPIRATION_LABELS: Record<Expiration, string> = {
  never: "No expiration",
  "7d": "7 days",
  "30d": "30 days",
  "90d": "90 days",
  "1y": "1 year",
  custom: "Custom date",
};

const PRESET_MS: Record<Exclude<Expiration, "never" | "custom">, number> = {
  "7d": 7 * DAY_MS,
  "30d": 30 * DAY_MS,
  "90d": 90 * DAY_MS,
  "1y": 365 * DAY_MS,
};

export type ExpiryResult = { ok: true; expiresAt: Date | null } | { ok: false; message: string };

/**
 * When a key created at `now` with this choice expires. A custom date (YYYY-MM-DD) means the end of
 * that day in UTC, so "expires on the 5th" works all of the 5th; it must be after now and at most
 * a year ahead.
 */
export function expiresAtFor(choice: Expiration, now: number, customDate?: string): ExpiryResult {
  if (choice === "never") return { ok: true, expiresAt: null };
  if (choice !== "custom") return { ok: true, expiresAt: new Date(now + PRESET_MS[choice]) };
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(customDate ?? "");
  if (!match) return { ok: false, message: "Choose a date." };
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const endOfDay = Date.UTC(year, month - 1, day, 23, 59, 59, 999);
  const check = new Date(endOfDay);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return { ok: false, message: "That date doesn't exist." };
  }
  if (endOfDay <= now) return { ok: false, message: "Choose a date in the future." };
  if (endOfDay - now > MAX_EXPIRY_MS) return { ok: false, message: "Choose a date at most 1 year ahead." };
  return { ok: true, expiresAt: new Date(endOfDay) };
}

/** The overlap choices of the Roll dialog, in seconds (the API takes any 0…7 days). */
export const ROLL_OVERLAPS = [
  { seconds: 0, label: "Immediately" },
  { seconds: 3_600, label: "In 1 hour" },
  { seconds: 86_400, label: "In 24 hours" },
  { seconds: 604_800, label: "In 7 days" },
] as const;
export const MAX_ROLL_OVERLAP_SECONDS = 604_800;

/**
 * The two expiries a roll sets: the old key's (now + overlap, but never later than it would have
 * expired anyway) and the replacement's (a fresh period of the old key's length, if it had one).
 */
export function rollExpiries(old: { createdAt: Date; expiresAt: Date | null }, now: number, overlapSeconds: number): { oldExpiresAt: Date; newExpiresAt: Date | null } {
  const overlapEnd = now + Math.max(0, Math.min(overlapSeconds, MAX_ROLL_OVERLAP_SECONDS)) * 1000;
  const oldExpiresAt = new Date(old.expiresAt ? Math.min(old.expiresAt.getTime(), overlapEnd) : overlapEnd);
  const lifetime = old.expiresAt ? Math.max(0, old.expiresAt.getTime() - old.createdAt.getTime()) : null;
  return { oldExpiresAt, newExpiresAt: lifetime === null ? null : new Date(now + Math.max(lifetime, DAY_MS)) };
}

/** Restrictions as stored (a JSON array, or null for "inherit my role"), validated and in canonical order. */
export function parseRestrictions(value: unknown): Permission[] | null {
  if (value === null || value === undefined || !Array.isArray(value)) return null;
  const wanted = new Set(value.filter((p): p is string => typeof p === "string"));
  return PERMISSIONS.filter((p) => wanted.has(p));
}

/**
 * A key's effective permissions: its owner's current role, narrowed by its restriction. Never more
 * than the role (a key never exceeds its owner) and never more than the restriction (a role that
 * grows does not widen a restricted key).
 */
export function effectivePermissions(role: Role, restrictions: readonly Permission[] | null): Permission[] {
  const granted = permissionsOf(role);
  if (restrictions === null) return granted;
  const allowed = new Set(restrictions);
  return granted.filter((p) => allowed.has(p));
}

/** Why a key lacks `permission`: its restriction, or its owner's role (both, when neither has it: the role). */
export function missingPermissionCause(role: Role, restrictions: readonly Permission[] | null, permission: Permission): "role" | "restriction" | null {
  if (!permissionsOf(role).includes(permission)) return "role";
  if (restrictions !== null && !restrictions.includes(permission)) return "restriction";
  return null;
}

/** A restriction a creator may give: a non-empty subset of what their role holds now. */
export function checkRestriction(role: Role, restrictions: readonly string[]): { ok: true; restrictions: Permission[] } | { ok: false; message: string } {
  if (restrictions.length === 0) return { ok: false, message: "Choose at least one permission, or let the key inherit your role." };
  const granted = new Set<string>(permissionsOf(role));
  const beyond = restrictions.filter((p) => !granted.has(p));
  if (beyond.length > 0) return { ok: false, message: `Your role doesn't have ${beyond.join(", ")}: a key can't have more than its owner.` };
  return { ok: true, restrictions: parseRestrictions(restrictions) ?? [] };
}

/** Unused for 30 days, or never used and created more than 7 days ago. */
export const INACTIVE_UNUSED_MS = 30 * DAY_MS;
export const INACTIVE_NEVER_USED_MS = 7 * DAY_MS;

export function isInactive(key: { createdAt: Date; lastUsedAt: Date | null }, now: number): boolean {
  if (key.lastUsedAt) return now - key.lastUsedAt.getTime() >= INACTIVE_UNUSED_MS;
  return now - key.createdAt.getTime() >= INACTIVE_NEVER_USED_MS;
}

export function isExpired(expiresAt: Date | null, now: number): boolean {
  return expiresAt !== null && expiresAt.getTime() <= now;
}

export function expiresSoon(expiresAt: Date | null, now: number): boolean {
  return expiresAt !== null && expiresAt.getTime() > now && expiresAt.getTime() - now <= EXPIRES_SOON_MS;
}

/**
 * Whether a member with `actorRole` may roll a key owned by a member with `ownerRole` (the same
 * member when `own`). The replacement acts as the key's owner: rolling an owner's key is an owner's
 * call, like removing one. The store enforces it; the list and the key page disable Roll key by it.
 */
export function mayRollKeyOf(params: { own: boolean; actorRole: Role | null; ownerRole: Role | null }): boolean {
  return params.own || params.ownerRole !== "owner" || params.actorRole === "owner";
}

export const OWNER_KEY_ROLL_REFUSAL = "Only an owner can roll an owner's key: its replacement would act as them";
