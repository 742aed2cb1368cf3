"use client";

import { Check, ChevronsUpDown } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { switchOrganizationPath } from "@/lib/organization-url";

type Organization = { slug: string; name: string; role: string };

/**
 * Switching is navigating: each organization's pages have their own URL, so another tab keeps
 * showing (and acting on) the organization in its own address bar.
 */
export function OrganizationSwitcher({ current, organizations }: { current: { slug: string; name: string }; organizations: Organization[] }) {
  const pathname = usePathname();

  if (organizations.length < 2) {
    return <span className="text-sm font-medium" data-testid="current-organization">{current.name}</span>;
  }

  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="sm" aria-label={`Switch organization (current: ${current.name})`}>
          <span data-testid="current-organization">{current.name}</span>
          <ChevronsUpDown className="size-4 opacity-60" aria-hidden />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start" className="w-56">
        <DropdownMenuLabel>Organizations</DropdownMenuLabel>
        <DropdownMenuSeparator />
        {organizations.map((o) => (
          <DropdownMenuItem key={o.slug} asChild>
            {/* No prefetch: opening the menu is not a visit (proxy.ts remembers visits). */}
            <Link href={switchOrganizationPath(pathname, o.slug)} prefetch={false} aria-current={o.slug === current.slug ? "page" : undefined}>
              <span className="flex-1">{o.name}</span>
              <span className="text-muted-foreground text-xs">{o.role}</span>
              {o.slug === current.slug ? <Check className="size-4" aria-label="Current" /> : null}
            </Link>
          </DropdownMenuItem>
        ))}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
