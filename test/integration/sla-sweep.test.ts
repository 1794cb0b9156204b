import { beforeEach, describe, expect, it } from "vitest";
import { runSlaSweep, type SweepDeps, type SweepReport } from "../../src/features/asks/sla-sweep";
import { createLogger } from "../../src/platform/logger";
import { closeAsk, createAsk } from "../../src/features/asks/asks";
import { createDeal } from "../support/deals";
import { useTestDb } from "../support/fixtures";
import { withRendered } from "../support/outbox";

// The SLA sweep on a real database (PGlite, or Postgres with TEST_DATABASE_URL), with fixed
// times. Expected times are written by hand.

const H = 3_600_000;
const D = 24 * H;
const T0 = new Date("2026-11-16T09:00:00Z"); // a Monday

// Each test on an emptied program, seeded afresh.
const { db, p } = useTestDb({ seed: "each", truncate: ["OutboxMessage", "Ask", "Deal", "Pairing", "Organization"] });
const deps: SweepDeps = { db, logger: createLogger({ level: "error" }) };

beforeEach(async () => {
  await db.prisma.program.update({
    where: { id: 1 },
    data: { timezone: "UTC", responseSlaHours: 24, businessHours: null as never, staleDays: 14, staleDaysByStage: {} },
  });
});

const sweep = (at: Date | number | string) => runSlaSweep(deps, new Date(at));
/** Outbox rows by key prefix, with what they will send: intents are rendered at delivery. */
const rowsWith = async (prefix: string) =>
  withRendered(db.prisma, await db.prisma.outboxMessage.findMany({ where: { dedupeKey: { startsWith: prefix } }, orderBy: { dedupeKey: "asc" } }));
const empty: SweepReport = {
  overdue: 0,
  escalated: 0,
  stale: 0,
  closeDatePassed: 0,
  failed: 0,
  registrations: { reviewReminders: 0, expiryWarnings: 0, expired: 0 },
};

let keySeq = 0;
async function ask(dealId: string, over: { owner?: string; ownerOrgId?: string | null; at?: Date; text?: string } = {}) {
  return createAsk(db.prisma, {
    dealId,
    fromUserId: "U_REP",
    ownerUserId: over.owner ?? "U_ACME",
    ownerOrgId: over.ownerOrgId === undefined ? p.acme.id : over.ownerOrgId,
    text: over.text ?? "need an SE for Thursday's demo",
    key: `test:${++keySeq}`,
    now: over.at ?? T0,
  });
}

describe("asks: SLA and creation", () => {
  it("uses the owner's organization's committed SLA, else the program's; escalation at 2 × SLA", async () => {
    const { dealId } = await createDeal(db.prisma, p, { now: T0 });
    await db.prisma.participant.update({ where: { dealId_orgId: { dealId, orgId: p.acme.id } }, data: { responseSlaHours: 8 } });
    await db.prisma.program.update({ where: { id: 1 }, data: { responseSlaHours: 12 } });
    const partner = await ask(dealId);
    expect(partner).toMatchObject({ created: true, slaHours: 8, dueAt: new Date("2026-11-16T17:00:00Z"), escalateAt: new Date("2026-11-17T01:00:00Z") });
    const ours = await ask(dealId, { owner: "U_REP2", ownerOrgId: null });
    expect(ours).toMatchObject({ slaHours: 12, dueAt: new Date("2026-11-16T21:00:00Z"), escalateAt: new Date("2026-11-17T09:00:00Z") });
    await db.prisma.program.update({ where: { id: 1 }, data: { responseSlaHours: 24 } });
    const noCommitment = await ask(dealId, { owner: "U_GLOBEX", ownerOrgId: p.globex.id }); // not a participant: program SLA
    expect(noCommitment).toMatchObject({ slaHours: 24, dueAt: new Date("2026-11-17T09:00:00Z"), escalateAt: new Date("2026-11-18T09:00:00Z") });
  });

  it("the same key twice gives one ask and one DM (with a Done button), in one transaction with a card refresh", async () => {
    const { dealId } = await createDeal(db.prisma, p, { now: T0 });
    const input = { dealId, fromUserId: "U_REP", ownerUserId: "U_ACME", ownerOrgId: p.acme.id, text: "pricing sheet please", key: "view:V1", now: T0 };
    const [a, b] = await Promise.all([createAsk(db.prisma, input), createAsk(db.prisma, input)]);
    expect(a.askId).toBe(b.askId);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(await db.prisma.ask.count()).toBe(1);
    const dms = await rowsWith("ask-dm:");
    expect(dms).toHaveLength(1);
    const payload = dms[0]!.payload as { channel: string; text: string; blocks: unknown[] };
    expect(payload.channel).toBe("U_ACME");
    expect(payload.text).toMatch(/^<@U_REP> asked you on CS-\d+: “pricing sheet please” — due <!date\^1794906000\^/);
    expect(payload.blocks[1]).toMatchObject({ type: "actions", elements: [{ type: "button", action_id: "ask_done", value: a.askId }] });
    expect(await db.prisma.outboxMessage.count({ where: { method: "deal.card", dedupeKey: null } })).toBe(1);
  });
});

describe("overdue asks and escalations", () => {
  it("overdue → exactly one level-1 alert; again → none; at 2 × SLA → one escalation; again → none", async () => {
    const { dealId, ref } = await createDeal(db.prisma, p, { now: T0 });
    const a = await ask(dealId); // program SLA 24 h (Acme committed nothing): due 2026-11-17 09:00, escalates 2026-11-18 09:00
    expect(await sweep(T0.getTime() + 24 * H - 1)).toEqual(empty);
    expect(await rowsWith(`ask:${a.askId}`)).toHaveLength(0);

    expect(await sweep("2026-11-17T09:00:00Z")).toEqual({ ...empty, overdue: 1 });
    const level1 = await rowsWith(`ask:${a.askId}:`);
    expect(level1.map((r) => r.dedupeKey)).toEqual([`ask:${a.askId}:1`]);
    const alert = level1[0]!.payload as { channel: string; text: string; threadOfDealId?: string };
    // No card posted yet: top-level in the pairing channel.
    expect(alert.channel).toBe("C_ACME");
    expect(alert.threadOfDealId).toBeUndefined();
    expect(alert.text).toBe(
      `⏰ Overdue: <@U_ACME> owes “need an SE for Thursday's demo” on CS-${ref} (asked by <@U_REP>, due <!date^1794906000^{date_short_pretty} {time}|2026-11-17 09:00 UTC>)`,
    );
    expect((await db.prisma.ask.findUniqueOrThrow({ where: { id: a.askId } })).alertLevel).toBe(1);

    expect(await sweep("2026-11-17T12:00:00Z")).toEqual(empty);
    expect(await rowsWith(`ask:${a.askId}:`)).toHaveLength(1);

    expect(await sweep("2026-11-18T08:59:59Z")).toEqual(empty);
    expect(await sweep("2026-11-18T09:00:00Z")).toEqual({ ...empty, escalated: 1 });
    const all = await rowsWith(`ask:${a.askId}:`);
    expect(all.map((r) => r.dedupeKey)).toEqual([`ask:${a.askId}:1`, `ask:${a.askId}:2`, `ask:${a.askId}:2:dm`]);
    const dm = all[2]!.payload as { channel: string; text: string };
    expect(dm.channel).toBe("U_REP"); // the relationship owner
    expect(dm.text).toMatch(/^🚨 Escalation on CS-\d+: <@U_ACME> hasn't answered <@U_REP>'s ask/);
    expect((all[1]!.payload as { text: string }).text).toMatch(/^🚨 Escalated: <@U_ACME> still owes/);

    expect(await sweep("2026-11-20T09:00:00Z")).toEqual(empty);
    expect(await rowsWith(`ask:${a.askId}:`)).toHaveLength(3);
  });

  it("posts in the deal card's thread once the card exists (escalations broadcast to the channel); never amounts or notes", async () => {
    const { dealId } = await createDeal(db.prisma, p, { now: T0, notes: "internal: walk-away price 80k" });
    await db.prisma.deal.update({ where: { id: dealId }, data: { cardTs: "1700000000.000100", cardChannelId: "C_ACME" } });
    const a = await ask(dealId);
    await sweep("2026-11-17T09:00:00Z");
    await sweep("2026-11-18T09:00:00Z");
    const [l1, l2] = await rowsWith(`ask:${a.askId}:`);
    expect(l1!.payload).toMatchObject({ channel: "C_ACME", threadOfDealId: dealId });
    expect(l2!.payload).toMatchObject({ channel: "C_ACME", threadOfDealId: dealId, reply_broadcast: true });
    const everything = JSON.stringify((await rowsWith("ask:")).map((r) => r.payload));
    expect(everything).not.toContain("walk-away");
    expect(everything).not.toContain("100,000");
    // The card is refreshed so it shows the ask as overdue.
    expect(await db.prisma.outboxMessage.count({ where: { method: "deal.card", dedupeKey: null } })).toBe(3); // creation + 2 alerts
  });

  it("a sweep that missed the due time sends only the escalation", async () => {
    const { dealId } = await createDeal(db.prisma, p, { now: T0 });
    const a = await ask(dealId);
    expect(await sweep("2026-11-19T00:00:00Z")).toEqual({ ...empty, escalated: 1 });
    expect((await rowsWith(`ask:${a.askId}:`)).map((r) => r.dedupeKey)).toEqual([`ask:${a.askId}:2`, `ask:${a.askId}:2:dm`]);
  });

  it("two sweeps at once still queue one row per level", async () => {
    const { dealId } = await createDeal(db.prisma, p, { now: T0 });
    const asks = [await ask(dealId), await ask(dealId, { text: "second" }), await ask(dealId, { text: "third" })];
    const r1 = await Promise.all([sweep("2026-11-17T10:00:00Z"), sweep("2026-11-17T10:00:00Z"), sweep("2026-11-17T10:00:00Z")]);
    expect(r1.reduce((n, r) => n + r.overdue, 0)).toBe(3);
    // Whichever sweeper raised which ask, and however they were batched: each ask is named by
    // exactly one channel alert per level, and by one escalation DM.
    const named = async (methods: string[]) => {
      const rows = await db.prisma.outboxMessage.findMany({ where: { method: { in: methods } } });
      return rows.flatMap((r) => {
        const payload = r.payload as { askId?: string; askIds?: string[] };
        return payload.askIds ?? [payload.askId!];
      });
    };
    const ids = asks.map((a) => a.askId).sort();
    expect((await named(["ask.alert", "ask.alertBatch"])).sort()).toEqual(ids);
    const r2 = await Promise.all([sweep("2026-11-18T10:00:00Z"), sweep("2026-11-18T10:00:00Z")]);
    expect(r2.reduce((n, r) => n + r.escalated, 0)).toBe(3);
    expect((await named(["ask.alert", "ask.alertBatch"])).sort()).toEqual([...ids, ...ids].sort());
    expect((await named(["ask.escalationDm", "ask.escalationDmBatch"])).sort()).toEqual(ids);
    expect(r1.concat(r2).every((r) => r.failed === 0)).toBe(true);
  });

  it("asks of one channel falling due in one sweep are one message listing them; answered ones drop out; the relationship owner gets one DM", async () => {
    const [d1, d2] = [await createDeal(db.prisma, p, { now: T0 }), await createDeal(db.prisma, p, { now: T0 })];
    const globex = await createDeal(db.prisma, p, {
      now: T0,
      pairingId: p.globexPairing.id,
      participants: [
        { orgId: p.globex.id, roles: ["SOURCING"] },
        { orgId: p.ours.id, roles: ["SELLING"] },
      ],
    });
    const acmeAsks = [];
    for (let i = 0; i < 20; i++) acmeAsks.push(await ask(i % 2 ? d1.dealId : d2.dealId, { text: `ask number ${i}` }));
    const lone = await ask(globex.dealId, { owner: "U_GLOBEX", ownerOrgId: p.globex.id, text: "the lone one" });
    expect(await sweep("2026-11-17T10:00:00Z")).toMatchObject({ overdue: 21, failed: 0 });
    const alerts = await db.prisma.outboxMessage.findMany({ where: { method: { in: ["ask.alert", "ask.alertBatch"] } }, orderBy: { method: "asc" } });
    expect(alerts.map((a) => a.method)).toEqual(["ask.alert", "ask.alertBatch"]);
    expect(alerts[0]!.payload).toMatchObject({ askId: lone.askId, level: 1 });
    expect(alerts[1]!.payload).toMatchObject({ channel: "C_ACME", total: 20 });
    // One answered before delivery: it is not announced.
    await closeAsk(db.prisma, { askId: acmeAsks[0]!.askId, by: "U_ACME", now: new Date("2026-11-17T10:01:00Z") });
    const [batch] = await withRendered(db.prisma, [alerts[1]!]);
    const text = JSON.stringify(batch!.payload);
    expect(batch!.payload).toMatchObject({ channel: "C_ACME", text: expect.stringContaining("19 asks went overdue") });
    const blocks = batch!.payload.blocks as { type: string; accessory?: { value: string }; elements?: { text: string }[] }[];
    const listed = blocks.filter((b) => b.accessory).map((b) => b.accessory!.value);
    expect(listed).toHaveLength(15);
    expect(listed).not.toContain(acmeAsks[0]!.askId);
    expect(new Set(listed).size).toBe(15);
    expect(blocks.at(-1)!.elements![0]!.text).toMatch(/…and 4 more/);
    expect(text).toContain("<@U_ACME> owes");
    expect(text).not.toMatch(/100,000|\$|amount/i);
    // Escalation: one DM to the relationship owner of the deals, for every pairing's asks.
    expect(await sweep("2026-11-18T10:00:00Z")).toMatchObject({ escalated: 20, failed: 0 });
    const dms = await db.prisma.outboxMessage.findMany({ where: { method: { in: ["ask.escalationDm", "ask.escalationDmBatch"] } } });
    expect(dms.map((d) => d.method)).toEqual(["ask.escalationDmBatch"]);
    const [dm] = await withRendered(db.prisma, dms);
    expect(dm!.payload).toMatchObject({ channel: "U_REP", text: expect.stringContaining("20 asks on deals you're the relationship owner of") });
    // The channel list was queued at level 1: delivered late, it still says overdue, not escalated.
    const [late] = await withRendered(db.prisma, [alerts[1]!]);
    expect(JSON.stringify(late!.payload)).not.toContain("🚨");
    // Someone no longer the relationship owner of a deal is not sent its asks.
    await db.prisma.deal.update({ where: { id: d1.dealId }, data: { relationshipOwnerUserId: "U_SOMEONE_ELSE" } });
    const [after] = await withRendered(db.prisma, dms);
    expect(after!.payload).toMatchObject({ text: expect.stringContaining("10 asks on deals") });
    expect(JSON.stringify(after!.payload)).not.toMatch(/ask number 1\b|ask number 3\b/);
    // A second pass raises nothing more.
    expect(await sweep("2026-11-18T10:00:00Z")).toMatchObject({ overdue: 0, escalated: 0 });
  });

  it("done asks and asks on closed deals raise nothing", async () => {
    const { dealId } = await createDeal(db.prisma, p, { now: T0 });
    const done = await ask(dealId);
    expect((await closeAsk(db.prisma, { askId: done.askId, by: "U_ACME", now: new Date("2026-11-16T12:00:00Z") })).closed).toBe(true);
    expect((await closeAsk(db.prisma, { askId: done.askId, by: "U_ACME", now: new Date("2026-11-16T12:00:01Z") })).closed).toBe(false);
    const closedDeal = await createDeal(db.prisma, p, { now: T0 });
    await ask(closedDeal.dealId);
    await db.prisma.deal.update({ where: { id: closedDeal.dealId }, data: { stage: "CLOSED_LOST", closedAt: T0 } });
    expect((await sweep("2026-11-20T00:00:00Z")).overdue + (await sweep("2026-11-21T00:00:00Z")).escalated).toBe(0);
    expect(await rowsWith("ask:")).toHaveLength(0);
    const row = await db.prisma.ask.findUniqueOrThrow({ where: { id: done.askId } });
    expect(row).toMatchObject({ status: "DONE", doneBy: "U_ACME", doneAt: new Date("2026-11-16T12:00:00Z"), alertLevel: 0 });
  });

  it("honours business hours in the program's timezone (Berlin, 9–17 Mon–Fri)", async () => {
    await db.prisma.program.update({
      where: { id: 1 },
      data: { timezone: "Europe/Berlin", businessHours: { startHour: 9, endHour: 17, workdays: [1, 2, 3, 4, 5] } },
    });
    const { dealId } = await createDeal(db.prisma, p, { now: new Date("2026-11-20T15:00:00Z") });
    // Friday 2026-11-20 16:00 CET. 24 working hours: Fri 16–17 (1) + Mon 8 + Tue 8 + Wed 9–16 (7).
    const a = await ask(dealId, { at: new Date("2026-11-20T15:00:00Z") });
    expect(a.dueAt).toEqual(new Date("2026-11-25T15:00:00Z")); // Wednesday 16:00 CET
    // 48 working hours: + Wed 16–17 (1) + Thu 8 + Fri 8 + Mon 9–16 (7) → Monday 2026-11-30 16:00 CET.
    expect(a.escalateAt).toEqual(new Date("2026-11-30T15:00:00Z"));
    expect(await sweep("2026-11-23T15:00:00Z")).toMatchObject({ overdue: 0 }); // Monday 16:00: 9 working hours in
    expect(await sweep("2026-11-25T14:59:59Z")).toMatchObject({ overdue: 0 });
    expect(await sweep("2026-11-25T15:00:00Z")).toMatchObject({ overdue: 1, escalated: 0 }); // Wednesday 16:00
    expect(await sweep("2026-11-30T14:59:59Z")).toMatchObject({ overdue: 0, escalated: 0 });
    expect(await sweep("2026-11-30T15:00:00Z")).toMatchObject({ escalated: 1 });
  });
});

describe("stale deals", () => {
  it("one alert per staleness period, again after another period, and again after a touchpoint's silence", async () => {
    const { dealId, ref } = await createDeal(db.prisma, p, { now: T0 });
    expect((await sweep(T0.getTime() + 14 * D - 1)).stale).toBe(0);
    expect((await sweep(T0.getTime() + 14 * D)).stale).toBe(1);
    expect((await sweep(T0.getTime() + 20 * D)).stale).toBe(0);
    expect((await rowsWith(`stale:${dealId}:`)).map((r) => r.dedupeKey)).toEqual([`stale:${dealId}:${T0.getTime()}:1`]);
    const alert = (await rowsWith(`stale:${dealId}:`))[0]!.payload as { channel: string; text: string };
    expect(alert.channel).toBe("C_ACME");
    const { title } = await db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } });
    expect(alert.text).toBe(`💤 Stale: CS-${ref} · ${title} has had no activity for 14 days (Registered). <@U_REP>, log a touchpoint or move the stage.`);
    expect((await sweep(T0.getTime() + 28 * D)).stale).toBe(1);
    expect((await sweep(T0.getTime() + 30 * D)).stale).toBe(0);

    // A touchpoint resets the clock: the next 14 quiet days alert again (level 1 of a new period).
    const touched = new Date(T0.getTime() + 31 * D);
    await db.prisma.deal.update({ where: { id: dealId }, data: { lastActivityAt: touched } });
    expect((await sweep(touched.getTime() + 13 * D)).stale).toBe(0);
    expect((await sweep(touched.getTime() + 14 * D)).stale).toBe(1);
    expect((await rowsWith(`stale:${dealId}:`)).map((r) => r.dedupeKey)).toEqual([
      `stale:${dealId}:${T0.getTime()}:1`,
      `stale:${dealId}:${T0.getTime()}:2`,
      `stale:${dealId}:${touched.getTime()}:1`,
    ]);
  });

  it("uses the per-stage threshold and skips closed deals", async () => {
    await db.prisma.program.update({ where: { id: 1 }, data: { staleDaysByStage: { NEGOTIATION: 5 } } });
    const fast = await createDeal(db.prisma, p, { now: T0 });
    await db.prisma.deal.update({ where: { id: fast.dealId }, data: { stage: "NEGOTIATION" } });
    const closed = await createDeal(db.prisma, p, { now: T0 });
    await db.prisma.deal.update({ where: { id: closed.dealId }, data: { stage: "CLOSED_WON", closedAt: T0 } });
    const slow = await createDeal(db.prisma, p, { now: T0 });
    expect((await sweep(T0.getTime() + 5 * D)).stale).toBe(1);
    expect(await rowsWith(`stale:${fast.dealId}:`)).toHaveLength(1);
    expect((await sweep(T0.getTime() + 14 * D)).stale).toBe(2); // fast: level 2 (10 days); slow: level 1
    expect(await rowsWith(`stale:${slow.dealId}:`)).toHaveLength(1);
    expect(await rowsWith(`stale:${closed.dealId}:`)).toHaveLength(0);
  });
});

describe("passed close dates", () => {
  it("one alert per deal per expected close date, from the day after in the program's timezone", async () => {
    await db.prisma.program.update({ where: { id: 1 }, data: { timezone: "America/Los_Angeles" } });
    const now = new Date("2026-11-29T12:00:00Z");
    const { dealId, ref } = await createDeal(db.prisma, p, { now, expectedCloseDate: "2026-11-30" });
    expect((await sweep("2026-12-01T07:59:59Z")).closeDatePassed).toBe(0); // still Nov 30 in Los Angeles
    expect((await sweep("2026-12-01T08:00:00Z")).closeDatePassed).toBe(1);
    expect((await sweep("2026-12-02T08:00:00Z")).closeDatePassed).toBe(0);
    const rows = await rowsWith("closedate:");
    expect(rows.map((r) => r.dedupeKey)).toEqual([`closedate:${dealId}:2026-11-30`]);
    expect((rows[0]!.payload as { text: string }).text).toMatch(
      new RegExp(
        `^📅 Close date passed: CS-${ref} · .* was expected to close on 2026-11-30 and is still in Registered\\. <@U_REP>, update the close date or the stage\\.$`,
      ),
    );
    // A new expected close date is a new key.
    await db.prisma.deal.update({ where: { id: dealId }, data: { expectedCloseDate: new Date("2026-12-05T00:00:00Z") } });
    expect((await sweep("2026-12-05T20:00:00Z")).closeDatePassed).toBe(0);
    expect((await sweep("2026-12-06T08:00:00Z")).closeDatePassed).toBe(1);
    expect(await rowsWith("closedate:")).toHaveLength(2);
  });
});
