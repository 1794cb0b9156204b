// `npm run demo [-- --now 2026-11-16T15:00:00Z] [--seed 42]`: seeds a sample co-sell program into
// the configured database (DATABASE_URL, or the embedded one under COSELL_DATA_DIR, default
// .data/), migrated first, then prints the manager digest and one pairing digest as text.
// Running it again seeds nothing more (the program is found by its marker) and prints the
// digests again.

import { parseFlags, parseNowFlag, UsageError, withDatabase } from "../src/cli";
import { DEMO_PAIRINGS, seedDemo } from "../dev/demo/seed";
import { UserError } from "../src/platform/errors";
import { previewDigests } from "../src/features/digests/preview";

async function main(): Promise<number> {
  const { flags } = parseFlags(process.argv.slice(2), { now: "value", seed: "value" });
  const now = parseNowFlag(flags.now, new Date());
  const seed = typeof flags.seed === "string" ? Number(flags.seed) : 42;
  if (!Number.isInteger(seed)) throw new UsageError("--seed must be a whole number.");
  const where = process.env.DATABASE_URL ? "DATABASE_URL" : `embedded database in ${process.env.COSELL_DATA_DIR || ".data"}/`;
  await withDatabase(process.env, async (db) => {
    const started = Date.now();
    const r = await seedDemo(db, { now, seed });
    process.stderr.write(
      r.created
        ? `demo: seeded ${r.deals} deals, ${r.touchpoints} touchpoints, ${r.asks} asks and ${r.disputes} disputes in 3 pairings into the ${where} (${((Date.now() - started) / 1000).toFixed(1)} s)\n\n`
        : `demo: the demo program is already in the ${where} (${r.deals} deals); nothing added\n\n`,
    );
    process.stdout.write(await previewDigests(db.prisma, { now, manager: true }));
    process.stdout.write("\n");
    process.stdout.write(await previewDigests(db.prisma, { now, pairing: DEMO_PAIRINGS.acmeGlobex }));
  });
  return 0;
}

main().then(
  (code) => process.stdout.write("", () => process.exit(code)),
  (err: unknown) => {
    const usage = err instanceof UsageError;
    process.stderr.write(
      `demo: ${err instanceof Error ? err.message : String(err)}\n${usage ? "Usage: npm run demo [-- --now <ISO time>] [--seed <n>]\n" : ""}`,
    );
    process.exit(usage || err instanceof UserError ? 2 : 1);
  },
);
