import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Logger } from "@slack/bolt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli, type CliIO } from "../../src/cli";
import { outboxRenderers } from "../../src/outbox-renderers";
import { systemClock } from "../../src/platform/clock";
import { openDatabase } from "../../src/platform/db/client";
import { migrate } from "../../src/platform/db/migrate";
import type { AppDeps } from "../../src/platform/deps";
import { deliverOutbox, deliveryClient, resetChannelPacing } from "../../src/platform/outbox/deliver";
import { enqueue } from "../../src/platform/outbox/enqueue";
import { listDeadLetters, retryDeadLetters } from "../../src/platform/outbox/dead-letters";
import { mrkdwn } from "../../src/platform/slack/mrkdwn";
import { testConfig } from "../support/app";
import { FakeSlack } from "../support/fake-slack";
import { useTestDb } from "../support/fixtures";

// Dead letters, as an operator meets them: listed, requeued, and delivered once — also when
// Slack had in fact received the message before the row gave up.

const { db } = useTestDb({ truncate: ["OutboxMessage"] });
let fake: FakeSlack;
let deps: AppDeps;
const quiet = () => undefined;
const logger: Logger = { debug: quiet, info: quiet, warn: quiet, error: quiet, setLevel: quiet, getLevel: () => "error" as never, setName: quiet };

beforeAll(async () => {
  fake = await new FakeSlack().start();
  deps = { config: testConfig({}, fake), db, clock: systemClock, logger };
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(() => {
  fake.messages.length = 0;
  fake.reset();
  resetChannelPacing();
});

async function deadRow(text: string): Promise<string> {
  await enqueue(db.prisma, { method: "message", payload: { channel: "C_OPS", text: mrkdwn`${text}` }, dedupeKey: `dead:${text}` }, new Date());
  const row = await db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: `dead:${text}` } });
  await db.prisma.outboxMessage.update({ where: { id: row.id }, data: { status: "DEAD", attempts: 50, lastError: "HTTP 503 (gave up)" } });
  return row.id;
}

const deliver = () => deliverOutbox(deps, deliveryClient(deps), outboxRenderers, { perChannelGapMs: 0 });

describe("dead letters", () => {
  it("are listed with their kind, attempts and last error, and requeued by their short id", async () => {
    const id = await deadRow("quarterly reminder");
    expect(await listDeadLetters(db.prisma, { limit: 10 })).toMatchObject({
      total: 1,
      rows: [{ id, kind: "message", attempts: 50, lastError: "HTTP 503 (gave up)" }],
    });
    expect(await retryDeadLetters(db.prisma, { ids: [id.slice(0, 8)] }, new Date())).toEqual([id]);
    expect(await deliver()).toMatchObject({ sent: 1 });
    expect(fake.messages.map((m) => m.text)).toEqual(["quarterly reminder"]);
    expect(await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "SENT" });
  });

  it("a message Slack did receive before the row gave up is found in the channel, not posted again", async () => {
    await enqueue(db.prisma, { method: "message", payload: { channel: "C_OPS", text: mrkdwn`digest part 1` }, dedupeKey: "dead:lost" }, new Date());
    // Slack posts it but the answer never comes back; then the row is given up on.
    fake.failNext("chat.postMessage", { kind: "lost_answer", ms: 15_000 });
    await deliverOutbox(deps, deliveryClient(deps, { timeoutMs: 300 }), outboxRenderers, { perChannelGapMs: 0 });
    expect(fake.messages.map((m) => m.text)).toEqual(["digest part 1"]);
    const row = await db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: "dead:lost" } });
    await db.prisma.outboxMessage.update({ where: { id: row.id }, data: { status: "DEAD", lockedUntil: null } });

    expect(await retryDeadLetters(db.prisma, { all: true }, new Date())).toEqual([row.id]);
    expect(await deliver()).toMatchObject({ adopted: 1, sent: 1 }); // sent counts the adopted one
    expect(fake.messages.map((m) => m.text)).toEqual(["digest part 1"]);
  });

  it("the CLI lists them and requeues them (on its own database, as an operator runs it)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cosell-dead-"));
    const env = { COSELL_DATA_DIR: dir };
    const own = await openDatabase({ dataDir: dir });
    let id: string;
    try {
      await migrate(own.sql);
      await enqueue(own.prisma, { method: "message", payload: { channel: "C_OPS", text: mrkdwn`stage alert` } }, new Date());
      id = (await own.prisma.outboxMessage.findFirstOrThrow()).id;
      await own.prisma.outboxMessage.update({ where: { id }, data: { status: "DEAD", attempts: 50, lastError: "not_in_channel" } });
    } finally {
      await own.close();
    }
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIO = { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), env, now: () => new Date() };
    try {
      expect(await runCli(["outbox", "dead"], io)).toBe(0);
      expect(out.join("")).toMatch(new RegExp(`^1 dead letter:\\n${id.slice(0, 8)}  \\S+  message  50 attempts  not_in_channel\\n`));
      expect(await runCli(["outbox", "retry", "nosuchid"], io)).toBe(1);
      expect(err.join("")).toContain("None of those ids is a dead letter");
      expect(await runCli(["outbox", "retry", id.slice(0, 8)], io)).toBe(0);
      out.length = 0;
      expect(await runCli(["outbox", "dead"], io)).toBe(0);
      expect(out.join("")).toContain("No dead letters");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
