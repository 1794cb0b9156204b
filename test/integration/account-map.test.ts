import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli";
import { fixedClock } from "../../src/platform/clock";
import { openDatabase } from "../../src/platform/db/client";
import { migrate } from "../../src/platform/db/migrate";
import type { AppDeps } from "../../src/platform/deps";
import type { PrismaClient } from "../../src/generated/prisma/client";
import { MAP_REFRESH_JOB, runMapRefresh } from "../../src/features/account-map/refresh-job";
import { createLogger } from "../../src/platform/logger";
import { importAccountFile, loadAccountMap, pickOverlapsToPursue, requestIntro } from "../../src/features/account-map/account-map";
import { renderAccountMap } from "../../src/features/account-map/render";
import { overlapSets } from "../../src/features/account-map/rules";
import { ensureProgram } from "../../src/features/program/program";
import { changeStage } from "../../src/features/stages/change-stage";
import { logTouchpoint } from "../../src/features/touchpoints/log-touchpoint";
import { testConfig } from "../support/app";
import { createTestDatabase, onPostgres, type TestDatabase } from "../support/db";
import { createDeal } from "../support/deals";
import { useTestDb } from "../support/fixtures";
import { renderedPayload } from "../support/outbox";
import { seedProgram } from "../support/seed";

// Account lists and overlaps on a real database (PGlite, or Postgres with TEST_DATABASE_URL).

const now = new Date("2026-11-16T10:00:00Z");
const csv = (lines: string[]) => Buffer.from(`${lines.join("\r\n")}\r\n`);

async function importCsv(prisma: PrismaClient, orgId: string, status: "CUSTOMER" | "PROSPECT" | null, lines: string[], at = now) {
  return importAccountFile(prisma, { orgId, status, bytes: csv(lines), fileName: "list.csv", actor: "U_ADMIN", source: "slack", now: at });
}

// A database of its own for each of the first two groups (the third runs the CLI on another).
const importing = useTestDb({ seed: true });
const mapping = useTestDb({ seed: true });

describe("importing account lists", () => {
  const { db, p } = importing;

  it("imports the good rows, normalized, and reports the bad ones with row numbers", async () => {
    const o = await importCsv(db.prisma, p.acme.id, "CUSTOMER", [
      "Account Name,Website,Account Owner,ARR,Strategic",
      "Northwind,https://www.Northwind.com/about,Bob,$120k,yes",
      "Contoso,contoso.com,,1.2m,",
      "Broken,not a domain,,,",
      "Northwind again,NORTHWIND.COM,,,",
      "Fabrikam,fabrikam.com,,lots,",
    ]);
    expect(o.refused).toBeUndefined();
    expect(o.problems.map((x) => x.row)).toEqual([4, 5, 6]);
    expect(o.problems[1]!.reason).toMatch(/northwind\.com is already in row 2/);
    expect(o.result!.lists).toEqual([
      { status: "CUSTOMER", created: true, previousRowCount: 0, rowCount: 2, added: 2, removed: 0, churned: 0, changed: 0, unchanged: 0 },
    ]);

    const accounts = await db.prisma.account.findMany({ where: { orgId: p.acme.id }, orderBy: { domain: "asc" } });
    expect(accounts.map((a) => [a.domain, a.name, a.status, a.owner, a.arrMinor, a.strategic])).toEqual([
      ["contoso.com", "Contoso", "CUSTOMER", null, 120_000_000n, false],
      ["northwind.com", "Northwind", "CUSTOMER", "Bob", 12_000_000n, true],
    ]);
    const list = await db.prisma.accountList.findUniqueOrThrow({ where: { orgId_status: { orgId: p.acme.id, status: "CUSTOMER" } } });
    expect(list.rowCount).toBe(2);
    expect(list.changeSummary).toMatchObject({ added: 2, removed: 0, changed: 0, rejectedRows: 3, source: "slack", fileName: "list.csv" });
  });

  it("re-importing replaces the list and records what changed (and an audit event)", async () => {
    const o = await importCsv(
      db.prisma,
      p.acme.id,
      "CUSTOMER",
      ["Name,Domain,Owner,ARR,Strategic", "Northwind,northwind.com,Alice,$120k,yes", "Globex Corp,globex.io,,,", "Initech,initech.com,,,"],
      new Date("2026-11-17T10:00:00Z"),
    );
    // contoso.com removed; northwind.com owner changed; globex.io and initech.com added
    expect(o.result!.lists).toEqual([
      { status: "CUSTOMER", created: false, previousRowCount: 2, rowCount: 3, added: 2, removed: 1, churned: 1, changed: 1, unchanged: 0 },
    ]);
    // The customer that left the list is flagged as churned, with what it was.
    const churned = await db.prisma.churnedAccount.findMany({ where: { orgId: p.acme.id } });
    expect(churned.map((c) => [c.domain, c.name, c.arrMinor, c.churnedAt.toISOString()])).toEqual([
      ["contoso.com", "Contoso", 120_000_000n, "2026-11-17T10:00:00.000Z"],
    ]);
    const domains = (await db.prisma.account.findMany({ where: { orgId: p.acme.id }, orderBy: { domain: "asc" } })).map((a) => [a.domain, a.owner]);
    expect(domains).toEqual([
      ["globex.io", null],
      ["initech.com", null],
      ["northwind.com", "Alice"],
    ]);
    const list = await db.prisma.accountList.findUniqueOrThrow({ where: { orgId_status: { orgId: p.acme.id, status: "CUSTOMER" } } });
    expect(list.importedAt.toISOString()).toBe("2026-11-17T10:00:00.000Z");
    expect(list.changeSummary).toMatchObject({ added: 2, removed: 1, changed: 1, previousRowCount: 2, rowCount: 3 });
    const audits = await db.prisma.auditEvent.findMany({
      where: { action: "account-list.import", subject: `org:${p.acme.id}` },
      orderBy: { createdAt: "asc" },
    });
    expect(audits).toHaveLength(2);
    expect(audits[1]!.detail).toMatchObject({ org: "Acme Data", lists: [{ status: "CUSTOMER", added: 2, removed: 1, changed: 1 }] });

    // The same file again: nothing changes.
    const again = await importCsv(db.prisma, p.acme.id, "CUSTOMER", [
      "Name,Domain,Owner,ARR,Strategic",
      "Northwind,northwind.com,Alice,$120k,yes",
      "Globex Corp,globex.io,,,",
      "Initech,initech.com,,,",
    ]);
    expect(again.result!.lists[0]).toMatchObject({ added: 0, removed: 0, changed: 0, unchanged: 3 });

    // Listed as a customer again: no longer churned.
    await importCsv(db.prisma, p.acme.id, "CUSTOMER", [
      "Name,Domain",
      "Northwind,northwind.com",
      "Globex Corp,globex.io",
      "Initech,initech.com",
      "Contoso,contoso.com",
    ]);
    expect(await db.prisma.churnedAccount.count({ where: { orgId: p.acme.id } })).toBe(0);
  });

  it("a file read by its Status column replaces only the lists it names", async () => {
    await importCsv(db.prisma, p.globex.id, "PROSPECT", ["Domain", "keep-me.com"]);
    const o = await importCsv(db.prisma, p.globex.id, null, ["Domain,Type", "a.com,Customer", "b.com,customer"]);
    expect(o.result!.lists.map((l) => l.status)).toEqual(["CUSTOMER"]);
    expect(await db.prisma.account.count({ where: { orgId: p.globex.id, status: "PROSPECT" } })).toBe(1);
    const both = await importCsv(db.prisma, p.globex.id, null, ["Domain,Type", "a.com,Customer", "c.com,Prospect"]);
    expect(both.result!.lists.map((l) => [l.status, l.added, l.removed])).toEqual([
      ["CUSTOMER", 0, 1],
      ["PROSPECT", 1, 1],
    ]);
  });

  it("a refused file changes nothing", async () => {
    const before = await db.prisma.account.count();
    const noDomain = await importCsv(db.prisma, p.acme.id, "CUSTOMER", ["Name,Owner", "Acme,Bob"]);
    expect(noDomain.refused).toMatch(/No domain column/);
    const allBad = await importCsv(db.prisma, p.acme.id, "CUSTOMER", ["Domain", "nope", "also nope"]);
    expect(allBad.refused).toMatch(/no row could be imported/);
    expect(allBad.problems.map((x) => x.row)).toEqual([2, 3]);
    const tooBig = await importAccountFile(db.prisma, {
      orgId: p.acme.id,
      status: "CUSTOMER",
      bytes: Buffer.alloc(10 * 1024 * 1024 + 1, 0x61),
      fileName: "big.csv",
      actor: "U_ADMIN",
      source: "cli",
      now,
    });
    expect(tooBig.refused).toMatch(/at most 10 MB/);
    expect(await db.prisma.account.count()).toBe(before);
  });
});

describe("overlaps, targets, intros and the quarterly refresh", () => {
  const { db, p } = mapping;
  let deps: AppDeps;
  beforeAll(async () => {
    deps = { config: testConfig(), db, clock: fixedClock(now), logger: createLogger({ level: "error", secrets: [] }) };
    await importCsv(db.prisma, p.ours.id, "CUSTOMER", [
      "Name,Domain,Owner,ARR",
      "Both One,both1.com,Jane,$50k",
      "Both Two,both2.com,,",
      "Ours Only,ours-only.com,,",
    ]);
    await importCsv(db.prisma, p.ours.id, "PROSPECT", [
      "Name,Domain,Owner,ARR,Strategic",
      "Warm One,warm1.com,,$900k,yes",
      "Warm Two,warm2.com,,,",
      "Both Two,both2.com,,,",
    ]);
    await importCsv(db.prisma, p.acme.id, "CUSTOMER", [
      "Name,Domain,Owner,ARR",
      "Both One,both1.com,Bob,$50k",
      "Both Two,both2.com,,",
      "Warm One,warm1.com,,",
      "Warm Two,warm2.com,,",
      "Space One,space1.com,,$2m",
      "Space Two,space2.com,,",
      "Space Three,space3.com,,",
    ]);
    // An open deal with Acme on warm2.com (Proposal), a closed one on both2.com, and an open
    // Globex deal on space2.com (another pairing: not Acme's).
    const d1 = await createDeal(db.prisma, p, { accountName: "Warm Two", accountDomain: "warm2.com" });
    expect((await changeStage(db.prisma, { dealId: d1.dealId, to: "PROPOSAL", by: "U_REP", isAdmin: false, confirmedGaps: true, now })).ok).toBe(true);
    const d2 = await createDeal(db.prisma, p, { accountName: "Both Two", accountDomain: "both2.com" });
    expect((await changeStage(db.prisma, { dealId: d2.dealId, to: "CLOSED_LOST", by: "U_REP", isAdmin: false, confirmedGaps: true, now })).ok).toBe(true);
    await createDeal(db.prisma, p, {
      accountName: "Space Two",
      accountDomain: "space2.com",
      pairingId: p.globexPairing.id,
      participants: [
        { orgId: p.globex.id, roles: ["SELLING"] },
        { orgId: p.ours.id, roles: ["SOURCING"] },
      ],
      coSellModel: "SELL_THROUGH",
    });
  });

  it("counts customer ∩ customer, our prospects ∩ their customers and whitespace, marking open deals with this partner", async () => {
    const map = await loadAccountMap(db.prisma, { partnerOrgId: p.acme.id, targets: true });
    expect(map.counts).toEqual({ customerOverlap: 2, prospectOverlap: 2, prospectsOfBoth: 0, ourCustomersTheirProspects: 0, whitespace: 3 });
    expect(map.withOpenDeals).toEqual({ customerOverlap: 0, prospectOverlap: 1, prospectsOfBoth: 0, ourCustomersTheirProspects: 0, whitespace: 0 });
    expect(map.ourCustomers?.rowCount).toBe(3);
    expect(map.theirProspects).toBeNull();
    // both2.com is on both of our lists: it counts once, as a customer of both.
    expect(map.targets.find((t) => t.domain === "both2.com")?.kind).toBe("CUSTOMER_OVERLAP");
    // both1: 40 + two owners 6 + $100k combined 25; warm1: 30 + strategic 10 + $900k 29.77;
    // space1: 15 + $2M 30 (ties warm2's 30 + Proposal 15, and wins on ARR); both2: 40.
    expect(map.targets.map((t) => [t.domain, t.score])).toEqual([
      ["both1.com", 71],
      ["warm1.com", 69.8],
      ["space1.com", 45],
      ["warm2.com", 45],
      ["both2.com", 40],
      ["space2.com", 15],
      ["space3.com", 15],
    ]);
    const warm2 = map.targets.find((t) => t.domain === "warm2.com")!;
    expect(warm2.openDeal).toMatchObject({ stage: "PROPOSAL" });
    expect(map.targets.find((t) => t.domain === "space2.com")!.openDeal).toBeNull(); // a Globex deal is not Acme's
    const limited = await loadAccountMap(db.prisma, { partnerOrgId: p.acme.id, targets: true, limit: 3 });
    expect(limited.targets.map((t) => t.domain)).toEqual(map.targets.slice(0, 3).map((t) => t.domain));
  });

  it("counts only, when the viewer gets counts only", async () => {
    const map = await loadAccountMap(db.prisma, { partnerOrgId: p.acme.id, targets: false });
    expect(map.targets).toEqual([]);
    expect(map.counts.whitespace).toBe(3);
    const globex = await loadAccountMap(db.prisma, { partnerOrgId: p.globex.id, targets: true });
    expect(globex.theirCustomers).toBeNull();
    expect(globex.counts).toEqual({ customerOverlap: 0, prospectOverlap: 0, prospectsOfBoth: 0, ourCustomersTheirProspects: 0, whitespace: 0 });
  });

  it("Request intro: an ask on the open deal to the partner's latest touchpoint author, else a post in the pairing channel", async () => {
    const inChannel = await requestIntro(db.prisma, { partnerOrgId: p.acme.id, domain: "space1.com", requestedBy: "U_REP", timezone: "UTC", now });
    expect(inChannel).toEqual({ kind: "channel", channelId: "C_ACME", mentioned: null, created: true });
    const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { dedupeKey: { startsWith: "map-intro:" } } });
    expect(row.method).toBe("intro.requested");
    const msg = { payload: await renderedPayload(db.prisma, row) };
    expect((msg.payload as { channel: string; text: string }).channel).toBe("C_ACME");
    expect((msg.payload as { text: string }).text).toMatch(/<@U_REP> asks \*Acme Data\* for a warm introduction to Space One \(space1\.com\)/);
    // the same request the same day: one post
    expect((await requestIntro(db.prisma, { partnerOrgId: p.acme.id, domain: "space1.com", requestedBy: "U_REP", timezone: "UTC", now })).created).toBe(false);

    const deal = await db.prisma.deal.findFirstOrThrow({ where: { accountDomain: "warm2.com" } });
    await logTouchpoint(db.prisma, {
      dealId: deal.id,
      orgId: p.acme.id,
      userId: "U_ACME",
      type: "MEETING",
      occurredAt: now,
      note: "sync",
      messageLink: null,
      key: "tp-intro",
      now,
    });
    const ask = await requestIntro(db.prisma, { partnerOrgId: p.acme.id, domain: "warm2.com", requestedBy: "U_REP", timezone: "UTC", now });
    expect(ask).toMatchObject({ kind: "ask", ref: deal.ref, ownerUserId: "U_ACME", created: true });
    const stored = await db.prisma.ask.findFirstOrThrow({ where: { dealId: deal.id, ownerUserId: "U_ACME" } });
    expect(stored.text).toMatch(/Warm intro to Warm Two \(warm2\.com\)/);

    // no open deal, but a known person: the channel post names them
    const named = await requestIntro(db.prisma, { partnerOrgId: p.acme.id, domain: "space3.com", requestedBy: "U_REP", timezone: "UTC", now });
    expect(named).toMatchObject({ kind: "channel", mentioned: "U_ACME" });
  });

  it("the quarterly reminder goes to each pairing once per quarter, with the overlaps new since the last one", async () => {
    const at = (iso: string) => new Date(iso);
    expect(await runMapRefresh(deps, at("2027-01-04T08:59:00Z"))).toEqual({ quarter: null, posted: 0 }); // before 09:00 on the first Monday
    expect(await runMapRefresh(deps, at("2027-01-04T09:00:00Z"))).toEqual({ quarter: "2027-Q1", posted: 2 });
    expect(await runMapRefresh(deps, at("2027-01-04T09:15:00Z"))).toEqual({ quarter: "2027-Q1", posted: 0 }); // exactly once
    const runs = await db.prisma.jobRun.findMany({ where: { job: MAP_REFRESH_JOB } });
    expect(runs.map((r) => r.periodKey).sort()).toEqual([`2027-Q1:${p.acmePairing.id}`, `2027-Q1:${p.globexPairing.id}`].sort());
    const acmeRun = runs.find((r) => r.periodKey.endsWith(p.acmePairing.id))!;
    expect(acmeRun.detail).toMatchObject({
      channelId: "C_ACME",
      partners: { [p.acme.id]: { customerOverlap: 2, prospectOverlap: 2, whitespace: 3, overlap: 4 } },
    });
    const first = await db.prisma.outboxMessage.findFirstOrThrow({ where: { dedupeKey: `map-refresh:2027-Q1:${p.acmePairing.id}` } });
    expect(JSON.stringify(first.payload)).toContain("first mapping");

    // Next quarter Acme has two more overlaps (space1 became our customer, space2 our prospect).
    await importCsv(db.prisma, p.ours.id, "CUSTOMER", [
      "Name,Domain",
      "Both One,both1.com",
      "Both Two,both2.com",
      "Ours Only,ours-only.com",
      "Space One,space1.com",
    ]);
    await importCsv(db.prisma, p.ours.id, "PROSPECT", [
      "Name,Domain",
      "Warm One,warm1.com",
      "Warm Two,warm2.com",
      "Both Two,both2.com",
      "Space Two,space2.com",
    ]);
    expect(await runMapRefresh(deps, at("2027-04-05T09:30:00Z"))).toEqual({ quarter: "2027-Q2", posted: 2 });
    const second = await db.prisma.outboxMessage.findFirstOrThrow({ where: { dedupeKey: `map-refresh:2027-Q2:${p.acmePairing.id}` } });
    const text = JSON.stringify(second.payload);
    expect(text).toContain("*2 new overlaps since the last refresh* (was 4)");
    expect((second.payload as { channel: string }).channel).toBe("C_ACME");
  });
});

describe("the CLI: map import", () => {
  let dir: string;
  let env: Record<string, string>;
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "cosell-map-cli-"));
    if (onPostgres) {
      db = await createTestDatabase();
      env = { DATABASE_URL: db.url! };
      await ensureProgram(db.prisma, { timezone: "UTC" });
      await seedProgram(db.prisma);
    } else {
      env = { COSELL_DATA_DIR: path.join(dir, "data") };
      const seed = await openDatabase({ dataDir: env.COSELL_DATA_DIR });
      await migrate(seed.sql);
      await ensureProgram(seed.prisma, { timezone: "UTC" });
      await seedProgram(seed.prisma);
      await seed.close();
    }
  });
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = async (args: string[]) => {
    let stdout = "";
    let stderr = "";
    const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, now: () => now });
    return { code, stdout, stderr };
  };

  it("imports a file, printing what changed and every row it could not take", async () => {
    const file = path.join(dir, "acme-customers.csv");
    writeFileSync(file, "\uFEFFCompany,Website,ARR\r\nNorthwind,northwind.com,$1.2m\r\nBroken,???,\r\nContoso,https://contoso.com/,\r\n");
    const r = await cli(["map", "import", "--org", "acme", "--status", "customers", file]);
    expect(r.stderr).toContain("row 3:");
    expect(r.stdout).toContain("Acme Data customer list: 2 accounts (new list)");
    expect(r.code).toBe(0);
    const show = await cli(["map", "show", "Acme Data"]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain("whitespace (theirs, not ours):    2");

    const bad = await cli(["map", "import", "--org", "Acme Data", file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/customers or prospects/);
    const usage = await cli(["map", "import", "--org", "Acme Data", "--status", "partners", file]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/not customers or prospects/);
  });

  it("a file's internationalized domain and its punycode are one account; names hiding characters are reported by row", async () => {
    const file = path.join(dir, "acme-idn.csv");
    writeFileSync(file, "Company,Website\nBücher,bücher.de\nBücher GmbH,https://www.XN--BCHER-KVA.de/\nSpoof\u202Eexe.txt,spoof.com\nContoso,contoso.com\n");
    const r = await cli(["map", "import", "--org", "Acme Data", "--status", "customers", file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Acme Data customer list: 2 accounts");
    expect(r.stderr).toContain("row 3: xn--bcher-kva.de is already in row 2");
    expect(r.stderr).toMatch(/row 4: the name contains a bidirectional control character, U\+202E/);
  });

  it("--now must be a real calendar date: 2027-02-30 is refused with the usage, not read as 2 March", async () => {
    const bad = await cli(["digest", "--preview", "--now", "2027-02-30T09:00:00Z"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^--now: 2027-02-30 is not a calendar date: February has 28 days\.\nUsage: npm run -s cosell -- digest --preview/);
    expect((await cli(["digest", "--preview", "--now", "2026-11-16T09:00"])).stderr).toMatch(/no timezone: add Z/);
    expect((await cli(["digest", "--preview", "--now", "2040-01-01T00:00:00Z"])).stderr).toMatch(/more than 10 years ahead/);
    const ok = await cli(["digest", "--preview", "--manager", "--now", "2026-11-16T09:00:00Z"]);
    expect(ok.code).toBe(0);
  });
});

const views = useTestDb({ seed: true });

describe("the five overlap kinds, churn and Pick 5 to pursue on a real database", () => {
  const { db, p } = views;
  const domains = (xs: string[]) => ["Name,Domain", ...xs.map((d) => `${d.split(".")[0]},${d}`)];

  it("the database's counts and top lists agree with the pure overlap sets (hand-checked lists)", async () => {
    const lists = {
      ourCustomers: ["a.com", "b.com", "c.com", "d.com"],
      ourProspects: ["e.com", "f.com", "g.com"],
      theirCustomers: ["a.com", "e.com", "h.com", "i.com"],
      theirProspects: ["b.com", "f.com", "j.com", "c.com"],
    };
    await importCsv(db.prisma, p.ours.id, "CUSTOMER", domains(lists.ourCustomers));
    await importCsv(db.prisma, p.ours.id, "PROSPECT", domains(lists.ourProspects));
    await importCsv(db.prisma, p.acme.id, "CUSTOMER", domains(lists.theirCustomers));
    await importCsv(db.prisma, p.acme.id, "PROSPECT", domains(lists.theirProspects));
    const sets = overlapSets(lists);
    const map = await loadAccountMap(db.prisma, { partnerOrgId: p.acme.id, targets: true });
    expect(map.counts).toEqual({
      customerOverlap: sets.CUSTOMER_OVERLAP.length,
      prospectOverlap: sets.PROSPECT_OVERLAP.length,
      prospectsOfBoth: sets.PROSPECTS_OF_BOTH.length,
      ourCustomersTheirProspects: sets.OUR_CUSTOMER_THEIR_PROSPECT.length,
      whitespace: sets.WHITESPACE.length,
    });
    expect(map.counts).toEqual({ customerOverlap: 1, prospectOverlap: 1, prospectsOfBoth: 1, ourCustomersTheirProspects: 2, whitespace: 2 });
    // Top shared: customers of both 40 > prospects of both 35 > our prospect + their customer 30 > our customers + their prospects 20.
    expect(map.topShared.map((t) => [t.domain, t.kind])).toEqual([
      ["a.com", "CUSTOMER_OVERLAP"],
      ["f.com", "PROSPECTS_OF_BOTH"],
      ["e.com", "PROSPECT_OVERLAP"],
      ["b.com", "OUR_CUSTOMER_THEIR_PROSPECT"],
      ["c.com", "OUR_CUSTOMER_THEIR_PROSPECT"],
    ]);
    expect(map.topWhitespace.map((t) => t.domain)).toEqual(sets.WHITESPACE);
  });

  it("a customer dropped at re-import is flagged as churned on the map, while the other side still lists it", async () => {
    const later = new Date("2026-11-20T10:00:00Z");
    // a.com (customers of both) leaves Acme's customer list.
    await importCsv(db.prisma, p.acme.id, "CUSTOMER", domains(["e.com", "h.com", "i.com"]), later);
    const map = await loadAccountMap(db.prisma, { partnerOrgId: p.acme.id, targets: true, churnSince: new Date("2026-11-01T00:00:00Z") });
    expect(map.churned).toEqual([{ side: "theirs", domain: "a.com", name: "a", arrMinor: null, churnedAt: later }]);
    expect(map.counts.customerOverlap).toBe(0);
    const msg = JSON.stringify(renderAccountMap(map, { level: "internal", currency: "USD" }).blocks);
    expect(msg).toContain("Churned this quarter");
    expect(msg).toContain("a (a.com) — dropped from Acme Data's customers");
    // Partners never see the churn list.
    expect(JSON.stringify(renderAccountMap(map, { level: "details", currency: "USD" }).blocks)).not.toContain("Churned");
    // Outside the window: not shown.
    expect((await loadAccountMap(db.prisma, { partnerOrgId: p.acme.id, targets: false, churnSince: new Date("2026-11-21T00:00:00Z") })).churned).toEqual([]);
  });

  it("Pick 5 to pursue: at most five, only the alert's accounts, asks where there is a deal and a person, once", async () => {
    // Acme lists six new prospects that we have: six new overlaps, one alert.
    await importCsv(db.prisma, p.ours.id, "PROSPECT", domains(["e.com", "f.com", "g.com", "n1.com", "n2.com", "n3.com", "n4.com", "n5.com"]));
    const r = await importCsv(
      db.prisma,
      p.acme.id,
      "PROSPECT",
      domains(["b.com", "f.com", "j.com", "c.com", "n1.com", "n2.com", "n3.com", "n4.com", "n5.com", "g.com"]),
    );
    const [alert] = r.result!.newOverlaps;
    expect(alert).toMatchObject({ partnerOrgId: p.acme.id, channelId: "C_ACME", total: 6 });
    const stored = await db.prisma.overlapAlert.findUniqueOrThrow({ where: { id: alert!.alertId } });
    expect([...stored.domains].sort()).toEqual(["g.com", "n1.com", "n2.com", "n3.com", "n4.com", "n5.com"]);
    expect(stored.counts).toMatchObject({ prospectsOfBoth: 6 });
    const outbox = await db.prisma.outboxMessage.findFirstOrThrow({ where: { dedupeKey: `map-new-overlaps:${alert!.alertId}` } });
    expect(outbox.method).toBe("map.new-overlaps");

    // An open Acme deal on n1.com with an Acme touchpoint: that pick becomes an ask.
    const deal = await createDeal(db.prisma, p, { accountName: "n1", accountDomain: "n1.com" });
    await logTouchpoint(db.prisma, {
      dealId: deal.dealId,
      orgId: p.acme.id,
      userId: "U_ACME",
      type: "MEETING",
      occurredAt: now,
      note: "sync",
      messageLink: null,
      key: "tp-pick",
      now,
    });

    const base = { alertId: alert!.alertId, pickedBy: "U_REP", pickerOrgId: p.ours.id, pickerIsPartner: false, now };
    expect(await pickOverlapsToPursue(db.prisma, { ...base, domains: ["g.com", "n1.com", "n2.com", "n3.com", "n4.com", "n5.com"] })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/at most 5/),
    });
    expect(await pickOverlapsToPursue(db.prisma, { ...base, domains: ["a.com"] })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/a\.com is no longer on both lists/),
    });
    const picked = await pickOverlapsToPursue(db.prisma, { ...base, domains: ["n1.com", "n2.com"] });
    expect(picked).toMatchObject({
      ok: true,
      created: true,
      asked: [{ domain: "n1.com", ref: deal.ref, ownerUserId: "U_ACME" }],
      posted: ["n1.com", "n2.com"],
    });
    const ask = await db.prisma.ask.findFirstOrThrow({ where: { dealId: deal.dealId, ownerUserId: "U_ACME" } });
    expect(ask.text).toMatch(/n1 \(n1\.com\) is in both our pipelines/);
    const requests = await db.prisma.introRequest.findMany({ where: { source: "overlap-alert" }, orderBy: { domain: "asc" } });
    expect(requests.map((x) => [x.domain, x.askId])).toEqual([
      ["n1.com", ask.id],
      ["n2.com", null],
    ]);
    const post = await db.prisma.outboxMessage.findFirstOrThrow({ where: { method: "intros.picked" } });
    const rendered = (await renderedPayload(db.prisma, post)) as { channel: string; text: string };
    expect(rendered.channel).toBe("C_ACME");
    expect(rendered.text).toContain("• n1 (n1.com) · CS-");
    expect(rendered.text).toContain("asked <@U_ACME>");
    // Again: nothing new (no second ask, no second post).
    expect(await pickOverlapsToPursue(db.prisma, { ...base, domains: ["n1.com", "n2.com"] })).toMatchObject({ ok: true, created: false });
    expect(await db.prisma.ask.count({ where: { dealId: deal.dealId } })).toBe(1);
    expect(await db.prisma.outboxMessage.count({ where: { method: "intros.picked" } })).toBe(1);
  });

  it("an account that moves between our lists in one import (prospect → customer) is no new overlap", async () => {
    const before = await db.prisma.overlapAlert.count();
    // g.com is our prospect and on Acme's lists; one file now lists it as our customer.
    const r = await importCsv(db.prisma, p.ours.id, null, [
      "Name,Domain,Type",
      "a,a.com,Customer",
      "b,b.com,Customer",
      "c,c.com,Customer",
      "d,d.com,Customer",
      "g,g.com,Customer",
      "e,e.com,Prospect",
      "f,f.com,Prospect",
      ...["n1", "n2", "n3", "n4", "n5"].map((x) => `${x},${x}.com,Prospect`),
    ]);
    expect(r.result!.lists.map((l) => l.status)).toEqual(["CUSTOMER", "PROSPECT"]);
    expect(r.result!.newOverlaps).toEqual([]);
    expect(await db.prisma.overlapAlert.count()).toBe(before);
  });

  it("Request intro clicked twice at once makes one ask and one intro request", async () => {
    const deal = await db.prisma.deal.findFirstOrThrow({ where: { accountDomain: "n1.com" } });
    const again = () => requestIntro(db.prisma, { partnerOrgId: p.acme.id, domain: "n1.com", requestedBy: "U_ADMIN", timezone: "UTC", now });
    const [x, y] = await Promise.all([again(), again()]);
    expect([x.kind, y.kind]).toEqual(["ask", "ask"]);
    expect([x.created, y.created].sort()).toEqual([false, true]);
    expect(await db.prisma.ask.count({ where: { dealId: deal.id, fromUserId: "U_ADMIN" } })).toBe(1);
    expect(await db.prisma.introRequest.count({ where: { domain: "n1.com", requestedBy: "U_ADMIN", source: "map" } })).toBe(1);
  });

  it("in a channel shared with another partner, the picks are posted without the accounts' names", async () => {
    const shared = await db.prisma.pairing.create({
      data: {
        name: "Acme + Globex",
        channelId: "C_SHARED3",
        createdBy: "U_ADMIN",
        members: { create: [{ orgId: p.ours.id }, { orgId: p.acme.id }, { orgId: p.globex.id }] },
      },
    });
    const r = await importCsv(
      db.prisma,
      p.ours.id,
      "PROSPECT",
      domains(["e.com", "f.com", "g.com", "n1.com", "n2.com", "n3.com", "n4.com", "n5.com", "j.com"]),
    );
    const alert = r.result!.newOverlaps.find((a) => a.pairingId === shared.id && a.partnerOrgId === p.acme.id)!;
    expect(alert.total).toBe(1); // j.com: Acme's prospect, now ours too
    await pickOverlapsToPursue(db.prisma, {
      alertId: alert.alertId,
      domains: ["j.com"],
      pickedBy: "U_REP",
      pickerOrgId: p.ours.id,
      pickerIsPartner: false,
      now,
    });
    const post = await db.prisma.outboxMessage.findFirstOrThrow({ where: { method: "intros.picked", dedupeKey: { contains: alert.alertId } } });
    const rendered = (await renderedPayload(db.prisma, post)) as { channel: string; text: string };
    expect(rendered.channel).toBe("C_SHARED3");
    expect(rendered.text).not.toContain("j.com");
    expect(rendered.text).toContain("picked 1 account");
  });
  it("the database agrees with the pure overlap sets for lists drawn at random", async () => {
    // A seeded draw of 40 domains over the four lists (deterministic).
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pool = Array.from({ length: 40 }, (_, i) => `r${i}.com`);
    const pick = () => pool.filter(() => rand() < 0.4);
    const lists = { ourCustomers: pick(), ourProspects: pick(), theirCustomers: pick(), theirProspects: pick() };
    await importCsv(db.prisma, p.ours.id, "CUSTOMER", domains(lists.ourCustomers));
    await importCsv(db.prisma, p.ours.id, "PROSPECT", domains(lists.ourProspects));
    await importCsv(db.prisma, p.globex.id, "CUSTOMER", domains(lists.theirCustomers));
    await importCsv(db.prisma, p.globex.id, "PROSPECT", domains(lists.theirProspects));
    const sets = overlapSets(lists);
    const map = await loadAccountMap(db.prisma, { partnerOrgId: p.globex.id, targets: true, limit: 100 });
    const byKind = (k: string) =>
      map.targets
        .filter((t) => t.kind === k)
        .map((t) => t.domain)
        .sort();
    for (const k of ["CUSTOMER_OVERLAP", "PROSPECT_OVERLAP", "PROSPECTS_OF_BOTH", "OUR_CUSTOMER_THEIR_PROSPECT", "WHITESPACE"] as const) {
      expect(byKind(k)).toEqual(sets[k]);
    }
  });
});
