import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { fixedClock } from "../../src/platform/clock";
import { hubspotSignatureV3 } from "../../src/features/crm/hubspot-webhook";
import { runHubSpotReconcile } from "../../src/features/crm/reconcile-job";
import { HUBSPOT_CLIENT_SECRET, HUBSPOT_PORTAL_ID } from "../support/app";
import { postedDeal } from "../support/deals";
import { FakeHubSpot } from "../support/fake-hubspot";
import { useTestApp } from "../support/fixtures";
import { PEOPLE } from "../support/seed";
import { until } from "../support/settle";

// HubSpot ↔ cosell through the app's real HTTP port: signed webhooks in, the real
// @hubspot/api-client out to a local HubSpot that speaks its v3 API, Slack calls recorded.

const hubspot = await new FakeHubSpot().start();
const { t, p } = useTestApp({ seed: true, resetFake: true, hubspot });
afterAll(() => hubspot.stop());
// HubSpot's clock is the app's: hs_lastmodifieddate and event times agree with it.
beforeAll(() => {
  hubspot.now = () => clock().now().getTime();
});

const clock = () => t.clock as ReturnType<typeof fixedClock>;
let eventSeq = 1000;
let objectSeq = 20471358900;

function stageEvent(objectId: string, stageId: string, occurredAt: number, over: Record<string, unknown> = {}) {
  return {
    eventId: ++eventSeq,
    subscriptionId: 1,
    portalId: Number(HUBSPOT_PORTAL_ID),
    appId: 1,
    occurredAt,
    subscriptionType: "deal.propertyChange",
    attemptNumber: 0,
    objectId: Number(objectId),
    propertyName: "dealstage",
    propertyValue: stageId,
    changeSource: "CRM_UI",
    sourceId: "userId:777",
    ...over,
  };
}

async function webhook(events: unknown[], opts: { secret?: string; timestamp?: number; body?: string } = {}) {
  const body = opts.body ?? JSON.stringify(events);
  const ts = String(opts.timestamp ?? clock().now().getTime());
  const uri = `${t.origin}/crm/hubspot/webhooks`;
  const res = await fetch(uri, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-hubspot-signature-v3": hubspotSignatureV3(opts.secret ?? HUBSPOT_CLIENT_SECRET, "POST", uri, body, ts),
      "x-hubspot-request-timestamp": ts,
    },
    body,
  });
  await t.settled();
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** a posted deal linked (through /cosell link) to a new HubSpot deal in `stageId` */
async function linkedDeal(stageId = "appointmentscheduled") {
  const deal = await postedDeal(t, p);
  const objectId = String(++objectSeq);
  hubspot.setDeal(
    objectId,
    { dealname: `HubSpot ${objectId}`, dealstage: stageId, amount: "100000", closedate: "2027-03-31T00:00:00.000Z" },
    clock().now().getTime() - 3600_000,
  );
  const res = await t.command(`link CS-${deal.ref} https://app.hubspot.com/contacts/${HUBSPOT_PORTAL_ID}/record/0-3/${objectId}`, {
    user: "U_REP",
    channel: "C_ACME",
  });
  expect(String((res.json() as { text: string }).text)).toContain(`Linked CS-${deal.ref}`);
  await t.settled();
  t.fake.reset();
  return { ...deal, objectId };
}

const stageAlerts = () => t.fake.callsTo("chat.postMessage").filter((c) => /Moved|Won|Closed lost/.test(String(c.args.text)));

describe("HubSpot: linking", () => {
  it("/cosell link shows our rep the record; the shared card only says it is kept in step with HubSpot", async () => {
    const deal = await postedDeal(t, p);
    const objectId = String(++objectSeq);
    hubspot.setDeal(objectId, { dealname: "Globex – Platform", dealstage: "decisionmakerboughtin", amount: "100000" });
    t.fake.reset();
    const res = await t.command(`link CS-${deal.ref} https://app.hubspot.com/contacts/${HUBSPOT_PORTAL_ID}/record/0-3/${objectId}`, {
      user: "U_REP",
      channel: "C_ACME",
    });
    const text = String((res.json() as { text: string }).text);
    expect(text).toContain(`Linked CS-${deal.ref} to <https://app.hubspot.com/contacts/${HUBSPOT_PORTAL_ID}/record/0-3/${objectId}|HubSpot deal ${objectId}>`);
    expect(text).toContain("HubSpot says Proposal, cosell says Registered");
    expect(await t.db.prisma.crmLink.count({ where: { dealId: deal.dealId, unlinkedAt: null } })).toBe(1);
    await t.settled();
    const update = t.fake.callsTo("chat.update").find((c) => c.args.ts === deal.cardTs)!;
    const card = JSON.stringify(update.args.blocks);
    expect(card).toContain("Kept in step with HubSpot");
    expect(card).not.toContain(objectId);

    // The same record on another deal is refused, naming the deal that holds it.
    const other = await postedDeal(t, p);
    const again = await t.command(`link CS-${other.ref} ${objectId}`, { user: "U_REP", channel: "C_ACME" });
    expect(String((again.json() as { text: string }).text)).toContain(`already linked to CS-${deal.ref}`);

    // Unlinking is recorded and the card says nothing of HubSpot any more.
    t.fake.reset();
    const un = await t.command(`unlink CS-${deal.ref}`, { user: "U_REP", channel: "C_ACME" });
    expect(String((un.json() as { text: string }).text)).toContain(`Unlinked CS-${deal.ref} from HubSpot deal ${objectId}`);
    const row = await t.db.prisma.crmLink.findFirstOrThrow({ where: { dealId: deal.dealId } });
    expect(row).toMatchObject({ unlinkedBy: "U_REP" });
    await t.settled();
    expect(JSON.stringify(t.fake.callsTo("chat.update").at(-1)!.args.blocks)).not.toContain("HubSpot");
  });

  it("a partner's person cannot link, and learns no CRM id; a missing record and a bad URL get a clear answer", async () => {
    const deal = await postedDeal(t, p);
    const partner = await t.command(`link CS-${deal.ref} 123`, { user: PEOPLE.acmeRep.user, team: PEOPLE.acmeRep.team, channel: "C_ACME" });
    expect(String((partner.json() as { text: string }).text)).toContain("Only the program's own team links deals to its CRM");
    const missing = await t.command(`link CS-${deal.ref} 999999`, { user: "U_REP", channel: "C_ACME" });
    expect(String((missing.json() as { text: string }).text)).toContain("HubSpot has no deal 999999");
    const contact = await t.command(`link CS-${deal.ref} https://app.hubspot.com/contacts/${HUBSPOT_PORTAL_ID}/record/0-1/42`, {
      user: "U_REP",
      channel: "C_ACME",
    });
    expect(String((contact.json() as { text: string }).text)).toContain("not a deal");
    expect(await t.db.prisma.crmLink.count({ where: { dealId: deal.dealId } })).toBe(0);
  });
});

describe("HubSpot: webhooks", () => {
  it("a signed webhook moves the deal like /cosell stage: card in place, one alert saying from HubSpot", async () => {
    const deal = await linkedDeal();
    const res = await webhook([stageEvent(deal.objectId, "presentationscheduled", clock().now().getTime() - 1000)]);
    expect(res).toMatchObject({ status: 200, json: { ok: true, received: 1, new: 1 } });
    const row = await t.db.prisma.deal.findUniqueOrThrow({ where: { id: deal.dealId }, include: { stageChanges: true } });
    expect(row.stage).toBe("TECHNICAL_VALIDATION");
    expect(row.stageChanges.at(-1)).toMatchObject({ toStage: "TECHNICAL_VALIDATION", changedBy: "crm:hubspot" });
    // Gaps don't block a CRM move: recorded as an override, told in the card's thread.
    expect(row.stageChanges.at(-1)!.gapOverride.length).toBeGreaterThan(0);
    const alerts = stageAlerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.args.channel).toBe("C_ACME");
    expect(String(alerts[0]!.args.text)).toMatch(/Registered → \*Technical validation\* from HubSpot/);
    expect(String(alerts[0]!.args.text)).not.toContain(deal.objectId);
    expect(t.fake.callsTo("chat.update").some((c) => c.args.ts === deal.cardTs && JSON.stringify(c.args.blocks).includes("Technical validation"))).toBe(true);
    const thread = t.fake.callsTo("chat.postMessage").find((c) => c.args.thread_ts === deal.cardTs && String(c.args.text).includes("HubSpot moved"));
    expect(String(thread?.args.text)).toMatch(/roles are not settled\. Missing: .*<@U_REP>, settle them/s);
    // The CRM user is kept in the audit, not in the channel.
    expect(await t.db.prisma.auditEvent.count({ where: { subject: deal.dealId, action: "deal.crmStage", detail: { path: ["crmUser"], equals: "777" } } })).toBe(
      1,
    );
  });

  it("a bad signature, a stale timestamp and an oversized body are refused with nothing changed", async () => {
    const deal = await linkedDeal();
    const event = stageEvent(deal.objectId, "contractsent", clock().now().getTime());
    expect((await webhook([event], { secret: "not-the-secret" })).status).toBe(401);
    expect((await webhook([event], { timestamp: clock().now().getTime() - 6 * 60_000 })).status).toBe(401);
    const big = JSON.stringify([{ ...event, propertyValue: "x".repeat(600 * 1024) }]);
    expect((await webhook([], { body: big })).status).toBe(413);
    expect((await t.db.prisma.deal.findUniqueOrThrow({ where: { id: deal.dealId } })).stage).toBe("REGISTERED");
    expect(await t.db.prisma.crmEvent.count({ where: { objectId: deal.objectId } })).toBe(0);
    expect(stageAlerts()).toHaveLength(0);
  });

  it("an exact replay is a no-op; an older event arriving late never undoes a newer one", async () => {
    const deal = await linkedDeal();
    const now = clock().now().getTime();
    const newer = stageEvent(deal.objectId, "decisionmakerboughtin", now - 1000);
    const older = stageEvent(deal.objectId, "qualifiedtobuy", now - 60_000);
    expect((await webhook([newer])).json).toMatchObject({ new: 1 });
    expect((await webhook([newer])).json).toMatchObject({ new: 0 });
    const late = await webhook([older]);
    expect(late.json).toMatchObject({ new: 1 });
    expect((await t.db.prisma.deal.findUniqueOrThrow({ where: { id: deal.dealId } })).stage).toBe("PROPOSAL");
    expect(await t.db.prisma.crmEvent.findFirstOrThrow({ where: { eventId: String(older.eventId) } })).toMatchObject({ outcome: "stale" });
    expect(stageAlerts()).toHaveLength(1);
    expect(await t.db.prisma.stageChange.count({ where: { dealId: deal.dealId, changedBy: "crm:hubspot" } })).toBe(1);

    // Amount and close date too: each field keeps its own CRM time.
    await webhook([
      stageEvent(deal.objectId, "125000.50", now - 500, { propertyName: "amount" }),
      stageEvent(deal.objectId, "90000", now - 30_000, { propertyName: "amount" }),
      stageEvent(deal.objectId, String(Date.parse("2027-05-15T00:00:00Z")), now - 400, { propertyName: "closedate" }),
    ]);
    const after = await t.db.prisma.deal.findUniqueOrThrow({ where: { id: deal.dealId } });
    expect(after.amountMinor).toBe(12_500_050n);
    expect(after.expectedCloseDate.toISOString().slice(0, 10)).toBe("2027-05-15");
  });

  it("an unmapped stage is reported to the admins and by /cosell crm, never guessed; once mapped it applies", async () => {
    const deal = await linkedDeal();
    await webhook([stageEvent(deal.objectId, "1029384", clock().now().getTime() - 1000)]);
    expect((await t.db.prisma.deal.findUniqueOrThrow({ where: { id: deal.dealId } })).stage).toBe("REGISTERED");
    const dm = t.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === "U_ADMIN" && String(c.args.text).includes("1029384"));
    expect(dm).toHaveLength(1);
    expect(String(dm[0]!.args.text)).toContain("/cosell crm map 1029384 <stage>");
    expect(t.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === "C_ACME")).toHaveLength(0);
    const status = await t.command("crm", { user: "U_REP" });
    expect(String((status.json() as { text: string }).text)).toMatch(/Unmapped HubSpot stages.*`1029384`/s);

    // A rep may not map; an admin may. Then reconciliation applies what HubSpot holds.
    const refused = await t.command("crm map 1029384 proposal", { user: "U_REP" });
    expect(String((refused.json() as { text: string }).text)).toContain("Only a program admin");
    const mapped = await t.command("crm map 1029384 proposal", { user: "U_ADMIN" });
    expect(String((mapped.json() as { text: string }).text)).toContain("now maps to *Proposal*");
    hubspot.setDeal(deal.objectId, { dealstage: "1029384" }, clock().now().getTime() - 500);
    const r = await runHubSpotReconcile(t.deps, clock().now(), { force: true, pageGapMs: 0 });
    expect(r.error).toBeUndefined();
    expect((await t.db.prisma.deal.findUniqueOrThrow({ where: { id: deal.dealId } })).stage).toBe("PROPOSAL");
    expect(String(((await t.command("crm", { user: "U_REP" })).json() as { text: string }).text)).not.toContain("Unmapped HubSpot stages");
  });
});

describe("HubSpot: other events", () => {
  it("a deal deleted in HubSpot is unlinked (recorded) and the admins are told; other properties are ignored", async () => {
    const deal = await linkedDeal();
    const at = clock().now().getTime() - 1000;
    await webhook([
      stageEvent(deal.objectId, "New name", at - 10, { propertyName: "dealname" }),
      { ...stageEvent(deal.objectId, "", at), subscriptionType: "deal.deletion", propertyName: undefined, propertyValue: undefined },
    ]);
    const events = await t.db.prisma.crmEvent.findMany({ where: { objectId: deal.objectId }, orderBy: { occurredAt: "asc" } });
    expect(events.map((e) => e.outcome)).toEqual(["ignored", "unlinked-deleted"]);
    expect(await t.db.prisma.crmLink.findFirstOrThrow({ where: { dealId: deal.dealId } })).toMatchObject({ unlinkedBy: "crm:hubspot" });
    const dm = t.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === "U_ADMIN" && String(c.args.text).includes("was deleted in HubSpot"));
    expect(dm).toHaveLength(1);
    // Later events of that record change nothing.
    await webhook([stageEvent(deal.objectId, "contractsent", at + 500)]);
    expect((await t.db.prisma.deal.findUniqueOrThrow({ where: { id: deal.dealId } })).stage).toBe("REGISTERED");
  });
});

describe("HubSpot: reconciliation and write-back", () => {
  it("a change whose webhook never came is applied by reconciliation, honouring a 429's Retry-After", async () => {
    const deal = await linkedDeal();
    hubspot.setDeal(deal.objectId, { dealstage: "contractsent", amount: "110000" }, clock().now().getTime() - 2000);
    hubspot.fail(/POST \/crm\/v3\/objects\/deals\/search/, 429, { retryAfter: 2 });
    const waits: number[] = [];
    const r = await runHubSpotReconcile(t.deps, clock().now(), { force: true, pageGapMs: 0, sleep: async (ms) => void waits.push(ms) });
    expect(r).toMatchObject({ rateLimited: 1 });
    expect(waits).toContain(2000);
    const row = await t.db.prisma.deal.findUniqueOrThrow({ where: { id: deal.dealId } });
    expect(row).toMatchObject({ stage: "NEGOTIATION", amountMinor: 11_000_000n });
    await t.settled();
    expect(stageAlerts()).toHaveLength(1);
    // The cursor moved: the next pass applies nothing again.
    const again = await runHubSpotReconcile(t.deps, clock().now(), { force: true, pageGapMs: 0 });
    expect(Object.values(again.outcomes).reduce((a, b) => a + b, 0)).toBe(0);
    // Once per 5-minute slot across processes.
    const slot = new Date("2026-11-16T10:20:00Z");
    expect((await runHubSpotReconcile(t.deps, slot, { pageGapMs: 0 })).claimed).toBe(true);
    expect((await runHubSpotReconcile(t.deps, slot, { pageGapMs: 0 })).claimed).toBe(false);
  });

  it("won in HubSpot: one attribution record, one receipt and one note in HubSpot, through a 429 and a lost answer", async () => {
    const deal = await linkedDeal("contractsent");
    hubspot.fail(/POST \/crm\/v3\/objects\/notes\/search/, 429, { retryAfter: 1 });
    hubspot.fail(/POST \/crm\/v3\/objects\/notes$/, 500, { after: true });
    const won = stageEvent(deal.objectId, "closedwon", clock().now().getTime() - 1000);
    await webhook([won]);
    await webhook([won]); // HubSpot's retry of the same batch
    expect(await t.db.prisma.attributionRecord.count({ where: { dealId: deal.dealId } })).toBe(1);
    // The outbox retries on its clock: step it past each Retry-After / back-off.
    await until(async () => {
      clock().advance(5_000);
      t.outbox?.kick();
      return (await t.db.prisma.outboxMessage.count({ where: { method: "crm.attributionNote", status: "SENT" } })) >= 1;
    }, "the HubSpot note was not written");
    await t.settled();
    const notes = hubspot.notes.filter((n) => n.dealIds.includes(deal.objectId));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain(`cosell attribution · CS-${deal.ref}`);
    expect(notes[0]!.body).toMatch(/Acme Data: [\d.]+% credit/);
    expect(hubspot.callsTo("POST", /\/notes\/search$/).some((c) => c.status === 429)).toBe(true);
    expect(hubspot.callsTo("POST", /\/notes$/).length).toBe(1);
    const receipts = t.fake.callsTo("chat.postMessage").filter((c) => c.args.thread_ts === deal.cardTs && /attribution/i.test(String(c.args.text)));
    expect(receipts).toHaveLength(1);
    expect(stageAlerts().filter((c) => String(c.args.text).includes("Won"))).toHaveLength(1);
  });
});
