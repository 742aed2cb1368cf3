"use client";

import { Ban, Pencil, RefreshCw } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import type { ApiKeyRow } from "@/lib/domain/api-keys/key";
import { settingsPath } from "@/lib/domain/organizations/url";
import { EditKeyDialog } from "../edit-key-dialog";
import { RevokeKeyDialog } from "../revoke-key-dialog";
import { RollKeyDialog } from "../roll-key-dialog";

type Open = "edit" | "roll" | "revoke" | null;

/** Edit, Roll key and Revoke on the key's own page: the list's dialogs, then a fresh render of the page. */
export function KeyActions({
  organization,
  apiKey,
  currentUserId,
  canRoll,
}: {
  organization: { slug: string; name: string };
  apiKey: ApiKeyRow;
  currentUserId: string;
  /** Not for a key already rolled (roll its replacement instead). */
  canRoll: boolean;
}) {
  const router = useRouter();
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  return (
    <div className="flex flex-wrap gap-2">
      <Button variant="outline" size="sm" onClick={() => setOpen("edit")}>
        <Pencil aria-hidden="true" />
        Edit
      </Button>
      {canRoll ? (
        <Button variant="outline" size="sm" onClick={() => setOpen("roll")}>
          <RefreshCw aria-hidden="true" />
          Roll key
        </Button>
      ) : null}
      <Button variant="outline" size="sm" className="text-destructive hover:bg-destructive/10 hover:text-destructive" onClick={() => setOpen("revoke")}>
        <Ban aria-hidden="true" />
        Revoke
      </Button>
      <EditKeyDialog
        organization={organization}
        apiKey={open === "edit" ? apiKey : null}
        onClose={close}
        onDone={() => {
          close();
          router.refresh();
        }}
      />
      <RollKeyDialog
        organization={organization}
        apiKey={open === "roll" ? apiKey : null}
        onClose={close}
        onDone={({ apiKey: replacement }) => {
          close();
          // The replacement is the key to look at now; this page shows the old one as rolled.
          router.push(`${settingsPath(organization.slug)}/${replacement.id}`);
        }}
      />
      <RevokeKeyDialog
        organization={organization}
        apiKey={open === "revoke" ? apiKey : null}
        currentUserId={currentUserId}
        onClose={close}
        onRevoked={() => {
          close();
          router.refresh();
        }}
      />
    </div>
  );
}
