import { describe, expect, it } from "vitest";
import { ACTION, CALLBACK, DISPUTE_BLOCK as B } from "../../src/platform/slack/ids";
import { createDeal, postedDeal } from "../support/deals";
import { useTestApp } from "../support/fixtures";
import { blockAction, stateValues, viewSubmission, type Person } from "../support/payloads";
import { PEOPLE } from "../support/seed";

// Disputes from the receipt's button (partner people in the shared channel), admins answering
// from their DM, and the admin's recompute — signed requests into the real app, fake Slack.

const REASON = "Our SE ran the whole POC, so technical validation should weigh more.";

const { t, p } = useTestApp({ seed: true, resetFake: true });

describe("attribution disputes and recompute", () => {
  /** A deal in the Acme pairing with its card posted, closed won: its receipt is in the thread. */
  async function wonDeal() {
    const { dealId, ref } = await postedDeal(t, p);
    await t.command(`stage CS-${ref} won --confirm`, { user: "U_REP", channel: "C_ACME" });
    await expect.poll(async () => (await t.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } })).stage).toBe("CLOSED_WON");
    const deal = await t.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } });
    await t.fake.waitFor((c) =>
      c.some((x) => x.method === "chat.postMessage" && x.args.thread_ts === deal.cardTs && JSON.stringify(x.args.blocks ?? "").includes("Dispute")),
    );
    const record = await t.db.prisma.attributionRecord.findFirstOrThrow({ where: { dealId } });
    t.fake.reset();
    return { dealId, ref, cardTs: deal.cardTs!, recordId: record.id };
  }

  const submitDispute = (as: Person, recordId: string, reason: string, viewId = `V_DISPUTE_${Math.random()}`) =>
    t.interact(
      viewSubmission({
        as,
        viewId,
        callbackId: CALLBACK.dispute,
        values: stateValues({ [B.reason]: { text: reason } }),
        privateMetadata: JSON.stringify({ recordId }),
        blocks: [{ type: "input", block_id: B.reason }],
      }),
    );

  const threadPosts = (cardTs: string) => t.fake.callsTo("chat.postMessage").filter((x) => x.args.thread_ts === cardTs);

  it("a partner disputes from the receipt: modal → admins DMed with the reason, a reason-free note in the thread; one open dispute per organization", async () => {
    const { dealId, ref, cardTs, recordId } = await wonDeal();
    await t.interact(
      blockAction({ as: PEOPLE.acmeRep, actionId: ACTION.dispute, value: recordId, channel: "C_ACME", responseUrl: t.fake.responseUrl("acme-click") }),
    );
    await t.fake.waitFor((c) => c.some((x) => x.method === "views.open"));
    const modal = t.fake.callsTo("views.open")[0]!.args.view as { callback_id: string; private_metadata: string; blocks: { block_id?: string }[] };
    expect(modal.callback_id).toBe(CALLBACK.dispute);
    expect(JSON.parse(modal.private_metadata)).toEqual({ recordId });
    expect(modal.blocks.some((b) => b.block_id === B.reason)).toBe(true);

    const tooShort = (await submitDispute(PEOPLE.acmeRep, recordId, "wrong")).json() as { response_action: string; errors: Record<string, string> };
    expect(tooShort.response_action).toBe("errors");
    expect(tooShort.errors[B.reason]).toMatch(/at least 10 characters/);
    const invisible = (await submitDispute(PEOPLE.acmeRep, recordId, "\u200B".repeat(20))).json() as {
      response_action: string;
      errors: Record<string, string>;
    };
    expect(invisible.errors[B.reason]).toMatch(/^The reason is made only of invisible characters/);
    const control = (await submitDispute(PEOPLE.acmeRep, recordId, "Acme ran the POC\u0000, not Globex")).json() as {
      response_action: string;
      errors: Record<string, string>;
    };
    expect(control.errors[B.reason]).toMatch(/^The reason contains an invisible control character, U\+0000 NUL \(character 17\)/);
    expect(await t.db.prisma.dispute.count({ where: { recordId } })).toBe(0);

    // A double-clicked submit: one dispute, one DM per admin.
    const [res, dup] = await Promise.all([
      submitDispute(PEOPLE.acmeRep, recordId, REASON, "V_DISPUTE_1"),
      submitDispute(PEOPLE.acmeRep, recordId, REASON, "V_DISPUTE_1"),
    ]);
    expect((res.json() as { response_action: string }).response_action).toBe("update");
    expect((dup.json() as { response_action: string }).response_action).toBe("update");
    const disputes = await t.db.prisma.dispute.findMany({ where: { recordId } });
    expect(disputes).toHaveLength(1);
    expect(disputes[0]).toMatchObject({ dealId, orgId: p.acme.id, raisedBy: "U_ACME", reason: REASON, status: "OPEN" });

    await t.fake.waitFor(
      (c) =>
        c.some((x) => x.method === "chat.postMessage" && x.args.channel === "U_ADMIN") &&
        c.some((x) => x.method === "chat.postMessage" && x.args.thread_ts === cardTs),
    );
    const dms = t.fake.callsTo("chat.postMessage").filter((x) => x.args.channel === "U_ADMIN");
    expect(dms).toHaveLength(1);
    expect(String(dms[0]!.args.text)).toContain(REASON);
    expect(JSON.stringify(dms[0]!.args.blocks)).toContain(ACTION.disputeResolve);
    const note = threadPosts(cardTs);
    expect(note).toHaveLength(1);
    expect(note[0]!.args.channel).toBe("C_ACME");
    expect(String(note[0]!.args.text)).toBe(`⚖️ Acme Data disputed the attribution of CS-${ref} (record #1); admins will respond.`);
    expect(JSON.stringify(note[0]!.args)).not.toContain("POC");

    // Another Acme dispute on the same record is refused, at the click and at the submit.
    t.fake.reset();
    await t.interact(
      blockAction({ as: PEOPLE.acmeRep, actionId: ACTION.dispute, value: recordId, channel: "C_ACME", responseUrl: t.fake.responseUrl("acme-again") }),
    );
    await expect.poll(() => t.fake.responses.find((r) => r.url.endsWith("/acme-again"))).toBeTruthy();
    expect(String(t.fake.responses.find((r) => r.url.endsWith("/acme-again"))!.body.text)).toMatch(/Acme Data already has an open dispute on record #1/);
    expect(t.fake.callsTo("views.open")).toHaveLength(0);
    const second = (await submitDispute(PEOPLE.acmeRep, recordId, "And the influence share is off too.")).json() as {
      response_action: string;
      errors: Record<string, string>;
    };
    expect(second.errors[B.reason]).toMatch(/already has an open dispute/);
    expect(await t.db.prisma.dispute.count({ where: { recordId } })).toBe(1);
  });

  it("a Globex person with a copied record id of an Acme-pairing deal is denied, and nothing is written", async () => {
    const { recordId } = await wonDeal();
    const before = {
      disputes: await t.db.prisma.dispute.count(),
      outbox: await t.db.prisma.outboxMessage.count(),
      audit: await t.db.prisma.auditEvent.count(),
    };
    await t.interact(
      blockAction({ as: PEOPLE.globexRep, actionId: ACTION.dispute, value: recordId, channel: "C_GLOBEX", responseUrl: t.fake.responseUrl("globex") }),
    );
    await expect.poll(() => t.fake.responses.find((r) => r.url.endsWith("/globex"))).toBeTruthy();
    expect(String(t.fake.responses.find((r) => r.url.endsWith("/globex"))!.body.text)).toMatch(/isn't in a co-sell pairing your organization belongs to/);
    expect(t.fake.callsTo("views.open")).toHaveLength(0);

    const res = (await submitDispute(PEOPLE.globexRep, recordId, REASON)).json() as { response_action: string; errors: Record<string, string> };
    expect(res.response_action).toBe("errors");
    expect(res.errors[B.reason]).toMatch(/isn't in a co-sell pairing/);
    const stranger = (await submitDispute(PEOPLE.stranger, recordId, REASON)).json() as { errors: Record<string, string> };
    expect(stranger.errors[B.reason]).toMatch(/isn't one of them/);
    expect({
      disputes: await t.db.prisma.dispute.count(),
      outbox: await t.db.prisma.outboxMessage.count(),
      audit: await t.db.prisma.auditEvent.count(),
    }).toEqual(before);
  });

  it("an admin resolves from the DM's button: a modal for the note, then the note in the deal's thread; non-admins are refused", async () => {
    const { ref, cardTs, recordId } = await wonDeal();
    await submitDispute(PEOPLE.acmeRep, recordId, REASON);
    // Everything the dispute posts is delivered before we look further.
    await t.fake.waitFor(
      (c) =>
        c.some((x) => x.method === "chat.postMessage" && x.args.channel === "U_ADMIN") &&
        c.some((x) => x.method === "chat.postMessage" && x.args.thread_ts === cardTs),
    );
    const dm = t.fake.callsTo("chat.postMessage").find((x) => x.args.channel === "U_ADMIN")!;
    const buttons = (dm.args.blocks as { elements?: { action_id: string; value: string }[] }[]).flatMap((b) => b.elements ?? []);
    const resolve = buttons.find((b) => b.action_id === ACTION.disputeResolve)!;
    const dispute = await t.db.prisma.dispute.findFirstOrThrow({ where: { recordId } });
    expect(resolve.value).toBe(dispute.id);

    // Someone who is not an admin, with the button's value: no modal.
    t.fake.reset();
    await t.interact(blockAction({ as: PEOPLE.rep, actionId: ACTION.disputeResolve, value: dispute.id }));
    await t.fake.waitFor((c) => c.some((x) => x.method === "chat.postMessage" && x.args.channel === "U_REP"));
    expect(String(t.fake.callsTo("chat.postMessage").find((x) => x.args.channel === "U_REP")!.args.text)).toMatch(/Only a program admin can do that/);
    expect(t.fake.callsTo("views.open")).toHaveLength(0);

    await t.interact(blockAction({ as: PEOPLE.admin, actionId: ACTION.disputeResolve, value: dispute.id }));
    await t.fake.waitFor((c) => c.some((x) => x.method === "views.open"));
    const modal = t.fake.callsTo("views.open")[0]!.args.view as { callback_id: string; private_metadata: string };
    expect(modal.callback_id).toBe(CALLBACK.resolveDispute);
    expect(JSON.parse(modal.private_metadata)).toEqual({ disputeId: dispute.id, outcome: "RESOLVED" });
    const submitNote = (as: Person, note: string) =>
      t.interact(
        viewSubmission({
          as,
          viewId: `V_RESOLVE_${Math.random()}`,
          callbackId: CALLBACK.resolveDispute,
          values: stateValues({ [B.note]: { text: note } }),
          privateMetadata: modal.private_metadata,
          blocks: [{ type: "input", block_id: B.note }],
        }),
      );

    const empty = (await submitNote(PEOPLE.admin, "   ")).json() as { errors: Record<string, string> };
    expect(empty.errors[B.note]).toMatch(/Write a note/);
    const forged = (await submitNote(PEOPLE.acmeRep, "resolved, trust me")).json() as { errors: Record<string, string> };
    expect(forged.errors[B.note]).toMatch(/Only a program admin/);
    expect((await t.db.prisma.dispute.findUniqueOrThrow({ where: { id: dispute.id } })).status).toBe("OPEN");

    const ok = await submitNote(PEOPLE.admin, "Agreed: Acme ran the POC. We recompute with the corrected roles.");
    expect(ok.text).toBe("");
    const row = await t.db.prisma.dispute.findUniqueOrThrow({ where: { id: dispute.id } });
    expect(row).toMatchObject({
      status: "RESOLVED",
      resolvedBy: "U_ADMIN",
      resolutionNote: "Agreed: Acme ran the POC. We recompute with the corrected roles.",
    });
    expect(row.resolvedAt).toEqual(t.deps.clock.now());
    expect(await t.db.prisma.auditEvent.count({ where: { action: "dispute.resolve", subject: dispute.id } })).toBe(1);
    await t.fake.waitFor((c) => c.some((x) => x.method === "chat.postMessage" && x.args.thread_ts === cardTs));
    expect(threadPosts(cardTs)).toHaveLength(1);
    const note = threadPosts(cardTs)[0]!;
    expect(note.args.channel).toBe("C_ACME");
    expect(String(note.args.text)).toBe(
      `✅ <@U_ACME> Acme Data's dispute of the attribution of CS-${ref} was resolved by an admin: “Agreed: Acme ran the POC. We recompute with the corrected roles.”`,
    );
    await t.fake.waitFor((c) => c.some((x) => x.method === "chat.postMessage" && x.args.channel === "U_ADMIN" && String(x.args.text).includes("resolved")));

    // Clicking again on the old DM says it is done.
    t.fake.reset();
    await t.interact(blockAction({ as: PEOPLE.admin, actionId: ACTION.disputeReject, value: dispute.id }));
    await t.fake.waitFor((c) => c.some((x) => x.method === "chat.postMessage" && x.args.channel === "U_ADMIN"));
    expect(String(t.fake.callsTo("chat.postMessage")[0]!.args.text)).toMatch(/already resolved by <@U_ADMIN>/);
    expect(t.fake.callsTo("views.open")).toHaveLength(0);
  });

  it("/cosell dispute resolve|reject and /cosell disputes are for admins", async () => {
    const { recordId } = await wonDeal();
    await submitDispute(PEOPLE.acmeRep, recordId, REASON);
    const dispute = await t.db.prisma.dispute.findFirstOrThrow({ where: { recordId } });
    const short = dispute.id.slice(0, 8);

    const refused = (await t.command(`dispute resolve ${short} "looks fine to me"`, { user: "U_REP", channel: "C_ACME" })).json() as { text: string };
    expect(refused.text).toMatch(/^Only a program admin can do that\. Ask one of the admins \(<@U_ADMIN>\)\./);
    expect(((await t.command("disputes", { user: "U_REP" })).json() as { text: string }).text).toMatch(/Only a program admin/);
    expect((await t.db.prisma.dispute.findUniqueOrThrow({ where: { id: dispute.id } })).status).toBe("OPEN");

    const list = (await t.command("disputes", { user: "U_ADMIN" })).json() as { text: string; blocks: unknown[] };
    expect(list.text).toContain(short);
    expect(JSON.stringify(list.blocks)).toContain(ACTION.disputeReject);

    const noNote = (await t.command(`dispute reject ${short}`, { user: "U_ADMIN" })).json() as { text: string };
    expect(noNote.text).toMatch(/Add a note for the partner/);
    const rejected = (
      await t.command(`dispute reject ${short} "The roles were agreed before the first call; the split stands."`, { user: "U_ADMIN" })
    ).json() as { text: string };
    expect(rejected.text).toMatch(/rejected; your note is posted in the deal's thread/);
    expect(await t.db.prisma.dispute.findUniqueOrThrow({ where: { id: dispute.id } })).toMatchObject({
      status: "REJECTED",
      resolvedBy: "U_ADMIN",
      resolutionNote: "The roles were agreed before the first call; the split stands.",
    });
    const again = (await t.command(`dispute resolve ${short} "changed my mind"`, { user: "U_ADMIN" })).json() as { text: string };
    expect(again.text).toMatch(/already rejected by <@U_ADMIN>/);
  });

  it("--recompute by an admin adds record #2 (record #1 kept) and posts the new receipt; others and reason-less calls are refused", async () => {
    const { dealId, ref, cardTs, recordId } = await wonDeal();
    const first = JSON.stringify(await t.db.prisma.attributionRecord.findUniqueOrThrow({ where: { id: recordId } }));

    const byRep = (await t.command(`attribution CS-${ref} --recompute "please"`, { user: "U_REP" })).json() as { text: string };
    expect(byRep.text).toMatch(/Only a program admin/);
    const noReason = (await t.command(`attribution CS-${ref} --recompute`, { user: "U_ADMIN" })).json() as { text: string };
    expect(noReason.text).toMatch(/Say why you recompute/);
    expect(await t.db.prisma.attributionRecord.count({ where: { dealId } })).toBe(1);

    await t.db.prisma.participant.update({
      where: { dealId_orgId: { dealId, orgId: p.acme.id } },
      data: { roles: ["SOURCING", "TECHNICAL_VALIDATION", "SELLING"] },
    });
    const ok = (
      await t.command(`attribution CS-${ref} --recompute "Acme co-sold; roles corrected after dispute"`, { user: "U_ADMIN", channel: "C_ACME" })
    ).json() as { text: string };
    expect(ok.text).toMatch(new RegExp(`Recomputed CS-${ref}: record #2`));
    const records = await t.db.prisma.attributionRecord.findMany({ where: { dealId }, orderBy: { seq: "asc" } });
    expect(records.map((r) => r.seq)).toEqual([1, 2]);
    expect(JSON.stringify(records[0])).toBe(first);
    expect(records[1]).toMatchObject({ computedBy: "U_ADMIN", reason: "Acme co-sold; roles corrected after dispute" });
    expect(await t.db.prisma.auditEvent.count({ where: { action: "attribution.recompute", subject: dealId } })).toBe(1);

    await t.fake.waitFor((c) => c.some((x) => x.method === "chat.postMessage" && x.args.thread_ts === cardTs));
    const receipt = threadPosts(cardTs)[0]!;
    const blocks = JSON.stringify(receipt.args.blocks);
    expect(receipt.args.channel).toBe("C_ACME");
    expect(blocks).toContain("Record #2");
    expect(blocks).toContain("Acme co-sold; roles corrected after dispute");
    expect(blocks).toContain(records[1]!.id);

    // An open deal has nothing to recompute.
    const { ref: openRef } = await createDeal(t.db.prisma, p);
    const open = (await t.command(`attribution CS-${openRef} --recompute "just because"`, { user: "U_ADMIN" })).json() as { text: string };
    expect(open.text).toMatch(/not Closed won/);
  });
});
