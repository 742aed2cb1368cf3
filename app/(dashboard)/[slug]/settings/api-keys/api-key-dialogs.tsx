"use client";

import type { ApiKeyRow } from "@/lib/domain/api-keys/key";
import { EditKeyDialog } from "./edit-key-dialog";
import { RevokeKeyDialog } from "./revoke-key-dialog";
import { RevokeKeysDialog } from "./revoke-keys-dialog";
import { RollKeyDialog } from "./roll-key-dialog";
import type { useKeyFocusReturn } from "./use-key-focus-return";

/** The key list's row dialogs (Revoke, Edit, Roll key) and "Revoke selected"; each open while it has its key(s). */
export type KeyDialogTarget =
  | { kind: "revoke" | "edit" | "roll"; key: ApiKeyRow }
  | { kind: "bulk"; keys: ApiKeyRow[] }
  | null;

export function ApiKeyDialogs({
  organization,
  currentUserId,
  target,
  onClose,
  onRevoked,
  onBulkRevoked,
  focus,
}: {
  organization: { slug: string; name: string };
  currentUserId: string;
  target: KeyDialogTarget;
  onClose: () => void;
  onRevoked: (key: ApiKeyRow) => void;
  onBulkRevoked: (keys: ApiKeyRow[]) => void;
  focus: ReturnType<typeof useKeyFocusReturn>;
}) {
  const keyFor = (kind: "revoke" | "edit" | "roll") => (target && target.kind === kind ? target.key : null);
  return (
    <>
      <RevokeKeyDialog
        organization={organization}
        apiKey={keyFor("revoke")}
        currentUserId={currentUserId}
        onClose={onClose}
        onRevoked={onRevoked}
        onCloseAutoFocus={focus.afterRevokeDialog}
      />
      <EditKeyDialog organization={organization} apiKey={keyFor("edit")} onClose={onClose} onCloseAutoFocus={focus.afterRowDialog} />
      <RollKeyDialog organization={organization} apiKey={keyFor("roll")} onClose={onClose} onCloseAutoFocus={focus.afterRowDialog} />
      <RevokeKeysDialog
        organization={organization}
        apiKeys={target?.kind === "bulk" ? target.keys : []}
        currentUserId={currentUserId}
        open={target?.kind === "bulk"}
        onClose={onClose}
        onRevoked={onBulkRevoked}
        onCloseAutoFocus={focus.afterBulkDialog}
      />
    </>
  );
}
