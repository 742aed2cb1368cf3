import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineRoute, errorsOf, HTTP_METHODS, type DescribedEndpoint, type HttpMethod, type RouteDescription } from "@/lib/http/endpoint";
import { API, ENDPOINTS } from "@/lib/http/endpoints";
import { API_ERROR_HELP, API_ERRORS } from "@/lib/http/errors";
import { openApiDocument } from "@/lib/http/openapi";
import { descriptionOf, route, type RouteHandler } from "@/lib/http/route";
import { call, expectApiError, ORIGIN } from "@/tests/helpers/fixtures";
import { NEXT_AUTH_ROUTE, ROOT, routeFiles } from "@/tests/helpers/route-files";

// The endpoint descriptions (lib/http/endpoints.ts) against the route files on disk: every case
// below is generated from one or the other, so a new endpoint is checked without editing this file.

type RouteModule = Partial<Record<HttpMethod, RouteHandler>>;

const ROUTES: RouteDescription[] = Object.values(API);
const FILES = routeFiles().filter((route) => route.file !== NEXT_AUTH_ROUTE);

async function load(template: string): Promise<RouteModule> {
  const file = FILES.find((f) => f.template === template);
  if (!file) throw new Error(`no route file for ${template}`);
  return (await import(path.join(ROOT, file.file))) as RouteModule;
}

/** A request path for a template: a plausible value in each dynamic segment. */
function concrete(template: string): { path: string; params: Record<string, string | string[]> } {
  const params: Record<string, string | string[]> = {};
  const pathname = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    params[name] = name === "path" ? ["nothing-here"] : "cm0000000000000000000000";
    return name === "path" ? "nothing-here" : "cm0000000000000000000000";
  });
  return { path: pathname, params };
}

describe("route files and descriptions", () => {
  it("every route file under app/api has a description, and every description a route file", () => {
    const described = new Set(ROUTES.map((r) => r.path));
    const files = new Set(FILES.map((f) => f.template));
    expect([...files].filter((t) => !described.has(t)), "route files without a description").toEqual([]);
    expect([...described].filter((t) => !files.has(t)), "descriptions without a route file").toEqual([]);
  });

  it.each(FILES.map((f) => [f.template, f] as const))("%s exports all five methods, bound to its description", async (template) => {
    const routeModule = await load(template);
    const description = ROUTES.find((r) => r.path === template)!;
    for (const method of HTTP_METHODS) {
      const handler = routeModule[method];
      expect(handler, `${method} ${template}`).toBeTypeOf("function");
      const endpoint = descriptionOf(handler);
      if (description.methods[method]) expect(endpoint, `${method} ${template}`).toMatchObject({ method, path: template });
      else expect(endpoint, `${method} ${template} is not described`).toBeUndefined();
    }
  });
});

describe("answers every endpoint gets from the wrapper", () => {
  const authenticated = ENDPOINTS.filter((e) => e.auth);

  it("covers exactly the authenticated endpoints the route files serve", async () => {
    const served: string[] = [];
    for (const file of FILES) {
      const routeModule = await load(file.template);
      for (const method of HTTP_METHODS) {
        const endpoint = descriptionOf(routeModule[method]);
        if (endpoint?.auth) served.push(`${endpoint.method} ${endpoint.path}`);
      }
    }
    expect(served).not.toEqual([]);
    expect(authenticated.map((e) => `${e.method} ${e.path}`).sort()).toEqual(served.sort());
  });

  it.each(authenticated.map((e) => [`${e.method} ${e.path}`, e] as const))("%s refuses a request without a key: 401 missing_api_key", async (_name, endpoint) => {
    const handler = (await load(endpoint.path))[endpoint.method]!;
    const { path: pathname, params } = concrete(endpoint.path);
    const result = await call(handler, { method: endpoint.method, path: pathname, params, body: endpoint.bodyExample });
    expectApiError(result, 401, "authentication_error", "missing_api_key");
    expect(result.headers.get("www-authenticate")).toBe('Bearer realm="api"');
  });

  const undeclared = ROUTES.flatMap((r) => HTTP_METHODS.filter((m) => !r.methods[m]).map((method) => [`${method} ${r.path}`, r.path, method] as const));

  it.each(undeclared)("%s answers 405 method_not_allowed with Allow", async (_name, template, method) => {
    const description = ROUTES.find((r) => r.path === template)!;
    const { path: pathname, params } = concrete(template);
    const result = await call((await load(template))[method]!, { method, path: pathname, params });
    expectApiError(result, 405, "invalid_request_error", "method_not_allowed");
    expect(result.headers.get("allow")).toBe(HTTP_METHODS.filter((m) => description.methods[m]).join(", "));
  });
});

describe("the descriptions themselves", () => {
  it.each(ENDPOINTS.map((e) => [`${e.method} ${e.path}`, e] as const))("%s is complete", (_name, endpoint: DescribedEndpoint) => {
    for (const code of errorsOf(endpoint)) expect(API_ERRORS[code], code).toBeDefined();
    if (endpoint.body) expect(endpoint.body.safeParse(endpoint.bodyExample).success, "bodyExample parses").toBe(true);
    if (!endpoint.hidden) {
      expect(endpoint.curl, "a curl example").toContain("$ORIGIN");
      expect(endpoint.response.status).toBeGreaterThanOrEqual(200);
      expect(endpoint.response.status).toBeLessThan(300);
    }
  });

  it("and the error help use only the Markdown the docs page renders: code spans, balanced", () => {
    const texts = [...ENDPOINTS.flatMap((e) => [e.description, e.permissionNote ?? ""]), ...Object.values(API_ERROR_HELP)];
    for (const text of texts) {
      expect(text.split("`").length % 2, `unbalanced backticks in ${text}`).toBe(1);
      const prose = text.split("`").filter((_, i) => i % 2 === 0).join("");
      // Emphasis, links, headings, HTML: shown literally by the page, so not written.
      expect(prose, `Markdown outside code spans in ${text}`).not.toMatch(/[*[\]#<>]|(^|\s)_\S/);
    }
  });

  it("are what the OpenAPI document publishes, each with its errors by status", () => {
    type Operation = { security: unknown[]; responses: Record<string, unknown>; parameters: { name: string; in: string }[] };
    const document = openApiDocument(ORIGIN) as unknown as { paths: Record<string, Record<string, Operation>> };
    for (const endpoint of ENDPOINTS.filter((e) => !e.hidden)) {
      const operation = document.paths[endpoint.path]?.[endpoint.method.toLowerCase()];
      expect(operation, `${endpoint.method} ${endpoint.path}`).toBeDefined();
      expect(operation!.security).toEqual(endpoint.auth ? [{ bearerAuth: [] }] : []);
      const statuses = new Set([endpoint.response.status, ...errorsOf(endpoint).map((c) => API_ERRORS[c].status)].map(String));
      expect(new Set(Object.keys(operation!.responses))).toEqual(statuses);
      for (const name of Object.keys(endpoint.params?.shape ?? {})) expect(operation!.parameters).toContainEqual(expect.objectContaining({ name, in: "path" }));
    }
    const published = Object.entries(document.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(published.sort()).toEqual(ENDPOINTS.filter((e) => !e.hidden).map((e) => `${e.method} ${e.path}`).sort());
  });
});

describe("the response-schema check in call() can fail", () => {
  const broken = defineRoute("/api/v1/test-only", {
    GET: { summary: "x", description: "x", auth: false, response: { status: 200, schema: z.object({ ok: z.literal(true) }) }, errors: [] },
  });

  it("a success that doesn't match its schema fails the test that received it", async () => {
    const { GET } = route(broken, { GET: () => ({ ok: false }) as never });
    await expect(call(GET, { path: "/api/v1/test-only" })).rejects.toThrow(/doesn't match its response schema/);
    const { GET: fine } = route(broken, { GET: () => ({ ok: true }) as const });
    expect((await call(fine, { path: "/api/v1/test-only" })).json).toEqual({ ok: true });
  });
});

// Types: a handler per described method, and no other. `tsc` (npm run typecheck) checks these.
export const typeChecks = [
  // @ts-expect-error -- GET is described but has no handler
  () => route(API.usageEvents, { POST: () => ({}) as never }),
  // @ts-expect-error -- PUT is not described
  () => route(API.ping, { GET: () => ({ ok: true }) as const, PUT: () => ({ ok: true }) as const }),
  // @ts-expect-error -- the body must match the response schema
  () => route(API.ping, { GET: () => ({ ok: "yes" }) }),
  // @ts-expect-error -- params come typed from the description: there is no `slug`
  () => route(API.apiKey, { DELETE: ({ params }) => params.slug as never }),
];
