import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeAttribution, DEFAULT_ATTRIBUTION_CONFIG, type AttributionConfig, type AttributionInput } from "../../../src/features/attribution/engine";
import { draftsOf, planSupersede } from "../../../src/features/incentives/payout-lines";
import { DEFAULT_INCENTIVES, TIMING_TIERS, upliftAmount, type IncentiveConfig } from "../../../src/kernel/incentives";

// Incentive properties over every rate mode, timing tier and tier perk: each deal's commission
// lines sum exactly to its pool (uplifts are extra lines, exact to their formula), credits sum to
// 10,000 bp, and a frozen config version pays the same whatever a later version says.

const ladderArb = fc
  .array(fc.integer({ min: 0, max: 5000 }), { minLength: 4, maxLength: 4 })
  .map((xs) => [...xs].sort((a, b) => b - a))
  .map(([a, b, c, d]) => ({ EARLY: a!, AFTER_FIRST_MEETING: b!, LATE_STAGE: c!, UNREGISTERED: d! }));

const incentivesArb: fc.Arbitrary<IncentiveConfig> = fc
  .record({
    rateMode: fc.constantFrom("FIXED" as const, "TIMING_LADDER" as const),
    ladderRatesBp: ladderArb,
    coSellUpliftBp: fc.integer({ min: 0, max: 5000 }),
  })
  .map((x) => ({ ...DEFAULT_INCENTIVES, ...x }));

const configArb: fc.Arbitrary<AttributionConfig> = fc
  .record({ incentives: incentivesArb, solo: fc.integer({ min: 0, max: 5000 }), extra: fc.integer({ min: 0, max: 5000 }) })
  .map(({ incentives, solo, extra }) => ({ ...DEFAULT_ATTRIBUTION_CONFIG, soloPoolRateBp: solo, coSellPoolRateBp: solo + extra, incentives }));

const dealArb: fc.Arbitrary<AttributionInput> = fc
  .record({
    partners: fc.integer({ min: 1, max: 4 }),
    amountMinor: fc.oneof(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 1000 })),
    timingTier: fc.option(fc.constantFrom(...TIMING_TIERS), { nil: null }),
    registrationStatus: fc.constantFrom("APPROVED", "APPROVED", "REJECTED", "EXPIRED", "SUBMITTED"),
    upliftBp: fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 4, maxLength: 4 }),
    roles: fc.array(fc.constantFrom("SOURCING" as const, "SELLING" as const, "TECHNICAL_VALIDATION" as const, "INFLUENCE" as const), {
      minLength: 5,
      maxLength: 5,
    }),
  })
  .map((d) => ({
    amountMinor: d.amountMinor,
    currency: "USD",
    coSellModel: "SELL_WITH" as const,
    explicitModel: null,
    participants: [
      { orgId: "us", orgName: "Us", internal: true, roles: ["SELLING" as const] },
      ...Array.from({ length: d.partners }, (_, i) => ({ orgId: `p${i}`, orgName: `Partner ${i}`, internal: false, roles: [d.roles[i]!] })),
    ],
    touchpoints: [],
    incentive: {
      timingTier: d.timingTier,
      timingReason: d.timingTier ? "test" : null,
      registrationStatus: d.registrationStatus,
      uplifts: Array.from({ length: d.partners }, (_, i) => ({ orgId: `p${i}`, bp: d.upliftBp[i]!, label: "tier uplift" })).filter((u) => u.bp > 0),
    },
  }));

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

describe("incentive properties", () => {
  it("every mode and tier: commission lines sum exactly to the pool, credits to 10,000 bp, uplifts exact and outside the pool", () => {
    fc.assert(
      fc.property(dealArb, configArb, (deal, cfg) => {
        const r = computeAttribution(deal, cfg);
        expect(sum(r.credits.map((c) => c.creditBp))).toBe(10000);
        const drafts = draftsOf(r);
        const commission = drafts.filter((d) => d.kind === "COMMISSION");
        if (r.pool) expect(sum(commission.map((d) => d.amountMinor))).toBe(r.pool.amountMinor);
        else expect(commission).toEqual([]);
        const partnerBp = sum(r.credits.filter((c) => !c.internal && c.creditBp > 0).map((c) => c.creditBp));
        for (const u of r.uplifts ?? []) {
          const c = r.credits.find((x) => x.orgId === u.orgId)!;
          expect(u.amountMinor).toBe(upliftAmount(deal.amountMinor, u.bp, c.creditBp, partnerBp));
        }
        // The ladder pays the Not registered rate when the registration was not approved at win;
        // a deal with no timing on record (registered before incentives) pays After first meeting.
        if (r.pool && cfg.incentives.rateMode === "TIMING_LADDER") {
          const tier = deal.incentive!.registrationStatus === "APPROVED" ? (deal.incentive!.timingTier ?? "AFTER_FIRST_MEETING") : "UNREGISTERED";
          const expected = cfg.incentives.ladderRatesBp[tier] + (r.pool.rateKind === "co-sell" ? cfg.incentives.coSellUpliftBp : 0);
          expect(r.pool.rateBp).toBe(expected);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("a frozen config version pays the same whatever a later version says", () => {
    fc.assert(
      fc.property(dealArb, configArb, configArb, (deal, frozen, later) => {
        const before = computeAttribution(deal, frozen);
        // A later version exists (saved with another number); the deal still computes with its own.
        void computeAttribution(deal, { ...later, version: frozen.version + 1 });
        expect(computeAttribution(deal, frozen)).toEqual(before);
      }),
      { numRuns: 200 },
    );
  });

  it("a recompute never pays twice: paid + new lines = what the new record pays, per partner", () => {
    fc.assert(
      fc.property(dealArb, configArb, configArb, fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), (deal, c1, c2, paidFlags) => {
        const first = draftsOf(computeAttribution(deal, c1));
        const earlier = first.map((d, i) => ({ id: `l${i}`, ...d, status: paidFlags[i % 8] ? "PAID" : "APPROVED" }));
        const next = draftsOf(computeAttribution(deal, c2));
        const plan = planSupersede(earlier, next, "USD", (id) => id);
        const key = (d: { orgId: string; kind: string; label: string }) => `${d.orgId}|${d.kind}|${d.label}`;
        const total = new Map<string, number>();
        for (const l of earlier) if (l.status === "PAID") total.set(key(l), (total.get(key(l)) ?? 0) + l.amountMinor);
        for (const l of plan.lines) total.set(key(l), (total.get(key(l)) ?? 0) + l.amountMinor);
        const want = new Map<string, number>();
        for (const d of next) want.set(key(d), (want.get(key(d)) ?? 0) + d.amountMinor);
        for (const k of new Set([...total.keys(), ...want.keys()])) expect(total.get(k) ?? 0).toBe(want.get(k) ?? 0);
        expect(plan.voidIds.sort()).toEqual(
          earlier
            .filter((l) => l.status !== "PAID")
            .map((l) => l.id)
            .sort(),
        );
      }),
      { numRuns: 300 },
    );
  });
});
