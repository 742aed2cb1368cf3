"use client";

import { LogOut, Plus } from "lucide-react";
import { signOut } from "next-auth/react";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { CreateOrganizationDialog } from "./create-organization-dialog";

/** What `/` shows someone signed in who belongs to no organization (they left their last one). */
export function NoOrganization() {
  const [creating, setCreating] = useState(false);
  const createRef = useRef<HTMLButtonElement>(null);
  return (
    <main id="main" className="bg-muted/40 flex min-h-screen items-center justify-center px-4">
      <div className="bg-background w-full max-w-md space-y-4 rounded-lg border p-6">
        <p className="text-2xl font-semibold tracking-tight">Paygentic</p>
        <h1 className="text-lg font-medium">You&apos;re not a member of any organization</h1>
        <p className="text-muted-foreground text-sm">
          Create an organization to manage its API keys, or ask an owner or admin of an existing one to invite you, then open their
          invitation link.
        </p>
        <div className="flex flex-wrap gap-2">
          <Button ref={createRef} onClick={() => setCreating(true)}>
            <Plus aria-hidden />
            Create organization
          </Button>
          <Button variant="outline" onClick={() => void signOut({ callbackUrl: "/login" })}>
            <LogOut aria-hidden />
            Sign out
          </Button>
        </div>
      </div>
      <CreateOrganizationDialog
        open={creating}
        onOpenChange={setCreating}
        onCloseAutoFocus={(event) => {
          event.preventDefault();
          createRef.current?.focus();
        }}
      />
    </main>
  );
}
