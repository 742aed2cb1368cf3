"use client";

import { Check, ChevronsUpDown, Plus } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { switchOrganizationPath } from "@/lib/domain/organizations/url";
import { CreateOrganizationDialog } from "./create-organization-dialog";

type Organization = { slug: string; name: string; role: string };

/**
 * Switching is navigating: each organization's pages have their own URL, so another tab keeps
 * showing (and acting on) the organization in its own address bar. The menu also creates one,
 * so it is there even for a member of a single organization (with nothing to switch to, it isn't
 * called a switcher).
 */
export function OrganizationSwitcher({ current, organizations }: { current: { slug: string; name: string }; organizations: Organization[] }) {
  const pathname = usePathname();
  const [creating, setCreating] = useState(false);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const canSwitch = organizations.length > 1;

  return (
    <>
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button
            ref={triggerRef}
            variant="ghost"
            size="sm"
            aria-label={canSwitch ? `Switch organization (current: ${current.name})` : `Organization menu (current: ${current.name})`}
          >
            <span data-testid="current-organization">{current.name}</span>
            <ChevronsUpDown className="size-4 opacity-60" aria-hidden />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="start" className="w-60">
          <DropdownMenuLabel>Organizations</DropdownMenuLabel>
          <DropdownMenuSeparator />
          {organizations.map((o) => (
            <DropdownMenuItem key={o.slug} asChild>
              {/* No prefetch: opening the menu is not a visit (proxy.ts remembers visits). */}
              <Link href={switchOrganizationPath(pathname, o.slug)} prefetch={false} aria-current={o.slug === current.slug ? "page" : undefined}>
                <span className="flex-1 truncate">{o.name}</span>
                <span className="text-muted-foreground text-xs">{o.role}</span>
                {o.slug === current.slug ? <Check className="size-4" aria-label="Current" /> : null}
              </Link>
            </DropdownMenuItem>
          ))}
          <DropdownMenuSeparator />
          <DropdownMenuItem onSelect={() => setCreating(true)}>
            <Plus className="size-4" aria-hidden />
            Create organization
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <CreateOrganizationDialog
        open={creating}
        onOpenChange={setCreating}
        onCloseAutoFocus={(event) => {
          // The menu item that opened it is gone with the menu: back to the menu's button.
          event.preventDefault();
          triggerRef.current?.focus();
        }}
      />
    </>
  );
}
