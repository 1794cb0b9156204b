import type { Logger } from "@slack/bolt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { outboxRenderers } from "../../src/outbox-renderers";
import { systemClock } from "../../src/platform/clock";
import type { AppDeps } from "../../src/platform/deps";
import { deliverOutbox, deliveryClient, resetChannelPacing, startOutboxLoop } from "../../src/platform/outbox/deliver";
import { enqueue } from "../../src/platform/outbox/enqueue";
import { mrkdwn } from "../../src/platform/slack/mrkdwn";
import { testConfig } from "../support/app";
import { FakeSlack } from "../support/fake-slack";
import { useTestDb } from "../support/fixtures";

// Delivery parses every row as an intent. A row that is not one (written by hand, by an older
// or newer version, or by a bug) is logged and DEAD at once — no retry can make it valid — and
// the rows around it go out as usual.

// Each test on an empty outbox.
const { db } = useTestDb({ truncate: ["OutboxMessage"] });
let fake: FakeSlack;
let deps: AppDeps;
const errors: string[] = [];
const quiet = () => undefined;
const logger: Logger = {
  debug: quiet,
  info: quiet,
  warn: quiet,
  error: (...msg: unknown[]) => void errors.push(msg.map(String).join(" ")),
  setLevel: quiet,
  getLevel: () => "error" as never,
  setName: quiet,
};

beforeAll(async () => {
  fake = await new FakeSlack().start();
  deps = { config: testConfig({}, fake), db, clock: systemClock, logger };
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(() => {
  errors.length = 0;
  fake.messages.length = 0;
  fake.reset();
  resetChannelPacing();
});

/** A row as something other than enqueue() might have written it. */
async function insertRaw(method: string, payload: unknown, dedupeKey: string, now = new Date()): Promise<void> {
  await db.prisma.$executeRaw`
    INSERT INTO "OutboxMessage" (id, "dedupeKey", method, payload, status, attempts, "nextAttemptAt", "createdAt")
    VALUES (gen_random_uuid()::text, ${dedupeKey}, ${method}, ${JSON.stringify(payload)}::jsonb, 'PENDING', 0, ${now}, ${now})`;
}

describe("rows that are not intents", () => {
  it("are logged and DEAD at once, and the valid rows of the same run are sent", async () => {
    // Queue order is creation time: 1 ms apart here, so a fast machine makes no ties.
    const t0 = Date.now() - 1000;
    await enqueue(db.prisma, { method: "message", payload: { channel: "C_ONE", text: mrkdwn`before` }, dedupeKey: "ok:1", at: new Date(t0) }, new Date());
    await insertRaw("deal.explode", { dealId: "d1" }, "bad:kind");
    await insertRaw("stage.changed", { dealId: "d1", from: "REGISTERED" }, "bad:fields");
    await insertRaw("deal.card", null, "bad:null");
    await insertRaw("chat.update", { channel: "C_ONE", ts: "1.2", text: "x" }, "bad:legacy-update");
    // Queued before intents existed: still delivered.
    await insertRaw("chat.postMessage", { channel: "C_ONE", text: "legacy &amp; fine", unfurl_links: false }, "ok:legacy", new Date(t0 + 1));
    await enqueue(db.prisma, { method: "message", payload: { channel: "C_ONE", text: mrkdwn`after` }, dedupeKey: "ok:2", at: new Date(t0 + 2) }, new Date());

    const report = await deliverOutbox(deps, deliveryClient(deps), outboxRenderers, { perChannelGapMs: 0 });
    expect(report).toMatchObject({ claimed: 7, sent: 3, dead: 4, retried: 0 });

    const rows = await db.prisma.outboxMessage.findMany({ orderBy: { dedupeKey: "asc" } });
    const byKey = new Map(rows.map((r) => [r.dedupeKey, r]));
    for (const key of ["bad:kind", "bad:fields", "bad:null", "bad:legacy-update"]) {
      const row = byKey.get(key)!;
      expect(row, key).toMatchObject({ status: "DEAD", lockedUntil: null, lastError: expect.stringMatching(/^not a valid .* intent: /) });
      expect(
        errors.some((e) => e.includes(row.id)),
        `${key} is logged`,
      ).toBe(true);
    }
    expect(byKey.get("bad:fields")!.lastError).toMatch(/gapOverride/);
    expect(byKey.get("bad:kind")!.lastError).toMatch(/kind/);
    for (const key of ["ok:1", "ok:legacy", "ok:2"]) expect(byKey.get(key)!.status, key).toBe("SENT");
    expect(fake.messages.map((m) => m.text)).toEqual(["before", "legacy &amp; fine", "after"]);

    // A DEAD row stays dead: the next run claims nothing.
    expect(await deliverOutbox(deps, deliveryClient(deps), outboxRenderers, { perChannelGapMs: 0 })).toMatchObject({ claimed: 0 });
  });

  it("do not stop the delivery loop", async () => {
    await insertRaw("ask.alert", { askId: "a1", level: "high" }, "bad:level");
    const loop = startOutboxLoop(deps, outboxRenderers, { intervalMs: 50, perChannelGapMs: 0 });
    try {
      await expect.poll(() => db.prisma.outboxMessage.count({ where: { status: "DEAD" } })).toBe(1);
      await enqueue(db.prisma, { method: "message", payload: { channel: "C_TWO", text: mrkdwn`still delivering` } }, new Date());
      loop.kick();
      await expect.poll(() => fake.messages.map((m) => m.text)).toEqual(["still delivering"]);
    } finally {
      await loop.stop();
    }
    expect(errors.filter((e) => e.includes("outbox delivery failed"))).toEqual([]);
    expect(errors.some((e) => /giving up on ask\.alert .*not a valid ask\.alert intent/.test(e))).toBe(true);
  });
});
