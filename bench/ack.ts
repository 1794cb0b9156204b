// The ack benchmark's load generator: this process only sends requests and reads the clock.
// cosell and a bare Bolt app each run in their own process (bench/ack-server.ts), the fake Slack
// in another (bench/fake-server.ts). Every kind of interaction is sent as a burst of N concurrent
// signed requests, each on its own connection, to both servers; both are warmed with a full
// burst of every kind first, and the order (bare first or cosell first) alternates each round.
// Measured: the ack (the HTTP answer), and what the person then waits for, as the fake Slack saw
// it arrive: views.open for a modal, the response_url answer, chat.update.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import pg from "pg";
import { ACTION, CALLBACK, REGISTER_BLOCK as B } from "../src/platform/slack/ids";
import { SIGNING_SECRET } from "../test/support/app";
import { blockAction, stateValues, viewSubmission } from "../test/support/payloads";
import { PEOPLE, type SeededProgram } from "../test/support/seed";
import { commandBody, interactionBody, sign } from "../test/support/signing";
import { fmtMs, summarize, type Row } from "./lib";

export interface RemoteFake {
  apiUrl: string;
  responseUrl(id: string): string;
  /** when each awaited answer arrived (wall ms), since the last call; see fake-server.ts */
  marks(): Promise<Record<string, number>>;
  stop(): void;
}

interface Server {
  url: string;
  /** cosell answers after the ack; the bare app only acks */
  answers: boolean;
  pid: number;
  program?: SeededProgram;
  /** stops it; cosell says how many deals the submissions registered */
  stop(): Promise<{ registered?: number }>;
}

type Followup = "view" | "response" | "update";
interface Kind {
  name: string;
  label: string;
  followup?: { mark: Followup; label: string; targetMs: number };
  /** the request body for the i-th request of a burst, and the key of its awaited answer */
  body(program: SeededProgram, id: string): { body: string; key?: string };
}

const ACK_RATIO = 1.2;
const KINDS: Kind[] = [
  {
    name: "help",
    label: "/cosell help (answered in the ack)",
    body: (_p, id) => ({ body: command("help", id) }),
  },
  {
    name: "list",
    label: "/cosell list (database, answer via response_url)",
    followup: { mark: "response", label: "/cosell list → its answer at response_url", targetMs: 1500 },
    body: (_p, id) => ({ body: command("list", id), key: `response:${id}` }),
  },
  {
    name: "new",
    label: "/cosell new (opens the registration modal)",
    followup: { mark: "view", label: "/cosell new → views.open at Slack", targetMs: 1000 },
    body: (_p, id) => ({ body: command("new", id, `trig.${id}`), key: `view:trig.${id}` }),
  },
  {
    name: "button",
    label: "Pipeline button on the pairing panel",
    followup: { mark: "response", label: "Pipeline button → its answer at response_url", targetMs: 1500 },
    body: (_p, id) => ({
      body: interactionBody(
        blockAction({ as: PEOPLE.rep, actionId: ACTION.pipeline, value: "panel", channel: "C_ACME", responseUrl: fakeRef.responseUrl(id) }),
      ),
      key: `response:${id}`,
    }),
  },
  {
    name: "shortcut",
    label: "Register deal shortcut (opens the modal)",
    followup: { mark: "view", label: "shortcut → views.open at Slack", targetMs: 1000 },
    body: (_p, id) => ({
      body: interactionBody({
        type: "shortcut",
        callback_id: CALLBACK.registerShortcut,
        trigger_id: `trig.${id}`,
        team: { id: "T_OURS", domain: "ours" },
        user: { id: PEOPLE.rep.user, team_id: PEOPLE.rep.team, username: "rep" },
        api_app_id: "A_COSELL",
        token: "x",
        action_ts: "1.1",
      }),
      key: `view:trig.${id}`,
    }),
  },
  {
    name: "submit",
    label: "registration modal submitted (validated and written before the ack)",
    body: (p, id) => ({ body: registrationSubmission(p, id) }),
  },
];

let fakeRef: RemoteFake;

/** The registration modal as a rep submits it: a new account `id` on the Acme pairing (signed body). */
export function registrationSubmission(p: SeededProgram, id: string): string {
  const values = stateValues({
    [B.accountName]: { text: `Bench account ${id}` },
    [B.accountDomain]: { text: `${id}.bench.example.com` },
    [B.title]: { text: `Bench deal ${id}` },
    [B.amount]: { text: "25,000" },
    [B.currency]: { select: "USD" },
    [B.closeDate]: { date: "2027-02-28" },
    [B.pairing]: { select: p.acmePairing.id },
    [B.coSellModel]: { select: "SELL_WITH" },
    [`${B.rolePrefix}SOURCING`]: { multi: [p.acme.id] },
    [`${B.rolePrefix}SELLING`]: { multi: [p.ours.id] },
  });
  return interactionBody(viewSubmission({ as: PEOPLE.rep, viewId: `V_${id}`, callbackId: CALLBACK.registerDeal, values, privateMetadata: "{}" }));
}

function command(text: string, id: string, triggerId?: string): string {
  return commandBody({
    text,
    user_id: PEOPLE.rep.user,
    team_id: PEOPLE.rep.team,
    channel_id: "C_ACME",
    response_url: fakeRef.responseUrl(id),
    ...(triggerId ? { trigger_id: triggerId } : {}),
  });
}

/** One signed POST on its own connection (as Slack's many senders do). */
function post(url: string, body: string): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: "POST",
        agent: false,
        headers: { ...sign(SIGNING_SECRET, body), "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const wallNow = () => performance.timeOrigin + performance.now();
let burstSeq = 0;
/** requests of the measured bursts that were not answered as Slack needs (by kind) */
const failures: string[] = [];

/** N concurrent requests of one kind; the ack latencies, and the awaited answers' (NaN if never). */
async function burst(server: Server, kind: Kind, n: number): Promise<{ ack: number[]; followup: number[] }> {
  const tag = `b${++burstSeq}`;
  const sent: { key?: string; t0: number }[] = [];
  const ack: number[] = [];
  const bodies = Array.from({ length: n }, (_, i) => kind.body(server.program!, `${tag}x${i}`));
  await Promise.all(
    bodies.map(async ({ body, key }) => {
      const t0 = wallNow();
      const res = await post(server.url, body);
      ack.push(wallNow() - t0);
      // Counted, not thrown: a request Slack would have dropped is a figure (the bench never fails on timing).
      if (res.status !== 200) failures.push(`HTTP ${res.status}`);
      else if (kind.name === "submit" && res.text !== "") failures.push(`modal not closed: ${res.text.slice(0, 120)}`);
      else sent.push({ key, t0 });
    }),
  );
  const followup: number[] = [];
  if (kind.followup && server.answers) {
    // Wait for this burst's own answers (the marks also hold other calls: DMs, late answers).
    const seen: Record<string, number> = {};
    const missing = new Set(sent.flatMap((x) => (x.key ? [x.key] : [])));
    const deadline = Date.now() + 30_000;
    while (missing.size > 0 && Date.now() < deadline) {
      const marks = await fakeRef.marks();
      Object.assign(seen, marks);
      for (const k of Object.keys(marks)) missing.delete(k);
      if (missing.size > 0) await new Promise((r) => setTimeout(r, 50));
    }
    for (const s of sent) followup.push(s.key && seen[s.key] !== undefined ? seen[s.key]! - s.t0 : Number.NaN);
  } else if (kind.followup) {
    await fakeRef.marks();
  }
  return { ack, followup };
}

/** Peak memory of the processes, sampled every 50 ms (proportional set size where readable). */
class MemorySampler {
  private timer: NodeJS.Timeout;
  private pgPids: number[] = [];
  private pgTimer: NodeJS.Timeout | undefined;
  peak = new Map<string, number>();
  pssReadable = true;

  constructor(
    private readonly pids: Record<string, number>,
    pgDatabase?: { adminUrl: string; name: string },
  ) {
    this.timer = setInterval(() => this.sample(), 50);
    if (pgDatabase) {
      const refresh = async () => {
        const c = new pg.Client({ connectionString: pgDatabase.adminUrl });
        await c.connect();
        try {
          const r = await c.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1", [pgDatabase.name]);
          this.pgPids = r.rows.map((x) => x.pid);
        } finally {
          await c.end();
        }
      };
      this.pgTimer = setInterval(() => void refresh().catch(() => undefined), 1000);
      void refresh().catch(() => undefined);
    }
  }

  private memOf(pid: number): number {
    let rss: number;
    try {
      const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      rss = m ? Number(m[1]) * 1024 : 0;
    } catch {
      return 0; // the process is gone (a backend that ended)
    }
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
      if (m) return Number(m[1]) * 1024;
    } catch {
      // not ours to read (another user's Postgres): RSS, which counts shared buffers in every backend
    }
    this.pssReadable = false;
    return rss;
  }

  private sample(): void {
    for (const [name, pid] of Object.entries(this.pids)) {
      let bytes = this.memOf(pid);
      if (name === "cosell") for (const p of this.pgPids) bytes += this.memOf(p);
      this.peak.set(name, Math.max(this.peak.get(name) ?? 0, bytes));
    }
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.pgTimer) clearInterval(this.pgTimer);
  }
}

function startServer(mode: "ours" | "bare", env: Record<string, string>): Promise<Server> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_PROFILE && mode === "ours" ? ["--cpu-prof", "--cpu-prof-dir=/tmp/prof"] : []),
      "--import",
      "tsx",
      new URL("./ack-server.ts", import.meta.url).pathname,
      mode,
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ...env },
    },
  );
  const lines: string[] = [];
  let buf = "";
  let onLine: (() => void) | undefined;
  child.stdout!.on("data", (d: Buffer) => {
    buf += String(d);
    for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
    onLine?.();
  });
  return new Promise((resolve, reject) => {
    onLine = () => {
      if (lines.length === 0) return;
      onLine = undefined;
      const ready = JSON.parse(lines.shift()!) as { port: number; program?: SeededProgram };
      resolve({
        url: `http://127.0.0.1:${ready.port}/slack/events`,
        answers: mode === "ours",
        pid: child.pid!,
        program: ready.program,
        stop: () =>
          new Promise((r) => {
            child.once("exit", () => r(lines[0] ? (JSON.parse(lines[0]) as { registered?: number }) : {}));
            child.kill("SIGTERM");
          }),
      });
    };
    child.once("exit", (code) => reject(new Error(`the ${mode} server exited with ${code}`)));
  });
}

const loadavg = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");

export async function benchAck(opts: {
  fake: RemoteFake;
  concurrency: number;
  rounds: number;
  dbLabel: string;
  /** a Postgres admin URL: cosell gets a throwaway database on that server */
  adminUrl?: string | undefined;
  only?: string[] | undefined;
}): Promise<Row[]> {
  fakeRef = opts.fake;
  const kinds = KINDS.filter((k) => !opts.only || opts.only.includes(k.name));
  let pgDb: { adminUrl: string; name: string; url: string } | undefined;
  if (opts.adminUrl) {
    const name = `cosell_bench_ack_${process.pid}`;
    const admin = new pg.Client({ connectionString: opts.adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(opts.adminUrl);
    url.pathname = `/${name}`;
    pgDb = { adminUrl: opts.adminUrl, name, url: url.toString() };
  }
  const env = { BENCH_FAKE_API_URL: opts.fake.apiUrl, ...(pgDb ? { BENCH_SERVER_DB_URL: pgDb.url } : {}) };
  const [ours, bare] = await Promise.all([startServer("ours", env), startServer("bare", env)]);
  bare.program = ours.program;
  if (process.env.BENCH_VERBOSE) console.error(`${new Date().toISOString()} servers up`);
  const memory = new MemorySampler({ cosell: ours.pid, bare: bare.pid }, pgDb);
  const samples = new Map<string, { ack: number[]; followup: number[] }>();
  const add = (key: string, r: { ack: number[]; followup: number[] }) => {
    const s = samples.get(key) ?? { ack: [], followup: [] };
    s.ack.push(...r.ack);
    s.followup.push(...r.followup);
    samples.set(key, s);
  };
  const loadBefore = loadavg();
  let stopped: { registered?: number } = {};
  const failed = new Map<string, number>();
  let submitted = 0;
  try {
    // Warm both with a full burst of every kind (JIT, pools, caches), not measured.
    for (const kind of kinds) for (const server of [bare, ours]) await burst(server, kind, opts.concurrency);
    submitted = kinds.some((k) => k.name === "submit") ? opts.concurrency : 0;
    if (process.env.BENCH_VERBOSE) console.error(`${new Date().toISOString()} warmed`);
    for (let r = 0; r < opts.rounds; r++) {
      for (const kind of kinds) {
        const order = (r + kinds.indexOf(kind)) % 2 === 0 ? [bare, ours] : [ours, bare];
        if (process.env.BENCH_VERBOSE) console.error(`${new Date().toISOString()} round ${r} ${kind.name}`);
        if (kind.name === "submit") submitted += opts.concurrency;
        for (const server of order) {
          const key = `${server === ours ? "cosell" : "bare"}:${kind.name}`;
          failures.length = 0;
          add(key, await burst(server, kind, opts.concurrency));
          if (failures.length === 0) continue;
          failed.set(key, (failed.get(key) ?? 0) + failures.length);
          console.error(`${kind.name}: ${failures.length} requests failed, e.g. ${failures[0]}`);
        }
      }
    }
  } finally {
    memory.stop();
    [stopped] = await Promise.all([ours.stop(), bare.stop()]);
    if (pgDb) {
      const c = new pg.Client({ connectionString: pgDb.adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${pgDb.name} WITH (FORCE)`);
      await c.end();
    }
  }
  const load = `load ${loadBefore} → ${loadavg()}`;
  const rows: Row[] = [];
  const stats = (ms: number[]) => {
    const s = summarize(ms);
    return `p50 ${fmtMs(s.p50)} · p99 ${fmtMs(s.p99)} · max ${fmtMs(s.max)}`;
  };
  for (const kind of kinds) {
    const b = samples.get(`bare:${kind.name}`)!;
    const c = samples.get(`cosell:${kind.name}`)!;
    const ratio = summarize(c.ack).p99 / summarize(b.ack).p99;
    rows.push({
      benchmark: `ack, ${kind.label}`,
      db: kind.name === "help" ? "—" : opts.dbLabel,
      size: `${c.ack.length} × (${opts.concurrency} concurrent)`,
      result: `cosell ${stats(c.ack)} | bare ${stats(b.ack)} | p99 ${ratio.toFixed(2)}× bare${kind.name === "submit" ? ` | ${stopped.registered ?? "?"} of ${submitted} registered` : ""}${failed.get(`cosell:${kind.name}`) ? ` | ${failed.get(`cosell:${kind.name}`)} not answered as Slack needs` : ""}`,
      target: `p99 ≤ ${ACK_RATIO} × bare`,
      verdict: ratio <= ACK_RATIO && !failed.get(`cosell:${kind.name}`) && (kind.name !== "submit" || stopped.registered === submitted) ? "ok" : "SLOW",
    });
    if (kind.followup) {
      const lost = c.followup.filter((x) => Number.isNaN(x)).length;
      const s = summarize(c.followup.map((x) => (Number.isNaN(x) ? Number.POSITIVE_INFINITY : x)));
      rows.push({
        benchmark: `waits for: ${kind.followup.label}`,
        db: opts.dbLabel,
        size: `${c.followup.length} answers`,
        result: `${stats(c.followup.filter((x) => !Number.isNaN(x)))}${lost ? ` · ${lost} never arrived` : ""}`,
        target: `p99 ≤ ${fmtMs(kind.followup.targetMs)}`,
        verdict: s.p99 <= kind.followup.targetMs ? "ok" : "SLOW",
      });
    }
  }
  const mb = (b: number | undefined) => `${Math.round((b ?? 0) / 1e6)} MB`;
  rows.push({
    benchmark: `peak memory during the ack runs (${memory.pssReadable ? "PSS" : "RSS"}, sampled every 50 ms)`,
    db: opts.dbLabel,
    size: "—",
    result: `cosell ${mb(memory.peak.get("cosell"))}${pgDb ? " incl. its Postgres backends" : ""} · bare ${mb(memory.peak.get("bare"))} · ${load}`,
    target: "—",
    verdict: "",
  });
  return rows;
}
