import { describe, expect, it } from "vitest";
import { payoutCycle } from "../../../src/features/digests/metrics";
import {
  computeAttribution,
  DEFAULT_ATTRIBUTION_CONFIG,
  validateAttributionConfig,
  type AttributionConfig,
  type AttributionInput,
} from "../../../src/features/attribution/engine";
import { DEFAULT_INCENTIVES, timingTierOf, upliftAmount, validateIncentives } from "../../../src/kernel/incentives";
import { planSupersede } from "../../../src/features/incentives/payout-lines";

// DESIGN "Incentive rules": the worked examples, pinned.

const ladder: AttributionConfig = { ...DEFAULT_ATTRIBUTION_CONFIG, incentives: { ...DEFAULT_INCENTIVES, rateMode: "TIMING_LADDER" } };

function deal(
  amountMinor: number,
  credits: { id: string; name: string; internal?: boolean; share: number }[],
  timing: Partial<NonNullable<AttributionInput["incentive"]>> = {},
): AttributionInput {
  // Influence with touchpoints in the proportions wanted gives exact credit shares.
  return {
    amountMinor,
    currency: "USD",
    coSellModel: "SELL_WITH",
    explicitModel: "INFLUENCE",
    participants: credits.map((c) => ({ orgId: c.id, orgName: c.name, internal: c.internal ?? false, roles: ["INFLUENCE"] })),
    touchpoints: credits.map((c) => ({ orgId: c.id, type: "MEETING", count: c.share })),
    incentive: { timingTier: "EARLY", timingReason: "Early: registered before any customer meeting.", registrationStatus: "APPROVED", uplifts: [], ...timing },
  };
}

describe("timing ladder (DESIGN worked examples)", () => {
  it("1. EARLY, $100,000.00, one partner → 25% = $25,000.00, all to it", () => {
    const r = computeAttribution(deal(10_000_000, [{ id: "a", name: "A", share: 1 }]), ladder);
    expect(r.pool).toMatchObject({ rateBp: 2500, amountMinor: 2_500_000, mode: "TIMING_LADDER", timingTier: "EARLY" });
    expect(r.payouts).toEqual([{ orgId: "a", orgName: "A", amountMinor: 2_500_000 }]);
  });

  it("2. AFTER_FIRST_MEETING, credit A 40 / B 35 / us 25 → rate 27.5%, A $14,666.67, B $12,833.33", () => {
    const input = deal(
      10_000_000,
      [
        { id: "a", name: "A", share: 40 },
        { id: "b", name: "B", share: 35 },
        { id: "us", name: "Us", internal: true, share: 25 },
      ],
      { timingTier: "AFTER_FIRST_MEETING" },
    );
    const r = computeAttribution(input, ladder);
    expect(r.pool).toMatchObject({ rateBp: 2750, amountMinor: 2_750_000, timingTier: "AFTER_FIRST_MEETING" });
    expect(r.payouts.map((p) => [p.orgName, p.amountMinor])).toEqual([
      ["A", 1_466_667],
      ["B", 1_283_333],
    ]);
  });

  it("3. LATE_STAGE $50,000.00 solo → $7,500.00; UNREGISTERED $80,000.00 solo → $8,000.00", () => {
    expect(computeAttribution(deal(5_000_000, [{ id: "a", name: "A", share: 1 }], { timingTier: "LATE_STAGE" }), ladder).pool?.amountMinor).toBe(750_000);
    expect(computeAttribution(deal(8_000_000, [{ id: "a", name: "A", share: 1 }], { timingTier: "UNREGISTERED" }), ladder).pool?.amountMinor).toBe(800_000);
  });

  it("a registration rejected or expired at win pays the not-registered rate, whatever its tier", () => {
    const r = computeAttribution(deal(8_000_000, [{ id: "a", name: "A", share: 1 }], { timingTier: "EARLY", registrationStatus: "EXPIRED" }), ladder);
    expect(r.pool).toMatchObject({ rateBp: 1000, amountMinor: 800_000, timingTier: "UNREGISTERED" });
    expect(r.pool?.timingReason).toContain("expired");
  });

  it("4. uplift +5% for A in example 2 → a separate line of $2,666.67; the pool stays $27,500.00", () => {
    expect(upliftAmount(10_000_000, 500, 4000, 7500)).toBe(266_667);
    const input = deal(
      10_000_000,
      [
        { id: "a", name: "A", share: 40 },
        { id: "b", name: "B", share: 35 },
        { id: "us", name: "Us", internal: true, share: 25 },
      ],
      { timingTier: "AFTER_FIRST_MEETING", uplifts: [{ orgId: "a", bp: 500, label: "co-sell bonus uplift (2026-Q3)" }] },
    );
    const r = computeAttribution(input, ladder);
    expect(r.pool?.amountMinor).toBe(2_750_000);
    expect(r.uplifts).toEqual([{ orgId: "a", orgName: "A", label: "co-sell bonus uplift (2026-Q3)", bp: 500, amountMinor: 266_667 }]);
  });

  it("fixed mode pays today's solo and co-sell rates, unchanged by a timing tier", () => {
    const r = computeAttribution(deal(10_000_000, [{ id: "a", name: "A", share: 1 }], { timingTier: "UNREGISTERED" }), DEFAULT_ATTRIBUTION_CONFIG);
    expect(r.pool).toEqual({ rateBp: 2000, rateKind: "solo", amountMinor: 2_000_000 });
  });
});

describe("timing tier from evidence: the worst of declared and shown", () => {
  const base = { declared: "NONE" as const, stageAtRegistration: "REGISTERED" as const, claimedAfterClose: false, touchpointsBefore: [] };
  it("nothing before the registration → Early", () => {
    expect(timingTierOf(base)).toEqual({ tier: "EARLY", reason: "Early: registered before any customer meeting." });
  });
  it("a meeting dated before the registration → After first meeting, with the date", () => {
    const r = timingTierOf({ ...base, touchpointsBefore: [{ type: "MEETING", at: new Date("2026-11-02T10:00:00Z") }] });
    expect(r.tier).toBe("AFTER_FIRST_MEETING");
    expect(r.reason).toContain("2026-11-02");
  });
  it("declared late stage beats a first meeting; registered at Proposal is late stage; claimed after close is not registered", () => {
    expect(timingTierOf({ ...base, declared: "LATE_STAGE", touchpointsBefore: [{ type: "DEMO", at: new Date() }] }).tier).toBe("LATE_STAGE");
    expect(timingTierOf({ ...base, stageAtRegistration: "PROPOSAL" }).tier).toBe("LATE_STAGE");
    expect(timingTierOf({ ...base, declared: "FIRST_MEETING" }).tier).toBe("AFTER_FIRST_MEETING");
    expect(timingTierOf({ ...base, claimedAfterClose: true }).tier).toBe("UNREGISTERED");
  });
});

describe("incentive settings", () => {
  it("a config saved before incentives reads as FIXED with the defaults", () => {
    const { incentives: _, ...old } = DEFAULT_ATTRIBUTION_CONFIG;
    const r = validateAttributionConfig(old);
    expect(r.ok && r.config.incentives).toEqual(DEFAULT_INCENTIVES);
  });
  it("a ladder that pays more for registering later is refused, under its field", () => {
    const r = validateIncentives({ ladderRatesBp: { EARLY: 1000, AFTER_FIRST_MEETING: 2000 } });
    expect(r.errors.map((e) => e.field)).toContain("incentives.ladderRatesBp.AFTER_FIRST_MEETING");
  });
});

describe("a recompute supersedes unpaid lines and nets paid ones", () => {
  it("voids pending/approved lines and pays only the difference on a paid one", () => {
    const plan = planSupersede(
      [
        { id: "l1", orgId: "a", kind: "COMMISSION", label: "commission", amountMinor: 100_000, status: "PAID" },
        { id: "l2", orgId: "b", kind: "COMMISSION", label: "commission", amountMinor: 50_000, status: "APPROVED" },
      ],
      [
        { orgId: "a", kind: "COMMISSION", label: "commission", amountMinor: 120_000 },
        { orgId: "b", kind: "COMMISSION", label: "commission", amountMinor: 40_000 },
      ],
      "USD",
      (id) => id.toUpperCase(),
    );
    expect(plan.voidIds).toEqual(["l2"]);
    expect(plan.lines).toEqual([
      { orgId: "a", kind: "COMMISSION", label: "commission", amountMinor: 20_000 },
      { orgId: "b", kind: "COMMISSION", label: "commission", amountMinor: 40_000 },
    ]);
    expect(plan.steps[0]).toContain("1 earlier payout line was not paid yet");
  });
});

describe("the co-sell tax (days from won to paid)", () => {
  const won = new Date("2026-10-01T00:00:00Z");
  const day = 86_400_000;
  const line = (coSell: boolean, days: number | null) => ({ coSell, wonAt: won, paidAt: days === null ? null : new Date(won.getTime() + days * day) });
  const now = new Date(won.getTime() + 60 * day);

  it("flags co-sell lines that wait longer than solo ones", () => {
    const c = payoutCycle([line(true, 30), line(true, 40), line(true, 50), line(false, 10), line(false, 20), line(false, 30), line(true, null)], now);
    expect(c.coSell).toEqual({ paid: 3, avgDaysToPaid: 40, waiting: 1, oldestWaitingDays: 60 });
    expect(c.solo).toEqual({ paid: 3, avgDaysToPaid: 20, waiting: 0, oldestWaitingDays: null });
    expect(c.coSellTax).toBe(true);
    expect(c.mark).toBe("bad");
  });

  it("the same cycle for both is good; too few paid lines mark nothing", () => {
    expect(payoutCycle([line(true, 10), line(true, 10), line(true, 10), line(false, 10), line(false, 12), line(false, 8)], now)).toMatchObject({
      coSellTax: false,
      mark: "good",
    });
    expect(payoutCycle([line(true, 90), line(false, 1)], now)).toMatchObject({ coSellTax: false, mark: "none" });
  });
});
