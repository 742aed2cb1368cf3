import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sql } from "@/lib/platform/db/database";
import { closeDatabase, db, ensureDatabase, sql } from "@/lib/platform/runtime";
import { parseSchema, readSchema, schemaPath, type Model, type PrismaSchema, type ReferentialAction } from "@/tests/helpers/schema-parser";

// ---------------------------------------------------------------------------------------------
// What the database actually has (current schema only).

type DbColumn = { table: string; column: string; dataType: string; udtName: string; nullable: boolean; precision: number | null };
type DbIndex = {
  table: string;
  name: string;
  primary: boolean;
  unique: boolean;
  method: string;
  partial: boolean;
  keyColumns: number;
  columns: (string | null)[];
  /** Each column's operator class, null where it is the type's default. */
  opclasses: (string | null)[];
  desc: boolean[];
  nullsFirst: boolean[];
};
type DbForeignKey = { table: string; name: string; columns: string[]; refTable: string; refColumns: string[]; onDelete: string; onUpdate: string };
type DbSchema = { tables: string[]; columns: DbColumn[]; enums: Map<string, string[]>; indexes: DbIndex[]; foreignKeys: DbForeignKey[] };

async function introspect(q: Sql): Promise<DbSchema> {
  const tables = await q.query<{ table: string }>(
    `SELECT table_name::text AS "table" FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
  );
  const columns = await q.query<{ table: string; column: string; data_type: string; udt_name: string; is_nullable: string; precision: number | null }>(
    `SELECT table_name::text AS "table", column_name::text AS "column", data_type::text, udt_name::text,
            is_nullable::text, datetime_precision::int AS precision
     FROM information_schema.columns WHERE table_schema = current_schema()
     ORDER BY table_name, ordinal_position`,
  );
  const enums = await q.query<{ name: string; values: string[] }>(
    `SELECT t.typname::text AS name, json_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS "values"
     FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
     WHERE t.typnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
     GROUP BY t.typname`,
  );
  // indoption bit 0 = DESC, bit 1 = NULLS FIRST; int2vector subscripts start at 0.
  const indexes = await q.query<DbIndex>(
    `SELECT t.relname::text AS "table", i.relname::text AS name, x.indisprimary AS "primary", x.indisunique AS "unique",
            am.amname::text AS method, x.indpred IS NOT NULL AS partial, x.indnkeyatts::int AS "keyColumns",
            json_agg(a.attname::text ORDER BY k.ord) AS columns,
            json_agg(CASE WHEN opc.opcdefault THEN NULL ELSE opc.opcname::text END ORDER BY k.ord) AS opclasses,
            json_agg((x.indoption[k.ord - 1] & 1) = 1 ORDER BY k.ord) AS "desc",
            json_agg((x.indoption[k.ord - 1] & 2) = 2 ORDER BY k.ord) AS "nullsFirst"
     FROM pg_index x
     JOIN pg_class i ON i.oid = x.indexrelid
     JOIN pg_class t ON t.oid = x.indrelid
     JOIN pg_am am ON am.oid = i.relam
     CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
     LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum > 0
     LEFT JOIN pg_opclass opc ON opc.oid = x.indclass[k.ord - 1]
     WHERE t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
     GROUP BY t.relname, i.relname, x.indisprimary, x.indisunique, am.amname, x.indpred IS NOT NULL, x.indnkeyatts`,
  );
  const foreignKeys = await q.query<DbForeignKey>(
    `SELECT t.relname::text AS "table", c.conname::text AS name,
            (SELECT json_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns,
            r.relname::text AS "refTable",
            (SELECT json_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS "refColumns",
            c.confdeltype::text AS "onDelete", c.confupdtype::text AS "onUpdate"
     FROM pg_constraint c
     JOIN pg_class t ON t.oid = c.conrelid
     JOIN pg_class r ON r.oid = c.confrelid
     WHERE c.contype = 'f' AND t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())`,
  );
  return {
    tables: tables.map((t) => t.table),
    columns: columns.map((c) => ({
      table: c.table,
      column: c.column,
      dataType: c.data_type,
      udtName: c.udt_name,
      nullable: c.is_nullable === "YES",
      precision: c.precision,
    })),
    enums: new Map(enums.map((e) => [e.name, e.values])),
    indexes,
    foreignKeys,
  };
}

// ---------------------------------------------------------------------------------------------
// Schema vs. database: a list of differences, empty when they agree.

const POSTGRES_TYPES: Record<string, { dataType: string; udtName: string; precision?: number }> = {
  String: { dataType: "text", udtName: "text" },
  Int: { dataType: "integer", udtName: "int4" },
  BigInt: { dataType: "bigint", udtName: "int8" },
  Boolean: { dataType: "boolean", udtName: "bool" },
  DateTime: { dataType: "timestamp without time zone", udtName: "timestamp", precision: 3 },
  Json: { dataType: "jsonb", udtName: "jsonb" },
};

const PG_ACTIONS: Record<ReferentialAction, string> = { Cascade: "c", Restrict: "r", NoAction: "a", SetNull: "n", SetDefault: "d" };

function describeIndex(i: { kind: string; columns: { column: string | null; sort: string }[] }): string {
  return `${i.kind}(${i.columns.map((c) => `${c.column ?? "<expression>"}${c.sort === "Desc" ? " DESC" : ""}`).join(", ")})`;
}

function compareSchema(schema: PrismaSchema, database: DbSchema): string[] {
  const diffs: string[] = [];
  const modelTables = new Set(schema.models.map((m) => m.table));

  // Enums: both directions, values in order.
  for (const e of schema.enums) {
    const values = database.enums.get(e.name);
    if (!values) diffs.push(`enum ${e.name}: missing in database`);
    else if (JSON.stringify(values) !== JSON.stringify(e.values)) {
      diffs.push(`enum ${e.name}: database has [${values.join(", ")}], schema has [${e.values.join(", ")}]`);
    }
  }
  for (const name of database.enums.keys()) {
    if (!schema.enums.some((e) => e.name === name)) diffs.push(`enum ${name}: in database, not in schema`);
  }

  for (const model of schema.models) {
    if (!database.tables.includes(model.table)) {
      diffs.push(`${model.table}: table missing`);
      continue;
    }
    // Columns: both directions.
    const columns = database.columns.filter((c) => c.table === model.table);
    for (const field of model.fields) {
      const where = `${model.table}.${field.column}`;
      const column = columns.find((c) => c.column === field.column);
      if (!column) {
        diffs.push(`${where}: column missing`);
        continue;
      }
      const base = field.isEnum ? { dataType: "USER-DEFINED", udtName: field.type } : POSTGRES_TYPES[field.type];
      if (!base) {
        diffs.push(`${where}: Prisma type ${field.type} is not checked by this test`);
        continue;
      }
      const expected = field.list ? { dataType: "ARRAY", udtName: `_${base.udtName}` } : base;
      const actual = `${column.dataType} (${column.udtName})`;
      if (column.dataType !== expected.dataType || column.udtName !== expected.udtName) {
        diffs.push(`${where}: type ${actual}, schema implies ${expected.dataType} (${expected.udtName})`);
      }
      if (!field.list && "precision" in base && base.precision !== undefined && column.precision !== base.precision) {
        diffs.push(`${where}: precision ${column.precision}, schema implies ${base.precision}`);
      }
      const nullable = field.optional;
      if (column.nullable !== nullable) {
        diffs.push(`${where}: ${column.nullable ? "nullable" : "NOT NULL"}, schema says ${nullable ? "optional" : "required"}`);
      }
    }
    for (const column of columns) {
      if (!model.fields.some((f) => f.column === column.column)) diffs.push(`${model.table}.${column.column}: column not in schema`);
    }

    // Indexes: both directions, with kind, column order and sort direction.
    const actualIndexes = database.indexes.filter((i) => i.table === model.table);
    for (const index of model.indexes) {
      const actual = actualIndexes.find((i) => i.name === index.name);
      if (!actual) {
        diffs.push(`${model.table}: index ${index.name} ${describeIndex(index)} missing`);
        continue;
      }
      const actualKind = actual.primary ? "primary" : actual.unique ? "unique" : "index";
      const actualShape = describeIndex({
        kind: actualKind,
        columns: actual.columns.map((column, n) => ({ column, sort: actual.desc[n] ? "Desc" : "Asc" })),
      });
      if (actualShape !== describeIndex(index)) {
        diffs.push(`${model.table}: index ${index.name} is ${actualShape}, schema implies ${describeIndex(index)}`);
      }
      if (actual.method !== index.method) diffs.push(`${model.table}: index ${index.name} uses ${actual.method}, not ${index.method}`);
      const ops = index.columns.map((c) => c.ops ?? null);
      if (JSON.stringify(actual.opclasses) !== JSON.stringify(ops)) {
        diffs.push(`${model.table}: index ${index.name} has operator classes ${JSON.stringify(actual.opclasses)}, schema says ${JSON.stringify(ops)}`);
      }
      if (actual.partial) diffs.push(`${model.table}: index ${index.name} is partial`);
      if (actual.keyColumns !== actual.columns.length) diffs.push(`${model.table}: index ${index.name} has INCLUDE columns`);
      // Prisma leaves NULLS ordering at the default: NULLS FIRST exactly for DESC columns.
      actual.nullsFirst.forEach((nullsFirst, n) => {
        if (nullsFirst !== actual.desc[n]) diffs.push(`${model.table}: index ${index.name} column ${n + 1} has non-default NULLS ordering`);
      });
    }
    for (const actual of actualIndexes) {
      if (!model.indexes.some((i) => i.name === actual.name)) {
        const kind = actual.primary ? "primary" : actual.unique ? "unique" : "index";
        const shape = describeIndex({ kind, columns: actual.columns.map((column, n) => ({ column, sort: actual.desc[n] ? "Desc" : "Asc" })) });
        diffs.push(`${model.table}: index ${actual.name} ${shape} not in schema`);
      }
    }

    // Foreign keys: both directions, with referenced columns and actions.
    const actualKeys = database.foreignKeys.filter((k) => k.table === model.table);
    for (const relation of model.relations) {
      const actual = actualKeys.find((k) => k.name === relation.constraint);
      const what = `${model.table}: foreign key ${relation.constraint} (${model.name}.${relation.field})`;
      if (!actual) {
        diffs.push(`${what} missing`);
        continue;
      }
      const expectedShape = `(${relation.columns.join(", ")}) -> ${relation.referencedTable}(${relation.referencedColumns.join(", ")})`;
      const actualShape = `(${actual.columns.join(", ")}) -> ${actual.refTable}(${actual.refColumns.join(", ")})`;
      if (actualShape !== expectedShape) diffs.push(`${what} is ${actualShape}, schema implies ${expectedShape}`);
      if (actual.onDelete !== PG_ACTIONS[relation.onDelete]) {
        diffs.push(`${what}: ON DELETE '${actual.onDelete}', schema says ${relation.onDelete} ('${PG_ACTIONS[relation.onDelete]}')`);
      }
      if (actual.onUpdate !== PG_ACTIONS[relation.onUpdate]) {
        diffs.push(`${what}: ON UPDATE '${actual.onUpdate}', schema says ${relation.onUpdate} ('${PG_ACTIONS[relation.onUpdate]}')`);
      }
    }
    for (const actual of actualKeys) {
      if (!model.relations.some((r) => r.constraint === actual.name)) {
        diffs.push(`${model.table}: foreign key ${actual.name} not in schema`);
      } else if (!modelTables.has(actual.refTable)) {
        diffs.push(`${model.table}: foreign key ${actual.name} references non-model table ${actual.refTable}`);
      }
    }
  }
  return diffs;
}

// ---------------------------------------------------------------------------------------------

/** Models ordered so every referenced model comes before the models pointing at it. */
function parentsFirst(models: Model[]): Model[] {
  const ordered: Model[] = [];
  const visiting = new Set<string>();
  const visit = (model: Model) => {
    if (ordered.includes(model)) return;
    if (visiting.has(model.name)) throw new Error(`relation cycle through ${model.name}: order the round-trip by hand`);
    visiting.add(model.name);
    for (const r of model.relations) if (r.model !== model.name) visit(models.find((m) => m.name === r.model)!);
    visiting.delete(model.name);
    ordered.push(model);
  };
  models.forEach(visit);
  return ordered;
}

type Delegate = {
  create(args: { data: Record<string, unknown> }): Promise<Record<string, unknown>>;
  findUniqueOrThrow(args: { where: Record<string, unknown> }): Promise<Record<string, unknown>>;
  deleteMany(args: { where: Record<string, unknown> }): Promise<unknown>;
};

function delegate(model: string): Delegate {
  const client = db() as unknown as Record<string, Delegate | undefined>;
  const d = client[model[0]!.toLowerCase() + model.slice(1)];
  if (!d) throw new Error(`Prisma client has no delegate for ${model}`);
  return d;
}

const schemaText = readFileSync(schemaPath(), "utf8");
const schema = readSchema();
let database: DbSchema;

beforeAll(async () => {
  await ensureDatabase();
  database = await introspect(sql());
});

afterAll(async () => {
  await closeDatabase();
});

describe("schema.prisma and the migrations agree", () => {
  it("parses the schema into the models and enums it declares", () => {
    expect(schema.models.map((m) => m.name)).toEqual(["User", "Organization", "Membership", "ApiKey", "AuditEvent", "UsageEvent", "ApiKeyRequestsMinute", "ApiKeyRequestsDay", "ApiKeyRequestsFlush", "Invitation", "Session", "RateLimit"]);
    expect(schema.enums.map((e) => e.name)).toEqual(["Role", "Environment"]);
    // Spot checks that the parser reads what the schema says (the comparisons below rely on it).
    const apiKey = schema.models.find((m) => m.name === "ApiKey")!;
    expect(apiKey.fields.find((f) => f.name === "description")).toMatchObject({ type: "String", optional: true, list: false, isEnum: false });
    expect(apiKey.fields.find((f) => f.name === "environment")).toMatchObject({ type: "Environment", optional: false, isEnum: true });
    expect(apiKey.fields.some((f) => f.name === "revokedBy" || f.name === "usageEvents")).toBe(false);
    expect(apiKey.indexes).toContainEqual({
      name: "ApiKey_name_trgm_idx",
      kind: "index",
      method: "gin",
      columns: [{ column: "name", sort: "Asc", ops: "gin_trgm_ops" }],
    });
    expect(apiKey.indexes).toContainEqual({
      name: "ApiKey_organizationId_userId_createdAt_id_idx",
      kind: "index",
      method: "btree",
      columns: [
        { column: "organizationId", sort: "Asc" },
        { column: "userId", sort: "Asc" },
        { column: "createdAt", sort: "Desc" },
        { column: "id", sort: "Desc" },
      ],
    });
    expect(apiKey.relations.find((r) => r.field === "revokedBy")).toMatchObject({
      model: "User",
      columns: ["revokedById"],
      onDelete: "SetNull",
      constraint: "ApiKey_revokedById_fkey",
    });
  });

  it("every model has a table whose columns match the scalar fields (types, nullability, both directions)", () => {
    const diffs = compareSchema(schema, database);
    expect(diffs.filter((d) => /column|type|precision|nullable|NOT NULL|table missing/.test(d))).toEqual([]);
  });

  it("enum types have exactly the schema's values, in order", () => {
    expect(compareSchema(schema, database).filter((d) => d.startsWith("enum "))).toEqual([]);
    for (const e of schema.enums) expect(database.enums.get(e.name)).toEqual(e.values);
  });

  it("each model's table has exactly the indexes the schema implies (names, columns, order, DESC, uniqueness)", () => {
    expect(compareSchema(schema, database).filter((d) => d.includes(" index "))).toEqual([]);
    const count = schema.models.reduce((n, m) => n + m.indexes.length, 0);
    const tables = new Set(schema.models.map((m) => m.table));
    expect(database.indexes.filter((i) => tables.has(i.table))).toHaveLength(count);
  });

  it("each relation has a foreign key with the schema's onDelete action", () => {
    expect(compareSchema(schema, database).filter((d) => d.includes("foreign key"))).toEqual([]);
    const relations = schema.models.flatMap((m) => m.relations);
    expect(relations.length).toBeGreaterThan(0);
    expect(new Set(relations.map((r) => r.onDelete))).toEqual(new Set(["Cascade", "SetNull"]));
  });

  it("has no differences at all", () => {
    expect(compareSchema(schema, database)).toEqual([]);
  });

  it("reports differences for a schema that does not match the database (the comparison can fail)", () => {
    const modified = schemaText
      .replace("  revokeReason      String?\n", "  revokeReason      String?\n  extraNote         String?\n  name2             Int\n")
      .replace("  @@index([revokedById])\n", "  @@index([revokedById])\n  @@index([prefix, last4(sort: Desc)])\n  @@unique([organizationId, name])\n")
      .replace("  ip             String?\n", "  ip             Int?\n")
      .replace("  passwordHash String\n", "")
      .replace("  viewer\n", "  viewer\n  billing\n")
      .replace(
        "apiKey       ApiKey?      @relation(fields: [apiKeyId], references: [id], onDelete: SetNull)",
        "apiKey       ApiKey?      @relation(fields: [apiKeyId], references: [id], onDelete: Cascade)",
      )
      .replace("  @@index([actorUserId])\n", "  @@index([actorUserId(sort: Desc)])\n")
      .replace("  requestHash    String?\n", "  requestHash    String\n");
    expect(modified).not.toBe(schemaText);
    const diffs = compareSchema(parseSchema(modified), database);
    expect(diffs).toEqual(
      expect.arrayContaining([
        "ApiKey.extraNote: column missing",
        "ApiKey.name2: column missing",
        "ApiKey: index ApiKey_prefix_last4_idx index(prefix, last4 DESC) missing",
        "ApiKey: index ApiKey_organizationId_name_key unique(organizationId, name) missing",
        "AuditEvent.ip: type text (text), schema implies integer (int4)",
        "User.passwordHash: column not in schema",
        "enum Role: database has [owner, admin, developer, viewer], schema has [owner, admin, developer, viewer, billing]",
        "UsageEvent: foreign key UsageEvent_apiKeyId_fkey (UsageEvent.apiKey): ON DELETE 'n', schema says Cascade ('c')",
        "AuditEvent: index AuditEvent_actorUserId_idx is index(actorUserId), schema implies index(actorUserId DESC)",
        "UsageEvent.requestHash: nullable, schema says required",
      ]),
    );
    expect(diffs).toHaveLength(10);
    // And the reverse direction: the database has an index and a foreign key the schema lacks.
    const withoutIndex = parseSchema(
      schemaText
        .replace("  @@index([userId])\n", "")
        .replace("  organization Organization @relation(fields: [organizationId], references: [id], onDelete: Cascade)\n  user         User         @relation(fields: [userId]", "  user         User         @relation(fields: [userId]")
        .replace("  memberships Membership[]\n  apiKeys     ApiKey[]\n", "  apiKeys     ApiKey[]\n"),
    );
    expect(compareSchema(withoutIndex, database)).toEqual([
      "Membership: index Membership_userId_idx index(userId) not in schema",
      "Membership: foreign key Membership_organizationId_fkey not in schema",
    ]);
  });

  it("the parser throws on syntax it does not understand", () => {
    expect(() => parseSchema(schemaText.replace("  name         String\n", "  name         String @db.VarChar(200)\n"))).toThrow(/unsupported field attribute @db.VarChar/);
    expect(() => parseSchema(schemaText.replace("  @@index([userId])\n", "  @@index([userId], type: Hash)\n"))).toThrow(/unsupported index type Hash/);
    expect(() => parseSchema(schemaText.replace("  @@index([userId])\n", "  @@index([userId(ops: Int4BloomOps)])\n"))).toThrow(/unsupported ops Int4BloomOps/);
    expect(() => parseSchema(schemaText.replace("  @@index([userId])\n", "  @@index([userId(length: 10)])\n"))).toThrow(/unsupported argument length/);
    expect(() => parseSchema(schemaText.replace("  @@index([userId])\n", "  @@fulltext([userId])\n"))).toThrow(/unsupported block attribute @@fulltext/);
    expect(() => parseSchema(schemaText + "\nview Foo {\n  id String\n}\n")).toThrow(/expected "model/);
    expect(() => parseSchema(schemaText.replace("  livemode       Boolean\n", "  livemode       Bool\n"))).toThrow(/unknown type Bool/);
    expect(() => parseSchema(schemaText.replace("  viewer\n", "  viewer @map(\"v\")\n"))).toThrow(/unsupported enum value/);
  });

  it("round-trips a row of every model through Prisma with every scalar field set", async () => {
    const suffix = randomBytes(6).toString("hex");
    const enums = new Map(schema.enums.map((e) => [e.name, e.values]));
    const created = new Map<string, Record<string, unknown>>();
    const order = parentsFirst(schema.models);
    expect(order.map((m) => m.name)).toEqual(["User", "Organization", "Membership", "ApiKey", "AuditEvent", "UsageEvent", "ApiKeyRequestsMinute", "ApiKeyRequestsDay", "ApiKeyRequestsFlush", "Invitation", "Session", "RateLimit"]);
    try {
      for (const [n, model] of order.entries()) {
        const data: Record<string, unknown> = {};
        for (const [i, field] of model.fields.entries()) {
          const relation = model.relations.find((r) => r.fields.includes(field.name));
          let value: unknown;
          if (relation && relation.model === model.name) {
            // A self-relation (ApiKey.rolledTo): the row points at itself (its id field comes first).
            value = data[relation.references[relation.fields.indexOf(field.name)]!];
          } else if (relation) {
            const parent = created.get(relation.model);
            if (!parent) throw new Error(`${model.name}.${field.name}: parent ${relation.model} not created yet`);
            value = parent[relation.references[relation.fields.indexOf(field.name)]!];
          } else if (field.isEnum) {
            const values = enums.get(field.type)!;
            value = values[values.length - 1]; // not the first value, so a default can't hide a lost write
          } else {
            switch (field.type) {
              case "String":
                value = `rt-${model.name}-${field.name}-${suffix}`;
                break;
              case "Int":
                value = 2_000_000_000 + n * 100 + i; // near the int4 limit
                break;
              case "BigInt":
                value = 9_000_000_000_000n + BigInt(n * 100 + i); // beyond int4
                break;
              case "Boolean":
                value = true;
                break;
              case "DateTime":
                // Milliseconds survive timestamp(3); a distinct instant per field catches swapped columns.
                value = new Date(Date.UTC(2031, 4, 6, 7, 8, 9, 123) + n * 86_400_000 + i * 1_001);
                break;
              case "Json":
                value = { suffix, n: 1.5, nested: { list: [true, null, "x", 2] }, unicode: "é✓" };
                break;
              default:
                throw new Error(`${model.name}.${field.name}: no round-trip value for type ${field.type}`);
            }
          }
          if (field.list) throw new Error(`${model.name}.${field.name}: list fields are not covered by the round-trip`);
          data[field.name] = value;
        }
        await delegate(model.name).create({ data });
        created.set(model.name, data);
        const id = model.indexes.find((x) => x.kind === "primary")!;
        // One id field, or a compound id Prisma names by joining its fields ({apiKeyId_minute: {…}}).
        const idFields = id.columns.map((c) => model.fields.find((f) => f.column === c.column)!.name);
        const where =
          idFields.length === 1
            ? { [idFields[0]!]: data[idFields[0]!] }
            : { [idFields.join("_")]: Object.fromEntries(idFields.map((f) => [f, data[f]])) };
        const read = await delegate(model.name).findUniqueOrThrow({ where });
        expect(Object.keys(read).sort(), `${model.name}: fields read back`).toEqual(model.fields.map((f) => f.name).sort());
        for (const field of model.fields) {
          const expected = data[field.name];
          const actual = read[field.name];
          expect(expected, `${model.name}.${field.name}: test value`).not.toBeNull();
          if (expected instanceof Date) {
            expect(actual, `${model.name}.${field.name}`).toBeInstanceOf(Date);
            expect((actual as Date).toISOString(), `${model.name}.${field.name}`).toBe(expected.toISOString());
          } else {
            expect(actual, `${model.name}.${field.name}`).toEqual(expected);
          }
        }
      }
      // The raw column values agree too (e.g. timestamps stored as UTC wall-clock time).
      const apiKey = created.get("ApiKey")!;
      const [raw] = await sql().query<{ expires: string }>(`SELECT to_char("expiresAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS expires FROM "ApiKey" WHERE id = $1`, [apiKey.id]);
      expect(raw!.expires + "Z").toBe((apiKey.expiresAt as Date).toISOString());
    } finally {
      // Deleting the parents cascades to every child row created above.
      const user = created.get("User");
      const organization = created.get("Organization");
      if (organization) await delegate("Organization").deleteMany({ where: { id: organization.id } });
      if (user) await delegate("User").deleteMany({ where: { id: user.id } });
    }
    const [left] = await sql().query<{ n: number }>(`SELECT count(*)::int AS n FROM "UsageEvent" WHERE metric = $1`, [`rt-UsageEvent-metric-${suffix}`]);
    expect(left!.n).toBe(0);
  });
});
