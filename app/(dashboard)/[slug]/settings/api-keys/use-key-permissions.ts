"use client";

import { useMemo } from "react";
import type { ApiKeyRow } from "@/lib/domain/api-keys/key";
import { mayRollKeyOf, OWNER_KEY_ROLL_REFUSAL } from "@/lib/domain/api-keys/rules";
import type { Role } from "@/lib/domain/permissions";

/**
 * What the viewer may do to a row: act on it (own keys with api_keys:write, others' with
 * api_keys:manage) and roll it (an owner's key only by an owner). Memoised on values, not on the
 * `ownerIds` array, so the table's selection and cells see stable functions across refreshes.
 */
export function useKeyPermissions({
  currentUserId,
  role,
  ownerIds,
  canWrite,
  canManage,
}: {
  currentUserId: string;
  role: Role;
  ownerIds: string[];
  canWrite: boolean;
  canManage: boolean;
}) {
  const canAct = useMemo(
    () => (row: ApiKeyRow) => (row.owner.id === currentUserId ? canWrite : canManage),
    [currentUserId, canWrite, canManage],
  );
  const owners = ownerIds.join(",");
  const rollRefusal = useMemo(() => {
    const ownerSet = new Set(owners.split(","));
    return (row: ApiKeyRow) =>
      mayRollKeyOf({ own: row.owner.id === currentUserId, actorRole: role, ownerRole: ownerSet.has(row.owner.id) ? "owner" : null }) ? null : OWNER_KEY_ROLL_REFUSAL;
  }, [owners, currentUserId, role]);
  return { canAct, rollRefusal };
}
