import { beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../src/generated/prisma/client";
import type { Stage } from "../../src/kernel/stages";
import { STRANGER_MESSAGE } from "../../src/kernel/access";
import { useTestApp } from "../support/fixtures";
import { PEOPLE } from "../support/seed";

// `/cosell list` and `/cosell show`, as signed slash commands into the running app.
// The clock is pinned at 2026-11-16 10:00 UTC.

interface DealSpec {
  ref: number;
  pairingId: string;
  title: string;
  accountName?: string;
  stage?: Stage;
  closeDate?: string;
  registeredBy?: string;
  registeredByOrgId: string;
  relationshipOwnerUserId?: string | null;
  notes?: string | null;
  /** organization ids on the deal (their roles don't matter to these queries) */
  orgIds: string[];
}

/** Writes a deal straight into the database, as registration would have. */
async function createDeal(prisma: PrismaClient, d: DealSpec): Promise<string> {
  const deal = await prisma.deal.create({
    data: {
      ref: d.ref,
      accountName: d.accountName ?? `Account ${d.ref}`,
      accountDomain: `account${d.ref}.example.com`,
      title: d.title,
      amountMinor: 4_800_000n,
      currency: "USD",
      stage: d.stage ?? "REGISTERED",
      expectedCloseDate: new Date(`${d.closeDate ?? "2027-01-31"}T00:00:00Z`),
      coSellModel: "SELL_WITH",
      pairingId: d.pairingId,
      registeredBy: d.registeredBy ?? "U_REP",
      registeredByOrgId: d.registeredByOrgId,
      relationshipOwnerUserId: d.relationshipOwnerUserId ?? null,
      notes: d.notes ?? null,
      registrationSnapshot: {},
      configVersion: 1,
      registrationKey: `test:${d.ref}`,
      participants: { create: d.orgIds.map((orgId, i) => ({ orgId, roles: i === 0 ? ["SELLING" as const] : ["SOURCING" as const] })) },
      stageChanges: { create: [{ fromStage: null, toStage: "REGISTERED", changedBy: d.registeredBy ?? "U_REP", changedAt: new Date("2026-11-01T09:00:00Z") }] },
    },
  });
  return deal.id;
}

type Ack = { response_type?: string; text: string; blocks?: unknown[] };

const { t, p } = useTestApp({ seed: true, resetFake: true });

describe("/cosell list and /cosell show", () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const prisma = t.db.prisma;
    const acme = { pairingId: p.acmePairing.id, registeredByOrgId: p.ours.id, orgIds: [p.ours.id, p.acme.id] };
    const globex = { pairingId: p.globexPairing.id, registeredByOrgId: p.ours.id, orgIds: [p.ours.id, p.globex.id] };
    // Acme pairing
    ids.cs1 = await createDeal(prisma, {
      ...acme,
      ref: 1,
      title: "Data platform, 400 seats",
      accountName: "Northwind Traders",
      stage: "DISCOVERY",
      closeDate: "2027-02-15",
      notes: "Their CFO prefers annual billing",
    });
    ids.cs2 = await createDeal(prisma, {
      ...acme,
      ref: 2,
      title: "Analytics add-on",
      stage: "REGISTERED",
      closeDate: "2027-01-10",
      registeredBy: "U_OTHER",
      relationshipOwnerUserId: "U_REP",
    });
    ids.cs3 = await createDeal(prisma, { ...acme, ref: 3, title: "Warehouse migration", stage: "CLOSED_WON", closeDate: "2026-10-01" });
    ids.cs4 = await createDeal(prisma, { ...acme, ref: 4, title: "Lost pilot", stage: "CLOSED_LOST", closeDate: "2026-09-01" });
    ids.cs5 = await createDeal(prisma, {
      ...acme,
      ref: 5,
      title: "Someone else's deal",
      stage: "PROPOSAL",
      registeredBy: "U_OTHER",
      relationshipOwnerUserId: "U_OTHER",
    });
    // Globex pairing
    ids.cs6 = await createDeal(prisma, {
      ...globex,
      ref: 6,
      title: "Reseller bundle",
      accountName: "Initech",
      stage: "NEGOTIATION",
      registeredBy: "U_OTHER",
      relationshipOwnerUserId: "U_OTHER",
    });
    ids.cs7 = await createDeal(prisma, {
      ...globex,
      ref: 7,
      title: "Globex renewal",
      stage: "DISCOVERY",
      registeredBy: "U_OTHER",
      relationshipOwnerUserId: "U_REP",
    });
    // U_REP owns an open ask on CS-6 (so it is "theirs") and a finished one on CS-5 (so that one is not).
    const due = new Date("2026-11-17T10:00:00Z");
    await prisma.ask.create({
      data: { dealId: ids.cs6, fromUserId: "U_OTHER", ownerUserId: "U_REP", text: "Send the pricing sheet", slaHours: 24, dueAt: due, escalateAt: due },
    });
    await prisma.ask.create({
      data: { dealId: ids.cs6, fromUserId: "U_OTHER", ownerUserId: "U_GLOBEX", text: "Confirm the reseller margin", slaHours: 24, dueAt: due, escalateAt: due },
    });
    await prisma.ask.create({
      data: { dealId: ids.cs5, fromUserId: "U_OTHER", ownerUserId: "U_REP", text: "Old ask", slaHours: 24, dueAt: due, escalateAt: due, status: "DONE" },
    });
    // CS-1 history: a stage change and touchpoints
    await prisma.stageChange.create({
      data: { dealId: ids.cs1, fromStage: "REGISTERED", toStage: "DISCOVERY", changedBy: "U_ACME", changedAt: new Date("2026-11-05T15:00:00Z") },
    });
    await prisma.touchpoint.create({
      data: {
        dealId: ids.cs1,
        orgId: p.acme.id,
        userId: "U_ACME",
        type: "DEMO",
        occurredAt: new Date("2026-11-10T14:00:00Z"),
        note: "Joint demo with <the> data team & their CTO",
      },
    });
    await prisma.touchpoint.create({
      data: { dealId: ids.cs1, orgId: p.ours.id, userId: "U_REP", type: "MEETING", occurredAt: new Date("2026-11-03T14:00:00Z"), note: "Discovery call" },
    });

    // A third pairing with many deals, for pagination.
    const bulk = await prisma.pairing.create({
      data: { name: "Ourco + Acme EMEA", channelId: "C_BULK", createdBy: "U_ADMIN", members: { create: [{ orgId: p.ours.id }, { orgId: p.acme.id }] } },
    });
    for (let i = 0; i < 45; i++) {
      await createDeal(prisma, {
        pairingId: bulk.id,
        registeredByOrgId: p.ours.id,
        orgIds: [p.ours.id, p.acme.id],
        ref: 100 + i,
        title: `Bulk deal ${i}`,
        registeredBy: "U_BULK",
        closeDate: `2027-03-${String((i % 28) + 1).padStart(2, "0")}`,
      });
    }
  });

  async function run(text: string, as: { user: string; team: string }, channel: string): Promise<{ ack: Ack; all: string }> {
    const res = await t.command(text, { user: as.user, team: as.team, channel });
    expect(res.status).toBe(200);
    const ack = res.json() as Ack;
    return { ack, all: `${ack.text}\n${JSON.stringify(ack.blocks ?? [])}` };
  }
  const refsIn = (all: string) => [...all.matchAll(/\*CS-(\d+)\*/g)].map((m) => Number(m[1]));

  it("list in a pairing channel shows that pairing's open deals only, soonest close first", async () => {
    const { ack, all } = await run("list", PEOPLE.rep, "C_ACME");
    expect(ack.response_type).toBe("ephemeral");
    expect(refsIn(all)).toEqual([2, 5, 1]); // 2027-01-10, 2027-01-31, 2027-02-15
    expect(all).toContain("Ourco + Acme");
    expect(all).toContain("🔎 *CS-1* · Data platform, 400 seats — Northwind Traders · $48,000.00 · Discovery · close 2027-02-15");
    expect(all).not.toContain("Reseller bundle");
  });

  it("list won shows only won deals; closed shows won and lost", async () => {
    expect(refsIn((await run("list won", PEOPLE.rep, "C_ACME")).all)).toEqual([3]);
    expect(refsIn((await run("list closed", PEOPLE.rep, "C_ACME")).all).sort()).toEqual([3, 4]);
    expect(refsIn((await run("list closed won", PEOPLE.rep, "C_ACME")).all)).toEqual([3]);
    expect(refsIn((await run("list negotiation", PEOPLE.rep, "C_GLOBEX")).all)).toEqual([6]);
  });

  it("list in a DM shows my deals: registered by me, relationship owner, or an open ask of mine", async () => {
    const { all } = await run("list", PEOPLE.rep, "D_REP");
    expect(refsIn(all).sort((a, b) => a - b)).toEqual([1, 2, 6, 7]);
    expect(all).toMatch(/Your open deals/);
    // CS-6 carries two open asks
    expect(all).toContain("*CS-6* · Reseller bundle — Initech · $48,000.00 · Negotiation · close 2027-01-31 · 2 open asks");
    // including closed ones when asked
    expect(refsIn((await run("list all", PEOPLE.rep, "D_REP")).all).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 6, 7]);
  });

  it("filters by a mentioned owner and by mine", async () => {
    expect(refsIn((await run("list <@U_OTHER|other>", PEOPLE.rep, "C_ACME")).all)).toEqual([2, 5]);
    expect(refsIn((await run("list mine", PEOPLE.rep, "C_ACME")).all)).toEqual([2, 1]);
    const { all } = await run("list <@U_REP>", PEOPLE.admin, "D_ADMIN");
    expect(all).toContain("<@U_REP>");
    expect(refsIn(all).sort((a, b) => a - b)).toEqual([1, 2, 7]);
  });

  it("a partner person only ever sees deals of their own pairings", async () => {
    // Globex asks for U_REP's deals from their own workspace: only the Globex pairing's
    const { all } = await run("list <@U_REP>", PEOPLE.globexRep, "D_GLOBEX");
    expect(refsIn(all)).toEqual([7]);
    expect(all).not.toContain("Northwind");
    // and cannot list the Acme pairing's channel
    const denied = await run("list", PEOPLE.globexRep, "C_ACME");
    expect(refsIn(denied.all)).toEqual([]);
    expect(denied.ack.text).toMatch(/doesn't include your organization/);
    expect(denied.all).not.toContain("Data platform");
  });

  it("a stranger is turned away", async () => {
    const { ack } = await run("list", PEOPLE.stranger, "D_STRANGER");
    expect(ack.text).toBe(STRANGER_MESSAGE);
  });

  it("over 40 deals: shows the first 40 and says how many more", async () => {
    const { ack, all } = await run("list", PEOPLE.rep, "C_BULK");
    expect(refsIn(all)).toHaveLength(40);
    expect(all).toContain("…and 5 more — narrow with a stage or owner filter");
    expect(ack.blocks!.length).toBeLessThanOrEqual(50);
    for (const b of ack.blocks as { text?: { text: string } }[]) expect((b.text?.text ?? "").length).toBeLessThanOrEqual(3000);
  });

  it("an empty result names the filter and how to register", async () => {
    const { ack } = await run("list lost", PEOPLE.rep, "C_GLOBEX");
    expect(ack.text).toMatch(/No deals match \*Lost deals — Ourco \+ Globex\*/);
    expect(ack.text).toContain("/cosell new");
  });

  it("an unknown filter word gets the usage", async () => {
    const { ack } = await run("list banana", PEOPLE.rep, "C_ACME");
    expect(ack.text).toMatch(/"banana" is not a stage or a person/);
    expect(ack.text).toContain("/cosell list");
  });

  it("show CS-n by an internal rep: the card with the internal notes and the history", async () => {
    for (const ref of ["CS-1", "cs1", "1"]) {
      const { ack, all } = await run(`show ${ref}`, PEOPLE.rep, "C_GENERAL");
      expect(ack.response_type).toBe("ephemeral");
      expect(all).toContain("CS-1 · Data platform, 400 seats");
      expect(all).toContain("Their CFO prefers annual billing");
      expect(all).toContain("Stage history");
      expect(all).toContain("Registered → 🔎 Discovery · <@U_ACME>");
      expect(all).toContain("*Demo* · Acme Data · <@U_ACME>");
      expect(all).toContain("Joint demo with &lt;the&gt; data team &amp; their CTO");
      expect(all).toContain("*Meeting* · Ourco · <@U_REP>");
    }
  });

  it("show by a partner person of the pairing: the card without internal notes", async () => {
    const { all } = await run("show CS-1", PEOPLE.acmeRep, "D_ACME");
    expect(all).toContain("CS-1 · Data platform, 400 seats");
    expect(all).not.toContain("annual billing");
    expect(all).not.toContain("Internal notes");
  });

  it("show by a Globex person of an Acme-pairing deal is refused without revealing anything", async () => {
    const { ack, all } = await run("show CS-1", PEOPLE.globexRep, "D_GLOBEX");
    expect(ack.text).toBe("There is no deal CS-1 among your organization's co-sell deals.");
    // an unknown ref reads the same, so a partner cannot count the program's deals
    expect((await run("show CS-999", PEOPLE.globexRep, "D_GLOBEX")).ack.text).toBe("There is no deal CS-999 among your organization's co-sell deals.");
    expect(ack.blocks ?? []).toEqual([]);
    for (const secret of ["Data platform", "Northwind", "account1.example.com", "annual billing", "Ourco + Acme"]) expect(all).not.toContain(secret);
  });

  it("show of an unknown ref, and of something that is no ref", async () => {
    expect((await run("show CS-999", PEOPLE.rep, "C_GENERAL")).ack.text).toBe("There is no deal CS-999.");
    expect((await run("show banana", PEOPLE.rep, "C_GENERAL")).ack.text).toMatch(/not a deal reference/);
    expect((await run("show", PEOPLE.rep, "C_GENERAL")).ack.text).toMatch(/Which deal\?/);
  });

  it("help lists both subcommands", async () => {
    const { all } = await run("help", PEOPLE.rep, "C_GENERAL");
    expect(all).toContain("/cosell list");
    expect(all).toContain("/cosell show CS-12");
  });
});
