import { beforeAll, describe, expect, it } from "vitest";
import { ACTION, CALLBACK, INPUT, TOUCHPOINT_BLOCK as B } from "../../src/platform/slack/ids";
import { createDeal, postedDeal } from "../support/deals";
import { useTestApp } from "../support/fixtures";
import { blockAction, messageShortcut, stateValues, viewSubmission, type Person } from "../support/payloads";
import { PEOPLE } from "../support/seed";

// Logging touchpoints through the running app: the command, the message shortcut and the
// deal card's button (how partner people in a shared channel log), against the fake Slack.

interface OpenedView {
  callback_id: string;
  private_metadata: string;
  blocks: {
    type: string;
    block_id?: string;
    text?: { text: string };
    elements?: { text: string }[];
    element?: {
      type: string;
      initial_value?: string;
      initial_date_time?: number;
      initial_option?: { value: string };
      options?: { value: string; text: { text: string } }[];
    };
  }[];
}

const NOW = new Date("2026-11-16T10:00:00Z");
const secondsAgo = (s: number) => Math.floor(NOW.getTime() / 1000) - s;

const { t, p } = useTestApp({ seed: true });

describe("logging touchpoints", () => {
  let dealId: string;
  beforeAll(async () => {
    dealId = (await postedDeal(t, p, { title: "Data platform" })).dealId; // CS-1
  });

  /** Runs a command and returns what the person was told (in the ack, or afterwards through response_url). */
  async function command(text: string, as: Person = PEOPLE.rep, channel = "C_GENERAL"): Promise<string> {
    const before = t.fake.responses.length;
    const res = await t.command(text, { user: as.user, team: as.team, channel });
    expect(res.status).toBe(200);
    if (res.text) return String((res.json() as { text?: string }).text ?? "");
    await expect.poll(() => t.fake.responses.length).toBeGreaterThan(before);
    return String(t.fake.responses.at(-1)!.body.text ?? "");
  }

  const lastOpenedView = () => t.fake.callsTo("views.open").at(-1)!.args.view as OpenedView;

  const formValues = (v: { deal?: string; type?: string; when?: number; note?: string }) => ({
    ...stateValues({
      ...(v.deal ? { [B.deal]: { select: v.deal } } : {}),
      [B.type]: { select: v.type ?? null },
      [B.note]: { text: v.note ?? "" },
    }),
    [B.when]: { [INPUT]: { type: "datetimepicker", selected_date_time: v.when ?? null } },
  });

  describe("/cosell log", () => {
    it('`/cosell log CS-1 demo "…"` logs a demo for our organization and the card shows it', async () => {
      const text = await command('log CS-1 demo "joint demo with their CTO"');
      expect(text).toBe("Logged a demo for Ourco on CS-1 (Account 1 — Data platform).");
      const rows = await t.db.prisma.touchpoint.findMany({ where: { dealId } });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ orgId: p.ours.id, userId: "U_REP", type: "DEMO", note: "joint demo with their CTO", messageLink: null });
      expect(rows[0]!.occurredAt).toEqual(NOW);
      await t.fake.waitFor((c) => c.some((x) => x.method === "chat.update" && JSON.stringify(x.args.blocks).includes("1 touchpoint")));
    });

    it("the same command sent twice in the same minute is one touchpoint", async () => {
      expect(await command('log CS-1 email "sent the security questionnaire"')).toMatch(/^Logged an email for Ourco on CS-1/);
      expect(await command('log CS-1 email "sent the security questionnaire"')).toMatch(/already logged on CS-1; nothing was added/);
      expect(await t.db.prisma.touchpoint.count({ where: { dealId, type: "EMAIL" } })).toBe(1);
    });

    it("--when is read in the program's timezone", async () => {
      await t.db.prisma.program.update({ where: { id: 1 }, data: { timezone: "America/New_York" } });
      try {
        expect(await command('log CS-1 proposal review "walked through pricing" --when "2026-11-12 14:00"')).toMatch(
          /^Logged a proposal review for Ourco on CS-1/,
        );
      } finally {
        await t.db.prisma.program.update({ where: { id: 1 }, data: { timezone: "UTC" } });
      }
      const row = await t.db.prisma.touchpoint.findFirstOrThrow({ where: { dealId, type: "PROPOSAL_REVIEW" } });
      expect(row.occurredAt).toEqual(new Date("2026-11-12T19:00:00Z"));
    });

    it("an unknown type, a future time or no note are refused with what to do, and nothing is written", async () => {
      const before = await t.db.prisma.touchpoint.count();
      const unknown = await command('log CS-1 lunch "with their team"');
      expect(unknown).toMatch(
        /"lunch" is not a touchpoint type\. Use one of: meeting, demo, email, proposal-review, intro, integration-mention, exec-alignment, poc, other/,
      );
      expect(await command('log CS-1 meeting "kickoff" --when 2026-11-20')).toMatch(/2026-11-20 is in the future \(today is 2026-11-16 in UTC\)/);
      expect(await command("log CS-1 meeting")).toMatch(/Add a note in quotes/);
      expect(await command('log CS-99 meeting "kickoff"')).toMatch(/There is no deal CS-99/);
      expect(await t.db.prisma.touchpoint.count()).toBe(before);
    });

    it("an impossible --when date, or a note with a NUL, is refused in a clear ephemeral reply, and nothing is written", async () => {
      const before = await t.db.prisma.touchpoint.count();
      expect(await command('log CS-1 meeting "kickoff" --when 2026-02-30')).toMatch(
        /^2026-02-30 is not a calendar date: February has 28 days\. Give the time as YYYY-MM-DD/,
      );
      expect(await command('log CS-1 meeting "kickoff" --when 2025-02-29')).toMatch(/^2025-02-29 is not a calendar date: 2025 is not a leap year/);
      expect(await command('log CS-1 meeting "kickoff" --when 2026-13-01')).toMatch(/there is no month 13/);
      expect(await command('log CS-1 meeting "kickoff" --when 2001-01-01')).toMatch(/more than 10 years ago/);
      expect(await command('log CS-1 meeting "kick\u0000off"')).toMatch(/^The note contains an invisible control character, U\+0000 NUL/);
      expect(await command('log CS-1 meeting "\u200B\u200B"')).toMatch(/^The note is made only of invisible characters/);
      expect(await t.db.prisma.touchpoint.count()).toBe(before);
    });

    it("`/cosell log CS-1` opens the form with the deal fixed", async () => {
      t.fake.reset();
      const res = await t.command("log CS-1", { user: PEOPLE.rep.user, team: PEOPLE.rep.team });
      expect(res.text).toBe(""); // nothing to say: the form opens
      await t.fake.waitFor((c) => c.some((x) => x.method === "views.open"));
      const view = lastOpenedView();
      expect(view.callback_id).toBe(CALLBACK.logTouchpoint);
      expect(JSON.parse(view.private_metadata)).toMatchObject({ dealId });
      expect(view.blocks.find((b) => b.block_id === B.deal)).toMatchObject({ type: "section", text: { text: expect.stringContaining("CS-1") } });
      expect(view.blocks.find((b) => b.block_id === B.when)!.element).toMatchObject({ type: "datetimepicker", initial_date_time: secondsAgo(0) });
    });

    it("an internal person is told to set up our organization first when it is missing", async () => {
      // Without an INTERNAL organization, our people have no organization to log for.
      await t.db.prisma.organization.update({ where: { id: p.ours.id }, data: { kind: "PARTNER", slackTeamIds: [] } });
      try {
        expect(await command('log CS-1 meeting "weekly sync"')).toMatch(/run(s)? `\/cosell org "Our Company"`/);
      } finally {
        await t.db.prisma.organization.update({ where: { id: p.ours.id }, data: { kind: "INTERNAL", slackTeamIds: ["T_OURS"] } });
      }
      expect(await t.db.prisma.touchpoint.count({ where: { note: "weekly sync" } })).toBe(0);
    });
  });

  describe("the message shortcut", () => {
    let recentDealId: string;
    let closedDealId: string;
    let globexDealId: string;
    beforeAll(async () => {
      recentDealId = (await createDeal(t.db.prisma, p, { title: "Expansion" })).dealId;
      closedDealId = (await createDeal(t.db.prisma, p, { title: "Lost one" })).dealId;
      globexDealId = (
        await createDeal(t.db.prisma, p, {
          pairingId: p.globexPairing.id,
          participants: [
            { orgId: p.globex.id, roles: ["SELLING"] },
            { orgId: p.ours.id, roles: ["SOURCING"] },
          ],
        })
      ).dealId;
      // In C_ACME the most recently active open deal is "Expansion"; the closed one is more recent still.
      await t.db.prisma.deal.update({ where: { id: dealId }, data: { lastActivityAt: new Date("2026-11-10T00:00:00Z") } });
      await t.db.prisma.deal.update({ where: { id: recentDealId }, data: { lastActivityAt: new Date("2026-11-15T00:00:00Z") } });
      await t.db.prisma.deal.update({ where: { id: closedDealId }, data: { stage: "CLOSED_LOST", lastActivityAt: new Date("2026-11-16T09:00:00Z") } });
      await t.db.prisma.deal.update({ where: { id: globexDealId }, data: { lastActivityAt: new Date("2026-11-16T09:30:00Z") } });
    });

    it("opens the form prefilled with the message, its permalink and the pairing's most recent open deal; submitting logs it with the link", async () => {
      t.fake.reset();
      const message = { ts: "1763280000.000200", text: "Great call with their CTO &amp; VP Eng: they want the <https://example.com|integration> by Q1" };
      await t.interact(messageShortcut({ as: PEOPLE.rep, callbackId: CALLBACK.logMessageShortcut, channel: "C_ACME", message }));
      await t.fake.waitFor((c) => c.some((x) => x.method === "views.open"));
      const permalinkCalls = t.fake.callsTo("chat.getPermalink");
      expect(permalinkCalls).toHaveLength(1);
      expect(permalinkCalls[0]!.args).toMatchObject({ channel: "C_ACME", message_ts: message.ts });
      const permalink = "https://fake.slack.com/archives/C_ACME/p1763280000000200";

      const view = lastOpenedView();
      expect(view.callback_id).toBe(CALLBACK.logTouchpoint);
      const note = view.blocks.find((b) => b.block_id === B.note)!.element!;
      expect(note.initial_value).toBe("Great call with their CTO & VP Eng: they want the <https://example.com|integration> by Q1");
      const dealSelect = view.blocks.find((b) => b.block_id === B.deal)!.element!;
      expect(dealSelect.initial_option?.value).toBe(recentDealId);
      const offered = dealSelect.options!.map((o) => o.value);
      expect(offered).toEqual(expect.arrayContaining([dealId, recentDealId, globexDealId]));
      expect(offered).not.toContain(closedDealId);
      expect(offered[0]).toBe(globexDealId); // most recently active first
      expect(JSON.stringify(view.blocks.find((b) => b.block_id === B.link))).toContain(permalink);
      expect(JSON.parse(view.private_metadata)).toMatchObject({ link: permalink, channelId: "C_ACME" });
      expect(JSON.parse(view.private_metadata).dealId).toBeUndefined();

      const submit = () =>
        t.interact(
          viewSubmission({
            as: PEOPLE.rep,
            viewId: "V_SHORTCUT_1",
            callbackId: CALLBACK.logTouchpoint,
            values: formValues({ deal: recentDealId, type: "MEETING", when: secondsAgo(3600), note: note.initial_value! }),
            privateMetadata: view.private_metadata,
            blocks: view.blocks,
          }),
        );
      expect((await submit()).text).toBe("");
      const rows = await t.db.prisma.touchpoint.findMany({ where: { dealId: recentDealId } });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ orgId: p.ours.id, userId: "U_REP", type: "MEETING", messageLink: permalink, idempotencyKey: "view:V_SHORTCUT_1" });
      expect(rows[0]!.occurredAt).toEqual(new Date(NOW.getTime() - 3_600_000));
      await t.fake.waitFor((c) =>
        c.some((x) => x.method === "chat.postEphemeral" && x.args.user === "U_REP" && String(x.args.text).includes("Logged a meeting for Ourco on CS-2")),
      );

      // A double click on Log: the second submission writes nothing.
      expect((await submit()).text).toBe("");
      expect(await t.db.prisma.touchpoint.count({ where: { dealId: recentDealId } })).toBe(1);
    });

    it("a long message is cut to the note's 1000 characters", async () => {
      t.fake.reset();
      await t.interact(
        messageShortcut({
          as: PEOPLE.rep,
          callbackId: CALLBACK.logMessageShortcut,
          channel: "C_RANDOM",
          message: { ts: "1763280000.000300", text: "word ".repeat(400) },
        }),
      );
      await t.fake.waitFor((c) => c.some((x) => x.method === "views.open"));
      const view = lastOpenedView();
      expect(view.blocks.find((b) => b.block_id === B.note)!.element!.initial_value).toHaveLength(1000);
      // Not a pairing channel: nothing is preselected.
      expect(view.blocks.find((b) => b.block_id === B.deal)!.element!.initial_option).toBeUndefined();
    });
  });

  describe("the deal card's button", () => {
    it("a partner person (another Slack team) logs for their own organization", async () => {
      t.fake.reset();
      await t.interact(blockAction({ as: PEOPLE.acmeRep, actionId: ACTION.logTouchpoint, value: dealId, channel: "C_ACME" }));
      await t.fake.waitFor((c) => c.some((x) => x.method === "views.open"));
      const view = lastOpenedView();
      expect(JSON.parse(view.private_metadata)).toMatchObject({ dealId, channelId: "C_ACME" });
      expect(JSON.stringify(view.blocks)).toContain("Counts for *Acme Data*");

      const res = await t.interact(
        viewSubmission({
          as: PEOPLE.acmeRep,
          viewId: "V_ACME_1",
          callbackId: CALLBACK.logTouchpoint,
          values: formValues({ type: "POC", when: secondsAgo(86_400), note: "POC environment handed over" }),
          privateMetadata: view.private_metadata,
          blocks: view.blocks,
        }),
      );
      expect(res.text).toBe("");
      const row = await t.db.prisma.touchpoint.findUniqueOrThrow({ where: { idempotencyKey: "view:V_ACME_1" } });
      expect(row).toMatchObject({ dealId, orgId: p.acme.id, userId: "U_ACME", type: "POC", note: "POC environment handed over" });
      await t.fake.waitFor((c) =>
        c.some(
          (x) =>
            x.method === "chat.postEphemeral" &&
            x.args.channel === "C_ACME" &&
            x.args.user === "U_ACME" &&
            String(x.args.text).includes("Logged a POC for Acme Data on CS-1"),
        ),
      );
    });

    it("a Globex person clicking a copied button, or submitting forged metadata, is denied and nothing is written", async () => {
      t.fake.reset();
      const before = await t.db.prisma.touchpoint.count();
      await t.interact(
        blockAction({ as: PEOPLE.globexRep, actionId: ACTION.logTouchpoint, value: dealId, channel: "C_GLOBEX", responseUrl: t.fake.responseUrl("deny") }),
      );
      await expect.poll(() => t.fake.responses.length).toBe(1);
      expect(t.fake.responses[0]!.body).toMatchObject({ response_type: "ephemeral" });
      expect(String(t.fake.responses[0]!.body.text)).toMatch(/isn't in a co-sell pairing your organization belongs to/);
      expect(t.fake.callsTo("views.open")).toHaveLength(0);

      const res = await t.interact(
        viewSubmission({
          as: PEOPLE.globexRep,
          viewId: "V_FORGED",
          callbackId: CALLBACK.logTouchpoint,
          values: formValues({ type: "DEMO", when: secondsAgo(60), note: "we did everything" }),
          privateMetadata: JSON.stringify({ dealId }),
        }),
      );
      const body = res.json() as { response_action: string; errors: Record<string, string> };
      expect(body.response_action).toBe("errors");
      expect(body.errors[B.type]).toMatch(/isn't in a co-sell pairing your organization belongs to/);
      expect(await t.db.prisma.touchpoint.count()).toBe(before);
    });

    it("a time in the future is a field error under When, and nothing is written", async () => {
      const before = await t.db.prisma.touchpoint.count();
      const res = await t.interact(
        viewSubmission({
          as: PEOPLE.acmeRep,
          viewId: "V_FUTURE",
          callbackId: CALLBACK.logTouchpoint,
          values: formValues({ type: "MEETING", when: secondsAgo(-2 * 86_400), note: "next week's workshop" }),
          privateMetadata: JSON.stringify({ dealId, channelId: "C_ACME" }),
        }),
      );
      const body = res.json() as { response_action: string; errors: Record<string, string> };
      expect(body.response_action).toBe("errors");
      expect(Object.keys(body.errors)).toEqual([B.when]);
      expect(body.errors[B.when]).toMatch(/2026-11-18 10:00 is in the future/);
      expect(await t.db.prisma.touchpoint.count()).toBe(before);
    });

    it("a picked time decades ago and a note of zero-width spaces are field errors under When and Note; nothing is written", async () => {
      const before = await t.db.prisma.touchpoint.count();
      const res = await t.interact(
        viewSubmission({
          as: PEOPLE.acmeRep,
          viewId: "V_BAD_TEXT",
          callbackId: CALLBACK.logTouchpoint,
          values: formValues({ type: "MEETING", when: 0, note: "\u200B\u2060\uFEFF" }),
          privateMetadata: JSON.stringify({ dealId, channelId: "C_ACME" }),
        }),
      );
      const body = res.json() as { response_action: string; errors: Record<string, string> };
      expect(body.response_action).toBe("errors");
      expect(Object.keys(body.errors).sort()).toEqual([B.note, B.when].sort());
      expect(body.errors[B.when]).toMatch(/^1970-01-01 is more than 10 years ago/);
      expect(body.errors[B.note]).toMatch(/^The note is made only of invisible characters/);
      expect(await t.db.prisma.touchpoint.count()).toBe(before);
    });

    it("any organization of the deal's pairing may log, even before it holds a role; one outside the pairing may not", async () => {
      // A partner-to-partner pairing (we are not in it); Globex has no role on the deal yet.
      const pairing = await t.db.prisma.pairing.create({
        data: { name: "Acme + Globex", channelId: "C_AG", createdBy: "U_ADMIN", members: { create: [{ orgId: p.acme.id }, { orgId: p.globex.id }] } },
      });
      const { dealId: agDeal, ref } = await createDeal(t.db.prisma, p, { pairingId: pairing.id, participants: [{ orgId: p.acme.id, roles: ["SELLING"] }] });
      const res = await t.interact(
        viewSubmission({
          as: PEOPLE.globexRep,
          viewId: "V_GLOBEX_NO_ROLE",
          callbackId: CALLBACK.logTouchpoint,
          values: formValues({ type: "INTEGRATION_MENTION", when: secondsAgo(600), note: "their architect asked about the Globex connector" }),
          privateMetadata: JSON.stringify({ dealId: agDeal }),
        }),
      );
      expect(res.text).toBe("");
      expect(await t.db.prisma.touchpoint.findUniqueOrThrow({ where: { idempotencyKey: "view:V_GLOBEX_NO_ROLE" } })).toMatchObject({
        dealId: agDeal,
        orgId: p.globex.id,
      });

      expect(await command(`log CS-${ref} meeting "sat in on the call"`)).toMatch(/Ourco isn't part of the pairing Acme \+ Globex/);
      expect(await t.db.prisma.touchpoint.count({ where: { dealId: agDeal, orgId: p.ours.id } })).toBe(0);
    });

    it("a forged message link in the metadata is not stored", async () => {
      const res = await t.interact(
        viewSubmission({
          as: PEOPLE.acmeRep,
          viewId: "V_LINK",
          callbackId: CALLBACK.logTouchpoint,
          values: formValues({ type: "EMAIL", when: secondsAgo(120), note: "sent the recap" }),
          privateMetadata: JSON.stringify({ dealId, link: "https://evil.example.com/phish" }),
        }),
      );
      expect(res.text).toBe("");
      const row = await t.db.prisma.touchpoint.findUniqueOrThrow({ where: { idempotencyKey: "view:V_LINK" } });
      expect(row.messageLink).toBeNull();
    });
  });
});
