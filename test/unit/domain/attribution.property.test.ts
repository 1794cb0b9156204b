import fc from "fast-check";
import { DEFAULT_INCENTIVES } from "../../../src/kernel/incentives";
import { describe, expect, it } from "vitest";
import {
  computeAttribution,
  ROLES,
  TOUCHPOINT_TYPES,
  validateAttributionConfig,
  type AttributionConfig,
  type AttributionInput,
  type AttributionModel,
  type CoSellModel,
  type Role,
  type TouchpointType,
} from "../../../src/features/attribution/engine";

// ---------------------------------------------------------------------------
// arbitraries

/** Five whole percents adding up to 100, from four cut points on [0, 100]. */
const rolePercentsArb = fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 4, maxLength: 4 }).map((cuts) => {
  const c = [0, ...[...cuts].sort((a, b) => a - b), 100];
  const out = {} as Record<Role, number>;
  ROLES.forEach((r, i) => (out[r] = c[i + 1]! - c[i]!));
  return out;
});

const weightArb = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 100 }));

const configArb: fc.Arbitrary<AttributionConfig> = fc
  .record({
    version: fc.integer({ min: 1, max: 50 }),
    rolePercents: fc.oneof(rolePercentsArb, fc.constant({ SOURCING: 20, SELLING: 40, TECHNICAL_VALIDATION: 25, INFLUENCE: 15, IMPLEMENTATION: 0 })),
    sellThroughPrimaryPercent: fc.integer({ min: 60, max: 80 }),
    touchpointWeights: fc.tuple(...TOUCHPOINT_TYPES.map(() => weightArb)).map((ws) => {
      const out = {} as Record<TouchpointType, number>;
      TOUCHPOINT_TYPES.forEach((t, i) => (out[t] = ws[i]!));
      return out;
    }),
    rates: fc.tuple(fc.integer({ min: 0, max: 10000 }), fc.integer({ min: 0, max: 10000 })),
    currency: fc.constantFrom("USD", "EUR", "GBP", "CHF", "JPY", "BHD"),
  })
  .map(({ rates, ...rest }) => ({
    ...rest,
    soloPoolRateBp: Math.min(...rates),
    coSellPoolRateBp: Math.max(...rates),
    incentives: DEFAULT_INCENTIVES,
  }));

// Names repeat and differ only in case sometimes, to exercise A→Z tie-breaking.
const nameArb = fc.constantFrom("Acme", "acme", "Beta", "alpha", "Zeta", "Gamma", "Us", "Ω Corp");

const dealArb: fc.Arbitrary<AttributionInput> = fc
  .record({
    orgs: fc.array(
      fc.record({
        orgName: nameArb,
        internal: fc.boolean(),
        roles: fc.subarray([...ROLES]),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    touchpoints: fc.array(
      fc.record({
        orgIndex: fc.integer({ min: 0, max: 6 }), // 6 can point at an org not on the deal
        type: fc.constantFrom(...TOUCHPOINT_TYPES),
        count: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 10_000 })),
      }),
      { maxLength: 12 },
    ),
    amountMinor: fc.oneof(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 1000 }), fc.constant(Number.MAX_SAFE_INTEGER)),
    currency: fc.constantFrom("USD", "EUR", "JPY", "BHD", "CHF"),
    coSellModel: fc.constantFrom<CoSellModel>("SELL_WITH", "SELL_THROUGH", "SELL_TO"),
    explicitModel: fc.option(fc.constantFrom<AttributionModel>("ROLE_SPLIT", "SELL_THROUGH", "SELL_TO", "SOURCE_WINS", "INFLUENCE"), { nil: null }),
  })
  .map(({ orgs, touchpoints, ...rest }) => ({
    ...rest,
    participants: orgs.map((o, i) => ({ ...o, orgId: `org-${i}` })),
    touchpoints: touchpoints.map((t) => ({ orgId: `org-${t.orgIndex}`, type: t.type, count: t.count })),
  }));

/** A permutation of `xs` driven by random sort keys. */
const shuffle = <T>(xs: readonly T[], keys: readonly number[]): T[] =>
  xs
    .map((x, i) => ({ x, k: keys[i % Math.max(1, keys.length)] ?? 0, i }))
    .sort((a, b) => a.k - b.k || b.i - a.i)
    .map((e) => e.x);

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

// ---------------------------------------------------------------------------

describe("attribution properties", () => {
  it("the generated configs are valid", () => {
    fc.assert(
      fc.property(configArb, (cfg) => {
        expect(validateAttributionConfig(cfg).ok).toBe(true);
      }),
    );
  });

  it("credits: every participant once, non-negative, summing to exactly 10000 bp, sorted desc", () => {
    fc.assert(
      fc.property(dealArb, configArb, (deal, cfg) => {
        const r = computeAttribution(deal, cfg);
        expect(r.credits.map((c) => c.orgId).sort()).toEqual(deal.participants.map((p) => p.orgId).sort());
        for (const c of r.credits) {
          expect(Number.isInteger(c.creditBp)).toBe(true);
          expect(c.creditBp).toBeGreaterThanOrEqual(0);
        }
        expect(sum(r.credits.map((c) => c.creditBp))).toBe(10000);
        for (let i = 1; i < r.credits.length; i++) {
          expect(r.credits[i - 1]!.creditBp).toBeGreaterThanOrEqual(r.credits[i]!.creditBp);
        }
        expect(r.steps.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it("pool and payouts: right rate, amount rounded half up, payouts sum exactly to the pool, internal never paid", () => {
    fc.assert(
      fc.property(dealArb, configArb, (deal, cfg) => {
        const r = computeAttribution(deal, cfg);
        const creditedPartners = r.credits.filter((c) => !c.internal && c.creditBp > 0);
        const internalIds = new Set(deal.participants.filter((p) => p.internal).map((p) => p.orgId));

        if (creditedPartners.length === 0) {
          expect(r.pool).toBeNull();
          expect(r.payouts).toEqual([]);
          return;
        }
        const pool = r.pool;
        expect(pool).not.toBeNull();
        if (!pool) return;
        const solo = creditedPartners.length === 1;
        expect(pool.rateKind).toBe(solo ? "solo" : "co-sell");
        expect(pool.rateBp).toBe(solo ? cfg.soloPoolRateBp : cfg.coSellPoolRateBp);

        // pool = amount × rate / 10000 rounded half up: exact − ½ ≤ pool < exact + ½
        const exact2 = 2n * BigInt(deal.amountMinor) * BigInt(pool.rateBp); // 2 × 10000 × exact
        const pool2 = 20000n * BigInt(pool.amountMinor);
        expect(pool2 - exact2 > -10000n).toBe(true);
        expect(pool2 - exact2 <= 10000n).toBe(true);

        expect(r.payouts.map((p) => p.orgId).sort()).toEqual(creditedPartners.map((c) => c.orgId).sort());
        expect(sum(r.payouts.map((p) => p.amountMinor))).toBe(pool.amountMinor);
        const partnerBp = BigInt(sum(creditedPartners.map((c) => c.creditBp)));
        for (const p of r.payouts) {
          expect(internalIds.has(p.orgId)).toBe(false);
          expect(Number.isInteger(p.amountMinor)).toBe(true);
          expect(p.amountMinor).toBeGreaterThanOrEqual(0);
          // within one minor unit of its exact proportional share
          const bp = BigInt(r.credits.find((c) => c.orgId === p.orgId)!.creditBp);
          const exactNum = BigInt(pool.amountMinor) * bp; // exact = exactNum / partnerBp
          const got = BigInt(p.amountMinor) * partnerBp;
          expect(got > exactNum - partnerBp && got < exactNum + partnerBp).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("does not depend on the order of participants, their roles or touchpoints", () => {
    fc.assert(
      fc.property(dealArb, configArb, fc.array(fc.double({ noNaN: true }), { minLength: 1, maxLength: 12 }), (deal, cfg, keys) => {
        const shuffled: AttributionInput = {
          ...deal,
          participants: shuffle(deal.participants, keys).map((p) => ({ ...p, roles: shuffle(p.roles, keys) })),
          touchpoints: shuffle(deal.touchpoints, [...keys].reverse()),
        };
        expect(computeAttribution(shuffled, cfg)).toEqual(computeAttribution(deal, cfg));
      }),
      { numRuns: 300 },
    );
  });

  it("Role Split rounds once: each credit is within 1 bp of its exact share", () => {
    fc.assert(
      fc.property(dealArb, configArb, (deal, cfg) => {
        const r = computeAttribution({ ...deal, explicitModel: "ROLE_SPLIT" }, cfg);
        const n = (role: Role) => deal.participants.filter((p) => p.roles.includes(role)).length;
        const held = ROLES.filter((role) => n(role) > 0);
        const heldPct = sum(held.map((role) => cfg.rolePercents[role]));
        if (heldPct === 0) {
          // degenerate: equal split, explained
          expect(r.steps.some((s) => s.startsWith("Fallback:"))).toBe(true);
          return;
        }
        // exact credit = 10000 × Σ_{role of org} (pct_role / n_role) / heldPct; common denominator 60060·heldPct
        // (60060 = lcm(1..6) × 143 is divisible by every n_role ≤ 6)
        const D = 60060n * BigInt(heldPct);
        for (const p of deal.participants) {
          let exactNum = 0n; // exact credit = exactNum / D
          for (const role of new Set(p.roles)) {
            exactNum += (10000n * 60060n * BigInt(cfg.rolePercents[role])) / BigInt(n(role)); // exact division
          }
          const got = BigInt(r.credits.find((c) => c.orgId === p.orgId)!.creditBp) * D;
          expect(got > exactNum - D && got < exactNum + D).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
