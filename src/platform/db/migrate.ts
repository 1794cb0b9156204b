import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SqlDriver } from "./client";

/**
 * The project's prisma/migrations: the nearest one above this module, so that it is found from
 * the sources (src/platform/db) and from the production build (dist/) alike.
 */
function findMigrationsDir(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "prisma", "migrations");
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return path.resolve(from, "../../../prisma/migrations");
  }
}

export const DEFAULT_MIGRATIONS_DIR = findMigrationsDir(path.dirname(fileURLToPath(import.meta.url)));
// Arbitrary constant: every cosell process takes this advisory lock while migrating.
const MIGRATION_LOCK_KEY = 7_042_019;

export class MigrationError extends Error {}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

/** Migration folders in name order (Prisma names them <timestamp>_<name>). */
export function readMigrations(dir = DEFAULT_MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory())
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      // Prisma's checksum: sha256 of the script, hex.
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

// The same table `prisma migrate deploy` creates and reads.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies pending migrations in order, each once, each in its own transaction, recording
 * them in _prisma_migrations. A session-level advisory lock makes concurrent starts safe:
 * the second process waits, then finds everything applied.
 */
export async function migrate(sql: SqlDriver, migrations = readMigrations()): Promise<MigrationReport> {
  return sql.session(async (s) => {
    await s.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await s.exec(CREATE_MIGRATIONS_TABLE);
      const rows = await s.query<AppliedRow>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
      );
      const applied = new Map(rows.map((r) => [r.migration_name, r]));
      const report: MigrationReport = { applied: [], alreadyApplied: [] };
      for (const m of migrations) {
        const row = applied.get(m.name);
        if (row && !row.finished_at) {
          throw new MigrationError(
            `Migration ${m.name} started but never finished. Fix the database by hand, then mark it rolled back (UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${m.name}').`,
          );
        }
        if (row) {
          if (row.checksum !== m.checksum) {
            throw new MigrationError(
              `Migration ${m.name} was changed after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ${m.checksum.slice(0, 12)}… on disk). Restore the file and add a new migration instead.`,
            );
          }
          report.alreadyApplied.push(m.name);
          continue;
        }
        await s.exec("BEGIN");
        try {
          const id = randomUUID();
          await s.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`, [
            id,
            m.checksum,
            m.name,
          ]);
          await s.exec(m.sql);
          await s.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
          await s.exec("COMMIT");
        } catch (err) {
          await s.exec("ROLLBACK");
          throw new MigrationError(`Migration ${m.name} failed and was rolled back: ${(err as Error).message}`);
        }
        report.applied.push(m.name);
      }
      return report;
    } finally {
      await s.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  });
}
