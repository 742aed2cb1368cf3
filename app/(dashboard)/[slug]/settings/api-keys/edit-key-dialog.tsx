"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { toast } from "sonner";
import { FormDialogContent, useFormDialogAction } from "@/components/form-dialog";
import { Dialog } from "@/components/ui/dialog";
import { FieldError } from "@/components/ui/field-error";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { ApiKey, ApiKeyRow } from "@/lib/domain/api-keys/key";
import { NAME_MAX } from "@/lib/domain/api-keys/schemas";
import { describedBy } from "@/lib/utils";
import { DescriptionField } from "./description-field";
import { updateApiKeyAction, type UpdateApiKeyValues } from "./actions";

/**
 * Edits a key's name and description (the same rules as creating one). Standalone: the key list
 * and the key's own page both use it. `apiKey` null means closed.
 */
export function EditKeyDialog({
  organization,
  apiKey,
  onClose,
  onDone,
  onCloseAutoFocus,
}: {
  /** The organization the page shows: the key is edited there or not at all. */
  organization: { slug: string; name: string };
  apiKey: Pick<ApiKeyRow, "id" | "name" | "description" | "maskedKey"> | null;
  onClose: () => void;
  /** After a successful save, with the key as saved. */
  onDone?: (apiKey: ApiKey) => void;
  onCloseAutoFocus?: (event: Event) => void;
}) {
  return (
    <Dialog
      open={apiKey !== null}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
    >
      {apiKey ? (
        <EditKeyFormContent
          key={apiKey.id}
          organization={organization}
          apiKey={apiKey}
          onClose={onClose}
          onDone={onDone}
          onCloseAutoFocus={onCloseAutoFocus}
        />
      ) : null}
    </Dialog>
  );
}

function valuesOf(data: FormData): UpdateApiKeyValues {
  const text = (name: string) => {
    const value = data.get(name);
    return typeof value === "string" ? value.replace(/\r\n?/g, "\n") : "";
  };
  return { keyId: text("keyId"), name: text("name"), description: text("description") };
}

function EditKeyFormContent({
  organization,
  apiKey,
  onClose,
  onDone,
  onCloseAutoFocus,
}: {
  organization: { slug: string; name: string };
  apiKey: Pick<ApiKeyRow, "id" | "name" | "description" | "maskedKey">;
  onClose: () => void;
  onDone?: (apiKey: ApiKey) => void;
  onCloseAutoFocus?: (event: Event) => void;
}) {
  const id = useId();
  const ids = {
    name: `${id}-name`,
    nameError: `${id}-name-error`,
    description: `${id}-description`,
    descriptionHint: `${id}-description-hint`,
    descriptionError: `${id}-description-error`,
  };
  const router = useRouter();
  const initial: UpdateApiKeyValues = { keyId: apiKey.id, name: apiKey.name, description: apiKey.description ?? "" };
  const form = useFormDialogAction(updateApiKeyAction, {
    valuesOf,
    onSuccess: (data) => {
      toast.success("API key updated", { description: `${data.apiKey.name} (${apiKey.maskedKey}) is saved.` });
      onDone?.(data.apiKey);
      onClose();
      router.refresh();
    },
  });
  // What the fields hold now, for the counters and to clear an error once its field is edited.
  const [draft, setDraft] = useState<UpdateApiKeyValues>(initial);

  const { failed } = form;
  const submitted = failed?.values ?? initial;
  const errorOf = (field: "name" | "description") => (draft[field] === submitted[field] ? failed?.fieldErrors?.[field] : undefined);
  const errors = { name: errorOf("name"), description: errorOf("description") };
  const changed = draft.name !== initial.name || draft.description !== initial.description;

  return (
    <FormDialogContent
      form={form}
      title="Edit API key"
      description={
        <>
          <code className="font-mono text-xs">{apiKey.maskedKey}</code> in {organization.name}. The key itself doesn&apos;t change:
          applications using it keep working.
        </>
      }
      submitLabel="Save"
      pendingLabel="Saving…"
      // A stray click outside must not throw away an edit.
      keepOnOutsideClick={changed}
      onCloseAutoFocus={onCloseAutoFocus}
      onFormChange={(element) => setDraft(valuesOf(new FormData(element)))}
    >
      <input type="hidden" name="organization" value={organization.slug} />
      <input type="hidden" name="keyId" value={apiKey.id} />
      <div className="grid gap-2">
        <Label htmlFor={ids.name}>Name</Label>
        <Input
          id={ids.name}
          name="name"
          defaultValue={submitted.name}
          required
          aria-required="true"
          autoComplete="off"
          aria-invalid={errors.name?.length ? true : undefined}
          aria-describedby={describedBy(errors.name?.length && ids.nameError)}
        />
        <FieldError id={ids.nameError} messages={errors.name} />
        {draft.name.trim().length > NAME_MAX - 10 ? (
          <p className="text-xs text-muted-foreground">
            {draft.name.trim().length}/{NAME_MAX} characters
          </p>
        ) : null}
      </div>
      <DescriptionField ids={ids} defaultValue={submitted.description} length={draft.description.length} errors={errors.description} />
    </FormDialogContent>
  );
}
