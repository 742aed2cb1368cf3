import { describe, expect, it } from "vitest";
import { asDatabaseUnavailable, DATABASE_UNAVAILABLE_DIGEST, DatabaseUnavailableError, errorMessage, isDatabaseUnavailable } from "@/lib/platform/db/errors";

describe("errorMessage (what the logs print for anything thrown)", () => {
  it("never prints [object Object] or nothing", () => {
    const cases: unknown[] = [
      // What PGlite's file system throws for a folder it can't open (a symlinked data folder did).
      Object.assign(Object.create({ name: "ErrnoError" }), { name: "ErrnoError", errno: 44 }),
      { code: "ENOENT" },
      {},
      Object.assign(new Error(""), { code: "ECONNREFUSED" }),
      new AggregateError([Object.assign(new Error("connect ECONNREFUSED ::1:5432"), { code: "ECONNREFUSED" })], ""),
      undefined,
      null,
      "plain string",
    ];
    for (const error of cases) {
      const message = errorMessage(error);
      expect(message, String(message)).not.toMatch(/\[object Object\]/);
      expect(message.length).toBeGreaterThan(0);
    }
  });

  it("says what each one was", () => {
    expect(errorMessage({ name: "ErrnoError", errno: 44 })).toBe("ErrnoError (errno 44)");
    expect(errorMessage(new Error("boom"))).toBe("boom");
    expect(errorMessage(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }))).toBe("connect ECONNREFUSED 127.0.0.1:1");
    expect(errorMessage(Object.assign(new Error("Can't reach database server"), { code: "P1001" }))).toBe("Can't reach database server (P1001)");
    expect(errorMessage({ message: "not an Error", code: "X1" })).toBe("not an Error (X1)");
    expect(errorMessage(new AggregateError([new Error("connect ECONNREFUSED ::1:5432"), new Error("connect ECONNREFUSED 127.0.0.1:5432")], ""))).toBe(
      "connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432",
    );
    expect(errorMessage({ status: 1 })).toBe('{"status":1}');
    expect(errorMessage(42)).toBe("42");
  });
});

describe("DatabaseUnavailableError ('couldn't check')", () => {
  it("is recognised as an outage, also after Next has serialised it to its digest, and wraps an outage once", () => {
    const error = new DatabaseUnavailableError();
    expect(error.digest).toBe(DATABASE_UNAVAILABLE_DIGEST);
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("An error occurred in the Server Components render."), { digest: DATABASE_UNAVAILABLE_DIGEST }))).toBe(true);
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    const wrapped = asDatabaseUnavailable(refused);
    expect(wrapped).toBeInstanceOf(DatabaseUnavailableError);
    expect((wrapped as Error).cause).toBe(refused);
    expect(asDatabaseUnavailable(wrapped)).toBe(wrapped);
    const bug = new TypeError("x is undefined");
    expect(asDatabaseUnavailable(bug)).toBe(bug);
  });
});
