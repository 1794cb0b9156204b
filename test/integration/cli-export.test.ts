import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../src/generated/prisma/client";
import { openDatabase } from "../../src/platform/db/client";
import { migrate } from "../../src/platform/db/migrate";
import { CSV_HEADER, parseCsv, toCsv } from "../../src/features/attribution/export-rules";
import { ensureProgram } from "../../src/features/program/program";
import { changeStage } from "../../src/features/stages/change-stage";
import { createDeal } from "../support/deals";
import { createTestDatabase, onPostgres } from "../support/db";
import { seedProgram } from "../support/seed";

// `npm run cosell -- export attribution <period>` is `tsx src/cli.ts …`: run it as a child
// process against a database this test prepares, and read the CSV it prints.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");
const run = promisify(execFile);

async function cli(args: string[], env: Record<string, string>) {
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.DATABASE_URL;
  delete base.COSELL_DATA_DIR;
  try {
    const r = await run(TSX, ["src/cli.ts", ...args], { cwd: ROOT, env: { ...base, ...env }, timeout: 60_000, maxBuffer: 10 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/**
 * The program runs in New York. Deal A is won at 23:30 on 31 December New York time
 * (04:30 UTC on 1 January): it belongs to 2026-Q4 in the program's timezone.
 * Deal B is won in November.
 */
async function prepare(prisma: PrismaClient) {
  await ensureProgram(prisma, { timezone: "America/New_York" });
  const p = await seedProgram(prisma);
  const a = await createDeal(prisma, p, { accountName: "Acme, Inc.\nEMEA", now: new Date("2026-11-02T09:00:00Z") });
  const b = await createDeal(prisma, p, { currency: "JPY", amountMinor: 12_345_678, now: new Date("2026-11-02T09:00:00Z") });
  const won = (dealId: string, now: string) =>
    changeStage(prisma, { dealId, to: "CLOSED_WON", by: "U_REP", isAdmin: false, confirmedGaps: true, now: new Date(now) });
  expect((await won(a.dealId, "2027-01-01T04:30:00Z")).ok).toBe(true);
  expect((await won(b.dealId, "2026-11-20T15:00:00Z")).ok).toBe(true);
  return { a, b };
}

function checkQ4(stdout: string, refs: { a: number; b: number }) {
  const [header, ...rows] = parseCsv(stdout);
  expect(header).toEqual([...CSV_HEADER]);
  const col = (n: (typeof CSV_HEADER)[number]) => CSV_HEADER.indexOf(n);
  // Two organizations per deal (Acme and us), the November deal first.
  expect(rows.map((r) => [r[col("deal")], r[col("organization")]])).toEqual([
    [`CS-${refs.b}`, "Acme Data"],
    [`CS-${refs.b}`, "Ourco"],
    [`CS-${refs.a}`, "Acme Data"],
    [`CS-${refs.a}`, "Ourco"],
  ]);
  const jpy = rows.filter((r) => r[col("currency")] === "JPY");
  // Solo pool 20% of ¥12,345,678 = ¥2,469,136 (rounded half up), all to Acme; no decimals for yen.
  expect(jpy.map((r) => r[col("payout")])).toEqual(["2469136", "0"]);
  const late = rows.filter((r) => r[col("deal")] === `CS-${refs.a}`);
  expect(late[0]![col("account")]).toBe("Acme, Inc.\nEMEA");
  expect(late[0]![col("payout")]).toBe("20000.00");
  expect(late[0]![col("computed_at")]).toBe("2027-01-01T04:30:00.000Z");
  expect(stdout).toContain('"Acme, Inc.\nEMEA"');
}

describe("cosell CLI: export attribution", () => {
  let dir: string;
  let refs: { a: number; b: number };
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "cosell-cli-"));
    const db = await openDatabase({ dataDir: path.join(dir, "data") });
    try {
      await migrate(db.sql);
      const { a, b } = await prepare(db.prisma);
      refs = { a: a.ref, b: b.ref };
    } finally {
      await db.close();
    }
  }, 120_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("prints the CSV for a quarter in the program's timezone to stdout", async () => {
    const r = await cli(["export", "attribution", "2026-Q4"], { COSELL_DATA_DIR: path.join(dir, "data") });
    expect(r.stderr).toContain("4 rows, 2 deals for 2026-Q4 (2026-10-01 to 2026-12-31, America/New_York)");
    expect(r.code).toBe(0);
    checkQ4(r.stdout, refs);
  }, 120_000);

  it("writes --out file.csv; a month holds only its own records; bad input exits 2 with the reason", async () => {
    const out = path.join(dir, "nov.csv");
    const r = await cli(["export", "attribution", "2026-11", "--out", out], { COSELL_DATA_DIR: path.join(dir, "data") });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const rows = parseCsv(readFileSync(out, "utf8"));
    expect(rows).toHaveLength(3);
    expect(rows.slice(1).every((row) => row[0] === `CS-${refs.b}`)).toBe(true);

    const bad = await cli(["export", "attribution", "2026-Q5"], { COSELL_DATA_DIR: path.join(dir, "data") });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Q1 to Q4/);
    const unknown = await cli(["frobnicate"], { COSELL_DATA_DIR: path.join(dir, "data") });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command: frobnicate[\s\S]*export attribution <period>/);

    const audits = await (async () => {
      const db = await openDatabase({ dataDir: path.join(dir, "data") });
      try {
        return await db.prisma.auditEvent.findMany({ where: { action: "attribution.export" } });
      } finally {
        await db.close();
      }
    })();
    expect(audits.map((a) => (a.detail as { via: string; period: string }).period).sort()).toEqual(["2026-11", "2026-Q4"]);
    expect(audits.every((a) => a.actor.startsWith("cli"))).toBe(true);
  }, 120_000);

  it.runIf(onPostgres)(
    "reads DATABASE_URL when set",
    async () => {
      const db = await createTestDatabase();
      try {
        const { a, b } = await prepare(db.prisma);
        const r = await cli(["export", "attribution", "2026-Q4"], { DATABASE_URL: db.url! });
        expect(r.code).toBe(0);
        checkQ4(r.stdout, { a: a.ref, b: b.ref });
      } finally {
        await db.close();
      }
    },
    120_000,
  );
});

describe("cosell CLI: payouts, finance's round trip", () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "cosell-cli-payouts-"));
    const db = await openDatabase({ dataDir: path.join(dir, "data") });
    try {
      await migrate(db.sql);
      await prepare(db.prisma);
    } finally {
      await db.close();
    }
  }, 120_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("export, approve, mark paid from the filled-in file (twice: nothing paid twice), audited; a bad file writes nothing", async () => {
    const env = { COSELL_DATA_DIR: path.join(dir, "data") };
    const file = path.join(dir, "payouts.csv");
    const exported = await cli(["export", "payouts", "2026-Q4", "--out", file], env);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toContain("2 payout lines earned in 2026-Q4");
    const [header, ...rows] = parseCsv(readFileSync(file, "utf8"));
    const col = (n: string) => header!.indexOf(n);
    expect(rows.map((r) => r[col("status")])).toEqual(["pending", "pending"]);

    // Pending lines cannot be paid: the whole file is refused, nothing written.
    writeFileSync(file, toCsv([header!, ...rows.map((r) => r.map((c, j) => (j === col("reference") ? "WIRE-7" : c)))]));
    const early = await cli(["payouts", "mark-paid", "--file", file], env);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain("Nothing was marked paid: 2 lines have problems");
    expect(early.stderr).toContain("not approved yet: approve it first");

    const approved = await cli(["payouts", "approve", "2026-Q4"], env);
    expect(approved.stdout).toContain("2 payout lines approved for 2026-Q4");
    const paid = await cli(["payouts", "mark-paid", "--file", file], env);
    expect(paid.code).toBe(0);
    expect(paid.stdout).toContain("2 payout lines marked paid");
    const again = await cli(["payouts", "mark-paid", "--file", file], env);
    expect(again.stdout).toContain("0 payout lines marked paid, 2 already paid with the same reference");

    const db = await openDatabase({ dataDir: path.join(dir, "data") });
    try {
      expect((await db.prisma.payoutLine.findMany()).map((l) => [l.status, l.reference])).toEqual([
        ["PAID", "WIRE-7"],
        ["PAID", "WIRE-7"],
      ]);
      expect(
        (await db.prisma.auditEvent.findMany({ where: { action: { in: ["payouts.export", "payouts.approve", "payouts.paid"] } } })).map((a) => a.action).sort(),
      ).toEqual(["payouts.approve", "payouts.export", "payouts.paid"]);
    } finally {
      await db.close();
    }
  }, 180_000);
});
