import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../../generated/prisma/client";
import type { Tx } from "../../platform/db/client";
import { withMember } from "../../platform/repos/pairing-repo";
import { TOUCHPOINT_TYPES, type TouchpointType } from "../attribution/engine";
import { enqueue } from "../../platform/outbox/enqueue";
import { CUSTOMER_FACING, TIMING_ANSWERS, TIMING_LABEL, timingTierOf, worseTier, type TimingAnswer } from "../../kernel/incentives";

// Touchpoints are the evidence base for attribution: who (organization, person) did what
// (type, note, optional Slack message) on which deal, when.

export interface LogTouchpointInput {
  dealId: string;
  /** the organization the touchpoint counts for (the person's own) */
  orgId: string;
  userId: string;
  type: TouchpointType;
  occurredAt: Date;
  note: string;
  messageLink: string | null;
  /** idempotency key: `view:<id>` for the modal, a content key for the command */
  key: string;
  now: Date;
}

export interface LogTouchpointResult {
  touchpointId: string;
  /** false when this key was already logged (a retry or a double click): nothing was written */
  created: boolean;
}

/**
 * Logs a touchpoint in one transaction: the row, the deal's last activity moved forward to
 * the touchpoint's time (never back), and a refresh of the deal card (it shows the count).
 * The same key twice → one touchpoint; the second call writes nothing.
 */
export async function logTouchpoint(prisma: PrismaClient, input: LogTouchpointInput): Promise<LogTouchpointResult> {
  const existing = await prisma.touchpoint.findUnique({ where: { idempotencyKey: input.key }, select: { id: true } });
  if (existing) return { touchpointId: existing.id, created: false };
  const id = randomUUID();
  const created = await prisma.$transaction(async (tx) => {
    // ON CONFLICT DO NOTHING on the key: a concurrent duplicate waits for the first and
    // then inserts nothing, instead of failing the transaction with a unique violation.
    const inserted = await tx.touchpoint.createMany({
      data: [
        {
          id,
          dealId: input.dealId,
          orgId: input.orgId,
          userId: input.userId,
          type: input.type,
          occurredAt: input.occurredAt,
          note: input.note,
          messageLink: input.messageLink,
          idempotencyKey: input.key,
          createdAt: input.now,
        },
      ],
      skipDuplicates: true,
    });
    if (inserted.count === 0) return false;
    // max(current, occurredAt) in one statement: a touchpoint logged for last week leaves it alone.
    await tx.deal.updateMany({ where: { id: input.dealId, lastActivityAt: { lt: input.occurredAt } }, data: { lastActivityAt: input.occurredAt } });
    await lowerTimingTier(tx, input);
    await enqueue(tx, { method: "deal.card", payload: { dealId: input.dealId } }, input.now);
    return true;
  });
  if (created) return { touchpointId: id, created: true };
  const winner = await prisma.touchpoint.findUniqueOrThrow({ where: { idempotencyKey: input.key }, select: { id: true } });
  return { touchpointId: winner.id, created: false };
}

/**
 * A customer-facing touchpoint logged later but dated before the registration is evidence the
 * registrant was not first: the deal's timing tier drops to what the evidence now shows (never
 * rises), with an audit event, and the card says so.
 */
async function lowerTimingTier(tx: Tx, input: LogTouchpointInput): Promise<void> {
  if (!CUSTOMER_FACING.includes(input.type)) return;
  const deal = await tx.deal.findUnique({
    where: { id: input.dealId },
    select: { registeredAt: true, timingTier: true, timingDeclared: true, stageAtRegistration: true, claimedAfterClose: true },
  });
  if (!deal?.timingTier || input.occurredAt >= deal.registeredAt) return;
  const before = await tx.touchpoint.findMany({
    where: { dealId: input.dealId, type: { in: [...CUSTOMER_FACING] }, occurredAt: { lt: deal.registeredAt } },
    select: { type: true, occurredAt: true },
  });
  const evidence = timingTierOf({
    declared: (TIMING_ANSWERS as readonly string[]).includes(deal.timingDeclared ?? "") ? (deal.timingDeclared as TimingAnswer) : "NONE",
    stageAtRegistration: deal.stageAtRegistration ?? "REGISTERED",
    claimedAfterClose: deal.claimedAfterClose,
    touchpointsBefore: before.map((t) => ({ type: t.type as TouchpointType, at: t.occurredAt })),
  });
  const tier = worseTier(deal.timingTier, evidence.tier);
  if (tier === deal.timingTier) return;
  const reason = `${evidence.reason} Lowered from ${TIMING_LABEL[deal.timingTier]} on ${input.now.toISOString().slice(0, 10)}, when it was logged.`;
  const moved = await tx.deal.updateMany({ where: { id: input.dealId, timingTier: deal.timingTier }, data: { timingTier: tier, timingReason: reason } });
  if (moved.count === 0) return;
  await tx.auditEvent.create({
    data: {
      actor: input.userId,
      action: "registration.timing.lowered",
      subject: input.dealId,
      detail: { from: deal.timingTier, to: tier, touchpointId: input.key, occurredAt: input.occurredAt.toISOString() },
      createdAt: input.now,
    },
  });
}

export interface TouchpointCount {
  orgId: string;
  type: TouchpointType;
  count: number;
}

/** Touchpoints on a deal per organization and type (attribution's input), in a stable order. */
export async function touchpointCounts(db: Tx, dealId: string): Promise<TouchpointCount[]> {
  const rows = await db.touchpoint.groupBy({ by: ["orgId", "type"], where: { dealId }, _count: { _all: true } });
  const typeOrder = (t: string) => (TOUCHPOINT_TYPES as readonly string[]).indexOf(t);
  return rows
    .map((r) => ({ orgId: r.orgId, type: r.type as TouchpointType, count: r._count._all }))
    .sort((a, b) => a.orgId.localeCompare(b.orgId) || typeOrder(a.type) - typeOrder(b.type));
}

export interface LoggableDeal {
  id: string;
  ref: number;
  title: string;
  accountName: string;
}

/**
 * Open deals an organization's people can log touchpoints on (deals of the pairings it
 * belongs to), most recently active first; up to `limit`, and how many there are in all.
 * With a channel: the most recent open deal of the pairing bound to it, if any.
 */
export async function loggableDeals(
  db: Tx,
  input: { orgId: string; channelId?: string | undefined; limit: number },
): Promise<{ deals: LoggableDeal[]; total: number; channelDeal: LoggableDeal | null }> {
  const where = { stage: { notIn: ["CLOSED_WON" as const, "CLOSED_LOST" as const] }, pairing: withMember(input.orgId) };
  const select = { id: true, ref: true, title: true, accountName: true };
  const orderBy = [{ lastActivityAt: "desc" as const }, { ref: "desc" as const }];
  const [deals, total, channelDeal] = await Promise.all([
    db.deal.findMany({ where, select, orderBy, take: input.limit }),
    db.deal.count({ where }),
    input.channelId ? db.deal.findFirst({ where: { ...where, pairing: { channelId: input.channelId, ...withMember(input.orgId) } }, select, orderBy }) : null,
  ]);
  return { deals, total, channelDeal };
}
