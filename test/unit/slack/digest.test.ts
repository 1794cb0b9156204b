import type { KnownBlock } from "@slack/types";
import { describe, expect, it } from "vitest";
import { computeProgramMetrics, ninetyDayProgress, type MetricDeal } from "../../../src/features/digests/metrics";
import { OPEN_STAGES, type Stage } from "../../../src/kernel/stages";
import { localParts } from "../../../src/kernel/sla-clock";
import {
  localDateTime,
  MAX_BLOCKS,
  MAX_HEADER,
  MAX_LIST_LINES,
  MAX_MESSAGE_CHARS,
  MAX_SECTION_TEXT,
  renderManagerDigest as renderManager,
  renderPairingDigest as renderPairing,
  type DigestMessage,
} from "../../../src/features/digests/render";
import { toSlack, type Wire } from "../../../src/platform/slack/mrkdwn";

// What Slack receives: the messages serialized (SlackText → its markup).
const renderPairingDigest = (...a: Parameters<typeof renderPairing>) => toSlack(renderPairing(...a));
const renderManagerDigest = (...a: Parameters<typeof renderManager>) => toSlack(renderManager(...a));
import type { ManagerDigestData, PairingDigestData } from "../../../src/features/digests/load";
import { digestToText } from "../../../src/features/digests/text";

const now = new Date("2026-11-16T09:00:00Z");
const week = { start: new Date("2026-11-09T09:00:00Z"), end: now };

function assertWithinLimits(msgs: Wire<DigestMessage>[]): void {
  expect(msgs.length).toBeGreaterThan(0);
  for (const m of msgs) {
    expect(m.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    expect(m.text.length).toBeGreaterThan(0);
    let chars = 0;
    for (const b of m.blocks as KnownBlock[]) {
      if (b.type === "header") {
        expect(b.text.text.length).toBeLessThanOrEqual(MAX_HEADER);
        chars += b.text.text.length;
      }
      if (b.type === "section") {
        expect(b.text!.text.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
        expect(b.text!.text.length).toBeGreaterThan(0);
        chars += b.text!.text.length;
      }
      if (b.type === "context")
        for (const e of b.elements)
          if ("text" in e) {
            expect(e.text.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
            chars += e.text.length;
          }
    }
    expect(chars).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
  }
}

/** A pairing with `n` open deals, an ask and a role gap on each, all closing within 30 days. */
function bigPairing(n: number): PairingDigestData {
  const deals = Array.from({ length: n }, (_, i) => ({
    id: `deal-${i}`,
    ref: 1000 + i,
    title: `Platform rollout for business unit ${i} — phase two with extended integrations`,
    accountName: `Account number ${i} International Holdings`,
    stage: OPEN_STAGES[i % OPEN_STAGES.length] as Stage,
    amountMinor: 1_000_000 + i * 1000,
    currency: i % 10 === 0 ? "EUR" : "USD",
    expectedCloseDate: `2026-12-${String((i % 28) + 1).padStart(2, "0")}`,
    // what a careless loader might carry along: must never be rendered
    notes: `INTERNAL-NOTE-${i}`,
    commissionMinor: 424_242,
  }));
  return {
    pairing: {
      id: "p1",
      name: "Ourco + Acme Data + Globex",
      channelId: "C_TRIO",
      createdAt: new Date("2026-09-01T00:00:00Z"),
      orgs: [
        { id: "a", name: "Acme Data", internal: false },
        { id: "g", name: "Globex", internal: false },
        { id: "o", name: "Ourco", internal: true },
      ],
    },
    window: week,
    now,
    timezone: "Europe/Berlin",
    today: "2026-11-16",
    pipeline: OPEN_STAGES.map((stage) => ({
      stage,
      deals: n / 5,
      amounts: [
        { currency: "EUR", minor: 6_000_000 },
        { currency: "USD", minor: 54_000_000 },
      ],
    })),
    openDeals: n,
    registrations: deals.slice(0, 50),
    moves: deals
      .slice(0, 80)
      .map((d) => ({ ref: d.ref, title: d.title, from: "REGISTERED" as const, to: "DISCOVERY" as const, by: "U_REP", at: now, reopen: false })),
    wins: deals.slice(80, 90),
    losses: deals.slice(90, 95),
    touchpoints: [
      { orgId: "a", orgName: "Acme Data", count: 12 },
      { orgId: "g", orgName: "Globex", count: 0 },
      { orgId: "o", orgName: "Ourco", count: 30 },
    ],
    asks: deals.map((d, i) => ({
      ref: d.ref,
      title: d.title,
      ownerUserId: "U_ACME",
      fromUserId: "U_REP",
      text: `Please send the security questionnaire answers for ${d.accountName} ${"and more ".repeat(20)}`,
      dueAt: new Date(now.getTime() + (i - 100) * 3_600_000),
      overdue: i < 100,
    })),
    closingSoon: deals.map((d, i) => ({ ...d, passed: i < 20 })),
    expiringSoon: deals.slice(0, 3).map((d, i) => ({ ...d, protectedUntil: new Date(`2026-12-1${i}T00:00:00Z`), daysLeft: 5 + i })),
    gaps: deals.map((d) => ({
      ref: d.ref,
      title: d.title,
      stage: d.stage,
      gaps: ["Relationship owner", "Lead for Discovery", "Lead for Proposal", "Post-sale owner", "Response SLA for Globex"],
    })),
    targets: ninetyDayProgress({ pairingCreatedAt: new Date("2026-09-01T00:00:00Z"), now, registrationsFirst90: 300, activeDeals: n }),
    bonusProgress: {
      quarter: "2026-Q4",
      threshold: 3,
      partners: [
        { orgName: "Acme Data", wins: 2 },
        { orgName: "Globex", wins: 3 },
      ],
    },
  };
}

describe("pairing digest rendering", () => {
  it("300 deals: paginates into several messages, each within Slack's limits", () => {
    const msgs = renderPairingDigest(bigPairing(300));
    assertWithinLimits(msgs);
    expect(msgs.length).toBeGreaterThan(1);
    expect(msgs[0]!.blocks[0]).toMatchObject({ type: "header", text: { text: "🗓️ Weekly co-sell standup · Ourco + Acme Data + Globex" } });
    expect(msgs[1]!.text).toMatch(/\(part 2 of \d+\)$/);
    const text = digestToText(msgs);
    // every section is there, in order
    const order = [
      "Pipeline by stage",
      "What moved this week",
      "Touchpoints this week",
      "Blockers: open asks (300, 100 overdue)",
      "Close dates in the next 30 days (300)",
      "Role-clarity gaps (300 deals)",
      "90-day playbook targets (day 76",
    ];
    let at = 0;
    for (const h of order) {
      const i = text.indexOf(h, at);
      expect(i, h).toBeGreaterThan(-1);
      at = i;
    }
    // long lists are capped with a count of the rest
    expect(text).toContain(`…and ${300 - MAX_LIST_LINES} more open asks`);
    expect(text.match(/⏰ overdue/g)?.length).toBe(100);
    expect(text).toContain("€60,000.00 + $540,000.00"); // a stage's amounts per currency
    expect(text).toContain("Globex: 0 touchpoints ⚠️");
    expect(text).toContain("300 of 5 registrations in the first 90 days — target met");
    expect(text).toContain("Co-sell bonus progress (2026-Q4)");
    expect(text).toContain("Acme Data: 2 of 3 co-sell wins this quarter");
    expect(text).toContain("Globex: 3 co-sell wins this quarter: bonus reached");
  });

  it("is partner-safe: no internal notes, no commission, even when the data carries them", () => {
    const text = JSON.stringify(renderPairingDigest(bigPairing(300)));
    expect(text).not.toContain("INTERNAL-NOTE");
    expect(text).not.toMatch(/commission|payout/i);
    expect(text).not.toContain("4,242.42");
  });

  it("a quiet week reads as such", () => {
    const d = bigPairing(0);
    const msgs = renderPairingDigest({ ...d, pipeline: d.pipeline.map((s) => ({ ...s, deals: 0, amounts: [] })), touchpoints: [] });
    assertWithinLimits(msgs);
    expect(msgs).toHaveLength(1);
    const text = digestToText(msgs);
    expect(text).toContain("Open pipeline: 0 deals · —");
    expect(text).toContain("nothing this week");
  });
});

describe("manager digest rendering", () => {
  function managerData(pairings: number): ManagerDigestData {
    const orgs = [{ id: "o", name: "Ourco", internal: true }, ...Array.from({ length: 6 }, (_, i) => ({ id: `p${i}`, name: `Partner ${i}`, internal: false }))];
    const ps = Array.from({ length: pairings }, (_, i) => ({
      id: `pair${i}`,
      name: `Ourco + Partner ${i % 6} + Partner ${(i + 1) % 6} #${i}`,
      createdAt: new Date("2026-01-01T00:00:00Z"),
    }));
    const deals: MetricDeal[] = ps.map((p, i) => ({
      id: `d${i}`,
      ref: i + 1,
      pairingId: p.id,
      amountMinor: 100_000 * (i + 1),
      currency: "USD",
      stage: "DISCOVERY",
      registeredAt: new Date("2026-02-01T00:00:00Z"),
      closedAt: null,
      orgIds: ["o", `p${i % 6}`, `p${(i + 1) % 6}`],
    }));
    const metrics = computeProgramMetrics({ now, currency: "USD", orgs, pairings: ps, deals, touchpoints: [], records: [], disputes: [], period: week });
    return {
      program: { name: "Ourco co-sell", timezone: "Europe/Berlin", digestWeekday: 1, digestHour: 9, managerChannelId: null },
      window: week,
      now,
      metrics,
      pairings,
      deals: deals.length,
      conflicts: { open: [{ ref: 7, conflictWithRef: 3, registeredBy: "U_REP" }], inWindow: 1 },
      reviews: {
        pending: [{ ref: 9, title: "Pending deal", registeredBy: "U_PRIYA", ageHours: 60, pastSla: true }],
        pendingTotal: 1,
        approvalHoursP50: 5,
        approvalHoursP90: 30,
        decided: 4,
        approved: 3,
        approvalRate: 0.75,
        expiredWithoutProgress: 1,
        expired: 2,
        exceptions: 1,
      },
    };
  }

  it("shows every program metric with its definition, value, target and a mark", () => {
    const text = digestToText(renderManagerDigest(managerData(3), { week: "2026-W47" }));
    for (const label of [
      "Partner pipeline",
      "Co-sell pipeline",
      "Partner-influenced pipeline",
      "Win rate, co-sell vs solo",
      "Average deal size, co-sell vs solo",
      "Days to close, co-sell vs solo",
      "Attribution dispute rate",
      "Time to first co-sell deal",
      "Pairings past 90 days with no pipeline",
      "Revenue concentration by partner",
      "Days from won to paid, co-sell vs solo",
      "Pairing ranking",
      "Attribution this week",
    ]) {
      expect(text, label).toContain(label);
    }
    expect(text).toContain("✅ Co-sell pipeline: $6,000.00 in 3 deals = 100.0% of partner pipeline");
    expect(text).toContain("target: 15–25% of partner pipeline");
    expect(text).toContain("❌ Partner-influenced pipeline");
    expect(text).toContain("➖ Win rate, co-sell vs solo");
    expect(text).toContain("internal: includes commissions");
    // conflicts are counted for the admins
    expect(text).toContain("Registration conflicts (1 open, 1 registered this week)");
    expect(text).toContain("CS-7 by @U_REP conflicts with CS-3");
  });

  it("escapes < and > in its own text, so Slack shows them instead of reading a link", () => {
    const msgs = renderManagerDigest(managerData(3), { week: "2026-W47" });
    const texts = msgs.flatMap((m) => m.blocks).flatMap((b) => JSON.stringify(b).match(/"text":"((?:[^"\\]|\\.)*)"/g) ?? []);
    // Every "<" must open a Slack entity (<@user>, <#channel>, <!date…>, <https://…>).
    for (const t of texts) expect(t, t).not.toMatch(/<(?![@#!]|https?:)/);
    expect(texts.join(" ")).toContain("&lt;5% healthy");
  });

  it("300 pairings: the ranking paginates within the limits", () => {
    const msgs = renderManagerDigest(managerData(300), { week: "2026-W47" });
    assertWithinLimits(msgs);
    const text = digestToText(msgs);
    expect(text).toContain("1. Ourco + Partner 5 + Partner 0 #299");
    expect(text).toContain(`…and ${300 - MAX_LIST_LINES} more pairings`);
  });
});

describe("local times in digests", () => {
  it("the cached offsets give the same wall clock as Intl, across DST changes and odd offsets", () => {
    const pad = (n: number) => String(n).padStart(2, "0");
    for (const tz of ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"]) {
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 187 * 60_000) {
        const p = localParts(new Date(t), tz);
        expect(localDateTime(new Date(t), tz)).toBe(`${p.y}-${pad(p.m)}-${pad(p.d)} ${pad(p.h)}:${pad(p.mi)}`);
      }
    }
  });
});
