import "server-only";
import bcrypt from "bcryptjs";
import { createHash, randomBytes } from "node:crypto";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { z } from "zod";
import { recordAudit, type AuditActor } from "@/lib/domain/audit/events";
import { clearLoginFailures, loginBlockedFor, oneAttemptAtATime, recordLoginFailure, tooManyAttemptsMessage } from "@/lib/auth/login-throttle";
import { passwordProblems } from "@/lib/auth/password-policy";
import type { Prisma } from "@/lib/generated/prisma/client";
import { assignableRoles, can, ROLE_LABELS, ROLES, type Role } from "@/lib/domain/permissions";
import { isRateLimited } from "@/lib/platform/rate-limit";
import { addressKey } from "@/lib/platform/request-info";
import { runtime, type Runtime } from "@/lib/platform/runtime";
import { hasVisibleCharacter, isVisibleLine, safeText } from "@/lib/validation";

// Invitations to join an organization. The product sends no email: whoever creates an invitation
// gets a link /invite/{token} to pass on. The token is 256 random bits; only its SHA-256 is stored,
// so a copy of the database (or a backup, or a log of queries) can't be turned into a link. A link
// is good for one use and for 7 days, and can be revoked before then.

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Pending (unused, unrevoked, unexpired) invitations per organization. */
export const MAX_PENDING_INVITATIONS = 50;
/** The cost of the bcrypt hash of a new account's password, as the demo seed's. */
export const PASSWORD_HASH_COST = 12;

// Acceptance attempts (opening an unknown link, joining, accepting) per client address.
const ATTEMPTS_PER_WINDOW = 30;
const ATTEMPT_WINDOW_SECONDS = 15 * 60;

/**
 * Invitations one person may create per hour, across organizations. Inviting an address, opening
 * the link and revoking it is a probe of that address (issue 20); this bounds how fast anyone can
 * repeat it, far above what inviting a team takes.
 */
export const INVITATIONS_PER_INVITER_PER_HOUR = 20;

/**
 * The one answer when "Create account and join" can't go ahead for the address: it has an account
 * and the password isn't that account's, or an account for it appeared meanwhile. It says neither,
 * nor whether the address has an account.
 */
export const JOIN_REFUSED_MESSAGE =
  "We couldn't create an account with these details. If you already have an account for this address, sign in to accept the invitation.";

// Compared against when the address has no account, so both paths take the same bcrypt work.
const DUMMY_HASH = "$2b$12$PYx3Gb1PX4AKk1CQiyHDIeZFMfkIeoOWG2JBdHzCniZVE07jfLQ.W";

/**
 * The roles `actor` may invite someone as: at most their own, and only owners invite owners. The
 * same rule as a role change for someone joining (lib/domain/permissions.ts), so the two never differ.
 */
export function invitableRoles(actor: Role): Role[] {
  return assignableRoles(actor, null);
}

export type InvitationErrorCode =
  | "forbidden"
  | "already_member"
  | "already_invited"
  | "limit_reached"
  | "not_found"
  | "expired"
  | "accepted"
  | "revoked"
  | "email_mismatch"
  | "join_refused"
  | "inviter_not_allowed"
  | "rate_limited";

export class InvitationError extends Error {
  constructor(
    readonly code: InvitationErrorCode,
    message: string,
    /** The form field the message belongs beside, if any. */
    readonly field?: "email" | "role" | "name" | "password",
  ) {
    super(message);
    this.name = "InvitationError";
  }
}

export const invitationEmail = safeText
  .trim()
  .toLowerCase()
  .min(1, "Enter the email address of the person to invite.")
  .max(320, "Email addresses are at most 320 characters.")
  .pipe(z.email("Enter a valid email address, like name@example.com."));

export const createInvitationSchema = z.object({
  email: invitationEmail,
  role: z.enum(ROLES, { message: "Choose a role." }),
});

export const accountNameSchema = safeText
  .trim()
  .min(1, "Enter your name.")
  .max(100, "Use at most 100 characters.")
  .refine(isVisibleLine, "Your name can't contain invisible or control characters.")
  .refine(hasVisibleCharacter, "Enter your name.");

/** base64url of 32 random bytes. Checked before any look-up, so nothing else reaches a query. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function generateInvitationToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function isInvitationTokenShape(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

export type InvitationView = {
  id: string;
  email: string;
  role: Role;
  invitedBy: { id: string; name: string; email: string } | null;
  createdAt: string;
  expiresAt: string;
};

const VIEW_SELECT = {
  id: true,
  email: true,
  role: true,
  createdAt: true,
  expiresAt: true,
  invitedBy: { select: { id: true, name: true, email: true } },
} satisfies Prisma.InvitationSelect;

function toView(row: Prisma.InvitationGetPayload<{ select: typeof VIEW_SELECT }>): InvitationView {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    invitedBy: row.invitedBy,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}

const pendingWhere = (organizationId: string, now: Date) =>
  ({ organizationId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } }) satisfies Prisma.InvitationWhereInput;

type Actor = AuditActor & { userId: string };

const lockInvitations = (tx: Prisma.TransactionClient, organizationId: string) =>
  tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`invitations:${organizationId}`}))`;

async function currentRole(tx: Prisma.TransactionClient, organizationId: string, userId: string): Promise<Role | null> {
  const membership = await tx.membership.findUnique({ where: { organizationId_userId: { organizationId, userId } }, select: { role: true } });
  return membership?.role ?? null;
}

/**
 * Creates an invitation and returns its token: the only time it exists outside the invitee's
 * browser. The actor's role is read again inside the transaction, whatever the caller checked.
 */
export async function createInvitation(
  params: { organizationId: string; email: string; role: Role; actor: Actor },
  rt: Runtime = runtime(),
): Promise<{ token: string; invitation: InvitationView }> {
  const { organizationId, role, actor } = params;
  const email = params.email.trim().toLowerCase();
  const now = new Date(rt.clock.now());
  const token = generateInvitationToken();
  await consumeInvitationAllowance(actor.userId, rt);
  const invitation = await rt.database.prisma().$transaction(async (tx) => {
    // Serialises invitations per organization, so the pending cap and "already invited" hold.
    await lockInvitations(tx, organizationId);
    const actingRole = await currentRole(tx, organizationId, actor.userId);
    if (!actingRole || !can(actingRole, "members:manage")) {
      throw new InvitationError("forbidden", "Only owners and admins can invite members.");
    }
    if (!invitableRoles(actingRole).includes(role)) {
      throw new InvitationError(
        "forbidden",
        role === "owner" ? "Only an owner can invite an owner." : `You can invite people as ${ROLE_LABELS[actingRole]} or below.`,
        "role",
      );
    }
    const member = await tx.membership.findFirst({ where: { organizationId, user: { email } }, select: { id: true } });
    if (member) throw new InvitationError("already_member", `${email} is already a member of this organization.`, "email");
    const existing = await tx.invitation.findFirst({ where: { ...pendingWhere(organizationId, now), email }, select: { id: true } });
    if (existing) {
      throw new InvitationError(
        "already_invited",
        `${email} already has a pending invitation. Revoke it below to send a new link.`,
        "email",
      );
    }
    const pending = await tx.invitation.count({ where: pendingWhere(organizationId, now) });
    if (pending >= MAX_PENDING_INVITATIONS) {
      throw new InvitationError(
        "limit_reached",
        `This organization has ${MAX_PENDING_INVITATIONS} pending invitations, the most it can have. Revoke some, or wait until they are used or expire.`,
      );
    }
    const row = await tx.invitation.create({
      data: {
        organizationId,
        email,
        role,
        tokenHash: hashInvitationToken(token),
        invitedById: actor.userId,
        createdAt: now,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      },
      select: VIEW_SELECT,
    });
    // The token is never part of the trail: only who was invited, and as what.
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "member.invited",
      target: { type: "invitation", id: row.id },
      metadata: { email, role },
    });
    return row;
  }).catch(async (error: unknown) => {
    // Only invitations that exist count: a refusal (or a failed write) gives the point back.
    await inviterLimiter(rt).reward(actor.userId, 1).catch(() => {});
    throw error;
  });
  return { token, invitation: toView(invitation) };
}

function inviterLimiter(rt: Runtime): RateLimiterAbstract {
  return rt.limiter({ keyPrefix: "invitations_created", points: INVITATIONS_PER_INVITER_PER_HOUR, duration: 60 * 60 });
}

async function consumeInvitationAllowance(userId: string, rt: Runtime): Promise<void> {
  try {
    await inviterLimiter(rt).consume(userId);
  } catch (error) {
    if (!isRateLimited(error)) throw error;
    const minutes = Math.max(1, Math.ceil(error.msBeforeNext / 60_000));
    throw new InvitationError(
      "rate_limited",
      `You've created ${INVITATIONS_PER_INVITER_PER_HOUR} invitations in the last hour, the most allowed. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
    );
  }
}

export type InviterRevocationReason = "inviter_removed" | "inviter_left" | "inviter_role_changed";

/**
 * Inside the transaction that removes a member or changes their role: revokes the pending
 * invitations they sent in this organization that `role` (their role from now on; null: no longer a
 * member) could not send, each audited as `invitation.revoked` by `actor` with the reason. Without
 * it a link outlives its inviter's right to send it: a removed admin's invitation as admin would
 * still make an admin (issue 20). Takes the invitations lock, so an invitation being created at the
 * same time either commits first and is revoked here, or reads the new role and is refused.
 */
export async function revokeInvitationsOfInviterInTx(
  tx: Prisma.TransactionClient,
  params: { organizationId: string; inviterId: string; role: Role | null; actor: Actor; reason: InviterRevocationReason; now: Date },
): Promise<number> {
  const { organizationId, inviterId, role, actor, reason, now } = params;
  const stillAllowed = role ? invitableRoles(role) : [];
  await lockInvitations(tx, organizationId);
  // One guarded statement: an acceptance committing meanwhile keeps its invitation, and only what
  // this statement revoked is audited.
  const revoked = await tx.invitation.updateManyAndReturn({
    where: { ...pendingWhere(organizationId, now), invitedById: inviterId, role: { notIn: stillAllowed } },
    data: { revokedAt: now, revokedById: actor.userId },
    select: { id: true, email: true, role: true },
  });
  for (const invitation of revoked) {
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "invitation.revoked",
      target: { type: "invitation", id: invitation.id },
      metadata: { email: invitation.email, role: invitation.role, reason, invited_by: inviterId },
    });
  }
  return revoked.length;
}

/** Pending invitations, newest first. */
export async function listPendingInvitations(organizationId: string, rt: Runtime = runtime()): Promise<InvitationView[]> {
  const rows = await rt.database.prisma().invitation.findMany({
    where: pendingWhere(organizationId, new Date(rt.clock.now())),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: VIEW_SELECT,
  });
  return rows.map(toView);
}

/** Revokes a pending invitation of this organization: its link stops working at once. */
export async function revokeInvitation(
  params: { organizationId: string; invitationId: string; actor: Actor },
  rt: Runtime = runtime(),
): Promise<InvitationView> {
  const { organizationId, invitationId, actor } = params;
  const now = new Date(rt.clock.now());
  return rt.database.prisma().$transaction(async (tx) => {
    const actingRole = await currentRole(tx, organizationId, actor.userId);
    if (!actingRole || !can(actingRole, "members:manage")) {
      throw new InvitationError("forbidden", "Only owners and admins can revoke invitations.");
    }
    const invitation = await tx.invitation.findFirst({ where: { id: invitationId, organizationId }, select: { ...VIEW_SELECT, acceptedAt: true, revokedAt: true } });
    if (!invitation) throw new InvitationError("not_found", "That invitation doesn't exist in this organization. Refresh the list.");
    if (!invitableRoles(actingRole).includes(invitation.role)) {
      throw new InvitationError("forbidden", "Only an owner can revoke an invitation to join as an owner.");
    }
    // Guarded: an acceptance committing meanwhile wins, and this revocation then says so.
    const { count } = await tx.invitation.updateMany({
      where: { id: invitation.id, organizationId, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now, revokedById: actor.userId },
    });
    if (count === 0) {
      const current = await tx.invitation.findUnique({ where: { id: invitation.id }, select: { acceptedAt: true } });
      throw current?.acceptedAt
        ? new InvitationError("accepted", `${invitation.email} has already accepted this invitation.`)
        : new InvitationError("revoked", "This invitation was already revoked. Refresh the list.");
    }
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "invitation.revoked",
      target: { type: "invitation", id: invitation.id },
      metadata: { email: invitation.email, role: invitation.role },
    });
    return toView(invitation);
  });
}

export type InvitationStatus = "pending" | "expired" | "accepted" | "revoked";

/**
 * What the page behind a link may show. Nothing but the organization's name is revealed to a
 * stranger; and nothing says whether the invited address has an account, even to the link's holder
 * (the inviter, perhaps, probing addresses).
 */
export type InvitationLookup = {
  id: string;
  status: InvitationStatus;
  organization: { id: string; name: string; slug: string };
  email: string;
  role: Role;
  invitedByName: string | null;
  expiresAt: string;
};

function statusOf(row: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }, now: Date): InvitationStatus {
  if (row.acceptedAt) return "accepted";
  if (row.revokedAt) return "revoked";
  if (row.expiresAt.getTime() <= now.getTime()) return "expired";
  return "pending";
}

/**
 * The invitation behind a link, or null. The look-up is by the token's SHA-256 through a unique
 * index: the database compares hashes, never the token, and how long a comparison takes says
 * nothing about the token (an attacker would need a preimage of the hash to make progress), so no
 * timing-safe comparison of the secret is needed here.
 */
export async function findInvitationByToken(token: string, rt: Runtime = runtime()): Promise<InvitationLookup | null> {
  if (!isInvitationTokenShape(token)) return null;
  const row = await rt.database.prisma().invitation.findUnique({
    where: { tokenHash: hashInvitationToken(token) },
    select: {
      id: true,
      email: true,
      role: true,
      expiresAt: true,
      acceptedAt: true,
      revokedAt: true,
      organization: { select: { id: true, name: true, slug: true } },
      invitedBy: { select: { name: true } },
    },
  });
  if (!row) return null;
  return {
    id: row.id,
    status: statusOf(row, new Date(rt.clock.now())),
    organization: row.organization,
    email: row.email,
    role: row.role,
    invitedByName: row.invitedBy?.name ?? null,
    expiresAt: row.expiresAt.toISOString(),
  };
}

const REFUSALS: Record<Exclude<InvitationStatus, "pending">, (organization: string) => InvitationError> = {
  expired: (o) => new InvitationError("expired", `This invitation to ${o} has expired. Ask whoever invited you for a new link.`),
  accepted: (o) => new InvitationError("accepted", `This invitation to ${o} has already been used. Ask whoever invited you for a new link.`),
  revoked: (o) => new InvitationError("revoked", `This invitation to ${o} was revoked. Ask whoever invited you for a new link.`),
};

/**
 * Marks the invitation used, guarded on it still being pending: of two acceptances of one link (or
 * an acceptance and a revocation) racing, PostgreSQL lets one update the row and re-checks the
 * other's conditions after it commits, which then match nothing. The loser learns why.
 */
async function claim(tx: Prisma.TransactionClient, token: string, userId: string | null, now: Date) {
  const row = await tx.invitation.findUnique({
    where: { tokenHash: hashInvitationToken(token) },
    select: { id: true, organizationId: true, email: true, role: true, invitedById: true, organization: { select: { name: true, slug: true } } },
  });
  if (!row) throw new InvitationError("not_found", "This invitation link isn't valid. Check that you copied all of it.");
  const { count } = await tx.invitation.updateMany({
    where: { id: row.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    data: { acceptedAt: now, acceptedById: userId },
  });
  if (count === 0) {
    const current = await tx.invitation.findUniqueOrThrow({ where: { id: row.id }, select: { acceptedAt: true, revokedAt: true, expiresAt: true } });
    const status = statusOf(current, now);
    throw REFUSALS[status === "pending" ? "accepted" : status](row.organization.name);
  }
  // Removing or demoting a member revokes what they may no longer send (revokeInvitationsOfInviterInTx);
  // this holds even where that didn't run (a restored backup, a row edited by hand). Throwing undoes
  // the claim above with the rest of the transaction.
  const inviterRole = row.invitedById ? await currentRole(tx, row.organizationId, row.invitedById) : null;
  if (!inviterRole || !invitableRoles(inviterRole).includes(row.role)) {
    throw new InvitationError(
      "inviter_not_allowed",
      `This invitation to ${row.organization.name} is no longer valid: whoever sent it can no longer invite you as ${ROLE_LABELS[row.role]}. Ask an owner or admin of ${row.organization.name} for a new link.`,
    );
  }
  return row;
}

async function join(
  tx: Prisma.TransactionClient,
  invitation: { id: string; organizationId: string; role: Role },
  user: { id: string; email: string },
  actor: Omit<AuditActor, "userId">,
) {
  await tx.membership.create({ data: { organizationId: invitation.organizationId, userId: user.id, role: invitation.role } });
  await recordAudit(tx, {
    organizationId: invitation.organizationId,
    actor: { ...actor, userId: user.id },
    action: "member.joined",
    target: { type: "member", id: user.id },
    metadata: { email: user.email, role: invitation.role, invitation_id: invitation.id },
  });
}

const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === "P2002";

export type JoinedOrganization = { organization: { id: string; name: string; slug: string }; role: Role; userId: string; email: string; name: string };

/** A signed-in user accepts: their email must be the invited one. */
export async function acceptInvitation(
  params: { token: string; userId: string; actor: Omit<AuditActor, "userId"> },
  rt: Runtime = runtime(),
): Promise<JoinedOrganization> {
  const { token, userId, actor } = params;
  if (!isInvitationTokenShape(token)) throw new InvitationError("not_found", "This invitation link isn't valid. Check that you copied all of it.");
  const now = new Date(rt.clock.now());
  try {
    return await rt.database.prisma().$transaction(async (tx) => {
      const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true, name: true } });
      if (!user) throw new InvitationError("forbidden", "Your account no longer exists. Sign in again.");
      const invitation = await claim(tx, token, user.id, now);
      if (invitation.email !== user.email.toLowerCase()) {
        throw new InvitationError(
          "email_mismatch",
          `This invitation is for ${invitation.email}, but you are signed in as ${user.email}. Sign out and use the invited account.`,
        );
      }
      const existing = await tx.membership.findUnique({
        where: { organizationId_userId: { organizationId: invitation.organizationId, userId: user.id } },
        select: { id: true },
      });
      if (existing) throw new InvitationError("already_member", `You are already a member of ${invitation.organization.name}.`);
      await join(tx, invitation, user, actor);
      return { organization: { id: invitation.organizationId, ...invitation.organization }, role: invitation.role, userId: user.id, email: user.email, name: user.name };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new InvitationError("already_member", "You are already a member of this organization.");
    throw error;
  }
}

/**
 * "Create account and join" at /invite/{token}, for whoever holds the link. If the invited address
 * has no account, one is created with this name and password: the account, the membership, the
 * invitation's use and the audit event are one transaction, so a refused invitation leaves no
 * account behind. If it has one, the password must be that account's (checked and throttled as
 * sign-in is): then the account accepts, as signed in, and keeps its own name and password.
 * Otherwise the answer is JOIN_REFUSED_MESSAGE. Every check before it (name, password rules,
 * throttling) is the same for both, and both do the same bcrypt work, so the page and the mistakes
 * say nothing about the address. The outcome still does: a holder who submits a valid new password
 * either joins (there was no account: they now hold one under that address) or is refused (there
 * was). Only proving the address by email closes that; until then the link is the proof, and the
 * invite dialog says so. Returns the user to sign in.
 */
export async function joinWithPassword(
  params: { token: string; name: string; password: string; actor: Omit<AuditActor, "userId"> },
  rt: Runtime = runtime(),
): Promise<JoinedOrganization> {
  const { token, password, actor } = params;
  if (!isInvitationTokenShape(token)) throw new InvitationError("not_found", "This invitation link isn't valid. Check that you copied all of it.");
  const lookup = await findInvitationByToken(token, rt);
  if (!lookup) throw new InvitationError("not_found", "This invitation link isn't valid. Check that you copied all of it.");
  if (lookup.status !== "pending") throw REFUSALS[lookup.status](lookup.organization.name);
  const name = accountNameSchema.safeParse(params.name);
  if (!name.success) throw new InvitationError("forbidden", name.error.issues[0]!.message, "name");
  const problem = passwordProblems(password, { email: lookup.email, name: name.data })[0];
  if (problem) throw new InvitationError("forbidden", problem, "password");
  const email = lookup.email;
  const ip = actor.ip ?? "unknown";
  let checking = false;
  try {
    return await oneAttemptAtATime(email, ip, async () => {
      checking = true;
      const blocked = await loginBlockedFor(email, ip);
      if (blocked > 0) throw new InvitationError("rate_limited", tooManyAttemptsMessage(blocked));
      const account = await rt.database.prisma().user.findUnique({ where: { email }, select: { id: true, passwordHash: true } });
      // Both, whichever path follows: bcrypt's cost is most of the answer's time.
      const proven = await bcrypt.compare(password, account?.passwordHash ?? DUMMY_HASH).catch(() => false);
      const passwordHash = await bcrypt.hash(password, PASSWORD_HASH_COST);
      if (account) {
        if (!proven) {
          await recordLoginFailure(email, ip);
          throw new InvitationError("join_refused", JOIN_REFUSED_MESSAGE);
        }
        await clearLoginFailures(email, ip);
        return acceptInvitation({ token, userId: account.id, actor }, rt);
      }
      return createAccountAndJoin({ token, name: name.data, passwordHash, actor }, rt);
    });
  } catch (error) {
    // Refused before the check began: another check for this address and client is under way.
    if (!checking && !(error instanceof InvitationError)) throw new InvitationError("rate_limited", tooManyAttemptsMessage(1_000));
    throw error;
  }
}

async function createAccountAndJoin(
  params: { token: string; name: string; passwordHash: string; actor: Omit<AuditActor, "userId"> },
  rt: Runtime,
): Promise<JoinedOrganization> {
  const { token, name, passwordHash, actor } = params;
  const now = new Date(rt.clock.now());
  try {
    return await rt.database.prisma().$transaction(async (tx) => {
      const invitation = await claim(tx, token, null, now);
      const user = await tx.user.create({ data: { email: invitation.email, name, passwordHash, createdAt: now }, select: { id: true, email: true, name: true } });
      await tx.invitation.update({ where: { id: invitation.id }, data: { acceptedById: user.id } });
      await join(tx, invitation, user, actor);
      return { organization: { id: invitation.organizationId, ...invitation.organization }, role: invitation.role, userId: user.id, email: user.email, name: user.name };
    });
  } catch (error) {
    // An account for this address was created meanwhile: the same answer as a wrong password.
    if (isUniqueViolation(error)) throw new InvitationError("join_refused", JOIN_REFUSED_MESSAGE);
    throw error;
  }
}

function attemptLimiter(rt: Runtime): RateLimiterAbstract {
  return rt.limiter({ keyPrefix: "invitation_attempts", points: ATTEMPTS_PER_WINDOW, duration: ATTEMPT_WINDOW_SECONDS });
}

/**
 * Counts one attempt to use an invitation link from this address; throws `rate_limited` once the
 * address has made too many. Guessing a 256-bit token is hopeless anyway: this keeps a client from
 * hammering the pages (and bcrypt) and makes a scan of the link space visibly fail.
 */
export async function countInvitationAttempt(ip: string, rt: Runtime = runtime()): Promise<void> {
  try {
    await attemptLimiter(rt).consume(addressKey(ip));
  } catch (error) {
    if (!isRateLimited(error)) throw error;
    const minutes = Math.max(1, Math.ceil(error.msBeforeNext / 60_000));
    throw new InvitationError("rate_limited", `Too many attempts from your network. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`);
  }
}
