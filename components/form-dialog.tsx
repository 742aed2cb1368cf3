"use client";

import { Check, Copy, Loader2, TriangleAlert } from "lucide-react";
import { startTransition, useActionState, useEffect, useRef, useState } from "react";
import { DialogFormFooter } from "@/components/dialog-form-footer";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import type { ActionResult } from "@/lib/actions/result";

/**
 * The dialog kit: `FormDialogContent` (a form driven by `useFormDialogAction`), `ConfirmDialog`
 * (an AlertDialog that runs one action) and `ShowOnceDialogContent` (a secret shown once). The first
 * two stay open while the server works, so the outcome is always seen, and turn a request that got
 * no answer into a message (`reachServer`).
 */

export const UNREACHABLE_MESSAGE = "The server couldn't be reached. Check your connection; nothing was lost, so you can try again.";

/** No answer from the server: whatever the action would have done may not have happened. */
type Unreachable = { ok: false; message: string; unreachable: true };

/**
 * Calls a server action; a call that throws (the request never got an answer) becomes a failure with
 * `unreachable` as its message. A redirect is thrown to be followed, so it passes through.
 */
export async function reachServer<R>(call: () => Promise<R>, unreachable: string = UNREACHABLE_MESSAGE): Promise<R | Unreachable> {
  try {
    return await call();
  } catch (error) {
    if (isRedirect(error)) throw error;
    return { ok: false, message: unreachable, unreachable: true };
  }
}

// Next's redirect() throws an error whose digest starts with NEXT_REDIRECT.
function isRedirect(error: unknown): boolean {
  return typeof error === "object" && error !== null && String((error as { digest?: unknown }).digest ?? "").startsWith("NEXT_REDIRECT");
}

export type FormDialogAction<T, V> = {
  state: ActionResult<T, V> | null;
  formAction: (formData: FormData) => void;
  pending: boolean;
  /** The last result when it failed. */
  failed: Extract<ActionResult<T, V>, { ok: false }> | null;
  /** The failure names fields: the error box stays away, the fields say what is wrong. */
  hasFieldErrors: boolean;
};

/**
 * `useActionState` for a dialog's form. On a failure the action echoes what was sent (`values`);
 * when the server can't be reached `valuesOf` reads them from the form data instead, so nothing
 * typed is lost when React resets the form.
 */
export function useFormDialogAction<T, V>(
  action: (previous: ActionResult<T, V> | null, formData: FormData) => Promise<ActionResult<T, V>>,
  { valuesOf, onSuccess }: { valuesOf: (formData: FormData) => NoInfer<V>; onSuccess?: (data: NoInfer<T>) => void },
): FormDialogAction<T, V> {
  async function submit(previous: ActionResult<T, V> | null, formData: FormData): Promise<ActionResult<T, V> | null> {
    const result = await reachServer(() => action(previous, formData));
    if (result.ok) onSuccess?.(result.data);
    else if ("unreachable" in result) return { ok: false, message: result.message, values: valuesOf(formData) };
    return result;
  }
  const [state, formAction, pending] = useActionState(submit, null);
  const failed = state?.ok === false ? (state as Extract<ActionResult<T, V>, { ok: false }>) : null;
  const hasFieldErrors = Object.values(failed?.fieldErrors ?? {}).some((list) => list?.length);
  return { state, formAction, pending, failed, hasFieldErrors };
}

export function ErrorBox({ children }: { children: React.ReactNode }) {
  return (
    <div role="alert" className="rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm text-destructive">
      {children}
    </div>
  );
}

type FormDialogContentProps = {
  form: FormDialogAction<unknown, unknown>;
  title: string;
  description: React.ReactNode;
  submitLabel: string;
  pendingLabel: string;
  /** Something was typed: a stray click outside must not throw it away. */
  keepOnOutsideClick?: boolean;
  /** After the pending guard; e.g. to keep what was typed on Escape too. */
  onEscapeKeyDown?: (event: KeyboardEvent) => void;
  /** Where focus goes on close when no DialogTrigger opened the dialog. */
  onCloseAutoFocus?: (event: Event) => void;
  onCancel?: () => void;
  onFormChange?: (form: HTMLFormElement) => void;
  /**
   * Submit by hand instead of through the form's `action`: React resets a form after its action,
   * which suits fields whose defaults come back from `values` but not fields React controls.
   */
  controlledFields?: boolean;
  /** Shown above the error box, e.g. why Escape did nothing. */
  notice?: React.ReactNode;
  children: React.ReactNode;
};

/**
 * A form dialog's shell: title and description, the form, the error box for a failure that names no
 * field, Cancel and submit. No closing while the action runs; after a failure that names fields,
 * focus goes to the first invalid one.
 */
export function FormDialogContent({
  form: { state, formAction, pending, failed, hasFieldErrors },
  title,
  description,
  submitLabel,
  pendingLabel,
  keepOnOutsideClick = false,
  onEscapeKeyDown,
  onCloseAutoFocus,
  onCancel,
  onFormChange,
  controlledFields = false,
  notice,
  children,
}: FormDialogContentProps) {
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (state?.ok !== false || !Object.values(state.fieldErrors ?? {}).some((list) => list?.length)) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [state]);

  return (
    <DialogContent
      showCloseButton={!pending}
      onCloseAutoFocus={onCloseAutoFocus}
      onEscapeKeyDown={(event) => {
        if (pending) event.preventDefault();
        else onEscapeKeyDown?.(event);
      }}
      onInteractOutside={(event) => {
        if (pending || keepOnOutsideClick) event.preventDefault();
      }}
    >
      <DialogHeader>
        <DialogTitle>{title}</DialogTitle>
        <DialogDescription>{description}</DialogDescription>
      </DialogHeader>
      <form
        ref={formRef}
        action={controlledFields ? undefined : formAction}
        onSubmit={
          controlledFields
            ? (event) => {
                event.preventDefault();
                if (pending) return;
                const data = new FormData(event.currentTarget);
                startTransition(() => formAction(data));
              }
            : undefined
        }
        onChange={onFormChange ? (event) => onFormChange(event.currentTarget) : undefined}
        noValidate
        className="grid gap-5"
      >
        {notice}
        {failed && !hasFieldErrors && !pending ? <ErrorBox>{failed.message}</ErrorBox> : null}
        {children}
        <DialogFormFooter pending={pending} submitLabel={submitLabel} pendingLabel={pendingLabel} onCancel={onCancel} />
      </form>
    </DialogContent>
  );
}

type ConfirmDialogProps = {
  open: boolean;
  /** Cancel, Escape: never while the action runs. */
  onClose: () => void;
  pending: boolean;
  title: React.ReactNode;
  description: React.ReactNode;
  /** Render `description` as the description element itself (it holds block content). */
  descriptionAsChild?: boolean;
  /** A failure shown in the dialog (others close it and say so in a toast). */
  error?: string | null;
  confirmLabel: string;
  pendingLabel: string;
  variant?: "default" | "destructive";
  onConfirm: () => void;
  confirmDescribedBy?: string;
  onOpenAutoFocus?: (event: Event) => void;
  onCloseAutoFocus?: (event: Event) => void;
  /** Between the description and the buttons. */
  children?: React.ReactNode;
  /** After the buttons, e.g. a screen-reader summary the confirm button points to. */
  footnote?: React.ReactNode;
};

/** A confirmation that runs one action: the AlertDialog counterpart of `FormDialogContent`. */
export function ConfirmDialog({
  open,
  onClose,
  pending,
  title,
  description,
  descriptionAsChild = false,
  error,
  confirmLabel,
  pendingLabel,
  variant = "default",
  onConfirm,
  confirmDescribedBy,
  onOpenAutoFocus,
  onCloseAutoFocus,
  children,
  footnote,
}: ConfirmDialogProps) {
  return (
    <AlertDialog
      open={open}
      onOpenChange={(next) => {
        // Stays open while the action is in flight: closing would hide whether it worked.
        if (!next && !pending) onClose();
      }}
    >
      {/* Always rendered: Radix unmounts it once closed, after a last render with the current
          props, so onCloseAutoFocus sees the state that closed it. */}
      <AlertDialogContent
        onOpenAutoFocus={onOpenAutoFocus}
        onEscapeKeyDown={(event) => {
          if (pending) event.preventDefault();
        }}
        onCloseAutoFocus={onCloseAutoFocus}
      >
        <AlertDialogHeader>
          <AlertDialogTitle>{title}</AlertDialogTitle>
          <AlertDialogDescription asChild={descriptionAsChild}>{description}</AlertDialogDescription>
        </AlertDialogHeader>
        {children}
        {error && !pending ? <ErrorBox>{error}</ErrorBox> : null}
        <AlertDialogFooter>
          <AlertDialogCancel disabled={pending}>Cancel</AlertDialogCancel>
          <Button variant={variant} disabled={pending} aria-busy={pending || undefined} aria-describedby={confirmDescribedBy} onClick={onConfirm}>
            {pending ? (
              <>
                <Loader2 className="animate-spin motion-reduce:animate-none" aria-hidden="true" />
                {pendingLabel}
              </>
            ) : (
              confirmLabel
            )}
          </Button>
        </AlertDialogFooter>
        {footnote}
      </AlertDialogContent>
    </AlertDialog>
  );
}

type CopyState = "idle" | "copied" | "failed";

/**
 * Shows a secret once (a new key, an invitation link). It exists only in the caller's state: never in
 * a URL, a toast, storage or the console; Done is the only way out, so that a stray Escape or click
 * can't dismiss it before it is saved.
 */
export function ShowOnceDialogContent({
  title,
  description,
  warning,
  secret,
  testId,
  copyFailedHint,
  blockedCloseHint,
  onDone,
  onCloseAutoFocus,
  children,
}: {
  title: string;
  description: React.ReactNode;
  /** Inside the warning box: that it won't be shown again. */
  warning: React.ReactNode;
  secret: string;
  testId: string;
  /** When the clipboard is denied and the secret is left selected instead. */
  copyFailedHint: string;
  /** When Escape or a click outside was refused. */
  blockedCloseHint: string;
  onDone: () => void;
  onCloseAutoFocus?: (event: Event) => void;
  /** After the secret, e.g. how to use it. */
  children?: React.ReactNode;
}) {
  const [copy, setCopy] = useState<CopyState>("idle");
  const [blockedClose, setBlockedClose] = useState(false);
  const secretRef = useRef<HTMLElement>(null);
  const copyButtonRef = useRef<HTMLButtonElement>(null);
  const resetTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => () => clearTimeout(resetTimer.current), []);

  async function onCopy() {
    clearTimeout(resetTimer.current);
    try {
      await navigator.clipboard.writeText(secret);
      setCopy("copied");
      resetTimer.current = setTimeout(() => setCopy("idle"), 2000);
    } catch {
      // Clipboard access can be denied (permissions, insecure origin): leave it selected instead.
      const selection = window.getSelection();
      if (secretRef.current && selection) {
        const range = document.createRange();
        range.selectNodeContents(secretRef.current);
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
      onCloseAutoFocus={onCloseAutoFocus}
      className="sm:max-w-xl"
    >
      <DialogHeader>
        <DialogTitle>{title}</DialogTitle>
        <DialogDescription>{description}</DialogDescription>
      </DialogHeader>
      <div
        role="alert"
        className="flex gap-2.5 rounded-md border border-warning/50 bg-warning/10 px-3 py-2.5 text-sm text-[color-mix(in_oklab,var(--warning)_45%,black)] dark:text-warning"
      >
        <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
        {warning}
      </div>
      <div className="grid gap-2">
        <div className="flex items-center gap-2 rounded-md border bg-muted/50 p-2 pl-3">
          <code ref={secretRef} data-testid={testId} className="min-w-0 flex-1 font-mono text-sm break-all select-all">
            {secret}
          </code>
          <Button ref={copyButtonRef} variant="outline" size="sm" className="w-24 shrink-0" onClick={onCopy}>
            {copy === "copied" ? <Check aria-hidden="true" /> : <Copy aria-hidden="true" />}
            {copy === "copied" ? "Copied" : "Copy"}
          </Button>
        </div>
        {copy === "failed" ? (
          <p role="status" className="text-sm text-muted-foreground">
            {copyFailedHint}
          </p>
        ) : null}
      </div>
      {children}
      {blockedClose ? (
        <p role="status" className="text-sm font-medium">
          {blockedCloseHint}
        </p>
      ) : null}
      <DialogFooter>
        <Button onClick={onDone}>Done</Button>
      </DialogFooter>
    </DialogContent>
  );
}
