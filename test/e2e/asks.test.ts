import { beforeAll, describe, expect, it } from "vitest";
import type { fixedClock } from "../../src/platform/clock";
import { deliverOutbox, deliveryClient } from "../../src/platform/outbox/deliver";
import { outboxRenderers } from "../../src/outbox-renderers";
import { runSlaSweep } from "../../src/features/asks/sla-sweep";
import { ACTION, ASK_BLOCK as B, CALLBACK } from "../../src/platform/slack/ids";
import { createDeal, postedDeal } from "../support/deals";
import type { FakeSlack, RecordedCall } from "../support/fake-slack";
import { useTestApp } from "../support/fixtures";
import { blockAction, stateValues, viewSubmission } from "../support/payloads";
import { PEOPLE, seedProgram, TEAMS } from "../support/seed";

const ACME_OTHER = { user: "U_ACME2", team: TEAMS.acme } as const;

function knowPeople(fake: FakeSlack): void {
  fake.users.set("U_REP", { id: "U_REP", team_id: TEAMS.ours, name: "Rep" });
  fake.users.set("U_ADMIN", { id: "U_ADMIN", team_id: TEAMS.ours, name: "Admin" });
  fake.users.set("U_ACME", { id: "U_ACME", team_id: TEAMS.acme, name: "Acme Rep" });
  fake.users.set("U_ACME2", { id: "U_ACME2", team_id: TEAMS.acme, name: "Acme Other" });
  fake.users.set("U_GLOBEX", { id: "U_GLOBEX", team_id: TEAMS.globex, name: "Globex Rep" });
  fake.users.set("U_BOTTY", { id: "U_BOTTY", team_id: TEAMS.ours, name: "Botty", is_bot: true });
}

const buttonsOf = (call: RecordedCall) =>
  ((call.args.blocks ?? []) as { type: string; elements?: { action_id?: string; value?: string }[] }[])
    .filter((b) => b.type === "actions")
    .flatMap((b) => b.elements ?? []);

// Two apps: one delivering as the app does, and one whose outbox the test delivers (Slack failing).
const { t, p } = useTestApp({ seed: true });
const failing = useTestApp({ outbox: false });

describe("asks from the command, the card button and the Done button", () => {
  let dealId: string;
  let ref: number;
  beforeAll(async () => {
    knowPeople(t.fake);
    ({ dealId, ref } = await postedDeal(t, p));
  });

  const done = (as: { user: string; team: string }, askId: string, id: string, channel = "D_DM") =>
    t.interact(blockAction({ as, actionId: ACTION.askDone, value: askId, channel, responseUrl: t.fake.responseUrl(id) }));
  const responseTo = async (id: string) => {
    await expect.poll(() => t.fake.responses.some((r) => r.url === `/response/${id}`)).toBe(true);
    return String(t.fake.responses.find((r) => r.url === `/response/${id}`)!.body.text);
  };

  it(`/cosell ask CS-n <@U_ACME> "…" creates the ask and DMs the owner a Done button`, async () => {
    const res = await t.command(`ask CS-${ref} <@U_ACME|acme.rep> "need an SE for Thursday's demo"`, { user: "U_REP", team: TEAMS.ours, channel: "C_ACME" });
    expect(res.status).toBe(200);
    await expect.poll(() => t.db.prisma.ask.count()).toBe(1);
    const ask = await t.db.prisma.ask.findFirstOrThrow();
    expect(ask).toMatchObject({
      dealId,
      fromUserId: "U_REP",
      ownerUserId: "U_ACME",
      text: "need an SE for Thursday's demo",
      slaHours: 24,
      status: "OPEN",
      alertLevel: 0,
    });
    // The fixed clock reads 2026-11-16 10:00 UTC; no business hours: due 24 h later, escalates at 48 h.
    expect(ask.dueAt).toEqual(new Date("2026-11-17T10:00:00Z"));
    expect(ask.escalateAt).toEqual(new Date("2026-11-18T10:00:00Z"));

    await t.fake.waitFor((c) => c.some((x) => x.method === "chat.postMessage" && x.args.channel === "U_ACME"));
    const dm = t.fake.callsTo("chat.postMessage").find((x) => x.args.channel === "U_ACME")!;
    expect(String(dm.args.text)).toMatch(new RegExp(`^<@U_REP> asked you on CS-${ref}: “need an SE for Thursday's demo” — due <!date\\^`));
    expect(buttonsOf(dm)).toEqual([expect.objectContaining({ action_id: ACTION.askDone, value: ask.id })]);
    expect(await responseTo("cmd1")).toMatch(/^✅ Asked <@U_ACME> on CS-\d+: “need an SE for Thursday's demo” — due .*24 h response SLA/);
    // The card lists the open ask.
    await t.fake.waitFor((c) => c.some((x) => x.method === "chat.update" && JSON.stringify(x.args.blocks).includes("Open asks* (1)")));
  });

  it("refuses plain-text names, people who can't see the deal, bots, and over-long asks — writing nothing", async () => {
    const before = await t.db.prisma.ask.count();
    const plain = await t.command(`ask CS-${ref} @dana "x"`, { user: "U_REP", team: TEAMS.ours });
    expect(String((plain.json() as { text: string }).text)).toMatch(/plain text: pick the person/);
    const long = await t.command(`ask CS-${ref} <@U_ACME> ${"x".repeat(501)}`, { user: "U_REP", team: TEAMS.ours });
    expect(String((long.json() as { text: string }).text)).toMatch(/500 characters/);
    await t.command(`ask CS-${ref} <@U_GLOBEX> "can you join?"`, { user: "U_REP", team: TEAMS.ours });
    expect(await responseTo("cmd4")).toMatch(/<@U_GLOBEX> can't see CS-\d+/);
    await t.command(`ask CS-${ref} <@U_BOTTY> "beep"`, { user: "U_REP", team: TEAMS.ours });
    expect(await responseTo("cmd5")).toMatch(/is a bot/);
    const nul = await t.command(`ask CS-${ref} <@U_ACME> "need\u0000an SE"`, { user: "U_REP", team: TEAMS.ours });
    expect(String((nul.json() as { text: string }).text)).toMatch(/^The ask contains an invisible control character, U\+0000 NUL/);
    expect(await t.db.prisma.ask.count()).toBe(before);
  });

  it("the card's Ask button opens the modal; submitting (twice) creates one ask with the program SLA for our own person", async () => {
    await t.interact(blockAction({ as: PEOPLE.acmeRep, actionId: ACTION.ask, value: dealId, channel: "C_ACME" }));
    await t.fake.waitFor((c) => c.some((x) => x.method === "views.open"));
    const view = t.fake.callsTo("views.open").at(-1)!.args.view as { callback_id: string; private_metadata: string; blocks: { block_id?: string }[] };
    expect(view.callback_id).toBe(CALLBACK.createAsk);
    expect(JSON.parse(view.private_metadata)).toEqual({ dealId, channelId: "C_ACME" });
    expect(view.blocks.map((b) => b.block_id)).toEqual(expect.arrayContaining([B.owner, B.text]));

    const empty = await t.interact(
      viewSubmission({
        as: PEOPLE.acmeRep,
        viewId: "V_ASK_0",
        callbackId: CALLBACK.createAsk,
        values: stateValues({ [B.owner]: { user: "U_REP" }, [B.text]: { text: "  " } }),
        privateMetadata: view.private_metadata,
      }),
    );
    expect(empty.json()).toMatchObject({ response_action: "errors", errors: { [B.text]: "Say what you need." } });
    const invisible = await t.interact(
      viewSubmission({
        as: PEOPLE.acmeRep,
        viewId: "V_ASK_ZW",
        callbackId: CALLBACK.createAsk,
        values: stateValues({ [B.owner]: { user: "U_REP" }, [B.text]: { text: "\u200B \u200B" } }),
        privateMetadata: view.private_metadata,
      }),
    );
    expect(invisible.json()).toMatchObject({
      response_action: "errors",
      errors: { [B.text]: expect.stringMatching(/^The ask is made only of invisible characters/) },
    });
    expect(await t.db.prisma.ask.count({ where: { idempotencyKey: "view:V_ASK_ZW" } })).toBe(0);

    const submit = () =>
      t.interact(
        viewSubmission({
          as: PEOPLE.acmeRep,
          viewId: "V_ASK_1",
          callbackId: CALLBACK.createAsk,
          values: stateValues({ [B.owner]: { user: "U_REP" }, [B.text]: { text: "send the security questionnaire" } }),
          privateMetadata: view.private_metadata,
        }),
      );
    const [r1, r2] = await Promise.all([submit(), submit()]);
    expect([r1.text, r2.text]).toEqual(["", ""]);
    const asks = await t.db.prisma.ask.findMany({ where: { text: "send the security questionnaire" } });
    expect(asks).toHaveLength(1);
    expect(asks[0]).toMatchObject({ fromUserId: "U_ACME", ownerUserId: "U_REP", slaHours: 24, idempotencyKey: "view:V_ASK_1" });
    await t.fake.waitFor((c) =>
      c.some((x) => x.method === "chat.postMessage" && x.args.channel === "U_REP" && String(x.args.text).includes("security questionnaire")),
    );
    expect(t.fake.callsTo("chat.postMessage").filter((x) => x.args.channel === "U_REP" && String(x.args.text).includes("security questionnaire"))).toHaveLength(
      1,
    );
    await t.fake.waitFor((c) => c.some((x) => x.method === "chat.update" && JSON.stringify(x.args.blocks).includes("Open asks* (2)")));
  });

  it("a forged submission from a Globex person is refused", async () => {
    const before = await t.db.prisma.ask.count();
    const res = await t.interact(
      viewSubmission({
        as: PEOPLE.globexRep,
        viewId: "V_FORGED",
        callbackId: CALLBACK.createAsk,
        values: stateValues({ [B.owner]: { user: "U_REP" }, [B.text]: { text: "x" } }),
        privateMetadata: JSON.stringify({ dealId }),
      }),
    );
    expect(Object.values((res.json() as { errors: Record<string, string> }).errors).join(" ")).toMatch(
      /isn't in a co-sell pairing your organization belongs to/,
    );
    expect(await t.db.prisma.ask.count()).toBe(before);
  });

  it("Done by the owner closes the ask and refreshes the card; a second click is a friendly no-op", async () => {
    const ask = await t.db.prisma.ask.findFirstOrThrow({ where: { ownerUserId: "U_ACME" } });
    await done(PEOPLE.acmeRep, ask.id, "done1");
    expect(await responseTo("done1")).toMatch(/^✅ Done: “need an SE for Thursday's demo” on CS-\d+\. The deal card is updated and <@U_REP> is told\./);
    const closed = await t.db.prisma.ask.findUniqueOrThrow({ where: { id: ask.id } });
    expect(closed).toMatchObject({ status: "DONE", doneBy: "U_ACME", doneAt: new Date("2026-11-16T10:00:00Z") });
    await t.fake.waitFor((c) => c.some((x) => x.method === "chat.update" && JSON.stringify(x.args.blocks).includes("Open asks* (1)")));
    await t.fake.waitFor((c) =>
      c.some((x) => x.method === "chat.postMessage" && x.args.channel === "U_REP" && String(x.args.text).startsWith("✅ <@U_ACME> marked your ask")),
    );

    await done(PEOPLE.acmeRep, ask.id, "done2");
    expect(await responseTo("done2")).toMatch(/already done by <@U_ACME>.*nothing more to do/);
    expect(await t.db.prisma.ask.findUniqueOrThrow({ where: { id: ask.id } })).toEqual(closed);
  });

  it("Done by a Globex person, or by an Acme person who neither owes nor asked, is refused; one of ours may close it", async () => {
    const ask = await t.db.prisma.ask.findFirstOrThrow({ where: { ownerUserId: "U_REP", status: "OPEN" } });
    await done(PEOPLE.globexRep, ask.id, "deny1", "C_GLOBEX");
    expect(await responseTo("deny1")).toMatch(/isn't in a co-sell pairing your organization belongs to/);
    expect(JSON.stringify(t.fake.responses.find((r) => r.url === "/response/deny1")!.body)).not.toContain("questionnaire");
    await done(ACME_OTHER, ask.id, "deny2", "C_ACME");
    expect(await responseTo("deny2")).toMatch(/^Only <@U_REP> \(who owes it\), <@U_ACME> \(who asked\) or someone from Ourco can close this ask\./);
    expect((await t.db.prisma.ask.findUniqueOrThrow({ where: { id: ask.id } })).status).toBe("OPEN");

    await done(PEOPLE.admin, ask.id, "ok3", "C_ACME");
    expect(await responseTo("ok3")).toMatch(/^✅ Done/);
    expect(await t.db.prisma.ask.findUniqueOrThrow({ where: { id: ask.id } })).toMatchObject({ status: "DONE", doneBy: "U_ADMIN" });
  });
});

describe("an overdue alert while Slack fails", () => {
  const { t } = failing;
  beforeAll(() => {
    knowPeople(t.fake);
  });

  it("500s and a 429 during delivery, sweeps meanwhile: exactly one overdue alert reaches Slack, in the card's thread", async () => {
    const clock = t.clock as ReturnType<typeof fixedClock>;
    const client = deliveryClient(t.deps);
    const deliverAll = async () => {
      for (let i = 0; i < 10 && (await t.db.prisma.outboxMessage.count({ where: { status: "PENDING" } })) > 0; i++) {
        await deliverOutbox(t.deps, client, outboxRenderers, { perChannelGapMs: 0 });
        clock.advance(60_000);
      }
    };
    const p = await seedProgram(t.db.prisma);
    const { dealId, ref } = await createDeal(t.db.prisma, p);
    await deliverAll(); // the card
    const deal = await t.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } });
    expect(deal.cardTs).toBeTruthy();

    await t.command(`ask CS-${ref} <@U_ACME> need an SE for Thursday's demo`, { user: "U_REP", team: TEAMS.ours, channel: "C_ACME" });
    await expect.poll(() => t.db.prisma.ask.count()).toBe(1);
    await deliverAll(); // the DM and the card refresh
    const ask = await t.db.prisma.ask.findFirstOrThrow();

    clock.set(ask.dueAt);
    expect(await runSlaSweep(t.deps, clock.now())).toMatchObject({ overdue: 1, escalated: 0 });
    t.fake.failNext("chat.postMessage", { kind: "http", status: 500 }, { kind: "ratelimit", retryAfter: 1 }, { kind: "http", status: 503 });
    for (let round = 0; round < 12; round++) {
      await deliverOutbox(t.deps, client, outboxRenderers, { perChannelGapMs: 0 });
      // Another sweeper (or a restart) in the middle of the retries changes nothing.
      expect(await runSlaSweep(t.deps, clock.now())).toMatchObject({ overdue: 0, escalated: 0 });
      clock.advance(30_000);
    }
    const overdue = (calls: RecordedCall[]) => calls.filter((c) => c.method === "chat.postMessage" && String(c.args.text).includes("Overdue"));
    expect(overdue(t.fake.calls)).toHaveLength(4); // three failures, then the success
    const delivered = overdue(t.fake.delivered("chat.postMessage"));
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.args).toMatchObject({ channel: "C_ACME", thread_ts: deal.cardTs });
    expect(String(delivered[0]!.args.text)).toMatch(
      new RegExp(`^⏰ Overdue: <@U_ACME> owes “need an SE for Thursday's demo” on CS-${ref} \\(asked by <@U_REP>, due `),
    );
    expect(buttonsOf(delivered[0]!)).toEqual([expect.objectContaining({ action_id: ACTION.askDone, value: ask.id })]);
    const row = await t.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: `ask:${ask.id}:1` } });
    expect(row).toMatchObject({ status: "SENT", attempts: 4 });
  });
});
