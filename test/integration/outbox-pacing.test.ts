import { mrkdwn } from "../../src/platform/slack/mrkdwn";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/platform/clock";
import type { AppDeps } from "../../src/platform/deps";
import { ASK_ALERT } from "../../src/features/asks/alerts";
import { resetChannelPacing, startOutboxLoop } from "../../src/platform/outbox/deliver";
import { outboxRenderers } from "../../src/outbox-renderers";
import { createLogger } from "../../src/platform/logger";
import { createAsk } from "../../src/features/asks/asks";
import { enqueue } from "../../src/platform/outbox/enqueue";
import { changeStage } from "../../src/features/stages/change-stage";
import { testConfig } from "../support/app";
import { createDeal } from "../support/deals";
import { FakeSlack, type RecordedCall } from "../support/fake-slack";
import { useTestDb } from "../support/fixtures";
import { deliverUntilIdle, until } from "../support/settle";

// Slack takes about one message per second per channel. The outbox paces by the channel a
// message actually goes to, whatever its kind: card refreshes, receipts, alerts and thread
// replies are rendered at delivery, so their channel is known only then. Real time here: the
// recorded arrival times of the fake's calls are what is measured.

// Each test on an emptied program, seeded afresh.
const { db, p } = useTestDb({ seed: "each", truncate: ["OutboxMessage", "Ask", "Deal", "Pairing", "Organization"] });
let fake: FakeSlack;
let deps: AppDeps;

beforeAll(async () => {
  fake = await new FakeSlack().start();
  deps = { config: testConfig({}, fake), db, clock: systemClock, logger: createLogger({ level: "error" }) };
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(() => {
  fake.messages.length = 0;
  fake.reset();
  resetChannelPacing();
});
afterEach(() => resetChannelPacing());

const SENDS = new Set(["chat.postMessage", "chat.update", "chat.postEphemeral"]);
/** The fake's posts and updates per channel, in arrival order. */
function sendsByChannel(): Map<string, RecordedCall[]> {
  const by = new Map<string, RecordedCall[]>();
  for (const c of fake.calls.filter((x) => SENDS.has(x.method)).sort((a, b) => a.at - b.at)) {
    const ch = String(c.args.channel);
    by.set(ch, [...(by.get(ch) ?? []), c]);
  }
  return by;
}
const gaps = (calls: RecordedCall[]) => calls.slice(1).map((c, i) => c.at - calls[i]!.at);

async function postCards(): Promise<void> {
  await deliverUntilIdle(deps);
  expect(await db.prisma.deal.count({ where: { cardTs: null } })).toBe(0);
  fake.reset();
  resetChannelPacing();
}

const untilDelivered = (timeoutMs: number) =>
  until(async () => (await db.prisma.outboxMessage.count({ where: { status: "PENDING" } })) === 0, "outbox not delivered in time", timeoutMs);

describe("pacing by the channel a message is sent to", () => {
  it("card refreshes, alerts, receipts and thread replies to one channel go out a gap apart; another channel is not held back", async () => {
    const GAP = 200;
    const d1 = await createDeal(db.prisma, p, { now: new Date() });
    const d2 = await createDeal(db.prisma, p, { now: new Date() });
    const d3 = await createDeal(db.prisma, p, {
      pairingId: p.globexPairing.id,
      participants: [
        { orgId: p.globex.id, roles: ["SOURCING"] },
        { orgId: p.ours.id, roles: ["SELLING"] },
      ],
      now: new Date(),
    });
    await postCards();

    // Into C_ACME, none of them naming the channel in its payload except the stage move: an ask
    // (card refresh; its DM goes to the owner), its overdue alert (thread), a win (card refresh,
    // the announcement, the receipt in the thread) and a note in the thread.
    const ask = await createAsk(db.prisma, {
      dealId: d1.dealId,
      fromUserId: "U_REP",
      ownerUserId: "U_ACME",
      ownerOrgId: p.acme.id,
      text: "need a demo slot",
      key: "pace-ask",
      now: new Date(),
    });
    await enqueue(db.prisma, { method: ASK_ALERT, payload: { askId: ask.askId, level: 1 }, dedupeKey: `ask:${ask.askId}:1` }, new Date());
    await changeStage(db.prisma, { dealId: d2.dealId, to: "CLOSED_WON", by: "U_REP", isAdmin: false, confirmedGaps: true, now: new Date() });
    await enqueue(db.prisma, { method: "message", payload: { threadOfDealId: d1.dealId, text: mrkdwn`a note in the thread` } }, new Date());
    // Then C_GLOBEX: a stage move (card refresh and announcement), queued after all of them.
    await new Promise((r) => setTimeout(r, 5));
    await changeStage(db.prisma, { dealId: d3.dealId, to: "DISCOVERY", by: "U_REP", isAdmin: false, confirmedGaps: true, now: new Date() });

    const loop = startOutboxLoop(deps, outboxRenderers, { perChannelGapMs: GAP, intervalMs: 1000 });
    try {
      loop.kick();
      await untilDelivered(30_000);
    } finally {
      await loop.stop();
    }
    expect(await db.prisma.outboxMessage.count({ where: { status: { not: "SENT" } } })).toBe(0);

    const by = sendsByChannel();
    const acme = by.get("C_ACME") ?? [];
    const globex = by.get("C_GLOBEX") ?? [];
    // Every kind, each to the channel it was rendered for.
    expect(acme.map((c) => c.method).sort()).toEqual([
      "chat.postMessage",
      "chat.postMessage",
      "chat.postMessage",
      "chat.postMessage",
      "chat.update",
      "chat.update",
    ]);
    expect(acme.filter((c) => c.args.thread_ts).length).toBe(3); // the alert, the receipt, the note
    expect(globex.map((c) => c.method).sort()).toEqual(["chat.postMessage", "chat.update"]);
    expect(by.get("U_ACME")?.map((c) => c.method)).toEqual(["chat.postMessage"]);
    // A gap apart per channel (timer granularity: a ms).
    for (const g of gaps(acme)) expect(g).toBeGreaterThanOrEqual(GAP - 1);
    for (const g of gaps(globex)) expect(g).toBeGreaterThanOrEqual(GAP - 1);
    // C_GLOBEX, queued last, did not wait behind C_ACME's train (≥ 5 gaps long).
    expect(acme.at(-1)!.at - acme[0]!.at).toBeGreaterThanOrEqual(5 * GAP);
    // (order, not milliseconds: a loaded CI machine stretches every gap)
    expect(globex[0]!.at).toBeLessThan(acme[2]!.at);
    expect(globex.at(-1)!.at).toBeLessThan(acme.at(-1)!.at);
  });

  it("a flood of rendered-at-delivery replies to one channel goes out at the gap, in order, while another channel's post goes at once", async () => {
    const GAP = 100;
    const N = 40;
    const d1 = await createDeal(db.prisma, p, { now: new Date() });
    await postCards();
    // Thread replies name the deal, not the channel: their channel is resolved at delivery.
    const base = Date.now() - 1000;
    for (let i = 0; i < N; i++)
      await enqueue(db.prisma, { method: "message", payload: { threadOfDealId: d1.dealId, text: mrkdwn`note ${i}` } }, new Date(base + i));
    await enqueue(db.prisma, { method: "message", payload: { channel: "C_GLOBEX", text: mrkdwn`meanwhile, elsewhere` } }, new Date(base + N));

    const loop = startOutboxLoop(deps, outboxRenderers, { perChannelGapMs: GAP, batch: 10 });
    try {
      loop.kick();
      await untilDelivered(60_000);
    } finally {
      await loop.stop();
    }
    const by = sendsByChannel();
    const acme = by.get("C_ACME") ?? [];
    const globex = by.get("C_GLOBEX") ?? [];
    expect(acme.map((c) => c.args.text)).toEqual(Array.from({ length: N }, (_, i) => `note ${i}`));
    const g = gaps(acme);
    expect(Math.min(...g)).toBeGreaterThanOrEqual(GAP - 1);
    // Paced, not throttled by the loop's 2 s poll: close to one per gap overall.
    const span = acme.at(-1)!.at - acme[0]!.at;
    expect(span).toBeGreaterThanOrEqual((N - 1) * GAP);
    // Queued after all 40, sent long before most of them (once the worker has walked past the
    // 40 rows, handing each back to the queue for its slot).
    expect(globex).toHaveLength(1);
    expect(globex[0]!.at).toBeLessThan(acme[N / 2]!.at);
  });
});
