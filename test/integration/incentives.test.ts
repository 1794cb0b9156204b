import { describe, expect, it } from "vitest";
import { currentAttributionConfig, saveAttributionConfig } from "../../src/features/attribution/config";
import { recordAttribution } from "../../src/features/attribution/records";
import { changeStage } from "../../src/features/stages/change-stage";
import { logTouchpoint } from "../../src/features/touchpoints/log-touchpoint";
import { DEFAULT_INCENTIVES } from "../../src/kernel/incentives";
import { createDeal } from "../support/deals";
import { useTestDb } from "../support/fixtures";

// The timing ladder and payout lines on a real database: the tier frozen at registration, lowered
// by a touchpoint dated before it, the lines written with the record at won, and a recompute that
// voids what was not paid and nets what was.

const T0 = new Date("2026-11-16T09:00:00Z");
const H = 3_600_000;
const { db, p } = useTestDb({ seed: "each", truncate: ["PayoutLine", "OutboxMessage", "AuditEvent", "Deal", "Pairing", "Organization"] });

async function useLadder() {
  const current = await currentAttributionConfig(db.prisma);
  const r = await saveAttributionConfig(db.prisma, {
    config: { ...current.config, incentives: { ...DEFAULT_INCENTIVES, rateMode: "TIMING_LADDER" } },
    baseVersion: current.config.version,
    actor: "U_ADMIN",
    now: T0,
  });
  expect(r.kind).toBe("saved");
}

describe("incentives on a real database", () => {
  it("a backdated meeting lowers the tier (audited); won pays the ladder rate as a PENDING line", async () => {
    await useLadder();
    const deal = await createDeal(db.prisma, p, { now: T0, amountMinor: 10_000_000 });
    expect((await db.prisma.deal.findUniqueOrThrow({ where: { id: deal.dealId } })).timingTier).toBe("EARLY");

    await logTouchpoint(db.prisma, {
      dealId: deal.dealId,
      orgId: p.acme.id,
      userId: "U_ACME",
      type: "MEETING",
      occurredAt: new Date(T0.getTime() - 72 * H),
      note: "kickoff",
      messageLink: null,
      key: "tp-1",
      now: new Date(T0.getTime() + H),
    });
    const lowered = await db.prisma.deal.findUniqueOrThrow({ where: { id: deal.dealId } });
    expect(lowered.timingTier).toBe("AFTER_FIRST_MEETING");
    expect(lowered.timingReason).toContain("Lowered from Early");
    expect(await db.prisma.auditEvent.count({ where: { action: "registration.timing.lowered", subject: deal.dealId } })).toBe(1);

    const won = await changeStage(db.prisma, {
      dealId: deal.dealId,
      to: "CLOSED_WON",
      by: "U_ADMIN",
      isAdmin: true,
      confirmedGaps: true,
      now: new Date(T0.getTime() + 2 * H),
    });
    expect(won.ok).toBe(true);
    const lines = await db.prisma.payoutLine.findMany({ where: { dealId: deal.dealId } });
    // Acme is the only partner with credit: solo, After first meeting 20% of its share of the pool.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ orgId: p.acme.id, kind: "COMMISSION", status: "PENDING", coSell: false });
    const record = await db.prisma.attributionRecord.findFirstOrThrow({ where: { dealId: deal.dealId } });
    const result = record.result as { pool: { rateBp: number; amountMinor: number; timingTier: string } };
    expect(result.pool.rateBp).toBe(2000);
    expect(result.pool.timingTier).toBe("AFTER_FIRST_MEETING");
    expect(Number(lines[0]!.amountMinor)).toBe(result.pool.amountMinor);
  });

  it("a recompute after payment: the paid line stays, nothing is paid twice", async () => {
    const deal = await createDeal(db.prisma, p, { now: T0, amountMinor: 10_000_000 });
    await changeStage(db.prisma, { dealId: deal.dealId, to: "CLOSED_WON", by: "U_ADMIN", isAdmin: true, confirmedGaps: true, now: T0 });
    const [first] = await db.prisma.payoutLine.findMany({ where: { dealId: deal.dealId } });
    await db.prisma.payoutLine.update({ where: { id: first!.id }, data: { status: "PAID", paidAt: T0, reference: "WIRE-1" } });

    await db.prisma.$transaction((tx) =>
      recordAttribution(tx, deal.dealId, { computedBy: "U_ADMIN", reason: "dispute resolved", now: new Date(T0.getTime() + H) }),
    );
    const after = await db.prisma.payoutLine.findMany({ where: { dealId: deal.dealId }, orderBy: { createdAt: "asc" } });
    // Same inputs → same commission: the paid line covers it, no new line, nothing voided.
    expect(after.map((l) => [l.status, Number(l.amountMinor)])).toEqual([["PAID", Number(first!.amountMinor)]]);
  });
});
