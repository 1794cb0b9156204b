import { describe, expect, it } from "vitest";
import { runSlaSweep } from "../../src/features/asks/sla-sweep";
import type { fixedClock } from "../../src/platform/clock";
import { ACTION, CALLBACK, REGISTER_BLOCK as B, REVIEW_BLOCK as R } from "../../src/platform/slack/ids";
import { useTestApp } from "../support/fixtures";
import { blockAction, stateValues, viewSubmission, type Person } from "../support/payloads";
import { PEOPLE, TEAMS } from "../support/seed";

// The registration lifecycle end to end: signed requests through the real listeners, the outbox
// delivering to the fake Slack, the SLA sweep run at the moments the clock is moved to.
// The clock starts at 2026-11-16 10:00 UTC.
const ADMIN2 = { user: "U_ADMIN2", team: TEAMS.ours } as const;
const { t, p } = useTestApp({ seed: true, resetFake: true, config: { admins: ["U_ADMIN", "U_ADMIN2"] } });
const DAY = 86_400_000;

type Call = { method: string; args: Record<string, unknown> };
const json = (x: unknown) => JSON.stringify(x);
const clock = () => t.clock as ReturnType<typeof fixedClock>;

let seq = 0;
function values(domain: string, partner: "acme" | "globex") {
  const org = partner === "acme" ? p.acme.id : p.globex.id;
  return stateValues({
    [B.accountName]: { text: `Account ${domain}` },
    [B.accountDomain]: { text: domain },
    [B.title]: { text: `Platform deal on ${domain}` },
    [B.amount]: { text: "48,000" },
    [B.currency]: { select: "USD" },
    [B.closeDate]: { date: "2027-06-30" },
    [B.pairing]: { select: partner === "acme" ? p.acmePairing.id : p.globexPairing.id },
    [B.coSellModel]: { select: "SELL_WITH" },
    [B.explicitModel]: { select: null },
    [`${B.rolePrefix}SOURCING`]: { multi: [org] },
    [`${B.rolePrefix}SELLING`]: { multi: [p.ours.id] },
    [`${B.rolePrefix}TECHNICAL_VALIDATION`]: { multi: [] },
    [`${B.rolePrefix}IMPLEMENTATION`]: { multi: [] },
    [`${B.rolePrefix}INFLUENCE`]: { multi: [] },
    [B.relationshipOwner]: { user: "U_REP" },
    [B.postSaleOwner]: { select: null },
    [B.notes]: { text: "" },
  });
}

/** Submits the registration modal; `ack` acknowledges the conflict the modal showed (its metadata). */
async function register(as: Person, domain: string, partner: "acme" | "globex", ack?: { conflictDealId: string }) {
  const v = values(domain, partner);
  if (ack) Object.assign(v, stateValues({ [B.conflict]: { checked: ["yes"] } }));
  const channel = partner === "acme" ? "C_ACME" : "C_GLOBEX";
  const res = await t.interact(
    viewSubmission({
      as,
      viewId: `V_LC_${++seq}`,
      callbackId: CALLBACK.registerDeal,
      values: v,
      privateMetadata: json({ channelId: channel, ...(ack ? { conflictDealId: ack.conflictDealId } : {}) }),
      blocks: [{ type: "input", block_id: B.accountName }],
    }),
  );
  await t.settled();
  return res;
}

const dealOn = (domain: string, registeredBy?: string) =>
  t.db.prisma.deal.findFirstOrThrow({ where: { accountDomain: domain, ...(registeredBy ? { registeredBy } : {}) }, orderBy: { ref: "desc" } });

/** Posts to a channel (a DM is addressed by the user id) whose blocks hold this action on this deal. */
const postsWith = (channel: string, actionId: string, dealId: string): Call[] =>
  t.fake
    .callsTo("chat.postMessage")
    .filter((c) => c.args.channel === channel && json(c.args.blocks).includes(`"action_id":"${actionId}"`) && json(c.args.blocks).includes(dealId));

let respSeq = 0;
async function click(as: Person, actionId: string, dealId: string, channel = as.user) {
  const id = `lc${++respSeq}`;
  await t.interact(blockAction({ as, actionId, value: dealId, channel, responseUrl: t.fake.responseUrl(id) }));
  await t.settled();
  const answer = t.fake.responses.filter((r) => r.url.endsWith(`/${id}`)).map((r) => String(r.body.text));
  return answer.join("\n");
}

async function submitNote(as: Person, dealId: string, action: "reject" | "return" | "moveProtection" | "declineExtension", note: string, reason?: string) {
  const v = stateValues({ [R.note]: { text: note }, ...(reason ? { [R.reason]: { select: reason } } : {}) });
  const res = await t.interact(
    viewSubmission({
      as,
      viewId: `V_NOTE_${++seq}`,
      callbackId: CALLBACK.registrationNote,
      values: v,
      privateMetadata: json({ dealId, action }),
      blocks: [{ type: "input", block_id: R.note }],
    }),
  );
  await t.settled();
  return res;
}

const sweep = async () => {
  const r = await runSlaSweep(t.deps, clock().now());
  await t.settled();
  return r.registrations;
};

const dmsTo = (user: string) => t.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === user);

describe("registration lifecycle", () => {
  it("a partner registers from the panel; the admins are DMed; Approve; warning at day 76; expiry at day 90; the freed account is accepted", async () => {
    clock().set("2026-11-16T10:00:00Z");
    // Priya's way in: "Register deal" on the pairing panel opens the form.
    await t.interact(blockAction({ as: PEOPLE.acmeRep, actionId: ACTION.registerDeal, value: "panel", channel: "C_ACME" }));
    await t.fake.waitFor((c) => c.some((x) => x.method === "views.open"));
    expect(res200(await register(PEOPLE.acmeRep, "lifecycle.example", "acme"))).toBe("");
    const deal = await dealOn("lifecycle.example");
    expect(deal.registrationStatus).toBe("SUBMITTED");
    expect(deal.reviewRound).toBe(1);

    // One review DM per admin, with the deal and the three buttons.
    for (const admin of ["U_ADMIN", "U_ADMIN2"]) {
      const dms = postsWith(admin, ACTION.regApprove, deal.id);
      expect(dms).toHaveLength(1);
      const blocks = json(dms[0]!.args.blocks);
      expect(blocks).toContain("Registration to review: CS-");
      expect(blocks).toContain(ACTION.regReject);
      expect(blocks).toContain(ACTION.regReturn);
    }
    // The card says it is pending.
    const card = t.fake
      .callsTo("chat.postMessage")
      .find((c) => c.args.channel === "C_ACME" && json(c.args.blocks).includes("Platform deal on lifecycle.example"))!;
    expect(json(card.args.blocks)).toContain("Pending review");
    // The registrant's confirmation says so too.
    expect(json(t.fake.callsTo("chat.postEphemeral").map((c) => c.args.text))).toContain("pending review");

    const answer = await click(PEOPLE.admin, ACTION.regApprove, deal.id);
    expect(answer).toMatch(/approved: protected for 90 days/);
    const approved = await dealOn("lifecycle.example");
    expect(approved.registrationStatus).toBe("APPROVED");
    expect(approved.decidedBy).toBe("U_ADMIN");
    expect(approved.protectedUntil?.toISOString()).toBe("2027-02-14T10:00:00.000Z");
    // The card updated in place; both admins' DMs show the decision and lose their buttons.
    const updates = t.fake.callsTo("chat.update");
    expect(updates.some((u) => u.args.ts === approved.cardTs && json(u.args.blocks).includes("Approved · protected until 2027-02-14"))).toBe(true);
    for (const admin of ["U_ADMIN", "U_ADMIN2"]) {
      const dmTs = (await t.db.prisma.registrationReviewMessage.findUniqueOrThrow({ where: { dealId_admin: { dealId: deal.id, admin } } })).ts;
      const update = updates.find((u) => u.args.ts === dmTs)!;
      expect(json(update.args.blocks)).toContain("Approved* by <@U_ADMIN>");
      expect(json(update.args.blocks)).not.toContain(ACTION.regApprove);
    }
    // The registrant is told.
    expect(json(dmsTo("U_ACME").map((c) => c.args.text))).toContain("was approved");
    // The decision is audited: who, when, why.
    const audit = await t.db.prisma.auditEvent.findFirstOrThrow({ where: { subject: deal.id, action: "registration.approve" } });
    expect(audit.actor).toBe("U_ADMIN");

    // Day 75: nothing yet. Day 76: one warning to the registrant and the relationship owner, once.
    clock().set(new Date(approved.protectedUntil!.getTime() - 15 * DAY));
    expect((await sweep()).expiryWarnings).toBe(0);
    clock().set(new Date(approved.protectedUntil!.getTime() - 14 * DAY));
    expect((await sweep()).expiryWarnings).toBe(1);
    expect((await sweep()).expiryWarnings).toBe(0);
    for (const who of ["U_ACME", "U_REP"]) {
      const warnings = dmsTo(who).filter((c) => String(c.args.text).includes("ends on 2027-02-14"));
      expect(warnings).toHaveLength(1);
      expect(json(warnings[0]!.args.blocks)).toContain(ACTION.regRequestExtension);
    }

    // Day 90: expired, the card says so, the channel is told once.
    clock().set(approved.protectedUntil!);
    expect((await sweep()).expired).toBe(1);
    expect((await sweep()).expired).toBe(0);
    expect((await dealOn("lifecycle.example")).registrationStatus).toBe("EXPIRED");
    const expiredPosts = t.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === "C_ACME" && String(c.args.text).includes("expired"));
    expect(expiredPosts).toHaveLength(1);
    expect(String(expiredPosts[0]!.args.text)).not.toContain("48,000");
    expect(t.fake.callsTo("chat.update").some((u) => u.args.ts === approved.cardTs && json(u.args.blocks).includes("⌛ Expired"))).toBe(true);

    // The account is free again: Globex's registration is accepted without a conflict.
    expect(res200(await register(PEOPLE.globexRep, "lifecycle.example", "globex"))).toBe("");
    const second = await dealOn("lifecycle.example", "U_GLOBEX");
    expect(second.registrationStatus).toBe("SUBMITTED");
    expect(second.conflictWithDealId).toBeNull();
  });

  it("Return for info → the registrant edits and resubmits → a new review round", async () => {
    clock().set("2026-11-20T10:00:00Z");
    await register(PEOPLE.acmeRep, "returned.example", "acme");
    const deal = await dealOn("returned.example");
    // Return needs a note: an empty one is a field error under the field.
    const empty = await submitNote(PEOPLE.admin, deal.id, "return", "  ");
    expect(JSON.parse(empty.text).errors[R.note]).toMatch(/required/);
    await click(PEOPLE.admin, ACTION.regReturn, deal.id);
    expect(json(t.fake.callsTo("views.open").at(-1)!.args.view)).toContain(CALLBACK.registrationNote);
    expect(res200(await submitNote(PEOPLE.admin, deal.id, "return", "needs the customer's budget owner"))).toBe("");
    const returned = await dealOn("returned.example");
    expect(returned.registrationStatus).toBe("RETURNED");
    expect(t.fake.callsTo("chat.update").some((u) => json(u.args.blocks).includes("Returned: needs the customer"))).toBe(true);
    const dm = dmsTo("U_ACME").find((c) => json(c.args.blocks).includes(ACTION.regResubmit))!;
    expect(String(dm.args.text)).toContain("needs the customer's budget owner");

    // Past Discovery is not allowed while it waits.
    const stage = await t.command(`stage CS-${deal.ref} proposal`, { user: "U_ACME", team: TEAMS.acme, channel: "C_ACME" });
    await t.settled();
    expect(stage.text + json(t.fake.responses.map((r) => r.body))).toMatch(/as far as Discovery/);

    await click(PEOPLE.acmeRep, ACTION.regResubmit, deal.id);
    expect(json(t.fake.callsTo("views.open").at(-1)!.args.view)).toContain(CALLBACK.resubmitRegistration);
    const resubmit = await t.interact(
      viewSubmission({
        as: PEOPLE.acmeRep,
        viewId: `V_RESUB_${++seq}`,
        callbackId: CALLBACK.resubmitRegistration,
        values: stateValues({
          [R.title]: { text: "Platform deal, budget owner named" },
          [R.amount]: { text: "52,000" },
          [R.closeDate]: { date: "2027-05-31" },
          [R.answer]: { text: "Budget owner: Dana Ruiz, VP Data" },
        }),
        privateMetadata: json({ dealId: deal.id }),
        blocks: [{ type: "input", block_id: R.title }],
      }),
    );
    await t.settled();
    expect(res200(resubmit)).toBe("");
    const again = await dealOn("returned.example");
    expect(again).toMatchObject({ registrationStatus: "SUBMITTED", reviewRound: 2, amountMinor: 5_200_000n, title: "Platform deal, budget owner named" });
    const round2 = postsWith("U_ADMIN", ACTION.regApprove, deal.id);
    expect(round2).toHaveLength(2);
    expect(json(round2[1]!.args.blocks)).toContain("Budget owner: Dana Ruiz");
    expect(json(round2[1]!.args.blocks)).toContain("round 2");
  });

  it("a conflict decided by Keep the first: the newcomer is rejected as a duplicate, told nothing of the other deal", async () => {
    clock().set("2026-11-21T10:00:00Z");
    await register(PEOPLE.acmeRep, "keepfirst.example", "acme");
    const first = await dealOn("keepfirst.example");
    await click(PEOPLE.admin, ACTION.regApprove, first.id);

    // Globex tries the same account: the modal shows the conflict in the program's words only.
    const shown = await register(PEOPLE.globexRep, "keepfirst.example", "globex");
    const update = JSON.parse(shown.text) as { response_action: string; view: unknown };
    expect(update.response_action).toBe("update");
    const modal = json(update.view);
    expect(modal).toContain("already protected in the program");
    expect(modal).not.toContain("Acme");
    expect(modal).not.toContain(`CS-${first.ref}`);
    expect(await t.db.prisma.deal.count({ where: { accountDomain: "keepfirst.example" } })).toBe(1);

    await register(PEOPLE.globexRep, "keepfirst.example", "globex", { conflictDealId: first.id });
    const second = await dealOn("keepfirst.example", "U_GLOBEX");
    expect(second).toMatchObject({ registrationStatus: "SUBMITTED", conflictWithDealId: first.id });
    const dm = postsWith("U_ADMIN", ACTION.regKeepFirst, second.id);
    expect(dm).toHaveLength(1);
    const blocks = json(dm[0]!.args.blocks);
    expect(blocks).toContain(`First: CS-${first.ref}`);
    expect(blocks).toContain(ACTION.regApproveBoth);
    expect(blocks).toContain(ACTION.regMoveProtection);
    // A plain approve is not one of the ways of deciding a conflict.
    expect(blocks).not.toContain(`${ACTION.regApprove}"`);

    const answer = await click(PEOPLE.admin, ACTION.regKeepFirst, second.id);
    expect(answer).toMatch(/rejected: duplicate/);
    expect((await dealOn("keepfirst.example", "U_GLOBEX")).registrationStatus).toBe("REJECTED");
    expect((await dealOn("keepfirst.example", "U_ACME")).registrationStatus).toBe("APPROVED");
    const told = dmsTo("U_GLOBEX")
      .map((c) => String(c.args.text))
      .join("\n");
    expect(told).toContain("this account is already protected in the program");
    expect(told).not.toContain("Acme");
    expect(told).not.toContain(`CS-${first.ref}`);
    expect(
      dmsTo("U_ACME")
        .map((c) => String(c.args.text))
        .join("\n"),
    ).toMatch(/rejected as a duplicate: your registration .*keeps its protection/);
    // The rejected card offers to register again.
    expect(
      t.fake.callsTo("chat.update").some((u) => json(u.args.blocks).includes("Rejected: duplicate") && json(u.args.blocks).includes(ACTION.regRegisterAgain)),
    ).toBe(true);
  });

  it("a conflict decided by Move protection: the first expires with the reason, the newcomer is protected; Approve both records an exception", async () => {
    clock().set("2026-11-22T10:00:00Z");
    await register(PEOPLE.acmeRep, "move.example", "acme");
    const first = await dealOn("move.example");
    await click(PEOPLE.admin, ACTION.regApprove, first.id);
    await register(PEOPLE.globexRep, "move.example", "globex", { conflictDealId: first.id });
    const second = await dealOn("move.example", "U_GLOBEX");
    await click(PEOPLE.admin, ACTION.regMoveProtection, second.id);
    expect(res200(await submitNote(PEOPLE.admin, second.id, "moveProtection", "the customer chose the other partner after the merger"))).toBe("");
    const [a, b] = [await dealOn("move.example", "U_ACME"), await dealOn("move.example", "U_GLOBEX")];
    expect(a.registrationStatus).toBe("EXPIRED");
    expect(a.expiryReason).toContain("after the merger");
    expect(b.registrationStatus).toBe("APPROVED");
    const moved = dmsTo("U_ACME")
      .map((c) => String(c.args.text))
      .find((x) => x.includes("moved the protection"));
    expect(moved).toMatch(/moved the protection of Account move\.example to another registration/);
    expect(moved).not.toContain("Globex");

    // Approve both: a third domain, an exception on the record and in the manager digest.
    await register(PEOPLE.acmeRep, "both.example", "acme");
    const one = await dealOn("both.example");
    await click(PEOPLE.admin, ACTION.regApprove, one.id);
    await register(PEOPLE.globexRep, "both.example", "globex", { conflictDealId: one.id });
    const two = await dealOn("both.example", "U_GLOBEX");
    expect(await click(PEOPLE.admin, ACTION.regApproveBoth, two.id)).toMatch(/approved as an exception/);
    expect(await dealOn("both.example", "U_GLOBEX")).toMatchObject({ registrationStatus: "APPROVED", conflictException: true });
    expect((await dealOn("both.example", "U_ACME")).registrationStatus).toBe("APPROVED");
  });

  it("a house account: our direct deal makes a partner registration a conflict; a rep is told when a partner holds the account", async () => {
    clock().set("2026-11-23T10:00:00Z");
    const added = await t.command('direct add house.example "House Co" "Renewal, direct"', { user: "U_REP", channel: "C_INTERNAL" });
    expect(added.text).toContain("Recorded our direct deal on *House Co*");

    const shown = await register(PEOPLE.acmeRep, "house.example", "acme");
    const modal = json(JSON.parse(shown.text).view);
    expect(modal).toContain("already protected in the program");
    expect(modal).not.toContain("Renewal, direct");
    const house = await t.db.prisma.directDeal.findFirstOrThrow({ where: { accountDomain: "house.example" } });
    await register(PEOPLE.acmeRep, "house.example", "acme", { conflictDealId: house.id });
    const deal = await dealOn("house.example");
    expect(deal).toMatchObject({ registrationStatus: "SUBMITTED", conflictWithDirectDealId: house.id });
    const dm = json(postsWith("U_ADMIN", ACTION.regReject, deal.id)[0]!.args.blocks);
    expect(dm).toContain("direct sales already active");
    expect(dm).toContain("Renewal, direct");
    await click(PEOPLE.admin, ACTION.regReject, deal.id);
    await submitNote(PEOPLE.admin, deal.id, "reject", "", "DIRECT_ACTIVE");
    expect(await dealOn("house.example")).toMatchObject({ registrationStatus: "REJECTED", decisionReason: "DIRECT_ACTIVE" });
    expect(
      dmsTo("U_ACME")
        .map((c) => String(c.args.text))
        .join("\n"),
    ).toContain("direct sales already active");

    // The other way round: a rep records a direct deal where a partner registration is protected.
    await register(PEOPLE.acmeRep, "partnerfirst.example", "acme");
    await click(PEOPLE.admin, ACTION.regApprove, (await dealOn("partnerfirst.example")).id);
    const told = await t.command('direct add partnerfirst.example "Partner First Inc"', { user: "U_REP", channel: "C_INTERNAL" });
    expect(told.text).toMatch(/A partner holds this account: CS-\d+ \(Acme Data\), protected until/);
  });

  it("two admins clicking Approve at the same moment leave one decision", async () => {
    clock().set("2026-11-24T10:00:00Z");
    t.fake.users.set(ADMIN2.user, { id: ADMIN2.user, team_id: ADMIN2.team });
    await register(PEOPLE.acmeRep, "race.example", "acme");
    const deal = await dealOn("race.example");
    const [a, b] = await Promise.all([click(PEOPLE.admin, ACTION.regApprove, deal.id), click(ADMIN2, ACTION.regApprove, deal.id)]);
    const answers = [a, b];
    expect(answers.filter((x) => /approved: protected/.test(x))).toHaveLength(1);
    expect(answers.filter((x) => /already decided/.test(x))).toHaveLength(1);
    expect(await t.db.prisma.auditEvent.count({ where: { subject: deal.id, action: "registration.approve" } })).toBe(1);
    expect(dmsTo("U_ACME").filter((c) => String(c.args.text).includes("was approved") && String(c.args.text).includes("race.example"))).toHaveLength(1);
  });

  it("Request extension → an admin grants +30 days; /cosell approvals lists what waits, for admins only", async () => {
    clock().set("2026-11-25T10:00:00Z");
    await register(PEOPLE.acmeRep, "extend.example", "acme");
    const deal = await dealOn("extend.example");
    await click(PEOPLE.admin, ACTION.regApprove, deal.id);
    const until = (await dealOn("extend.example")).protectedUntil!;
    clock().set(new Date(until.getTime() - 10 * DAY));
    await sweep();
    expect(await click(PEOPLE.acmeRep, ACTION.regRequestExtension, deal.id, "C_ACME")).toMatch(/Extension of CS-\d+ requested/);
    expect(postsWith("U_ADMIN", ACTION.regGrantExtension, deal.id)).toHaveLength(1);
    expect(await click(PEOPLE.admin, ACTION.regGrantExtension, deal.id)).toMatch(/protected until/);
    const extended = await dealOn("extend.example");
    expect(extended.protectedUntil!.getTime() - until.getTime()).toBe(30 * DAY);
    expect(extended.extensionsUsed).toBe(1);
    expect(
      dmsTo("U_ACME")
        .map((c) => String(c.args.text))
        .join("\n"),
    ).toContain("was extended to");

    await register(PEOPLE.globexRep, "waiting.example", "globex");
    const list = await t.command("approvals", { user: "U_ADMIN", channel: "C_INTERNAL" });
    expect(list.text).toMatch(/Pending reviews \(\d+\)/);
    expect(list.text).toContain("waiting.example");
    const refused = await t.command("approvals", { user: "U_ACME", team: TEAMS.acme, channel: "C_ACME" });
    expect(refused.text).toMatch(/Only a program admin/);
  });
});

/** The ack's body ("" when a modal closes). */
function res200(res: { status: number; text: string }): string {
  expect(res.status).toBe(200);
  return res.text;
}
