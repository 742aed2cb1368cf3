"use client";

import { Loader2, Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import { createContext, useActionState, useContext, useEffect, useId, useRef, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { FieldError } from "@/components/ui/field-error";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect, NativeSelectOption } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import { DESCRIPTION_MAX, ENVIRONMENT_LABELS, ENVIRONMENTS, NAME_MAX } from "@/lib/api-keys/schemas";
import { createApiKeyAction, type CreateApiKeyResult, type CreateApiKeyValues } from "./actions";
import { SaveKeyDialogContent } from "./save-key-dialog";

type CreatedKey = { key: string; name: string };

/** The organization the page shows: the key is created there, and both dialogs name it. */
type Organization = { slug: string; name: string };

type Step = { kind: "closed" } | { kind: "form" } | { kind: "secret"; created: CreatedKey };

const OpenCreateKey = createContext<(() => void) | null>(null);

const TRIGGER_SELECTOR = "[data-create-key-trigger]";

/**
 * Owns the create flow for the whole page, so the one-time key survives the list re-rendering
 * behind it (creating the first key swaps the empty state's button for the header's).
 */
export function CreateKeyProvider({
  organization,
  activeKeyNames,
  children,
}: {
  organization: Organization;
  /** The names of the member's own active keys: the form warns about a duplicate as it is typed. */
  activeKeyNames: string[];
  children: React.ReactNode;
}) {
  const router = useRouter();
  const [step, setStep] = useState<Step>({ kind: "closed" });

  function onOpenChange(open: boolean) {
    if (open) return;
    // The secret dialog closes only through Done; the form guards its own closing while it creates.
    if (step.kind === "form") setStep({ kind: "closed" });
  }

  function focusTrigger(event: Event) {
    // There is no DialogTrigger (two buttons share this dialog, and the empty state's may be gone
    // by the time it closes), so Radix has nothing to return focus to: use whichever is on the page.
    const trigger = document.querySelector<HTMLElement>(TRIGGER_SELECTOR);
    if (!trigger) return;
    event.preventDefault();
    trigger.focus();
  }

  return (
    <OpenCreateKey.Provider value={() => setStep({ kind: "form" })}>
      {children}
      <Dialog open={step.kind !== "closed"} onOpenChange={onOpenChange}>
        {step.kind === "secret" ? (
          <SaveKeyDialogContent
            key="secret"
            secret={step.created.key}
            name={step.created.name}
            organizationName={organization.name}
            onCloseAutoFocus={focusTrigger}
            onDone={() => {
              // Dropping the step drops the only copy of the key this page ever held.
              setStep({ kind: "closed" });
              router.refresh();
            }}
          />
        ) : step.kind === "form" ? (
          <CreateKeyFormContent
            key="form"
            organization={organization}
            activeKeyNames={activeKeyNames}
            onCloseAutoFocus={focusTrigger}
            onCreated={(created) => {
              setStep({ kind: "secret", created });
              // The new row appears behind the dialog; the key itself is never part of the list.
              router.refresh();
            }}
          />
        ) : null}
      </Dialog>
    </OpenCreateKey.Provider>
  );
}

export function CreateKeyButton({ className }: { className?: string }) {
  const open = useContext(OpenCreateKey);
  if (!open) throw new Error("CreateKeyButton must be rendered inside CreateKeyProvider");
  return (
    <Button className={className} onClick={open} data-create-key-trigger="">
      <Plus aria-hidden="true" />
      Create new key
    </Button>
  );
}

const EMPTY: CreateApiKeyValues = { name: "", environment: "production", description: "" };

/** The form's fields as typed; a textarea submits "\r\n" line breaks, shown as "\n". */
function valuesOf(form: HTMLFormElement | FormData): CreateApiKeyValues {
  const data = form instanceof FormData ? form : new FormData(form);
  const text = (name: string) => {
    const value = data.get(name);
    return typeof value === "string" ? value.replace(/\r\n?/g, "\n") : "";
  };
  return { name: text("name"), environment: text("environment"), description: text("description") };
}

/**
 * Driven by `useActionState`: the action returns field errors, a message, and (on failure) the
 * values it was sent, which come back as the fields' defaults when React resets the form.
 */
function CreateKeyFormContent({
  organization,
  activeKeyNames,
  onCreated,
  onCloseAutoFocus,
}: {
  organization: Organization;
  activeKeyNames: string[];
  onCreated: (created: CreatedKey) => void;
  onCloseAutoFocus: (event: Event) => void;
}) {
  const id = useId();
  const ids = {
    name: `${id}-name`,
    nameError: `${id}-name-error`,
    nameDuplicate: `${id}-name-duplicate`,
    environment: `${id}-environment`,
    environmentHint: `${id}-environment-hint`,
    environmentError: `${id}-environment-error`,
    description: `${id}-description`,
    descriptionHint: `${id}-description-hint`,
    descriptionError: `${id}-description-error`,
  };
  const [state, formAction, pending] = useActionState(submit, null);
  // What the fields hold right now, for the hints that follow typing (the duplicate-name warning,
  // the counters, Escape's guard); the fields themselves are the form's, not React's.
  const [draft, setDraft] = useState<CreateApiKeyValues>(EMPTY);
  const [escapeKept, setEscapeKept] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const environmentRef = useRef<HTMLSelectElement>(null);
  const descriptionRef = useRef<HTMLTextAreaElement>(null);

  const failed = state?.ok === false ? state : null;
  const submitted = failed?.values ?? EMPTY;
  // An error stays until its field is edited, then gets out of the way.
  const errorOf = (field: keyof CreateApiKeyValues) =>
    draft[field] === submitted[field] ? failed?.fieldErrors?.[field] : undefined;
  const errors = { name: errorOf("name"), environment: errorOf("environment"), description: errorOf("description") };
  const hasFieldErrors = Object.values(failed?.fieldErrors ?? {}).some((list) => list?.length);

  useEffect(() => {
    const fieldErrors = state?.ok === false ? state.fieldErrors : undefined;
    if (fieldErrors?.name?.length) nameRef.current?.focus();
    else if (fieldErrors?.environment?.length) environmentRef.current?.focus();
    else if (fieldErrors?.description?.length) descriptionRef.current?.focus();
  }, [state]);

  async function submit(previous: CreateApiKeyResult | null, formData: FormData): Promise<CreateApiKeyResult | null> {
    try {
      const result = await createApiKeyAction(previous, formData);
      if (result.ok) {
        const { apiKey, duplicateName: duplicateOnServer, key } = result.data;
        // The form warned already unless the other key appeared meanwhile (another tab, the API).
        if (duplicateOnServer && !duplicateOf(apiKey.name)) {
          toast.warning(`You already have an active key named “${apiKey.name}”.`, {
            description: "Both keys work; tell them apart by their last four characters.",
          });
        }
        onCreated({ key, name: apiKey.name });
      }
      return result;
    } catch {
      return {
        ok: false,
        message: "The server couldn't be reached. Check your connection; nothing was lost, so you can try again.",
        values: valuesOf(formData),
      };
    }
  }

  // The server compares the same way (trimmed, case-insensitive); a duplicate is allowed, only flagged.
  function duplicateOf(name: string): string | undefined {
    const typed = name.trim().toLowerCase();
    return typed ? activeKeyNames.find((existing) => existing.toLowerCase() === typed) : undefined;
  }
  const duplicateName = duplicateOf(draft.name);
  const hasInput = Boolean(draft.name || draft.description);

  const describedBy = (...candidates: (string | number | false | undefined)[]) => candidates.filter((c): c is string => typeof c === "string" && c !== "").join(" ") || undefined;

  return (
    <DialogContent
      showCloseButton={!pending}
      onCloseAutoFocus={onCloseAutoFocus}
      onEscapeKeyDown={(event) => {
        // Like a stray click outside, a reflexive Escape must not throw away what was typed.
        if (pending || hasInput) event.preventDefault();
        if (!pending && hasInput) setEscapeKept(true);
      }}
      onInteractOutside={(event) => {
        // A stray click outside must not throw away what was typed, nor the key being created.
        if (pending || hasInput) event.preventDefault();
      }}
    >
      <DialogHeader>
        <DialogTitle>Create API key</DialogTitle>
        <DialogDescription>
          The key acts as you, with your role&apos;s permissions in{" "}
          <span className="font-medium text-foreground">{organization.name}</span>.
        </DialogDescription>
      </DialogHeader>
      <form action={formAction} onChange={(event) => setDraft(valuesOf(event.currentTarget))} noValidate className="grid gap-5">
        <input type="hidden" name="organization" value={organization.slug} />
        {escapeKept && hasInput ? (
          <p role="status" className="rounded-md border bg-muted/50 px-3 py-2 text-sm">
            What you typed is kept. Choose Cancel to discard it.
          </p>
        ) : null}
        {failed && !hasFieldErrors && !pending ? (
          <div role="alert" className="rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm text-destructive">
            {failed.message}
          </div>
        ) : null}
        <div className="grid gap-2">
          <Label htmlFor={ids.name}>Name</Label>
          {/* No maxLength attribute: it would silently cut a pasted name; the schema says what's wrong instead. */}
          <Input
            ref={nameRef}
            id={ids.name}
            name="name"
            defaultValue={submitted.name}
            required
            aria-required="true"
            autoComplete="off"
            placeholder="e.g. Billing worker"
            aria-invalid={errors.name?.length ? true : undefined}
            aria-describedby={describedBy(errors.name?.length && ids.nameError, duplicateName && ids.nameDuplicate)}
          />
          <FieldError id={ids.nameError} messages={errors.name} />
          {duplicateName ? (
            <p id={ids.nameDuplicate} role="status" className="text-sm text-[color-mix(in_oklab,var(--warning)_45%,black)] dark:text-warning">
              You already have an active key named “{duplicateName}”. You can still create it; the two will differ only by their last 4 characters.
            </p>
          ) : null}
          {draft.name.trim().length > NAME_MAX - 10 ? (
            <p className="text-xs text-muted-foreground">
              {draft.name.trim().length}/{NAME_MAX} characters
            </p>
          ) : null}
        </div>
        <div className="grid gap-2">
          <Label htmlFor={ids.environment}>Environment</Label>
          {/* Keyed by the submitted value: React applies a select's defaultValue only when it mounts,
              and the form's reset after a failed submit must come back to what was chosen. */}
          <NativeSelect
            key={submitted.environment}
            ref={environmentRef}
            id={ids.environment}
            name="environment"
            wrapperClassName="w-full"
            defaultValue={submitted.environment}
            aria-invalid={errors.environment?.length ? true : undefined}
            aria-describedby={describedBy(ids.environmentHint, errors.environment?.length && ids.environmentError)}
          >
            {ENVIRONMENTS.map((environment) => (
              <NativeSelectOption key={environment} value={environment}>
                {ENVIRONMENT_LABELS[environment]}
              </NativeSelectOption>
            ))}
          </NativeSelect>
          <p id={ids.environmentHint} className="text-xs text-muted-foreground">
            Production keys start with <code className="font-mono">sk_live_</code>; staging and development keys with{" "}
            <code className="font-mono">sk_test_</code> and only see test data.
          </p>
          <FieldError id={ids.environmentError} messages={errors.environment} />
        </div>
        <div className="grid gap-2">
          <div className="flex items-baseline justify-between gap-2">
            <Label htmlFor={ids.description}>Description</Label>
            <span className="text-xs text-muted-foreground">Optional</span>
          </div>
          <Textarea
            ref={descriptionRef}
            id={ids.description}
            name="description"
            rows={3}
            defaultValue={submitted.description}
            aria-invalid={errors.description?.length ? true : undefined}
            aria-describedby={describedBy(ids.descriptionHint, errors.description?.length && ids.descriptionError)}
          />
          <p id={ids.descriptionHint} className="text-xs text-muted-foreground">
            Which application uses this key?
            {draft.description.length > DESCRIPTION_MAX - 50 ? ` ${draft.description.length}/${DESCRIPTION_MAX} characters.` : null}
          </p>
          <FieldError id={ids.descriptionError} messages={errors.description} />
        </div>
        <DialogFooter className="pt-1">
          <DialogClose asChild>
            <Button variant="outline" disabled={pending}>
              Cancel
            </Button>
          </DialogClose>
          <Button type="submit" disabled={pending} aria-disabled={pending}>
            {pending ? (
              <>
                <Loader2 className="animate-spin" aria-hidden="true" />
                Creating…
              </>
            ) : (
              "Create key"
            )}
          </Button>
        </DialogFooter>
      </form>
    </DialogContent>
  );
}
