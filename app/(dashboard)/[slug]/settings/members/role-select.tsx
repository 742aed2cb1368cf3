"use client";

import { Loader2 } from "lucide-react";
import { useId, useOptimistic, useState, useTransition } from "react";
import { toast } from "sonner";
import { NativeSelect, NativeSelectOption } from "@/components/ui/native-select";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import { isRole, ROLE_LABELS, type Role } from "@/lib/permissions";
import { changeMemberRoleAction } from "./actions";
import type { RoleControl } from "./member-controls";

type RoleSelectProps = {
  /** The slug of the organization the page shows: the action changes the role there. */
  organization: string;
  membershipId: string;
  name: string;
  role: Role;
  control: RoleControl;
};

/** Saves on change: a role is one choice, so there is no separate Save step to forget. */
export function RoleSelect({ organization, membershipId, name, role, control }: RoleSelectProps) {
  const [pending, startTransition] = useTransition();
  // The last role the server accepted. It follows the server's list whenever that changes, and is
  // set on success too, so the select never flashes the old role while the refreshed list arrives.
  const [saved, setSaved] = useState(role);
  const [serverRole, setServerRole] = useState(role);
  if (role !== serverRole) {
    setServerRole(role);
    setSaved(role);
  }
  const [shown, showRole] = useOptimistic(saved);
  const descriptionId = useId();
  const label = `Role for ${name}`;

  if (control.kind === "locked") {
    return (
      <Tooltip>
        <TooltipTrigger asChild>
          {/* A disabled control gets no pointer or focus events, so the wrapper carries the tooltip. */}
          <span tabIndex={0} className="focus-visible:ring-ring inline-flex rounded-md outline-none focus-visible:ring-[3px]">
            <NativeSelect size="sm" aria-label={label} aria-describedby={descriptionId} value={role} disabled className="w-32">
              <NativeSelectOption value={role}>{ROLE_LABELS[role]}</NativeSelectOption>
            </NativeSelect>
            <span id={descriptionId} className="sr-only">
              {control.reason}
            </span>
          </span>
        </TooltipTrigger>
        <TooltipContent>{control.reason}</TooltipContent>
      </Tooltip>
    );
  }

  function change(event: React.ChangeEvent<HTMLSelectElement>) {
    const next = event.target.value;
    // While a change is saving the select stays focusable but ignores input (it is controlled).
    if (pending || !isRole(next) || next === saved) return;
    startTransition(async () => {
      showRole(next);
      const result = await changeMemberRoleAction({ organization, membershipId, role: next });
      if (!result.ok) {
        toast.error(result.message);
        return;
      }
      setSaved(next);
      toast.success(`Role updated: ${name} is now ${ROLE_LABELS[next]}. Their API keys follow the new role at once.`);
    });
  }

  return (
    <div className="flex items-center gap-2">
      <NativeSelect
        size="sm"
        aria-label={label}
        aria-busy={pending || undefined}
        value={shown}
        onChange={change}
        className="w-32"
        wrapperClassName={pending ? "opacity-70" : undefined}
      >
        {control.options.map((option) => (
          <NativeSelectOption key={option.role} value={option.role} disabled={option.disabled}>
            {option.label}
          </NativeSelectOption>
        ))}
      </NativeSelect>
      {pending ? (
        <span role="status" className="text-muted-foreground">
          <Loader2 className="size-4 animate-spin motion-reduce:animate-none" aria-hidden />
          <span className="sr-only">Saving role…</span>
        </span>
      ) : null}
    </div>
  );
}
