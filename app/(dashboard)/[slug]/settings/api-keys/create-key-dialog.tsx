"use client";

import { Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import { createContext, useContext, useId, useState } from "react";
import { toast } from "sonner";
import { FormDialogContent, useFormDialogAction } from "@/components/form-dialog";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
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
import { createApiKeyAction, type CreateApiKeyValues } from "./actions";
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

type Ids = ReturnType<typeof fieldIds>;

function fieldIds(id: string) {
  return {
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
}

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
  const ids = fieldIds(useId());
  const form = useFormDialogAction(createApiKeyAction, {
    valuesOf,
    onSuccess: ({ apiKey, duplicateName: duplicateOnServer, key }) => {
      // The form warned already unless the other key appeared meanwhile (another tab, the API).
      if (duplicateOnServer && !duplicateOf(apiKey.name)) {
        toast.warning(`You already have an active key named “${apiKey.name}”.`, {
          description: "Both keys work; tell them apart by their last four characters.",
        });
      }
      onCreated({ key, name: apiKey.name });
    },
  });
  // What the fields hold right now, for the hints that follow typing (the duplicate-name warning,
  // the counters, Escape's guard); the fields themselves are the form's, not React's.
  const [draft, setDraft] = useState<CreateApiKeyValues>(EMPTY);
  const [escapeKept, setEscapeKept] = useState(false);

  const { failed } = form;
  const submitted = failed?.values ?? EMPTY;
  // An error stays until its field is edited, then gets out of the way.
  const errorOf = (field: keyof CreateApiKeyValues, ...alsoWatch: (keyof CreateApiKeyValues)[]) =>
    [field, ...alsoWatch].every((f) => sameValue(draft[f], submitted[f])) ? failed?.fieldErrors?.[field] : undefined;

  // The server compares the same way (trimmed, case-insensitive); a duplicate is allowed, only flagged.
  function duplicateOf(name: string): string | undefined {
    const typed = name.trim().toLowerCase();
    return typed ? activeKeyNames.find((existing) => existing.toLowerCase() === typed) : undefined;
  }
  const hasInput = Boolean(draft.name || draft.description || draft.expiresOn || draft.permissions.length > 0);

  return (
    <FormDialogContent
      form={form}
      title="Create API key"
      description={
        <>
          The key acts as you in <span className="font-medium text-foreground">{organization.name}</span>, with your
          role&apos;s permissions or only some of them.
        </>
      }
      submitLabel="Create key"
      pendingLabel="Creating…"
      // A stray click outside or a reflexive Escape must not throw away what was typed.
      keepOnOutsideClick={hasInput}
      onEscapeKeyDown={(event) => {
        if (!hasInput) return;
        event.preventDefault();
        setEscapeKept(true);
      }}
      onCloseAutoFocus={onCloseAutoFocus}
      onFormChange={(element) => setDraft(valuesOf(element))}
      notice={
        escapeKept && hasInput ? (
          <p role="status" className="rounded-md border bg-muted/50 px-3 py-2 text-sm">
            What you typed is kept. Choose Cancel to discard it.
          </p>
        ) : null
      }
    >
      <input type="hidden" name="organization" value={organization.slug} />
      <NameField ids={ids} defaultValue={submitted.name} typed={draft.name} duplicateName={duplicateOf(draft.name)} errors={errorOf("name")} />
      <EnvironmentField ids={ids} defaultValue={submitted.environment} errors={errorOf("environment")} />
      <DescriptionField ids={ids} defaultValue={submitted.description} length={draft.description.length} errors={errorOf("description")} />
      <ExpirationField ids={ids} submitted={submitted} chosen={draft.expiration} errors={errorOf("expiresOn", "expiration")} />
      <AccessFieldset
        ids={ids}
        permissions={permissions}
        submitted={submitted}
        restricted={draft.access === "restricted"}
        errors={errorOf("permissions", "access")}
      />
    </FormDialogContent>
  );
}

function NameField({
  ids,
  defaultValue,
  typed,
  duplicateName,
  errors,
}: {
  ids: Ids;
  defaultValue: string;
  typed: string;
  duplicateName: string | undefined;
  errors: string[] | undefined;
}) {
  return (
    <div className="grid gap-2">
      <Label htmlFor={ids.name}>Name</Label>
      {/* No maxLength attribute: it would silently cut a pasted name; the schema says what's wrong instead. */}
      <Input
        id={ids.name}
        name="name"
        defaultValue={defaultValue}
        required
        aria-required="true"
        autoComplete="off"
        placeholder="e.g. Billing worker"
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(errors?.length && ids.nameError, duplicateName && ids.nameDuplicate)}
      />
      <FieldError id={ids.nameError} messages={errors} />
      {duplicateName ? (
        <p id={ids.nameDuplicate} role="status" className="text-sm text-[color-mix(in_oklab,var(--warning)_45%,black)] dark:text-warning">
          You already have an active key named “{duplicateName}”. You can still create it; the two will differ only by their last 4 characters.
        </p>
      ) : null}
      {typed.trim().length > NAME_MAX - 10 ? (
        <p className="text-xs text-muted-foreground">
          {typed.trim().length}/{NAME_MAX} characters
        </p>
      ) : null}
    </div>
  );
}

function EnvironmentField({ ids, defaultValue, errors }: { ids: Ids; defaultValue: string; errors: string[] | undefined }) {
  return (
    <div className="grid gap-2">
      <Label htmlFor={ids.environment}>Environment</Label>
      {/* Keyed by the submitted value: React applies a select's defaultValue only when it mounts,
          and the form's reset after a failed submit must come back to what was chosen. */}
      <NativeSelect
        key={defaultValue}
        id={ids.environment}
        name="environment"
        wrapperClassName="w-full"
        defaultValue={defaultValue}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(ids.environmentHint, errors?.length && ids.environmentError)}
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
      <FieldError id={ids.environmentError} messages={errors} />
    </div>
  );
}

function ExpirationField({
  ids,
  submitted,
  chosen,
  errors,
}: {
  ids: Ids;
  submitted: CreateApiKeyValues;
  /** The expiration selected now: a custom one asks for its date. */
  chosen: string;
  errors: string[] | undefined;
}) {
  // Read once when the form opens: the date input's range doesn't need to follow the clock.
  const [dateBounds] = useState(() => customDateBounds(Date.now()));
  return (
    <div className="grid gap-2">
      <Label htmlFor={ids.expiration}>Expiration</Label>
      <NativeSelect key={submitted.expiration} id={ids.expiration} name="expiration" wrapperClassName="w-full" defaultValue={submitted.expiration}>
        {EXPIRATIONS.map((expiration) => (
          <NativeSelectOption key={expiration} value={expiration}>
            {EXPIRATION_LABELS[expiration]}
          </NativeSelectOption>
        ))}
      </NativeSelect>
      {chosen === "custom" ? (
        <div className="grid gap-2 pt-1">
          <Label htmlFor={ids.expiresOn}>Expiration date</Label>
          <Input
            id={ids.expiresOn}
            name="expiresOn"
            type="date"
            className="w-full sm:w-48"
            min={dateBounds.min}
            max={dateBounds.max}
            defaultValue={submitted.expiresOn}
            aria-invalid={errors?.length ? true : undefined}
            aria-describedby={describedBy(ids.expiresOnHint, errors?.length && ids.expiresOnError)}
          />
          <p id={ids.expiresOnHint} className="text-xs text-muted-foreground">
            The key stops working at the end of that day (UTC), at most a year from now.
          </p>
          <FieldError id={ids.expiresOnError} messages={errors} />
        </div>
      ) : null}
    </div>
  );
}

function AccessFieldset({
  ids,
  permissions,
  submitted,
  restricted,
  errors,
}: {
  ids: Ids;
  permissions: Permission[];
  submitted: CreateApiKeyValues;
  /** "Restricted" is chosen now: the permissions to choose from appear. */
  restricted: boolean;
  errors: string[] | undefined;
}) {
  return (
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
      {restricted ? (
        <div
          key={JSON.stringify(submitted.permissions)}
          role="group"
          id={ids.permissions}
          aria-label="Permissions of this key"
          aria-describedby={errors?.length ? ids.permissionsError : undefined}
          className="ml-6 grid gap-2.5 rounded-md border p-3"
        >
          {permissions.map((permission) => (
            <PermissionOption
              key={permission}
              id={`${ids.permissions}-${permission.replace(":", "-")}`}
              permission={permission}
              defaultChecked={submitted.permissions.includes(permission)}
              invalid={Boolean(errors?.length)}
            />
          ))}
        </div>
      ) : null}
      <FieldError id={ids.permissionsError} messages={errors} className="ml-6" />
    </fieldset>
  );
}

function PermissionOption({ id, permission, defaultChecked, invalid }: { id: string; permission: Permission; defaultChecked: boolean; invalid: boolean }) {
  return (
    <div className="flex items-start gap-2.5">
      <Checkbox
        id={id}
        name="permissions"
        value={permission}
        defaultChecked={defaultChecked}
        aria-invalid={invalid || undefined}
        aria-describedby={`${id}-description`}
        className="mt-0.5"
      />
      <div className="grid gap-1">
        <Label htmlFor={id} className="font-mono text-xs font-medium">
          {permission}
        </Label>
        <p id={`${id}-description`} className="text-xs text-muted-foreground">
          {PERMISSION_DESCRIPTIONS[permission]}
        </p>
      </div>
    </div>
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
