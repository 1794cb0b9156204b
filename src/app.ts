import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type Receiver } from "@slack/bolt";
import type { AppDeps } from "./platform/deps";
import { registerCosellCommand, type Subcommand } from "./platform/slack/commands";
import { Inflight, type ListenerContext } from "./platform/slack/listener";
import { WorkQueue } from "./platform/slack/work-queue";
import { registerListeners } from "./listeners";
import { guardSlackRequests } from "./platform/slack/request-guard";
import {
  DEFAULT_SLACK_API_URL,
  DEFAULT_SLACK_STARTUP_TIMEOUT_MS,
  SlackUnreachableError,
  waitForSlack,
  type SlackStartupStatus,
} from "./platform/slack/startup";
import { batchedReplayClaims, pruneSlackRequests } from "./platform/slack/replay-cache";
import { metricsHandler, startMetricsServer } from "./platform/metrics-http";
import { HUBSPOT_WEBHOOK_PATH, hubspotWebhookHandler } from "./features/crm/hubspot-webhook";

export interface CosellApp {
  app: App;
  inflight: Inflight;
  /**
   * Starts serving: the HTTP listener (the health port in Socket Mode) first, then waits for
   * Slack's API (auth.test) for at most COSELL_SLACK_STARTUP_TIMEOUT_MS; resolves with the port
   * once Slack answered, rejects (SlackUnreachableError) when it never did.
   */
  start(port?: number): Promise<{ port: number }>;
  /** Stops taking requests and waits (bounded) for in-flight listeners. */
  stop(): Promise<void>;
}

const SLACK_PATH = "/slack/events";
/** interactions whose work runs at once after their ack (urgent: holding a trigger_id); the rest wait their turn */
const WORK_CONCURRENCY = { normal: 4, urgent: 4 };
/** view submissions validated and written at once (each is one transaction: a pool connection) */
const SUBMISSION_CONCURRENCY = 8;

/** Builds the Bolt app on the given dependencies. No side effects beyond registering listeners. */
export function createApp(deps: AppDeps): CosellApp {
  const { config, logger, db } = deps;
  const inflight = new Inflight();
  // Interactions' work after the ack: a few at a time, held back while a burst is still arriving.
  const work = new WorkQueue(WORK_CONCURRENCY);
  const submissions = new WorkQueue({ normal: SUBMISSION_CONCURRENCY, urgent: SUBMISSION_CONCURRENCY }, 15, { normal: 100, urgent: 100 });
  // Until auth.test has answered, the app cannot serve Slack: /healthz says why, Slack requests get 503.
  let slack: SlackStartupStatus = { state: "connecting", apiUrl: config.slack.apiUrl ?? DEFAULT_SLACK_API_URL };
  const ready = () => slack.state === "connected";
  // Liveness: the process is up and serving HTTP (even while Slack is still being reached).
  const health = (res: ServerResponse) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true, slack: slack.state }));
  };
  // Readiness: the database answers (it was migrated before the app was built) and Slack's
  // auth.test succeeded; until then, and whenever the database stops answering, 503 and why.
  const readiness = async (res: ServerResponse) => {
    const dbOk = await db.ping();
    const ok = dbOk && ready();
    const body: Record<string, unknown> = { ok, database: dbOk ? "ok" : "unreachable", slack: slack.state };
    if (!ready()) Object.assign(body, { slackApiUrl: slack.apiUrl, ...(slack.reason ? { slackError: slack.reason } : {}) });
    res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const metricsRoute = metricsHandler(deps);
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    "/healthz": (_req, res) => health(res),
    "/readyz": (_req, res) => void readiness(res),
    "/metrics": (req, res) => void metricsRoute(req, res, { onMainPort: true }),
  };
  // The CRMs' webhooks: their own signatures, sizes and de-duplication (features/crm), on the same port.
  const hubspotWebhook = hubspotWebhookHandler(deps, { onStored: () => deps.crmInbox?.kick() });
  const postRoutes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    [HUBSPOT_WEBHOOK_PATH]: (req, res) => void hubspotWebhook(req, res),
  };
  const subcommandNames = new Set<string>();

  let receiver: Receiver;
  let httpReceiver: HTTPReceiver | undefined;
  let healthServer: Server | undefined;
  let metricsServer: Server | undefined;
  const socketMode = Boolean(config.slack.appToken);
  if (socketMode) {
    receiver = new SocketModeReceiver({ appToken: config.slack.appToken!, logger });
  } else {
    httpReceiver = new HTTPReceiver({
      signingSecret: config.slack.signingSecret,
      endpoints: SLACK_PATH,
      logger,
      customRoutes: [
        ...Object.entries(routes).map(([path, handler]) => ({ path, method: ["GET"], handler })),
        ...Object.entries(postRoutes).map(([path, handler]) => ({ path, method: ["POST"], handler })),
      ],
    });
    // Signature, 5-minute window both ways, replay cache and payload shape, before Bolt.
    httpReceiver.requestListener = guardSlackRequests(httpReceiver.requestListener, {
      signingSecret: config.slack.signingSecret,
      path: SLACK_PATH,
      logger,
      isReady: ready,
      onArrived: () => {
        work.arrived();
        submissions.arrived();
      },
      subcommands: subcommandNames,
      onAnswered: (i, seconds) => deps.metrics?.ackSeconds.observe({ kind: i.kind, id: i.id }, seconds),
      replay: {
        firstUse: batchedReplayClaims(db.prisma),
        prune: (before) => pruneSlackRequests(db.prisma, before),
      },
    });
    receiver = httpReceiver;
  }

  const app = new App({
    token: config.slack.botToken,
    receiver,
    logger,
    logLevel: (config.logLevel as LogLevel) ?? LogLevel.INFO,
    clientOptions: config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {},
    // auth.test runs in start(), not here.
    deferInitialization: true,
  });
  app.error(async (err) => {
    logger.error("unhandled error in a listener:", err);
  });

  const ctx: ListenerContext = { logger, inflight, work, submissions, metrics: deps.metrics };
  const subcommands: Subcommand[] = registerListeners(app, deps, ctx);
  for (const sub of subcommands) for (const n of [sub.name, ...(sub.aliases ?? [])]) subcommandNames.add(n);
  registerCosellCommand(app, deps, ctx, subcommands);

  /** Waits (bounded) for Slack's API, then lets Bolt check the token (auth.test). */
  const connectSlack = async () => {
    const timeoutMs = config.slackStartupTimeoutMs ?? DEFAULT_SLACK_STARTUP_TIMEOUT_MS;
    const started = Date.now();
    await waitForSlack({
      token: config.slack.botToken,
      apiUrl: config.slack.apiUrl,
      timeoutMs,
      logger,
      onStatus: (s) => {
        // "connected" only once Bolt is initialized, below.
        if (s.state !== "connected") slack = s;
      },
    });
    // Bolt's own auth.test (its client retries for half an hour): bounded by what is left of the wait.
    let timer: NodeJS.Timeout | undefined;
    const left = Math.max(1000, timeoutMs - (Date.now() - started));
    try {
      await Promise.race([
        app.init(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new SlackUnreachableError(
                  `Slack's API at ${slack.apiUrl} stopped answering auth.test; gave up after ${Math.round(timeoutMs / 1000)} s (COSELL_SLACK_STARTUP_TIMEOUT_MS).`,
                ),
              ),
            left,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
    slack = { state: "connected", apiUrl: slack.apiUrl };
  };

  const listen = async (port: number): Promise<number> => {
    const { createServer } = await import("node:http");
    healthServer = createServer((req, res) => {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      const route = req.method === "GET" ? routes[path] : req.method === "POST" ? postRoutes[path] : undefined;
      if (route) route(req, res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve, reject) => {
      healthServer!.once("error", reject);
      healthServer!.listen(port, resolve);
    });
    const addr = healthServer.address();
    return typeof addr === "object" && addr ? addr.port : port;
  };
  const closeHealth = () => new Promise<void>((r) => (healthServer ? healthServer.close(() => r()) : r()));

  return {
    app,
    inflight,
    async start(port = config.port) {
      if (config.metrics?.port !== undefined && deps.metrics) metricsServer = await startMetricsServer(deps.metrics, config.metrics.port, config.metrics.host);
      if (socketMode) {
        // Health first, so that a wait for Slack can be seen.
        const healthPort = await listen(port);
        try {
          await connectSlack();
          await app.start();
        } catch (err) {
          await closeHealth();
          throw err;
        }
        return { port: healthPort };
      }
      // The listener first: /healthz answers (503, saying why) while Slack is being reached, and
      // Slack requests get 503 until then. Bolt's App#start only adds an "initialized" check.
      const server = (await httpReceiver!.start(port)) as Server;
      const addr = server.address();
      try {
        await connectSlack();
      } catch (err) {
        await httpReceiver!.stop().catch(() => undefined);
        throw err;
      }
      return { port: typeof addr === "object" && addr ? addr.port : port };
    },
    async stop() {
      await Promise.all([app.stop().catch((e: unknown) => logger.warn("stopping the receiver:", e)), inflight.idle(10_000)]);
      await closeHealth();
      await new Promise<void>((r) => (metricsServer ? metricsServer.close(() => r()) : r()));
    },
  };
}
