import { describe, expect, it } from "vitest";
import {
  answerDispute,
  findDispute,
  idFromKey,
  listOpenDisputes,
  openDispute,
  recomputeAttribution,
  type OpenDisputeInput,
} from "../../src/features/disputes/disputes";
import { changeStage } from "../../src/features/stages/change-stage";
import { createDeal } from "../support/deals";
import { useTestDb } from "../support/fixtures";
import { withRendered } from "../support/outbox";

// Disputes and recompute on a real database (PGlite, or Postgres with TEST_DATABASE_URL).

const { db, p } = useTestDb({ seed: true });
const now = new Date("2026-11-20T10:00:00Z");
const later = new Date("2026-11-21T10:00:00Z");

/** A deal in the Acme pairing, closed won: its first attribution record. */
async function wonDeal() {
  const { dealId, ref } = await createDeal(db.prisma, p);
  const res = await changeStage(db.prisma, { dealId, to: "CLOSED_WON", by: "U_REP", isAdmin: false, confirmedGaps: true, now });
  if (!res.ok) throw new Error(res.reason);
  return { dealId, ref, recordId: res.attributionRecordId! };
}

let keySeq = 0;
const input = (recordId: string, over: Partial<OpenDisputeInput> = {}): OpenDisputeInput => ({
  recordId,
  orgId: p.acme.id,
  orgName: p.acme.name,
  raisedBy: "U_ACME",
  reason: "Our SE ran the technical validation; we should have more credit.",
  key: `view:V${++keySeq}`,
  admins: ["U_ADMIN", "U_ADMIN2"],
  now,
  ...over,
});

const outboxFor = async (pred: (payload: Record<string, unknown>, dedupeKey: string | null) => boolean) =>
  (await withRendered(db.prisma, await db.prisma.outboxMessage.findMany({ orderBy: { createdAt: "asc" } }))).filter((m) => pred(m.payload, m.dedupeKey));

describe("opening a dispute", () => {
  it("writes the dispute, an audit event, a DM to every admin and a reason-free note in the deal's thread", async () => {
    const { dealId, ref, recordId } = await wonDeal();
    const res = await openDispute(db.prisma, input(recordId));
    expect(res).toMatchObject({ created: true, dealId, dealRef: ref, seq: 1 });
    const row = await db.prisma.dispute.findUniqueOrThrow({ where: { id: res.disputeId } });
    expect(row).toMatchObject({ recordId, dealId, orgId: p.acme.id, raisedBy: "U_ACME", status: "OPEN", resolutionNote: null });
    expect(row.createdAt).toEqual(now);
    expect(await db.prisma.auditEvent.count({ where: { action: "dispute.open", subject: res.disputeId } })).toBe(1);

    const dms = await outboxFor((pl, k) => Boolean(k?.startsWith(`dispute-dm:${res.disputeId}:`)) && typeof pl.channel === "string");
    expect(dms.map((m) => (m.payload as { channel: string }).channel).sort()).toEqual(["U_ADMIN", "U_ADMIN2"]);
    const dm = dms[0]!.payload as { text: string; blocks: { elements?: { action_id: string; value: string }[] }[] };
    expect(dm.text).toContain("Our SE ran the technical validation");
    const buttons = dm.blocks.flatMap((b) => b.elements ?? []).filter((e) => e.action_id);
    expect(buttons.map((b) => b.value)).toEqual([res.disputeId, res.disputeId]);

    const notes = await outboxFor((pl) => pl.threadOfDealId === dealId && String(pl.text).includes("disputed"));
    expect(notes).toHaveLength(1);
    expect((notes[0]!.payload as { text: string }).text).toBe(`⚖️ Acme Data disputed the attribution of CS-${ref} (record #1); admins will respond.`);
    expect(JSON.stringify(notes[0]!.payload)).not.toContain("technical validation");
  });

  it("the same submission twice is one dispute; a second open dispute by the same organization is refused; another organization may", async () => {
    const { recordId } = await wonDeal();
    const first = input(recordId);
    const a = await openDispute(db.prisma, first);
    const again = await openDispute(db.prisma, { ...first });
    expect(again).toMatchObject({ created: false, disputeId: a.disputeId });
    expect(a.disputeId).toBe(idFromKey(first.key));
    await expect(openDispute(db.prisma, input(recordId, { raisedBy: "U_ACME_2" }))).rejects.toThrow(/Acme Data already has an open dispute on record #1/);
    const ours = await openDispute(db.prisma, input(recordId, { orgId: p.ours.id, orgName: p.ours.name, raisedBy: "U_REP" }));
    expect(ours.created).toBe(true);
    expect(await db.prisma.dispute.count({ where: { recordId } })).toBe(2);
    expect(await db.prisma.outboxMessage.count({ where: { dedupeKey: { startsWith: `dispute-dm:${a.disputeId}` } } })).toBe(2);
  });

  it("two concurrent submissions of one modal make one dispute", async () => {
    const { recordId } = await wonDeal();
    const same = input(recordId);
    const [x, y] = await Promise.all([openDispute(db.prisma, same), openDispute(db.prisma, { ...same })]);
    expect(x.disputeId).toBe(y.disputeId);
    expect([x.created, y.created].filter(Boolean)).toHaveLength(1);
    expect(await db.prisma.dispute.count({ where: { recordId } })).toBe(1);
  });
});

describe("answering a dispute", () => {
  it("resolve sets status, note, who and when, audits, and tells the organization in the thread; a second answer changes nothing", async () => {
    const { dealId, ref, recordId } = await wonDeal();
    const { disputeId } = await openDispute(db.prisma, input(recordId));
    expect((await listOpenDisputes(db.prisma, { take: 100 })).rows.map((r) => r.id)).toContain(disputeId);
    expect((await findDispute(db.prisma, disputeId.slice(0, 8))).id).toBe(disputeId);

    const res = await answerDispute(db.prisma, {
      disputeId,
      outcome: "RESOLVED",
      note: "Agreed, roles corrected; recompute follows.",
      by: "U_ADMIN",
      now: later,
    });
    expect(res.answered).toBe(true);
    const row = await db.prisma.dispute.findUniqueOrThrow({ where: { id: disputeId } });
    expect(row).toMatchObject({ status: "RESOLVED", resolutionNote: "Agreed, roles corrected; recompute follows.", resolvedBy: "U_ADMIN" });
    expect(row.resolvedAt).toEqual(later);
    expect(await db.prisma.auditEvent.count({ where: { action: "dispute.resolve", subject: disputeId } })).toBe(1);
    const note = await outboxFor((pl, k) => k === `dispute-answer:${disputeId}` && pl.threadOfDealId === dealId);
    expect((note[0]!.payload as { text: string }).text).toBe(
      `✅ <@U_ACME> Acme Data's dispute of the attribution of CS-${ref} was resolved by an admin: “Agreed, roles corrected; recompute follows.”`,
    );
    expect((await listOpenDisputes(db.prisma, { take: 100 })).rows.map((r) => r.id)).not.toContain(disputeId);

    const second = await answerDispute(db.prisma, { disputeId, outcome: "REJECTED", note: "no", by: "U_ADMIN2", now: later });
    expect(second.answered).toBe(false);
    expect((await db.prisma.dispute.findUniqueOrThrow({ where: { id: disputeId } })).status).toBe("RESOLVED");
    // Once answered, the organization may dispute again.
    expect((await openDispute(db.prisma, input(recordId))).created).toBe(true);
  });
});

describe("recompute", () => {
  it("adds record #2, keeps record #1 exactly as it was, audits it and queues the new receipt", async () => {
    const { dealId, recordId } = await wonDeal();
    const before = JSON.stringify(await db.prisma.attributionRecord.findUniqueOrThrow({ where: { id: recordId } }));
    // The roles changed after the dispute: Acme also sold.
    await db.prisma.participant.update({
      where: { dealId_orgId: { dealId, orgId: p.acme.id } },
      data: { roles: ["SOURCING", "TECHNICAL_VALIDATION", "SELLING"] },
    });
    const r = await recomputeAttribution(db.prisma, { dealId, by: "U_ADMIN", reason: "Acme co-sold; roles corrected", key: "cmd:T1", now: later });
    expect(r).toMatchObject({ created: true, seq: 2, previousSeq: 1 });
    const records = await db.prisma.attributionRecord.findMany({ where: { dealId }, orderBy: { seq: "asc" } });
    expect(records.map((x) => x.seq)).toEqual([1, 2]);
    expect(JSON.stringify(records[0])).toBe(before);
    expect(records[1]).toMatchObject({ computedBy: "U_ADMIN", reason: "Acme co-sold; roles corrected" });
    expect(JSON.stringify(records[1]!.result)).not.toBe(JSON.stringify(records[0]!.result));
    expect(await db.prisma.auditEvent.count({ where: { action: "attribution.recompute", subject: dealId } })).toBe(1);
    expect(await db.prisma.outboxMessage.count({ where: { method: "attribution.receipt", dedupeKey: `receipt:${r.recordId}` } })).toBe(1);

    // The same command again (a retry) makes nothing new; the old record can no longer be disputed.
    expect((await recomputeAttribution(db.prisma, { dealId, by: "U_ADMIN", reason: "Acme co-sold; roles corrected", key: "cmd:T1", now: later })).created).toBe(
      false,
    );
    expect(await db.prisma.attributionRecord.count({ where: { dealId } })).toBe(2);
    await expect(openDispute(db.prisma, input(recordId))).rejects.toThrow(/replaced by record #2/);
  });

  it("is refused for deals that are not won", async () => {
    const { dealId } = await createDeal(db.prisma, p);
    await expect(recomputeAttribution(db.prisma, { dealId, by: "U_ADMIN", reason: "why not", key: "cmd:T2", now })).rejects.toThrow(/not Closed won/);
    expect(await db.prisma.attributionRecord.count({ where: { dealId } })).toBe(0);
    expect(await db.prisma.idempotencyKey.count({ where: { key: "recompute:cmd:T2" } })).toBe(0);
  });
});
