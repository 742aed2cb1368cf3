"use client";

import { startTransition, useActionState, useEffect, useId, useRef, useState } from "react";
import { DialogFormFooter } from "@/components/dialog-form-footer";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { FieldError } from "@/components/ui/field-error";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { deriveSlug, slugSchema } from "@/lib/domain/organizations/slug";
import { describedBy } from "@/lib/utils";
import { createOrganizationAction, type CreateOrganizationResult } from "./organization-actions";

type CreateOrganizationDialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Where focus goes when the dialog closes, when there is no trigger to return to (a menu item). */
  onCloseAutoFocus?: (event: Event) => void;
};

/** Rendered outside any menu: a dialog inside a closing dropdown would close with it. */
export function CreateOrganizationDialog({ open, onOpenChange, onCloseAutoFocus }: CreateOrganizationDialogProps) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      {/* Mounted only while open: every opening starts from an empty form. */}
      {open ? <CreateOrganizationForm onCancel={() => onOpenChange(false)} onCloseAutoFocus={onCloseAutoFocus} /> : null}
    </Dialog>
  );
}

function CreateOrganizationForm({ onCancel, onCloseAutoFocus }: { onCancel: () => void; onCloseAutoFocus?: (event: Event) => void }) {
  const id = useId();
  const ids = { name: `${id}-name`, nameError: `${id}-name-error`, slug: `${id}-slug`, slugHint: `${id}-slug-hint`, slugError: `${id}-slug-error` };
  const [state, formAction, pending] = useActionState(submit, null);
  const [name, setName] = useState("");
  // The slug follows the name until the user edits it; emptying it hands it back to the name.
  const [typedSlug, setTypedSlug] = useState<string | null>(null);
  const slug = typedSlug ?? deriveSlug(name);
  const nameRef = useRef<HTMLInputElement>(null);
  const slugRef = useRef<HTMLInputElement>(null);

  const failed = state?.ok === false ? state : null;
  const submitted = failed?.values;
  // A server error stays until its field is edited, then gets out of the way.
  const nameErrors = submitted && submitted.name === name ? failed?.fieldErrors?.name : undefined;
  const serverSlugErrors = submitted && submitted.slug === slug ? failed?.fieldErrors?.slug : undefined;
  // As you type: the same schema the server applies (uniqueness is the server's to say).
  const slugCheck = typedSlug !== null && slug ? slugSchema.safeParse(slug) : null;
  const liveSlugError = slugCheck && !slugCheck.success ? slugCheck.error.issues[0]?.message : undefined;
  const noSlug = name.trim() !== "" && slug === "" ? "Enter a slug: the name has no letters or digits (a–z, 0–9) to make one from." : undefined;
  const slugErrors = serverSlugErrors ?? (liveSlugError ? [liveSlugError] : noSlug && submitted ? [noSlug] : undefined);
  const suggestion = serverSlugErrors ? submitted?.suggestion : undefined;
  const hasFieldErrors = Boolean(failed?.fieldErrors && Object.values(failed.fieldErrors).some((list) => list?.length));

  useEffect(() => {
    const fieldErrors = state?.ok === false ? state.fieldErrors : undefined;
    if (fieldErrors?.name?.length) nameRef.current?.focus();
    else if (fieldErrors?.slug?.length) slugRef.current?.focus();
  }, [state]);

  async function submit(previous: CreateOrganizationResult | null, formData: FormData): Promise<CreateOrganizationResult | null> {
    try {
      // On success the action navigates to the new organization; it only returns on failure.
      return await createOrganizationAction(previous, formData);
    } catch (error) {
      // A redirect is thrown to be followed, not reported.
      if (isRedirect(error)) throw error;
      return {
        ok: false,
        message: "The server couldn't be reached. Check your connection; nothing was lost, so you can try again.",
        values: { name: String(formData.get("name") ?? ""), slug: String(formData.get("slug") ?? "") },
      };
    }
  }

  const hasInput = name !== "" || typedSlug !== null;

  return (
    <DialogContent
      showCloseButton={!pending}
      onCloseAutoFocus={onCloseAutoFocus}
      onEscapeKeyDown={(event) => {
        if (pending) event.preventDefault();
      }}
      onInteractOutside={(event) => {
        // A stray click outside must not throw away what was typed.
        if (pending || hasInput) event.preventDefault();
      }}
    >
      <DialogHeader>
        <DialogTitle>Create organization</DialogTitle>
        <DialogDescription>You become its owner. Its members, keys and usage are separate from your other organizations&apos;.</DialogDescription>
      </DialogHeader>
      <form
        noValidate
        className="grid gap-5"
        onSubmit={(event) => {
          event.preventDefault();
          if (pending) return;
          // Submitted by hand, not through the form's `action`: React resets a form after its action,
          // and these fields are React's (the slug follows the name).
          const data = new FormData(event.currentTarget);
          startTransition(() => formAction(data));
        }}
      >
        {failed && !hasFieldErrors && !pending ? (
          <div role="alert" className="border-destructive/40 bg-destructive/5 text-destructive rounded-md border px-3 py-2 text-sm">
            {failed.message}
          </div>
        ) : null}
        <div className="grid gap-2">
          <Label htmlFor={ids.name}>Name</Label>
          <Input
            ref={nameRef}
            id={ids.name}
            name="name"
            value={name}
            onChange={(event) => setName(event.target.value)}
            required
            aria-required="true"
            autoComplete="organization"
            placeholder="e.g. Acme Inc"
            aria-invalid={nameErrors?.length ? true : undefined}
            aria-describedby={describedBy(Boolean(nameErrors?.length) && ids.nameError)}
          />
          <FieldError id={ids.nameError} messages={nameErrors} />
        </div>
        <div className="grid gap-2">
          <Label htmlFor={ids.slug}>Slug</Label>
          <Input
            ref={slugRef}
            id={ids.slug}
            name="slug"
            value={slug}
            onChange={(event) => {
              const value = event.target.value;
              setTypedSlug(value === "" ? null : value);
            }}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            className="font-mono"
            aria-invalid={slugErrors?.length ? true : undefined}
            aria-describedby={describedBy(ids.slugHint, Boolean(slugErrors?.length) && ids.slugError)}
          />
          <p id={ids.slugHint} className="text-muted-foreground text-xs">
            Its pages&apos; address: <span className="text-foreground font-mono">/{slug || "…"}/settings</span>. Lowercase letters, digits and
            hyphens, 3–40 characters.
          </p>
          <FieldError id={ids.slugError} messages={slugErrors} />
          {suggestion ? (
            <div>
              <Button type="button" variant="outline" size="sm" onClick={() => setTypedSlug(suggestion)}>
                Use {suggestion}
              </Button>
            </div>
          ) : null}
        </div>
        <DialogFormFooter pending={pending} submitLabel="Create organization" pendingLabel="Creating…" onCancel={onCancel} />
      </form>
    </DialogContent>
  );
}

// Next's redirect() throws an error whose digest starts with NEXT_REDIRECT.
function isRedirect(error: unknown): boolean {
  return typeof error === "object" && error !== null && String((error as { digest?: unknown }).digest ?? "").startsWith("NEXT_REDIRECT");
}
