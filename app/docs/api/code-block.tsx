"use client";

import { Check, Copy } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";

/** A command to copy, whole, with feedback; the block is focusable so a keyboard can scroll it. */
export function CodeBlock({ code, label }: { code: string; label: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const preRef = useRef<HTMLPreElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  async function copy() {
    clearTimeout(timer.current);
    try {
      await navigator.clipboard.writeText(code);
      setState("copied");
      timer.current = setTimeout(() => setState("idle"), 2_000);
    } catch {
      // No clipboard permission (an insecure origin, a denied prompt): select it for Ctrl+C instead.
      const selection = window.getSelection();
      if (preRef.current && selection) selection.selectAllChildren(preRef.current);
      setState("failed");
    }
  }

  return (
    <div className="bg-muted rounded-md">
      <div className="flex items-center justify-between gap-2 border-b py-1.5 pr-1.5 pl-4">
        <span className="text-muted-foreground text-xs">Example request</span>
        <Button variant="outline" size="sm" className="h-7 w-24" onClick={copy}>
          {state === "copied" ? <Check aria-hidden="true" /> : <Copy aria-hidden="true" />}
          {state === "copied" ? "Copied" : "Copy"}
        </Button>
      </div>
      {/* Wrapped on a phone, where sideways scrolling hides most of a command; scrolled (by keyboard
          too) on wider screens, where lines keep the shape they are copied in. */}
      <div tabIndex={0} role="region" aria-label={label} className="focus-visible:ring-ring overflow-x-auto rounded-b-md p-4 outline-none focus-visible:ring-[3px]">
        <pre ref={preRef} className="font-mono text-sm whitespace-pre-wrap [overflow-wrap:anywhere] sm:whitespace-pre sm:[overflow-wrap:normal]">
          {code}
        </pre>
      </div>
      <span role="status" className="sr-only">
        {state === "copied" ? "Copied" : state === "failed" ? "Selected: press Ctrl+C to copy" : ""}
      </span>
    </div>
  );
}
