import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { db, ensureDatabase } from "@/lib/platform/runtime";
import { isDatabaseUnavailable } from "@/lib/platform/db/errors";
import type { Prisma } from "@/lib/generated/prisma/client";

// Server-side record of each signed-in browser. The cookie stays a next-auth JWT (encrypted with
// AUTH_SECRET); it now also carries `sid`, and a session is valid only while its row is neither
// revoked nor expired. Only a hash of `sid` is stored: whoever can read the database, even with
// AUTH_SECRET in hand, cannot mint a cookie for a live session.

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

// Rows past their end are kept this long (a trace of recent sign-outs), then deleted at the next sign-in.
const KEEP_ENDED_MS = 24 * 60 * 60 * 1000;

/** What next-auth's JWT holds that matters here. */
export type SessionClaims = { sub?: unknown; sid?: unknown };

function hashSessionId(sessionId: string): string {
  return createHash("sha256").update(sessionId).digest("hex");
}

/** Starts a session for a user who has just signed in; returns the id to put in the cookie. */
export async function createSession(userId: string, now = new Date()): Promise<string> {
  const sessionId = randomBytes(32).toString("base64url");
  await db().session.create({
    data: { id: hashSessionId(sessionId), userId, createdAt: now, expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000) },
  });
  const cutoff = new Date(now.getTime() - KEEP_ENDED_MS);
  await db().session.deleteMany({ where: { OR: [{ expiresAt: { lt: cutoff } }, { revokedAt: { lt: cutoff } }] } });
  return sessionId;
}

/**
 * One primary-key look-up. A token without `sid` was issued before sessions were recorded and
 * counts as signed out; a deleted user's rows are gone with them (foreign key cascade).
 */
export async function isSessionActive(claims: SessionClaims, now = new Date()): Promise<boolean> {
  if (typeof claims.sid !== "string" || typeof claims.sub !== "string") return false;
  const row = await db().session.findFirst({
    where: { id: hashSessionId(claims.sid), userId: claims.sub, revokedAt: null, expiresAt: { gt: now } },
    select: { id: true },
  });
  return row !== null;
}

/**
 * What checking a session cookie found. "unavailable" is "couldn't check" (the database is
 * unreachable), never "ended": the caller fails closed (nobody gets in) without signing anybody out.
 */
export type SessionCheck = "active" | "ended" | "unavailable";

/** isSessionActive as a typed result: an unreachable database is "unavailable"; any other failure still throws. */
export async function checkSession(claims: SessionClaims, now = new Date()): Promise<SessionCheck> {
  // A token that can't name a session is ended whether or not the database answers.
  if (typeof claims.sid !== "string" || typeof claims.sub !== "string") return "ended";
  try {
    await ensureDatabase();
    return (await isSessionActive(claims, now)) ? "active" : "ended";
  } catch (error) {
    if (isDatabaseUnavailable(error)) return "unavailable";
    throw error;
  }
}

/** Sign-out: ends this one session. */
export async function revokeSession(sessionId: string): Promise<void> {
  await db().session.updateMany({ where: { id: hashSessionId(sessionId), revokedAt: null }, data: { revokedAt: new Date() } });
}

/**
 * Ends every session of the user, except `except` (the session id of the browser that asked, e.g.
 * after a password change). Pass `tx` to make it part of a larger change. Returns how many ended.
 */
export async function revokeSessions(userId: string, options: { except?: string; tx?: Prisma.TransactionClient } = {}): Promise<number> {
  const { count } = await (options.tx ?? db()).session.updateMany({
    where: { userId, revokedAt: null, ...(options.except ? { id: { not: hashSessionId(options.except) } } : {}) },
    data: { revokedAt: new Date() },
  });
  return count;
}

/** Thrown from next-auth's jwt callback so that it answers "no session" and clears the cookie. */
export class SessionEndedError extends Error {
  constructor() {
    super("The session has ended (signed out, revoked or expired).");
    this.name = "SessionEndedError";
  }
}
