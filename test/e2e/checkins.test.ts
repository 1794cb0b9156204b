import { beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/platform/clock";
import { runCheckInJob } from "../../src/features/checkins/checkin-job";
import { runWeeklyDigests } from "../../src/features/digests/job";
import { logTouchpoint } from "../../src/features/touchpoints/log-touchpoint";
import { ACTION, CALLBACK, CHECKIN_BLOCK as B } from "../../src/platform/slack/ids";
import { createDeal } from "../support/deals";
import { useTestApp } from "../support/fixtures";
import { blockAction, stateValues, viewSubmission, type Person } from "../support/payloads";
import { PEOPLE, TEAMS } from "../support/seed";

// Weekly check-ins end to end: the job (called with the app's clock, as the scheduler does) asks
// through the outbox; people answer through the real listeners (signed requests); the reminder
// goes to those who haven't answered; the digest carries "From the team" and closes the round.
// The program's digest is Monday 09:00 UTC, so the check-in is asked Friday 14:00.

const clock = fixedClock("2026-11-13T14:05:00Z"); // Friday
const { t, p } = useTestApp({ clock, seed: true });
const ACME2: Person = { user: "U_ACME2", team: TEAMS.acme };

type Call = { method: string; args: Record<string, unknown> };
const posted = (channel: string, match: RegExp) =>
  t.fake.delivered("chat.postMessage").filter((c: Call) => c.args.channel === channel && match.test(String(c.args.text)));

describe("weekly check-ins", () => {
  let dealId = "";
  let dealRef = 0;
  let roundId = "";

  beforeAll(async () => {
    t.fake.users.set(ACME2.user, { id: ACME2.user, team_id: ACME2.team });
    await t.db.prisma.pairing.updateMany({ data: { createdAt: new Date("2026-10-01T00:00:00Z") } });
    const deal = await createDeal(t.db.prisma, p, { now: new Date("2026-11-10T10:00:00Z") });
    dealId = deal.dealId;
    dealRef = deal.ref;
    // Acme's people are active on it: their touchpoints this week. Acme answers asks within 8 hours.
    for (const [userId, key] of [
      [PEOPLE.acmeRep.user, "tp-a"],
      [ACME2.user, "tp-b"],
    ] as const) {
      const at = new Date("2026-11-12T15:00:00Z");
      await logTouchpoint(t.db.prisma, { dealId, orgId: p.acme.id, userId, type: "MEETING", occurredAt: at, note: "sync", messageLink: null, key, now: at });
    }
    await t.db.prisma.participant.updateMany({ where: { dealId, orgId: p.acme.id }, data: { responseSlaHours: 8 } });
    await t.settled();
    t.fake.reset();
  });

  it("asks once: a DM to our person, one message in the pairing channel naming the partner's people", async () => {
    expect(await runCheckInJob(t.deps, new Date("2026-11-13T13:55:00Z"))).toMatchObject({ week: null, prompted: 0 }); // before 14:00 Friday
    const first = await runCheckInJob(t.deps, clock.now());
    expect(first).toMatchObject({ week: "2026-W47", prompted: 1, reminded: 0 }); // Globex's pairing has no open deal: not asked
    expect(await runCheckInJob(t.deps, new Date("2026-11-13T14:20:00Z"))).toMatchObject({ prompted: 0 });
    await t.settled();

    const dm = posted("U_REP", /weekly check-in for Ourco \+ Acme/);
    expect(dm).toHaveLength(1);
    const channel = posted("C_ACME", /weekly check-in/);
    expect(channel).toHaveLength(1);
    const text = String(channel[0]!.args.text);
    expect(text.match(/<@U_ACME>/g)).toHaveLength(1);
    expect(text).toContain("<@U_ACME2>");
    expect(text).not.toContain("<@U_REP>"); // ours are asked by DM
    expect(JSON.stringify(channel[0]!.args.blocks)).toContain("What's blocked, and who do you need?");
    const button = (channel[0]!.args.blocks as { elements?: { action_id: string; value: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === ACTION.checkInAnswer)!;
    roundId = button.value;
    expect(await t.db.prisma.checkInInvite.count({ where: { roundId } })).toBe(3);
  });

  async function openForm(as: Person, channel = "C_ACME") {
    const before = t.fake.callsTo("views.open").length;
    const res = await t.interact(blockAction({ as, actionId: ACTION.checkInAnswer, value: roundId, channel }));
    expect(res.status).toBe(200);
    await t.fake.waitFor((c) => c.filter((x) => x.method === "views.open").length > before);
    return t.fake.callsTo("views.open").at(-1)!.args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { block_id?: string; element?: Record<string, unknown> }[];
    };
  }

  const submit = (as: Person, view: { private_metadata: string }, values: Parameters<typeof stateValues>[0], viewId: string) =>
    t.interact(viewSubmission({ as, viewId, callbackId: CALLBACK.checkInAnswer, privateMetadata: view.private_metadata, values: stateValues(values) }));

  it("a partner's person answers from the channel button; our rep's blocker naming Acme's person becomes an ask with Acme's 8-hour SLA", async () => {
    const view = await openForm(PEOPLE.acmeRep);
    expect(view.callback_id).toBe(CALLBACK.checkInAnswer);
    const deals = (view.blocks.find((b) => b.block_id === B.deal)!.element as { options: { value: string; text: { text: string } }[] }).options;
    expect(deals.map((o) => o.value)).toEqual([dealId]);

    // A blocker without a deal is refused under the deal picker; nothing is saved.
    const noDeal = await submit(PEOPLE.acmeRep, view, { [B.blocked]: { text: "Waiting on legal" }, [B.blocker]: { user: "U_REP" } }, "V_CI_1");
    expect((noDeal.json() as { errors: Record<string, string> }).errors[B.deal]).toMatch(/Pick the deal the blocker is on/);
    expect(await t.db.prisma.checkInAnswer.count()).toBe(0);

    const ok = await submit(PEOPLE.acmeRep, view, { [B.deal]: { select: dealId }, [B.moved]: { text: "POC signed off by the data team" } }, "V_CI_2");
    expect(ok.status).toBe(200);
    expect(ok.text).toBe("");
    expect(await t.db.prisma.checkInAnswer.findFirstOrThrow({ where: { userId: "U_ACME" } })).toMatchObject({
      orgId: p.acme.id,
      dealId,
      moved: "POC signed off by the data team",
    });

    const mine = await openForm(PEOPLE.rep);
    const res = await submit(
      PEOPLE.rep,
      mine,
      { [B.deal]: { select: dealId }, [B.blocked]: { text: "Need the connector security review <b>this week</b>" }, [B.blocker]: { user: "U_ACME" } },
      "V_CI_3",
    );
    expect(res.status).toBe(200);
    const ask = await t.db.prisma.ask.findFirstOrThrow({ where: { dealId, ownerUserId: "U_ACME", fromUserId: "U_REP" } });
    expect(ask.slaHours).toBe(8);
    expect(ask.dueAt.getTime() - clock.now().getTime()).toBe(8 * 3_600_000);
    expect(ask.text).toContain("Need the connector security review <b>this week</b>");
    // The ask's DM reaches Acme's person, escaped.
    await t.fake.waitFor(() =>
      t.fake.delivered("chat.postMessage").some((c: Call) => c.args.channel === "U_ACME" && /security review/.test(String(c.args.text))),
    );
    const dm = t.fake.delivered("chat.postMessage").find((c: Call) => c.args.channel === "U_ACME" && /security review/.test(String(c.args.text)))!;
    expect(String(dm.args.text)).toContain("&lt;b&gt;this week&lt;/b&gt;");

    // Editing the answer (same blocker, same deal) asks nothing twice.
    const again = await openForm(PEOPLE.rep);
    expect((again.blocks.find((b) => b.block_id === B.blocked)!.element as { initial_value: string }).initial_value).toContain("security review");
    await submit(
      PEOPLE.rep,
      again,
      { [B.deal]: { select: dealId }, [B.blocked]: { text: "Need the connector security review, by Wednesday" }, [B.blocker]: { user: "U_ACME" } },
      "V_CI_4",
    );
    expect(await t.db.prisma.ask.count({ where: { dealId, ownerUserId: "U_ACME", fromUserId: "U_REP" } })).toBe(1);
    expect((await t.db.prisma.checkInAnswer.findFirstOrThrow({ where: { userId: "U_REP" } })).blocked).toBe("Need the connector security review, by Wednesday");

    // Someone of another company cannot answer this pairing's check-in.
    const url = t.fake.responseUrl("ci-globex");
    await t.interact(blockAction({ as: PEOPLE.globexRep, actionId: ACTION.checkInAnswer, value: roundId, channel: "C_GLOBEX", responseUrl: url }));
    await expect.poll(() => t.fake.responses.some((r) => r.url.endsWith("ci-globex"))).toBe(true);
    expect(String(t.fake.responses.find((r) => r.url.endsWith("ci-globex"))!.body.text)).toMatch(/another pairing/);
  });

  it("reminds once, two hours before the digest, only those who haven't answered", async () => {
    t.fake.reset();
    clock.set("2026-11-16T06:55:00Z");
    expect(await runCheckInJob(t.deps, clock.now())).toMatchObject({ reminded: 0 });
    clock.set("2026-11-16T07:05:00Z");
    expect(await runCheckInJob(t.deps, clock.now())).toMatchObject({ reminded: 1 });
    expect(await runCheckInJob(t.deps, new Date("2026-11-16T07:20:00Z"))).toMatchObject({ reminded: 0 });
    await t.settled();
    const reminders = t.fake.delivered("chat.postMessage").filter((c: Call) => /check-in is still open/.test(String(c.args.text)));
    expect(reminders).toHaveLength(1); // U_REP answered: no DM; the channel names only Acme's non-responder
    expect(reminders[0]!.args.channel).toBe("C_ACME");
    expect(String(reminders[0]!.args.text)).toContain("<@U_ACME2>");
    expect(String(reminders[0]!.args.text)).not.toContain("<@U_ACME>:");
    expect(String(reminders[0]!.args.text)).not.toMatch(/<@U_ACME>[^2]/);
  });

  it("the digest has the team's answers, open blockers first, and who didn't answer; the round then closes", async () => {
    t.fake.reset();
    clock.set("2026-11-16T09:05:00Z");
    await runWeeklyDigests(t.deps, clock.now(), { client: null });
    await t.settled();
    const digest = posted("C_ACME", /Weekly co-sell standup/);
    expect(digest).toHaveLength(1);
    const blocks = JSON.stringify(digest[0]!.args.blocks);
    expect(blocks).toContain("From the team (check-in answers: Ourco 1/1 · Acme Data 1/2)");
    expect(blocks).toContain(`*CS-${dealRef}*`);
    expect(blocks).toContain("🚧 Need the connector security review, by Wednesday → needs <@U_ACME> (ask open)");
    expect(blocks).toContain("moved: POC signed off by the data team");
    expect(blocks).toContain("Asked, no answer — Acme Data: <@U_ACME2>");
    // The blocker comes before the plain update within the deal.
    expect(blocks.indexOf("<@U_REP> (Ourco)")).toBeLessThan(blocks.indexOf("<@U_ACME> (Acme Data)"));

    // The manager digest (to the admin by DM: no manager channel) shows participation.
    const manager = posted("U_ADMIN", /Co-sell program digest/);
    expect(JSON.stringify(manager[0]!.args.blocks)).toContain("Check-in participation this week (2/3 (67%))");

    // Closed: the button now says so, and no form opens.
    const url = t.fake.responseUrl("ci-late");
    await t.interact(blockAction({ as: ACME2, actionId: ACTION.checkInAnswer, value: roundId, channel: "C_ACME", responseUrl: url }));
    await expect.poll(() => t.fake.responses.some((r) => r.url.endsWith("ci-late"))).toBe(true);
    expect(String(t.fake.responses.find((r) => r.url.endsWith("ci-late"))!.body.text)).toMatch(/closed when the digest went out/);
    expect(t.fake.callsTo("views.open")).toHaveLength(0);
    expect((await t.db.prisma.checkInRound.findUniqueOrThrow({ where: { id: roundId } })).closedAt).toEqual(clock.now());
  });
});
