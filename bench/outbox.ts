// The outbox's delivery rate: M queued messages spread over C channels (the pairing channels of
// a large program after a sweep or a digest), delivered by the real deliverOutbox against the
// fake Slack in its own process, with Slack's pacing of one message per second per channel.
// Measured: messages per second until the queue is empty, and the tightest spacing the fake
// Slack saw between two messages to one channel (must never be under the gap).
import type { Database } from "../src/platform/db/client";
import { startOutboxLoop } from "../src/platform/outbox/deliver";
import { enqueueMany, type OutboxInput } from "../src/platform/outbox/enqueue";
import { outboxRenderers } from "../src/outbox-renderers";
import { systemClock } from "../src/platform/clock";
import { createLogger } from "../src/platform/logger";
import { mrkdwn } from "../src/platform/slack/mrkdwn";
import { testConfig } from "../test/support/app";
import type { RemoteFake } from "./ack";
import { fmtMs, type Row } from "./lib";

const GOAL_PER_SECOND = 300;

export async function benchOutbox(db: Database, fake: RemoteFake, opts: { channels: number; messages: number; dbLabel: string }): Promise<Row[]> {
  const deps = { config: testConfig({}, fake), db, clock: systemClock, logger: createLogger({ level: "error" }) };
  const msgs: OutboxInput[] = Array.from({ length: opts.messages }, (_, i) => ({
    method: "message" as const,
    payload: { channel: `C_BENCH_${i % opts.channels}`, text: mrkdwn`Outbox bench message ${String(i)}` },
  }));
  await enqueueMany(db.prisma, msgs, new Date(Date.now() - 1000));
  await fake.marks();
  // The loop main.ts runs, with its defaults.
  const t0 = Date.now();
  const loop = startOutboxLoop(deps, outboxRenderers);
  loop.kick();
  const pending = () => db.prisma.outboxMessage.count({ where: { status: "PENDING" } });
  while ((await pending()) > 0 && Date.now() - t0 < 600_000) await new Promise((res) => setTimeout(res, 20));
  const ms = Date.now() - t0;
  await loop.stop();
  const sent = await db.prisma.outboxMessage.count({ where: { status: "SENT" } });
  // Spacing per channel, as Slack saw it.
  const marks = await fake.marks();
  const byChannel = new Map<string, number[]>();
  for (const [key, at] of Object.entries(marks)) {
    if (!key.startsWith("post:C_BENCH_")) continue;
    const channel = key.split(":")[1]!;
    byChannel.set(channel, [...(byChannel.get(channel) ?? []), at]);
  }
  let tightest = Number.POSITIVE_INFINITY;
  for (const times of byChannel.values()) {
    times.sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) tightest = Math.min(tightest, times[i]! - times[i - 1]!);
  }
  const rate = (sent / ms) * 1000;
  const perChannel = opts.messages / opts.channels;
  return [
    {
      benchmark: `outbox delivery, ${opts.messages.toLocaleString("en-US")} messages to ${opts.channels.toLocaleString("en-US")} channels (${perChannel} each)`,
      db: opts.dbLabel,
      size: `${sent.toLocaleString("en-US")} sent`,
      result: `${fmtMs(ms)} · ${Math.round(rate)} msg/s · tightest gap within a channel ${Number.isFinite(tightest) ? fmtMs(tightest) : "—"}`,
      target: `≥ ${GOAL_PER_SECOND} msg/s, never < 1 s apart in a channel`,
      verdict: rate >= GOAL_PER_SECOND && sent === opts.messages && !(tightest < 1000) ? "ok" : "SLOW",
    },
  ];
}
