// The production path, as the Dockerfile runs it, from a clean copy (CI runs this after the
// tests): build → a directory with only package.json, the lockfile, dist/ and prisma/ →
// `npm ci --omit=dev` (no tsx, no dev dependencies) → `node dist/main.js` against Postgres, with
// a local fake Slack → /readyz, a signed `/cosell help`, /metrics, an outbox message, SIGTERM →
// exit 0 and nothing lost in the outbox. Prints what it measured.
//
//   SMOKE_DATABASE_URL=postgresql://… npx tsx scripts/prod-smoke.ts
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FakeSlack } from "../dev/playground/fake-slack";
import { openDatabase } from "../src/platform/db/client";
import { enqueue } from "../src/platform/outbox/enqueue";
import { mrkdwn } from "../src/platform/slack/mrkdwn";
import { commandBody, postSigned } from "../test/support/signing";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DATABASE_URL = process.env.SMOKE_DATABASE_URL;
if (!DATABASE_URL) throw new Error("set SMOKE_DATABASE_URL to an empty Postgres database");
const SECRET = "smoke-signing-secret-0123";
const TOKEN = "smoke-metrics-token-0123";
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function step(what: string): () => number {
  const t0 = Date.now();
  process.stdout.write(`smoke: ${what} … `);
  return () => {
    const ms = Date.now() - t0;
    process.stdout.write(`${ms} ms\n`);
    return ms;
  };
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`smoke: FAILED: ${what}`);
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function poll(fn: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`smoke: FAILED: ${what} within ${ms / 1000} s`);
}

const dir = mkdtempSync(path.join(tmpdir(), "cosell-prod-"));
const fake = await new FakeSlack().start();
try {
  let done = step("npm run build");
  execFileSync(npm, ["run", "-s", "build"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  done();

  done = step("clean copy + npm ci --omit=dev");
  for (const f of ["package.json", "package-lock.json", "dist", "prisma"]) cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  execFileSync(npm, ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  done();
  check(
    !execFileSync("ls", [path.join(dir, "node_modules/.bin")])
      .toString()
      .split("\n")
      .includes("tsx"),
    "tsx is not installed",
  );

  const port = await freePort();
  let log = "";
  done = step("node dist/main.js → /readyz 200 (migrations + auth.test)");
  const child = spawn(process.execPath, ["dist/main.js"], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      SLACK_BOT_TOKEN: "xoxb-smoke-token",
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL,
      PORT: String(port),
      COSELL_METRICS_TOKEN: TOKEN,
      COSELL_JOBS: "false",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const base = `http://127.0.0.1:${port}`;
  try {
    await poll(async () => (await fetch(`${base}/readyz`)).status === 200, "/readyz answers 200");
    done();

    done = step("signed /cosell help");
    const body = commandBody({ text: "help", user_id: "U_SMOKE", team_id: "T_SMOKE", channel_id: "C_SMOKE", response_url: fake.responseUrl() });
    const help = await postSigned(`${base}/slack/events`, SECRET, body, "application/x-www-form-urlencoded");
    check(help.status === 200 && help.text.includes("/cosell help"), `/cosell help answered 200 with the help (got ${help.status})`);
    const unsigned = await fetch(`${base}/slack/events`, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
    check(unsigned.status === 401, "an unsigned request is refused with 401");
    done();

    done = step("/metrics");
    check((await fetch(`${base}/metrics`)).status === 401, "/metrics without the token is 401");
    const metrics = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    check(/cosell_slack_ack_seconds_count\{kind="command",id="help"\} 1\n/.test(metrics), "the help command's ack is counted");
    check(metrics.includes("cosell_outbox_pending") && metrics.includes("cosell_db_pool_connections"), "outbox and pool gauges are there");
    done();

    // A message in the outbox when SIGTERM comes: sent, or left for the next start — never lost.
    const db = await openDatabase({ databaseUrl: DATABASE_URL });
    try {
      await enqueue(db.prisma, { method: "message", payload: { channel: "C_SMOKE", text: mrkdwn`smoke: sent before the stop` } }, new Date());
      await poll(async () => fake.messages.some((m) => m.text === "smoke: sent before the stop"), "the outbox message reaches Slack");
      done = step("SIGTERM → exit 0");
      child.kill("SIGTERM");
      const code = await Promise.race([exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 25_000))]);
      const ms = done();
      check(code === 0, `exit code 0 after SIGTERM (got ${code})`);
      check(ms < 25_000, "stopped within the bound");
      const rows = await db.prisma.outboxMessage.groupBy({ by: ["status"], _count: true });
      const notSent = rows.filter((r) => r.status !== "SENT").reduce((n, r) => n + r._count, 0);
      check(notSent === 0, `every outbox row is SENT (${JSON.stringify(rows)})`);
      check(fake.messages.filter((m) => m.text === "smoke: sent before the stop").length === 1, "the message is in Slack exactly once");
    } finally {
      await db.close();
    }
    check(/"level":"info".*"msg":"stopped"/.test(log), "the log is JSON lines and says it stopped");
    check(!log.includes("xoxb-smoke-token") && !log.includes(SECRET) && !log.includes(TOKEN), "no secret in the log");
    console.log("smoke: the production path works (node dist/main.js, production dependencies only)");
  } catch (err) {
    console.error(`--- app log ---\n${log}`);
    throw err;
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
} finally {
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
}
