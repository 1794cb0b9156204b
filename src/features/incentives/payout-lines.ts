import type { Tx } from "../../platform/db/client";
import type { AttributionResult } from "../attribution/engine";
import { formatMoney } from "../../kernel/money";
import { PARTNER_TIER_LABEL, quarterAt, type IncentiveConfig, type PartnerTier } from "../../kernel/incentives";

// Payout lines follow attribution records: every partner's commission and each uplift becomes
// a PENDING line in the same transaction as its record. A recompute voids the superseded
// lines that were not paid yet; a line already PAID stays paid, and the new line for that
// partner is the difference (negative: a clawback), so the partner is never paid twice.

export interface PayoutDraft {
  orgId: string;
  kind: "COMMISSION" | "UPLIFT";
  label: string;
  amountMinor: number;
}

/** The lines a record pays: one commission per partner with credit, one per uplift. */
export function draftsOf(result: AttributionResult): PayoutDraft[] {
  const drafts: PayoutDraft[] = result.payouts.map((p) => ({ orgId: p.orgId, kind: "COMMISSION", label: "commission", amountMinor: p.amountMinor }));
  for (const u of result.uplifts ?? []) drafts.push({ orgId: u.orgId, kind: "UPLIFT", label: u.label, amountMinor: u.amountMinor });
  return drafts;
}

const keyOf = (d: { orgId: string; kind: string; label: string }) => `${d.orgId}\u0000${d.kind}\u0000${d.label}`;

export interface SupersedePlan {
  /** ids of PENDING/APPROVED lines to void */
  voidIds: string[];
  /** the new lines, net of what was already paid */
  lines: PayoutDraft[];
  /** sentences for the record's steps (empty on a first record) */
  steps: string[];
}

/** Pure: what a new record does to the deal's earlier lines. */
export function planSupersede(
  earlier: { id: string; orgId: string; kind: string; label: string; amountMinor: number; status: string }[],
  drafts: PayoutDraft[],
  currency: string,
  orgName: (id: string) => string,
): SupersedePlan {
  const open = earlier.filter((l) => l.status === "PENDING" || l.status === "APPROVED");
  const paid = new Map<string, number>();
  for (const l of earlier) if (l.status === "PAID") paid.set(keyOf(l), (paid.get(keyOf(l)) ?? 0) + l.amountMinor);
  const lines: PayoutDraft[] = [];
  const steps: string[] = [];
  const seen = new Set<string>();
  for (const d of drafts) {
    seen.add(keyOf(d));
    const already = paid.get(keyOf(d)) ?? 0;
    const net = d.amountMinor - already;
    if (already !== 0) {
      steps.push(
        `${orgName(d.orgId)}: ${formatMoney(already, currency)} of its ${d.label} was already paid, so the new line is ${formatMoney(net, currency)}.`,
      );
    }
    if (net !== 0) lines.push({ ...d, amountMinor: net });
  }
  // A partner paid before who has no line now (lost its credit): claw back what was paid.
  for (const [key, amount] of paid) {
    if (seen.has(key) || amount === 0) continue;
    const [orgId = "", kind = "COMMISSION", label = "commission"] = key.split("\u0000");
    lines.push({ orgId, kind: kind as PayoutDraft["kind"], label, amountMinor: -amount });
    steps.push(
      `${orgName(orgId)}: ${formatMoney(amount, currency)} of its ${label} was paid but it has no ${label} now, so a line of ${formatMoney(-amount, currency)} claws it back.`,
    );
  }
  if (open.length > 0) {
    steps.unshift(
      `Recompute: ${open.length} earlier payout line${open.length === 1 ? " was" : "s were"} not paid yet and ${open.length === 1 ? "is" : "are"} voided (superseded by this record).`,
    );
  }
  return { voidIds: open.map((l) => l.id), lines, steps };
}

/** Voids the superseded lines and writes the record's lines (PENDING), in the caller's transaction. */
export async function writePayoutLines(
  tx: Tx,
  r: { recordId: string; seq: number; dealId: string; result: AttributionResult; now: Date; wonAt: Date; plan: SupersedePlan },
): Promise<void> {
  const { plan } = r;
  if (plan.voidIds.length > 0) {
    await tx.payoutLine.updateMany({
      where: { id: { in: plan.voidIds }, status: { in: ["PENDING", "APPROVED"] } },
      data: { status: "VOID", voidedAt: r.now, voidReason: `superseded by record #${r.seq}` },
    });
  }
  const coSell = r.result.payouts.length > 1;
  if (plan.lines.length === 0) return;
  await tx.payoutLine.createMany({
    data: plan.lines.map((l) => ({
      orgId: l.orgId,
      dealId: r.dealId,
      recordId: r.recordId,
      kind: l.kind,
      label: l.label,
      amountMinor: BigInt(l.amountMinor),
      currency: r.result.currency,
      coSell,
      earnedAt: r.now,
      wonAt: r.wonAt,
    })),
  });
}

/** The deal's earlier lines (for planSupersede). */
export async function earlierLines(tx: Tx, dealId: string) {
  const rows = await tx.payoutLine.findMany({ where: { dealId }, select: { id: true, orgId: true, kind: true, label: true, amountMinor: true, status: true } });
  return rows.map((l) => ({ ...l, amountMinor: Number(l.amountMinor) }));
}

/** A deal no longer won (reopened): its unpaid lines are voided. */
export async function voidUnpaidLines(tx: Tx, dealId: string, reason: string, now: Date): Promise<number> {
  const r = await tx.payoutLine.updateMany({
    where: { dealId, status: { in: ["PENDING", "APPROVED"] } },
    data: { status: "VOID", voidedAt: now, voidReason: reason },
  });
  return r.count;
}

/**
 * The uplifts in force for the deal's partners when it is won: a co-sell bonus uplift awarded
 * for the quarter the deal closes in, and the partner's confirmed tier perk (from the deal's
 * own config version).
 */
export async function upliftsAt(
  tx: Tx,
  a: { orgIds: string[]; now: Date; timezone: string; incentives: IncentiveConfig },
): Promise<{ orgId: string; bp: number; label: string }[]> {
  if (a.orgIds.length === 0) return [];
  const quarter = quarterAt(a.now, a.timezone).label;
  const [bonuses, orgs] = await Promise.all([
    tx.coSellBonus.findMany({
      where: { orgId: { in: a.orgIds }, upliftQuarter: quarter, kind: "UPLIFT" },
      select: { orgId: true, upliftBp: true, quarter: true },
    }),
    tx.organization.findMany({ where: { id: { in: a.orgIds } }, select: { id: true, partnerTier: true } }),
  ]);
  const out: { orgId: string; bp: number; label: string }[] = [];
  for (const b of bonuses) if ((b.upliftBp ?? 0) > 0) out.push({ orgId: b.orgId, bp: b.upliftBp ?? 0, label: `co-sell bonus uplift (${b.quarter})` });
  for (const o of orgs) {
    const tier = o.partnerTier as PartnerTier;
    if (tier === "INACTIVE") continue;
    const bp = a.incentives.tierPerks[tier].upliftBp;
    if (bp > 0) out.push({ orgId: o.id, bp, label: `${PARTNER_TIER_LABEL[tier]} tier uplift` });
  }
  return out.sort((x, y) => x.orgId.localeCompare(y.orgId) || x.label.localeCompare(y.label));
}
