import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, readEnv } from "@/lib/platform/config";

describe("configuration", () => {
  it("the embedded default generates one auth secret and keeps it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "paygentic-env-"));
    const first = readEnv({ DATA_DIR: dir });
    const second = readEnv({ DATA_DIR: dir });
    expect(first.authSecret).toHaveLength(43);
    expect(second.authSecret).toBe(first.authSecret);
    expect(readFileSync(path.join(dir, "auth-secret"), "utf8").trim()).toBe(first.authSecret);
    expect(statSync(path.join(dir, "auth-secret")).mode & 0o777).toBe(0o600);
    expect(first.seedDemoData).toBe("first-start");
    expect(first.pgliteDir).toBe(path.join(dir, "pglite"));
  });

  it("with DATABASE_URL a missing AUTH_SECRET is a clear error where a secret is needed, and only there", () => {
    // `npm run db:seed` and `db:migrate` sign nothing: they read the configuration without a secret.
    const withoutSecret = readEnv({ DATABASE_URL: "postgresql://db/x" });
    expect(withoutSecret.databaseUrl).toBe("postgresql://db/x");
    expect(withoutSecret.seedDemoData).toBe("never");
    expect(() => withoutSecret.authSecret).toThrow(ConfigError);
    expect(() => withoutSecret.authSecret).toThrow(/AUTH_SECRET is not set/);
    const env = readEnv({ DATABASE_URL: "postgresql://db/x", NEXTAUTH_SECRET: "s".repeat(32) });
    expect(env.authSecret).toBe("s".repeat(32));
    expect(env.seedDemoData).toBe("never");
  });

  it("rejects a DATABASE_URL that isn't PostgreSQL and a short secret", () => {
    expect(() => readEnv({ DATABASE_URL: "mysql://x", AUTH_SECRET: "s".repeat(32) })).toThrow(/postgresql/);
    expect(() => readEnv({ AUTH_SECRET: "short" })).toThrow(/at least 16/);
  });
});
