// One server of the ack benchmark, in its own process (bench/run.ts starts two: `ours` and
// `bare`; the load generator is a third process, the fake Slack a fourth). Prints one JSON line
// when it is ready to take requests: {port, program?}, and cosell one more when it stops:
// {registered} (the deals the benchmark's submissions wrote).
//   ours: the real app (createApp) on a fresh database (BENCH_SERVER_DB_URL, or embedded PGlite)
//         with the test program and 30 deals, as a team would have;
//   bare: a Bolt app on the same receiver that only acks every kind of interaction.
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";
import { createApp } from "../src/app";
import { systemClock } from "../src/platform/clock";
import { openDatabase } from "../src/platform/db/client";
import { migrate } from "../src/platform/db/migrate";
import { createLogger } from "../src/platform/logger";
import { ensureProgram } from "../src/features/program/program";
import { BOT_TOKEN, SIGNING_SECRET, testConfig } from "../test/support/app";
import { createDeal } from "../test/support/deals";
import { seedProgram } from "../test/support/seed";

const mode = process.argv[2];
const apiUrl = process.env.BENCH_FAKE_API_URL;
if (!apiUrl || (mode !== "ours" && mode !== "bare")) throw new Error("usage: ack-server.ts ours|bare (BENCH_FAKE_API_URL set)");

if (mode === "bare") {
  const receiver = new HTTPReceiver({ signingSecret: SIGNING_SECRET, endpoints: "/slack/events" });
  const app = new App({ token: BOT_TOKEN, receiver, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: apiUrl } });
  app.command("/cosell", async ({ ack }) => void (await ack()));
  app.action(/.*/, async ({ ack }) => void (await ack()));
  app.view(/.*/, async ({ ack }) => void (await ack()));
  app.shortcut(/.*/, async ({ ack }) => void (await ack()));
  const server = (await app.start(0)) as import("node:http").Server;
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
} else {
  const url = process.env.BENCH_SERVER_DB_URL;
  const db = url ? await openDatabase({ databaseUrl: url, poolSize: 20 }) : await openDatabase({ dataDir: "memory://" });
  await migrate(db.sql);
  await ensureProgram(db.prisma, { timezone: "UTC" });
  const program = await seedProgram(db.prisma);
  for (let i = 0; i < 30; i++) await createDeal(db.prisma, program);
  const cosell = createApp({ config: testConfig({}, { apiUrl }), db, clock: systemClock, logger: createLogger({ level: "error" }) });
  const { port } = await cosell.start(0);
  process.stdout.write(`${JSON.stringify({ port, program })}\n`);
  process.on("SIGTERM", async () => {
    await cosell.stop();
    // What the submissions wrote: a registration that failed is not a fast ack.
    const registered = await db.prisma.deal.count({ where: { title: { startsWith: "Bench deal " } } });
    process.stdout.write(`${JSON.stringify({ registered })}\n`);
    await db.close();
    process.exit(0);
  });
}
