import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/platform/db/client";
import { DEFAULT_MIGRATIONS_DIR, MigrationError, migrate, readMigrations } from "../../../src/platform/db/migrate";
import { createTestDatabase, onPostgres, type TestDatabase } from "../../support/db";

const open: TestDatabase[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});
async function fresh(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrate: false });
  open.push(db);
  return db;
}

describe("migration runner", () => {
  it("applies every migration on a fresh database and records it the way Prisma does", async () => {
    const db = await fresh();
    const files = readMigrations();
    const report = await migrate(db.sql);
    expect(report.applied).toEqual(files.map((f) => f.name));
    const rows = await db.sql.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    expect(rows.every((r) => r.finished_at !== null && r.applied_steps_count === 1)).toBe(true);
    expect(rows.map((r) => r.checksum)).toEqual(files.map((f) => f.checksum));
    // the schema is usable through Prisma right away
    const org = await db.prisma.organization.create({ data: { name: "Acme", kind: "PARTNER", partnerType: "TECHNOLOGY" } });
    expect(org.id).toBeTruthy();
  });

  it("is idempotent: a second run applies nothing and keeps data", async () => {
    const db = await fresh();
    await migrate(db.sql);
    await db.prisma.organization.create({ data: { name: "Keep me", kind: "INTERNAL" } });
    const second = await migrate(db.sql);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied.length).toBe(readMigrations().length);
    expect(await db.prisma.organization.count()).toBe(1);
  });

  it("refuses to start when an applied migration's file has changed", async () => {
    const db = await fresh();
    await migrate(db.sql);
    const dir = mkdtempSync(path.join(tmpdir(), "cosell-mig-"));
    cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const first = readMigrations(dir)[0]!;
    const file = path.join(dir, first.name, "migration.sql");
    writeFileSync(file, `${readFileSync(file, "utf8")}\n-- edited after the fact\n`);
    await expect(migrate(db.sql, readMigrations(dir))).rejects.toThrow(MigrationError);
    await expect(migrate(db.sql, readMigrations(dir))).rejects.toThrow(/was changed after it was applied/);
  });

  it("applies a new migration once and rolls a failing one back entirely", async () => {
    const db = await fresh();
    const base = readMigrations();
    await migrate(db.sql, base);
    const good = { name: "99990101000000_add_table", sql: `CREATE TABLE "Extra" (id int primary key);`, checksum: "a".repeat(64) };
    const bad = { name: "99990102000000_broken", sql: `CREATE TABLE "Half" (id int); SELECT * FROM no_such_table;`, checksum: "b".repeat(64) };
    expect((await migrate(db.sql, [...base, good])).applied).toEqual([good.name]);
    await expect(migrate(db.sql, [...base, good, bad])).rejects.toThrow(/rolled back/);
    const tables = await db.sql.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('Extra', 'Half')`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(["Extra"]);
    const names = await db.sql.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations"`);
    expect(names.map((n) => n.migration_name)).not.toContain(bad.name);
  });

  it("two starts at once apply each migration exactly once", async () => {
    const db = await fresh();
    // On Postgres: two separate connection pools (two sessions) against one database.
    const other = onPostgres ? await openDatabase({ databaseUrl: db.url, poolSize: 2 }) : db;
    try {
      const [a, b] = await Promise.all([migrate(db.sql), migrate(other.sql)]);
      const total = readMigrations().length;
      expect(a.applied.length + b.applied.length).toBe(total);
      const rows = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
      expect(rows[0]!.n).toBe(total);
    } finally {
      if (other !== db) await other.close();
    }
  });

  it.runIf(onPostgres)("two processes running `npm run db:migrate` at once apply each migration once", async () => {
    const db = await fresh();
    const run = promisify(execFile);
    const env = { ...process.env, DATABASE_URL: db.url };
    const script = path.resolve("scripts/migrate.ts");
    const tsx = path.resolve("node_modules/.bin/tsx");
    const [a, b] = await Promise.all([run(tsx, [script], { env }), run(tsx, [script], { env })]);
    const out = a.stdout + b.stdout;
    const total = readMigrations().length;
    expect(out.match(/applied 1 migration|applied \d+ migration/g)?.length).toBe(1);
    const rows = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    expect(rows[0]!.n).toBe(total);
  });
});
