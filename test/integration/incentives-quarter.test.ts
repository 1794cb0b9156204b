import { describe, expect, it } from "vitest";
import { currentAttributionConfig, saveAttributionConfig } from "../../src/features/attribution/config";
import { recomputeAttribution } from "../../src/features/disputes/disputes";
import { approvePayouts, listPayouts, markPayoutsPaid } from "../../src/features/incentives/payouts";
import { readPeriod } from "../../src/features/attribution/export";
import { runQuarterClose } from "../../src/features/incentives/quarter-close-job";
import { buildPayoutsCsv, PAYOUT_CSV_HEADER, readPaidFile } from "../../src/features/incentives/rules";
import { decideTierProposal } from "../../src/features/incentives/tiers";
import { parseCsv } from "../../src/features/attribution/export-rules";
import { changeStage } from "../../src/features/stages/change-stage";
import { DEFAULT_INCENTIVES } from "../../src/kernel/incentives";
import type { Actor } from "../../src/kernel/access";
import { createDeal } from "../support/deals";
import { useTestDb } from "../support/fixtures";

// A demo quarter (2026-Q4, program timezone UTC) on a real database, the way a program runs it:
// deals registered early, late and after close under the timing ladder; two partners cross the
// co-sell bonus threshold; the quarter close proposes tier changes that an admin confirms or
// keeps; a recompute voids an approved line and adds its replacement; lines are approved in
// bulk and paid from finance's file, twice without paying twice. The payouts CSV is checked row
// by row.

const { db, p } = useTestDb({
  seed: "each",
  truncate: ["PayoutLine", "CoSellBonus", "TierProposal", "JobRun", "OutboxMessage", "AuditEvent", "Deal", "Pairing", "Organization"],
});
const admin: Actor = { kind: "internal", userId: "U_ADMIN", teamId: "T_OURS", isAdmin: true, orgId: null };
const rep: Actor = { kind: "internal", userId: "U_REP", teamId: "T_OURS", isAdmin: false, orgId: null };
const ADMINS = ["U_ADMIN"];
const at = (iso: string) => new Date(iso);

async function useLadder(bonus: Partial<typeof DEFAULT_INCENTIVES.bonus> = {}) {
  const current = await currentAttributionConfig(db.prisma);
  const r = await saveAttributionConfig(db.prisma, {
    config: { ...current.config, incentives: { ...DEFAULT_INCENTIVES, rateMode: "TIMING_LADDER", bonus: { ...DEFAULT_INCENTIVES.bonus, ...bonus } } },
    baseVersion: current.config.version,
    actor: "U_ADMIN",
    now: at("2026-10-01T08:00:00Z"),
  });
  expect(r.kind).toBe("saved");
}

async function trio() {
  return db.prisma.pairing.create({
    data: {
      name: "Ourco + Acme + Globex",
      channelId: "C_TRIO",
      defaultModel: "SELL_WITH",
      createdBy: "U_ADMIN",
      members: { create: [{ orgId: p.ours.id }, { orgId: p.acme.id }, { orgId: p.globex.id }] },
    },
  });
}

async function win(dealId: string, when: string) {
  const r = await changeStage(db.prisma, { dealId, to: "CLOSED_WON", by: "U_ADMIN", isAdmin: true, confirmedGaps: true, now: at(when) });
  expect(r.ok).toBe(true);
}

describe("a demo quarter of incentives", () => {
  it("ladder, bonus, tiers, a recompute, approvals and payments; the payouts CSV row by row", async () => {
    await useLadder();
    const pairing = await trio();
    const coSell = (over: Parameters<typeof createDeal>[2]) =>
      createDeal(db.prisma, p, {
        pairingId: pairing.id,
        participants: [
          { orgId: p.acme.id, roles: ["SOURCING"] },
          { orgId: p.globex.id, roles: ["TECHNICAL_VALIDATION"] },
          { orgId: p.ours.id, roles: ["SELLING"] },
        ],
        ...over,
      });

    // Early (registered before any meeting), won in October.
    const a = await coSell({ accountName: "Initech", accountDomain: "initech.example", amountMinor: 10_000_000, now: at("2026-10-05T09:00:00Z") });
    await win(a.dealId, "2026-10-20T15:00:00Z");
    // Declared late-stage, won in November.
    const b = await coSell({
      accountName: "Hooli",
      accountDomain: "hooli.example",
      amountMinor: 5_000_000,
      timingDeclared: "LATE_STAGE",
      now: at("2026-10-12T09:00:00Z"),
    });
    await win(b.dealId, "2026-11-10T15:00:00Z");
    // Claimed after close by an admin: Not registered, attributed at once.
    const c = await coSell({
      accountName: "Umbrella",
      accountDomain: "umbrella.example",
      amountMinor: 8_000_000,
      stageAtRegistration: "CLOSED_WON",
      registeredBy: "U_ADMIN",
      now: at("2026-12-01T10:00:00Z"),
    });
    // Acme alone, early: its tier is made by this one.
    const d = await createDeal(db.prisma, p, {
      accountName: "Vandelay",
      accountDomain: "vandelay.example",
      amountMinor: 40_000_000,
      now: at("2026-10-02T09:00:00Z"),
    });
    await win(d.dealId, "2026-11-20T15:00:00Z");

    const tiers = await db.prisma.deal.findMany({ where: { id: { in: [a.dealId, b.dealId, c.dealId, d.dealId] } }, select: { id: true, timingTier: true } });
    expect(Object.fromEntries(tiers.map((t) => [t.id, t.timingTier]))).toEqual({
      [a.dealId]: "EARLY",
      [b.dealId]: "LATE_STAGE",
      [c.dealId]: "UNREGISTERED",
      [d.dealId]: "EARLY",
    });

    const q4 = await readPeriod(db.prisma, "2026-Q4", at("2026-12-15T00:00:00Z"), "UTC");
    // Approve everything earned so far; a second approval approves nothing new.
    expect((await approvePayouts(db.prisma, admin, ADMINS, { period: q4, now: at("2026-12-02T09:00:00Z") })).approved).toBe(7);
    expect((await approvePayouts(db.prisma, admin, ADMINS, { period: q4, now: at("2026-12-02T09:01:00Z") })).approved).toBe(0);
    await expect(approvePayouts(db.prisma, rep, ADMINS, { period: q4, now: at("2026-12-02T09:02:00Z") })).rejects.toThrow(/Only a program admin/);

    // Vandelay's amount was wrong: corrected and recomputed. Its approved line is voided and replaced.
    await db.prisma.deal.update({ where: { id: d.dealId }, data: { amountMinor: 30_000_000n } });
    const re = await recomputeAttribution(db.prisma, {
      dealId: d.dealId,
      by: "U_ADMIN",
      reason: "amount corrected",
      key: "re-1",
      now: at("2026-12-03T09:00:00Z"),
    });
    expect(re.result.steps.join(" ")).toMatch(/1 earlier payout line was not paid yet and is voided/);

    // The quarter closes at the first run in January.
    const close = await runQuarterClose({ db, admins: ADMINS, timezone: "UTC" }, at("2027-01-01T00:10:00Z"));
    expect(close.closed).toBe(true);
    expect(close.bonuses.map((x) => [x.name, x.wins, x.kind])).toEqual([
      ["Acme Data", 3, "AMOUNT"],
      ["Globex", 3, "AMOUNT"],
    ]);
    // A second replica (or a restart) closes nothing twice.
    const again = await runQuarterClose({ db, admins: ADMINS, timezone: "UTC" }, at("2027-01-01T00:25:00Z"));
    expect(again.closed).toBe(false);
    expect(await db.prisma.coSellBonus.count()).toBe(2);
    expect(await db.prisma.payoutLine.count({ where: { kind: "BONUS" } })).toBe(2);
    const dm = await db.prisma.outboxMessage.findMany({ where: { dedupeKey: { startsWith: "quarter-close:" } } });
    expect(dm.map((m) => m.dedupeKey)).toEqual(["quarter-close:2026-Q4:U_ADMIN"]);

    // Tier proposals: Acme to Gold, Globex to Silver. The admin confirms Acme and keeps Globex.
    const byName = Object.fromEntries(close.proposals.map((x) => [x.name, x]));
    expect(byName["Acme Data"]).toMatchObject({ from: "INACTIVE", to: "GOLD" });
    expect(byName.Globex).toMatchObject({ from: "INACTIVE", to: "SILVER" });
    const confirm = await decideTierProposal(db.prisma, admin, ADMINS, { proposalId: byName["Acme Data"]!.id, confirm: true, now: at("2027-01-02T10:00:00Z") });
    expect(confirm).toMatchObject({ kind: "decided", confirmed: true, to: "GOLD" });
    await decideTierProposal(db.prisma, admin, ADMINS, { proposalId: byName.Globex!.id, confirm: false, now: at("2027-01-02T10:01:00Z") });
    const twice = await decideTierProposal(db.prisma, admin, ADMINS, { proposalId: byName.Globex!.id, confirm: true, now: at("2027-01-02T10:02:00Z") });
    expect(twice).toMatchObject({ kind: "alreadyDecided", status: "KEPT" });
    const orgs = await db.prisma.organization.findMany({ where: { id: { in: [p.acme.id, p.globex.id] } }, select: { name: true, partnerTier: true } });
    expect(Object.fromEntries(orgs.map((o) => [o.name, o.partnerTier]))).toEqual({ "Acme Data": "GOLD", Globex: "INACTIVE" });

    // Finance pays Initech's lines and Acme's bonus from the file, with references.
    const view = await listPayouts(db.prisma, { period: q4, scope: null });
    const csv = buildPayoutsCsv(view.lines);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([...PAYOUT_CSV_HEADER]);
    const ref = (r: string[]) => r[PAYOUT_CSV_HEADER.indexOf("reference")];
    const col = (name: (typeof PAYOUT_CSV_HEADER)[number]) => PAYOUT_CSV_HEADER.indexOf(name);
    // Before payment: every line, in the order earned. Pools: Initech $100,000 × (25% + 7.5%)
    // = $32,500 split by credit; Hooli $50,000 × (15% + 7.5%) = $11,250; Umbrella $80,000 × (10% +
    // 7.5%) = $14,000; Vandelay first $400,000 × 25% (void), then $300,000 × 25%.
    const shape = rows.slice(1).map((r) => [r[col("organization")], r[col("deal")], r[col("kind")], r[col("amount")], r[col("co_sell")], r[col("status")]]);
    // Each deal's lines sum exactly to its pool (the engine's largest-remainder split by credit).
    expect(shape).toEqual([
      ["Acme Data", `CS-${a.ref}`, "commission", "14445.13", "yes", "approved"],
      ["Globex", `CS-${a.ref}`, "commission", "18054.87", "yes", "approved"],
      ["Acme Data", `CS-${b.ref}`, "commission", "5000.24", "yes", "approved"],
      ["Globex", `CS-${b.ref}`, "commission", "6249.76", "yes", "approved"],
      ["Acme Data", `CS-${d.ref}`, "commission", "100000.00", "no", "void"],
      ["Acme Data", `CS-${c.ref}`, "commission", "6222.52", "yes", "approved"],
      ["Globex", `CS-${c.ref}`, "commission", "7777.48", "yes", "approved"],
      ["Acme Data", `CS-${d.ref}`, "commission", "75000.00", "no", "pending"],
      ["Acme Data", "", "bonus", "5000.00", "yes", "pending"],
      ["Globex", "", "bonus", "5000.00", "yes", "pending"],
    ]);
    expect(rows[9]![col("label")]).toBe("co-sell bonus (2026-Q4, 3 co-sell wins)");
    expect(rows[5]![col("won_at")]).toBe("2026-11-20T15:00:00.000Z");

    // The bonus lines are pending: approving the period again approves them and the new Vandelay line.
    expect((await approvePayouts(db.prisma, admin, ADMINS, { period: q4, now: at("2027-01-03T09:00:00Z") })).approved).toBe(3);

    // Finance fills in references for Initech's lines and Acme's bonus and sends the file back.
    const filled = parseCsv(buildPayoutsCsv((await listPayouts(db.prisma, { period: q4, scope: null })).lines)).map((r, i) => {
      if (i === 0) return r;
      const isInitech = r[col("deal")] === `CS-${a.ref}`;
      const isAcmeBonus = r[col("kind")] === "bonus" && r[col("organization")] === "Acme Data";
      return r.map((cell, j) => (j === col("reference") && (isInitech || isAcmeBonus) ? "WIRE-2027-001" : cell));
    });
    const file = filled.map((r) => r.map((x) => (/[",]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x)).join(",")).join("\r\n");
    const entries = readPaidFile(file);
    expect(entries.entries).toHaveLength(3);
    const paid = await markPayoutsPaid(db.prisma, admin, ADMINS, { entries: entries.entries, now: at("2027-01-05T12:00:00Z") });
    expect(paid).toEqual({ paid: 3, unchanged: 0, problems: [] });
    // The same file again pays nothing twice.
    expect(await markPayoutsPaid(db.prisma, admin, ADMINS, { entries: entries.entries, now: at("2027-01-06T12:00:00Z") })).toEqual({
      paid: 0,
      unchanged: 3,
      problems: [],
    });
    // A file naming a void line (or another reference for a paid one) writes nothing at all.
    const voidLine = (await db.prisma.payoutLine.findFirstOrThrow({ where: { status: "VOID" } })).id;
    const bad = await markPayoutsPaid(db.prisma, admin, ADMINS, {
      entries: [...entries.entries.slice(0, 1).map((e) => ({ ...e, reference: "OTHER" })), { lineId: voidLine, reference: "X" }],
      now: at("2027-01-06T12:00:00Z"),
    });
    expect(bad.paid).toBe(0);
    expect(bad.problems.map((x) => x.message)).toEqual([expect.stringMatching(/already paid with reference "WIRE-2027-001"/), expect.stringMatching(/void/)]);

    // The final CSV, row by row.
    const final = parseCsv(buildPayoutsCsv((await listPayouts(db.prisma, { period: q4, scope: null })).lines)).slice(1);
    const summary = final.map((r) => [r[col("organization")], r[col("deal")], r[col("kind")], r[col("status")], ref(r)]);
    expect(summary).toEqual([
      ["Acme Data", `CS-${a.ref}`, "commission", "paid", "WIRE-2027-001"],
      ["Globex", `CS-${a.ref}`, "commission", "paid", "WIRE-2027-001"],
      ["Acme Data", `CS-${b.ref}`, "commission", "approved", ""],
      ["Globex", `CS-${b.ref}`, "commission", "approved", ""],
      ["Acme Data", `CS-${d.ref}`, "commission", "void", ""],
      ["Acme Data", `CS-${c.ref}`, "commission", "approved", ""],
      ["Globex", `CS-${c.ref}`, "commission", "approved", ""],
      ["Acme Data", `CS-${d.ref}`, "commission", "approved", ""],
      ["Acme Data", "", "bonus", "paid", "WIRE-2027-001"],
      ["Globex", "", "bonus", "approved", ""],
    ]);
    // A later config (a lower Early rate) never changes a frozen deal: a recompute of Initech
    // under its own version pays the same, so no new line.
    const current = await currentAttributionConfig(db.prisma);
    const saved = await saveAttributionConfig(db.prisma, {
      config: { ...current.config, incentives: { ...current.config.incentives, ladderRatesBp: { ...current.config.incentives.ladderRatesBp, EARLY: 2000 } } },
      baseVersion: current.config.version,
      actor: "U_ADMIN",
      now: at("2027-01-07T09:00:00Z"),
    });
    expect(saved.kind).toBe("saved");
    const before = await db.prisma.payoutLine.count();
    const again2 = await recomputeAttribution(db.prisma, { dealId: a.dealId, by: "U_ADMIN", reason: "check", key: "re-2", now: at("2027-01-07T10:00:00Z") });
    expect(again2.result.configVersion).toBe(current.config.version);
    expect(again2.result.pool?.amountMinor).toBe(3_250_000);
    expect(await db.prisma.payoutLine.count()).toBe(before);

    // Partners see only their own lines.
    const globexOnly = await listPayouts(db.prisma, { period: q4, scope: { orgId: p.globex.id, orgName: "Globex" } });
    expect(new Set(globexOnly.lines.map((l) => l.orgName))).toEqual(new Set(["Globex"]));
  });

  it("a bonus as an uplift: next quarter's deals of the partners who earned it carry a +5% line; the pool is unchanged", async () => {
    await useLadder({ kind: "UPLIFT" });
    const pairing = await trio();
    const coSell = (n: number, when: string) =>
      createDeal(db.prisma, p, {
        pairingId: pairing.id,
        accountName: `Co-sell ${n}`,
        accountDomain: `cosell${n}.example`,
        amountMinor: 10_000_000,
        participants: [
          { orgId: p.acme.id, roles: ["SOURCING"] },
          { orgId: p.globex.id, roles: ["TECHNICAL_VALIDATION"] },
          { orgId: p.ours.id, roles: ["SELLING"] },
        ],
        now: at(when),
      });
    for (const [n, when] of [
      [1, "2026-10-05T09:00:00Z"],
      [2, "2026-10-06T09:00:00Z"],
      [3, "2026-10-07T09:00:00Z"],
    ] as const) {
      const dl = await coSell(n, when);
      await win(dl.dealId, "2026-11-01T12:00:00Z");
    }
    const close = await runQuarterClose({ db, admins: ADMINS, timezone: "UTC" }, at("2027-01-01T00:10:00Z"));
    expect(close.bonuses.map((b) => [b.name, b.kind])).toEqual([
      ["Acme Data", "UPLIFT"],
      ["Globex", "UPLIFT"],
    ]);
    expect(await db.prisma.payoutLine.count({ where: { kind: "BONUS" } })).toBe(0);
    const next = await coSell(4, "2027-01-10T09:00:00Z");
    await win(next.dealId, "2027-02-01T12:00:00Z");
    const lines = await db.prisma.payoutLine.findMany({
      where: { dealId: next.dealId },
      include: { org: { select: { name: true } } },
      orderBy: [{ kind: "asc" }],
    });
    const uplift = lines.filter((l) => l.kind === "UPLIFT").map((l) => [l.org.name, l.label, Number(l.amountMinor)]);
    // $100,000 × 5% split by credit (Acme 44.45%, Globex 55.55% of the partners' credit).
    expect(uplift.map((u) => u[1])).toEqual(["co-sell bonus uplift (2026-Q4)", "co-sell bonus uplift (2026-Q4)"]);
    expect(uplift.reduce((s, u) => s + Number(u[2]), 0)).toBe(500_000);
    const record = await db.prisma.attributionRecord.findFirstOrThrow({ where: { dealId: next.dealId } });
    const pool = (record.result as { pool: { amountMinor: number } }).pool.amountMinor;
    expect(lines.filter((l) => l.kind === "COMMISSION").reduce((s, l) => s + Number(l.amountMinor), 0)).toBe(pool);
    expect(pool).toBe(3_250_000);
  });
});
