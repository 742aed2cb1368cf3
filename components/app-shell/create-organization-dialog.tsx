"use client";

import { useId, useState } from "react";
import { FormDialogContent, useFormDialogAction } from "@/components/form-dialog";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FieldError } from "@/components/ui/field-error";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { deriveSlug, slugSchema } from "@/lib/domain/organizations/slug";
import { describedBy } from "@/lib/utils";
import { createOrganizationAction } from "./organization-actions";

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
  // On success the action navigates to the new organization; it only returns on failure.
  const form = useFormDialogAction(createOrganizationAction, {
    valuesOf: (data) => ({ name: String(data.get("name") ?? ""), slug: String(data.get("slug") ?? "") }),
  });
  const [name, setName] = useState("");
  // The slug follows the name until the user edits it; emptying it hands it back to the name.
  const [typedSlug, setTypedSlug] = useState<string | null>(null);
  const slug = typedSlug ?? deriveSlug(name);

  const { failed } = form;
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

  return (
    <FormDialogContent
      form={form}
      title="Create organization"
      description="You become its owner. Its members, keys and usage are separate from your other organizations'."
      submitLabel="Create organization"
      pendingLabel="Creating…"
      // A stray click outside must not throw away what was typed.
      keepOnOutsideClick={name !== "" || typedSlug !== null}
      onCloseAutoFocus={onCloseAutoFocus}
      onCancel={onCancel}
      // These fields are React's (the slug follows the name): no reset after the action.
      controlledFields
    >
      <div className="grid gap-2">
        <Label htmlFor={ids.name}>Name</Label>
        <Input
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
    </FormDialogContent>
  );
}
