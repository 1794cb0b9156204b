// npm run db:migrate — applies pending migrations to DATABASE_URL, or to the embedded
// database under COSELL_DATA_DIR (default .data/) when DATABASE_URL is unset.
import { openDatabase } from "../src/platform/db/client";
import { migrate } from "../src/platform/db/migrate";

const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir: process.env.COSELL_DATA_DIR || ".data" });
try {
  const report = await migrate(db.sql);
  console.log(
    report.applied.length > 0
      ? `applied ${report.applied.length} migration(s): ${report.applied.join(", ")}`
      : `database is up to date (${report.alreadyApplied.length} migration(s) already applied)`,
  );
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await db.close();
}
