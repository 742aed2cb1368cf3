"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { ConfirmDialog, reachServer } from "@/components/form-dialog";
import { Dialog } from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";
import { RadioGroup, RadioGroupItem } from "@/components/ui/radio-group";
import type { ApiKey, ApiKeyRow } from "@/lib/domain/api-keys/key";
import { ROLL_OVERLAPS } from "@/lib/domain/api-keys/rules";
import { rollApiKeyAction } from "./actions";
import { SaveKeyDialogContent } from "./save-key-dialog";

/**
 * The default overlap: rolling is for rotating without downtime, and a day is enough to deploy the
 * new key everywhere (and to notice a forgotten consumer in the old key's "last used") while
 * keeping the old one alive no longer than that. A leaked key is the case for "Immediately".
 */
const DEFAULT_OVERLAP_SECONDS = 86_400;

const OVERLAP_HINTS: Record<number, string> = {
  0: "The old key stops now. Choose this if it leaked.",
  3_600: "Time to swap the key in one place.",
  86_400: "Time to deploy the new key everywhere.",
  604_800: "For consumers you don't control, e.g. a partner's system.",
};

export type RolledKey = { key: string; apiKey: ApiKey; old: ApiKey };

type Step = { kind: "confirm" } | { kind: "secret"; rolled: RolledKey };

/**
 * Confirms a roll and shows the new key once, in the usual Save your API key dialog. Standalone:
 * the key list and the key's own page both use it. `apiKey` null means closed.
 */
export function RollKeyDialog({
  organization,
  apiKey,
  onClose,
  onDone,
  onCloseAutoFocus,
}: {
  /** The organization the page shows: the key is rolled there or not at all. */
  organization: { slug: string; name: string };
  apiKey: ApiKeyRow | null;
  onClose: () => void;
  /** After the new key was shown and Done pressed: the replacement, and the old key as rolled. */
  onDone?: (rolled: Omit<RolledKey, "key">) => void;
  onCloseAutoFocus?: (event: Event) => void;
}) {
  // Remounted per key: a new roll starts from the defaults, with no old error or secret.
  return apiKey ? (
    <RollKeyFlow key={apiKey.id} organization={organization} apiKey={apiKey} onClose={onClose} onDone={onDone} onCloseAutoFocus={onCloseAutoFocus} />
  ) : null;
}

function RollKeyFlow({
  organization,
  apiKey,
  onClose,
  onDone,
  onCloseAutoFocus,
}: {
  organization: { slug: string; name: string };
  apiKey: ApiKeyRow;
  onClose: () => void;
  onDone?: (rolled: Omit<RolledKey, "key">) => void;
  onCloseAutoFocus?: (event: Event) => void;
}) {
  const id = useId();
  const router = useRouter();
  const [step, setStep] = useState<Step>({ kind: "confirm" });
  const [overlap, setOverlap] = useState(String(DEFAULT_OVERLAP_SECONDS));
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function confirm() {
    setError(null);
    startTransition(async () => {
      const result = await reachServer(
        () => rollApiKeyAction({ organization: organization.slug, keyId: apiKey.id, overlapSeconds: Number(overlap) }),
        "The server couldn't be reached. Nothing changed: the old key still works; try again.",
      );
      if (result.ok) setStep({ kind: "secret", rolled: result.data });
      // E.g. rolled or revoked meanwhile: say so here, and show the list as it now is behind.
      else setError(result.message);
      // The new key (and the old one, now "Rolled") appear behind the dialog; the secret never does.
      if (!("unreachable" in result)) router.refresh();
    });
  }

  const overlapLabel = ROLL_OVERLAPS.find((o) => String(o.seconds) === overlap)?.label ?? "";

  return (
    <>
      <ConfirmDialog
        open={step.kind === "confirm"}
        onClose={onClose}
        pending={pending}
        title="Roll API key"
        description={
          <>
            Creates a new key to replace <span className="font-medium text-foreground">{apiKey.name}</span>{" "}
            (<code className="font-mono text-xs">{apiKey.maskedKey}</code>) in {organization.name}, with the same name,
            description, environment and permissions. Until the old key expires both keys work, so you can switch your
            applications over without downtime.
          </>
        }
        error={error}
        confirmLabel="Roll key"
        pendingLabel="Rolling…"
        onConfirm={confirm}
        confirmDescribedBy={`${id}-summary`}
        onOpenAutoFocus={(event) => {
          // The choice comes first: focus the selected overlap (not Cancel, after it), so a keyboard
          // user can change it with the arrow keys at once.
          const checked = (event.currentTarget as HTMLElement | null)?.querySelector<HTMLElement>('[role="radio"][data-state="checked"]');
          if (checked) {
            event.preventDefault();
            checked.focus();
          }
        }}
        onCloseAutoFocus={(event) => {
          // Moving on to the new key: that dialog takes focus; only a real close hands it back.
          if (step.kind === "secret") event.preventDefault();
          else onCloseAutoFocus?.(event);
        }}
        footnote={
          <p id={`${id}-summary`} className="sr-only">
            The old key expires {overlapLabel.toLowerCase()}.
          </p>
        }
      >
        <OverlapChoice id={`${id}-overlap`} value={overlap} onChange={setOverlap} disabled={pending} />
      </ConfirmDialog>
      <Dialog open={step.kind === "secret"}>
        {step.kind === "secret" ? (
          <SaveKeyDialogContent
            secret={step.rolled.key}
            name={step.rolled.apiKey.name}
            organizationName={organization.name}
            onCloseAutoFocus={(event) => onCloseAutoFocus?.(event)}
            onDone={() => {
              // Dropping the step drops the only copy of the key this page ever held.
              const { apiKey: replacement, old } = step.rolled;
              setStep({ kind: "confirm" });
              onDone?.({ apiKey: replacement, old });
              onClose();
              router.refresh();
            }}
          />
        ) : null}
      </Dialog>
    </>
  );
}

function OverlapChoice({ id, value, onChange, disabled }: { id: string; value: string; onChange: (value: string) => void; disabled: boolean }) {
  return (
    <div className="grid gap-3">
      <p id={id} className="text-sm leading-none font-medium">
        Old key expires
      </p>
      <RadioGroup value={value} onValueChange={onChange} aria-labelledby={id} disabled={disabled} className="gap-2.5">
        {ROLL_OVERLAPS.map((option) => {
          const optionId = `${id}-${option.seconds}`;
          return (
            <div key={option.seconds} className="flex items-start gap-2.5">
              <RadioGroupItem id={optionId} value={String(option.seconds)} aria-describedby={`${optionId}-hint`} className="mt-0.5" />
              <div className="grid gap-1">
                <Label htmlFor={optionId}>{option.label}</Label>
                <p id={`${optionId}-hint`} className="text-xs text-muted-foreground">
                  {OVERLAP_HINTS[option.seconds]}
                </p>
              </div>
            </div>
          );
        })}
      </RadioGroup>
    </div>
  );
}
