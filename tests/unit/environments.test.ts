import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENVIRONMENT_LABELS, ENVIRONMENTS } from "@/lib/domain/api-keys/schemas";
import { Environment } from "@/lib/generated/prisma/enums";

// One environment list, derived from the Prisma enum: no other file writes it out again.

const root = path.resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : sources(relative);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".test.ts") ? [relative] : [];
  });
}

describe("the environment list", () => {
  it("is the Prisma enum's, in its order, each with a label", () => {
    expect(ENVIRONMENTS).toEqual(Object.values(Environment));
    expect(Object.keys(ENVIRONMENT_LABELS).sort()).toEqual([...ENVIRONMENTS].sort());
  });

  it("is not written out as a list anywhere in app/, components/ or lib/", () => {
    // Two or more environment names in a row, as an array or a z.enum([...]).
    const listed = new RegExp(`["'](${ENVIRONMENTS.join("|")})["']\\s*,\\s*["'](${ENVIRONMENTS.join("|")})["']`);
    const offenders = ["app", "components", "lib"].flatMap(sources).filter((file) => listed.test(readFileSync(path.join(root, file), "utf8")));
    expect(offenders).toEqual([]);
  });
});
