import { describe, expect, it } from "vitest";
import { assessRoleClarity, type RoleClarityInput } from "../../../src/kernel/role-clarity";

const us = { orgId: "org-us", orgName: "Cosell Inc", internal: true, responseSlaHours: null };
const acme = { orgId: "org-acme", orgName: "Acme", internal: false, responseSlaHours: 24 };
const zeta = { orgId: "org-zeta", orgName: "Zeta Systems", internal: false, responseSlaHours: 48 };

const settled: RoleClarityInput = {
  relationshipOwnerUserId: "U123",
  postSaleOwnerOrgId: "org-acme",
  stageLeads: {
    DISCOVERY: "org-us",
    TECHNICAL_VALIDATION: "org-zeta",
    PROPOSAL: "org-us",
    NEGOTIATION: "org-us",
  },
  participants: [us, zeta, acme],
};

describe("assessRoleClarity", () => {
  it("a fully settled deal is complete, with one item per question in a stable order", () => {
    const r = assessRoleClarity(settled);
    expect(r.complete).toBe(true);
    expect(r.gaps).toEqual([]);
    expect(r.items.map((i) => i.key)).toEqual([
      "relationship_owner",
      "lead:DISCOVERY",
      "lead:TECHNICAL_VALIDATION",
      "lead:PROPOSAL",
      "lead:NEGOTIATION",
      "post_sale_owner",
      "sla:org-acme", // partners sorted by name, our own organization makes no commitment
      "sla:org-zeta",
    ]);
    expect(r.items.every((i) => i.done)).toBe(true);
  });

  it("says who does what in the details", () => {
    const byKey = Object.fromEntries(assessRoleClarity(settled).items.map((i) => [i.key, i.detail]));
    expect(byKey.relationship_owner).toContain("<@U123>");
    expect(byKey["lead:TECHNICAL_VALIDATION"]).toBe("Zeta Systems leads Technical validation");
    expect(byKey.post_sale_owner).toContain("Acme");
    expect(byKey["sla:org-zeta"]).toBe("Zeta Systems answers deal requests within 48 h");
  });

  it("a freshly registered deal lists every missing answer as a gap", () => {
    const r = assessRoleClarity({
      relationshipOwnerUserId: null,
      postSaleOwnerOrgId: null,
      stageLeads: {},
      participants: [us, { ...acme, responseSlaHours: null }],
    });
    expect(r.complete).toBe(false);
    expect(r.gaps).toEqual([
      "Relationship owner",
      "Lead for Discovery",
      "Lead for Technical validation",
      "Lead for Proposal",
      "Lead for Negotiation",
      "Post-sale owner",
      "Response SLA for Acme",
    ]);
    expect(r.items.find((i) => i.key === "sla:org-acme")?.detail).toContain("24 h");
  });

  it.each<[string, Partial<RoleClarityInput>, string]>([
    ["missing one stage lead", { stageLeads: { ...settled.stageLeads, TECHNICAL_VALIDATION: null } }, "Lead for Technical validation"],
    ["blank relationship owner", { relationshipOwnerUserId: "  " }, "Relationship owner"],
    ["no post-sale owner", { postSaleOwnerOrgId: null }, "Post-sale owner"],
    ["a partner with a zero SLA", { participants: [us, zeta, { ...acme, responseSlaHours: 0 }] }, "Response SLA for Acme"],
  ])("%s leaves exactly that gap", (_name, change, gap) => {
    const r = assessRoleClarity({ ...settled, ...change });
    expect(r.gaps).toEqual([gap]);
    expect(r.complete).toBe(false);
  });

  it("a stage lead or post-sale owner who is not on the deal is a gap", () => {
    const r = assessRoleClarity({
      ...settled,
      postSaleOwnerOrgId: "org-gone",
      stageLeads: { ...settled.stageLeads, NEGOTIATION: "org-gone" },
    });
    expect(r.gaps).toEqual(["Lead for Negotiation", "Post-sale owner"]);
    const neg = r.items.find((i) => i.key === "lead:NEGOTIATION");
    expect(neg?.done).toBe(false);
    expect(neg?.detail).toMatch(/is not on the deal$/);
    expect(r.items.find((i) => i.key === "post_sale_owner")?.detail).toMatch(/is not on the deal$/);
  });

  it("our own organization never needs a response SLA", () => {
    const r = assessRoleClarity({ ...settled, participants: [us, acme, zeta] });
    expect(r.items.some((i) => i.key === "sla:org-us")).toBe(false);
    expect(r.complete).toBe(true);
  });

  it("the same organization listed twice yields one commitment item", () => {
    const r = assessRoleClarity({ ...settled, participants: [us, acme, zeta, acme] });
    expect(r.items.filter((i) => i.key === "sla:org-acme")).toHaveLength(1);
  });
});
