import { describe, expect, it } from "vitest";
import { DEFAULT_ATTRIBUTION_CONFIG, ROLES, TOUCHPOINT_TYPES } from "../../../src/features/attribution/engine";
import { bpToPercentText, configChanges, parsePercentToBp } from "../../../src/features/attribution/config-rules";
import { buildAttributionConfigModal, CONFIG_INPUT_BLOCKS, readAttributionConfigForm } from "../../../src/features/attribution/config-modal";
import { ATTRIBUTION_CONFIG_BLOCK as B } from "../../../src/platform/slack/ids";

const info = { config: DEFAULT_ATTRIBUTION_CONFIG, createdBy: "system", createdAt: new Date("2026-01-01T00:00:00Z") };

/** The modal's initial values, as Slack would submit them untouched. */
function initialValues(): Record<string, string | null> {
  const modal = buildAttributionConfigModal(info);
  const out: Record<string, string | null> = {};
  for (const b of modal.blocks as { type: string; block_id?: string; element?: { initial_value?: string; initial_option?: { value: string } } }[]) {
    if (b.type !== "input" || !b.block_id) continue;
    out[b.block_id] = b.element?.initial_value ?? b.element?.initial_option?.value ?? null;
  }
  return out;
}

describe("attribution config editor", () => {
  it("is prefilled from the version in force, one input per role and touchpoint type", () => {
    const v = initialValues();
    expect(Object.keys(v)).toEqual([...CONFIG_INPUT_BLOCKS]);
    expect(v[`${B.rolePrefix}SELLING`]).toBe("40");
    expect(v[B.sellThroughPrimary]).toBe("70");
    expect(v[`${B.weightPrefix}DEMO`]).toBe("1");
    expect(v[B.soloPoolRate]).toBe("20");
    expect(v[B.coSellPoolRate]).toBe("27.5");
    expect(v[B.currency]).toBe("USD");
    // + the incentives: rate mode, 4 ladder rates, co-sell uplift, 4 bonus inputs, 3 per tier
    expect(CONFIG_INPUT_BLOCKS).toHaveLength(ROLES.length + TOUCHPOINT_TYPES.length + 4 + 1 + 4 + 1 + 4 + 9);
    const modal = buildAttributionConfigModal(info);
    expect(JSON.parse(modal.private_metadata!)).toEqual({ baseVersion: 1 });
    expect(modal.blocks.length).toBeLessThanOrEqual(100);
  });

  it("reads the untouched form back into the same config", () => {
    const r = readAttributionConfigForm(initialValues(), 1);
    expect(r).toEqual({ ok: true, config: DEFAULT_ATTRIBUTION_CONFIG });
  });

  it("puts the sum message under every role input", () => {
    const v = { ...initialValues(), [`${B.rolePrefix}SELLING`]: "35" };
    const r = readAttributionConfigForm(v, 1);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    for (const role of ROLES) expect(r.errors[`${B.rolePrefix}${role}`]).toBe("Role percentages add up to 95, they must add up to 100");
    expect(Object.keys(r.errors)).toHaveLength(ROLES.length);
  });

  it("gives each field its own message", () => {
    const v = {
      ...initialValues(),
      [`${B.rolePrefix}SOURCING`]: "",
      [B.sellThroughPrimary]: "85",
      [`${B.weightPrefix}POC`]: "2.5",
      [B.soloPoolRate]: "30",
      [B.coSellPoolRate]: "27.555",
    };
    const r = readAttributionConfigForm(v, 1);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[`${B.rolePrefix}SOURCING`]).toBe("The percentage for SOURCING is missing");
    expect(r.errors[B.sellThroughPrimary]).toMatch(/from 60 to 80 \(got 85\)/);
    expect(r.errors[`${B.weightPrefix}POC`]).toMatch(/whole number from 0 to 100 \(got 2.5\)/);
    expect(r.errors[B.coSellPoolRate]).toMatch(/at most 2 decimals/);
    expect(r.errors[B.soloPoolRate]).toBeUndefined();
  });

  it("checks the co-sell rate against the solo rate", () => {
    const r = readAttributionConfigForm({ ...initialValues(), [B.soloPoolRate]: "30", [B.coSellPoolRate]: "25" }, 1);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[B.coSellPoolRate]).toBe("The co-sell pool rate (25.00%) must be at least the solo pool rate (30.00%)");
  });

  it("percentages become basis points exactly", () => {
    expect(parsePercentToBp("27.5")).toEqual({ ok: true, bp: 2750 });
    expect(parsePercentToBp("27,55")).toEqual({ ok: true, bp: 2755 });
    expect(parsePercentToBp("0.01")).toEqual({ ok: true, bp: 1 });
    expect(parsePercentToBp("20%")).toEqual({ ok: true, bp: 2000 });
    expect(parsePercentToBp("100")).toEqual({ ok: true, bp: 10000 });
    expect(parsePercentToBp("27.50")).toEqual({ ok: true, bp: 2750 });
    expect(parsePercentToBp("100.01").ok).toBe(false);
    expect(parsePercentToBp("-1").ok).toBe(false);
    expect(parsePercentToBp("").ok).toBe(false);
    expect(bpToPercentText(2750)).toBe("27.5");
    expect(bpToPercentText(2000)).toBe("20");
    expect(bpToPercentText(1)).toBe("0.01");
  });

  it("lists what changed", () => {
    const after = {
      ...DEFAULT_ATTRIBUTION_CONFIG,
      version: 2,
      rolePercents: { ...DEFAULT_ATTRIBUTION_CONFIG.rolePercents, SOURCING: 30, SELLING: 30 },
      coSellPoolRateBp: 3000,
    };
    expect(configChanges(DEFAULT_ATTRIBUTION_CONFIG, after)).toEqual(["SOURCING 20% → 30%", "SELLING 40% → 30%", "co-sell pool rate 27.50% → 30.00%"]);
    expect(configChanges(DEFAULT_ATTRIBUTION_CONFIG, { ...DEFAULT_ATTRIBUTION_CONFIG, version: 7 })).toEqual([]);
  });
});
