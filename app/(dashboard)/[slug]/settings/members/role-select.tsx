"use client";

import { useId, useRef, useState, useTransition } from "react";
import { toast } from "sonner";
import { ConfirmDialog, reachServer } from "@/components/form-dialog";
import { NativeSelect, NativeSelectOption } from "@/components/ui/native-select";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import { isRole, ROLE_LABELS, type Permission, type Role } from "@/lib/domain/permissions";
import { changeMemberRoleAction } from "./actions";
import { roleChangeEffect, type RoleControl } from "./member-controls";

type RoleSelectProps = {
  /** The slug of the organization the page shows: the action changes the role there. */
  organization: { slug: string; name: string };
  membershipId: string;
  name: string;
  role: Role;
  /** Each of the member's active keys' restriction (null: inherits the role), for the dialog's account of them. */
  activeKeyRestrictions: (Permission[] | null)[];
  control: RoleControl;
};

/**
 * Choosing a role only proposes it: **Change role?** says what it does to the member and their keys,
 * and nothing is saved until **Change role**. (A closed native select changes its value on an arrow
 * key in Chrome on Windows and Linux: browsing the options must not promote anyone.)
 */
export function RoleSelect({ organization, membershipId, name, role, activeKeyRestrictions, control }: RoleSelectProps) {
  const [pending, startTransition] = useTransition();
  // The last role the server accepted. It follows the server's list whenever that changes, and is
  // set on success too, so the select never flashes the old role while the refreshed list arrives.
  const [saved, setSaved] = useState(role);
  const [serverRole, setServerRole] = useState(role);
  if (role !== serverRole) {
    setServerRole(role);
    setSaved(role);
  }
  // The role chosen in the select and awaiting confirmation: shown in the select meanwhile.
  const [proposed, setProposed] = useState<Role | null>(null);
  const descriptionId = useId();
  const selectRef = useRef<HTMLSelectElement>(null);
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

  function choose(event: React.ChangeEvent<HTMLSelectElement>) {
    const next = event.target.value;
    if (pending || !isRole(next)) return;
    setProposed(next === saved ? null : next);
  }

  function confirm() {
    const next = proposed;
    if (!next || pending) return;
    startTransition(async () => {
      const result = await reachServer(() => changeMemberRoleAction({ organization: organization.slug, membershipId, role: next }));
      setProposed(null);
      if (!result.ok) {
        toast.error(result.message);
        return;
      }
      setSaved(next);
      toast.success(`Role updated: ${name} is now ${ROLE_LABELS[next]}. Their API keys follow the new role at once.`);
    });
  }

  return (
    <>
      <NativeSelect
        ref={selectRef}
        size="sm"
        aria-label={label}
        aria-busy={pending || undefined}
        value={proposed ?? saved}
        onChange={choose}
        className="w-32"
        wrapperClassName={pending ? "opacity-70" : undefined}
      >
        {control.options.map((option) => (
          <NativeSelectOption key={option.role} value={option.role} disabled={option.disabled}>
            {option.label}
          </NativeSelectOption>
        ))}
      </NativeSelect>
      <ConfirmDialog
        open={proposed !== null}
        // Cancel, Escape: the select goes back to the saved role.
        onClose={() => setProposed(null)}
        pending={pending}
        title="Change role?"
        descriptionAsChild
        description={
          <div className="space-y-2">
            {proposed ? (
              <>
                <p>
                  <span className="text-foreground font-medium">{name}</span> will be{" "}
                  <span className="text-foreground font-medium">{ROLE_LABELS[proposed]}</span> instead of{" "}
                  <span className="text-foreground font-medium">{ROLE_LABELS[saved]}</span> in {organization.name}.
                  {proposed === "owner" ? " Owners can change anyone's role, other owners' included, and remove them." : null}
                </p>
                <p data-testid="role-change-effect">{roleChangeEffect(saved, proposed, activeKeyRestrictions)}</p>
              </>
            ) : null}
          </div>
        }
        confirmLabel="Change role"
        pendingLabel="Changing…"
        onConfirm={confirm}
        onCloseAutoFocus={(event) => {
          // No Trigger opened it (the select did, by changing): Radix would focus nothing, so back
          // to the select, where a keyboard user was.
          event.preventDefault();
          selectRef.current?.focus();
        }}
      />
    </>
  );
}
