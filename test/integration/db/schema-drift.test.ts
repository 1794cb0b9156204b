import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db";

// Fails when prisma/schema.prisma (as compiled into the generated client) and the SQL
// migrations disagree: every model field must be a column of the right kind, and no
// migrated column may be missing from the schema.

interface Field {
  name: string;
  kind: "scalar" | "enum" | "object";
  type: string;
  dbName?: string | null;
}
interface Model {
  fields: Field[];
  dbName: string | null;
}

function runtimeDataModel(): Record<string, Model> {
  const src = readFileSync("src/generated/prisma/internal/class.ts", "utf8");
  const m = src.match(/config\.runtimeDataModel = JSON\.parse\((".*?")\)\n/);
  if (!m) throw new Error("runtimeDataModel not found in the generated client; run npm run db:generate");
  return (JSON.parse(JSON.parse(m[1]!)) as { models: Record<string, Model> }).models;
}

const EXPECTED_TYPE: Record<string, string[]> = {
  String: ["text"],
  Int: ["integer"],
  BigInt: ["bigint"],
  Boolean: ["boolean"],
  DateTime: ["timestamp without time zone", "date"],
  Json: ["jsonb"],
};

describe("schema.prisma and the migrations agree", () => {
  let db: TestDatabase;
  let columns: Map<string, Map<string, { data_type: string; udt_name: string }>>;
  beforeAll(async () => {
    db = await createTestDatabase();
    const rows = await db.sql.query<{ table_name: string; column_name: string; data_type: string; udt_name: string }>(
      `SELECT table_name, column_name, data_type, udt_name FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    columns = new Map();
    for (const r of rows) {
      if (!columns.has(r.table_name)) columns.set(r.table_name, new Map());
      columns.get(r.table_name)!.set(r.column_name, r);
    }
  });
  afterAll(async () => {
    await db.close();
  });

  it("has a table with a matching column for every model field", () => {
    const problems: string[] = [];
    for (const [name, model] of Object.entries(runtimeDataModel())) {
      const table = columns.get(model.dbName ?? name);
      if (!table) {
        problems.push(`table ${name} is missing`);
        continue;
      }
      for (const f of model.fields.filter((x) => x.kind !== "object")) {
        const col = table.get(f.dbName ?? f.name);
        if (!col) {
          problems.push(`${name}.${f.name} has no column`);
          continue;
        }
        if (col.data_type === "ARRAY") continue; // lists: element type checked by udt_name below
        const ok = f.kind === "enum" ? col.data_type === "USER-DEFINED" && col.udt_name === f.type : (EXPECTED_TYPE[f.type] ?? []).includes(col.data_type);
        if (!ok) problems.push(`${name}.${f.name}: schema says ${f.type}, database has ${col.data_type}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("has no migrated table or column the schema does not know", () => {
    const models = runtimeDataModel();
    const known = new Map(
      Object.entries(models).map(([n, m]) => [m.dbName ?? n, new Set(m.fields.filter((f) => f.kind !== "object").map((f) => f.dbName ?? f.name))]),
    );
    const extra: string[] = [];
    for (const [table, cols] of columns) {
      const fields = known.get(table);
      if (!fields) {
        extra.push(`table ${table}`);
        continue;
      }
      for (const c of cols.keys()) if (!fields.has(c)) extra.push(`${table}.${c}`);
    }
    expect(extra).toEqual([]);
  });
});
