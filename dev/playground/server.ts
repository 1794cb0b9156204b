import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp, type CosellApp } from "../../src/app";
import type { Clock } from "../../src/platform/clock";
import type { Config } from "../../src/platform/config";
import { openDatabase, type Database } from "../../src/platform/db/client";
import { migrate } from "../../src/platform/db/migrate";
import type { AppDeps } from "../../src/platform/deps";
import { startOutboxLoop, type OutboxLoop } from "../../src/platform/outbox/deliver";
import { outboxRenderers } from "../../src/outbox-renderers";
import { startJobs, type Scheduler } from "../../src/scheduler";
import { createLogger } from "../../src/platform/logger";
import { ensureProgram } from "../../src/features/program/program";
import { CALLBACK } from "../../src/platform/slack/ids";
import { Cast, PLAYGROUND_CAST, type PlaygroundPerson } from "./cast";
import { BOT_USER_ID, FakeSlack, type SlackMessage } from "./fake-slack";
import { PLAYGROUND_JOBS } from "./jobs";
import { keepWorkspace, loadWorkspace } from "./persist";
import { deliverHistory, seedPlayground } from "./seed";
import { SlackSimulator, type Outcome } from "./simulator";

// The playground: the real app (same code, same /slack/events endpoint with real signature
// checks, an embedded database) behind a local page that behaves like a minimal Slack.
//
//   page (web/)  ──/pg/*──▶  this server  ──signed HTTP──▶  the app (Bolt, /slack/events)
//                                 ▲                               │
//                                 └──────── Slack Web API ◀───────┘  (FakeSlack: chat.*, views.*, files.*)

export interface PlaygroundOptions {
  /** port of the page (0 = any free port) */
  port?: number;
  /** "memory://" keeps nothing on disk; otherwise the database and the Slack workspace live here */
  dataDir: string;
  timezone?: string;
  /** more admins besides the playground's own admin */
  admins?: string[];
  logLevel?: Config["logLevel"];
  /** run the scheduler (SLA sweep every 5 minutes) */
  jobs?: boolean;
  /** how long Slack waits for the app's answer (3 s) */
  ackTimeoutMs?: number;
  /** how long a trigger_id opens a modal (3 s) */
  triggerTtlMs?: number;
  /** the app's clock before any fast-forward (tests pin it) */
  now?: () => Date;
}

export interface Playground {
  /** the page */
  url: string;
  /** the app's Slack endpoint (POST /slack/events) */
  appUrl: string;
  fake: FakeSlack;
  cast: Cast;
  deps: AppDeps;
  stop(): Promise<void>;
}

const WEB = new URL("./web/", import.meta.url);
const STATIC: Record<string, string> = { "/app.js": "text/javascript", "/style.css": "text/css" };

export async function startPlayground(opts: PlaygroundOptions): Promise<Playground> {
  const logLevel = opts.logLevel ?? "info";
  const signingSecret = randomBytes(24).toString("hex");
  const botToken = `xoxb-playground-${randomBytes(12).toString("hex")}`;
  const logger = createLogger({ level: logLevel, secrets: [botToken, signingSecret] });

  // The app's clock: real time (or the test's), plus whatever the page fast-forwarded.
  let offsetMs = 0;
  const base = opts.now ?? (() => new Date());
  const clock: Clock = { now: () => new Date(base().getTime() + offsetMs) };

  const memory = opts.dataDir === "memory://";
  const db: Database = await openDatabase({ dataDir: opts.dataDir });
  await migrate(db.sql);
  const timezone = opts.timezone ?? "UTC";
  await ensureProgram(db.prisma, { timezone });
  const fresh = await seedPlayground(db, { now: clock.now(), managerChannelId: PLAYGROUND_CAST.internalChannel });

  const fake = new FakeSlack({
    strict: true,
    now: () => clock.now().getTime(),
    permalinkHost: "playground.slack.com",
    ...(opts.triggerTtlMs ? { triggerTtlMs: opts.triggerTtlMs } : {}),
  });
  await fake.start();
  if (!memory && !fresh) loadWorkspace(fake, opts.dataDir);
  const kept = memory ? undefined : keepWorkspace(fake, opts.dataDir);
  const cast = new Cast(db, PLAYGROUND_CAST);
  await cast.refresh(fake);

  const config: Config = {
    slack: { botToken, signingSecret, appToken: undefined, apiUrl: fake.apiUrl },
    port: 0,
    databaseUrl: undefined,
    dataDir: opts.dataDir,
    admins: [...new Set([...cast.people.filter((p) => p.isAdmin).map((p) => p.id), ...(opts.admins ?? [])])],
    timezone,
    logLevel,
    jobs: opts.jobs ?? false,
  };
  const deps: AppDeps = { config, db, clock, logger };
  if (fresh) {
    const n = await deliverHistory(deps, fake);
    logger.info(`playground: seeded the demo program; ${n} Slack posts of its history delivered`);
  }
  const outbox: OutboxLoop = startOutboxLoop(deps, outboxRenderers, { intervalMs: 500, perChannelGapMs: 100 });
  deps.outbox = outbox;
  const cosell: CosellApp = createApp(deps);
  const { port: appPort } = await cosell.start(0);
  const appUrl = `http://127.0.0.1:${appPort}/slack/events`;
  const scheduler: Scheduler | undefined = config.jobs ? startJobs(deps) : undefined;
  const sim = new SlackSimulator(fake, cast, { appUrl, signingSecret, ackTimeoutMs: opts.ackTimeoutMs ?? 3000, logger });
  outbox.kick();

  // --- the page's server ---------------------------------------------------------
  const sse = new Set<ServerResponse>();
  fake.onChange(() => {
    for (const res of sse) res.write(`data: ${fake.version}\n\n`);
  });

  const personOf = (id: unknown): PlaygroundPerson => {
    const p = cast.person(String(id ?? ""));
    if (!p) throw new HttpError(400, `unknown person ${String(id)}`);
    return p;
  };

  const api: Record<string, (body: Record<string, unknown>) => Promise<Outcome | Record<string, unknown>>> = {
    async command(b) {
      const person = personOf(b.as);
      await cast.refresh(fake);
      const out = await sim.command(person, String(b.channel), String(b.text ?? ""));
      await cast.refresh(fake); // a pairing may have been added
      return out;
    },
    async message(b) {
      const person = personOf(b.as);
      const text = String(b.text ?? "").trim();
      if (!text) return {};
      fake.post({ channel: String(b.channel), text: sim.escapeCommandText(text), user: person.id, ...(b.threadTs ? { thread_ts: String(b.threadTs) } : {}) });
      return {};
    },
    async action(b) {
      const person = personOf(b.as);
      const where = b.viewId ? { viewId: String(b.viewId) } : { channel: String(b.channel), ts: String(b.ts) };
      return sim.action(person, where, (b.action ?? {}) as Record<string, unknown>, (b.values ?? {}) as Record<string, unknown>);
    },
    async submit(b) {
      return sim.submit(personOf(b.as), String(b.viewId), (b.values ?? {}) as Record<string, unknown>);
    },
    async close(b) {
      return sim.close(personOf(b.as), String(b.viewId), b.all === true);
    },
    async shortcut(b) {
      const person = personOf(b.as);
      if (b.channel && b.ts) return sim.messageShortcut(person, String(b.channel), String(b.ts), String(b.callbackId ?? CALLBACK.logMessageShortcut));
      return sim.globalShortcut(person, String(b.callbackId ?? CALLBACK.registerShortcut));
    },
    async home(b) {
      const person = personOf(b.as);
      if (cast.isExternal(person)) return { notice: `cosell isn't installed in ${person.company}'s workspace, so its Home tab isn't there for you.` };
      return sim.openAppHome(person, b.tab === "messages" ? "messages" : "home");
    },
    async dismiss(b) {
      const person = personOf(b.as);
      const msg = fake.findMessage(String(b.channel), String(b.ts));
      if (msg && msg.ephemeralFor === person.id) fake.removeMessage(msg.channel, msg.ts);
      return {};
    },
    async upload(b) {
      // A file picked in a modal's file_input: shared with the fake Slack, as an upload is.
      personOf(b.as);
      const name = String(b.name ?? "upload.csv").slice(0, 200);
      const bytes = Buffer.from(String(b.data ?? ""), "base64");
      if (bytes.length > 20 * 1024 * 1024) throw new HttpError(413, "that file is too big for the playground");
      return { id: fake.shareFile(name, bytes) };
    },
    async jobs(b) {
      const job = PLAYGROUND_JOBS.find((j) => j.id === b.job);
      if (!job) throw new HttpError(400, `unknown job ${String(b.job)}`);
      const report = await job.run({
        deps,
        now: () => clock.now(),
        advanceTo: (at) => {
          offsetMs += Math.max(0, at.getTime() - clock.now().getTime());
          fake.changed();
        },
      });
      outbox.kick();
      return { notice: `${job.label}: ${report}` };
    },
    async clock(b) {
      const hours = Number(b.advanceHours ?? 0);
      if (b.reset === true) offsetMs = 0;
      else if (Number.isFinite(hours) && hours > 0 && hours <= 24 * 366) offsetMs += hours * 3_600_000;
      fake.changed();
      return { notice: `The app's clock now reads ${clock.now().toISOString().slice(0, 16).replace("T", " ")} UTC.` };
    },
  };

  const state = async (personId: string) => {
    const me = cast.person(personId) ?? cast.people[0]!;
    const channels = cast.visibleChannels(me);
    const visible = (m: SlackMessage) => !m.ephemeralFor || m.ephemeralFor === me.id;
    const messages: Record<string, unknown[]> = {};
    for (const c of channels) {
      const all = fake.messages.filter((m) => m.channel === c.id && visible(m));
      messages[c.id] = all.map((m) => ({
        ...m,
        ephemeral: Boolean(m.ephemeralFor),
        replyCount: m.thread_ts && m.thread_ts !== m.ts ? 0 : all.filter((r) => r.thread_ts === m.ts && r.ts !== m.ts).length,
      }));
    }
    const top = fake.topModal(me.id);
    const homeId = fake.homes.get(me.id);
    const home = homeId ? fake.views.get(homeId) : undefined;
    return {
      version: fake.version,
      now: clock.now().toISOString(),
      clockOffsetHours: offsetMs / 3_600_000,
      me,
      workspace: cast.isExternal(me) ? me.company : cast.ourName,
      ourCompany: cast.ourName,
      people: cast.people,
      directory: cast.directory,
      bot: { id: BOT_USER_ID, name: "cosell" },
      channels: channels.map(({ id, name, kind, sharedWith, pairing, topic, is_ext_shared }) => ({
        id,
        name,
        kind,
        sharedWith,
        pairing,
        topic,
        shared: Boolean(is_ext_shared),
      })),
      channelNames: Object.fromEntries(cast.channels.filter((c) => c.kind === "channel").map((c) => [c.id, c.name])),
      messages,
      modal: top ? { id: top.id, view: top.view, depth: (fake.modalStacks.get(me.id) ?? []).length } : null,
      home: home ? { id: home.id, view: home.view } : null,
      can: { commands: !cast.isExternal(me), shortcuts: !cast.isExternal(me), appHome: !cast.isExternal(me) },
      jobs: PLAYGROUND_JOBS.map((j) => ({ id: j.id, label: j.label })),
      shortcuts: {
        global: { callbackId: CALLBACK.registerShortcut, name: "Register co-sell deal" },
        message: { callbackId: CALLBACK.logMessageShortcut, name: "Log as co-sell touchpoint" },
      },
    };
  };

  const page = readFileSync(new URL("index.html", WEB), "utf8");
  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500) logger.error("playground request failed:", err);
      if (!res.headersSent) res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const p = url.pathname;
    if (req.method === "GET" && (p === "/" || p === "/index.html" || p.startsWith("/archives/"))) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(page);
      return;
    }
    if (req.method === "GET" && STATIC[p]) {
      res.writeHead(200, { "content-type": `${STATIC[p]}; charset=utf-8`, "cache-control": "no-store" }).end(readFileSync(new URL(p.slice(1), WEB)));
      return;
    }
    if (req.method === "GET" && p.startsWith("/files/")) {
      const file = fake.files.get(p.split("/")[2] ?? "");
      if (!file?.bytes) throw new HttpError(404, "no such file");
      res.writeHead(200, { "content-type": file.mimetype, "content-disposition": `inline; filename="${file.name.replace(/"/g, "")}"` }).end(file.bytes);
      return;
    }
    if (p === "/healthz" || p === "/slack/events") {
      // The app's own endpoints, on the page's port too.
      const body = req.method === "POST" ? await readBody(req) : undefined;
      const headers: Record<string, string> = {};
      for (const h of ["content-type", "x-slack-signature", "x-slack-request-timestamp", "x-slack-retry-num", "x-slack-retry-reason"]) {
        const v = req.headers[h];
        if (typeof v === "string") headers[h] = v;
      }
      const r = await fetch(`http://127.0.0.1:${appPort}${p}`, { method: req.method ?? "GET", headers, ...(body ? { body } : {}) });
      res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "text/plain" }).end(Buffer.from(await r.arrayBuffer()));
      return;
    }
    if (req.method === "GET" && p === "/pg/state") {
      await cast.refresh(fake);
      return sendJson(res, await state(url.searchParams.get("as") ?? ""));
    }
    if (req.method === "GET" && p === "/pg/events") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
      res.write(`data: ${fake.version}\n\n`);
      sse.add(res);
      req.on("close", () => sse.delete(res));
      return;
    }
    const name = p.startsWith("/pg/") ? p.slice(4) : "";
    const fn = req.method === "POST" ? api[name] : undefined;
    if (!fn) throw new HttpError(404, "not found");
    const body = JSON.parse((await readBody(req)).toString() || "{}") as Record<string, unknown>;
    return sendJson(res, await fn(body));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 3000, () => resolve());
  });
  const pagePort = (server.address() as AddressInfo).port;

  return {
    url: `http://localhost:${pagePort}`,
    appUrl,
    fake,
    cast,
    deps,
    async stop() {
      for (const res of sse) res.end();
      sse.clear();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await cosell.stop();
      await scheduler?.stop();
      await outbox.stop();
      kept?.stop();
      await fake.stop();
      await db.close();
    },
  };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
}
