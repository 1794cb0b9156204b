import type { AppDeps } from "../../src/platform/deps";
import { programRepo } from "../../src/platform/repos/program-repo";
import { dueSlot, nextSlot } from "../../src/features/digests/schedule";
import { runWeeklyDigests, type DigestReport } from "../../src/features/digests/job";
import { runSlaSweep } from "../../src/features/asks/sla-sweep";
import { runQuarterClose } from "../../src/features/incentives/quarter-close-job";
import { quarterAt } from "../../src/kernel/incentives";
import { nextCheckIn, runCheckInJob } from "../../src/features/checkins/checkin-job";
import { runQbrs } from "../../src/features/qbr/qbr-job";

// The scheduled jobs, on a button: the same functions the scheduler calls (src/scheduler.ts).

interface JobContext {
  deps: AppDeps;
  /** the app's clock */
  now(): Date;
  /** moves the app's clock forward to `at` (the page shows the offset) */
  advanceTo(at: Date): void;
}

export interface PlaygroundJob {
  id: string;
  label: string;
  /** runs the job; returns a one-line report */
  run(ctx: JobContext): Promise<string>;
}

function digestLine(r: DigestReport): string {
  if (!r.slot) return "no digest is due";
  const charts = r.charts.uploaded ? `, ${r.charts.uploaded} chart${r.charts.uploaded === 1 ? "" : "s"} uploaded` : "";
  return `week ${r.slot.week}: ${r.pairings.claimed} pairing digest${r.pairings.claimed === 1 ? "" : "s"} (${r.pairings.messages} messages), manager digest ${r.manager}${charts}`;
}

export const PLAYGROUND_JOBS: PlaygroundJob[] = [
  {
    id: "sla-sweep",
    label: "SLA sweep",
    async run({ deps, now }) {
      const r = await runSlaSweep(deps, now());
      deps.outbox?.kick();
      const reg = r.registrations;
      return `${r.overdue} overdue, ${r.escalated} escalated, ${r.stale} stale, ${r.closeDatePassed} past close date; registrations: ${reg.reviewReminders} review reminders, ${reg.expiryWarnings} expiry warnings, ${reg.expired} expired`;
    },
  },
  {
    id: "weekly-digest",
    label: "Weekly digests",
    async run(ctx) {
      const { deps } = ctx;
      const opts = { chartWaitMs: 10_000 };
      // Today's digest if it is due and not sent yet; otherwise the clock jumps to the next
      // digest time (each digest goes out once per week, as in production).
      let report = dueSlot(ctx.now(), await schedule(deps)) ? await runWeeklyDigests(deps, ctx.now(), opts) : null;
      let jumped = "";
      if (!report || (report.pairings.claimed === 0 && report.manager !== "claimed")) {
        const next = nextSlot(ctx.now(), await schedule(deps));
        ctx.advanceTo(new Date(next.at.getTime() + 60_000));
        jumped = `clock moved to the next digest time (${next.localDate}); `;
        report = await runWeeklyDigests(deps, ctx.now(), opts);
      }
      deps.outbox?.kick();
      return jumped + digestLine(report);
    },
  },
  {
    id: "check-ins",
    label: "Check-in round",
    async run(ctx) {
      const { deps } = ctx;
      // The next digest's check-in: the clock jumps to its prompt time (the working day before
      // the digest) the first time, to its reminder (2 hours before the digest) the second.
      const next = await nextCheckIn(deps, ctx.now());
      const asked = (await deps.db.prisma.checkInRound.count({ where: { week: next.digest.week } })) > 0;
      const target = asked ? next.reminderAt : next.promptAt;
      let jumped = "";
      if (ctx.now() < target) {
        ctx.advanceTo(new Date(target.getTime() + 60_000));
        jumped = `clock moved to the check-in's ${asked ? "reminder" : "prompt"} (${target.toISOString().slice(0, 16).replace("T", " ")} UTC); `;
      }
      const r = await runCheckInJob(deps, ctx.now());
      return `${jumped}week ${next.digest.week}: ${r.prompted} pairing${r.prompted === 1 ? "" : "s"} asked, ${r.reminded} reminded`;
    },
  },
  {
    id: "quarter-close",
    label: "Quarter close",
    async run(ctx) {
      const { deps } = ctx;
      const close = () => runQuarterClose({ db: deps.db, admins: deps.config.admins, timezone: deps.config.timezone }, ctx.now());
      // The last quarter once; closed already, the clock jumps to the next quarter's first day.
      let r = await close();
      let jumped = "";
      if (!r.closed) {
        const tz = (await programRepo(deps.db.prisma).get()).timezone;
        const next = quarterAt(ctx.now(), tz).end;
        ctx.advanceTo(new Date(next.getTime() + 10 * 60_000));
        jumped = "clock moved to the next quarter; ";
        r = await close();
      }
      // Then, as the scheduler does, each partner's review of that quarter (internal to Ada, partner-safe to the pairing channels).
      const qbr = await runQbrs(deps, ctx.now(), { client: null });
      deps.outbox?.kick();
      return `${jumped}${r.quarter}: ${qbr.posted} partner review${qbr.posted === 1 ? "" : "s"} posted, ${r.bonuses.length} co-sell bonus${r.bonuses.length === 1 ? "" : "es"}, ${r.proposals.length} tier proposal${r.proposals.length === 1 ? "" : "s"} sent to the admins`;
    },
  },
];

async function schedule(deps: AppDeps) {
  const p = await programRepo(deps.db.prisma).get();
  return { timezone: p.timezone, weekday: p.digestWeekday, hour: p.digestHour };
}
