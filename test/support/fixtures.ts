import { beforeEach, test as vitestTest } from "vitest";
import { ensureProgram } from "../../src/features/program/program";
import { startTestApp, type TestApp, type TestAppOptions } from "./app";
import { createTestDatabase, type TestDatabase } from "./db";
import { seedProgram, type SeededProgram } from "./seed";

// Vitest fixtures for the two kinds of database test files, so that a file declares what it
// needs instead of repeating the set-up:
//
//   e2e:          const { t, p } = useTestApp({ seed: true, resetFake: true });
//   integration:  const { db, p } = useTestDb({ seed: true });
//
// The app and the database are file-scoped fixtures (`test.extend`, `{ scope: "file" }`): set up
// once, before the file's first test, and torn down by vitest after its last one (after its
// afterAll hooks). `appTest()`/`dbTest()` give the extended `test` for tests that take them from
// their context (`test("…", async ({ app, program }) => …)`); `useTestApp()`/`useTestDb()` also
// bind `t`/`db` and `p` for the helpers a file defines around its tests, before the first test.
// Call them at the top level of the file (vitest defines file fixtures only there).

export interface DbOptions {
  /** run the migrations (default true) */
  migrate?: boolean;
  /** create the program row (`ensureProgram`, timezone UTC) */
  program?: boolean;
}

/** `test` with a file-scoped running app (`app`) and the test program seeded in its database (`program`). */
export function appTest(options: TestAppOptions = {}) {
  return vitestTest
    .extend("appOptions", { scope: "file" }, options)
    .extend("app", { scope: "file" }, async ({ appOptions }, { onCleanup }) => {
      const app = await startTestApp(appOptions);
      onCleanup(() => app.stop());
      return app;
    })
    .extend("program", { scope: "file" }, async ({ app }) => seedProgram(app.db.prisma));
}

/** `test` with a file-scoped test database (`db`) and the test program seeded in it (`program`). */
export function dbTest(options: DbOptions = {}) {
  return vitestTest
    .extend("dbOptions", { scope: "file" }, options)
    .extend("db", { scope: "file" }, async ({ dbOptions }, { onCleanup }) => {
      const db = await createTestDatabase({ migrate: dbOptions.migrate });
      onCleanup(() => db.close());
      if (dbOptions.program) await ensureProgram(db.prisma, { timezone: "UTC" });
      return db;
    })
    .extend("program", { scope: "file" }, async ({ db }) => {
      await ensureProgram(db.prisma, { timezone: "UTC" });
      return seedProgram(db.prisma);
    });
}

export interface UseTestAppOptions extends TestAppOptions {
  /** seed the test program (see seed.ts): `p` */
  seed?: boolean;
  /** forget the fake Slack's calls and responses before each test */
  resetFake?: boolean;
}

/**
 * The running app of this file as `t` (and with `seed`, its program as `p`), for tests and the
 * helpers around them; `test` is the extended test, for tests that take `app`/`program` from
 * their context. `t` and `p` are bound in a beforeAll of the file: use them inside hooks, tests
 * and the functions they call, not while the file is being collected.
 */
export function useTestApp(options: UseTestAppOptions & { seed: true }): { test: ReturnType<typeof appTest>; t: TestApp; p: SeededProgram };
export function useTestApp(options?: UseTestAppOptions): { test: ReturnType<typeof appTest>; t: TestApp };
export function useTestApp(options: UseTestAppOptions = {}) {
  const { seed, resetFake, ...appOptions } = options;
  const test = appTest(appOptions);
  const t = lateBound<TestApp>("t (the test app)");
  const p = lateBound<SeededProgram>("p (the seeded program)");
  if (seed) {
    test.beforeAll(({ app, program }) => {
      t.bind(app);
      p.bind(program);
    });
  } else {
    test.beforeAll(({ app }) => {
      t.bind(app);
    });
  }
  // Plain hooks from here on: a test-level hook sees fixtures only in tests of the extended `test`,
  // and the files' tests are mostly plain `it`s around the bound handles.
  if (resetFake) beforeEach(() => t.value.fake.reset());
  return seed ? { test, t: t.value, p: p.value } : { test, t: t.value };
}

export interface UseTestDbOptions extends DbOptions {
  /**
   * seed the test program once for the file (`true`), or before each test (`"each"`: the
   * `truncate` tables are emptied first, then the program row ensured and the program seeded)
   */
  seed?: boolean | "each";
  /** tables emptied before each test (TRUNCATE … CASCADE), whether or not the program is seeded then */
  truncate?: string[];
}

/**
 * This file's test database as `db` (and with `seed`, its program as `p`), bound in a beforeAll
 * of the file (with `seed: "each"`, `p` is bound anew before each test); `test` is the extended
 * test, for tests that take `db`/`program` from their context.
 */
export function useTestDb(options: UseTestDbOptions & { seed: true | "each" }): { test: ReturnType<typeof dbTest>; db: TestDatabase; p: SeededProgram };
export function useTestDb(options?: UseTestDbOptions): { test: ReturnType<typeof dbTest>; db: TestDatabase };
export function useTestDb(options: UseTestDbOptions = {}) {
  const { seed, truncate, ...dbOptions } = options;
  const test = dbTest(dbOptions);
  const db = lateBound<TestDatabase>("db (the test database)");
  const p = lateBound<SeededProgram>("p (the seeded program)");
  if (seed === true) {
    test.beforeAll(({ db: database, program }) => {
      db.bind(database);
      p.bind(program);
    });
  } else {
    test.beforeAll(({ db: database }) => {
      db.bind(database);
    });
  }
  if (truncate?.length || seed === "each") {
    // a plain hook (see useTestApp), on the bound database
    beforeEach(async () => {
      if (truncate?.length) await resetTables(db.value, truncate);
      if (seed === "each") {
        await ensureProgram(db.value.prisma, { timezone: "UTC" });
        p.bind(await seedProgram(db.value.prisma));
      }
    });
  }
  return seed ? { test, db: db.value, p: p.value } : { test, db: db.value };
}

/** Empties the tables (and, CASCADE, every table referring to them). */
async function resetTables(db: TestDatabase, tables: string[]): Promise<void> {
  await db.sql.exec(`TRUNCATE ${tables.map((t) => `"${t}"`).join(", ")} CASCADE`);
}

/**
 * A stand-in for an object that exists only once a hook has run: every property access goes to
 * the object bound last, and fails with a clear message before one is.
 */
function lateBound<T extends object>(name: string): { value: T; bind(target: T): void } {
  let target: T | undefined;
  const current = (): T => {
    if (!target) throw new Error(`${name} is used before the file's beforeAll bound it (at collection time, or outside a test?)`);
    return target;
  };
  const value = new Proxy({} as T, {
    get: (_, key) => Reflect.get(current(), key),
    set: (_, key, v) => Reflect.set(current(), key, v),
    has: (_, key) => Reflect.has(current(), key),
    ownKeys: () => Reflect.ownKeys(current()),
    getOwnPropertyDescriptor: (_, key) => {
      const d = Reflect.getOwnPropertyDescriptor(current(), key);
      // the proxy's own target is an empty extensible object: report the property as configurable
      return d ? { ...d, configurable: true } : undefined;
    },
  });
  return {
    value,
    bind: (t) => {
      target = t;
    },
  };
}
