import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/kernel/access";
import { setupDraftSchema, submitProgramSetup, type SetupDeps } from "../../src/features/program/submit-setup";
import { fixedClock } from "../../src/platform/clock";
import { useTestDb } from "../support/fixtures";

// The setup use case called directly, as the CLI or the playground would: a plain draft in, a
// typed result out, every field problem at once, and nothing half-written when a step is refused.

const { db, p } = useTestDb({ seed: true });
const deps: SetupDeps = { db, clock: fixedClock("2026-11-16T10:00:00Z"), admins: ["U_ADMIN"] };
let admin: Actor;
let rep: Actor;

beforeAll(() => {
  admin = { kind: "internal", userId: "U_ADMIN", teamId: "T_OURS", isAdmin: true, orgId: p.ours.id };
  rep = { kind: "internal", userId: "U_REP", teamId: "T_OURS", isAdmin: false, orgId: p.ours.id };
});

const draft = (over: Record<string, unknown> = {}) =>
  setupDraftSchema.parse({
    ourOrgName: "Ourco",
    timezone: "Europe/Berlin",
    responseSlaHours: "12",
    staleDays: "21",
    digestWeekday: "1",
    digestHour: "9",
    ...over,
  });

describe("submitProgramSetup", () => {
  it("refuses a person who is not an admin, and saves nothing", async () => {
    const r = await submitProgramSetup(deps, rep, draft({ timezone: "Asia/Tokyo" }));
    expect(r.kind).toBe("denied");
    expect((await db.prisma.program.findUniqueOrThrow({ where: { id: 1 } })).timezone).not.toBe("Asia/Tokyo");
  });

  it("answers every problem at once, keyed by field", async () => {
    const r = await submitProgramSetup(
      deps,
      admin,
      draft({ ourOrgName: " ", timezone: "Mars/Olympus", partnerName: "Initech", pairingName: "Ourco + Initech", pairingOrgs: [{ newPartner: true }] }),
    );
    expect(r).toEqual({
      kind: "fieldErrors",
      errors: expect.objectContaining({
        ourOrgName: "Name our organization.",
        timezone: expect.stringContaining("Mars/Olympus"),
        partnerType: "Pick the new partner's type.",
        pairingChannelId: "Pick the pairing's shared channel.",
      }),
    });
  });

  it("saves our organization, the settings, a new partner and its pairing in one go", async () => {
    const r = await submitProgramSetup(
      deps,
      admin,
      draft({
        partnerName: "Initech",
        partnerType: "RESELLER",
        partnerTeams: "T0INI1, T0INI2",
        pairingChannelId: "C0INITECH1",
        pairingName: "Ourco + Initech",
        pairingOrgs: [{ id: p.ours.id }, { newPartner: true }],
        pairingModel: "SELL_THROUGH",
      }),
    );
    expect(r).toMatchObject({
      kind: "saved",
      org: { name: "Ourco" },
      partner: { name: "Initech" },
      pairing: { name: "Ourco + Initech", channelId: "C0INITECH1" },
    });
    const pairing = await db.prisma.pairing.findUniqueOrThrow({ where: { channelId: "C0INITECH1" }, include: { members: { include: { org: true } } } });
    expect(pairing.defaultModel).toBe("SELL_THROUGH");
    expect(pairing.members.map((m) => m.org.name).sort()).toEqual(["Initech", "Ourco"]);
    expect((await db.prisma.organization.findFirstOrThrow({ where: { name: "Initech" } })).slackTeamIds).toEqual(["T0INI1", "T0INI2"]);
    expect((await db.prisma.program.findUniqueOrThrow({ where: { id: 1 } })).timezone).toBe("Europe/Berlin");
  });

  it("a refused step (the channel already has a pairing) leaves nothing half-written", async () => {
    const r = await submitProgramSetup(
      deps,
      admin,
      draft({
        timezone: "America/Chicago",
        partnerName: "Hooli",
        partnerType: "SI",
        pairingChannelId: "C0INITECH1",
        pairingName: "Ourco + Hooli",
        pairingOrgs: [{ id: p.ours.id }, { newPartner: true }],
      }),
    );
    expect(r.kind).toBe("fieldErrors");
    if (r.kind === "fieldErrors") expect(r.errors.pairingOrgs).toMatch(/already/i);
    expect(await db.prisma.organization.findFirst({ where: { name: "Hooli" } })).toBeNull();
    expect((await db.prisma.program.findUniqueOrThrow({ where: { id: 1 } })).timezone).toBe("Europe/Berlin");
  });
});
