import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PAGES as SETTINGS_NAV } from "@/app/(dashboard)/[slug]/settings/settings-nav";
import { PERMISSION_DESCRIPTIONS } from "@/app/(dashboard)/[slug]/settings/api-keys/permission-labels";
import { apiKeyColumns, apiKeyColumnVisibility } from "@/app/(dashboard)/[slug]/settings/api-keys/columns";
import { KEY_SORTS } from "@/lib/domain/api-keys/schemas";
import { PERMISSIONS, permissionsOf, ROLES } from "@/lib/domain/permissions";
import { errorsOf } from "@/lib/http/endpoint";
import { ENDPOINTS } from "@/lib/http/endpoints";
import { API_ERROR_HELP, API_ERRORS, type ApiErrorCode } from "@/lib/http/errors";

// The README's "Extending it" section, checked: adding a settings page, a permission, an API error
// code or a key-list column touches several files, and forgetting one of them fails here. Every case
// is derived from the same tables the code reads, so a new entry is checked without editing this file.

const ROOT = path.resolve(import.meta.dirname, "../..");
const SETTINGS = path.join(ROOT, "app/(dashboard)/[slug]/settings");

/** Source files under `dir` (relative to the root), as [relative path, text]. */
function sources(dir: string, skip: (file: string) => boolean = () => false): [string, string][] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx|mjs)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)))
    .filter((file) => !file.startsWith("lib/generated/") && !skip(file))
    .map((file) => [file, readFileSync(path.join(ROOT, file), "utf8")]);
}

/** Whether a page.tsx lies anywhere below `dir` (route groups such as `(list)` included). */
function hasPage(dir: string): boolean {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).some((entry) => entry.isFile() && entry.name === "page.tsx");
}

describe("settings pages", () => {
  // The first path segment under /{slug}/settings/ of every page there.
  const folders = readdirSync(SETTINGS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && hasPage(path.join(SETTINGS, entry.name)))
    .map((entry) => entry.name);
  const nav = SETTINGS_NAV.map((entry) => entry.page);

  it("finds the settings pages (a listing of nothing would pass anything)", () => {
    expect(folders).toContain("api-keys");
  });

  it.each(folders)("settings/%s has an entry in settings-nav.tsx", (folder) => {
    expect(nav, `add { page: "${folder}", label: … } to PAGES in settings-nav.tsx`).toContain(folder);
  });

  it.each(SETTINGS_NAV.map((entry) => [entry.page, entry] as const))("the nav entry %s leads to a page and has a label", (page, entry) => {
    expect(folders, `no settings/${page}/…/page.tsx`).toContain(page);
    expect(entry.label.trim()).not.toBe("");
  });

  it("has one nav entry per page", () => {
    expect(new Set(nav).size).toBe(nav.length);
  });
});

describe("permissions", () => {
  // Where a permission is enforced: an endpoint's description, or a check in app/ or lib/ code (a
  // page, a server action, a domain rule). Its own table and its UI labels don't count.
  const tables = new Set(["lib/domain/permissions.ts", "app/(dashboard)/[slug]/settings/api-keys/permission-labels.ts"]);
  const code = [...sources("app"), ...sources("lib")].filter(([file]) => !tables.has(file));
  const byEndpoint = new Set(ENDPOINTS.flatMap((endpoint) => (endpoint.permission ? [endpoint.permission] : [])));

  it.each(PERMISSIONS)("%s is granted to at least one role", (permission) => {
    expect(ROLES.filter((role) => permissionsOf(role).includes(permission)), "add it to GRANTS in lib/domain/permissions.ts").not.toEqual([]);
  });

  it.each(PERMISSIONS)("%s is described for the Restricted checkboxes", (permission) => {
    expect(PERMISSION_DESCRIPTIONS[permission]?.trim(), "add it to PERMISSION_DESCRIPTIONS in permission-labels.ts").toBeTruthy();
  });

  it.each(PERMISSIONS)("%s is required by an endpoint or checked by a page, an action or a domain rule", (permission) => {
    const users = code.filter(([, text]) => text.includes(`"${permission}"`)).map(([file]) => file);
    expect([...(byEndpoint.has(permission) ? ["lib/http/endpoints.ts"] : []), ...users], "a permission nothing checks grants nothing").not.toEqual([]);
  });

  it("describes no permission that doesn't exist", () => {
    expect(Object.keys(PERMISSION_DESCRIPTIONS).sort()).toEqual([...PERMISSIONS].sort());
  });
});

describe("API error codes", () => {
  const codes = Object.keys(API_ERRORS) as ApiErrorCode[];
  const documented = new Set(ENDPOINTS.flatMap((endpoint) => errorsOf(endpoint)));
  // The wrapper and the error mapper answer some codes on every route (405, 500, 503): they must
  // name the code somewhere in lib/http/ besides its definition.
  const http = sources("lib/http", (file) => file === "lib/http/errors.ts");

  it.each(codes)("%s has help text for the docs page and the OpenAPI document", (code) => {
    expect(API_ERROR_HELP[code]?.trim(), "add it to API_ERROR_HELP in lib/http/errors.ts").toBeTruthy();
  });

  it.each(codes)("%s is answered by an endpoint's description or by the wrapper / error mapper", (code) => {
    const users = http.filter(([, text]) => text.includes(`"${code}"`)).map(([file]) => file);
    expect([...(documented.has(code) ? ["an endpoint's errors"] : []), ...users], "a code nothing answers is dead documentation").not.toEqual([]);
  });

  it("has help for no code that doesn't exist", () => {
    expect(Object.keys(API_ERROR_HELP).sort()).toEqual([...codes].sort());
  });
});

describe("key-list columns", () => {
  const ids = apiKeyColumns.map((column) => column.id);

  it("every column has a unique id and a header", () => {
    for (const column of apiKeyColumns) {
      expect(column.id, "an id: the visibility and sort state name columns by it").toMatch(/^[a-z_]+$/);
      expect(column.header, `${column.id} has no header`).toBeDefined();
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("the sortable columns are exactly the list query's sort keys (the sorting happens in the database)", () => {
    const sortable = apiKeyColumns.filter((column) => column.enableSorting !== false).map((column) => column.id);
    expect([...sortable].sort()).toEqual([...KEY_SORTS].sort());
  });

  it("visibility names only existing columns", () => {
    const visibility = apiKeyColumnVisibility({ status: "active", showOwner: true, selectable: true });
    for (const id of Object.keys(visibility)) expect(ids, `apiKeyColumnVisibility names ${id}`).toContain(id);
  });
});
