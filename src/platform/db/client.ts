import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../../generated/prisma/client";

/** Raw SQL access beside Prisma: the migration runner needs multi-statement scripts and a session lock. */
export interface SqlDriver {
  /** Runs a script (may hold several statements). */
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs fn on one connection, so session-level locks and transactions hold. */
  session<T>(fn: (s: Omit<SqlDriver, "session">) => Promise<T>): Promise<T>;
}

export type Db = PrismaClient;
/** A Prisma client or an interactive transaction: use cases accept either. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export interface Database {
  kind: "postgres" | "pglite";
  prisma: PrismaClient;
  sql: SqlDriver;
  /** true when a trivial query answers */
  ping(): Promise<boolean>;
  /** the connection pool's use (Postgres); null for the embedded database */
  poolStats(): { total: number; idle: number; waiting: number } | null;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Postgres URL; when absent an embedded PGlite database is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; "memory://" for a throwaway in-memory database. */
  dataDir?: string | undefined;
  /** pg pool size (Postgres only). */
  poolSize?: number;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.poolSize ?? 10) : openPglite(opts.dataDir ?? ".data");
}

function openPostgres(url: string, max: number): Database {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client losing its connection must not crash the process.
  pool.on("error", (err) => console.error(`[db] idle Postgres client error: ${err.message}`));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const onClient = (client: pg.PoolClient | pg.Pool): Omit<SqlDriver, "session"> => ({
    exec: async (sql) => {
      await client.query(sql);
    },
    query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
  });
  return {
    kind: "postgres",
    prisma,
    sql: {
      ...onClient(pool),
      session: async (fn) => {
        const client = await pool.connect();
        try {
          return await fn(onClient(client));
        } finally {
          client.release();
        }
      },
    },
    ping: () => ping(prisma),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/**
 * PGlite's own start parameters with smaller shared buffers: 32 MB
 * instead of 128 MB, which an embedded database of one program does not need (idle RSS −124 MB).
 */
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, "-c", "shared_buffers=32MB"];

/**
 * A new data directory is initialized (initdb) in a short-lived child process: initdb's WebAssembly
 * memory is never given back to the OS, and a new playground kept ~600 MB more than a restarted
 * one for as long as it ran. The child only creates the cluster; this process opens it.
 */
function initPgliteDataDir(dir: string): void {
  if (existsSync(path.join(dir, "PG_VERSION"))) return;
  const pglite = pathToFileURL(createRequire(import.meta.url).resolve("@electric-sql/pglite")).href;
  const script = `const { PGlite } = await import(${JSON.stringify(pglite)}); const db = new PGlite(${JSON.stringify(dir)}); await db.waitReady; await db.close();`;
  execFileSync(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "ignore", "inherit"] });
}

async function openPglite(dataDir: string): Promise<Database> {
  let queue: Promise<unknown> = Promise.resolve();
  const serialize = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };
  if (!dataDir.startsWith("memory://")) {
    mkdirSync(path.resolve(dataDir), { recursive: true });
    initPgliteDataDir(path.resolve(dataDir));
  }
  const client = new PGlite(dataDir, { startParams: PGLITE_START_PARAMS });
  await client.waitReady;
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(client) });
  const driver: Omit<SqlDriver, "session"> = {
    exec: async (sql) => {
      await client.exec(sql);
    },
    query: async <T>(sql: string, params?: unknown[]) => (await client.query<T>(sql, params)).rows,
  };
  return {
    kind: "pglite",
    prisma,
    // PGlite is one in-process connection: sessions take turns, so a session's lock or
    // transaction is not interleaved with another's.
    sql: { ...driver, session: (fn) => serialize(() => fn(driver)) },
    ping: () => ping(prisma),
    poolStats: () => null,
    close: async () => {
      await prisma.$disconnect();
      await client.close();
    },
  };
}

async function ping(prisma: PrismaClient): Promise<boolean> {
  try {
    await prisma.$queryRawUnsafe("SELECT 1");
    return true;
  } catch {
    return false;
  }
}

/** Runs fn in one interactive transaction (for callers that hold a client, not a transaction). */
export function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction((tx) => fn(tx));
}
