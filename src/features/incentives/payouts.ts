import type { Db, Tx } from "../../platform/db/client";
import type { Actor } from "../../kernel/access";
import { decideAdminAction } from "../../kernel/access";
import { AccessDenied, UserError } from "../../platform/errors";
import type { Period } from "../attribution/export-rules";
import type { PaidEntry, PayoutLineView } from "./rules";

// Payout lines through their cycle: PENDING → APPROVED (an admin, in bulk by period or one by
// one) → PAID (with finance's reference, in Slack or from the CLI with finance's CSV), or VOID
// (a recompute or a reopened deal). A period holds the lines *earned* in it (the record's
// computedAt, or the bonus award). Each use case is one transaction; approving or paying twice
// changes nothing the second time.

export interface PayoutsView {
  period: Period;
  /** null: every partner (our own team); else the partner's organization */
  scope: { orgId: string; orgName: string } | null;
  lines: PayoutLineView[];
}

/** Who sees which lines: admins and our reps every line; a partner's person only its own; strangers none. */
export function payoutScope(actor: Actor): PayoutsView["scope"] {
  if (actor.kind === "partner") return { orgId: actor.orgId, orgName: actor.orgName };
  if (actor.kind === "internal") return null;
  throw new AccessDenied("Payouts are for the people of the program's organizations.");
}

export async function listPayouts(db: Tx, a: { period: Period; scope: PayoutsView["scope"] }): Promise<PayoutsView> {
  const rows = await db.payoutLine.findMany({
    where: { earnedAt: { gte: a.period.start, lt: a.period.end }, ...(a.scope ? { orgId: a.scope.orgId } : {}) },
    include: { org: { select: { name: true } } },
    orderBy: [{ earnedAt: "asc" }, { org: { name: "asc" } }, { createdAt: "asc" }, { id: "asc" }],
  });
  const dealIds = [...new Set(rows.map((r) => r.dealId).filter((d): d is string => d !== null))];
  const deals = new Map((await db.deal.findMany({ where: { id: { in: dealIds } }, select: { id: true, ref: true, accountName: true } })).map((d) => [d.id, d]));
  const lines = rows.map((r): PayoutLineView => {
    const deal = r.dealId ? deals.get(r.dealId) : undefined;
    return {
      id: r.id,
      orgId: r.orgId,
      orgName: r.org.name,
      dealRef: deal?.ref ?? null,
      accountName: deal?.accountName ?? null,
      kind: r.kind,
      label: r.label,
      amountMinor: Number(r.amountMinor),
      currency: r.currency,
      coSell: r.coSell,
      status: r.status,
      earnedAt: r.earnedAt,
      wonAt: r.wonAt,
      approvedAt: r.approvedAt,
      approvedBy: r.approvedBy,
      paidAt: r.paidAt,
      reference: r.reference,
      voidReason: r.voidReason,
    };
  });
  return { period: a.period, scope: a.scope, lines };
}

/** The CLI runs with the database's credentials: whoever has them is trusted (audited as cli:<user>). */
type CliActor = { kind: "cli"; userId: string };

/** The period's approved lines (or the one named), optionally only those approved by a time (what a form showed). */
export async function approvedLines(db: Tx, a: { period: Period; lineId: string | null; approvedBy?: Date }): Promise<PayoutLineView[]> {
  const { lines } = await listPayouts(db, { period: a.period, scope: null });
  return lines.filter(
    (l) =>
      l.status === "APPROVED" && (a.lineId === null || l.id === a.lineId) && (a.approvedBy === undefined || (l.approvedAt ?? a.approvedBy) <= a.approvedBy),
  );
}

function assertAdmin(actor: Actor, admins: readonly string[]) {
  const d = decideAdminAction(actor, "payouts.approve", admins);
  if (!d.allowed) throw new AccessDenied(d.message);
}

export interface ApproveResult {
  approved: number;
  /** lines asked for that were not PENDING (already approved, paid or void) */
  skipped: number;
}

/** Approves the period's PENDING lines, or the given ones. Twice → the second approves nothing. */
export async function approvePayouts(
  db: Db,
  actor: Actor | CliActor,
  admins: readonly string[],
  a: { period?: Period; lineIds?: string[]; now: Date },
): Promise<ApproveResult> {
  if (actor.kind !== "cli") assertAdmin(actor, admins);
  const where = a.lineIds ? { id: { in: a.lineIds } } : a.period ? { earnedAt: { gte: a.period.start, lt: a.period.end } } : null;
  if (!where) throw new UserError("Which lines? Give a period (e.g. 2026-Q4) or line ids.");
  return db.$transaction(async (tx) => {
    const asked = a.lineIds ? a.lineIds.length : await tx.payoutLine.count({ where });
    const r = await tx.payoutLine.updateMany({
      where: { ...where, status: "PENDING" },
      data: { status: "APPROVED", approvedAt: a.now, approvedBy: actor.userId },
    });
    if (r.count > 0) {
      await tx.auditEvent.create({
        data: {
          actor: actor.userId,
          action: "payouts.approve",
          subject: a.period ? `payouts:${a.period.label}` : `payouts:${a.lineIds?.join(",")}`,
          detail: { approved: r.count, ...(a.period ? { period: a.period.label } : { lineIds: a.lineIds }) },
          createdAt: a.now,
        },
      });
    }
    return { approved: r.count, skipped: Math.max(0, asked - r.count) };
  });
}

export interface MarkPaidResult {
  paid: number;
  /** already PAID with the same reference (a re-run of the same file) */
  unchanged: number;
  /** why nothing was written: each problem, by line */
  problems: { lineId: string; message: string }[];
}

const MAX_REFERENCE = 200;

/**
 * Marks lines paid with finance's reference, all or nothing: a line that is unknown, not
 * approved, void, or already paid under another reference stops the whole batch (nothing is
 * written) and is reported. Running the same file again changes nothing.
 */
export async function markPayoutsPaid(
  db: Db,
  actor: Actor | CliActor,
  admins: readonly string[],
  a: { entries: PaidEntry[]; now: Date },
): Promise<MarkPaidResult> {
  if (actor.kind !== "cli") assertAdmin(actor, admins);
  const problems: MarkPaidResult["problems"] = [];
  const byId = new Map<string, string>();
  for (const e of a.entries) {
    const ref = e.reference.trim();
    if (ref === "") problems.push({ lineId: e.lineId, message: "no payment reference" });
    else if (ref.length > MAX_REFERENCE) problems.push({ lineId: e.lineId, message: `the reference is longer than ${MAX_REFERENCE} characters` });
    else if (byId.has(e.lineId) && byId.get(e.lineId) !== ref) problems.push({ lineId: e.lineId, message: "listed twice with different references" });
    else byId.set(e.lineId, ref);
  }
  return db.$transaction(async (tx) => {
    const ids = [...byId.keys()];
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    // Locked, so two runs of the same file at once pay each line once.
    const wanted = ids.filter((i) => uuid.test(i));
    const rows =
      wanted.length === 0
        ? []
        : await tx.$queryRaw<{ id: string; status: string; reference: string | null }[]>`
          SELECT id, status::text AS status, reference FROM "PayoutLine" WHERE id = ANY(${wanted}::text[]) ORDER BY id FOR UPDATE`;
    const found = new Map(rows.map((r) => [r.id, r]));
    const toPay: PaidEntry[] = [];
    let unchanged = 0;
    for (const [lineId, reference] of byId) {
      const row = found.get(lineId);
      if (!row) problems.push({ lineId, message: "no such payout line" });
      else if (row.status === "PAID") {
        if (row.reference === reference) unchanged++;
        else problems.push({ lineId, message: `already paid with reference "${row.reference ?? ""}"` });
      } else if (row.status === "VOID") problems.push({ lineId, message: "void (superseded by a recompute or a reopened deal): do not pay it" });
      else if (row.status === "PENDING") problems.push({ lineId, message: "not approved yet: approve it first" });
      else toPay.push({ lineId, reference });
    }
    if (problems.length > 0) return { paid: 0, unchanged: 0, problems };
    // One statement per reference (a finance batch pays many lines under one).
    const byReference = new Map<string, string[]>();
    for (const p of toPay) byReference.set(p.reference, [...(byReference.get(p.reference) ?? []), p.lineId]);
    for (const [reference, lineIds] of byReference) {
      await tx.payoutLine.updateMany({
        where: { id: { in: lineIds }, status: "APPROVED" },
        data: { status: "PAID", paidAt: a.now, paidBy: actor.userId, reference },
      });
    }
    if (toPay.length > 0) {
      await tx.auditEvent.create({
        data: {
          actor: actor.userId,
          action: "payouts.paid",
          subject: `payouts:${toPay.length}`,
          detail: { lines: toPay.map((p) => p.lineId) },
          createdAt: a.now,
        },
      });
    }
    return { paid: toPay.length, unchanged, problems: [] };
  });
}
