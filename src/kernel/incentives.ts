// Incentive rules (README "Incentives", DESIGN "Incentive rules"): the registration-timing
// ladder, uplifts, the co-sell bonus and partner tiers. Pure: no I/O; the clock and the
// program's timezone are arguments. Money in integer minor units, rates in basis points.

import type { TouchpointType } from "./vocabulary";
import type { Stage } from "./stages";
import { localParts, zonedTimeToUtc } from "./sla-clock";

export const TIMING_TIERS = ["EARLY", "AFTER_FIRST_MEETING", "LATE_STAGE", "UNREGISTERED"] as const;
export type TimingTier = (typeof TIMING_TIERS)[number];

export const TIMING_LABEL: Record<TimingTier, string> = {
  EARLY: "Early",
  AFTER_FIRST_MEETING: "After first meeting",
  LATE_STAGE: "Late stage",
  UNREGISTERED: "Not registered",
};

/** The registrant's answer to "Has anyone met the customer about this yet?". */
export const TIMING_ANSWERS = ["NONE", "FIRST_MEETING", "LATE_STAGE"] as const;
export type TimingAnswer = (typeof TIMING_ANSWERS)[number];
export const TIMING_ANSWER_LABEL: Record<TimingAnswer, string> = {
  NONE: "No",
  FIRST_MEETING: "A first meeting happened",
  LATE_STAGE: "Already in late-stage evaluation",
};

export type PartnerTier = "PLATINUM" | "GOLD" | "SILVER" | "INACTIVE";
export const PARTNER_TIER_LABEL: Record<PartnerTier, string> = { PLATINUM: "Platinum", GOLD: "Gold", SILVER: "Silver", INACTIVE: "Inactive" };

/**
 * Touchpoints with the customer in the room: one dated before the registration means the
 * registrant was not first. Emails, intros and integration mentions are not meetings.
 */
export const CUSTOMER_FACING: readonly TouchpointType[] = ["MEETING", "DEMO", "PROPOSAL_REVIEW", "EXEC_ALIGNMENT", "POC"];

const RANK: Record<TimingTier, number> = { EARLY: 0, AFTER_FIRST_MEETING: 1, LATE_STAGE: 2, UNREGISTERED: 3 };
/** The worse (later) of two tiers. */
export function worseTier(a: TimingTier, b: TimingTier): TimingTier {
  return RANK[a] >= RANK[b] ? a : b;
}

export interface TimingEvidence {
  declared: TimingAnswer;
  stageAtRegistration: Stage;
  claimedAfterClose: boolean;
  /** customer-facing touchpoints dated before the registration */
  touchpointsBefore: { type: TouchpointType; at: Date }[];
}

export interface TimingResult {
  tier: TimingTier;
  /** one sentence for the card and the receipt */
  reason: string;
}

const STAGE_WORD: Partial<Record<Stage, string>> = {
  DISCOVERY: "Discovery",
  TECHNICAL_VALIDATION: "Technical validation",
  PROPOSAL: "Proposal",
  NEGOTIATION: "Negotiation",
  CLOSED_WON: "Closed won",
};

/**
 * The tier is the worst of what the registrant declared and what the evidence shows: a
 * deal recorded after it closed is UNREGISTERED; a deal registered at Proposal or Negotiation,
 * or declared late-stage, is LATE_STAGE; a deal registered in Discovery or Technical
 * validation, a declared first meeting, or a customer-facing touchpoint dated before the
 * registration is AFTER_FIRST_MEETING; otherwise EARLY.
 */
export function timingTierOf(e: TimingEvidence): TimingResult {
  if (e.claimedAfterClose || e.stageAtRegistration === "CLOSED_WON") {
    return { tier: "UNREGISTERED", reason: "Not registered: recorded by an admin after the deal closed." };
  }
  const why: { tier: TimingTier; reason: string }[] = [];
  if (e.stageAtRegistration === "PROPOSAL" || e.stageAtRegistration === "NEGOTIATION") {
    why.push({ tier: "LATE_STAGE", reason: `Late stage: registered at ${STAGE_WORD[e.stageAtRegistration]}.` });
  }
  if (e.declared === "LATE_STAGE")
    why.push({ tier: "LATE_STAGE", reason: "Late stage: the registrant said the customer was already in late-stage evaluation." });
  const first = [...e.touchpointsBefore].sort((a, b) => a.at.getTime() - b.at.getTime())[0];
  if (first) {
    const n = e.touchpointsBefore.length;
    why.push({
      tier: "AFTER_FIRST_MEETING",
      reason: `After first meeting: ${n} customer touchpoint${n === 1 ? "" : "s"} dated before the registration (the first on ${first.at.toISOString().slice(0, 10)}).`,
    });
  }
  if (e.stageAtRegistration === "DISCOVERY" || e.stageAtRegistration === "TECHNICAL_VALIDATION") {
    why.push({ tier: "AFTER_FIRST_MEETING", reason: `After first meeting: registered at ${STAGE_WORD[e.stageAtRegistration]}.` });
  }
  if (e.declared === "FIRST_MEETING")
    why.push({ tier: "AFTER_FIRST_MEETING", reason: "After first meeting: the registrant said a first meeting had happened." });
  const worst = why.reduce<{ tier: TimingTier; reason: string } | null>((w, x) => (w === null || RANK[x.tier] > RANK[w.tier] ? x : w), null);
  return worst ?? { tier: "EARLY", reason: "Early: registered before any customer meeting." };
}

// ---------------------------------------------------------------------------
// The incentive part of the attribution config

export type RateMode = "FIXED" | "TIMING_LADDER";
type BonusKind = "AMOUNT" | "UPLIFT";

interface TierPerk {
  /** a rate uplift on the partner's deals, as a separate line */
  upliftBp: number;
  /** a shorter approval SLA for the partner's registrations; null = the program's */
  approvalSlaHours: number | null;
}

export interface IncentiveConfig {
  rateMode: RateMode;
  ladderRatesBp: Record<TimingTier, number>;
  coSellUpliftBp: number;
  bonus: { threshold: number; kind: BonusKind; amountMinor: number; upliftBp: number };
  /** trailing-12-month credited revenue, minor units of the program currency */
  tierThresholdsMinor: { PLATINUM: number; GOLD: number; SILVER: number };
  tierPerks: Record<Exclude<PartnerTier, "INACTIVE">, TierPerk>;
}

export const DEFAULT_INCENTIVES: IncentiveConfig = Object.freeze({
  rateMode: "FIXED",
  ladderRatesBp: Object.freeze({ EARLY: 2500, AFTER_FIRST_MEETING: 2000, LATE_STAGE: 1500, UNREGISTERED: 1000 }),
  coSellUpliftBp: 750,
  bonus: Object.freeze({ threshold: 3, kind: "AMOUNT", amountMinor: 500_000, upliftBp: 500 }),
  tierThresholdsMinor: Object.freeze({ PLATINUM: 50_000_000, GOLD: 10_000_000, SILVER: 2_500_000 }),
  tierPerks: Object.freeze({
    PLATINUM: Object.freeze({ upliftBp: 0, approvalSlaHours: null }),
    GOLD: Object.freeze({ upliftBp: 0, approvalSlaHours: null }),
    SILVER: Object.freeze({ upliftBp: 0, approvalSlaHours: null }),
  }),
}) as IncentiveConfig;

type FieldError = { field: string; message: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isIntIn = (v: unknown, min: number, max: number): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= min && v <= max;
const shown = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v));

/**
 * Checks the incentive settings of a stored or edited config. Absent (a version saved before
 * incentives) → the defaults, which pay exactly as before (rate mode FIXED, no perks).
 */
export function validateIncentives(input: unknown): { config: IncentiveConfig; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (input === undefined) return { config: DEFAULT_INCENTIVES, errors };
  if (!isRecord(input)) return { config: DEFAULT_INCENTIVES, errors: [{ field: "incentives", message: `Incentives must be an object (got ${shown(input)})` }] };
  const d = DEFAULT_INCENTIVES;
  const bp = (field: string, v: unknown, fallback: number) => {
    if (v === undefined) return fallback;
    if (isIntIn(v, 0, 10000)) return v;
    errors.push({ field, message: `${field} must be a whole number of basis points from 0 to 10000 (got ${shown(v)})` });
    return fallback;
  };
  const rateMode = input.rateMode ?? d.rateMode;
  if (rateMode !== "FIXED" && rateMode !== "TIMING_LADDER")
    errors.push({ field: "incentives.rateMode", message: `The rate mode is FIXED or TIMING_LADDER (got ${shown(rateMode)})` });
  const lr = isRecord(input.ladderRatesBp) ? input.ladderRatesBp : {};
  const ladderRatesBp = Object.fromEntries(TIMING_TIERS.map((t) => [t, bp(`incentives.ladderRatesBp.${t}`, lr[t], d.ladderRatesBp[t])])) as Record<
    TimingTier,
    number
  >;
  for (let i = 1; i < TIMING_TIERS.length; i++) {
    const [a, b] = [TIMING_TIERS[i - 1]!, TIMING_TIERS[i]!];
    if (ladderRatesBp[b] > ladderRatesBp[a]) {
      errors.push({
        field: `incentives.ladderRatesBp.${b}`,
        message: `The ${TIMING_LABEL[b]} rate may not be higher than the ${TIMING_LABEL[a]} rate: registering later must not pay more`,
      });
    }
  }
  const coSellUpliftBp = bp("incentives.coSellUpliftBp", input.coSellUpliftBp, d.coSellUpliftBp);
  if (ladderRatesBp.EARLY + coSellUpliftBp > 10000)
    errors.push({ field: "incentives.coSellUpliftBp", message: "The Early rate plus the co-sell uplift is more than 100%" });
  const b = isRecord(input.bonus) ? input.bonus : {};
  const threshold = b.threshold ?? d.bonus.threshold;
  if (!isIntIn(threshold, 1, 1000))
    errors.push({
      field: "incentives.bonus.threshold",
      message: `The bonus threshold is a whole number of co-sell wins from 1 to 1000 (got ${shown(threshold)})`,
    });
  const kind = b.kind ?? d.bonus.kind;
  if (kind !== "AMOUNT" && kind !== "UPLIFT") errors.push({ field: "incentives.bonus.kind", message: `The bonus is AMOUNT or UPLIFT (got ${shown(kind)})` });
  const amountMinor = b.amountMinor ?? d.bonus.amountMinor;
  if (!isIntIn(amountMinor, 0, Number.MAX_SAFE_INTEGER))
    errors.push({ field: "incentives.bonus.amountMinor", message: `The bonus amount is a whole number of minor units (got ${shown(amountMinor)})` });
  const upliftBp = bp("incentives.bonus.upliftBp", b.upliftBp, d.bonus.upliftBp);
  const th = isRecord(input.tierThresholdsMinor) ? input.tierThresholdsMinor : {};
  const thresholds = { ...d.tierThresholdsMinor };
  for (const t of ["PLATINUM", "GOLD", "SILVER"] as const) {
    const v = th[t] ?? d.tierThresholdsMinor[t];
    if (isIntIn(v, 0, Number.MAX_SAFE_INTEGER)) thresholds[t] = v;
    else
      errors.push({
        field: `incentives.tierThresholdsMinor.${t}`,
        message: `The ${PARTNER_TIER_LABEL[t]} threshold is a whole number of minor units (got ${shown(v)})`,
      });
  }
  if (!(thresholds.PLATINUM >= thresholds.GOLD && thresholds.GOLD >= thresholds.SILVER)) {
    errors.push({ field: "incentives.tierThresholdsMinor", message: "Tier thresholds must go down from Platinum to Gold to Silver" });
  }
  const tp = isRecord(input.tierPerks) ? input.tierPerks : {};
  const tierPerks = { ...d.tierPerks };
  for (const t of ["PLATINUM", "GOLD", "SILVER"] as const) {
    const p = isRecord(tp[t]) ? tp[t] : {};
    const sla = p.approvalSlaHours ?? null;
    if (sla !== null && !isIntIn(sla, 1, 720))
      errors.push({
        field: `incentives.tierPerks.${t}.approvalSlaHours`,
        message: `The ${PARTNER_TIER_LABEL[t]} approval SLA is 1 to 720 hours, or none (got ${shown(sla)})`,
      });
    tierPerks[t] = { upliftBp: bp(`incentives.tierPerks.${t}.upliftBp`, p.upliftBp, 0), approvalSlaHours: isIntIn(sla, 1, 720) ? sla : null };
  }
  return {
    config: {
      rateMode: rateMode === "TIMING_LADDER" ? "TIMING_LADDER" : "FIXED",
      ladderRatesBp,
      coSellUpliftBp,
      bonus: {
        threshold: isIntIn(threshold, 1, 1000) ? threshold : d.bonus.threshold,
        kind: kind === "UPLIFT" ? "UPLIFT" : "AMOUNT",
        amountMinor: isIntIn(amountMinor, 0, Number.MAX_SAFE_INTEGER) ? amountMinor : d.bonus.amountMinor,
        upliftBp,
      },
      tierThresholdsMinor: thresholds,
      tierPerks,
    },
    errors,
  };
}

/**
 * An uplift line: amount × uplift × credit_p / Σ partner credit / 10000, rounded half up. It
 * never changes the pool.
 */
export function upliftAmount(amountMinor: number, upliftBp: number, creditBp: number, partnerBp: number): number {
  if (partnerBp <= 0) return 0;
  const num = BigInt(amountMinor) * BigInt(upliftBp) * BigInt(creditBp);
  const den = BigInt(partnerBp) * 10000n;
  return Number((2n * num + den) / (2n * den));
}

// ---------------------------------------------------------------------------
// Quarters in the program's timezone

export interface Quarter {
  label: string;
  year: number;
  q: number;
  start: Date;
  end: Date;
}

function quarterOf(year: number, q: number, timezone: string): Quarter {
  const y2 = q === 4 ? year + 1 : year;
  const q2 = q === 4 ? 1 : q + 1;
  return {
    label: `${year}-Q${q}`,
    year,
    q,
    start: zonedTimeToUtc({ y: year, m: (q - 1) * 3 + 1, d: 1, h: 0, mi: 0 }, timezone),
    end: zonedTimeToUtc({ y: y2, m: (q2 - 1) * 3 + 1, d: 1, h: 0, mi: 0 }, timezone),
  };
}

/** The quarter an instant falls in, in the program's timezone. */
export function quarterAt(at: Date, timezone: string): Quarter {
  const p = localParts(at, timezone);
  return quarterOf(p.y, Math.floor((p.m - 1) / 3) + 1, timezone);
}

/** The quarter before `q`, in the same timezone. */
export function previousQuarter(q: Quarter, timezone: string): Quarter {
  return quarterAt(new Date(q.start.getTime() - 1), timezone);
}

/** The quarter after `q`, in the same timezone. */
export function nextQuarter(q: Quarter, timezone: string): Quarter {
  return quarterAt(q.end, timezone);
}

/** The tier a trailing-12-month credited revenue earns (thresholds inclusive). */
export function partnerTierFor(revenueMinor: number, thresholds: IncentiveConfig["tierThresholdsMinor"]): PartnerTier {
  if (revenueMinor >= thresholds.PLATINUM) return "PLATINUM";
  if (revenueMinor >= thresholds.GOLD) return "GOLD";
  if (revenueMinor >= thresholds.SILVER) return "SILVER";
  return "INACTIVE";
}

/** A partner's credited revenue on one deal: amount × credit / 10000, half up. */
export function creditedRevenue(amountMinor: number, creditBp: number): number {
  const num = BigInt(amountMinor) * BigInt(creditBp);
  return Number((2n * num + 10000n) / 20000n);
}
