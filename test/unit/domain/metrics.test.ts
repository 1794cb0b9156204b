import { describe, expect, it } from "vitest";
import { computeProgramMetrics, ninetyDayProgress, type MetricDeal, type MetricRecord, type MetricsInput } from "../../../src/features/digests/metrics";

// A small program built by hand; every expected value below is worked out in the comments.
//
// Organizations: Ourco (us), Acme (A), Beta (B), Core (C).
// Pairings: P1 "Ourco + Acme + Beta" (2026-01-01), P2 "Ourco + Core" (2025-12-01),
//           P3 "Ourco + Beta" (2026-06-01, no deals), P4 "Ourco + Acme old" (2026-01-01, one lost deal).
// Now: 2026-07-01. Amounts in cents (USD unless said).

const US = "us";
const A = "acme";
const B = "beta";
const C = "core";
const orgs = [
  { id: US, name: "Ourco", internal: true },
  { id: A, name: "Acme", internal: false },
  { id: B, name: "Beta", internal: false },
  { id: C, name: "Core", internal: false },
];
const pairings = [
  { id: "P1", name: "Ourco + Acme + Beta", createdAt: new Date("2026-01-01T00:00:00Z") },
  { id: "P2", name: "Ourco + Core", createdAt: new Date("2025-12-01T00:00:00Z") },
  { id: "P3", name: "Ourco + Beta", createdAt: new Date("2026-06-01T00:00:00Z") },
  { id: "P4", name: "Ourco + Acme old", createdAt: new Date("2026-01-01T00:00:00Z") },
];
const day = (s: string) => new Date(`${s}T00:00:00Z`);
let ref = 0;
function deal(
  id: string,
  pairingId: string,
  orgIds: string[],
  dollars: number,
  stage: MetricDeal["stage"],
  registered: string,
  closed: string | null = null,
  currency = "USD",
): MetricDeal {
  return {
    id,
    ref: ++ref,
    pairingId,
    amountMinor: dollars * 100,
    currency,
    stage,
    registeredAt: day(registered),
    closedAt: closed ? day(closed) : null,
    orgIds,
  };
}
const deals: MetricDeal[] = [
  // co-sell (Acme + Beta), P1
  deal("d1", "P1", [A, B, US], 100_000, "DISCOVERY", "2026-01-20"),
  deal("d2", "P1", [A, B], 50_000, "PROPOSAL", "2026-02-01"),
  deal("d3", "P1", [A, B, US], 80_000, "CLOSED_WON", "2026-01-10", "2026-03-11"), // 60 days
  deal("d4", "P1", [A, B], 60_000, "CLOSED_WON", "2026-02-01", "2026-03-03"), // 30 days
  deal("d5", "P1", [A, B, US], 100_000, "CLOSED_WON", "2026-03-01", "2026-04-15"), // 45 days
  deal("d6", "P1", [A, B], 40_000, "CLOSED_LOST", "2026-02-10", "2026-04-01"),
  // solo (Core only, plus us), P2
  deal("s1", "P2", [C, US], 200_000, "REGISTERED", "2026-05-01"),
  deal("s2", "P2", [C, US], 250_000, "NEGOTIATION", "2026-04-01"),
  deal("s3", "P2", [C, US], 40_000, "CLOSED_WON", "2026-02-01", "2026-03-03"), // 30 days
  deal("s4", "P2", [C], 50_000, "CLOSED_WON", "2026-03-01", "2026-03-21"), // 20 days
  deal("s5", "P2", [C], 30_000, "CLOSED_LOST", "2026-02-15", "2026-03-15"),
  deal("s6", "P2", [C], 30_000, "CLOSED_LOST", "2026-03-15", "2026-04-15"),
  deal("s7", "P2", [C, US], 60_000, "CLOSED_WON", "2026-03-05", "2026-04-14"), // 40 days
  deal("e1", "P2", [C], 70_000, "DISCOVERY", "2026-05-10", null, "EUR"),
  // solo (Acme), P4: lost, nothing open
  deal("l1", "P4", [A, US], 20_000, "CLOSED_LOST", "2026-02-01", "2026-03-01"),
];

function record(dealId: string, seq: number, computedAt: string, dollars: number, credits: [string, number][], payouts: [string, number][] = []): MetricRecord {
  const name = (id: string) => orgs.find((o) => o.id === id)!.name;
  return {
    dealId,
    seq,
    computedAt: day(computedAt),
    amountMinor: dollars * 100,
    currency: "USD",
    credits: credits.map(([orgId, creditBp]) => ({ orgId, orgName: name(orgId), internal: orgId === US, creditBp })),
    payouts: payouts.map(([orgId, d]) => ({ orgId, orgName: name(orgId), amountMinor: d * 100 })),
  };
}
const records: MetricRecord[] = [
  record("d3", 1, "2026-03-11", 80_000, [
    [A, 6000],
    [B, 3000],
    [US, 1000],
  ]),
  record("d4", 1, "2026-03-03", 60_000, [
    [A, 7000],
    [B, 3000],
  ]),
  // recomputed inside the summary period: the latest record wins everywhere
  record(
    "d4",
    2,
    "2026-06-28",
    60_000,
    [
      [A, 5000],
      [B, 5000],
    ],
    [
      [A, 8_250],
      [B, 8_250],
    ],
  ),
  record("d5", 1, "2026-04-15", 100_000, [
    [A, 4000],
    [B, 4000],
    [US, 2000],
  ]),
  record("s3", 1, "2026-03-03", 40_000, [
    [C, 8000],
    [US, 2000],
  ]),
  record("s4", 1, "2026-03-21", 50_000, [[C, 10000]]),
  record("s7", 1, "2026-04-14", 60_000, [[C, 10000]]),
];

const input: MetricsInput = {
  now: day("2026-07-01"),
  currency: "USD",
  orgs,
  pairings,
  deals,
  touchpoints: [
    { dealId: "d1", orgId: A, count: 2 }, // d1 is partner-influenced
    { dealId: "d2", orgId: US, count: 3 }, // only us: not influenced
    { dealId: "s1", orgId: US },
    { dealId: "s2", orgId: C, count: 0 }, // no touchpoint after all
    { dealId: "d3", orgId: B, count: 1 },
  ],
  records,
  // Beta disputed d3 twice: one disputed deal
  disputes: [
    { dealId: "d3", orgId: B, createdAt: day("2026-03-12") },
    { dealId: "d3", orgId: B, createdAt: day("2026-03-20") },
  ],
  period: { start: day("2026-06-24"), end: day("2026-07-01") },
};

describe("program metrics on a hand-built program", () => {
  const m = computeProgramMetrics(input);

  it("partner pipeline = open USD deals d1 + d2 + s1 + s2 = $600,000; EUR listed apart", () => {
    expect(m.partnerPipeline).toEqual({ deals: 4, amountMinor: 60_000_000 });
    expect(m.otherCurrencies).toEqual([{ currency: "EUR", openDeals: 1, openMinor: 7_000_000 }]);
    expect(m.pipelineByStage).toEqual([
      { stage: "REGISTERED", deals: 1, amountMinor: 20_000_000 },
      { stage: "DISCOVERY", deals: 1, amountMinor: 10_000_000 },
      { stage: "TECHNICAL_VALIDATION", deals: 0, amountMinor: 0 },
      { stage: "PROPOSAL", deals: 1, amountMinor: 5_000_000 },
      { stage: "NEGOTIATION", deals: 1, amountMinor: 25_000_000 },
    ]);
  });

  it("co-sell pipeline: d1 + d2 = $150,000 of $600,000 = 25% → in the 15–25% band, good", () => {
    expect(m.coSellPipeline).toEqual({ deals: 2, amountMinor: 15_000_000, share: 0.25, mark: "good" });
  });

  it("partner-influenced: only d1 has a partner touchpoint: $100,000 / $600,000 = 16.7% → below 20%, bad", () => {
    expect(m.influencedPipeline.deals).toBe(1);
    expect(m.influencedPipeline.amountMinor).toBe(10_000_000);
    expect(m.influencedPipeline.share).toBeCloseTo(1 / 6, 10);
    expect(m.influencedPipeline.mark).toBe("bad");
  });

  it("win rate: co-sell 3/4 = 75%, solo 3/6 = 50% (s3 s4 s7 won; s5 s6 l1 lost) → +25 points, good", () => {
    expect(m.winRate.coSell).toMatchObject({ won: 3, lost: 1, winRate: 0.75 });
    expect(m.winRate.solo).toMatchObject({ won: 3, lost: 3, winRate: 0.5 });
    expect(m.winRate.liftPoints).toBe(25);
    expect(m.winRate.mark).toBe("good");
  });

  it("deal size: co-sell (80k + 60k + 100k) / 3 = $80,000 vs solo (40k + 50k + 60k) / 3 = $50,000 → 1.6×, good", () => {
    expect(m.dealSize).toEqual({ coSellAvgMinor: 8_000_000, soloAvgMinor: 5_000_000, ratio: 1.6, mark: "good" });
  });

  it("days to close: co-sell (60 + 30 + 45) / 3 = 45 vs solo (30 + 20 + 40) / 3 = 30 → slower, watch", () => {
    expect(m.daysToClose).toEqual({ coSellAvgDays: 45, soloAvgDays: 30, mark: "watch" });
  });

  it("pairing ranking: by open USD pipeline, then win rate (none ranks below 0%)", () => {
    expect(m.ranking.map((r) => [r.rank, r.pairingId, r.pipelineMinor, r.winRate, r.avgWonMinor, r.call])).toEqual([
      [1, "P2", 45_000_000, 0.6, 5_000_000, "invest"],
      [2, "P1", 15_000_000, 0.75, 8_000_000, "invest"],
      [3, "P4", 0, 0, null, null], // top 3, but nothing open and nothing won: no "invest"
      [4, "P3", 0, null, null, "review"],
    ]);
  });

  it("dispute rate: 1 disputed of 6 attributed deals = 16.7%, but under 20 records → too few to band", () => {
    expect(m.disputes.records).toBe(6);
    expect(m.disputes.disputed).toBe(1);
    expect(m.disputes.rate).toBeCloseTo(1 / 6, 10);
    expect(m.disputes.band).toBe("too few");
    expect(m.disputes.mark).toBe("none");
  });

  it("time to first deal: P1 9 days, P2 62 days (bad), P3 none after 30 days (pending), P4 31 days", () => {
    expect(m.firstDeal.pairings.map((f) => [f.pairingId, f.days, f.ageDays, f.mark])).toEqual([
      ["P1", 9, 181, "good"], // by name, A→Z
      ["P4", 31, 181, "good"],
      ["P3", null, 30, "none"],
      ["P2", 62, 212, "bad"],
    ]);
    expect(m.firstDeal.mark).toBe("bad");
  });

  it("scale or kill: P4 (181 days, nothing open, nothing won) is to end; P1 and P2 scale; P3 is too young", () => {
    expect(m.scaleOrKill.pairings.map((s) => [s.pairingId, s.call])).toEqual([
      ["P1", "scale"],
      ["P4", "kill"],
      ["P2", "scale"],
    ]);
    expect(m.scaleOrKill.kill).toBe(1);
    expect(m.scaleOrKill.scale).toBe(2);
    expect(m.scaleOrKill.mark).toBe("bad");
  });

  it("revenue concentration: Core 142k, Acme 118k, Beta 94k of 354k; top 40.1% → good", () => {
    // Acme: 80k×60% + 60k×50% (d4's latest record) + 100k×40% = 48k + 30k + 40k
    // Beta: 80k×30% + 60k×50% + 100k×40% = 24k + 30k + 40k
    // Core: 40k×80% + 50k + 60k
    expect(m.concentration.partners.map((p) => [p.orgId, p.revenueMinor])).toEqual([
      [C, 14_200_000],
      [A, 11_800_000],
      [B, 9_400_000],
    ]);
    expect(m.concentration.totalMinor).toBe(35_400_000);
    expect(m.concentration.topShare).toBeCloseTo(142 / 354, 10);
    expect(m.concentration.mark).toBe("good");
  });

  it("attribution summary for the period: d4's recompute only — credit 50/50 and $8,250 commission each", () => {
    expect(m.attribution).toEqual([
      {
        currency: "USD",
        deals: 1,
        amountMinor: 6_000_000,
        poolMinor: 1_650_000,
        lines: [
          { orgId: A, name: "Acme", internal: false, deals: 1, creditedMinor: 3_000_000, commissionMinor: 825_000 },
          { orgId: B, name: "Beta", internal: false, deals: 1, creditedMinor: 3_000_000, commissionMinor: 825_000 },
        ],
      },
    ]);
  });
});

describe("bands at their edges", () => {
  it("dispute rate: 20 attributed deals and no dispute → nobody looking (bad); 1 of 20 → 5% watch", () => {
    const many = Array.from({ length: 20 }, (_, i) => deal(`w${i}`, "P1", [A, B], 1_000, "CLOSED_WON", "2026-01-10", "2026-02-10"));
    const recs = many.map((d) =>
      record(d.id, 1, "2026-02-10", 1_000, [
        [A, 5000],
        [B, 5000],
      ]),
    );
    const base = { ...input, deals: many, records: recs, touchpoints: [], disputes: [] };
    expect(computeProgramMetrics(base).disputes).toMatchObject({ records: 20, disputed: 0, band: "nobody looking", mark: "bad" });
    const one = computeProgramMetrics({ ...base, disputes: [{ dealId: "w0", orgId: A, createdAt: day("2026-02-11") }] });
    expect(one.disputes).toMatchObject({ disputed: 1, rate: 0.05, band: "watch", mark: "watch" });
  });

  it("co-sell share below 15% is bad; no pipeline at all is not marked", () => {
    const ds = [deal("x1", "P1", [A, B], 10_000, "DISCOVERY", "2026-05-01"), deal("x2", "P2", [C], 90_000, "DISCOVERY", "2026-05-01")];
    const m = computeProgramMetrics({ ...input, deals: ds, records: [], disputes: [], touchpoints: [] });
    expect(m.coSellPipeline).toEqual({ deals: 1, amountMinor: 1_000_000, share: 0.1, mark: "bad" });
    const none = computeProgramMetrics({ ...input, deals: [], records: [], disputes: [], touchpoints: [] });
    expect(none.coSellPipeline.mark).toBe("none");
    expect(none.winRate.mark).toBe("none");
    expect(none.concentration).toMatchObject({ topShare: null, mark: "none" });
  });

  it("win-rate comparisons need 3 closed deals per group; co-sell below solo is bad", () => {
    const ds = [
      deal("c1", "P1", [A, B], 1_000, "CLOSED_WON", "2026-01-01", "2026-02-01"),
      deal("c2", "P1", [A, B], 1_000, "CLOSED_LOST", "2026-01-01", "2026-02-01"),
      deal("c3", "P1", [A, B], 1_000, "CLOSED_LOST", "2026-01-01", "2026-02-01"),
      deal("o1", "P2", [C], 1_000, "CLOSED_WON", "2026-01-01", "2026-02-01"),
      deal("o2", "P2", [C], 1_000, "CLOSED_WON", "2026-01-01", "2026-02-01"),
    ];
    const two = computeProgramMetrics({ ...input, deals: ds, records: [], disputes: [], touchpoints: [] });
    expect(two.winRate.liftPoints).toBe(-66.7); // 33.3% vs 100%
    expect(two.winRate.mark).toBe("none"); // solo has only 2 closed deals
    const three = computeProgramMetrics({
      ...input,
      deals: [...ds, deal("o3", "P2", [C], 1_000, "CLOSED_LOST", "2026-01-01", "2026-02-01")],
      records: [],
      disputes: [],
      touchpoints: [],
    });
    expect(three.winRate.liftPoints).toBe(-33.3); // 33.3% vs 66.7%
    expect(three.winRate.mark).toBe("bad");
  });
});

describe("90-day playbook targets", () => {
  const created = day("2026-01-01");
  it("day 45: 2 of 5 registrations and 1 active deal are still in progress (watch)", () => {
    const p = ninetyDayProgress({ pairingCreatedAt: created, now: day("2026-02-15"), registrationsFirst90: 2, activeDeals: 1 });
    expect(p.day).toBe(45);
    expect(p.registrations).toMatchObject({ count: 2, target: 5, mark: "watch" });
    expect(p.registrations.text).toContain("45 days left");
    expect(p.active).toMatchObject({ count: 1, mark: "watch" });
    expect(p.active.text).toContain("15 days left");
  });
  it("day 100: 5 registrations met (good); 2 active deals after day 60 is bad; 6 is above target", () => {
    const p = ninetyDayProgress({ pairingCreatedAt: created, now: day("2026-04-11"), registrationsFirst90: 5, activeDeals: 2 });
    expect(p.day).toBe(100);
    expect(p.registrations.mark).toBe("good");
    expect(p.active.mark).toBe("bad");
    const q = ninetyDayProgress({ pairingCreatedAt: created, now: day("2026-04-11"), registrationsFirst90: 4, activeDeals: 6 });
    expect(q.registrations.mark).toBe("bad");
    expect(q.active.mark).toBe("good");
    expect(q.active.text).toContain("above target");
  });
});
