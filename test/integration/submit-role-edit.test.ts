import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/kernel/access";
import { registrationDraftSchema, submitRegistration } from "../../src/features/registration/submit-registration";
import { roleEditDraftSchema, submitRoleEdit, type RoleEditDeps } from "../../src/features/roles/submit-role-edit";
import { changeStage } from "../../src/features/stages/change-stage";
import { fixedClock } from "../../src/platform/clock";
import { useTestDb } from "../support/fixtures";

// Editing roles through the use case, as any adapter would: every field problem at once, keyed by
// field; a partner outside the pairing refused; the edit kept with before/after; a deal closed
// meanwhile left alone.

const { db, p } = useTestDb({ seed: true });
const deps: RoleEditDeps = { db, clock: fixedClock("2026-11-16T10:00:00Z") };
let rep: Actor;
let globexRep: Actor;
let dealId: string;

beforeAll(async () => {
  rep = { kind: "internal", userId: "U_REP", teamId: "T_OURS", isAdmin: false, orgId: p.ours.id };
  globexRep = { kind: "partner", userId: "U_GLOBEX", teamId: "T_GLOBEX", orgId: p.globex.id, orgName: p.globex.name };
  const r = await submitRegistration(
    { ...deps, admins: [] },
    rep,
    registrationDraftSchema.parse({
      accountName: "Northwind",
      accountDomain: "northwind.example",
      title: "Data platform",
      amount: "48000",
      currency: "USD",
      expectedCloseDate: "2027-01-31",
      coSellModel: "SELL_WITH",
      pairingId: p.acmePairing.id,
      roles: { SOURCING: [p.acme.id], SELLING: [p.ours.id] },
    }),
  );
  if (r.kind !== "registered") throw new Error(`registration failed: ${JSON.stringify(r)}`);
  dealId = r.dealId;
});

const edit = (over: Record<string, unknown> = {}) =>
  roleEditDraftSchema.parse({ dealId, roles: { SOURCING: [p.acme.id], SELLING: [p.ours.id], TECHNICAL_VALIDATION: [p.acme.id] }, ...over });

describe("submitRoleEdit", () => {
  it("refuses a partner outside the deal's pairing", async () => {
    expect((await submitRoleEdit(deps, globexRep, edit())).kind).toBe("denied");
  });

  it("answers every problem at once, keyed by field, and changes nothing", async () => {
    const r = await submitRoleEdit(
      deps,
      rep,
      edit({ roles: { SOURCING: [p.acme.id] }, stageLeads: { PROPOSAL: p.globex.id }, responseSlaHours: { [p.acme.id]: "0" } }),
    );
    expect(r).toEqual({
      kind: "fieldErrors",
      errors: expect.objectContaining({
        "role:SELLING": expect.any(String),
        "lead:PROPOSAL": "The lead must be an organization on the deal (give it a role above).",
        [`sla:${p.acme.id}`]: "Give whole hours from 1 to 720 (24 is the usual commitment).",
      }),
    });
    expect(await db.prisma.roleChange.count({ where: { dealId } })).toBe(0);
  });

  it("applies the edit and keeps it with before and after; the same edit again changes nothing", async () => {
    const draft = edit({ stageLeads: { PROPOSAL: p.ours.id }, responseSlaHours: { [p.acme.id]: "12" }, postSaleOwnerOrgId: p.acme.id });
    expect(await submitRoleEdit(deps, rep, draft)).toEqual({ kind: "saved", changed: true });
    const acme = await db.prisma.participant.findUniqueOrThrow({ where: { dealId_orgId: { dealId, orgId: p.acme.id } } });
    expect(acme.roles.sort()).toEqual(["SOURCING", "TECHNICAL_VALIDATION"]);
    expect(acme.responseSlaHours).toBe(12);
    const changes = await db.prisma.roleChange.findMany({ where: { dealId } });
    expect(changes).toHaveLength(1);
    expect(changes[0]!.changedBy).toBe("U_REP");
    expect(await submitRoleEdit(deps, rep, draft)).toEqual({ kind: "saved", changed: false });
  });

  it("a deal closed meanwhile keeps its roles", async () => {
    await changeStage(db.prisma, { dealId, to: "CLOSED_LOST", by: "U_REP", isAdmin: false, confirmedGaps: true, now: new Date("2026-11-16T11:00:00Z") });
    const r = await submitRoleEdit(deps, rep, edit({ roles: { SOURCING: [p.acme.id], SELLING: [p.ours.id, p.acme.id] } }));
    expect(r).toEqual({ kind: "closed", message: expect.stringMatching(/^CS-\d+ was closed meanwhile; its roles are locked\.$/) });
    expect((await db.prisma.participant.findUniqueOrThrow({ where: { dealId_orgId: { dealId, orgId: p.acme.id } } })).roles).not.toContain("SELLING");
  });
});
