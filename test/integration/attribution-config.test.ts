import { describe, expect, it } from "vitest";
import { DEFAULT_ATTRIBUTION_CONFIG, type AttributionConfig, type AttributionResult } from "../../src/features/attribution/engine";
import { CSV_HEADER, parseCsv } from "../../src/features/attribution/export-rules";
import { currentAttributionConfig, saveAttributionConfig } from "../../src/features/attribution/config";
import { buildAttributionExport } from "../../src/features/attribution/export";
import { changeStage } from "../../src/features/stages/change-stage";
import { createDeal } from "../support/deals";
import { useTestDb } from "../support/fixtures";

const AT = new Date("2026-11-16T10:00:00Z");
const v2Config = (base: AttributionConfig): AttributionConfig => ({ ...base, rolePercents: { ...base.rolePercents, SOURCING: 30, SELLING: 30 } });

const { db, p } = useTestDb({ seed: true });

describe("attribution config versions", () => {
  const counts = async () => ({
    versions: await db.prisma.attributionConfigVersion.count(),
    audits: await db.prisma.auditEvent.count({ where: { action: "attribution.config.change" } }),
    pointer: (await db.prisma.program.findUniqueOrThrow({ where: { id: 1 } })).attributionVersion,
  });

  it("an unchanged config writes nothing", async () => {
    const before = await counts();
    const r = await saveAttributionConfig(db.prisma, { config: { ...DEFAULT_ATTRIBUTION_CONFIG }, baseVersion: 1, actor: "U_ADMIN", now: AT });
    expect(r).toEqual({ kind: "unchanged", version: 1 });
    expect(await counts()).toEqual(before);
  });

  it("a deal registered before a change keeps v1; its attribution at close uses v1's values; a later deal uses v2", async () => {
    const early = await createDeal(db.prisma, p, { now: new Date("2026-11-02T09:00:00Z") });

    const saved = await saveAttributionConfig(db.prisma, { config: v2Config(DEFAULT_ATTRIBUTION_CONFIG), baseVersion: 1, actor: "U_ADMIN", now: AT });
    expect(saved).toEqual({ kind: "saved", version: 2, previousVersion: 1, changes: ["SOURCING 20% → 30%", "SELLING 40% → 30%"] });
    expect(await counts()).toEqual({ versions: 2, audits: 1, pointer: 2 });
    const row = await db.prisma.attributionConfigVersion.findUniqueOrThrow({ where: { version: 2 } });
    expect(row.createdBy).toBe("U_ADMIN");
    expect((row.config as unknown as AttributionConfig).rolePercents.SOURCING).toBe(30);
    // Version 1 is untouched.
    expect((await db.prisma.attributionConfigVersion.findUniqueOrThrow({ where: { version: 1 } })).config).toMatchObject({ rolePercents: { SOURCING: 20 } });
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "attribution.config.change" } });
    expect(audit).toMatchObject({ actor: "U_ADMIN", detail: { from: 1, to: 2 } });
    expect((await currentAttributionConfig(db.prisma)).config.version).toBe(2);

    const late = await createDeal(db.prisma, p, { now: new Date("2026-11-16T11:00:00Z") });
    expect((await db.prisma.deal.findUniqueOrThrow({ where: { id: early.dealId } })).configVersion).toBe(1);
    expect((await db.prisma.deal.findUniqueOrThrow({ where: { id: late.dealId } })).configVersion).toBe(2);

    for (const d of [early, late]) {
      const r = await changeStage(db.prisma, {
        dealId: d.dealId,
        to: "CLOSED_WON",
        by: "U_REP",
        isAdmin: false,
        confirmedGaps: true,
        now: new Date("2026-11-20T12:00:00Z"),
      });
      expect(r.ok).toBe(true);
    }
    const credit = async (dealId: string) => {
      const rec = await db.prisma.attributionRecord.findFirstOrThrow({ where: { dealId } });
      const result = rec.result as unknown as AttributionResult;
      return { version: rec.configVersion, credits: Object.fromEntries(result.credits.map((c) => [c.orgName, c.creditBp])) };
    };
    // Acme: SOURCING + TECHNICAL_VALIDATION, us: SELLING; INFLUENCE not held (its 15 spread pro rata over 85).
    // v1: Acme 45/85 = 52.94%, us 40/85 = 47.06%. v2: Acme 55/85 = 64.71%, us 30/85 = 35.29%.
    expect(await credit(early.dealId)).toEqual({ version: 1, credits: { "Acme Data": 5294, Ourco: 4706 } });
    expect(await credit(late.dealId)).toEqual({ version: 2, credits: { "Acme Data": 6471, Ourco: 3529 } });

    const exp = await buildAttributionExport(db.prisma, { period: "2026-11", now: AT });
    const rows = parseCsv(exp.csv);
    expect(rows[0]).toEqual([...CSV_HEADER]);
    const v = CSV_HEADER.indexOf("config_version");
    expect(rows.slice(1).map((r) => r[v])).toEqual(["1", "1", "2", "2"]);
  });

  it("an invalid config writes nothing", async () => {
    const before = await counts();
    const bad = { ...DEFAULT_ATTRIBUTION_CONFIG, rolePercents: { ...DEFAULT_ATTRIBUTION_CONFIG.rolePercents, SELLING: 35 } };
    await expect(saveAttributionConfig(db.prisma, { config: bad, baseVersion: before.pointer, actor: "U_ADMIN", now: AT })).rejects.toThrow(/add up to 95/);
    expect(await counts()).toEqual(before);
  });

  it("an editor opened on an old version saves nothing (conflict)", async () => {
    const before = await counts();
    const r = await saveAttributionConfig(db.prisma, {
      config: { ...DEFAULT_ATTRIBUTION_CONFIG, sellThroughPrimaryPercent: 75 },
      baseVersion: 1,
      actor: "U_OTHER",
      now: AT,
    });
    expect(r).toEqual({ kind: "conflict", currentVersion: 2, createdBy: "U_ADMIN" });
    expect(await counts()).toEqual(before);
  });

  it("two admins saving at once: one version each time, never two with the same number", async () => {
    const base = (await currentAttributionConfig(db.prisma)).config;
    const [a, b] = await Promise.all([
      saveAttributionConfig(db.prisma, { config: { ...base, sellThroughPrimaryPercent: 65 }, baseVersion: base.version, actor: "U_A", now: AT }),
      saveAttributionConfig(db.prisma, { config: { ...base, sellThroughPrimaryPercent: 75 }, baseVersion: base.version, actor: "U_B", now: AT }),
    ]);
    expect([a.kind, b.kind].sort()).toEqual(["conflict", "saved"]);
    const now = await counts();
    expect(now.versions).toBe(3);
    expect(now.pointer).toBe(3);
  });
});
