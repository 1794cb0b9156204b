import type { Database } from "../../src/platform/db/client";
import { deliverOutbox, deliveryClient } from "../../src/platform/outbox/deliver";
import { outboxRenderers } from "../../src/outbox-renderers";
import type { AppDeps } from "../../src/platform/deps";
import { seedDemo } from "../demo/seed";
import type { FakeSlack } from "./fake-slack";

// The playground starts on the demo program (src/demo/seed.ts: our company, five partners,
// three pairings, ~60 deals over six months), seeded once through the real use cases. Its queued
// Slack posts are kept and delivered into the playground's Slack, each dated when it was queued,
// so the channels read like six months of history.

/** Seeds the demo program on first start; returns whether it did. */
export async function seedPlayground(db: Database, opts: { now: Date; managerChannelId: string }): Promise<boolean> {
  const result = await seedDemo(db, { now: opts.now, keepOutbox: true });
  if (!result.created) return false;
  const prisma = db.prisma;
  // An internal channel for the managers' digest and alerts, as an admin would set it.
  await prisma.program.updateMany({ where: { id: 1, managerChannelId: null }, data: { managerChannelId: opts.managerChannelId } });
  // A card's first post renders the deal as it is now: the history's card refreshes add nothing.
  await prisma.outboxMessage.updateMany({
    where: { status: "PENDING", method: "deal.card", OR: [{ dedupeKey: null }, { NOT: { dedupeKey: { startsWith: "card-post:" } } }] },
    data: { status: "SENT", lastError: "playground seed: superseded by the card's first post" },
  });
  return true;
}

/**
 * Delivers the queued posts one at a time in the order they were queued, each with its
 * queue time as the message timestamp. A row that must wait (a reply before its card) gets
 * another turn once the rest is delivered (at most 3), so the history is whole when the
 * playground opens.
 */
export async function deliverHistory(deps: AppDeps, fake: FakeSlack, opts: { limit?: number } = {}): Promise<number> {
  const prisma = deps.db.prisma;
  const client = deliveryClient(deps);
  let sent = 0;
  let retakes = 0;
  try {
    for (let i = 0; i < (opts.limit ?? 5000); i++) {
      const next = await prisma.outboxMessage.findFirst({
        where: { status: "PENDING", nextAttemptAt: { lte: deps.clock.now() } },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: { createdAt: true },
      });
      if (!next) {
        // A row queued in the same instant as what it waits for (a receipt and its deal's card,
        // in either order) was handed back a moment ahead: its blocker is posted now, so it
        // gets its turn here instead of racing the regular outbox loop.
        const handedBack = await prisma.outboxMessage.updateMany({
          where: { status: "PENDING", nextAttemptAt: { gt: deps.clock.now() }, attempts: 0, lastError: { not: null }, lockedUntil: null },
          data: { nextAttemptAt: deps.clock.now() },
        });
        if (handedBack.count === 0 || ++retakes > 3) break;
        continue;
      }
      fake.tsOverride = next.createdAt.getTime();
      const r = await deliverOutbox(deps, client, outboxRenderers, { batch: 1, perChannelGapMs: 0 });
      sent += r.sent;
      if (r.sent + r.retried + r.dead + r.deferred === 0) break;
    }
  } finally {
    fake.tsOverride = undefined;
  }
  return sent;
}
