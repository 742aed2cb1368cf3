import { z } from "zod";
import { API_ERROR_HELP, API_ERRORS, type ApiErrorCode } from "./errors";
import { API_ROUTES } from "./routes";
import { errorObjectSchema } from "./schemas";

const schema = (s: z.ZodType, io: "input" | "output") => z.toJSONSchema(s, { target: "draft-2020-12", io, unrepresentable: "any" });

/** OpenAPI 3.1, generated from the zod schemas the routes validate with. */
export function openApiDocument(origin: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) {
    const parameters: unknown[] = [];
    for (const [name, description] of Object.entries(route.pathParams ?? {})) {
      parameters.push({ name, in: "path", required: true, description, schema: { type: "string" } });
    }
    if (route.query) {
      for (const [name, field] of Object.entries(route.query.shape)) {
        const json = schema(field as z.ZodType, "input");
        parameters.push({ name, in: "query", required: false, description: json.description, schema: json });
      }
    }
    for (const [name, description] of Object.entries(route.headers ?? {})) {
      parameters.push({ name, in: "header", required: false, description, schema: { type: "string" } });
    }
    const responses: Record<string, unknown> = {
      [route.response.status]: { description: "Success", content: { "application/json": { schema: schema(route.response.schema, "output") } } },
    };
    const byStatus = new Map<number, ApiErrorCode[]>();
    for (const code of route.errors) byStatus.set(API_ERRORS[code].status, [...(byStatus.get(API_ERRORS[code].status) ?? []), code]);
    for (const [status, codes] of byStatus) {
      responses[status] = {
        description: codes.map((c) => `\`${c}\`: ${API_ERROR_HELP[c]}`).join("\n\n"),
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      };
    }
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      summary: route.summary,
      description: `${route.description}${route.permission ? `\n\nPermission: \`${route.permission}\`.` : ""}`,
      security: route.auth ? [{ bearerAuth: [] }] : [],
      parameters,
      ...(route.body
        ? { requestBody: { required: true, content: { "application/json": { schema: schema(route.body, "input"), example: route.bodyExample } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
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
