"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { ConfirmDialog, reachServer } from "@/components/form-dialog";
import type { ApiKeyRow } from "@/lib/domain/api-keys/key";
import { revokeApiKeysAction } from "./actions";

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/**
 * "Revoke selected": confirms with the list of keys, then revokes them all in one transaction.
 * Stays open (and undismissable) while the action runs, so the outcome is always seen.
 */
export function RevokeKeysDialog({
  organization,
  apiKeys,
  currentUserId,
  open,
  onClose,
  onRevoked,
  onCloseAutoFocus,
}: {
  organization: { slug: string; name: string };
  apiKeys: ApiKeyRow[];
  currentUserId: string;
  open: boolean;
  onClose: () => void;
  onRevoked: (apiKeys: ApiKeyRow[]) => void;
  onCloseAutoFocus?: (event: Event) => void;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const count = apiKeys.length;
  const others = apiKeys.filter((key) => key.owner.id !== currentUserId).length;

  function confirm() {
    setError(null);
    startTransition(async () => {
      const result = await reachServer(
        () => revokeApiKeysAction({ organization: organization.slug, keyIds: apiKeys.map((key) => key.id) }),
        "The server couldn't be reached. The keys are all still active; try again.",
      );
      if (result.ok) {
        const { revoked, skipped } = result.data;
        onRevoked(apiKeys);
        toast.success(`${revoked} API ${plural(revoked, "key", "keys")} revoked`, {
          description:
            skipped > 0
              ? `${skipped} ${plural(skipped, "was", "were")} already revoked. Applications using the others now get authentication errors.`
              : `Applications using ${plural(revoked, "it", "them")} now get authentication errors.`,
        });
      } else {
        // All or nothing: nothing was revoked; say why, and show the list as it now is.
        setError(result.message);
      }
      if (!("unreachable" in result)) router.refresh();
    });
  }

  return (
    <ConfirmDialog
      open={open && count > 0}
      onClose={() => {
        setError(null);
        onClose();
      }}
      pending={pending}
      title={`Revoke ${count} API ${plural(count, "key", "keys")}?`}
      description={
        <>
          {plural(count, "This key", "These keys")}
          {others > 0 ? `, ${others} of them owned by other members,` : null} in {organization.name} stop working immediately.
          Applications using {plural(count, "it", "them")} will start getting authentication errors. This can&apos;t be undone.
        </>
      }
      error={error}
      confirmLabel="Revoke keys"
      pendingLabel="Revoking…"
      variant="destructive"
      onConfirm={confirm}
      onCloseAutoFocus={onCloseAutoFocus}
    >
      {/* Focusable so that a keyboard can scroll a long list. */}
      <ul
        tabIndex={0}
        aria-label={`${plural(count, "Key", "Keys")} to revoke`}
        className="grid max-h-60 gap-1.5 overflow-y-auto rounded-md border p-3 text-sm outline-none focus-visible:ring-[3px] focus-visible:ring-ring"
      >
        {apiKeys.map((key) => (
          <li key={key.id} className="flex min-w-0 items-baseline justify-between gap-3">
            <span className="truncate font-medium" title={key.name}>
              {key.name}
              {key.owner.id !== currentUserId ? <span className="font-normal text-muted-foreground"> · {key.owner.name}</span> : null}
            </span>
            <code className="shrink-0 font-mono text-xs text-muted-foreground">{key.maskedKey}</code>
          </li>
        ))}
      </ul>
    </ConfirmDialog>
  );
}
