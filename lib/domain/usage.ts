import "server-only";
import { createHash } from "node:crypto";
import { db } from "@/lib/platform/runtime";
import { Prisma, type UsageEvent } from "@/lib/generated/prisma/client";

export class IdempotencyConflictError extends Error {
  override name = "IdempotencyConflictError";
}

/** A usage event as the API accepts it (lib/http/schemas.ts validates it into this shape). */
export type CreateUsageEvent = { metric: string; quantity: number; customer_id?: string; timestamp?: string };

function canonicalHash(input: CreateUsageEvent): string {
  const canonical = JSON.stringify([input.metric, input.quantity, input.customer_id ?? null, input.timestamp ?? null]);
  return createHash("sha256").update(canonical).digest("hex");
}

/**
 * Records a usage event. With an idempotency key, a retry of the same request returns the event
 * the first one created (`replayed: true`); the same key with another body is a conflict.
 * Keys are scoped to the organization and mode, like the data they protect.
 */
export async function recordUsageEvent(params: {
  organizationId: string;
  apiKeyId: string;
  livemode: boolean;
  input: CreateUsageEvent;
  idempotencyKey?: string;
}): Promise<{ event: UsageEvent; replayed: boolean }> {
  const { organizationId, apiKeyId, livemode, input, idempotencyKey } = params;
  const requestHash = idempotencyKey ? canonicalHash(input) : null;
  const existing = async () => {
    if (!idempotencyKey) return null;
    const event = await db().usageEvent.findUnique({
      where: { organizationId_livemode_idempotencyKey: { organizationId, livemode, idempotencyKey } },
    });
    if (event && event.requestHash !== requestHash) {
      throw new IdempotencyConflictError("This Idempotency-Key was already used with a different request body.");
    }
    return event;
  };
  const first = await existing();
  if (first) return { event: first, replayed: true };
  try {
    const event = await db().usageEvent.create({
      data: {
        organizationId,
        apiKeyId,
        livemode,
        metric: input.metric,
        quantity: input.quantity,
        customerId: input.customer_id ?? null,
        timestamp: input.timestamp ? new Date(input.timestamp) : new Date(),
        idempotencyKey: idempotencyKey ?? null,
        requestHash,
      },
    });
    return { event, replayed: false };
  } catch (error) {
    // Two concurrent requests with one key: the loser answers with the winner's event.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const winner = await existing();
      if (winner) return { event: winner, replayed: true };
    }
    throw error;
  }
}

export async function listUsageEvents(params: {
  organizationId: string;
  livemode: boolean;
  limit: number;
  after?: { at: Date; id: string };
}): Promise<{ rows: UsageEvent[]; hasMore: boolean }> {
  const { organizationId, livemode, limit, after } = params;
  const rows = await db().usageEvent.findMany({
    where: {
      organizationId,
      livemode,
      ...(after ? { OR: [{ timestamp: { lt: after.at } }, { timestamp: after.at, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ timestamp: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
}
