import "server-only";
import bcrypt from "bcryptjs";
import { getToken } from "next-auth/jwt";
import { cookies, headers } from "next/headers";
import { usesSecureCookies } from "@/lib/auth/cookies";
import { passwordProblems } from "@/lib/auth/password-policy";
import { revokeSessions } from "@/lib/auth/sessions";
import { ensureDatabase, runtime, type Runtime } from "@/lib/platform/runtime";
import { env } from "@/lib/platform/config";
import { accountNameSchema, invitationEmail, PASSWORD_HASH_COST } from "@/lib/domain/members/invitations";
import { createOrganization, OrganizationError } from "@/lib/domain/organizations/organizations";
import { deriveSlug, organizationNameSchema } from "@/lib/domain/organizations/slug";
import { isRateLimited } from "@/lib/platform/rate-limit";
import { addressKey } from "@/lib/platform/request-info";
import type { AuditActor } from "@/lib/domain/audit/events";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { Role } from "@/lib/domain/permissions";
import { getSignedInUserId } from "@/lib/auth/context";

// A person's own account: who they are, their password, the organizations they belong to. Unlike
// the dashboard pages, nothing here needs a membership: someone removed from their last
// organization can still sign in, change their password and accept an invitation.

export type AccountErrorCode = "wrong_password" | "weak_password" | "not_found" | "email_taken" | "invalid" | "signup_closed" | "rate_limited";

export class AccountError extends Error {
  constructor(
    readonly code: AccountErrorCode,
    message: string,
    /** The form field the message belongs beside, if any. */
    readonly field?: "currentPassword" | "newPassword" | "name" | "email" | "password" | "organizationName",
  ) {
    super(message);
    this.name = "AccountError";
  }
}

export type Account = {
  id: string;
  name: string;
  email: string;
  createdAt: string;
  organizations: { id: string; name: string; slug: string; role: Role; joinedAt: string }[];
};

export async function getAccount(userId: string, rt: Runtime = runtime()): Promise<Account | null> {
  const user = await rt.database.prisma().user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      name: true,
      email: true,
      createdAt: true,
      memberships: {
        orderBy: { createdAt: "asc" },
        select: { role: true, createdAt: true, organization: { select: { id: true, name: true, slug: true } } },
      },
    },
  });
  if (!user) return null;
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    createdAt: user.createdAt.toISOString(),
    organizations: user.memberships.map((m) => ({ ...m.organization, role: m.role, joinedAt: m.createdAt.toISOString() })),
  };
}

/**
 * Changes the password after checking the current one, and ends every other session of the user
 * (another browser signed in with the old password, perhaps not the user's): all in one
 * transaction, so a changed password never leaves those sessions alive.
 */
export async function changePassword(
  params: { userId: string; currentPassword: string; newPassword: string; keepSessionId?: string },
  rt: Runtime = runtime(),
): Promise<{ endedSessions: number }> {
  const { userId, currentPassword, newPassword, keepSessionId } = params;
  const prisma = rt.database.prisma();
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { id: true, email: true, name: true, passwordHash: true } });
  if (!user) throw new AccountError("not_found", "Your account no longer exists. Sign in again.");
  if (!(await bcrypt.compare(currentPassword, user.passwordHash))) {
    throw new AccountError("wrong_password", "That isn't your current password.", "currentPassword");
  }
  const problem = passwordProblems(newPassword, { email: user.email, name: user.name })[0];
  if (problem) throw new AccountError("weak_password", problem, "newPassword");
  if (newPassword === currentPassword) {
    throw new AccountError("weak_password", "Choose a password different from your current one.", "newPassword");
  }
  const passwordHash = await bcrypt.hash(newPassword, PASSWORD_HASH_COST);
  return prisma.$transaction(async (tx) => {
    // Guarded on the hash just checked: two changes racing can't both succeed with the old password.
    const { count } = await tx.user.updateMany({ where: { id: user.id, passwordHash: user.passwordHash }, data: { passwordHash } });
    if (count === 0) throw new AccountError("wrong_password", "Your password was changed meanwhile. Sign in again with the new one.", "currentPassword");
    const endedSessions = await revokeSessions(user.id, { except: keepSessionId, tx });
    return { endedSessions };
  });
}

/** The signed-in user as a row (id, name, email), or null. */
export async function signedInUser(): Promise<{ id: string; name: string; email: string } | null> {
  const id = await getSignedInUserId();
  if (!id) return null;
  await ensureDatabase();
  return runtime().database.prisma().user.findUnique({ where: { id }, select: { id: true, name: true, email: true } });
}

/** The session id in this request's cookie (see lib/auth/sessions.ts), to keep that session alive. */
export async function currentSessionId(): Promise<string | undefined> {
  const h = await headers();
  const jar = await cookies();
  const token = await getToken({
    req: { headers: Object.fromEntries(h.entries()), cookies: Object.fromEntries(jar.getAll().map((c) => [c.name, c.value])) } as never,
    secret: env().authSecret,
    secureCookie: usesSecureCookies(h),
  });
  return typeof token?.sid === "string" ? token.sid : undefined;
}

// Sign-ups per client address: an open sign-up form is a target for scripts creating accounts.
const SIGNUPS_PER_WINDOW = 5;
const SIGNUP_WINDOW_SECONDS = 60 * 60;
function signupLimiter(rt: Runtime): RateLimiterAbstract {
  return rt.limiter({ keyPrefix: "signups", points: SIGNUPS_PER_WINDOW, duration: SIGNUP_WINDOW_SECONDS });
}

export type SignUpInput = { name: string; email: string; password: string; organizationName: string };

/**
 * Open sign-up (only with ALLOW_SIGNUP=true): a new account and a new organization it owns. The
 * organization is created by lib/domain/organizations/organizations.ts in its own transaction (slug derivation, the
 * `organization.created` audit event); if that fails, the account just created is deleted again,
 * so a refused sign-up leaves nothing behind. Everything that can be checked beforehand is.
 */
export async function signUp(
  input: SignUpInput & { actor: Omit<AuditActor, "userId">; /** ALLOW_SIGNUP unless given (tests). */ allowSignup?: boolean },
  rt: Runtime = runtime(),
): Promise<{ userId: string; email: string; organization: { id: string; name: string; slug: string } }> {
  if (!(input.allowSignup ?? rt.env.allowSignup)) throw new AccountError("signup_closed", "Sign-up is by invitation only. Ask an organization's owner or admin for an invitation link.");
  const name = accountNameSchema.safeParse(input.name);
  if (!name.success) throw new AccountError("invalid", name.error.issues[0]!.message, "name");
  const email = invitationEmail.safeParse(input.email);
  if (!email.success) throw new AccountError("invalid", email.error.issues[0]!.message, "email");
  const organizationName = organizationNameSchema.safeParse(input.organizationName);
  if (!organizationName.success) throw new AccountError("invalid", organizationName.error.issues[0]!.message, "organizationName");
  if (!deriveSlug(organizationName.data)) {
    throw new AccountError("invalid", "Use at least one letter or digit (a–z, 0–9) in the name: its web address is made from them.", "organizationName");
  }
  const problem = passwordProblems(input.password, { email: email.data, name: name.data })[0];
  if (problem) throw new AccountError("weak_password", problem, "password");

  try {
    await signupLimiter(rt).consume(addressKey(input.actor.ip ?? "unknown"));
  } catch (error) {
    if (!isRateLimited(error)) throw error;
    throw new AccountError("rate_limited", "Too many sign-ups from your network. Try again in an hour.");
  }

  const prisma = rt.database.prisma();
  const taken = () => new AccountError("email_taken", `An account for ${email.data} already exists. Sign in instead.`, "email");
  if (await prisma.user.findUnique({ where: { email: email.data }, select: { id: true } })) throw taken();
  const passwordHash = await bcrypt.hash(input.password, PASSWORD_HASH_COST);
  let user: { id: string; email: string };
  try {
    user = await prisma.user.create({ data: { email: email.data, name: name.data, passwordHash }, select: { id: true, email: true } });
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === "P2002") throw taken();
    throw error;
  }
  try {
    const organization = await createOrganization({ name: organizationName.data, userId: user.id, actor: { ...input.actor, userId: user.id } });
    return { userId: user.id, email: user.email, organization };
  } catch (error) {
    await prisma.user.delete({ where: { id: user.id } }).catch(() => {});
    if (error instanceof OrganizationError) throw new AccountError("invalid", error.message, "organizationName");
    throw error;
  }
}
