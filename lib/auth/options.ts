import "server-only";
import bcrypt from "bcryptjs";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db, ensureDatabase } from "@/lib/db";
import { env } from "@/lib/env";
import { clientIp } from "@/lib/request-info";
import { safeText } from "@/lib/validation";
import { createSession, isSessionActive, revokeSession, SESSION_MAX_AGE_SECONDS, SessionEndedError } from "@/lib/auth/sessions";
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
      // and clear the cookie where it can; a database that can't be asked fails closed the same way.
      async jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.sid = await createSession(user.id);
          return token;
        }
        await ensureDatabase();
        if (!(await isSessionActive(token))) throw new SessionEndedError();
        return token;
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
        // An ended session is an ordinary answer, not an error worth a stack trace on every request.
        if (metadata instanceof Error && metadata.name === "SessionEndedError") return;
        console.error(`[next-auth][error][${code}]`, metadata);
      },
    },
  };
}
