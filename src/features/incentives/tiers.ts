import type { Db } from "../../platform/db/client";
import { decideAdminAction, type Actor } from "../../kernel/access";
import type { PartnerTier } from "../../kernel/incentives";
import { AccessDenied, NotFound } from "../../platform/errors";
import type { TierDecision } from "./render";

// An admin's answer to a quarterly tier proposal. Confirm sets the partner's tier (its perks
// apply to deals won from then on); Keep leaves it. Decided once: a second click, or another
// admin's, changes nothing and says who decided.

export async function decideTierProposal(
  db: Db,
  actor: Actor,
  admins: readonly string[],
  a: { proposalId: string; confirm: boolean; now: Date },
): Promise<TierDecision> {
  const allowed = decideAdminAction(actor, "tier.decide", admins);
  if (!allowed.allowed) throw new AccessDenied(allowed.message);
  return db.$transaction(async (tx) => {
    const p = await tx.tierProposal.findUnique({ where: { id: a.proposalId } });
    if (!p) throw new NotFound("That tier proposal no longer exists.");
    const org = await tx.organization.findUnique({ where: { id: p.orgId }, select: { name: true } });
    const orgName = org?.name ?? "The partner";
    const status = a.confirm ? "CONFIRMED" : "KEPT";
    const r = await tx.tierProposal.updateMany({ where: { id: p.id, status: "PENDING" }, data: { status, decidedBy: actor.userId, decidedAt: a.now } });
    if (r.count === 0) return { kind: "alreadyDecided", orgName, status: p.status, decidedBy: p.decidedBy };
    if (a.confirm) await tx.organization.update({ where: { id: p.orgId }, data: { partnerTier: p.toTier, tierSince: a.now } });
    await tx.auditEvent.create({
      data: {
        actor: actor.userId,
        action: a.confirm ? "tier.confirmed" : "tier.kept",
        subject: p.orgId,
        detail: { quarter: p.quarter, from: p.fromTier, to: p.toTier, revenueMinor: Number(p.revenueMinor) },
        createdAt: a.now,
      },
    });
    return { kind: "decided", orgName, confirmed: a.confirm, from: p.fromTier as PartnerTier, to: p.toTier as PartnerTier, quarter: p.quarter };
  });
}
