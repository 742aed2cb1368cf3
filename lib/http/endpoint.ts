import type { z } from "zod";
import type { Permission } from "@/lib/domain/permissions";
import type { ApiErrorCode } from "./errors";

// The shape of an endpoint's one description (lib/http/endpoints.ts). The wrapper
// (lib/http/route.ts), the OpenAPI document, the /docs/api page and the route tests all read
// it, so none of them keeps a list of its own.

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export type Endpoint = {
  summary: string;
  /** Markdown, code spans only (`like_this`): the docs page renders them. */
  description: string;
  /** A bearer key is required: the wrapper verifies it before anything else. */
  auth: boolean;
  /** Checked by the wrapper against the key's effective permissions. */
  permission?: Permission;
  /** When the handler checks more than `permission` (own key vs anyone's), in words for the docs. */
  permissionNote?: string;
  /** Path parameters; a value that fails them is the route's 404, not a 400. */
  params?: z.ZodObject;
  /** The answer when `params` fail (an id that can't be an id is simply not found). */
  notFound?: string;
  query?: z.ZodObject;
  /** Request headers the endpoint reads (names as documented; looked up case-insensitively). */
  headers?: z.ZodObject;
  body?: z.ZodType;
  /** A valid body: the OpenAPI example; the fuzz test varies it one field at a time. */
  bodyExample?: Record<string, unknown>;
  /** Requests per client address, checked before the body is read. */
  rateLimit?: { points: number; duration: number };
  response: { status: number; schema: z.ZodType; cacheControl?: string };
  /** The codes this endpoint's handler can answer; `errorsOf` adds the ones the wrapper can. */
  errors: readonly ApiErrorCode[];
  /** `$ORIGIN` stands for the server's origin. */
  curl?: string;
  /** Left out of the OpenAPI document and the docs page (the catch-all 404). */
  hidden?: boolean;
};

export type RouteDescription = {
  /** OpenAPI path template, `{name}` per dynamic segment: `app/<path with [name]>/route.ts`. */
  path: string;
  methods: Partial<Record<HttpMethod, Endpoint>>;
};

/** Keeps the literal types (auth: true, the schemas) that the handlers' context is derived from. */
export function defineRoute<const M extends Partial<Record<HttpMethod, Endpoint>>>(path: string, methods: M): { path: string; methods: M } {
  return { path, methods };
}

export const AUTH_ERRORS = [
  "missing_api_key",
  "malformed_api_key",
  "invalid_api_key",
  "revoked_api_key",
  "expired_api_key",
  "rate_limited",
  "service_unavailable",
] as const satisfies readonly ApiErrorCode[];

/** Every code an endpoint can answer: its handler's, plus those its declared checks imply. */
export function errorsOf(endpoint: Endpoint): ApiErrorCode[] {
  const codes = new Set<ApiErrorCode>(endpoint.auth ? AUTH_ERRORS : []);
  if (endpoint.permission) codes.add("insufficient_permissions");
  if (endpoint.params && endpoint.notFound) codes.add("resource_missing");
  if (endpoint.query || endpoint.headers || endpoint.body) codes.add("invalid_request");
  if (endpoint.body) codes.add("request_too_large");
  if (endpoint.rateLimit) codes.add("rate_limited");
  for (const code of endpoint.errors) codes.add(code);
  return [...codes];
}

export type DescribedEndpoint = Endpoint & { method: HttpMethod; path: string };

/** The descriptions as a flat list, in declaration order. */
export function flatten(routes: Record<string, RouteDescription>): DescribedEndpoint[] {
  return Object.values(routes).flatMap((route) =>
    HTTP_METHODS.flatMap((method) => {
      const endpoint = route.methods[method];
      return endpoint ? [{ ...endpoint, method, path: route.path }] : [];
    }),
  );
}
