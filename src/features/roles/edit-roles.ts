import { toJsonColumn } from "../../platform/db/json";
import type { PrismaClient } from "../../generated/prisma/client";
import type { Role } from "../attribution/engine";
import type { LeadStage } from "../../kernel/role-clarity";
import { enqueue } from "../../platform/outbox/enqueue";
import { isClosed } from "../../kernel/stages";

export interface RoleEdit {
  participants: { orgId: string; roles: Role[] }[];
  relationshipOwnerUserId: string | null;
  postSaleOwnerOrgId: string | null;
  stageLeads: Partial<Record<LeadStage, string>>;
  /** orgId → hours; partners only */
  responseSlaHours: Record<string, number | null>;
}

/**
 * Applies a role edit in one transaction, keeping who/when/before/after, and refreshes the card.
 * The deal's row is locked first, so a deal closed meanwhile (its roles fed its attribution) is
 * seen and left alone: `closed`.
 */
export async function editRoles(
  prisma: PrismaClient,
  input: { dealId: string; edit: RoleEdit; changedBy: string; now: Date },
): Promise<{ changed: boolean; closed?: true }> {
  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Deal" WHERE id = ${input.dealId} FOR UPDATE`;
    const deal = await tx.deal.findUniqueOrThrow({ where: { id: input.dealId }, include: { participants: true } });
    if (isClosed(deal.stage)) return { changed: false, closed: true };
    const before = snapshot({
      participants: deal.participants.map((p) => ({ orgId: p.orgId, roles: p.roles as Role[] })),
      relationshipOwnerUserId: deal.relationshipOwnerUserId,
      postSaleOwnerOrgId: deal.postSaleOwnerOrgId,
      stageLeads: deal.stageLeads as Partial<Record<LeadStage, string>>,
      responseSlaHours: Object.fromEntries(deal.participants.map((p) => [p.orgId, p.responseSlaHours])),
    });
    const after = snapshot(input.edit);
    if (JSON.stringify(before) === JSON.stringify(after)) return { changed: false };

    const keep = new Set(input.edit.participants.map((p) => p.orgId));
    await tx.participant.deleteMany({ where: { dealId: deal.id, orgId: { notIn: [...keep] } } });
    for (const p of input.edit.participants) {
      const sla = input.edit.responseSlaHours[p.orgId] ?? null;
      await tx.participant.upsert({
        where: { dealId_orgId: { dealId: deal.id, orgId: p.orgId } },
        update: { roles: p.roles, responseSlaHours: sla },
        create: { dealId: deal.id, orgId: p.orgId, roles: p.roles, responseSlaHours: sla },
      });
    }
    await tx.deal.update({
      where: { id: deal.id },
      data: {
        relationshipOwnerUserId: input.edit.relationshipOwnerUserId,
        postSaleOwnerOrgId: input.edit.postSaleOwnerOrgId,
        stageLeads: toJsonColumn(input.edit.stageLeads),
      },
    });
    await tx.roleChange.create({
      data: {
        dealId: deal.id,
        changedBy: input.changedBy,
        changedAt: input.now,
        before: toJsonColumn(before),
        after: toJsonColumn(after),
      },
    });
    await enqueue(tx, { method: "deal.card", payload: { dealId: deal.id } }, input.now);
    return { changed: true };
  });
}

/** A canonical form, so "no change" is detected and history diffs read cleanly. */
function snapshot(e: RoleEdit) {
  return {
    participants: [...e.participants].map((p) => ({ orgId: p.orgId, roles: [...p.roles].sort() })).sort((a, b) => a.orgId.localeCompare(b.orgId)),
    relationshipOwnerUserId: e.relationshipOwnerUserId,
    postSaleOwnerOrgId: e.postSaleOwnerOrgId,
    stageLeads: Object.fromEntries(
      Object.entries(e.stageLeads)
        .filter(([, v]) => v)
        .sort(),
    ),
    responseSlaHours: Object.fromEntries(
      Object.entries(e.responseSlaHours)
        .filter(([id, v]) => v != null && e.participants.some((p) => p.orgId === id))
        .sort(),
    ),
  };
}
