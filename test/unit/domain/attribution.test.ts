import { describe, expect, it } from "vitest";
import {
  chooseModel,
  computeAttribution,
  DEFAULT_ATTRIBUTION_CONFIG,
  ROLES,
  TOUCHPOINT_TYPES,
  validateAttributionConfig,
  type AttributionConfig,
  type AttributionInput,
  type AttributionModel,
  type AttributionParticipant,
  type AttributionResult,
  type CoSellModel,
  type Role,
  type TouchpointType,
} from "../../../src/features/attribution/engine";
import { largestRemainder } from "../../../src/kernel/money";

// ---------------------------------------------------------------------------
// helpers

const partner = (orgName: string, ...roles: Role[]): AttributionParticipant => ({
  orgId: `org-${orgName.toLowerCase()}`,
  orgName,
  internal: false,
  roles,
});
const internal = (orgName: string, ...roles: Role[]): AttributionParticipant => ({
  ...partner(orgName, ...roles),
  internal: true,
});
const tp = (orgName: string, type: TouchpointType, count: number) => ({
  orgId: `org-${orgName.toLowerCase()}`,
  type,
  count,
});

function config(overrides: Partial<AttributionConfig> = {}): AttributionConfig {
  return {
    ...DEFAULT_ATTRIBUTION_CONFIG,
    rolePercents: { ...DEFAULT_ATTRIBUTION_CONFIG.rolePercents },
    touchpointWeights: { ...DEFAULT_ATTRIBUTION_CONFIG.touchpointWeights },
    ...overrides,
  };
}

function run(
  deal: Partial<AttributionInput> & { participants: AttributionParticipant[] },
  cfg: AttributionConfig = DEFAULT_ATTRIBUTION_CONFIG,
): AttributionResult {
  return computeAttribution({ amountMinor: 10_000_000, currency: "USD", coSellModel: "SELL_WITH", touchpoints: [], ...deal }, cfg);
}

/** creditBp by org name */
const credits = (r: AttributionResult) => Object.fromEntries(r.credits.map((c) => [c.orgName, c.creditBp]));
/** payout by org name */
const payouts = (r: AttributionResult) => Object.fromEntries(r.payouts.map((p) => [p.orgName, p.amountMinor]));
const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

// ---------------------------------------------------------------------------

describe("DEFAULT_ATTRIBUTION_CONFIG", () => {
  it("is the published program default and is valid", () => {
    expect(DEFAULT_ATTRIBUTION_CONFIG.version).toBe(1);
    expect(DEFAULT_ATTRIBUTION_CONFIG.rolePercents).toEqual({
      SOURCING: 20,
      SELLING: 40,
      TECHNICAL_VALIDATION: 25,
      INFLUENCE: 15,
      IMPLEMENTATION: 0,
    });
    expect(DEFAULT_ATTRIBUTION_CONFIG.sellThroughPrimaryPercent).toBe(70);
    expect(DEFAULT_ATTRIBUTION_CONFIG.soloPoolRateBp).toBe(2000);
    expect(DEFAULT_ATTRIBUTION_CONFIG.coSellPoolRateBp).toBe(2750);
    for (const t of TOUCHPOINT_TYPES) expect(DEFAULT_ATTRIBUTION_CONFIG.touchpointWeights[t]).toBe(1);
    expect(validateAttributionConfig(DEFAULT_ATTRIBUTION_CONFIG)).toEqual({
      ok: true,
      config: DEFAULT_ATTRIBUTION_CONFIG,
    });
  });

  it("cannot be mutated by accident", () => {
    expect(() => {
      (DEFAULT_ATTRIBUTION_CONFIG.rolePercents as Record<Role, number>).SELLING = 99;
    }).toThrow();
    expect(DEFAULT_ATTRIBUTION_CONFIG.rolePercents.SELLING).toBe(40);
  });
});

describe("validateAttributionConfig", () => {
  const base = () => JSON.parse(JSON.stringify(DEFAULT_ATTRIBUTION_CONFIG)) as Record<string, any>;

  it.each([
    {
      name: "percentages that do not add up to 100",
      edit: (c: Record<string, any>) => (c.rolePercents.SOURCING = 15),
      field: "rolePercents",
      message: "Role percentages add up to 95, they must add up to 100",
    },
    {
      name: "percentages above 100 in total",
      edit: (c: Record<string, any>) => (c.rolePercents.IMPLEMENTATION = 10),
      field: "rolePercents",
      message: "Role percentages add up to 110, they must add up to 100",
    },
    {
      name: "a fractional role percentage",
      edit: (c: Record<string, any>) => (c.rolePercents.SELLING = 40.5),
      field: "rolePercents.SELLING",
      message: "The percentage for SELLING must be a whole number from 0 to 100 (got 40.5)",
    },
    {
      name: "a negative role percentage (even if the sum is 100)",
      edit: (c: Record<string, any>) => {
        c.rolePercents.SELLING = -5;
        c.rolePercents.SOURCING = 65;
      },
      field: "rolePercents.SELLING",
      message: "The percentage for SELLING must be a whole number from 0 to 100 (got -5)",
    },
    {
      name: "a missing role",
      edit: (c: Record<string, any>) => delete c.rolePercents.INFLUENCE,
      field: "rolePercents.INFLUENCE",
      message: "The percentage for INFLUENCE is missing",
    },
    {
      name: "an unknown role",
      edit: (c: Record<string, any>) => (c.rolePercents.RESELLING = 0),
      field: "rolePercents.RESELLING",
      message: expect.stringContaining('"RESELLING" is not a role'),
    },
    {
      name: "a primary share above 80",
      edit: (c: Record<string, any>) => (c.sellThroughPrimaryPercent = 85),
      field: "sellThroughPrimaryPercent",
      message: "The sell-through primary share must be a whole percentage from 60 to 80 (got 85)",
    },
    {
      name: "a primary share below 60",
      edit: (c: Record<string, any>) => (c.sellThroughPrimaryPercent = 59),
      field: "sellThroughPrimaryPercent",
      message: "The sell-through primary share must be a whole percentage from 60 to 80 (got 59)",
    },
    {
      name: "a negative touchpoint weight",
      edit: (c: Record<string, any>) => (c.touchpointWeights.DEMO = -1),
      field: "touchpointWeights.DEMO",
      message: "The weight for DEMO touchpoints must be a whole number from 0 to 100 (got -1)",
    },
    {
      name: "a fractional touchpoint weight",
      edit: (c: Record<string, any>) => (c.touchpointWeights.POC = 1.5),
      field: "touchpointWeights.POC",
      message: "The weight for POC touchpoints must be a whole number from 0 to 100 (got 1.5)",
    },
    {
      name: "a touchpoint weight above 100",
      edit: (c: Record<string, any>) => (c.touchpointWeights.MEETING = 101),
      field: "touchpointWeights.MEETING",
      message: "The weight for MEETING touchpoints must be a whole number from 0 to 100 (got 101)",
    },
    {
      name: "a solo rate above 100%",
      edit: (c: Record<string, any>) => (c.soloPoolRateBp = 10001),
      field: "soloPoolRateBp",
      message: "The solo pool rate must be a whole number of basis points from 0 to 10000 (got 10001)",
    },
    {
      name: "a rate given as a fraction",
      edit: (c: Record<string, any>) => (c.coSellPoolRateBp = 0.275),
      field: "coSellPoolRateBp",
      message: "The co-sell pool rate must be a whole number of basis points from 0 to 10000 (got 0.275)",
    },
    {
      name: "a co-sell rate below the solo rate",
      edit: (c: Record<string, any>) => (c.coSellPoolRateBp = 1500),
      field: "coSellPoolRateBp",
      message: "The co-sell pool rate (15.00%) must be at least the solo pool rate (20.00%)",
    },
    {
      name: "a lower-case currency",
      edit: (c: Record<string, any>) => (c.currency = "usd"),
      field: "currency",
      message: 'The currency must be a 3-letter uppercase code such as USD (got "usd")',
    },
    {
      name: "a version of 0",
      edit: (c: Record<string, any>) => (c.version = 0),
      field: "version",
      message: "Version must be a whole number of at least 1 (got 0)",
    },
  ])("rejects $name with a specific message", ({ edit, field, message }) => {
    const c = base();
    edit(c);
    const r = validateAttributionConfig(c);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([{ field, message }]);
  });

  it("accepts the boundaries", () => {
    const c = base();
    c.rolePercents = { SOURCING: 0, SELLING: 100, TECHNICAL_VALIDATION: 0, INFLUENCE: 0, IMPLEMENTATION: 0 };
    c.sellThroughPrimaryPercent = 60;
    c.touchpointWeights.DEMO = 0;
    c.touchpointWeights.POC = 100;
    c.soloPoolRateBp = 10000;
    c.coSellPoolRateBp = 10000;
    expect(validateAttributionConfig(c).ok).toBe(true);
    c.sellThroughPrimaryPercent = 80;
    c.soloPoolRateBp = 0;
    c.coSellPoolRateBp = 0;
    expect(validateAttributionConfig(c).ok).toBe(true);
  });

  it("reports every problem at once", () => {
    const c = base();
    c.rolePercents.SOURCING = 30;
    c.sellThroughPrimaryPercent = 90;
    c.currency = "EURO";
    const r = validateAttributionConfig(c);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field).sort()).toEqual(["currency", "rolePercents", "sellThroughPrimaryPercent"]);
  });

  it.each([null, 42, "config", [], undefined])("rejects %s as not an object", (input) => {
    const r = validateAttributionConfig(input);
    expect(r.ok).toBe(false);
  });

  it("rejects missing sections", () => {
    const r = validateAttributionConfig({ version: 1 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const fields = r.errors.map((e) => e.field);
      for (const f of ["rolePercents", "sellThroughPrimaryPercent", "touchpointWeights", "soloPoolRateBp", "coSellPoolRateBp", "currency"]) {
        expect(fields).toContain(f);
      }
    }
  });

  it("returns a clean copy, detached from the input", () => {
    const c = base();
    c.somethingElse = "ignored";
    const r = validateAttributionConfig(c);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config).not.toHaveProperty("somethingElse");
    c.rolePercents.SELLING = 0;
    expect(r.config.rolePercents.SELLING).toBe(40);
  });

  it("computeAttribution refuses an invalid config (programmer error)", () => {
    expect(() => run({ participants: [partner("Acme", "SELLING")] }, config({ sellThroughPrimaryPercent: 90 }))).toThrow(/sellThroughPrimaryPercent/);
  });
});

describe("chooseModel (hybrid)", () => {
  it.each<[CoSellModel, AttributionModel]>([
    ["SELL_WITH", "ROLE_SPLIT"],
    ["SELL_THROUGH", "SELL_THROUGH"],
    ["SELL_TO", "SELL_TO"],
  ])("without an explicit model, %s → %s", (coSell, model) => {
    for (const explicit of [undefined, null]) {
      const c = chooseModel(coSell, explicit);
      expect(c.model).toBe(model);
      expect(c.reason).toMatch(/no model was chosen at registration/i);
      expect(c.reason).toContain(coSell.toLowerCase().replace("_", "-"));
    }
  });

  const explicitCases: [CoSellModel, AttributionModel][] = [];
  for (const coSell of ["SELL_WITH", "SELL_THROUGH", "SELL_TO"] as const) {
    for (const model of ["ROLE_SPLIT", "SELL_THROUGH", "SELL_TO", "SOURCE_WINS", "INFLUENCE"] as const) {
      explicitCases.push([coSell, model]);
    }
  }
  it.each(explicitCases)("an explicit choice wins: %s deal registered with %s", (coSell, model) => {
    const c = chooseModel(coSell, model);
    expect(c.model).toBe(model);
    expect(c.reason).toMatch(/chosen explicitly/);
  });

  it("records the choice and its reason in the result", () => {
    const r = run({
      coSellModel: "SELL_WITH",
      explicitModel: "SOURCE_WINS",
      participants: [partner("Acme", "SOURCING"), partner("Beta", "SELLING")],
    });
    expect(r.model).toBe("SOURCE_WINS");
    expect(r.modelReason).toMatch(/Source Wins was chosen explicitly/);
    expect(r.steps[0]).toContain(r.modelReason);
    expect(credits(r)).toEqual({ Acme: 10000, Beta: 0 });
  });
});

describe("Role Split", () => {
  it.each<{ name: string; participants: AttributionParticipant[]; expected: Record<string, number> }>([
    {
      name: "every role held by a different organization: the published percentages",
      participants: [
        partner("Src", "SOURCING"),
        partner("Sel", "SELLING"),
        partner("Tec", "TECHNICAL_VALIDATION"),
        partner("Inf", "INFLUENCE"),
        partner("Imp", "IMPLEMENTATION"),
      ],
      expected: { Src: 2000, Sel: 4000, Tec: 2500, Inf: 1500, Imp: 0 },
    },
    {
      name: "only SOURCING and SELLING held: 20/60 and 40/60, the extra bp to the larger remainder",
      // 3333.33… and 6666.66… → floors 3333 + 6666 = 9999; SELLING's .67 beats SOURCING's .33
      participants: [partner("Aardvark", "SOURCING"), partner("Zebra", "SELLING")],
      expected: { Aardvark: 3333, Zebra: 6667 },
    },
    {
      name: "INFLUENCE missing: redistributed over 85%, two leftover bp",
      // 20/85 = 23.5294%, 40/85 = 47.0588%, 25/85 = 29.4118% → floors 2352 + 4705 + 2941 = 9998
      participants: [partner("A", "SOURCING"), partner("B", "SELLING"), partner("C", "TECHNICAL_VALIDATION")],
      expected: { A: 2353, B: 4706, C: 2941 },
    },
    {
      name: "two organizations in SELLING share it equally; the 3-way tie goes A→Z",
      // each 20/60 = 33.333…% → 3333 each, the leftover bp to the first name A→Z
      participants: [partner("Zed", "SOURCING"), partner("beta", "SELLING"), partner("Alpha", "SELLING")],
      expected: { Alpha: 3334, beta: 3333, Zed: 3333 },
    },
    {
      name: "one organization in two roles sums its shares",
      // (20 + 40)/85 = 70.588% and 25/85 = 29.412%
      participants: [partner("Both", "SOURCING", "SELLING"), partner("Tech", "TECHNICAL_VALIDATION")],
      expected: { Both: 7059, Tech: 2941 },
    },
    {
      name: "multi-role plus a shared role",
      // held SELLING 40 + INFLUENCE 15 = 55; Multi = (20 + 15)/55 = 63.636%, Single = 20/55 = 36.364%
      participants: [partner("Multi", "SELLING", "INFLUENCE"), partner("Single", "SELLING")],
      expected: { Multi: 6364, Single: 3636 },
    },
    {
      name: "three sellers: one rounding step over all organizations",
      // held 85: SOURCING 2352.94, each seller 40/3/85 = 1568.63, TECH 2941.18
      // floors 2352 + 3×1568 + 2941 = 9997 → +1 to A (.94), then B and C (.63, ties A→Z), not D or E (.18)
      participants: [partner("A", "SOURCING"), partner("B", "SELLING"), partner("C", "SELLING"), partner("D", "SELLING"), partner("E", "TECHNICAL_VALIDATION")],
      expected: { A: 2353, B: 1569, C: 1569, D: 1568, E: 2941 },
    },
    {
      name: "IMPLEMENTATION (0%) alongside real roles earns nothing",
      participants: [partner("Seller", "SELLING"), partner("Impl", "IMPLEMENTATION"), partner("Idle")],
      expected: { Seller: 10000, Impl: 0, Idle: 0 },
    },
  ])("$name", ({ participants, expected }) => {
    const r = run({ coSellModel: "SELL_WITH", participants });
    expect(r.model).toBe("ROLE_SPLIT");
    expect(credits(r)).toEqual(expected);
    expect(sum(r.credits.map((c) => c.creditBp))).toBe(10000);
  });

  it("explains the redistribution in the words of the brief", () => {
    const r = run({ participants: [partner("Acme", "SOURCING"), partner("Beta", "SELLING")] });
    expect(r.steps).toContain("Roles held: SOURCING (20%), SELLING (40%) → redistributed over 60%: SOURCING 33.33%, SELLING 66.67%");
    expect(r.steps.some((s) => s.includes("TECHNICAL_VALIDATION (25%), INFLUENCE (15%)"))).toBe(true);
    expect(r.steps).toContain("Beta: SELLING → 66.67%");
    expect(r.steps.some((s) => /Rounding: .*1 bp.*Beta/.test(s))).toBe(true);
  });

  it("explains a shared role", () => {
    const r = run({ participants: [partner("Acme", "SELLING"), partner("Beta", "SELLING")] });
    expect(r.steps.some((s) => s.includes("SELLING") && s.includes("shared equally by 2 organizations"))).toBe(true);
    expect(credits(r)).toEqual({ Acme: 5000, Beta: 5000 });
  });

  it("uses the program's own percentages", () => {
    const cfg = config({
      rolePercents: { SOURCING: 50, SELLING: 30, TECHNICAL_VALIDATION: 10, INFLUENCE: 10, IMPLEMENTATION: 0 },
      version: 7,
    });
    const r = run({ participants: [partner("Src", "SOURCING"), partner("Sel", "SELLING")] }, cfg);
    // 50/80 = 62.5%, 30/80 = 37.5%
    expect(credits(r)).toEqual({ Src: 6250, Sel: 3750 });
    expect(r.configVersion).toBe(7);
  });
});

describe("commission follows attribution", () => {
  it("pins the reference example: pool $10,000 with credits 40/35/25 → $4,000 / $3,500 / $2,500", () => {
    // Influence model with 8/7/5 touchpoints gives credits 40/35/25; the default co-sell
    // rate on $36,363.64 gives $10,000.001, rounded half up to $10,000.00.
    const r = run({
      explicitModel: "INFLUENCE",
      amountMinor: 3_636_364,
      participants: [partner("Acme", "INFLUENCE"), partner("Beta", "INFLUENCE"), partner("Gamma", "INFLUENCE")],
      touchpoints: [tp("Acme", "MEETING", 8), tp("Beta", "DEMO", 7), tp("Gamma", "EMAIL", 5)],
    });
    expect(credits(r)).toEqual({ Acme: 4000, Beta: 3500, Gamma: 2500 });
    expect(r.pool).toEqual({ rateBp: 2750, rateKind: "co-sell", amountMinor: 1_000_000 });
    expect(payouts(r)).toEqual({ Acme: 400_000, Beta: 350_000, Gamma: 250_000 });
    expect(r.steps).toContain("Acme: 40.00% of credit → $4,000.00");
    expect(r.steps).toContain("Beta: 35.00% of credit → $3,500.00");
    expect(r.steps).toContain("Gamma: 25.00% of credit → $2,500.00");
    expect(r.steps.some((s) => s.startsWith("Pool: $36,363.64 × 27.50% = $10,000.00 (co-sell rate: 3 partners have credit"))).toBe(true);
    expect(r.steps.some((s) => /rounded half up/.test(s))).toBe(true);
  });

  it("pins the reference example on the payout split itself", () => {
    const split = largestRemainder(1_000_000, [
      { key: "acme", tieBreak: "Acme", weight: 4000 },
      { key: "beta", tieBreak: "Beta", weight: 3500 },
      { key: "gamma", tieBreak: "Gamma", weight: 2500 },
    ]);
    expect(Object.fromEntries(split)).toEqual({ acme: 400_000, beta: 350_000, gamma: 250_000 });
  });

  it("uses the co-sell rate when two partners have credit", () => {
    const r = run({ amountMinor: 10_000_000, participants: [partner("Acme", "SOURCING"), partner("Beta", "SELLING")] });
    expect(r.pool).toEqual({ rateBp: 2750, rateKind: "co-sell", amountMinor: 2_750_000 });
    expect(r.steps).toContain("Pool: $100,000.00 × 27.50% = $27,500.00 (co-sell rate: 2 partners have credit; rounded half up to the nearest $0.01)");
    // 33.33% / 66.67% of $27,500
    expect(payouts(r)).toEqual({ Acme: 916_575, Beta: 1_833_425 });
  });

  it("uses the solo rate when exactly one partner has credit (a 0% partner does not count)", () => {
    const r = run({
      amountMinor: 10_000_000,
      participants: [partner("Acme", "SELLING"), partner("Beta", "IMPLEMENTATION")],
    });
    expect(r.pool).toEqual({ rateBp: 2000, rateKind: "solo", amountMinor: 2_000_000 });
    expect(r.payouts).toEqual([{ orgId: "org-acme", orgName: "Acme", amountMinor: 2_000_000 }]);
  });

  it("gives the internal organization credit but never a payout; partners share the whole pool", () => {
    const r = run({
      amountMinor: 10_000_000,
      participants: [internal("Us", "SELLING"), partner("Acme", "SOURCING")],
    });
    expect(credits(r)).toEqual({ Us: 6667, Acme: 3333 });
    expect(r.pool).toEqual({ rateBp: 2000, rateKind: "solo", amountMinor: 2_000_000 });
    expect(payouts(r)).toEqual({ Acme: 2_000_000 });
    expect(r.steps.some((s) => s.startsWith("Us (internal): 66.67% of credit") && s.includes("not paid"))).toBe(true);
  });

  it("splits the pool over partners only, in proportion to their credit", () => {
    // Us SELLING 40/85, Acme SOURCING 20/85, Beta TECH 25/85 → 4706 / 2353 / 2941
    const r = run({
      amountMinor: 1_000_000,
      participants: [internal("Us", "SELLING"), partner("Acme", "SOURCING"), partner("Beta", "TECHNICAL_VALIDATION")],
    });
    expect(credits(r)).toEqual({ Us: 4706, Beta: 2941, Acme: 2353 });
    expect(r.pool?.amountMinor).toBe(275_000);
    // 275000 × 2941/5294 = 152,771.82 and × 2353/5294 = 122,228.18 → floors leave 1¢, to Beta (.82)
    expect(payouts(r)).toEqual({ Beta: 152_772, Acme: 122_228 });
  });

  it("has no pool when only the internal organization has credit", () => {
    const r = run({ participants: [internal("Us", "SELLING"), partner("Acme", "IMPLEMENTATION")] });
    expect(credits(r)).toEqual({ Us: 10000, Acme: 0 });
    expect(r.pool).toBeNull();
    expect(r.payouts).toEqual([]);
    expect(r.steps.some((s) => s.startsWith("No commission pool"))).toBe(true);
  });

  it.each([
    { amountMinor: 1, rate: 2500, pool: 0 }, // 0.25 → 0
    { amountMinor: 2, rate: 2500, pool: 1 }, // 0.5 → 1 (half up)
    { amountMinor: 3, rate: 2500, pool: 1 }, // 0.75 → 1
    { amountMinor: 6, rate: 2500, pool: 2 }, // 1.5 → 2
    { amountMinor: 0, rate: 2500, pool: 0 },
  ])("rounds the pool half up to the minor unit: $amountMinor × $rate bp → $pool", ({ amountMinor, rate, pool }) => {
    const r = run({ amountMinor, participants: [partner("Acme", "SELLING")] }, config({ soloPoolRateBp: rate, coSellPoolRateBp: rate }));
    expect(r.pool?.amountMinor).toBe(pool);
    expect(sum(r.payouts.map((p) => p.amountMinor))).toBe(pool);
  });

  it("computes the pool exactly for amounts whose products exceed 2^53", () => {
    const r = run({ amountMinor: Number.MAX_SAFE_INTEGER, participants: [partner("Acme", "SELLING")] });
    // 9,007,199,254,740,991 × 20% = 1,801,439,850,948,198.2 → …198
    expect(r.pool?.amountMinor).toBe(1_801_439_850_948_198);
  });

  it("gives leftover payout units to the largest remainder, ties A→Z, and says so", () => {
    // three equal partners on a $1.00 pool: 33¢ each, the leftover cent to the first name
    const r = run(
      {
        amountMinor: 100,
        explicitModel: "INFLUENCE",
        participants: [partner("Gamma"), partner("alpha"), partner("Beta")],
      },
      config({ coSellPoolRateBp: 10000 }),
    );
    expect(credits(r)).toEqual({ alpha: 3334, Beta: 3333, Gamma: 3333 });
    expect(payouts(r)).toEqual({ alpha: 34, Beta: 33, Gamma: 33 });
    expect(r.steps.some((s) => /Rounding: payouts .*\$0\.01 left over .*alpha/.test(s))).toBe(true);
  });

  it("formats the steps in the deal's currency", () => {
    const r = run({ currency: "EUR", amountMinor: 100_000, participants: [partner("Acme", "SELLING")] });
    expect(r.currency).toBe("EUR");
    expect(r.steps).toContain("Acme: 100.00% of credit → €200.00");
  });
});

describe("Sell-through", () => {
  const deal = (participants: AttributionParticipant[], touchpoints: AttributionInput["touchpoints"] = []) => ({
    coSellModel: "SELL_THROUGH" as const,
    participants,
    touchpoints,
  });

  it("gives the seller 70% and the rest by weighted touchpoints (weights applied)", () => {
    const cfg = config({ touchpointWeights: { ...DEFAULT_ATTRIBUTION_CONFIG.touchpointWeights, DEMO: 4 } });
    const r = run(
      deal(
        [partner("Reseller", "SELLING"), partner("Infl", "INFLUENCE"), partner("Tech", "TECHNICAL_VALIDATION")],
        [tp("Infl", "MEETING", 2), tp("Tech", "DEMO", 1), tp("Reseller", "DEMO", 50)],
      ),
      cfg,
    );
    expect(r.model).toBe("SELL_THROUGH");
    // weighted: Infl 2×1 = 2, Tech 1×4 = 4 → 30% × 2/6 = 10%, 30% × 4/6 = 20%; the seller's own touchpoints don't matter
    expect(credits(r)).toEqual({ Reseller: 7000, Tech: 2000, Infl: 1000 });
    const tech = r.credits.find((c) => c.orgName === "Tech");
    expect(tech?.weightedTouchpoints).toBe(4);
    expect(r.steps).toContain("Tech: 1 DEMO × 4 = 4 weighted touchpoints");
  });

  it("adds up several rows for the same org and type", () => {
    const r = run(
      deal(
        [partner("Reseller", "SELLING"), partner("Infl", "INFLUENCE"), partner("Tech", "TECHNICAL_VALIDATION")],
        [tp("Infl", "MEETING", 1), tp("Infl", "MEETING", 2), tp("Tech", "EMAIL", 1)],
      ),
    );
    // Infl 3, Tech 1 → 22.5% / 7.5%
    expect(credits(r)).toEqual({ Reseller: 7000, Infl: 2250, Tech: 750 });
  });

  it("shares the rest equally when no supporter logged touchpoints", () => {
    const r = run(deal([partner("Reseller", "SELLING"), partner("Infl", "INFLUENCE"), partner("Tech", "TECHNICAL_VALIDATION")]));
    expect(credits(r)).toEqual({ Reseller: 7000, Infl: 1500, Tech: 1500 });
    expect(r.steps.some((s) => s.includes("no weighted touchpoints"))).toBe(true);
  });

  it("shares the rest equally when all logged touchpoints weigh 0", () => {
    const cfg = config({ touchpointWeights: { ...DEFAULT_ATTRIBUTION_CONFIG.touchpointWeights, EMAIL: 0 } });
    const r = run(deal([partner("Reseller", "SELLING"), partner("Infl", "INFLUENCE"), partner("Tech", "TECHNICAL_VALIDATION")], [tp("Infl", "EMAIL", 9)]), cfg);
    expect(credits(r)).toEqual({ Reseller: 7000, Infl: 1500, Tech: 1500 });
  });

  it("gives the sellers 100% when nobody holds INFLUENCE or TECHNICAL_VALIDATION", () => {
    const r = run(deal([partner("Reseller", "SELLING"), partner("Src", "SOURCING"), internal("Us", "IMPLEMENTATION")]));
    expect(credits(r)).toEqual({ Reseller: 10000, Src: 0, Us: 0 });
    expect(r.pool?.rateKind).toBe("solo");
    expect(r.steps.some((s) => s.includes("Nobody holds INFLUENCE or TECHNICAL_VALIDATION"))).toBe(true);
  });

  it("splits the primary share equally over several sellers", () => {
    const r = run(deal([partner("R1", "SELLING"), partner("R2", "SELLING")]));
    expect(credits(r)).toEqual({ R1: 5000, R2: 5000 });
  });

  it("uses the configured primary share", () => {
    const r = run(deal([partner("R1", "SELLING"), partner("R2", "SELLING"), partner("Infl", "INFLUENCE")]), config({ sellThroughPrimaryPercent: 60 }));
    expect(credits(r)).toEqual({ Infl: 4000, R1: 3000, R2: 3000 });
  });

  it("rounds once: three sellers of 70% → 23.33% each, the leftover bp A→Z", () => {
    const r = run(deal([partner("Cee", "SELLING"), partner("Bee", "SELLING"), partner("Ay", "SELLING"), partner("Infl", "INFLUENCE")]));
    expect(credits(r)).toEqual({ Infl: 3000, Ay: 2334, Bee: 2333, Cee: 2333 });
  });

  it("lets a seller that also influences collect both shares", () => {
    const r = run(
      deal([partner("Both", "SELLING", "INFLUENCE"), partner("Tech", "TECHNICAL_VALIDATION")], [tp("Both", "MEETING", 1), tp("Tech", "MEETING", 2)]),
    );
    // 70% + 30% × 1/3 = 80%, Tech 30% × 2/3 = 20%
    expect(credits(r)).toEqual({ Both: 8000, Tech: 2000 });
  });
});

describe("Sell-to", () => {
  it("is Role Split restricted to SOURCING and SELLING", () => {
    const r = run({
      coSellModel: "SELL_TO",
      participants: [partner("Intro", "SOURCING"), partner("Seller", "SELLING"), partner("Tech", "TECHNICAL_VALIDATION")],
    });
    expect(r.model).toBe("SELL_TO");
    expect(credits(r)).toEqual({ Seller: 6667, Intro: 3333, Tech: 0 });
  });

  it("gives SELLING 100% when nobody sourced", () => {
    const r = run({ coSellModel: "SELL_TO", participants: [partner("Seller", "SELLING"), partner("Infl", "INFLUENCE")] });
    expect(credits(r)).toEqual({ Seller: 10000, Infl: 0 });
  });

  it("shares SOURCING equally", () => {
    const r = run({
      coSellModel: "SELL_TO",
      participants: [partner("I1", "SOURCING"), partner("I2", "SOURCING"), internal("Us", "SELLING")],
    });
    // I1 and I2 10/60 = 16.67% each, Us 66.67%
    expect(credits(r)).toEqual({ Us: 6666, I1: 1667, I2: 1667 });
  });
});

describe("Source Wins", () => {
  it.each<{ name: string; participants: AttributionParticipant[]; expected: Record<string, number> }>([
    {
      name: "the sourcing organization gets 100%",
      participants: [partner("Market", "SOURCING"), partner("Seller", "SELLING")],
      expected: { Market: 10000, Seller: 0 },
    },
    {
      name: "several sourcing organizations share equally",
      participants: [partner("M1", "SOURCING"), partner("M2", "SOURCING")],
      expected: { M1: 5000, M2: 5000 },
    },
    {
      name: "three sourcers: the leftover bp goes A→Z",
      participants: [partner("Zulu", "SOURCING"), partner("Alpha", "SOURCING"), partner("Mike", "SOURCING")],
      expected: { Alpha: 3334, Mike: 3333, Zulu: 3333 },
    },
  ])("$name", ({ participants, expected }) => {
    const r = run({ explicitModel: "SOURCE_WINS", participants });
    expect(credits(r)).toEqual(expected);
  });
});

describe("Influence", () => {
  it("shares in proportion to weighted touchpoints, with configurable weights", () => {
    const cfg = config({ touchpointWeights: { ...DEFAULT_ATTRIBUTION_CONFIG.touchpointWeights, POC: 5, EMAIL: 0 } });
    const r = run(
      {
        explicitModel: "INFLUENCE",
        participants: [partner("Integr", "INFLUENCE"), partner("Other"), internal("Us", "SELLING")],
        touchpoints: [tp("Integr", "POC", 1), tp("Integr", "EMAIL", 30), tp("Other", "MEETING", 3), tp("Us", "DEMO", 2)],
      },
      cfg,
    );
    // Integr 5, Other 3, Us 2 → 50% / 30% / 20%
    expect(credits(r)).toEqual({ Integr: 5000, Other: 3000, Us: 2000 });
    expect(r.credits.map((c) => c.weightedTouchpoints)).toEqual([5, 3, 2]);
    // two partners have credit → co-sell pool split 5000:3000
    expect(r.pool?.rateKind).toBe("co-sell");
    expect(payouts(r)).toEqual({ Integr: 1_718_750, Other: 1_031_250 });
  });

  it("shares equally when no touchpoints are logged", () => {
    const r = run({ explicitModel: "INFLUENCE", participants: [partner("A"), partner("B"), partner("C"), partner("D")] });
    expect(credits(r)).toEqual({ A: 2500, B: 2500, C: 2500, D: 2500 });
  });

  it("ignores touchpoints from organizations that are not on the deal, and says so", () => {
    const r = run({
      explicitModel: "INFLUENCE",
      participants: [partner("A"), partner("B")],
      touchpoints: [tp("A", "DEMO", 1), { orgId: "ghost", type: "DEMO", count: 5 }],
    });
    expect(credits(r)).toEqual({ A: 10000, B: 0 });
    expect(r.steps.some((s) => s.includes("not on the deal") && s.includes("ghost"))).toBe(true);
  });
});

describe("degenerate deals fall back instead of throwing", () => {
  it.each<{ name: string; deal: Partial<AttributionInput> & { participants: AttributionParticipant[] }; cfg?: AttributionConfig; why: RegExp }>([
    {
      name: "sell-through with nobody in SELLING",
      deal: {
        coSellModel: "SELL_THROUGH",
        participants: [partner("Infl", "INFLUENCE"), partner("Src", "SOURCING"), internal("Us", "TECHNICAL_VALIDATION")],
        touchpoints: [tp("Infl", "DEMO", 10)],
      },
      why: /nobody on the deal holds SELLING/,
    },
    {
      name: "sell-to with nobody in SOURCING or SELLING",
      deal: { coSellModel: "SELL_TO", participants: [partner("Infl", "INFLUENCE"), partner("Tech", "TECHNICAL_VALIDATION"), partner("X")] },
      why: /nobody on the deal holds SOURCING or SELLING/,
    },
    {
      name: "sell-to where SOURCING and SELLING are worth 0% in this program",
      deal: { coSellModel: "SELL_TO", participants: [partner("Src", "SOURCING"), partner("Sel", "SELLING"), partner("Tech", "TECHNICAL_VALIDATION")] },
      cfg: config({
        rolePercents: { SOURCING: 0, SELLING: 0, TECHNICAL_VALIDATION: 60, INFLUENCE: 40, IMPLEMENTATION: 0 },
      }),
      why: /0% in the program's role split/,
    },
    {
      name: "source wins with nobody in SOURCING",
      deal: { explicitModel: "SOURCE_WINS", participants: [partner("Sel", "SELLING"), partner("Infl", "INFLUENCE"), partner("Z")] },
      why: /nobody on the deal holds SOURCING/,
    },
    {
      name: "role split where only IMPLEMENTATION (0%) is held",
      deal: { participants: [partner("Impl", "IMPLEMENTATION"), internal("Us", "IMPLEMENTATION"), partner("Quiet")] },
      why: /IMPLEMENTATION \(0%\).*0% in the program's role split/,
    },
    {
      name: "role split where nobody holds any role",
      deal: { participants: [partner("Quiet"), partner("Silent"), partner("Still")] },
      why: /nobody on the deal holds SOURCING or SELLING or TECHNICAL_VALIDATION or IMPLEMENTATION or INFLUENCE/,
    },
  ])("$name → equal split over all participants, explained", ({ deal, cfg, why }) => {
    const r = run(deal, cfg);
    const n = deal.participants.length;
    expect(r.credits).toHaveLength(n);
    // 10000 / 3 → 3334 / 3333 / 3333, the leftover bp to the first name A→Z
    const byName = [...deal.participants].map((p) => p.orgName).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
    expect(credits(r)).toEqual(Object.fromEntries(byName.map((name, i) => [name, i === 0 ? 3334 : 3333])));
    const fallback = r.steps.find((s) => s.startsWith("Fallback:"));
    expect(fallback).toMatch(why);
    expect(fallback).toContain(`split equally over all ${n} organizations`);
    expect(r.modelReason).toContain("Fallback:");
  });

  it("a lone organization without a role still gets a record", () => {
    const r = run({ participants: [internal("Us")] });
    expect(credits(r)).toEqual({ Us: 10000 });
    expect(r.pool).toBeNull();
  });

  it("a zero amount still gets a record with a zero pool", () => {
    const r = run({ amountMinor: 0, participants: [partner("A", "SOURCING"), partner("B", "SELLING")] });
    expect(r.pool).toEqual({ rateBp: 2750, rateKind: "co-sell", amountMinor: 0 });
    expect(payouts(r)).toEqual({ B: 0, A: 0 });
  });
});

describe("programmer errors throw", () => {
  it.each<{ name: string; deal: Partial<AttributionInput> & { participants: AttributionParticipant[] } }>([
    { name: "no participants", deal: { participants: [] } },
    { name: "a negative amount", deal: { amountMinor: -1, participants: [partner("A", "SELLING")] } },
    { name: "a fractional amount", deal: { amountMinor: 10.5, participants: [partner("A", "SELLING")] } },
    { name: "the same organization twice", deal: { participants: [partner("A", "SELLING"), partner("A", "SOURCING")] } },
    { name: "an unknown role", deal: { participants: [partner("A", "RESELLER" as Role)] } },
    { name: "a negative touchpoint count", deal: { participants: [partner("A")], touchpoints: [tp("A", "DEMO", -1)] } },
    { name: "an unknown co-sell model", deal: { coSellModel: "SELL_ALL" as CoSellModel, participants: [partner("A")] } },
  ])("$name", ({ deal }) => {
    expect(() => run(deal)).toThrow();
  });
});

describe("result shape", () => {
  const participants = [
    partner("beta", "SELLING"),
    internal("Us", "TECHNICAL_VALIDATION"),
    partner("Alpha", "SELLING"),
    partner("Idle"),
    partner("Src", "SOURCING", "INFLUENCE"),
  ];

  it("lists every participant, sorted by credit desc then name A→Z, with roles in canonical order", () => {
    const r = run({ participants });
    expect(r.credits.map((c) => c.orgName)).toEqual(["Src", "Us", "Alpha", "beta", "Idle"]);
    for (let i = 1; i < r.credits.length; i++) {
      expect(r.credits[i - 1]!.creditBp).toBeGreaterThanOrEqual(r.credits[i]!.creditBp);
    }
    expect(r.credits[0]!.roles).toEqual(["SOURCING", "INFLUENCE"]);
    expect(r.payouts.map((p) => p.orgName)).toEqual(["Src", "Alpha", "beta"]);
    expect(r.amountMinor).toBe(10_000_000);
    expect(r.configVersion).toBe(1);
  });

  it("does not depend on the order of participants, roles or touchpoints", () => {
    const touchpoints = [tp("beta", "DEMO", 2), tp("Src", "MEETING", 1), tp("Us", "POC", 3)];
    for (const coSellModel of ["SELL_WITH", "SELL_THROUGH", "SELL_TO"] as const) {
      const a = run({ coSellModel, participants, touchpoints });
      const b = run({
        coSellModel,
        participants: [...participants].reverse().map((p) => ({ ...p, roles: [...p.roles].reverse() })),
        touchpoints: [...touchpoints].reverse(),
      });
      expect(b).toEqual(a);
    }
  });

  it("does not mutate its input", () => {
    const input: AttributionInput = {
      amountMinor: 500,
      currency: "USD",
      coSellModel: "SELL_WITH",
      participants: participants.map((p) => ({ ...p, roles: [...p.roles] })),
      touchpoints: [tp("beta", "DEMO", 2)],
    };
    const copy = JSON.parse(JSON.stringify(input));
    computeAttribution(input, DEFAULT_ATTRIBUTION_CONFIG);
    expect(input).toEqual(copy);
  });

  it("uses only known roles and touchpoint types", () => {
    expect(ROLES).toEqual(["SOURCING", "SELLING", "TECHNICAL_VALIDATION", "IMPLEMENTATION", "INFLUENCE"]);
    expect(TOUCHPOINT_TYPES).toHaveLength(9);
  });
});
