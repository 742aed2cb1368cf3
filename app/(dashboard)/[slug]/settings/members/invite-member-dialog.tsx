"use client";

import { UserPlus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { FormDialogContent, ShowOnceDialogContent, useFormDialogAction } from "@/components/form-dialog";
import { Button } from "@/components/ui/button";
import { Dialog, DialogTrigger } from "@/components/ui/dialog";
import { FieldError } from "@/components/ui/field-error";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect, NativeSelectOption } from "@/components/ui/native-select";
import { ROLE_LABELS, type Role } from "@/lib/domain/permissions";
import { describedBy } from "@/lib/utils";
import { inviteMemberAction, type InviteMemberValues } from "./invitation-actions";

type Organization = { slug: string; name: string };

const ROLE_HINTS: Record<Role, string> = {
  owner: "Everything, including managing owners.",
  admin: "Manages members and every API key.",
  developer: "Creates API keys and records usage.",
  viewer: "Reads usage; creates read-only keys.",
};

/**
 * Invite member → the form → the link, shown once. The link lives only in this component's state:
 * closing the dialog drops the only copy the page ever had.
 */
export function InviteMemberDialog({ organization, roles }: { organization: Organization; roles: Role[] }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<{ link: string; email: string; role: Role } | null>(null);

  function onOpenChange(next: boolean) {
    setOpen(next);
    if (!next) setCreated(null);
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button>
          <UserPlus aria-hidden="true" />
          Invite member
        </Button>
      </DialogTrigger>
      {created ? (
        <InviteLinkContent key="link" created={created} organization={organization} onDone={() => onOpenChange(false)} />
      ) : (
        <InviteFormContent
          key="form"
          organization={organization}
          roles={roles}
          onCreated={(link, email, role) => {
            setCreated({ link, email, role });
            router.refresh();
          }}
        />
      )}
    </Dialog>
  );
}

function valuesOf(data: FormData): InviteMemberValues {
  return { email: String(data.get("email") ?? ""), role: String(data.get("role") ?? "") };
}

function InviteFormContent({
  organization,
  roles,
  onCreated,
}: {
  organization: Organization;
  roles: Role[];
  onCreated: (link: string, email: string, role: Role) => void;
}) {
  const id = useId();
  const ids = { email: `${id}-email`, emailError: `${id}-email-error`, role: `${id}-role`, roleHint: `${id}-role-hint`, roleError: `${id}-role-error` };
  const initial: InviteMemberValues = { email: "", role: roles.includes("developer") ? "developer" : (roles.at(-1) ?? "viewer") };
  const form = useFormDialogAction(inviteMemberAction, {
    valuesOf,
    onSuccess: ({ path, invitation }) => onCreated(`${window.location.origin}${path}`, invitation.email, invitation.role),
  });
  const [draft, setDraft] = useState<InviteMemberValues>(initial);

  const { failed } = form;
  const submitted = failed?.values ?? initial;
  const errorOf = (field: keyof InviteMemberValues) => (draft[field] === submitted[field] ? failed?.fieldErrors?.[field] : undefined);
  const errors = { email: errorOf("email"), role: errorOf("role") };
  const selectedRole = (roles as string[]).includes(draft.role) ? (draft.role as Role) : null;

  return (
    <FormDialogContent
      form={form}
      title="Invite member"
      description={
        <>
          Create a link that lets one person join <span className="font-medium text-foreground">{organization.name}</span>.
          No email is sent: you pass the link on yourself. It works once, for 7 days.
        </>
      }
      submitLabel="Create invite"
      pendingLabel="Creating…"
      keepOnOutsideClick={draft.email !== ""}
      onFormChange={(element) => setDraft(valuesOf(new FormData(element)))}
    >
      <input type="hidden" name="organization" value={organization.slug} />
      <div className="grid gap-2">
        <Label htmlFor={ids.email}>Email</Label>
        <Input
          id={ids.email}
          name="email"
          type="email"
          defaultValue={submitted.email}
          required
          aria-required="true"
          autoComplete="off"
          placeholder="name@example.com"
          aria-invalid={errors.email?.length ? true : undefined}
          aria-describedby={errors.email?.length ? ids.emailError : undefined}
        />
        <FieldError id={ids.emailError} messages={errors.email} />
      </div>
      <div className="grid gap-2">
        <Label htmlFor={ids.role}>Role</Label>
        <NativeSelect
          key={submitted.role}
          id={ids.role}
          name="role"
          wrapperClassName="w-full"
          defaultValue={submitted.role}
          aria-invalid={errors.role?.length ? true : undefined}
          aria-describedby={describedBy(ids.roleHint, errors.role?.length && ids.roleError)}
        >
          {roles.map((role) => (
            <NativeSelectOption key={role} value={role}>
              {ROLE_LABELS[role]}
            </NativeSelectOption>
          ))}
        </NativeSelect>
        <p id={ids.roleHint} className="text-xs text-muted-foreground">
          {selectedRole ? `${ROLE_LABELS[selectedRole]}: ${ROLE_HINTS[selectedRole]} ` : null}
          {roles.includes("owner") ? null : "You can invite people with your role or below; only owners invite owners."}
        </p>
        <FieldError id={ids.roleError} messages={errors.role} />
      </div>
    </FormDialogContent>
  );
}

function InviteLinkContent({
  created,
  organization,
  onDone,
}: {
  created: { link: string; email: string; role: Role };
  organization: Organization;
  onDone: () => void;
}) {
  return (
    <ShowOnceDialogContent
      title="Invitation link"
      description={
        <>
          Send this link to <span className="font-medium text-foreground">{created.email}</span>. It lets them join{" "}
          <span className="font-medium text-foreground">{organization.name}</span> as {ROLE_LABELS[created.role]}, once,
          within 7 days.
        </>
      }
      warning={
        <div className="space-y-1">
          <p>This link won&apos;t be shown again. Copy it now.</p>
          {/* Until addresses are verified by email, holding the link is the only proof of the address. */}
          <p data-testid="invite-link-proof">
            The link is the proof: whoever holds it can join as {created.email}. Send it only to that person, over a channel you
            trust.
          </p>
        </div>
      }
      secret={created.link}
      testId="invite-link"
      copyFailedHint="The link is selected: press Ctrl+C (⌘C on a Mac) to copy it."
      blockedCloseHint="Copy the link, then press Done. It can't be shown again."
      onDone={onDone}
    />
  );
}
