import { createHash } from "node:crypto";
import { Prisma, type PrismaClient } from "../../generated/prisma/client";
import type { Tx } from "../../platform/db/client";
import type { AttributionResult } from "../attribution/engine";
import { readAttributionResult } from "../attribution/result-schema";
import { formatDealRef } from "../../kernel/registration";
import { NotFound, UserError } from "../../platform/errors";
import type { DisputeOutcome, OpenDisputeRow } from "./render";
import { shortDisputeId } from "./rules";
import { recordAttribution } from "../attribution/records";
import { enqueue } from "../../platform/outbox/enqueue";

// Attribution disputes and the admin's recompute. Each use case is one transaction: the row,
// its audit event and its Slack posts (outbox). Who may do it is decided by the caller
// (slack/deals/disputes.ts); these functions check only what the data says.
//
// - One open dispute per organization per record: the record's row is locked (FOR UPDATE)
//   while checking, so two people of one organization cannot both open one.
// - A double submit (same modal view) is one dispute: its id is derived from the idempotency
//   key, so the second submission finds the first one (or loses on the primary key).
// - Only the deal's latest record can be disputed: an older one was superseded by a recompute.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A stable UUID (v4 layout) from an idempotency key. */
export function idFromKey(key: string): string {
  const h = createHash("sha256").update(`cosell:dispute:${key}`).digest("hex");
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const isUniqueViolation = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";

async function lockRecord(tx: Tx, recordId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "AttributionRecord" WHERE id = ${recordId} FOR UPDATE`;
}

/**
 * Why this organization cannot dispute this record now (superseded, or it already has an open
 * dispute on it), as a UserError; nothing when it can. Used before opening the modal and again
 * inside the transaction.
 */
export async function assertDisputable(db: Tx, input: { recordId: string; orgId: string; orgName: string }): Promise<void> {
  const record = await db.attributionRecord.findUnique({ where: { id: input.recordId }, select: { dealId: true, seq: true, deal: { select: { ref: true } } } });
  if (!record) throw new NotFound("That attribution record no longer exists.");
  const ref = formatDealRef(record.deal.ref);
  const latest = await db.attributionRecord.findFirst({ where: { dealId: record.dealId }, orderBy: { seq: "desc" }, select: { seq: true } });
  if (latest && latest.seq > record.seq) {
    throw new UserError(
      `Record #${record.seq} of ${ref} was replaced by record #${latest.seq} (an admin recomputed it). Dispute the latest receipt in the deal's thread if it is still wrong.`,
    );
  }
  const open = await db.dispute.findFirst({ where: { recordId: input.recordId, orgId: input.orgId, status: "OPEN" }, select: { id: true, raisedBy: true } });
  if (open) {
    throw new UserError(
      `${input.orgName} already has an open dispute on record #${record.seq} of ${ref} (\`${shortDisputeId(open.id)}\`, raised by <@${open.raisedBy}>); the admins will answer it in the deal's thread. One open dispute per organization per record.`,
    );
  }
}

export interface OpenDisputeInput {
  recordId: string;
  /** the disputing person's organization (ours for an internal person) */
  orgId: string;
  orgName: string;
  raisedBy: string;
  reason: string;
  /** idempotency key, e.g. `view:<view id>` */
  key: string;
  /** program admins to DM */
  admins: readonly string[];
  now: Date;
}

export interface OpenDisputeResult {
  disputeId: string;
  shortId: string;
  created: boolean;
  dealId: string;
  dealRef: number;
  seq: number;
}

/**
 * Opens a dispute in one transaction: the row, an audit event, a DM to every admin (with
 * Resolve / Reject) and a partner-safe note in the deal's thread (no reason text).
 */
export async function openDispute(prisma: PrismaClient, input: OpenDisputeInput): Promise<OpenDisputeResult> {
  const id = idFromKey(input.key);
  const existing = await findResult(prisma, id);
  if (existing) return existing;
  try {
    return await prisma.$transaction(async (tx) => {
      await lockRecord(tx, input.recordId);
      const again = await findResult(tx, id);
      if (again) return again;
      await assertDisputable(tx, input);
      const record = await tx.attributionRecord.findUniqueOrThrow({
        where: { id: input.recordId },
        include: { deal: { select: { id: true, ref: true, title: true } } },
      });
      const dispute = await tx.dispute.create({
        data: { id, recordId: record.id, dealId: record.dealId, orgId: input.orgId, raisedBy: input.raisedBy, reason: input.reason, createdAt: input.now },
      });
      await tx.auditEvent.create({
        data: {
          actor: input.raisedBy,
          action: "dispute.open",
          subject: dispute.id,
          detail: { dealId: record.dealId, recordId: record.id, seq: record.seq, orgId: input.orgId },
          createdAt: input.now,
        },
      });
      for (const admin of new Set(input.admins)) {
        await enqueue(tx, { method: "dispute.adminDm", payload: { disputeId: dispute.id, admin }, dedupeKey: `dispute-dm:${dispute.id}:${admin}` }, input.now);
      }
      await enqueue(tx, { method: "dispute.opened", payload: { disputeId: dispute.id }, dedupeKey: `dispute-note:${dispute.id}` }, input.now);
      return { disputeId: dispute.id, shortId: shortDisputeId(dispute.id), created: true, dealId: record.dealId, dealRef: record.deal.ref, seq: record.seq };
    });
  } catch (err) {
    // A concurrent duplicate lost the race on the primary key: answer with the winner.
    if (isUniqueViolation(err)) {
      const winner = await findResult(prisma, id);
      if (winner) return winner;
    }
    throw err;
  }
}

async function findResult(db: Tx, id: string): Promise<OpenDisputeResult | null> {
  const d = await db.dispute.findUnique({ where: { id }, include: { deal: { select: { ref: true } }, record: { select: { seq: true } } } });
  return d ? { disputeId: d.id, shortId: shortDisputeId(d.id), created: false, dealId: d.dealId, dealRef: d.deal.ref, seq: d.record.seq } : null;
}

export interface DisputeRow extends OpenDisputeRow {
  dealId: string;
  recordId: string;
  orgId: string;
  status: "OPEN" | "RESOLVED" | "REJECTED";
  resolutionNote: string | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
}

const rowInclude = { deal: { select: { ref: true, title: true } }, org: { select: { name: true } }, record: { select: { seq: true } } } as const;

function toRow(d: Prisma.DisputeGetPayload<{ include: typeof rowInclude }>): DisputeRow {
  return {
    id: d.id,
    dealId: d.dealId,
    recordId: d.recordId,
    orgId: d.orgId,
    dealRef: d.deal.ref,
    dealTitle: d.deal.title,
    seq: d.record.seq,
    orgName: d.org.name,
    raisedBy: d.raisedBy,
    reason: d.reason,
    createdAt: d.createdAt,
    status: d.status,
    resolutionNote: d.resolutionNote,
    resolvedBy: d.resolvedBy,
    resolvedAt: d.resolvedAt,
  };
}

/** A dispute by its full id, or null when it is gone (outbox delivery). */
export async function disputeById(db: Tx, id: string): Promise<DisputeRow | null> {
  const d = await db.dispute.findUnique({ where: { id }, include: rowInclude });
  return d ? toRow(d) : null;
}

/** A dispute by its id or the start of it (at least 6 characters, as shown: `3f2a9c1b`). */
export async function findDispute(db: Tx, idOrShort: string): Promise<DisputeRow> {
  const s = idOrShort.trim().toLowerCase().replace(/^`|`$/g, "");
  if (UUID.test(s)) {
    const d = await db.dispute.findUnique({ where: { id: s }, include: rowInclude });
    if (!d) throw new NotFound(`There is no dispute \`${s}\`. \`/cosell disputes\` lists the open ones.`);
    return toRow(d);
  }
  if (!/^[0-9a-f-]{6,36}$/.test(s)) throw new UserError(`"${idOrShort}" is not a dispute id: use the 8 characters shown in the DM or in \`/cosell disputes\`.`);
  const found = await db.dispute.findMany({ where: { id: { startsWith: s } }, include: rowInclude, take: 2 });
  if (found.length === 0) throw new NotFound(`There is no dispute \`${s}\`. \`/cosell disputes\` lists the open ones.`);
  if (found.length > 1) throw new UserError(`\`${s}\` matches more than one dispute; give more of its id.`);
  return toRow(found[0]!);
}

/** Open disputes, oldest first, and how many there are. */
export async function listOpenDisputes(db: Tx, opts: { take: number }): Promise<{ rows: DisputeRow[]; total: number }> {
  const [rows, total] = await Promise.all([
    db.dispute.findMany({ where: { status: "OPEN" }, include: rowInclude, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: opts.take }),
    db.dispute.count({ where: { status: "OPEN" } }),
  ]);
  return { rows: rows.map(toRow), total };
}

export type AnswerDisputeResult = { answered: true; dispute: DisputeRow } | { answered: false; dispute: DisputeRow };

/**
 * An admin resolves or rejects an open dispute: status, note, who, when, an audit event and the
 * note in the deal's thread for the disputing organization, in one transaction. Conditional on
 * the dispute still being open, so a second click (or a second admin) changes nothing.
 */
export async function answerDispute(
  prisma: PrismaClient,
  input: { disputeId: string; outcome: DisputeOutcome; note: string; by: string; now: Date },
): Promise<AnswerDisputeResult> {
  return prisma.$transaction(async (tx) => {
    const res = await tx.dispute.updateMany({
      where: { id: input.disputeId, status: "OPEN" },
      data: { status: input.outcome, resolutionNote: input.note, resolvedBy: input.by, resolvedAt: input.now },
    });
    const dispute = await findDispute(tx, input.disputeId);
    if (res.count === 0) return { answered: false, dispute };
    await tx.auditEvent.create({
      data: {
        actor: input.by,
        action: input.outcome === "RESOLVED" ? "dispute.resolve" : "dispute.reject",
        subject: dispute.id,
        detail: { dealId: dispute.dealId, recordId: dispute.recordId, note: input.note },
        createdAt: input.now,
      },
    });
    await enqueue(tx, { method: "dispute.answered", payload: { disputeId: dispute.id }, dedupeKey: `dispute-answer:${dispute.id}` }, input.now);
    return { answered: true, dispute };
  });
}

export interface RecomputeInput {
  dealId: string;
  by: string;
  reason: string;
  /** idempotency key, e.g. `cmd:<trigger id>` */
  key: string;
  now: Date;
}

export interface RecomputeResult {
  created: boolean;
  recordId: string;
  seq: number;
  previousSeq: number | null;
  ref: number;
  result: AttributionResult;
}

/**
 * An admin's explicit, logged recompute of a won deal: a new immutable record (next seq; the
 * earlier ones are kept as they were), an audit event and the new receipt in the deal's thread.
 */
export async function recomputeAttribution(prisma: PrismaClient, input: RecomputeInput): Promise<RecomputeResult> {
  return prisma.$transaction(async (tx) => {
    // One recompute at a time per deal (seq is read, then written).
    await tx.$queryRaw`SELECT id FROM "Deal" WHERE id = ${input.dealId} FOR UPDATE`;
    const deal = await tx.deal.findUnique({ where: { id: input.dealId }, select: { id: true, ref: true, stage: true } });
    if (!deal) throw new NotFound("That deal no longer exists.");
    const fresh = await tx.idempotencyKey.createMany({
      data: [{ key: `recompute:${input.key}`, scope: "attribution.recompute", createdAt: input.now }],
      skipDuplicates: true,
    });
    const previous = await tx.attributionRecord.findFirst({ where: { dealId: deal.id }, orderBy: { seq: "desc" } });
    if (fresh.count === 0 && previous) {
      // The same command again (a retry): it already made the latest record.
      return {
        created: false,
        recordId: previous.id,
        seq: previous.seq,
        previousSeq: previous.seq > 1 ? previous.seq - 1 : null,
        ref: deal.ref,
        result: readAttributionResult(previous.result),
      };
    }
    if (deal.stage !== "CLOSED_WON") {
      throw new UserError(`${formatDealRef(deal.ref)} is not Closed won, so there is no attribution to recompute (it is computed when the deal is won).`);
    }
    const record = await recordAttribution(tx, deal.id, { computedBy: input.by, reason: input.reason, now: input.now });
    await tx.auditEvent.create({
      data: {
        actor: input.by,
        action: "attribution.recompute",
        subject: deal.id,
        detail: { recordId: record.id, seq: record.seq, previousSeq: previous?.seq ?? null, reason: input.reason },
        createdAt: input.now,
      },
    });
    await enqueue(
      tx,
      { method: "attribution.receipt", payload: { recordId: record.id, threadOfDealId: deal.id }, dedupeKey: `receipt:${record.id}` },
      input.now,
    );
    return {
      created: true,
      recordId: record.id,
      seq: record.seq,
      previousSeq: previous?.seq ?? null,
      ref: deal.ref,
      result: readAttributionResult(record.result),
    };
  });
}
