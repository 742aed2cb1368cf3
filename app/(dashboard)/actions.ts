"use server";

import { cookies } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { safeId } from "@/lib/validation";
import { getMemberContext, ORGANIZATION_COOKIE } from "@/lib/session";
import type { ActionResult } from "@/lib/action-result";

const input = z.object({ organizationId: safeId });

export async function switchOrganizationAction(organizationId: string): Promise<ActionResult<{ name: string }>> {
  const context = await getMemberContext();
  if (!context) return { ok: false, message: "Your session has ended. Sign in again." };
  const parsed = input.safeParse({ organizationId });
  const target = parsed.success ? context.organizations.find((o) => o.id === parsed.data.organizationId) : undefined;
  if (!target) return { ok: false, message: "You are not a member of that organization." };
  (await cookies()).set(ORGANIZATION_COOKIE, target.id, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: process.env.NODE_ENV === "production" && process.env.AUTH_URL?.startsWith("https://") === true,
    maxAge: 60 * 60 * 24 * 365,
  });
  revalidatePath("/", "layout");
  return { ok: true, data: { name: target.name } };
}
