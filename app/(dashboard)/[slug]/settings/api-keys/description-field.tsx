"use client";

import { FieldError } from "@/components/ui/field-error";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { DESCRIPTION_MAX } from "@/lib/domain/api-keys/schemas";
import { describedBy } from "@/lib/utils";

/**
 * A key's optional Description, as the create and edit dialogs ask for it: a hint, a character
 * count near the limit (`length`: what is typed now), and its errors beside it. The dialog focuses it
 * after a failed submit when it is the first invalid field (it carries `aria-invalid`).
 */
export function DescriptionField({
  ids,
  defaultValue,
  length,
  errors,
}: {
  ids: { description: string; descriptionHint: string; descriptionError: string };
  defaultValue: string;
  length: number;
  errors: string[] | undefined;
}) {
  return (
    <div className="grid gap-2">
      <div className="flex items-baseline justify-between gap-2">
        <Label htmlFor={ids.description}>Description</Label>
        <span className="text-xs text-muted-foreground">Optional</span>
      </div>
      <Textarea
        id={ids.description}
        name="description"
        rows={3}
        defaultValue={defaultValue}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(ids.descriptionHint, errors?.length && ids.descriptionError)}
      />
      <p id={ids.descriptionHint} className="text-xs text-muted-foreground">
        Which application uses this key?
        {length > DESCRIPTION_MAX - 50 ? ` ${length}/${DESCRIPTION_MAX} characters.` : null}
      </p>
      <FieldError id={ids.descriptionError} messages={errors} />
    </div>
  );
}
