import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type Database } from "../../src/platform/db/client";
import { migrate } from "../../src/platform/db/migrate";

// Database tests run on embedded PGlite by default, and on a real Postgres server when
// TEST_DATABASE_URL is set: each test database is created fresh and dropped afterwards.

export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

export interface TestDatabase extends Database {
  /** Postgres only: the URL of this throwaway database (e.g. for a second process). */
  url?: string;
}

export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  let db: TestDatabase;
  if (adminUrl) {
    const name = `cosell_test_${randomBytes(6).toString("hex")}`;
    await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const opened = await openDatabase({ databaseUrl: url.toString(), poolSize: 5 });
    db = {
      ...opened,
      url: url.toString(),
      close: async () => {
        await opened.close();
        await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      },
    };
  } else {
    db = await openDatabase({ dataDir: "memory://" });
  }
  if (opts.migrate !== false) await migrate(db.sql);
  return db;
}

async function withAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
