import type { PrismaClient } from "../../generated/prisma/client";
import { toJsonColumn } from "../../platform/db/json";

// A partner leaves the program, or asks for its data to be deleted: what cosell can delete
// without breaking the program's records, in one transaction, audited.
//
// Deleted: the partner's account lists (its customer and prospect accounts: the most sensitive
// data it shared), the cached Slack identities of its people, and its Slack team IDs — so its
// people are strangers to cosell from then on and see nothing.
// Kept: deals it took part in, their roles, stage history, touchpoints and asks, attribution
// records and disputes. They are the program's history and finance's records (attribution and
// payout records are immutable); removing the partner would change what was paid and why.
// A partner on no deal and in no pairing can then be removed entirely (`/cosell partner remove`).

export interface PartnerDataReport {
  org: { id: string; name: string };
  deleted: { accountLists: number; accounts: number; cachedPeople: number; slackTeamIds: string[] };
  kept: { deals: number; touchpoints: number; attributionRecords: number; disputes: number; pairings: number };
}

/** What a purge of this partner would delete and keep (`apply: false`), or does it (`apply: true`). */
export async function purgePartnerData(prisma: PrismaClient, input: { orgId: string; actor: string; now: Date; apply: boolean }): Promise<PartnerDataReport> {
  return prisma.$transaction(async (tx) => {
    const org = await tx.organization.findUniqueOrThrow({ where: { id: input.orgId }, select: { id: true, name: true, kind: true, slackTeamIds: true } });
    if (org.kind !== "PARTNER") throw new Error("only a partner organization's data can be purged");
    const teams = org.slackTeamIds;
    const [accountLists, accounts, cachedPeople, deals, touchpoints, attributionRecords, disputes, pairings] = await Promise.all([
      tx.accountList.count({ where: { orgId: org.id } }),
      tx.account.count({ where: { orgId: org.id } }),
      teams.length > 0 ? tx.slackUserCache.count({ where: { teamId: { in: teams } } }) : 0,
      tx.participant.count({ where: { orgId: org.id } }),
      tx.touchpoint.count({ where: { orgId: org.id } }),
      tx.attributionRecord.count({ where: { deal: { participants: { some: { orgId: org.id } } } } }),
      tx.dispute.count({ where: { orgId: org.id } }),
      tx.pairingMember.count({ where: { orgId: org.id } }),
    ]);
    const report: PartnerDataReport = {
      org: { id: org.id, name: org.name },
      deleted: { accountLists, accounts, cachedPeople, slackTeamIds: teams },
      kept: { deals, touchpoints, attributionRecords, disputes, pairings },
    };
    if (!input.apply) return report;
    await tx.account.deleteMany({ where: { orgId: org.id } });
    await tx.accountList.deleteMany({ where: { orgId: org.id } });
    if (teams.length > 0) await tx.slackUserCache.deleteMany({ where: { teamId: { in: teams } } });
    await tx.organization.update({ where: { id: org.id }, data: { slackTeamIds: [] } });
    await tx.auditEvent.create({
      data: {
        actor: input.actor,
        action: "partner.purge",
        subject: `org:${org.id}`,
        detail: toJsonColumn({ ...report.deleted, kept: report.kept }),
        createdAt: input.now,
      },
    });
    return report;
  });
}
