import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * A deliberately small parser for prisma/schema.prisma: enough to derive the tables, columns,
 * enums, indexes and foreign keys Prisma would create for this project's schema. Anything it
 * does not understand (native types, composite types, views, unknown attributes or arguments)
 * throws, so a schema change the tests cannot check is noticed instead of silently skipped.
 */

export type ReferentialAction = "Cascade" | "Restrict" | "NoAction" | "SetNull" | "SetDefault";

export type ScalarField = {
  name: string;
  /** Database column name (`@map`, else the field name). */
  column: string;
  /** Prisma type: String, Int, ... or an enum's name. */
  type: string;
  optional: boolean;
  list: boolean;
  isEnum: boolean;
  /** Names of the field's attributes, e.g. ["@id", "@default"]. */
  attributes: string[];
};

export type Relation = {
  /** The relation field on this model, e.g. "organization". */
  field: string;
  /** The referenced model. */
  model: string;
  fields: string[];
  columns: string[];
  references: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
  /** Foreign-key constraint name, e.g. "Membership_userId_fkey". */
  constraint: string;
};

/** `ops`: an operator class given as `ops: raw("…")` (e.g. gin_trgm_ops); absent for the default. */
export type IndexColumn = { column: string; sort: "Asc" | "Desc"; ops?: string };

export type IndexSpec = {
  /** Index (or constraint) name as Prisma names it, or its `map:`. */
  name: string;
  kind: "primary" | "unique" | "index";
  /** The access method: `type: Gin` on an @@index, else btree. */
  method: "btree" | "gin";
  columns: IndexColumn[];
};

export type Model = {
  name: string;
  /** Database table name (`@@map`, else the model name). */
  table: string;
  fields: ScalarField[];
  relations: Relation[];
  indexes: IndexSpec[];
};

export type EnumDef = { name: string; values: string[] };

export type PrismaSchema = { models: Model[]; enums: EnumDef[] };

export const SCALAR_TYPES = ["String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes"];
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const POSTGRES_MAX_IDENTIFIER = 63;

export function schemaPath(): string {
  return path.join(process.cwd(), "prisma", "schema.prisma");
}

export function readSchema(file = schemaPath()): PrismaSchema {
  return parseSchema(readFileSync(file, "utf8"));
}

class SchemaSyntaxError extends Error {
  override name = "SchemaSyntaxError";
}

function fail(line: number, message: string): never {
  throw new SchemaSyntaxError(`schema.prisma line ${line}: ${message}`);
}

/** Removes `//` and `///` comments (outside string literals). */
function stripComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "/" && line[i + 1] === "/") return line.slice(0, i);
  }
  if (inString) throw new SchemaSyntaxError(`unterminated string in: ${line}`);
  return line;
}

/** Splits on `sep` at nesting depth 0 (outside (), [], {} and strings). */
function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === sep && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
    if (depth < 0) throw new SchemaSyntaxError(`unbalanced brackets in: ${text}`);
  }
  if (depth !== 0 || inString) throw new SchemaSyntaxError(`unbalanced brackets in: ${text}`);
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

type Attribute = { name: string; args: Args };
type Args = { positional: string[]; named: Map<string, string> };

/** Parses `@a @b(x, y: z) @@c([...])` into attributes; anything else throws. */
function parseAttributes(text: string, line: number): Attribute[] {
  const attributes: Attribute[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    const head = /^@@?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?/.exec(text.slice(i));
    if (!head) fail(line, `expected an attribute at "${text.slice(i)}"`);
    i += head[0].length;
    let argsText: string | undefined;
    if (text[i] === "(") {
      const end = matchingParen(text, i, line);
      argsText = text.slice(i + 1, end);
      i = end + 1;
    }
    attributes.push({ name: head[0], args: parseArgs(argsText ?? "", line) });
  }
  return attributes;
}

function matchingParen(text: string, open: number, line: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  fail(line, `unbalanced parentheses in "${text}"`);
}

function parseArgs(text: string, line: number): Args {
  const args: Args = { positional: [], named: new Map() };
  if (text.trim() === "") return args;
  for (const part of splitTopLevel(text, ",")) {
    const named = /^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([\s\S]+)$/.exec(part);
    if (named) {
      if (args.named.has(named[1]!)) fail(line, `argument ${named[1]} given twice`);
      args.named.set(named[1]!, named[2]!.trim());
    } else if (part === "") fail(line, `empty argument in "${text}"`);
    else args.positional.push(part);
  }
  return args;
}

function parseString(value: string, line: number): string {
  const m = /^"((?:[^"\\]|\\.)*)"$/.exec(value);
  if (!m) fail(line, `expected a string, got ${value}`);
  return JSON.parse(`"${m[1]}"`) as string;
}

/** `[a, b(sort: Desc), c(ops: raw("gin_trgm_ops"))]` → field references with sort order and operator class. */
function parseFieldList(value: string, line: number): { field: string; sort: "Asc" | "Desc"; ops?: string }[] {
  const m = /^\[([\s\S]*)\]$/.exec(value.trim());
  if (!m) fail(line, `expected a list of fields, got ${value}`);
  if (m[1]!.trim() === "") fail(line, "empty field list");
  return splitTopLevel(m[1]!, ",").map((item) => {
    const call = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(([\s\S]*)\))?$/.exec(item);
    if (!call) fail(line, `cannot parse field reference ${item}`);
    const args = parseArgs(call[2] ?? "", line);
    const sort = sortArg(args, line, ["sort", "ops"]);
    const ops = args.named.get("ops");
    if (ops === undefined) return { field: call[1]!, sort };
    const raw = /^raw\(([\s\S]*)\)$/.exec(ops);
    if (!raw) fail(line, `unsupported ops ${ops}: only raw("…") is understood`);
    return { field: call[1]!, sort, ops: parseString(raw[1]!.trim(), line) };
  });
}

function sortArg(args: Args, line: number, allowed: string[]): "Asc" | "Desc" {
  for (const key of args.named.keys()) if (!allowed.includes(key)) fail(line, `unsupported argument ${key}`);
  if (args.positional.length > 0) fail(line, `unexpected positional argument ${args.positional[0]}`);
  const sort = args.named.get("sort") ?? "Asc";
  if (sort !== "Asc" && sort !== "Desc") fail(line, `unsupported sort ${sort}`);
  return sort;
}

function onlyArgs(attribute: Attribute, line: number, named: string[], maxPositional: number): void {
  for (const key of attribute.args.named.keys()) {
    if (!named.includes(key)) fail(line, `unsupported argument ${key} in ${attribute.name}`);
  }
  if (attribute.args.positional.length > maxPositional) {
    fail(line, `unexpected argument ${attribute.args.positional[maxPositional]} in ${attribute.name}`);
  }
}

const ACTIONS: ReferentialAction[] = ["Cascade", "Restrict", "NoAction", "SetNull", "SetDefault"];

function parseAction(value: string | undefined, line: number): ReferentialAction | undefined {
  if (value === undefined) return undefined;
  if (!(ACTIONS as string[]).includes(value)) fail(line, `unknown referential action ${value}`);
  return value as ReferentialAction;
}

type RawField = { name: string; type: string; optional: boolean; list: boolean; attributes: Attribute[]; line: number };
type RawBlock = { kind: "model" | "enum"; name: string; line: number; fields: RawField[]; blockAttributes: { attribute: Attribute; line: number }[]; values: string[] };

function tokenize(text: string): RawBlock[] {
  const blocks: RawBlock[] = [];
  const lines = text.split(/\r?\n/);
  let current: RawBlock | "config" | undefined;
  lines.forEach((raw, index) => {
    const line = index + 1;
    const content = stripComment(raw).trim();
    if (content === "") return;
    if (current === undefined) {
      const open = /^(model|enum|generator|datasource)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{$/.exec(content);
      if (!open) fail(line, `expected "model|enum|generator|datasource Name {", got "${content}"`);
      if (open[1] === "generator" || open[1] === "datasource") current = "config";
      else {
        current = { kind: open[1] as "model" | "enum", name: open[2]!, line, fields: [], blockAttributes: [], values: [] };
        blocks.push(current);
      }
      return;
    }
    if (content === "}") {
      current = undefined;
      return;
    }
    if (content.includes("{") || content.includes("}")) fail(line, `unexpected brace in "${content}"`);
    if (current === "config") {
      // Generator/datasource settings do not affect the database schema.
      if (!/^[A-Za-z_][A-Za-z0-9_]*\s*=/.test(content)) fail(line, `expected "key = value", got "${content}"`);
      return;
    }
    if (content.startsWith("@@")) {
      for (const attribute of parseAttributes(content, line)) current.blockAttributes.push({ attribute, line });
      return;
    }
    if (current.kind === "enum") {
      if (!IDENT.test(content)) fail(line, `unsupported enum value syntax "${content}"`);
      current.values.push(content);
      return;
    }
    const field = /^([A-Za-z_][A-Za-z0-9_]*)\s+([A-Za-z_][A-Za-z0-9_]*)(\?|\[\])?(?=\s|$)(.*)$/.exec(content);
    if (!field) fail(line, `cannot parse field "${content}"`);
    current.fields.push({
      name: field[1]!,
      type: field[2]!,
      optional: field[3] === "?",
      list: field[3] === "[]",
      attributes: parseAttributes(field[4]!, line),
      line,
    });
  });
  if (current !== undefined) throw new SchemaSyntaxError("schema.prisma: unterminated block at end of file");
  return blocks;
}

function checkName(name: string, line: number): string {
  if (name.length > POSTGRES_MAX_IDENTIFIER) {
    fail(line, `generated name ${name} is longer than 63 characters; Prisma's truncation is not implemented here`);
  }
  return name;
}

export function parseSchema(text: string): PrismaSchema {
  const blocks = tokenize(text);
  const names = new Map<string, RawBlock>();
  for (const block of blocks) {
    if (names.has(block.name)) fail(block.line, `${block.name} is defined twice`);
    if (SCALAR_TYPES.includes(block.name)) fail(block.line, `${block.name} shadows a scalar type`);
    names.set(block.name, block);
  }

  const enums: EnumDef[] = blocks
    .filter((b) => b.kind === "enum")
    .map((b) => {
      if (b.blockAttributes.length > 0) fail(b.blockAttributes[0]!.line, `unsupported enum attribute ${b.blockAttributes[0]!.attribute.name}`);
      if (b.values.length === 0) fail(b.line, `enum ${b.name} has no values`);
      if (new Set(b.values).size !== b.values.length) fail(b.line, `enum ${b.name} has a duplicate value`);
      return { name: b.name, values: b.values };
    });
  const enumNames = new Set(enums.map((e) => e.name));
  const modelBlocks = blocks.filter((b) => b.kind === "model");

  // First pass: tables and columns, so relations can resolve the referenced model's columns.
  const tables = new Map<string, { table: string; fields: ScalarField[] }>();
  for (const block of modelBlocks) {
    let table = block.name;
    for (const { attribute, line } of block.blockAttributes) {
      if (attribute.name === "@@map") {
        onlyArgs(attribute, line, ["name"], 1);
        table = parseString(attribute.args.positional[0] ?? attribute.args.named.get("name") ?? "", line);
      }
    }
    const fields: ScalarField[] = [];
    const seen = new Set<string>();
    for (const raw of block.fields) {
      if (seen.has(raw.name)) fail(raw.line, `field ${raw.name} defined twice`);
      seen.add(raw.name);
      if (names.get(raw.type)?.kind === "model") continue; // relation field: no column
      if (!SCALAR_TYPES.includes(raw.type) && !enumNames.has(raw.type)) fail(raw.line, `unknown type ${raw.type}`);
      let column = raw.name;
      for (const attribute of raw.attributes) {
        switch (attribute.name) {
          case "@map":
            onlyArgs(attribute, raw.line, ["name"], 1);
            column = parseString(attribute.args.positional[0] ?? attribute.args.named.get("name") ?? "", raw.line);
            break;
          case "@id":
          case "@unique":
            onlyArgs(attribute, raw.line, ["map", "sort"], 0);
            sortArg({ positional: [], named: new Map([...attribute.args.named].filter(([k]) => k === "sort")) }, raw.line, ["sort"]);
            break;
          case "@default":
            onlyArgs(attribute, raw.line, ["map"], 1);
            break;
          case "@updatedAt":
            onlyArgs(attribute, raw.line, [], 0);
            break;
          case "@relation":
            fail(raw.line, `@relation on non-relation field ${raw.name}`);
            break;
          default:
            // Includes native types (@db.VarChar(…)), @ignore, … : not understood, so not checked.
            fail(raw.line, `unsupported field attribute ${attribute.name}`);
        }
      }
      fields.push({
        name: raw.name,
        column,
        type: raw.type,
        optional: raw.optional,
        list: raw.list,
        isEnum: enumNames.has(raw.type),
        attributes: raw.attributes.map((a) => a.name),
      });
    }
    tables.set(block.name, { table, fields });
  }

  const models: Model[] = modelBlocks.map((block) => {
    const { table, fields } = tables.get(block.name)!;
    const columnOf = (field: string, line: number, model = block.name): string => {
      const f = tables.get(model)!.fields.find((x) => x.name === field);
      if (!f) fail(line, `${model} has no scalar field ${field}`);
      return f.column;
    };
    const indexes: IndexSpec[] = [];
    const relations: Relation[] = [];

    for (const raw of block.fields) {
      const target = names.get(raw.type);
      if (target?.kind === "model") {
        if (raw.attributes.some((a) => a.name !== "@relation")) fail(raw.line, `unsupported attribute on relation field ${raw.name}`);
        const relation = raw.attributes.find((a) => a.name === "@relation");
        if (!relation || !relation.args.named.has("fields")) {
          if (relation) onlyArgs(relation, raw.line, ["name"], 1);
          if (!raw.list && !raw.optional && !relation) fail(raw.line, `relation field ${raw.name} needs fields/references`);
          continue; // the other side holds the foreign key
        }
        onlyArgs(relation, raw.line, ["name", "fields", "references", "onDelete", "onUpdate", "map"], 1);
        if (raw.list) fail(raw.line, `list relation field ${raw.name} cannot hold fields`);
        const fkFields = parseFieldList(relation.args.named.get("fields")!, raw.line).map((f) => f.field);
        const refs = relation.args.named.get("references");
        if (!refs) fail(raw.line, `relation ${raw.name} has fields but no references`);
        const references = parseFieldList(refs, raw.line).map((f) => f.field);
        if (fkFields.length !== references.length) fail(raw.line, `fields and references differ in length`);
        const columns = fkFields.map((f) => columnOf(f, raw.line));
        const anyRequired = fkFields.some((f) => !fields.find((x) => x.name === f)!.optional);
        const map = relation.args.named.get("map");
        relations.push({
          field: raw.name,
          model: raw.type,
          fields: fkFields,
          columns,
          references,
          referencedTable: tables.get(raw.type)!.table,
          referencedColumns: references.map((r) => columnOf(r, raw.line, raw.type)),
          // Prisma's defaults: Restrict for required relations, SetNull for optional ones; onUpdate Cascade.
          onDelete: parseAction(relation.args.named.get("onDelete"), raw.line) ?? (anyRequired ? "Restrict" : "SetNull"),
          onUpdate: parseAction(relation.args.named.get("onUpdate"), raw.line) ?? "Cascade",
          constraint: map ? parseString(map, raw.line) : checkName(`${table}_${columns.join("_")}_fkey`, raw.line),
        });
        continue;
      }
      for (const attribute of raw.attributes) {
        if (attribute.name !== "@id" && attribute.name !== "@unique") continue;
        const column = columnOf(raw.name, raw.line);
        const sort = (attribute.args.named.get("sort") ?? "Asc") as "Asc" | "Desc";
        const map = attribute.args.named.get("map");
        const primary = attribute.name === "@id";
        indexes.push({
          name: map ? parseString(map, raw.line) : checkName(primary ? `${table}_pkey` : `${table}_${column}_key`, raw.line),
          kind: primary ? "primary" : "unique",
          method: "btree",
          columns: [{ column, sort }],
        });
      }
    }

    for (const { attribute, line } of block.blockAttributes) {
      switch (attribute.name) {
        case "@@map":
          break;
        case "@@id":
        case "@@unique":
        case "@@index": {
          onlyArgs(attribute, line, attribute.name === "@@index" ? ["fields", "map", "type"] : ["fields", "map", "name"], 1);
          const list = attribute.args.positional[0] ?? attribute.args.named.get("fields");
          if (!list) fail(line, `${attribute.name} without fields`);
          const columns = parseFieldList(list, line).map((f) => ({ column: columnOf(f.field, line), sort: f.sort, ...(f.ops ? { ops: f.ops } : {}) }));
          const type = attribute.args.named.get("type") ?? "BTree";
          if (type !== "BTree" && type !== "Gin") fail(line, `unsupported index type ${type}`);
          const kind = attribute.name === "@@id" ? "primary" : attribute.name === "@@unique" ? "unique" : "index";
          const map = attribute.args.named.get("map");
          const joined = columns.map((c) => c.column).join("_");
          const generated = kind === "primary" ? `${table}_pkey` : `${table}_${joined}_${kind === "unique" ? "key" : "idx"}`;
          indexes.push({ name: map ? parseString(map, line) : checkName(generated, line), kind, method: type === "Gin" ? "gin" : "btree", columns });
          break;
        }
        default:
          fail(line, `unsupported block attribute ${attribute.name}`);
      }
    }

    const primaries = indexes.filter((i) => i.kind === "primary");
    if (primaries.length !== 1) fail(block.line, `model ${block.name} needs exactly one @id or @@id (has ${primaries.length})`);
    const indexNames = indexes.map((i) => i.name);
    if (new Set(indexNames).size !== indexNames.length) fail(block.line, `model ${block.name} has two indexes with one name`);
    return { name: block.name, table, fields, relations, indexes };
  });

  return { models, enums };
}
