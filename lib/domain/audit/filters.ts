import { z } from "zod";

// The audit log's actor filter, shared by the API's query schema (lib/http/schemas.ts), the page's
// URL and lib/domain/audit/log.ts: a user id (their actions, including those made with their API keys),
// `api_key:<id>` (one key's actions) or `exposed_key_report` (keys revoked by a leak report).

export const EXPOSED_KEY_REPORT = "exposed_key_report";
export const API_KEY_ACTOR_PREFIX = "api_key:";

export const auditActorFilterSchema = z
  .string()
  .regex(/^(?:api_key:)?[A-Za-z0-9_-]{1,64}$/, "Use a user id, api_key:<key id>, or exposed_key_report.");
