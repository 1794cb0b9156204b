import { describe, expect, it } from "vitest";
import { runLifecycleSweep } from "../../src/features/registration/lifecycle-sweep";
import { createDeal } from "../support/deals";
import { useTestDb } from "../support/fixtures";

// The lifecycle's part of the SLA sweep on a real database: several sweepers at once (replicas)
// and sweeps again after a restart give each reminder, warning and expiry exactly once.

const D = 86_400_000;
const T0 = new Date("2026-11-16T09:00:00Z");
const { db, p } = useTestDb({ seed: "each", truncate: ["OutboxMessage", "AuditEvent", "Deal", "Pairing", "Organization"] });
const deps = { db, admins: ["U_ADMIN", "U_ADMIN2"] };
const keys = async (prefix: string) =>
  (await db.prisma.outboxMessage.findMany({ where: { dedupeKey: { startsWith: prefix } }, select: { dedupeKey: true } })).map((r) => r.dedupeKey).sort();

describe("the registration lifecycle sweep", () => {
  it("four sweepers at once: one warning per person, one expiry post, one reminder per admin", async () => {
    // Ours: auto-approved at T0, protected 90 days. A partner's: pending review (48 h SLA).
    const ours = await createDeal(db.prisma, p, { now: T0 });
    const partner = await createDeal(db.prisma, p, { now: T0, registeredBy: "U_ACME" });
    await db.prisma.deal.update({
      where: { id: partner.dealId },
      data: { registrationStatus: "SUBMITTED", reviewRound: 1, submittedAt: T0, reviewDueAt: new Date(T0.getTime() + 2 * D), protectedUntil: null },
    });

    const at = async (t: Date) =>
      (await Promise.all([0, 1, 2, 3].map(() => runLifecycleSweep(deps, t)))).reduce((a, r) => ({
        reviewReminders: a.reviewReminders + r.reviewReminders,
        expiryWarnings: a.expiryWarnings + r.expiryWarnings,
        expired: a.expired + r.expired,
      }));

    expect(await at(new Date(T0.getTime() + 2 * D - 1))).toEqual({ reviewReminders: 0, expiryWarnings: 0, expired: 0 });
    expect(await at(new Date(T0.getTime() + 2 * D))).toEqual({ reviewReminders: 1, expiryWarnings: 0, expired: 0 });
    expect(await keys(`reg-notice:${partner.dealId}:review-reminder:`)).toEqual([
      `reg-notice:${partner.dealId}:review-reminder:1:U_ADMIN`,
      `reg-notice:${partner.dealId}:review-reminder:1:U_ADMIN2`,
    ]);

    expect(await at(new Date(T0.getTime() + 76 * D))).toEqual({ reviewReminders: 0, expiryWarnings: 1, expired: 0 });
    // The registrant and the relationship owner (the same person here: one DM).
    expect(await keys(`reg-notice:${ours.dealId}:expiry-warning:`)).toHaveLength(1);
    expect(await at(new Date(T0.getTime() + 80 * D))).toEqual({ reviewReminders: 0, expiryWarnings: 0, expired: 0 });

    expect(await at(new Date(T0.getTime() + 90 * D))).toEqual({ reviewReminders: 0, expiryWarnings: 0, expired: 1 });
    expect(await at(new Date(T0.getTime() + 91 * D))).toEqual({ reviewReminders: 0, expiryWarnings: 0, expired: 0 });
    expect(await keys(`reg-expired:${ours.dealId}`)).toHaveLength(1);
    expect(await db.prisma.auditEvent.count({ where: { subject: ours.dealId, action: "registration.expire" } })).toBe(1);
    expect((await db.prisma.deal.findUniqueOrThrow({ where: { id: ours.dealId } })).registrationStatus).toBe("EXPIRED");
  });

  it("an extension moves the end: warned again for the new end; a closed deal never expires", async () => {
    const a = await createDeal(db.prisma, p, { now: T0 });
    const b = await createDeal(db.prisma, p, { now: T0 });
    await runLifecycleSweep(deps, new Date(T0.getTime() + 77 * D));
    await db.prisma.deal.update({ where: { id: a.dealId }, data: { protectedUntil: new Date(T0.getTime() + 120 * D), extensionsUsed: 1 } });
    await db.prisma.deal.update({ where: { id: b.dealId }, data: { stage: "CLOSED_WON", closedAt: new Date(T0.getTime() + 78 * D) } });
    expect(await runLifecycleSweep(deps, new Date(T0.getTime() + 100 * D))).toEqual({ reviewReminders: 0, expiryWarnings: 0, expired: 0 });
    expect(await runLifecycleSweep(deps, new Date(T0.getTime() + 106 * D))).toEqual({ reviewReminders: 0, expiryWarnings: 1, expired: 0 });
    expect(await keys(`reg-notice:${a.dealId}:expiry-warning:`)).toHaveLength(2);
    expect(await runLifecycleSweep(deps, new Date(T0.getTime() + 121 * D))).toEqual({ reviewReminders: 0, expiryWarnings: 0, expired: 1 });
    expect((await db.prisma.deal.findUniqueOrThrow({ where: { id: b.dealId } })).registrationStatus).toBe("APPROVED");
  });

  it("a backlog is taken in bounded batches, every row once", async () => {
    const deals = [await createDeal(db.prisma, p, { now: T0 }), await createDeal(db.prisma, p, { now: T0 }), await createDeal(db.prisma, p, { now: T0 })];
    const at = new Date(T0.getTime() + 95 * D);
    const [a, b] = await Promise.all([runLifecycleSweep(deps, at, { batch: 1 }), runLifecycleSweep(deps, at, { batch: 1 })]);
    expect(a.expired + b.expired).toBe(3);
    for (const d of deals) expect(await keys(`reg-expired:${d.dealId}`)).toHaveLength(1);
  });
});
