import "server-only";
import { recordAudit, type AuditActor } from "@/lib/domain/audit/events";
import { db } from "@/lib/platform/runtime";
import { Prisma } from "@/lib/generated/prisma/client";
import { deriveSlug, numberedSlug, organizationNameSchema, slugSchema } from "@/lib/domain/organizations/slug";
import { isReservedSlug } from "@/lib/domain/organizations/url";

export { deriveSlug } from "@/lib/domain/organizations/slug";

/**
 * How many organizations one account may create. Counted from the audit trail (every creation
 * writes `organization.created` with its creator), so leaving an organization doesn't free a slot:
 * the cap is on creating, which is what a runaway script or an abusive account does.
 */
export const MAX_ORGANIZATIONS_CREATED_PER_USER = 20;

// A derived slug that loses a race for its name tries the next free one; an explicit one doesn't
// (the user chose it, so they choose again, with a suggestion).
const DERIVED_SLUG_ATTEMPTS = 5;

export type OrganizationErrorCode = "invalid" | "slug_taken" | "limit_reached";

export class OrganizationError extends Error {
  constructor(
    readonly code: OrganizationErrorCode,
    message: string,
    /** The form field the message belongs beside, and for a taken slug a free one to offer. */
    readonly details: { field?: "name" | "slug"; suggestion?: string } = {},
  ) {
    super(message);
    this.name = "OrganizationError";
  }
}

export type CreatedOrganization = { id: string; name: string; slug: string };

/**
 * Creates an organization with `userId` as its only owner, audited as `organization.created`.
 * `slug` is the one the user typed; without it the slug is derived from the name, and a taken one
 * becomes the next free `name-2`, `name-3`… Two creations racing for one slug are settled by the
 * unique index on Organization.slug: the loser retries (derived) or is told to choose (explicit).
 */
export async function createOrganization(params: {
  name: string;
  slug?: string;
  userId: string;
  actor: AuditActor;
}): Promise<CreatedOrganization> {
  const name = organizationNameSchema.safeParse(params.name);
  if (!name.success) throw new OrganizationError("invalid", name.error.issues[0]!.message, { field: "name" });

  const typed = params.slug?.trim();
  let base: string;
  if (typed) {
    const slug = slugSchema.safeParse(typed);
    if (!slug.success) throw new OrganizationError("invalid", slug.error.issues[0]!.message, { field: "slug" });
    base = slug.data;
  } else {
    base = deriveSlug(name.data);
    if (!base) {
      throw new OrganizationError("invalid", "Enter a slug: the name has no letters or digits (a–z, 0–9) to make one from.", {
        field: "slug",
      });
    }
  }

  for (let attempt = 1; ; attempt++) {
    try {
      return await insertOrganization({ name: name.data, base, explicit: Boolean(typed), userId: params.userId, actor: params.actor });
    } catch (error) {
      const lostRace = error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
      if (!lostRace) throw error;
      if (typed) {
        const suggestion = await freeSlug(base);
        throw new OrganizationError("slug_taken", takenMessage(base, suggestion), { field: "slug", suggestion });
      }
      if (attempt >= DERIVED_SLUG_ATTEMPTS) {
        throw new OrganizationError("slug_taken", "Another organization took that slug at the same moment. Try again.", { field: "slug" });
      }
    }
  }
}

function takenMessage(slug: string, suggestion: string): string {
  return `The slug “${slug}” is taken. Try “${suggestion}”, or another.`;
}

async function insertOrganization(params: {
  name: string;
  base: string;
  explicit: boolean;
  userId: string;
  actor: AuditActor;
}): Promise<CreatedOrganization> {
  const { name, base, explicit, userId, actor } = params;
  return db().$transaction(async (tx) => {
    // One creation at a time per user, so the cap can't be overrun by parallel requests.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`organizations:create:${userId}`}))`;
    const created = await tx.auditEvent.count({ where: { action: "organization.created", actorUserId: userId } });
    if (created >= MAX_ORGANIZATIONS_CREATED_PER_USER) {
      throw new OrganizationError(
        "limit_reached",
        `You've created ${MAX_ORGANIZATIONS_CREATED_PER_USER} organizations, the most one account may create. Use one of them, or ask an owner to invite you instead.`,
      );
    }
    let slug = base;
    if (await tx.organization.findUnique({ where: { slug }, select: { id: true } })) {
      const suggestion = await freeSlug(base, tx);
      if (explicit) throw new OrganizationError("slug_taken", takenMessage(base, suggestion), { field: "slug", suggestion });
      slug = suggestion;
    }
    const organization = await tx.organization.create({
      data: { name, slug, memberships: { create: { userId, role: "owner" } } },
      select: { id: true, name: true, slug: true },
    });
    await recordAudit(tx, {
      organizationId: organization.id,
      actor,
      action: "organization.created",
      target: { type: "organization", id: organization.id },
      metadata: { name, slug, owner_id: userId },
    });
    return organization;
  });
}

/** The first of `base-2`, `base-3`… that no organization has (a suggestion, not a reservation). */
async function freeSlug(base: string, client: Pick<Prisma.TransactionClient, "organization"> = db()): Promise<string> {
  const taken = new Set(
    // Every numbered candidate keeps at least the base's first 20 characters (the rest may be cut
    // to fit the number within the length limit).
    (await client.organization.findMany({ where: { slug: { startsWith: base.slice(0, 20) } }, select: { slug: true } })).map((o) => o.slug),
  );
  for (let n = 2; ; n++) {
    const candidate = numberedSlug(base, n);
    if (!taken.has(candidate) && !isReservedSlug(candidate)) return candidate;
  }
}
