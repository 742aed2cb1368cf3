import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import bcrypt from "bcryptjs";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db, ensureDatabase } from "@/lib/platform/runtime";
import { env } from "@/lib/platform/config";
import { clientIp } from "@/lib/platform/request-info";
import { safeText } from "@/lib/validation";
import { checkSession, createSession, revokeSession, SESSION_MAX_AGE_SECONDS, SessionEndedError, type SessionCheck } from "@/lib/auth/sessions";
import { DatabaseUnavailableError } from "@/lib/platform/db/errors";
import { clearLoginFailures, loginBlockedFor, oneAttemptAtATime, recordLoginFailure, tooManyAttemptsMessage } from "@/lib/auth/login-throttle";

export const INVALID_CREDENTIALS = "Invalid email or password";

const credentialsSchema = z.object({
  email: safeText.trim().toLowerCase().min(3).max(320),
  password: z.string().min(1).max(200),
});

// Compared against when the email is unknown, so both answers take one bcrypt comparison.
const DUMMY_HASH = "$2b$12$amj8Q5/CyZ1dF3dsaJFt3OPCdq7FDLqnb83u1Gjy6OFmzvKn54AE.";

export async function authorizeCredentials(
  raw: Record<string, unknown> | undefined,
  ip: string,
): Promise<{ id: string; email: string; name: string } | null> {
  const parsed = credentialsSchema.safeParse(raw ?? {});
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  return oneAttemptAtATime(email, ip, () => checkPassword(email, password, ip));
}

async function checkPassword(email: string, password: string, ip: string): Promise<{ id: string; email: string; name: string } | null> {
  const blocked = await loginBlockedFor(email, ip);
  if (blocked > 0) throw new Error(tooManyAttemptsMessage(blocked));
  await ensureDatabase();
  const user = await db().user.findUnique({ where: { email }, select: { id: true, email: true, name: true, passwordHash: true } });
  const valid = await bcrypt.compare(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !valid) {
    await recordLoginFailure(email, ip);
    return null;
  }
  await clearLoginFailures(email, ip);
  return { id: user.id, email: user.email, name: user.name };
}

/**
 * next-auth knows one answer for a session it couldn't confirm: "no session", and it clears the
 * cookie where it can. That is right for an ended session and wrong for one that couldn't be checked
 * (the database is unreachable): the person would be signed out by an outage. So the jwt callback
 * also reports what it found to whoever asked for the session (getSignedInUserId, the
 * /api/auth/session route), who answer "unavailable" (503) instead and keep the cookie.
 */
const sessionChecks = new AsyncLocalStorage<{ check?: SessionCheck }>();

/**
 * Runs `read` (anything that makes next-auth read the session cookie) and returns its result with
 * what the session check found: undefined when there was no session cookie to check (or at sign-in).
 */
export async function readSession<T>(read: () => Promise<T>): Promise<{ result: T; check: SessionCheck | undefined }> {
  const scope: { check?: SessionCheck } = {};
  const result = await sessionChecks.run(scope, read);
  return { result, check: scope.check };
}

// next-auth 4 takes its origin from NEXTAUTH_URL or, with this set, from the request's Host:
// the app is served on whatever host and port it is started with.
process.env.AUTH_TRUST_HOST ??= "true";

export function authOptions(): NextAuthOptions {
  return {
    secret: env().authSecret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        authorize: (credentials, req) => authorizeCredentials(credentials, clientIp(req.headers ?? {})),
      }),
    ],
    callbacks: {
      // Runs at sign-in (with `user`) and on every session read (getServerSession, /api/auth/session).
      // Throwing makes next-auth answer "no session" (getServerSession → null, /api/auth/session → {})
      // and clear the cookie where it can. A database that can't be asked fails closed the same way,
      // but is reported as "unavailable" to readSession's caller, which must not sign anybody out.
      async jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.sid = await createSession(user.id);
          return token;
        }
        const check = await checkSession(token);
        const scope = sessionChecks.getStore();
        if (scope) scope.check = check;
        if (check === "active") return token;
        throw check === "ended" ? new SessionEndedError() : new DatabaseUnavailableError();
      },
      session({ session, token }) {
        if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
        return session;
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid !== "string") return;
        await ensureDatabase();
        await revokeSession(token.sid);
      },
    },
    logger: {
      error(code, metadata) {
        // An ended session is an ordinary answer, not an error worth a stack trace on every request;
        // an outage is one line per request (readiness and the API say more).
        if (metadata instanceof Error && metadata.name === "SessionEndedError") return;
        if (metadata instanceof Error && metadata.name === "DatabaseUnavailableError") {
          console.error("[auth] a session could not be checked: the database is unreachable");
          return;
        }
        console.error(`[next-auth][error][${code}]`, metadata);
      },
    },
  };
}
