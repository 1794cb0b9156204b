import type { Tx } from "../../platform/db/client";
import type { Database } from "../../platform/db/client";
import { toJsonColumn } from "../../platform/db/json";
import { enqueueMany, type OutboxInput } from "../../platform/outbox/enqueue";
import { programRepo } from "../../platform/repos/program-repo";
import { nextQuarter, previousQuarter, quarterAt, type PartnerTier } from "../../kernel/incentives";
import { currentAttributionConfig } from "../attribution/config";
import { partnerStandings } from "./standing";
import type { QuarterCloseView } from "./render";

// The quarter close. At the first run in a new quarter (program timezone), for the quarter that
// just ended:
// - each partner's co-sell closed-won deals are counted (deals won in the quarter whose latest
//   attribution record gives credit to 2+ partners); at or above the threshold it earns the
//   bonus, a BONUS payout line or an uplift on its deals closed next quarter;
// - each partner's trailing-12-month credited revenue (the four quarters ending with it) gives
//   the tier it qualifies for; a change is proposed to the admins (Confirm / Keep), never applied
//   by itself.
// Exactly once per quarter across replicas and restarts: the JobRun (job, quarter) row is
// inserted in the same transaction as the bonuses, proposals and the admins' DMs; a second run
// finds it and does nothing. CoSellBonus (orgId, quarter) and TierProposal (orgId, quarter) are
// unique too.

const QUARTER_CLOSE_JOB = "incentives-quarter-close";

type Deps = { db: Pick<Database, "prisma">; admins: readonly string[]; timezone: string };

export interface QuarterCloseReport {
  quarter: string;
  /** false when another process (or an earlier run) closed it */
  closed: boolean;
  bonuses: { orgId: string; name: string; wins: number; kind: "AMOUNT" | "UPLIFT"; amountMinor: number; upliftBp: number }[];
  proposals: { id: string; orgId: string; name: string; from: PartnerTier; to: PartnerTier; revenueMinor: number }[];
}

/** The quarter close as the admins' DM shows it now (decided proposals without their buttons). */
export async function loadQuarterClose(db: Tx, quarter: string): Promise<QuarterCloseView | null> {
  const run = await db.jobRun.findUnique({ where: { job_periodKey: { job: QUARTER_CLOSE_JOB, periodKey: quarter } }, select: { id: true } });
  if (!run) return null;
  const { config } = await currentAttributionConfig(db);
  const [bonuses, proposals] = await Promise.all([
    db.coSellBonus.findMany({ where: { quarter }, orderBy: { awardedAt: "asc" } }),
    db.tierProposal.findMany({ where: { quarter }, orderBy: { createdAt: "asc" } }),
  ]);
  const names = new Map(
    (
      await db.organization.findMany({
        where: { id: { in: [...bonuses.map((b) => b.orgId), ...proposals.map((p) => p.orgId)] } },
        select: { id: true, name: true },
      })
    ).map((o) => [o.id, o.name]),
  );
  return {
    quarter,
    currency: config.currency,
    threshold: config.incentives.bonus.threshold,
    // stored with each uplift bonus ("" when the quarter's bonuses were amounts)
    upliftQuarter: bonuses.find((b) => b.upliftQuarter)?.upliftQuarter ?? "",
    bonuses: bonuses
      .map((b) => ({
        orgId: b.orgId,
        name: names.get(b.orgId) ?? "",
        wins: b.wins,
        kind: b.kind === "UPLIFT" ? ("UPLIFT" as const) : ("AMOUNT" as const),
        amountMinor: Number(b.amountMinor ?? 0),
        upliftBp: b.upliftBp ?? 0,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    proposals: proposals
      .map((p) => ({
        id: p.id,
        orgId: p.orgId,
        name: names.get(p.orgId) ?? "",
        from: p.fromTier as PartnerTier,
        to: p.toTier as PartnerTier,
        revenueMinor: Number(p.revenueMinor),
        status: p.status,
        decidedBy: p.decidedBy,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** Closes the quarter that ended before `now` (program timezone), once. */
export async function runQuarterClose(deps: Deps, now: Date): Promise<QuarterCloseReport> {
  const prisma = deps.db.prisma;
  const program = await programRepo(prisma).find();
  const timezone = program?.timezone ?? deps.timezone;
  const quarter = previousQuarter(quarterAt(now, timezone), timezone);
  const done = await prisma.jobRun.findUnique({ where: { job_periodKey: { job: QUARTER_CLOSE_JOB, periodKey: quarter.label } }, select: { id: true } });
  if (done || !program) return { quarter: quarter.label, closed: false, bonuses: [], proposals: [] };
  // The closed quarter's standings are read first, outside the transaction (its won deals no
  // longer change); the transaction only claims the quarter and writes, in a few statements.
  const { config } = await currentAttributionConfig(prisma);
  const inc = config.incentives;
  const standings = await partnerStandings(prisma, quarter, timezone, config.currency, inc);
  const upliftQuarter = nextQuarter(quarter, timezone).label;
  const kind = inc.bonus.kind;
  const earners = standings.filter((s) => s.coSellWins >= inc.bonus.threshold);
  return prisma.$transaction(
    async (tx) => {
      const claimed = await tx.jobRun.createMany({
        data: [{ job: QUARTER_CLOSE_JOB, periodKey: quarter.label, startedAt: now, finishedAt: now }],
        skipDuplicates: true,
      });
      if (claimed.count === 0) return { quarter: quarter.label, closed: false, bonuses: [], proposals: [] };
      const report: QuarterCloseReport = { quarter: quarter.label, closed: true, bonuses: [], proposals: [] };
      await tx.coSellBonus.createMany({
        data: earners.map((s) => ({
          orgId: s.orgId,
          quarter: quarter.label,
          wins: s.coSellWins,
          kind,
          amountMinor: kind === "AMOUNT" ? BigInt(inc.bonus.amountMinor) : null,
          upliftBp: kind === "UPLIFT" ? inc.bonus.upliftBp : null,
          upliftQuarter: kind === "UPLIFT" ? upliftQuarter : null,
          awardedAt: now,
        })),
        skipDuplicates: true,
      });
      const bonuses = await tx.coSellBonus.findMany({ where: { quarter: quarter.label }, select: { id: true, orgId: true, wins: true } });
      if (kind === "AMOUNT" && inc.bonus.amountMinor > 0) {
        await tx.payoutLine.createMany({
          data: bonuses.map((b) => ({
            orgId: b.orgId,
            bonusId: b.id,
            kind: "BONUS" as const,
            label: `co-sell bonus (${quarter.label}, ${b.wins} co-sell wins)`,
            amountMinor: BigInt(inc.bonus.amountMinor),
            currency: config.currency,
            coSell: true,
            // Earned for the quarter (its last instant), so it is in that period's payouts;
            // createdAt says when the close awarded it.
            earnedAt: new Date(quarter.end.getTime() - 1),
            createdAt: now,
          })),
        });
      }
      for (const s of earners)
        report.bonuses.push({ orgId: s.orgId, name: s.name, wins: s.coSellWins, kind, amountMinor: inc.bonus.amountMinor, upliftBp: inc.bonus.upliftBp });
      // Tiers as they are now (one may have been confirmed since the standings were read).
      const tiers = new Map(
        (await tx.organization.findMany({ where: { kind: "PARTNER" }, select: { id: true, partnerTier: true } })).map((o) => [
          o.id,
          o.partnerTier as PartnerTier,
        ]),
      );
      const changes = standings.filter((s) => tiers.has(s.orgId) && s.qualifiesFor !== tiers.get(s.orgId));
      await tx.tierProposal.createMany({
        data: changes.map((s) => ({
          orgId: s.orgId,
          quarter: quarter.label,
          fromTier: tiers.get(s.orgId)!,
          toTier: s.qualifiesFor,
          revenueMinor: BigInt(s.revenueMinor),
          createdAt: now,
        })),
        skipDuplicates: true,
      });
      const ids = new Map(
        (await tx.tierProposal.findMany({ where: { quarter: quarter.label }, select: { id: true, orgId: true } })).map((p) => [p.orgId, p.id]),
      );
      for (const s of changes) {
        report.proposals.push({
          id: ids.get(s.orgId) ?? "",
          orgId: s.orgId,
          name: s.name,
          from: tiers.get(s.orgId)!,
          to: s.qualifiesFor,
          revenueMinor: s.revenueMinor,
        });
      }
      // Nothing to award or decide: no DM (a quarter closing quietly is not news). The DM is
      // rendered at delivery, so it shows what is true then (a proposal decided meanwhile).
      const admins = report.bonuses.length + report.proposals.length > 0 ? [...new Set(deps.admins)] : [];
      const dms: OutboxInput[] = admins.map((admin) => ({
        method: "quarter.closed",
        payload: { quarter: quarter.label, admin },
        dedupeKey: `quarter-close:${quarter.label}:${admin}`,
      }));
      await enqueueMany(tx, dms, now);
      await tx.jobRun.update({
        where: { job_periodKey: { job: QUARTER_CLOSE_JOB, periodKey: quarter.label } },
        data: { detail: toJsonColumn({ bonuses: report.bonuses.length, proposals: report.proposals.length, admins: admins.length }) },
      });
      return report;
    },
    // A program with tens of thousands of won deals and hundreds of partners: more than the
    // default 5 s, though the reading is done before.
    { timeout: 60_000, maxWait: 10_000 },
  );
}
