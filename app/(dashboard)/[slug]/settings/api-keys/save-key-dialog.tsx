"use client";

import { Check, Copy, TriangleAlert } from "lucide-react";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { Button } from "@/components/ui/button";
import { DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";

const subscribeNever = () => () => {};

function useOrigin(): string {
  return useSyncExternalStore(
    subscribeNever,
    () => window.location.origin,
    () => "",
  );
}

function copyShortcut(): string {
  return typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.userAgent) ? "⌘C" : "Ctrl+C";
}

type CopyState = "idle" | "copied" | "failed";

/**
 * Shows a just-created key once. It exists only in this component's props (client memory): it is
 * never put in a URL, a toast, storage or the console, and Done is the only way out so that the
 * dialog can't be dismissed by a stray Escape or click before the key is saved.
 */
export function SaveKeyDialogContent({
  secret,
  name,
  organizationName,
  onDone,
  onCloseAutoFocus,
}: {
  secret: string;
  name: string;
  /** The organization the key belongs to: a tab's organization is easy to lose track of. */
  organizationName: string;
  onDone: () => void;
  onCloseAutoFocus: (event: Event) => void;
}) {
  const origin = useOrigin();
  const [copy, setCopy] = useState<CopyState>("idle");
  const [blockedClose, setBlockedClose] = useState(false);
  const secretRef = useRef<HTMLElement>(null);
  const copyButtonRef = useRef<HTMLButtonElement>(null);
  const resetTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => () => clearTimeout(resetTimer.current), []);

  function selectSecret() {
    const element = secretRef.current;
    const selection = window.getSelection();
    if (!element || !selection) return;
    const range = document.createRange();
    range.selectNodeContents(element);
    selection.removeAllRanges();
    selection.addRange(range);
  }

  async function onCopy() {
    clearTimeout(resetTimer.current);
    try {
      await navigator.clipboard.writeText(secret);
      setCopy("copied");
      resetTimer.current = setTimeout(() => setCopy("idle"), 2000);
    } catch {
      // Clipboard access can be denied (permissions, insecure origin): leave the key selected instead.
      selectSecret();
      setCopy("failed");
    }
  }

  function refuseClose(event: Event) {
    event.preventDefault();
    setBlockedClose(true);
  }

  const example = `curl -H "Authorization: Bearer ${secret}" ${origin}/api/v1/me`;

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
        <DialogTitle>Save your API key</DialogTitle>
        <DialogDescription>
          Your new key <span className="font-medium text-foreground">{name}</span> for{" "}
          <span className="font-medium text-foreground">{organizationName}</span> is ready. Use it as a bearer token
          when your application calls the Paygentic API.
        </DialogDescription>
      </DialogHeader>

      <div
        role="alert"
        className="flex gap-2.5 rounded-md border border-warning/50 bg-warning/10 px-3 py-2.5 text-sm text-[color-mix(in_oklab,var(--warning)_45%,black)] dark:text-warning"
      >
        <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
        <p>This key won&apos;t be shown again. Store it somewhere safe, such as your secret manager.</p>
      </div>

      <div className="grid gap-2">
        <div className="flex items-center gap-2 rounded-md border bg-muted/50 p-2 pl-3">
          <code
            ref={secretRef}
            data-testid="api-key-secret"
            className="min-w-0 flex-1 font-mono text-sm break-all select-all"
          >
            {secret}
          </code>
          <Button ref={copyButtonRef} variant="outline" size="sm" className="w-24 shrink-0" onClick={onCopy}>
            {copy === "copied" ? <Check aria-hidden="true" /> : <Copy aria-hidden="true" />}
            {copy === "copied" ? "Copied" : "Copy"}
          </Button>
        </div>
        {copy === "failed" ? (
          <p role="status" className="text-sm text-muted-foreground">
            Press {copyShortcut()} to copy
          </p>
        ) : null}
      </div>

      <div className="grid gap-2">
        <p className="text-sm font-medium">Try it</p>
        <pre className="rounded-md bg-primary px-3 py-2.5 font-mono text-xs leading-relaxed break-all whitespace-pre-wrap text-primary-foreground">
          {example}
        </pre>
      </div>

      {blockedClose ? (
        <p role="status" className="text-sm font-medium">
          Copy your key, then press Done. It can&apos;t be shown again.
        </p>
      ) : null}

      <DialogFooter>
        <Button onClick={onDone}>Done</Button>
      </DialogFooter>
    </DialogContent>
  );
}
