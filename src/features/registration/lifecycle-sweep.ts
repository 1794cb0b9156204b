import type { Tx } from "../../platform/db/client";
import { enqueue } from "../../platform/outbox/enqueue";
import type { Database } from "../../platform/db/client";

// The registration lifecycle's part of the SLA sweep (features/asks/sla-sweep.ts runs it):
// - a review past its SLA reminds the admins, once per review round;
// - protection ending within the warning window warns the registrant and the relationship
//   owner, once per protection end (an extension moves the end, so it warns again);
// - protection that ended before the deal closed expires the registration: the card says so and
//   the pairing channel is told once.
//
// Exactly once across replicas and restarts: each step is a conditional UPDATE … RETURNING (a
// row is claimed by the one sweeper whose update matched it) in the transaction that queues its
// messages, and every message has an outbox dedupe key.

export interface LifecycleSweepReport {
  reviewReminders: number;
  expiryWarnings: number;
  expired: number;
}

const OPEN = `d.stage NOT IN ('CLOSED_WON', 'CLOSED_LOST')`;

export async function runLifecycleSweep(deps: { db: Pick<Database, "prisma">; admins: readonly string[] }, now: Date): Promise<LifecycleSweepReport> {
  const prisma = deps.db.prisma;
  const report: LifecycleSweepReport = { reviewReminders: 0, expiryWarnings: 0, expired: 0 };
  await prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRawUnsafe<{ id: string; round: number }[]>(
      `UPDATE "Deal" d SET "reviewRemindedAt" = $1
        WHERE d."registrationStatus" = 'SUBMITTED' AND d."reviewDueAt" <= $1 AND d."reviewRemindedAt" IS NULL
        RETURNING d.id, d."reviewRound" AS round`,
      now,
    );
    for (const r of rows) {
      for (const admin of new Set(deps.admins)) {
        await notice(tx, r.id, admin, "review-reminder", `${r.round}`, now);
      }
    }
    report.reviewReminders = rows.length;
  });
  await prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRawUnsafe<{ id: string; until: Date; registeredBy: string; owner: string | null }[]>(
      `UPDATE "Deal" d SET "warnedForUntil" = d."protectedUntil"
        FROM "Program" p
        WHERE p.id = 1 AND d."registrationStatus" = 'APPROVED' AND ${OPEN}
          AND d."protectedUntil" IS NOT NULL AND d."protectedUntil" > $1
          AND d."protectedUntil" <= $1 + make_interval(days => p."protectionWarnDays")
          AND d."warnedForUntil" IS DISTINCT FROM d."protectedUntil"
        RETURNING d.id, d."protectedUntil" AS until, d."registeredBy" AS "registeredBy", d."relationshipOwnerUserId" AS owner`,
      now,
    );
    for (const r of rows) {
      const key = r.until.toISOString();
      for (const to of new Set([r.registeredBy, r.owner].filter((u): u is string => Boolean(u)))) await notice(tx, r.id, to, "expiry-warning", key, now);
    }
    report.expiryWarnings = rows.length;
  });
  await prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRawUnsafe<{ id: string; registeredBy: string }[]>(
      `UPDATE "Deal" d SET "registrationStatus" = 'EXPIRED', "expiredAt" = $1, "expiryReason" = 'protection ended before the deal closed'
        WHERE d."registrationStatus" = 'APPROVED' AND ${OPEN} AND d."protectedUntil" IS NOT NULL AND d."protectedUntil" <= $1
        RETURNING d.id, d."registeredBy" AS "registeredBy"`,
      now,
    );
    for (const r of rows) {
      await enqueue(tx, { method: "deal.card", payload: { dealId: r.id } }, now);
      await enqueue(tx, { method: "registration.expired", payload: { dealId: r.id }, dedupeKey: `reg-expired:${r.id}` }, now);
      await notice(tx, r.id, r.registeredBy, "expired", "1", now);
      await tx.auditEvent.create({ data: { actor: "cosell", action: "registration.expire", subject: r.id, detail: {}, createdAt: now } });
    }
    report.expired = rows.length;
  });
  return report;
}

async function notice(tx: Tx, dealId: string, to: string, event: "review-reminder" | "expiry-warning" | "expired", key: string, now: Date): Promise<void> {
  await enqueue(tx, { method: "registration.notice", payload: { dealId, to, event }, dedupeKey: `reg-notice:${dealId}:${event}:${key}:${to}` }, now);
}
