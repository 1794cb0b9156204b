import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { fixedClock } from "../../src/platform/clock";
import { openDatabase } from "../../src/platform/db/client";
import { migrate } from "../../src/platform/db/migrate";
import { deliverOutbox, deliveryClient, OUTBOX_EVENT_TYPE } from "../../src/platform/outbox/deliver";
import { outboxRenderers } from "../../src/outbox-renderers";
import { runSlaSweep } from "../../src/features/asks/sla-sweep";
import { createAsk } from "../../src/features/asks/asks";
import { ensureProgram } from "../../src/features/program/program";
import { changeStage } from "../../src/features/stages/change-stage";
import { createDeal } from "../support/deals";
import { FakeSlack, type Failure, type RecordedCall, type SlackMessage } from "../support/fake-slack";
import { createTestDatabase, onPostgres } from "../support/db";
import { useTestApp } from "../support/fixtures";
import { seedProgram } from "../support/seed";
import { until } from "../support/settle";

// Fault injection: Slack failing in bursts (5xx, 429, timeouts) while deals move and alerts
// fire, and the app killed with undelivered posts. Every post must arrive exactly once.

/** The messages the channels show for one outbox row (by the metadata every outbox post carries). */
function shownFor(fake: FakeSlack, rowId: string): SlackMessage[] {
  return fake.messages.filter((m) => m.metadata?.event_type === OUTBOX_EVENT_TYPE && m.metadata.event_payload.id === rowId);
}

/** Successful posts, keyed by what they say (thread replies and channel posts alike). */
function deliveredTexts(fake: FakeSlack): string[] {
  return fake.delivered("chat.postMessage").map((c: RecordedCall) => `${String(c.args.channel)}|${String(c.args.thread_ts ?? "")}|${String(c.args.text)}`);
}

// One process (node with tsx as its loader), so SIGKILL kills the app itself, not a wrapper.
function startApp(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  // "listening" is logged once the app serves and its jobs (the digest catch-up among them) have started.
  const ready = () =>
    until(
      () => /listening on :\d+/.test(out),
      () => `app did not start:\n${out}`,
      60_000,
    );
  return { child, exited, ready, output: () => out };
}

// Two apps whose outbox the tests deliver themselves, each on its own database with the test program.
const bursts = useTestApp({ outbox: false, seed: true });
const lostAnswers = useTestApp({ outbox: false, seed: true });

describe("Slack failing in bursts", () => {
  const { t, p } = bursts;

  it("every alert, card and receipt is delivered exactly once", async () => {
    const clock = t.clock as ReturnType<typeof fixedClock>;
    // A short client timeout so the fake's hung requests count as timeouts.
    const client = new WebClient("xoxb-test", { slackApiUrl: t.fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 300 });
    const burst: Failure[] = [
      { kind: "http", status: 500 },
      { kind: "http", status: 502 },
      { kind: "ratelimit", retryAfter: 2 },
      { kind: "timeout", ms: 600 },
      { kind: "http", status: 503 },
      // Slack posts it (or applies the update) but the answer never comes back in time.
      { kind: "lost_answer", ms: 600 },
      { kind: "ok_false", error: "internal_error" },
    ];
    const deals = [];
    for (let i = 0; i < 6; i++) deals.push(await createDeal(t.db.prisma, p, { now: clock.now() }));
    for (let round = 0; round < 40; round++) {
      // Bursts of failures on every method the outbox uses, every few rounds.
      if (round % 4 === 0) for (const m of ["chat.postMessage", "chat.update"]) t.fake.failNext(m, ...burst);
      // Meanwhile the deals move, asks are made and fall due, and the sweep runs.
      if (round < deals.length) {
        const d = deals[round]!;
        await changeStage(t.db.prisma, { dealId: d.dealId, to: "DISCOVERY", by: "U_REP", isAdmin: false, confirmedGaps: true, now: clock.now() });
        await createAsk(t.db.prisma, {
          dealId: d.dealId,
          fromUserId: "U_REP",
          ownerUserId: "U_ACME",
          ownerOrgId: p.acme.id,
          text: `need a demo slot ${round}`,
          key: `ask-${round}`,
          now: clock.now(),
        });
      }
      if (round === 8)
        await changeStage(t.db.prisma, { dealId: deals[0]!.dealId, to: "CLOSED_WON", by: "U_REP", isAdmin: false, confirmedGaps: true, now: clock.now() });
      await runSlaSweep(t.deps, clock.now());
      await deliverOutbox(t.deps, client, outboxRenderers, { perChannelGapMs: 0, batch: 10 });
      clock.advance(90 * 60_000); // 40 rounds ≈ 60 h: asks fall due (24 h) and escalate (48 h)
    }
    // Let everything still pending through, Slack healthy again.
    for (let i = 0; i < 30 && (await t.db.prisma.outboxMessage.count({ where: { status: "PENDING" } })) > 0; i++) {
      await deliverOutbox(t.deps, client, outboxRenderers, { perChannelGapMs: 0 });
      clock.advance(15 * 60_000);
    }
    expect(await t.db.prisma.outboxMessage.count({ where: { status: { not: "SENT" } } })).toBe(0);
    expect(t.fake.calls.filter((c) => (c as RecordedCall & { failed?: boolean }).failed).length).toBeGreaterThan(20); // the faults really happened

    const posts = await t.db.prisma.outboxMessage.findMany({
      where: { method: { not: "deal.card" } },
    });
    const delivered = deliveredTexts(t.fake);
    expect(t.fake.calls.filter((c) => c.answerLost).length).toBeGreaterThan(5); // answers were lost
    // What the channels show: every post exactly once.
    for (const row of posts) if (row.result && !(row.result as { skipped?: string }).skipped) expect(shownFor(t.fake, row.id)).toHaveLength(1);
    // One successful Slack call per outbox message, and no text posted twice.
    const cards = await t.db.prisma.outboxMessage.count({ where: { method: "deal.card", dedupeKey: { startsWith: "card-post:" } } });
    expect(delivered.length).toBe(posts.length + cards);
    expect(new Set(delivered).size).toBe(delivered.length);
    // Every alert kind made it: stage moves, overdue asks, escalations, the receipt.
    const all = delivered.join("\n");
    expect(all).toContain("Moved");
    expect(all).toContain("Overdue");
    expect(all).toMatch(/Attribution for CS-/);
    // five asks stayed on open deals (the first deal was won before its ask fell due)
    expect(posts.filter((x) => /^ask:.*:1$/.test(x.dedupeKey ?? "")).length).toBe(5);
    expect(posts.filter((x) => /^ask:.*:2$/.test(x.dedupeKey ?? "")).length).toBe(5);
  });
});

describe("Slack accepts a post but its answer is lost", () => {
  const { t, p } = lostAnswers;

  it("the retry finds the post in the channel (top level, thread, DM) and adopts it: one message each", async () => {
    const clock = t.clock as ReturnType<typeof fixedClock>;
    // The delivery client as the app builds it, with a short timeout: the fake holds answers 1 s.
    const client = deliveryClient(t.deps, { timeoutMs: 300 });
    const deliverAll = async () => {
      for (let i = 0; i < 20 && (await t.db.prisma.outboxMessage.count({ where: { status: "PENDING" } })) > 0; i++) {
        await deliverOutbox(t.deps, client, outboxRenderers, { perChannelGapMs: 0 });
        clock.advance(10 * 60_000);
      }
    };
    const { dealId } = await createDeal(t.db.prisma, p, { now: clock.now() });

    // The card: Slack posts it, the answer times out.
    t.fake.failNext("chat.postMessage", { kind: "lost_answer", ms: 1000 });
    expect(await deliverOutbox(t.deps, client, outboxRenderers, { perChannelGapMs: 0 })).toMatchObject({ sent: 0, retried: 1 });
    const row = await t.db.prisma.outboxMessage.findFirstOrThrow({ where: { dedupeKey: `card-post:${dealId}` } });
    expect(row).toMatchObject({ status: "PENDING", lastError: expect.stringMatching(/outcome unknown/) });
    expect(t.fake.messages.filter((m) => m.channel === "C_ACME")).toHaveLength(1); // Slack has it
    expect((await t.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } })).cardTs).toBeNull(); // we do not know

    // The retry looks first (the history call failing once changes nothing), then adopts it.
    t.fake.failNext("conversations.history", { kind: "http", status: 500 });
    clock.advance(10 * 60_000);
    expect(await deliverOutbox(t.deps, client, outboxRenderers, { perChannelGapMs: 0 })).toMatchObject({ sent: 0, retried: 1 });
    clock.advance(10 * 60_000);
    expect(await deliverOutbox(t.deps, client, outboxRenderers, { perChannelGapMs: 0 })).toMatchObject({ sent: 1, adopted: 1 });
    const card = t.fake.messages.filter((m) => m.channel === "C_ACME");
    expect(card).toHaveLength(1);
    expect(card[0]!.metadata).toEqual({ event_type: OUTBOX_EVENT_TYPE, event_payload: { id: row.id } });
    const deal = await t.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } });
    expect(deal).toMatchObject({ cardTs: card[0]!.ts, cardChannelId: "C_ACME" });
    expect(await t.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: "SENT",
      result: { channel: "C_ACME", ts: card[0]!.ts, adopted: true },
    });
    expect(t.fake.callsTo("chat.postMessage")).toHaveLength(1);

    // Everything after it loses its answer once: an ask (a DM to its owner, a card refresh), a
    // stage move (top level), the win's receipt (a thread reply), and the card refreshes.
    t.fake.failNext("chat.postMessage", ...Array.from({ length: 20 }, () => ({ kind: "lost_answer", ms: 1000 }) as Failure));
    t.fake.failNext("chat.update", ...Array.from({ length: 4 }, () => ({ kind: "lost_answer", ms: 1000 }) as Failure));
    await createAsk(t.db.prisma, {
      dealId,
      fromUserId: "U_REP",
      ownerUserId: "U_ACME",
      ownerOrgId: p.acme.id,
      text: "need a demo slot",
      key: "lost-ask",
      now: clock.now(),
    });
    await changeStage(t.db.prisma, { dealId, to: "DISCOVERY", by: "U_REP", isAdmin: false, confirmedGaps: true, now: clock.now() });
    await changeStage(t.db.prisma, { dealId, to: "CLOSED_WON", by: "U_REP", isAdmin: false, confirmedGaps: true, now: clock.now() });
    await deliverAll();
    expect(await t.db.prisma.outboxMessage.count({ where: { status: { not: "SENT" } } })).toBe(0);

    const posts = await t.db.prisma.outboxMessage.findMany({
      where: { method: { in: ["ask.requested", "stage.changed", "attribution.receipt", "deal.card"] } },
      orderBy: { createdAt: "asc" },
    });
    const postRows = posts.filter((r) => r.method !== "deal.card" || r.dedupeKey?.startsWith("card-post:"));
    expect(postRows.map((r) => r.method).sort()).toEqual(["ask.requested", "attribution.receipt", "deal.card", "stage.changed", "stage.changed"]);
    for (const r of postRows) expect(shownFor(t.fake, r.id), `${r.method} ${JSON.stringify(r.payload).slice(0, 80)}`).toHaveLength(1);
    // Every one of them was posted once and adopted by its retry.
    expect(t.fake.callsTo("chat.postMessage")).toHaveLength(postRows.length);
    expect(postRows.every((r) => (r.result as { adopted?: boolean }).adopted === true)).toBe(true);
    // The DM (looked up through conversations.open), the receipt in the card's thread.
    const dm = shownFor(t.fake, postRows.find((r) => r.method === "ask.requested")!.id);
    expect(dm[0]!.channel).toBe("D_U_ACME");
    const receipt = shownFor(t.fake, postRows.find((r) => r.method === "attribution.receipt")!.id);
    expect(receipt[0]).toMatchObject({ channel: "C_ACME", thread_ts: deal.cardTs });
    expect(t.fake.callsTo("conversations.replies").length).toBeGreaterThan(0);
    // Channel, thread and DM: nothing shown twice.
    const texts = t.fake.messages.map((m) => `${m.channel}|${m.thread_ts ?? ""}|${m.text}`);
    expect(new Set(texts).size).toBe(texts.length);
    expect(t.fake.messages).toHaveLength(postRows.length);
    // The card refreshes (chat.update) are simply sent again: one card, updated in place.
    expect(t.fake.messages.filter((m) => m.channel === "C_ACME" && !m.thread_ts)).toHaveLength(3); // the card and the two stage moves
    expect(t.fake.findMessage("C_ACME", deal.cardTs!)!.edited).toBe(true);
  });
});

describe("the app killed with posts still in the outbox", () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await new FakeSlack().start();
  });
  afterAll(async () => {
    await fake.stop();
  });

  it("after SIGKILL and a restart every post is delivered once", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "cosell-kill-"));
    const db = await openDatabase({ dataDir });
    await migrate(db.sql);
    await ensureProgram(db.prisma, { timezone: "UTC" });
    const p = await seedProgram(db.prisma);
    for (let i = 0; i < 8; i++) await createDeal(db.prisma, p, { now: new Date() });
    expect(await db.prisma.outboxMessage.count({ where: { status: "PENDING" } })).toBe(8);
    await db.close();

    // Slack is down: every post fails while the first process runs.
    fake.failNext("chat.postMessage", ...Array.from({ length: 1000 }, () => ({ kind: "http", status: 500 }) as Failure));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const env = {
      SLACK_BOT_TOKEN: "xoxb-kill",
      SLACK_SIGNING_SECRET: "kill-secret",
      SLACK_API_URL: fake.apiUrl,
      PORT: String(port),
      COSELL_DATA_DIR: dataDir,
      COSELL_JOBS: "false",
      COSELL_OUTBOX_LOCK_MS: "2000",
    };
    const first = startApp(env);
    await first.ready();
    await fake.waitFor((c) => c.filter((x) => x.method === "chat.postMessage").length >= 8, 30_000);
    first.child.kill("SIGKILL");
    await first.exited;
    expect(fake.delivered("chat.postMessage")).toHaveLength(0);

    // Slack is back; a new process takes over the outbox.
    fake.reset();
    const second = startApp({ ...env, PORT: String(port + 1) });
    await second.ready();
    await fake.waitFor((c) => c.filter((x) => x.method === "chat.postMessage").length >= 8, 45_000);
    // SIGTERM finishes the delivery in flight and records it; once the process is gone nothing
    // more can follow, and an outbox with no PENDING row means nothing more would have.
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    const delivered = fake.delivered("chat.postMessage");
    expect(delivered).toHaveLength(8);
    expect(new Set(delivered.map((c) => String(c.args.text))).size).toBe(8);
    const again = await openDatabase({ dataDir });
    expect(await again.prisma.outboxMessage.count({ where: { status: "PENDING" } })).toBe(0);
    expect(await again.prisma.outboxMessage.count({ where: { status: "SENT" } })).toBe(8);
    expect(await again.prisma.deal.count({ where: { cardTs: null } })).toBe(0);
    await again.close();
  }, 180_000);
});

describe("the app killed while Slack holds a post's answer", () => {
  it("after SIGKILL mid-send and a restart the channel shows each card once", async () => {
    const fake = await new FakeSlack().start();
    const dataDir = mkdtempSync(path.join(tmpdir(), "cosell-inflight-"));
    try {
      const db = await openDatabase({ dataDir });
      await migrate(db.sql);
      await ensureProgram(db.prisma, { timezone: "UTC" });
      const p = await seedProgram(db.prisma);
      for (let i = 0; i < 3; i++) await createDeal(db.prisma, p, { now: new Date() });
      const rows = await db.prisma.outboxMessage.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
      expect(rows.map((r) => r.method)).toEqual(["deal.card", "deal.card", "deal.card"]);
      await db.close();

      // Slack posts the first card and never answers (until the process is gone).
      fake.failNext("chat.postMessage", { kind: "lost_answer", ms: 10 * 60_000 });
      const port = 20000 + Math.floor(Math.random() * 20000);
      const env = {
        SLACK_BOT_TOKEN: "xoxb-inflight",
        SLACK_SIGNING_SECRET: "inflight-secret",
        SLACK_API_URL: fake.apiUrl,
        PORT: String(port),
        COSELL_DATA_DIR: dataDir,
        COSELL_JOBS: "false",
        COSELL_OUTBOX_LOCK_MS: "2000",
      };
      const first = startApp(env);
      await first.ready();
      await fake.waitFor((c) => c.some((x) => x.method === "chat.postMessage" && x.answerLost), 30_000);
      first.child.kill("SIGKILL");
      await first.exited;
      // The channel shows the card; the app never heard so.
      expect(fake.messages.filter((m) => m.channel === "C_ACME")).toHaveLength(1);
      expect(fake.callsTo("chat.postMessage")).toHaveLength(1);

      const second = startApp({ ...env, PORT: String(port + 1) });
      await second.ready();
      await fake.waitFor(() => fake.messages.filter((m) => m.channel === "C_ACME").length >= 3, 45_000);
      // As above: stopped cleanly, with no PENDING row left (checked below), nothing more follows.
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);

      // What the channel shows: three cards, one per deal, the first one adopted, not reposted.
      const shown = fake.messages.filter((m) => m.channel === "C_ACME");
      expect(shown).toHaveLength(3);
      expect(shown.map((m) => m.metadata?.event_payload.id).sort()).toEqual(rows.map((r) => r.id).sort());
      expect(fake.callsTo("chat.postMessage")).toHaveLength(3);
      expect(fake.callsTo("conversations.history").length).toBeGreaterThan(0);
      const again = await openDatabase({ dataDir });
      try {
        expect(await again.prisma.outboxMessage.count({ where: { status: "PENDING" } })).toBe(0);
        const sent = await again.prisma.outboxMessage.findMany({ where: { status: "SENT" } });
        expect(sent).toHaveLength(3);
        const adopted = sent.filter((r) => (r.result as { adopted?: boolean }).adopted);
        expect(adopted.map((r) => r.id)).toEqual([rows[0]!.id]);
        const deals = await again.prisma.deal.findMany({ select: { cardTs: true } });
        expect(deals.map((d) => d.cardTs).sort()).toEqual(shown.map((m) => m.ts).sort());
      } finally {
        await again.close();
      }
    } finally {
      await fake.stop();
    }
  }, 180_000);
});

describe.runIf(onPostgres)("two app processes on one database", () => {
  it("post one weekly digest per pairing between them", async () => {
    const db = await createTestDatabase();
    const fake = await new FakeSlack().start();
    try {
      await ensureProgram(db.prisma, { timezone: "UTC" });
      const p = await seedProgram(db.prisma);
      for (let i = 0; i < 3; i++) await createDeal(db.prisma, p, { now: new Date() });
      await createDeal(db.prisma, p, {
        pairingId: p.globexPairing.id,
        participants: [
          { orgId: p.globex.id, roles: ["SOURCING"] },
          { orgId: p.ours.id, roles: ["SELLING"] },
        ],
        now: new Date(),
      });
      // The digest was due at 00:00 today: both processes catch it up at start.
      const weekday = ((new Date().getUTCDay() + 6) % 7) + 1;
      await db.prisma.program.update({ where: { id: 1 }, data: { digestWeekday: weekday, digestHour: 0 } });
      await db.prisma.pairing.updateMany({ data: { createdAt: new Date(Date.now() - 30 * 86_400_000) } });

      const base = {
        SLACK_BOT_TOKEN: "xoxb-two",
        SLACK_SIGNING_SECRET: "two-secret",
        SLACK_API_URL: fake.apiUrl,
        DATABASE_URL: db.url!,
        COSELL_TIMEZONE: "UTC",
      };
      const port = 20000 + Math.floor(Math.random() * 20000);
      const procs = [0, 1].map((i) => startApp({ ...base, PORT: String(port + i) }));
      const digestPosts = () => fake.delivered("chat.postMessage").filter((c) => /standup|digest/i.test(String(c.args.text)));
      // Both processes started their jobs (so both ran the catch-up, or are running it), the
      // digests are in both channels and the outbox is empty: everything queued so far was sent.
      await Promise.all(procs.map((proc) => proc.ready()));
      await fake.waitFor(() => new Set(digestPosts().map((c) => c.args.channel)).size >= 2, 60_000);
      await until(async () => (await db.prisma.outboxMessage.count({ where: { status: "PENDING" } })) === 0, "the outbox still has PENDING rows", 60_000);
      // SIGTERM waits for a catch-up still running and the delivery in flight: once both are
      // gone, a duplicate digest would be in the channels or, queued, in the outbox.
      for (const proc of procs) proc.child.kill("SIGTERM");
      expect(await Promise.all(procs.map((proc) => proc.exited))).toEqual([0, 0]);
      expect(await db.prisma.outboxMessage.count({ where: { status: "PENDING" } })).toBe(0);
      const perChannel = new Map<string, number>();
      for (const c of digestPosts()) perChannel.set(String(c.args.channel), (perChannel.get(String(c.args.channel)) ?? 0) + 1);
      expect(Object.fromEntries(perChannel)).toMatchObject({ C_ACME: 1, C_GLOBEX: 1 });
      expect(await db.prisma.jobRun.count({ where: { job: "pairing-digest" } })).toBe(2);
    } finally {
      await fake.stop();
      await db.close();
    }
  }, 180_000);
});
