"use client";

import { useRef } from "react";
import { cn } from "@/lib/utils";

type ViewTabsProps<T extends string> = {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onValueChange: (value: T) => void;
  /** The one panel (the key table) that every tab list on the page filters. */
  panelId: string;
  idPrefix: string;
};

/**
 * Tabs that switch a URL parameter. Radix Tabs wants one panel per tab and one Tabs root per
 * panel; here two tab lists (owner scope and status) filter the same table, so this is the ARIA
 * tabs pattern by hand: roving tabindex, arrow keys move focus, Enter/Space selects (selecting
 * navigates, so it isn't done on focus).
 */
export function ViewTabs<T extends string>({ label, value, options, onValueChange, panelId, idPrefix }: ViewTabsProps<T>) {
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);

  function onKeyDown(event: React.KeyboardEvent<HTMLButtonElement>, index: number) {
    const last = options.length - 1;
    const target =
      event.key === "ArrowRight" ? (index === last ? 0 : index + 1)
      : event.key === "ArrowLeft" ? (index === 0 ? last : index - 1)
      : event.key === "Home" ? 0
      : event.key === "End" ? last
      : null;
    if (target === null) return;
    event.preventDefault();
    tabs.current[target]?.focus();
  }

  return (
    <div
      role="tablist"
      aria-label={label}
      // Wraps rather than scrolls on a phone: every status stays visible and reachable.
      className="inline-flex min-h-9 w-fit max-w-full flex-wrap items-center rounded-lg bg-muted p-[3px] text-muted-foreground"
    >
      {options.map((option, index) => {
        const selected = option.value === value;
        return (
          <button
            key={option.value}
            ref={(element) => {
              tabs.current[index] = element;
            }}
            type="button"
            role="tab"
            id={`${idPrefix}-${option.value}`}
            aria-selected={selected}
            aria-controls={panelId}
            tabIndex={selected ? 0 : -1}
            data-state={selected ? "active" : "inactive"}
            onClick={() => {
              if (!selected) onValueChange(option.value);
            }}
            onKeyDown={(event) => onKeyDown(event, index)}
            className={cn(
              "inline-flex h-[30px] items-center justify-center rounded-md border border-transparent px-3 text-sm font-medium whitespace-nowrap transition-[color,box-shadow] outline-none",
              "hover:text-foreground focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring",
              "data-[state=active]:bg-background data-[state=active]:text-foreground data-[state=active]:shadow-sm",
            )}
          >
            {option.label}
          </button>
        );
      })}
    </div>
  );
}
