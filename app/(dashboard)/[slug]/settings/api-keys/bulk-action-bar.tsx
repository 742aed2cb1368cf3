"use client";

import { Ban } from "lucide-react";
import { Button } from "@/components/ui/button";

/** Shown while keys are selected: how many, Revoke selected and Clear selection. */
export function BulkActionBar({ count, onRevoke, onClear }: { count: number; onRevoke: () => void; onClear: () => void }) {
  if (count === 0) return null;
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-2 rounded-lg border bg-muted/40 px-3 py-2 text-sm">
      <span role="status">
        {count} {count === 1 ? "key" : "keys"} selected
      </span>
      <Button variant="destructive" size="sm" data-revoke-selected="" onClick={onRevoke}>
        <Ban aria-hidden="true" />
        Revoke selected ({count})
      </Button>
      <Button variant="ghost" size="sm" onClick={onClear}>
        Clear selection
      </Button>
    </div>
  );
}
