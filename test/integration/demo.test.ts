import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/platform/db/client";
import { migrate } from "../../src/platform/db/migrate";
import { DEMO_MARKER, DEMO_PAIRINGS, seedDemo } from "../../dev/demo/seed";
import { UserError } from "../../src/platform/errors";
import { ensureProgram } from "../../src/features/program/program";
import { createTestDatabase, onPostgres, type TestDatabase } from "../support/db";
import { seedProgram } from "../support/seed";

// The demo program (dev/demo/seed.ts) through the real use cases, and the CLI's digest preview
// (`npm run cosell -- digest --preview`) printing it from the database.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");
const run = promisify(execFile);
const NOW = new Date("2026-11-16T15:00:00Z");

let dir: string;
let db: Database | TestDatabase;
let open = true;
let env: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "cosell-demo-"));
  if (onPostgres) {
    const t = await createTestDatabase();
    db = t;
    env = { DATABASE_URL: t.url! };
  } else {
    db = await openDatabase({ dataDir: dir });
    await migrate(db.sql);
    env = { COSELL_DATA_DIR: dir };
  }
}, 120_000);
afterAll(async () => {
  if (open) await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]) {
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.DATABASE_URL;
  delete base.COSELL_DATA_DIR;
  try {
    const r = await run(TSX, ["src/cli.ts", ...args], { cwd: ROOT, env: { ...base, ...env }, timeout: 90_000, maxBuffer: 10 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("the demo program", () => {
  it("seeds ~60 deals in 3 pairings, deterministically, and a second run adds nothing", async () => {
    const first = await seedDemo(db, { now: NOW });
    expect(first.created).toBe(true);
    // seed 42 and this `now` always give the same program
    expect(first).toMatchObject({ deals: 63, touchpoints: 221, asks: 26, disputes: 4 });
    const counts = async () => ({
      orgs: await db.prisma.organization.count(),
      pairings: await db.prisma.pairing.count(),
      deals: await db.prisma.deal.count(),
      touchpoints: await db.prisma.touchpoint.count(),
      records: await db.prisma.attributionRecord.count(),
      disputes: await db.prisma.dispute.count(),
      pending: await db.prisma.outboxMessage.count({ where: { status: "PENDING" } }),
    });
    const before = await counts();
    expect(before).toMatchObject({ orgs: 6, pairings: 3, deals: 63, touchpoints: 221, disputes: 4, pending: 0 });
    // Every registration status: ours auto-approved; partners' pending (one a conflict), returned, approved and expiring; expired ones.
    const status = async (s: "SUBMITTED" | "APPROVED" | "RETURNED" | "EXPIRED") => db.prisma.deal.count({ where: { registrationStatus: s } });
    expect(await status("SUBMITTED")).toBe(2);
    expect(await status("RETURNED")).toBe(1);
    expect(await status("EXPIRED")).toBeGreaterThan(0);
    expect(await db.prisma.deal.count({ where: { registrationStatus: "SUBMITTED", conflictWithDealId: { not: null } } })).toBe(1);
    const expiring = await db.prisma.deal.count({
      where: {
        registrationStatus: "APPROVED",
        protectedUntil: { gt: NOW, lte: new Date(NOW.getTime() + 14 * 86_400_000) },
        stage: { notIn: ["CLOSED_WON", "CLOSED_LOST"] },
      },
    });
    expect(expiring).toBeGreaterThan(0);
    expect(before.records).toBeGreaterThan(5);
    expect(await db.prisma.deal.count({ where: { stage: "CLOSED_LOST" } })).toBeGreaterThan(5);

    const again = await seedDemo(db, { now: new Date(NOW.getTime() + 3_600_000) });
    expect(again.created).toBe(false);
    expect(await counts()).toEqual(before);
    expect(await db.prisma.auditEvent.count({ where: { action: DEMO_MARKER } })).toBe(1);
  }, 180_000);

  it("the CLI prints the digests from the database", async () => {
    // One process at a time may open an embedded data directory: the CLI is another process.
    if (!onPostgres) {
      await db.close();
      open = false;
    }
    const pairing = await cli(["digest", "--preview", "--pairing", DEMO_PAIRINGS.initech, "--now", NOW.toISOString()]);
    expect(pairing.stderr).toBe("");
    expect(pairing.code).toBe(0);
    expect(pairing.stdout).toContain("🗓️ Weekly co-sell standup · Northwind + Initech");
    expect(pairing.stdout).toContain("Pipeline by stage");
    expect(pairing.stdout).not.toContain("Internal: budget owner"); // the deals' internal notes
    expect(pairing.stdout).not.toMatch(/commission/i);
    const manager = await cli(["digest", "--preview", "--now", NOW.toISOString()]);
    expect(manager.code).toBe(0);
    expect(manager.stdout).toContain("📊 Co-sell program digest");
    expect(manager.stdout).toContain("❌ end it · Northwind + Umbrella + Stark");
    const bad = await cli(["digest", "--pairing", "nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Only --preview is supported");
    const unknown = await cli(["digest", "--preview", "--pairing", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('There is no pairing called "nope"');
  }, 180_000);
});

describe("a database that already holds a program", () => {
  it("is refused, and nothing is written", async () => {
    const other = await createTestDatabase();
    try {
      await ensureProgram(other.prisma, { timezone: "UTC" });
      await seedProgram(other.prisma);
      await expect(seedDemo(other, { now: NOW })).rejects.toThrow(UserError);
      await expect(seedDemo(other, { now: NOW })).rejects.toThrow(/already holds a program \(our organization: Ourco\)/);
      expect(await other.prisma.deal.count()).toBe(0);
    } finally {
      await other.close();
    }
  });
});
