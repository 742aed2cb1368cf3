import * as React from "react";

import { cn } from "@/lib/utils";

type FieldErrorProps = {
  /** Referenced by the input's aria-describedby. */
  id: string;
  messages?: string[];
  className?: string;
};

/**
 * Renders the first validation message for a field, or nothing.
 * Pair with `aria-invalid` and `aria-describedby={id}` on the input.
 */
function FieldError({ id, messages, className }: FieldErrorProps) {
  const message = messages?.find((m) => m.trim().length > 0);
  if (!message) return null;
  return (
    <p
      id={id}
      role="alert"
      data-slot="field-error"
      className={cn("text-sm text-destructive", className)}
    >
      {message}
    </p>
  );
}

export { FieldError };
export type { FieldErrorProps };
