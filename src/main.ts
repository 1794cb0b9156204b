import { createApp } from "./app";
import { systemClock } from "./platform/clock";
import { ConfigError, loadConfig, wantsPlayground } from "./platform/config";
import { openDatabase } from "./platform/db/client";
import { migrate } from "./platform/db/migrate";
import type { AppDeps } from "./platform/deps";
import { startOutboxLoop } from "./platform/outbox/deliver";
import { outboxRenderers } from "./outbox-renderers";
import { startJobs } from "./scheduler";
import { createLogger } from "./platform/logger";
import { ensureProgram } from "./features/program/program";

// config → database (migrate) → Slack app → scheduler
async function main(): Promise<void> {
  if (wantsPlayground()) {
    // No Slack credentials: the same app behind a local, simulated Slack.
    const { runPlayground } = await import("../dev/playground/run");
    return runPlayground();
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, secrets: [config.slack.botToken, config.slack.signingSecret, config.slack.appToken ?? ""] });

  // Signal handlers first: a SIGTERM that arrives while starting must still stop cleanly.
  const running: { stop?: () => Promise<void> } = {};
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: stopping (no new requests, finishing in-flight work)`);
    await running.stop?.();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  running.stop = () => db.close();
  const report = await migrate(db.sql);
  if (report.applied.length > 0) logger.info(`applied migrations: ${report.applied.join(", ")}`);
  await ensureProgram(db.prisma, { timezone: config.timezone });
  logger.info(`database: ${db.kind === "postgres" ? "Postgres (DATABASE_URL)" : `embedded PGlite in ${config.dataDir}`}`);

  const deps: AppDeps = { config, db, clock: systemClock, logger };
  // The outbox delivers every Slack post written by a use case; safe to run in every process.
  const outbox = startOutboxLoop(deps, outboxRenderers);
  deps.outbox = outbox;
  const cosell = createApp(deps);
  let jobs: { stop(): Promise<void> } = { stop: async () => undefined };
  running.stop = async () => {
    await cosell.stop().catch(() => undefined);
    await jobs.stop();
    await outbox.stop();
    await db.close();
  };
  const { port } = await cosell.start();
  if (config.jobs) jobs = startJobs(deps);
  logger.info(
    config.slack.appToken
      ? `cosell is running in Socket Mode (health on :${port}/healthz)`
      : `cosell is listening on :${port} (POST /slack/events, GET /healthz)`,
  );
}

main().catch((err) => {
  console.error("cosell failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
