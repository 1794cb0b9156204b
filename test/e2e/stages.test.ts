import { describe, expect, it } from "vitest";
import { ACTION, CALLBACK, STAGE_BLOCK as B } from "../../src/platform/slack/ids";
import { postedDeal } from "../support/deals";
import { useTestApp } from "../support/fixtures";
import { blockAction, stateValues, viewSubmission, type Person } from "../support/payloads";
import { PEOPLE } from "../support/seed";

const { t, p } = useTestApp({ seed: true, resetFake: true });

describe("stage changes from the card and the command", () => {
  const submitStage = (dealId: string, to: string, confirm: boolean, as: Person = PEOPLE.rep) =>
    t.interact(
      viewSubmission({
        as,
        viewId: `V_STAGE_${Math.random()}`,
        callbackId: CALLBACK.changeStage,
        values: stateValues({ [B.stage]: { select: to }, ...(confirm ? { [B.confirmGaps]: { checked: ["yes"] } } : {}) }),
        privateMetadata: JSON.stringify({ dealId }),
        blocks: [
          { type: "input", block_id: B.stage },
          { type: "input", block_id: B.confirmGaps },
        ],
      }),
    );

  it("button → modal → move: the card is updated in place and an alert goes to the pairing channel", async () => {
    const { dealId } = await postedDeal(t, p);
    t.fake.reset();
    await t.interact(blockAction({ as: PEOPLE.acmeRep, actionId: ACTION.changeStage, value: dealId, channel: "C_ACME" }));
    await t.fake.waitFor((c) => c.some((x) => x.method === "views.open"));
    const modal = t.fake.callsTo("views.open")[0]!.args.view as { blocks: { block_id?: string; element?: { options?: { value: string }[] } }[] };
    const options = modal.blocks.find((b) => b.block_id === B.stage)!.element!.options!.map((o) => o.value);
    expect(options).toContain("DISCOVERY");
    expect(options).not.toContain("REGISTERED");

    const res = await submitStage(dealId, "DISCOVERY", false, PEOPLE.acmeRep);
    expect(res.text).toBe("");
    const deal = await t.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId }, include: { stageChanges: { orderBy: { changedAt: "asc" } } } });
    expect(deal.stage).toBe("DISCOVERY");
    expect(deal.stageChanges.at(-1)).toMatchObject({ fromStage: "REGISTERED", toStage: "DISCOVERY", changedBy: "U_ACME" });
    await t.fake.waitFor(
      (c) => c.some((x) => x.method === "chat.update") && c.some((x) => x.method === "chat.postMessage" && String(x.args.text).includes("Moved")),
    );
    const update = t.fake.callsTo("chat.update")[0]!;
    expect(update.args.ts).toBe(deal.cardTs);
    expect(JSON.stringify(update.args.blocks)).toContain("Discovery");
    const alert = t.fake.callsTo("chat.postMessage").find((x) => String(x.args.text).includes("Moved"))!;
    expect(alert.args.channel).toBe("C_ACME");
    expect(String(alert.args.text)).toMatch(/Registered → \*Discovery\* by <@U_ACME>/);
    expect(String(alert.args.text)).toContain("$100,000.00");
    expect(String(alert.args.text)).toContain("Next step:");
  });

  it("moving past Discovery with role gaps asks for confirmation, then records the override", async () => {
    const { dealId } = await postedDeal(t, p);
    const res = await submitStage(dealId, "PROPOSAL", false);
    const body = res.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe("errors");
    expect(body.errors[B.confirmGaps]).toMatch(/Missing: .*Lead for Discovery/);
    expect((await t.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } })).stage).toBe("REGISTERED");

    const ok = await submitStage(dealId, "PROPOSAL", true);
    expect(ok.text).toBe("");
    const change = await t.db.prisma.stageChange.findFirstOrThrow({ where: { dealId, toStage: "PROPOSAL" } });
    expect(change.gapOverride).toContain("Lead for Discovery");
  });

  it("/cosell stage with gaps offers 'Move anyway'; closed deals stay closed unless an admin reopens", async () => {
    const { dealId, ref } = await postedDeal(t, p);
    await t.command(`stage CS-${ref} negotiation`, { user: "U_REP", channel: "C_ACME" });
    await expect.poll(() => t.fake.responses.length).toBeGreaterThan(0);
    const reply = t.fake.responses.at(-1)!.body as { text: string; blocks?: { elements?: { action_id: string; value: string }[] }[] };
    expect(reply.text).toMatch(/cannot move to Negotiation yet/);
    const button = reply.blocks!.flatMap((b) => b.elements ?? []).find((e) => e.action_id === ACTION.confirmStage)!;
    expect(JSON.parse(button.value)).toEqual({ dealId, to: "NEGOTIATION" });

    await t.command(`stage CS-${ref} lost`, { user: "U_REP", channel: "C_ACME" });
    await expect.poll(async () => (await t.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } })).stage).toBe("CLOSED_LOST");
    await t.command(`stage CS-${ref} discovery`, { user: "U_REP", channel: "C_ACME" });
    await expect.poll(() => t.fake.responses.some((r) => /Only a program admin can reopen/.test(String(r.body.text)))).toBe(true);
    expect((await t.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } })).stage).toBe("CLOSED_LOST");
    await t.command(`stage CS-${ref} discovery`, { user: "U_ADMIN", channel: "C_ACME" });
    await expect.poll(async () => (await t.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } })).stage).toBe("DISCOVERY");
    const reopen = await t.db.prisma.stageChange.findFirstOrThrow({ where: { dealId, reopen: true } });
    expect(reopen.changedBy).toBe("U_ADMIN");
    expect(await t.db.prisma.auditEvent.count({ where: { action: "deal.reopen", subject: dealId } })).toBe(1);
  });

  it("closing won computes attribution and posts a partner-safe receipt in the deal's thread; 'See my numbers' shows a partner only its own payout", async () => {
    // A deal with two partners: Acme sources and validates, Globex sells, we influence.
    const trio = await t.db.prisma.pairing.create({
      data: {
        name: "Ourco + Acme + Globex",
        channelId: "C_TRIO",
        createdBy: "U_ADMIN",
        members: { create: [{ orgId: p.ours.id }, { orgId: p.acme.id }, { orgId: p.globex.id }] },
      },
    });
    const { dealId, ref } = await postedDeal(t, p, {
      pairingId: trio.id,
      amountMinor: 20_000_000,
      participants: [
        { orgId: p.acme.id, roles: ["SOURCING", "TECHNICAL_VALIDATION"] },
        { orgId: p.globex.id, roles: ["SELLING"] },
        { orgId: p.ours.id, roles: ["INFLUENCE"] },
      ],
    });
    t.fake.reset();
    await t.command(`stage CS-${ref} won --confirm`, { user: "U_REP", channel: "C_TRIO" });
    await expect.poll(async () => (await t.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } })).stage).toBe("CLOSED_WON");
    const record = await t.db.prisma.attributionRecord.findFirstOrThrow({ where: { dealId } });
    expect(record.model).toBe("ROLE_SPLIT");
    // 20/25 → Acme 45%, Globex 40%, us 15%; co-sell pool 27.5% of $200,000 = $55,000 split 45:40 over the partners
    const result = record.result as {
      credits: { orgName: string; creditBp: number }[];
      pool: { amountMinor: number };
      payouts: { orgName: string; amountMinor: number }[];
    };
    expect(Object.fromEntries(result.credits.map((c) => [c.orgName, c.creditBp]))).toEqual({ "Acme Data": 4500, Globex: 4000, Ourco: 1500 });
    expect(result.pool.amountMinor).toBe(5_500_000);
    expect(Object.fromEntries(result.payouts.map((x) => [x.orgName, x.amountMinor]))).toEqual({ "Acme Data": 2_911_765, Globex: 2_588_235 });

    const deal = await t.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } });
    await t.fake.waitFor((c) => c.some((x) => x.method === "chat.postMessage" && x.args.thread_ts === deal.cardTs));
    const receipt = t.fake.callsTo("chat.postMessage").find((x) => x.args.thread_ts === deal.cardTs)!;
    const receiptJson = JSON.stringify(receipt.args.blocks);
    expect(receipt.args.channel).toBe("C_TRIO");
    expect(receiptJson).toContain("45.00%");
    expect(receiptJson).not.toContain("29,117.65"); // no payouts in the channel by default
    expect(receiptJson).toContain("See my numbers");

    await t.interact(
      blockAction({ as: PEOPLE.acmeRep, actionId: ACTION.seeMyNumbers, value: record.id, channel: "C_TRIO", responseUrl: t.fake.responseUrl("acme") }),
    );
    await t.interact(
      blockAction({ as: PEOPLE.globexRep, actionId: ACTION.seeMyNumbers, value: record.id, channel: "C_TRIO", responseUrl: t.fake.responseUrl("globex") }),
    );
    await expect.poll(() => t.fake.responses.filter((r) => /\/(acme|globex)$/.test(r.url)).length).toBe(2);
    const acme = JSON.stringify(t.fake.responses.find((r) => r.url.endsWith("/acme"))!.body);
    const globex = JSON.stringify(t.fake.responses.find((r) => r.url.endsWith("/globex"))!.body);
    expect(acme).toContain("$29,117.65");
    expect(acme).not.toContain("$25,882.35");
    expect(globex).toContain("$25,882.35");
    expect(globex).not.toContain("$29,117.65");
    expect(acme).toContain("ephemeral");
  });
});
