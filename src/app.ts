import type { Server } from "node:http";
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type Receiver } from "@slack/bolt";
import type { AppDeps } from "./deps";
import { registerCosellCommand, type Subcommand } from "./slack/commands/index";
import { Inflight, type ListenerContext } from "./slack/listener";
import { registerListeners } from "./slack/register";

export interface CosellApp {
  app: App;
  inflight: Inflight;
  /** Starts serving; resolves with the HTTP port (the health port in Socket Mode). */
  start(port?: number): Promise<{ port: number }>;
  /** Stops taking requests and waits (bounded) for in-flight listeners. */
  stop(): Promise<void>;
}

const SLACK_PATH = "/slack/events";

/** Builds the Bolt app on the given dependencies. No side effects beyond registering listeners. */
export function createApp(deps: AppDeps): CosellApp {
  const { config, logger, db } = deps;
  const inflight = new Inflight();
  const health = async (res: import("node:http").ServerResponse) => {
    const ok = await db.ping();
    res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok, database: ok ? "reachable" : "unreachable" }));
  };

  let receiver: Receiver;
  let healthServer: Server | undefined;
  const socketMode = Boolean(config.slack.appToken);
  if (socketMode) {
    receiver = new SocketModeReceiver({ appToken: config.slack.appToken!, logger });
  } else {
    receiver = new HTTPReceiver({
      signingSecret: config.slack.signingSecret,
      endpoints: SLACK_PATH,
      logger,
      customRoutes: [{ path: "/healthz", method: ["GET"], handler: (_req, res) => void health(res) }],
    });
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

  const ctx: ListenerContext = { logger, inflight };
  const subcommands: Subcommand[] = registerListeners(app, deps, ctx);
  registerCosellCommand(app, deps, ctx, subcommands);

  return {
    app,
    inflight,
    async start(port = config.port) {
      await app.init();
      if (socketMode) {
        await app.start();
        const { createServer } = await import("node:http");
        healthServer = createServer((req, res) => {
          if (req.method === "GET" && req.url === "/healthz") void health(res);
          else res.writeHead(404).end();
        });
        await new Promise<void>((r) => healthServer!.listen(port, r));
        const addr = healthServer.address();
        return { port: typeof addr === "object" && addr ? addr.port : port };
      }
      const server = (await app.start(port)) as Server;
      const addr = server.address();
      return { port: typeof addr === "object" && addr ? addr.port : port };
    },
    async stop() {
      await Promise.all([
        app.stop().catch((e: unknown) => logger.warn("stopping the receiver:", e)),
        inflight.idle(10_000),
      ]);
      await new Promise<void>((r) => (healthServer ? healthServer.close(() => r()) : r()));
    },
  };
}
