// The quarterly partner review (QBR pack): one partner's quarter, measured. Pure: plain rows in,
// numbers out; qbr.ts loads the rows, render.ts draws them.
//
// The reference's quarterly review: influenced pipeline and deals co-sold; win rate and days to
// close per pairing; time to the first closed deal (target < 90 days); registration rate; intro
// conversion; mapping coverage; next quarter's targets. The definitions we chose are written
// down in docs/qbr.md.

import type { Stage } from "../../kernel/stages";
import { scaleOrKillCall, TARGETS, type MetricDeal } from "../digests/metrics";

const OPEN_STAGES = ["REGISTERED", "DISCOVERY", "TECHNICAL_VALIDATION", "PROPOSAL", "NEGOTIATION"] as const;
type OpenStage = (typeof OPEN_STAGES)[number];

/** Time to the first closed-won deal of a pairing the reference aims for. */
export const FIRST_CLOSE_TARGET_DAYS = 90;
/** The 90-day defaults are the pairing digest's (TARGETS), unless an admin set a pairing's own. */
export const DEFAULT_TARGETS = { registrations: TARGETS.registrations90, activeDeals: TARGETS.activeDeals60.low } as const;
/** A pairing marked "scale" (open pipeline and a win) gets its registration target raised by half, rounded up. */
const SCALE_RAISE = 1.5;

/** A deal as the program metrics see it, from one partner's side. */
export interface QbrDeal extends Omit<MetricDeal, "orgIds"> {
  registeredByPartner: boolean;
  registrationStatus: "SUBMITTED" | "APPROVED" | "REJECTED" | "RETURNED" | "EXPIRED";
  /** the partner holds the SOURCING role */
  sourcing: boolean;
  /** stage changes, oldest first */
  changes: { to: Stage; at: Date }[];
}

export interface Window {
  start: Date;
  end: Date;
}

const inWindow = (at: Date | null, w: Window) => at !== null && at >= w.start && at < w.end;
const DAY = 86_400_000;

export interface QuarterFigures {
  /** deals registered in the quarter, sourced by the partner vs influenced (involved, not sourcing) */
  pipeline: { sourced: Money; influenced: Money };
  /** deals won in the quarter */
  revenue: { sourced: Money; influenced: Money };
  won: number;
  lost: number;
  /** won ÷ (won + lost) of deals closed in the quarter; null with none closed */
  winRate: number | null;
  avgWonMinor: number | null;
  /** average days from registration to won */
  avgDaysToClose: number | null;
  /** deals registered by the partner's people in the quarter, and how the decided ones went */
  registrations: { count: number; approved: number; rejected: number; pending: number; approvalRate: number | null };
}

export interface Money {
  deals: number;
  /** in the program currency; deals in other currencies are counted in `otherCurrency` */
  amountMinor: number;
  otherCurrency: number;
}

function money(deals: readonly QbrDeal[], currency: string): Money {
  const same = deals.filter((d) => d.currency === currency);
  return { deals: deals.length, amountMinor: same.reduce((n, d) => n + d.amountMinor, 0), otherCurrency: deals.length - same.length };
}

const avg = (xs: readonly number[]) => (xs.length === 0 ? null : Math.round(xs.reduce((a, b) => a + b, 0) / xs.length));

/** One quarter of one partner's deals (those it is involved in). */
export function quarterFigures(deals: readonly QbrDeal[], w: Window, currency: string): QuarterFigures {
  const registered = deals.filter((d) => inWindow(d.registeredAt, w));
  const won = deals.filter((d) => d.stage === "CLOSED_WON" && inWindow(d.closedAt, w));
  const lost = deals.filter((d) => d.stage === "CLOSED_LOST" && inWindow(d.closedAt, w));
  const theirs = registered.filter((d) => d.registeredByPartner);
  const approved = theirs.filter((d) => d.registrationStatus === "APPROVED" || d.registrationStatus === "EXPIRED").length;
  const rejected = theirs.filter((d) => d.registrationStatus === "REJECTED").length;
  const wonSame = won.filter((d) => d.currency === currency);
  return {
    pipeline: {
      sourced: money(
        registered.filter((d) => d.sourcing),
        currency,
      ),
      influenced: money(
        registered.filter((d) => !d.sourcing),
        currency,
      ),
    },
    revenue: {
      sourced: money(
        won.filter((d) => d.sourcing),
        currency,
      ),
      influenced: money(
        won.filter((d) => !d.sourcing),
        currency,
      ),
    },
    won: won.length,
    lost: lost.length,
    winRate: won.length + lost.length === 0 ? null : won.length / (won.length + lost.length),
    avgWonMinor: avg(wonSame.map((d) => d.amountMinor)),
    avgDaysToClose: avg(won.map((d) => Math.round((d.closedAt!.getTime() - d.registeredAt.getTime()) / DAY))),
    registrations: {
      count: theirs.length,
      approved,
      rejected,
      pending: theirs.length - approved - rejected,
      approvalRate: approved + rejected === 0 ? null : approved / (approved + rejected),
    },
  };
}

/** A deal's stage at an instant (from its changes), or null when it was not registered yet. */
export function stageAt(d: QbrDeal, at: Date): Stage | null {
  if (d.registeredAt >= at) return null;
  let stage: Stage = "REGISTERED";
  for (const c of d.changes) if (c.at < at) stage = c.to;
  return stage;
}

/** The open pipeline by stage at an instant (the quarter's end, and last quarter's), in the program currency. */
export function pipelineByStage(deals: readonly QbrDeal[], at: Date, currency: string): { stage: OpenStage; deals: number; amountMinor: number }[] {
  return OPEN_STAGES.map((stage) => {
    const here = deals.filter((d) => stageAt(d, at) === stage);
    return { stage, deals: here.length, amountMinor: here.filter((d) => d.currency === currency).reduce((n, d) => n + d.amountMinor, 0) };
  });
}

export interface PairingReview {
  pairingId: string;
  name: string;
  ageDays: number;
  won: number;
  lost: number;
  winRate: number | null;
  avgDaysToClose: number | null;
  /** days from the pairing's start to its first won deal; null while none */
  daysToFirstWin: number | null;
  firstWinMark: "good" | "bad" | "watch";
  call: "scale" | "keep going" | "kill";
  targets: { registrations: number; activeDeals: number; raised: boolean; overridden: boolean };
}

/** Each pairing of the partner: this quarter's win rate and days to close, time to its first win, and next quarter's targets. */
export function pairingReviews(
  pairings: readonly { id: string; name: string; createdAt: Date; targetRegistrations: number | null; targetActiveDeals: number | null }[],
  deals: readonly QbrDeal[],
  w: Window,
  now: Date,
): PairingReview[] {
  return pairings.map((p) => {
    const mine = deals.filter((d) => d.pairingId === p.id);
    const q = quarterFigures(mine, w, mine[0]?.currency ?? "USD");
    const wins = mine.filter((d) => d.stage === "CLOSED_WON" && d.closedAt).map((d) => d.closedAt!.getTime());
    const first = wins.length > 0 ? Math.min(...wins) : null;
    const ageDays = Math.max(0, Math.floor((now.getTime() - p.createdAt.getTime()) / DAY));
    const daysToFirstWin = first === null ? null : Math.max(0, Math.floor((first - p.createdAt.getTime()) / DAY));
    const call = scaleOrKillCall(
      mine.some((d) => !d.stage.startsWith("CLOSED")),
      wins.length,
    );
    const overridden = p.targetRegistrations !== null || p.targetActiveDeals !== null;
    const base = p.targetRegistrations ?? DEFAULT_TARGETS.registrations;
    // An admin's own target is kept as set; the default is raised for a pairing to scale.
    const raised = call === "scale" && p.targetRegistrations === null;
    return {
      pairingId: p.id,
      name: p.name,
      ageDays,
      won: q.won,
      lost: q.lost,
      winRate: q.winRate,
      avgDaysToClose: q.avgDaysToClose,
      daysToFirstWin,
      firstWinMark:
        daysToFirstWin !== null ? (daysToFirstWin <= FIRST_CLOSE_TARGET_DAYS ? "good" : "bad") : ageDays > FIRST_CLOSE_TARGET_DAYS ? "bad" : "watch",
      call,
      targets: {
        registrations: raised ? Math.ceil(base * SCALE_RAISE) : base,
        activeDeals: p.targetActiveDeals ?? DEFAULT_TARGETS.activeDeals,
        raised,
        overridden,
      },
    };
  });
}

/** Intro requests of the quarter that became a registration (a deal on the same domain in the partner's pairings, registered at or after the request). */
export function introConversion(
  requests: readonly { domain: string; createdAt: Date }[],
  registrations: readonly { domain: string; registeredAt: Date }[],
): { requests: number; converted: number; rate: number | null } {
  const converted = requests.filter((r) => registrations.some((d) => d.domain === r.domain && d.registeredAt >= r.createdAt)).length;
  return { requests: requests.length, converted, rate: requests.length === 0 ? null : converted / requests.length };
}
