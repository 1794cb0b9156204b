import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/kernel/access";
import { ensureProgram } from "../../src/features/program/program";
import { orgRepo } from "../../src/platform/repos/org-repo";
import { pairingRepo } from "../../src/platform/repos/pairing-repo";
import { programRepo } from "../../src/platform/repos/program-repo";
import { useTestDb } from "../support/fixtures";
import { PEOPLE, seedProgram, type SeededProgram } from "../support/seed";

// The repositories on a real database (PGlite, or Postgres with TEST_DATABASE_URL).

// The database without the program row (the first tests read the program before it exists),
// the test organizations and pairings seeded into it.
const { db } = useTestDb();
let p: SeededProgram;

beforeAll(async () => {
  p = await seedProgram(db.prisma);
});

describe("programRepo", () => {
  it("finds nothing before the program exists; get() throws", async () => {
    const repo = programRepo(db.prisma);
    expect(await repo.find()).toBeNull();
    expect(await repo.timezone("Europe/Berlin")).toBe("Europe/Berlin");
    await expect(repo.get()).rejects.toThrow();
  });

  it("reads the program with its JSON settings parsed", async () => {
    await ensureProgram(db.prisma, { timezone: "America/New_York" });
    const repo = programRepo(db.prisma);
    const fresh = await repo.get();
    expect(fresh).toMatchObject({ id: 1, timezone: "America/New_York", businessHours: null, staleDaysByStage: {} });
    expect(await repo.timezone("UTC")).toBe("America/New_York");

    await db.prisma.program.update({
      where: { id: 1 },
      data: { businessHours: { startHour: 9, endHour: 17, workdays: [1, 2, 3, 4, 5], extra: true }, staleDaysByStage: { NEGOTIATION: 7, PROPOSAL: "x" } },
    });
    const set = await repo.get();
    expect(set.businessHours).toEqual({ startHour: 9, endHour: 17, workdays: [1, 2, 3, 4, 5] });
    expect(set.staleDaysByStage).toEqual({ NEGOTIATION: 7 });
    expect(await repo.find()).toEqual(set);
  });

  it("reads invalid business hours as none (wall-clock SLAs)", async () => {
    await db.prisma.program.update({ where: { id: 1 }, data: { businessHours: { startHour: 9 }, staleDaysByStage: [1, 2] } });
    const program = await programRepo(db.prisma).get();
    expect(program.businessHours).toBeNull();
    expect(program.staleDaysByStage).toEqual({});
  });

  it("updates settings in a transaction", async () => {
    await db.prisma.$transaction((tx) => programRepo(tx).update({ mapSharing: "DETAILS" }));
    expect((await programRepo(db.prisma).get()).mapSharing).toBe("DETAILS");
  });
});

describe("pairingRepo", () => {
  const internal: Actor = { kind: "internal", userId: PEOPLE.rep.user, teamId: PEOPLE.rep.team, isAdmin: false, orgId: null };
  const acmePerson = (): Actor => ({ kind: "partner", userId: PEOPLE.acmeRep.user, teamId: PEOPLE.acmeRep.team, orgId: p.acme.id, orgName: p.acme.name });
  const stranger: Actor = { kind: "stranger", userId: PEOPLE.stranger.user, teamId: PEOPLE.stranger.team };

  it("visibleTo: our people see every pairing, by name", async () => {
    const all = await pairingRepo(db.prisma).visibleTo(internal);
    expect(all.map((x) => x.name)).toEqual(["Ourco + Acme", "Ourco + Globex"]);
  });

  it("visibleTo: a partner's people see only their organization's pairings", async () => {
    const mine = await pairingRepo(db.prisma).visibleTo(acmePerson());
    expect(mine.map((x) => x.id)).toEqual([p.acmePairing.id]);
    expect(mine[0]).toMatchObject({
      name: "Ourco + Acme",
      channelId: "C_ACME",
      defaultModel: "SELL_WITH",
      panelTs: null,
      orgs: [
        { id: p.acme.id, name: "Acme Data", internal: false },
        { id: p.ours.id, name: "Ourco", internal: true },
      ],
    });
  });

  it("visibleTo: strangers see none", async () => {
    expect(await pairingRepo(db.prisma).visibleTo(stranger)).toEqual([]);
  });

  it("finds by channel and by id, lists member ids, remembers the panel", async () => {
    const repo = pairingRepo(db.prisma);
    const byChannel = await repo.forChannel("C_GLOBEX");
    expect(byChannel?.id).toBe(p.globexPairing.id);
    expect(await repo.forChannel("C_NOWHERE")).toBeNull();
    expect((await repo.byId(p.globexPairing.id))?.name).toBe("Ourco + Globex");
    expect((await repo.memberOrgIds(p.globexPairing.id)).sort()).toEqual([p.ours.id, p.globex.id].sort());
    await repo.setPanelTs(p.globexPairing.id, "1700000000.000100");
    expect((await repo.byId(p.globexPairing.id))?.panelTs).toBe("1700000000.000100");
  });
});

describe("orgRepo", () => {
  it("reads one organization, and all of them ours first or by name", async () => {
    const repo = orgRepo(db.prisma);
    expect(await repo.byId(p.acme.id)).toEqual({ id: p.acme.id, name: "Acme Data", kind: "PARTNER" });
    expect((await repo.listOursFirst()).map((o) => o.name)).toEqual(["Ourco", "Acme Data", "Globex"]);
    expect((await repo.listByName()).map((o) => o.name)).toEqual(["Acme Data", "Globex", "Ourco"]);
  });
});
