import { readdirSync } from "node:fs";
import path from "node:path";

// The route files under app/api, found on disk, each with its path in the descriptions' template
// form (`[id]` → `{id}`, `[...path]` → `{path}`): tests derive their cases from these, so a new
// route is covered without editing them.

export const ROOT = path.resolve(import.meta.dirname, "../..");

export type Segment = { kind: "static"; value: string } | { kind: "param" | "catchAll"; name: string };
export type RouteFile = { file: string; template: string; segments: Segment[] };

export function routeFiles(dir = path.join(ROOT, "app/api")): RouteFile[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    if (!/^route\.(ts|tsx|js)$/.test(entry.name)) return [];
    const parts = path.relative(path.join(ROOT, "app"), dir).split(path.sep);
    const segments: Segment[] = parts.map((part) => {
      const match = /^\[(\.\.\.)?(.+)\]$/.exec(part);
      if (!match) return { kind: "static", value: part };
      return { kind: match[1] ? "catchAll" : "param", name: match[2]! };
    });
    const template = `/${segments.map((s) => (s.kind === "static" ? s.value : `{${s.name}}`)).join("/")}`;
    return [{ file: path.relative(ROOT, full), template, segments }];
  });
}

// next-auth's handler: NextAuth owns its routes and their answers (HTML pages, redirects), and
// reads cookies() through Next's request scope, which only a running server provides; the sign-in
// flow is exercised over HTTP by e2e/auth.spec.ts.
export const NEXT_AUTH_ROUTE = "app/api/auth/[...nextauth]/route.ts";
