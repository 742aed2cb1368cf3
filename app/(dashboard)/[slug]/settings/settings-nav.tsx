"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { settingsPath } from "@/lib/domain/organizations/url";
import { cn } from "@/lib/utils";

/** One entry per settings page folder (tests/unit/extension-points.test.ts checks both ways). */
export const PAGES = [
  { page: "api-keys", label: "API Keys" },
  { page: "members", label: "Members" },
  // Owners and admins only (audit_log:read); for anyone else the page is a 404, so no link.
  { page: "audit-log", label: "Audit log", auditLog: true },
];

export function SettingsNav({ slug, canReadAuditLog = false }: { slug: string; canReadAuditLog?: boolean }) {
  const pathname = usePathname();
  const links = PAGES.filter((p) => !p.auditLog || canReadAuditLog).map(({ page, label }) => ({ href: settingsPath(slug, page), label }));
  return (
    <nav aria-label="Settings" className="flex gap-1 border-b">
      {links.map((link) => {
        const active = pathname.startsWith(link.href);
        return (
          <Link
            key={link.href}
            href={link.href}
            aria-current={active ? "page" : undefined}
            className={cn(
              "-mb-px border-b-2 px-3 py-2 text-sm font-medium",
              active ? "border-primary text-foreground" : "text-muted-foreground hover:text-foreground border-transparent",
            )}
          >
            {link.label}
          </Link>
        );
      })}
    </nav>
  );
}
