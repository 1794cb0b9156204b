import { randomBytes } from "node:crypto";
import path from "node:path";
import { ConfigError, loadConfig } from "../../src/platform/config";
import { startPlayground } from "./server";

// `npm start` without Slack credentials: the playground, on its own embedded database under
// <COSELL_DATA_DIR>/playground (never the database a real workspace uses).

export async function runPlayground(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    // The playground makes up its own token and signing secret; the rest of the environment applies.
    config = loadConfig({ ...process.env, SLACK_BOT_TOKEN: `xoxb-${randomBytes(8).toString("hex")}`, SLACK_SIGNING_SECRET: randomBytes(16).toString("hex") });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const dataDir = config.dataDir === "memory://" ? config.dataDir : path.join(config.dataDir, "playground");
  console.log("cosell playground: starting (the first start seeds a demo program and its Slack history: about a minute)…");
  let pg: Awaited<ReturnType<typeof startPlayground>>;
  try {
    pg = await startPlayground({ port: config.port, dataDir, timezone: config.timezone, admins: config.admins, logLevel: config.logLevel, jobs: config.jobs });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") {
      console.error(`Port ${config.port} is in use. Start the playground on another one, e.g. PORT=3100 npm start.`);
      process.exit(1);
    }
    throw err;
  }
  // Handlers before the "listening" line: whoever waits for it may signal at once.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    pg.deps.logger.info(`${signal}: stopping the playground`);
    await pg.stop();
    pg.deps.logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  const lines = [
    "",
    "  cosell playground — a local, simulated Slack in front of the real app (nothing is sent to Slack)",
    "",
    `    open      ${pg.url}`,
    `    the app   ${pg.appUrl} (signed requests; signing secret generated for this run)`,
    `    data      ${dataDir === "memory://" ? "in memory (gone when it stops)" : `${dataDir} (embedded PGlite; delete it to start over)`}`,
    "",
    "  To serve a real Slack workspace instead, set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET",
    '  (README.md, section "Connect a Slack workspace").',
    "",
  ];
  console.log(lines.join("\n"));
  pg.deps.logger.info(`cosell playground is listening on ${pg.url}`);
}
