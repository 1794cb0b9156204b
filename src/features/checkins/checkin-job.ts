import type { AppDeps } from "../../platform/deps";
import { loadDigestProgram } from "../digests/load";
import { nextSlot } from "../digests/schedule";
import { checkInSettings, runCheckIns, type CheckInRunReport } from "./checkins";
import { checkInTimes, type CheckInTimes } from "./rules";

// The check-in job (the scheduler runs it every 15 minutes, like the digests): for the next
// digest slot, asks each pairing's round once the prompt time has come (the working day before,
// at the program's check-in hour) and sends the one reminder two hours before the digest.
// Exactly once across replicas and restarts: rounds are unique per pairing and week, and the
// reminder is claimed on the round (remindedAt).

/** The next digest and its check-in's prompt and reminder times (the playground's job jumps the clock to them). */
export async function nextCheckIn(deps: Pick<AppDeps, "db" | "config">, now: Date): Promise<CheckInTimes & { digest: { at: Date; week: string } }> {
  const program = await loadDigestProgram(deps.db.prisma, deps.config.timezone);
  const digest = nextSlot(now, { timezone: program.timezone, weekday: program.digestWeekday, hour: program.digestHour });
  const { hour } = await checkInSettings(deps.db.prisma);
  return { digest, ...checkInTimes(digest, program.timezone, hour) };
}

export async function runCheckInJob(deps: Pick<AppDeps, "db" | "config" | "outbox">, now: Date): Promise<CheckInRunReport> {
  const program = await loadDigestProgram(deps.db.prisma, deps.config.timezone);
  const digest = nextSlot(now, { timezone: program.timezone, weekday: program.digestWeekday, hour: program.digestHour });
  const report = await runCheckIns(deps.db.prisma, { digest, timezone: program.timezone, now });
  if (report.prompted > 0 || report.reminded > 0) deps.outbox?.kick();
  return report;
}
