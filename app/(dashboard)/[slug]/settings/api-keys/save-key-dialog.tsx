"use client";

import { ShowOnceDialogContent } from "@/components/form-dialog";
import { useHydrated } from "@/components/use-hydrated";

/** The page's origin for the usage example, once hydrated (the server doesn't know the public host). */
function useOrigin(): string {
  return useHydrated() ? window.location.origin : "";
}

function copyShortcut(): string {
  return typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.userAgent) ? "⌘C" : "Ctrl+C";
}

/** Shows a just-created key once; it exists only in this component's props (client memory). */
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
  const example = `curl -H "Authorization: Bearer ${secret}" ${origin}/api/v1/me`;

  return (
    <ShowOnceDialogContent
      title="Save your API key"
      description={
        <>
          Your new key <span className="font-medium text-foreground">{name}</span> for{" "}
          <span className="font-medium text-foreground">{organizationName}</span> is ready. Use it as a bearer token
          when your application calls the Paygentic API.
        </>
      }
      warning={<p>This key won&apos;t be shown again. Store it somewhere safe, such as your secret manager.</p>}
      secret={secret}
      testId="api-key-secret"
      copyFailedHint={`Press ${copyShortcut()} to copy`}
      blockedCloseHint="Copy your key, then press Done. It can't be shown again."
      onDone={onDone}
      onCloseAutoFocus={onCloseAutoFocus}
    >
      <div className="grid gap-2">
        <p className="text-sm font-medium">Try it</p>
        <pre className="rounded-md bg-primary px-3 py-2.5 font-mono text-xs leading-relaxed break-all whitespace-pre-wrap text-primary-foreground">
          {example}
        </pre>
      </div>
    </ShowOnceDialogContent>
  );
}
