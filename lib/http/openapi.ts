import { z } from "zod";
import { API_ERROR_HELP, API_ERRORS, type ApiErrorCode } from "./errors";
import { errorsOf } from "./endpoint";
import { ENDPOINTS } from "./endpoints";
import { errorObjectSchema } from "./schemas";

const schema = (s: z.ZodType, io: "input" | "output") => z.toJSONSchema(s, { target: "draft-2020-12", io, unrepresentable: "any" });

function parameters(where: "path" | "query" | "header", object: z.ZodObject | undefined): unknown[] {
  return Object.entries(object?.shape ?? {}).map(([name, field]) => {
    const json = schema(field as z.ZodType, "input");
    // A catch-all's array is one path segment run in OpenAPI's terms.
    const value = where === "path" && json.type === "array" ? { type: "string" } : json;
    return { name, in: where, required: where === "path", description: json.description, schema: value };
  });
}

/** OpenAPI 3.1, generated from the endpoint descriptions the routes are bound to. */
export function openApiDocument(origin: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const endpoint of ENDPOINTS) {
    if (endpoint.hidden) continue;
    const responses: Record<string, unknown> = {
      [endpoint.response.status]: {
        description: "Success",
        content: { "application/json": { schema: schema(endpoint.response.schema, "output") } },
      },
    };
    const byStatus = new Map<number, ApiErrorCode[]>();
    for (const code of errorsOf(endpoint)) byStatus.set(API_ERRORS[code].status, [...(byStatus.get(API_ERRORS[code].status) ?? []), code]);
    for (const [status, codes] of byStatus) {
      responses[status] = {
        description: codes.map((c) => `\`${c}\`: ${API_ERROR_HELP[c]}`).join("\n\n"),
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      };
    }
    const permission = endpoint.permissionNote ?? (endpoint.permission ? `\`${endpoint.permission}\`` : undefined);
    const limit = endpoint.rateLimit ? `${endpoint.rateLimit.points} requests per ${endpoint.rateLimit.duration} s per client address` : undefined;
    paths[endpoint.path] ??= {};
    paths[endpoint.path]![endpoint.method.toLowerCase()] = {
      summary: endpoint.summary,
      description: [endpoint.description, permission && `Permission: ${permission}.`, limit && `Rate limit: ${limit}.`].filter(Boolean).join("\n\n"),
      security: endpoint.auth ? [{ bearerAuth: [] }] : [],
      parameters: [...parameters("path", endpoint.params), ...parameters("query", endpoint.query), ...parameters("header", endpoint.headers)],
      ...(endpoint.body
        ? { requestBody: { required: true, content: { "application/json": { schema: schema(endpoint.body, "input"), example: endpoint.bodyExample } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0" as const,
    info: {
      title: "Paygentic API",
      version: "1",
      description: `Authenticate with an API key from Settings → API Keys: \`Authorization: Bearer sk_live_…\`. Human-readable reference: ${origin}/docs/api`,
    },
    servers: [{ url: origin }],
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "sk_live_… or sk_test_… key" } },
      schemas: { Error: schema(errorObjectSchema, "output") },
    },
    paths,
  };
}
