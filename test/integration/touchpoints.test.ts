import { beforeEach, describe, expect, it } from "vitest";
import { loggableDeals, logTouchpoint, touchpointCounts, type LogTouchpointInput } from "../../src/features/touchpoints/log-touchpoint";
import { createDeal } from "../support/deals";
import { useTestDb } from "../support/fixtures";

// The touchpoint use case on a real database (PGlite, or Postgres with TEST_DATABASE_URL).

const { db, p } = useTestDb({ seed: true });
let dealId: string;
const registeredAt = new Date("2026-11-16T09:00:00Z");
const now = new Date("2026-11-16T10:00:00Z");

beforeEach(async () => {
  dealId = (await createDeal(db.prisma, p, { now: registeredAt })).dealId;
});

let seq = 0;
const input = (over: Partial<LogTouchpointInput> = {}): LogTouchpointInput => ({
  dealId,
  orgId: p.acme.id,
  userId: "U_ACME",
  type: "DEMO",
  occurredAt: now,
  note: "joint demo with their CTO",
  messageLink: null,
  key: `test:${++seq}`,
  now,
  ...over,
});

const cardRefreshes = () =>
  db.prisma.outboxMessage
    .findMany({ where: { method: "deal.card", dedupeKey: null } })
    .then((rows) => rows.filter((r) => (r.payload as { dealId?: string }).dealId === dealId));
const lastActivity = async () => (await db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } })).lastActivityAt;

describe("logging a touchpoint", () => {
  it("writes the row, moves the deal's last activity to the touchpoint's time and queues a card refresh", async () => {
    expect(await lastActivity()).toEqual(registeredAt);
    const res = await logTouchpoint(db.prisma, input({ messageLink: "https://acme.slack.com/archives/C1/p1" }));
    expect(res.created).toBe(true);
    const row = await db.prisma.touchpoint.findUniqueOrThrow({ where: { id: res.touchpointId } });
    expect(row).toMatchObject({
      dealId,
      orgId: p.acme.id,
      userId: "U_ACME",
      type: "DEMO",
      note: "joint demo with their CTO",
      messageLink: "https://acme.slack.com/archives/C1/p1",
    });
    expect(row.occurredAt).toEqual(now);
    expect(await lastActivity()).toEqual(now);
    expect(await cardRefreshes()).toHaveLength(1);
  });

  it("a touchpoint from last week does not move the last activity back", async () => {
    await logTouchpoint(db.prisma, input({ occurredAt: new Date("2026-11-09T15:00:00Z") }));
    expect(await lastActivity()).toEqual(registeredAt);
    expect(await db.prisma.touchpoint.count({ where: { dealId } })).toBe(1);
  });

  it("the same key twice (a double click) is one touchpoint, one bump and one card refresh", async () => {
    const first = await logTouchpoint(db.prisma, input({ key: "view:V_DOUBLE" }));
    const second = await logTouchpoint(
      db.prisma,
      input({ key: "view:V_DOUBLE", note: "resubmitted", occurredAt: new Date("2026-11-16T10:05:00Z"), now: new Date("2026-11-16T10:05:00Z") }),
    );
    expect(second).toEqual({ touchpointId: first.touchpointId, created: false });
    const rows = await db.prisma.touchpoint.findMany({ where: { dealId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.note).toBe("joint demo with their CTO");
    expect(await lastActivity()).toEqual(now);
    expect(await cardRefreshes()).toHaveLength(1);
  });

  it("two submissions with the same key at the same moment still make one touchpoint", async () => {
    const results = await Promise.all([logTouchpoint(db.prisma, input({ key: "view:V_RACE" })), logTouchpoint(db.prisma, input({ key: "view:V_RACE" }))]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.touchpointId)).size).toBe(1);
    expect(await db.prisma.touchpoint.count({ where: { dealId } })).toBe(1);
    expect(await cardRefreshes()).toHaveLength(1);
  });

  it("nothing is written when the deal does not exist", async () => {
    const before = await db.prisma.outboxMessage.count();
    await expect(logTouchpoint(db.prisma, input({ dealId: "00000000-0000-0000-0000-000000000000" }))).rejects.toThrow();
    expect(await db.prisma.outboxMessage.count()).toBe(before);
  });
});

describe("counting touchpoints for attribution", () => {
  it("counts per organization and type, on this deal only", async () => {
    const other = (await createDeal(db.prisma, p)).dealId;
    await logTouchpoint(db.prisma, input({ type: "DEMO" }));
    await logTouchpoint(db.prisma, input({ type: "DEMO" }));
    await logTouchpoint(db.prisma, input({ type: "EMAIL" }));
    await logTouchpoint(db.prisma, input({ orgId: p.ours.id, userId: "U_REP", type: "MEETING" }));
    await logTouchpoint(db.prisma, input({ dealId: other, type: "POC" }));
    const counts = await touchpointCounts(db.prisma, dealId);
    expect(counts).toHaveLength(3);
    expect(counts).toEqual(
      expect.arrayContaining([
        { orgId: p.acme.id, type: "DEMO", count: 2 },
        { orgId: p.acme.id, type: "EMAIL", count: 1 },
        { orgId: p.ours.id, type: "MEETING", count: 1 },
      ]),
    );
    expect(await touchpointCounts(db.prisma, other)).toEqual([{ orgId: p.acme.id, type: "POC", count: 1 }]);
  });
});

describe("deals a person can pick in the form", () => {
  it("are the open deals of their organization's pairings, most recently active first, and the channel's pairing's latest", async () => {
    const globexDeal = (await createDeal(db.prisma, p, { pairingId: p.globexPairing.id, participants: [{ orgId: p.globex.id, roles: ["SELLING"] }] })).dealId;
    const quiet = (await createDeal(db.prisma, p)).dealId;
    const closed = (await createDeal(db.prisma, p)).dealId;
    await db.prisma.deal.update({ where: { id: quiet }, data: { lastActivityAt: new Date("2026-01-01T00:00:00Z") } });
    await db.prisma.deal.update({ where: { id: closed }, data: { stage: "CLOSED_LOST", lastActivityAt: new Date("2026-12-01T00:00:00Z") } });
    await logTouchpoint(db.prisma, input({ occurredAt: new Date("2026-11-20T00:00:00Z") })); // dealId is now the most active

    const acme = await loggableDeals(db.prisma, { orgId: p.acme.id, channelId: "C_ACME", limit: 100 });
    const ids = acme.deals.map((d) => d.id);
    expect(ids[0]).toBe(dealId);
    expect(ids.at(-1)).toBe(quiet);
    expect(ids).not.toContain(closed);
    expect(ids).not.toContain(globexDeal);
    expect(acme.total).toBe(ids.length);
    expect(acme.channelDeal?.id).toBe(dealId);

    const inGlobexChannel = await loggableDeals(db.prisma, { orgId: p.acme.id, channelId: "C_GLOBEX", limit: 2 });
    expect(inGlobexChannel.channelDeal).toBeNull(); // not Acme's pairing
    expect(inGlobexChannel.deals).toHaveLength(2);
    expect(inGlobexChannel.total).toBe(acme.total);
  });
});
