import { beforeAll, describe, expect, it } from "vitest";
import { ACTION, CALLBACK, ROLES_BLOCK as B } from "../../src/platform/slack/ids";
import { postedDeal } from "../support/deals";
import { useTestApp } from "../support/fixtures";
import { blockAction, stateValues, viewSubmission } from "../support/payloads";
import { PEOPLE } from "../support/seed";

const { t, p } = useTestApp({ seed: true });

describe("editing roles from the deal card", () => {
  let dealId: string;
  beforeAll(async () => {
    ({ dealId } = await postedDeal(t, p));
  });

  const values = (over: Record<string, unknown> = {}) =>
    stateValues({
      [`${B.rolePrefix}SOURCING`]: { multi: [p.acme.id] },
      [`${B.rolePrefix}SELLING`]: { multi: [p.ours.id] },
      [`${B.rolePrefix}TECHNICAL_VALIDATION`]: { multi: [p.acme.id] },
      [`${B.rolePrefix}IMPLEMENTATION`]: { multi: [p.acme.id] },
      [`${B.rolePrefix}INFLUENCE`]: { multi: [] },
      [B.relationshipOwner]: { user: "U_REP" },
      [`${B.leadPrefix}DISCOVERY`]: { select: p.acme.id },
      [`${B.leadPrefix}TECHNICAL_VALIDATION`]: { select: p.acme.id },
      [`${B.leadPrefix}PROPOSAL`]: { select: p.ours.id },
      [`${B.leadPrefix}NEGOTIATION`]: { select: p.ours.id },
      [B.postSaleOwner]: { select: p.acme.id },
      [`${B.slaPrefix}${p.acme.id}`]: { text: "24" },
      ...over,
    } as never);

  it("the Edit roles button opens the modal with the current roles", async () => {
    await t.interact(blockAction({ as: PEOPLE.acmeRep, actionId: ACTION.editRoles, value: dealId, channel: "C_ACME" }));
    await t.fake.waitFor((c) => c.some((x) => x.method === "views.open"));
    const view = t.fake.callsTo("views.open").at(-1)!.args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { block_id?: string; element?: { initial_options?: { value: string }[] } }[];
    };
    expect(view.callback_id).toBe(CALLBACK.editRoles);
    expect(JSON.parse(view.private_metadata)).toEqual({ dealId });
    expect(view.blocks.find((b) => b.block_id === `${B.rolePrefix}SOURCING`)!.element!.initial_options!.map((o) => o.value)).toEqual([p.acme.id]);
  });

  it("saving closes every role-clarity gap, records who/when/before/after and updates the card in place", async () => {
    const res = await t.interact(
      viewSubmission({
        as: PEOPLE.acmeRep,
        viewId: "V_ROLES_1",
        callbackId: CALLBACK.editRoles,
        values: values(),
        privateMetadata: JSON.stringify({ dealId }),
      }),
    );
    expect(res.text).toBe("");
    const changes = await t.db.prisma.roleChange.findMany({ where: { dealId } });
    expect(changes).toHaveLength(1);
    expect(changes[0]!.changedBy).toBe("U_ACME");
    expect(JSON.stringify(changes[0]!.before)).not.toContain("IMPLEMENTATION");
    expect(JSON.stringify(changes[0]!.after)).toContain("IMPLEMENTATION");
    const deal = await t.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId }, include: { participants: true } });
    expect(deal.postSaleOwnerOrgId).toBe(p.acme.id);
    expect(deal.participants.find((x) => x.orgId === p.acme.id)!.responseSlaHours).toBe(24);
    await t.fake.waitFor((c) => c.some((x) => x.method === "chat.update"));
    const update = t.fake.callsTo("chat.update").at(-1)!;
    expect(update.args.ts).toBe(deal.cardTs);
    expect(JSON.stringify(update.args.blocks)).toContain("(7/7)"); // quarterback, 4 stage leads, post-sale owner, Acme SLA
  });

  it("refuses a lead that is not on the deal and an impossible SLA, writing nothing", async () => {
    const before = await t.db.prisma.roleChange.count();
    const res = await t.interact(
      viewSubmission({
        as: PEOPLE.rep,
        viewId: "V_ROLES_2",
        callbackId: CALLBACK.editRoles,
        values: values({
          [`${B.rolePrefix}IMPLEMENTATION`]: { multi: [] },
          [`${B.rolePrefix}TECHNICAL_VALIDATION`]: { multi: [] },
          [`${B.rolePrefix}SOURCING`]: { multi: [] },
          [`${B.slaPrefix}${p.acme.id}`]: { text: "0" },
        }),
        privateMetadata: JSON.stringify({ dealId }),
      }),
    );
    const body = res.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe("errors");
    expect(body.errors[`${B.leadPrefix}DISCOVERY`]).toMatch(/on the deal/);
    expect(body.errors[`${B.slaPrefix}${p.acme.id}`]).toMatch(/1 to 720/);
    expect(await t.db.prisma.roleChange.count()).toBe(before);
  });

  it("a partner of another pairing with a copied button value or forged metadata is denied and nothing changes", async () => {
    t.fake.reset();
    await t.interact(
      blockAction({ as: PEOPLE.globexRep, actionId: ACTION.editRoles, value: dealId, channel: "C_GLOBEX", responseUrl: t.fake.responseUrl("deny") }),
    );
    await expect.poll(() => t.fake.responses.length).toBe(1);
    expect(t.fake.responses[0]!.body).toMatchObject({ response_type: "ephemeral" });
    expect(String(t.fake.responses[0]!.body.text)).toMatch(/isn't in a co-sell pairing your organization belongs to/);
    expect(JSON.stringify(t.fake.responses[0]!.body)).not.toContain("Account");
    expect(t.fake.callsTo("views.open")).toHaveLength(0);
    const before = await t.db.prisma.roleChange.count();
    const res = await t.interact(
      viewSubmission({
        as: PEOPLE.globexRep,
        viewId: "V_FORGED",
        callbackId: CALLBACK.editRoles,
        values: values({ [`${B.rolePrefix}INFLUENCE`]: { multi: [p.acme.id] } }),
        privateMetadata: JSON.stringify({ dealId }),
      }),
    );
    const body = res.json() as { response_action: string; errors: Record<string, string> };
    expect(Object.values(body.errors).join(" ")).toMatch(/isn't in a co-sell pairing your organization belongs to/);
    expect(await t.db.prisma.roleChange.count()).toBe(before);
  });
});
