// Dashboard pages live under their organization's slug (/{slug}/settings/…), so what a page acts on
// is in its own URL and can't be changed by another tab. Plain functions: proxy.ts, server
// components and client components all build these paths.

/**
 * The slug of the organization whose pages were visited last (set by proxy.ts). It only chooses
 * where `/` and the old `/settings/…` links land; it never decides what an action acts on.
 */
export const LAST_ORGANIZATION_COOKIE = "paygentic_last_org";

/** `/{slug}/settings/{rest}`: the first path segment is a slug, then a settings page. */
const ORGANIZATION_PAGE = /^\/([^/]+)\/settings(?:\/|$)/;

/**
 * Top-level paths that are not organizations (a slug never takes these names): today's, and names
 * a future page or a confusable organization ("admin", "support") should not be able to take.
 */
const RESERVED = new Set([
  "account", "api", "docs", "invite", "login", "settings", "signup", "_next",
  "admin", "app", "assets", "auth", "billing", "dashboard", "help", "logout", "new", "oauth",
  "organizations", "public", "register", "security", "signin", "signout", "static", "status", "support", "www",
]);

/** Whether a slug names a top-level path instead (new organizations can't take these). */
export const isReservedSlug = (slug: string): boolean => RESERVED.has(slug);

/** The organization slug of a dashboard path, or null for any other path. */
export function organizationSlugOf(pathname: string): string | null {
  const slug = ORGANIZATION_PAGE.exec(pathname)?.[1];
  if (!slug || RESERVED.has(slug)) return null;
  try {
    return decodeURIComponent(slug);
  } catch {
    return null;
  }
}

/** `/{slug}/settings/{page}`; `page` may carry a query string. */
export function settingsPath(slug: string, page = "api-keys"): string {
  return `/${encodeURIComponent(slug)}/settings${page ? `/${page}` : ""}`;
}

/** The same page in another organization: what the organization switcher links to. */
export function switchOrganizationPath(pathname: string, slug: string): string {
  const rest = ORGANIZATION_PAGE.test(pathname) ? pathname.replace(/^\/[^/]+\/settings\/?/, "") : "";
  // Only the section: a key page or a query of one organization means nothing in another.
  const section = rest.split("/")[0] || "api-keys";
  return settingsPath(slug, section);
}
