"use client";

import { useEffect, useRef, useState } from "react";
import type { ApiKeyRow } from "@/lib/domain/api-keys/key";

type RowDialog = { id: string; action: "edit" | "roll" };

/**
 * Where focus goes when the key list's dialogs close. They have no Radix trigger, so focus is
 * handed back by hand: to the button that opened the dialog or, that row being gone, to the
 * nearest thing that still makes sense (the next row's button, the previous row's, Create new key).
 */
export function useKeyFocusReturn(rows: ApiKeyRow[], isEmpty: boolean) {
  const [revokeButton, setRevokeButton] = useState<HTMLElement | null>(null);
  // Kept as a selector, not an element: the refresh after a revoke may re-render the target (the
  // empty state swaps the create button), and focus must follow it rather than fall to <body>.
  const focusAfterRevoke = useRef<{ selector: string; revokedId: string } | null>(null);
  // The Edit or Roll key button that opened a dialog (by key and action).
  const [rowDialog, setRowDialog] = useState<RowDialog | null>(null);

  // The refreshed list can replace the element focus was handed to (e.g. the last key gone, the
  // header's create button gives way to the empty state's): if focus fell to <body>, restore it.
  useEffect(() => {
    const pending = focusAfterRevoke.current;
    if (!pending) return;
    if (!document.activeElement || document.activeElement === document.body) {
      document.querySelector<HTMLElement>(pending.selector)?.focus();
    }
    // The server's list without the key has arrived: nothing will re-render the target again.
    if (!rows.some((row) => row.id === pending.revokedId)) focusAfterRevoke.current = null;
  }, [rows, isEmpty]);

  return {
    /** Revoke was clicked on a row. */
    openedRevoke: setRevokeButton,
    /** Edit or Roll key was clicked on a row. */
    openedRowDialog: (id: string, action: RowDialog["action"]) => setRowDialog({ id, action }),
    /** The key is revoked (its row is about to go): focus will move to the neighbouring row. */
    revoked(keyId: string) {
      const buttons = Array.from(document.querySelectorAll<HTMLElement>("[data-revoke-key]"));
      const index = buttons.findIndex((button) => button.dataset.revokeKey === keyId);
      const neighbour = buttons[index + 1] ?? buttons[index - 1];
      focusAfterRevoke.current = {
        selector: neighbour ? `[data-revoke-key="${neighbour.dataset.revokeKey}"]` : "[data-create-key-trigger]",
        revokedId: keyId,
      };
    },
    afterRevokeDialog(event: Event) {
      const pending = focusAfterRevoke.current;
      const target = pending ? document.querySelector<HTMLElement>(pending.selector) : revokeButton;
      if (target?.isConnected) {
        event.preventDefault();
        target.focus();
      }
    },
    /** After Edit or Roll: back to the button that opened it, or (the row gone, e.g. rolled immediately) the nearest thing. */
    afterRowDialog(event: Event) {
      focusFirst(event, [
        rowDialog ? `[data-key-${rowDialog.action}="${rowDialog.id}"]` : null,
        "[data-key-edit]",
        "[data-create-key-trigger]",
      ]);
    },
    afterBulkDialog(event: Event) {
      focusFirst(event, ["[data-revoke-selected]", "[data-select-all]:not([disabled])", "[data-create-key-trigger]"]);
    },
  };
}

function focusFirst(event: Event, selectors: (string | null)[]) {
  for (const selector of selectors) {
    const target = selector ? document.querySelector<HTMLElement>(selector) : null;
    if (target) {
      event.preventDefault();
      target.focus();
      return;
    }
  }
}
