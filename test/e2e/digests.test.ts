import { beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/platform/clock";
import { runWeeklyDigests } from "../../src/features/digests/job";
import { changeStage } from "../../src/features/stages/change-stage";
import { createDeal } from "../support/deals";
import { useTestApp } from "../support/fixtures";
import { PEOPLE } from "../support/seed";

// The weekly digests end to end: the scheduled job (called with the fixed clock, as the
// scheduler would) posts through the outbox to the fake Slack API and uploads the chart; and
// `/cosell digest` previews ephemerally, each person seeing only what they may.

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const clock = fixedClock("2026-11-16T09:30:00Z"); // Monday; the program runs digests Monday 09:00 UTC
const { t, p } = useTestApp({ clock, seed: true, resetFake: true });

describe("weekly digests", () => {
  beforeAll(async () => {
    await t.db.prisma.pairing.updateMany({ data: { createdAt: new Date("2026-10-01T00:00:00Z") } });
    const { dealId } = await createDeal(t.db.prisma, p, { now: new Date("2026-11-10T10:00:00Z"), notes: "SECRET-NOTE" });
    await createDeal(t.db.prisma, p, {
      now: new Date("2026-11-11T10:00:00Z"),
      pairingId: p.globexPairing.id,
      participants: [
        { orgId: p.globex.id, roles: ["SELLING"] },
        { orgId: p.ours.id, roles: ["SOURCING"] },
      ],
      coSellModel: "SELL_THROUGH",
    });
    await changeStage(t.db.prisma, { dealId, to: "CLOSED_WON", by: "U_REP", isAdmin: false, confirmedGaps: true, now: new Date("2026-11-12T10:00:00Z") });
    t.fake.channels.set("C_MGR", { id: "C_MGR", is_ext_shared: false });
    t.fake.channels.set("C_SHARED", { id: "C_SHARED", is_ext_shared: true, connected_team_ids: ["T_ACME"] });
  });

  const posts = (channel: string, match: RegExp) =>
    t.fake.delivered("chat.postMessage").filter((c) => c.args.channel === channel && match.test(String(c.args.text)));

  it("the scheduled run posts one standup digest per pairing channel and the manager digest with its chart", async () => {
    await t.db.prisma.program.update({ where: { id: 1 }, data: { managerChannelId: "C_MGR" } });
    const report = await runWeeklyDigests(t.deps, clock.now());
    expect(report.slot?.week).toBe("2026-W47");
    expect(report.pairings.claimed).toBe(2);
    expect(report.manager).toBe("claimed");
    expect(report.charts.uploaded).toBe(1);

    await t.fake.waitFor(() => posts("C_ACME", /Weekly co-sell standup/).length === 1 && posts("C_GLOBEX", /Weekly co-sell standup/).length === 1);
    const acme = posts("C_ACME", /Weekly co-sell standup/)[0]!;
    expect(acme.args.text).toBe("🗓️ Weekly co-sell standup · Ourco + Acme");
    const blocks = JSON.stringify(acme.args.blocks);
    expect(blocks).toContain("Pipeline by stage");
    expect(blocks).toContain("🏆 Won: *CS-");
    expect(blocks).not.toContain("SECRET-NOTE");
    expect(blocks).not.toMatch(/commission/i);

    // The manager digest in the (internal) manager channel, the chart in its thread.
    const manager = posts("C_MGR", /Co-sell program digest · 2026-W47/);
    expect(manager).toHaveLength(1);
    expect(JSON.stringify(manager[0]!.args.blocks)).toContain("Co-sell pipeline");
    const row = await t.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: "manager-digest:2026-W47:C_MGR:1" } });
    const complete = t.fake.delivered("files.completeUploadExternal");
    expect(complete).toHaveLength(1);
    expect(complete[0]!.args.channel_id).toBe("C_MGR");
    expect(complete[0]!.args.thread_ts).toBe((row.result as { ts: string }).ts);
    expect(t.fake.uploads).toHaveLength(1);
    // the client sends the file as a form part: the PNG is inside, from its signature to its end chunk
    const bytes = t.fake.uploads[0]!.bytes;
    const start = bytes.indexOf(PNG);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(bytes.subarray(start + 12, start + 16).toString("ascii")).toBe("IHDR");
    expect(bytes.readUInt32BE(start + 16)).toBeGreaterThan(1000); // width
    expect(bytes.indexOf(Buffer.from("IEND"), start)).toBeGreaterThan(start + 10_000);

    // The scheduler's next runs that day change nothing.
    t.fake.reset();
    const uploads = t.fake.uploads.length;
    const again = await runWeeklyDigests(t.deps, new Date("2026-11-16T09:35:00Z"));
    expect(again.pairings.claimed).toBe(0);
    expect(again.manager).toBe("already done");
    await t.settled(); // the outbox has nothing due: anything these runs queued has been sent
    expect(t.fake.delivered("chat.postMessage")).toHaveLength(0);
    expect(t.fake.uploads).toHaveLength(uploads);
    expect(t.fake.calls.filter((c) => c.method.startsWith("files."))).toHaveLength(0);
  });

  it("a manager channel shared with a partner is not used: the admins get it by DM; a Slack error delays but never loses a post", async () => {
    await t.db.prisma.program.update({ where: { id: 1 }, data: { managerChannelId: "C_SHARED" } });
    clock.set("2026-11-23T09:05:00Z");
    t.fake.failNext("chat.postMessage", { kind: "http", status: 500 });
    const report = await runWeeklyDigests(t.deps, clock.now(), { chartWaitMs: 1000 });
    expect(report.slot?.week).toBe("2026-W48");
    expect(report.manager).toBe("claimed");
    // The failed post is retried by the outbox after its backoff (the app's clock moves on).
    await expect.poll(() => t.fake.calls.some((c) => c.method === "chat.postMessage" && (c as { failed?: boolean }).failed)).toBe(true);
    clock.advance(5 * 60_000);
    await t.fake.waitFor(
      () => posts("C_ACME", /standup/).length === 1 && posts("C_GLOBEX", /standup/).length === 1 && posts("U_ADMIN", /program digest/).length === 1,
    );
    expect(t.fake.delivered("chat.postMessage").filter((c) => c.args.channel === "C_SHARED")).toHaveLength(0);
    // The chart follows once the DM is delivered (this run, or the scheduler's next one).
    if (report.charts.uploaded === 0) expect((await runWeeklyDigests(t.deps, clock.now())).charts.uploaded).toBe(1);
    await t.fake.waitFor(() => t.fake.delivered("files.completeUploadExternal").length === 1);
    expect(t.fake.delivered("files.completeUploadExternal")[0]!.args.channel_id).toBe("D_U_ADMIN");
    expect(t.fake.delivered("files.completeUploadExternal").filter((c) => c.args.channel_id === "C_SHARED")).toHaveLength(0);
    // Every part is out (the one that failed may not be the first): nothing left for the next test.
    await t.settled();
  });

  describe("/cosell digest (preview, only for the person asking)", () => {
    const reply = async (n: number) => {
      await expect.poll(() => t.fake.responses.length).toBeGreaterThanOrEqual(n);
      return t.fake.responses[n - 1]!.body as { response_type?: string; text: string; blocks?: unknown[] };
    };

    it("our rep outside a pairing channel: the manager digest", async () => {
      const ack = await t.command("digest", { user: PEOPLE.rep.user, channel: "C_GENERAL" });
      expect(ack.status).toBe(200);
      const r = await reply(1);
      expect(r.response_type).toBe("ephemeral");
      expect(r.text).toContain("Co-sell program digest");
      const body = JSON.stringify(r.blocks);
      expect(body).toContain("Preview of the last 7 days, only you see it");
      expect(body).toContain("Revenue concentration by partner");
      expect(t.fake.delivered("chat.postMessage")).toHaveLength(0);
    });

    it("in a pairing channel, and by name: that pairing's standup digest", async () => {
      await t.command("digest", { user: PEOPLE.acmeRep.user, team: PEOPLE.acmeRep.team, channel: "C_ACME" });
      const r = await reply(1);
      expect(r.response_type).toBe("ephemeral");
      expect(r.text).toBe("🗓️ Weekly co-sell standup · Ourco + Acme");
      expect(JSON.stringify(r.blocks)).not.toContain("SECRET-NOTE");
      await t.command('digest "ourco + glob"', { user: PEOPLE.rep.user, channel: "C_GENERAL" });
      expect((await reply(2)).text).toBe("🗓️ Weekly co-sell standup · Ourco + Globex");
    });

    it("partner people: only their own pairings, and never the manager digest", async () => {
      await t.command("digest", { user: PEOPLE.acmeRep.user, team: PEOPLE.acmeRep.team, channel: "C_GENERAL" });
      expect((await reply(1)).text).toBe("🗓️ Weekly co-sell standup · Ourco + Acme");
      await t.command('digest "Ourco + Globex"', { user: PEOPLE.acmeRep.user, team: PEOPLE.acmeRep.team, channel: "C_GENERAL" });
      expect((await reply(2)).text).toMatch(/None of your organization's pairings is called/);
      await t.command("digest", { user: PEOPLE.acmeRep.user, team: PEOPLE.acmeRep.team, channel: "C_GLOBEX" });
      expect((await reply(3)).text).toMatch(/doesn't include your organization/);
      await t.command("digest", { user: PEOPLE.stranger.user, team: PEOPLE.stranger.team, channel: "C_GENERAL" });
      expect((await reply(4)).text).toMatch(/isn't one of them yet/);
      expect(t.fake.responses.some((x) => /program digest/.test(String(x.body.text)))).toBe(false);
    });
  });
});
