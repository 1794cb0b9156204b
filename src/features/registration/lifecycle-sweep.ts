import type { Database, Tx } from "../../platform/db/client";
import { enqueueMany, type OutboxInput } from "../../platform/outbox/enqueue";

// The registration lifecycle's part of the SLA sweep (features/asks/sla-sweep.ts runs it):
// - a review past its SLA reminds the admins, once per review round;
// - protection ending within the warning window warns the registrant and the relationship
//   owner, once per protection end (an extension moves the end, so it warns again);
// - protection that ended before the deal closed expires the registration: the card says so and
//   the pairing channel is told once.
//
// Exactly once across replicas and restarts: each batch is a conditional UPDATE … RETURNING over
// rows claimed with FOR UPDATE SKIP LOCKED (a concurrent sweeper takes other rows or none), in
// the transaction that queues its messages (one enqueueMany per batch), and every message has
// an outbox dedupe key. Batches are bounded, so a backlog (after downtime) is many short
// transactions, not one long one.

export interface LifecycleSweepReport {
  reviewReminders: number;
  expiryWarnings: number;
  expired: number;
}

export interface LifecycleSweepOptions {
  /** rows per transaction */
  batch?: number;
}

const OPEN = `d.stage NOT IN ('CLOSED_WON', 'CLOSED_LOST')`;
const DAY_MS = 86_400_000;
/** batches per step and sweep; a backlog beyond batch × rounds is picked up by the next sweep */
const MAX_ROUNDS = 200;

type Deps = { db: Pick<Database, "prisma">; admins: readonly string[] };

export async function runLifecycleSweep(deps: Deps, now: Date, opts: LifecycleSweepOptions = {}): Promise<LifecycleSweepReport> {
  const batch = opts.batch ?? 2000;
  const program = await deps.db.prisma.program.findUnique({ where: { id: 1 }, select: { protectionWarnDays: true } });
  // A bound computed here (not in SQL) keeps the warning a range scan of the (status, protectedUntil) index.
  const warnBefore = new Date(now.getTime() + (program?.protectionWarnDays ?? 14) * DAY_MS);
  const admins = [...new Set(deps.admins)];
  return {
    reviewReminders: await inBatches(deps, batch, (tx) => remindReviews(tx, now, batch, admins)),
    expiryWarnings: await inBatches(deps, batch, (tx) => warnExpiring(tx, now, warnBefore, batch)),
    expired: await inBatches(deps, batch, (tx) => expire(tx, now, batch)),
  };
}

async function inBatches(deps: Deps, batch: number, step: (tx: Tx) => Promise<number>): Promise<number> {
  let total = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const n = await deps.db.prisma.$transaction(step, { timeout: 60_000 });
    total += n;
    if (n < batch) break;
  }
  return total;
}

const notice = (dealId: string, to: string, event: "review-reminder" | "expiry-warning" | "expired", key: string): OutboxInput => ({
  method: "registration.notice",
  payload: { dealId, to, event },
  dedupeKey: `reg-notice:${dealId}:${event}:${key}:${to}`,
});

async function remindReviews(tx: Tx, now: Date, batch: number, admins: readonly string[]): Promise<number> {
  const rows = await tx.$queryRawUnsafe<{ id: string; round: number }[]>(
    `WITH due AS (
       SELECT d.id FROM "Deal" d
        WHERE d."registrationStatus" = 'SUBMITTED' AND d."reviewDueAt" <= $1 AND d."reviewRemindedAt" IS NULL
        ORDER BY d."reviewDueAt", d.id LIMIT $2 FOR UPDATE SKIP LOCKED)
     UPDATE "Deal" d SET "reviewRemindedAt" = $1 FROM due WHERE d.id = due.id
     RETURNING d.id, d."reviewRound" AS round`,
    now,
    batch,
  );
  await enqueueMany(
    tx,
    rows.flatMap((r) => admins.map((admin) => notice(r.id, admin, "review-reminder", String(r.round)))),
    now,
  );
  return rows.length;
}

async function warnExpiring(tx: Tx, now: Date, warnBefore: Date, batch: number): Promise<number> {
  const rows = await tx.$queryRawUnsafe<{ id: string; until: Date; registeredBy: string; owner: string | null }[]>(
    `WITH due AS (
       SELECT d.id FROM "Deal" d
        WHERE d."registrationStatus" = 'APPROVED' AND ${OPEN}
          AND d."protectedUntil" > $1 AND d."protectedUntil" <= $2
          AND d."warnedForUntil" IS DISTINCT FROM d."protectedUntil"
        ORDER BY d."protectedUntil", d.id LIMIT $3 FOR UPDATE SKIP LOCKED)
     UPDATE "Deal" d SET "warnedForUntil" = d."protectedUntil" FROM due WHERE d.id = due.id
     RETURNING d.id, d."protectedUntil" AS until, d."registeredBy" AS "registeredBy", d."relationshipOwnerUserId" AS owner`,
    now,
    warnBefore,
    batch,
  );
  await enqueueMany(
    tx,
    rows.flatMap((r) =>
      [...new Set([r.registeredBy, r.owner].filter((u): u is string => Boolean(u)))].map((to) =>
        notice(r.id, to, "expiry-warning", new Date(r.until).toISOString()),
      ),
    ),
    now,
  );
  return rows.length;
}

async function expire(tx: Tx, now: Date, batch: number): Promise<number> {
  const rows = await tx.$queryRawUnsafe<{ id: string; registeredBy: string }[]>(
    `WITH due AS (
       SELECT d.id FROM "Deal" d
        WHERE d."registrationStatus" = 'APPROVED' AND ${OPEN} AND d."protectedUntil" <= $1
        ORDER BY d."protectedUntil", d.id LIMIT $2 FOR UPDATE SKIP LOCKED)
     UPDATE "Deal" d SET "registrationStatus" = 'EXPIRED', "expiredAt" = $1, "expiryReason" = 'protection ended before the deal closed'
       FROM due WHERE d.id = due.id
     RETURNING d.id, d."registeredBy" AS "registeredBy"`,
    now,
    batch,
  );
  await enqueueMany(
    tx,
    rows.flatMap((r): OutboxInput[] => [
      { method: "deal.card", payload: { dealId: r.id } },
      { method: "registration.expired", payload: { dealId: r.id }, dedupeKey: `reg-expired:${r.id}` },
      notice(r.id, r.registeredBy, "expired", "1"),
    ]),
    now,
  );
  if (rows.length > 0)
    await tx.auditEvent.createMany({ data: rows.map((r) => ({ actor: "cosell", action: "registration.expire", subject: r.id, detail: {}, createdAt: now })) });
  return rows.length;
}
