import { describe, expect, it } from "vitest";
import { introConversion, pairingReviews, pipelineByStage, quarterFigures, stageAt, type QbrDeal } from "../../../src/features/qbr/rules";

// The QBR's numbers against hand-computed quarters.

const Q4 = { start: new Date("2026-10-01T00:00:00Z"), end: new Date("2027-01-01T00:00:00Z") };
const Q3 = { start: new Date("2026-07-01T00:00:00Z"), end: new Date("2026-10-01T00:00:00Z") };
let n = 0;
const deal = (over: Partial<QbrDeal>): QbrDeal => ({
  id: `d${++n}`,
  ref: n,
  pairingId: "p1",
  amountMinor: 10_000_00,
  currency: "USD",
  stage: "REGISTERED",
  registeredAt: new Date("2026-10-05T00:00:00Z"),
  closedAt: null,
  registeredByPartner: false,
  registrationStatus: "APPROVED",
  sourcing: false,
  changes: [],
  ...over,
});

describe("a partner's quarter", () => {
  const deals = [
    // Q4: registered by the partner, sourced, won after 30 days: $50,000
    deal({ amountMinor: 50_000_00, sourcing: true, registeredByPartner: true, stage: "CLOSED_WON", closedAt: new Date("2026-11-04T00:00:00Z") }),
    // Q4: influenced, won after 10 days: $20,000
    deal({ amountMinor: 20_000_00, stage: "CLOSED_WON", registeredAt: new Date("2026-10-10T00:00:00Z"), closedAt: new Date("2026-10-20T00:00:00Z") }),
    // Q4: lost; registered by the partner and rejected
    deal({ stage: "CLOSED_LOST", closedAt: new Date("2026-12-01T00:00:00Z"), registeredByPartner: true, registrationStatus: "REJECTED" }),
    // Q4: open, registered by the partner, still waiting for review; in EUR
    deal({ currency: "EUR", registeredByPartner: true, registrationStatus: "SUBMITTED", sourcing: true }),
    // Q3: won after 60 days, $30,000
    deal({ amountMinor: 30_000_00, registeredAt: new Date("2026-07-02T00:00:00Z"), stage: "CLOSED_WON", closedAt: new Date("2026-08-31T00:00:00Z") }),
  ];

  it("sourced vs influenced pipeline and revenue, win rate, deal size, days to close and registrations", () => {
    const q = quarterFigures(deals, Q4, "USD");
    expect(q.pipeline.sourced).toEqual({ deals: 2, amountMinor: 50_000_00, otherCurrency: 1 });
    expect(q.pipeline.influenced).toEqual({ deals: 2, amountMinor: 30_000_00, otherCurrency: 0 });
    expect(q.revenue.sourced).toEqual({ deals: 1, amountMinor: 50_000_00, otherCurrency: 0 });
    expect(q.revenue.influenced).toEqual({ deals: 1, amountMinor: 20_000_00, otherCurrency: 0 });
    expect([q.won, q.lost, q.winRate]).toEqual([2, 1, 2 / 3]);
    expect(q.avgWonMinor).toBe(35_000_00);
    expect(q.avgDaysToClose).toBe(20); // (30 + 10) / 2
    expect(q.registrations).toEqual({ count: 3, approved: 1, rejected: 1, pending: 1, approvalRate: 0.5 });
    const last = quarterFigures(deals, Q3, "USD");
    expect([last.won, last.winRate, last.avgDaysToClose, last.avgWonMinor]).toEqual([1, 1, 60, 30_000_00]);
  });

  it("the pipeline by stage at an instant follows each deal's stage changes", () => {
    const d = deal({
      registeredAt: new Date("2026-09-01T00:00:00Z"),
      stage: "PROPOSAL",
      changes: [
        { to: "DISCOVERY", at: new Date("2026-09-15T00:00:00Z") },
        { to: "PROPOSAL", at: new Date("2026-10-15T00:00:00Z") },
      ],
    });
    expect(stageAt(d, new Date("2026-09-01T00:00:00Z"))).toBeNull(); // not registered yet at that instant
    expect(stageAt(d, new Date("2026-10-01T00:00:00Z"))).toBe("DISCOVERY");
    expect(stageAt(d, Q4.end)).toBe("PROPOSAL");
    const end = pipelineByStage([d], Q4.end, "USD");
    expect(end.find((s) => s.stage === "PROPOSAL")).toEqual({ stage: "PROPOSAL", deals: 1, amountMinor: 10_000_00 });
    expect(pipelineByStage([d], Q3.end, "USD").find((s) => s.stage === "DISCOVERY")!.deals).toBe(1);
  });

  it("pairings: time to the first win against 90 days; a pairing to scale gets its registration target raised by half, an admin's own target is kept", () => {
    const pairings = [
      { id: "p1", name: "Scale me", createdAt: new Date("2026-09-01T00:00:00Z"), targetRegistrations: null, targetActiveDeals: null },
      { id: "p2", name: "Own targets", createdAt: new Date("2026-06-01T00:00:00Z"), targetRegistrations: 8, targetActiveDeals: 4 },
      { id: "p3", name: "Nothing yet", createdAt: new Date("2026-06-01T00:00:00Z"), targetRegistrations: null, targetActiveDeals: null },
    ];
    const ds = [
      deal({ pairingId: "p1", stage: "CLOSED_WON", closedAt: new Date("2026-10-31T00:00:00Z") }), // 60 days after the start
      deal({ pairingId: "p1" }), // open
      deal({ pairingId: "p2", stage: "CLOSED_WON", registeredAt: new Date("2026-06-02T00:00:00Z"), closedAt: new Date("2026-10-10T00:00:00Z") }), // 131 days
      deal({ pairingId: "p2" }),
    ];
    const [scale, own, none] = pairingReviews(pairings, ds, Q4, new Date("2026-12-31T00:00:00Z"));
    expect(scale).toMatchObject({ daysToFirstWin: 60, firstWinMark: "good", call: "scale", targets: { registrations: 8, activeDeals: 3, raised: true } });
    expect(own).toMatchObject({
      daysToFirstWin: 131,
      firstWinMark: "bad",
      call: "scale",
      targets: { registrations: 8, activeDeals: 4, raised: false, overridden: true },
    });
    expect(none).toMatchObject({ daysToFirstWin: null, firstWinMark: "bad", call: "kill", targets: { registrations: 5, activeDeals: 3 } });
  });

  it("intro conversion: a request counts when a deal on its domain was registered at or after it", () => {
    const r = introConversion(
      [
        { domain: "a.com", createdAt: new Date("2026-10-01T00:00:00Z") },
        { domain: "b.com", createdAt: new Date("2026-10-05T00:00:00Z") },
        { domain: "c.com", createdAt: new Date("2026-10-05T00:00:00Z") },
      ],
      [
        { domain: "a.com", registeredAt: new Date("2026-10-03T00:00:00Z") },
        { domain: "b.com", registeredAt: new Date("2026-09-01T00:00:00Z") }, // before the request: not converted by it
      ],
    );
    expect(r).toEqual({ requests: 3, converted: 1, rate: 1 / 3 });
  });
});
