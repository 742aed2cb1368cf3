import type { Environment } from "@/lib/api-keys/schemas";

/** One row of the key table, as sent to the browser: display fields only, never a hash or secret. */
export type ApiKeyRow = {
  id: string;
  name: string;
  description: string | null;
  environment: Environment;
  /** "sk_live_…Ab3d", masked on the server (lib/api-keys/format.ts needs node:crypto). */
  maskedKey: string;
  last4: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  revokeReason: string | null;
  revokedBy: { name: string } | null;
  owner: { id: string; name: string; email: string };
};
