import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Prisma } from "@/lib/generated/prisma/client";
import { DOMAIN_ERRORS, fromDomainError, toErrorResponse } from "@/lib/http/error-mapper";
import { ApiError } from "@/lib/http/errors";

// Every error class lib throws must have an answer in the one mapper: a route calling
// lib/domain/members must never answer a MemberError as a 500.

const root = path.resolve(import.meta.dirname, "../..");
const SCANNED = ["lib/domain", "lib/auth", "lib/platform"];
const silent = { info: () => {}, error: () => {} };

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".test.ts") ? [relative] : [];
  });
}

const declared = SCANNED.flatMap(sourceFiles).flatMap((file) =>
  [...readFileSync(path.join(root, file), "utf8").matchAll(/\bclass (\w+) extends Error\b/g)].map((match) => ({ file, name: match[1]! })),
);

/** Instances of `type`, one per code the mapper lists (constructors differ; the mapper reads only fields). */
function instances(type: abstract new (...args: never[]) => Error, codes: readonly (string | undefined)[]): Error[] {
  return codes.map((code) => Object.assign(Object.create(type.prototype) as Error, { message: "A message from lib.", code, field: "starting_after", details: {} }));
}

function answer(error: unknown): string {
  const mapped = fromDomainError(error);
  return mapped instanceof ApiError ? mapped.code : "internal_error";
}

describe("the error mapper", () => {
  it("finds the error classes of lib/domain, lib/auth and lib/platform", () => {
    // The scan itself can't silently find nothing.
    expect(declared.map((d) => d.name)).toEqual(expect.arrayContaining(["ApiKeyError", "MemberError", "InvitationError", "AccountError", "OrganizationError", "InvalidCursorError", "DatabaseUnavailableError"]));
  });

  it.each(declared)("maps every code of $name ($file) to an answer other than internal_error", async ({ file, name }) => {
    const exports = (await import(/* @vite-ignore */ path.join(root, file))) as Record<string, unknown>;
    const type = exports[name] as (abstract new (...args: never[]) => Error) | undefined;
    expect(type, `${name} must be exported from ${file} so the mapper can import it`).toBeTypeOf("function");
    const entry = DOMAIN_ERRORS.find((mapping) => mapping.type === type);
    expect(entry, `${name} has no row in DOMAIN_ERRORS (lib/http/error-mapper.ts)`).toBeDefined();
    for (const error of instances(type!, entry!.codes ?? [undefined])) {
      expect(answer(error), `${name} code ${(error as { code?: string }).code}`).not.toBe("internal_error");
      expect(toErrorResponse(error, "req_test", "", silent).status).not.toBe(500);
    }
  });

  it("answers an unmapped class as internal_error (the check above can fail)", () => {
    class UnmappedError extends Error {}
    expect(answer(new UnmappedError("boom"))).toBe("internal_error");
    expect(toErrorResponse(new UnmappedError("boom"), "req_test", "", silent).status).toBe(500);
  });

  it("maps Prisma's not-found and unique-violation errors", () => {
    const known = (code: string) => new Prisma.PrismaClientKnownRequestError("x", { code, clientVersion: "7" });
    expect(answer(known("P2025"))).toBe("resource_missing");
    expect(answer(known("P2002"))).toBe("invalid_request");
    expect(answer(known("P2003"))).toBe("internal_error");
  });

  it("logs an unknown error through the logger, control characters escaped", () => {
    const lines: string[] = [];
    const response = toErrorResponse(new Error("bad\nline\u001b[31m"), "req_x", "", { info: () => {}, error: (line) => lines.push(line) });
    expect(response.status).toBe(500);
    expect(lines).toEqual(["[api] req_x unhandled error: bad\\nline\\u001b[31m"]);
  });
});
