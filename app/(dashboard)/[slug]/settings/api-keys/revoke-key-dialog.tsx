"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { ConfirmDialog, reachServer } from "@/components/form-dialog";
import { revokeApiKeyAction } from "./actions";
import type { ApiKeyRow } from "@/lib/domain/api-keys/key";

/**
 * Confirms and performs a revocation. Stays open (and undismissable) while the action runs, so
 * the outcome is always seen; `onRevoked` lets the table drop the row before the refresh lands.
 * Only the action keeps it busy, not the refresh after it: the next key's dialog, opened while the
 * list catches up, starts with its buttons enabled and focus on Cancel.
 */
export function RevokeKeyDialog({
  organization,
  apiKey,
  currentUserId,
  onClose,
  onRevoked,
  onCloseAutoFocus,
}: {
  /** The organization the page shows: the key is revoked there or not at all. */
  organization: { slug: string; name: string };
  apiKey: ApiKeyRow | null;
  currentUserId: string;
  onClose: () => void;
  onRevoked: (apiKey: ApiKeyRow) => void;
  onCloseAutoFocus?: (event: Event) => void;
}) {
  const router = useRouter();
  // The key whose revocation is running.
  const [revoking, setRevoking] = useState<string | null>(null);
  const pending = apiKey !== null && revoking === apiKey.id;

  async function confirm(key: ApiKeyRow) {
    setRevoking(key.id);
    const result = await reachServer(
      () => revokeApiKeyAction({ organization: organization.slug, keyId: key.id }),
      "The server couldn't be reached. The key is still active; try again.",
    );
    setRevoking(null);
    if (result.ok) {
      onRevoked(key);
      toast.success("API key revoked", { description: `${key.name} (${key.maskedKey}) no longer works.` });
    } else if ("unreachable" in result) {
      toast.error(result.message);
      return;
    } else {
      // E.g. someone else revoked it first: say so, and show the list as it now is.
      onClose();
      toast.error(result.message);
    }
    router.refresh();
  }

  return (
    <ConfirmDialog
      open={apiKey !== null}
      onClose={onClose}
      pending={pending}
      title="Revoke API key?"
      description={
        apiKey ? (
          <>
            <span className="font-medium text-foreground">{apiKey.name}</span>{" "}
            (<code className="font-mono text-xs">{apiKey.maskedKey}</code>)
            {apiKey.owner.id !== currentUserId ? `, owned by ${apiKey.owner.name},` : null} in {organization.name} stops
            working immediately.
            Applications using it will start getting authentication errors. This can&apos;t be undone.
          </>
        ) : null
      }
      confirmLabel="Revoke key"
      pendingLabel="Revoking…"
      variant="destructive"
      onConfirm={() => {
        if (apiKey) void confirm(apiKey);
      }}
      onCloseAutoFocus={onCloseAutoFocus}
    />
  );
}
