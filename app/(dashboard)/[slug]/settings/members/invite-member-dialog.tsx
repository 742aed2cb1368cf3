"use client";

import { Check, Copy, TriangleAlert, UserPlus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useId, useRef, useState } from "react";
import { DialogFormFooter } from "@/components/dialog-form-footer";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { FieldError } from "@/components/ui/field-error";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect, NativeSelectOption } from "@/components/ui/native-select";
import { ROLE_LABELS, type Role } from "@/lib/domain/permissions";
import { inviteMemberAction, type InviteMemberResult, type InviteMemberValues } from "./invitation-actions";

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
  const [state, formAction, pending] = useActionState(submit, null);
  const [draft, setDraft] = useState<InviteMemberValues>(initial);
  const emailRef = useRef<HTMLInputElement>(null);
  const roleRef = useRef<HTMLSelectElement>(null);

  const failed = state?.ok === false ? state : null;
  const submitted = failed?.values ?? initial;
  const errorOf = (field: keyof InviteMemberValues) => (draft[field] === submitted[field] ? failed?.fieldErrors?.[field] : undefined);
  const errors = { email: errorOf("email"), role: errorOf("role") };
  const hasFieldErrors = Object.values(failed?.fieldErrors ?? {}).some((list) => list?.length);

  useEffect(() => {
    const fieldErrors = state?.ok === false ? state.fieldErrors : undefined;
    if (fieldErrors?.email?.length) emailRef.current?.focus();
    else if (fieldErrors?.role?.length) roleRef.current?.focus();
  }, [state]);

  async function submit(previous: InviteMemberResult | null, formData: FormData): Promise<InviteMemberResult | null> {
    try {
      const result = await inviteMemberAction(previous, formData);
      if (result.ok) onCreated(`${window.location.origin}${result.data.path}`, result.data.invitation.email, result.data.invitation.role);
      return result;
    } catch {
      return {
        ok: false,
        message: "The server couldn't be reached. Check your connection; nothing was lost, so you can try again.",
        values: { email: String(formData.get("email") ?? ""), role: String(formData.get("role") ?? "") },
      };
    }
  }

  const selectedRole = (roles as string[]).includes(draft.role) ? (draft.role as Role) : null;

  return (
    <DialogContent
      showCloseButton={!pending}
      onEscapeKeyDown={(event) => {
        if (pending) event.preventDefault();
      }}
      onInteractOutside={(event) => {
        if (pending || draft.email) event.preventDefault();
      }}
    >
      <DialogHeader>
        <DialogTitle>Invite member</DialogTitle>
        <DialogDescription>
          Create a link that lets one person join <span className="font-medium text-foreground">{organization.name}</span>.
          No email is sent: you pass the link on yourself. It works once, for 7 days.
        </DialogDescription>
      </DialogHeader>
      <form action={formAction} onChange={(event) => setDraft({ email: String(new FormData(event.currentTarget).get("email") ?? ""), role: String(new FormData(event.currentTarget).get("role") ?? "") })} noValidate className="grid gap-5">
        <input type="hidden" name="organization" value={organization.slug} />
        {failed && !hasFieldErrors && !pending ? (
          <div role="alert" className="rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm text-destructive">
            {failed.message}
          </div>
        ) : null}
        <div className="grid gap-2">
          <Label htmlFor={ids.email}>Email</Label>
          <Input
            ref={emailRef}
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
            ref={roleRef}
            id={ids.role}
            name="role"
            wrapperClassName="w-full"
            defaultValue={submitted.role}
            aria-invalid={errors.role?.length ? true : undefined}
            aria-describedby={[ids.roleHint, errors.role?.length ? ids.roleError : ""].filter(Boolean).join(" ")}
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
        <DialogFormFooter pending={pending} submitLabel="Create invite" pendingLabel="Creating…" />
      </form>
    </DialogContent>
  );
}

type CopyState = "idle" | "copied" | "failed";

function InviteLinkContent({
  created,
  organization,
  onDone,
}: {
  created: { link: string; email: string; role: Role };
  organization: Organization;
  onDone: () => void;
}) {
  const [copy, setCopy] = useState<CopyState>("idle");
  const [blockedClose, setBlockedClose] = useState(false);
  const linkRef = useRef<HTMLElement>(null);
  const copyButtonRef = useRef<HTMLButtonElement>(null);
  const resetTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => () => clearTimeout(resetTimer.current), []);

  async function onCopy() {
    clearTimeout(resetTimer.current);
    try {
      await navigator.clipboard.writeText(created.link);
      setCopy("copied");
      resetTimer.current = setTimeout(() => setCopy("idle"), 2000);
    } catch {
      // Clipboard access can be denied: leave the link selected for a manual copy instead.
      const selection = window.getSelection();
      if (linkRef.current && selection) {
        const range = document.createRange();
        range.selectNodeContents(linkRef.current);
        selection.removeAllRanges();
        selection.addRange(range);
      }
      setCopy("failed");
    }
  }

  function refuseClose(event: Event) {
    event.preventDefault();
    setBlockedClose(true);
  }

  return (
    <DialogContent
      showCloseButton={false}
      onEscapeKeyDown={refuseClose}
      onInteractOutside={refuseClose}
      onOpenAutoFocus={(event) => {
        event.preventDefault();
        copyButtonRef.current?.focus();
      }}
      className="sm:max-w-xl"
    >
      <DialogHeader>
        <DialogTitle>Invitation link</DialogTitle>
        <DialogDescription>
          Send this link to <span className="font-medium text-foreground">{created.email}</span>. It lets them join{" "}
          <span className="font-medium text-foreground">{organization.name}</span> as {ROLE_LABELS[created.role]}, once,
          within 7 days.
        </DialogDescription>
      </DialogHeader>
      <div
        role="alert"
        className="flex gap-2.5 rounded-md border border-warning/50 bg-warning/10 px-3 py-2.5 text-sm text-[color-mix(in_oklab,var(--warning)_45%,black)] dark:text-warning"
      >
        <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
        <div className="space-y-1">
          <p>This link won&apos;t be shown again. Copy it now.</p>
          {/* Until addresses are verified by email, holding the link is the only proof of the address. */}
          <p data-testid="invite-link-proof">
            The link is the proof: whoever holds it can join as {created.email}. Send it only to that person, over a channel you
            trust.
          </p>
        </div>
      </div>
      <div className="grid gap-2">
        <div className="flex items-center gap-2 rounded-md border bg-muted/50 p-2 pl-3">
          <code ref={linkRef} data-testid="invite-link" className="min-w-0 flex-1 font-mono text-sm break-all select-all">
            {created.link}
          </code>
          <Button ref={copyButtonRef} variant="outline" size="sm" className="w-24 shrink-0" onClick={onCopy}>
            {copy === "copied" ? <Check aria-hidden="true" /> : <Copy aria-hidden="true" />}
            {copy === "copied" ? "Copied" : "Copy"}
          </Button>
        </div>
        {copy === "failed" ? (
          <p role="status" className="text-sm text-muted-foreground">
            The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.
          </p>
        ) : null}
      </div>
      {blockedClose ? (
        <p role="status" className="text-sm font-medium">
          Copy the link, then press Done. It can&apos;t be shown again.
        </p>
      ) : null}
      <DialogFooter>
        <Button onClick={onDone}>Done</Button>
      </DialogFooter>
    </DialogContent>
  );
}
