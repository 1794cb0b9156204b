// Program metrics for the manager digest (DESIGN.md "Program metrics"; co-selling-with-partners,
// "Measuring co-sell program success" and "the 90-day playbook"). Pure: plain arrays in, values
// with their target band and a good/bad mark out. The store loads the arrays; renderers format.
//
// Definitions (README "Digests" repeats them for the managers):
// - A partner organization is any organization that is not ours (`internal: false`).
// - Co-sell deal: 2 or more partner organizations on the deal. Solo deal: exactly one. (Every
//   registered deal has at least one partner organization; a deal with none is ignored by the
//   co-sell/solo comparisons.)
// - Open pipeline: the amount of deals in an open stage (Registered … Negotiation), now.
// - Partner pipeline: the open pipeline of every deal (every deal in cosell is a partner deal).
// - Money metrics use the program currency only (the attribution config's currency). Deals in
//   other currencies are not converted (no exchange rates are kept): they are counted in the
//   count-based metrics and listed separately as "other currencies" with their own totals.
// - Win rate: won ÷ (won + lost) over every closed deal to date.
// - Deal size: the average amount of won deals (program currency).
// - Days to close: average whole days from registration to Closed won.
// - Time to first co-sell deal per pairing: days from the pairing's creation to its first
//   registered deal (every deal registered in a pairing is a co-sell registration in the
//   playbook's sense — "5 co-sell deal registrations per pairing").
// - Scale or kill: pairings at least 90 days old; "kill" = no open pipeline and nothing ever won;
//   "scale" = open pipeline and at least one win.
// - Revenue concentration: partner-credited revenue of won deals (amount × each partner's
//   credit share in the deal's latest attribution record), the top partner's share of it.
// - Attribution summary: the latest record per deal computed in the period (as the finance
//   export), per currency: each organization's credited revenue and each partner's commission.

import { disputeRate, type DisputeBand } from "../disputes/metrics";
import { largestRemainder } from "../../kernel/money";
import { isClosed, OPEN_STAGES, type OpenStage, type Stage } from "../../kernel/stages";

export type Mark = "good" | "watch" | "bad" | "none";

const DAY_MS = 86_400_000;
/** Below this many deals in a group (closed deals for win rate, won deals for size and speed) a comparison is not marked. */
export const MIN_SAMPLE = 3;

export const TARGETS = {
  coSellShare: { low: 0.15, high: 0.25 },
  influencedShare: { low: 0.2, high: 0.4 },
  /** co-sell minus solo win rate, in percentage points */
  winRateLift: { low: 10, high: 20 },
  firstDealDays: 45,
  scaleOrKillDays: 90,
  /** top partner's share of partner-credited won revenue */
  concentration: { watch: 0.5, bad: 0.7 },
  registrations90: 5,
  activeDeals60: { low: 3, high: 5 },
} as const;

interface MetricOrg {
  id: string;
  name: string;
  internal: boolean;
}

interface MetricPairing {
  id: string;
  name: string;
  createdAt: Date;
}

export interface MetricDeal {
  id: string;
  ref: number;
  pairingId: string;
  amountMinor: number;
  currency: string;
  stage: Stage;
  registeredAt: Date;
  closedAt: Date | null;
  /** every organization on the deal (participants) */
  orgIds: string[];
}

interface MetricTouchpoint {
  dealId: string;
  orgId: string;
  /** touchpoints of that organization on that deal (1 for a single row) */
  count?: number;
}

export interface MetricRecord {
  dealId: string;
  seq: number;
  computedAt: Date;
  amountMinor: number;
  currency: string;
  credits: { orgId: string; orgName: string; internal: boolean; creditBp: number }[];
  payouts: { orgId: string; orgName: string; amountMinor: number }[];
}

interface MetricDispute {
  dealId: string;
  recordId?: string;
  orgId: string;
  createdAt: Date;
}

export interface MetricsInput {
  now: Date;
  /** the program currency: money metrics are computed in it */
  currency: string;
  orgs: MetricOrg[];
  pairings: MetricPairing[];
  deals: MetricDeal[];
  touchpoints: MetricTouchpoint[];
  records: MetricRecord[];
  disputes: MetricDispute[];
  /** the attribution summary's period [start, end) */
  period: { start: Date; end: Date };
  /** deal payout lines (commissions and uplifts, not void) for the won-to-paid cycle */
  payoutLines?: MetricPayoutLine[];
}

export interface MetricPayoutLine {
  coSell: boolean;
  wonAt: Date;
  paidAt: Date | null;
}

interface CycleGroup {
  paid: number;
  /** average whole days from won to paid, 1 decimal; null with no paid line */
  avgDaysToPaid: number | null;
  /** lines not paid yet, and the oldest one's days since won */
  waiting: number;
  oldestWaitingDays: number | null;
}

/**
 * "Eliminate the co-sell tax": co-sell commissions must not wait longer than solo ones. Days
 * from won to paid per group; a co-sell tax when co-sell lines took longer on average (marked
 * with MIN_SAMPLE paid lines in each group). Lines still waiting are counted beside it.
 */
export function payoutCycle(lines: readonly MetricPayoutLine[], now: Date): { coSell: CycleGroup; solo: CycleGroup; coSellTax: boolean; mark: Mark } {
  const group = (co: boolean): CycleGroup => {
    const of = lines.filter((l) => l.coSell === co);
    const paid = of.filter((l) => l.paidAt);
    const avg = average(paid.map((l) => (l.paidAt!.getTime() - l.wonAt.getTime()) / DAY_MS));
    const waiting = of.filter((l) => !l.paidAt);
    const oldest = waiting.length === 0 ? null : Math.max(...waiting.map((l) => wholeDays(l.wonAt, now)));
    return { paid: paid.length, avgDaysToPaid: avg === null ? null : Math.round(avg * 10) / 10, waiting: waiting.length, oldestWaitingDays: oldest };
  };
  const coSell = group(true);
  const solo = group(false);
  const enough = coSell.paid >= MIN_SAMPLE && solo.paid >= MIN_SAMPLE;
  const coSellTax = enough && (coSell.avgDaysToPaid ?? 0) > (solo.avgDaysToPaid ?? 0);
  const mark: Mark = coSellTax ? "bad" : enough ? "good" : "none";
  return { coSell, solo, coSellTax, mark };
}

interface ShareMetric {
  deals: number;
  amountMinor: number;
  /** of the partner pipeline; null when there is none */
  share: number | null;
  mark: Mark;
}

interface GroupStats {
  won: number;
  lost: number;
  /** won ÷ (won + lost); null with no closed deal */
  winRate: number | null;
  /** average won amount in the program currency, rounded to a minor unit; null with no won deal in it */
  avgWonMinor: number | null;
  /** won deals in the program currency (the deal-size sample) */
  wonInCurrency: number;
  /** average whole days from registration to won; null with no won deal */
  avgDaysToClose: number | null;
}

interface PairingRank {
  pairingId: string;
  name: string;
  rank: number;
  openDeals: number;
  pipelineMinor: number;
  won: number;
  lost: number;
  winRate: number | null;
  avgWonMinor: number | null;
  /** with 4+ pairings: top 3 with pipeline or a win → "invest", bottom 3 of the rest → "review" */
  call: "invest" | "review" | null;
}

interface FirstDeal {
  pairingId: string;
  name: string;
  ageDays: number;
  /** days from the pairing's creation to its first deal; null when it has none yet */
  days: number | null;
  mark: Mark;
}

interface ScaleOrKill {
  pairingId: string;
  name: string;
  ageDays: number;
  call: "kill" | "scale" | "keep going";
  pipelineMinor: number;
  won: number;
}

interface PartnerRevenue {
  orgId: string;
  name: string;
  revenueMinor: number;
  share: number;
}

interface AttributionLine {
  orgId: string;
  name: string;
  internal: boolean;
  deals: number;
  /** credited revenue: the deal amount × this organization's credit, summed */
  creditedMinor: number;
  /** commission (partners only; our own credit is reported, never paid) */
  commissionMinor: number;
}

interface AttributionSummary {
  currency: string;
  deals: number;
  amountMinor: number;
  poolMinor: number;
  lines: AttributionLine[];
}

export interface ProgramMetrics {
  currency: string;
  /** open deals in other currencies (not in the money metrics) */
  otherCurrencies: { currency: string; openDeals: number; openMinor: number }[];
  partnerPipeline: { deals: number; amountMinor: number };
  coSellPipeline: ShareMetric;
  influencedPipeline: ShareMetric;
  winRate: { coSell: GroupStats; solo: GroupStats; liftPoints: number | null; mark: Mark };
  dealSize: { coSellAvgMinor: number | null; soloAvgMinor: number | null; ratio: number | null; mark: Mark };
  daysToClose: { coSellAvgDays: number | null; soloAvgDays: number | null; mark: Mark };
  ranking: PairingRank[];
  disputes: { records: number; disputed: number; rate: number; band: DisputeBand; mark: Mark };
  firstDeal: { pairings: FirstDeal[]; mark: Mark };
  scaleOrKill: { pairings: ScaleOrKill[]; kill: number; scale: number; mark: Mark };
  concentration: { partners: PartnerRevenue[]; totalMinor: number; topShare: number | null; mark: Mark };
  attribution: AttributionSummary[];
  /** open pipeline by stage in the program currency (for the chart) */
  pipelineByStage: { stage: OpenStage; deals: number; amountMinor: number }[];
  payoutCycle: ReturnType<typeof payoutCycle>;
}

/** The 90-day playbook's call on a pairing: no open deal and no win → end it; open pipeline and a win → scale it. */
export function scaleOrKillCall(hasOpenDeal: boolean, won: number): "scale" | "keep going" | "kill" {
  return !hasOpenDeal && won === 0 ? "kill" : hasOpenDeal && won > 0 ? "scale" : "keep going";
}

const wholeDays = (from: Date, to: Date) => Math.floor((to.getTime() - from.getTime()) / DAY_MS);

function average(values: number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((s, v) => s + v, 0) / values.length;
}

function shareMark(share: number | null, band: { low: number; high: number }): Mark {
  if (share === null) return "none";
  // Above the band is still good: more co-sell (or influenced) pipeline than the target.
  return share >= band.low ? "good" : "bad";
}

function groupStats(deals: MetricDeal[], currency: string): GroupStats {
  const won = deals.filter((d) => d.stage === "CLOSED_WON");
  const lost = deals.filter((d) => d.stage === "CLOSED_LOST");
  const wonInCurrency = won.filter((d) => d.currency === currency);
  const avgWon = average(wonInCurrency.map((d) => d.amountMinor));
  const days = won.filter((d) => d.closedAt).map((d) => wholeDays(d.registeredAt, d.closedAt!));
  const avgDays = average(days);
  return {
    won: won.length,
    lost: lost.length,
    winRate: won.length + lost.length === 0 ? null : won.length / (won.length + lost.length),
    avgWonMinor: avgWon === null ? null : Math.round(avgWon),
    wonInCurrency: wonInCurrency.length,
    avgDaysToClose: avgDays === null ? null : Math.round(avgDays * 10) / 10,
  };
}

/** The latest record (highest seq) per deal among `records`. */
function latestPerDeal<R extends { dealId: string; seq: number }>(records: readonly R[]): Map<string, R> {
  const out = new Map<string, R>();
  for (const r of records) {
    const cur = out.get(r.dealId);
    if (!cur || r.seq > cur.seq) out.set(r.dealId, r);
  }
  return out;
}

/** Splits a record's amount over its credits exactly (largest remainder), per organization. */
function creditedAmounts(r: MetricRecord): Map<string, number> {
  if (r.credits.length === 0 || r.amountMinor <= 0) return new Map();
  return largestRemainder(
    r.amountMinor,
    r.credits.map((c) => ({ key: c.orgId, tieBreak: c.orgName, weight: Math.max(0, c.creditBp) })),
  );
}

export function computeProgramMetrics(input: MetricsInput): ProgramMetrics {
  const { now, currency } = input;
  const orgById = new Map(input.orgs.map((o) => [o.id, o]));
  const partnerCounts = new Map<string, number>();
  for (const d of input.deals) partnerCounts.set(d.id, new Set(d.orgIds.filter((id) => orgById.get(id)?.internal === false)).size);
  const partnerCount = (d: MetricDeal) => partnerCounts.get(d.id) ?? 0;
  const isCoSell = (d: MetricDeal) => partnerCount(d) >= 2;
  const isSolo = (d: MetricDeal) => partnerCount(d) === 1;
  const open = input.deals.filter((d) => !isClosed(d.stage));
  const openInCurrency = open.filter((d) => d.currency === currency);
  const sum = (ds: MetricDeal[]) => ds.reduce((s, d) => s + d.amountMinor, 0);

  // Other currencies, listed rather than converted.
  const others = new Map<string, { openDeals: number; openMinor: number }>();
  for (const d of open) {
    if (d.currency === currency) continue;
    const o = others.get(d.currency) ?? { openDeals: 0, openMinor: 0 };
    o.openDeals++;
    o.openMinor += d.amountMinor;
    others.set(d.currency, o);
  }

  const partnerPipelineMinor = sum(openInCurrency);
  const shareOf = (ds: MetricDeal[], band: { low: number; high: number }): ShareMetric => {
    const amountMinor = sum(ds);
    const share = partnerPipelineMinor > 0 ? amountMinor / partnerPipelineMinor : null;
    return { deals: ds.length, amountMinor, share, mark: shareMark(share, band) };
  };

  // Partner-influenced: at least one touchpoint by a partner organization.
  const touchedByPartner = new Set<string>();
  for (const t of input.touchpoints) {
    if ((t.count ?? 1) > 0 && orgById.get(t.orgId)?.internal === false) touchedByPartner.add(t.dealId);
  }

  // Win rate, size, speed: co-sell vs solo.
  const coSell = groupStats(input.deals.filter(isCoSell), currency);
  const solo = groupStats(input.deals.filter(isSolo), currency);
  const closedCo = coSell.won + coSell.lost;
  const closedSolo = solo.won + solo.lost;
  let liftPoints: number | null = null;
  let winMark: Mark = "none";
  if (coSell.winRate !== null && solo.winRate !== null) {
    liftPoints = Math.round((coSell.winRate - solo.winRate) * 1000) / 10;
    if (closedCo >= MIN_SAMPLE && closedSolo >= MIN_SAMPLE) {
      winMark = liftPoints >= TARGETS.winRateLift.low ? "good" : liftPoints >= 0 ? "watch" : "bad";
    }
  }
  let sizeMark: Mark = "none";
  let ratio: number | null = null;
  if (coSell.avgWonMinor !== null && solo.avgWonMinor !== null && solo.avgWonMinor > 0) {
    ratio = coSell.avgWonMinor / solo.avgWonMinor;
    if (coSell.wonInCurrency >= MIN_SAMPLE && solo.wonInCurrency >= MIN_SAMPLE) sizeMark = coSell.avgWonMinor > solo.avgWonMinor ? "good" : "bad";
  }
  let speedMark: Mark = "none";
  if (coSell.avgDaysToClose !== null && solo.avgDaysToClose !== null && coSell.won >= MIN_SAMPLE && solo.won >= MIN_SAMPLE) {
    speedMark = coSell.avgDaysToClose <= solo.avgDaysToClose ? "good" : "watch";
  }

  // Per pairing.
  const byPairing = new Map<string, MetricDeal[]>();
  for (const d of input.deals) {
    const list = byPairing.get(d.pairingId) ?? [];
    list.push(d);
    byPairing.set(d.pairingId, list);
  }
  const rows = input.pairings.map((p) => {
    const ds = byPairing.get(p.id) ?? [];
    const openHere = ds.filter((d) => !isClosed(d.stage));
    const stats = groupStats(ds, currency);
    return {
      pairingId: p.id,
      name: p.name,
      rank: 0,
      openDeals: openHere.length,
      pipelineMinor: sum(openHere.filter((d) => d.currency === currency)),
      won: stats.won,
      lost: stats.lost,
      winRate: stats.winRate,
      avgWonMinor: stats.avgWonMinor,
      call: null as PairingRank["call"],
    };
  });
  rows.sort(
    (a, b) =>
      b.pipelineMinor - a.pipelineMinor ||
      (b.winRate ?? -1) - (a.winRate ?? -1) ||
      (b.avgWonMinor ?? -1) - (a.avgWonMinor ?? -1) ||
      a.name.localeCompare(b.name),
  );
  // "Invest in the top 3 pairings. Review the bottom 3." With 3 pairings or fewer every one is
  // in the top 3, so no call is made; a pairing with no pipeline and no win is never "invest".
  rows.forEach((r, i) => {
    r.rank = i + 1;
    if (rows.length <= 3) return;
    if (i < 3 && (r.pipelineMinor > 0 || r.won > 0)) r.call = "invest";
    else if (i >= Math.max(3, rows.length - 3)) r.call = "review";
  });

  // Disputes: deals with a record vs deals with a dispute on one of their records.
  const recordDeals = new Set(input.records.map((r) => r.dealId));
  const disputedDeals = new Set(input.disputes.filter((d) => recordDeals.has(d.dealId)).map((d) => d.dealId));
  const dr = disputeRate({ records: recordDeals.size, disputes: disputedDeals.size });
  const disputeMark: Mark = dr.band === "healthy" ? "good" : dr.band === "watch" ? "watch" : dr.band === "too few" ? "none" : "bad";

  // Time to first deal.
  const firstDeals: FirstDeal[] = input.pairings
    .map((p) => {
      const ds = byPairing.get(p.id) ?? [];
      const first = ds.reduce<Date | null>((m, d) => (m === null || d.registeredAt < m ? d.registeredAt : m), null);
      const ageDays = Math.max(0, wholeDays(p.createdAt, now));
      const days = first ? Math.max(0, wholeDays(p.createdAt, first)) : null;
      const mark: Mark = days !== null ? (days <= TARGETS.firstDealDays ? "good" : "bad") : ageDays > TARGETS.firstDealDays ? "bad" : "none";
      return { pairingId: p.id, name: p.name, ageDays, days, mark };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const firstMark: Mark = firstDeals.some((f) => f.mark === "bad") ? "bad" : firstDeals.some((f) => f.mark === "good") ? "good" : "none";

  // Scale or kill.
  const pairingById = new Map(input.pairings.map((p) => [p.id, p]));
  const sok: ScaleOrKill[] = rows
    .map((r) => {
      const p = pairingById.get(r.pairingId)!;
      const ds = byPairing.get(p.id) ?? [];
      const openAny = ds.some((d) => !isClosed(d.stage));
      const ageDays = Math.max(0, wholeDays(p.createdAt, now));
      const call = scaleOrKillCall(openAny, r.won);
      return { pairingId: p.id, name: p.name, ageDays, call, pipelineMinor: r.pipelineMinor, won: r.won };
    })
    .filter((s) => s.ageDays >= TARGETS.scaleOrKillDays)
    .sort((a, b) => a.name.localeCompare(b.name));
  const kill = sok.filter((s) => s.call === "kill").length;
  const scale = sok.filter((s) => s.call === "scale").length;
  const sokMark: Mark = sok.length === 0 ? "none" : kill > 0 ? "bad" : "good";

  // Revenue concentration: partner-credited revenue of deals won now (latest record each).
  const dealById = new Map(input.deals.map((d) => [d.id, d]));
  const latest = latestPerDeal(input.records);
  const revenue = new Map<string, number>();
  for (const r of latest.values()) {
    const deal = dealById.get(r.dealId);
    if (deal?.stage !== "CLOSED_WON" || r.currency !== currency) continue;
    for (const [orgId, amount] of creditedAmounts(r)) {
      if (orgById.get(orgId)?.internal !== false) continue;
      revenue.set(orgId, (revenue.get(orgId) ?? 0) + amount);
    }
  }
  const totalRevenue = [...revenue.values()].reduce((s, v) => s + v, 0);
  const partners: PartnerRevenue[] = [...revenue.entries()]
    .map(([orgId, revenueMinor]) => ({
      orgId,
      name: orgById.get(orgId)?.name ?? orgId,
      revenueMinor,
      share: totalRevenue > 0 ? revenueMinor / totalRevenue : 0,
    }))
    .sort((a, b) => b.revenueMinor - a.revenueMinor || a.name.localeCompare(b.name));
  const topShare = totalRevenue > 0 ? partners[0]!.share : null;
  const concMark: Mark = topShare === null ? "none" : topShare > TARGETS.concentration.bad ? "bad" : topShare > TARGETS.concentration.watch ? "watch" : "good";

  // Open pipeline by stage (program currency).
  const pipelineByStage = OPEN_STAGES.map((stage) => {
    const ds = openInCurrency.filter((d) => d.stage === stage);
    return { stage, deals: ds.length, amountMinor: sum(ds) };
  });

  return {
    currency,
    otherCurrencies: [...others.entries()].map(([c, v]) => ({ currency: c, ...v })).sort((a, b) => a.currency.localeCompare(b.currency)),
    partnerPipeline: { deals: openInCurrency.length, amountMinor: partnerPipelineMinor },
    coSellPipeline: shareOf(openInCurrency.filter(isCoSell), TARGETS.coSellShare),
    influencedPipeline: shareOf(
      openInCurrency.filter((d) => touchedByPartner.has(d.id)),
      TARGETS.influencedShare,
    ),
    winRate: { coSell, solo, liftPoints, mark: winMark },
    dealSize: { coSellAvgMinor: coSell.avgWonMinor, soloAvgMinor: solo.avgWonMinor, ratio, mark: sizeMark },
    daysToClose: { coSellAvgDays: coSell.avgDaysToClose, soloAvgDays: solo.avgDaysToClose, mark: speedMark },
    ranking: rows,
    disputes: { records: recordDeals.size, disputed: disputedDeals.size, rate: dr.rate, band: dr.band, mark: disputeMark },
    firstDeal: { pairings: firstDeals, mark: firstMark },
    scaleOrKill: { pairings: sok, kill, scale, mark: sokMark },
    concentration: { partners, totalMinor: totalRevenue, topShare, mark: concMark },
    attribution: attributionSummary(input.records, input.period, orgById),
    pipelineByStage,
    payoutCycle: payoutCycle(input.payoutLines ?? [], input.now),
  };
}

/**
 * Credit and commission per organization from the latest record per deal computed in the period
 * (the finance export's rule), one summary per currency.
 */
function attributionSummary(
  records: readonly MetricRecord[],
  period: { start: Date; end: Date },
  orgById: ReadonlyMap<string, MetricOrg>,
): AttributionSummary[] {
  const inPeriod = records.filter((r) => r.computedAt >= period.start && r.computedAt < period.end);
  const latest = latestPerDeal(inPeriod);
  const byCurrency = new Map<string, { deals: number; amountMinor: number; poolMinor: number; lines: Map<string, AttributionLine> }>();
  for (const r of latest.values()) {
    const cur = byCurrency.get(r.currency) ?? { deals: 0, amountMinor: 0, poolMinor: 0, lines: new Map<string, AttributionLine>() };
    cur.deals++;
    cur.amountMinor += r.amountMinor;
    const credited = creditedAmounts(r);
    for (const c of r.credits) {
      const line = cur.lines.get(c.orgId) ?? {
        orgId: c.orgId,
        name: orgById.get(c.orgId)?.name ?? c.orgName,
        internal: c.internal,
        deals: 0,
        creditedMinor: 0,
        commissionMinor: 0,
      };
      line.deals++;
      line.creditedMinor += credited.get(c.orgId) ?? 0;
      cur.lines.set(c.orgId, line);
    }
    for (const p of r.payouts) {
      const line = cur.lines.get(p.orgId);
      if (line && !line.internal) line.commissionMinor += p.amountMinor;
      cur.poolMinor += p.amountMinor;
    }
    byCurrency.set(r.currency, cur);
  }
  return [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, v]) => ({
      currency,
      deals: v.deals,
      amountMinor: v.amountMinor,
      poolMinor: v.poolMinor,
      lines: [...v.lines.values()].sort((a, b) => Number(a.internal) - Number(b.internal) || b.creditedMinor - a.creditedMinor || a.name.localeCompare(b.name)),
    }));
}

// ---------------------------------------------------------------------------
// The 90-day playbook targets of one pairing (the pairing digest).

export interface NinetyDayInput {
  pairingCreatedAt: Date;
  now: Date;
  /** deals registered in the pairing's first 90 days */
  registrationsFirst90: number;
  /** deals in an open stage now */
  activeDeals: number;
  /** the pairing's own targets (`/cosell setup targets`); null = the defaults */
  targets?: { registrations: number | null; activeDeals: number | null };
}

export interface NinetyDayProgress {
  /** whole days since the pairing was created */
  day: number;
  registrations: { count: number; target: number; mark: Mark; text: string };
  active: { count: number; low: number; high: number; mark: Mark; text: string };
}

/**
 * "Set a target: 5 co-sell deal registrations per pairing in the first 90 days" and "by day 60,
 * you should have at least 3-5 co-sell deals in active pipeline per pairing", measured from the
 * pairing's creation. Before the deadline a short count is "watch" (in progress), after it "bad".
 */
export function ninetyDayProgress(input: NinetyDayInput): NinetyDayProgress {
  const day = Math.max(0, wholeDays(input.pairingCreatedAt, input.now));
  const target = input.targets?.registrations ?? TARGETS.registrations90;
  const reg = input.registrationsFirst90;
  const regMark: Mark = reg >= target ? "good" : day < 90 ? "watch" : "bad";
  const regText =
    reg >= target
      ? `${reg} of ${target} registrations in the first 90 days — target met`
      : day < 90
        ? `${reg} of ${target} registrations — ${90 - day} days left in the first 90`
        : `${reg} of ${target} registrations in the first 90 days — target missed`;
  const low = input.targets?.activeDeals ?? TARGETS.activeDeals60.low;
  const high = Math.max(low, TARGETS.activeDeals60.high);
  const act = input.activeDeals;
  const actMark: Mark = act >= low ? "good" : day < 60 ? "watch" : "bad";
  const actText =
    act >= low
      ? `${act} active deal${act === 1 ? "" : "s"} (target ${low}–${high} by day 60)${act > high ? " — above target" : ""}`
      : day < 60
        ? `${act} active deal${act === 1 ? "" : "s"} — ${low}–${high} needed by day 60 (${60 - day} days left)`
        : `${act} active deal${act === 1 ? "" : "s"} — below the ${low}–${high} expected from day 60`;
  return { day, registrations: { count: reg, target, mark: regMark, text: regText }, active: { count: act, low, high, mark: actMark, text: actText } };
}
