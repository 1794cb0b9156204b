import { beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/platform/db/client";
import { catchUpDigests, MANAGER_DIGEST_JOB, PAIRING_DIGEST_JOB, runWeeklyDigests, type DigestDeps } from "../../src/features/digests/job";
import { createLogger } from "../../src/platform/logger";
import { createAsk } from "../../src/features/asks/asks";
import { loadManagerDigest, loadPairingDigests } from "../../src/features/digests/load";
import { changeStage } from "../../src/features/stages/change-stage";
import { logTouchpoint } from "../../src/features/touchpoints/log-touchpoint";
import { testConfig } from "../support/app";
import { onPostgres } from "../support/db";
import { createDeal } from "../support/deals";
import { useTestDb } from "../support/fixtures";

// The weekly digest job on a real database (PGlite, or Postgres with TEST_DATABASE_URL): the
// exactly-once claim with two runs at once, the catch-up after a restart, and the data it loads.

const MONDAY_0905 = new Date("2026-11-16T09:05:00Z"); // program: UTC, Monday 09:00 (the default)
const PAIRINGS_CREATED = new Date("2026-10-01T00:00:00Z");

// Each test on an emptied program, seeded afresh.
const { db, p } = useTestDb({ seed: "each", truncate: ["OutboxMessage", "JobRun", "Ask", "Deal", "Pairing", "Organization"] });
const logger = createLogger({ level: "error" });
const depsOf = (database: Database): DigestDeps => ({ db: database, logger, config: testConfig() });

beforeEach(async () => {
  await db.prisma.program.update({ where: { id: 1 }, data: { timezone: "UTC", digestWeekday: 1, digestHour: 9, managerChannelId: null } });
  await db.prisma.pairing.updateMany({ data: { createdAt: PAIRINGS_CREATED } });
});

const digestRows = () => db.prisma.outboxMessage.findMany({ where: { dedupeKey: { startsWith: "digest:" } }, orderBy: { dedupeKey: "asc" } });

describe("exactly once per pairing and week", () => {
  it("two runs at once on one database (two processes on Postgres) → one JobRun and one digest post per pairing", async () => {
    const { dealId } = await createDeal(db.prisma, p, { now: new Date("2026-11-10T10:00:00Z"), notes: "SECRET-NOTE: they are also talking to a competitor" });
    await changeStage(db.prisma, { dealId, to: "CLOSED_WON", by: "U_REP", isAdmin: false, confirmedGaps: true, now: new Date("2026-11-12T10:00:00Z") });
    // A second "process": its own connection pool on Postgres; PGlite has one connection.
    const other: Database = onPostgres ? await openDatabase({ databaseUrl: db.url!, poolSize: 5 }) : db;
    try {
      const [a, b] = await Promise.all([
        runWeeklyDigests(depsOf(db), MONDAY_0905, { client: null }),
        runWeeklyDigests(depsOf(other), MONDAY_0905, { client: null }),
      ]);
      expect(a.slot?.week).toBe("2026-W47");
      expect(a.pairings.claimed + b.pairings.claimed).toBe(2);
      expect(a.pairings.claimed + a.pairings.alreadyDone).toBe(2);
      expect(b.pairings.claimed + b.pairings.alreadyDone).toBe(2);
      expect([a.manager, b.manager].sort()).toEqual(["already done", "claimed"]);
    } finally {
      if (other !== db) await other.close();
    }

    const runs = await db.prisma.jobRun.findMany({ where: { job: PAIRING_DIGEST_JOB }, orderBy: { periodKey: "asc" } });
    expect(runs.map((r) => r.periodKey).sort()).toEqual([`${p.acmePairing.id}:2026-W47`, `${p.globexPairing.id}:2026-W47`].sort());
    const rows = await digestRows();
    expect(rows.map((r) => r.dedupeKey).sort()).toEqual([`digest:${p.acmePairing.id}:2026-W47:1`, `digest:${p.globexPairing.id}:2026-W47:1`].sort());
    const acme = rows.find((r) => r.dedupeKey!.startsWith(`digest:${p.acmePairing.id}`))!;
    const payload = acme.payload as { channel: string; text: string; blocks: unknown[] };
    expect(payload.channel).toBe("C_ACME");
    const body = JSON.stringify(payload.blocks);
    expect(body).toContain("Won: *CS-");
    // partner-safe: the deal's internal note and the commission never reach the shared channel
    expect(body).not.toContain("SECRET-NOTE");
    expect(body).not.toMatch(/commission|payout/i);

    // The manager digest: to the admin by DM (no manager channel), once, with the commission.
    expect(await db.prisma.jobRun.count({ where: { job: MANAGER_DIGEST_JOB, periodKey: "2026-W47" } })).toBe(1);
    const manager = await db.prisma.outboxMessage.findMany({ where: { dedupeKey: { startsWith: "manager-digest:2026-W47:" } } });
    expect(manager.map((m) => m.dedupeKey)).toEqual(["manager-digest:2026-W47:U_ADMIN:1"]);
    expect(JSON.stringify(manager[0]!.payload)).toMatch(/commission \$[\d,]+\.\d\d/);

    // Later the same day nothing more is queued.
    const again = await runWeeklyDigests(depsOf(db), new Date("2026-11-16T15:00:00Z"), { client: null });
    expect(again.pairings).toEqual({ claimed: 0, alreadyDone: 2, messages: 0 });
    expect(again.manager).toBe("already done");
    expect(await db.prisma.outboxMessage.count({ where: { dedupeKey: { startsWith: "digest:" } } })).toBe(2);
  });

  it("nothing before the hour, and pairings created after the slot wait for next week", async () => {
    const early = await runWeeklyDigests(depsOf(db), new Date("2026-11-16T08:59:00Z"), { client: null });
    expect(early.slot).toBeNull();
    await db.prisma.pairing.update({ where: { id: p.globexPairing.id }, data: { createdAt: new Date("2026-11-16T09:01:00Z") } });
    const r = await runWeeklyDigests(depsOf(db), MONDAY_0905, { client: null });
    expect(r.pairings.claimed).toBe(1);
    expect((await digestRows()).map((x) => x.dedupeKey)).toEqual([`digest:${p.acmePairing.id}:2026-W47:1`]);
  });

  it("runs at the program's own day and hour in its timezone", async () => {
    await db.prisma.program.update({ where: { id: 1 }, data: { timezone: "America/New_York", digestWeekday: 3, digestHour: 8 } });
    // Wednesday 2026-11-18 08:00 EST = 13:00 UTC
    expect((await runWeeklyDigests(depsOf(db), new Date("2026-11-18T12:59:00Z"), { client: null })).slot).toBeNull();
    const r = await runWeeklyDigests(depsOf(db), new Date("2026-11-18T13:00:00Z"), { client: null });
    expect(r.slot).toMatchObject({ localDate: "2026-11-18", week: "2026-W47" });
    expect(r.pairings.claimed).toBe(2);
  });
});

describe("restart catch-up", () => {
  it("down at Monday 09:00, started at 11:00 the same day → caught up once; a second call → none; next day → no catch-up", async () => {
    const monday11 = new Date("2026-11-23T11:00:00Z");
    const first = await catchUpDigests(depsOf(db), monday11, { client: null });
    expect(first.slot).toMatchObject({ week: "2026-W48", at: new Date("2026-11-23T09:00:00Z") });
    expect(first.pairings.claimed).toBe(2);
    expect(first.manager).toBe("claimed");

    const second = await catchUpDigests(depsOf(db), new Date("2026-11-23T11:00:30Z"), { client: null });
    expect(second.pairings).toEqual({ claimed: 0, alreadyDone: 2, messages: 0 });
    expect(second.manager).toBe("already done");

    // The next week's Monday passes while the app is down; it starts on Tuesday: no catch-up.
    const tuesday = await catchUpDigests(depsOf(db), new Date("2026-12-01T07:00:00Z"), { client: null });
    expect(tuesday.slot).toBeNull();
    expect(tuesday.pairings.claimed).toBe(0);
    expect(await db.prisma.jobRun.count({ where: { periodKey: { contains: "2026-W49" } } })).toBe(0);
    expect(await db.prisma.jobRun.count({ where: { job: PAIRING_DIGEST_JOB } })).toBe(2);
    expect(await db.prisma.outboxMessage.count({ where: { dedupeKey: { startsWith: "digest:" } } })).toBe(2);
  });
});

describe("what the digests load", () => {
  it("a pairing's week: registrations, moves, touchpoints per organization, asks, close dates, gaps, 90-day targets", async () => {
    const window = { start: new Date("2026-11-09T09:00:00Z"), end: new Date("2026-11-16T09:00:00Z") };
    const before = await createDeal(db.prisma, p, { now: new Date("2026-10-20T09:00:00Z"), expectedCloseDate: "2026-12-01", amountMinor: 5_000_000 });
    const fresh = await createDeal(db.prisma, p, {
      now: new Date("2026-11-10T09:00:00Z"),
      expectedCloseDate: "2027-06-30",
      amountMinor: 7_000_000,
      currency: "EUR",
    });
    const lost = await createDeal(db.prisma, p, { now: new Date("2026-10-05T09:00:00Z") });
    await changeStage(db.prisma, {
      dealId: before.dealId,
      to: "DISCOVERY",
      by: "U_ACME",
      isAdmin: false,
      confirmedGaps: false,
      now: new Date("2026-11-11T09:00:00Z"),
    });
    await changeStage(db.prisma, {
      dealId: lost.dealId,
      to: "CLOSED_LOST",
      by: "U_REP",
      isAdmin: false,
      confirmedGaps: false,
      now: new Date("2026-11-12T09:00:00Z"),
    });
    for (const [i, org, at] of [
      [1, p.acme.id, "2026-11-10T10:00:00Z"],
      [2, p.acme.id, "2026-11-11T10:00:00Z"],
      [3, p.ours.id, "2026-11-12T10:00:00Z"],
      [4, p.acme.id, "2026-11-02T10:00:00Z"],
    ] as const) {
      await logTouchpoint(db.prisma, {
        dealId: before.dealId,
        orgId: org,
        userId: "U_X",
        type: "MEETING",
        occurredAt: new Date(at),
        note: "call",
        messageLink: null,
        key: `tp:${i}`,
        now: new Date(at),
      });
    }
    await createAsk(db.prisma, {
      dealId: before.dealId,
      fromUserId: "U_REP",
      ownerUserId: "U_ACME",
      ownerOrgId: p.acme.id,
      text: "intro to their CFO",
      key: "ask:1",
      now: new Date("2026-11-13T09:00:00Z"),
    }); // due 11-14: overdue
    await createAsk(db.prisma, {
      dealId: fresh.dealId,
      fromUserId: "U_ACME",
      ownerUserId: "U_REP",
      ownerOrgId: null,
      text: "pricing sheet",
      key: "ask:2",
      now: new Date("2026-11-16T08:00:00Z"),
    }); // due 11-17

    const [d] = await loadPairingDigests(db.prisma, { now: window.end, window, timezone: "UTC", pairingIds: [p.acmePairing.id] });
    expect(d!.pairing.name).toBe("Ourco + Acme");
    expect(d!.openDeals).toBe(2);
    expect(d!.pipeline.find((s) => s.stage === "DISCOVERY")).toEqual({ stage: "DISCOVERY", deals: 1, amounts: [{ currency: "USD", minor: 5_000_000 }] });
    expect(d!.pipeline.find((s) => s.stage === "REGISTERED")).toEqual({ stage: "REGISTERED", deals: 1, amounts: [{ currency: "EUR", minor: 7_000_000 }] });
    expect(d!.registrations.map((r) => r.id)).toEqual([fresh.dealId]);
    expect(d!.moves.map((m) => [m.ref, m.from, m.to, m.by])).toEqual([
      [before.ref, "REGISTERED", "DISCOVERY", "U_ACME"],
      [lost.ref, "REGISTERED", "CLOSED_LOST", "U_REP"],
    ]);
    expect(d!.wins).toEqual([]);
    expect(d!.losses.map((l) => l.id)).toEqual([lost.dealId]);
    // Acme 2 (the 11-02 one is last week), Ourco 1; partners first
    expect(d!.touchpoints).toEqual([
      { orgId: p.acme.id, orgName: "Acme Data", count: 2 },
      { orgId: p.ours.id, orgName: "Ourco", count: 1 },
    ]);
    expect(d!.asks.map((a) => [a.text, a.overdue])).toEqual([
      ["intro to their CFO", true],
      ["pricing sheet", false],
    ]);
    expect(d!.closingSoon.map((c) => [c.id, c.expectedCloseDate, c.passed])).toEqual([[before.dealId, "2026-12-01", false]]);
    expect(d!.gaps.map((g) => g.ref).sort()).toEqual([before.ref, fresh.ref].sort());
    expect(d!.gaps[0]!.gaps).toContain("Lead for Discovery");
    // created 2026-10-01: day 46; 3 registrations in the first 90 days, 2 active
    expect(d!.targets.day).toBe(46);
    expect(d!.targets.registrations).toMatchObject({ count: 3, mark: "watch" });
    expect(d!.targets.active).toMatchObject({ count: 2, mark: "watch" });
  });

  it("the manager digest's metrics from the database: co-sell vs solo, influence, attribution of the week", async () => {
    const trio = await db.prisma.pairing.create({
      data: {
        name: "Ourco + Acme + Globex",
        channelId: "C_TRIO",
        createdBy: "U_ADMIN",
        createdAt: PAIRINGS_CREATED,
        members: { create: [{ orgId: p.ours.id }, { orgId: p.acme.id }, { orgId: p.globex.id }] },
      },
    });
    const co = await createDeal(db.prisma, p, {
      pairingId: trio.id,
      amountMinor: 20_000_000,
      now: new Date("2026-11-02T09:00:00Z"),
      participants: [
        { orgId: p.acme.id, roles: ["SOURCING", "TECHNICAL_VALIDATION"] },
        { orgId: p.globex.id, roles: ["SELLING"] },
        { orgId: p.ours.id, roles: ["INFLUENCE"] },
      ],
    });
    await createDeal(db.prisma, p, { amountMinor: 60_000_000, now: new Date("2026-11-03T09:00:00Z") });
    await logTouchpoint(db.prisma, {
      dealId: co.dealId,
      orgId: p.acme.id,
      userId: "U_ACME",
      type: "DEMO",
      occurredAt: new Date("2026-11-04T09:00:00Z"),
      note: "demo",
      messageLink: null,
      key: "m:1",
      now: new Date("2026-11-04T09:00:00Z"),
    });
    const won = await createDeal(db.prisma, p, {
      pairingId: trio.id,
      amountMinor: 20_000_000,
      now: new Date("2026-10-02T09:00:00Z"),
      participants: [
        { orgId: p.acme.id, roles: ["SOURCING", "TECHNICAL_VALIDATION"] },
        { orgId: p.globex.id, roles: ["SELLING"] },
        { orgId: p.ours.id, roles: ["INFLUENCE"] },
      ],
    });
    await changeStage(db.prisma, {
      dealId: won.dealId,
      to: "CLOSED_WON",
      by: "U_REP",
      isAdmin: false,
      confirmedGaps: true,
      now: new Date("2026-11-12T09:00:00Z"),
    });

    const window = { start: new Date("2026-11-09T09:00:00Z"), end: new Date("2026-11-16T09:00:00Z") };
    const m = (await loadManagerDigest(db.prisma, { now: window.end, window })).metrics;
    // open: co-sell $200,000 (Acme + Globex) and solo $600,000 (Acme) → 25% co-sell, 25% influenced (only the co-sell deal has a partner touchpoint)
    expect(m.partnerPipeline).toEqual({ deals: 2, amountMinor: 80_000_000 });
    expect(m.coSellPipeline).toMatchObject({ deals: 1, amountMinor: 20_000_000, share: 0.25, mark: "good" });
    expect(m.influencedPipeline).toMatchObject({ deals: 1, amountMinor: 20_000_000, share: 0.25, mark: "good" });
    expect(m.winRate.coSell).toMatchObject({ won: 1, lost: 0 });
    // The won deal's record (Role Split 20/25/15 → Acme 45%, Globex 40%, us 15%; pool 27.5% = $55,000 split 45:40)
    expect(m.attribution).toHaveLength(1);
    const lines = Object.fromEntries(m.attribution[0]!.lines.map((l) => [l.name, [l.creditedMinor, l.commissionMinor]]));
    expect(lines).toEqual({ "Acme Data": [9_000_000, 2_911_765], Globex: [8_000_000, 2_588_235], Ourco: [3_000_000, 0] });
    expect(m.attribution[0]!.poolMinor).toBe(5_500_000);
    expect(m.concentration.partners.map((x) => [x.name, x.revenueMinor])).toEqual([
      ["Acme Data", 9_000_000],
      ["Globex", 8_000_000],
    ]);
  });
});
