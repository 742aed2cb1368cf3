import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// Every server action is built by lib/actions/define-action.ts, which reads untrusted input,
// checks membership and permission and maps errors once. An action written by hand (an exported
// async function in a "use server" file) would skip all of it: this test names it.

const root = path.resolve(import.meta.dirname, "../..");
const KIT = new Set(["defineAction", "defineFormAction"]);
/** Exports allowed to be something else, and why. Empty: every action goes through the kit. */
const EXCEPTIONS = new Set<string>([]);

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(relative);
    return /\.tsx?$/.test(entry.name) ? [relative] : [];
  });
}

const isUseServer = (source: ts.SourceFile) =>
  source.statements.some((s) => ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression) && s.expression.text === "use server");

const exported = (node: ts.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

/** The exports of a "use server" module that are not built with the kit, as "name (what it is)". */
function handWrittenActions(code: string, file = "actions.ts"): string[] {
  const source = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  for (const statement of source.statements) {
    if (ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) continue;
    if (ts.isExportDeclaration(statement)) {
      if (!statement.isTypeOnly) found.push(`export { … } (${statement.getText().slice(0, 60)})`);
      continue;
    }
    if (ts.isExportAssignment(statement)) {
      found.push("export default");
      continue;
    }
    if (!exported(statement)) continue;
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const name = declaration.name.getText();
        const init = declaration.initializer;
        const kit = init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && KIT.has(init.expression.text);
        if (!kit && !EXCEPTIONS.has(name)) found.push(`${name} (not defineAction/defineFormAction)`);
      }
      continue;
    }
    const name = (statement as { name?: ts.Node }).name?.getText() ?? ts.SyntaxKind[statement.kind];
    if (!EXCEPTIONS.has(name)) found.push(`${name} (${ts.SyntaxKind[statement.kind]})`);
  }
  return found;
}

const modules = ["app", "components"]
  .flatMap(sourceFiles)
  .map((file) => ({ file, source: ts.createSourceFile(file, readFileSync(path.join(root, file), "utf8"), ts.ScriptTarget.Latest, true) }))
  .filter(({ source }) => isUseServer(source));

describe("server actions", () => {
  it("finds the action modules (an empty list would pass anything)", () => {
    expect(modules.map((m) => m.file)).toEqual(
      expect.arrayContaining([
        "app/(dashboard)/[slug]/settings/api-keys/actions.ts",
        "app/(dashboard)/[slug]/settings/members/actions.ts",
        "app/(dashboard)/[slug]/settings/members/invitation-actions.ts",
        "app/account/actions.ts",
        "app/invite/[token]/actions.ts",
        "app/login/actions.ts",
        "app/signup/actions.ts",
        "components/app-shell/organization-actions.ts",
      ]),
    );
  });

  it("are all built with defineAction or defineFormAction", () => {
    const offenders = modules.flatMap(({ file, source }) => handWrittenActions(source.getFullText(), file).map((what) => `${file}: ${what}`));
    expect(offenders).toEqual([]);
  });

  it("the check names a hand-written action, and lets kit-built ones and types through", () => {
    const code = `"use server";
      export type R = { ok: true };
      export const good: A = defineAction({ label: "x", access: "public", fallback: "f" }, async () => 1);
      export const form = defineFormAction({ label: "y", access: "public", fallback: "f", fields: () => ({}) }, async () => 1);
      export async function bad(input: unknown) { return input; }
      export const wrapped = measured("w", async () => 1);
      export { helper };`;
    expect(handWrittenActions(code)).toEqual(["bad (FunctionDeclaration)", "wrapped (not defineAction/defineFormAction)", "export { … } (export { helper };)"]);
  });

  it("in every action module, exports something (a module with only types isn't an action module)", () => {
    for (const { file, source } of modules) {
      const kitBuilt = source.statements.filter((s) => ts.isVariableStatement(s) && exported(s));
      expect(kitBuilt.length, file).toBeGreaterThan(0);
    }
  });
});
