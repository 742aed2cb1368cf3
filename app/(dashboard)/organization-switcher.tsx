"use client";

import { Check, ChevronsUpDown } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { switchOrganizationAction } from "./actions";

type Organization = { id: string; name: string; role: string };

export function OrganizationSwitcher({ current, organizations }: { current: { id: string; name: string }; organizations: Organization[] }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  if (organizations.length < 2) {
    return <span className="text-sm font-medium" data-testid="current-organization">{current.name}</span>;
  }

  function choose(id: string) {
    if (id === current.id) return;
    startTransition(async () => {
      const result = await switchOrganizationAction(id);
      if (!result.ok) {
        toast.error(result.message);
        return;
      }
      toast.success(`Switched to ${result.data.name}`);
      router.refresh();
    });
  }

  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="sm" aria-label={`Switch organization (current: ${current.name})`} disabled={pending}>
          <span data-testid="current-organization">{current.name}</span>
          <ChevronsUpDown className="size-4 opacity-60" aria-hidden />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start" className="w-56">
        <DropdownMenuLabel>Organizations</DropdownMenuLabel>
        <DropdownMenuSeparator />
        {organizations.map((o) => (
          <DropdownMenuItem key={o.id} onSelect={() => choose(o.id)}>
            <span className="flex-1">{o.name}</span>
            <span className="text-muted-foreground text-xs">{o.role}</span>
            {o.id === current.id ? <Check className="size-4" aria-label="Current" /> : null}
          </DropdownMenuItem>
        ))}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
