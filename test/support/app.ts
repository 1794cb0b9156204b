import { createApp, type CosellApp } from "../../src/app";
import { startOutboxLoop, type OutboxLoop } from "../../src/platform/outbox/deliver";
import { outboxRenderers } from "../../src/outbox-renderers";
import { fixedClock, type Clock } from "../../src/platform/clock";
import type { Config } from "../../src/platform/config";
import type { AppDeps } from "../../src/platform/deps";
import { createMetrics } from "../../src/platform/metrics";
import { outboxBacklog } from "../../src/platform/outbox/dead-letters";
import { createLogger } from "../../src/platform/logger";
import { ensureProgram } from "../../src/features/program/program";
import { createTestDatabase, type TestDatabase } from "./db";
import { FakeSlack } from "./fake-slack";
import { PEOPLE } from "./seed";
import { outboxDrained, Pending } from "./settle";
import { commandBody, interactionBody, postSigned, type SlackPost } from "./signing";
import { crmApis } from "../../src/platform/crm/hubspot";
import { startCrmInbox, type CrmInboxLoop } from "../../src/features/crm/inbox";
import type { FakeHubSpot } from "./fake-hubspot";

export const HUBSPOT_CLIENT_SECRET = "hubspot-client-secret-test";
export const HUBSPOT_PORTAL_ID = "4419532";

export const SIGNING_SECRET = "test-signing-secret-0123456789";
export const BOT_TOKEN = "xoxb-test-token-0000";
const OUR_TEAM = "T_OURS";

export interface TestApp {
  url: string;
  fake: FakeSlack;
  db: TestDatabase;
  deps: AppDeps;
  cosell: CosellApp;
  /** delivers the outbox to the fake Slack every 50 ms (absent with { outbox: false }) */
  outbox: OutboxLoop | undefined;
  clock: ReturnType<typeof fixedClock> | Clock;
  /** Sends a signed /cosell command as that person; returns the HTTP response (the ack). */
  command(text: string, as: { user: string; team?: string; channel?: string }): Promise<SlackPost>;
  /** Sends a signed interactivity payload. */
  interact(payload: unknown): Promise<SlackPost>;
  /** Slack requests Bolt is still processing: from before their ack until their listeners are done. */
  requests: Pending;
  /** the CRM inbox loop (with { hubspot }) */
  crmInbox: CrmInboxLoop | undefined;
  /** the app's origin (http://127.0.0.1:port), for the CRM webhooks */
  origin: string;
  /**
   * Waits until nothing is left to happen: no Slack request in progress (including events whose
   * listeners run after the ack, and retries dropped by the de-duplication), no listener in flight,
   * and — with the outbox loop — no outbox row due by the app's clock. After it, the fake Slack has
   * recorded everything the requests so far will cause, until a new request or the clock moves.
   */
  settled(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface TestAppOptions {
  clock?: Clock;
  config?: Partial<Config>;
  /** a database to use (and leave open); by default a fresh one, closed by stop() */
  db?: TestDatabase;
  /** false: no outbox loop (the test delivers, e.g. with deliverUntilIdle) */
  outbox?: boolean;
  /** true: the app keeps Prometheus metrics (as main.ts wires them) */
  metrics?: boolean;
  /** connect HubSpot, pointed at this fake */
  hubspot?: FakeHubSpot;
}

export function testConfig(overrides: Partial<Config> = {}, fake?: { apiUrl: string }): Config {
  return {
    slack: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, appToken: undefined, apiUrl: fake?.apiUrl },
    port: 0,
    databaseUrl: undefined,
    dataDir: "memory://",
    admins: ["U_ADMIN"],
    timezone: "UTC",
    logLevel: "error",
    jobs: false,
    outboxLockMs: 60_000,
    ...overrides,
  };
}

/** The real app, on a fresh test database, talking to a fresh fake Slack, listening on a free port. */
export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const fake = await new FakeSlack().start();
  // Slack knows the test people: users.info answers with their own team.
  for (const person of Object.values(PEOPLE)) fake.users.set(person.user, { id: person.user, team_id: person.team });
  const db = opts.db ?? (await createTestDatabase());
  const config = testConfig(opts.config, fake);
  if (opts.hubspot) {
    config.crm = {
      ...config.crm,
      hubspot: { accessToken: opts.hubspot.accessToken, clientSecret: HUBSPOT_CLIENT_SECRET, apiUrl: opts.hubspot.url, portalId: HUBSPOT_PORTAL_ID },
    };
  }
  await ensureProgram(db.prisma, { timezone: config.timezone });
  const clock = opts.clock ?? fixedClock("2026-11-16T10:00:00Z");
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? "error", secrets: [BOT_TOKEN, SIGNING_SECRET] });
  const deps: AppDeps = { config, db, clock, logger, crm: crmApis(config) };
  if (opts.metrics) deps.metrics = createMetrics({ outbox: () => outboxBacklog(db.prisma, new Date()), pool: () => db.poolStats() });
  const outbox = opts.outbox === false ? undefined : startOutboxLoop(deps, outboxRenderers, { intervalMs: 50, perChannelGapMs: 0 });
  deps.outbox = outbox;
  const crmInbox = opts.hubspot ? startCrmInbox(deps, { intervalMs: 60_000 }) : undefined;
  deps.crmInbox = crmInbox;
  const cosell = createApp(deps);
  // Every request Bolt takes goes through processEvent, which acks it and awaits its listeners;
  // the ack (the HTTP answer) comes from inside it, so a request is counted before its answer.
  const requests = new Pending();
  const bolt = cosell.app as unknown as { processEvent(event: unknown): Promise<void> };
  const processEvent = bolt.processEvent.bind(bolt);
  bolt.processEvent = async (event) => {
    requests.enter();
    try {
      await processEvent(event);
    } finally {
      requests.leave();
    }
  };
  const { port } = await cosell.start(0);
  const url = `http://127.0.0.1:${port}/slack/events`;
  let responseSeq = 0;
  return {
    url,
    fake,
    db,
    deps,
    cosell,
    outbox,
    clock,
    crmInbox,
    origin: `http://127.0.0.1:${port}`,
    async command(text, as) {
      const id = `cmd${++responseSeq}`;
      const res = await postSigned(
        url,
        SIGNING_SECRET,
        commandBody({ text, user_id: as.user, team_id: as.team ?? OUR_TEAM, channel_id: as.channel ?? "C_GENERAL", response_url: fake.responseUrl(id) }),
        "application/x-www-form-urlencoded",
      );
      if (res.text !== "" || res.status !== 200) return res;
      // Subcommands ack at once and answer through response_url: return that answer, once the
      // listener has finished.
      await cosell.inflight.idle(30_000);
      const answer = fake.responses.find((r) => r.url === `/response/${id}`);
      if (!answer) return res;
      const body = JSON.stringify(answer.body);
      return { status: res.status, text: body, json: () => JSON.parse(body) };
    },
    interact: (payload) => postSigned(url, SIGNING_SECRET, interactionBody(payload), "application/x-www-form-urlencoded"),
    requests,
    async settled(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      const left = () => Math.max(1, deadline - Date.now());
      for (;;) {
        await requests.idle(left(), "Slack requests in progress");
        if (!(await cosell.inflight.idle(left()))) throw new Error(`listeners still in flight after ${timeoutMs} ms`);
        await crmInbox?.idle();
        if (outbox) await outboxDrained(db, { clock, timeoutMs: left() });
        // Delivering starts no request; a request that arrived meanwhile means another round.
        if (requests.size === 0 && cosell.inflight.size === 0) return;
      }
    },
    async stop() {
      await cosell.stop();
      await crmInbox?.stop();
      await outbox?.stop();
      await fake.stop();
      if (!opts.db) await db.close();
    },
  };
}
