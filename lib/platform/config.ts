import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseTrustProxy } from "@/lib/platform/trust-proxy.mjs";

// The app's configuration, read once and validated once; the rest of the app imports typed values
// from here. Read elsewhere, where their code needs them: Next's and next-auth's own variables
// (NEXT_PHASE in db/database.ts, NEXT_MANUAL_SIG_HANDLE in server-start.ts, NEXTAUTH_URL in
// lib/auth/cookies.ts, AUTH_TRUST_HOST set in lib/auth/options.ts) and two tuning knobs
// (API_AUTH_FAILURES_PER_MINUTE in auth-failures.ts, PAYGENTIC_TIMING_LOG in timing.ts).
const schema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgresql:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  DATA_DIR: z.string().trim().min(1).default(".data"),
  // PGlite reads `file://…` itself, by cutting the scheme off: lib/platform/db/lock.ts would lock a folder
  // named "file:" instead. One path, the same for the lock and for PGlite.
  PGLITE_DIR: z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (!value || value.startsWith("memory://")) return value || undefined;
      if (/^file:/i.test(value)) {
        try {
          return fileURLToPath(value);
        } catch {
          ctx.addIssue({ code: "custom", message: "PGLITE_DIR: a file: URL must name an absolute local path, e.g. file:///var/lib/paygentic" });
          return z.NEVER;
        }
      }
      if (/^[a-z][a-z0-9+.-]+:\/\//i.test(value)) {
        ctx.addIssue({ code: "custom", message: "PGLITE_DIR must be a folder, a file:// URL or memory://" });
        return z.NEVER;
      }
      return path.resolve(value);
    }),
  AUTH_SECRET: z.string().min(16, "AUTH_SECRET must be at least 16 characters").optional(),
  NEXTAUTH_SECRET: z.string().min(16, "NEXTAUTH_SECRET must be at least 16 characters").optional(),
  API_KEY_HASH_SECRET: z.string().optional(),
  SEED_DEMO_DATA: z.enum(["true", "false", "1", "0"]).optional(),
  ALLOW_SIGNUP: z.enum(["true", "false", "1", "0"], { message: "ALLOW_SIGNUP must be true or false" }).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  // Read by scripts/server.mjs, which resolves client addresses; checked here too so that a typo
  // fails every entry point the same way.
  TRUST_PROXY: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      try {
        parseTrustProxy(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
      }
    }),
});

export type Env = {
  databaseUrl: string | undefined;
  /** Where PGlite keeps its files ("memory://" for an in-memory database). */
  pgliteDir: string;
  dataDir: string;
  authSecret: string;
  apiKeyHashSecret: string | undefined;
  /** Demo data: seeded on the embedded database's first start unless SEED_DEMO_DATA says otherwise. */
  seedDemoData: "first-start" | "always" | "never";
  poolSize: number;
  /** Whether /signup lets anyone create an account and an organization (else joining is by invitation only). */
  allowSignup: boolean;
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

function truthy(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  return value === "true" || value === "1";
}

/**
 * The embedded default needs no configuration at all, so its auth secret is generated once and
 * kept beside the database: restarting must not sign everybody out. A shared PostgreSQL database
 * means several instances, which must agree on one secret: there we refuse to guess.
 */
function embeddedAuthSecret(dataDir: string): string {
  const file = path.join(dataDir, "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
  return secret;
}

export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  let authSecret = e.AUTH_SECRET ?? e.NEXTAUTH_SECRET;
  return {
    databaseUrl: e.DATABASE_URL,
    pgliteDir: e.PGLITE_DIR || path.join(dataDir, "pglite"),
    dataDir,
    // Read where it is used (signing sessions), so that tools that sign nothing, like
    // `npm run db:seed` against PostgreSQL, don't demand it.
    get authSecret() {
      if (authSecret) return authSecret;
      if (e.DATABASE_URL) {
        throw new ConfigError(
          "AUTH_SECRET is not set. With DATABASE_URL every instance must share one secret: " +
            "set AUTH_SECRET (or NEXTAUTH_SECRET) to a random string, e.g. `openssl rand -base64 32`.",
        );
      }
      authSecret = embeddedAuthSecret(dataDir);
      return authSecret;
    },
    apiKeyHashSecret: e.API_KEY_HASH_SECRET || undefined,
    seedDemoData:
      truthy(e.SEED_DEMO_DATA) === true ? "always" : truthy(e.SEED_DEMO_DATA) === false || e.DATABASE_URL ? "never" : "first-start",
    poolSize: e.DATABASE_POOL_SIZE,
    allowSignup: truthy(e.ALLOW_SIGNUP) ?? false,
  };
}

// A module-level memo, not part of lib/platform/runtime.ts: it is a pure function of process.env (every
// bundle's copy computes the same value), it holds no resource, and proxy.ts reads it without
// opening a database. The runtime takes its Env from here unless a test passes its own.
let cached: Env | undefined;

export function env(): Env {
  cached ??= readEnv();
  return cached;
}
