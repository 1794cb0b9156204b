import type { Tx } from "../../platform/db/client";

// Reads the registration use cases need besides the pairings (program/pairings.ts).

/** The program's time zone: a close date is "in the past" by the program's calendar. */
export async function programTimezone(db: Tx): Promise<string> {
  return (await db.program.findUniqueOrThrow({ where: { id: 1 }, select: { timezone: true } })).timezone;
}

/** The currency of the attribution config in force: the form's default currency. */
export async function defaultCurrency(db: Tx): Promise<string> {
  const program = await db.program.findUniqueOrThrow({ where: { id: 1 } });
  const config = await db.attributionConfigVersion.findUnique({ where: { version: program.attributionVersion } });
  return (config?.config as { currency?: string } | undefined)?.currency ?? "USD";
}
