// npm run bench [-- --small] [--concurrency 200] [--asks 1000000] [--registrations 100]
// Measures on this machine, in one run: ack latency of every kind of interaction against a bare
// Bolt app (bench/ack.ts: separate processes) and what the person then waits for, end-to-end deal
// registration, and one SLA sweep pass at two sizes. Postgres when BENCH_DATABASE_URL (or
// DATABASE_URL) is set, embedded PGlite otherwise. Prints a table; figures go to bench/README.md.
import { spawn } from "node:child_process";
import pg from "pg";
import { randomBytes } from "node:crypto";
import { createApp } from "../src/app";
import { fixedClock } from "../src/platform/clock";
import { openDatabase, type Database } from "../src/platform/db/client";
import { migrate } from "../src/platform/db/migrate";
import type { AppDeps } from "../src/platform/deps";
import { runSlaSweep } from "../src/features/asks/sla-sweep";
import { createLogger } from "../src/platform/logger";
import { ensureProgram } from "../src/features/program/program";
import { SIGNING_SECRET, testConfig } from "../test/support/app";
import { createDeal } from "../test/support/deals";
import { seedProgram, type SeededProgram } from "../test/support/seed";
import { postSigned } from "../test/support/signing";
import { loadManagerDigest, loadPairingDigests } from "../src/features/digests/load";
import { renderManagerDigest, renderPairingDigest } from "../src/features/digests/render";
import { benchAck, registrationSubmission, type RemoteFake } from "./ack";
import { runWeeklyDigests } from "../src/features/digests/job";
import { generateProgram } from "./digest-data";
import { benchOutbox } from "./outbox";
import { benchColdStart } from "./cold-start";
import { benchCrm } from "./crm";
import { arg, flag, fmtMs, printTable, summarize, time, type Row } from "./lib";

const small = flag("small");
const CONCURRENCY = arg("concurrency", small ? 100 : 200);
const ROUNDS = arg("rounds", small ? 1 : 5);
const REGISTRATIONS = arg("registrations", small ? 20 : 100);
const ASKS_LARGE = arg("asks", small ? 20_000 : 1_000_000);
const ASKS_SMALL = Math.max(1000, Math.round(ASKS_LARGE / 10));
const PAIRINGS = arg("pairings", small ? 100 : 1000);
const DEALS = arg("deals", small ? 10_000 : 100_000);
const OUTBOX_CHANNELS = arg("channels", small ? 200 : 1000);
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
const dbLabel = adminUrl ? "Postgres" : "PGlite";
const rows: Row[] = [];
const onlyIdx = process.argv.indexOf("--only");
/** `--only ack,digests` runs some sections: ack, registration, outbox, digests, coldstart, sweep, crm */
/** `--kinds list,new` measures some interactions of the ack section: help, list, new, button, shortcut, submit */
const kindsIdx = process.argv.indexOf("--kinds");
const kindsArg = kindsIdx < 0 ? undefined : (process.argv[kindsIdx + 1] ?? "").split(",");
const want = (section: string) => onlyIdx < 0 || (process.argv[onlyIdx + 1] ?? "").split(",").includes(section);

async function freshDatabase(): Promise<{ db: Database; drop: () => Promise<void> }> {
  if (!adminUrl) {
    const db = await openDatabase({ dataDir: "memory://" });
    await migrate(db.sql);
    return { db, drop: () => db.close() };
  }
  const name = `cosell_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), poolSize: 20 });
  await migrate(db.sql);
  return {
    db,
    drop: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function benchRegistration(fake: RemoteFake, db: Database, program: SeededProgram): Promise<void> {
  const clock = fixedClock("2026-11-16T10:00:00Z");
  const deps: AppDeps = { config: testConfig({}, fake), db, clock, logger: createLogger({ level: "error" }) };
  const app = createApp(deps);
  const { port } = await app.start(0);
  const url = `http://127.0.0.1:${port}/slack/events`;
  const lat: number[] = [];
  for (let i = 0; i < REGISTRATIONS; i++) {
    const body = registrationSubmission(program, `seq${i}`);
    const { ms, value } = await time(() => postSigned(url, SIGNING_SECRET, body, "application/x-www-form-urlencoded"));
    if (value.text !== "") throw new Error(`registration ${i} failed: ${value.text}`);
    lat.push(ms);
  }
  await app.stop();
  const queued = await db.prisma.outboxMessage.count({ where: { method: "deal.card" } });
  if (queued < REGISTRATIONS) throw new Error(`only ${queued} card posts queued`);
  const s = summarize(lat);
  rows.push({
    benchmark: "deal registration: view submission → rows written → post queued",
    db: dbLabel,
    size: `${s.n} sequential`,
    result: `p50 ${fmtMs(s.p50)} · p99 ${fmtMs(s.p99)}`,
    target: "< 3 s (Slack's ack limit)",
    verdict: s.p99 < 3000 ? "ok" : "SLOW",
  });
}

/** N open asks on 100 deals, 5% newly overdue (due an hour ago), the rest due tomorrow. */
async function seedAsks(db: Database, program: SeededProgram, n: number, now: Date): Promise<void> {
  const deals: string[] = [];
  for (let i = 0; i < 100; i++) deals.push((await createDeal(db.prisma, program)).dealId);
  const overdueEvery = 20;
  await db.sql.exec(`
    INSERT INTO "Ask" (id, "dealId", "fromUserId", "ownerUserId", text, "slaHours", "createdAt", "dueAt", "escalateAt", status, "alertLevel")
    SELECT gen_random_uuid()::text,
           (ARRAY['${deals.join("','")}'])[1 + (g % 100)],
           'U_REP', 'U_ACME', 'bench ask ' || g, 24,
           TIMESTAMPTZ '${now.toISOString()}' - interval '25 hours',
           CASE WHEN g % ${overdueEvery} = 0 THEN TIMESTAMPTZ '${now.toISOString()}' - interval '1 hour' ELSE TIMESTAMPTZ '${now.toISOString()}' + interval '1 day' END,
           CASE WHEN g % ${overdueEvery} = 0 THEN TIMESTAMPTZ '${now.toISOString()}' + interval '23 hours' ELSE TIMESTAMPTZ '${now.toISOString()}' + interval '2 days' END,
           'OPEN', 0
    FROM generate_series(1, ${n}) AS g`);
  await db.sql.exec(`ANALYZE "Ask"`);
}

async function benchSweep(n: number): Promise<{ ms: number; overdue: number; messages: number }> {
  const { db, drop } = await freshDatabase();
  try {
    await ensureProgram(db.prisma, { timezone: "UTC" });
    const program = await seedProgram(db.prisma);
    const now = new Date("2026-11-16T10:00:00Z");
    await seedAsks(db, program, n, now);
    const deps = { db, logger: createLogger({ level: "error" }) };
    const { ms, value } = await time(() => runSlaSweep(deps, now));
    // exactly once: a second pass finds nothing
    const again = await runSlaSweep(deps, now);
    if (again.overdue !== 0) throw new Error("second sweep raised alerts again");
    const messages = await db.prisma.outboxMessage.count({ where: { method: { in: ["ask.alert", "ask.alertBatch"] } } });
    return { ms, overdue: value.overdue, messages };
  } finally {
    await drop();
  }
}

async function startFakeProcess(): Promise<RemoteFake> {
  const child = spawn(process.execPath, ["--import", "tsx", new URL("./fake-server.ts", import.meta.url).pathname], { stdio: ["ignore", "pipe", "inherit"] });
  const [port, marksPort] = await new Promise<number[]>((resolve, reject) => {
    child.stdout.once("data", (d: Buffer) => resolve(String(d).trim().split(" ").map(Number)));
    child.once("exit", (code) => reject(new Error(`fake Slack exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    apiUrl: `${url}/api/`,
    responseUrl: (id) => `${url}/response/${id}`,
    marks: async () => (await fetch(`http://127.0.0.1:${marksPort}/marks`)).json() as Promise<Record<string, number>>,
    stop: () => child.kill("SIGTERM"),
  };
}

/** Building every pairing's weekly digest (load + render) and the manager digest. */
async function benchDigests(): Promise<void> {
  const { db, drop } = await freshDatabase();
  try {
    await ensureProgram(db.prisma, { timezone: "UTC" });
    const now = new Date("2026-11-16T09:00:00Z");
    const gen = await time(() => generateProgram(db, { pairings: PAIRINGS, deals: DEALS, now }));
    console.log(`generated ${PAIRINGS} pairings / ${DEALS} deals in ${fmtMs(gen.ms)}`);
    const window = { start: new Date(now.getTime() - 7 * 86_400_000), end: now };
    const memBefore = process.memoryUsage().rss;
    const build = await time(async () => {
      const data = await loadPairingDigests(db.prisma, { now, window, timezone: "UTC" });
      let messages = 0;
      for (const d of data) messages += renderPairingDigest(d).length;
      return { pairings: data.length, messages };
    });
    if (build.value.pairings !== PAIRINGS) throw new Error(`built ${build.value.pairings} digests`);
    rows.push({
      benchmark: "weekly pairing digests: load + render all",
      db: dbLabel,
      size: `${PAIRINGS.toLocaleString("en-US")} pairings / ${DEALS.toLocaleString("en-US")} deals`,
      result: `${fmtMs(build.ms)} (${build.value.messages.toLocaleString("en-US")} messages; rss +${Math.round((process.memoryUsage().rss - memBefore) / 1e6)} MB)`,
      target: "≤ 5 s",
      verdict: build.ms <= 5000 ? "ok" : "SLOW",
    });
    const manager = await time(async () => renderManagerDigest(await loadManagerDigest(db.prisma, { now, window })));
    rows.push({
      benchmark: "manager digest: all program metrics",
      db: dbLabel,
      size: `${DEALS.toLocaleString("en-US")} deals`,
      result: fmtMs(manager.ms),
      target: "—",
      verdict: "",
    });
    // The real job, as the scheduler runs it: claim every pairing's week, load, render, write the
    // outbox, then the manager digest (no Slack client: it goes to the admins by DM, no chart).
    const deps = { db, logger: createLogger({ level: "error" }), config: testConfig({ admins: ["U_ADMIN"] }) };
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const job = await time(() => runWeeklyDigests(deps, now, { client: null }));
    clearInterval(sampler);
    const [stored] = await db.prisma.$queryRaw<{ rows: bigint; bytes: bigint }[]>`
      SELECT count(*) AS rows, coalesce(sum(pg_column_size(payload)), 0) AS bytes FROM "OutboxMessage"`;
    if (job.value.pairings.claimed !== PAIRINGS) throw new Error(`the job claimed ${job.value.pairings.claimed} pairing digests`);
    const peakMb = Math.round((peak - rssBefore) / 1e6);
    rows.push({
      benchmark: "the weekly job: claim, load, render, outbox writes, manager digest",
      db: dbLabel,
      size: `${PAIRINGS.toLocaleString("en-US")} pairings / ${DEALS.toLocaleString("en-US")} deals`,
      result: `${fmtMs(job.ms)} · peak rss +${peakMb} MB (${Math.round(peak / 1e6)} MB, after the load above) · ${Number(stored?.rows ?? 0).toLocaleString("en-US")} outbox rows, ${(Number(stored?.bytes ?? 0) / 1e6).toFixed(1)} MB stored`,
      target: "≤ 3 s, ≤ +256 MB",
      verdict: job.ms <= 3000 && peakMb <= 256 ? "ok" : "SLOW",
    });
  } finally {
    await drop();
  }
}

async function main(): Promise<void> {
  console.log(`cosell benchmarks on ${dbLabel}${small ? " (small sizes)" : ""} — ${new Date().toISOString()}`);
  const fake = await startFakeProcess();
  process.once("exit", () => fake.stop());
  if (want("ack")) rows.push(...(await benchAck({ fake, concurrency: CONCURRENCY, rounds: ROUNDS, dbLabel, adminUrl, only: kindsArg })));
  if (want("registration")) {
    const { db, drop } = await freshDatabase();
    await ensureProgram(db.prisma, { timezone: "UTC" });
    const program = await seedProgram(db.prisma);
    await benchRegistration(fake, db, program);
    await drop();
  }
  if (want("outbox")) {
    const { db, drop } = await freshDatabase();
    try {
      rows.push(...(await benchOutbox(db, fake, { channels: OUTBOX_CHANNELS, messages: OUTBOX_CHANNELS * 3, dbLabel })));
    } finally {
      await drop();
    }
  }
  if (want("digests")) await benchDigests();
  if (want("crm")) {
    const { db, drop } = await freshDatabase();
    try {
      rows.push(...(await benchCrm(db, fake, { small, dbLabel })));
    } finally {
      await drop();
    }
  }
  if (want("coldstart")) rows.push(...(await benchColdStart(fake)));
  for (const n of want("sweep") ? [ASKS_SMALL, ASKS_LARGE] : []) {
    const r = await benchSweep(n);
    rows.push({
      benchmark: "SLA sweep, one pass (5% newly overdue)",
      db: dbLabel,
      size: `${n.toLocaleString("en-US")} open asks`,
      result: `${fmtMs(r.ms)} for ${r.overdue.toLocaleString("en-US")} overdue asks → ${r.messages.toLocaleString("en-US")} channel message(s)`,
      target: "≤ 1 s at 1M; one message per channel",
      verdict: n === ASKS_LARGE ? (r.ms <= 1000 ? "ok" : "SLOW") : "",
    });
  }
  fake.stop();
  console.log("");
  printTable(rows);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
