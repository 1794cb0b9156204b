import type { Tx } from "../../platform/db/client";
import { creditedRevenue, partnerTierFor, previousQuarter, quarterAt, type IncentiveConfig, type PartnerTier, type Quarter } from "../../kernel/incentives";
import { z } from "zod";
import { Prisma } from "../../generated/prisma/client";
import { currentAttributionConfig } from "../attribution/config";

// Where each partner stands: co-sell wins in a quarter (deals won in it whose latest record
// credits 2+ partners) and trailing-12-month credited revenue (amount × credit share of won
// deals over the four quarters ending with it). The quarter close awards from it; the digests,
// App Home and receipts show progress from it.

export interface PartnerQuarter {
  orgId: string;
  name: string;
  coSellWins: number;
  revenueMinor: number;
  tier: PartnerTier;
  qualifiesFor: PartnerTier;
}

interface WonRecord {
  dealId: string;
  closedAt: Date;
  amountMinor: number;
  currency: string;
  partnerCredits: { orgId: string; creditBp: number }[];
  coSell: boolean;
}

// Only what the standings read of each record (amount, currency, credits), not the whole result.
const wonRowSchema = z.object({
  dealId: z.string(),
  closedAt: z.coerce.date(),
  amountMinor: z.coerce.number().int(),
  currency: z.string(),
  credits: z.array(z.object({ orgId: z.string(), internal: z.boolean(), creditBp: z.number().int() })),
});

/** The latest attribution record of each deal won in [start, end): one query, whatever the number of deals. */
async function wonRecords(db: Tx, start: Date, end: Date, orgId?: string): Promise<WonRecord[]> {
  // One partner's progress (App Home, See my numbers) reads only the deals it is on.
  const onlyOrg = orgId ? Prisma.sql`AND EXISTS (SELECT 1 FROM "Participant" p WHERE p."dealId" = d.id AND p."orgId" = ${orgId})` : Prisma.empty;
  const rows = await db.$queryRaw<unknown[]>`
    SELECT DISTINCT ON (r."dealId") r."dealId" AS "dealId", d."closedAt" AS "closedAt",
           (r.result->>'amountMinor') AS "amountMinor", (r.result->>'currency') AS currency, (r.result->'credits') AS credits
      FROM "AttributionRecord" r JOIN "Deal" d ON d.id = r."dealId"
     WHERE d.stage = 'CLOSED_WON' AND d."closedAt" >= ${start} AND d."closedAt" < ${end} ${onlyOrg}
     ORDER BY r."dealId", r.seq DESC`;
  return rows.map((row) => {
    const r = wonRowSchema.parse(row);
    const partnerCredits = r.credits.filter((c) => !c.internal && c.creditBp > 0).map((c) => ({ orgId: c.orgId, creditBp: c.creditBp }));
    return { dealId: r.dealId, closedAt: r.closedAt, amountMinor: r.amountMinor, currency: r.currency, partnerCredits, coSell: partnerCredits.length >= 2 };
  });
}

/** Co-sell wins per partner in a quarter (pure over the records). */
function countCoSellWins(records: readonly WonRecord[]): Map<string, number> {
  const wins = new Map<string, number>();
  for (const r of records) if (r.coSell) for (const c of r.partnerCredits) wins.set(c.orgId, (wins.get(c.orgId) ?? 0) + 1);
  return wins;
}

/** Each partner's standing for a quarter: co-sell wins in it, trailing-12-month revenue to its end. */
export async function partnerStandings(db: Tx, quarter: Quarter, timezone: string, currency: string, incentives: IncentiveConfig): Promise<PartnerQuarter[]> {
  let first = quarter;
  for (let i = 0; i < 3; i++) first = previousQuarter(first, timezone);
  // One read of the four quarters; the closed quarter is its last part.
  const [trailing, orgs] = await Promise.all([
    wonRecords(db, first.start, quarter.end),
    db.organization.findMany({ where: { kind: "PARTNER" }, select: { id: true, name: true, partnerTier: true }, orderBy: { name: "asc" } }),
  ]);
  const wins = countCoSellWins(trailing.filter((r) => r.closedAt >= quarter.start));
  const revenue = new Map<string, number>();
  // Revenue in another currency than the program's is not converted (and not counted).
  for (const r of trailing) {
    if (r.currency !== currency) continue;
    for (const c of r.partnerCredits) revenue.set(c.orgId, (revenue.get(c.orgId) ?? 0) + creditedRevenue(r.amountMinor, c.creditBp));
  }
  return orgs.map((o) => {
    const revenueMinor = revenue.get(o.id) ?? 0;
    return {
      orgId: o.id,
      name: o.name,
      coSellWins: wins.get(o.id) ?? 0,
      revenueMinor,
      tier: o.partnerTier as PartnerTier,
      qualifiesFor: partnerTierFor(revenueMinor, incentives.tierThresholdsMinor),
    };
  });
}

export interface CoSellProgress {
  quarter: string;
  threshold: number;
  /** co-sell wins so far this quarter, per partner org id (absent = 0) */
  wins: Map<string, number>;
}

/** Co-sell wins so far in the quarter of `now` (program timezone), against the bonus threshold in force. */
export async function coSellProgress(db: Tx, a: { now: Date; timezone: string; orgId?: string }): Promise<CoSellProgress> {
  const q = quarterAt(a.now, a.timezone);
  const [{ config }, records] = await Promise.all([currentAttributionConfig(db), wonRecords(db, q.start, q.end, a.orgId)]);
  return { quarter: q.label, threshold: config.incentives.bonus.threshold, wins: countCoSellWins(records) };
}

export interface PartnerMoney {
  orgName: string;
  tier: PartnerTier;
  tierSince: Date | null;
  quarter: string;
  coSellWins: number;
  threshold: number;
  /** this quarter's payout lines of this partner only, by status */
  lines: { status: string; count: number; amounts: { currency: string; amountMinor: number }[] }[];
}

/** What one partner sees of its own standing and money (App Home, See my numbers). */
export async function loadPartnerMoney(db: Tx, a: { orgId: string; now: Date; timezone: string }): Promise<PartnerMoney | null> {
  const q = quarterAt(a.now, a.timezone);
  const [org, progress, groups] = await Promise.all([
    db.organization.findUnique({ where: { id: a.orgId }, select: { name: true, partnerTier: true, tierSince: true } }),
    coSellProgress(db, { now: a.now, timezone: a.timezone, orgId: a.orgId }),
    db.payoutLine.groupBy({
      by: ["status", "currency"],
      where: { orgId: a.orgId, earnedAt: { gte: q.start, lt: q.end } },
      _count: { _all: true },
      _sum: { amountMinor: true },
    }),
  ]);
  if (!org) return null;
  const order = ["PENDING", "APPROVED", "PAID", "VOID"];
  const lines = order
    .map((status) => {
      const of = groups.filter((g) => g.status === status);
      return {
        status,
        count: of.reduce((s, g) => s + g._count._all, 0),
        amounts: of.map((g) => ({ currency: g.currency, amountMinor: Number(g._sum.amountMinor ?? 0n) })),
      };
    })
    .filter((l) => l.count > 0);
  return {
    orgName: org.name,
    tier: org.partnerTier as PartnerTier,
    tierSince: org.tierSince,
    quarter: q.label,
    coSellWins: progress.wins.get(a.orgId) ?? 0,
    threshold: progress.threshold,
    lines,
  };
}
