// npm run bench:map [-- --size 100000]
//
// Account mapping at scale: our customer list and a partner's customer list of --size accounts
// each (default 1,000,000; generated deterministically), plus our prospect list of size/10.
// Phases: CSV → rows (the real reader), import (the real one-transaction import), the overlap
// counts, the top 20 targets, and a re-import of the partner's list with 1% of it changed.
// Prints the time of each phase and the peak RSS (sampled every 20 ms). On embedded PGlite
// (a temporary data directory), or on Postgres when BENCH_DATABASE_URL / DATABASE_URL is set:
// a throwaway database is created on that server and dropped afterwards.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase, type Database } from "../src/platform/db/client";
import { migrate } from "../src/platform/db/migrate";
import { readAccountFile, type AccountRow, type AccountStatus } from "../src/features/account-map/rules";
import { importAccountList, loadAccountMap } from "../src/features/account-map/account-map";
import { ensureProgram } from "../src/features/program/program";
import { prng } from "./lib";

function argNumber(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(String(process.argv[i + 1]).replace(/_/g, ""));
  if (!Number.isInteger(n) || n < 1000) throw new Error(`--${name} needs a whole number ≥ 1000`);
  return n;
}

const SIZE = argNumber("size", 1_000_000);
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
const dbLabel = adminUrl ? "Postgres" : "PGlite";

// Peak memory: sampled, since a short spike between two phases is what runs a box out of memory.
let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

const results: { phase: string; ms: number; note: string }[] = [];
async function phase<T>(name: string, fn: () => Promise<T> | T, note: (v: T) => string = () => ""): Promise<T> {
  const t0 = performance.now();
  const v = await fn();
  const ms = performance.now() - t0;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  results.push({ phase: name, ms, note: note(v) });
  console.error(`  ${name}: ${fmt(ms)} ${note(v)}`);
  return v;
}
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

/**
 * A list as a CRM exports it. Domains `acct<k>.example.com`: our customers are k in [0, N),
 * theirs k in [0.8N, 1.8N) — 20% customer overlap; our prospects k in [1.0N, 1.1N), all of them
 * the partner's customers. ARR on 70% of rows, an owner on 60%, 2% strategic; some rows written
 * with https://www. and upper case, as people paste them.
 */
function listCsv(seed: number, from: number, count: number): string {
  const rnd = prng(seed);
  const out: string[] = ["Account Name,Website,Account Owner,ARR,Strategic"];
  for (let k = from; k < from + count; k++) {
    const r = rnd();
    const domain = r < 0.1 ? `https://www.ACCT${k}.example.com/` : `acct${k}.example.com`;
    const arr = rnd() < 0.7 ? `$${Math.floor(rnd() * 2000)}k` : "";
    const owner = rnd() < 0.6 ? `Owner ${Math.floor(rnd() * 500)}` : "";
    const strategic = rnd() < 0.02 ? "yes" : "";
    out.push(`"Account ${k}, Inc.",${domain},${owner},${arr},${strategic}`);
  }
  return `${out.join("\r\n")}\r\n`;
}

function read(text: string, status: AccountStatus): AccountRow[] {
  const f = readAccountFile(text, { status, maxRows: SIZE * 2 });
  if (!f.ok) throw new Error(f.reason);
  if (f.problems.length > 0) throw new Error(`unexpected problems: ${JSON.stringify(f.problems.slice(0, 3))}`);
  return f.rows;
}

async function freshDatabase(): Promise<{ db: Database; drop: () => Promise<void> }> {
  if (!adminUrl) {
    const dir = mkdtempSync(path.join(tmpdir(), "cosell-bench-map-"));
    const db = await openDatabase({ dataDir: dir });
    await migrate(db.sql);
    return {
      db,
      drop: async () => {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `cosell_bench_map_${randomBytes(4).toString("hex")}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), poolSize: 4 });
  await migrate(db.sql);
  return {
    db,
    drop: async () => {
      await db.close();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function main(): Promise<void> {
  console.error(
    `Account mapping benchmark: ${SIZE.toLocaleString("en-US")} + ${SIZE.toLocaleString("en-US")} accounts on ${dbLabel} (node ${process.version}, max old space ${process.execArgv.find((a) => a.includes("max-old-space")) ?? "default"})`,
  );
  const { db, drop } = await freshDatabase();
  try {
    const prisma = db.prisma;
    await ensureProgram(prisma, { timezone: "UTC" });
    const ours = await prisma.organization.create({ data: { name: "Ourco", kind: "INTERNAL" } });
    const acme = await prisma.organization.create({ data: { name: "Acme Data", kind: "PARTNER", partnerType: "TECHNOLOGY" } });
    const now = new Date();
    const imp = (orgId: string, status: AccountStatus, rows: AccountRow[]) =>
      importAccountList(prisma, { orgId, rows, statuses: [status], actor: "bench", source: "bench", fileName: null, rejectedRows: 0, now });

    let ourCsv: string | null = await phase(
      "generate CSV (ours)",
      () => listCsv(1, 0, SIZE),
      (s) => `${mb(s.length)}`,
    );
    const ourRows = await phase(
      "read CSV (ours)",
      () => read(ourCsv!, "CUSTOMER"),
      (r) => `${r.length.toLocaleString("en-US")} rows`,
    );
    ourCsv = null;
    await phase("import (ours, new list)", () => imp(ours.id, "CUSTOMER", ourRows));
    ourRows.length = 0;
    const prospects = read(listCsv(3, SIZE, Math.floor(SIZE / 10)), "PROSPECT");
    await phase(
      "import (our prospects)",
      () => imp(ours.id, "PROSPECT", prospects),
      () => `${prospects.length.toLocaleString("en-US")} rows`,
    );
    prospects.length = 0;

    const theirCsv = listCsv(2, Math.floor(SIZE * 0.8), SIZE);
    const theirRows = await phase(
      "read CSV (theirs)",
      () => read(theirCsv, "CUSTOMER"),
      (r) => `${r.length.toLocaleString("en-US")} rows`,
    );
    await phase("import (theirs, new list)", () => imp(acme.id, "CUSTOMER", theirRows));

    await phase(
      "map: overlap counts",
      () => loadAccountMap(prisma, { partnerOrgId: acme.id, targets: false }),
      (m) =>
        `cust∩cust ${m.counts.customerOverlap.toLocaleString("en-US")}, prospect∩cust ${m.counts.prospectOverlap.toLocaleString("en-US")}, whitespace ${m.counts.whitespace.toLocaleString("en-US")}`,
    );
    await phase(
      "map: counts + top 20 targets",
      () => loadAccountMap(prisma, { partnerOrgId: acme.id, targets: true, limit: 20 }),
      (m) => `#1 ${m.targets[0]?.domain} (score ${m.targets[0]?.score})`,
    );

    // Next quarter: 1% of their accounts changed, 1% gone, 1% new.
    const rnd = prng(4);
    const onePct = Math.floor(SIZE / 100);
    const next = theirRows.slice(onePct).map((r) => (rnd() < 0.0101 ? { ...r, owner: "New Owner", arrMinor: (r.arrMinor ?? 0) + 100 } : r));
    for (let i = 0; i < onePct; i++) next.push({ ...theirRows[0]!, row: 0, name: `New ${i}`, domain: `new${i}.example.org` });
    await phase(
      "re-import (theirs, 1% changed)",
      () => imp(acme.id, "CUSTOMER", next),
      (r) => {
        const c = r.lists[0]!;
        return `+${c.added.toLocaleString("en-US")} −${c.removed.toLocaleString("en-US")} ~${c.changed.toLocaleString("en-US")}`;
      },
    );
    clearInterval(sampler);
    const total = results.reduce((s, r) => s + r.ms, 0);
    console.log(`\n| phase (${dbLabel}, ${SIZE.toLocaleString("en-US")} + ${SIZE.toLocaleString("en-US")}) | time | |`);
    console.log("|---|---|---|");
    for (const r of results) console.log(`| ${r.phase} | ${fmt(r.ms)} | ${r.note} |`);
    console.log(`| total | ${fmt(total)} | peak RSS ${mb(peakRss)} |`);
  } finally {
    clearInterval(sampler);
    await drop();
  }
}

await main();
