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
import { createMetrics } from "./platform/metrics";
import { outboxBacklog } from "./platform/outbox/dead-letters";
import { ensureProgram } from "./features/program/program";
import { crmApis } from "./platform/crm/hubspot";
import { startCrmInbox } from "./features/crm/inbox";

/** SIGTERM: in-flight handlers and the outbox batch get this long, then the process exits anyway (code 1). */
const SHUTDOWN_BOUND_MS = 20_000;

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
  const logger = createLogger({
    level: config.logLevel,
    format: config.logFormat,
    secrets: [
      config.slack.botToken,
      config.slack.signingSecret,
      config.slack.appToken ?? "",
      config.metrics?.token ?? "",
      config.crm?.hubspot?.accessToken ?? "",
      config.crm?.hubspot?.clientSecret ?? "",
    ],
  });

  // Signal handlers first: a SIGTERM that arrives while starting must still stop cleanly.
  const running: { stop?: () => Promise<void> } = {};
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: stopping (no new requests, finishing in-flight work and the outbox batch being sent)`);
    // Bounded: a stuck call must not keep a replica from being replaced.
    const bound = setTimeout(() => {
      logger.error(`still stopping after ${SHUTDOWN_BOUND_MS / 1000} s: exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_BOUND_MS);
    bound.unref();
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

  const metrics = createMetrics({ outbox: () => outboxBacklog(db.prisma, new Date()), pool: () => db.poolStats() });
  const deps: AppDeps = { config, db, clock: systemClock, logger, metrics, crm: crmApis(config) };
  // The outbox delivers every Slack post written by a use case; safe to run in every process.
  const outbox = startOutboxLoop(deps, outboxRenderers);
  deps.outbox = outbox;
  // CRM webhook events are stored as they arrive and applied by this loop (features/crm/inbox.ts).
  const crmInbox = deps.crm?.hubspot ? startCrmInbox(deps) : undefined;
  deps.crmInbox = crmInbox;
  if (config.crm?.hubspot) logger.info(`HubSpot connected (${config.crm.hubspot.apiUrl}); webhooks at POST /crm/hubspot/webhooks`);
  const cosell = createApp(deps);
  let jobs: { stop(): Promise<void> } = { stop: async () => undefined };
  running.stop = async () => {
    await cosell.stop().catch(() => undefined);
    await jobs.stop();
    await crmInbox?.stop();
    await outbox.stop();
    await db.close();
  };
  const { port } = await cosell.start();
  if (config.jobs) jobs = startJobs(deps);
  logger.info(
    config.slack.appToken
      ? `cosell is running in Socket Mode (health on :${port}/healthz)`
      : `cosell is listening on :${port} (POST /slack/events, GET /healthz, /readyz, /metrics)`,
  );
}

main().catch((err) => {
  console.error("cosell failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
