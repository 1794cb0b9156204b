import { describe, expect, it } from "vitest";
import type { Tx } from "../../src/platform/db/client";
import { UserError } from "../../src/platform/errors";
import {
  addPairing,
  addPartner,
  isOurTeam,
  listProgram,
  removePairing,
  removePartner,
  setOurOrganization,
  setPartnerTeams,
} from "../../src/features/program/program-setup";
import { useTestDb } from "../support/fixtures";

// Program setup use cases on a real database (PGlite, or Postgres with TEST_DATABASE_URL),
// each run the way the Slack layer runs it: one transaction per command.

// every test starts from an empty program (CASCADE empties members, participants, …)
const { db } = useTestDb({ truncate: ["AuditEvent", "Deal", "Pairing", "Organization"] });

const ADMIN = "U_ADMIN";
const run = <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => db.prisma.$transaction((tx) => fn(tx));

/** What a refusal must leave untouched: every row the setup commands can write. */
async function snapshot() {
  return {
    orgs: await db.prisma.organization.findMany({ orderBy: { name: "asc" } }),
    pairings: await db.prisma.pairing.findMany({ orderBy: { name: "asc" } }),
    members: await db.prisma.pairingMember.count(),
    audit: await db.prisma.auditEvent.count(),
  };
}

async function expectRefused(fn: (tx: Tx) => Promise<unknown>, message: RegExp): Promise<void> {
  const before = await snapshot();
  const err = await run(fn).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UserError);
  expect((err as Error).message).toMatch(message);
  expect(await snapshot()).toEqual(before);
}

/** Our org plus Acme and Globex, as most tests need. */
async function seed(): Promise<void> {
  await run((tx) => setOurOrganization(tx, { name: "Northwind", teamId: "T0OURS", actor: ADMIN }));
  await run((tx) => addPartner(tx, { name: "Acme Data", type: "TECHNOLOGY", teamIds: ["T0ACME1", "T0ACME2"], actor: ADMIN }));
  await run((tx) => addPartner(tx, { name: "Globex", type: "SI", actor: ADMIN }));
}

async function addDeal(pairingName: string, orgName: string, ref: number): Promise<void> {
  const pairing = await db.prisma.pairing.findUniqueOrThrow({ where: { name: pairingName } });
  const org = await db.prisma.organization.findUniqueOrThrow({ where: { name: orgName } });
  await db.prisma.deal.create({
    data: {
      ref,
      accountName: "Initech",
      accountDomain: "initech.com",
      title: "Data platform",
      amountMinor: 5_000_000n,
      currency: "USD",
      expectedCloseDate: new Date("2027-03-31"),
      coSellModel: "SELL_WITH",
      pairingId: pairing.id,
      registeredBy: "U_REP",
      registeredByOrgId: org.id,
      registrationSnapshot: {},
      configVersion: 1,
      registrationKey: `key-${ref}`,
      participants: { create: [{ orgId: org.id, roles: ["SELLING"] }] },
    },
  });
}

describe("our organization", () => {
  it("is created once, then renamed, and records each Slack team it is run from", async () => {
    const first = await run((tx) => setOurOrganization(tx, { name: "Northwind", teamId: "T0OURS", actor: ADMIN }));
    expect(first).toMatchObject({ created: true, name: "Northwind", teamIds: ["T0OURS"] });
    const renamed = await run((tx) => setOurOrganization(tx, { name: "Northwind Traders", teamId: "T0OURS2", actor: "U_ADMIN2" }));
    expect(renamed).toMatchObject({ created: false, renamedFrom: "Northwind", teamIds: ["T0OURS", "T0OURS2"] });

    const internal = await db.prisma.organization.findMany({ where: { kind: "INTERNAL" } });
    expect(internal.map((o) => [o.name, o.slackTeamIds])).toEqual([["Northwind Traders", ["T0OURS", "T0OURS2"]]]);
    const audit = await db.prisma.auditEvent.findMany({ orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => [a.actor, a.action])).toEqual([
      [ADMIN, "org.create"],
      ["U_ADMIN2", "org.rename"],
    ]);
    expect(audit[1]!.detail).toMatchObject({ before: { name: "Northwind" }, after: { name: "Northwind Traders" } });

    // running it again with nothing new changes nothing and audits nothing
    await run((tx) => setOurOrganization(tx, { name: "Northwind Traders", teamId: "T0OURS", actor: ADMIN }));
    expect(await db.prisma.auditEvent.count()).toBe(2);
  });

  it("the team check: anyone before setup, then only our recorded teams", async () => {
    expect(await isOurTeam(db.prisma, "T0ANY")).toBe(true);
    await seed();
    expect(await isOurTeam(db.prisma, "T0OURS")).toBe(true);
    expect(await isOurTeam(db.prisma, "T0ACME1")).toBe(false);
  });
});

describe("partners", () => {
  it("adds a partner with its type and team IDs, and audits it", async () => {
    await seed();
    const acme = await db.prisma.organization.findUniqueOrThrow({ where: { name: "Acme Data" } });
    expect(acme).toMatchObject({ kind: "PARTNER", partnerType: "TECHNOLOGY", slackTeamIds: ["T0ACME1", "T0ACME2"] });
    const row = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "partner.add", subject: `organization:${acme.id}` } });
    expect(row.actor).toBe(ADMIN);
    expect(row.detail).toEqual({ name: "Acme Data", type: "TECHNOLOGY", teamIds: ["T0ACME1", "T0ACME2"] });
  });

  it("refuses a duplicate name, also in another case, and writes nothing", async () => {
    await seed();
    await expectRefused((tx) => addPartner(tx, { name: "acme data", type: "RESELLER", actor: ADMIN }), /already exists/);
    await expectRefused((tx) => addPartner(tx, { name: "Northwind", type: "RESELLER", actor: ADMIN }), /"Northwind" already exists/);
  });

  it("refuses a team ID that belongs to another organization, naming it", async () => {
    await seed();
    await expectRefused(
      (tx) => addPartner(tx, { name: "Initech", type: "REFERRAL", teamIds: ["T0NEW", "T0ACME2"], actor: ADMIN }),
      /T0ACME2 already belongs to partner "Acme Data"/,
    );
    await expectRefused(
      (tx) => setPartnerTeams(tx, { name: "Globex", teamIds: ["T0OURS"], actor: ADMIN }),
      /T0OURS already belongs to our organization "Northwind"/,
    );
    // our org cannot take a partner's team either
    await expectRefused((tx) => setOurOrganization(tx, { name: "Northwind", teamId: "T0ACME1", actor: ADMIN }), /belongs to partner "Acme Data"/);
  });

  it("refuses a malformed team ID with the expected shape", async () => {
    await expectRefused(
      (tx) => addPartner(tx, { name: "Hooli", type: "ALLIANCE", teamIds: ["hooli-workspace"], actor: ADMIN }),
      /"hooli-workspace" is not a Slack team ID.*starts with T/,
    );
  });

  it("replaces team IDs and keeps the before/after in the audit", async () => {
    await seed();
    const r = await run((tx) => setPartnerTeams(tx, { name: "acme", teamIds: ["T0ACME3"], actor: ADMIN }));
    expect(r).toEqual({ name: "Acme Data", before: ["T0ACME1", "T0ACME2"], teamIds: ["T0ACME3"] });
    expect((await db.prisma.organization.findUniqueOrThrow({ where: { name: "Acme Data" } })).slackTeamIds).toEqual(["T0ACME3"]);
    const row = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "partner.teams" } });
    expect(row.detail).toMatchObject({ before: ["T0ACME1", "T0ACME2"], after: ["T0ACME3"] });
    // the freed team ID can now go to someone else
    await run((tx) => addPartner(tx, { name: "Initech", type: "REFERRAL", teamIds: ["T0ACME1"], actor: ADMIN }));
  });

  it("says which organizations exist when a name matches none, and refuses an ambiguous prefix", async () => {
    await seed();
    await run((tx) => addPartner(tx, { name: "Acme Cloud", type: "RESELLER", actor: ADMIN }));
    await expectRefused(
      (tx) => setPartnerTeams(tx, { name: "Initech", teamIds: [], actor: ADMIN }),
      /No organization named "Initech" — known: Acme Cloud, Acme Data, Globex, Northwind/,
    );
    await expectRefused(
      (tx) => setPartnerTeams(tx, { name: "Acme", teamIds: [], actor: ADMIN }),
      /"Acme" matches several organizations: Acme Cloud, Acme Data/,
    );
  });

  it("removes an unused partner (audited) but refuses one in a pairing or on a deal, with the reason", async () => {
    await seed();
    await run((tx) => addPartner(tx, { name: "Initech", type: "REFERRAL", actor: ADMIN }));
    await run((tx) => addPairing(tx, { channelId: "C0AG", name: "Acme + Globex", orgNames: ["Acme Data", "Globex"], actor: ADMIN }));
    await addDeal("Acme + Globex", "Globex", 7);

    await expectRefused((tx) => removePartner(tx, { name: "Acme Data", actor: ADMIN }), /Can't remove "Acme Data": it is in 1 pairing \("Acme \+ Globex"\)/);
    await expectRefused((tx) => removePartner(tx, { name: "Globex", actor: ADMIN }), /Can't remove "Globex": it is on 1 deal \(CS-7\) and it is in 1 pairing/);
    // a prefix is never enough to delete something
    await expectRefused((tx) => removePartner(tx, { name: "Init", actor: ADMIN }), /did you mean "Initech"/);
    await expectRefused((tx) => removePartner(tx, { name: "Northwind", actor: ADMIN }), /our own organization/);

    await run((tx) => removePartner(tx, { name: "initech", actor: "U_ADMIN2" }));
    expect(await db.prisma.organization.findUnique({ where: { name: "Initech" } })).toBeNull();
    const row = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "partner.remove" } });
    expect(row).toMatchObject({ actor: "U_ADMIN2", detail: { name: "Initech", type: "REFERRAL" } });
  });
});

describe("pairings", () => {
  it("binds 2+ organizations (ours may be one) to a channel, resolving names by case-insensitive prefix", async () => {
    await seed();
    const r = await run((tx) =>
      addPairing(tx, { channelId: "C0TRIO", name: "Acme + Globex", orgNames: ["acme", "GLOBEX", "North"], model: "SELL_THROUGH", actor: ADMIN }),
    );
    expect(r.members).toEqual(["Acme Data", "Globex", "Northwind"]);
    const stored = await db.prisma.pairing.findUniqueOrThrow({ where: { channelId: "C0TRIO" }, include: { members: { include: { org: true } } } });
    expect(stored).toMatchObject({ name: "Acme + Globex", defaultModel: "SELL_THROUGH", createdBy: ADMIN });
    expect(stored.members.map((m) => m.org.name).sort()).toEqual(["Acme Data", "Globex", "Northwind"]);
    const row = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "pairing.add" } });
    expect(row.detail).toMatchObject({ channelId: "C0TRIO", members: ["Acme Data", "Globex", "Northwind"], defaultModel: "SELL_THROUGH" });
  });

  it("warns when two resellers would share a pairing (competition, not co-selling), and still binds it", async () => {
    await seed();
    await run((tx) => addPartner(tx, { name: "Initech Resale", type: "RESELLER", actor: ADMIN }));
    await run((tx) => addPartner(tx, { name: "Hooli Resale", type: "RESELLER", actor: ADMIN }));
    const r = await run((tx) => addPairing(tx, { channelId: "C0RESELL", name: "Resellers", orgNames: ["Initech", "Hooli", "Acme"], actor: ADMIN }));
    expect(r.warnings).toEqual([
      expect.stringMatching(/^Initech Resale and Hooli Resale are both resellers: in one pairing they compete for the same customers/),
    ]);
    expect(await db.prisma.pairing.count({ where: { channelId: "C0RESELL" } })).toBe(1);
    const ok = await run((tx) => addPairing(tx, { channelId: "C0ONE", name: "One reseller", orgNames: ["Initech", "Acme"], actor: ADMIN }));
    expect(ok.warnings).toEqual([]);
  });

  it("defaults the co-sell model to sell-with", async () => {
    await seed();
    await run((tx) => addPairing(tx, { channelId: "C0AN", name: "Acme x Us", orgNames: ["Acme Data", "Northwind"], actor: ADMIN }));
    expect((await db.prisma.pairing.findUniqueOrThrow({ where: { channelId: "C0AN" } })).defaultModel).toBe("SELL_WITH");
  });

  it("refuses fewer than 2 organizations, counting the same one named twice once", async () => {
    await seed();
    await expectRefused(
      (tx) => addPairing(tx, { channelId: "C0SOLO", name: "Solo", orgNames: ["Acme Data"], actor: ADMIN }),
      /at least 2 organizations; only "Acme Data"/,
    );
    await expectRefused(
      (tx) => addPairing(tx, { channelId: "C0SOLO", name: "Solo", orgNames: ["Acme Data", "acme data"], actor: ADMIN }),
      /at least 2 organizations/,
    );
    await expectRefused(
      (tx) => addPairing(tx, { channelId: "C0SOLO", name: "Solo", orgNames: ["Acme Data", "Hooli"], actor: ADMIN }),
      /No organization named "Hooli"/,
    );
  });

  it("refuses a channel already bound to another pairing, naming that pairing", async () => {
    await seed();
    await run((tx) => addPairing(tx, { channelId: "C0AG", name: "Acme + Globex", orgNames: ["Acme Data", "Globex"], actor: ADMIN }));
    await expectRefused(
      (tx) => addPairing(tx, { channelId: "C0AG", name: "Acme x Us", orgNames: ["Acme Data", "Northwind"], actor: ADMIN }),
      // the plain message; replies show the channel as a link (<#C0AG>)
      /#C0AG is already the channel of pairing "Acme \+ Globex"/,
    );
    await expectRefused(
      (tx) => addPairing(tx, { channelId: "C0OTHER", name: "acme + globex", orgNames: ["Acme Data", "Northwind"], actor: ADMIN }),
      /already exists/,
    );
  });

  it("removes a pairing without deals (audited), refuses one with deals", async () => {
    await seed();
    await run((tx) => addPairing(tx, { channelId: "C0AG", name: "Acme + Globex", orgNames: ["Acme Data", "Globex"], actor: ADMIN }));
    await run((tx) => addPairing(tx, { channelId: "C0AN", name: "Acme x Us", orgNames: ["Acme Data", "Northwind"], actor: ADMIN }));
    await addDeal("Acme + Globex", "Acme Data", 3);

    await expectRefused((tx) => removePairing(tx, { name: "Acme + Globex", actor: ADMIN }), /Can't remove pairing "Acme \+ Globex": it has 1 deal \(CS-3\)/);
    await run((tx) => removePairing(tx, { name: "acme x us", actor: ADMIN }));
    expect(await db.prisma.pairing.findUnique({ where: { channelId: "C0AN" } })).toBeNull();
    expect(await db.prisma.pairingMember.count()).toBe(2);
    const row = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "pairing.remove" } });
    expect(row.detail).toMatchObject({ name: "Acme x Us", channelId: "C0AN", members: ["Acme Data", "Northwind"] });
    // once its pairing is gone, a partner can be removed
    await run((tx) => addPartner(tx, { name: "Initech", type: "REFERRAL", actor: ADMIN }));
    await run((tx) => addPairing(tx, { channelId: "C0IN", name: "Initech x Us", orgNames: ["Initech", "Northwind"], actor: ADMIN }));
    await expectRefused((tx) => removePartner(tx, { name: "Initech", actor: ADMIN }), /in 1 pairing/);
    await run((tx) => removePairing(tx, { name: "Initech x Us", actor: ADMIN }));
    await run((tx) => removePartner(tx, { name: "Initech", actor: ADMIN }));
  });
});

describe("the overview", () => {
  it("lists our organization, partners and pairings (ours first among members), sorted by name", async () => {
    await seed();
    await run((tx) => addPairing(tx, { channelId: "C0AN", name: "Acme x Us", orgNames: ["Acme Data", "Northwind"], model: "SELL_TO", actor: ADMIN }));
    expect(await listProgram(db.prisma)).toEqual({
      ours: { name: "Northwind", teamIds: ["T0OURS"] },
      partners: [
        { name: "Acme Data", type: "TECHNOLOGY", teamIds: ["T0ACME1", "T0ACME2"], tier: "INACTIVE", tierSince: null },
        { name: "Globex", type: "SI", teamIds: [], tier: "INACTIVE", tierSince: null },
      ],
      pairings: [{ name: "Acme x Us", channelId: "C0AN", members: ["Northwind", "Acme Data"], defaultModel: "SELL_TO" }],
    });
  });
});

describe("concurrency", () => {
  it("two partners claiming the same team at once: exactly one wins", async () => {
    await seed();
    const results = await Promise.allSettled([
      run((tx) => addPartner(tx, { name: "Initech", type: "REFERRAL", teamIds: ["T0SHARED"], actor: ADMIN })),
      run((tx) => addPartner(tx, { name: "Hooli", type: "ALLIANCE", teamIds: ["T0SHARED"], actor: ADMIN })),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(UserError);
    expect(await db.prisma.organization.count({ where: { slackTeamIds: { has: "T0SHARED" } } })).toBe(1);
  });
});
