import { describe, expect, it } from "vitest";
import { purgePartnerData } from "../../src/features/program/purge-partner-data";
import { useTestDb } from "../support/fixtures";

// Deleting a partner's data: its account lists, its people's cached identities and its Slack
// team IDs go (so its people are strangers from then on); the program's deals and money records stay.

const { db, p } = useTestDb({ seed: true });
const now = new Date("2026-11-16T10:00:00Z");

describe("purgePartnerData", () => {
  it("shows first, then deletes the partner's lists and identities in one go, keeping the other partners' and the records", async () => {
    const prisma = db.prisma;
    for (const org of [p.acme, p.globex]) {
      const list = await prisma.accountList.create({ data: { orgId: org.id, status: "CUSTOMER", importedBy: "U_ADMIN", rowCount: 2 } });
      await prisma.account.createMany({
        data: ["northwind.example", "contoso.example"].map((domain) => ({ listId: list.id, orgId: org.id, status: "CUSTOMER" as const, name: domain, domain })),
      });
    }
    await prisma.slackUserCache.createMany({
      data: [
        { userId: "U_ACME", teamId: "T_ACME" },
        { userId: "U_GLOBEX", teamId: "T_GLOBEX" },
      ],
    });

    const preview = await purgePartnerData(prisma, { orgId: p.acme.id, actor: "cli:ops", now, apply: false });
    expect(preview.deleted).toEqual({ accountLists: 1, accounts: 2, cachedPeople: 1, slackTeamIds: ["T_ACME"] });
    expect(preview.kept).toMatchObject({ pairings: 1 });
    expect(await prisma.account.count({ where: { orgId: p.acme.id } })).toBe(2);

    const done = await purgePartnerData(prisma, { orgId: p.acme.id, actor: "cli:ops", now, apply: true });
    expect(done.deleted).toEqual(preview.deleted);
    expect(await prisma.account.count({ where: { orgId: p.acme.id } })).toBe(0);
    expect(await prisma.accountList.count({ where: { orgId: p.acme.id } })).toBe(0);
    expect(await prisma.slackUserCache.findUnique({ where: { userId: "U_ACME" } })).toBeNull();
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: p.acme.id } })).slackTeamIds).toEqual([]);
    // Acme's people are strangers now: no organization claims their team (what resolveActor looks up).
    expect(await prisma.organization.findFirst({ where: { slackTeamIds: { has: "T_ACME" } } })).toBeNull();
    // Globex is untouched; the pairing stays.
    expect(await prisma.account.count({ where: { orgId: p.globex.id } })).toBe(2);
    expect(await prisma.slackUserCache.findUnique({ where: { userId: "U_GLOBEX" } })).not.toBeNull();
    expect(await prisma.pairingMember.count({ where: { orgId: p.acme.id } })).toBe(1);
    expect(await prisma.auditEvent.findFirst({ where: { action: "partner.purge", subject: `org:${p.acme.id}` } })).toMatchObject({ actor: "cli:ops" });
  });

  it("refuses our own organization", async () => {
    await expect(purgePartnerData(db.prisma, { orgId: p.ours.id, actor: "cli:ops", now, apply: true })).rejects.toThrow(/only a partner/);
  });
});
