import { redirect } from "next/navigation";
import { settingsPath } from "@/lib/domain/organizations/url";
import { lastUsedOrganization, requireUser } from "@/lib/auth/context";

// The dashboard used to live at /settings/…: old links and bookmarks land on the same page of the
// last-used organization, query string included.
export default async function SettingsRedirect({
  params,
  searchParams,
}: {
  params: Promise<{ path?: string[] }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const organization = await lastUsedOrganization(await requireUser());
  const { path = [] } = await params;
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(await searchParams)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) query.append(name, item);
  }
  const search = query.size ? `?${query}` : "";
  redirect(`${settingsPath(organization.slug, path.map(encodeURIComponent).join("/") || undefined)}${search}`);
}
