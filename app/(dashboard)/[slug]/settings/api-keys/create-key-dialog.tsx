"use client";

import { Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import { createContext, useActionState, useContext, useEffect, useId, useRef, useState } from "react";
import { toast } from "sonner";
import { DialogFormFooter } from "@/components/dialog-form-footer";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { FieldError } from "@/components/ui/field-error";
import { Input } from "@/components/ui/input";
import { Checkbox } from "@/components/ui/checkbox";
import { Label } from "@/components/ui/label";
import { NativeSelect, NativeSelectOption } from "@/components/ui/native-select";
import { RadioGroup, RadioGroupItem } from "@/components/ui/radio-group";
import { DAY_MS, EXPIRATION_LABELS, EXPIRATIONS, MAX_EXPIRY_MS } from "@/lib/domain/api-keys/rules";
import { ENVIRONMENT_LABELS, ENVIRONMENTS, NAME_MAX } from "@/lib/domain/api-keys/schemas";
import { describedBy } from "@/lib/utils";
import { DescriptionField } from "./description-field";
import type { Permission } from "@/lib/domain/permissions";
import { createApiKeyAction, type CreateApiKeyResult, type CreateApiKeyValues } from "./actions";
import { PERMISSION_DESCRIPTIONS } from "./permission-labels";
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
  permissions,
  children,
}: {
  organization: Organization;
  /** The names of the member's own active keys: the form warns about a duplicate as it is typed. */
  activeKeyNames: string[];
  /** What the creator's role holds: a restricted key chooses among these. */
  permissions: Permission[];
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
            permissions={permissions}
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

const EMPTY: CreateApiKeyValues = {
  name: "",
  environment: "production",
  description: "",
  expiration: "never",
  expiresOn: "",
  access: "inherit",
  permissions: [],
};

/** The form's fields as typed; a textarea submits "\r\n" line breaks, shown as "\n". */
function valuesOf(form: HTMLFormElement | FormData): CreateApiKeyValues {
  const data = form instanceof FormData ? form : new FormData(form);
  const text = (name: string) => {
    const value = data.get(name);
    return typeof value === "string" ? value.replace(/\r\n?/g, "\n") : "";
  };
  return {
    name: text("name"),
    environment: text("environment"),
    description: text("description"),
    expiration: text("expiration") || "never",
    expiresOn: text("expiresOn"),
    access: text("access") || "inherit",
    permissions: data.getAll("permissions").filter((p): p is string => typeof p === "string"),
  };
}

/** A local calendar day as the date input writes it (YYYY-MM-DD). */
function localDay(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The custom date's range: tomorrow to a year ahead (the server has the last word, in UTC). */
function customDateBounds(now: number): { min: string; max: string } {
  return { min: localDay(now + DAY_MS), max: localDay(now + MAX_EXPIRY_MS - DAY_MS) };
}

const sameValue = (a: string | string[], b: string | string[]) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Driven by `useActionState`: the action returns field errors, a message, and (on failure) the
 * values it was sent, which come back as the fields' defaults when React resets the form.
 */
function CreateKeyFormContent({
  organization,
  activeKeyNames,
  permissions,
  onCreated,
  onCloseAutoFocus,
}: {
  organization: Organization;
  activeKeyNames: string[];
  permissions: Permission[];
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
    expiration: `${id}-expiration`,
    expiresOn: `${id}-expires-on`,
    expiresOnHint: `${id}-expires-on-hint`,
    expiresOnError: `${id}-expires-on-error`,
    access: `${id}-access`,
    permissions: `${id}-permissions`,
    permissionsError: `${id}-permissions-error`,
  };
  const [state, formAction, pending] = useActionState(submit, null);
  // What the fields hold right now, for the hints that follow typing (the duplicate-name warning,
  // the counters, Escape's guard); the fields themselves are the form's, not React's.
  const [draft, setDraft] = useState<CreateApiKeyValues>(EMPTY);
  const [escapeKept, setEscapeKept] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const environmentRef = useRef<HTMLSelectElement>(null);
  const descriptionRef = useRef<HTMLTextAreaElement>(null);
  const expiresOnRef = useRef<HTMLInputElement>(null);
  const permissionsRef = useRef<HTMLDivElement>(null);
  // Read once when the form opens: the date input's range doesn't need to follow the clock.
  const [dateBounds] = useState(() => customDateBounds(Date.now()));

  const failed = state?.ok === false ? state : null;
  const submitted = failed?.values ?? EMPTY;
  // An error stays until its field is edited, then gets out of the way.
  const errorOf = (field: keyof CreateApiKeyValues, ...alsoWatch: (keyof CreateApiKeyValues)[]) =>
    [field, ...alsoWatch].every((f) => sameValue(draft[f], submitted[f])) ? failed?.fieldErrors?.[field] : undefined;
  const errors = {
    name: errorOf("name"),
    environment: errorOf("environment"),
    description: errorOf("description"),
    expiresOn: errorOf("expiresOn", "expiration"),
    permissions: errorOf("permissions", "access"),
  };
  const hasFieldErrors = Object.values(failed?.fieldErrors ?? {}).some((list) => list?.length);

  useEffect(() => {
    const fieldErrors = state?.ok === false ? state.fieldErrors : undefined;
    if (fieldErrors?.name?.length) nameRef.current?.focus();
    else if (fieldErrors?.environment?.length) environmentRef.current?.focus();
    else if (fieldErrors?.description?.length) descriptionRef.current?.focus();
    else if (fieldErrors?.expiresOn?.length) expiresOnRef.current?.focus();
    else if (fieldErrors?.permissions?.length) permissionsRef.current?.querySelector<HTMLElement>("button[role=checkbox]")?.focus();
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
  const hasInput = Boolean(draft.name || draft.description || draft.expiresOn || draft.permissions.length > 0);


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
          The key acts as you in <span className="font-medium text-foreground">{organization.name}</span>, with your
          role&apos;s permissions or only some of them.
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
        <DescriptionField ids={ids} fieldRef={descriptionRef} defaultValue={submitted.description} length={draft.description.length} errors={errors.description} />
        <div className="grid gap-2">
          <Label htmlFor={ids.expiration}>Expiration</Label>
          <NativeSelect key={submitted.expiration} id={ids.expiration} name="expiration" wrapperClassName="w-full" defaultValue={submitted.expiration}>
            {EXPIRATIONS.map((expiration) => (
              <NativeSelectOption key={expiration} value={expiration}>
                {EXPIRATION_LABELS[expiration]}
              </NativeSelectOption>
            ))}
          </NativeSelect>
          {draft.expiration === "custom" ? (
            <div className="grid gap-2 pt-1">
              <Label htmlFor={ids.expiresOn}>Expiration date</Label>
              <Input
                ref={expiresOnRef}
                id={ids.expiresOn}
                name="expiresOn"
                type="date"
                className="w-full sm:w-48"
                min={dateBounds.min}
                max={dateBounds.max}
                defaultValue={submitted.expiresOn}
                aria-invalid={errors.expiresOn?.length ? true : undefined}
                aria-describedby={describedBy(ids.expiresOnHint, errors.expiresOn?.length && ids.expiresOnError)}
              />
              <p id={ids.expiresOnHint} className="text-xs text-muted-foreground">
                The key stops working at the end of that day (UTC), at most a year from now.
              </p>
              <FieldError id={ids.expiresOnError} messages={errors.expiresOn} />
            </div>
          ) : null}
        </div>
        <fieldset className="grid gap-3">
          <legend id={ids.access} className="mb-2 text-sm leading-none font-medium">
            Permissions
          </legend>
          {/* Keyed by what was submitted: Radix restores its mount-time value when React resets the
              form after a failed submit, so the mount-time value must be what was sent. */}
          <RadioGroup key={submitted.access} name="access" defaultValue={submitted.access} aria-labelledby={ids.access} className="gap-2.5">
            <AccessOption id={`${ids.access}-inherit`} value="inherit" label="Inherit my role">
              The key can do what your role can, now and after any role change.
            </AccessOption>
            <AccessOption id={`${ids.access}-restricted`} value="restricted" label="Restricted">
              Only the permissions you choose, and never more than your role.
            </AccessOption>
          </RadioGroup>
          {draft.access === "restricted" ? (
            <div
              ref={permissionsRef}
              key={JSON.stringify(submitted.permissions)}
              role="group"
              id={ids.permissions}
              aria-label="Permissions of this key"
              aria-describedby={errors.permissions?.length ? ids.permissionsError : undefined}
              className="ml-6 grid gap-2.5 rounded-md border p-3"
            >
              {permissions.map((permission) => {
                const checkboxId = `${ids.permissions}-${permission.replace(":", "-")}`;
                return (
                  <div key={permission} className="flex items-start gap-2.5">
                    <Checkbox
                      id={checkboxId}
                      name="permissions"
                      value={permission}
                      defaultChecked={submitted.permissions.includes(permission)}
                      aria-invalid={errors.permissions?.length ? true : undefined}
                      aria-describedby={`${checkboxId}-description`}
                      className="mt-0.5"
                    />
                    <div className="grid gap-1">
                      <Label htmlFor={checkboxId} className="font-mono text-xs font-medium">
                        {permission}
                      </Label>
                      <p id={`${checkboxId}-description`} className="text-xs text-muted-foreground">
                        {PERMISSION_DESCRIPTIONS[permission]}
                      </p>
                    </div>
                  </div>
                );
              })}
            </div>
          ) : null}
          <FieldError id={ids.permissionsError} messages={errors.permissions} className="ml-6" />
        </fieldset>
        <DialogFormFooter pending={pending} submitLabel="Create key" pendingLabel="Creating…" />
      </form>
    </DialogContent>
  );
}

function AccessOption({ id, value, label, children }: { id: string; value: string; label: string; children: React.ReactNode }) {
  return (
    <div className="flex items-start gap-2.5">
      <RadioGroupItem id={id} value={value} aria-describedby={`${id}-hint`} className="mt-0.5" />
      <div className="grid gap-1">
        <Label htmlFor={id}>{label}</Label>
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          {children}
        </p>
      </div>
    </div>
  );
}
