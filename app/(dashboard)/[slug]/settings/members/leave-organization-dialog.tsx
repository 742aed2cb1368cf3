"use client";

import { LogOut } from "lucide-react";
import { useRouter } from "next/navigation";
import { useId, useRef, useState, useTransition } from "react";
import { toast } from "sonner";
import { ConfirmDialog, reachServer } from "@/components/form-dialog";
import { Button } from "@/components/ui/button";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import { leaveOrganizationAction } from "./actions";
import { apiKeyCount, type LeaveControl } from "./member-controls";

type LeaveOrganizationProps = {
  organization: { slug: string; name: string };
  /** The signed-in member's active keys here: all revoked when they leave. */
  activeKeys: number;
  control: LeaveControl;
};

/** The members page's "leave" section: any member but the last owner may leave. */
export function LeaveOrganization({ organization, activeKeys, control }: LeaveOrganizationProps) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [pending, startTransition] = useTransition();
  const descriptionId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);

  function confirmLeave() {
    if (pending) return;
    startTransition(async () => {
      const result = await reachServer(() => leaveOrganizationAction({ organization: organization.slug }));
      if (!result.ok) {
        setOpen(false);
        toast.error(result.message);
        return;
      }
      toast.success(
        `You left ${organization.name}.${result.data.revokedKeys ? ` ${apiKeyCount(result.data.revokedKeys)} revoked.` : ""}`,
      );
      // `/` lands in the user's last-used remaining organization, or says they have none.
      router.replace("/");
      router.refresh();
    });
  }

  const button =
    control.kind === "locked" ? (
      <Tooltip>
        <TooltipTrigger asChild>
          {/* A disabled button gets no pointer or focus events, so the wrapper carries the tooltip. */}
          <span tabIndex={0} className="focus-visible:ring-ring inline-flex rounded-md outline-none focus-visible:ring-[3px]">
            <Button variant="outline" disabled aria-describedby={descriptionId}>
              <LogOut aria-hidden />
              Leave organization
            </Button>
            <span id={descriptionId} className="sr-only">
              {control.reason}
            </span>
          </span>
        </TooltipTrigger>
        <TooltipContent>{control.reason}</TooltipContent>
      </Tooltip>
    ) : (
      <Button
        ref={buttonRef}
        variant="outline"
        className="text-destructive hover:bg-destructive/10 hover:text-destructive"
        onClick={() => setOpen(true)}
      >
        <LogOut aria-hidden />
        Leave organization
      </Button>
    );

  return (
    <section aria-labelledby={`${descriptionId}-heading`} className="flex flex-col gap-3 rounded-lg border p-4 sm:flex-row sm:items-center sm:justify-between">
      <div className="space-y-1">
        <h2 id={`${descriptionId}-heading`} className="text-sm font-medium">
          Leave {organization.name}
        </h2>
        <p className="text-muted-foreground text-sm">
          {control.kind === "locked" ? control.reason : "You lose access to its pages, and your API keys in it stop working at once."}
        </p>
      </div>
      {button}
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        pending={pending}
        title="Leave organization?"
        description={leaveConsequence(organization.name, activeKeys)}
        confirmLabel="Leave organization"
        pendingLabel="Leaving…"
        variant="destructive"
        onConfirm={confirmLeave}
        onCloseAutoFocus={(event) => {
          // Opened without a Radix Trigger: back to the button, unless the page is leaving.
          event.preventDefault();
          if (buttonRef.current?.isConnected) buttonRef.current.focus();
        }}
      />
    </section>
  );
}

function leaveConsequence(organizationName: string, n: number): string {
  const access = `You will lose access to ${organizationName}; only an invitation brings you back.`;
  if (n === 0) return `${access} You have no active API keys in it.`;
  return (
    `${access} Your ${n} active API ${n === 1 ? "key" : "keys"} in it will be revoked at once: ` +
    `applications using ${n === 1 ? "it" : "them"} will start getting authentication errors.`
  );
}
