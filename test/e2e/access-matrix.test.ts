import { beforeAll, describe, expect, it } from "vitest";
import { STRANGER_MESSAGE } from "../../src/kernel/access";
import { ACTION, CALLBACK } from "../../src/platform/slack/ids";
import { changeStage } from "../../src/features/stages/change-stage";
import { createDeal } from "../support/deals";
import { useTestApp } from "../support/fixtures";
import { blockAction, type Person } from "../support/payloads";
import { PEOPLE } from "../support/seed";

// Every kind of person × every action, through the real listeners: allowed → the action
// visibly happens (the right modal opens, the answer says what was asked, the command's reply
// says what it did and the row or message is there); denied → a clear message and nothing else.

type Kind = "admin" | "rep" | "partnerInPairing" | "partnerOfOtherPairing" | "stranger";
const WHO: Record<Kind, Person> = {
  admin: PEOPLE.admin,
  rep: PEOPLE.rep,
  partnerInPairing: PEOPLE.acmeRep,
  partnerOfOtherPairing: PEOPLE.globexRep,
  stranger: PEOPLE.stranger,
};
const DENIED: Record<Kind, RegExp | null> = {
  admin: null,
  rep: null,
  partnerInPairing: null,
  partnerOfOtherPairing: /isn't in a co-sell pairing your organization belongs to/,
  stranger: new RegExp(STRANGER_MESSAGE.slice(0, 40).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")),
};

const { t, p } = useTestApp({ seed: true, resetFake: true });

describe("access matrix through the real listeners", () => {
  let dealId: string;
  beforeAll(async () => {
    dealId = (await createDeal(t.db.prisma, p, { notes: "INTERNAL-ONLY margin note" })).dealId;
  });

  const opened = () => t.fake.callsTo("views.open").map((c) => (c.args.view as { callback_id: string }).callback_id);

  // Card buttons (value = deal id) and panel buttons (the channel names the pairing); `shows` is
  // what an allowed click visibly does: the modal that opens (its callback id), or the answer's text.
  type Button = { name: string; actionId: string; value: () => string } & ({ opens: "modal"; shows: string } | { opens: "answer"; shows: RegExp });
  const buttons: Button[] = [
    { name: "Log touchpoint (card)", actionId: ACTION.logTouchpoint, value: () => dealId, opens: "modal", shows: CALLBACK.logTouchpoint },
    { name: "Change stage (card)", actionId: ACTION.changeStage, value: () => dealId, opens: "modal", shows: CALLBACK.changeStage },
    { name: "Edit roles (card)", actionId: ACTION.editRoles, value: () => dealId, opens: "modal", shows: CALLBACK.editRoles },
    { name: "Ask (card)", actionId: ACTION.ask, value: () => dealId, opens: "modal", shows: CALLBACK.createAsk },
    { name: "Attribution (card)", actionId: ACTION.attribution, value: () => dealId, opens: "answer", shows: /^Attribution math for CS-1/ },
    { name: "Register deal (panel)", actionId: ACTION.registerDeal, value: () => "panel", opens: "modal", shows: CALLBACK.registerDeal },
    { name: "Log touchpoint (panel)", actionId: ACTION.panelLogTouchpoint, value: () => "panel", opens: "modal", shows: CALLBACK.logTouchpoint },
    { name: "My asks (panel)", actionId: ACTION.myAsks, value: () => "panel", opens: "answer", shows: /^You owe \d+ ask\(s\); \d+ are owed to you/ },
    { name: "Pipeline (panel)", actionId: ACTION.pipeline, value: () => "panel", opens: "answer", shows: /^Pipeline of Ourco \+ Acme/ },
  ];
  const kinds = Object.keys(WHO) as Kind[];
  const cases = buttons.flatMap((b) => kinds.map((k) => [b.name, k, b] as const));

  it.each(cases)("%s × %s", async (_name, kind, button) => {
    const before = { touchpoints: await t.db.prisma.touchpoint.count(), asks: await t.db.prisma.ask.count(), deals: await t.db.prisma.deal.count() };
    await t.interact(
      blockAction({ as: WHO[kind], actionId: button.actionId, value: button.value(), channel: "C_ACME", responseUrl: t.fake.responseUrl(`${kind}`) }),
    );
    const denied = DENIED[kind];
    if (denied) {
      await expect.poll(() => t.fake.responses.length).toBe(1);
      const answer = t.fake.responses[0]!.body as { response_type: string; text: string };
      expect(answer.response_type).toBe("ephemeral");
      expect(answer.text).toMatch(denied);
      expect(JSON.stringify(answer)).not.toContain("Account"); // nothing about the deal leaks
      expect(t.fake.callsTo("views.open")).toHaveLength(0);
    } else if (button.opens === "modal") {
      await t.fake.waitFor((c) => c.some((x) => x.method === "views.open"));
      expect(opened()).toEqual([button.shows]);
    } else {
      await expect.poll(() => t.fake.responses.length).toBe(1);
      const answer = JSON.stringify(t.fake.responses[0]!.body);
      expect(answer).not.toMatch(/Sorry|isn't/);
      expect(String(t.fake.responses[0]!.body.text)).toMatch(button.shows);
    }
    expect({ touchpoints: await t.db.prisma.touchpoint.count(), asks: await t.db.prisma.ask.count(), deals: await t.db.prisma.deal.count() }).toEqual(before);
  });

  const adminCommands = ["panel", "setup", 'partner add "Initech" si', "config attribution"] as const;
  // What each command visibly does for an admin (run first, so on a program none of them changed
  // yet): an allowed command must show its effect, silence does not pass.
  const adminEffect: Record<(typeof adminCommands)[number], (said: string, orgsBefore: number) => Promise<void>> = {
    panel: async (said) => {
      expect(said).toContain("Posted and pinned the pairing panel.");
      const pairing = await t.db.prisma.pairing.findUniqueOrThrow({ where: { channelId: "C_ACME" } });
      expect(pairing.panelTs).toBeTruthy();
      const panels = t.fake.delivered("chat.postMessage").filter((c) => c.args.channel === "C_ACME" && String(c.args.text).startsWith("Co-sell panel for"));
      expect(panels).toHaveLength(1);
      expect(t.fake.callsTo("pins.add").map((c) => c.args)).toEqual([expect.objectContaining({ channel: "C_ACME", timestamp: pairing.panelTs })]);
    },
    setup: async () => {
      expect(opened()).toEqual([CALLBACK.setup]);
    },
    'partner add "Initech" si': async (said, orgsBefore) => {
      expect(said).toMatch(/Added partner \*Initech\* \(/);
      expect(await t.db.prisma.organization.count()).toBe(orgsBefore + 1);
      expect(await t.db.prisma.organization.findUnique({ where: { name: "Initech" } })).toMatchObject({ kind: "PARTNER", partnerType: "SI" });
    },
    "config attribution": async () => {
      expect(opened()).toEqual([CALLBACK.attributionConfig]);
    },
  };
  it.each(adminCommands.flatMap((c) => kinds.map((k) => [c, k] as const)))("/cosell %s × %s", async (command, kind) => {
    const before = await t.db.prisma.organization.count();
    const res = await t.command(command, { user: WHO[kind].user, team: WHO[kind].team, channel: "C_ACME" });
    expect(res.status).toBe(200);
    const inline = res.text ? ((JSON.parse(res.text) as { text?: string }).text ?? "") : "";
    await t.settled(); // the command's listener, and anything it queued, are done
    const later = t.fake.responses.map((r) => String(r.body.text)).join(" ");
    const said = `${inline} ${later}`;
    if (kind === "admin") {
      expect(said).not.toMatch(/Only (a )?program admin|isn't one of them/);
      await adminEffect[command](said, before);
    } else {
      expect(said).toMatch(kind === "stranger" ? /Only (a )?program admin|isn't one of them/ : /Only (a )?program admins? can/);
      expect(t.fake.callsTo("views.open")).toHaveLength(0);
      expect(t.fake.callsTo("pins.add")).toHaveLength(0);
      expect(await t.db.prisma.organization.count()).toBe(before);
    }
  });

  it("internal notes and payouts never reach the shared channel", async () => {
    t.fake.channels.set("C_ACME", { id: "C_ACME", is_ext_shared: true, connected_team_ids: ["T_ACME"] });
    await t.command(`stage CS-1 won --confirm`, { user: "U_REP", channel: "C_ACME" });
    await expect.poll(async () => t.db.prisma.attributionRecord.count({ where: { dealId } })).toBe(1);
    await expect.poll(() => t.fake.calls.some((c) => c.method === "chat.postMessage" && c.args.thread_ts)).toBe(true);
    const toChannel = t.fake.calls.filter((c) => c.args.channel === "C_ACME" && c.method.startsWith("chat."));
    expect(toChannel.length).toBeGreaterThan(0);
    for (const c of toChannel) {
      const text = JSON.stringify(c.args);
      expect(text).not.toContain("INTERNAL-ONLY");
      expect(text).not.toMatch(/pool/i); // commission pool and payouts stay out of channels by default
    }
  });
});

describe("payouts and tiers × every kind of person", () => {
  const kinds = Object.keys(WHO) as Kind[];
  let proposalId: string;
  beforeAll(async () => {
    const d = await createDeal(t.db.prisma, p, { accountName: "Payout Co", accountDomain: "payout-co.example" });
    const won = await changeStage(t.db.prisma, { dealId: d.dealId, to: "CLOSED_WON", by: "U_ADMIN", isAdmin: true, confirmedGaps: true, now: t.clock.now() });
    expect(won.ok).toBe(true);
    proposalId = (
      await t.db.prisma.tierProposal.create({
        data: { orgId: p.acme.id, quarter: "2026-Q3", fromTier: "INACTIVE", toTier: "SILVER", revenueMinor: 3_000_000n, createdAt: t.clock.now() },
      })
    ).id;
  });
  const pending = () => t.db.prisma.payoutLine.count({ where: { status: "PENDING" } });

  const sees: Record<Kind, RegExp> = {
    admin: /Payouts · 2026-Q4[\s\S]*payouts_approve_all/,
    rep: /Payouts · 2026-Q4/,
    partnerInPairing: /Acme Data · Payouts · 2026-Q4/,
    partnerOfOtherPairing: /Globex's payouts: no lines were earned/,
    stranger: /Payouts are for the people of the program's organizations/,
  };
  it.each(kinds)("/cosell payouts × %s", async (kind) => {
    const res = await t.command("payouts 2026-Q4", { user: WHO[kind].user, team: WHO[kind].team, channel: "C_ACME" });
    expect(res.text).toMatch(sees[kind]);
    if (kind !== "admin") expect(res.text).not.toContain("payouts_approve_all");
    if (kind === "partnerOfOtherPairing") expect(res.text).not.toContain("Acme Data");
  });

  it.each(kinds.filter((k) => k !== "admin"))("Approve all and Confirm tier × %s: refused, nothing changes", async (kind) => {
    const before = await pending();
    expect(before).toBeGreaterThan(0);
    for (const [actionId, value] of [
      [ACTION.payoutsApproveAll, "2026-Q4"],
      [ACTION.tierConfirm, proposalId],
    ] as const) {
      const id = `acl-${kind}-${actionId}`;
      await t.interact(blockAction({ as: WHO[kind], actionId, value, channel: WHO[kind].user, responseUrl: t.fake.responseUrl(id) }));
      await t.settled();
      const said = t.fake.responses
        .filter((r) => r.url.endsWith(`/${id}`))
        .map((r) => JSON.stringify(r.body))
        .join(" ");
      expect(said).toMatch(kind === "stranger" ? /isn't one of them|Only a program admin/ : /Only a program admin can do that/);
    }
    expect(await pending()).toBe(before);
    expect((await t.db.prisma.tierProposal.findUniqueOrThrow({ where: { id: proposalId } })).status).toBe("PENDING");
  });

  it.each(kinds)("Answer check-in (Acme's pairing) × %s", async (kind) => {
    const round = await t.db.prisma.checkInRound.upsert({
      where: { pairingId_week: { pairingId: p.acmePairing.id, week: "2026-W48" } },
      update: {},
      create: {
        pairingId: p.acmePairing.id,
        week: "2026-W48",
        digestAt: new Date("2026-11-23T09:00:00Z"),
        questions: ["a", "b", "c"],
        promptedAt: new Date("2026-11-20T14:00:00Z"),
      },
    });
    const id = `ci-${kind}`;
    await t.interact(blockAction({ as: WHO[kind], actionId: ACTION.checkInAnswer, value: round.id, channel: "C_ACME", responseUrl: t.fake.responseUrl(id) }));
    if (kind === "partnerOfOtherPairing" || kind === "stranger") {
      await expect.poll(() => t.fake.responses.some((r) => r.url.endsWith(`/${id}`))).toBe(true);
      const said = String(t.fake.responses.find((r) => r.url.endsWith(`/${id}`))!.body.text);
      expect(said).toMatch(kind === "stranger" ? DENIED.stranger! : /another pairing/);
      expect(t.fake.callsTo("views.open")).toHaveLength(0);
    } else {
      await t.fake.waitFor((c) => c.some((x) => x.method === "views.open"));
      expect(t.fake.callsTo("views.open").map((c) => (c.args.view as { callback_id: string }).callback_id)).toEqual([CALLBACK.checkInAnswer]);
    }
  });

  const qbrSees: Record<Kind, RegExp> = {
    admin: /Quarterly partner review · Acme Data[\s\S]*Internal version/,
    rep: /Quarterly partner review · Acme Data[\s\S]*Internal version/,
    partnerInPairing: /Quarterly partner review · Acme Data[\s\S]*Acme Data's own numbers/,
    partnerOfOtherPairing: /your own organization's review only/,
    stranger: DENIED.stranger!,
  };
  it.each(kinds)("/cosell qbr Acme × %s", async (kind) => {
    const res = await t.command("qbr Acme", { user: WHO[kind].user, team: WHO[kind].team, channel: "C_ACME" });
    expect(res.text).toMatch(qbrSees[kind]);
    if (kind === "partnerInPairing") expect(res.text).not.toMatch(/Internal version|proposal:|Globex/);
  });
});
